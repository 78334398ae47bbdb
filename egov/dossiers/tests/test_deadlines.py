"""Deadlines in working days: the 15:00 rule, pauses, the supplement restart, the 3-day limit
for supplement requests, the one reschedule no later than a working day before the due date,
step budgets and consultation deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.dossiers import actions, deadlines
from egov.dossiers.models import DossierEvent, DossierForm
from egov.dossiers.tests.factories import PDF, local, open_step, refresh, register
from egov.lib.problems import Conflict, InvalidInput
from egov.lib.workdays import WorkCalendar
from egov.testing.world import World

D = dt.date
# Tết 2026 and the other days off of the first half of the year, for the pure tests.
HOLIDAYS = frozenset(
    {D(2026, 1, 1), *(D(2026, 2, d) for d in range(16, 21)), D(2026, 4, 27), D(2026, 4, 30)}
    | {D(2026, 5, 1)}
)
CALENDAR = WorkCalendar(holidays=HOLIDAYS)


@settings(max_examples=300, deadline=None)
@given(
    received=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 5, 31)),
    days=st.integers(min_value=0, max_value=40),
)
def test_without_pauses_the_due_date_is_the_calendars_due_date(
    received: dt.datetime, days: int
) -> None:
    received_at = received.replace(tzinfo=CALENDAR.tz)
    due_at = deadlines.statutory_due(CALENDAR, received_at, days)
    assert due_at is not None
    assert deadlines.due_day(CALENDAR, due_at) == CALENDAR.due_date(received_at, days)
    assert due_at == CALENDAR.end_of_day(CALENDAR.due_date(received_at, days))


@settings(max_examples=200, deadline=None)
@given(
    received=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2026, 4, 30)),
    days=st.integers(min_value=1, max_value=30),
    pause_start=st.integers(min_value=0, max_value=40 * 24),
    pause_hours=st.integers(min_value=1, max_value=10 * 24),
)
def test_the_working_time_from_the_count_start_to_the_due_instant_is_the_budget(
    received: dt.datetime, days: int, pause_start: int, pause_hours: int
) -> None:
    """The inverse of ``WorkCalendar.working_time``: pauses and days off never count."""
    received_at = received.replace(tzinfo=CALENDAR.tz)
    start = deadlines.clock_start(CALENDAR, received_at)
    paused_at = start + dt.timedelta(hours=pause_start)
    pauses = [(paused_at, paused_at + dt.timedelta(hours=pause_hours))]
    due_at = deadlines.statutory_due(CALENDAR, received_at, days, pauses)
    assert due_at is not None
    assert CALENDAR.working_time(start, due_at, pauses) == deadlines.budget(days)


def test_a_pause_pushes_the_due_date_back_by_the_working_time_it_took() -> None:
    received = local(2026, 3, 2, 9)  # Monday; 10 days → Monday 16/3
    assert CALENDAR.due_date(received, 10) == D(2026, 3, 16)
    two_days = [(local(2026, 3, 4, 9), local(2026, 3, 6, 9))]
    due = deadlines.statutory_due(CALENDAR, received, 10, two_days)
    assert due is not None and deadlines.due_day(CALENDAR, due) == D(2026, 3, 18)
    # Friday 09:00 to Monday 09:00: 15 hours of Friday and 9 of Monday, the weekend is free.
    over_weekend = [(local(2026, 3, 6, 9), local(2026, 3, 9, 9))]
    due = deadlines.statutory_due(CALENDAR, received, 10, over_weekend)
    assert due is not None and deadlines.due_day(CALENDAR, due) == D(2026, 3, 17)


def test_an_open_pause_leaves_the_due_date_unknown_and_overlapping_pauses_count_once() -> None:
    received = local(2026, 3, 2, 9)
    assert deadlines.statutory_due(CALENDAR, received, 10, [(local(2026, 3, 4, 9), None)]) is None
    overlapping = [
        (local(2026, 3, 4, 9), local(2026, 3, 6, 9)),
        (local(2026, 3, 5, 9), local(2026, 3, 6, 9)),
    ]
    due = deadlines.statutory_due(CALENDAR, received, 10, overlapping)
    assert due is not None and deadlines.due_day(CALENDAR, due) == D(2026, 3, 18)


def test_a_step_budget_counts_from_the_moment_the_step_arrives_in_fractions_of_a_day() -> None:
    friday_afternoon = local(2026, 3, 6, 16)
    half = deadlines.step_due(CALENDAR, friday_afternoon, 0.5)  # type: ignore[arg-type]
    # 8 hours left on Friday, the weekend does not count, 4 hours on Monday.
    assert half == local(2026, 3, 9, 4)
    assert deadlines.due_day(CALENDAR, half) == D(2026, 3, 9)  # type: ignore[arg-type]


def test_urgency_is_late_after_the_due_day_and_soon_within_two_working_days() -> None:
    assert deadlines.urgency(CALENDAR, D(2026, 3, 17), D(2026, 3, 16), 2) == "late"
    assert deadlines.urgency(CALENDAR, D(2026, 3, 13), D(2026, 3, 16), 2) == "soon"
    assert deadlines.urgency(CALENDAR, D(2026, 3, 11), D(2026, 3, 16), 2) == "ok"


# -- with the database calendar and the real actions ------------------------------------------


def _accept_at(world: World, procedure: Any, when: dt.datetime) -> Any:
    with time_machine.travel(when, tick=False):
        dossier = register(world, procedure)
        return actions.accept_dossier(acting_user=world.clerk, dossier=dossier)


@pytest.mark.parametrize(
    ("minute", "due"),
    [(local(2026, 3, 2, 14, 59), D(2026, 3, 3)), (local(2026, 3, 2, 15, 1), D(2026, 3, 4))],
)
def test_a_dossier_accepted_after_three_pm_counts_from_the_next_working_day(
    world: World, minute: dt.datetime, due: dt.date
) -> None:
    from egov.dossiers.tests.factories import make_permit

    procedure = make_permit(world, days=1)
    dossier = _accept_at(world, procedure, minute)
    assert dossier.due_on == due
    form = DossierForm.objects.get(dossier=dossier, number="01")
    assert form.data["appointment_on"] == due.isoformat()
    assert form.data["code"] == dossier.code


def test_pause_and_resume_move_the_appointment_by_the_paused_working_time(
    world: World, permit: Any
) -> None:
    dossier = _accept_at(world, permit, local(2026, 3, 2, 9))
    assert dossier.due_on == D(2026, 3, 16)
    step = open_step(dossier)
    assert step.due_on == D(2026, 3, 9)  # 5 working days from Monday 09:00
    with time_machine.travel(local(2026, 3, 4, 9), tick=False):
        actions.pause_dossier(acting_user=world.specialist, dossier=dossier, reason="Chờ nộp phí")
    with time_machine.travel(local(2026, 3, 6, 9), tick=False):
        actions.resume_dossier(acting_user=world.specialist, dossier=dossier)
    dossier = refresh(dossier)
    assert dossier.due_on == D(2026, 3, 18)
    assert open_step(dossier).due_on == D(2026, 3, 11)
    event = DossierEvent.objects.filter(dossier=dossier).latest("id")
    assert event.data["previous_due_on"] == "2026-03-16"


def test_completing_a_supplement_restarts_the_count_from_zero(world: World, permit: Any) -> None:
    dossier = _accept_at(world, permit, local(2026, 3, 2, 9))
    with time_machine.travel(local(2026, 3, 3, 10), tick=False):
        actions.request_supplement(
            acting_user=world.specialist, dossier=dossier, other_items=["Bản vẽ mặt cắt"]
        )
    # The supplement arrives on Thursday 12/3 after 15:00: the count starts from Friday 13/3.
    with time_machine.travel(local(2026, 3, 12, 16), tick=False):
        actions.submit_supplement(
            acting_user=world.citizen,
            dossier=dossier,
            documents=[actions.DocumentInput(name="Bản vẽ mặt cắt", content=PDF)],
        )
    dossier = refresh(dossier)
    assert dossier.due_on == D(2026, 3, 27)
    assert dossier.original_due_on == D(2026, 3, 16)
    assert dossier.supplement_count == 1
    assert dossier.documents.filter(supplement_round=1).count() == 1
    assert open_step(dossier).received_at == local(2026, 3, 12, 16)


@pytest.mark.parametrize(
    ("accepted", "last_allowed", "too_late"),
    [
        (local(2026, 3, 2, 9), local(2026, 3, 5, 17), local(2026, 3, 6, 8)),
        # Accepted on Friday after 15:00: counted from Monday, so until Thursday.
        (local(2026, 3, 6, 16), local(2026, 3, 12, 17), local(2026, 3, 13, 8)),
    ],
)
def test_a_supplement_can_be_requested_only_within_three_working_days_of_receipt(
    world: World,
    permit: Any,
    accepted: dt.datetime,
    last_allowed: dt.datetime,
    too_late: dt.datetime,
) -> None:
    late = _accept_at(world, permit, accepted)
    in_time = _accept_at(world, permit, accepted)
    with time_machine.travel(too_late, tick=False), pytest.raises(Conflict) as raised:
        actions.request_supplement(acting_user=world.specialist, dossier=late, other_items=["X"])
    assert raised.value.instance_code == "supplement_too_late"
    with time_machine.travel(last_allowed, tick=False):
        actions.request_supplement(acting_user=world.specialist, dossier=in_time, other_items=["X"])
    assert refresh(in_time).status == "supplement_requested"
    assert DossierForm.objects.filter(dossier=in_time, number="02").count() == 1


def test_one_reschedule_at_most_and_no_later_than_a_working_day_before_the_due_date(
    world: World, permit: Any
) -> None:
    dossier = _accept_at(world, permit, local(2026, 3, 2, 9))  # due Monday 16/3
    too_late = _accept_at(world, permit, local(2026, 3, 2, 9))
    with time_machine.travel(local(2026, 3, 16, 8), tick=False), pytest.raises(Conflict) as late:
        actions.apologise_and_reschedule(
            acting_user=world.leader, dossier=too_late, reason="Quá tải", new_due_on=D(2026, 3, 20)
        )
    assert late.value.instance_code == "reschedule_too_late"

    with time_machine.travel(local(2026, 3, 13, 16), tick=False):  # Friday: the last day
        with pytest.raises(InvalidInput) as weekend:
            actions.apologise_and_reschedule(
                acting_user=world.leader,
                dossier=dossier,
                reason="Quá tải",
                new_due_on=D(2026, 3, 21),
            )
        assert "new_due_on" in weekend.value.errors
        actions.apologise_and_reschedule(
            acting_user=world.leader, dossier=dossier, reason="Quá tải", new_due_on=D(2026, 3, 20)
        )
        with pytest.raises(Conflict) as twice:
            actions.apologise_and_reschedule(
                acting_user=world.leader,
                dossier=dossier,
                reason="Lần nữa",
                new_due_on=D(2026, 3, 25),
            )
    assert twice.value.instance_code == "already_rescheduled"
    dossier = refresh(dossier)
    assert (dossier.due_on, dossier.original_due_on) == (D(2026, 3, 20), D(2026, 3, 16))
    form = DossierForm.objects.get(dossier=dossier, number="04")
    assert form.data["new_due_on"] == "2026-03-20"
    assert form.data["previous_due_on"] == "2026-03-16"


def test_a_step_finished_after_its_budget_is_late_in_the_history(world: World, permit: Any) -> None:
    dossier = _accept_at(world, permit, local(2026, 3, 2, 9))
    with time_machine.travel(local(2026, 3, 10, 10), tick=False):
        actions.complete_step(acting_user=world.specialist, dossier=dossier, note="Đạt")
    event = DossierEvent.objects.filter(dossier=dossier, action="complete_step").get()
    assert (event.step_due_on, event.timeliness) == (D(2026, 3, 9), "late")
    approval = open_step(dossier)
    assert approval.kind == "approve"
    assert approval.received_at == local(2026, 3, 10, 10)


def test_a_consultation_has_its_own_deadline_and_a_late_reply_is_marked(
    world: World, permit: Any
) -> None:
    dossier = _accept_at(world, permit, local(2026, 3, 2, 9))
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        consultation = actions.consult_agency(
            acting_user=world.specialist,
            dossier=dossier,
            agency=world.justice.organ_code,
            question="Ý kiến về pháp lý?",
            days=3,
        )
    assert consultation.due_on == D(2026, 3, 5)
    with time_machine.travel(local(2026, 3, 6, 10), tick=False):
        reply = actions.reply_consultation(
            acting_user=world.outsider, dossier=dossier, reply="Đồng ý"
        )
    assert reply.timeliness == "late"
    assert refresh(dossier).status == "in_processing"


def test_a_dossier_finished_before_its_due_date_is_early_and_returned_with_a_control_slip(
    world: World, permit: Any
) -> None:
    dossier = _accept_at(world, permit, local(2026, 3, 2, 9))
    with time_machine.travel(local(2026, 3, 4, 9), tick=False):
        actions.complete_step(acting_user=world.specialist, dossier=dossier)
        actions.approve_dossier(acting_user=world.leader, dossier=dossier)
        actions.complete_step(acting_user=world.document_clerk, dossier=dossier)
        actions.record_result(acting_user=world.specialist, dossier=dossier, summary="GPXD 12")
        actions.return_result(acting_user=world.clerk, dossier=dossier)
    dossier = refresh(dossier)
    assert (dossier.status, dossier.timeliness, dossier.outcome) == (
        "returned",
        "early",
        "approved",
    )
    slip = DossierForm.objects.get(dossier=dossier, number="05").data["steps"]
    assert [row["name"] for row in slip] == [
        "Tiếp nhận",
        "Thẩm định",
        "Phê duyệt",
        "Phát hành",
        "Trả kết quả",
    ]
    assert all(row["timeliness"] in {"early", "on_time"} for row in slip)
