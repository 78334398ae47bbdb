"""The web pages: only the allowed steps are offered, and each works; other agencies get 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.documents.models import Document, Status
from egov.documents.tests.factories import draft, incoming_in, outgoing_in
from egov.lib.workdays import VIETNAM

pytestmark = pytest.mark.django_db


def _buttons(response) -> set[str]:  # type: ignore[no-untyped-def]
    html = response.content.decode()
    return {name for name in ["submit", "approve", "return", "sign", "issue", "send", "cancel",
                              "revoke", "assign", "start", "complete"]
            if f"/actions/{name}/" in html}  # fmt: skip


@pytest.mark.parametrize(
    ("person", "status", "expected"),
    [
        ("specialist", Status.DRAFT, {"submit", "cancel"}),
        ("unit_head", Status.IN_REVIEW, {"approve", "return", "cancel"}),
        ("leader", Status.APPROVED, {"sign", "return"}),
        ("document_clerk", Status.SIGNED, {"issue"}),
        ("document_clerk", Status.ISSUED, {"send"}),
        ("specialist", Status.SIGNED, set()),
        ("leader", Status.SENT, {"revoke"}),
    ],
)
def test_the_document_page_offers_only_the_readers_steps(
    client, world, person, status, expected
) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, status)
    client.force_login(getattr(world, person))
    response = client.get(doc.get_absolute_url())
    assert response.status_code == 200
    assert _buttons(response) == expected


def test_incoming_steps_on_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = incoming_in(world, Status.REGISTERED)
    client.force_login(world.leader)
    assert _buttons(client.get(doc.get_absolute_url())) == {"assign"}
    client.force_login(world.specialist)
    assert _buttons(client.get(doc.get_absolute_url())) == set()


def test_taking_a_step_from_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.APPROVED)
    client.force_login(world.leader)
    response = client.post(
        reverse("documents:action", args=[doc.pk, "sign"]),
        {"sign-authority": "KT.", "sign-on_behalf_of": "Giám đốc", "sign-position": "Phó Giám đốc"},
        follow=True,
    )
    assert response.status_code == 200
    doc.refresh_from_db()
    assert doc.status == Status.SIGNED
    assert doc.signer_competence == "KT. GIÁM ĐỐC"
    assert "KT. GIÁM ĐỐC" in response.content.decode()


def test_a_step_that_is_not_allowed_shows_an_error_and_changes_nothing(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.APPROVED)
    client.force_login(world.document_clerk)
    response = client.post(reverse("documents:action", args=[doc.pk, "issue"]), {}, follow=True)
    doc.refresh_from_db()
    assert doc.status == Status.APPROVED
    assert "không" in response.content.decode().lower()  # the Vietnamese explanation


def test_a_step_with_missing_input_names_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.IN_REVIEW)
    client.force_login(world.unit_head)
    response = client.post(reverse("documents:action", args=[doc.pk, "return"]), {}, follow=True)
    doc.refresh_from_db()
    assert doc.status == Status.IN_REVIEW
    assert "Lý do" in response.content.decode()


def test_assigning_from_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = incoming_in(world, Status.REGISTERED)
    client.force_login(world.leader)
    client.post(
        reverse("documents:action", args=[doc.pk, "assign"]),
        {
            "assign-unit": world.construction_unit.pk,
            "assign-assignee": world.specialist.pk,
            "assign-deadline": "2026-12-30",
        },
    )
    doc.refresh_from_db()
    assert (doc.status, doc.assignee, doc.due_date) == (
        Status.ASSIGNED,
        world.specialist,
        dt.date(2026, 12, 30),
    )


@pytest.mark.parametrize("name", ["detail", "edit"])
def test_another_agencys_document_pages_are_404(client, world, name) -> None:  # type: ignore[no-untyped-def]
    doc = draft(world)
    client.force_login(world.outsider)
    assert client.get(reverse(f"documents:{name}", args=[doc.pk])).status_code == 404
    response = client.post(reverse("documents:action", args=[doc.pk, "submit"]), {})
    assert response.status_code == 404
    assert client.post(reverse("documents:attach", args=[doc.pk]), {}).status_code == 404


def test_files_download_only_inside_the_agency(client, world) -> None:  # type: ignore[no-untyped-def]
    from egov.documents.tests.factories import pdf_file

    doc = draft(world, file=pdf_file())
    version = doc.versions.get()
    url = reverse("documents:file", args=[doc.pk, "version", version.pk])
    client.force_login(world.specialist)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("documents:file", args=[doc.pk, "signed", 0])).status_code == 404
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404


def test_drafting_from_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist)
    assert client.get(reverse("documents:create")).status_code == 200
    response = client.post(
        reverse("documents:create"),
        {
            "agency": world.construction.pk,
            "doc_type": "cong_van",
            "subject": "V/v hướng dẫn hồ sơ cấp phép",
            "priority": "0",
            "local_recipients": [world.justice.pk],
            "remote_recipients": "000.00.00.H30 | UBND tỉnh Hậu Giang",
            "to_places": "Như trên\nLưu: VT, QLXD",
            "file": SimpleUploadedFile("du-thao.pdf", b"%PDF-1.4 du thao", "application/pdf"),
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == doc.get_absolute_url()
    assert doc.to_places == ["Như trên", "Lưu: VT, QLXD"]
    assert sorted(r.channel for r in doc.recipients.all()) == ["edxml", "local"]
    assert doc.versions.get().file_name == "du-thao.pdf"


def test_a_bad_draft_shows_the_error_next_to_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist)
    response = client.post(
        reverse("documents:create"),
        {
            "agency": world.construction.pk,
            "doc_type": "cong_van",
            "subject": "V/v",
            "priority": "0",
            "remote_recipients": "000.00.00.H30",
        },
    )
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Document.objects.exists()


def test_editing_a_draft_from_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = draft(world)
    client.force_login(world.specialist)
    page = client.get(reverse("documents:edit", args=[doc.pk]))
    assert "Kế hoạch kiểm tra trật tự xây dựng năm 2026" in page.content.decode()
    client.post(
        reverse("documents:edit", args=[doc.pk]),
        {
            "doc_type": "ke_hoach",
            "subject": "Kế hoạch (bản sửa)",
            "priority": "0",
            "local_recipients": [world.justice.pk],
            "note": "Sửa tên",
        },
    )
    doc.refresh_from_db()
    assert doc.subject == "Kế hoạch (bản sửa)"
    assert doc.versions.count() == 2
    client.force_login(world.document_clerk)
    response = client.get(reverse("documents:edit", args=[doc.pk]))
    assert response.status_code == 302


def test_the_clerk_registers_an_incoming_document_on_the_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.document_clerk)
    response = client.post(
        reverse("documents:register_incoming"),
        {
            "agency": world.construction.pk,
            "organ_name": "Ủy ban nhân dân tỉnh Tiền Giang",
            "doc_type": "cong_van",
            "code_number": "55",
            "code_notation": "UBND-KT",
            "issued_date": "2026-03-02",
            "subject": "Về việc kiểm tra công trình",
            "priority": "0",
            "channel": "paper",
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302
    assert doc.arrival_number == 1
    client.force_login(world.specialist)
    assert client.get(reverse("documents:register_incoming")).status_code == 404


def test_the_search_page_finds_without_diacritics(client, world) -> None:  # type: ignore[no-untyped-def]
    outgoing_in(world, Status.ISSUED, subject="Kế hoạch kiểm tra trật tự xây dựng")
    client.force_login(world.specialist)
    response = client.get(reverse("documents:index"), {"q": "trat tu"})
    assert "Kế hoạch kiểm tra trật tự xây dựng" in response.content.decode()
    response = client.get(reverse("documents:index"), {"q": "giai ngan"})
    assert "Kế hoạch kiểm tra trật tự xây dựng" not in response.content.decode()


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.specialist)
    for n in range(3):
        outgoing_in(world, Status.RETURNED, subject=f"Văn bản {n}")
    with django_assert_max_num_queries(12):
        small = client.get(reverse("documents:index"), {"q": "van ban"})
    for n in range(10):
        outgoing_in(world, Status.RETURNED, subject=f"Văn bản thêm {n}")
    with django_assert_max_num_queries(12):
        large = client.get(reverse("documents:index"), {"q": "van ban"})
    assert small.status_code == large.status_code == 200


def test_the_workspace_shows_what_waits_for_me(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = outgoing_in(world, Status.APPROVED, subject="Quyết định phê duyệt quy hoạch")
    client.force_login(world.leader)
    page = client.get(reverse("workspace")).content.decode()
    assert "Văn bản chờ tôi xử lý" in page
    assert doc.subject in page
    client.force_login(world.specialist)
    assert doc.subject not in client.get(reverse("workspace")).content.decode()


def test_citizens_have_no_document_pages(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    for name in ["index", "create", "registers", "stats"]:
        assert client.get(reverse(f"documents:{name}")).status_code == 404


def test_the_registers_page_and_its_downloads(client, world) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        outgoing_in(world, Status.SENT)
    client.force_login(world.document_clerk)
    query = {
        "agency": world.construction.pk,
        "kind": "outgoing",
        "date_from": "2026-03-01",
        "date_to": "2026-03-31",
    }
    page = client.get(reverse("documents:registers"), query).content.decode()
    assert "01/KH-SXD" in page
    assert "Số, ký hiệu văn bản" in page
    pdf = client.get(reverse("documents:register_export"), {**query, "format": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    xlsx = client.get(reverse("documents:register_export"), {**query, "format": "xlsx"})
    assert xlsx.content[:2] == b"PK"
    client.force_login(world.outsider)
    assert client.get(reverse("documents:register_export"), query).status_code == 404


def test_the_statistics_page(client, world) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 5, 9, 0, tzinfo=VIETNAM), tick=False):
        outgoing_in(world, Status.SENT)
    client.force_login(world.leader)
    response = client.get(
        reverse("documents:stats"),
        {"agency": world.construction.pk, "date_from": "2026-03-01", "date_to": "2026-03-31"},
    )
    page = response.content.decode()
    assert "Sở Xây dựng tỉnh Tiền Giang" in page
    assert "100%" in page  # sent electronically
    assert "60%" in page  # the plan's target


def test_the_clerk_checks_an_electronic_arrival_from_its_page(client, world) -> None:  # type: ignore[no-untyped-def]
    doc = incoming_in(world, Status.ARRIVED)
    client.force_login(world.document_clerk)
    page = client.get(doc.get_absolute_url()).content.decode()
    assert "Tiếp nhận và vào sổ" in page
    assert "Từ chối và trả lại nơi gửi" in page
    response = client.post(reverse("documents:action", args=[doc.pk, "refuse"]), {}, follow=True)
    doc.refresh_from_db()
    assert doc.status == Status.ARRIVED  # the reason is required
    assert "Lý do" in response.content.decode()
    client.post(
        reverse("documents:action", args=[doc.pk, "refuse"]), {"refuse-reason": "Thiếu phụ lục"}
    )
    doc.refresh_from_db()
    assert (doc.status, doc.refusal_reason, doc.register_number) == (
        Status.REFUSED,
        "Thiếu phụ lục",
        None,
    )

    other = incoming_in(world, Status.ARRIVED, CodeNumber="77")
    client.post(reverse("documents:action", args=[other.pk, "accept"]), {})
    other.refresh_from_db()
    assert other.status == Status.REGISTERED
    assert other.register_number is not None
