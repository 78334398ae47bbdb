"""The documents API: list and search, read, draft, take a step, attach, registers, KPIs.

Every operation needs a bearer token or a session; a document of an agency the caller does not
work in answers 404 exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from django.db import IntegrityError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from egov.accounts.models import User
from egov.accounts.selectors import request_user
from egov.documents import actions
from egov.documents.access import access_document
from egov.documents.actions import CREATE_DRAFT_SCOPE, RecipientSpec
from egov.documents.models import Document, RegisterKind
from egov.documents.selectors import DocumentFilter, document_file, search_page, waiting_for
from egov.documents.stats import AgencyDocumentStats, document_stats, totals
from egov.documents.transitions import allowed_actions
from egov.infra.models import IdempotencyRecord
from egov.lib.problems import Conflict, NotFound, invalid
from egov.org.models import Agency, Unit
from egov.org.selectors import agency_ids_with_role, is_system_admin

PREFIX = ""
router = Router(tags=["documents"])

ActionName = Literal[
    "submit", "approve", "return", "sign", "issue", "send", "cancel", "revoke", "accept",
    "refuse", "assign", "start", "complete",
]  # fmt: skip


# Schemas -----------------------------------------------------------------------------------


class SignerOut(Schema):
    competence: str = Field(description="SignerInfo/Competence, e.g. “KT. GIÁM ĐỐC”.")
    position: str
    full_name: str


class DocumentSummaryOut(Schema):
    id: int
    direction: str
    status: str
    status_label: str
    doc_type: str
    type_name: str
    number_notation: str = Field(description="“58/KH-UBND”; empty before issue.")
    issued_date: dt.date | None
    arrival_number: int | None
    arrival_date: dt.date | None
    subject: str
    organ_id: str
    organ_name: str
    agency: str = Field(description="Organ code of the agency that holds the document.")
    due_date: dt.date | None
    priority: int
    url: str


class RecipientOut(Schema):
    organ_id: str
    organ_name: str
    channel: str
    status: str
    status_code: str
    delivered_at: dt.datetime | None


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str | None
    at: dt.datetime
    note: str


class FileOut(Schema):
    id: int
    name: str
    url: str


class MarkerOut(Schema):
    kind: str
    reason: str
    replacement_document_id: str
    received_at: dt.datetime


class DocumentOut(DocumentSummaryOut):
    content: str
    signer: SignerOut
    is_digitally_signed: bool
    is_seal_signed: bool
    drafting_unit: str | None
    assigned_unit: str | None
    assignee: str | None
    response_for: int | None
    refusal_reason: str = Field(description="Why the clerk refused an electronic arrival.")
    signed_file: FileOut | None = Field(description="The signed (and sealed) document.")
    metadata: dict[str, Any] = Field(description="Appendix VI metadata under the edXML names.")
    recipients: list[RecipientOut]
    versions: list[FileOut]
    attachments: list[FileOut]
    markers: list[MarkerOut]
    history: list[EventOut]
    actions: list[str] = Field(description="The steps the caller may take now.")


class DocumentListOut(Schema):
    items: list[DocumentSummaryOut]
    offset: int
    limit: int
    has_more: bool


class ListQuery(Schema):
    q: str = Field("", max_length=200, description="Words to find, with or without diacritics.")
    box: Literal["all", "waiting"] = Field("all", description="“waiting”: my next steps.")
    direction: Literal["outgoing", "incoming"] | None = None
    doc_type: str | None = None
    status: str | None = None
    agency: str | None = Field(None, description="Organ code.")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")
    offset: int = Field(0, ge=0, le=100000)
    limit: int = Field(20, ge=1, le=100)


class RecipientIn(Schema):
    organ_id: str = Field(max_length=35)
    organ_name: str = Field("", max_length=200, description="Needed for other installations.")
    paper: bool = False


class DraftIn(Schema):
    agency: str | None = Field(None, description="Organ code; default: the caller's agency.")
    doc_type: str = Field(description="Type key, e.g. cong_van, ke_hoach, quyet_dinh.")
    subject: str = Field(max_length=500)
    content: str = ""
    drafting_unit: str | None = Field(None, description="Unit abbreviation, e.g. QLXD.")
    priority: int = Field(0, ge=0, le=4)
    due_date: dt.date | None = None
    recipients: list[RecipientIn] = Field(default_factory=list, max_length=200)
    to_places: list[str] = Field(default_factory=list, max_length=50)
    page_amount: int | None = Field(None, ge=1, le=999)
    issued_amount: int | None = Field(None, ge=1, le=999)
    response_for: int | None = Field(None, description="Id of the incoming document answered.")


class ActionIn(Schema):
    note: str | None = Field(None, max_length=4000)
    reason: str | None = Field(None, max_length=2000)
    authority: Literal["", "TM.", "Q.", "KT.", "TL.", "TUQ."] | None = None
    on_behalf_of: str | None = Field(None, max_length=90)
    position: str | None = Field(None, max_length=100)
    unit: str | None = Field(None, description="Unit abbreviation, for assign.")
    assignee: str | None = Field(None, description="Username, for assign.")
    deadline: dt.date | None = None
    result: str | None = Field(None, max_length=4000)
    reply: int | None = Field(None, description="Id of the outgoing reply, for complete.")


class IncomingIn(Schema):
    agency: str | None = None
    doc_type: str = "cong_van"
    subject: str = Field(max_length=500)
    organ_name: str = Field(max_length=200)
    organ_id: str = Field("", max_length=35)
    code_number: str = Field(max_length=11)
    code_notation: str = Field(max_length=30)
    issued_date: dt.date
    content: str = ""
    signer_full_name: str = Field("", max_length=50)
    signer_position: str = Field("", max_length=100)
    priority: int = Field(0, ge=0, le=4)
    due_date: dt.date | None = None
    channel: Literal["paper", "electronic"] = "paper"
    page_amount: int | None = Field(None, ge=1, le=999)
    to_places: list[str] = Field(default_factory=list, max_length=50)
    allow_duplicate: bool = False


class RegisterQuery(Schema):
    agency: str | None = None
    date_from: dt.date = Field(alias="from")
    date_to: dt.date = Field(alias="to")
    format: Literal["pdf", "xlsx"] = "pdf"


class StatsQuery(Schema):
    agency: str | None = Field(None, description="Organ code; default: every agency visible.")
    date_from: dt.date | None = Field(None, alias="from")
    date_to: dt.date | None = Field(None, alias="to")


class AgencyStatsOut(Schema):
    organ_code: str
    name: str
    sent: int
    sent_electronic: int
    signed_digitally: int
    received: int
    received_electronic: int
    electronic_share: float | None = Field(description="Sent and received, 0–1.")
    sent_electronic_share: float | None
    received_electronic_share: float | None
    signed_share: float | None
    completed: int
    average_handling_days: float | None
    completed_late: int
    overdue_open: int
    late: int


class StatsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    agencies: list[AgencyStatsOut]
    total: AgencyStatsOut


# Helpers -------------------------------------------------------------------------------------


def _summary(doc: Document) -> DocumentSummaryOut:
    return DocumentSummaryOut(
        id=doc.pk,
        direction=doc.direction,
        status=doc.status,
        status_label=str(doc.get_status_display()),
        doc_type=doc.doc_type,
        type_name=doc.type_name,
        number_notation=doc.number_notation,
        issued_date=doc.issued_date,
        arrival_number=doc.arrival_number,
        arrival_date=doc.arrival_date,
        subject=doc.subject,
        organ_id=doc.organ_id,
        organ_name=doc.organ_name,
        agency=doc.agency.organ_code,
        due_date=doc.due_date,
        priority=doc.priority,
        url=doc.get_absolute_url(),
    )


def _file_url(doc: Document, kind: str, pk: int) -> str:
    return f"/api/v1/documents/{doc.pk}/files/{kind}/{pk}"


def _detail(user: User, doc: Document) -> DocumentOut:
    def file_url(kind: str, pk: int) -> str:
        return _file_url(doc, kind, pk)

    return DocumentOut(
        **_summary(doc).dict(),
        content=doc.content,
        signer=SignerOut(
            competence=doc.signer_competence,
            position=doc.signer_position,
            full_name=doc.signer_full_name,
        ),
        is_digitally_signed=doc.is_digitally_signed,
        is_seal_signed=doc.is_seal_signed,
        drafting_unit=doc.drafting_unit.code if doc.drafting_unit else None,
        assigned_unit=doc.assigned_unit.code if doc.assigned_unit else None,
        assignee=doc.assignee.get_username() if doc.assignee else None,
        response_for=doc.response_for_id,
        refusal_reason=doc.refusal_reason,
        signed_file=(
            FileOut(id=0, name=found[1], url=file_url("signed", 0))
            if (found := document_file(doc, "signed", 0))
            else None
        ),
        metadata=doc.metadata(),
        recipients=[
            RecipientOut(
                organ_id=r.organ_id,
                organ_name=r.organ_name,
                channel=r.channel,
                status=r.status,
                status_code=r.status_code,
                delivered_at=r.delivered_at,
            )
            for r in doc.recipients.all()
        ],
        versions=[
            FileOut(id=v.pk, name=v.file_name, url=file_url("version", v.pk))
            for v in doc.versions.all()
            if v.file
        ],
        attachments=[
            FileOut(id=a.pk, name=a.name, url=file_url("attachment", a.pk))
            for a in doc.attachments.all()
        ],
        markers=[
            MarkerOut(
                kind=m.kind,
                reason=m.reason,
                replacement_document_id=m.replacement_document_id,
                received_at=m.received_at,
            )
            for m in doc.markers.all()
        ],
        history=[
            EventOut(
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                actor=e.actor.get_username() if e.actor else None,
                at=e.at,
                note=e.note,
            )
            for e in doc.history.all()
        ],
        actions=[t.name for t in allowed_actions(user, doc)],
    )


def _my_agency(user: User, organ_code: str | None, field: str = "agency") -> Agency:
    """The agency named by ``organ_code`` among the caller's, or the caller's only one."""
    mine = Agency.objects.filter(pk__in=agency_ids_with_role(user))
    if organ_code:
        agency = mine.filter(organ_code=organ_code).first()
        if agency is None:
            raise NotFound(code="unknown_agency")
        return agency
    agencies = list(mine[:2])
    if len(agencies) != 1:
        raise invalid(field, _("Name the agency (organ code)."))
    return agencies[0]


def _request_hash(payload: Schema) -> str:
    return hashlib.sha256(
        json.dumps(payload.dict(), sort_keys=True, default=str).encode()
    ).hexdigest()


# Operations ------------------------------------------------------------------------------------


@router.get("/documents", response=DocumentListOut, summary="List and search documents")
def list_documents(request: HttpRequest, query: Query[ListQuery]) -> DocumentListOut:
    """Documents of the caller's agencies, newest first. ``q`` searches number, notation,
    subject, summary, signer and issuing agency, with or without diacritics (every word must
    match the start of a word)."""
    user = request_user(request)
    if query.box == "waiting":
        page = list(waiting_for(user)[query.offset : query.offset + query.limit + 1])
        items, has_more = page[: query.limit], len(page) > query.limit
    else:
        agency_id = None
        if query.agency:
            agency_id = _my_agency(user, query.agency).pk
        flt = DocumentFilter(
            q=query.q,
            direction=query.direction or "",
            doc_type=query.doc_type or "",
            status=query.status or "",
            agency_id=agency_id,
            date_from=query.date_from,
            date_to=query.date_to,
        )
        items, has_more = search_page(user, flt, query.offset, query.limit)
    return DocumentListOut(
        items=[_summary(d) for d in items],
        offset=query.offset,
        limit=query.limit,
        has_more=has_more,
    )


@router.post("/documents", response={201: DocumentOut}, summary="Create an outgoing draft")
def create_draft(request: HttpRequest, payload: DraftIn) -> Status[DocumentOut]:
    """A new draft with its first version. Send ``Idempotency-Key`` to make a retry safe."""
    user = request_user(request)
    key = request.headers.get("Idempotency-Key", "").strip()
    request_hash = _request_hash(payload)
    if key:
        record = IdempotencyRecord.objects.filter(
            user=user, scope=CREATE_DRAFT_SCOPE, key=key[:200]
        ).first()
        if record is not None:
            if record.request_hash != request_hash:
                raise Conflict(
                    _("This Idempotency-Key was used for a different request."),
                    code="idempotency_key_reused",
                )
            return Status(201, _detail(user, access_document(user, record.object_id)))
    agency = _my_agency(user, payload.agency)
    unit = None
    if payload.drafting_unit:
        unit = Unit.objects.filter(agency=agency, code=payload.drafting_unit).first()
        if unit is None:
            raise invalid("drafting_unit", _("No such unit in the agency."))
    response_for = access_document(user, payload.response_for) if payload.response_for else None
    try:
        doc = actions.create_draft(
            acting_user=user,
            agency=agency,
            doc_type=payload.doc_type,
            subject=payload.subject,
            content=payload.content,
            drafting_unit=unit,
            priority=payload.priority,
            due_date=payload.due_date,
            recipients=[
                RecipientSpec(r.organ_id, r.organ_name, r.paper) for r in payload.recipients
            ],
            to_places=payload.to_places,
            page_amount=payload.page_amount,
            issued_amount=payload.issued_amount,
            response_for=response_for,
            idempotency_key=key,
            request_hash=request_hash,
        )
    except IntegrityError:
        # The same key raced in twice; the other request made the draft.
        record = IdempotencyRecord.objects.filter(
            user=user, scope=CREATE_DRAFT_SCOPE, key=key[:200]
        ).first()
        if not key or record is None:
            raise
        doc = access_document(user, record.object_id)
    return Status(201, _detail(user, access_document(user, doc.pk)))


@router.post(
    "/documents/incoming",
    response={201: DocumentOut},
    summary="Register an incoming document (document clerk)",
)
def register_incoming(request: HttpRequest, payload: IncomingIn) -> Status[DocumentOut]:
    """A document that arrived on paper or outside the exchange, with the next arrival number."""
    user = request_user(request)
    agency = _my_agency(user, payload.agency)
    data = payload.dict()
    data.pop("agency")
    doc = actions.register_incoming(acting_user=user, agency=agency, **data)
    return Status(201, _detail(user, access_document(user, doc.pk)))


@router.get(
    "/documents/registers/{kind}",
    summary="Print or export a register for a period",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The register as PDF or XLSX.",
                "content": {
                    "application/pdf": {},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {},
                },
            }
        }
    },
)
def export_register(
    request: HttpRequest,
    kind: Literal["outgoing", "incoming", "copies"],
    query: Query[RegisterQuery],
) -> HttpResponse:
    """The outgoing or incoming register (Decree 30/2020, Appendix IV) of one of the caller's
    agencies, entries dated ``from``–``to``."""
    from egov.documents.views import export_register_response

    user = request_user(request)
    agency = _my_agency(user, query.agency)
    if query.date_from > query.date_to:
        raise invalid("to", _("The end of the period is before its start."))
    return export_register_response(
        agency, RegisterKind(kind), query.date_from, query.date_to, query.format
    )


@router.get("/documents/{int:document_id}", response=DocumentOut, summary="A document")
def get_document(request: HttpRequest, document_id: int) -> DocumentOut:
    user = request_user(request)
    return _detail(user, access_document(user, document_id))


@router.post(
    "/documents/{int:document_id}/actions/{action}",
    response=DocumentOut,
    summary="Take a step (submit, approve, return, sign, issue, send, assign, …)",
)
def take_action(
    request: HttpRequest, document_id: int, action: ActionName, payload: ActionIn
) -> DocumentOut:
    """Only the steps listed in the document's ``actions`` are allowed for the caller: another
    step answers 409 (wrong state) or 403 (not the caller's step)."""
    user = request_user(request)
    doc = access_document(user, document_id)
    params: dict[str, Any] = payload.dict()
    if payload.unit is not None:
        params["unit"] = Unit.objects.filter(agency_id=doc.agency_id, code=payload.unit).first()
        if params["unit"] is None:
            raise invalid("unit", _("No such unit in the agency."))
    if payload.assignee is not None:
        params["assignee"] = User.objects.filter(username=payload.assignee).first()
        if params["assignee"] is None:
            raise invalid("assignee", _("No such person."))
    if payload.reply is not None:
        params["reply"] = access_document(user, payload.reply)
    actions.perform(action, acting_user=user, document=doc, **params)
    return _detail(user, access_document(user, doc.pk))


@router.post(
    "/documents/{int:document_id}/attachments",
    response={201: FileOut},
    summary="Attach a file",
)
def add_attachment(
    request: HttpRequest,
    document_id: int,
    file: File[UploadedFile],
    description: Form[str] = "",
) -> Status[FileOut]:
    user = request_user(request)
    doc = access_document(user, document_id)
    attachment = actions.add_attachment(
        acting_user=user, document=doc, file=file, description=description
    )
    url = _file_url(doc, "attachment", attachment.pk)
    return Status(201, FileOut(id=attachment.pk, name=attachment.name, url=url))


@router.get(
    "/documents/{int:document_id}/files/{kind}/{int:file_id}",
    summary="Download a file of a document",
    openapi_extra={"responses": {"200": {"description": "The file.", "content": {"*/*": {}}}}},
)
def download_file(
    request: HttpRequest,
    document_id: int,
    kind: Literal["version", "attachment", "signed"],
    file_id: int,
) -> FileResponse:
    """A draft version, an attachment, or the signed document (``signed``, file id 0)."""
    user = request_user(request)
    found = document_file(access_document(user, document_id), kind, file_id)
    if found is None:
        raise NotFound()
    file, name = found
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)


def _stats_out(row: AgencyDocumentStats) -> AgencyStatsOut:
    return AgencyStatsOut(
        organ_code=row.organ_code,
        name=row.name,
        sent=row.sent,
        sent_electronic=row.sent_electronic,
        signed_digitally=row.signed_digitally,
        received=row.received,
        received_electronic=row.received_electronic,
        electronic_share=row.electronic_share,
        sent_electronic_share=row.sent_electronic_share,
        received_electronic_share=row.received_electronic_share,
        signed_share=row.signed_share,
        completed=row.completed,
        average_handling_days=row.average_handling_days,
        completed_late=row.completed_late,
        overdue_open=row.overdue_open,
        late=row.late,
    )


@router.get("/stats/documents", response=StatsOut, summary="Document KPIs per agency")
def document_kpis(request: HttpRequest, query: Query[StatsQuery]) -> StatsOut:
    """Sent and received documents, the shares exchanged electronically and digitally signed,
    average handling time and late incoming documents, per agency, for ``from``–``to``
    (default: this year so far)."""
    user = request_user(request)
    today = timezone.localdate()
    date_from = query.date_from or today.replace(month=1, day=1)
    date_to = query.date_to or today
    if date_from > date_to:
        raise invalid("to", _("The end of the period is before its start."))
    visible = (
        Agency.objects.filter(is_active=True)
        if is_system_admin(user)
        else Agency.objects.filter(pk__in=agency_ids_with_role(user))
    )
    if query.agency:
        visible = visible.filter(organ_code=query.agency)
        if not visible.exists():
            raise NotFound(code="unknown_agency")
    rows = document_stats(visible.order_by("organ_code"), date_from, date_to)
    return StatsOut(
        date_from=date_from,
        date_to=date_to,
        agencies=[_stats_out(r) for r in rows],
        total=_stats_out(totals(rows)),
    )
