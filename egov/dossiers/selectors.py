"""Reads of dossiers: the detail with everything its page shows, the queues and lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from egov.dossiers.models import (
    Consultation,
    ConsultationStatus,
    Dossier,
    DossierAgency,
    DossierEvent,
    DossierStep,
    StepStatus,
)
from egov.dossiers.workflow import FINAL, Status
from egov.lib.text import fold
from egov.lib.workdays import VIETNAM, WorkCalendar
from egov.org.models import Role
from egov.org.selectors import active_memberships

# The statuses that wait for the one-stop desk: the check at receipt, and the return.
DESK_WORK = (Status.SUBMITTED, Status.RESULT_READY, Status.REJECTED)


class Scope:
    MINE = "mine"  # a citizen's own dossiers
    ASSIGNED = "assigned"  # what the user can act on now
    UNIT = "unit"  # what sits in the user's units
    AGENCY = "agency"  # everything involving the user's agencies
    ALL = (MINE, ASSIGNED, UNIT, AGENCY)


def _open_steps() -> QuerySet[DossierStep]:
    return DossierStep.objects.filter(status=StepStatus.OPEN).select_related(
        "agency", "unit", "assignee"
    )


def dossier_detail(code: str) -> QuerySet[Dossier]:
    """The dossier with its documents, steps, history, consultations, forms and pauses."""
    return Dossier.objects.filter(code=code).prefetch_related(
        "documents",
        Prefetch(
            "steps",
            queryset=DossierStep.objects.select_related(
                "agency", "unit", "assignee", "completed_by"
            ).order_by("order", "position", "id"),
        ),
        Prefetch(
            "events",
            queryset=DossierEvent.objects.select_related("actor", "agency", "step").order_by(
                "at", "id"
            ),
        ),
        Prefetch(
            "consultations",
            queryset=Consultation.objects.select_related("from_agency", "to_agency"),
        ),
        "forms",
        "pauses",
    )


def dossier_for_api(code: str) -> QuerySet[Dossier]:
    """What the API's dossier representation needs (no history, no pauses)."""
    return (
        Dossier.objects.filter(code=code)
        .select_related("receiving_agency", "receiving_unit")
        .prefetch_related(
            "documents",
            Prefetch(
                "steps",
                queryset=DossierStep.objects.select_related("agency", "unit", "assignee").order_by(
                    "order", "position", "id"
                ),
            ),
            Prefetch(
                "consultations",
                queryset=Consultation.objects.select_related("from_agency", "to_agency"),
            ),
            "forms",
        )
    )


def history(dossier: Dossier) -> QuerySet[DossierEvent]:
    return (
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor", "agency", "step")
        .order_by("at", "id")
    )


def _step_conditions(user: Any) -> Q:
    """Open steps the user can act on: assigned to them, or unassigned in their role."""
    condition = Q(assignee=user)
    for membership in active_memberships(user):
        if membership.role in (Role.ONE_STOP_CLERK, Role.AGENCY_ADMIN, Role.SYSTEM_ADMIN):
            continue
        mine = Q(assignee__isnull=True, agency_id=membership.agency_id, role=membership.role)
        if membership.unit_id is not None:
            mine &= Q(unit_id=membership.unit_id) | Q(unit__isnull=True)
        condition |= mine
    return condition


def _desk_units(user: Any) -> set[int]:
    return {
        m.unit_id
        for m in active_memberships(user)
        if m.role == Role.ONE_STOP_CLERK and m.unit_id is not None
    }


def _staff_agencies(user: Any, *roles: str) -> set[int]:
    return {m.agency_id for m in active_memberships(user) if not roles or m.role in roles}


def scoped(user: Any, scope: str) -> QuerySet[Dossier]:
    """The dossiers of one scope for this user (never more than the user may see)."""
    dossiers = Dossier.objects.all()
    if scope == Scope.MINE:
        return dossiers.filter(applicant=user)
    if not active_memberships(user):
        return dossiers.none()
    if scope == Scope.AGENCY:
        involved = DossierAgency.objects.filter(
            dossier=OuterRef("pk"), agency_id__in=_staff_agencies(user)
        )
        return dossiers.filter(Exists(involved))
    desk_units = _desk_units(user)
    # The queues are a few thousand dossiers among millions: their ids are collected first from
    # the indexed open steps, open consultations and desk statuses (one UNION), so the database
    # never walks the whole dossier table testing an OR for each row.
    if scope == Scope.ASSIGNED:
        sources: list[QuerySet[Any]] = [
            DossierStep.objects.filter(Q(status=StepStatus.OPEN) & _step_conditions(user)).values(
                "dossier_id"
            ),
            Consultation.objects.filter(
                status=ConsultationStatus.OPEN,
                to_agency_id__in=_staff_agencies(
                    user, Role.SPECIALIST, Role.UNIT_HEAD, Role.LEADER
                ),
            ).values("dossier_id"),
        ]
        if desk_units:
            # Desk statuses are none of the excluded ones below.
            sources.append(
                Dossier.objects.filter(
                    receiving_unit_id__in=desk_units, status__in=DESK_WORK
                ).values("id")
            )
        return dossiers.filter(pk__in=_union(sources)).exclude(
            status__in=[*FINAL, Status.SUPPLEMENT_REQUESTED, Status.INCOMPLETE]
        )
    if scope == Scope.UNIT:
        unit_ids = {m.unit_id for m in active_memberships(user) if m.unit_id is not None}
        agency_wide = {m.agency_id for m in active_memberships(user) if m.unit_id is None}
        in_steps = DossierStep.objects.filter(
            Q(status=StepStatus.OPEN) & (Q(unit_id__in=unit_ids) | Q(agency_id__in=agency_wide))
        ).values("dossier_id")
        if not desk_units:
            return dossiers.filter(pk__in=in_steps.order_by())
        at_desk = (
            Dossier.objects.filter(receiving_unit_id__in=desk_units)
            .exclude(status__in=FINAL)
            .values("id")
        )
        return dossiers.filter(pk__in=_union([in_steps, at_desk]))
    return dossiers.none()


def _union(sources: list[QuerySet[Any]]) -> QuerySet[Any]:
    # Without the models' default ordering, which would join and sort inside each branch.
    first, *rest = (source.order_by() for source in sources)
    return first.union(*rest) if rest else first


@dataclass
class Filters:
    status: str = ""
    procedure: str = ""
    channel: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    q: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=VIETNAM)


def filtered(dossiers: QuerySet[Dossier], filters: Filters) -> QuerySet[Dossier]:
    if filters.status:
        dossiers = dossiers.filter(status=filters.status)
    if filters.procedure:
        dossiers = dossiers.filter(procedure_code=filters.procedure)
    if filters.channel:
        dossiers = dossiers.filter(channel=filters.channel)
    if filters.received_from:
        dossiers = dossiers.filter(registered_at__gte=_day_start(filters.received_from))
    if filters.received_to:
        dossiers = dossiers.filter(
            registered_at__lt=_day_start(filters.received_to + dt.timedelta(days=1))
        )
    text = (filters.q or "").strip()
    if text:
        folded = fold(text)
        condition = Q(code__icontains=text) | Q(applicant_name_folded__contains=folded)
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits and len(digits) >= 6 and digits == text.replace(" ", ""):
            condition |= Q(applicant_personal_id__startswith=digits)
            condition |= Q(applicant_tax_code__startswith=digits)
        dossiers = dossiers.filter(condition)
    return dossiers


def listing(user: Any, scope: str, filters: Filters) -> QuerySet[Dossier]:
    """A page-ready list: the dossier row, its desk and the open steps in one extra query."""
    dossiers = filtered(scoped(user, scope), filters).select_related(
        "receiving_agency", "receiving_unit"
    )
    dossiers = dossiers.prefetch_related(
        Prefetch("steps", queryset=_open_steps(), to_attr="open_steps")
    )
    if scope == Scope.MINE:
        return dossiers.order_by("-registered_at", "-id")
    return dossiers.order_by(F("due_on").asc(nulls_last=True), "registered_at", "id")


def warning_candidates(
    calendar: WorkCalendar, today: dt.date
) -> tuple[list[DossierStep], list[DossierStep], list[Dossier]]:
    """Steps due by the next working day, steps over their budget, and dossiers due within 2
    working days, none of them warned yet; locked so two workers never warn twice."""
    running = [Status.IN_PROCESSING, Status.CONSULTING, Status.APPROVED]
    tomorrow = calendar.next_working_day(today)
    steps = DossierStep.objects.select_for_update(of=("self",), skip_locked=True).select_related(
        "dossier", "assignee"
    )
    base = steps.filter(status=StepStatus.OPEN, dossier__status__in=running)
    near = list(base.filter(near_warned_at__isnull=True, due_on__gte=today, due_on__lte=tomorrow))
    over = list(base.filter(over_warned_at__isnull=True, due_on__lt=today))
    horizon = calendar.add_working_days(today, 2)
    dossiers = (
        Dossier.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status__in=running, due_on__lte=horizon)
        .filter(Q(leader_warned_for__isnull=True) | ~Q(leader_warned_for=F("due_on")))
        .prefetch_related(Prefetch("steps", queryset=_open_steps(), to_attr="open_steps"))
    )
    return near, over, list(dossiers)


def has_warnings_due(calendar: WorkCalendar, today: dt.date) -> bool:
    running = [Status.IN_PROCESSING, Status.CONSULTING, Status.APPROVED]
    tomorrow = calendar.next_working_day(today)
    open_steps = DossierStep.objects.filter(status=StepStatus.OPEN, dossier__status__in=running)
    return (
        open_steps.filter(
            near_warned_at__isnull=True, due_on__gte=today, due_on__lte=tomorrow
        ).exists()
        or open_steps.filter(over_warned_at__isnull=True, due_on__lt=today).exists()
        or Dossier.objects.filter(
            status__in=running, due_on__lte=calendar.add_working_days(today, 2)
        )
        .filter(Q(leader_warned_for__isnull=True) | ~Q(leader_warned_for=F("due_on")))
        .exists()
    )


# ------------------------------------------------------------------------------------------
# Ratings


class RatingGroup:
    AGENCY = "agency"  # the receiving agency
    PROCEDURE = "procedure"
    MONTH = "month"  # of the rating, in Vietnam time
    ALL = (AGENCY, PROCEDURE, MONTH)


def rating_summary(
    *,
    agency: int | None = None,
    procedure: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group_by: str = "",
) -> list[dict[str, Any]]:
    """Rating aggregates for statistics: filtered by receiving agency (id), procedure code and
    the days the ratings were given (Vietnam time, both ends included), one row per group
    (``RatingGroup``; no grouping: one row for everything).

    Each row: the group's key (``agency_id`` and ``agency_name``, ``procedure_code`` and
    ``procedure_name``, or ``month`` as a date), ``count``, the mean score 0–2 of every
    criterion over the ratings that answered it (one decimal, like the Circular 01/2018 indices;
    None when nobody answered it) and ``average``, the mean of those means.
    """
    from django.db.models import Avg, Count
    from django.db.models.functions import TruncMonth

    from egov.dossiers.models import RATING_CRITERIA, DossierRating

    ratings = DossierRating.objects.all()
    if agency is not None:
        ratings = ratings.filter(dossier__receiving_agency_id=agency)
    if procedure:
        ratings = ratings.filter(dossier__procedure_code=procedure)
    if date_from is not None:
        ratings = ratings.filter(rated_at__gte=_day_start(date_from))
    if date_to is not None:
        ratings = ratings.filter(rated_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    keys: list[str]
    if group_by == RatingGroup.AGENCY:
        keys = ["agency_id", "agency_name"]
        ratings = ratings.annotate(
            agency_id=F("dossier__receiving_agency_id"),
            agency_name=F("dossier__receiving_agency__name"),
        )
    elif group_by == RatingGroup.PROCEDURE:
        keys = ["procedure_code", "procedure_name"]
        ratings = ratings.annotate(
            procedure_code=F("dossier__procedure_code"),
            procedure_name=F("dossier__procedure__name"),
        )
    elif group_by == RatingGroup.MONTH:
        keys = ["month"]
        ratings = ratings.annotate(month=TruncMonth("rated_at", tzinfo=VIETNAM))
    elif group_by:
        raise ValueError(f"group_by must be one of {RatingGroup.ALL} or empty")
    else:
        keys = []
    means = {c.field: Avg(c.field) for c in RATING_CRITERIA}
    rows = (
        ratings.values(*keys).annotate(count=Count("id"), **means).order_by(*keys)
        if keys
        else [ratings.aggregate(count=Count("id"), **means)]
    )
    summary = []
    for row in rows:
        if not row["count"]:
            continue
        answered = {c.field: row[c.field] for c in RATING_CRITERIA if row[c.field] is not None}
        result: dict[str, Any] = {key: row[key] for key in keys}
        if "month" in result and isinstance(result["month"], dt.datetime):
            result["month"] = result["month"].date()
        result["count"] = row["count"]
        for criterion in RATING_CRITERIA:
            value = row[criterion.field]
            result[criterion.field] = round(float(value), 1) if value is not None else None
        result["average"] = (
            round(sum(float(v) for v in answered.values()) / len(answered), 1) if answered else None
        )
        summary.append(result)
    return summary
