"""Every write to a dossier. Each action locks the dossier row, checks the state against the
transition table (409) and the user against the rules (403), writes one history row and one
audit event, issues the official form it owes and notifies the applicant."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.dossiers import deadlines, permissions
from egov.dossiers.codes import next_code
from egov.dossiers.files import check_scan
from egov.dossiers.forms import issue_form
from egov.dossiers.models import (
    ApplicantKind,
    Channel,
    Consultation,
    ConsultationStatus,
    Dossier,
    DossierAgency,
    DossierDocument,
    DossierEvent,
    DossierForm,
    DossierPause,
    DossierStep,
    Outcome,
    ReturnMethod,
    StepStatus,
)
from egov.dossiers.signals import dossier_transitioned
from egov.dossiers.workflow import REGISTER, Action, Status, actions_from, is_allowed
from egov.infra.models import IdempotencyRecord
from egov.lib.actions import action
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied, invalid
from egov.lib.workdays import CalendarMissing, WorkCalendar
from egov.notifications.services import notify
from egov.org.models import Agency, Membership, Role, Unit
from egov.org.selectors import active_memberships, has_role
from egov.procedures.models import Procedure, RequiredDocument, StepKind
from egov.procedures.selectors import procedure_template
from egov.workdays.selectors import get_calendar

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.dossiers.models import DossierRating

IDEMPOTENCY_SCOPE = "dossiers.register"
# Set on a dossier an action returns when its documents, steps and consultations are loaded as
# they now stand, so that the caller can show it without reading it again.
RESPONSE_READY = "_egov_response_ready"
# Kinds of template step that are not processing: receipt happens at acceptance, return after
# the result is recorded.
_DESK_KINDS = {StepKind.RECEIVE, StepKind.RETURN}


# ------------------------------------------------------------------------------------------
# Inputs


@dataclass
class ApplicantInput:
    kind: str = ApplicantKind.CITIZEN
    name: str = ""
    personal_id: str = ""
    tax_code: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class DocumentInput:
    """A document handed in: which required document, how many sets, and its scan if any."""

    required_document_id: int | None = None
    name: str = ""
    sets: int = 1
    content: IO[bytes] | bytes | None = None
    filename: str = ""


@dataclass
class _Context:
    """What an action needs besides the dossier: the time and the calendar, read once."""

    at: dt.datetime
    calendar: WorkCalendar
    pauses: list[tuple[dt.datetime, dt.datetime | None]] = field(default_factory=list)


# ------------------------------------------------------------------------------------------
# Helpers


def _calendar() -> WorkCalendar:
    return get_calendar()


def _calendar_problem(exc: CalendarMissing) -> Conflict:
    return Conflict(
        _("The working-day calendar for %(year)s is not set up; ask an administrator.")
        % {"year": exc.year},
        code="calendar_not_configured",
    )


def _lock(dossier: Dossier | str) -> Dossier:
    code = dossier if isinstance(dossier, str) else dossier.code
    found = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("receiving_agency", "receiving_unit", "procedure", "applicant")
        .filter(code=code)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def _require(dossier: Dossier, action_name: str, user: User | None) -> None:
    """409 when the state does not allow the action, 403 when the user may not take it."""
    if action_name not in actions_from(dossier.status):
        raise Conflict(
            _('"%(action)s" is not possible while the dossier is "%(status)s".')
            % {
                "action": Action(action_name).label,
                "status": Status(dossier.status).label,
            },
            code="transition_not_allowed",
            extra={"status": dossier.status, "action": action_name},
        )
    if user is not None and not permissions.may(user, action_name, dossier):
        raise PermissionDenied(
            _("You are not allowed to %(action)s this dossier.")
            % {"action": str(Action(action_name).label).lower()}
        )


def _who(user: User | None) -> User | None:
    return user if user is not None and user.is_authenticated else None


def _notify_applicant(dossier: Dossier, note: str = "") -> None:
    """Tell the applicant about the dossier's new status (events in notification_events.py):
    their account on the channels they chose, linking to their page in the portal; an applicant
    without an account at the dossier's e-mail address and phone, linking to the public lookup."""
    from egov.notifications.events import get_event
    from egov.notifications.services import Contact, absolute_url

    event = f"dossiers.{dossier.status}"
    unit, agency = dossier.receiving_unit, dossier.receiving_agency
    # ``note`` is what the transition recorded: the missing documents of a supplement request,
    # the reason of a refusal, rejection or pause, the result's summary, or a remark.
    status = dossier.status
    context = {
        "code": dossier.code,
        "procedure": dossier.procedure_name,
        "agency": agency.name,
        "due_date": dossier.due_on.strftime("%d/%m/%Y") if dossier.due_on else "",
        "note": note,
        "missing": note if status in (Status.INCOMPLETE, Status.SUPPLEMENT_REQUESTED) else "",
        "reason": note
        if status in (Status.REFUSED, Status.REJECTED, Status.WAITING_FOR_APPLICANT)
        else "",
        "result": " ".join(filter(None, [dossier.result_summary, dossier.result_number])),
        "return_method": dossier.return_method,
        "return_to": dossier.return_address or dossier.applicant_address
        if dossier.return_method == ReturnMethod.POST
        else ", ".join(filter(None, [unit.name, agency.name, agency.address])),
        "rating_url": "",
    }
    if dossier.applicant is not None:
        if dossier.status == Status.RETURNED:
            context["rating_url"] = absolute_url(reverse("dossiers:rate", args=[dossier.code]))
        notify(
            event,
            recipients=[dossier.applicant],
            url=reverse("portal:dossier", args=[dossier.code]),
            related=dossier,
            context=context,
        )
    elif dossier.applicant_email or dossier.applicant_phone:
        spec = get_event(event)
        notify(
            event,
            recipients=[
                Contact(
                    email=dossier.applicant_email,
                    phone=dossier.applicant_phone,
                    name=dossier.applicant_name,
                )
            ],
            url=reverse("lookup_detail", args=[dossier.code]),
            related=dossier,
            context=context,
            channels=spec.channels if spec is not None else (),
        )


def _transition(
    dossier: Dossier,
    action_name: str,
    target: str,
    *,
    user: User | None,
    ctx: _Context,
    step: DossierStep | None = None,
    timeliness: str = "",
    note: str = "",
    data: Mapping[str, Any] | None = None,
    agency: Agency | None = None,
) -> DossierEvent:
    """Move the dossier (save it), write its history row and tell the applicant."""
    source = dossier.status
    if not is_allowed(action_name, source, target):  # a bug in an action, never user error
        raise RuntimeError(f"{action_name}: {source} -> {target} is not in the table")
    dossier.status = target
    dossier.save()
    actor = _who(user)
    event = DossierEvent.objects.create(
        dossier=dossier,
        action=action_name,
        from_status=source,
        to_status=target,
        at=ctx.at,
        actor=actor,
        actor_name=actor.get_full_name() if actor else "",
        agency=agency or (step.agency if step else None),
        step=step,
        step_due_on=step.due_on if step else None,
        due_on=dossier.due_on,
        timeliness=timeliness,
        note=note,
        data=dict(data or {}),
    )
    if source != target:
        _notify_applicant(dossier, note if action_name != Action.ASSIGN else "")
    dossier_transitioned.send(sender=Dossier, dossier=dossier, event=event)
    return event


def _audit(dossier: Dossier, verb: str, user: User | None, before: str, **after: Any) -> None:
    record_event(
        actor=user,
        verb=f"dossiers.{verb}",
        obj=dossier,
        agency=dossier.receiving_agency,
        before={"status": before},
        after={"status": dossier.status, **after},
    )


def _context(dossier: Dossier | None = None) -> _Context:
    ctx = _Context(at=timezone.now(), calendar=_calendar())
    if dossier is not None and dossier.pk:
        ctx.pauses = list(dossier.pauses.values_list("started_at", "ended_at"))
    return ctx


def _involve(dossier: Dossier, agencies: Iterable[int]) -> None:
    DossierAgency.objects.bulk_create(
        [DossierAgency(dossier=dossier, agency_id=pk) for pk in set(agencies)],
        ignore_conflicts=True,
    )


def _text(value: str, field_name: str, *, required: bool = True, max_length: int = 5000) -> str:
    value = (value or "").strip()
    if required and not value:
        raise invalid(field_name, _("This field is required."))
    if len(value) > max_length:
        raise invalid(field_name, _("This value is too long."))
    return value


def _store_documents(
    dossier: Dossier,
    documents: Sequence[DocumentInput],
    *,
    user: User | None,
    at: dt.datetime,
    round_number: int,
    field_prefix: str = "documents",
) -> list[DossierDocument]:
    required = {d.pk: d for d in procedure_template(dossier.procedure).documents}
    stored = []
    for index, item in enumerate(documents):
        where = f"{field_prefix}.{index}"
        required_doc = None
        if item.required_document_id is not None:
            required_doc = required.get(item.required_document_id)
            if required_doc is None:
                raise invalid(
                    f"{where}.required_document",
                    _("This is not a document of the procedure."),
                )
        name = (item.name or "").strip() or (required_doc.name if required_doc else "")
        if not name:
            raise invalid(f"{where}.name", _("Name the document."))
        if not 1 <= item.sets <= 50:
            raise invalid(f"{where}.sets", _("The number of sets must be between 1 and 50."))
        document = DossierDocument(
            dossier=dossier,
            required_document=required_doc,
            name=name[:1000],
            sets=item.sets,
            supplement_round=round_number,
            added_at=at,
            added_by=_who(user),
        )
        if item.content is not None:
            scan = check_scan(item.content, item.filename, field=f"{where}.file")
            document.original_name = scan.name
            document.content_type = scan.content_type
            document.size = scan.size
            document.sha256 = scan.sha256
            document.file.save(scan.name, scan.content, save=False)
        stored.append(document)
    DossierDocument.objects.bulk_create(stored)
    return stored


def missing_documents(dossier: Dossier) -> list[RequiredDocument]:
    """Mandatory documents of the procedure that the dossier does not contain."""
    handed_in = {d.required_document_id for d in dossier.documents.all()}
    return [
        doc
        for doc in procedure_template(dossier.procedure).mandatory_documents
        if doc.pk not in handed_in
    ]


# ------------------------------------------------------------------------------------------
# Steps and the clock


def _open_step(step: DossierStep, ctx: _Context) -> None:
    step.status = StepStatus.OPEN
    step.received_at = ctx.at
    _set_step_due(step, ctx)


def _set_step_due(step: DossierStep, ctx: _Context) -> None:
    assert step.received_at is not None
    due_at = deadlines.step_due(ctx.calendar, step.received_at, step.budget_days, ctx.pauses)
    if due_at is not None:
        step.due_at = due_at
        step.due_on = deadlines.due_day(ctx.calendar, due_at)


def _finish_step(step: DossierStep, user: User | None, ctx: _Context, note: str = "") -> None:
    step.status = StepStatus.COMPLETED
    step.completed_at = ctx.at
    step.completed_by = _who(user)
    step.timeliness = deadlines.judge(ctx.calendar, ctx.at, step.due_on)
    if note:
        step.note = note


_STEP_FIELDS = [
    "status",
    "received_at",
    "due_at",
    "due_on",
    "completed_at",
    "completed_by",
    "timeliness",
    "note",
    "assignee",
    "unit",
    "near_warned_at",
    "over_warned_at",
]
_STEP_COLUMNS = [
    name + "_id" if name in ("completed_by", "assignee", "unit") else name for name in _STEP_FIELDS
]


def _step_state(step: DossierStep) -> tuple[Any, ...]:
    return tuple(getattr(step, column) for column in _STEP_COLUMNS)


def _remember(steps: Iterable[DossierStep]) -> None:
    """Note the stored state of the steps, so that saving writes only the ones that changed."""
    for step in steps:
        step._egov_stored = _step_state(step)  # type: ignore[attr-defined]


def _save_steps(steps: Iterable[DossierStep]) -> None:
    # One small UPDATE per changed step: a transition touches two or three of them, and a
    # bulk UPDATE of every step with CASE expressions cost more than the rest of the action.
    for step in steps:
        state = _step_state(step)
        if getattr(step, "_egov_stored", None) != state:
            step.save(update_fields=_STEP_FIELDS)
            step._egov_stored = state  # type: ignore[attr-defined]


def _plan_steps(dossier: Dossier) -> list[DossierStep]:
    """The dossier's steps from the procedure's template (all pending, not saved yet)."""
    receiving = dossier.receiving_agency
    groups = procedure_template(dossier.procedure).groups
    # The template is cached per process; the agencies and units it names are read fresh, in
    # one query each (none for agencies when every step is the receiving agency's).
    agency_ids = {t.agency_id or receiving.pk for group in groups for t in group}
    agencies = {receiving.pk: receiving}
    if agency_ids - {receiving.pk}:
        agencies.update(Agency.objects.in_bulk(agency_ids - {receiving.pk}))
    units = {
        (unit.agency_id, unit.code): unit for unit in Unit.objects.filter(agency_id__in=agency_ids)
    }
    steps = []
    for group in groups:
        for position, template in enumerate(group):
            agency = agencies[template.agency_id or receiving.pk]
            steps.append(
                DossierStep(
                    dossier=dossier,
                    template_step=template,
                    order=group.order,
                    position=position,
                    name=template.name,
                    kind=template.kind,
                    agency=agency,
                    unit=units.get((agency.pk, template.unit_code)) if template.unit_code else None,
                    role=template.role,
                    is_lead=template.is_lead,
                    budget_days=template.days,
                )
            )
    if not any(step.kind not in _DESK_KINDS for step in steps):
        # A procedure without a processing step in its template: the receiving agency's
        # specialists process it within the statutory time.
        last_order = max((s.order for s in steps if s.kind == StepKind.RECEIVE), default=0)
        for step in steps:
            if step.kind == StepKind.RETURN:
                step.order += 1
        steps.append(
            DossierStep(
                dossier=dossier,
                order=last_order + 1,
                name=_("Process the dossier"),
                kind=StepKind.PROCESS,
                agency=receiving,
                role=Role.SPECIALIST,
                budget_days=Decimal(dossier.processing_days),
            )
        )
    return steps


def _groups(steps: Iterable[DossierStep]) -> dict[int, list[DossierStep]]:
    groups: dict[int, list[DossierStep]] = {}
    for step in sorted(steps, key=lambda s: (s.order, not s.is_lead, s.position, s.pk or 0)):
        groups.setdefault(step.order, []).append(step)
    return groups


def _advance(dossier: Dossier, steps: list[DossierStep], ctx: _Context) -> bool:
    """Open what comes next; True when every processing step is done.

    Paper dossiers go to the bodies of a parallel group one after another (lead first);
    electronic ones to all of them at once. A group is done when all its steps are (join).
    Return steps wait for the result.
    """
    for _order, group in _groups(steps).items():
        live = [s for s in group if s.status in (StepStatus.PENDING, StepStatus.OPEN)]
        if not live:
            continue
        if all(s.kind == StepKind.RETURN for s in group):
            return True
        if any(s.status == StepStatus.OPEN for s in live):
            return False  # the group is not done yet (join)
        pending = [s for s in live if s.status == StepStatus.PENDING]
        for step in pending if dossier.is_electronic else pending[:1]:
            _open_step(step, ctx)
        _involve(dossier, [s.agency_id for s in pending])
        return False
    return True


def _recompute_due(dossier: Dossier, ctx: _Context) -> None:
    """The dossier's and its open steps' due dates after the clock stopped or restarted."""
    if dossier.received_at is None:
        return
    due_at = deadlines.statutory_due(
        ctx.calendar,
        dossier.received_at,
        dossier.processing_days + dossier.extension_days,
        ctx.pauses,
    )
    if due_at is not None:
        dossier.due_at = due_at
        dossier.due_on = deadlines.due_day(ctx.calendar, due_at)


def _start_clock(dossier: Dossier, ctx: _Context) -> None:
    dossier.received_at = ctx.at
    dossier.clock_started_at = deadlines.clock_start(ctx.calendar, ctx.at)
    dossier.extension_days = 0
    dossier.leader_warned_for = None
    _recompute_due(dossier, ctx)


def _close_everything(dossier: Dossier, ctx: _Context, user: User | None) -> None:
    """Cancel what is still open (steps, consultations, a pause) when a dossier ends early."""
    DossierStep.objects.filter(
        dossier=dossier, status__in=[StepStatus.PENDING, StepStatus.OPEN]
    ).update(status=StepStatus.CANCELLED)
    Consultation.objects.filter(dossier=dossier, status=ConsultationStatus.OPEN).update(
        status=ConsultationStatus.CANCELLED
    )
    DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(
        ended_at=ctx.at, ended_by=_who(user)
    )


def _pick_step(candidates: list[DossierStep], step_id: int | None, what: str) -> DossierStep:
    if step_id is not None:
        for step in candidates:
            if step.pk == step_id:
                return step
        raise invalid("step", _("You cannot %(what)s this step.") % {"what": what})
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise PermissionDenied(
            _("No open step of this dossier is yours to %(what)s.") % {"what": what}
        )
    raise invalid("step", _("Several steps are open; say which one."))


def _cache(dossier: Dossier, relation: str, rows: list[Any]) -> None:
    """Let ``dossier.<relation>.all()`` return ``rows`` without a query."""
    manager = getattr(dossier, relation)
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    cache[relation] = _known(manager.model.objects.filter(dossier=dossier), rows)
    dossier._prefetched_objects_cache = cache  # type: ignore[attr-defined]


def _fresh_steps(dossier: Dossier) -> list[DossierStep]:
    steps = list(DossierStep.objects.filter(dossier=dossier).select_related("agency", "unit"))
    _remember(steps)
    consultations = list(Consultation.objects.filter(dossier=dossier))
    # Let permission rules see exactly these objects.
    cache = getattr(dossier, "_prefetched_objects_cache", {})
    cache["steps"] = _known(DossierStep.objects.filter(dossier=dossier), steps)
    cache["consultations"] = _known(Consultation.objects.filter(dossier=dossier), consultations)
    dossier._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    return steps


def _start(
    dossier: Dossier | str, action_name: str, user: User | None, *, first_acceptance: bool = False
) -> tuple[Dossier, list[DossierStep], _Context]:
    """Lock, load steps, check state and permission: the opening of every transition.

    ``first_acceptance``: the dossier waits at the desk (``submitted``), a state no dossier
    reaches again after acceptance, so it has no steps, consultations or pauses yet and they
    are not read; if the state turns out to be another, ``_require`` answers 409 first.
    """
    locked = _lock(dossier)
    if first_acceptance and locked.status == Status.SUBMITTED:
        steps: list[DossierStep] = []
        _cache(locked, "steps", steps)
        _cache(locked, "consultations", [])
        _require(locked, action_name, user)
        ctx = _Context(at=timezone.now(), calendar=_calendar())
        return locked, steps, ctx
    steps = _fresh_steps(locked)
    _require(locked, action_name, user)
    try:
        ctx = _context(locked)
    except CalendarMissing as exc:  # pragma: no cover - the calendar is read lazily
        raise _calendar_problem(exc) from exc
    return locked, steps, ctx


def _today(ctx: _Context) -> dt.date:
    return ctx.calendar.local(ctx.at).date()


# ------------------------------------------------------------------------------------------
# Registration


def _resolve_receiving_unit(
    procedure: Procedure, user: User, channel: str, organ_code: str | None, unit_code: str | None
) -> Unit:
    desks = Unit.objects.filter(is_one_stop_desk=True, agency__is_active=True).select_related(
        "agency"
    )
    if channel != Channel.ONLINE:
        clerk_units = []
        for m in active_memberships(user):
            if m.role == Role.ONE_STOP_CLERK and m.unit is not None and m.unit.is_one_stop_desk:
                if m.unit.agency_id == m.agency_id:
                    m.unit.agency = m.agency  # already read with the membership
                clerk_units.append(m.unit)
        if organ_code:
            clerk_units = [u for u in clerk_units if u.agency.organ_code == organ_code]
        if unit_code:
            clerk_units = [u for u in clerk_units if u.code == unit_code]
        if not clerk_units:
            raise PermissionDenied(
                _("Only a one-stop clerk registers dossiers at the desk or from the post.")
            )
        return clerk_units[0]
    if organ_code:
        unit = desks.filter(agency__organ_code=organ_code).order_by("id").first()
        if unit is None:
            raise invalid("receiving_agency", _("This agency has no one-stop desk."))
        return unit
    if procedure.agency_id is not None:
        unit = desks.filter(agency_id=procedure.agency_id).order_by("id").first()
        if unit is None:
            # Provincial departments receive through the Public Administration Service Centre.
            unit = (
                desks.filter(agency__level__in=["province", "sector"])
                .order_by("agency__organ_code", "id")
                .first()
            )
        if unit is not None:
            return unit
    raise invalid(
        "receiving_agency",
        _("Choose the People's Committee that receives this dossier."),
    )


def _applicant_from_account(user: User, given: ApplicantInput) -> ApplicantInput:
    """Online: the applicant is the account holder, with the identity from their profile."""
    profile = getattr(user, "citizen_profile", None)
    if given.kind == ApplicantKind.BUSINESS:
        business = user.businesses.filter(tax_code=given.tax_code).first()
        if business is None:
            raise invalid(
                "applicant.tax_code", _("You do not represent a business with this tax code.")
            )
        return ApplicantInput(
            kind=ApplicantKind.BUSINESS,
            name=business.name,
            tax_code=business.tax_code,
            address=given.address or business.address,
            phone=given.phone or user.phone,
            email=given.email or user.email,
        )
    if profile is None:
        raise invalid(
            "applicant.personal_id",
            _("Add your personal ID to your profile before submitting online."),
        )
    return ApplicantInput(
        kind=ApplicantKind.CITIZEN,
        name=user.get_full_name(),
        personal_id=profile.personal_id,
        address=given.address or profile.address,
        phone=given.phone or user.phone,
        email=given.email or user.email,
    )


def _check_applicant(applicant: ApplicantInput) -> ApplicantInput:
    from django.core.exceptions import ValidationError

    from egov.lib.identifiers import validate_personal_id, validate_tax_code

    errors: dict[str, str] = {}
    name = " ".join((applicant.name or "").split())
    if not name:
        errors["applicant.name"] = _("This field is required.")
    elif len(name) > 255:
        errors["applicant.name"] = _("This value is too long.")
    personal_id = (applicant.personal_id or "").strip()
    tax_code = (applicant.tax_code or "").strip()
    if applicant.kind == ApplicantKind.CITIZEN:
        try:
            validate_personal_id(personal_id)
        except ValidationError as exc:
            errors["applicant.personal_id"] = " ".join(exc.messages)
    elif applicant.kind == ApplicantKind.BUSINESS:
        try:
            tax_code = validate_tax_code(tax_code)
        except ValidationError as exc:
            errors["applicant.tax_code"] = " ".join(exc.messages)
        if personal_id:
            try:
                validate_personal_id(personal_id)
            except ValidationError as exc:
                errors["applicant.personal_id"] = " ".join(exc.messages)
    else:
        errors["applicant.kind"] = _("Choose one of the allowed values.")
    address = " ".join((applicant.address or "").split())
    if not address:
        errors["applicant.address"] = _("This field is required.")
    phone = "".join((applicant.phone or "").split())
    if phone and not (phone.lstrip("+").isdigit() and 9 <= len(phone.lstrip("+")) <= 15):
        errors["applicant.phone"] = _("Enter a phone number of 9 to 15 digits.")
    email = (applicant.email or "").strip()
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            errors["applicant.email"] = _("Enter a valid e-mail address.")
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    return ApplicantInput(
        kind=applicant.kind,
        name=name,
        personal_id=personal_id,
        tax_code=tax_code,
        address=address[:500],
        phone=phone,
        email=email,
    )


def _check_form_data(procedure: Procedure, data: Mapping[str, Any]) -> dict[str, Any]:
    definition = procedure.application_form or {}
    fields = [f for f in definition.get("fields", []) if f.get("type") != "file"]
    if not fields:
        return dict(data)
    from egov.procedures.forms_engine import validate_submission

    cleaned, errors = validate_submission({**definition, "fields": fields}, data)
    if errors:
        raise InvalidInput(
            next(iter(errors.values())),
            errors={f"form_data.{name}": message for name, message in errors.items()},
        )
    return {name: _jsonable(value) for name, value in cleaned.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _link_applicant(applicant: ApplicantInput) -> User | None:
    """A walk-in applicant who has an account (by personal ID, or the owner of the business
    by tax code) sees the dossier among their own."""
    from egov.accounts.models import CitizenProfile

    if applicant.kind == ApplicantKind.BUSINESS:
        from egov.accounts.models import BusinessMember, BusinessRole

        owner = (
            BusinessMember.objects.filter(
                business__tax_code=applicant.tax_code, role=BusinessRole.OWNER
            )
            .select_related("user")
            .first()
        )
        return owner.user if owner is not None else None
    if not applicant.personal_id:
        return None
    profile = (
        CitizenProfile.objects.filter(personal_id=applicant.personal_id)
        .select_related("user")
        .first()
    )
    return profile.user if profile is not None else None


@action
def register_dossier(
    *,
    acting_user: User,
    procedure: Procedure | str,
    channel: str,
    applicant: ApplicantInput,
    documents: Sequence[DocumentInput] = (),
    form_data: Mapping[str, Any] | None = None,
    return_method: str = ReturnMethod.DESK,
    return_address: str = "",
    receiving_agency: str | None = None,
    receiving_unit: str | None = None,
    is_electronic: bool | None = None,
    source_ref: str = "",
    idempotency_key: str = "",
    request_hash: str = "",
) -> Dossier:
    """Register a dossier: a citizen or business online for themselves, or a one-stop clerk at
    the desk (or from the post) on behalf of an applicant. The dossier gets its code now."""
    from egov.org.selectors import is_staff_member

    if isinstance(procedure, str):
        found = Procedure.objects.filter(code=procedure, is_active=True).first()
        if found is None:
            raise invalid("procedure", _("No active procedure has this code."))
        procedure = found
    elif not procedure.is_active:
        raise invalid("procedure", _("No active procedure has this code."))
    if channel not in Channel.values:
        raise invalid("channel", _("Choose one of the allowed values."))
    if return_method not in ReturnMethod.values:
        raise invalid("return_method", _("Choose one of the allowed values."))

    if channel == Channel.ONLINE:
        if is_staff_member(acting_user):
            raise PermissionDenied(
                _("Civil servants register dossiers at the desk, not as online submissions.")
            )
        if procedure.service_level < 3:
            raise Conflict(
                _("This procedure cannot be submitted online (service level %(level)s).")
                % {"level": procedure.service_level},
                code="not_online",
            )
        applicant = _applicant_from_account(acting_user, applicant)
    applicant = _check_applicant(applicant)
    if not procedure.accepts(applicant.kind):
        raise invalid("applicant.kind", _("This procedure is not open to this type of applicant."))
    if return_method == ReturnMethod.POST and not (return_address or applicant.address):
        raise invalid("return_address", _("Give the address the result is posted to."))
    if return_method == ReturnMethod.ONLINE and not procedure.result_online:
        raise invalid("return_method", _("This procedure does not return its result online."))

    unit = _resolve_receiving_unit(
        procedure, acting_user, channel, receiving_agency, receiving_unit
    )
    if procedure.agency_id is None and unit.agency.level != procedure.level:
        raise invalid(
            "receiving_agency",
            _("A %(level)s procedure is received by a %(level)s People's Committee.")
            % {"level": procedure.get_level_display().lower()},
        )
    clean_form = (
        _check_form_data(procedure, form_data or {})
        if channel == Channel.ONLINE
        else dict(form_data or {})
    )
    at = timezone.now()
    dossier = Dossier(
        # The real code is taken at the end: the desk's counter row stays locked from then until
        # commit, so everything else is written before (see codes.py).
        code=f"~{uuid.uuid4().hex}",
        procedure=procedure,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        processing_days=procedure.processing_days,
        channel=channel,
        status=Status.SUBMITTED,
        source_ref=source_ref[:100],
        applicant=acting_user if channel == Channel.ONLINE else _link_applicant(applicant),
        applicant_kind=applicant.kind,
        applicant_name=applicant.name,
        applicant_name_folded=_fold(applicant.name),
        applicant_personal_id=applicant.personal_id,
        applicant_tax_code=applicant.tax_code,
        applicant_address=applicant.address,
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        receiving_agency=unit.agency,
        receiving_unit=unit,
        registered_at=at,
        registered_by=acting_user,
        form_data=clean_form,
        return_method=return_method,
        return_address=(return_address or "")[:500],
        is_electronic=_is_electronic(channel, documents)
        if is_electronic is None
        else is_electronic,
    )
    dossier.save(force_insert=True)
    stored = _store_documents(dossier, documents, user=acting_user, at=at, round_number=0)
    _involve(dossier, [unit.agency_id])
    DossierEvent.objects.create(
        dossier=dossier,
        action=REGISTER,
        from_status="",
        to_status=Status.SUBMITTED,
        at=at,
        actor=acting_user,
        actor_name=acting_user.get_full_name(),
        agency=unit.agency,
        data={"channel": channel},
    )
    dossier.code = next_code(unit, at)
    Dossier.objects.filter(pk=dossier.pk).update(code=dossier.code)
    if idempotency_key:
        IdempotencyRecord.objects.create(
            user=acting_user,
            scope=IDEMPOTENCY_SCOPE,
            key=idempotency_key,
            request_hash=request_hash,
            object_id=dossier.code,
        )
    _notify_applicant(dossier)
    record_event(
        actor=acting_user,
        verb="dossiers.register",
        obj=dossier,
        agency=unit.agency,
        after={"code": dossier.code, "procedure": procedure.code, "channel": channel},
    )
    # A new dossier has nothing but its documents: callers can show it without more queries.
    dossier._prefetched_objects_cache = {  # type: ignore[attr-defined]
        "documents": _known(DossierDocument.objects.filter(dossier=dossier), stored),
        "steps": _known(DossierStep.objects.filter(dossier=dossier), []),
        "consultations": _known(Consultation.objects.filter(dossier=dossier), []),
        "forms": _known(DossierForm.objects.filter(dossier=dossier), []),
        "pauses": _known(DossierPause.objects.filter(dossier=dossier), []),
    }
    return dossier


def _known(queryset: QuerySet[Any], rows: list[Any]) -> QuerySet[Any]:
    """A queryset whose rows are already known, as ``prefetch_related`` leaves them."""
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    return queryset


def _is_electronic(channel: str, documents: Sequence[DocumentInput]) -> bool:
    """Online dossiers are electronic; so is a paper dossier whose every document was scanned."""
    if channel == Channel.ONLINE:
        return True
    return bool(documents) and all(item.content is not None for item in documents)


def _fold(text: str) -> str:
    from egov.lib.text import fold

    return fold(text)[:255]


# ------------------------------------------------------------------------------------------
# Receipt


@action
def accept_dossier(*, acting_user: User | None, dossier: Dossier | str, note: str = "") -> Dossier:
    """Accept a complete dossier: the statutory clock starts, form 01 gives the appointment."""
    dossier, _steps, ctx = _start(dossier, Action.ACCEPT, acting_user, first_acceptance=True)
    # Read once: the completeness check and form 01 both list them.
    documents = list(DossierDocument.objects.filter(dossier=dossier))
    _cache(dossier, "documents", documents)
    missing = missing_documents(dossier)
    if missing:
        raise Conflict(
            _("Mandatory documents are missing (%(names)s); request a supplement instead.")
            % {"names": "; ".join(doc.name for doc in missing)},
            code="documents_missing",
        )
    before = dossier.status
    try:
        dossier.accepted_at = ctx.at
        dossier.accepted_by = _who(acting_user)
        _start_clock(dossier, ctx)
        dossier.original_due_on = dossier.due_on
    except CalendarMissing as exc:
        raise _calendar_problem(exc) from exc
    steps = _plan_steps(dossier)
    # Receiving is what the desk has just done.
    for _order, group in _groups(steps).items():
        if not all(s.kind == StepKind.RECEIVE for s in group):
            break
        for step in group:
            _open_step(step, ctx)
            _finish_step(step, acting_user, ctx)
    _advance(dossier, steps, ctx)
    # Planned, received and opened in memory: written once, with their final state.
    _remember(DossierStep.objects.bulk_create(steps))
    _cache(dossier, "steps", sorted(steps, key=lambda s: (s.order, s.position, s.pk)))
    event = _transition(
        dossier, Action.ACCEPT, Status.IN_PROCESSING, user=acting_user, ctx=ctx, note=note
    )
    issue_form(
        dossier,
        "01",
        acting_user=acting_user,
        event=event,
        data={
            "received_at": timezone.localtime(ctx.at).isoformat(),
            "appointment_on": dossier.due_on.isoformat() if dossier.due_on else None,
            "receiver": acting_user.get_full_name() if acting_user else "",
        },
    )
    _audit(dossier, "accept", acting_user, before, due_on=str(dossier.due_on))
    # Documents, steps and consultations are known as they now stand: the caller can show the
    # dossier without reading them again (``RESPONSE_READY``).
    setattr(dossier, RESPONSE_READY, True)
    return dossier


@action
def request_supplement(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    missing_document_ids: Sequence[int] = (),
    other_items: Sequence[str] = (),
    reason: str = "",
) -> Dossier:
    """Ask, in one notice (form 02), for everything missing. At receipt the dossier waits for it;
    during processing this is only possible within 3 working days of receipt, and the time limit
    restarts from zero when the complete dossier arrives."""
    dossier, steps, ctx = _start(dossier, Action.REQUEST_SUPPLEMENT, acting_user)
    before = dossier.status
    reason = _text(reason, "reason", required=False)
    required = {d.pk: d for d in RequiredDocument.objects.filter(procedure_id=dossier.procedure_id)}
    items = []
    for doc_id in missing_document_ids:
        if doc_id not in required:
            raise invalid("missing_document_ids", _("This is not a document of the procedure."))
        items.append(required[doc_id].name)
    items += [text.strip() for text in other_items if text and text.strip()]
    if not items:
        raise invalid("missing_document_ids", _("List everything that is missing, in one notice."))
    if before == Status.IN_PROCESSING:
        assert dossier.received_at is not None
        try:
            last_day = deadlines.supplement_deadline(ctx.calendar, dossier.received_at)
        except CalendarMissing as exc:
            raise _calendar_problem(exc) from exc
        if _today(ctx) > last_day:
            raise Conflict(
                _(
                    "A supplement can only be requested within 3 working days of receipt "
                    "(until %(date)s)."
                )
                % {"date": last_day.strftime("%d/%m/%Y")},
                code="supplement_too_late",
            )
        target = Status.SUPPLEMENT_REQUESTED
    else:
        target = Status.INCOMPLETE
    note = "; ".join(items)
    event = _transition(
        dossier,
        Action.REQUEST_SUPPLEMENT,
        target,
        user=acting_user,
        ctx=ctx,
        note=note,
        data={"missing": items, "reason": reason},
    )
    issue_form(
        dossier,
        "02",
        acting_user=acting_user,
        event=event,
        data={
            "missing": items,
            "reason": reason,
            "contact": {
                "unit": dossier.receiving_unit.name,
                "phone": dossier.receiving_unit.phone or dossier.receiving_agency.phone,
                "email": dossier.receiving_unit.email or dossier.receiving_agency.email,
            },
        },
    )
    _audit(dossier, "request_supplement", acting_user, before, items=len(items))
    return dossier


@action
def submit_supplement(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    documents: Sequence[DocumentInput] = (),
    note: str = "",
) -> Dossier:
    """The applicant (online) or the clerk (at the desk) hands in what was asked for."""
    dossier, steps, ctx = _start(dossier, Action.SUBMIT_SUPPLEMENT, acting_user)
    before = dossier.status
    if not documents:
        raise invalid("documents", _("Hand in at least one document."))
    dossier.supplement_count += 1
    _store_documents(
        dossier, documents, user=acting_user, at=ctx.at, round_number=dossier.supplement_count
    )
    if before == Status.SUPPLEMENT_REQUESTED:
        # The count restarts from zero with the complete dossier (Decree 61/2018 Art. 19).
        try:
            _start_clock(dossier, ctx)
            for step in steps:
                if step.status == StepStatus.OPEN:
                    step.received_at = ctx.at
                    step.near_warned_at = step.over_warned_at = None
                    _set_step_due(step, ctx)
        except CalendarMissing as exc:
            raise _calendar_problem(exc) from exc
        _save_steps(steps)
        target = Status.IN_PROCESSING
    else:
        target = Status.SUBMITTED
    _transition(
        dossier,
        Action.SUBMIT_SUPPLEMENT,
        target,
        user=acting_user,
        ctx=ctx,
        note=_text(note, "note", required=False),
        data={"documents": len(documents), "round": dossier.supplement_count},
    )
    _audit(dossier, "submit_supplement", acting_user, before, round=dossier.supplement_count)
    return dossier


@action
def refuse_dossier(*, acting_user: User | None, dossier: Dossier | str, reason: str) -> Dossier:
    """Refuse to receive the dossier (form 03 with the reason)."""
    dossier, steps, ctx = _start(dossier, Action.REFUSE, acting_user)
    reason = _text(reason, "reason")
    before = dossier.status
    dossier.outcome = Outcome.REFUSED
    dossier.decided_at = ctx.at
    event = _transition(
        dossier, Action.REFUSE, Status.REFUSED, user=acting_user, ctx=ctx, note=reason
    )
    issue_form(
        dossier,
        "03",
        acting_user=acting_user,
        event=event,
        data={"reason": reason, "stage": "receipt"},
    )
    _audit(dossier, "refuse", acting_user, before)
    return dossier


# ------------------------------------------------------------------------------------------
# Processing


@action
def assign_step(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    assignee: User,
    step_id: int | None = None,
    unit_code: str = "",
) -> Dossier:
    """Give an open step to a person (and, for the agency's leader, to another unit)."""
    dossier, steps, ctx = _start(dossier, Action.ASSIGN, acting_user)
    candidates = (
        permissions.assignable_steps(acting_user, dossier)
        if acting_user is not None
        else permissions.open_steps(dossier)
    )
    step = _pick_step(candidates, step_id, str(_("assign")))
    supervisor = acting_user is None or permissions.supervises_step(acting_user, step)
    if not supervisor and assignee.pk != getattr(acting_user, "pk", None):
        raise PermissionDenied(_("Only the unit head or the leader gives a step to someone else."))
    if unit_code:
        if acting_user is not None and not has_role(
            acting_user, Role.LEADER, agency=step.agency_id
        ):
            raise PermissionDenied(_("Only the agency's leader moves a step to another unit."))
        new_unit = Unit.objects.filter(agency_id=step.agency_id, code=unit_code).first()
        if new_unit is None:
            raise invalid("unit", _("The agency has no unit with this code."))
        step.unit = new_unit
    member = Membership.objects.filter(user=assignee, agency_id=step.agency_id, is_active=True)
    if step.unit_id is not None:
        member = member.filter(Q(unit_id=step.unit_id) | Q(unit__isnull=True))
    if not member.exists():
        raise invalid("assignee", _("The person must work in the step's agency and unit."))
    before = dossier.status
    step.assignee = assignee
    _save_steps([step])
    _transition(
        dossier,
        Action.ASSIGN,
        before,
        user=acting_user,
        ctx=ctx,
        step=step,
        data={"assignee": assignee.get_username(), "assignee_name": assignee.get_full_name()},
    )
    _audit(dossier, "assign", acting_user, before, step=step.pk, assignee=assignee.pk)
    return dossier


def _processing_done(dossier: Dossier, step: DossierStep, ctx: _Context) -> None:
    dossier.decided_at = ctx.at
    dossier.deciding_agency_id = step.agency_id
    dossier.outcome = Outcome.APPROVED


@action
def complete_step(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    step_id: int | None = None,
    note: str = "",
) -> Dossier:
    """Finish a step; the next step(s) of the workflow open when the whole group is done."""
    dossier, steps, ctx = _start(dossier, Action.COMPLETE_STEP, acting_user)
    handled = (
        permissions.steps_handled_by(acting_user, dossier)
        if acting_user is not None
        else permissions.open_steps(dossier)
    )
    blocked = permissions.blocked_steps(dossier)
    candidates = [s for s in handled if s.kind != StepKind.APPROVE and s.pk not in blocked]
    wanted = [s for s in handled if step_id is None or s.pk == step_id]
    if wanted and not any(s in candidates for s in wanted):
        if any(s.pk in blocked for s in wanted):
            raise Conflict(_("This step waits for a consultation's reply."), code="consulting")
        raise Conflict(
            _("An approval step is decided with approve or reject on the merits."),
            code="approval_step",
        )
    step = _pick_step(candidates, step_id, str(_("complete")))
    before = dossier.status
    _finish_step(step, acting_user, ctx, _text(note, "note", required=False))
    done = _advance(dossier, steps, ctx)
    _save_steps(steps)
    target = before
    if done and before == Status.IN_PROCESSING:
        _processing_done(dossier, step, ctx)
        target = Status.APPROVED
    _transition(
        dossier,
        Action.COMPLETE_STEP,
        target,
        user=acting_user,
        ctx=ctx,
        step=step,
        timeliness=step.timeliness,
        note=step.note,
    )
    _audit(dossier, "complete_step", acting_user, before, step=step.pk)
    return dossier


@action
def consult_agency(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    agency: Agency | str,
    question: str,
    days: int,
    step_id: int | None = None,
) -> Consultation:
    """Ask another agency for its opinion, with its own deadline in working days."""
    dossier, steps, ctx = _start(dossier, Action.CONSULT, acting_user)
    candidates = (
        permissions.steps_handled_by(acting_user, dossier)
        if acting_user is not None
        else permissions.open_steps(dossier)
    )
    step = _pick_step(candidates, step_id, str(_("consult for")))
    if isinstance(agency, str):
        found = Agency.objects.filter(organ_code=agency, is_active=True).first()
        if found is None:
            raise invalid("agency", _("No active agency has this organ code."))
        agency = found
    if agency.pk == step.agency_id:
        raise invalid("agency", _("Consult another agency, not your own."))
    question = _text(question, "question")
    if not 1 <= days <= 60:
        raise invalid("days", _("The time to reply must be between 1 and 60 working days."))
    try:
        due_on = ctx.calendar.due_date(ctx.at, days)
    except CalendarMissing as exc:
        raise _calendar_problem(exc) from exc
    before = dossier.status
    consultation = Consultation.objects.create(
        dossier=dossier,
        step=step,
        from_agency_id=step.agency_id,
        to_agency=agency,
        question=question,
        days=days,
        asked_at=ctx.at,
        asked_by=_who(acting_user),
        due_on=due_on,
    )
    _involve(dossier, [agency.pk])
    _transition(
        dossier,
        Action.CONSULT,
        Status.CONSULTING,
        user=acting_user,
        ctx=ctx,
        step=step,
        note=question,
        data={"consultation": consultation.pk, "agency": agency.organ_code, "due_on": str(due_on)},
    )
    _audit(dossier, "consult", acting_user, before, agency=agency.organ_code, due_on=str(due_on))
    return consultation


@action
def reply_consultation(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    reply: str,
    consultation_id: int | None = None,
) -> Consultation:
    """The consulted agency answers; processing goes on when no question is left open."""
    dossier, steps, ctx = _start(dossier, Action.REPLY_CONSULTATION, acting_user)
    candidates = (
        permissions.consultations_for(acting_user, dossier)
        if acting_user is not None
        else permissions.open_consultations(dossier)
    )
    if consultation_id is not None:
        consultation = next((c for c in candidates if c.pk == consultation_id), None)
        if consultation is None:
            raise invalid("consultation", _("You cannot reply to this consultation."))
    elif len(candidates) == 1:
        consultation = candidates[0]
    else:
        raise invalid("consultation", _("Several consultations are open; say which one."))
    reply = _text(reply, "reply")
    before = dossier.status
    consultation.status = ConsultationStatus.REPLIED
    consultation.reply = reply
    consultation.replied_at = ctx.at
    consultation.replied_by = _who(acting_user)
    consultation.timeliness = deadlines.judge(ctx.calendar, ctx.at, consultation.due_on)
    consultation.save()
    still_open = [c for c in permissions.open_consultations(dossier) if c.pk != consultation.pk]
    target = Status.CONSULTING if still_open else Status.IN_PROCESSING
    _transition(
        dossier,
        Action.REPLY_CONSULTATION,
        target,
        user=acting_user,
        ctx=ctx,
        step=consultation.step,
        agency=consultation.to_agency,
        timeliness=consultation.timeliness,
        note=reply,
        data={"consultation": consultation.pk, "due_on": str(consultation.due_on)},
    )
    _audit(dossier, "reply_consultation", acting_user, before, consultation=consultation.pk)
    return consultation


@action
def pause_dossier(*, acting_user: User | None, dossier: Dossier | str, reason: str) -> Dossier:
    """Stop the clock while the body waits for the applicant."""
    dossier, steps, ctx = _start(dossier, Action.PAUSE, acting_user)
    reason = _text(reason, "reason")
    before = dossier.status
    DossierPause.objects.create(
        dossier=dossier, started_at=ctx.at, started_by=_who(acting_user), reason=reason
    )
    _transition(
        dossier, Action.PAUSE, Status.WAITING_FOR_APPLICANT, user=acting_user, ctx=ctx, note=reason
    )
    _audit(dossier, "pause", acting_user, before)
    return dossier


@action
def resume_dossier(*, acting_user: User | None, dossier: Dossier | str, note: str = "") -> Dossier:
    """Restart the clock; the due dates move by the working time the pause took."""
    dossier, steps, ctx = _start(dossier, Action.RESUME, acting_user)
    before = dossier.status
    DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(
        ended_at=ctx.at, ended_by=_who(acting_user)
    )
    ctx.pauses = list(dossier.pauses.values_list("started_at", "ended_at"))
    previous_due = dossier.due_on
    try:
        _recompute_due(dossier, ctx)
        for step in steps:
            if step.status == StepStatus.OPEN:
                _set_step_due(step, ctx)
    except CalendarMissing as exc:
        raise _calendar_problem(exc) from exc
    _save_steps(steps)
    _transition(
        dossier,
        Action.RESUME,
        Status.IN_PROCESSING,
        user=acting_user,
        ctx=ctx,
        note=_text(note, "note", required=False),
        data={"previous_due_on": str(previous_due), "due_on": str(dossier.due_on)},
    )
    _audit(dossier, "resume", acting_user, before, due_on=str(dossier.due_on))
    return dossier


@action
def apologise_and_reschedule(
    *, acting_user: User | None, dossier: Dossier | str, reason: str, new_due_on: dt.date
) -> Dossier:
    """Form 04: an apology with the reason and a new date, at most once, and no later than one
    working day before the due date."""
    dossier, steps, ctx = _start(dossier, Action.APOLOGISE_AND_RESCHEDULE, acting_user)
    reason = _text(reason, "reason")
    if dossier.rescheduled_at is not None:
        raise Conflict(
            _("The appointment has already been rescheduled once; only one is allowed."),
            code="already_rescheduled",
        )
    assert dossier.due_on is not None
    try:
        last_day = deadlines.reschedule_deadline(ctx.calendar, dossier.due_on)
        if _today(ctx) > last_day:
            raise Conflict(
                _(
                    "The apology must be sent no later than one working day before the due "
                    "date (until %(date)s)."
                )
                % {"date": last_day.strftime("%d/%m/%Y")},
                code="reschedule_too_late",
            )
        if new_due_on <= dossier.due_on:
            raise invalid("new_due_on", _("The new date must be after the current due date."))
        if not ctx.calendar.is_working_day(new_due_on):
            raise invalid("new_due_on", _("The new date must be a working day."))
        extra = ctx.calendar.working_days_between(dossier.due_on, new_due_on)
    except CalendarMissing as exc:
        raise _calendar_problem(exc) from exc
    before = dossier.status
    previous = dossier.due_on
    dossier.extension_days += extra
    dossier.rescheduled_at = ctx.at
    _recompute_due(dossier, ctx)
    event = _transition(
        dossier,
        Action.APOLOGISE_AND_RESCHEDULE,
        before,
        user=acting_user,
        ctx=ctx,
        note=reason,
        data={"previous_due_on": str(previous), "due_on": str(dossier.due_on)},
    )
    issue_form(
        dossier,
        "04",
        acting_user=acting_user,
        event=event,
        data={
            "reason": reason,
            "previous_due_on": previous.isoformat(),
            "new_due_on": dossier.due_on.isoformat() if dossier.due_on else None,
        },
    )
    _audit(dossier, "apologise_and_reschedule", acting_user, before, due_on=str(dossier.due_on))
    return dossier


# ------------------------------------------------------------------------------------------
# Decision and result


@action
def approve_dossier(
    *, acting_user: User | None, dossier: Dossier | str, step_id: int | None = None, note: str = ""
) -> Dossier:
    """The competent person approves at the workflow's approval step."""
    dossier, steps, ctx = _start(dossier, Action.APPROVE, acting_user)
    candidates = (
        permissions.approvable_steps(acting_user, dossier)
        if acting_user is not None
        else [s for s in permissions.open_steps(dossier) if s.kind == StepKind.APPROVE]
    )
    if not candidates and not any(
        s.kind == StepKind.APPROVE for s in permissions.open_steps(dossier)
    ):
        raise Conflict(_("No step of this dossier awaits approval now."), code="no_approval_step")
    step = _pick_step(candidates, step_id, str(_("approve")))
    before = dossier.status
    _finish_step(step, acting_user, ctx, _text(note, "note", required=False))
    _advance(dossier, steps, ctx)
    _save_steps(steps)
    _processing_done(dossier, step, ctx)
    _transition(
        dossier,
        Action.APPROVE,
        Status.APPROVED,
        user=acting_user,
        ctx=ctx,
        step=step,
        timeliness=step.timeliness,
        note=step.note,
    )
    _audit(dossier, "approve", acting_user, before, step=step.pk)
    return dossier


@action
def reject_on_merits(*, acting_user: User | None, dossier: Dossier | str, reason: str) -> Dossier:
    """Refuse the request itself (form 03 with the reason), within the time limit."""
    dossier, steps, ctx = _start(dossier, Action.REJECT_ON_MERITS, acting_user)
    reason = _text(reason, "reason")
    before = dossier.status
    deciding = next(
        (
            s
            for s in permissions.open_steps(dossier)
            if acting_user is None
            or has_role(acting_user, Role.LEADER, agency=s.agency_id)
            or permissions.handles_step(acting_user, s)
        ),
        None,
    )
    _close_everything(dossier, ctx, acting_user)
    dossier.outcome = Outcome.REJECTED
    dossier.decided_at = dossier.finished_at = ctx.at
    dossier.deciding_agency_id = deciding.agency_id if deciding else dossier.receiving_agency_id
    dossier.timeliness = deadlines.judge(ctx.calendar, ctx.at, dossier.due_on)
    event = _transition(
        dossier,
        Action.REJECT_ON_MERITS,
        Status.REJECTED,
        user=acting_user,
        ctx=ctx,
        step=deciding,
        timeliness=dossier.timeliness,
        note=reason,
    )
    issue_form(
        dossier,
        "03",
        acting_user=acting_user,
        event=event,
        data={"reason": reason, "stage": "merits"},
    )
    _audit(dossier, "reject_on_merits", acting_user, before)
    return dossier


@action
def record_result(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    summary: str,
    number: str = "",
) -> Dossier:
    """The result (e.g. the permit's number) is ready; it goes to the desk to be returned."""
    dossier, steps, ctx = _start(dossier, Action.RECORD_RESULT, acting_user)
    open_now = permissions.open_steps(dossier)
    if open_now:
        raise Conflict(
            _("Steps are still open: %(names)s.") % {"names": "; ".join(s.name for s in open_now)},
            code="steps_open",
        )
    summary = _text(summary, "summary")
    number = _text(number, "number", required=False, max_length=100)
    before = dossier.status
    for step in steps:
        if step.status == StepStatus.PENDING and step.kind == StepKind.RETURN:
            _open_step(step, ctx)
    _save_steps(steps)
    dossier.result_summary = summary
    dossier.result_number = number
    dossier.finished_at = ctx.at
    dossier.timeliness = deadlines.judge(ctx.calendar, ctx.at, dossier.due_on)
    _transition(
        dossier,
        Action.RECORD_RESULT,
        Status.RESULT_READY,
        user=acting_user,
        ctx=ctx,
        timeliness=dossier.timeliness,
        note=summary,
        data={"number": number},
    )
    _audit(dossier, "record_result", acting_user, before, timeliness=dossier.timeliness)
    return dossier


@action
def return_result(
    *,
    acting_user: User | None,
    dossier: Dossier | str,
    method: str = "",
    note: str = "",
) -> Dossier:
    """Hand the result over at the desk, by post or online (early return is allowed)."""
    dossier, steps, ctx = _start(dossier, Action.RETURN_RESULT, acting_user)
    method = method or dossier.return_method
    if method not in ReturnMethod.values:
        raise invalid("method", _("Choose one of the allowed values."))
    if method == ReturnMethod.ONLINE and dossier.applicant_id is None:
        raise invalid("method", _("The applicant has no account to receive the result online."))
    if method == ReturnMethod.POST and not (dossier.return_address or dossier.applicant_address):
        raise invalid("method", _("The dossier has no address to post the result to."))
    before = dossier.status
    return_steps = [s for s in steps if s.status == StepStatus.OPEN and s.kind == StepKind.RETURN]
    for step in return_steps:
        _finish_step(step, acting_user, ctx)
    _save_steps(return_steps)
    dossier.returned_at = ctx.at
    dossier.returned_by_method = method
    timeliness = deadlines.judge(ctx.calendar, ctx.at, dossier.due_on)
    event = _transition(
        dossier,
        Action.RETURN_RESULT,
        Status.RETURNED,
        user=acting_user,
        ctx=ctx,
        step=return_steps[0] if return_steps else None,
        timeliness=timeliness,
        note=_text(note, "note", required=False),
        data={"method": method},
    )
    issue_form(
        dossier,
        "05",
        acting_user=acting_user,
        event=event,
        data={"steps": control_slip(dossier)},
    )
    _audit(dossier, "return_result", acting_user, before, method=method)
    return dossier


def control_slip(dossier: Dossier) -> list[dict[str, Any]]:
    """Form 05 rows: per step, the body, when it was handed over and finished, and timeliness."""
    rows = []
    for step in DossierStep.objects.filter(dossier=dossier).select_related(
        "agency", "unit", "completed_by"
    ):
        if step.received_at is None:
            continue
        rows.append(
            {
                "order": step.order,
                "name": step.name,
                "agency": step.agency.name,
                "unit": step.unit.name if step.unit else "",
                "received_at": timezone.localtime(step.received_at).isoformat(),
                "due_on": step.due_on.isoformat() if step.due_on else None,
                "completed_at": (
                    timezone.localtime(step.completed_at).isoformat() if step.completed_at else None
                ),
                "completed_by": step.completed_by.get_full_name() if step.completed_by else "",
                "timeliness": step.timeliness,
                "note": step.note,
            }
        )
    return rows


@action
def withdraw_dossier(
    *, acting_user: User | None, dossier: Dossier | str, reason: str = ""
) -> Dossier:
    """The applicant takes the dossier back before processing ends."""
    dossier, steps, ctx = _start(dossier, Action.WITHDRAW, acting_user)
    before = dossier.status
    _close_everything(dossier, ctx, acting_user)
    dossier.outcome = Outcome.WITHDRAWN
    dossier.withdrawn_at = ctx.at
    _transition(
        dossier,
        Action.WITHDRAW,
        Status.WITHDRAWN,
        user=acting_user,
        ctx=ctx,
        note=_text(reason, "reason", required=False),
    )
    _audit(dossier, "withdraw", acting_user, before)
    return dossier


# ------------------------------------------------------------------------------------------
# Deadline warnings (the periodic job)


def _holders(agency_id: int, unit_id: int | None, *roles: str) -> list[User]:
    from egov.accounts.models import User

    memberships = Membership.objects.filter(agency_id=agency_id, role__in=roles, is_active=True)
    if unit_id is not None:
        memberships = memberships.filter(Q(unit_id=unit_id) | Q(unit__isnull=True))
    return list(User.objects.filter(pk__in=memberships.values("user_id"), is_active=True))


def _warn(event: str, recipients: list[User], title: str, dossier: Dossier) -> None:
    notify(
        event,
        recipients=recipients,
        title=title,
        url=reverse("dossiers:detail", args=[dossier.code]),
        related=dossier,
        context={"code": dossier.code},
    )


@action
def send_deadline_warnings(*, acting_user: User | None) -> dict[str, int]:
    """Warn, once each: the assignee when a step is due by the next working day, the unit head
    when a step is over its budget, and the agency leader 2 working days before the dossier's
    due date (while form 04 can still be sent)."""
    from egov.dossiers.selectors import warning_candidates

    now = timezone.now()
    today = timezone.localdate(now)
    calendar = _calendar()
    near, over, leader = warning_candidates(calendar, today)
    counts = {"near": 0, "over": 0, "leader": 0}
    with translation.override("vi"):
        for step in near:
            recipients = (
                [step.assignee]
                if step.assignee
                else _holders(step.agency_id, step.unit_id, step.role)
            )
            _warn(
                "dossiers.step_due_soon",
                recipients,
                _('Dossier %(code)s: the step "%(step)s" is due on %(date)s')
                % {
                    "code": step.dossier.code,
                    "step": step.name,
                    "date": step.due_on.strftime("%d/%m/%Y") if step.due_on else "",
                },
                step.dossier,
            )
            step.near_warned_at = now
            counts["near"] += 1
        for step in over:
            roles = (Role.UNIT_HEAD,) if step.unit_id else (Role.LEADER,)
            recipients = _holders(step.agency_id, step.unit_id, *roles) or _holders(
                step.agency_id, None, Role.LEADER
            )
            _warn(
                "dossiers.step_overdue",
                recipients,
                _('Dossier %(code)s: the step "%(step)s" is over its time (due %(date)s)')
                % {
                    "code": step.dossier.code,
                    "step": step.name,
                    "date": step.due_on.strftime("%d/%m/%Y") if step.due_on else "",
                },
                step.dossier,
            )
            step.over_warned_at = now
            counts["over"] += 1
        for dossier in leader:
            agencies = {s.agency_id for s in dossier.open_steps} or {dossier.receiving_agency_id}  # type: ignore[attr-defined]
            recipients = [u for a in sorted(agencies) for u in _holders(a, None, Role.LEADER)]
            _warn(
                "dossiers.due_soon",
                recipients,
                _(
                    "Dossier %(code)s is due on %(date)s; if it will be late, send the apology "
                    "(form 04) by %(last)s"
                )
                % {
                    "code": dossier.code,
                    "date": dossier.due_on.strftime("%d/%m/%Y") if dossier.due_on else "",
                    "last": deadlines.reschedule_deadline(calendar, dossier.due_on).strftime(
                        "%d/%m/%Y"
                    )
                    if dossier.due_on
                    else "",
                },
                dossier,
            )
            Dossier.objects.filter(pk=dossier.pk).update(leader_warned_for=dossier.due_on)
            counts["leader"] += 1
    DossierStep.objects.bulk_update([*near, *over], ["near_warned_at", "over_warned_at"])
    record_event(
        actor=acting_user,
        verb="dossiers.send_deadline_warnings",
        object_type="dossiers.dossier",
        after=counts,
    )
    return counts


# ------------------------------------------------------------------------------------------
# Rating (after return)


@action
def rate_dossier(
    *,
    acting_user: User,
    dossier: Dossier | str,
    scores: Mapping[str, int | None],
    comment: str = "",
) -> DossierRating:
    """The applicant rates the service on the DOMAIN.md criteria (2/1/0 each), once, after the
    result was returned. Of two ratings sent at once exactly one is kept; the other gets 409."""
    # Imported here: this section stays independent of the rest of the module.
    from django.db import IntegrityError, transaction

    from egov.dossiers.models import RATING_CRITERIA, RATING_SCORES
    from egov.dossiers.models import DossierRating as Rating

    dossier = _lock(dossier)
    if dossier.status != Status.RETURNED:
        raise Conflict(
            _("The dossier can be rated once its result has been returned."),
            code="not_returned",
            extra={"status": dossier.status},
        )
    if dossier.applicant_id is None or dossier.applicant_id != acting_user.pk:
        raise PermissionDenied(_("Only the applicant may rate the service of this dossier."))
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("This dossier has already been rated."), code="already_rated")
    values: dict[str, int | None] = {}
    for criterion in RATING_CRITERIA:
        score = scores.get(criterion.field)
        if criterion.online_only and dossier.channel != Channel.ONLINE:
            if score is not None:
                raise invalid(criterion.field, _("Only online dossiers rate the online service."))
        elif score is None:
            if criterion.not_applicable is None:
                raise invalid(criterion.field, _("This field is required."))
        elif score not in RATING_SCORES:
            raise invalid(criterion.field, _("Choose 2, 1 or 0."))
        values[criterion.field] = score
    unknown = sorted(set(scores) - set(values))
    if unknown:
        raise invalid(unknown[0], _("This is not a rating criterion."))
    rating = Rating(
        dossier=dossier,
        rated_by=acting_user,
        rated_at=timezone.now(),
        comment=_text(comment, "comment", required=False, max_length=2000),
        **values,
    )
    try:
        with transaction.atomic():  # a savepoint: a lost race leaves the transaction usable
            rating.save(force_insert=True)
    except IntegrityError as exc:
        raise Conflict(_("This dossier has already been rated."), code="already_rated") from exc
    record_event(
        actor=acting_user,
        verb="dossiers.rate",
        obj=dossier,
        agency=dossier.receiving_agency,
        after={"rating": rating.scores, "average": rating.average},
    )
    return rating
