"""The exchange working with the documents app (egov.documents).

* Sending: the documents app fires ``documents_to_exchange`` after it commits a send or a revoke
  with remote recipients (channel ``edxml``, status ``to_send``); we turn the document into an
  edXML package and queue it (``send_from_documents``). A periodic sweep picks up any recipient
  still ``to_send`` (a crash between that commit and our handler loses nothing).
* Statuses we receive for a sent document are mirrored on its recipient row
  (``record_delivery_status``).
* Receiving: a package becomes an incoming document (``register_incoming_from_exchange``);
  every later state of that document is reported to the sender by the worker after commit:
  registered → 03 accepted and 04 waiting for assignment, assigned or in progress → 05,
  completed → 06 (a periodic sweep catches up anything a crash left unreported).
* An agreed revocation, update or replacement is recorded as the documents app's marker
  (``record_exchange_marker``), which withdraws a revoked document.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from egov.exchange import edxml
from egov.exchange.codes import DOCUMENT_TYPE_NUMBERS, BusinessDocType
from egov.exchange.models import Direction, Handling, Transmission
from egov.lib.problems import Conflict, Problem

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.documents.models import Document, DocumentRecipient

logger = logging.getLogger(__name__)

# The handling codes a received document's state has passed through, in order; the sender is
# told those it has not had yet (so a lost report is filled in later, never skipped).
_REGISTERED = (Handling.ACCEPTED, Handling.WAITING)
CODES_FOR_STATUS: dict[str, tuple[str, ...]] = {
    "registered": _REGISTERED,
    "assigned": (*_REGISTERED, Handling.PROCESSING),
    "in_progress": (*_REGISTERED, Handling.PROCESSING),
    "completed": (*_REGISTERED, Handling.PROCESSING, Handling.FINISHED),
    # The document clerk refused the arrival (documents app: refuse_arrival).
    "refused": (Handling.REFUSED,),
}


# ---------------------------------------------------------------------------------------------
# Receiving side
# ---------------------------------------------------------------------------------------------
def metadata_of(message: edxml.DocumentMessage) -> dict[str, Any]:
    """A package's header with the documents app's (edXML) names."""
    h = message.header
    return {
        "DocumentId": h.document_id,
        "OrganId": h.sender.organ_id,
        "OrganName": h.sender.organ_name,
        "CodeNumber": h.code.number,
        "CodeNotation": h.code.notation,
        "IssuedDate": h.promulgation.date,
        "TypeName": h.document_type.name,
        "Subject": h.subject,
        "Content": h.content,
        "SignerInfo": {
            "Competence": h.signer.competence,
            "Position": h.signer.position,
            "FullName": h.signer.full_name,
        },
        "Priority": h.other_info.priority,
        "PageAmount": h.other_info.page_amount,
        "DueDate": h.due_date,
        "ToPlaces": list(h.to_places),
        "SteeringType": h.steering_type,
        "ResponseFor": [
            {
                "OrganId": r.organ_id,
                "Code": r.code,
                "PromulgationDate": r.promulgation_date.isoformat(),
                "DocumentId": r.document_id,
            }
            for r in h.response_for
        ],
        "TraceHeaderList": [
            {"OrganId": t.organ_id, "Timestamp": t.timestamp.isoformat()} for t in message.traces
        ],
    }


class DocumentsHandler:
    """The documents app behind the seam described in integration.py."""

    def register(
        self,
        *,
        transmission: Transmission,
        message: edxml.DocumentMessage,
        acting_user: User | None,
    ) -> str:
        from egov.documents.actions import FileSpec, register_incoming_from_exchange

        document, _created = register_incoming_from_exchange(
            recipient_organ_id=transmission.local_organ_code,
            metadata=metadata_of(message),
            attachments=[
                FileSpec(name=a.name, content=a.content, content_type=a.content_type)
                for a in message.attachments
            ],
            arrived_at=timezone.now(),
            acting_user=acting_user,
        )
        return str(document.pk)

    def _marker(
        self, transmission: Transmission, kind: str, reason: str, acting_user: User | None
    ) -> None:
        from egov.documents.actions import record_exchange_marker

        record_exchange_marker(
            recipient_organ_id=transmission.local_organ_code,
            document_id=transmission.document_id,
            kind=kind,
            reason=reason,
            replacement_document_id=transmission.replaced_by,
            acting_user=acting_user,
        )

    def withdraw(
        self, *, transmission: Transmission, reason: str, acting_user: User | None
    ) -> None:
        from egov.documents.models import MarkerKind

        kind = (
            MarkerKind.REPLACE
            if transmission.request_type == BusinessDocType.REPLACE
            else MarkerKind.REVOKE
        )
        self._marker(transmission, kind, reason, acting_user)

    def update(
        self,
        *,
        transmission: Transmission,
        message: edxml.DocumentMessage,
        acting_user: User | None,
    ) -> None:
        from egov.documents.models import MarkerKind

        self._marker(transmission, MarkerKind.UPDATE, message.business.reason, acting_user)

    def refuse(self, *, transmission: Transmission, reason: str, acting_user: User | None) -> None:
        """02 reported from the exchange page: the document clerk's refusal of the arrival."""
        from egov.documents.actions import refuse_arrival
        from egov.documents.models import Document as DocumentModel

        if acting_user is None or not transmission.local_document_id.isdigit():
            return
        document = DocumentModel.objects.filter(pk=int(transmission.local_document_id)).first()
        if document is not None:
            refuse_arrival(acting_user=acting_user, document=document, reason=reason)

    # Sending side ----------------------------------------------------------------------------
    def _recipient(self, transmission: Transmission) -> DocumentRecipient | None:
        from egov.documents.selectors import recipient_by_document_id

        return recipient_by_document_id(transmission.document_id, transmission.remote_organ_code)

    def status_changed(
        self, *, transmission: Transmission, code: str, description: str, at: dt.datetime
    ) -> None:
        from egov.documents.actions import record_delivery_status

        recipient = self._recipient(transmission)
        if recipient is not None:
            record_delivery_status(
                acting_user=None,
                recipient=recipient,
                status_code=code,
                description=description,
                at=at,
            )

    def delivery_failed(self, *, transmission: Transmission, error: str) -> None:
        from egov.documents.actions import record_delivery_status
        from egov.documents.models import DeliveryStatus

        recipient = self._recipient(transmission)
        if recipient is not None:
            record_delivery_status(
                acting_user=None,
                recipient=recipient,
                delivery_status=DeliveryStatus.FAILED,
                description=error,
            )


def _codes_ahead(current: Transmission, document_status: str) -> list[str]:
    """The codes a received document's state stands for that the sender has not had yet."""
    from egov.exchange.models import HANDLING_TRANSITIONS

    codes, status = [], current.status
    for code in CODES_FOR_STATUS.get(document_status, ()):
        if code in HANDLING_TRANSITIONS.get(status, frozenset()):
            codes.append(code)
            status = code
    return codes


def on_document_saved(sender: Any, instance: Document, **kwargs: Any) -> None:
    """A received document changed state (post_save): after commit, the worker tells the sender.

    Reporting happens off the request, so a sender's package is acknowledged as soon as it is
    registered; ``sweep_incoming_progress`` catches up whatever a crash left unreported.
    """
    if instance.direction != "incoming" or not instance.edxml_document_id:
        return
    if instance.status not in CODES_FOR_STATUS:
        return
    current = (
        Transmission.objects.filter(
            direction=Direction.INCOMING,
            document_id=instance.edxml_document_id,
            local_organ_code=instance.agency.organ_code,
            withdrawn_at__isnull=True,
        )
        .only("pk", "status")
        .first()
    )
    if current is None or not _codes_ahead(current, instance.status):
        return
    from egov.exchange.tasks import report_incoming_progress

    transmission_id = current.pk
    transaction.on_commit(lambda: report_incoming_progress.enqueue(transmission_id))


def report_progress(transmission_id: int) -> list[str]:
    """Report to the sender every code the received document's state is ahead by."""
    from egov.documents.models import Document as DocumentModel
    from egov.exchange.actions import report_status

    current = Transmission.objects.filter(
        pk=transmission_id, direction=Direction.INCOMING, withdrawn_at__isnull=True
    ).first()
    if current is None or not current.local_document_id.isdigit():
        return []
    document = DocumentModel.objects.filter(pk=int(current.local_document_id)).first()
    if document is None:
        return []
    reported = []
    for code in _codes_ahead(current, document.status):
        description = document.refusal_reason if code == Handling.REFUSED else ""
        try:
            report_status(
                acting_user=None, transmission_id=current.pk, code=code, description=description
            )
        except Conflict:  # another worker reported it meanwhile
            break
        reported.append(code)
    return reported


def sweep_incoming_progress(limit: int = 500) -> int:
    """Received documents whose state is ahead of what the sender was told (a lost task)."""
    from egov.documents.models import Document as DocumentModel

    active = list(
        Transmission.objects.filter(
            direction=Direction.INCOMING,
            status__in=[Handling.ARRIVED, Handling.ACCEPTED, Handling.WAITING, Handling.PROCESSING],
            withdrawn_at__isnull=True,
        )
        .exclude(local_document_id="")
        .order_by("updated_at")
        .only("pk", "status", "local_document_id")[:limit]
    )
    ids = [int(t.local_document_id) for t in active if t.local_document_id.isdigit()]
    states = dict(DocumentModel.objects.filter(pk__in=ids).values_list("pk", "status"))
    reported = 0
    for current in active:
        status = states.get(int(current.local_document_id or 0))
        if status and _codes_ahead(current, status):
            reported += len(report_progress(current.pk))
    return reported


# ---------------------------------------------------------------------------------------------
# Sending side
# ---------------------------------------------------------------------------------------------
def _files(document: Document) -> list[edxml.Attachment]:
    """The signed document and its attachments as edXML attachments."""
    files: list[edxml.Attachment] = []
    main: Any = document.signed_file
    if not main:
        version = document.versions.exclude(file="").first()
        main = version.file if version is not None else None
    if main:
        with main.open("rb") as handle:
            content = handle.read()
        name = f"{document.number_notation or document.pk}.pdf".replace("/", "-")
        files.append(_attachment(f"van-ban-{document.pk}", name, "application/pdf", content))
    for attachment in document.attachments.all():
        with attachment.file.open("rb") as handle:
            content = handle.read()
        files.append(
            _attachment(
                f"dinh-kem-{attachment.pk}",
                attachment.name,
                attachment.content_type,
                content,
                attachment.description,
            )
        )
    return files


def _attachment(
    content_id: str, name: str, content_type: str, content: bytes, description: str = ""
) -> edxml.Attachment:
    content_type = (content_type or "application/octet-stream").lower()
    magic = edxml._MAGIC.get(content_type)
    if magic is not None and not content.startswith(magic):
        content_type = "application/octet-stream"  # don't send a claim the content denies
    return edxml.Attachment(
        content_id=content_id,
        name=name,
        content_type=content_type,
        content=content,
        description=description,
    )


def message_from_document(document: Document) -> edxml.DocumentMessage:
    """An issued outgoing document as an edXML package (unsigned, without our trace yet)."""
    from egov.exchange.actions import organization_of, staff_of

    agency = document.agency
    recipients = [r for r in document.recipients.all() if r.channel != "paper"]
    code = edxml.Code(number=document.code_number, notation=document.code_notation)
    issued = document.issued_date or timezone.localdate()
    files = _files(document)
    header = edxml.MessageHeader(
        sender=organization_of(agency),
        to=tuple(
            edxml.Organization(organ_id=r.organ_id, organ_name=r.organ_name) for r in recipients
        ),
        code=code,
        promulgation=edxml.PromulgationInfo(
            date=issued,
            place=agency.administrative_unit.name if agency.administrative_unit else "",
        ),
        document_type=edxml.DocumentType(
            type=DOCUMENT_TYPE_NUMBERS.get(document.type.abbreviation, 0),
            name=document.type_name,
        ),
        subject=document.subject,
        content=document.content,
        signer=edxml.SignerInfo(
            full_name=document.signer_full_name or "—",
            position=document.signer_position,
            competence=document.signer_competence,
        ),
        document_id=document.edxml_document_id
        or edxml.document_id_for(agency.organ_code, issued, code),
        due_date=document.due_date,
        to_places=tuple(p for p in document.to_places if p),
        other_info=edxml.OtherInfo(
            priority=document.priority,
            typer_notation=document.drafting_unit.code if document.drafting_unit else "",
            promulgation_amount=document.issued_amount,
            page_amount=document.page_amount,
            appendixes=tuple(f.name for f in files[1:]),
        ),
        response_for=tuple(
            edxml.ResponseFor(
                organ_id=str(ref.get("OrganId", "")),
                code=str(ref.get("Code", "")),
                promulgation_date=_date(ref.get("PromulgationDate")) or issued,
                document_id=str(ref.get("DocumentId", "")),
            )
            for ref in document.response_for_refs
            if ref.get("DocumentId")
        ),
        steering_type=document.steering_type,
    )
    return edxml.DocumentMessage(
        header=header,
        traces=(),
        business=edxml.Business(staff=staff_of(document.issued_by)),
        attachments=tuple(files),
    )


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return dt.datetime.strptime(str(value)[:10], pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return None


def _mark(recipients: Iterable[DocumentRecipient], status: str, description: str = "") -> None:
    from egov.documents.actions import record_delivery_status

    for recipient in recipients:
        record_delivery_status(
            acting_user=None,
            recipient=recipient,
            delivery_status=status,
            description=description,
        )


NO_PEER = "No peer installation is known for this organ code yet; it is sent once one is added."


def _note_waiting(recipients: Iterable[DocumentRecipient]) -> None:
    """Recipients that wait for a peer entry: the reason is shown once (not at every sweep)."""
    from egov.documents.actions import record_delivery_status

    for recipient in recipients:
        if recipient.status_description != NO_PEER:
            record_delivery_status(acting_user=None, recipient=recipient, description=NO_PEER)


def send_from_documents(recipients: Iterable[DocumentRecipient]) -> int:
    """Queue documents for their remote recipients; returns how many recipients were queued.

    Each document is one package. A recipient whose organ has no peer installation yet stays
    "to send" with the reason on its row; the sweep sends it as soon as an administrator adds
    the peer.
    """
    from egov.documents.models import DeliveryStatus
    from egov.exchange.actions import send_document
    from egov.exchange.selectors import find_peer

    by_document: dict[int, list[DocumentRecipient]] = {}
    for recipient in recipients:
        by_document.setdefault(recipient.document_id, []).append(recipient)
    queued = 0
    for rows in by_document.values():
        document = rows[0].document
        reachable = [r for r in rows if find_peer(r.organ_id) is not None]
        unreachable = [r for r in rows if r not in reachable]
        _note_waiting(unreachable)
        if not reachable:
            continue
        try:
            sent = send_document(
                acting_user=None,
                message=message_from_document(document),
                local_document_id=str(document.pk),
                organs=[r.organ_id for r in reachable],
            )
        except Conflict:  # sent already (the signal and the sweep met)
            sent = []
        except Problem as exc:
            _mark(reachable, DeliveryStatus.FAILED, str(exc.detail))
            continue
        _mark(reachable, DeliveryStatus.SENT)
        queued += len(sent)
    return queued


def revoke_from_documents(recipients: Iterable[DocumentRecipient]) -> int:
    """Ask remote receivers to revoke documents the documents app revoked."""
    from egov.documents.models import DocumentEvent
    from egov.exchange.actions import request_revocation

    by_document: dict[int, list[DocumentRecipient]] = {}
    for recipient in recipients:
        by_document.setdefault(recipient.document_id, []).append(recipient)
    asked = 0
    for rows in by_document.values():
        document = rows[0].document
        event = (
            DocumentEvent.objects.filter(document=document, action="revoke").order_by("-at").first()
        )
        organs = list(
            Transmission.objects.filter(
                direction=Direction.OUTGOING,
                document_id=document.edxml_document_id,
                local_organ_code=document.agency.organ_code,
                remote_organ_code__in=[r.organ_id for r in rows],
                withdrawn_at__isnull=True,
            ).values_list("remote_organ_code", flat=True)
        )
        if not organs:
            continue
        try:
            request_revocation(
                acting_user=None,
                document_id=document.edxml_document_id,
                sender_organ_code=document.agency.organ_code,
                reason=(event.note if event is not None else "") or "Thu hồi văn bản",
                organs=organs,
            )
        except Problem as exc:
            logger.warning("revocation of %s not sent: %s", document.edxml_document_id, exc)
            continue
        asked += len(organs)
    return asked


def on_documents_to_exchange(
    sender: Any, recipients: list[DocumentRecipient], event: str, **kwargs: Any
) -> None:
    """The documents app's signal, fired after its commit."""
    if event == "send":
        send_from_documents(recipients)
    elif event == "revoke":
        revoke_from_documents(recipients)


def sweep_documents() -> int:
    """Recipients the documents app left waiting for the exchange (e.g. after a crash)."""
    from egov.documents.selectors import remote_deliveries

    return send_from_documents(list(remote_deliveries()))
