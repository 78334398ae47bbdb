"""Generate many realistic dossiers quickly, for the benchmarks and load tests.

``manage.py generate_dossiers --count 1000000`` registers dossiers of the catalog's active
procedures at the desks that receive them, spread over the last year (working days, a few
online submissions on days off), and plays each one's life forward up to now: accepted (or
sent back for a supplement, or refused), its workflow steps planned from the procedure's
template and handled one group after another, approved or rejected on the merits, the result
recorded and returned, a few withdrawn. What happened is written as the actions would write it:
the dossier's fields, its steps with due dates and timeliness, its history (``DossierEvent``),
the agencies involved and the documents handed in. Recent dossiers are still on their way, so
the statuses come out in the proportions of a running year.

Codes follow ``<organ code>-YYMMDD-XXXX`` with the desk's daily counters, which are advanced, so
a registration made later continues the numbering. Due dates come from the working-day
calendar (the same arithmetic as ``egov.dossiers.deadlines``, precomputed for the period).

PostgreSQL loads with COPY, SQLite with batched inserts. Like ``load_demo`` this bypasses the
actions on purpose (one audit event per generated transition would measure the audit trail, not
the dossiers) and refuses to run with DEBUG off unless told. Forms 01–05 are not generated, nor
pauses, consultations and reschedules.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import json
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from stdnum.vn import mst
from tqdm import tqdm

from egov.dossiers.actions import _plan_steps
from egov.dossiers.models import (
    ApplicantKind,
    Channel,
    DailySequence,
    Dossier,
    DossierAgency,
    DossierDocument,
    DossierEvent,
    DossierStep,
    Outcome,
    StepStatus,
)
from egov.dossiers.workflow import REGISTER, Action, Status
from egov.lib.text import fold
from egov.lib.workdays import VIETNAM, WorkCalendar, timeliness
from egov.org.models import Agency, Membership, Role, Unit
from egov.procedures.models import Procedure, StepKind
from egov.workdays.selectors import get_calendar

SOURCE_REF = "generated"
DAY = dt.timedelta(days=1)
_DAY_US = 86_400_000_000
# Days off get this share of a working day's registrations (online submissions).
_DAY_OFF_WEIGHT = 0.05

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi", "Đỗ",
            "Hồ", "Ngô", "Dương", "Lý"]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Thanh", "Ngọc", "Quốc", "Đức", "Thu", "Hoàng", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Đức", "Giang", "Hòa", "Hùng", "Lan", "Mai", "Nam",
         "Phúc", "Quang", "Sơn", "Tâm", "Thảo", "Tuấn", "Vân", "Xuân", "Yến", "Khoa", "Linh",
         "Trang", "Hiếu", "Nhung"]  # fmt: skip
STREETS = ["Ấp Bắc", "Lý Thường Kiệt", "Nguyễn Trãi", "Trưng Trắc", "Hùng Vương", "Lê Lợi",
           "Đinh Bộ Lĩnh", "Nam Kỳ Khởi Nghĩa", "Rạch Gầm", "Học Lạc"]  # fmt: skip
PLACES = ["Phường 1, TP. Mỹ Tho", "Phường 4, TP. Mỹ Tho", "Phường 6, TP. Mỹ Tho",
          "xã Trung An, TP. Mỹ Tho", "Thị trấn Cái Bè, huyện Cái Bè",
          "xã Long Định, huyện Châu Thành", "Phường 2, thị xã Gò Công",
          "xã Tân Mỹ Chánh, TP. Mỹ Tho"]  # fmt: skip
COMPANIES = ["Công ty TNHH Xây dựng", "Công ty Cổ phần Đầu tư", "Công ty TNHH Thương mại",
             "Doanh nghiệp tư nhân", "Hợp tác xã Nông nghiệp"]  # fmt: skip
BRANDS = ["Mỹ Tho Xanh", "Tiền Giang", "Sông Tiền", "Gò Công", "Cái Bè", "Phương Nam", "Hưng Thịnh"]
REFUSALS = [
    "Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
    "Người nộp không đủ điều kiện theo quy định.",
]
REJECTIONS = [
    "Không đáp ứng điều kiện theo quy định của pháp luật.",
    "Kết quả thẩm định không đạt yêu cầu.",
]
SUPPLEMENT = "Bổ sung bản sao giấy tờ còn thiếu theo hướng dẫn."


class Command(BaseCommand):
    help = "Generate COUNT realistic dossiers with histories quickly (benchmarks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="dossiers to add")
        parser.add_argument(
            "--until",
            action="store_true",
            help="treat COUNT as the total wanted: add only what is missing",
        )
        parser.add_argument("--days", type=int, default=365, help="spread over this many days")
        parser.add_argument("--seed", type=int, default=61)
        parser.add_argument("--batch", type=int, default=5000, help="dossiers per transaction")
        parser.add_argument("--allow-production", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("Refusing to generate dossiers while DEBUG is off.")
        count = options["count"]
        if options["until"]:
            count = max(0, count - Dossier.objects.count())
        if count <= 0:
            self.stdout.write("nothing to generate")
            return
        existing = Dossier.objects.count()
        # A second run goes on from where the first stopped (other random draws).
        rng = random.Random(options["seed"] + existing)  # noqa: S311
        now = timezone.now()
        catalog = Catalog.load(now, options["days"])
        generator = Generator(catalog, rng, now)
        days = generator.spread(count, options["days"])
        writer = Writer()
        progress = tqdm(
            total=count, unit="dossier", disable=options["no_progress"], file=sys.stderr
        )
        done = 0
        batch: list[Life] = []
        try:
            for day, number in days:
                lives = generator.day(day, number)
                batch.extend(lives)
                if len(batch) >= options["batch"]:
                    writer.write(batch, generator.sequences)
                    done += len(batch)
                    progress.update(len(batch))
                    batch = []
            if batch:
                writer.write(batch, generator.sequences)
                done += len(batch)
                progress.update(len(batch))
        finally:
            progress.close()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Dossier, DossierStep, DossierEvent, DossierAgency, DossierDocument):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(f"generated {done} dossiers")


# ------------------------------------------------------------------------------------------
# Working-day arithmetic for a whole period at once


class FastCalendar:
    """``WorkCalendar`` arithmetic over a fixed period, precomputed: the working days in order,
    so that adding working time is an index lookup instead of a walk over the days.

    Gives the same instants as ``egov.dossiers.deadlines.add_working_time`` without pauses
    (a working day counts 24 hours, days off don't count); tested against it.
    """

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.calendar = calendar
        self.first = first
        self.days: list[dt.date] = []
        # For each calendar day of the period: the index of the first working day on or after it.
        self.on_or_after: list[int] = []
        day = first
        while day <= last:
            if calendar.is_working_day(day):
                self.days.append(day)
            day += DAY
        day = first
        while day <= last:
            self.on_or_after.append(bisect.bisect_left(self.days, day))
            day += DAY
        self._receipt: dict[tuple[dt.date, bool], dt.date] = {}

    def working(self, day: dt.date) -> bool:
        index = self.on_or_after[(day - self.first).days]
        return index < len(self.days) and self.days[index] == day

    def add(self, start: dt.datetime, seconds: int) -> dt.datetime:
        """The instant at which ``seconds`` of working time have passed since ``start``."""
        local = start.astimezone(VIETNAM)
        day = local.date()
        index = self.on_or_after[(day - self.first).days]
        if seconds <= 0:
            return local
        if self.days[index] == day:
            midnight = dt.datetime.combine(day, dt.time(0), tzinfo=VIETNAM)
            elapsed = (local - midnight) // dt.timedelta(microseconds=1)
        else:
            elapsed = 0
        total = elapsed + seconds * 1_000_000
        whole = -(-total // _DAY_US)  # the working days the period touches
        end_day = self.days[index + whole - 1]
        return dt.datetime.combine(end_day, dt.time(0), tzinfo=VIETNAM) + dt.timedelta(
            microseconds=total - (whole - 1) * _DAY_US
        )

    def add_days(self, start: dt.datetime, days: Decimal | float) -> dt.datetime:
        return self.add(start, int(Decimal(days) * 86400))

    def statutory_due(self, received_at: dt.datetime, days: int) -> dt.datetime:
        """``deadlines.statutory_due`` without pauses: from 24:00 of the receipt day."""
        local = received_at.astimezone(VIETNAM)
        key = (local.date(), local.time() > self.calendar.cutoff)
        receipt = self._receipt.get(key)
        if receipt is None:
            receipt = self._receipt[key] = self.calendar.receipt_day(local)
        return self.add(self.calendar.end_of_day(receipt), days * 86400)

    @staticmethod
    def due_day(due_at: dt.datetime) -> dt.date:
        return (due_at - dt.timedelta(microseconds=1)).astimezone(VIETNAM).date()

    def next_office_time(self, at: dt.datetime, rng: random.Random) -> dt.datetime:
        """A moment in office hours (07:30–16:30) on the working day of ``at`` or the next one."""
        local = at.astimezone(VIETNAM)
        day = local.date()
        if not self.working(day) or local.time() >= dt.time(16, 30):
            day = self.days[self.on_or_after[(day - self.first).days + 1]]
            local = dt.datetime.combine(day, dt.time(7, 30), tzinfo=VIETNAM)
        elif local.time() < dt.time(7, 30):
            local = dt.datetime.combine(day, dt.time(7, 30), tzinfo=VIETNAM)
        end = dt.datetime.combine(day, dt.time(16, 30), tzinfo=VIETNAM)
        room = int((end - local).total_seconds())
        return local + dt.timedelta(seconds=rng.randrange(max(1, min(room, 3 * 3600))))


# ------------------------------------------------------------------------------------------
# What the generator draws from


@dataclass
class StepPlan:
    order: int
    position: int
    name: str
    kind: str
    agency_id: int
    unit_id: int | None
    role: str
    is_lead: bool
    budget_days: Decimal
    template_step_id: int | None


@dataclass
class Desk:
    unit: Unit
    organ_code: str
    clerks: list[tuple[int, str]]


@dataclass
class Offer:
    """A procedure as received at one desk: its planned steps and documents."""

    procedure: Procedure
    desk: Desk
    groups: list[list[StepPlan]]
    documents: list[tuple[int, str, int]]  # required document id, name, copies
    weight: float


@dataclass
class Catalog:
    offers: list[Offer]
    weights: list[float]
    staff: dict[tuple[int, str], list[tuple[int, str]]]  # (agency, role) -> [(user id, name)]
    calendar: FastCalendar

    @classmethod
    def load(cls, now: dt.datetime, days: int) -> Catalog:
        procedures = list(
            Procedure.objects.filter(is_active=True)
            .prefetch_related("steps__agency", "documents")
            .order_by("code")
        )
        desks = list(
            Unit.objects.filter(is_one_stop_desk=True, agency__is_active=True)
            .select_related("agency")
            .order_by("agency__organ_code", "id")
        )
        if not procedures or not desks:
            raise CommandError("No procedures or one-stop desks: run load_demo first.")
        staff: dict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
        clerks: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for m in Membership.objects.filter(is_active=True).select_related("user"):
            person = (m.user_id, m.user.get_full_name())
            staff[(m.agency_id, m.role)].append(person)
            if m.role == Role.ONE_STOP_CLERK and m.unit_id is not None:
                clerks[m.unit_id].append(person)
        by_unit = {d.pk: Desk(d, d.effective_organ_code, clerks.get(d.pk, [])) for d in desks}
        offers = []
        for procedure in procedures:
            receiving = _receiving_desks(procedure, desks)
            # Commune procedures (civil status, certifications) are the bulk of a year's work.
            weight = {"commune": 3.0, "district": 1.5}.get(procedure.level, 1.0)
            for unit in receiving:
                offers.append(
                    Offer(
                        procedure=procedure,
                        desk=by_unit[unit.pk],
                        groups=_plan(procedure, unit.agency),
                        documents=[
                            (d.pk, d.name, d.copies)
                            for d in procedure.documents.all()
                            if d.mandatory
                        ],
                        weight=weight / len(receiving),
                    )
                )
        if not offers:
            raise CommandError("No procedure is received at any one-stop desk.")
        local = now.astimezone(VIETNAM).date()
        calendar = FastCalendar(
            get_calendar(), local - dt.timedelta(days=days + 10), local + dt.timedelta(days=400)
        )
        return cls(offers, [o.weight for o in offers], staff, calendar)


def _receiving_desks(procedure: Procedure, desks: Sequence[Unit]) -> list[Unit]:
    """Where the procedure is handed in, as ``actions._resolve_receiving_unit`` decides it."""
    if procedure.agency_id is not None:
        own = [d for d in desks if d.agency_id == procedure.agency_id]
        if own:
            return own[:1]
        centre = sorted(
            (d for d in desks if d.agency.level in ("province", "sector")),
            key=lambda d: (d.agency.organ_code, d.pk),
        )
        return centre[:1]
    return [d for d in desks if d.agency.level == procedure.level]


def _plan(procedure: Procedure, receiving: Agency) -> list[list[StepPlan]]:
    """The steps acceptance plans (``actions._plan_steps``), grouped in execution order."""
    probe = Dossier(
        procedure=procedure,
        processing_days=procedure.processing_days,
        receiving_agency=receiving,
    )
    groups: dict[int, list[StepPlan]] = {}
    for step in _plan_steps(probe):
        groups.setdefault(step.order, []).append(
            StepPlan(
                order=step.order,
                position=step.position,
                name=step.name,
                kind=step.kind,
                agency_id=step.agency_id,
                unit_id=step.unit_id,
                role=step.role,
                is_lead=step.is_lead,
                budget_days=Decimal(step.budget_days),
                template_step_id=step.template_step_id,
            )
        )
    return [
        sorted(group, key=lambda s: (not s.is_lead, s.position))
        for _order, group in sorted(groups.items())
    ]


# ------------------------------------------------------------------------------------------
# One dossier's life


@dataclass
class StepRow:
    plan: StepPlan
    status: str = StepStatus.PENDING
    received_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    due_on: dt.date | None = None
    completed_at: dt.datetime | None = None
    completed_by: int | None = None
    timeliness: str = ""
    id: int = 0


@dataclass
class EventRow:
    action: str
    from_status: str
    to_status: str
    at: dt.datetime
    actor: tuple[int, str] | None
    agency_id: int | None
    step: StepRow | None = None
    due_on: dt.date | None = None
    timeliness: str = ""
    note: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Life:
    fields: dict[str, Any]
    offer: Offer
    steps: list[StepRow]
    events: list[EventRow]
    agencies: set[int]


class _Stop(Exception):
    """The next thing would happen after now: the dossier stays where it is."""


class Generator:
    def __init__(self, catalog: Catalog, rng: random.Random, now: dt.datetime) -> None:
        self.catalog = catalog
        self.calendar = catalog.calendar
        self.rng = rng
        self.now = now
        # (organ code, day) -> last number given; read from the table and advanced.
        self.sequences: dict[tuple[str, dt.date], int] = {}
        self._folded: dict[str, str] = {}

    # -- when --------------------------------------------------------------------------------

    def spread(self, count: int, days: int) -> list[tuple[dt.date, int]]:
        """How many dossiers each day of the period receives (working days get the most)."""
        today = self.now.astimezone(VIETNAM).date()
        period = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
        weights = [1.0 if self.calendar.working(d) else _DAY_OFF_WEIGHT for d in period]
        total = sum(weights)
        shares = [count * w / total for w in weights]
        numbers = [int(s) for s in shares]
        rest = count - sum(numbers)
        by_fraction = sorted(range(len(period)), key=lambda i: shares[i] - numbers[i], reverse=True)
        for index in by_fraction[:rest]:
            numbers[index] += 1
        existing = {
            (row.organ_code, row.day): row.last
            for row in DailySequence.objects.filter(day__gte=period[0], day__lte=period[-1])
        }
        self.sequences.update(existing)
        return [(d, n) for d, n in zip(period, numbers, strict=True) if n]

    def day(self, day: dt.date, number: int) -> list[Life]:
        rng = self.rng
        offers = rng.choices(self.catalog.offers, weights=self.catalog.weights, k=number)
        drafts = []
        working = self.calendar.working(day)
        for offer in offers:
            channel = self._channel(offer.procedure, working)
            if channel == Channel.ONLINE:
                seconds = rng.randrange(86400)
            else:
                seconds = 7 * 3600 + 30 * 60 + rng.randrange(9 * 3600)
            at = dt.datetime.combine(day, dt.time(0), tzinfo=VIETNAM) + dt.timedelta(
                seconds=seconds, microseconds=rng.randrange(1_000_000)
            )
            if at > self.now:
                at = self.now - dt.timedelta(seconds=rng.randrange(1, 3600))
            drafts.append((at, offer, channel))
        drafts.sort(key=lambda d: d[0])
        lives = []
        for at, offer, channel in drafts:
            lives.append(self.life(offer, channel, at))
        return lives

    def _channel(self, procedure: Procedure, working_day: bool) -> str:
        online_share = {4: 0.45, 3: 0.25}.get(procedure.service_level, 0.0)
        if not working_day and online_share:
            return Channel.ONLINE
        draw = self.rng.random()
        if draw < online_share:
            return Channel.ONLINE
        return Channel.POST if draw > 0.93 else Channel.DESK

    # -- who ---------------------------------------------------------------------------------

    def _applicant(self, procedure: Procedure) -> dict[str, Any]:
        rng = self.rng
        kinds = procedure.applicant_types or [ApplicantKind.CITIZEN]
        kind = ApplicantKind.BUSINESS if "business" in kinds and rng.random() < 0.3 else None
        if kind is None:
            kind = ApplicantKind.CITIZEN if "citizen" in kinds else ApplicantKind.BUSINESS
        person = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        address = f"{rng.randint(1, 250)} {rng.choice(STREETS)}, {rng.choice(PLACES)}"
        phone = f"09{rng.randrange(10**8):08d}"
        birth_year = rng.randint(1950, 2006)
        century = 0 if birth_year < 2000 else 2
        personal_id = (
            f"082{century + rng.randint(0, 1)}{birth_year % 100:02d}{rng.randrange(10**6):06d}"
        )
        if kind == ApplicantKind.BUSINESS:
            base = f"12{rng.randrange(10**7):07d}"
            return {
                "applicant_kind": kind,
                "applicant_name": f"{rng.choice(COMPANIES)} {rng.choice(BRANDS)}",
                "applicant_personal_id": "",
                "applicant_tax_code": base + mst.calc_check_digit(base),
                "applicant_address": address,
                "applicant_phone": phone,
                "applicant_email": "",
            }
        return {
            "applicant_kind": kind,
            "applicant_name": person,
            "applicant_personal_id": personal_id,
            "applicant_tax_code": "",
            "applicant_address": address,
            "applicant_phone": phone,
            "applicant_email": "",
        }

    def _fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)[:255]
        return folded

    def _staff(self, agency_id: int, *roles: str) -> tuple[int, str] | None:
        for role in roles:
            people = self.catalog.staff.get((agency_id, role))
            if people:
                return self.rng.choice(people)
        return None

    def _clerk(self, offer: Offer) -> tuple[int, str] | None:
        return self.rng.choice(offer.desk.clerks) if offer.desk.clerks else None

    # -- what happens ------------------------------------------------------------------------

    def _code(self, organ_code: str, at: dt.datetime) -> str:
        day = at.astimezone(VIETNAM).date()
        number = self.sequences.get((organ_code, day), 0) + 1
        self.sequences[(organ_code, day)] = number
        return f"{organ_code}-{day:%y%m%d}-{number:04d}"

    def life(self, offer: Offer, channel: str, at: dt.datetime) -> Life:
        rng = self.rng
        procedure, desk = offer.procedure, offer.desk
        clerk = self._clerk(offer) if channel != Channel.ONLINE else None
        applicant = self._applicant(procedure)
        electronic = channel == Channel.ONLINE or rng.random() < 0.6
        fields: dict[str, Any] = {
            "code": self._code(desk.organ_code, at),
            "procedure_id": procedure.pk,
            "procedure_code": procedure.code,
            "procedure_name": procedure.name,
            "processing_days": procedure.processing_days,
            "channel": channel,
            "status": Status.SUBMITTED,
            "source_ref": SOURCE_REF,
            **applicant,
            "applicant_name_folded": self._fold(applicant["applicant_name"]),
            "receiving_agency_id": desk.unit.agency_id,
            "receiving_unit_id": desk.unit.pk,
            "registered_at": at,
            "registered_by_id": clerk[0] if clerk else None,
            "return_method": Channel.POST if channel == Channel.POST else Channel.DESK,
            "is_electronic": electronic,
            "updated_at": at,
        }
        life = Life(fields, offer, [StepRow(plan) for g in offer.groups for plan in g], [], set())
        life.agencies.add(desk.unit.agency_id)
        life.events.append(
            EventRow(
                REGISTER,
                "",
                Status.SUBMITTED,
                at,
                clerk,
                desk.unit.agency_id,
                data={"channel": channel},
            )
        )
        with contextlib.suppress(_Stop):
            self._play(life, clerk, at)
        return life

    def _event(self, life: Life, action: str, to: str, at: dt.datetime, **extra: Any) -> None:
        if at > self.now:
            raise _Stop
        source = life.fields["status"]
        life.fields["status"] = to
        life.fields["updated_at"] = at
        life.events.append(
            EventRow(action, source, to, at, due_on=life.fields.get("due_on"), **extra)
        )

    def _play(self, life: Life, clerk: tuple[int, str] | None, at: dt.datetime) -> None:
        rng, calendar, fields = self.rng, self.calendar, life.fields
        desk_agency = life.offer.desk.unit.agency_id
        receipt = calendar.next_office_time(at, rng) if fields["channel"] != "desk" else at
        fate = rng.random()
        if fate < 0.015:  # refused at receipt (form 03)
            when = receipt + dt.timedelta(minutes=rng.randint(5, 90))
            fields["outcome"] = Outcome.REFUSED
            fields["decided_at"] = when
            self._event(
                life,
                Action.REFUSE,
                Status.REFUSED,
                when,
                actor=clerk,
                agency_id=desk_agency,
                note=rng.choice(REFUSALS),
            )
            return
        if fate < 0.06:  # incomplete at receipt (form 02); most applicants come back
            when = receipt + dt.timedelta(minutes=rng.randint(5, 60))
            self._event(
                life,
                Action.REQUEST_SUPPLEMENT,
                Status.INCOMPLETE,
                when,
                actor=clerk,
                agency_id=desk_agency,
                note=SUPPLEMENT,
            )
            if fate < 0.025:
                return
            receipt = calendar.next_office_time(when + dt.timedelta(days=rng.randint(1, 10)), rng)
            fields["supplement_count"] = 1
            self._event(
                life,
                Action.SUBMIT_SUPPLEMENT,
                Status.SUBMITTED,
                receipt,
                actor=clerk,
                agency_id=desk_agency,
                data={"documents": 1, "round": 1},
            )
        accepted = receipt + dt.timedelta(minutes=rng.randint(2, 40))
        if accepted > self.now:
            raise _Stop
        due_at = calendar.statutory_due(accepted, fields["processing_days"])
        fields.update(
            accepted_at=accepted,
            accepted_by_id=clerk[0] if clerk else None,
            received_at=accepted,
            clock_started_at=calendar.calendar.end_of_day(calendar.calendar.receipt_day(accepted)),
            due_at=due_at,
            due_on=calendar.due_day(due_at),
            original_due_on=calendar.due_day(due_at),
        )
        groups = self._groups(life)
        for group in groups:
            if group[0].plan.kind != StepKind.RECEIVE:
                break
            for step in group:
                self._open(step, accepted)
                self._finish(step, accepted, clerk)
        self._event(
            life, Action.ACCEPT, Status.IN_PROCESSING, accepted, actor=clerk, agency_id=desk_agency
        )
        withdraw_at = (
            accepted + dt.timedelta(hours=rng.randint(4, 24 * 10)) if fate > 0.99 else None
        )
        reject = 0.96 < fate <= 0.99
        moment = accepted
        processing = [
            g for g in groups if g[0].plan.kind not in (StepKind.RECEIVE, StepKind.RETURN)
        ]
        decided = False
        for group in processing:
            life.agencies.update(s.plan.agency_id for s in group)
            moment = self._run_group(life, group, moment, withdraw_at, reject and not decided)
            if fields["status"] in (Status.REJECTED, Status.WITHDRAWN):
                break
            decided = decided or fields["status"] == Status.APPROVED
        if fields["status"] == Status.WITHDRAWN:
            return
        if fields["status"] == Status.IN_PROCESSING:  # no step decided: the last one approved
            return
        if fields["status"] == Status.APPROVED:
            recorded = calendar.next_office_time(
                moment + dt.timedelta(hours=rng.randint(1, 20)), rng
            )
            fields["finished_at"] = recorded
            fields["timeliness"] = timeliness(_local_day(recorded), fields["due_on"])
            fields["result_number"] = f"{rng.randint(1, 9999)}/{_local_day(recorded).year}/GP"
            fields["result_summary"] = "Đã giải quyết, cấp kết quả theo đề nghị."
            self._event(
                life,
                Action.RECORD_RESULT,
                Status.RESULT_READY,
                recorded,
                actor=self._staff(
                    fields["deciding_agency_id"], Role.DOCUMENT_CLERK, Role.SPECIALIST
                ),
                agency_id=fields["deciding_agency_id"],
                timeliness=fields["timeliness"],
                note=fields["result_summary"],
                data={"number": fields["result_number"]},
            )
            moment = recorded
            returns = [s for g in groups if g[0].plan.kind == StepKind.RETURN for s in g]
            for step in returns:
                self._open(step, recorded)
        else:
            returns = []
        handed = calendar.next_office_time(
            moment + dt.timedelta(days=rng.choice([0, 1, 1, 2, 3, 5])), rng
        )
        if handed > self.now:
            raise _Stop
        for step in returns:
            self._finish(step, handed, clerk)
        method = fields["return_method"]
        fields["returned_at"] = handed
        fields["returned_by_method"] = method
        self._event(
            life,
            Action.RETURN_RESULT,
            Status.RETURNED,
            handed,
            actor=clerk,
            agency_id=desk_agency,
            step=returns[0] if returns else None,
            timeliness=timeliness(_local_day(handed), fields["due_on"]),
            data={"method": method},
        )

    def _groups(self, life: Life) -> list[list[StepRow]]:
        groups: dict[int, list[StepRow]] = {}
        for step in life.steps:
            groups.setdefault(step.plan.order, []).append(step)
        return [groups[order] for order in sorted(groups)]

    def _open(self, step: StepRow, at: dt.datetime) -> None:
        step.status = StepStatus.OPEN
        step.received_at = at
        step.due_at = self.calendar.add_days(at, step.plan.budget_days)
        step.due_on = self.calendar.due_day(step.due_at)

    def _finish(self, step: StepRow, at: dt.datetime, who: tuple[int, str] | None) -> None:
        step.status = StepStatus.COMPLETED
        step.completed_at = at
        step.completed_by = who[0] if who else None
        assert step.due_on is not None
        step.timeliness = timeliness(_local_day(at), step.due_on)

    def _duration(self, budget: Decimal) -> float:
        """Working days a body takes: most finish early, some on the day, about one in ten late."""
        draw = self.rng.random()
        base = float(budget) or 0.25
        if draw < 0.7:
            return base * self.rng.uniform(0.2, 0.9)
        if draw < 0.9:
            return base * self.rng.uniform(0.9, 1.0)
        return base * self.rng.uniform(1.05, 1.8)

    def _run_group(
        self,
        life: Life,
        group: list[StepRow],
        start: dt.datetime,
        withdraw_at: dt.datetime | None,
        reject: bool,
    ) -> dt.datetime:
        """Handle one group of parallel steps: electronic dossiers reach all its bodies at once,
        paper ones one after another (lead first). The group ends when all are done (join)."""
        fields = life.fields
        schedule: list[tuple[dt.datetime, dt.datetime, StepRow]] = []
        moment = start
        for step in group:
            opened = start if fields["is_electronic"] else moment
            done = self.calendar.add(opened, int(self._duration(step.plan.budget_days) * 86400))
            moment = max(done, opened + dt.timedelta(minutes=10))
            schedule.append((opened, moment, step))
        horizon = min(self.now, withdraw_at) if withdraw_at else self.now
        for opened, _done, step in schedule:
            if opened <= horizon:
                self._open(step, opened)
        end = start
        for _opened, done, step in sorted(schedule, key=lambda s: s[1]):
            if withdraw_at is not None and withdraw_at < done:
                self._cancel(life)
                fields["outcome"] = Outcome.WITHDRAWN
                fields["withdrawn_at"] = withdraw_at
                self._event(
                    life,
                    Action.WITHDRAW,
                    Status.WITHDRAWN,
                    withdraw_at,
                    actor=None,
                    agency_id=None,
                    note="Người nộp rút hồ sơ.",
                )
                return withdraw_at
            if done > self.now:
                raise _Stop
            plan = step.plan
            person = self._staff(plan.agency_id, plan.role, Role.SPECIALIST)
            deciding = plan.kind == StepKind.APPROVE or self._last_processing(life, step)
            if deciding and reject:
                fields["outcome"] = Outcome.REJECTED
                fields["decided_at"] = fields["finished_at"] = done
                fields["deciding_agency_id"] = plan.agency_id
                fields["timeliness"] = timeliness(_local_day(done), fields["due_on"])
                self._cancel(life)
                self._event(
                    life,
                    Action.REJECT_ON_MERITS,
                    Status.REJECTED,
                    done,
                    actor=person,
                    agency_id=plan.agency_id,
                    step=step,
                    timeliness=fields["timeliness"],
                    note=self.rng.choice(REJECTIONS),
                )
                return done
            self._finish(step, done, person)
            target = fields["status"]
            action = Action.COMPLETE_STEP
            if deciding and target == Status.IN_PROCESSING:
                fields["outcome"] = Outcome.APPROVED
                fields["decided_at"] = done
                fields["deciding_agency_id"] = plan.agency_id
                target = Status.APPROVED
                if plan.kind == StepKind.APPROVE:
                    action = Action.APPROVE
            self._event(
                life,
                action,
                target,
                done,
                actor=person,
                agency_id=plan.agency_id,
                step=step,
                timeliness=step.timeliness,
            )
            end = max(end, done)
        return end

    def _last_processing(self, life: Life, step: StepRow) -> bool:
        """Is this the last processing step, with no approval step in the workflow?"""
        kinds = [s.plan.kind for s in life.steps]
        if StepKind.APPROVE in kinds:
            return False
        rest = [
            s
            for s in life.steps
            if s is not step and s.plan.kind not in (StepKind.RECEIVE, StepKind.RETURN)
        ]
        return all(s.status == StepStatus.COMPLETED for s in rest)

    def _cancel(self, life: Life) -> None:
        for step in life.steps:
            if step.status in (StepStatus.PENDING, StepStatus.OPEN):
                step.status = StepStatus.CANCELLED


def _local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(VIETNAM).date()


# ------------------------------------------------------------------------------------------
# Writing: COPY on PostgreSQL, batched inserts elsewhere


class _Table:
    """Rows of one model as tuples in column order, with the model's defaults filled in."""

    def __init__(self, model: type[models.Model], postgres: bool) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.index = {column: n for n, column in enumerate(self.columns)}
        self.template = [None if f.null or f.primary_key else f.get_default() for f in fields]
        converters = [(n, _converter(f, postgres)) for n, f in enumerate(fields)]
        self.convert = [(n, c) for n, c in converters if c is not None]
        self.rows: list[list[Any]] = []

    def add(self, values: dict[str, Any]) -> None:
        row = self.template.copy()
        index = self.index
        for column, value in values.items():
            row[index[column]] = value
        for n, convert in self.convert:
            value = row[n]
            if value is not None:
                row[n] = convert(value)
        self.rows.append(row)


def _converter(f: models.Field[Any, Any], postgres: bool) -> Callable[[Any], Any] | None:
    if isinstance(f, models.JSONField):
        return lambda v: json.dumps(v, ensure_ascii=False)
    if postgres:
        return None
    if isinstance(f, models.DateTimeField):
        return lambda v: str(v.astimezone(dt.UTC).replace(tzinfo=None))
    if isinstance(f, models.DateField):
        return lambda v: v.isoformat()
    if isinstance(f, models.DecimalField):
        return str
    return None


class Writer:
    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"

    def _skip_foreign_key_checks(self) -> None:
        """The rows reference only what the catalog gave them, so the deferred foreign-key
        checks (a third of the load time) are skipped when the role may (a superuser, as in
        the benchmarks), as ``pg_restore --disable-triggers`` does."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL session_replication_role = replica")

    def _ids(self, model: type[models.Model], count: int) -> list[int]:
        """A block of ``count`` new primary keys for ``model``'s table."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            if self.postgres:
                # The table lock (until commit) keeps other writers from drawing ids from the
                # sequence between our two calls; the block is then ours alone.
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(table)} IN EXCLUSIVE MODE")
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                    [table, table, count],
                )
                last = cursor.fetchone()[0]
                return list(range(last - count + 1, last + 1))
        # SQLite: one writer at a time, inside this transaction.
        start = (model._default_manager.aggregate(top=Max("id"))["top"] or 0) + 1
        return list(range(start, start + count))

    def write(self, lives: list[Life], sequences: dict[tuple[str, dt.date], int]) -> None:
        with transaction.atomic():
            if self.postgres:
                self._skip_foreign_key_checks()
            self._write(lives)
            self._advance(lives, sequences)

    def _write(self, lives: list[Life]) -> None:
        pg = self.postgres
        dossiers = _Table(Dossier, pg)
        steps = _Table(DossierStep, pg)
        events = _Table(DossierEvent, pg)
        involved = _Table(DossierAgency, pg)
        documents = _Table(DossierDocument, pg)
        dossier_ids = iter(self._ids(Dossier, len(lives)))
        step_ids = iter(self._ids(DossierStep, sum(len(life.steps) for life in lives)))
        event_ids = iter(self._ids(DossierEvent, sum(len(life.events) for life in lives)))
        agency_ids = iter(self._ids(DossierAgency, sum(len(life.agencies) for life in lives)))
        document_ids = iter(
            self._ids(DossierDocument, sum(len(life.offer.documents) for life in lives))
        )
        for life in lives:
            pk = next(dossier_ids)
            dossiers.add({"id": pk, **_dossier_columns(life.fields)})
            for step in life.steps:
                step.id = next(step_ids)
                plan = step.plan
                steps.add(
                    {
                        "id": step.id,
                        "dossier_id": pk,
                        "template_step_id": plan.template_step_id,
                        "order": plan.order,
                        "position": plan.position,
                        "name": plan.name,
                        "kind": plan.kind,
                        "agency_id": plan.agency_id,
                        "unit_id": plan.unit_id,
                        "role": plan.role,
                        "is_lead": plan.is_lead,
                        "budget_days": plan.budget_days,
                        "status": step.status,
                        "received_at": step.received_at,
                        "due_at": step.due_at,
                        "due_on": step.due_on,
                        "completed_at": step.completed_at,
                        "completed_by_id": step.completed_by,
                        "timeliness": step.timeliness,
                        "note": "",
                    }
                )
            for event in life.events:
                events.add(
                    {
                        "id": next(event_ids),
                        "dossier_id": pk,
                        "action": event.action,
                        "from_status": event.from_status,
                        "to_status": event.to_status,
                        "at": event.at,
                        "actor_id": event.actor[0] if event.actor else None,
                        "actor_name": event.actor[1] if event.actor else "",
                        "agency_id": event.agency_id,
                        "step_id": event.step.id if event.step else None,
                        "step_due_on": event.step.due_on if event.step else None,
                        "due_on": event.due_on,
                        "timeliness": event.timeliness,
                        "note": event.note,
                        "data": event.data,
                    }
                )
            for agency in sorted(life.agencies):
                involved.add({"id": next(agency_ids), "dossier_id": pk, "agency_id": agency})
            for required_id, name, copies in life.offer.documents:
                documents.add(
                    {
                        "id": next(document_ids),
                        "dossier_id": pk,
                        "required_document_id": required_id,
                        "name": name[:1000],
                        "sets": copies or 1,
                        "file": "",
                        "added_at": life.fields["registered_at"],
                        "added_by_id": life.fields["registered_by_id"],
                    }
                )
        for table in (dossiers, steps, events, involved, documents):
            self._insert(table)

    def _insert(self, table: _Table) -> None:
        if not table.rows:
            return
        quote = connection.ops.quote_name
        name = quote(table.model._meta.db_table)
        columns = ", ".join(quote(str(c)) for c in table.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in table.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(table.columns))
                sql = f"INSERT INTO {name} ({columns}) VALUES ({marks})"  # noqa: S608 (our names)
                cursor.executemany(sql, table.rows)

    def _advance(self, lives: Iterable[Life], sequences: dict[tuple[str, dt.date], int]) -> None:
        """Raise the desks' daily counters to the numbers just given (never lower them)."""
        touched = {
            (code.rsplit("-", 2)[0], _local_day(life.fields["registered_at"]))
            for life in lives
            for code in [life.fields["code"]]
        }
        if not touched:
            return
        table = connection.ops.quote_name(DailySequence._meta.db_table)
        greatest = "GREATEST" if self.postgres else "MAX"
        rows = [(o, d if self.postgres else d.isoformat(), sequences[(o, d)]) for o, d in touched]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {table} (organ_code, day, last) VALUES (%s, %s, %s) "  # noqa: S608
                f"ON CONFLICT (organ_code, day) DO UPDATE "
                f"SET last = {greatest}({table}.last, EXCLUDED.last)",
                rows,
            )


_DOSSIER_COLUMNS = {f.attname: str(f.column) for f in Dossier._meta.concrete_fields}


def _dossier_columns(values: dict[str, Any]) -> dict[str, Any]:
    return {_DOSSIER_COLUMNS[name]: value for name, value in values.items()}
