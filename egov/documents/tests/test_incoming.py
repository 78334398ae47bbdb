"""Incoming documents: registration, the exchange's entry points, assignment and reminders."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from egov.audit.models import AuditEvent
from egov.documents import actions
from egov.documents.actions import FileSpec, RecipientSpec
from egov.documents.models import (
    Channel,
    DeliveryStatus,
    Document,
    DocumentMarker,
    MarkerKind,
    Status,
)
from egov.documents.selectors import recipient_by_document_id, remote_deliveries, waiting_for
from egov.documents.tasks import remind_document_deadlines
from egov.documents.tests.factories import REMOTE_ORGAN, advance, draft, incoming, incoming_in
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied
from egov.lib.workdays import VIETNAM
from egov.notifications.models import Notification

pytestmark = pytest.mark.django_db

METADATA = {
    "DocumentId": "000.00.00.H30,2026/03/04,15/QĐ-UBND",
    "OrganId": "000.00.00.H30",
    "OrganName": "Ủy ban nhân dân tỉnh Hậu Giang",
    "CodeNumber": "15",
    "CodeNotation": "QĐ-UBND",
    "IssuedDate": "2026/03/04",
    "TypeName": "Quyết định",
    "Subject": "Quyết định về việc phối hợp kiểm tra công trình giáp ranh",
    "Content": "Giao Sở Xây dựng phối hợp kiểm tra.",
    "SignerInfo": {
        "Competence": "KT. CHỦ TỊCH",
        "Position": "Phó Chủ tịch",
        "FullName": "Trần Văn Hòa",
    },
    "Priority": 1,
    "PageAmount": 2,
    "DueDate": "2026-03-20",
    "ToPlaces": ["Sở Xây dựng tỉnh Tiền Giang", "Lưu: VT"],
    "TraceHeaderList": [{"OrganId": "000.00.00.H30", "Timestamp": "2026-03-04T09:00:00+07:00"}],
    "FileCode": {"OrganId": "000.00.00.H30", "FileCatalog": "2026", "FileNotation": "03-VP"},
}


def _at(*args: int) -> time_machine.travel:
    return time_machine.travel(dt.datetime(*args, tzinfo=VIETNAM), tick=False)


def test_the_clerk_registers_a_paper_document_with_the_next_arrival_number(world) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 3, 5, 10, 0):
        first = incoming(world, file=FileSpec("scan.pdf", b"%PDF-1.4 scan", "application/pdf"))
        second = incoming(world, code_number="1240")
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    assert first.arrival_date == dt.date(2026, 3, 5)
    assert first.channel == Channel.PAPER
    assert first.status == Status.REGISTERED
    assert first.edxml_document_id == "000.00.00.H58,2026/03/02,1234/UBND-KT"
    assert first.attachments.get().name == "scan.pdf"
    # The default deadline: 10 working days after arrival (5/3 is a Thursday).
    assert first.due_date == dt.date(2026, 3, 19)
    assert Notification.objects.filter(recipient=world.leader, event="documents.arrived").exists()


def test_registering_the_same_document_twice_is_caught(world) -> None:  # type: ignore[no-untyped-def]
    first = incoming(world)
    with pytest.raises(Conflict) as caught:
        incoming(world, code_notation="ubnd-kt")
    assert caught.value.instance_code == "duplicate_incoming"
    assert caught.value.extra["document"] == first.pk
    again = incoming(world, allow_duplicate=True)
    assert again.arrival_number == 2
    assert again.edxml_document_id == ""


def test_only_the_document_clerk_registers_incoming_documents(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        incoming(world, acting_user=world.leader)


def test_bad_registration_input_lists_every_bad_field(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        incoming(world, subject="", code_number="", organ_id="bad")
    assert set(caught.value.errors) == {"subject", "code_number", "organ_id"}
    assert not Document.objects.exists()


def test_a_package_from_the_exchange_is_registered_once(world) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 3, 5, 8, 30):
        doc, created = actions.register_incoming_from_exchange(
            recipient_organ_id=world.construction.organ_code,
            metadata=METADATA,
            attachments=[FileSpec("qd15.pdf", b"%PDF-1.7 body")],
        )
    assert created
    assert doc.status == Status.ARRIVED  # waits for the document clerk's check
    assert doc.channel == Channel.ELECTRONIC
    assert doc.arrival_number is None
    assert doc.arrived_at is not None
    assert doc in waiting_for(world.document_clerk)
    assert doc not in waiting_for(world.leader)
    with _at(2026, 3, 5, 9, 0):
        doc = actions.accept_arrival(acting_user=world.document_clerk, document=doc)
    assert doc.status == Status.REGISTERED
    assert doc.arrival_number == 1
    assert doc.arrival_date == dt.date(2026, 3, 5)
    assert doc in waiting_for(world.leader)
    assert doc.number_notation == "15/QĐ-UBND"
    assert doc.doc_type == "quyet_dinh"
    assert doc.issued_date == dt.date(2026, 3, 4)
    assert doc.due_date == dt.date(2026, 3, 20)
    assert doc.signer_competence == "KT. CHỦ TỊCH"
    assert doc.to_places == ["Sở Xây dựng tỉnh Tiền Giang", "Lưu: VT"]
    assert [h["OrganId"] for h in doc.trace_header_list] == ["000.00.00.H30", "000.00.09.H58"]
    assert doc.attachments.get().name == "qd15.pdf"
    assert doc.metadata()["ArrivalNumber"] == 1
    assert doc.metadata()["FileCode"] == {
        "OrganId": "000.00.00.H30",
        "FileCatalog": 2026,
        "FileNotation": "03-VP",
    }
    events = AuditEvent.objects.count()
    again, created_again = actions.register_incoming_from_exchange(
        recipient_organ_id=world.construction.organ_code, metadata=METADATA
    )
    assert (again, created_again) == (doc, False)
    assert AuditEvent.objects.count() == events
    assert Document.objects.count() == 1


def test_a_package_without_document_id_gets_one_from_its_parts(world) -> None:  # type: ignore[no-untyped-def]
    metadata = {k: v for k, v in METADATA.items() if k != "DocumentId"}
    doc, _ = actions.register_incoming_from_exchange(
        recipient_organ_id=world.construction.organ_code, metadata=metadata
    )
    assert doc.edxml_document_id == METADATA["DocumentId"]


def test_a_malformed_package_names_the_edxml_fields(world) -> None:  # type: ignore[no-untyped-def]
    metadata = {
        **METADATA,
        "Subject": "",
        "IssuedDate": "04.03.2026",
        "Priority": 9,
        "FileCode": {"OrganId": "000.00.00.H30", "FileCatalog": "năm nay"},
    }
    with pytest.raises(InvalidInput) as caught:
        actions.register_incoming_from_exchange(
            recipient_organ_id=world.construction.organ_code, metadata=metadata
        )
    assert set(caught.value.errors) == {"Subject", "IssuedDate", "Priority", "FileCode/FileCatalog"}
    assert not Document.objects.exists()


def test_a_package_for_an_unknown_agency_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        actions.register_incoming_from_exchange(
            recipient_organ_id="000.00.99.H58", metadata=METADATA
        )


def test_an_arriving_reply_is_linked_to_our_document(world) -> None:  # type: ignore[no-untyped-def]
    ours = advance(
        world, draft(world, recipients=[RecipientSpec(REMOTE_ORGAN, "UBND Hậu Giang")]), Status.SENT
    )
    reply_metadata = {
        **METADATA,
        "DocumentId": "000.00.00.H30,2026/03/09,20/UBND-XD",
        "CodeNumber": "20",
        "CodeNotation": "UBND-XD",
        "TypeName": "Công văn",
        "ResponseFor": [
            {
                "OrganId": ours.organ_id,
                "Code": ours.number_notation,
                "DocumentId": ours.edxml_document_id,
            }
        ],
    }
    reply, _ = actions.register_incoming_from_exchange(
        recipient_organ_id=world.construction.organ_code, metadata=reply_metadata
    )
    assert reply.response_for == ours
    assert reply.doc_type == "cong_van"


def test_the_exchange_reports_deliveries_and_status_messages(world) -> None:  # type: ignore[no-untyped-def]
    doc = advance(
        world, draft(world, recipients=[RecipientSpec(REMOTE_ORGAN, "UBND Hậu Giang")]), Status.SENT
    )
    [row] = remote_deliveries()
    assert row.document == doc
    assert recipient_by_document_id(doc.edxml_document_id, REMOTE_ORGAN) == row
    row = actions.record_delivery_status(acting_user=None, recipient=row, delivery_status="sent")
    assert row.status == DeliveryStatus.SENT
    assert list(remote_deliveries()) == []
    row = actions.record_delivery_status(acting_user=None, recipient=row, status_code="01")
    assert (row.status, row.status_code) == (DeliveryStatus.DELIVERED, "01")
    assert row.delivered_at is not None
    row = actions.record_delivery_status(
        acting_user=None, recipient=row, status_code="06", description="Đã xử lý xong"
    )
    assert (row.status, row.status_code, row.status_description) == (
        "delivered",
        "06",
        "Đã xử lý xong",
    )
    refused = actions.record_delivery_status(acting_user=None, recipient=row, status_code="02")
    assert refused.status == DeliveryStatus.REFUSED


def test_delivery_status_input_is_checked(world) -> None:  # type: ignore[no-untyped-def]
    doc = advance(world, draft(world), Status.SENT)
    local = doc.recipients.get()
    with pytest.raises(Conflict):
        actions.record_delivery_status(acting_user=None, recipient=local, status_code="01")
    remote = advance(
        world, draft(world, recipients=[RecipientSpec(REMOTE_ORGAN, "UBND Hậu Giang")]), Status.SENT
    ).recipients.get()
    with pytest.raises(InvalidInput):
        actions.record_delivery_status(acting_user=None, recipient=remote, status_code="99")
    with pytest.raises(InvalidInput):
        actions.record_delivery_status(acting_user=None, recipient=remote, delivery_status="lost")


def test_a_revoke_notice_withdraws_the_document_once(world) -> None:  # type: ignore[no-untyped-def]
    doc, _ = actions.register_incoming_from_exchange(
        recipient_organ_id=world.construction.organ_code, metadata=METADATA
    )
    doc = actions.accept_arrival(acting_user=world.document_clerk, document=doc)
    doc = actions.assign_document(
        acting_user=world.leader,
        document=doc,
        assignee=world.specialist,
        unit=world.construction_unit,
    )
    marker, created = actions.record_exchange_marker(
        recipient_organ_id=world.construction.organ_code,
        document_id=METADATA["DocumentId"],
        kind=MarkerKind.REVOKE,
        reason="Ban hành nhầm",
        staff_info={"Staff": "Nguyễn Văn Tư"},
    )
    assert created
    doc.refresh_from_db()
    assert doc.status == Status.REVOKED
    assert doc.history.last().action == "withdraw"
    assert Notification.objects.filter(
        recipient=world.specialist, event="documents.marker"
    ).exists()
    same, created_again = actions.record_exchange_marker(
        recipient_organ_id=world.construction.organ_code,
        document_id=METADATA["DocumentId"],
        kind=MarkerKind.REVOKE,
        reason="Ban hành nhầm",
    )
    assert (same, created_again) == (marker, False)
    assert DocumentMarker.objects.count() == 1


def test_update_and_replace_notices_are_stored_without_closing_the_document(world) -> None:  # type: ignore[no-untyped-def]
    doc, _ = actions.register_incoming_from_exchange(
        recipient_organ_id=world.construction.organ_code, metadata=METADATA
    )
    actions.record_exchange_marker(
        recipient_organ_id=world.construction.organ_code,
        document_id=METADATA["DocumentId"],
        kind=MarkerKind.REPLACE,
        reason="Thay thế bằng văn bản mới",
        replacement_document_id="000.00.00.H30,2026/03/06,16/QĐ-UBND",
    )
    doc.refresh_from_db()
    assert doc.status == Status.ARRIVED
    assert doc.markers.get().replacement_document_id.endswith("16/QĐ-UBND")


def test_a_notice_about_an_unknown_document_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        actions.record_exchange_marker(
            recipient_organ_id=world.construction.organ_code,
            document_id="000.00.00.H30,2026/03/04,99/QĐ-UBND",
            kind=MarkerKind.REVOKE,
        )
    with pytest.raises(InvalidInput):
        actions.record_exchange_marker(
            recipient_organ_id=world.construction.organ_code,
            document_id=METADATA["DocumentId"],
            kind="delete",
        )


def test_the_leader_assigns_to_a_unit_and_its_head_passes_it_on(world) -> None:  # type: ignore[no-untyped-def]
    doc = incoming(world)
    doc = actions.assign_document(
        acting_user=world.leader,
        document=doc,
        unit=world.construction_unit,
        deadline=doc.arrival_date + dt.timedelta(days=7),
        note="Giao phòng QLXD chủ trì",
    )
    assert (doc.assigned_unit, doc.assignee) == (world.construction_unit, None)
    assert Notification.objects.filter(
        recipient=world.unit_head, event="documents.assigned"
    ).exists()
    doc = actions.assign_document(
        acting_user=world.unit_head, document=doc, assignee=world.specialist
    )
    assert (doc.assigned_unit, doc.assignee) == (world.construction_unit, world.specialist)
    with pytest.raises(InvalidInput) as caught:
        actions.assign_document(
            acting_user=world.unit_head, document=doc, unit=world.construction_office
        )
    assert "unit" in caught.value.errors


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "unit"),
        ({"assignee": "outsider"}, "assignee"),
        ({"unit": "justice_unit"}, "unit"),
        ({"unit": "construction_unit", "deadline": dt.date(2020, 1, 1)}, "deadline"),
    ],
)
def test_bad_assignments_name_the_field(world, kwargs, field) -> None:  # type: ignore[no-untyped-def]
    doc = incoming(world)
    resolved = {k: getattr(world, v) if isinstance(v, str) else v for k, v in kwargs.items()}
    with pytest.raises(InvalidInput) as caught:
        actions.assign_document(acting_user=world.leader, document=doc, **resolved)
    assert field in caught.value.errors


def test_reminders_go_out_once_before_the_deadline_and_once_after(world) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 3, 2, 9, 0):
        doc = incoming(world)
        actions.assign_document(
            acting_user=world.leader,
            document=doc,
            unit=world.construction_unit,
            assignee=world.specialist,
            deadline=dt.date(2026, 3, 12),
        )

    def reminders(event: str) -> int:
        return Notification.objects.filter(recipient=world.specialist, event=event).count()

    with _at(2026, 3, 6, 9, 0):  # Friday: two working days ahead is Tuesday 10/3
        assert remind_document_deadlines.call() == 0
    with _at(2026, 3, 10, 9, 0):
        assert remind_document_deadlines.call() == 1
        assert remind_document_deadlines.call() == 0
    assert reminders("documents.due_soon") == 1
    with _at(2026, 3, 13, 9, 0):
        assert remind_document_deadlines.call() == 1
        assert remind_document_deadlines.call() == 0
    assert reminders("documents.overdue") == 1
    assert Notification.objects.filter(recipient=world.leader, event="documents.overdue").exists()


def test_completed_documents_are_not_reminded(world) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 3, 2, 9, 0):
        incoming_in(world, Status.COMPLETED)
    with _at(2026, 4, 30, 9, 0):
        assert remind_document_deadlines.call() == 0


def test_the_handler_gets_the_assignment_by_e_mail_in_vietnamese(world) -> None:  # type: ignore[no-untyped-def]
    from egov.notifications.models import OutboxMessage

    doc = incoming(world)
    actions.assign_document(
        acting_user=world.leader,
        document=doc,
        unit=world.construction_unit,
        assignee=world.specialist,
        deadline=doc.arrival_date + dt.timedelta(days=7),
    )
    mail = OutboxMessage.objects.get(event="documents.assigned", recipient=world.specialist)
    assert mail.channel == "email"
    assert mail.address == world.specialist.email
    assert mail.subject.startswith("Xử lý trước ")
    assert "1234/UBND-KT" in mail.body
    assert "Ủy ban nhân dân tỉnh Tiền Giang" in mail.body
    in_app = Notification.objects.get(event="documents.assigned", recipient=world.specialist)
    assert "Về việc báo cáo tình hình cấp giấy phép xây dựng" in in_app.title
