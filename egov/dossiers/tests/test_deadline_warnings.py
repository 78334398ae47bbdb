"""The periodic job warns the step's handler when a step nears its budget, the unit head when it
is over, and the agency leader 2 working days before the dossier's due date; each warning once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from egov.dossiers import actions
from egov.dossiers.tasks import warn_about_deadlines
from egov.dossiers.tests.factories import local, register
from egov.notifications.models import Notification
from egov.testing.world import World


def _run_at(when: dt.datetime) -> Any:
    with time_machine.travel(when, tick=False):
        return warn_about_deadlines.call()


def _events(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("id").values_list("event", flat=True)
    )


def _accepted(world: World, permit: Any) -> Any:
    with time_machine.travel(local(2026, 3, 2, 9), tick=False):
        return actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))


def test_nothing_is_sent_while_every_deadline_is_far(world: World, permit: Any) -> None:
    _accepted(world, permit)
    assert _run_at(local(2026, 3, 4, 10)) == {}
    assert _events(world.specialist) == []


def test_the_handler_is_warned_once_when_the_step_is_due_by_the_next_working_day(
    world: World, permit: Any
) -> None:
    dossier = _accepted(world, permit)  # the step "Thẩm định" is due Monday 9/3
    assert _run_at(local(2026, 3, 6, 10)) == {"near": 1, "over": 0, "leader": 0}
    assert _run_at(local(2026, 3, 6, 10, 30)) == {}
    assert _events(world.specialist) == ["dossiers.step_due_soon"]
    note = Notification.objects.get(recipient=world.specialist)
    assert dossier.code in note.title
    assert "Thẩm định" in note.title


def test_an_assigned_step_warns_only_its_assignee(world: World, permit: Any) -> None:
    from egov.org.models import Membership, Role

    colleague = world.citizen2
    Membership.objects.create(
        user=colleague,
        agency=world.construction,
        unit=world.construction_unit,
        role=Role.SPECIALIST,
    )
    dossier = _accepted(world, permit)
    actions.assign_step(acting_user=world.unit_head, dossier=dossier, assignee=colleague)
    _run_at(local(2026, 3, 6, 10))
    assert _events(colleague) == ["dossiers.step_due_soon"]
    assert _events(world.specialist) == []


def test_the_unit_head_is_warned_once_when_a_step_is_over_its_budget(
    world: World, permit: Any
) -> None:
    _accepted(world, permit)
    counts = _run_at(local(2026, 3, 10, 8))
    assert counts["over"] == 1
    assert _run_at(local(2026, 3, 10, 9)) == {}
    assert "dossiers.step_overdue" in _events(world.unit_head)
    assert "dossiers.step_overdue" not in _events(world.specialist)


def test_the_leader_is_warned_two_working_days_before_the_due_date_and_again_after_a_reschedule(
    world: World, permit: Any
) -> None:
    dossier = _accepted(world, permit)  # due Monday 16/3
    with time_machine.travel(local(2026, 3, 2, 10), tick=False):
        actions.complete_step(acting_user=world.specialist, dossier=dossier)  # approval is open
    assert _run_at(local(2026, 3, 11, 10))["leader"] == 0
    assert _run_at(local(2026, 3, 12, 10))["leader"] == 1
    assert _run_at(local(2026, 3, 12, 11)) == {}
    leader_notes = Notification.objects.filter(recipient=world.leader, event="dossiers.due_soon")
    assert leader_notes.count() == 1
    assert "13/03/2026" in leader_notes.get().title  # the last day for form 04

    with time_machine.travel(local(2026, 3, 12, 14), tick=False):
        actions.apologise_and_reschedule(
            acting_user=world.leader,
            dossier=dossier,
            reason="Quá tải",
            new_due_on=dt.date(2026, 3, 20),
        )
    assert _run_at(local(2026, 3, 13, 10)).get("leader", 0) == 0
    assert _run_at(local(2026, 3, 18, 10))["leader"] == 1
    assert leader_notes.count() == 2


def test_a_paused_dossier_is_not_warned(world: World, permit: Any) -> None:
    dossier = _accepted(world, permit)
    with time_machine.travel(local(2026, 3, 3, 9), tick=False):
        actions.pause_dossier(acting_user=world.specialist, dossier=dossier, reason="Chờ phí")
    assert _run_at(local(2026, 3, 20, 9)) == {}
