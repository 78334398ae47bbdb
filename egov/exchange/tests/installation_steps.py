"""What the two-installation tests do inside an installation (through its console): staff
working with official documents, and reads of what arrived. Plain calls of the real actions."""

from __future__ import annotations

from typing import Any

from django.db.models import Count

from egov.accounts.models import User
from egov.documents import actions as documents
from egov.documents.actions import FileSpec, RecipientSpec
from egov.documents.models import Direction as DocumentDirection
from egov.documents.models import Document, DocumentRecipient
from egov.exchange import actions as exchange
from egov.exchange.models import (
    Direction,
    Endpoint,
    Message,
    OutboxItem,
    OutboxState,
    Transmission,
)
from egov.exchange.samples import SMALL_PDF, organization, sample_document
from egov.org.models import Agency, Membership, Role


def staff(agency: Agency, role: str) -> User:
    return Membership.objects.select_related("user").filter(agency=agency, role=role).first().user  # type: ignore[union-attr]


def send_official_document(
    *, organ: str, subject: str, to_organ: str, to_name: str, reply_to: str = ""
) -> dict[str, Any]:
    """Draft, approve, sign, issue and send a document the way the agency's staff do."""
    agency = Agency.objects.get(organ_code=organ)
    specialist = staff(agency, Role.SPECIALIST)
    unit = Membership.objects.get(user=specialist, agency=agency).unit
    answered = (
        Document.objects.get(
            agency=agency, direction=DocumentDirection.INCOMING, edxml_document_id=reply_to
        )
        if reply_to
        else None
    )
    doc = documents.create_draft(
        acting_user=specialist,
        agency=agency,
        doc_type="cong_van",
        subject=subject,
        content="Nội dung tóm tắt: đề nghị phối hợp, báo cáo kết quả trước hạn.",
        drafting_unit=unit,
        recipients=[RecipientSpec(to_organ, to_name)],
        file=FileSpec("cong-van.pdf", SMALL_PDF),
        response_for=answered,
    )
    doc = documents.submit_document(acting_user=specialist, document=doc)
    doc = documents.approve_document(acting_user=staff(agency, Role.UNIT_HEAD), document=doc)
    doc = documents.sign_document(
        acting_user=staff(agency, Role.LEADER), document=doc, position="Giám đốc"
    )
    clerk = staff(agency, Role.DOCUMENT_CLERK)
    doc = documents.issue_document(acting_user=clerk, document=doc)
    doc = documents.send_document(acting_user=clerk, document=doc)
    return {"pk": doc.pk, "document_id": doc.edxml_document_id}


def check_arrival(*, organ: str, document_id: str, accept: bool = True, reason: str = "") -> str:
    """The document clerk checks an electronic arrival: accepts (registers) or refuses it."""
    agency = Agency.objects.get(organ_code=organ)
    doc = Document.objects.get(
        agency=agency, direction=DocumentDirection.INCOMING, edxml_document_id=document_id
    )
    clerk = staff(agency, Role.DOCUMENT_CLERK)
    if accept:
        doc = documents.accept_arrival(acting_user=clerk, document=doc)
    else:
        doc = documents.refuse_arrival(acting_user=clerk, document=doc, reason=reason)
    return doc.status


def accept_all_arrivals(*, organ: str) -> int:
    """The document clerk accepts every electronic arrival waiting for the check."""
    agency = Agency.objects.get(organ_code=organ)
    clerk = staff(agency, Role.DOCUMENT_CLERK)
    waiting = Document.objects.filter(
        agency=agency, direction=DocumentDirection.INCOMING, status="arrived"
    ).order_by("pk")
    for doc in waiting:
        documents.accept_arrival(acting_user=clerk, document=doc)
    return len(waiting)


def handle_incoming(*, organ: str, document_id: str, until: str = "completed") -> str:
    """The leader assigns the received document, the specialist handles and completes it."""
    agency = Agency.objects.get(organ_code=organ)
    doc = Document.objects.get(
        agency=agency, direction=DocumentDirection.INCOMING, edxml_document_id=document_id
    )
    specialist = staff(agency, Role.SPECIALIST)
    unit = Membership.objects.get(user=specialist, agency=agency).unit
    doc = documents.assign_document(
        acting_user=staff(agency, Role.LEADER), document=doc, unit=unit, assignee=specialist
    )
    if until == "assigned":
        return doc.status
    doc = documents.start_handling(acting_user=specialist, document=doc)
    if until == "in_progress":
        return doc.status
    doc = documents.complete_document(acting_user=specialist, document=doc, result="Đã xử lý")
    return doc.status


def revoke_official_document(*, pk: int, reason: str) -> str:
    doc = Document.objects.get(pk=pk)
    doc = documents.revoke_document(
        acting_user=staff(doc.agency, Role.LEADER), document=doc, reason=reason
    )
    return doc.status


def answer_request(*, organ: str, document_id: str, agree: bool) -> str:
    current = Transmission.objects.get(
        direction=Direction.INCOMING, local_organ_code=organ, document_id=document_id
    )
    agency = Agency.objects.get(organ_code=organ)
    exchange.decide_request(
        acting_user=staff(agency, Role.DOCUMENT_CLERK), transmission_id=current.pk, agree=agree
    )
    current.refresh_from_db()
    return current.request_state


def send_many(*, organ: str, to_organ: str, first: int, count: int) -> list[str]:
    """``count`` documents sent straight through the exchange (no drafting), numbered from
    ``first``: the load for the crash test."""
    agency = Agency.objects.get(organ_code=organ)
    clerk = staff(agency, Role.DOCUMENT_CLERK)
    sent = []
    for number in range(first, first + count):
        message = sample_document(
            sender=organization(agency.organ_code, agency.name),
            to=(organization(to_organ, "Ủy ban nhân dân tỉnh Hậu Giang"),),
            number=f"{number:02d}",
            notation=f"{agency.short_name}-TH",
            subject=f"Công văn số {number} về việc tổng hợp số liệu",
        )
        exchange.send_document(acting_user=clerk, message=message)
        sent.append(message.document_id)
    return sent


# Reads ----------------------------------------------------------------------------------------
def outgoing(document_id: str) -> dict[str, Any] | None:
    current = Transmission.objects.filter(
        direction=Direction.OUTGOING, document_id=document_id
    ).first()
    if current is None:
        return None
    recipient = DocumentRecipient.objects.filter(
        document__edxml_document_id=document_id, organ_id=current.remote_organ_code
    ).first()
    return {
        "status": current.status,
        "request_state": current.request_state,
        "withdrawn": current.withdrawn_at is not None,
        "trail": [
            (e.kind, e.to_value, e.status_code, e.late) for e in current.events.order_by("pk")
        ],
        "recipient_status": recipient.status if recipient else None,
        "recipient_code": recipient.status_code if recipient else None,
    }


def incoming(document_id: str) -> dict[str, Any] | None:
    current = Transmission.objects.filter(
        direction=Direction.INCOMING, document_id=document_id
    ).first()
    if current is None:
        return None
    doc = Document.objects.filter(pk=current.local_document_id or 0).first()
    return {
        "status": current.status,
        "request_state": current.request_state,
        "withdrawn": current.withdrawn_at is not None,
        "answers": current.response_for.document_id if current.response_for else None,
        "document_status": doc.status if doc else None,
        "document_answers": doc.response_for.edxml_document_id
        if doc and doc.response_for
        else None,
        "attachments": [a.name for a in doc.attachments.all()] if doc else [],
        "arrival_number": doc.register_number if doc else None,
    }


def tally() -> dict[str, Any]:
    """Counts that show whether anything was lost or duplicated."""
    incoming_ids = Transmission.objects.filter(direction=Direction.INCOMING).values_list(
        "document_id", flat=True
    )
    duplicates = (
        Document.objects.filter(direction=DocumentDirection.INCOMING)
        .exclude(edxml_document_id="")
        .values("agency", "edxml_document_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    return {
        "outgoing": Transmission.objects.filter(direction=Direction.OUTGOING).count(),
        "incoming": len(incoming_ids),
        "incoming_distinct": len(set(incoming_ids)),
        "incoming_documents": Document.objects.filter(direction=DocumentDirection.INCOMING).count(),
        "duplicate_documents": duplicates,
        "received_packages": Message.objects.filter(
            direction=Direction.INCOMING, kind="document"
        ).count(),
        "pending": OutboxItem.objects.exclude(state=OutboxState.DELIVERED).count(),
        "failed": OutboxItem.objects.filter(state=OutboxState.FAILED).count(),
        "delivered_documents": OutboxItem.objects.filter(
            endpoint=Endpoint.EDXML, state=OutboxState.DELIVERED
        ).count(),
        "statuses_by_code": dict(
            Transmission.objects.filter(direction=Direction.OUTGOING)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        ),
    }
