"""The delivery outbox: its state machine, the retry policy and the delivery loop.

It carries e-mails and SMS to people and webhook calls to integrators
(``egov/notifications/webhooks.py``); each channel has its own backoff and attempt limit.

A message is claimed (``created``/``temporary_failure`` → ``sending``) in one short
transaction, handed to the channel adapter outside any transaction, and its result recorded in
a second one. A worker that dies in between leaves the message ``sending``; the periodic sweep
returns it to ``temporary_failure`` after ``SENDING_LEASE`` so it is tried again (at least once
delivery: the SMS gateway drops a repeated ``client_ref``, mail clients a repeated Message-ID).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from egov.lib.problems import Conflict
from egov.lib.statemachine import Transitions
from egov.notifications.models import DeliveryStatus as S
from egov.notifications.models import OutboxChannel, OutboxMessage, OutboxTransition

logger = logging.getLogger(__name__)

TRANSITIONS = Transitions(
    S,
    {
        S.CREATED: {S.SENDING, S.TEMPORARY_FAILURE, S.PERMANENT_FAILURE},
        # Deferred again (rate limit) or tried again.
        S.TEMPORARY_FAILURE: {S.SENDING, S.TEMPORARY_FAILURE, S.PERMANENT_FAILURE},
        S.SENDING: {S.SENT, S.DELIVERED, S.TEMPORARY_FAILURE, S.PERMANENT_FAILURE},
        # Waiting for the SMS delivery report.
        S.SENT: {S.DELIVERED, S.PERMANENT_FAILURE},
        S.DELIVERED: set(),
        # An administrator may send it again (after fixing the address, say).
        S.PERMANENT_FAILURE: {S.CREATED},
    },
)

# Seconds to wait after the n-th failed attempt (the last value repeats).
BACKOFF = [60, 300, 900, 1800, 3600, 7200, 14400]
SENDING_LEASE = dt.timedelta(minutes=10)
# A created message whose after-commit task got lost is picked up by the sweep after this.
LOST_TASK_GRACE = dt.timedelta(minutes=2)
SWEEP_BATCH = 500


def transition(message: OutboxMessage, target: S, note: str = "") -> None:
    """Move a locked message to ``target`` and write the history row (the caller saves)."""
    TRANSITIONS.check(message.status, target)
    OutboxTransition.objects.create(
        message=message, from_status=message.status, to_status=target, note=note[:2000]
    )
    message.status = target


# Webhooks: exponential, 30 s doubling after each failed attempt, at most 6 hours.
WEBHOOK_BACKOFF_BASE = 30
WEBHOOK_BACKOFF_CAP = 6 * 3600


def backoff(attempts: int, channel: str = "") -> dt.timedelta:
    if channel == OutboxChannel.WEBHOOK:
        seconds = WEBHOOK_BACKOFF_BASE * 2 ** (max(attempts, 1) - 1)
        return dt.timedelta(seconds=min(seconds, WEBHOOK_BACKOFF_CAP))
    return dt.timedelta(seconds=BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1])


def max_attempts(channel: str) -> int:
    if channel == OutboxChannel.WEBHOOK:
        return int(settings.WEBHOOK_MAX_ATTEMPTS)
    return int(settings.NOTIFICATIONS_MAX_ATTEMPTS)


def rate_limit(channel: str) -> tuple[int, int] | None:
    """(messages, seconds): how many messages one address may get per window on a channel;
    None for webhooks (an integrator's endpoint takes every event)."""
    if channel == OutboxChannel.WEBHOOK:
        return None
    if channel == "sms":
        return settings.SMS_RATE_LIMIT, settings.NOTIFICATIONS_RATE_WINDOW
    return settings.EMAIL_RATE_LIMIT, settings.NOTIFICATIONS_RATE_WINDOW


def deliver_one(message_id: int) -> str:
    """Claim, send and record one message; returns what happened (for logs and tests)."""
    from egov.notifications.actions import claim_delivery, record_delivery_result
    from egov.notifications.channels import deliver

    try:
        message = claim_delivery(acting_user=None, message_id=message_id)
    except Conflict:
        return "skipped"
    if message is None:
        return "deferred"
    result = deliver(message)
    if result.error:
        logger.warning("outbox message %s: %s", message.pk, result.error)
    try:
        recorded = record_delivery_result(
            acting_user=None,
            message_id=message.pk,
            outcome=result.outcome.value,
            provider_message_id=result.provider_message_id,
            error=result.error,
            retry_after=result.retry_after,
        )
    except Conflict:  # settled meanwhile (the sweep released it, a report came)
        return "settled elsewhere"
    return recorded.status


def due_messages(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(
            Q(status=S.TEMPORARY_FAILURE, next_attempt_at__lte=now)
            | Q(status=S.CREATED, created_at__lte=now - LOST_TASK_GRACE)
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def stuck_messages(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        OutboxMessage.objects.filter(
            status=S.SENDING, claimed_at__lt=now - SENDING_LEASE
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def sweep(now: dt.datetime | None = None) -> list[int]:
    """Release stuck messages and enqueue a delivery for every message that is due.

    Returns the IDs it enqueued. A message enqueued twice is still sent once: the second claim
    finds it no longer due.
    """
    from egov.notifications.actions import record_delivery_result
    from egov.notifications.tasks import deliver_message

    for message_id in stuck_messages(now):
        try:
            record_delivery_result(
                acting_user=None,
                message_id=message_id,
                outcome="temporary",
                error="interrupted: no result within the sending lease",
            )
        except Conflict:
            continue
    due = due_messages(now)
    for message_id in due:
        deliver_message.enqueue(message_id)
    return due
