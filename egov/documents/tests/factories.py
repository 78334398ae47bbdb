"""Documents in any state, reached through the real actions (never by writing the status)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from egov.documents import actions
from egov.documents.actions import FileSpec, RecipientSpec
from egov.documents.models import Document, MarkerKind, Status
from egov.testing.world import World

REMOTE_ORGAN = "000.00.00.H30"  # Hậu Giang provincial People's Committee: another installation


def draft(world: World, **overrides: Any) -> Document:
    fields: dict[str, Any] = {
        "acting_user": world.specialist,
        "agency": world.construction,
        "doc_type": "ke_hoach",
        "subject": "Kế hoạch kiểm tra trật tự xây dựng năm 2026",
        "content": "Kiểm tra các công trình xây dựng trên địa bàn tỉnh.",
        "recipients": [RecipientSpec(world.justice.organ_code)],
    }
    fields.update(overrides)
    return actions.create_draft(**fields)


OUTGOING_PATH = [
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.APPROVED,
    Status.SIGNED,
    Status.ISSUED,
    Status.SENT,
]


def advance(world: World, doc: Document, to: str) -> Document:
    """Move an outgoing document forward along the happy path until it is in ``to``."""
    steps = {
        Status.DRAFT: lambda d: actions.submit_document(acting_user=world.specialist, document=d),
        Status.IN_REVIEW: lambda d: actions.approve_document(
            acting_user=world.unit_head, document=d
        ),
        Status.APPROVED: lambda d: actions.sign_document(
            acting_user=world.leader, document=d, position="Giám đốc"
        ),
        Status.SIGNED: lambda d: actions.issue_document(
            acting_user=world.document_clerk, document=d
        ),
        Status.ISSUED: lambda d: actions.send_document(
            acting_user=world.document_clerk, document=d
        ),
    }
    while doc.status != to:
        doc = steps[doc.status](doc)  # type: ignore[index]
    return doc


def outgoing_in(world: World, status: str, **overrides: Any) -> Document:
    doc = draft(world, **overrides)
    if status in OUTGOING_PATH:
        return advance(world, doc, status)
    if status == Status.RETURNED:
        doc = advance(world, doc, Status.IN_REVIEW)
        return actions.return_document(
            acting_user=world.unit_head, document=doc, reason="Bổ sung số liệu"
        )
    if status == Status.CANCELLED:
        return actions.cancel_document(acting_user=world.specialist, document=doc)
    if status == Status.REVOKED:
        doc = advance(world, doc, Status.SENT)
        return actions.revoke_document(acting_user=world.leader, document=doc, reason="Sai sót")
    raise ValueError(status)


def incoming(world: World, **overrides: Any) -> Document:
    fields: dict[str, Any] = {
        "acting_user": world.document_clerk,
        "agency": world.construction,
        "doc_type": "cong_van",
        "subject": "Về việc báo cáo tình hình cấp giấy phép xây dựng",
        "organ_name": "Ủy ban nhân dân tỉnh Tiền Giang",
        "organ_id": world.province.organ_code,
        "code_number": "1234",
        "code_notation": "UBND-KT",
        "issued_date": dt.date(2026, 3, 2),
    }
    fields.update(overrides)
    return actions.register_incoming(**fields)


def arrived(world: World, **overrides: Any) -> Document:
    """An electronic arrival (edXML) waiting for the document clerk's check."""
    metadata: dict[str, Any] = {
        "OrganId": world.province.organ_code,
        "OrganName": "Ủy ban nhân dân tỉnh Tiền Giang",
        "IssuedDate": "2026-03-02",
        "CodeNumber": "1234",
        "CodeNotation": "UBND-KT",
        "TypeName": "Công văn",
        "Subject": "Về việc báo cáo tình hình cấp giấy phép xây dựng",
    }
    metadata.update(overrides)
    doc, _created = actions.register_incoming_from_exchange(
        recipient_organ_id=world.construction.organ_code, metadata=metadata
    )
    return doc


def incoming_in(world: World, status: str, **overrides: Any) -> Document:
    if status in (Status.ARRIVED, Status.REFUSED):
        doc = arrived(world, **overrides)
        if status == Status.REFUSED:
            doc = actions.refuse_arrival(
                acting_user=world.document_clerk, document=doc, reason="Gửi nhầm cơ quan"
            )
        return doc
    doc = incoming(world, **overrides)
    if status == Status.REGISTERED:
        return doc
    if status == Status.REVOKED:
        actions.record_exchange_marker(
            recipient_organ_id=world.construction.organ_code,
            document_id=doc.edxml_document_id,
            kind=MarkerKind.REVOKE,
            reason="Ban hành nhầm",
        )
        return Document.objects.get(pk=doc.pk)
    doc = actions.assign_document(
        acting_user=world.leader,
        document=doc,
        unit=world.construction_unit,
        assignee=world.specialist,
        deadline=doc.arrival_date + dt.timedelta(days=14),  # type: ignore[operator]
    )
    if status == Status.ASSIGNED:
        return doc
    doc = actions.start_handling(acting_user=world.specialist, document=doc)
    if status == Status.IN_PROGRESS:
        return doc
    if status == Status.COMPLETED:
        return actions.complete_document(
            acting_user=world.specialist, document=doc, result="Đã báo cáo"
        )
    raise ValueError(status)


def pdf_file(name: str = "van-ban.pdf") -> FileSpec:
    from egov.documents.tests.pdfs import simple_pdf

    return FileSpec(name, simple_pdf("Kế hoạch kiểm tra"), "application/pdf")
