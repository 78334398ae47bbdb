"""Results returned online: the deciding body attaches the PDF, the desk returns it online, it
lands in the applicant's document store; without a file a notice of the result is sent."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.docstore.models import StoredDocument
from egov.dossiers import actions as dossier_actions
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied
from egov.portal.actions import attach_result_file
from egov.portal.models import DossierResult
from egov.portal.tests.conftest import PDF, PNG
from egov.portal.tests.helpers import bring_to_result_ready, submit_online

pytestmark = pytest.mark.django_db

RESULT = b"%PDF-1.7\n% giay phep xay dung 12/GPXD\n%%EOF\n"


@pytest.fixture
def dossier(world, free_service):  # type: ignore[no-untyped-def]
    return bring_to_result_ready(world, submit_online(world, free_service))


def test_the_result_attached_by_the_body_lands_in_the_applicants_store(
    client, world, dossier
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist)
    response = client.post(
        f"/staff/results/{dossier.code}/",
        {"file": SimpleUploadedFile("gpxd.pdf", RESULT, content_type="application/pdf")},
    )
    assert response.status_code == 302
    client.force_login(world.citizen)
    assert "Tải kết quả (PDF)" not in client.get(f"/my/dossiers/{dossier.code}/").content.decode()

    dossier_actions.return_result(acting_user=world.clerk, dossier=dossier.code, method="online")
    [kept] = StoredDocument.objects.filter(owner=world.citizen, kind="result")
    assert kept.source == dossier.code
    assert kept.file.read() == RESULT
    page = client.get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert "Tải kết quả (PDF)" in page
    download = client.get(f"/my/dossiers/{dossier.code}/result.pdf")
    assert b"".join(download.streaming_content) == RESULT
    assert "Kết quả hồ sơ" in client.get("/my/documents/").content.decode()


def test_without_a_file_a_notice_of_the_recorded_result_is_returned(world, dossier) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    dossier_actions.return_result(acting_user=world.clerk, dossier=dossier.code, method="online")
    result = DossierResult.objects.get(dossier=dossier)
    assert result.generated
    [kept] = StoredDocument.objects.filter(owner=world.citizen, kind="result")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(kept.file.read())).pages)
    assert "THÔNG BÁO KẾT QUẢ GIẢI QUYẾT HỒ SƠ" in text
    assert "12/GPXD" in text and dossier.code in text


def test_a_result_returned_at_the_desk_is_not_put_in_the_store(world, dossier) -> None:  # type: ignore[no-untyped-def]
    dossier_actions.return_result(acting_user=world.clerk, dossier=dossier.code, method="desk")
    assert not StoredDocument.objects.filter(kind="result").exists()


def test_only_the_deciding_body_or_the_desk_attaches_a_pdf_result_while_it_is_expected(
    world, free_service
) -> None:  # type: ignore[no-untyped-def]
    fresh = submit_online(world, free_service)
    with pytest.raises(Conflict):
        attach_result_file(
            acting_user=world.clerk, dossier=fresh.code, content=RESULT, filename="a.pdf"
        )
    dossier = bring_to_result_ready(world, fresh)
    with pytest.raises(PermissionDenied):
        attach_result_file(
            acting_user=world.citizen, dossier=dossier.code, content=RESULT, filename="a.pdf"
        )
    with pytest.raises(NotFound):
        attach_result_file(
            acting_user=world.outsider, dossier=dossier.code, content=RESULT, filename="a.pdf"
        )
    with pytest.raises(InvalidInput) as caught:
        attach_result_file(
            acting_user=world.clerk, dossier=dossier.code, content=PNG, filename="a.png"
        )
    assert "file" in caught.value.errors
    attach_result_file(acting_user=world.clerk, dossier=dossier.code, content=PDF, filename="a.pdf")
    attach_result_file(
        acting_user=world.leader, dossier=dossier.code, content=RESULT, filename="b.pdf"
    )
    assert DossierResult.objects.get(dossier=dossier).sha256 != ""


def test_the_workspace_lists_results_to_attach_and_the_page_names_a_bad_file(
    client, world, dossier
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist)
    assert f"/staff/results/{dossier.code}/" in client.get("/ws/").content.decode()
    response = client.post(
        f"/staff/results/{dossier.code}/",
        {"file": SimpleUploadedFile("a.png", PNG, content_type="image/png")},
    )
    assert response.status_code == 422
    assert 'id="result-error"' in response.content.decode()
    client.force_login(world.citizen)
    assert client.get(f"/staff/results/{dossier.code}/").status_code == 404


def test_the_api_attaches_the_result(client, world, dossier) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist)
    response = client.post(
        f"/api/v1/portal/dossiers/{dossier.code}/result",
        {"file": SimpleUploadedFile("a.pdf", RESULT, content_type="application/pdf")},
    )
    assert response.status_code == 201
    client.force_login(world.citizen2)
    other = client.post(
        f"/api/v1/portal/dossiers/{dossier.code}/result",
        {"file": SimpleUploadedFile("a.pdf", RESULT, content_type="application/pdf")},
    )
    assert other.status_code == 404
