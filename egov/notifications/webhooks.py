"""Webhooks: integrators (the provincial and national portals) are told about events by an
HMAC-signed HTTP POST, delivered through the outbox (retries, backoff, per-delivery status).

Sending side of the protocol (what ``docs/api.md`` tells integrators):

``POST <subscription URL>`` with the JSON event as body and the headers
``Content-Type: application/json``, ``X-Egov-Event`` (the event type), ``X-Egov-Event-Id``
(the same as the body's ``id``: receivers drop an ID they have seen, since a delivery may be
repeated), ``X-Egov-Delivery`` (this delivery's ID), ``X-Egov-Timestamp`` (Unix seconds at the
attempt) and ``X-Egov-Signature: sha256=<hex>``, the HMAC-SHA256 of
``"{X-Egov-Timestamp}.{raw body}"`` with the subscription's secret.

Any 2xx is success. 408, 425, 429, 5xx, timeouts and connection errors are retried with
exponential backoff (``Retry-After`` honoured); any other answer (a redirect, 4xx) is permanent.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from egov.notifications.channels import DeliveryResult, Outcome, sign_report
from egov.notifications.models import (
    DeliveryStatus,
    OutboxChannel,
    OutboxMessage,
    WebhookSubscription,
)

USER_AGENT = "egov-webhooks/1"
RETRIED_STATUSES = {408, 425, 429}

# The statuses a subscription may choose from, registered by the app that sends the events
# (egov/dossiers/webhooks.py), so this app does not depend on it.
STATUSES: dict[str, Any] = {}


def register_statuses(choices: Iterable[tuple[str, Any]]) -> None:
    STATUSES.update(dict(choices))


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of ``"{timestamp}.{body}"`` (the same scheme as the SMS reports)."""
    return sign_report(body, timestamp, secret)


def matching_subscriptions(
    status: str, agency_ids: Callable[[], Iterable[int]]
) -> list[WebhookSubscription]:
    """Active subscriptions that want this event: its status among their ``events`` (or none
    listed) and one of the event's agencies among theirs (or none listed). ``agency_ids`` is
    only called when a subscription is limited to some agencies."""
    found = []
    agencies: set[int] | None = None
    for subscription in WebhookSubscription.objects.filter(is_active=True).prefetch_related(
        "agencies"
    ):
        if subscription.events and status not in subscription.events:
            continue
        scope = {a.pk for a in subscription.agencies.all()}
        if scope:
            agencies = set(agency_ids()) if agencies is None else agencies
            if not scope & agencies:
                continue
        found.append(subscription)
    return found


def enqueue_event(
    event_type: str,
    payload: Callable[[], Mapping[str, Any]],
    *,
    status: str,
    agency_ids: Callable[[], Iterable[int]],
) -> list[OutboxMessage]:
    """One outbox delivery per matching subscription, inside the caller's transaction; the
    deliveries start after commit. The body gets an ``id`` that every delivery and every
    retry of this event share (receivers drop IDs they have already seen)."""
    subscriptions = matching_subscriptions(status, agency_ids)
    if not subscriptions:
        return []
    body = json.dumps(
        {"id": str(uuid.uuid4()), "type": event_type, **payload()},
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )
    now = timezone.now()
    messages = [
        OutboxMessage(
            channel=OutboxChannel.WEBHOOK,
            event=event_type,
            webhook=subscription,
            address=subscription.url,
            language="",
            subject=event_type,
            body=body,
            status=DeliveryStatus.CREATED,
            next_attempt_at=now,
        )
        for subscription in subscriptions
    ]
    saved = OutboxMessage.objects.bulk_create(messages)
    ids = [m.pk for m in saved]
    if None in ids:  # a database that does not return keys from bulk inserts
        ids = list(
            OutboxMessage.objects.filter(uuid__in=[m.uuid for m in messages]).values_list(
                "pk", flat=True
            )
        )
    transaction.on_commit(lambda: _enqueue(ids))
    return saved


def _enqueue(ids: list[int]) -> None:
    from egov.notifications.tasks import deliver_message

    for message_id in ids:
        deliver_message.enqueue(message_id)


def headers(message: OutboxMessage, secret: str, timestamp: str | None = None) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    body = message.body.encode("utf-8")
    event_id = json.loads(message.body).get("id", "")
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Egov-Event": message.event,
        "X-Egov-Event-Id": str(event_id),
        "X-Egov-Delivery": str(message.uuid),
        "X-Egov-Timestamp": timestamp,
        "X-Egov-Signature": sign(secret, timestamp, body),
    }


def send_webhook(message: OutboxMessage) -> DeliveryResult:
    subscription = message.webhook
    if subscription is None:
        return DeliveryResult(Outcome.PERMANENT, error="the subscription was deleted")
    if not subscription.is_active:
        return DeliveryResult(Outcome.PERMANENT, error="the subscription is not active")
    try:
        response = httpx.post(
            subscription.url,
            content=message.body.encode("utf-8"),
            headers=headers(message, subscription.secret),
            timeout=settings.WEBHOOK_TIMEOUT,
            follow_redirects=False,
        )
    except httpx.HTTPError as exc:
        return DeliveryResult(Outcome.TEMPORARY, error=f"{type(exc).__name__}: {exc}")
    code = response.status_code
    text = f"HTTP {code} {response.text[:200]}".strip()
    if 200 <= code < 300:
        return DeliveryResult(Outcome.DELIVERED, provider_message_id=f"HTTP {code}")
    if code in RETRIED_STATUSES or code >= 500:
        retry_after = response.headers.get("Retry-After", "")
        return DeliveryResult(
            Outcome.TEMPORARY,
            error=text,
            retry_after=int(retry_after) if retry_after.isdigit() else None,
        )
    return DeliveryResult(Outcome.PERMANENT, error=text)
