"""The desk and the workspace in the browser's terms: HTML pages, plain forms, redirects."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from egov.dossiers.models import Dossier, DossierForm
from egov.dossiers.tests.factories import PDF, dossier_in, register, walk_in
from egov.testing.world import World

pytestmark = pytest.mark.usefixtures("at_monday_morning")


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload(name: str = "scan.pdf", content: bytes = PDF) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_the_desk_finds_procedures_without_diacritics(world: World, permit: Any) -> None:
    page = _client(world.clerk).get(reverse("dossiers:desk"), {"q": "giay phep xay dung"})
    assert page.status_code == 200
    assert permit.name in page.content.decode()
    assert reverse("dossiers:register", args=[permit.code]) in page.content.decode()
    nothing = _client(world.clerk).get(reverse("dossiers:desk"), {"q": "ho chieu"})
    assert permit.name not in nothing.content.decode()


def test_only_one_stop_clerks_have_a_desk(world: World, permit: Any) -> None:
    assert _client(world.specialist).get(reverse("dossiers:desk")).status_code == 404
    url = reverse("dossiers:register", args=[permit.code])
    assert _client(world.specialist).get(url).status_code == 404


def _register_form(permit: Any, **overrides: Any) -> dict[str, Any]:
    documents = list(permit.documents.all())
    data: dict[str, Any] = {
        "kind": "citizen",
        "name": "Võ Văn Tám",
        "personal_id": "082080003333",
        "address": "10 Nguyễn Huệ, Phường 1, TP. Mỹ Tho",
        "phone": "0903000333",
        "email": "",
        "channel": "desk",
        "return_method": "desk",
        "return_address": "",
    }
    for document in documents:
        data[f"sets_{document.pk}"] = 1
    for document in documents[:2]:
        data[f"doc_{document.pk}"] = "on"
        data[f"file_{document.pk}"] = _upload()
    data.update(overrides)
    return data


def test_a_clerk_registers_a_walk_in_applicant_with_scans_and_lands_on_the_dossier(
    world: World, permit: Any
) -> None:
    client = _client(world.clerk)
    response = client.post(reverse("dossiers:register", args=[permit.code]), _register_form(permit))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == dossier.get_absolute_url()
    assert dossier.applicant_name == "Võ Văn Tám"
    assert dossier.documents.exclude(file="").count() == 2
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Every mandatory document has been handed in." in page or "Đã nộp đủ" in page
    assert reverse("dossiers:action", args=[dossier.code, "accept"]) in page


def test_a_bad_personal_id_is_shown_next_to_the_field_and_nothing_is_registered(
    world: World, permit: Any
) -> None:
    response = _client(world.clerk).post(
        reverse("dossiers:register", args=[permit.code]),
        _register_form(permit, personal_id="12345"),
    )
    assert response.status_code == 422
    assert 'id="id_personal_id_error"' in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_at_the_desk(
    world: World, permit: Any
) -> None:
    first = permit.documents.first()
    response = _client(world.clerk).post(
        reverse("dossiers:register", args=[permit.code]),
        _register_form(permit, **{f"file_{first.pk}": _upload("x.pdf", b"MZ\x90\x00 not a pdf")}),
    )
    assert response.status_code == 422
    assert not Dossier.objects.exists()


def test_accepting_at_the_desk_issues_form_01_and_links_it(world: World, permit: Any) -> None:
    dossier = register(world, permit)
    client = _client(world.clerk)
    response = client.post(reverse("dossiers:action", args=[dossier.code, "accept"]), {"note": ""})
    assert response.status_code == 302
    form = DossierForm.objects.get(dossier=dossier, number="01")
    page = client.get(dossier.get_absolute_url()).content.decode()
    record_url = reverse("dossiers:form", args=[dossier.code, form.pk])
    assert record_url in page
    record = client.get(record_url).content.decode()
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in record
    assert "16/03/2026" in record


def test_one_supplement_notice_lists_everything_missing(world: World, permit: Any) -> None:
    dossier = register(world, permit, documents=[])
    client = _client(world.clerk)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Đơn đề nghị" in page and "Bản vẽ thiết kế" in page
    missing = [d.pk for d in permit.documents.filter(mandatory=True)]
    response = client.post(
        reverse("dossiers:action", args=[dossier.code, "request_supplement"]),
        {"missing_documents": missing, "other_items": "Bản sao CCCD\n", "reason": "Thiếu"},
    )
    assert response.status_code == 302
    form = DossierForm.objects.get(dossier=dossier, number="02")
    assert form.data["missing"] == ["Đơn đề nghị", "Bản vẽ thiết kế", "Bản sao CCCD"]


def test_the_dossier_page_shows_only_the_actions_the_user_may_take(
    world: World, permit: Any
) -> None:
    dossier = dossier_in("in_processing", world, permit)
    specialist_page = _client(world.specialist).get(dossier.get_absolute_url()).content.decode()
    for action in ("complete_step", "consult", "pause", "request_supplement", "assign"):
        assert reverse("dossiers:action", args=[dossier.code, action]) in specialist_page
    for action in ("accept", "approve", "apologise_and_reschedule", "withdraw"):
        assert reverse("dossiers:action", args=[dossier.code, action]) not in specialist_page
    citizen_page = _client(world.citizen).get(dossier.get_absolute_url()).content.decode()
    assert reverse("dossiers:action", args=[dossier.code, "withdraw"]) in citizen_page
    assert reverse("dossiers:action", args=[dossier.code, "complete_step"]) not in citizen_page


def test_a_forbidden_action_posted_anyway_changes_nothing(world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    response = _client(world.citizen).post(
        reverse("dossiers:action", args=[dossier.code, "complete_step"]), {}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).status == "in_processing"


def test_a_specialist_completes_a_step_from_the_workspace(world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    client = _client(world.specialist)
    queue = client.get(reverse("dossiers:list")).content.decode()
    assert dossier.code in queue
    step = dossier.steps.get(status="open")
    response = client.post(
        reverse("dossiers:action", args=[dossier.code, "complete_step"]),
        {"step": step.pk, "note": "Đủ điều kiện"},
    )
    assert response.status_code == 302
    assert dossier.steps.get(pk=step.pk).status == "completed"
    assert dossier.code not in client.get(reverse("dossiers:list")).content.decode()


def test_invalid_action_input_is_shown_on_the_action_page(world: World, permit: Any) -> None:
    dossier = dossier_in("submitted", world, permit)
    response = _client(world.clerk).post(
        reverse("dossiers:action", args=[dossier.code, "refuse"]), {"reason": ""}
    )
    assert response.status_code == 422
    assert "field-error" in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).status == "submitted"


def test_nobody_outside_the_dossier_reaches_its_pages_or_files(world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    document = dossier.documents.exclude(file="").first()
    form = dossier.forms.get()
    urls = [
        dossier.get_absolute_url(),
        reverse("dossiers:action", args=[dossier.code, "withdraw"]),
        reverse("dossiers:document", args=[dossier.code, document.pk]),
        reverse("dossiers:form", args=[dossier.code, form.pk]),
    ]
    for user in (world.outsider, world.citizen2):
        for url in urls:
            assert _client(user).get(url).status_code == 404, (user, url)
    scan = _client(world.citizen).get(urls[2])
    assert scan.status_code == 200
    assert scan["Content-Type"] == "application/pdf"
    assert b"".join(scan.streaming_content) == PDF


def test_queues_filter_and_search_without_diacritics(world: World, permit: Any) -> None:
    register(world, permit, applicant=walk_in(name="Lê Thị Hồng", personal_id="082185002222"))
    register(world, permit)
    client = _client(world.clerk)
    found = client.get(reverse("dossiers:list"), {"scope": "agency", "q": "hong"}).content.decode()
    assert "Lê Thị Hồng" in found
    assert "Nguyễn Văn An" not in found
    by_status = client.get(
        reverse("dossiers:list"), {"scope": "agency", "status": "in_processing"}
    ).content.decode()
    assert "Lê Thị Hồng" not in by_status


def test_the_queue_page_costs_the_same_queries_for_one_dossier_or_many(
    world: World, permit: Any, django_assert_num_queries: Any
) -> None:
    client = _client(world.clerk)
    register(world, permit)
    client.get(reverse("dossiers:list"))  # warm the per-process calendar cache
    # session, user, memberships, count, page, open steps of the page's dossiers
    with django_assert_num_queries(6):
        client.get(reverse("dossiers:list"))
    for _ in range(6):
        register(world, permit)
    with django_assert_num_queries(6):
        response = client.get(reverse("dossiers:list"))
    codes = set(re.findall(r"000\.01\.01\.H58-260302-\d{4}", response.content.decode()))
    assert len(codes) == 7


def test_the_workspace_and_the_citizen_page_show_dossier_panels(world: World, permit: Any) -> None:
    dossier = dossier_in("submitted", world, permit)
    workspace = _client(world.clerk).get(reverse("workspace")).content.decode()
    assert dossier.code in workspace
    assert reverse("dossiers:desk") in workspace
    home = _client(world.citizen).get(reverse("home")).content.decode()
    assert dossier.code in home


def test_administrators_read_dossiers_in_admin_but_cannot_change_them(
    world: World, permit: Any
) -> None:
    from egov.accounts.models import User

    dossier = dossier_in("in_processing", world, permit)
    admin = User.objects.create_superuser("root", "root@example.vn", "x-Pass-2026")
    client = _client(admin)
    listing = client.get("/admin/dossiers/dossier/")
    assert listing.status_code == 200
    assert dossier.code in listing.content.decode()
    page = client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/")
    assert page.status_code == 200
    assert "Thẩm định" in page.content.decode()
    assert client.post(f"/admin/dossiers/dossier/{dossier.pk}/delete/").status_code == 403


def test_a_citizen_submits_online_on_the_web_with_the_identity_of_the_account(
    world: World, permit: Any
) -> None:
    client = _client(world.citizen)
    url = reverse("dossiers:register", args=[permit.code])
    page = client.get(url).content.decode()
    assert 'name="personal_id"' not in page
    data = _register_form(permit, return_method="online")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert (dossier.channel, dossier.applicant, dossier.applicant_personal_id) == (
        "online",
        world.citizen,
        "082090001234",
    )


def test_procedures_with_an_application_form_are_submitted_online_through_the_api(
    world: World, permit: Any
) -> None:
    permit.application_form = {
        "version": 1,
        "fields": [{"name": "purpose", "type": "text", "label": "Mục đích", "required": True}],
    }
    permit.save()
    url = reverse("dossiers:register", args=[permit.code])
    assert _client(world.citizen).get(url).status_code == 404


def test_the_unit_head_assigns_a_step_to_someone_who_may_hold_it(world: World, permit: Any) -> None:
    dossier = dossier_in("in_processing", world, permit)
    client = _client(world.unit_head)
    page = client.get(dossier.get_absolute_url()).content.decode()
    assert "Phạm Văn Dũng" in page
    assert "Đặng Văn Hải" not in page  # Sở Tư pháp
    step = dossier.steps.get(status="open")
    response = client.post(
        reverse("dossiers:action", args=[dossier.code, "assign"]),
        {"step": step.pk, "assignee": world.specialist.username},
    )
    assert response.status_code == 302
    assert dossier.steps.get(pk=step.pk).assignee == world.specialist
