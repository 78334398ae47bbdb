"""Every write of the exchange app.

Sending: ``send_document``, ``send_update``, ``send_replacement``, ``request_revocation`` sign a
package, record it and put one outbox item per remote organ; delivery happens after commit
(transport.py). Receiving: ``register_document_package`` and ``register_status_package`` record
what a verified peer sent (receiving.py checks it first). Handling: ``report_status`` and
``decide_request`` answer the sender with status messages. Delivery bookkeeping:
``record_delivery`` and ``retry_outbox_item``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.exchange import edxml, signing
from egov.exchange.codes import BusinessDocType, StatusCode
from egov.exchange.integration import documents_handler
from egov.exchange.models import (
    FINAL_REQUESTS,
    HANDLING_RANK,
    HANDLING_TRANSITIONS,
    OUTBOX_TRANSITIONS,
    REQUEST_TRANSITIONS,
    DeliveryAttempt,
    Direction,
    Endpoint,
    EventKind,
    Handling,
    Message,
    MessageKind,
    OutboxItem,
    OutboxState,
    Peer,
    RequestState,
    Transmission,
    TransmissionEvent,
)
from egov.exchange.selectors import (
    EXCHANGE_ROLES,
    ack_for,
    find_peer,
    local_agencies,
    local_agency,
    original_package,
)
from egov.lib.actions import action
from egov.lib.identifiers import validate_organ_code
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied, Problem, invalid
from egov.org.models import Agency
from egov.org.selectors import has_role, is_system_admin

if TYPE_CHECKING:
    from egov.accounts.models import User

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def digest_of(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def organization_of(agency: Agency) -> edxml.Organization:
    """An agency as edXML From/To."""
    return edxml.Organization(
        organ_id=agency.organ_code,
        organ_name=agency.name,
        organization_in_charge=agency.parent.name if agency.parent_id and agency.parent else "",
        organ_add=agency.address,
        email=agency.email,
        telephone=agency.phone,
        website=agency.website,
    )


def staff_of(user: User | None) -> edxml.StaffInfo:
    if user is None:
        return edxml.StaffInfo()
    from egov.org.selectors import active_memberships

    memberships = active_memberships(user)
    department = next((str(m.unit.name) for m in memberships if m.unit_id and m.unit), "")
    return edxml.StaffInfo(
        department=department,
        staff=user.full_name or user.get_username(),
        mobile=user.phone,
        email=user.email,
    )


def _require_role(acting_user: User | None, agency: Agency) -> None:
    if acting_user is None or is_system_admin(acting_user):
        return
    if not has_role(acting_user, *EXCHANGE_ROLES, agency=agency):
        raise PermissionDenied(
            _("Only the document clerk, a leader or the administrator of %(agency)s may do this.")
            % {"agency": agency.name}
        )


class ExchangeNotConfigured(Problem):
    status = 503
    code = "exchange_not_configured"
    title = _("Electronic exchange is not set up on this installation.")


def material_for(organ_code: str) -> signing.SigningMaterial:
    """The key that signs for ``organ_code``; 503 problem when none is set up."""
    try:
        return signing.key_provider().material_for(organ_code)
    except ImproperlyConfigured as exc:
        logger.error("edXML signing: %s", exc)
        raise ExchangeNotConfigured() from exc


def _sign(root: Any, organ_code: str) -> bytes:
    return signing.sign(root, material_for(organ_code))


def _store(
    *,
    direction: str,
    kind: str,
    payload: bytes,
    document_id: str,
    sender: str,
    recipients: list[str],
    business_type: int | None = None,
    status_code: str = "",
    transmission: Transmission | None = None,
    digest: str | None = None,
) -> Message:
    return Message.objects.create(
        direction=direction,
        kind=kind,
        document_id=document_id,
        business_type=business_type,
        status_code=status_code,
        sender_organ_code=sender,
        recipients=recipients,
        digest=digest or digest_of(payload),
        payload=payload.decode("utf-8"),
        size=len(payload),
        transmission=transmission,
    )


def _event(
    transmission: Transmission,
    kind: str,
    from_value: str,
    to_value: str,
    *,
    code: str = "",
    late: bool = False,
    description: str = "",
    staff: edxml.StaffInfo | None = None,
    reported_at: dt.datetime | None = None,
    actor: User | None = None,
) -> TransmissionEvent:
    staff = staff or edxml.StaffInfo()
    return TransmissionEvent.objects.create(
        transmission=transmission,
        kind=kind,
        from_value=from_value,
        to_value=to_value,
        status_code=code,
        late=late,
        description=description[:5000],
        staff=staff.staff[:255],
        department=staff.department[:255],
        reported_at=reported_at,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )


def _queue(message: Message, transmission: Transmission, peer: Peer, endpoint: str) -> OutboxItem:
    return OutboxItem.objects.create(
        message=message,
        transmission=transmission,
        peer=peer,
        recipient_organ_code=transmission.remote_organ_code,
        endpoint=endpoint,
        next_attempt_at=timezone.now(),
    )


def _deliver_after_commit(items: Iterable[OutboxItem]) -> None:
    item_ids = [item.pk for item in items]
    if not item_ids:
        return

    def enqueue() -> None:
        from egov.exchange.tasks import deliver_outbox_item

        for item_id in item_ids:
            deliver_outbox_item.enqueue(item_id)

    transaction.on_commit(enqueue)


def _response_for(transmission: Transmission) -> edxml.ResponseFor:
    """The ResponseFor of a status about a transmission: the original sender's document."""
    sender = (
        transmission.remote_organ_code
        if transmission.direction == Direction.INCOMING
        else transmission.local_organ_code
    )
    return edxml.ResponseFor(
        organ_id=sender,
        code=transmission.code,
        promulgation_date=transmission.promulgation_date,
        document_id=transmission.document_id,
    )


def _status_package(
    transmission: Transmission,
    agency: Agency,
    code: str,
    *,
    description: str,
    staff: edxml.StaffInfo,
) -> Message:
    """Sign a status message about a received document and record it (not yet queued)."""
    status = edxml.StatusMessage(
        response_for=_response_for(transmission),
        sender=organization_of(agency),
        code=code,
        timestamp=timezone.now().replace(microsecond=0),
        description=description,
        staff=staff,
    )
    payload = _sign(edxml.build_status(status), agency.organ_code)
    return _store(
        direction=Direction.OUTGOING,
        kind=MessageKind.STATUS,
        payload=payload,
        document_id=transmission.document_id,
        sender=agency.organ_code,
        recipients=[transmission.remote_organ_code],
        status_code=code,
        transmission=transmission,
    )


def _peer_for(organ_code: str, field: str) -> Peer:
    peer = find_peer(organ_code)
    if peer is None:
        raise invalid(
            field,
            _("No active peer installation is known for organ %(organ)s.") % {"organ": organ_code},
        )
    return peer


def _sender_agency(message: edxml.DocumentMessage, acting_user: User | None) -> Agency:
    agency = local_agency(message.header.sender.organ_id)
    if agency is None:
        raise invalid(
            "MessageHeader.From.OrganId",
            _("The sender must be an agency of this installation."),
        )
    _require_role(acting_user, agency)
    return agency


def _outgoing(message: edxml.DocumentMessage, organ_code: str) -> edxml.DocumentMessage:
    """The package as it leaves us, our trace header appended; InvalidInput naming every field
    that would make a receiver refuse it."""
    trace = edxml.TraceHeader(organ_id=organ_code, timestamp=timezone.now().replace(microsecond=0))
    message = dataclasses.replace(message, traces=(*message.traces, trace))
    try:
        edxml.check_document(message)
    except edxml.EdxmlError as exc:
        raise InvalidInput(
            "; ".join(f"{field}: {text}" for field, text in exc.errors.items()),
            errors=exc.errors,
        ) from exc
    return message


# ---------------------------------------------------------------------------------------------
# State machines
# ---------------------------------------------------------------------------------------------
def move_handling(
    transmission: Transmission,
    code: str,
    *,
    description: str = "",
    staff: edxml.StaffInfo | None = None,
    reported_at: dt.datetime | None = None,
    actor: User | None = None,
) -> bool:
    """Apply a handling status. True when the status moved; False when it was already known or
    arrived late (recorded, status unchanged). Conflict when the table forbids it."""
    current = transmission.status
    if (
        code == current
        or transmission.events.filter(kind=EventKind.HANDLING, to_value=code).exists()
    ):
        return False
    kwargs: dict[str, Any] = {
        "code": code,
        "description": description,
        "staff": staff,
        "reported_at": reported_at,
        "actor": actor,
    }
    if code in HANDLING_TRANSITIONS[current]:
        _event(transmission, EventKind.HANDLING, current, code, **kwargs)
        transmission.status = code
        transmission.save(update_fields=["status", "updated_at"])
        return True
    if (
        Handling.REFUSED not in (code, current)
        and code in HANDLING_RANK
        and HANDLING_RANK[code] < HANDLING_RANK[current]
    ):
        _event(transmission, EventKind.HANDLING, current, code, late=True, **kwargs)
        return False
    raise Conflict(
        _("The status cannot go from “%(current)s” to “%(new)s”.")
        % {
            "current": Handling(current).label,
            "new": Handling(code).label if code in Handling.values else code,
        },
        code="status_not_allowed",
    )


def move_request(
    transmission: Transmission,
    new_state: str,
    *,
    request_type: int | None = None,
    code: str = "",
    description: str = "",
    staff: edxml.StaffInfo | None = None,
    reported_at: dt.datetime | None = None,
    actor: User | None = None,
) -> None:
    current = transmission.request_state
    if new_state not in REQUEST_TRANSITIONS[current]:
        raise Conflict(
            _("The request cannot go from “%(current)s” to “%(new)s”.")
            % {"current": RequestState(current).label, "new": RequestState(new_state).label},
            code="request_not_allowed",
        )
    if new_state == RequestState.PENDING and transmission.is_withdrawn:
        raise Conflict(_("This document has been withdrawn."), code="withdrawn")
    _event(
        transmission,
        EventKind.REQUEST,
        current,
        new_state,
        code=code,
        description=description,
        staff=staff,
        reported_at=reported_at,
        actor=actor,
    )
    transmission.request_state = new_state
    fields = ["request_state", "updated_at"]
    if request_type is not None:
        transmission.request_type = request_type
        transmission.request_reason = description
        fields += ["request_type", "request_reason"]
    transmission.save(update_fields=fields)


def _answer_request(
    transmission: Transmission, status: edxml.StatusMessage, actor: User | None
) -> bool:
    """A 13/15/16 status about one of our requests; False when it changes nothing."""
    kwargs: dict[str, Any] = {
        "code": status.code,
        "description": status.description,
        "staff": status.staff,
        "reported_at": status.timestamp,
        "actor": actor,
    }
    target = {
        StatusCode.REQUEST_AGREED: RequestState.AGREED,
        StatusCode.REQUEST_REFUSED: RequestState.REFUSED,
    }.get(status.code)  # type: ignore[call-overload]
    if target is None:  # 13: the receiver has the revocation request
        if transmission.events.filter(kind=EventKind.REQUEST, status_code=status.code).exists():
            return False
        _event(transmission, EventKind.REQUEST, "", transmission.request_state, **kwargs)
        return True
    if transmission.request_state == target:
        return False
    move_request(transmission, target, **kwargs)
    if target == RequestState.AGREED and transmission.request_type in FINAL_REQUESTS:
        transmission.withdrawn_at = timezone.now()
        transmission.save(update_fields=["withdrawn_at"])
    return True


def apply_status(
    transmission: Transmission, status: edxml.StatusMessage, actor: User | None = None
) -> bool:
    """Apply a peer's status message to one of our outgoing transmissions; the documents app
    hears of every change."""
    if status.code in Handling.values:
        changed = move_handling(
            transmission,
            status.code,
            description=status.description,
            staff=status.staff,
            reported_at=status.timestamp,
            actor=actor,
        )
    else:
        changed = _answer_request(transmission, status, actor)
    if changed:
        documents_handler().status_changed(
            transmission=transmission,
            code=status.code,
            description=status.description,
            at=status.timestamp,
        )
    return changed


# ---------------------------------------------------------------------------------------------
# Sending
# ---------------------------------------------------------------------------------------------
def _send(
    *,
    acting_user: User | None,
    agency: Agency,
    message: edxml.DocumentMessage,
    recipients: list[tuple[str, str, Peer]],
    transmissions: dict[str, Transmission] | None = None,
    local_document_id: str = "",
) -> tuple[Message, list[Transmission], list[OutboxItem]]:
    """Sign ``message`` once and queue it for each (organ, name, peer) of ``recipients``.

    New transmissions are created unless ``transmissions`` (organ -> existing one) are given.
    """
    payload = _sign(edxml.build_document(message), agency.organ_code)
    header = message.header
    package = _store(
        direction=Direction.OUTGOING,
        kind=MessageKind.DOCUMENT,
        payload=payload,
        document_id=header.document_id,
        sender=agency.organ_code,
        recipients=[organ for organ, _name, _peer in recipients],
        business_type=message.business.doc_type,
    )
    answered = _answered_transmission(header, agency.organ_code)
    sent, items = [], []
    for organ, name, peer in recipients:
        if transmissions and organ in transmissions:
            current = transmissions[organ]
        else:
            current = Transmission.objects.create(
                direction=Direction.OUTGOING,
                document_id=header.document_id,
                local_organ_code=agency.organ_code,
                remote_organ_code=organ,
                remote_organ_name=name[:255],
                peer=peer,
                code=str(header.code)[:50],
                subject=header.subject[:500],
                promulgation_date=header.promulgation.date,
                document_type_name=header.document_type.name[:100],
                response_for=answered,
                response_for_document_id=(
                    header.response_for[0].document_id if header.response_for else ""
                ),
                local_document_id=local_document_id,
            )
            _event(current, EventKind.HANDLING, "", Handling.QUEUED, actor=acting_user)
        sent.append(current)
        items.append(_queue(package, current, peer, Endpoint.EDXML))
    if len(sent) == 1:
        package.transmission = sent[0]
        package.save(update_fields=["transmission"])
    return package, sent, items


def _answered_transmission(header: edxml.MessageHeader, local_organ: str) -> Transmission | None:
    """The incoming document this one answers (ResponseFor), when we have it."""
    for response_for in header.response_for:
        found = Transmission.objects.filter(
            direction=Direction.INCOMING,
            document_id=response_for.document_id,
            local_organ_code=local_organ,
        ).first()
        if found is not None:
            return found
    return None


def _remote_recipients(
    header: edxml.MessageHeader, organs: list[str] | None = None
) -> list[tuple[str, str, Peer]]:
    locals_ = local_agencies([to.organ_id for to in header.to])
    recipients = []
    for index, to in enumerate(header.to):
        if to.organ_id in locals_:
            continue  # local recipients get the document from the documents app directly
        if organs is not None and to.organ_id not in organs:
            continue
        peer = _peer_for(to.organ_id, f"MessageHeader.To[{index}].OrganId")
        recipients.append((to.organ_id, to.organ_name, peer))
    if not recipients:
        raise invalid("MessageHeader.To", _("None of the recipients is in another installation."))
    return recipients


@action
def send_document(
    *,
    acting_user: User | None,
    message: edxml.DocumentMessage,
    local_document_id: str = "",
    organs: list[str] | None = None,
) -> list[Transmission]:
    """Send a new document (or a reply, with ResponseFor) to every remote recipient, or to the
    ``organs`` among them."""
    if message.business.doc_type != BusinessDocType.NEW:
        raise invalid(
            "TraceHeaderList.Bussiness.BussinessDocType",
            _("Use the revocation, update or replacement actions for those packages."),
        )
    agency = _sender_agency(message, acting_user)
    message = _outgoing(message, agency.organ_code)
    recipients = _remote_recipients(message.header, organs)
    already = Transmission.objects.filter(
        direction=Direction.OUTGOING,
        document_id=message.document_id,
        local_organ_code=agency.organ_code,
        remote_organ_code__in=[organ for organ, _name, _peer in recipients],
    ).values_list("remote_organ_code", flat=True)
    if already:
        raise Conflict(
            _("This document has already been sent to %(organs)s.")
            % {"organs": ", ".join(sorted(already))},
            code="already_sent",
        )
    package, sent, items = _send(
        acting_user=acting_user,
        agency=agency,
        message=message,
        recipients=recipients,
        local_document_id=local_document_id,
    )
    record_event(
        actor=acting_user,
        verb="exchange.document_sent",
        obj=package,
        agency=agency,
        after={"document_id": message.document_id, "to": [t.remote_organ_code for t in sent]},
    )
    _deliver_after_commit(items)
    return sent


def _outgoing_for_change(
    document_id: str, agency: Agency, organs: list[str] | None = None
) -> dict[str, Transmission]:
    queryset = Transmission.objects.select_for_update().filter(
        direction=Direction.OUTGOING, document_id=document_id, local_organ_code=agency.organ_code
    )
    if organs is not None:
        queryset = queryset.filter(remote_organ_code__in=organs)
    found = {t.remote_organ_code: t for t in queryset.order_by("pk")}
    if not found:
        raise NotFound(_("This document has not been sent to another installation."))
    return found


def _request_changes(
    *,
    acting_user: User | None,
    agency: Agency,
    message: edxml.DocumentMessage,
    transmissions: dict[str, Transmission],
    request_type: int,
) -> tuple[Message, list[OutboxItem]]:
    for current in transmissions.values():
        move_request(
            current,
            RequestState.PENDING,
            request_type=request_type,
            description=message.business.reason,
            actor=acting_user,
        )
    recipients = []
    for organ, current in transmissions.items():
        peer = _peer_for(organ, "MessageHeader.To")
        recipients.append((organ, current.remote_organ_name, peer))
    package, _sent, items = _send(
        acting_user=acting_user,
        agency=agency,
        message=message,
        recipients=recipients,
        transmissions=transmissions,
    )
    return package, items


@action
def request_revocation(
    *,
    acting_user: User | None,
    document_id: str,
    sender_organ_code: str,
    reason: str,
    organs: list[str] | None = None,
) -> list[Transmission]:
    """Ask the receivers to revoke a document we sent (BussinessDocType 1)."""
    agency = local_agency(sender_organ_code)
    if agency is None:
        raise invalid("sender_organ_code", _("The sender must be an agency of this installation."))
    _require_role(acting_user, agency)
    if not reason.strip():
        raise invalid("reason", _("Give the reason for the revocation."))
    transmissions = _outgoing_for_change(document_id, agency, organs)
    original = original_package(next(iter(transmissions.values())))
    if original is None:  # pragma: no cover - every outgoing transmission has its package
        raise NotFound()
    message = edxml.read_document(edxml.parse_xml(original.payload.encode(), max_bytes=2**31))
    message = dataclasses.replace(
        message,
        business=edxml.Business(
            doc_type=BusinessDocType.REVOKE,
            reason=reason,
            document_id=document_id,
            staff=staff_of(acting_user),
        ),
    )
    message = _outgoing(message, agency.organ_code)
    package, items = _request_changes(
        acting_user=acting_user,
        agency=agency,
        message=message,
        transmissions=transmissions,
        request_type=BusinessDocType.REVOKE,
    )
    record_event(
        actor=acting_user,
        verb="exchange.revocation_requested",
        obj=package,
        agency=agency,
        after={"document_id": document_id, "reason": reason, "to": sorted(transmissions)},
    )
    _deliver_after_commit(items)
    return list(transmissions.values())


def _with_added_receivers(
    message: edxml.DocumentMessage, known: dict[str, Transmission]
) -> tuple[edxml.DocumentMessage, list[tuple[str, str, Peer]]]:
    """Receivers an update adds (ReceiverType 1) that do not have the document yet: the message
    with them among its To, and (organ, name, peer) for each remote one."""
    added_codes = [
        change.organ_id
        for change in message.business.receiver_changes
        if change.receiver_type == 1 and change.organ_id not in known
    ]
    if not added_codes:
        return message, []
    to = list(message.header.to)
    listed = {org.organ_id for org in to}
    hosted = local_agencies(added_codes)
    added = []
    for index, organ in enumerate(dict.fromkeys(added_codes)):
        if organ in hosted:
            continue  # an agency of this installation: the documents app distributes locally
        peer = _peer_for(
            organ, f"TraceHeaderList.Bussiness.BussinessDocumentInfo.ReceiverList[{index}]"
        )
        name = next((org.organ_name for org in to if org.organ_id == organ), "")
        if not name:
            name = peer.name if peer.organ_code == organ else organ
        if organ not in listed:
            to.append(edxml.Organization(organ_id=organ, organ_name=name))
        added.append((organ, name, peer))
    header = dataclasses.replace(message.header, to=tuple(to))
    return dataclasses.replace(message, header=header), added


@action
def send_update(*, acting_user: User | None, message: edxml.DocumentMessage) -> list[Transmission]:
    """Send an updated version of a document we sent (BussinessDocType 2, same DocumentId).

    Receivers it adds (ReceiverList, ReceiverType 1) that do not have the document yet are sent
    the updated document as a new one (BussinessDocType 0), with their own transmissions;
    receivers it removes (ReceiverType 0) get the update and withdraw the document when they
    agree to it.
    """
    if message.business.doc_type != BusinessDocType.UPDATE:
        raise invalid(
            "TraceHeaderList.Bussiness.BussinessDocType", _("An update has BussinessDocType 2.")
        )
    agency = _sender_agency(message, acting_user)
    transmissions = _outgoing_for_change(
        message.business.document_id or message.document_id, agency
    )
    message, added = _with_added_receivers(message, transmissions)
    message = _outgoing(message, agency.organ_code)
    package, items = _request_changes(
        acting_user=acting_user,
        agency=agency,
        message=message,
        transmissions=transmissions,
        request_type=BusinessDocType.UPDATE,
    )
    sent = list(transmissions.values())
    if added:
        as_new = dataclasses.replace(
            message,
            business=edxml.Business(
                doc_type=BusinessDocType.NEW,
                staff=message.business.staff,
                paper=message.business.paper,
            ),
        )
        first = next(iter(transmissions.values()))
        _package, new_sent, new_items = _send(
            acting_user=acting_user,
            agency=agency,
            message=as_new,
            recipients=added,
            local_document_id=first.local_document_id,
        )
        sent += new_sent
        items += new_items
    record_event(
        actor=acting_user,
        verb="exchange.update_sent",
        obj=package,
        agency=agency,
        after={
            "document_id": message.document_id,
            "reason": message.business.reason,
            "added": [organ for organ, _name, _peer in added],
        },
    )
    _deliver_after_commit(items)
    return sent


def update_of(
    transmission: Transmission,
    *,
    reason: str,
    subject: str = "",
    add: list[str] | None = None,
    remove: list[str] | None = None,
    staff: edxml.StaffInfo | None = None,
) -> edxml.DocumentMessage:
    """An update (type 2) of a document we sent, built from the last package we sent for it:
    a new subject and/or receivers added (1) or removed (0); for ``send_update``."""
    if transmission.direction != Direction.OUTGOING:
        raise NotFound()
    if not reason.strip():
        raise invalid("reason", _("Give the reason for the update."))
    last = (
        Message.objects.filter(
            direction=Direction.OUTGOING,
            kind=MessageKind.DOCUMENT,
            document_id=transmission.document_id,
            sender_organ_code=transmission.local_organ_code,
        )
        .order_by("-pk")
        .first()
    )
    if last is None:
        raise NotFound(_("This document has not been sent to another installation."))
    sent = edxml.read_document(edxml.parse_xml(last.payload.encode(), max_bytes=2**31))
    add, remove = list(dict.fromkeys(add or [])), list(dict.fromkeys(remove or []))
    for field, codes in (("add", add), ("remove", remove)):
        for code in codes:
            try:
                validate_organ_code(code)
            except ValidationError as exc:
                raise invalid(field, " ".join(exc.messages)) from exc
    header = sent.header
    if subject.strip():
        header = dataclasses.replace(header, subject=subject.strip())
    # Removed receivers stay in To: they must still accept this package, which tells them
    # (ReceiverType 0) to withdraw the document.
    changes = tuple(
        [edxml.ReceiverChange(receiver_type=1, organ_id=code) for code in add]
        + [edxml.ReceiverChange(receiver_type=0, organ_id=code) for code in remove]
    )
    business = edxml.Business(
        doc_type=BusinessDocType.UPDATE,
        reason=reason.strip(),
        document_id=sent.document_id,
        document_info_changed=bool(subject.strip()),
        receivers_changed=bool(changes),
        receiver_changes=changes,
        staff=staff or sent.business.staff,
    )
    # The trace starts again from us: _outgoing appends our header when it is sent.
    return dataclasses.replace(sent, header=header, business=business, traces=())


@action
def send_replacement(
    *, acting_user: User | None, message: edxml.DocumentMessage
) -> list[Transmission]:
    """Send a new document that replaces earlier ones (BussinessDocType 3)."""
    if message.business.doc_type != BusinessDocType.REPLACE:
        raise invalid(
            "TraceHeaderList.Bussiness.BussinessDocType", _("A replacement has BussinessDocType 3.")
        )
    agency = _sender_agency(message, acting_user)
    message = _outgoing(message, agency.organ_code)
    recipients = _remote_recipients(message.header)
    organs = [organ for organ, _name, _peer in recipients]
    for replacement in message.business.replacements:
        replaced = _outgoing_for_change(replacement.document_id, agency, organs)
        for current in replaced.values():
            move_request(
                current,
                RequestState.PENDING,
                request_type=BusinessDocType.REPLACE,
                description=message.business.reason,
                actor=acting_user,
            )
    package, sent, items = _send(
        acting_user=acting_user, agency=agency, message=message, recipients=recipients
    )
    record_event(
        actor=acting_user,
        verb="exchange.replacement_sent",
        obj=package,
        agency=agency,
        after={
            "document_id": message.document_id,
            "replaces": [r.document_id for r in message.business.replacements],
        },
    )
    _deliver_after_commit(items)
    return sent


# ---------------------------------------------------------------------------------------------
# Receiving (the package was parsed and its signature checked by receiving.py)
# ---------------------------------------------------------------------------------------------
class DuplicatePackage(Exception):
    """Raised inside the action to roll back when another request registered it first."""


@dataclasses.dataclass(frozen=True)
class Registered:
    ack: Message
    transmissions: list[Transmission]


def _targets(message: edxml.DocumentMessage, recipient: str | None) -> dict[str, Agency]:
    to_codes = [to.organ_id for to in message.header.to]
    hosted = local_agencies(to_codes)
    if recipient:
        if recipient not in to_codes:
            raise invalid("to", _("This organ is not among the package's recipients."))
        if recipient not in hosted:
            raise invalid("to", _("This organ is not hosted by this installation."))
        return {recipient: hosted[recipient]}
    if not hosted:
        raise invalid(
            "MessageHeader.To", _("None of the recipients is hosted by this installation.")
        )
    return {code: hosted[code] for code in to_codes if code in hosted}


def _incoming(
    document_id: str, organ: str, sender: str, *, lock: bool = False
) -> Transmission | None:
    queryset = Transmission.objects.filter(
        direction=Direction.INCOMING,
        document_id=document_id,
        local_organ_code=organ,
        remote_organ_code=sender,
    )
    if lock:
        queryset = queryset.select_for_update()
    return queryset.first()


def _register_new(
    message: edxml.DocumentMessage,
    organ: str,
    peer: Peer,
    acting_user: User | None,
) -> tuple[Transmission, bool]:
    """The incoming transmission for ``organ``, created unless it exists (then False)."""
    header = message.header
    sender = header.sender.organ_id
    existing = _incoming(header.document_id, organ, sender)
    if existing is not None:
        return existing, False
    answered = None
    for response_for in header.response_for:
        answered = Transmission.objects.filter(
            direction=Direction.OUTGOING,
            document_id=response_for.document_id,
            local_organ_code=organ,
        ).first()
        if answered is not None:
            break
    current = Transmission.objects.create(
        direction=Direction.INCOMING,
        document_id=header.document_id,
        local_organ_code=organ,
        remote_organ_code=sender,
        remote_organ_name=header.sender.organ_name[:255],
        peer=peer,
        code=str(header.code)[:50],
        subject=header.subject[:500],
        promulgation_date=header.promulgation.date,
        document_type_name=header.document_type.name[:100],
        status=Handling.ARRIVED,
        response_for=answered,
        response_for_document_id=header.response_for[0].document_id if header.response_for else "",
    )
    _event(current, EventKind.HANDLING, "", Handling.ARRIVED, code=StatusCode.ARRIVED)
    local_id = documents_handler().register(
        transmission=current, message=message, acting_user=acting_user
    )
    if local_id:
        current.local_document_id = str(local_id)[:64]
        current.save(update_fields=["local_document_id"])
    return current, True


def _register_request(
    message: edxml.DocumentMessage,
    document_id: str,
    organ: str,
    request_type: int,
    acting_user: User | None,
) -> tuple[Transmission, bool]:
    """The transmission a revocation or update is about, its request now pending (True), or
    already pending from an earlier copy of the package (False)."""
    current = _incoming(document_id, organ, message.header.sender.organ_id, lock=True)
    if current is None:
        raise NotFound(
            _("No document %(id)s was received from this sender.") % {"id": document_id},
            code="unknown_document",
        )
    if current.request_state == RequestState.PENDING and current.request_type == request_type:
        return current, False
    move_request(
        current,
        RequestState.PENDING,
        request_type=request_type,
        code=StatusCode.REVOKED if request_type == BusinessDocType.REVOKE else "",
        description=message.business.reason,
        staff=message.business.staff,
        actor=acting_user,
    )
    return current, True


@action
def register_document_package(
    *,
    acting_user: User | None,
    peer: Peer,
    message: edxml.DocumentMessage,
    payload: bytes,
    recipient: str | None = None,
) -> Registered:
    """Record a verified document package for the local organs it is addressed to and sign the
    acknowledgement (01 arrived; 13 for a revocation). Raises DuplicatePackage when it was
    registered already, so the caller answers with the earlier acknowledgement."""
    targets = _targets(message, recipient)
    doc_type = message.business.doc_type
    inbound = _store(
        direction=Direction.INCOMING,
        kind=MessageKind.DOCUMENT,
        payload=payload,
        document_id=message.document_id,
        sender=message.header.sender.organ_id,
        recipients=list(targets),
        business_type=doc_type,
    )
    ack_code = StatusCode.REVOKED if doc_type == BusinessDocType.REVOKE else StatusCode.ARRIVED
    registered: list[Transmission] = []
    acks: list[Message] = []
    for organ, agency in targets.items():
        if doc_type in (BusinessDocType.NEW, BusinessDocType.REPLACE):
            current, created = _register_new(message, organ, peer, acting_user)
            for replacement in message.business.replacements if created else ():
                if replacement.organ_ids and organ not in replacement.organ_ids:
                    continue
                replaced = _incoming(
                    replacement.document_id, organ, message.header.sender.organ_id, lock=True
                )
                if replaced is not None:
                    move_request(
                        replaced,
                        RequestState.PENDING,
                        request_type=BusinessDocType.REPLACE,
                        description=message.business.reason,
                        staff=message.business.staff,
                        actor=acting_user,
                    )
                    replaced.replaced_by = message.document_id
                    replaced.save(update_fields=["replaced_by"])
        else:
            current, created = _register_request(
                message, message.business.document_id, organ, doc_type, acting_user
            )
        earlier = None if created else ack_for(current, ack_code)
        if earlier is not None:
            acks.append(earlier)
            continue
        registered.append(current)
        acks.append(
            _status_package(
                current,
                agency,
                ack_code,
                description=str(StatusCode(ack_code).label),
                staff=edxml.StaffInfo(),
            )
        )
    if not registered:
        raise DuplicatePackage()
    inbound.transmission = registered[0] if len(registered) == 1 else None
    inbound.ack = acks[0]
    inbound.save(update_fields=["transmission", "ack"])
    record_event(
        actor=acting_user,
        verb="exchange.document_received",
        obj=inbound,
        agency=targets[next(iter(targets))],
        after={
            "document_id": message.document_id,
            "from": message.header.sender.organ_id,
            "to": list(targets),
            "business_type": doc_type,
        },
    )
    return Registered(ack=acks[0], transmissions=registered)


@action
def register_status_package(
    *,
    acting_user: User | None,
    peer: Peer,
    status: edxml.StatusMessage,
    payload: bytes,
) -> tuple[Transmission, bool]:
    """Record a verified status message about one of our outgoing documents; the flag says
    whether it changed anything (False for a status known already or arriving late)."""
    current = (
        Transmission.objects.select_for_update()
        .filter(
            direction=Direction.OUTGOING,
            document_id=status.response_for.document_id,
            local_organ_code=status.response_for.organ_id,
            remote_organ_code=status.sender.organ_id,
        )
        .first()
    )
    if current is None:
        raise NotFound(
            _("No document %(id)s was sent to this organ.")
            % {"id": status.response_for.document_id},
            code="unknown_document",
        )
    inbound = _store(
        direction=Direction.INCOMING,
        kind=MessageKind.STATUS,
        payload=payload,
        document_id=current.document_id,
        sender=status.sender.organ_id,
        recipients=[current.local_organ_code],
        status_code=status.code,
        transmission=current,
    )
    changed = apply_status(current, status, acting_user)
    record_event(
        actor=acting_user,
        verb="exchange.status_received",
        obj=inbound,
        agency=local_agency(current.local_organ_code),
        after={
            "document_id": current.document_id,
            "from": status.sender.organ_id,
            "code": status.code,
            "changed": changed,
        },
    )
    return current, changed


# ---------------------------------------------------------------------------------------------
# Handling a received document: answer the sender
# ---------------------------------------------------------------------------------------------
def _lock_incoming(transmission_id: int) -> Transmission:
    current = (
        Transmission.objects.select_for_update()
        .filter(pk=transmission_id, direction=Direction.INCOMING)
        .first()
    )
    if current is None:
        raise NotFound()
    return current


def _answer(
    current: Transmission,
    agency: Agency,
    code: str,
    *,
    description: str,
    acting_user: User | None,
) -> OutboxItem:
    peer = _peer_for(current.remote_organ_code, "transmission")
    package = _status_package(
        current, agency, code, description=description, staff=staff_of(acting_user)
    )
    return _queue(package, current, peer, Endpoint.STATUS)


@action
def report_status(
    *,
    acting_user: User | None,
    transmission_id: int,
    code: str,
    description: str = "",
) -> Transmission:
    """Tell the sender how far we are with a received document (02–06)."""
    current = _lock_incoming(transmission_id)
    agency = local_agency(current.local_organ_code)
    if agency is None:
        raise NotFound()
    _require_role(acting_user, agency)
    if code not in Handling.values or code in (Handling.QUEUED, Handling.ARRIVED):
        raise invalid("code", _("Choose one of the statuses 02 to 06."))
    if current.is_withdrawn:
        raise Conflict(_("This document has been withdrawn."), code="withdrawn")
    if code not in HANDLING_TRANSITIONS[current.status]:
        raise Conflict(
            _("The status cannot go from “%(current)s” to “%(new)s”.")
            % {"current": Handling(current.status).label, "new": Handling(code).label},
            code="status_not_allowed",
        )
    if code == Handling.REFUSED and acting_user is not None:
        # With the documents app, the arrival is refused there too (its clerk, a reason).
        documents_handler().refuse(
            transmission=current, reason=description, acting_user=acting_user
        )
    move_handling(current, code, description=description, actor=acting_user)
    item = _answer(current, agency, code, description=description, acting_user=acting_user)
    record_event(
        actor=acting_user,
        verb="exchange.status_reported",
        obj=current,
        agency=agency,
        after={"document_id": current.document_id, "code": code},
    )
    _deliver_after_commit([item])
    return current


@action
def decide_request(
    *,
    acting_user: User | None,
    transmission_id: int,
    agree: bool,
    note: str = "",
) -> Transmission:
    """Agree to (15) or refuse (16) the sender's revocation, update or replacement."""
    current = _lock_incoming(transmission_id)
    agency = local_agency(current.local_organ_code)
    if agency is None:
        raise NotFound()
    _require_role(acting_user, agency)
    if current.request_state != RequestState.PENDING:
        raise Conflict(_("There is no request waiting for an answer."), code="no_pending_request")
    code = StatusCode.REQUEST_AGREED if agree else StatusCode.REQUEST_REFUSED
    move_request(
        current,
        RequestState.AGREED if agree else RequestState.REFUSED,
        code=code,
        description=note,
        staff=staff_of(acting_user),
        actor=acting_user,
    )
    handler = documents_handler()
    if agree and current.request_type in FINAL_REQUESTS:
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["withdrawn_at"])
        handler.withdraw(
            transmission=current, reason=current.request_reason, acting_user=acting_user
        )
    elif agree and current.request_type == BusinessDocType.UPDATE:
        update = (
            Message.objects.filter(
                direction=Direction.INCOMING,
                kind=MessageKind.DOCUMENT,
                document_id=current.document_id,
                sender_organ_code=current.remote_organ_code,
                business_type=BusinessDocType.UPDATE,
            )
            .order_by("-pk")
            .first()
        )
        if update is not None:
            message = edxml.read_document(edxml.parse_xml(update.payload.encode(), max_bytes=2**31))
            removed = any(
                change.receiver_type == 0 and change.organ_id == current.local_organ_code
                for change in message.business.receiver_changes
            )
            if removed:  # the update takes this receiver off the document
                current.withdrawn_at = timezone.now()
                current.save(update_fields=["withdrawn_at"])
                handler.withdraw(
                    transmission=current, reason=current.request_reason, acting_user=acting_user
                )
            else:
                current.subject = message.header.subject[:500]
                current.document_type_name = message.header.document_type.name[:100]
                current.save(update_fields=["subject", "document_type_name"])
                handler.update(transmission=current, message=message, acting_user=acting_user)
    item = _answer(
        current,
        agency,
        code,
        description=note or str(StatusCode(code).label),
        acting_user=acting_user,
    )
    record_event(
        actor=acting_user,
        verb="exchange.request_decided",
        obj=current,
        agency=agency,
        after={"document_id": current.document_id, "agree": agree, "request": current.request_type},
    )
    _deliver_after_commit([item])
    return current


# ---------------------------------------------------------------------------------------------
# Delivery bookkeeping
# ---------------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Outcome:
    delivered: bool
    permanent: bool = False  # refused by the peer: retrying would not help
    http_status: int | None = None
    error: str = ""
    duration_ms: int = 0
    ack: edxml.StatusMessage | None = None
    ack_payload: bytes = b""


def backoff(attempts: int, *, base: float, cap: float, jitter: float) -> dt.timedelta:
    """Delay before attempt ``attempts + 1``: base·2^(attempts−1), capped, then spread by up to
    half of itself (``jitter`` in [0, 1)) so that peers coming back are not hit all at once."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return dt.timedelta(seconds=delay * (0.5 + 0.5 * jitter))


def _move_outbox(item: OutboxItem, new_state: str) -> None:
    if new_state != item.state and new_state not in OUTBOX_TRANSITIONS[item.state]:
        raise Conflict(
            _("The delivery cannot go from “%(current)s” to “%(new)s”.")
            % {"current": OutboxState(item.state).label, "new": OutboxState(new_state).label},
            code="delivery_state",
        )
    item.state = new_state


@action
def record_delivery(
    *, acting_user: User | None, item_id: int, outcome: Outcome, jitter: float
) -> OutboxItem:
    """The result of one delivery attempt: delivered (and the acknowledgement applied), retried
    later with backoff, or failed for good."""
    item = OutboxItem.objects.select_for_update().select_related("transmission").get(pk=item_id)
    now = timezone.now()
    if item.state != OutboxState.PENDING:
        raise Conflict(_("This delivery is no longer waiting."), code="delivery_state")
    item.attempts += 1
    item.last_attempt_at = now
    item.last_http_status = outcome.http_status
    item.leased_until = None
    if outcome.delivered:
        _move_outbox(item, OutboxState.DELIVERED)
        item.delivered_at = now
        item.last_error = ""
        if outcome.ack is not None:
            _store(
                direction=Direction.INCOMING,
                kind=MessageKind.STATUS,
                payload=outcome.ack_payload,
                document_id=item.transmission.document_id,
                sender=outcome.ack.sender.organ_id,
                recipients=[item.transmission.local_organ_code],
                status_code=outcome.ack.code,
                transmission=item.transmission,
            )
            apply_status(
                Transmission.objects.select_for_update().get(pk=item.transmission_id), outcome.ack
            )
    else:
        item.last_error = outcome.error[:5000]
        if outcome.permanent or item.attempts >= settings.EXCHANGE_MAX_ATTEMPTS:
            _move_outbox(item, OutboxState.FAILED)
            documents_handler().delivery_failed(
                transmission=item.transmission, error=item.last_error
            )
        else:
            item.next_attempt_at = now + backoff(
                item.attempts,
                base=settings.EXCHANGE_RETRY_BASE_SECONDS,
                cap=settings.EXCHANGE_RETRY_CAP_SECONDS,
                jitter=jitter,
            )
    item.save()
    DeliveryAttempt.objects.create(
        item=item,
        number=item.attempt_log.count() + 1,
        at=now,
        duration_ms=outcome.duration_ms,
        http_status=outcome.http_status,
        outcome=item.state,
        error=outcome.error[:5000],
    )
    record_event(
        actor=acting_user,
        verb="exchange.delivery_attempted",
        obj=item,
        after={
            "document_id": item.transmission.document_id,
            "to": item.recipient_organ_code,
            "state": item.state,
            "http_status": outcome.http_status,
            "error": outcome.error[:200],
        },
    )
    return item


@action
def retry_outbox_item(*, acting_user: User | None, item_id: int) -> OutboxItem:
    """An administrator sends a failed package again (attempts start over)."""
    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    item = OutboxItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    if item.state != OutboxState.FAILED:
        raise Conflict(_("Only failed deliveries can be retried."), code="delivery_state")
    _move_outbox(item, OutboxState.PENDING)
    item.attempts = 0
    item.next_attempt_at = timezone.now()
    item.leased_until = None
    item.save()
    record_event(
        actor=acting_user,
        verb="exchange.delivery_retried",
        obj=item,
        after={"document_id": item.message.document_id, "to": item.recipient_organ_code},
    )
    _deliver_after_commit([item])
    return item


@action
def save_peer(
    *,
    acting_user: User | None,
    organ_code: str,
    name: str,
    endpoint_url: str,
    certificate: str = "",
    trusted_roots: str = "",
    includes_subordinates: bool = False,
    status: str = "active",
) -> Peer:
    """Add a peer installation to the directory, or change it (matched by organ code)."""
    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    peer = Peer.objects.select_for_update().filter(organ_code=organ_code).first() or Peer(
        organ_code=organ_code
    )
    before = None if peer.pk is None else {"endpoint_url": peer.endpoint_url, "status": peer.status}
    peer.name = name
    peer.endpoint_url = endpoint_url
    peer.certificate = certificate.strip() + "\n" if certificate.strip() else ""
    peer.trusted_roots = trusted_roots.strip() + "\n" if trusted_roots.strip() else ""
    peer.includes_subordinates = includes_subordinates
    peer.status = status
    from django.core.exceptions import ValidationError

    try:
        peer.full_clean()
    except ValidationError as exc:
        raise InvalidInput(
            next(iter(exc.messages)),
            errors={field: " ".join(messages) for field, messages in exc.message_dict.items()},
        ) from exc
    peer.save()
    record_event(
        actor=acting_user,
        verb="exchange.peer_saved",
        obj=peer,
        before=before,
        after={
            "organ_code": organ_code,
            "endpoint_url": endpoint_url,
            "status": status,
            "trust": "authorities" if peer.trusted_roots else "certificate",
        },
    )
    return peer
