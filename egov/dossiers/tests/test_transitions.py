"""Every row of the transition table is exercised, and every action is refused (409) in every
state the table does not list it for. Both lists come from ``workflow.TRANSITIONS``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from egov.dossiers import actions
from egov.dossiers.models import Dossier, DossierEvent, StepStatus
from egov.dossiers.operations import perform
from egov.dossiers.tests.factories import (
    PDF,
    dossier_in,
    make_bundle,
    open_step,
    refresh,
    register,
)
from egov.dossiers.workflow import TRANSITIONS, Action, Status, actions_from
from egov.lib.problems import Conflict
from egov.testing.world import World

pytestmark = pytest.mark.usefixtures("at_monday_morning")

Scenario = Callable[[World, Any], tuple[Dossier, Any, dict[str, Any]]]
S, A = Status, Action


def _state(state: str, who: str, **params: Any) -> Scenario:
    def build(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
        return dossier_in(state, world, permit), getattr(world, who), params

    return build


def _document() -> dict[str, Any]:
    return {"documents": [actions.DocumentInput(name="Bản vẽ bổ sung", content=PDF)]}


def _assign(state: str) -> Scenario:
    def build(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
        dossier = dossier_in(state, world, permit)
        assignee = world.specialist if state != S.APPROVED else world.document_clerk
        return dossier, world.leader, {"assignee": assignee.username}

    return build


def _bundle_in_processing(world: World) -> Dossier:
    return actions.accept_dossier(
        acting_user=world.clerk, dossier=register(world, make_bundle(world))
    )


def _last_parallel_then_sign(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
    dossier = _bundle_in_processing(world)
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    actions.complete_step(acting_user=world.outsider, dossier=dossier)
    return refresh(dossier), world.leader, {}


def _complete_while_consulting(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
    dossier = _bundle_in_processing(world)
    actions.consult_agency(
        acting_user=world.specialist,
        dossier=dossier,
        agency=world.province.organ_code,
        question="Xin ý kiến",
        days=2,
    )
    return refresh(dossier), world.outsider, {}


def _second_consultation(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
    dossier = dossier_in(S.CONSULTING, world, permit)
    return (
        dossier,
        world.specialist,
        {"agency": world.province.organ_code, "question": "Hỏi thêm", "days": 2},
    )


def _reply_one_of_two(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
    dossier, user, params = _second_consultation(world, permit)
    perform(Action.CONSULT, user=user, dossier=dossier.code, params=params)
    return refresh(dossier), world.outsider, {"reply": "Đồng ý"}


def _approvable(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
    dossier = dossier_in(S.IN_PROCESSING, world, permit)
    actions.complete_step(acting_user=world.specialist, dossier=dossier)
    return refresh(dossier), world.leader, {}


def _issued(world: World, permit: Any) -> tuple[Dossier, Any, dict[str, Any]]:
    dossier = dossier_in(S.APPROVED, world, permit)
    actions.complete_step(acting_user=world.document_clerk, dossier=dossier)
    return (
        refresh(dossier),
        world.specialist,
        {"summary": "Giấy phép số 12/GPXD", "number": "12/GPXD"},
    )


RESCHEDULE = {"reason": "Cần kiểm tra thực địa", "new_due_on": "2026-03-20"}

ROWS: dict[tuple[str, str, str], Scenario] = {
    (A.ACCEPT, S.SUBMITTED, S.IN_PROCESSING): _state(S.SUBMITTED, "clerk"),
    (A.REQUEST_SUPPLEMENT, S.SUBMITTED, S.INCOMPLETE): _state(
        S.SUBMITTED, "clerk", other_items=["Bản vẽ mặt bằng"]
    ),
    (A.SUBMIT_SUPPLEMENT, S.INCOMPLETE, S.SUBMITTED): lambda w, p: (
        dossier_in(S.INCOMPLETE, w, p),
        w.clerk,
        _document(),
    ),
    (A.REFUSE, S.SUBMITTED, S.REFUSED): _state(S.SUBMITTED, "clerk", reason="Sai thẩm quyền"),
    (A.REFUSE, S.INCOMPLETE, S.REFUSED): _state(S.INCOMPLETE, "clerk", reason="Quá hạn bổ sung"),
    (A.ASSIGN, S.IN_PROCESSING, S.IN_PROCESSING): _assign(S.IN_PROCESSING),
    (A.ASSIGN, S.CONSULTING, S.CONSULTING): _assign(S.CONSULTING),
    (A.ASSIGN, S.APPROVED, S.APPROVED): _assign(S.APPROVED),
    (A.ASSIGN, S.WAITING_FOR_APPLICANT, S.WAITING_FOR_APPLICANT): _assign(S.WAITING_FOR_APPLICANT),
    (A.COMPLETE_STEP, S.IN_PROCESSING, S.IN_PROCESSING): _state(S.IN_PROCESSING, "specialist"),
    (A.COMPLETE_STEP, S.IN_PROCESSING, S.APPROVED): _last_parallel_then_sign,
    (A.COMPLETE_STEP, S.CONSULTING, S.CONSULTING): _complete_while_consulting,
    (A.COMPLETE_STEP, S.APPROVED, S.APPROVED): _state(S.APPROVED, "document_clerk"),
    (A.REQUEST_SUPPLEMENT, S.IN_PROCESSING, S.SUPPLEMENT_REQUESTED): _state(
        S.IN_PROCESSING, "specialist", other_items=["Bản vẽ mặt cắt"]
    ),
    (A.SUBMIT_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, S.IN_PROCESSING): lambda w, p: (
        dossier_in(S.SUPPLEMENT_REQUESTED, w, p),
        w.citizen,
        _document(),
    ),
    (A.CONSULT, S.IN_PROCESSING, S.CONSULTING): lambda w, p: (
        dossier_in(S.IN_PROCESSING, w, p),
        w.specialist,
        {"agency": w.justice.organ_code, "question": "Xin ý kiến", "days": 3},
    ),
    (A.CONSULT, S.CONSULTING, S.CONSULTING): _second_consultation,
    (A.REPLY_CONSULTATION, S.CONSULTING, S.IN_PROCESSING): _state(
        S.CONSULTING, "outsider", reply="Đồng ý"
    ),
    (A.REPLY_CONSULTATION, S.CONSULTING, S.CONSULTING): _reply_one_of_two,
    (A.PAUSE, S.IN_PROCESSING, S.WAITING_FOR_APPLICANT): _state(
        S.IN_PROCESSING, "specialist", reason="Chờ nộp phí"
    ),
    (A.RESUME, S.WAITING_FOR_APPLICANT, S.IN_PROCESSING): _state(
        S.WAITING_FOR_APPLICANT, "specialist"
    ),
    (A.APOLOGISE_AND_RESCHEDULE, S.IN_PROCESSING, S.IN_PROCESSING): _state(
        S.IN_PROCESSING, "leader", **RESCHEDULE
    ),
    (A.APOLOGISE_AND_RESCHEDULE, S.CONSULTING, S.CONSULTING): _state(
        S.CONSULTING, "leader", **RESCHEDULE
    ),
    (A.APOLOGISE_AND_RESCHEDULE, S.APPROVED, S.APPROVED): _state(
        S.APPROVED, "leader", **RESCHEDULE
    ),
    (A.APPROVE, S.IN_PROCESSING, S.APPROVED): _approvable,
    (A.REJECT_ON_MERITS, S.IN_PROCESSING, S.REJECTED): _state(
        S.IN_PROCESSING, "leader", reason="Không phù hợp quy hoạch"
    ),
    (A.REJECT_ON_MERITS, S.CONSULTING, S.REJECTED): _state(
        S.CONSULTING, "leader", reason="Không phù hợp quy hoạch"
    ),
    (A.RECORD_RESULT, S.APPROVED, S.RESULT_READY): _issued,
    (A.RETURN_RESULT, S.RESULT_READY, S.RETURNED): _state(S.RESULT_READY, "clerk"),
    (A.RETURN_RESULT, S.REJECTED, S.RETURNED): _state(S.REJECTED, "clerk"),
    **{
        (A.WITHDRAW, state, S.WITHDRAWN): _state(state, "citizen", reason="Không còn nhu cầu")
        for state in (
            S.SUBMITTED,
            S.INCOMPLETE,
            S.IN_PROCESSING,
            S.SUPPLEMENT_REQUESTED,
            S.CONSULTING,
            S.WAITING_FOR_APPLICANT,
        )
    },
}


def test_every_row_of_the_table_has_a_scenario() -> None:
    assert set(ROWS) == {(t.action, t.source, t.target) for t in TRANSITIONS}


@pytest.mark.parametrize("row", sorted(ROWS), ids=lambda row: "-".join(row))
def test_each_allowed_transition_moves_the_dossier_and_records_history(
    world: World, permit: Any, row: tuple[str, str, str]
) -> None:
    action_name, source, target = row
    dossier, user, params = ROWS[row](world, permit)
    assert dossier.status == source
    events_before = DossierEvent.objects.filter(dossier=dossier).count()

    perform(action_name, user=user, dossier=dossier.code, params=params)

    dossier = refresh(dossier)
    assert dossier.status == target
    event = DossierEvent.objects.filter(dossier=dossier).latest("at", "id")
    assert DossierEvent.objects.filter(dossier=dossier).count() == events_before + 1
    assert (event.action, event.from_status, event.to_status) == row
    assert event.actor == user


# Well-formed input for every action, so only the state can be wrong.
VALID_INPUT: dict[str, dict[str, Any]] = {
    A.ASSIGN: {"assignee": "dung"},
    A.APOLOGISE_AND_RESCHEDULE: RESCHEDULE,
    A.CONSULT: {"agency": "000.00.05.H58", "question": "?", "days": 3},
    A.REPLY_CONSULTATION: {"reply": "Đồng ý"},
    A.RECORD_RESULT: {"summary": "Giấy phép"},
    A.REFUSE: {"reason": "Lý do"},
    A.REJECT_ON_MERITS: {"reason": "Lý do"},
    A.PAUSE: {"reason": "Lý do"},
    A.REQUEST_SUPPLEMENT: {"other_items": ["Giấy tờ"]},
}

FORBIDDEN = sorted(
    (action, state)
    for state in Status.values
    for action in Action.values
    if action not in actions_from(state)
)


@pytest.mark.parametrize("case", FORBIDDEN, ids=lambda case: "-".join(case))
def test_each_action_outside_the_table_is_a_conflict_that_changes_nothing(
    world: World, permit: Any, case: tuple[str, str]
) -> None:
    action_name, state = case
    dossier = dossier_in(state, world, permit)
    events = DossierEvent.objects.filter(dossier=dossier).count()

    with pytest.raises(Conflict) as raised:
        perform(
            action_name,
            user=world.leader,
            dossier=dossier.code,
            params=VALID_INPUT.get(action_name, {}),
        )

    assert raised.value.instance_code == "transition_not_allowed"
    assert state in str(raised.value.extra["status"])
    assert refresh(dossier).status == state
    assert DossierEvent.objects.filter(dossier=dossier).count() == events


def test_open_steps_are_cancelled_when_a_dossier_is_withdrawn(world: World, permit: Any) -> None:
    dossier = dossier_in(S.IN_PROCESSING, world, permit)
    open_step(dossier)
    actions.withdraw_dossier(acting_user=world.citizen, dossier=dossier)
    assert not dossier.steps.filter(status__in=[StepStatus.OPEN, StepStatus.PENDING]).exists()


def test_every_action_has_a_transition_and_every_state_but_the_final_ones_a_way_out() -> None:
    from egov.dossiers.workflow import FINAL

    assert {t.action for t in TRANSITIONS} == set(Action.values)
    for state in Status.values:
        leaving = [t for t in TRANSITIONS if t.source == state and t.target != state]
        assert bool(leaving) == (state not in FINAL), state


def test_every_state_is_reachable_from_submission() -> None:
    reached, frontier = {Status.SUBMITTED.value}, [Status.SUBMITTED.value]
    while frontier:
        state = frontier.pop()
        for t in TRANSITIONS:
            if t.source == state and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(Status.values)
