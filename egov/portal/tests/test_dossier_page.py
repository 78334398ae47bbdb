"""The applicant's dossier page: timeline, supplement answered online, withdrawal, rating slot."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.docstore.actions import store_document
from egov.docstore.models import DocumentUse, StoredDocument
from egov.dossiers import actions as dossier_actions
from egov.dossiers.models import Dossier
from egov.portal.tests.conftest import PDF, PNG
from egov.portal.tests.helpers import bring_to_result_ready, submit_online

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world, free_service):  # type: ignore[no-untyped-def]
    return submit_online(world, free_service)


def _page(client, dossier) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/my/dossiers/{dossier.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_code_the_status_and_the_timeline(client, world, dossier) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    page = _page(client, dossier)
    assert dossier.code in page
    assert "Chờ tiếp nhận" in page
    dossier_actions.accept_dossier(acting_user=world.clerk, dossier=dossier.code)
    page = _page(client, dossier)
    assert "Tiếp nhận" in page
    assert "Ngày hẹn trả" in page


def test_a_supplement_is_answered_online_with_a_new_file_and_one_from_the_store(
    client, world, dossier
) -> None:  # type: ignore[no-untyped-def]
    dossier_actions.request_supplement(
        acting_user=world.clerk,
        dossier=dossier.code,
        other_items=["Bản sao giấy chứng nhận quyền sử dụng đất"],
        reason="Thiếu giấy tờ về đất",
    )
    kept = store_document(
        acting_user=world.citizen, content=PNG, filename="so-do.png", title="Sổ đỏ"
    )
    client.force_login(world.citizen)
    page = _page(client, dossier)
    assert "Bản sao giấy chứng nhận quyền sử dụng đất" in page
    assert "Thiếu giấy tờ về đất" in page
    assert f'value="{kept.pk}"' in page

    response = client.post(
        f"/my/dossiers/{dossier.code}/supplement/",
        {
            "title_0": "Giấy chứng nhận QSDĐ",
            "file_0": SimpleUploadedFile("gcn.pdf", PDF + b"gcn", content_type="application/pdf"),
            "pick": [str(kept.pk)],
            "note": "Đã bổ sung",
        },
    )
    assert response["Location"] == f"/my/dossiers/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == "submitted"
    added = dossier.documents.filter(supplement_round=1)
    assert {d.name for d in added} == {"Giấy chứng nhận QSDĐ", "Sổ đỏ"}
    assert StoredDocument.objects.filter(owner=world.citizen, title="Giấy chứng nhận QSDĐ").exists()
    assert DocumentUse.objects.filter(dossier=dossier, document=kept).exists()


def test_a_bad_supplement_file_is_named_next_to_its_field_and_nothing_is_sent(
    client, world, dossier
) -> None:  # type: ignore[no-untyped-def]
    dossier_actions.request_supplement(
        acting_user=world.clerk, dossier=dossier.code, other_items=["Bản vẽ"]
    )
    client.force_login(world.citizen)
    response = client.post(
        f"/my/dossiers/{dossier.code}/supplement/",
        {"file_1": SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "field-error" in page and "PDF, JPEG" in page
    dossier.refresh_from_db()
    assert dossier.status == "incomplete"
    empty = client.post(f"/my/dossiers/{dossier.code}/supplement/", {})
    assert empty.status_code == 422
    assert "Hãy đính kèm ít nhất một giấy tờ" in empty.content.decode()


def test_the_applicant_withdraws_the_dossier(client, world, dossier) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    assert "Rút hồ sơ này" in _page(client, dossier)
    assert client.get(f"/my/dossiers/{dossier.code}/withdraw/").status_code == 200
    response = client.post(
        f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "Không còn nhu cầu"}
    )
    assert response["Location"] == f"/my/dossiers/{dossier.code}/"
    dossier.refresh_from_db()
    assert dossier.status == "withdrawn"
    assert "Rút hồ sơ này" not in _page(client, dossier)


def test_the_rating_slot_appears_once_the_result_is_returned(client, world, dossier) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    assert 'id="rating"' not in _page(client, dossier)
    bring_to_result_ready(world, dossier)
    dossier_actions.return_result(acting_user=world.clerk, dossier=dossier.code, method="desk")
    assert 'id="rating"' in _page(client, dossier)


def test_someone_elses_dossier_is_not_found(client, world, dossier) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen2)
    for path in ("", "withdraw/", "result.pdf"):
        assert client.get(f"/my/dossiers/{dossier.code}/{path}").status_code == 404
    assert client.post(f"/my/dossiers/{dossier.code}/withdraw/").status_code == 404
    assert client.post(f"/my/dossiers/{dossier.code}/supplement/").status_code == 404
    # Staff follow it on their own pages, not the applicant's.
    client.force_login(world.clerk)
    assert client.get(f"/my/dossiers/{dossier.code}/").status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == "submitted"


def test_my_page_lists_drafts_and_dossiers(client, world, dossier, service) -> None:  # type: ignore[no-untyped-def]
    from egov.portal.actions import start_application

    start_application(acting_user=world.citizen, procedure=service)
    client.force_login(world.citizen)
    page = client.get("/my/").content.decode()
    assert dossier.code in page
    assert "Bản nháp" in page
    home = client.get("/").content.decode()
    assert "Nộp hồ sơ trực tuyến" in home
