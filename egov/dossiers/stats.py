"""One-stop statistics and the Circular 01/2018 indices, aggregated in the database.

The cohort is the dossiers **registered** in the period ``[date_from, date_to]`` (local dates,
any channel); every count is about that cohort as it stands now:

- ``registered``: all of them; ``received``: accepted by the desk (form 01, the clock started);
  ``awaiting_receipt``: still waiting for the desk's check or for a supplement asked at receipt;
  ``refused`` (form 03 at receipt); ``withdrawn``;
- ``in_progress``: received, not finished, not withdrawn;
- ``finished``: a result was recorded or the request was rejected on the merits, each judged
  ``early`` / ``on_time`` / ``late`` against the appointment date (``Dossier.timeliness``);
- ``on_time_rate`` = (early + on time) ÷ received — DOMAIN.md's internal measure ("dossiers
  finished on time ÷ dossiers received"; early counts as on time); ``finished_on_time_rate``
  = (early + on time) ÷ finished;
- ``online_share`` = online dossiers ÷ registered;
- average processing time, from the receipt of the complete dossier (acceptance, or the
  supplement that restarted the count) to the result: in calendar days for every row (a SQL
  sum of durations), and in working days for the whole selection (the working-day calendar
  applied to the distinct pairs of local dates). Pauses are not subtracted in either.

Dimensions: the **agency** is the procedure's implementing agency (the competent body), or the
receiving agency for procedures that name none (district and commune procedures); the **unit**
is the receiving one-stop desk; **procedure**; **channel**; **month** of registration.

Circular 01/2018 Arts. 13–15 (DOMAIN.md §4) grades an agency on nine indices scored 2/1/0. The
data here supports five of them (see ``INDICES``; index 7 reads complaints from the
ratings); the others are listed with the reason. The
grade uses the sum of the supported indices scaled to nine indices — our inference, marked
UNCONFIRMED in the docs, since the circular grades on all nine.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from egov.dossiers.models import Channel, Dossier, DossierStep, Timeliness
from egov.dossiers.workflow import Status
from egov.lib.problems import NotFound
from egov.lib.workdays import VIETNAM, CalendarMissing, WorkCalendar
from egov.org.models import Agency, AgencyLevel, Role, Unit
from egov.org.selectors import active_memberships, is_system_admin
from egov.procedures.models import Procedure

# Circular 01/2018 Art. 15 grades on the sum of the nine indices (each 0–2, at most 18).
INDEX_COUNT = 9
GRADES = (
    (15.0, "excellent", _("Excellent (xuất sắc)")),
    (12.0, "good", _("Good (tốt)")),
    (9.0, "fair", _("Fair (khá)")),
    (6.0, "average", _("Average (trung bình)")),
    (0.0, "poor", _("Poor (yếu)")),
)


@dataclass(frozen=True)
class IndexSpec:
    number: int
    label: Any
    supported: bool
    note: Any = ""


INDICES = (
    IndexSpec(1, _("Total processing time against the statutory time"), True),
    IndexSpec(2, _("Time taken by each participating body"), True),
    IndexSpec(3, _("Contacts needed to complete the dossier"), True),
    IndexSpec(4, _("Index 4"), False, _("Not described in DOMAIN.md (UNCONFIRMED): not computed.")),
    IndexSpec(5, _("Index 5"), False, _("Not described in DOMAIN.md (UNCONFIRMED): not computed.")),
    IndexSpec(6, _("Index 6"), False, _("Not described in DOMAIN.md (UNCONFIRMED): not computed.")),
    IndexSpec(
        7,
        _("Staff attitude"),
        True,
        _(
            "A complaint is the applicant's rating of the staff's attitude as not acceptable "
            "(our reading, UNCONFIRMED); dossiers without a rating count as without complaint."
        ),
    ),
    IndexSpec(
        8,
        _("Petitions answered on time"),
        False,
        _("Needs petitions and feedback with their answers: not recorded yet."),
    ),
    IndexSpec(9, _("Online public services"), True),
)
SUPPORTED = tuple(spec.number for spec in INDICES if spec.supported)


# The counts shown (the rest of Counts.SUMMED only feeds averages and indices).
COUNT_FIELDS = (
    "registered",
    "received",
    "awaiting_receipt",
    "refused",
    "withdrawn",
    "in_progress",
    "finished",
    "early",
    "on_time",
    "late",
    "online",
)


def round1(value: float) -> float:
    """One decimal, halves rounded up (1.25 → 1.3), as scores are read on paper."""
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass
class Counts:
    """The counts of one row (an agency, a unit, a procedure, a channel, a month, the total)."""

    key: str = ""
    name: str = ""
    registered: int = 0
    received: int = 0
    awaiting_receipt: int = 0
    refused: int = 0
    withdrawn: int = 0
    in_progress: int = 0
    finished: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    online: int = 0
    timed: int = 0  # finished dossiers with a receipt time: the base of the average
    duration_seconds: float = 0.0
    one_contact: int = 0  # finished after one supplement
    no_contact: int = 0  # finished without a supplement

    SUMMED = (
        "registered",
        "received",
        "awaiting_receipt",
        "refused",
        "withdrawn",
        "in_progress",
        "finished",
        "early",
        "on_time",
        "late",
        "online",
        "timed",
        "duration_seconds",
        "one_contact",
        "no_contact",
    )

    @property
    def on_time_rate(self) -> float | None:
        return _share(self.early + self.on_time, self.received)

    @property
    def finished_on_time_rate(self) -> float | None:
        return _share(self.early + self.on_time, self.finished)

    @property
    def online_share(self) -> float | None:
        return _share(self.online, self.registered)

    @property
    def average_days(self) -> float | None:
        """Average calendar days from the complete dossier's receipt to the result."""
        if not self.timed:
            return None
        return round1(self.duration_seconds / self.timed / 86400)

    def add(self, other: Counts) -> None:
        for name in self.SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def take(self, row: dict[str, Any]) -> None:
        for name in self.SUMMED:
            if name == "duration_seconds":
                duration = row.get("duration")
                self.duration_seconds += duration.total_seconds() if duration else 0.0
            else:
                setattr(self, name, getattr(self, name) + (row.get(name) or 0))


@dataclass
class AgencyRow(Counts):
    """An agency's counts with its Circular 01/2018 indices and grade."""

    steps_finished: int = 0
    steps_score: int = 0
    procedures: int = 0
    procedures_online: int = 0  # procedures at service level 3 or 4
    complaints_early: int = 0  # finished early, but the applicant complained of the staff
    complaints_on_time: int = 0
    indices: dict[int, float | None] = field(default_factory=dict)

    @property
    def index_sum(self) -> float | None:
        values = [v for v in self.indices.values() if v is not None]
        return round1(sum(values)) if values else None

    @property
    def scaled_sum(self) -> float | None:
        """The sum scaled to nine indices (only the supported ones can be computed)."""
        values = [v for v in self.indices.values() if v is not None]
        if not values:
            return None
        return round1(sum(values) * INDEX_COUNT / len(values))

    @property
    def grade(self) -> str:
        return grade_of(self.scaled_sum)[0]

    @property
    def grade_label(self) -> str:
        return str(grade_of(self.scaled_sum)[1])


def grade_of(total: float | None) -> tuple[str, Any]:
    """Circular 01/2018: ≥15 excellent, 12–15 good, 9–12 fair, 6–9 average, <6 poor."""
    if total is None:
        return "", ""
    for floor, code, label in GRADES:
        if total >= floor:
            return code, label
    return GRADES[-1][1], GRADES[-1][2]


def per_dossier_index(two: int, one: int, count: int) -> float | None:
    """Mean of the 2/1/0 scores over ``count`` dossiers, one decimal (Circular 01/2018)."""
    if not count:
        return None
    return round1((2 * two + one) / count)


def online_index(
    procedures: int, procedures_online: int, registered: int, online: int, late: int
) -> float | None:
    """Index 9: ≥20% of procedures at level 3/4, ≥30% of dossiers online and none late → 2;
    15–30% of dossiers online → 1; else 0 (our reading of DOMAIN.md §4)."""
    if not registered:
        return None
    share = online / registered
    procedure_share = procedures_online / procedures if procedures else 0.0
    if procedure_share >= 0.20 and share >= 0.30 and late == 0:
        return 2.0
    if share >= 0.15:
        return 1.0
    return 0.0


@dataclass
class Selection:
    """What to count: the period, and optionally agencies (None: all) and one procedure."""

    date_from: dt.date
    date_to: dt.date
    agency_ids: frozenset[int] | None = None
    procedure_id: int | None = None

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        start = dt.datetime.combine(self.date_from, dt.time(0), tzinfo=VIETNAM)
        end = dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time(0), tzinfo=VIETNAM)
        return start, end

    def dossiers(self) -> QuerySet[Dossier]:
        start, end = self.bounds()
        dossiers = Dossier.objects.filter(registered_at__gte=start, registered_at__lt=end)
        if self.procedure_id is not None:
            dossiers = dossiers.filter(procedure_id=self.procedure_id)
        if self.agency_ids is not None:
            dossiers = dossiers.filter(
                Q(receiving_agency_id__in=self.agency_ids)
                | Q(procedure__agency_id__in=self.agency_ids)
            )
        return dossiers.order_by()


@dataclass
class DossierStats:
    selection: Selection
    total: Counts
    agencies: list[AgencyRow]
    units: list[Counts]
    procedures: list[Counts]
    channels: list[Counts]
    months: list[Counts]
    average_working_days: float | None

    def tables(self) -> list[tuple[str, Any, Any, list[Any]]]:
        """(key, column label, heading, rows) of every table."""
        return [
            ("agency", _("Agency"), _("Per implementing agency"), list(self.agencies)),
            ("unit", _("Receiving desk"), _("Per receiving desk"), self.units),
            ("procedure", _("Procedure"), _("Per procedure"), self.procedures),
            ("channel", _("Channel"), _("Per channel"), self.channels),
            ("month", _("Month"), _("Per month of registration"), self.months),
        ]


def _aggregates() -> dict[str, Any]:
    finished = Q(finished_at__isnull=False)
    return {
        "registered": Count("id"),
        "received": Count("id", filter=Q(accepted_at__isnull=False)),
        "awaiting_receipt": Count("id", filter=Q(status__in=[Status.SUBMITTED, Status.INCOMPLETE])),
        "refused": Count("id", filter=Q(status=Status.REFUSED)),
        "withdrawn": Count("id", filter=Q(status=Status.WITHDRAWN)),
        "in_progress": Count(
            "id",
            filter=Q(accepted_at__isnull=False, finished_at__isnull=True)
            & ~Q(status=Status.WITHDRAWN),
        ),
        "finished": Count("id", filter=finished),
        "early": Count("id", filter=finished & Q(timeliness=Timeliness.EARLY)),
        "on_time": Count("id", filter=finished & Q(timeliness=Timeliness.ON_TIME)),
        "late": Count("id", filter=finished & Q(timeliness=Timeliness.LATE)),
        "online": Count("id", filter=Q(channel=Channel.ONLINE)),
        "timed": Count("id", filter=finished & Q(received_at__isnull=False)),
        "duration": Sum(
            F("finished_at") - F("received_at"),
            filter=finished & Q(received_at__isnull=False),
        ),
        "no_contact": Count("id", filter=finished & Q(supplement_count=0)),
        "one_contact": Count("id", filter=finished & Q(supplement_count=1)),
    }


def _ordered(rows: dict[Any, Counts]) -> list[Counts]:
    return sorted(rows.values(), key=lambda r: (-r.registered, r.name))


def dossier_stats(selection: Selection, calendar: WorkCalendar | None = None) -> DossierStats:
    """Every table of the statistics page from two scans of the period's dossiers."""
    with _analytic_session():
        return _dossier_stats(selection, calendar)


@contextmanager
def _analytic_session() -> Iterator[None]:
    """On PostgreSQL: no JIT (compiling the aggregates cost ~230 ms of a province-year's
    query) and memory enough to hash the groups instead of sorting them on disk (the planner
    overestimates the groups). SET LOCAL needs a transaction and ends with it."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)"
        )
        yield


def _dossier_stats(selection: Selection, calendar: WorkCalendar | None) -> DossierStats:
    dossiers = selection.dossiers()
    aggregates = _aggregates()

    # 1. Procedure × receiving unit: the procedure, unit and agency tables and the total.
    total = Counts(name=str(_("Total")))
    by_procedure: dict[int, Counts] = {}
    by_unit: dict[int, Counts] = {}
    by_agency: dict[int, AgencyRow] = {}
    first: list[Any] = list(
        dossiers.values("procedure_id", "receiving_unit_id", "procedure__agency_id").annotate(
            **aggregates
        )
    )
    for row in first:
        by_procedure.setdefault(row["procedure_id"], Counts()).take(row)
        by_unit.setdefault(row["receiving_unit_id"], Counts()).take(row)
        total.take(row)
    units = Unit.objects.select_related("agency").in_bulk(list(by_unit))
    for row in first:
        agency_id = row["procedure__agency_id"] or units[row["receiving_unit_id"]].agency_id
        by_agency.setdefault(agency_id, AgencyRow()).take(row)
    for unit_id, counts in by_unit.items():
        unit = units[unit_id]
        counts.key, counts.name = unit.code, f"{unit.name} – {unit.agency.short_name}"
    procedures = Procedure.objects.only("code", "name").in_bulk(list(by_procedure))
    for procedure_id, counts in by_procedure.items():
        counts.key, counts.name = procedures[procedure_id].code, procedures[procedure_id].name

    # 2. Channel × month × (receipt day, result day) of the finished dossiers: the channel and
    # month tables and the working-day average (the days are empty for unfinished dossiers, so
    # they add few groups).
    by_channel: dict[str, Counts] = {}
    by_month: dict[dt.date, Counts] = {}
    pairs: dict[tuple[dt.date, dt.date], int] = {}
    finished = Q(finished_at__isnull=False, received_at__isnull=False)
    second: list[Any] = list(
        dossiers.annotate(
            month=TruncMonth("registered_at", tzinfo=VIETNAM),
            start=Case(When(finished, then=TruncDate("received_at", tzinfo=VIETNAM))),
            end=Case(When(finished, then=TruncDate("finished_at", tzinfo=VIETNAM))),
        )
        .values("channel", "month", "start", "end")
        .annotate(**aggregates)
    )
    for row in second:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        by_channel.setdefault(row["channel"], Counts()).take(row)
        by_month.setdefault(month, Counts()).take(row)
        if row["start"] is not None and row["end"] is not None:
            key = (_as_date(row["start"]), _as_date(row["end"]))
            pairs[key] = pairs.get(key, 0) + row["timed"]
    for channel, counts in by_channel.items():
        counts.key, counts.name = channel, str(Channel(channel).label)
    for month, counts in by_month.items():
        counts.key, counts.name = f"{month:%Y-%m}", f"{month:%m/%Y}"

    _add_indices(selection, by_agency)
    return DossierStats(
        selection=selection,
        total=total,
        agencies=sorted(by_agency.values(), key=lambda r: (-r.registered, r.name)),
        units=_ordered(by_unit),
        procedures=_ordered(by_procedure),
        channels=sorted(by_channel.values(), key=lambda r: r.key),
        months=sorted(by_month.values(), key=lambda r: r.key),
        average_working_days=_average_working_days(pairs, calendar),
    )


def _as_date(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _add_indices(selection: Selection, by_agency: dict[int, AgencyRow]) -> None:
    ids = list(by_agency)
    agencies = list(Agency.objects.filter(pk__in=ids).only("organ_code", "name", "level"))
    for agency in agencies:
        by_agency[agency.pk].key, by_agency[agency.pk].name = agency.organ_code, agency.name

    # Index 2: the steps each body completed in the period, judged against their budgets.
    start, end = selection.bounds()
    steps = DossierStep.objects.filter(
        agency_id__in=ids, completed_at__gte=start, completed_at__lt=end
    ).exclude(timeliness="")
    if selection.procedure_id is not None:
        steps = steps.filter(dossier__procedure_id=selection.procedure_id)
    if selection.agency_ids is not None:
        steps = steps.filter(
            Q(dossier__receiving_agency_id__in=selection.agency_ids)
            | Q(dossier__procedure__agency_id__in=selection.agency_ids)
        )
    score = Case(
        When(timeliness=Timeliness.EARLY, then=Value(2)),
        When(timeliness=Timeliness.ON_TIME, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    for done in steps.order_by().values("agency_id").annotate(n=Count("id"), score=Sum(score)):
        by_agency[done["agency_id"]].steps_finished = done["n"]
        by_agency[done["agency_id"]].steps_score = done["score"] or 0

    # Index 7: attitude: early without a complaint 2, on time without a complaint 1, otherwise
    # 0. A complaint: the applicant rated the staff's attitude "not acceptable" (score 0).
    complained = (
        selection.dossiers()
        .filter(
            finished_at__isnull=False,
            rating__staff_attitude=0,
            timeliness__in=[Timeliness.EARLY, Timeliness.ON_TIME],
        )
        .order_by()
        .values("procedure__agency_id", "receiving_unit__agency_id", "timeliness")
        .annotate(n=Count("id"))
    )
    for complaint in complained:
        row_agency = by_agency.get(
            complaint["procedure__agency_id"] or complaint["receiving_unit__agency_id"]
        )
        if row_agency is None:
            continue
        if complaint["timeliness"] == Timeliness.EARLY:
            row_agency.complaints_early += complaint["n"]
        else:
            row_agency.complaints_on_time += complaint["n"]

    # Index 9: the share of the agency's procedures offered at service level 3 or 4. Procedures
    # without an implementing agency (district, commune) count for every agency of their level.
    catalog = Procedure.objects.filter(is_active=True).order_by()
    named = (
        catalog.filter(agency_id__in=ids)
        .values("agency_id")
        .annotate(n=Count("id"), online=Count("id", filter=Q(service_level__gte=3)))
    )
    for row in named:
        by_agency[row["agency_id"]].procedures = row["n"]
        by_agency[row["agency_id"]].procedures_online = row["online"]
    levels = {
        row["level"]: row
        for row in catalog.filter(agency__isnull=True)
        .values("level")
        .annotate(n=Count("id"), online=Count("id", filter=Q(service_level__gte=3)))
    }
    for agency in agencies:
        shared = levels.get(agency.level)
        if shared:
            by_agency[agency.pk].procedures += shared["n"]
            by_agency[agency.pk].procedures_online += shared["online"]

    for item in by_agency.values():
        item.indices = {
            1: per_dossier_index(item.early, item.on_time, item.finished),
            2: round1(item.steps_score / item.steps_finished) if item.steps_finished else None,
            3: per_dossier_index(item.no_contact, item.one_contact, item.finished),
            7: per_dossier_index(
                item.early - item.complaints_early,
                item.on_time - item.complaints_on_time,
                item.finished,
            ),
            9: online_index(
                item.procedures, item.procedures_online, item.registered, item.online, item.late
            ),
        }


def _average_working_days(
    pairs: dict[tuple[dt.date, dt.date], int], calendar: WorkCalendar | None
) -> float | None:
    """Working days in (receipt day, result day], averaged over the finished dossiers, from
    the number of dossiers per pair of days."""
    if calendar is None or not pairs:
        return None
    first = min(min(start, end) for start, end in pairs)
    last = max(max(start, end) for start, end in pairs)
    ordinal: dict[dt.date, int] = {}
    count = 0
    day = first
    try:
        while day <= last:
            if calendar.is_working_day(day):
                count += 1
            ordinal[day] = count
            day += dt.timedelta(days=1)
    except CalendarMissing:
        return None
    total = sum((ordinal[end] - ordinal[start]) * n for (start, end), n in pairs.items())
    return round1(total / sum(pairs.values()))


# Who sees what ---------------------------------------------------------------------------

STATS_ROLES = (Role.LEADER, Role.UNIT_HEAD, Role.AGENCY_ADMIN)


def stats_scope(user: Any) -> frozenset[int] | None:
    """The agencies whose statistics the user may see; None means all of them.

    System administrators and leaders of the provincial People's Committee see every agency;
    leaders, unit heads and agency administrators see their own agencies. Anyone else gets
    ``NotFound`` (the page does not exist for them).
    """
    if is_system_admin(user):
        return None
    memberships = active_memberships(user)
    for membership in memberships:
        if (
            membership.role == Role.LEADER
            and membership.agency.level == AgencyLevel.PROVINCE
            and membership.agency.parent_id is None
        ):
            return None
    ids = frozenset(m.agency_id for m in memberships if m.role in STATS_ROLES)
    if not ids:
        raise NotFound()
    return ids


def stats_agencies(scope: frozenset[int] | None) -> QuerySet[Agency]:
    agencies = Agency.objects.filter(is_active=True).order_by("organ_code")
    return agencies if scope is None else agencies.filter(pk__in=scope)


def access_stats_agency(user: Any, organ_code: str) -> Agency:
    """The agency named by its organ code, if the user may see its statistics (else 404)."""
    agency = stats_agencies(stats_scope(user)).filter(organ_code=organ_code).first()
    if agency is None:
        raise NotFound(code="unknown_agency")
    return agency


def selection_for(
    user: Any,
    *,
    date_from: dt.date,
    date_to: dt.date,
    agency: Agency | None = None,
    procedure: Procedure | None = None,
) -> Selection:
    """The selection a user may ask for: one agency, or every agency in the user's scope."""
    scope = stats_scope(user)
    agency_ids = frozenset({agency.pk}) if agency is not None else scope
    return Selection(
        date_from=date_from,
        date_to=date_to,
        agency_ids=agency_ids,
        procedure_id=procedure.pk if procedure is not None else None,
    )


# Exports ------------------------------------------------------------------------------------

COLUMNS = (
    ("registered", _("Registered dossiers")),
    ("received", _("Received dossiers")),
    ("awaiting_receipt", _("Awaiting receipt")),
    ("refused", _("Refused")),
    ("withdrawn", _("Withdrawn")),
    ("in_progress", _("In progress")),
    ("finished", _("Finished")),
    ("early", _("Early")),
    ("on_time", _("On time")),
    ("late", _("Late")),
    ("on_time_rate", _("On-time rate")),
    ("finished_on_time_rate", _("On time among finished")),
    ("online_share", _("Online share")),
    ("average_days", _("Average time (calendar days)")),
)


def export_rows(stats: DossierStats) -> list[list[Any]]:
    """Header and rows of every table, one table after the other, for CSV and XLSX."""
    header: list[Any] = [
        str(_("Table")),
        str(pgettext_lazy("statistics", "Code")),
        str(pgettext_lazy("statistics", "Name")),
        *(str(label) for _name, label in COLUMNS),
        *(str(_("Index %(number)s") % {"number": n}) for n in SUPPORTED),
        str(_("Sum of indices")),
        str(_("Sum scaled to nine indices")),
        str(_("Grade")),
    ]
    rows: list[list[Any]] = [header]
    for dimension, _label, _heading, table in [*stats.tables(), ("total", "", "", [stats.total])]:
        for row in table:
            values = [dimension, row.key, row.name, *(getattr(row, n) for n, _l in COLUMNS)]
            if isinstance(row, AgencyRow):
                values += [row.indices.get(n) for n in SUPPORTED]
                values += [row.index_sum, row.scaled_sum, row.grade_label]
            else:
                values += [None] * (len(SUPPORTED) + 3)
            rows.append(values)
    return rows


def export_csv(stats: DossierStats) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in export_rows(stats):
        writer.writerow(["" if value is None else value for value in row])
    # A byte-order mark so spreadsheet programs read the Vietnamese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(stats: DossierStats) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(_("Statistics"))[:31]
    sheet.append(
        [
            str(_("One-stop statistics")),
            f"{stats.selection.date_from:%d/%m/%Y} – {stats.selection.date_to:%d/%m/%Y}",
        ]
    )
    sheet.append([])
    for index, row in enumerate(export_rows(stats)):
        sheet.append(row)
        if index == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.column_dimensions["C"].width = 60
    notes = workbook.create_sheet(str(_("Indices"))[:31])
    notes.append(
        [
            str(_("Index")),
            str(pgettext_lazy("statistics", "Name")),
            str(_("Computed")),
            str(_("Note")),
        ]
    )
    for spec in INDICES:
        notes.append(
            [
                spec.number,
                str(spec.label),
                str(_("yes") if spec.supported else _("no")),
                str(spec.note),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
