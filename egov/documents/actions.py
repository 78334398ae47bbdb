"""Every write to official documents.

Each action: one transaction (the ``@action`` decorator), the document row locked
(``select_for_update``), state and permission checked against ``transitions.TRANSITIONS``,
one history row per step, exactly one audit event, notifications recorded in the transaction
and anything outside (the exchange) after commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.documents import seams
from egov.documents.models import (
    Attachment,
    Channel,
    DeliveryChannel,
    DeliveryStatus,
    Direction,
    Document,
    DocumentEvent,
    DocumentMarker,
    DocumentRecipient,
    DocumentVersion,
    MarkerKind,
    Register,
    RegisterKind,
    Status,
    SteeringType,
)
from egov.documents.transitions import TRANSITIONS, may_edit, may_take
from egov.documents.types import (
    CODE_NOTATION_MAX,
    SUBJECT_MAX,
    TYPES_BY_KEY,
    UNIT_HEAD_AUTHORITIES,
    Authority,
    Priority,
    code_notation,
    code_number,
    edxml_document_id,
    type_by_name,
)
from egov.infra.models import IdempotencyRecord
from egov.lib.actions import action
from egov.lib.identifiers import validate_organ_code
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied, invalid
from egov.lib.workdays import CalendarMissing
from egov.notifications.services import notify
from egov.org.models import Agency, Membership, Role, Unit
from egov.org.selectors import active_memberships, has_role

if TYPE_CHECKING:
    from egov.accounts.models import User

MAX_FILE_SIZE = 25 * 1024 * 1024
CREATE_DRAFT_SCOPE = "documents.create_draft"
# edXML status codes the receiver reports for the steps of an incoming document.
STATUS_CODE_FOR_ACTION = {"assign": "05", "start": "05", "complete": "06"}


@dataclass(frozen=True)
class RecipientSpec:
    """A receiving agency: its organ code, and its name when it is not in this installation."""

    organ_id: str
    organ_name: str = ""
    paper: bool = False


@dataclass(frozen=True)
class FileSpec:
    name: str
    content: bytes
    content_type: str = "application/pdf"


# Helpers -----------------------------------------------------------------------------------


def _now() -> dt.datetime:
    return timezone.now()


def _lock(document: Document | int) -> Document:
    pk = document.pk if isinstance(document, Document) else document
    found = Document.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def _history(
    doc: Document,
    action_name: str,
    from_status: str,
    actor: User | None,
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> DocumentEvent:
    return DocumentEvent.objects.create(
        document=doc,
        action=action_name,
        from_status=from_status,
        to_status=doc.status,
        actor=actor,
        at=_now(),
        note=note,
        data=dict(data or {}),
    )


def _audit(
    verb: str, doc: Document, actor: User | None, before: Any = None, after: Any = None
) -> None:
    record_event(
        actor=actor,
        verb=f"documents.{verb}",
        obj=doc,
        agency=doc.agency,
        before=before,
        after=after,
    )


def _people(agency_id: int, *roles: str, unit_id: int | None = None) -> list[User]:
    memberships = Membership.objects.filter(
        agency_id=agency_id, role__in=roles, is_active=True, user__is_active=True
    ).select_related("user")
    if unit_id is not None:
        memberships = memberships.filter(Q(unit_id=unit_id) | Q(unit__isnull=True))
    return [m.user for m in memberships]


def _tell(event: str, doc: Document, people: Iterable[User | None], reason: str = "") -> None:
    """Notify ``people`` of ``event`` (texts in ``notification_events.py``)."""
    notify(
        f"documents.{event}",
        recipients=[p for p in people if p is not None],
        url=doc.get_absolute_url(),
        related=doc,
        context={
            "document": doc.pk,
            "number": doc.number_notation or "—",
            "type_name": doc.type_name,
            "subject": doc.subject,
            "organ_name": doc.organ_name,
            "due_date": doc.due_date.strftime("%d/%m/%Y") if doc.due_date else "—",
            "reason": reason,
        },
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(file: File | FileSpec | None) -> tuple[str, bytes, str] | None:
    if file is None:
        return None
    if isinstance(file, FileSpec):
        name, data, content_type = file.name, file.content, file.content_type
    else:
        name = file.name or "file"
        file.seek(0)
        data = file.read()
        content_type = getattr(file, "content_type", "") or "application/octet-stream"
    name = name.replace("\\", "/").rsplit("/", 1)[-1][:200] or "file"
    if not data:
        raise invalid("file", _("The file is empty."))
    if len(data) > MAX_FILE_SIZE:
        raise invalid("file", _("The file is larger than 25 MB."))
    return name, data, content_type


def _check_text(field: str, value: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(field, _("This field is required."))
    if len(value) > limit:
        raise invalid(
            field,
            _("Use at most %(limit)s characters (now %(count)s).")
            % {"limit": limit, "count": len(value)},
        )
    return value


def _check_priority(priority: int) -> int:
    if priority not in Priority.values:
        raise invalid("priority", _("Choose one of the allowed values."))
    return priority


def _take_number(agency: Agency, year: int, kind: str) -> tuple[Register, int]:
    """The next number of the agency's register for ``year``; the register row stays locked
    until the transaction ends, so concurrent takers queue and numbers are gap-free."""
    Register.objects.bulk_create(
        [Register(agency=agency, year=year, kind=kind)], ignore_conflicts=True
    )
    register = Register.objects.select_for_update().get(agency=agency, year=year, kind=kind)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return register, register.last_number


def _member_unit(user: User, agency: Agency) -> Unit | None:
    for membership in active_memberships(user):
        if membership.agency_id == agency.pk and membership.unit is not None:
            return membership.unit
    return None


def _resolve_recipients(agency: Agency, specs: Sequence[RecipientSpec]) -> list[DocumentRecipient]:
    recipients: dict[str, DocumentRecipient] = {}
    for index, spec in enumerate(specs):
        field = f"recipients.{index}"
        organ_id = (spec.organ_id or "").strip().upper()
        try:
            validate_organ_code(organ_id)
        except ValidationError as exc:
            raise invalid(field, " ".join(exc.messages)) from None
        if organ_id == agency.organ_code:
            raise invalid(field, _("A document is not sent to its own agency."))
        local = Agency.objects.filter(organ_code=organ_id, is_active=True).first()
        name = (spec.organ_name or "").strip() or (local.name if local else "")
        if not name:
            raise invalid(field, _("Give the name of an agency that is not in this installation."))
        if spec.paper:
            channel = DeliveryChannel.PAPER
        else:
            channel = DeliveryChannel.LOCAL if local else DeliveryChannel.EDXML
        recipients[organ_id] = DocumentRecipient(
            organ_id=organ_id, organ_name=name[:200], agency=local, channel=channel
        )
    return list(recipients.values())


def _check_places(places: Sequence[str]) -> list[str]:
    cleaned = [p.strip()[:200] for p in places if p and p.strip()]
    if len(cleaned) > 50:
        raise invalid("to_places", _("List at most 50 places."))
    return cleaned


def _transition(
    name: str,
    document: Document | int,
    acting_user: User | None,
    *,
    note: str = "",
    data: Mapping[str, Any] | None = None,
    apply: Callable[[Document], Mapping[str, Any] | None] | None = None,
) -> Document:
    """Lock, check state then permission, apply, record history and the audit event."""
    transition = TRANSITIONS[name]
    doc = _lock(document)
    if doc.direction != transition.direction or doc.status not in transition.sources:
        raise Conflict(
            _("The document is now “%(status)s”; “%(action)s” is not possible.")
            % {"status": doc.get_status_display(), "action": transition.label},
            code="invalid_transition",
        )
    if not may_take(acting_user, doc, transition):
        raise PermissionDenied()
    before = doc.status
    extra = dict(data or {})
    if apply is not None:
        extra.update(apply(doc) or {})
    doc.status = transition.target
    doc.save()
    _history(doc, name, before, acting_user, note, extra)
    if doc.direction == Direction.INCOMING and name in STATUS_CODE_FOR_ACTION:
        _report_to_sender(doc, STATUS_CODE_FOR_ACTION[name])
    _audit(name, doc, acting_user, before={"status": before}, after={"status": doc.status, **extra})
    return doc


def _report_to_sender(incoming: Document, status_code: str) -> None:
    """A document sent inside this installation: the sender sees the receiver's progress."""
    if incoming.source_id is None:
        return
    DocumentRecipient.objects.filter(document_id=incoming.source_id, incoming=incoming).update(
        status_code=status_code, status_at=_now()
    )


# Registers ----------------------------------------------------------------------------------


@action
def open_register(*, acting_user: User | None, agency: Agency, year: int, kind: str) -> Register:
    """Open the agency's register of ``kind`` for ``year`` (numbering also opens it if needed)."""
    if acting_user is not None and not has_role(
        acting_user, Role.DOCUMENT_CLERK, Role.LEADER, agency=agency
    ):
        raise PermissionDenied()
    if kind not in RegisterKind.values:
        raise invalid("kind", _("Choose one of the allowed values."))
    if not 2000 <= year <= 2100:
        raise invalid("year", _("The year must be between 2000 and 2100."))
    register, created = Register.objects.get_or_create(agency=agency, year=year, kind=kind)
    if not created:
        raise Conflict(_("This register is already open."), code="register_exists")
    record_event(
        actor=acting_user,
        verb="documents.open_register",
        obj=register,
        agency=agency,
        after={"year": year, "kind": kind},
    )
    return register


# Outgoing: drafting --------------------------------------------------------------------------


@action
def create_draft(
    *,
    acting_user: User,
    agency: Agency,
    doc_type: str,
    subject: str,
    content: str = "",
    drafting_unit: Unit | None = None,
    priority: int = Priority.NORMAL,
    due_date: dt.date | None = None,
    recipients: Sequence[RecipientSpec] = (),
    to_places: Sequence[str] = (),
    page_amount: int | None = None,
    issued_amount: int | None = None,
    steering_type: int = SteeringType.NONE,
    description: str = "",
    response_for: Document | None = None,
    file: File | FileSpec | None = None,
    idempotency_key: str = "",
    request_hash: str = "",
) -> Document:
    """A new outgoing draft of ``agency`` with its first version.

    With an ``idempotency_key`` the key is recorded in the same transaction, so a repeated
    request finds the draft made the first time (the API looks it up before calling this).
    """
    if not has_role(acting_user, agency=agency):
        raise PermissionDenied()
    doc_kind = TYPES_BY_KEY.get(doc_type)
    if doc_kind is None:
        raise invalid("doc_type", _("Choose one of the allowed values."))
    subject = _check_text("subject", subject, SUBJECT_MAX)
    if drafting_unit is None:
        drafting_unit = _member_unit(acting_user, agency)
    if drafting_unit is not None and drafting_unit.agency_id != agency.pk:
        raise invalid("drafting_unit", _("The unit must belong to the agency."))
    if drafting_unit is None and not doc_kind.abbreviation:
        raise invalid(
            "drafting_unit",
            _("An official letter (công văn) needs the drafting unit for its notation."),
        )
    if steering_type not in SteeringType.values:
        raise invalid("steering_type", _("Choose one of the allowed values."))
    if response_for is not None and (
        response_for.agency_id != agency.pk or response_for.direction != Direction.INCOMING
    ):
        raise invalid("response_for", _("Reply only to an incoming document of the agency."))
    upload = _read(file)
    doc = Document(
        direction=Direction.OUTGOING,
        agency=agency,
        status=Status.DRAFT,
        doc_type=doc_kind.key,
        type_name=doc_kind.name,
        organ_id=agency.organ_code,
        organ_name=agency.name[:200],
        subject=subject,
        content=content.strip(),
        drafting_unit=drafting_unit,
        created_by=acting_user,
        priority=_check_priority(priority),
        due_date=due_date,
        to_places=_check_places(to_places),
        page_amount=page_amount,
        issued_amount=issued_amount,
        steering_type=steering_type,
        description=_check_text("description", description, 500, required=False),
        archive_copies=f"VT, {drafting_unit.code}" if drafting_unit else "VT",
        created_at=_now(),
    )
    _set_reply_refs(doc, response_for)
    doc.save()
    for recipient in _resolve_recipients(agency, recipients):
        recipient.document = doc
        recipient.save()
    version = _new_version(doc, acting_user, upload, note="")
    if idempotency_key:
        IdempotencyRecord.objects.create(
            user=acting_user,
            scope=CREATE_DRAFT_SCOPE,
            key=idempotency_key[:200],
            request_hash=request_hash,
            object_id=str(doc.pk),
        )
    _history(doc, "create", "", acting_user, data={"version": version.number})
    _audit("create_draft", doc, acting_user, after={"subject": subject, "type": doc_kind.key})
    return doc


def _set_reply_refs(doc: Document, incoming: Document | None) -> None:
    doc.response_for = incoming
    if incoming is None:
        doc.response_for_refs = []
        return
    doc.response_for_refs = [
        {
            "OrganId": incoming.organ_id,
            "Code": incoming.number_notation,
            "PromulgationDate": incoming.issued_date.isoformat() if incoming.issued_date else "",
            "DocumentId": incoming.edxml_document_id,
        }
    ]


def _new_version(
    doc: Document, user: User | None, upload: tuple[str, bytes, str] | None, note: str
) -> DocumentVersion:
    last = doc.versions.order_by("-number").first()
    version = DocumentVersion(
        document=doc,
        number=(last.number + 1) if last else 1,
        subject=doc.subject,
        content=doc.content,
        note=note[:500],
        created_by=user,
        created_at=_now(),
    )
    if upload is not None:
        name, data, _content_type = upload
        version.file.save(name, ContentFile(data), save=False)
        version.file_name = name
        version.sha256 = _sha256(data)
    elif last is not None and last.file:
        # An edit of the text only keeps the file of the previous version.
        version.file = last.file.name
        version.file_name = last.file_name
        version.sha256 = last.sha256
    version.save()
    return version


_UNSET: Any = object()


@action
def update_draft(
    *,
    acting_user: User,
    document: Document,
    subject: str | None = None,
    content: str | None = None,
    doc_type: str | None = None,
    priority: int | None = None,
    due_date: dt.date | None = _UNSET,
    recipients: Sequence[RecipientSpec] | None = None,
    to_places: Sequence[str] | None = None,
    page_amount: int | None = _UNSET,
    issued_amount: int | None = _UNSET,
    description: str | None = None,
    file: File | FileSpec | None = None,
    note: str = "",
) -> DocumentVersion:
    """Edit a draft (or a returned one): a new version, the old ones kept."""
    doc = _lock(document)
    if doc.direction != Direction.OUTGOING or doc.status not in (Status.DRAFT, Status.RETURNED):
        raise Conflict(_("Only a draft can be edited."), code="not_editable")
    if not may_edit(acting_user, doc):
        raise PermissionDenied()
    changed: dict[str, Any] = {}
    if subject is not None:
        doc.subject = changed["subject"] = _check_text("subject", subject, SUBJECT_MAX)
    if content is not None:
        doc.content = content.strip()
        changed["content"] = True
    if doc_type is not None:
        kind = TYPES_BY_KEY.get(doc_type)
        if kind is None:
            raise invalid("doc_type", _("Choose one of the allowed values."))
        if not kind.abbreviation and doc.drafting_unit_id is None:
            raise invalid(
                "doc_type",
                _("An official letter (công văn) needs the drafting unit for its notation."),
            )
        doc.doc_type, doc.type_name = kind.key, kind.name
        changed["type"] = kind.key
    if priority is not None:
        doc.priority = changed["priority"] = _check_priority(priority)
    if due_date is not _UNSET:
        doc.due_date = due_date
        changed["due_date"] = str(due_date or "")
    if to_places is not None:
        doc.to_places = changed["to_places"] = _check_places(to_places)
    if page_amount is not _UNSET:
        doc.page_amount = changed["page_amount"] = page_amount
    if issued_amount is not _UNSET:
        doc.issued_amount = changed["issued_amount"] = issued_amount
    if description is not None:
        doc.description = _check_text("description", description, 500, required=False)
    if recipients is not None:
        resolved = _resolve_recipients(doc.agency, recipients)
        doc.recipients.all().delete()
        for recipient in resolved:
            recipient.document = doc
            recipient.save()
        changed["recipients"] = [r.organ_id for r in resolved]
    upload = _read(file)
    doc.save()
    version = _new_version(doc, acting_user, upload, note)
    _history(doc, "edit", doc.status, acting_user, note, {"version": version.number})
    _audit("update_draft", doc, acting_user, after={"version": version.number, **changed})
    return version


@action
def add_attachment(
    *,
    acting_user: User,
    document: Document,
    file: File | FileSpec,
    description: str = "",
) -> Attachment:
    """Attach a file: to a draft by its drafters, to an incoming document by the clerk."""
    doc = _lock(document)
    if doc.direction == Direction.OUTGOING:
        if not may_edit(acting_user, doc):
            if doc.status not in (Status.DRAFT, Status.RETURNED):
                raise Conflict(_("Only a draft can be edited."), code="not_editable")
            raise PermissionDenied()
    else:
        if not has_role(acting_user, Role.DOCUMENT_CLERK, agency=doc.agency_id):
            raise PermissionDenied()
        if doc.status in (Status.COMPLETED, Status.REVOKED):
            raise Conflict(_("The document is closed."), code="not_editable")
    upload = _read(file)
    assert upload is not None
    name, data, content_type = upload
    attachment = _store_attachment(doc, acting_user, name, data, content_type, description)
    _history(doc, "attach", doc.status, acting_user, data={"attachment": name})
    _audit(
        "add_attachment", doc, acting_user, after={"attachment": name, "sha256": attachment.sha256}
    )
    return attachment


def _store_attachment(
    doc: Document,
    user: User | None,
    name: str,
    data: bytes,
    content_type: str,
    description: str = "",
) -> Attachment:
    attachment = Attachment(
        document=doc,
        name=name,
        content_type=content_type[:100],
        size=len(data),
        sha256=_sha256(data),
        description=description[:255],
        created_by=user,
        created_at=_now(),
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


@action
def link_reply(*, acting_user: User, reply: Document, incoming: Document | None) -> Document:
    """Record that the outgoing ``reply`` answers ``incoming`` (edXML ResponseFor); None unlinks."""
    doc = _lock(reply)
    if doc.direction != Direction.OUTGOING:
        raise invalid("reply", _("A reply is an outgoing document."))
    if incoming is not None and (
        incoming.agency_id != doc.agency_id or incoming.direction != Direction.INCOMING
    ):
        raise invalid("response_for", _("Reply only to an incoming document of the agency."))
    if doc.status in (Status.SENT, Status.CANCELLED, Status.REVOKED):
        raise Conflict(_("The reply has already gone out."), code="not_editable")
    if not (may_edit(acting_user, doc) or has_role(acting_user, Role.LEADER, agency=doc.agency_id)):
        raise PermissionDenied()
    _set_reply_refs(doc, incoming)
    doc.save()
    _history(
        doc, "link_reply", doc.status, acting_user, data={"response_for": incoming and incoming.pk}
    )
    _audit("link_reply", doc, acting_user, after={"response_for": incoming and incoming.pk})
    return doc


# Outgoing: the transitions ---------------------------------------------------------------------


@action
def submit_document(*, acting_user: User, document: Document, note: str = "") -> Document:
    doc = _transition("submit", document, acting_user, note=note)
    heads = _people(doc.agency_id, Role.UNIT_HEAD, unit_id=doc.drafting_unit_id)
    if doc.drafting_unit_id is None or not heads:
        heads = _people(doc.agency_id, Role.LEADER)
    _tell("submitted", doc, heads)
    return doc


@action
def approve_document(*, acting_user: User, document: Document, note: str = "") -> Document:
    doc = _transition("approve", document, acting_user, note=note)
    _tell("approved", doc, _people(doc.agency_id, Role.LEADER))
    return doc


@action
def return_document(*, acting_user: User, document: Document, reason: str = "") -> Document:
    reason = _check_text("reason", reason, 2000)
    doc = _transition("return", document, acting_user, note=reason)
    _tell("returned", doc, [doc.created_by], reason)
    return doc


@action
def sign_document(
    *,
    acting_user: User,
    document: Document,
    authority: str = Authority.OWN,
    on_behalf_of: str = "",
    position: str = "",
    note: str = "",
) -> Document:
    """The leader signs: the signing decision, and the PDF signature when a signer is set up.

    ``authority`` is one of TM., Q., KT., TL., TUQ. or empty; with a prefix, ``on_behalf_of``
    names the body or head signed for ("GIÁM ĐỐC", "ỦY BAN NHÂN DÂN"). ``position`` defaults to
    the signer's post in the agency.
    """
    if authority not in Authority.values:
        raise invalid("authority", _("Choose one of the allowed values."))
    on_behalf_of = _check_text("on_behalf_of", on_behalf_of, 90, required=bool(authority))

    def apply(doc: Document) -> dict[str, Any]:
        is_leader = has_role(acting_user, Role.LEADER, agency=doc.agency_id)
        if not is_leader and authority not in UNIT_HEAD_AUTHORITIES:
            raise invalid(
                "authority", _("A unit head signs only “TL.” or “TUQ.” for the head of the agency.")
            )
        post = position.strip() or _position_of(acting_user, doc.agency_id)
        post = _check_text("position", post, 100)
        doc.signer = acting_user
        doc.signed_at = _now()
        doc.signer_competence = f"{authority} {on_behalf_of.upper()}" if authority else ""
        doc.signer_position = post
        doc.signer_full_name = (acting_user.full_name or acting_user.get_username())[:50]
        version = doc.versions.order_by("-number").first()
        signed = None
        if version is not None and version.file:
            with version.file.open("rb") as handle:
                pdf = handle.read()
            signed = seams.sign_pdf(
                pdf, purpose="signer", document=doc, user=acting_user, stamp=_stamp(doc)
            )
            if signed is not None:
                name = version.file_name or "van-ban.pdf"
                doc.signed_file.save(name, ContentFile(signed), save=False)
            else:
                doc.signed_file.name = version.file.name
        doc.is_digitally_signed = signed is not None
        return {
            "competence": doc.signer_competence,
            "position": post,
            "digital": doc.is_digitally_signed,
        }

    doc = _transition("sign", document, acting_user, note=note, apply=apply)
    _tell("signed", doc, _people(doc.agency_id, Role.DOCUMENT_CLERK))
    return doc


def _position_of(user: User, agency_id: int) -> str:
    """The signer's post in the agency, a leadership post first."""
    posts = [
        m for m in active_memberships(user) if m.agency_id == agency_id and m.position is not None
    ]
    posts.sort(key=lambda m: m.role not in (Role.LEADER, Role.UNIT_HEAD))
    return posts[0].position.name if posts else ""  # type: ignore[union-attr]


def _stamp(doc: Document) -> dict[str, str]:
    return {
        "competence": doc.signer_competence,
        "position": doc.signer_position,
        "full_name": doc.signer_full_name,
        "organ_name": doc.organ_name,
        "number_notation": doc.number_notation,
        "issued_date": doc.issued_date.isoformat() if doc.issued_date else "",
        "signed_at": timezone.localtime(_now()).isoformat(timespec="seconds"),
    }


@action
def issue_document(*, acting_user: User, document: Document, note: str = "") -> Document:
    """The document clerk issues: number and date from the register, organisation signature."""

    def apply(doc: Document) -> dict[str, Any]:
        today = timezone.localdate()
        kind = RegisterKind.COPIES if doc.type.is_copy else RegisterKind.OUTGOING
        unit_code = doc.drafting_unit.code if doc.drafting_unit else None
        notation = code_notation(doc.type, doc.agency.short_name, unit_code)
        if len(notation) > CODE_NOTATION_MAX:
            raise Conflict(
                _(
                    "The notation %(notation)s is longer than %(limit)s characters; shorten the "
                    "agency or unit abbreviation."
                )
                % {"notation": notation, "limit": CODE_NOTATION_MAX},
                code="notation_too_long",
            )
        register, number = _take_number(doc.agency, today.year, kind)
        doc.register, doc.register_number = register, number
        doc.code_number, doc.code_notation = code_number(number), notation
        doc.issued_date, doc.issued_at, doc.issued_by = today, _now(), acting_user
        doc.organ_id, doc.organ_name = doc.agency.organ_code, doc.agency.name[:200]
        doc.edxml_document_id = edxml_document_id(
            doc.organ_id, today, doc.code_number, doc.code_notation
        )
        doc.is_seal_signed = _seal(doc, acting_user)
        return {"number": doc.number_notation, "register": register.pk, "seal": doc.is_seal_signed}

    doc = _transition("issue", document, acting_user, note=note, apply=apply)
    _tell("issued", doc, [doc.created_by])
    return doc


def _seal(doc: Document, user: User) -> bool:
    """The organisation's signature on the signed document and its PDF attachments."""
    sealed = False
    if doc.signed_file:
        with doc.signed_file.open("rb") as handle:
            pdf = handle.read()
        signed = seams.sign_pdf(pdf, purpose="seal", document=doc, user=user, stamp=_stamp(doc))
        if signed is not None:
            name = (doc.signed_file.name or "van-ban.pdf").rsplit("/", 1)[-1]
            doc.signed_file.save(name, ContentFile(signed), save=False)
            sealed = True
    for attachment in doc.attachments.all():
        with attachment.file.open("rb") as handle:
            data = handle.read()
        signed = seams.sign_pdf(
            data, purpose="attachment", document=doc, user=user, stamp=_stamp(doc)
        )
        if signed is not None:
            attachment.file.save(attachment.name, ContentFile(signed), save=False)
            attachment.size, attachment.sha256 = len(signed), _sha256(signed)
            attachment.is_seal_signed = True
            attachment.save()
    return sealed


@action
def send_document(*, acting_user: User, document: Document, note: str = "") -> Document:
    """Distribute an issued document: local agencies get an incoming document at once, remote
    ones wait in the exchange outbox, paper ones are recorded as posted."""
    remote: list[DocumentRecipient] = []
    local: list[Document] = []

    def apply(doc: Document) -> dict[str, Any]:
        recipients = list(doc.recipients.select_related("agency").select_for_update(of=("self",)))
        if not recipients:
            raise invalid("recipients", _("Add at least one recipient before sending."))
        now = _now()
        for recipient in recipients:
            if recipient.channel == DeliveryChannel.LOCAL and recipient.agency is not None:
                incoming = _deliver_locally(doc, recipient.agency, now)
                recipient.incoming = incoming
                recipient.status, recipient.delivered_at = DeliveryStatus.DELIVERED, now
                recipient.status_code, recipient.status_at = "01", now
                local.append(incoming)
            elif recipient.channel == DeliveryChannel.PAPER:
                recipient.status = DeliveryStatus.SENT
            else:
                recipient.status = DeliveryStatus.TO_SEND
                remote.append(recipient)
            recipient.save()
        doc.sent_at = now
        return {
            "local": [d.pk for d in local],
            "remote": [r.organ_id for r in remote],
        }

    doc = _transition("send", document, acting_user, note=note, apply=apply)
    for incoming in local:
        _tell("arrived", incoming, _people(incoming.agency_id, Role.DOCUMENT_CLERK, Role.LEADER))
    if remote:
        transaction.on_commit(
            lambda: seams.documents_to_exchange.send(
                sender=Document, recipients=remote, event="send"
            )
        )
    return doc


def _deliver_locally(outgoing: Document, agency: Agency, now: dt.datetime) -> Document:
    """An incoming copy of ``outgoing`` in ``agency``'s incoming register."""
    incoming = Document(
        direction=Direction.INCOMING,
        agency=agency,
        status=Status.REGISTERED,
        channel=Channel.ELECTRONIC,
        source=outgoing,
        arrived_at=now,
        created_at=now,
        **_copied_metadata(outgoing),
    )
    _register_arrival(incoming)
    if outgoing.response_for_refs:
        incoming.response_for_refs = outgoing.response_for_refs
        incoming.response_for = _local_original(agency, outgoing.response_for_refs)
    incoming.save()
    for attachment in outgoing.attachments.all():
        Attachment.objects.create(
            document=incoming,
            file=attachment.file.name,
            name=attachment.name,
            content_type=attachment.content_type,
            size=attachment.size,
            sha256=attachment.sha256,
            description=attachment.description,
            is_seal_signed=attachment.is_seal_signed,
            created_at=now,
        )
    _history(incoming, "receive", "", None, data={"from": outgoing.organ_id})
    return incoming


_COPIED_FIELDS = [
    "doc_type",
    "type_name",
    "code_number",
    "code_notation",
    "issued_date",
    "organ_id",
    "organ_name",
    "subject",
    "content",
    "language",
    "page_amount",
    "signer_competence",
    "signer_position",
    "signer_full_name",
    "priority",
    "due_date",
    "to_places",
    "steering_type",
    "edxml_document_id",
    "is_digitally_signed",
    "is_seal_signed",
]


def _copied_metadata(outgoing: Document) -> dict[str, Any]:
    values = {name: getattr(outgoing, name) for name in _COPIED_FIELDS}
    values["signed_file"] = outgoing.signed_file.name if outgoing.signed_file else ""
    values["trace_header_list"] = [
        {"OrganId": outgoing.organ_id, "Timestamp": timezone.localtime(_now()).isoformat()}
    ]
    return values


def _register_arrival(incoming: Document) -> None:
    """Arrival number and date from the receiving agency's incoming register; the handling
    deadline defaults to the sender's, else a configured number of working days."""
    arrived = timezone.localtime(incoming.arrived_at or _now())
    register, number = _take_number(incoming.agency, arrived.year, RegisterKind.INCOMING)
    incoming.register, incoming.register_number = register, number
    incoming.arrival_date = arrived.date()
    if incoming.due_date is None:
        incoming.due_date = _default_deadline(arrived)


def _default_deadline(arrived: dt.datetime) -> dt.date | None:
    from egov.workdays.selectors import get_calendar

    try:
        return get_calendar().due_date(arrived, settings.EGOV_DOCUMENT_HANDLING_DAYS)
    except CalendarMissing:
        return None


def _local_original(agency: Agency, refs: Sequence[Mapping[str, Any]]) -> Document | None:
    """The outgoing document of ``agency`` that an arriving reply answers, if any."""
    ids = [str(ref.get("DocumentId", "")) for ref in refs if ref.get("DocumentId")]
    if not ids:
        return None
    return Document.objects.filter(
        agency=agency, direction=Direction.OUTGOING, edxml_document_id__in=ids
    ).first()


@action
def cancel_document(*, acting_user: User, document: Document, reason: str = "") -> Document:
    return _transition("cancel", document, acting_user, note=reason.strip())


@action
def revoke_document(*, acting_user: User, document: Document, reason: str = "") -> Document:
    """The issuer revokes a document: local receivers' copies are withdrawn at once, remote
    ones get the exchange's revoke notice."""
    reason = _check_text("reason", reason, 2000)
    remote: list[DocumentRecipient] = []

    def apply(doc: Document) -> dict[str, Any]:
        doc.revoked_at = _now()
        withdrawn = []
        for recipient in doc.recipients.select_related("incoming"):
            if recipient.incoming is not None:
                _withdraw(recipient.incoming, MarkerKind.REVOKE, reason, acting_user)
                withdrawn.append(recipient.incoming.pk)
            elif (
                recipient.channel == DeliveryChannel.EDXML
                and recipient.status != DeliveryStatus.PENDING
            ):
                remote.append(recipient)
        return {"withdrawn": withdrawn, "remote": [r.organ_id for r in remote]}

    doc = _transition("revoke", document, acting_user, note=reason, apply=apply)
    if remote:
        transaction.on_commit(
            lambda: seams.documents_to_exchange.send(
                sender=Document, recipients=remote, event="revoke"
            )
        )
    return doc


def _withdraw(
    incoming: Document,
    kind: str,
    reason: str,
    actor: User | None,
    *,
    replacement_document_id: str = "",
    receiver_changes: Sequence[Any] = (),
    staff_info: Mapping[str, Any] | None = None,
) -> DocumentMarker:
    """Store the sender's notice; a revoke also withdraws the incoming document."""
    doc = _lock(incoming)
    marker = DocumentMarker.objects.create(
        document=doc,
        kind=kind,
        reason=reason,
        replacement_document_id=replacement_document_id,
        receiver_changes=list(receiver_changes),
        staff_info=dict(staff_info or {}),
        received_at=_now(),
    )
    if kind == MarkerKind.REVOKE and doc.status in TRANSITIONS["withdraw"].sources:
        before = doc.status
        doc.status, doc.revoked_at = Status.REVOKED, _now()
        doc.save()
        _history(doc, "withdraw", before, actor, reason)
    else:
        _history(doc, f"marker_{kind}", doc.status, actor, reason)
    holders = [doc.assignee, *_people(doc.agency_id, Role.DOCUMENT_CLERK)]
    _tell("marker", doc, holders, reason)
    return marker


# Incoming ------------------------------------------------------------------------------------


@action
def register_incoming(
    *,
    acting_user: User,
    agency: Agency,
    doc_type: str,
    subject: str,
    organ_name: str,
    code_number: str,
    code_notation: str,
    issued_date: dt.date,
    organ_id: str = "",
    content: str = "",
    signer_full_name: str = "",
    signer_position: str = "",
    priority: int = Priority.NORMAL,
    due_date: dt.date | None = None,
    channel: str = Channel.PAPER,
    page_amount: int | None = None,
    to_places: Sequence[str] = (),
    arrived_at: dt.datetime | None = None,
    allow_duplicate: bool = False,
    file: File | FileSpec | None = None,
) -> Document:
    """The document clerk registers a document that arrived outside the exchange (on paper, by
    e-mail): arrival number and date from the incoming register."""
    if not has_role(acting_user, Role.DOCUMENT_CLERK, agency=agency):
        raise PermissionDenied()
    kind = TYPES_BY_KEY.get(doc_type)
    if kind is None:
        raise invalid("doc_type", _("Choose one of the allowed values."))
    if channel not in Channel.values:
        raise invalid("channel", _("Choose one of the allowed values."))
    errors = {}
    for field, value, limit in [
        ("subject", subject, SUBJECT_MAX),
        ("organ_name", organ_name, 200),
        ("code_number", code_number, 11),
        ("code_notation", code_notation, CODE_NOTATION_MAX),
    ]:
        try:
            _check_text(field, value, limit)
        except InvalidInput as exc:
            errors.update(exc.errors)
    if organ_id:
        try:
            validate_organ_code(organ_id.strip().upper())
        except ValidationError as exc:
            errors["organ_id"] = " ".join(exc.messages)
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    if arrived_at is not None and arrived_at > _now():
        raise invalid("arrived_at", _("The arrival time cannot be in the future."))
    duplicate = Document.objects.filter(
        agency=agency,
        direction=Direction.INCOMING,
        organ_name__iexact=organ_name.strip(),
        code_number=code_number.strip(),
        code_notation__iexact=code_notation.strip(),
        issued_date=issued_date,
    ).first()
    if duplicate is not None and not allow_duplicate:
        raise Conflict(
            _("This document is already registered as arrival number %(number)s.")
            % {"number": duplicate.register_number},
            code="duplicate_incoming",
            extra={"document": duplicate.pk},
        )
    upload = _read(file)
    doc = Document(
        direction=Direction.INCOMING,
        agency=agency,
        status=Status.REGISTERED,
        doc_type=kind.key,
        type_name=kind.name,
        subject=subject.strip(),
        organ_id=organ_id.strip().upper(),
        organ_name=organ_name.strip(),
        code_number=code_number.strip(),
        code_notation=code_notation.strip(),
        issued_date=issued_date,
        content=content.strip(),
        signer_full_name=signer_full_name.strip()[:50],
        signer_position=signer_position.strip()[:100],
        priority=_check_priority(priority),
        due_date=due_date,
        channel=channel,
        page_amount=page_amount,
        to_places=_check_places(to_places),
        arrived_at=arrived_at or _now(),
        created_by=acting_user,
        created_at=_now(),
    )
    if doc.organ_id:
        doc.edxml_document_id = edxml_document_id(
            doc.organ_id, issued_date, doc.code_number, doc.code_notation
        )
        if Document.objects.filter(
            agency=agency, direction=Direction.INCOMING, edxml_document_id=doc.edxml_document_id
        ).exists():
            doc.edxml_document_id = ""  # an allowed duplicate keeps the DocumentId unique
    _register_arrival(doc)
    doc.save()
    if upload is not None:
        name, data, content_type = upload
        _store_attachment(doc, acting_user, name, data, content_type)
    _history(doc, "register", "", acting_user, data={"arrival_number": doc.register_number})
    _audit("register_incoming", doc, acting_user, after={"arrival_number": doc.register_number})
    _tell("arrived", doc, _people(agency.pk, Role.LEADER))
    return doc


def register_incoming_from_exchange(
    *,
    recipient_organ_id: str,
    metadata: Mapping[str, Any],
    attachments: Sequence[FileSpec] = (),
    arrived_at: dt.datetime | None = None,
    acting_user: User | None = None,
) -> tuple[Document, bool]:
    """Register a document that arrived through the exchange (edXML) for the agency
    ``recipient_organ_id``; returns (document, created).

    ``metadata`` uses the edXML names (see ``models.EDXML_FIELDS``): DocumentId (or OrganId,
    IssuedDate, CodeNumber, CodeNotation to build it), OrganName, Subject, TypeName, Content,
    SignerInfo {Competence, Position, FullName}, Priority, PageAmount, DueDate, ToPlaces,
    SteeringType, ResponseFor [{OrganId, Code, PromulgationDate, DocumentId}],
    TraceHeaderList, FileCode. Idempotent per DocumentId and receiving agency: a repeat returns
    the document registered the first time and writes nothing.
    """
    agency = Agency.objects.filter(organ_code=recipient_organ_id, is_active=True).first()
    if agency is None:
        raise NotFound(
            _("No agency %(code)s here.") % {"code": recipient_organ_id}, code="unknown_recipient"
        )
    fields = _parse_exchange_metadata(metadata)
    existing = Document.objects.filter(
        agency=agency, direction=Direction.INCOMING, edxml_document_id=fields["edxml_document_id"]
    ).first()
    if existing is not None:
        return existing, False
    try:
        doc = receive_from_exchange(
            acting_user=acting_user,
            agency=agency,
            fields=fields,
            attachments=attachments,
            arrived_at=arrived_at,
        )
    except IntegrityError:
        # The same package arrived twice at once and the other one won: same answer as above.
        existing = Document.objects.filter(
            agency=agency,
            direction=Direction.INCOMING,
            edxml_document_id=fields["edxml_document_id"],
        ).first()
        if existing is None:
            raise
        return existing, False
    return doc, True


def _parse_exchange_metadata(metadata: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}

    def text(name: str, limit: int, required: bool = True) -> str:
        value = str(metadata.get(name) or "").strip()
        if required and not value:
            errors[name] = _("This field is required.")
        elif len(value) > limit:
            errors[name] = _("Use at most %(limit)s characters (now %(count)s).") % {
                "limit": limit,
                "count": len(value),
            }
        return value[:limit]

    def date(name: str, required: bool = False) -> dt.date | None:
        value = metadata.get(name)
        if value in (None, ""):
            if required:
                errors[name] = _("This field is required.")
            return None
        if isinstance(value, dt.date):
            return value
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y"):
            try:
                return dt.datetime.strptime(str(value)[:10], fmt).date()  # noqa: DTZ007
            except ValueError:
                continue
        errors[name] = _("Enter a valid date (YYYY-MM-DD).")
        return None

    def number(name: str, low: int, high: int, default: int | None = None) -> int | None:
        value = metadata.get(name)
        if value in (None, ""):
            return default
        try:
            result = int(value)
        except (TypeError, ValueError):
            errors[name] = _("Enter a whole number.")
            return default
        if not low <= result <= high:
            errors[name] = _("Choose one of the allowed values.")
            return default
        return result

    organ_id = text("OrganId", 35).upper()
    signer = metadata.get("SignerInfo") or {}
    fields: dict[str, Any] = {
        "organ_id": organ_id,
        "organ_name": text("OrganName", 200),
        "subject": text("Subject", SUBJECT_MAX),
        "content": str(metadata.get("Content") or ""),
        "code_number": text("CodeNumber", 11),
        "code_notation": text("CodeNotation", CODE_NOTATION_MAX),
        "issued_date": date("IssuedDate", required=True),
        "type_name": text("TypeName", 100, required=False),
        "signer_competence": str(signer.get("Competence") or "")[:100],
        "signer_position": str(signer.get("Position") or "")[:100],
        "signer_full_name": str(signer.get("FullName") or "")[:50],
        "priority": number("Priority", 0, 4, Priority.NORMAL),
        "page_amount": number("PageAmount", 0, 32767),
        "due_date": date("DueDate"),
        "steering_type": number("SteeringType", 1, 3, SteeringType.NONE),
        "to_places": [str(p)[:200] for p in metadata.get("ToPlaces") or []][:50],
        "trace_header_list": list(metadata.get("TraceHeaderList") or []),
        "response_for_refs": [dict(r) for r in metadata.get("ResponseFor") or []],
    }
    file_code = metadata.get("FileCode") or {}
    fields["file_organ_id"] = str(file_code.get("OrganId") or "")[:35]
    catalog = str(file_code.get("FileCatalog") or "").strip()
    if catalog and not (catalog.isdigit() and 1900 <= int(catalog) <= 2200):
        errors["FileCode/FileCatalog"] = _("Enter a year.")
    fields["file_catalog"] = int(catalog) if catalog.isdigit() else None
    fields["file_notation"] = str(file_code.get("FileNotation") or "")[:20]
    if organ_id:
        try:
            validate_organ_code(organ_id)
        except ValidationError as exc:
            errors["OrganId"] = " ".join(exc.messages)
    document_id = str(metadata.get("DocumentId") or "").strip()
    if not errors and not document_id:
        document_id = edxml_document_id(
            organ_id, fields["issued_date"], fields["code_number"], fields["code_notation"]
        )
    if len(document_id) > 200:
        errors["DocumentId"] = _("This value is too long.")
    if errors:
        raise InvalidInput("; ".join(f"{k}: {v}" for k, v in errors.items()), errors=errors)
    kind = type_by_name(fields["type_name"]) or TYPES_BY_KEY["cong_van"]
    fields["doc_type"] = kind.key
    fields["type_name"] = fields["type_name"] or kind.name
    fields["edxml_document_id"] = document_id
    return fields


@action
def receive_from_exchange(
    *,
    acting_user: User | None,
    agency: Agency,
    fields: Mapping[str, Any],
    attachments: Sequence[FileSpec] = (),
    arrived_at: dt.datetime | None = None,
) -> Document:
    """Use ``register_incoming_from_exchange``, which validates and makes this idempotent."""
    now = _now()
    doc = Document(
        direction=Direction.INCOMING,
        agency=agency,
        status=Status.ARRIVED,
        channel=Channel.ELECTRONIC,
        arrived_at=arrived_at or now,
        created_at=now,
        **fields,
    )
    doc.trace_header_list = [
        *doc.trace_header_list,
        {"OrganId": agency.organ_code, "Timestamp": timezone.localtime(now).isoformat()},
    ]
    doc.response_for = _local_original(agency, doc.response_for_refs)
    # The arrival number is given when the document clerk accepts it (accept_arrival).
    doc.save()
    for spec in attachments:
        upload = _read(spec)
        assert upload is not None
        _store_attachment(doc, None, *upload)
    _history(doc, "receive", "", acting_user, data={"from": doc.organ_id, "edxml": True})
    _audit(
        "receive_from_exchange",
        doc,
        acting_user,
        after={"document_id": doc.edxml_document_id, "status": doc.status},
    )
    _tell("arrived", doc, _people(agency.pk, Role.DOCUMENT_CLERK))
    return doc


def record_exchange_marker(
    *,
    recipient_organ_id: str,
    document_id: str,
    kind: str,
    reason: str = "",
    replacement_document_id: str = "",
    receiver_changes: Sequence[Any] = (),
    staff_info: Mapping[str, Any] | None = None,
    acting_user: User | None = None,
) -> tuple[DocumentMarker, bool]:
    """The sender revoked, updated or replaced a document this agency received (edXML
    BussinessDocType 1, 2, 3). A revoke withdraws the incoming document. Idempotent: the same
    notice twice is stored once. Returns (marker, created)."""
    if kind not in MarkerKind.values:
        raise invalid("kind", _("Choose one of the allowed values."))
    doc = Document.objects.filter(
        agency__organ_code=recipient_organ_id,
        direction=Direction.INCOMING,
        edxml_document_id=document_id,
    ).first()
    if doc is None:
        raise NotFound(code="unknown_document")
    existing = doc.markers.filter(
        kind=kind, reason=reason, replacement_document_id=replacement_document_id
    ).first()
    if existing is not None:
        return existing, False
    marker = store_exchange_marker(
        acting_user=acting_user,
        document=doc,
        kind=kind,
        reason=reason,
        replacement_document_id=replacement_document_id,
        receiver_changes=receiver_changes,
        staff_info=staff_info,
    )
    return marker, True


@action
def store_exchange_marker(
    *,
    acting_user: User | None,
    document: Document,
    kind: str,
    reason: str = "",
    replacement_document_id: str = "",
    receiver_changes: Sequence[Any] = (),
    staff_info: Mapping[str, Any] | None = None,
) -> DocumentMarker:
    """Use ``record_exchange_marker``, which finds the document and makes this idempotent."""
    marker = _withdraw(
        document,
        kind,
        reason,
        acting_user,
        replacement_document_id=replacement_document_id,
        receiver_changes=receiver_changes,
        staff_info=staff_info,
    )
    _audit("exchange_marker", marker.document, acting_user, after={"kind": kind, "reason": reason})
    return marker


STATUS_CODES = {"01", "02", "03", "04", "05", "06", "13", "15", "16"}


@action
def record_delivery_status(
    *,
    acting_user: User | None,
    recipient: DocumentRecipient,
    status_code: str = "",
    delivery_status: str = "",
    description: str = "",
    at: dt.datetime | None = None,
) -> DocumentRecipient:
    """What the exchange learned about one remote delivery: transmitted (``delivery_status``
    "sent"), failed, or a status message of the receiver (01 arrived, 02 refused, 03–06 its
    progress, 13/15/16 revoke answers)."""
    row = DocumentRecipient.objects.select_for_update().get(pk=recipient.pk)
    if row.channel != DeliveryChannel.EDXML:
        raise Conflict(_("Only electronic exchange deliveries report a status."), code="not_remote")
    if status_code and status_code not in STATUS_CODES:
        raise invalid("status_code", _("Choose one of the allowed values."))
    if delivery_status and delivery_status not in DeliveryStatus.values:
        raise invalid("delivery_status", _("Choose one of the allowed values."))
    when = at or _now()
    if delivery_status:
        row.status = delivery_status
    if status_code:
        row.status_code, row.status_at = status_code, when
        if status_code == "02":
            row.status = DeliveryStatus.REFUSED
        elif status_code in ("01", "03", "04", "05", "06"):
            row.status = DeliveryStatus.DELIVERED
            row.delivered_at = row.delivered_at or when
    row.status_description = description[:500]
    row.save()
    doc = row.document
    _history(
        doc,
        "delivery",
        doc.status,
        acting_user,
        description,
        {"organ_id": row.organ_id, "status": row.status, "code": status_code},
    )
    _audit(
        "delivery_status",
        doc,
        acting_user,
        after={"organ_id": row.organ_id, "status": row.status, "code": status_code},
    )
    return row


@action
def assign_document(
    *,
    acting_user: User,
    document: Document,
    unit: Unit | None = None,
    assignee: User | None = None,
    deadline: dt.date | None = None,
    note: str = "",
) -> Document:
    """Pass an incoming document to a unit and/or a person, with a handling deadline."""

    def apply(doc: Document) -> dict[str, Any]:
        target_unit = unit
        is_leader = has_role(acting_user, Role.LEADER, agency=doc.agency_id)
        if not is_leader:
            # A unit head passes on within the unit the document was assigned to.
            if target_unit is not None and target_unit.pk != doc.assigned_unit_id:
                raise invalid("unit", _("You can pass it on only inside your unit."))
            target_unit = doc.assigned_unit
        if target_unit is None and assignee is None:
            raise invalid("unit", _("Choose a unit or a person."))
        if target_unit is not None and target_unit.agency_id != doc.agency_id:
            raise invalid("unit", _("The unit must belong to the agency."))
        if assignee is not None and not has_role(
            assignee, agency=doc.agency_id, unit=target_unit.pk if target_unit else None
        ):
            raise invalid("assignee", _("The person must work in the chosen unit."))
        if deadline is not None and doc.arrival_date and deadline < doc.arrival_date:
            raise invalid("deadline", _("The deadline cannot be before the arrival date."))
        doc.assigned_unit, doc.assignee = target_unit, assignee
        doc.assigned_by, doc.assigned_at = acting_user, _now()
        if deadline is not None and deadline != doc.due_date:
            doc.due_date = deadline
            doc.reminded_soon_at = doc.reminded_late_at = None
        return {
            "unit": target_unit.pk if target_unit else None,
            "assignee": assignee.pk if assignee else None,
            "deadline": str(doc.due_date or ""),
        }

    doc = _transition("assign", document, acting_user, note=note, apply=apply)
    people = (
        [doc.assignee]
        if doc.assignee
        else _people(doc.agency_id, Role.UNIT_HEAD, unit_id=doc.assigned_unit_id)
    )
    _tell("assigned", doc, people)
    return doc


@action
def accept_arrival(*, acting_user: User, document: Document, note: str = "") -> Document:
    """The document clerk checked an electronic arrival and registers it (arrival number and
    date from the incoming register); the exchange then reports 03 to the sender."""

    def apply(doc: Document) -> dict[str, Any]:
        _register_arrival(doc)
        return {"arrival_number": doc.register_number}

    doc = _transition("accept", document, acting_user, note=note, apply=apply)
    _tell("arrived", doc, _people(doc.agency_id, Role.LEADER))
    return doc


@action
def refuse_arrival(*, acting_user: User, document: Document, reason: str = "") -> Document:
    """The document clerk refuses an electronic arrival (wrong recipient, incomplete, unreadable
    …); the exchange reports 02 with the reason to the sender. Nothing enters the register."""
    reason = _check_text("reason", reason, 2000)

    def apply(doc: Document) -> None:
        doc.refusal_reason = reason

    return _transition("refuse", document, acting_user, note=reason, apply=apply)


@action
def start_handling(*, acting_user: User, document: Document, note: str = "") -> Document:
    def apply(doc: Document) -> None:
        doc.started_at = _now()

    return _transition("start", document, acting_user, note=note, apply=apply)


@action
def complete_document(
    *, acting_user: User, document: Document, result: str = "", reply: Document | None = None
) -> Document:
    """The incoming document is dealt with; ``reply`` is the outgoing answer, if there is one."""

    def apply(doc: Document) -> dict[str, Any]:
        if reply is not None:
            if reply.agency_id != doc.agency_id or reply.direction != Direction.OUTGOING:
                raise invalid("reply", _("A reply is an outgoing document of the agency."))
            answer = _lock(reply)
            if answer.status not in (Status.SENT, Status.CANCELLED, Status.REVOKED):
                _set_reply_refs(answer, doc)
                answer.save()
        doc.completed_at = _now()
        doc.completion_note = result.strip()
        return {"reply": reply.pk if reply else None}

    doc = _transition("complete", document, acting_user, note=result.strip(), apply=apply)
    _tell("completed", doc, [doc.assigned_by])
    return doc


# Reminders -------------------------------------------------------------------------------------


@action
def send_deadline_reminders(
    *, acting_user: User | None, due_soon: Sequence[int], overdue: Sequence[int]
) -> int:
    """Remind handlers once when a deadline is near and once when it has passed."""
    now = _now()
    count = 0
    for pk, late in [*((pk, False) for pk in due_soon), *((pk, True) for pk in overdue)]:
        doc = _lock(pk)
        if doc.status not in (Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS):
            continue
        if (doc.reminded_late_at if late else doc.reminded_soon_at) is not None:
            continue
        if doc.assignee is not None:
            people = [doc.assignee]
        elif doc.assigned_unit_id is not None:
            people = _people(doc.agency_id, Role.UNIT_HEAD, unit_id=doc.assigned_unit_id)
        else:
            people = _people(doc.agency_id, Role.LEADER)
        if late:
            people.append(doc.assigned_by)  # type: ignore[arg-type]
            doc.reminded_late_at = now
        else:
            doc.reminded_soon_at = now
        doc.save(update_fields=["reminded_late_at" if late else "reminded_soon_at"])
        _history(doc, "remind_late" if late else "remind_soon", doc.status, acting_user)
        _tell("overdue" if late else "due_soon", doc, people)
        count += 1
    record_event(
        actor=acting_user,
        verb="documents.send_deadline_reminders",
        object_type="documents.document",
        object_id="reminders",
        after={"due_soon": list(due_soon), "overdue": list(overdue), "sent": count},
    )
    return count


# What the web views and the API call: transition name -> (action, the parameters it takes).
TRANSITION_ACTIONS: dict[str, tuple[Callable[..., Document], tuple[str, ...]]] = {
    "submit": (submit_document, ("note",)),
    "approve": (approve_document, ("note",)),
    "return": (return_document, ("reason",)),
    "sign": (sign_document, ("authority", "on_behalf_of", "position", "note")),
    "issue": (issue_document, ("note",)),
    "send": (send_document, ("note",)),
    "cancel": (cancel_document, ("reason",)),
    "revoke": (revoke_document, ("reason",)),
    "accept": (accept_arrival, ("note",)),
    "refuse": (refuse_arrival, ("reason",)),
    "assign": (assign_document, ("unit", "assignee", "deadline", "note")),
    "start": (start_handling, ("note",)),
    "complete": (complete_document, ("result", "reply")),
}


def perform(name: str, *, acting_user: User, document: Document, **params: Any) -> Document:
    """Run the transition ``name`` with those of ``params`` it takes (None values dropped)."""
    if name not in TRANSITION_ACTIONS:
        raise NotFound(code="unknown_action")
    func, accepted = TRANSITION_ACTIONS[name]
    kwargs = {k: v for k, v in params.items() if k in accepted and v is not None}
    return func(acting_user=acting_user, document=document, **kwargs)
