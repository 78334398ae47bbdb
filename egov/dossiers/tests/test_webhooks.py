"""Webhooks for integrators: dossier status changes POSTed, signed, to a real HTTP server on
loopback that checks the signature; retried with exponential backoff through the outbox."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from egov.audit.models import AuditEvent
from egov.dossiers import actions
from egov.dossiers.tests.factories import local, register
from egov.lib.problems import InvalidInput, PermissionDenied
from egov.notifications.actions import save_webhook_subscription
from egov.notifications.models import DeliveryStatus, OutboxMessage, WebhookSubscription
from egov.notifications.outbox import deliver_one, due_messages
from egov.testing.world import World

SECRET = "cong-dvc-quoc-gia-bi-mat-2026"


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_valid: bool
    answered: int


@dataclass
class Receiver:
    """An integrator's endpoint: checks the signature, fails the first ``fail_first`` calls
    (500), or every call when ``always_fail``; answers 401 to a bad signature."""

    url: str = ""
    secret: str = SECRET
    fail_first: int = 0
    always_fail: bool = False
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        timestamp = headers.get("X-Egov-Timestamp", "")
        expected = (
            "sha256="
            + hmac.new(
                self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
        )
        valid = hmac.compare_digest(expected, headers.get("X-Egov-Signature", ""))
        with self.lock:
            if not valid:
                status = 401
            elif self.always_fail or len(self.received) < self.fail_first:
                status = 500
            else:
                status = 204
            self.received.append(Received(headers, body, valid, status))
        return status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = state.answer(dict(self.headers.items()), body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/egov/webhooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def _subscribe(world: World, url: str, **fields: Any) -> WebhookSubscription:
    agencies = fields.pop("agencies", [])
    subscription, _generated = save_webhook_subscription(
        acting_user=world.admin,
        subscription=WebhookSubscription(name="Cổng Dịch vụ công quốc gia", url=url, **fields),
        new_secret=SECRET,
    )
    subscription.agencies.set(agencies)
    return subscription


def _accepted(world: World, permit: Any) -> Any:
    return actions.accept_dossier(acting_user=world.clerk, dossier=register(world, permit))


def test_a_status_change_is_delivered_signed_once_after_retries_with_backoff(
    world: World, permit: Any, receiver: Receiver
) -> None:
    receiver.fail_first = 2
    _subscribe(world, receiver.url)
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False) as traveller:
        dossier = _accepted(world, permit)
        message = OutboxMessage.objects.get(channel="webhook")
        started = timezone.now()
        assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
        message.refresh_from_db()
        assert message.next_attempt_at - started == dt.timedelta(seconds=30)
        assert deliver_one(message.pk) == "skipped"  # not due yet

        traveller.move_to(message.next_attempt_at)
        second = timezone.now()
        assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
        message.refresh_from_db()
        assert message.next_attempt_at - second == dt.timedelta(seconds=60)  # doubled

        traveller.move_to(message.next_attempt_at)
        assert deliver_one(message.pk) == DeliveryStatus.DELIVERED
        assert message.pk not in due_messages()
        assert deliver_one(message.pk) == "skipped"

    assert [r.answered for r in receiver.received] == [500, 500, 204]
    assert all(r.signature_valid for r in receiver.received)
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # every attempt carries the same event
    event = json.loads(bodies.pop())
    assert event["type"] == "dossier.status_changed"
    assert event["dossier"]["code"] == dossier.code
    assert event["dossier"]["procedure"]["code"] == permit.code
    assert (event["from_status"], event["to_status"]) == ("submitted", "in_processing")
    assert event["occurred_at"] == "2026-03-02T09:00:00+07:00"
    ids = {r.headers["X-Egov-Event-Id"] for r in receiver.received}
    assert ids == {event["id"]}
    assert {r.headers["X-Egov-Delivery"] for r in receiver.received} == {str(message.uuid)}
    stamps = [int(r.headers["X-Egov-Timestamp"]) for r in receiver.received]
    assert stamps[1] - stamps[0] == 30 and stamps[2] - stamps[1] == 60
    message.refresh_from_db()
    assert message.attempts == 3 and message.delivered_at is not None
    assert [t.to_status for t in message.transitions.all()] == [
        "sending",
        "temporary_failure",
        "sending",
        "temporary_failure",
        "sending",
        "delivered",
    ]


def test_the_delivery_fails_for_good_after_the_last_attempt(
    world: World, permit: Any, receiver: Receiver, settings: Any
) -> None:
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    receiver.always_fail = True
    _subscribe(world, receiver.url)
    with time_machine.travel(local(2026, 3, 2, 9, 0), tick=False) as traveller:
        _accepted(world, permit)
        message = OutboxMessage.objects.get(channel="webhook")
        outcomes = []
        for _attempt in range(3):
            outcomes.append(deliver_one(message.pk))
            message.refresh_from_db()
            if message.next_attempt_at:
                traveller.move_to(message.next_attempt_at)
    assert outcomes == ["temporary_failure", "temporary_failure", "permanent_failure"]
    assert len(receiver.received) == 3
    assert message.next_attempt_at is None
    assert "too many attempts" in message.transitions.last().note  # type: ignore[union-attr]


def test_a_refused_delivery_is_not_retried(world: World, permit: Any, receiver: Receiver) -> None:
    receiver.secret = "the-integrator-has-another-secret"  # our signature does not verify
    _subscribe(world, receiver.url)
    _accepted(world, permit)
    message = OutboxMessage.objects.get(channel="webhook")
    assert deliver_one(message.pk) == DeliveryStatus.PERMANENT_FAILURE
    message.refresh_from_db()
    assert message.last_error.startswith("HTTP 401")
    assert [r.signature_valid for r in receiver.received] == [False]


def test_subscriptions_choose_statuses_and_agencies(world: World, permit: Any) -> None:
    url = "https://dichvucong.gov.vn/hooks"
    everything = _subscribe(world, url)
    construction = _subscribe(world, url, agencies=[world.construction])
    _subscribe(world, url, agencies=[world.justice])
    _subscribe(world, url, events=["returned"])
    processing = _subscribe(world, url, events=["in_processing"])
    _subscribe(world, url, is_active=False)
    dossier = _accepted(world, permit)
    delivered_to = set(
        OutboxMessage.objects.filter(channel="webhook").values_list("webhook_id", flat=True)
    )
    assert delivered_to == {everything.pk, construction.pk, processing.pk}
    # Assigning keeps the status: not a status change, nothing sent.
    actions.assign_step(acting_user=world.unit_head, dossier=dossier, assignee=world.specialist)
    assert OutboxMessage.objects.filter(channel="webhook").count() == 3


def test_only_system_administrators_subscribe_and_the_secret_stays_out_of_the_audit(
    world: World,
) -> None:
    with pytest.raises(PermissionDenied):
        save_webhook_subscription(
            acting_user=world.leader,
            subscription=WebhookSubscription(name="X", url="https://example.vn/hook"),
        )
    with pytest.raises(InvalidInput) as error:
        save_webhook_subscription(
            acting_user=world.admin,
            subscription=WebhookSubscription(name="X", url="http://example.vn/hook"),
        )
    assert "url" in error.value.errors
    subscription, generated = save_webhook_subscription(
        acting_user=world.admin,
        subscription=WebhookSubscription(
            name="Cổng tỉnh", url="https://dichvucong.tiengiang.gov.vn/h"
        ),
    )
    assert len(generated) >= 32 and subscription.secret == generated
    audit = AuditEvent.objects.filter(verb="notifications.save_webhook_subscription").last()
    assert audit is not None and generated not in json.dumps(audit.after)
    assert audit.after["secret_changed"] is True


def test_an_administrator_subscribes_in_admin_and_sees_the_secret_once(
    client: Any, world: World
) -> None:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    form = {
        "name": "Cổng Dịch vụ công tỉnh",
        "url": "https://dichvucong.tiengiang.gov.vn/egov-hooks",
        "events": ["in_processing", "returned"],
        "agencies": [world.construction.pk],
        "is_active": "on",
        "new_secret": "",
    }
    response = client.post("/admin/notifications/webhooksubscription/add/", form, follow=True)
    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["in_processing", "returned"]
    assert list(subscription.agencies.all()) == [world.construction]
    assert subscription.secret in response.content.decode()  # shown once, after saving
    page = client.get(f"/admin/notifications/webhooksubscription/{subscription.pk}/change/")
    assert subscription.secret not in page.content.decode()
    refused = client.post(
        "/admin/notifications/webhooksubscription/add/",
        {**form, "url": "http://dichvucong.tiengiang.gov.vn/h", "new_secret": "short"},
    )
    errors = refused.context["adminform"].form.errors
    assert "url" in errors and "new_secret" in errors
