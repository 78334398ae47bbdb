"""The outbox state machine and the periodic sweep."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from egov.lib.problems import Conflict, PermissionDenied
from egov.notifications.actions import claim_delivery, record_delivery_result, requeue_delivery
from egov.notifications.models import DeliveryStatus, OutboxMessage
from egov.notifications.outbox import TRANSITIONS, transition
from egov.notifications.services import notify

pytestmark = pytest.mark.django_db


def _message(event, citizen) -> OutboxMessage:  # type: ignore[no-untyped-def]
    notify(event.key, recipients=[citizen], context={"code": "H58-1"})
    return OutboxMessage.objects.get()


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [pytest.param(c, t, a, id=f"{c}->{t}") for c, t, a in TRANSITIONS.pairs()],
)
def test_every_transition_of_the_table_is_allowed_or_refused(
    event, reachable, current, target, allowed
) -> None:  # type: ignore[no-untyped-def]
    message = _message(event, reachable)
    message.status = current
    if allowed:
        transition(message, target, "test")
        assert message.status == target
        assert message.transitions.get().to_status == target
    else:
        with pytest.raises(Conflict):
            transition(message, target, "test")
        assert message.status == current
        assert not message.transitions.exists()


def test_a_delivered_message_is_final() -> None:
    assert TRANSITIONS.is_final(DeliveryStatus.DELIVERED)
    assert not TRANSITIONS.is_final(DeliveryStatus.PERMANENT_FAILURE)


def test_a_message_is_claimed_by_one_worker_only(event, reachable) -> None:  # type: ignore[no-untyped-def]
    message = _message(event, reachable)
    assert claim_delivery(acting_user=None, message_id=message.pk) is not None
    with pytest.raises(Conflict):
        claim_delivery(acting_user=None, message_id=message.pk)


def test_a_result_for_a_message_nobody_sends_is_refused(event, reachable) -> None:  # type: ignore[no-untyped-def]
    message = _message(event, reachable)
    with pytest.raises(Conflict):
        record_delivery_result(acting_user=None, message_id=message.pk, outcome="delivered")


def test_the_sweep_enqueues_what_is_due_and_what_lost_its_task(
    event, reachable, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from egov.notifications import tasks

    enqueued: list[int] = []

    class FakeTask:
        enqueue = staticmethod(enqueued.append)

    monkeypatch.setattr(tasks, "deliver_message", FakeTask)
    fresh = _message(event, reachable)
    retry = OutboxMessage.objects.create(
        channel="email",
        event=event.key,
        address="x@example.vn",
        language="vi",
        body="x",
        status=DeliveryStatus.TEMPORARY_FAILURE,
        next_attempt_at=timezone.now() + dt.timedelta(minutes=5),
    )
    from egov.notifications.outbox import sweep

    assert sweep() == []  # the fresh one has its own task; the retry is not due
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert sorted(sweep()) == sorted([fresh.pk, retry.pk])
    assert sorted(enqueued) == sorted([fresh.pk, retry.pk])


def test_an_administrator_sends_a_failed_message_again(
    event, reachable, world, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    from egov.notifications.outbox import deliver_one

    smtp_server.refuse["an.nguyen@example.vn"] = "550 5.1.1 No such user"
    message = _message(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.PERMANENT_FAILURE
    with pytest.raises(PermissionDenied):
        requeue_delivery(acting_user=world.clerk, message_id=message.pk)
    smtp_server.refuse.clear()
    requeue_delivery(acting_user=world.admin, message_id=message.pk)
    assert deliver_one(message.pk) == DeliveryStatus.DELIVERED
    message.refresh_from_db()
    assert message.attempts == 1
    assert [t.to_status for t in message.transitions.all()] == [
        "sending",
        "permanent_failure",
        "created",
        "sending",
        "delivered",
    ]
