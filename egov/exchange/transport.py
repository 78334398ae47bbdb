"""Delivering outbox items over HTTP, after commit, with retries.

An item is *claimed* with a short lease (a conditional UPDATE, like the task queue marks a task
as running) so that the per-item task and the periodic sweep never send it twice at once; the
attempt's outcome is then recorded by the ``record_delivery`` action. A package that reached the
peer but whose answer was lost is simply sent again: the receiver recognises it and answers with
the acknowledgement it gave the first time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
from django.conf import settings
from django.db import close_old_connections, connections
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.exchange import actions, edxml, signing, trust
from egov.exchange.models import Endpoint, OutboxItem, OutboxState
from egov.lib.problems import Conflict

logger = logging.getLogger(__name__)

# Answers worth retrying; any other 4xx means the peer refused the package for good.
_RETRY_STATUSES = {408, 425, 429}
_local = threading.local()


def _client() -> httpx.Client:
    client = getattr(_local, "client", None)
    if client is None:
        client = httpx.Client(
            timeout=settings.EXCHANGE_HTTP_TIMEOUT,
            headers={"User-Agent": "egov-exchange/1"},
            follow_redirects=False,
        )
        _local.client = client
    return client


def claim(item_id: int) -> bool:
    now = timezone.now()
    lease = now + dt.timedelta(seconds=2 * settings.EXCHANGE_HTTP_TIMEOUT + 5)
    return bool(
        OutboxItem.objects.filter(pk=item_id, state=OutboxState.PENDING, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .update(leased_until=lease)
    )


def _problem_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:500]
    detail = body.get("detail", "") if isinstance(body, dict) else ""
    errors = body.get("errors", []) if isinstance(body, dict) else []
    extra = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors[:5])
    return f"{detail} {extra}".strip()[:1000]


def _read_ack(item: OutboxItem, response: httpx.Response) -> actions.Outcome:
    """Check the peer's signed acknowledgement of a document package."""
    try:
        root = edxml.parse_xml(response.content, max_bytes=settings.EXCHANGE_MAX_PACKAGE_BYTES)
        status = edxml.read_status(
            signing.verify_from_peer(root, item.peer, item.recipient_organ_code)
        )
    except trust.RevocationUnavailable as exc:
        return actions.Outcome(
            delivered=False,
            permanent=False,
            http_status=response.status_code,
            error=_("The peer's certificate cannot be checked for revocation: %(error)s")
            % {"error": exc},
        )
    except edxml.EdxmlError as exc:
        return actions.Outcome(
            delivered=False,
            permanent=True,
            http_status=response.status_code,
            error=_("The peer's acknowledgement is not valid: %(error)s") % {"error": exc},
        )
    if (
        status.response_for.document_id != item.message.document_id
        or status.sender.organ_id != item.recipient_organ_code
    ):
        return actions.Outcome(
            delivered=False,
            permanent=True,
            http_status=response.status_code,
            error=_("The peer acknowledged another document or answered for another organ."),
        )
    return actions.Outcome(
        delivered=True, http_status=response.status_code, ack=status, ack_payload=response.content
    )


def attempt(item: OutboxItem) -> actions.Outcome:
    """POST the package once and classify what happened (no database writes)."""
    started = time.monotonic()
    try:
        response = _client().post(
            item.url,
            content=item.message.payload.encode("utf-8"),
            headers={"Content-Type": "application/xml; charset=utf-8"},
        )
    except httpx.HTTPError as exc:
        return actions.Outcome(
            delivered=False,
            error=f"{type(exc).__name__}: {exc}"[:1000],
            duration_ms=int((time.monotonic() - started) * 1000),
        )
    elapsed = int((time.monotonic() - started) * 1000)
    if response.is_success:
        if item.endpoint == Endpoint.EDXML:
            outcome = _read_ack(item, response)
        else:
            outcome = actions.Outcome(delivered=True, http_status=response.status_code)
    else:
        outcome = actions.Outcome(
            delivered=False,
            permanent=400 <= response.status_code < 500
            and response.status_code not in _RETRY_STATUSES,
            http_status=response.status_code,
            error=f"HTTP {response.status_code}: {_problem_text(response)}",
        )
    return dataclasses.replace(outcome, duration_ms=elapsed)


def deliver(item_id: int) -> str | None:
    """Deliver one item if it is due and nobody else is on it; returns its new state."""
    if not claim(item_id):
        return None
    item = OutboxItem.objects.select_related("message", "peer").get(pk=item_id)
    outcome = attempt(item)
    try:
        recorded = actions.record_delivery(
            acting_user=None,
            item_id=item_id,
            outcome=outcome,
            jitter=random.random(),  # noqa: S311
        )
    except Conflict:  # an administrator changed it meanwhile
        return None
    if recorded.state != OutboxState.DELIVERED:
        logger.warning(
            "edXML delivery %s to %s: %s (%s)",
            item_id,
            item.recipient_organ_code,
            recorded.state,
            outcome.error,
        )
    return str(recorded.state)


def due_item_ids(limit: int) -> list[int]:
    now = timezone.now()
    return list(
        OutboxItem.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def _deliver_share(item_ids: list[int]) -> int:
    """One thread's share of a sweep, on its own database connection and HTTP client."""
    try:
        return sum(1 for item_id in item_ids if deliver(item_id) is not None)
    finally:
        client = getattr(_local, "client", None)
        if client is not None:
            client.close()
            _local.client = None
        close_old_connections()
        connections.close_all()


def process_outbox(*, limit: int = 500, concurrency: int | None = None) -> int:
    """Deliver every due item (up to ``limit``), ``concurrency`` at a time; returns how many
    were attempted."""
    concurrency = concurrency or settings.EXCHANGE_DELIVERY_CONCURRENCY
    item_ids = due_item_ids(limit)
    if concurrency <= 1 or len(item_ids) <= 1:
        return sum(1 for item_id in item_ids if deliver(item_id) is not None)
    shares = [item_ids[i::concurrency] for i in range(concurrency) if item_ids[i::concurrency]]
    with ThreadPoolExecutor(max_workers=len(shares), thread_name_prefix="edxml") as pool:
        return sum(pool.map(_deliver_share, shares))
