"""Every transition of the table, allowed and forbidden: by state (409) and by person (403)."""

from __future__ import annotations

from typing import Any

import pytest

from egov.audit.models import AuditEvent
from egov.documents import actions
from egov.documents.models import Direction, DocumentEvent, Status
from egov.documents.tests.factories import incoming_in, outgoing_in
from egov.documents.transitions import TRANSITIONS, allowed_actions, may_take
from egov.lib.problems import Conflict, PermissionDenied

pytestmark = pytest.mark.django_db

OUTGOING_STATUSES = [
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.RETURNED,
    Status.APPROVED,
    Status.SIGNED,
    Status.ISSUED,
    Status.SENT,
    Status.CANCELLED,
    Status.REVOKED,
]
INCOMING_STATUSES = [
    Status.ARRIVED,
    Status.REFUSED,
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.COMPLETED,
    Status.REVOKED,
]

# Everything an action may need; perform() passes on only what the action takes.
PARAMS: dict[str, Any] = {
    "reason": "Cần bổ sung",
    "position": "Giám đốc",
    "result": "Đã xử lý",
}

# transition -> (statuses it starts from, the person who may take it, people who may not)
ALLOWED = {
    "submit": ("specialist", ["document_clerk", "leader"]),
    "approve": ("unit_head", ["specialist", "document_clerk"]),
    "return": ("unit_head", ["specialist", "document_clerk"]),
    "sign": ("leader", ["specialist", "document_clerk"]),
    "issue": ("document_clerk", ["leader", "specialist"]),
    "send": ("document_clerk", ["leader", "unit_head"]),
    "cancel": ("specialist", ["document_clerk"]),
    "revoke": ("leader", ["document_clerk", "specialist"]),
    "accept": ("document_clerk", ["leader", "specialist"]),
    "refuse": ("document_clerk", ["leader", "specialist"]),
    "assign": ("leader", ["specialist", "document_clerk"]),
    "start": ("specialist", ["unit_head", "leader"]),
    "complete": ("specialist", ["document_clerk"]),
}


def _make(world, status: str, direction: str):  # type: ignore[no-untyped-def]
    if direction == Direction.OUTGOING:
        return outgoing_in(world, status)
    return incoming_in(world, status)


def _params(world, name: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    params = dict(PARAMS)
    if name == "assign":
        params.update(unit=world.construction_unit, assignee=world.specialist)
    return params


ALLOWED_CASES = [
    (name, status)
    for name, transition in TRANSITIONS.items()
    if name in ALLOWED
    for status in sorted(transition.sources)
]
FORBIDDEN_STATE_CASES = [
    (name, status)
    for name, transition in TRANSITIONS.items()
    if name in ALLOWED
    for status in (
        OUTGOING_STATUSES if transition.direction == Direction.OUTGOING else INCOMING_STATUSES
    )
    if status not in transition.sources
]
FORBIDDEN_PEOPLE_CASES = [
    (name, person) for name, (_who, others) in ALLOWED.items() for person in others
]


@pytest.mark.parametrize(("name", "status"), ALLOWED_CASES)
def test_each_allowed_transition_moves_the_document_and_leaves_history(world, name, status) -> None:  # type: ignore[no-untyped-def]
    transition = TRANSITIONS[name]
    doc = _make(world, status, transition.direction)
    who = getattr(world, ALLOWED[name][0])
    assert name in [t.name for t in allowed_actions(who, doc)]
    events_before = AuditEvent.objects.count()
    result = actions.perform(name, acting_user=who, document=doc, **_params(world, name))
    assert result.status == transition.target
    last = DocumentEvent.objects.filter(document=doc).order_by("-id").first()
    assert (last.action, last.from_status, last.to_status) == (name, status, transition.target)
    assert last.actor == who
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.order_by("-seq").first().verb == f"documents.{name}"


@pytest.mark.parametrize(("name", "status"), FORBIDDEN_STATE_CASES)
def test_each_transition_from_a_wrong_status_is_a_conflict(world, name, status) -> None:  # type: ignore[no-untyped-def]
    transition = TRANSITIONS[name]
    doc = _make(world, status, transition.direction)
    who = getattr(world, ALLOWED[name][0])
    assert name not in [t.name for t in allowed_actions(who, doc)]
    with pytest.raises(Conflict) as caught:
        actions.perform(name, acting_user=who, document=doc, **_params(world, name))
    assert caught.value.instance_code == "invalid_transition"
    doc.refresh_from_db()
    assert doc.status == status


@pytest.mark.parametrize(("name", "person"), FORBIDDEN_PEOPLE_CASES)
def test_each_transition_by_the_wrong_person_is_refused(world, name, person) -> None:  # type: ignore[no-untyped-def]
    transition = TRANSITIONS[name]
    status = sorted(transition.sources)[0]
    doc = _make(world, status, transition.direction)
    who = getattr(world, person)
    assert name not in [t.name for t in allowed_actions(who, doc)]
    with pytest.raises(PermissionDenied):
        actions.perform(name, acting_user=who, document=doc, **_params(world, name))
    doc.refresh_from_db()
    assert doc.status == status


def test_only_the_system_withdraws_an_incoming_document(world) -> None:  # type: ignore[no-untyped-def]
    doc = incoming_in(world, Status.ASSIGNED)
    withdraw = TRANSITIONS["withdraw"]
    assert not may_take(world.leader, doc, withdraw)
    assert may_take(None, doc, withdraw)
    assert "withdraw" not in actions.TRANSITION_ACTIONS


def test_an_unknown_action_name_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    from egov.lib.problems import NotFound

    doc = outgoing_in(world, Status.DRAFT)
    with pytest.raises(NotFound):
        actions.perform("publish", acting_user=world.specialist, document=doc)


def test_every_status_is_reachable_and_every_transition_is_covered() -> None:
    targets = {t.target for t in TRANSITIONS.values()}
    starts = {Status.DRAFT, Status.REGISTERED, Status.ARRIVED}
    assert set(OUTGOING_STATUSES + INCOMING_STATUSES) - starts <= targets
    assert set(ALLOWED) | {"withdraw"} == set(TRANSITIONS)
