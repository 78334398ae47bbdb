"""Dossiers over HTTP: register, read, list, history and one operation per transition.

Written without ``from __future__ import annotations``: the action operations are generated
from the transition table, and django-ninja reads their (per-action) body types at run time.
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
from typing import Any, Literal

from django.db import IntegrityError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from egov.accounts.selectors import request_user
from egov.api import public
from egov.dossiers import deadlines, permissions, rendering, selectors
from egov.dossiers.access import access_dossier
from egov.dossiers.actions import (
    IDEMPOTENCY_SCOPE,
    RESPONSE_READY,
    ApplicantInput,
    DocumentInput,
    rate_dossier,
    register_dossier,
)
from egov.dossiers.forms import FORM_TITLES
from egov.dossiers.lookup import count_lookup, public_status
from egov.dossiers.models import (
    RATING_CRITERIA,
    ApplicantKind,
    Channel,
    Dossier,
    DossierDocument,
    DossierEvent,
    DossierForm,
    DossierRating,
    ReturnMethod,
)
from egov.dossiers.operations import perform
from egov.dossiers.register_book import (
    CONTENT_TYPES,
    access_register_unit,
    check_period,
    register_file,
)
from egov.dossiers.workflow import Action
from egov.dossiers.workflow import Status as DossierStatus
from egov.infra.models import IdempotencyRecord
from egov.lib.problems import InvalidInput, NotFound, invalid
from egov.org.selectors import is_staff_member
from egov.workdays.selectors import get_calendar

PREFIX = "/dossiers"
router = Router(tags=["dossiers"])
PAGE_SIZE = 20


# ------------------------------------------------------------------------------------------
# Schemas


class FileIn(Schema):
    name: str = Field("scan.pdf", max_length=200)
    content_base64: str = Field(..., description="The scan (PDF, JPEG or PNG), base64-encoded.")


class DocumentIn(Schema):
    required_document: int | None = Field(
        None, description="Id of the procedure's required document, if it is one."
    )
    name: str = Field("", max_length=1000, description="Defaults to the required document's name.")
    sets: int = Field(1, ge=1, le=50, description="Number of sets handed in.")
    file: FileIn | None = None


class ApplicantIn(Schema):
    kind: ApplicantKind = ApplicantKind.CITIZEN
    name: str = Field("", max_length=255)
    personal_id: str = Field("", max_length=12)
    tax_code: str = Field("", max_length=14)
    address: str = Field("", max_length=500)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)


class RegisterIn(Schema):
    procedure: str = Field(..., description="National code of the procedure.")
    channel: Channel | None = Field(
        None, description="online for citizens and businesses; desk or post for a clerk."
    )
    applicant: ApplicantIn = Field(default_factory=ApplicantIn)  # type: ignore[arg-type]
    documents: list[DocumentIn] = Field(default_factory=list, max_length=50)
    form_data: dict[str, Any] = Field(default_factory=dict)
    return_method: ReturnMethod = ReturnMethod.DESK
    return_address: str = Field("", max_length=500)
    receiving_agency: str | None = Field(
        None, description="Organ code of the receiving agency (district/commune procedures)."
    )
    source_ref: str = Field("", max_length=100)


class NamedOut(Schema):
    code: str
    name: str


class ApplicantOut(Schema):
    kind: str
    name: str
    personal_id: str
    tax_code: str
    address: str
    phone: str
    email: str


class DocumentOut(Schema):
    id: int
    name: str
    required_document: int | None
    sets: int
    supplement_round: int
    has_scan: bool
    content_type: str
    size: int
    sha256: str


class StepOut(Schema):
    id: int
    order: int
    name: str
    kind: str
    agency: NamedOut
    unit: str
    role: str
    is_lead: bool
    status: str
    assignee: str | None
    received_at: dt.datetime | None
    due_on: dt.date | None
    completed_at: dt.datetime | None
    timeliness: str


class ConsultationOut(Schema):
    id: int
    from_agency: NamedOut
    to_agency: NamedOut
    question: str
    asked_at: dt.datetime
    due_on: dt.date
    status: str
    reply: str
    replied_at: dt.datetime | None
    timeliness: str


class FormOut(Schema):
    id: int
    number: str
    title: str
    issued_at: dt.datetime
    data: dict[str, Any]
    pdf: str = Field(..., description="Path of the form's PDF.")


class DossierOut(Schema):
    code: str
    status: str
    status_label: str
    procedure: NamedOut
    processing_days: int
    channel: str
    applicant: ApplicantOut
    receiving_agency: NamedOut
    receiving_unit: str
    registered_at: dt.datetime
    accepted_at: dt.datetime | None
    received_at: dt.datetime | None
    due_on: dt.date | None
    original_due_on: dt.date | None
    rescheduled: bool
    paused: bool
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    outcome: str
    timeliness: str
    result_number: str
    result_summary: str
    return_method: str
    documents: list[DocumentOut]
    steps: list[StepOut]
    consultations: list[ConsultationOut]
    forms: list[FormOut]
    allowed_actions: list[str]


class DossierSummaryOut(Schema):
    code: str
    status: str
    status_label: str
    procedure: NamedOut
    applicant_name: str
    channel: str
    receiving_agency: str
    registered_at: dt.datetime
    due_on: dt.date | None
    urgency: str
    current_steps: list[str]


class DossierPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[DossierSummaryOut]


class EventOut(Schema):
    action: str
    action_label: str
    from_status: str
    to_status: str
    at: dt.datetime
    actor: str
    agency: str
    step: str | None
    step_due_on: dt.date | None
    due_on: dt.date | None
    timeliness: str
    note: str
    data: dict[str, Any]


class ListQuery(Schema):
    scope: str | None = Field(
        None, description="mine (default for citizens), assigned (default for staff), unit, agency."
    )
    status: DossierStatus | None = None
    procedure: str | None = None
    channel: Channel | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str | None = Field(None, max_length=100, description="Code, applicant name or ID.")
    page: int = Field(1, ge=1, le=10000)


# ------------------------------------------------------------------------------------------
# Serialisation


def _named(agency: Any) -> NamedOut:
    return NamedOut(code=agency.organ_code, name=agency.name)


def dossier_out(dossier: Dossier, user: Any) -> DossierOut:
    steps = list(dossier.steps.all())
    return DossierOut(
        code=dossier.code,
        status=dossier.status,
        status_label=str(DossierStatus(dossier.status).label),
        procedure=NamedOut(code=dossier.procedure_code, name=dossier.procedure_name),
        processing_days=dossier.processing_days,
        channel=dossier.channel,
        applicant=ApplicantOut(
            kind=dossier.applicant_kind,
            name=dossier.applicant_name,
            personal_id=dossier.applicant_personal_id,
            tax_code=dossier.applicant_tax_code,
            address=dossier.applicant_address,
            phone=dossier.applicant_phone,
            email=dossier.applicant_email,
        ),
        receiving_agency=_named(dossier.receiving_agency),
        receiving_unit=dossier.receiving_unit.name,
        registered_at=dossier.registered_at,
        accepted_at=dossier.accepted_at,
        received_at=dossier.received_at,
        due_on=dossier.due_on,
        original_due_on=dossier.original_due_on,
        rescheduled=dossier.rescheduled_at is not None,
        paused=dossier.status == DossierStatus.WAITING_FOR_APPLICANT,
        finished_at=dossier.finished_at,
        returned_at=dossier.returned_at,
        outcome=dossier.outcome,
        timeliness=dossier.timeliness,
        result_number=dossier.result_number,
        result_summary=dossier.result_summary,
        return_method=dossier.return_method,
        documents=[
            DocumentOut(
                id=d.pk,
                name=d.name,
                required_document=d.required_document_id,
                sets=d.sets,
                supplement_round=d.supplement_round,
                has_scan=bool(d.file),
                content_type=d.content_type,
                size=d.size,
                sha256=d.sha256,
            )
            for d in dossier.documents.all()
        ],
        steps=[
            StepOut(
                id=s.pk,
                order=s.order,
                name=s.name,
                kind=s.kind,
                agency=_named(s.agency),
                unit=s.unit.name if s.unit else "",
                role=s.role,
                is_lead=s.is_lead,
                status=s.status,
                assignee=s.assignee.get_username() if s.assignee else None,
                received_at=s.received_at,
                due_on=s.due_on,
                completed_at=s.completed_at,
                timeliness=s.timeliness,
            )
            for s in steps
        ],
        consultations=[
            ConsultationOut(
                id=c.pk,
                from_agency=_named(c.from_agency),
                to_agency=_named(c.to_agency),
                question=c.question,
                asked_at=c.asked_at,
                due_on=c.due_on,
                status=c.status,
                reply=c.reply,
                replied_at=c.replied_at,
                timeliness=c.timeliness,
            )
            for c in dossier.consultations.all()
        ],
        forms=[
            FormOut(
                id=f.pk,
                number=f.number,
                title=FORM_TITLES[f.number],
                issued_at=f.issued_at,
                data=f.data,
                pdf=f"/api/v1{PREFIX}/{dossier.code}/forms/{f.pk}/pdf",
            )
            for f in dossier.forms.all()
        ],
        allowed_actions=permissions.available_actions(user, dossier),
    )


def _load(user: Any, code: str) -> Dossier:
    return access_dossier(user, code, selectors.dossier_for_api(code))


def _reload(code: str) -> Dossier:
    """The dossier again after the caller's own action (access was checked before it)."""
    return selectors.dossier_for_api(code).get()


# ------------------------------------------------------------------------------------------
# Registration with Idempotency-Key


def _decode(file: FileIn, where: str) -> bytes:
    try:
        return base64.b64decode(file.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise invalid(where, _("The file content is not valid base64.")) from exc


def _document_inputs(items: list[DocumentIn], prefix: str) -> list[DocumentInput]:
    return [
        DocumentInput(
            required_document_id=item.required_document,
            name=item.name,
            sets=item.sets,
            content=_decode(item.file, f"{prefix}.{index}.file") if item.file else None,
            filename=item.file.name if item.file else "",
        )
        for index, item in enumerate(items)
    ]


def _replay(user: Any, record: IdempotencyRecord, request_hash: str) -> Status[DossierOut]:
    if record.request_hash != request_hash:
        raise InvalidInput(
            _("This Idempotency-Key was already used with a different request."),
            code="idempotency_key_reused",
            errors={"Idempotency-Key": _("Use a new key for a different request.")},
        )
    return Status(200, dossier_out(_load(user, record.object_id), user))


@router.post(
    "",
    response={200: DossierOut, 201: DossierOut},
    summary="Register a dossier",
    operation_id="dossier_register",
)
def register(request: HttpRequest, payload: RegisterIn) -> Status[DossierOut]:
    """A citizen or business submits online for themselves; a one-stop clerk registers a dossier
    handed in at the desk or by post. Send an `Idempotency-Key` header to make retries safe: a
    repeat with the same key and body returns the dossier (200) and creates nothing; the same key
    with a different body is refused (422)."""
    user = request_user(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 200:
        raise invalid("Idempotency-Key", _("This value is too long."))
    body = payload.model_dump(mode="json")
    request_hash = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()
    if key:
        record = IdempotencyRecord.objects.filter(
            user=user, scope=IDEMPOTENCY_SCOPE, key=key
        ).first()
        if record is not None:
            return _replay(user, record, request_hash)
    channel = payload.channel or (Channel.DESK if is_staff_member(user) else Channel.ONLINE)
    applicant = ApplicantInput(**payload.applicant.model_dump())
    try:
        dossier = register_dossier(
            acting_user=user,
            procedure=payload.procedure,
            channel=channel,
            applicant=applicant,
            documents=_document_inputs(payload.documents, "documents"),
            form_data=payload.form_data,
            return_method=payload.return_method,
            return_address=payload.return_address,
            receiving_agency=payload.receiving_agency,
            source_ref=payload.source_ref,
            idempotency_key=key,
            request_hash=request_hash,
        )
    except IntegrityError:
        # Two requests with the same key raced; the other one created the dossier.
        record = IdempotencyRecord.objects.filter(
            user=user, scope=IDEMPOTENCY_SCOPE, key=key
        ).first()
        if not key or record is None:
            raise
        return _replay(user, record, request_hash)
    return Status(201, dossier_out(dossier, user))


# ------------------------------------------------------------------------------------------
# Reads


@router.get("", response=DossierPageOut, summary="Dossiers I may see")
def list_dossiers(request: HttpRequest, query: Query[ListQuery]) -> DossierPageOut:
    """Citizens see their own dossiers; staff see their queue (`assigned`), their units'
    (`unit`) or everything involving their agencies (`agency`)."""
    user = request_user(request)
    staff = is_staff_member(user)
    scope = query.scope or (selectors.Scope.ASSIGNED if staff else selectors.Scope.MINE)
    if scope not in selectors.Scope.ALL:
        raise invalid("scope", _("Choose one of the allowed values."))
    filters = selectors.Filters(
        status=query.status or "",
        procedure=query.procedure or "",
        channel=query.channel or "",
        received_from=query.received_from,
        received_to=query.received_to,
        q=query.q or "",
    )
    dossiers = selectors.listing(user, scope, filters)
    count = dossiers.count()
    start = (query.page - 1) * PAGE_SIZE
    calendar = get_calendar()
    today = timezone.localdate()
    items = [
        DossierSummaryOut(
            code=d.code,
            status=d.status,
            status_label=str(DossierStatus(d.status).label),
            procedure=NamedOut(code=d.procedure_code, name=d.procedure_name),
            applicant_name=d.applicant_name,
            channel=d.channel,
            receiving_agency=d.receiving_agency.name,
            registered_at=d.registered_at,
            due_on=d.due_on,
            urgency=_urgency(calendar, today, d),
            current_steps=[s.name for s in d.open_steps],  # type: ignore[attr-defined]
        )
        for d in dossiers[start : start + PAGE_SIZE]
    ]
    return DossierPageOut(
        count=count, page=query.page, pages=max(1, -(-count // PAGE_SIZE)), items=items
    )


def _urgency(calendar: Any, today: dt.date, dossier: Dossier) -> str:
    if dossier.status not in (
        DossierStatus.IN_PROCESSING,
        DossierStatus.CONSULTING,
        DossierStatus.APPROVED,
    ):
        return ""
    return deadlines.urgency(calendar, today, dossier.due_on, soon_days=2)


class RegisterQuery(Schema):
    unit: int = Field(..., description="Id of the receiving unit.")
    start: dt.date = Field(..., alias="from", description="First day of the period.")
    end: dt.date = Field(..., alias="to", description="Last day of the period (included).")
    format: Literal["pdf", "xlsx"] = "pdf"


@router.get(
    "/register",
    summary="Register of dossiers of a unit (form 06)",
    response={200: None},
    openapi_extra={
        "responses": {
            "200": {
                "description": "Sổ theo dõi hồ sơ: A4 landscape PDF or an XLSX workbook.",
                "content": {content_type: {} for content_type in CONTENT_TYPES.values()},
            }
        }
    },
)
def dossier_register(request: HttpRequest, query: Query[RegisterQuery]) -> HttpResponse:
    """The dossiers a receiving unit registered in a period (by receipt date): code, applicant,
    procedure, received, due, returned, status. For the unit's clerks and head and its
    agency's leaders; any other unit gives 404."""
    user = request_user(request)
    unit = access_register_unit(user, query.unit)
    period = check_period(query.start, query.end)
    content, content_type, name = register_file(unit, period, query.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/{code}", response=DossierOut, summary="One dossier")
def get_dossier(request: HttpRequest, code: str) -> DossierOut:
    """The dossier with its documents, steps, consultations, forms and the actions the caller
    may take now. Anyone who may not see it gets 404, as for a code that does not exist."""
    user = request_user(request)
    return dossier_out(_load(user, code), user)


@router.get("/{code}/history", response=list[EventOut], summary="History of a dossier")
def dossier_history(request: HttpRequest, code: str) -> list[EventOut]:
    """Every registration and transition: who, when, from which state to which, the step and
    its deadline, and whether it finished early, on time or late."""
    user = request_user(request)
    dossier = access_dossier(user, code)
    return [_event_out(e) for e in selectors.history(dossier)]


@router.get(
    "/{code}/documents/{document_id}",
    summary="The scan of a submitted document",
    response={200: None},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The scan as it was handed in (PDF, JPEG or PNG).",
                "content": {
                    "application/pdf": {},
                    "image/jpeg": {},
                    "image/png": {},
                },
            }
        }
    },
)
def document_scan(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    """The file of one submitted document, for those who may see the dossier."""
    user = request_user(request)
    dossier = access_dossier(user, code)
    document = DossierDocument.objects.filter(dossier=dossier, pk=document_id).first()
    if document is None or not document.file:
        raise NotFound()
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=f"{document.sha256[:12]}.{document.extension}",
    )


@router.get(
    "/{code}/forms/{form_id}/pdf",
    summary="The PDF of an issued form",
    response={200: None},
    openapi_extra={
        "responses": {
            "200": {
                "description": "Forms 01–05 (A5), sealed by the receiving agency when its seal "
                "certificate is available.",
                "content": {"application/pdf": {}},
            }
        }
    },
)
def form_pdf(request: HttpRequest, code: str, form_id: int) -> HttpResponse:
    """The official form as a PDF, for those who may see the dossier."""
    user = request_user(request)
    dossier = access_dossier(user, code)
    form = DossierForm.objects.filter(dossier=dossier, pk=form_id).first()
    if form is None:
        raise NotFound()
    form.dossier = dossier
    return rendering.pdf_response(rendering.form_pdf(form, acting_user=user), form)


def _event_out(event: DossierEvent) -> EventOut:
    return EventOut(
        action=event.action,
        action_label=event.action_label,
        from_status=event.from_status,
        to_status=event.to_status,
        at=event.at,
        actor=event.actor_name,
        agency=event.agency.name if event.agency else "",
        step=event.step.name if event.step else None,
        step_due_on=event.step_due_on,
        due_on=event.due_on,
        timeliness=event.timeliness,
        note=event.note,
        data=event.data,
    )


# ------------------------------------------------------------------------------------------
# Transitions: one operation per action, each with its own body.


class NoteIn(Schema):
    note: str = Field("", max_length=5000)


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)


class OptionalReasonIn(Schema):
    reason: str = Field("", max_length=5000)


class RequestSupplementIn(Schema):
    missing_documents: list[int] = Field(
        default_factory=list, description="Ids of the procedure's required documents missing."
    )
    other_items: list[str] = Field(default_factory=list, max_length=30)
    reason: str = Field("", max_length=5000)


class SubmitSupplementIn(Schema):
    documents: list[DocumentIn] = Field(..., min_length=1, max_length=50)
    note: str = Field("", max_length=5000)


class AssignIn(Schema):
    assignee: str = Field(..., description="Login name of the person.")
    step: int | None = Field(None, description="Id of the open step (if several).")
    unit: str = Field("", description="Code of another unit of the agency (leaders only).")


class StepIn(Schema):
    step: int | None = Field(None, description="Id of the open step (if several).")
    note: str = Field("", max_length=5000)


class ConsultIn(Schema):
    agency: str = Field(..., description="Organ code of the agency asked.")
    question: str = Field(..., min_length=1, max_length=5000)
    days: int = Field(..., ge=1, le=60, description="Working days to reply.")
    step: int | None = None


class ReplyIn(Schema):
    reply: str = Field(..., min_length=1, max_length=5000)
    consultation: int | None = None


class RescheduleIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)
    new_due_on: dt.date


class ResultIn(Schema):
    summary: str = Field(..., min_length=1, max_length=5000)
    number: str = Field("", max_length=100)


class ReturnIn(Schema):
    method: ReturnMethod | None = None
    note: str = Field("", max_length=5000)


ACTION_SCHEMAS: dict[str, type[Schema]] = {
    Action.ACCEPT: NoteIn,
    Action.REQUEST_SUPPLEMENT: RequestSupplementIn,
    Action.SUBMIT_SUPPLEMENT: SubmitSupplementIn,
    Action.REFUSE: ReasonIn,
    Action.ASSIGN: AssignIn,
    Action.COMPLETE_STEP: StepIn,
    Action.CONSULT: ConsultIn,
    Action.REPLY_CONSULTATION: ReplyIn,
    Action.APPROVE: StepIn,
    Action.REJECT_ON_MERITS: ReasonIn,
    Action.APOLOGISE_AND_RESCHEDULE: RescheduleIn,
    Action.PAUSE: ReasonIn,
    Action.RESUME: NoteIn,
    Action.RECORD_RESULT: ResultIn,
    Action.RETURN_RESULT: ReturnIn,
    Action.WITHDRAW: OptionalReasonIn,
}


def _params(action_name: str, payload: Schema) -> dict[str, Any]:
    params = payload.model_dump()
    if action_name == Action.SUBMIT_SUPPLEMENT:
        params["documents"] = _document_inputs(payload.documents, "documents")  # type: ignore[attr-defined]
    return params


def _add_action_operation(action_name: str, schema: type[Schema]) -> None:
    def operation(request, code, payload):  # type: ignore[no-untyped-def]
        user = request_user(request)
        dossier = access_dossier(user, code)
        done = perform(
            action_name, user=user, dossier=dossier.code, params=_params(action_name, payload)
        )
        if getattr(done, RESPONSE_READY, False):
            return dossier_out(done, user)
        return dossier_out(_reload(dossier.code), user)

    operation.__name__ = f"dossier_{action_name}"
    operation.__annotations__ = {
        "request": HttpRequest,
        "code": str,
        "payload": schema,
        "return": DossierOut,
    }
    operation.__doc__ = (
        f"Perform `{action_name}` on the dossier. 409 when the dossier's state does not allow "
        "it, 403 when the caller may see the dossier but not do this, 404 when they may not "
        "see it."
    )
    router.post(
        f"/{{code}}/actions/{action_name}",
        response=DossierOut,
        summary=action_name.replace("_", " ").capitalize(),
        operation_id=f"dossier_{action_name}",
    )(operation)


for _action, _schema in ACTION_SCHEMAS.items():
    _add_action_operation(_action, _schema)


# ------------------------------------------------------------------------------------------
# Rating (after return)


def _score_field(description: str, *, optional: bool = False) -> Any:
    return Field(None if optional else ..., ge=0, le=2, description=description)


class RatingIn(Schema):
    """Each criterion scored 2 (best), 1 or 0, like the Circular 01/2018 indices."""

    time_taken: int = _score_field("Time taken: 2 earlier than the appointment, 1 on it, 0 later.")
    bodies_contacted: int = _score_field(
        "Bodies contacted: 2 only the one-stop desk, 1 one other body, 0 more."
    )
    desk_contacts: int = _score_field(
        "Contacts with the desk to complete the dossier: 2 none, 1 once, 0 more."
    )
    published_info: int = _score_field("Accuracy of the published information on the procedure.")
    staff_attitude: int = _score_field("Attitude of the staff.")
    lawfulness: int = _score_field("Lawfulness of the result and of the costs.")
    complaint_handling: int | None = _score_field(
        "Handling of feedback or a complaint; null when there was none.", optional=True
    )
    online_service: int | None = _score_field(
        "Quality of the online service: required for online dossiers, null for the others.",
        optional=True,
    )
    comment: str = Field("", max_length=2000)


class RatingOut(Schema):
    dossier: str
    rated_at: dt.datetime
    time_taken: int
    bodies_contacted: int
    desk_contacts: int
    published_info: int
    staff_attitude: int
    lawfulness: int
    complaint_handling: int | None
    online_service: int | None
    comment: str
    average: float = Field(..., description="Mean of the criteria answered (0–2).")


def rating_out(rating: DossierRating, code: str) -> RatingOut:
    return RatingOut(
        dossier=code,
        rated_at=rating.rated_at,
        **{c.field: getattr(rating, c.field) for c in RATING_CRITERIA},
        comment=rating.comment,
        average=rating.average,
    )


@router.get("/{code}/rating", response=RatingOut, summary="The applicant's rating")
def get_rating(request: HttpRequest, code: str) -> RatingOut:
    """The rating of a returned dossier, for its applicant and the staff who may see the
    dossier. 404 when the caller may not see the dossier or it has not been rated."""
    dossier = access_dossier(request_user(request), code)
    rating = DossierRating.objects.filter(dossier=dossier).first()
    if rating is None:
        raise NotFound(_("This dossier has not been rated yet."), code="not_rated")
    return rating_out(rating, dossier.code)


@router.post("/{code}/rating", response={201: RatingOut}, summary="Rate the service")
def post_rating(request: HttpRequest, code: str, payload: RatingIn) -> Status[RatingOut]:
    """The applicant rates the service once the result is returned (one rating per dossier).
    404 when the caller may not see the dossier; 409 before return or when already rated;
    403 for staff; 422 naming the field for a bad score."""
    user = request_user(request)
    dossier = access_dossier(user, code)
    values = payload.model_dump()
    comment = values.pop("comment")
    rating = rate_dossier(acting_user=user, dossier=dossier.code, scores=values, comment=comment)
    return Status(201, rating_out(rating, dossier.code))


# ------------------------------------------------------------------------------------------
# Public status lookup: /api/v1/public/dossiers/{code}

public_router = Router(tags=["public lookup"])
EXTRA_ROUTERS = [("/public/dossiers", public_router)]  # and /stats, below


class PublicStatusOut(Schema):
    code: str
    procedure_name: str
    receiving_agency: str
    status: str
    status_label: str
    received_on: dt.date
    appointment_on: dt.date | None
    returned_on: dt.date | None
    applicant: str = Field(..., description="The applicant's name, masked (N. V. An).")


@public_router.get(
    "/{code}",
    response=PublicStatusOut,
    auth=None,
    summary="Public status of a dossier",
    operation_id="dossier_public_status",
)
def public_dossier_status(request: HttpRequest, code: str) -> PublicStatusOut:
    """Anyone with the dossier code (form 01 and its QR code) sees where it stands: procedure,
    receiving agency, state, received, appointment and returned dates, and the applicant's
    masked name — nothing else personal. Rate-limited per client (429 with `Retry-After`);
    an unknown code gives 404 after the same work as a known one."""
    count_lookup(request)
    found = public_status(code)
    if found is None:
        raise NotFound()
    return PublicStatusOut(
        code=found.code,
        procedure_name=found.procedure_name,
        receiving_agency=found.receiving_agency,
        status=found.status,
        status_label=found.status_label,
        received_on=found.received_on,
        appointment_on=found.appointment_on,
        returned_on=found.returned_on,
        applicant=found.applicant,
    )


public("GET", "/public/dossiers/{code}")


# GET /api/v1/stats/dossiers lives in its own module, under the /stats prefix.
from egov.dossiers.stats_api import router as stats_router  # noqa: E402

EXTRA_ROUTERS.append(("/stats", stats_router))
