"""The exchange API.

Two operations are public in the sense of the API's allow-list: ``POST /exchange/edxml`` and
``POST /exchange/status``. They take no session or token because peers authenticate every
package by its XML signature, checked against the certificate our peer directory holds for the
sending organ; an unknown sender or a bad signature gets 403 before anything is written.
``GET /exchange/certificate`` publishes our own certificate for peers to add to theirs.
Everything else needs a logged-in document clerk, leader or administrator.
"""

from __future__ import annotations

import datetime as dt

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from egov.accounts.selectors import request_user
from egov.api import public
from egov.exchange import actions, receiving
from egov.exchange.access import access_outbox_item, access_transmission
from egov.exchange.models import (
    Direction,
    Handling,
    OutboxItem,
    OutboxState,
    RequestState,
    Transmission,
)
from egov.exchange.selectors import local_agency, transmissions_for
from egov.lib.problems import NotFound, PermissionDenied, invalid
from egov.org.selectors import is_system_admin

PREFIX = "/exchange"
router = Router(tags=["exchange"])

XML = "application/xml; charset=utf-8"
_XML_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/xml": {"schema": {"type": "string", "format": "binary"}}},
        "description": "A signed edXML package (QCVN 102:2016).",
    }
}


def _body(request: HttpRequest) -> bytes:
    limit = settings.EXCHANGE_MAX_PACKAGE_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise receiving.PackageTooLarge(
            _("The package is larger than %(size)s bytes.") % {"size": limit}
        )
    try:
        data = request.body
    except RequestDataTooBig as exc:
        raise receiving.PackageTooLarge(
            _("The package is larger than %(size)s bytes.") % {"size": limit}
        ) from exc
    if not data:
        raise invalid("__all__", _("The request has no package."))
    return data


@router.post(
    "/edxml",
    auth=None,
    summary="Receive an edXML document package",
    openapi_extra={
        **_XML_BODY,
        "responses": {
            200: {
                "description": "The signed acknowledgement (status 01, or 13 for a revocation).",
                "content": {"application/xml": {"schema": {"type": "string"}}},
            }
        },
    },
)
def receive_edxml(request: HttpRequest, to: str | None = None) -> HttpResponse:
    """Take a package from a peer installation: checked (size, XML, known sender, signature,
    content), registered as incoming for the organ ``to`` (or every local recipient) and
    answered with our signed acknowledgement. Sending the same package, or the same
    DocumentId, again has no further effect and gets the same acknowledgement."""
    receipt = receiving.receive_document(_body(request), recipient=to or None)
    response = HttpResponse(receipt.ack, content_type=XML)
    response["Edxml-Duplicate"] = "1" if receipt.duplicate else "0"
    return response


public("POST", "/exchange/edxml")


class StatusReceivedOut(Schema):
    accepted: bool
    changed: bool = Field(description="False when this status was known already.")
    document_id: str
    status: str


@router.post(
    "/status",
    auth=None,
    response=StatusReceivedOut,
    summary="Receive an edXML status message",
    openapi_extra=_XML_BODY,
)
def receive_status(request: HttpRequest) -> StatusReceivedOut:
    """A peer reports on a document we sent: handling (01–06) or its answer to our revocation
    or update (13, 15, 16). Signed like document packages."""
    transmission, changed = receiving.receive_status(_body(request))
    transmission.refresh_from_db()
    return StatusReceivedOut(
        accepted=True,
        changed=changed,
        document_id=transmission.document_id,
        status=transmission.status,
    )


public("POST", "/exchange/status")


@router.get("/certificate", auth=None, summary="This installation's edXML signing certificate")
def certificate(request: HttpRequest, organ: str) -> HttpResponse:
    """The PEM certificate that signs packages from ``organ``, for a peer's directory."""
    if local_agency(organ) is None:
        raise NotFound()
    material = actions.material_for(organ)
    pem = material.certificate.public_bytes(serialization.Encoding.PEM)
    return HttpResponse(pem, content_type="application/x-pem-file")


public("GET", "/exchange/certificate")


class EventOut(Schema):
    kind: str
    from_value: str
    to_value: str
    status_code: str
    late: bool
    description: str
    staff: str
    reported_at: dt.datetime | None
    recorded_at: dt.datetime


class TransmissionOut(Schema):
    id: int
    direction: Direction
    document_id: str
    code: str
    subject: str
    promulgation_date: dt.date
    local_organ_code: str
    remote_organ_code: str
    remote_organ_name: str
    status: Handling
    request_type: int | None
    request_state: RequestState
    withdrawn_at: dt.datetime | None
    response_for_document_id: str
    local_document_id: str
    created_at: dt.datetime


class TransmissionDetailOut(TransmissionOut):
    events: list[EventOut]


class TransmissionsQuery(Schema):
    direction: Direction | None = None
    status: Handling | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


def _out(transmission: Transmission) -> TransmissionOut:
    return TransmissionOut.model_validate(transmission, from_attributes=True)


def _detail(transmission: Transmission) -> TransmissionDetailOut:
    events = [
        EventOut.model_validate(event, from_attributes=True) for event in transmission.events.all()
    ]
    return TransmissionDetailOut(**_out(transmission).model_dump(), events=events)


@router.get("/transmissions", response=list[TransmissionOut], summary="Documents sent and received")
def list_transmissions(
    request: HttpRequest, query: Query[TransmissionsQuery]
) -> list[TransmissionOut]:
    queryset = transmissions_for(request.user, direction=query.direction, status=query.status)
    return [_out(t) for t in queryset[query.offset : query.offset + query.limit]]


@router.get("/transmissions/{transmission_id}", response=TransmissionDetailOut)
def get_transmission(request: HttpRequest, transmission_id: int) -> TransmissionDetailOut:
    return _detail(access_transmission(request.user, transmission_id))


class StatusIn(Schema):
    code: Handling = Field(description="02 refused, 03 accepted, 04, 05 or 06 finished.")
    description: str = Field("", max_length=2000)


@router.post(
    "/transmissions/{transmission_id}/status",
    response=TransmissionDetailOut,
    summary="Report how a received document is handled",
)
def report_status(
    request: HttpRequest, transmission_id: int, payload: StatusIn
) -> TransmissionDetailOut:
    transmission = access_transmission(request.user, transmission_id)
    if transmission.direction != Direction.INCOMING:
        raise invalid("code", _("Only received documents get a handling status from us."))
    actions.report_status(
        acting_user=request_user(request),
        transmission_id=transmission.pk,
        code=payload.code,
        description=payload.description,
    )
    return _detail(access_transmission(request.user, transmission_id))


class DecisionIn(Schema):
    agree: bool
    note: str = Field("", max_length=2000)


@router.post(
    "/transmissions/{transmission_id}/decision",
    response=TransmissionDetailOut,
    summary="Agree to or refuse a revocation, update or replacement",
)
def decide(
    request: HttpRequest, transmission_id: int, payload: DecisionIn
) -> TransmissionDetailOut:
    transmission = access_transmission(request.user, transmission_id)
    if transmission.direction != Direction.INCOMING:
        raise NotFound()
    actions.decide_request(
        acting_user=request_user(request),
        transmission_id=transmission.pk,
        agree=payload.agree,
        note=payload.note,
    )
    return _detail(access_transmission(request.user, transmission_id))


class RevocationIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


@router.post(
    "/transmissions/{transmission_id}/revocation",
    response=TransmissionDetailOut,
    summary="Ask the receiver to revoke a document we sent",
)
def revoke(
    request: HttpRequest, transmission_id: int, payload: RevocationIn
) -> TransmissionDetailOut:
    transmission = access_transmission(request.user, transmission_id)
    if transmission.direction != Direction.OUTGOING:
        raise NotFound()
    actions.request_revocation(
        acting_user=request_user(request),
        document_id=transmission.document_id,
        sender_organ_code=transmission.local_organ_code,
        reason=payload.reason,
        organs=[transmission.remote_organ_code],
    )
    return _detail(access_transmission(request.user, transmission_id))


class UpdateIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)
    subject: str = Field("", max_length=500, description="The new subject (trích yếu), if any.")
    add: list[str] = Field(
        default_factory=list, description="Organ codes of receivers to add (ReceiverType 1)."
    )
    remove: list[str] = Field(
        default_factory=list, description="Organ codes of receivers to remove (ReceiverType 0)."
    )


@router.post(
    "/transmissions/{transmission_id}/update",
    response=list[TransmissionOut],
    summary="Send an update of a document we sent (new subject, receivers added or removed)",
)
def update(request: HttpRequest, transmission_id: int, payload: UpdateIn) -> list[TransmissionOut]:
    transmission = access_transmission(request.user, transmission_id)
    if transmission.direction != Direction.OUTGOING:
        raise NotFound()
    user = request_user(request)
    message = actions.update_of(
        transmission,
        reason=payload.reason,
        subject=payload.subject,
        add=payload.add,
        remove=payload.remove,
        staff=actions.staff_of(user),
    )
    return [_out(t) for t in actions.send_update(acting_user=user, message=message)]


class OutboxItemOut(Schema):
    id: int
    document_id: str
    recipient_organ_code: str
    endpoint: str
    state: OutboxState
    attempts: int
    next_attempt_at: dt.datetime
    last_error: str
    last_http_status: int | None
    delivered_at: dt.datetime | None


def _item_out(item: OutboxItem) -> OutboxItemOut:
    return OutboxItemOut(
        id=item.pk,
        document_id=item.message.document_id,
        recipient_organ_code=item.recipient_organ_code,
        endpoint=item.endpoint,
        state=OutboxState(item.state),
        attempts=item.attempts,
        next_attempt_at=item.next_attempt_at,
        last_error=item.last_error,
        last_http_status=item.last_http_status,
        delivered_at=item.delivered_at,
    )


@router.get("/outbox", response=list[OutboxItemOut], summary="Deliveries (administrators)")
def list_outbox(request: HttpRequest, state: OutboxState | None = None) -> list[OutboxItemOut]:
    if not is_system_admin(request.user):
        raise PermissionDenied()
    queryset = OutboxItem.objects.select_related("message").order_by("-created_at", "-pk")
    if state:
        queryset = queryset.filter(state=state)
    return [_item_out(item) for item in queryset[:200]]


@router.post("/outbox/{item_id}/retry", response=OutboxItemOut, summary="Retry a failed delivery")
def retry(request: HttpRequest, item_id: int) -> OutboxItemOut:
    item = access_outbox_item(request.user, item_id)
    return _item_out(actions.retry_outbox_item(acting_user=request_user(request), item_id=item.pk))
