"""``manage.py generate_dossiers``: realistic dossiers with histories, loaded in bulk (COPY on
PostgreSQL, batched inserts on SQLite), whose codes and counters fit what registration does."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from egov.dossiers import deadlines
from egov.dossiers.management.commands.generate_dossiers import SOURCE_REF, FastCalendar
from egov.dossiers.models import (
    DailySequence,
    Dossier,
    DossierAgency,
    DossierEvent,
    DossierStep,
    Outcome,
    StepStatus,
)
from egov.dossiers.tests.factories import local, make_bundle, make_permit, register
from egov.dossiers.workflow import FINAL, REGISTER, Status, is_allowed
from egov.lib.workdays import VIETNAM, timeliness
from egov.workdays.selectors import get_calendar

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, 10:00 in Vietnam.
NOW = local(2026, 3, 11, 10, 0)
STEP_STATES_WHILE_RUNNING = {Status.IN_PROCESSING, Status.APPROVED, Status.RESULT_READY}


@pytest.fixture
def generated(world: Any, time_machine: Any) -> Any:
    time_machine.move_to(NOW, tick=False)
    make_permit(world)
    make_bundle(world)
    # A dossier registered the normal way today: generation must continue its numbering.
    first = register(world, make_permit(world, code="T.000009"))
    call_command(
        "generate_dossiers", count=400, days=60, batch=150, allow_production=True, no_progress=True
    )
    return first


def test_it_adds_the_dossiers_with_unique_codes_in_the_desk_format(
    world: Any, generated: Any
) -> None:
    dossiers = list(Dossier.objects.filter(source_ref=SOURCE_REF))
    assert len(dossiers) == 400
    assert Dossier.objects.count() == 401
    codes = [d.code for d in dossiers] + [generated.code]
    assert len(set(codes)) == len(codes)
    for dossier in dossiers:
        organ, day, number = dossier.code.rsplit("-", 2)
        assert organ == dossier.receiving_unit.effective_organ_code
        assert day == f"{dossier.registered_at.astimezone(VIETNAM):%y%m%d}"
        assert re.fullmatch(r"\d{4,5}", number)
    oldest = min(d.registered_at for d in dossiers)
    assert NOW - oldest > dt.timedelta(days=50)  # spread over the period asked for
    assert all(d.registered_at <= NOW for d in dossiers)


def test_the_daily_counters_are_advanced_so_later_registrations_do_not_collide(
    world: Any, generated: Any
) -> None:
    highest: dict[tuple[str, str], int] = defaultdict(int)
    for code in Dossier.objects.values_list("code", flat=True):
        organ, day, number = code.rsplit("-", 2)
        highest[(organ, day)] = max(highest[(organ, day)], int(number))
    counters = {(s.organ_code, f"{s.day:%y%m%d}"): s.last for s in DailySequence.objects.all()}
    assert counters == dict(highest)
    # Numbers of a desk's day run 1..N without gaps: the generated ones follow the real one.
    today = generated.code.rsplit("-", 2)
    assert highest[(today[0], today[1])] > 1
    later = register(world, generated.procedure)
    organ, day, number = later.code.rsplit("-", 2)
    assert int(number) == highest[(organ, day)] + 1


def test_histories_follow_the_transition_table_and_end_in_the_dossier_status(
    world: Any, generated: Any
) -> None:
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in DossierEvent.objects.order_by("at", "id"):
        events[event.dossier_id].append(event)
    statuses = set()
    for dossier in Dossier.objects.filter(source_ref=SOURCE_REF):
        history = events[dossier.pk]
        assert history[0].action == REGISTER
        assert history[0].to_status == Status.SUBMITTED
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status, dossier.code
            assert is_allowed(after.action, after.from_status, after.to_status), after
            assert after.at >= before.at
        assert history[-1].to_status == dossier.status
        statuses.add(dossier.status)
    # A running year: most are finished, recent ones are still on their way.
    assert Status.RETURNED in statuses
    assert statuses & {Status.IN_PROCESSING, Status.SUBMITTED, Status.APPROVED}
    counts = dict(
        Dossier.objects.filter(source_ref=SOURCE_REF)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    assert counts[Status.RETURNED] > 400 / 2


def test_clock_steps_and_outcome_agree_with_the_history(world: Any, generated: Any) -> None:
    calendar = get_calendar()
    steps: dict[int, list[DossierStep]] = defaultdict(list)
    for step in DossierStep.objects.all():
        steps[step.dossier_id].append(step)
    involved: dict[int, set[int]] = defaultdict(set)
    for row in DossierAgency.objects.all():
        involved[row.dossier_id].add(row.agency_id)
    for dossier in Dossier.objects.filter(source_ref=SOURCE_REF):
        assert dossier.receiving_agency_id in involved[dossier.pk]
        if dossier.accepted_at is None:
            assert dossier.status in {Status.SUBMITTED, Status.INCOMPLETE, Status.REFUSED}
            continue
        assert dossier.due_on == calendar.due_date(dossier.received_at, dossier.processing_days)
        assert dossier.due_on == deadlines.due_day(calendar, dossier.due_at)
        own = steps[dossier.pk]
        assert own, dossier.code
        for step in own:
            if step.status in (StepStatus.OPEN, StepStatus.COMPLETED):
                assert step.agency_id in involved[dossier.pk]
                assert step.due_at == deadlines.step_due(
                    calendar, step.received_at, step.budget_days
                )
            if step.status == StepStatus.COMPLETED:
                day = step.completed_at.astimezone(VIETNAM).date()
                assert step.timeliness == timeliness(day, step.due_on)
            if step.status == StepStatus.OPEN:
                assert dossier.status in STEP_STATES_WHILE_RUNNING
        if dossier.status in FINAL or dossier.status == Status.RESULT_READY:
            assert not [s for s in own if s.status == StepStatus.OPEN and s.kind != "return"]
        if dossier.status == Status.RETURNED:
            assert dossier.returned_at is not None
            assert dossier.outcome in {Outcome.APPROVED, Outcome.REJECTED}
        if dossier.finished_at is not None:
            day = dossier.finished_at.astimezone(VIETNAM).date()
            assert dossier.timeliness == timeliness(day, dossier.due_on)


def test_staff_of_the_desk_see_a_generated_dossier_through_the_api(
    world: Any, generated: Any, api: Any
) -> None:
    dossier = Dossier.objects.filter(source_ref=SOURCE_REF, status=Status.RETURNED).first()
    assert dossier is not None
    response = api.login(world.clerk).get(f"/api/v1/dossiers/{dossier.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == Status.RETURNED
    assert len(body["steps"]) == DossierStep.objects.filter(dossier=dossier).count()
    assert api.login(world.outsider).get(f"/api/v1/dossiers/{dossier.code}").status_code == 404


def test_the_precomputed_calendar_gives_the_deadline_engine_s_instants(calendar: Any) -> None:
    engine = get_calendar()
    fast = FastCalendar(engine, dt.date(2025, 1, 1), dt.date(2027, 6, 30))
    rng = random.Random(7)
    for _ in range(400):
        start = dt.datetime(2025, 1, 1, tzinfo=VIETNAM) + dt.timedelta(
            seconds=rng.randrange(600 * 86400)
        )
        budget = Decimal(rng.choice(["0", "0.25", "0.5", "1", "1.5", "2", "5", "7.75", "20"]))
        assert fast.add_days(start, budget) == deadlines.step_due(engine, start, budget)
        days = rng.choice([0, 1, 3, 5, 15, 30])
        assert fast.statutory_due(start, days) == deadlines.statutory_due(engine, start, days)
