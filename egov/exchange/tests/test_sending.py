"""Sending: signed packages into the outbox, delivered after commit, retried with backoff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from egov.exchange import actions, edxml, signing, transport
from egov.exchange.codes import BusinessDocType, StatusCode
from egov.exchange.models import (
    DeliveryAttempt,
    Direction,
    Handling,
    Message,
    OutboxItem,
    OutboxState,
    Transmission,
)
from egov.exchange.samples import organization, sample_document
from egov.exchange.tests.helpers import B_ORGAN, StubPeer, acknowledging, b_organization
from egov.lib.problems import Conflict, InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db


@pytest.fixture
def stub(peer_b) -> Iterator[StubPeer]:  # type: ignore[no-untyped-def]
    """B as a stub server; tests set ``stub.respond``."""
    server = StubPeer(lambda path, body: (500, b"not configured", "text/plain"))
    peer_b.endpoint_url = server.url
    peer_b.save()
    yield server
    server.close()


def outgoing(world, **kwargs) -> edxml.DocumentMessage:  # type: ignore[no-untyped-def]
    kwargs.setdefault(
        "sender", organization(world.construction.organ_code, world.construction.name)
    )
    kwargs.setdefault("to", (b_organization(),))
    return sample_document(**kwargs)


def _send(world, **kwargs) -> Transmission:  # type: ignore[no-untyped-def]
    (sent,) = actions.send_document(
        acting_user=world.document_clerk, message=outgoing(world, **kwargs)
    )
    return sent


def test_sending_signs_the_package_and_queues_it_for_the_peer(  # type: ignore[no-untyped-def]
    world, peer_b, material, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = _send(world)
    assert sent.direction == Direction.OUTGOING
    assert sent.status == Handling.QUEUED
    assert sent.remote_organ_code == B_ORGAN
    item = OutboxItem.objects.get()
    assert item.state == OutboxState.PENDING
    assert item.peer == peer_b
    assert item.url == f"{peer_b.endpoint_url}/api/v1/exchange/edxml?to={B_ORGAN}"
    root = edxml.parse_xml(item.message.payload.encode(), max_bytes=10_000_000)
    message = edxml.read_document(signing.verify(root, material.certificate))
    assert message.document_id == sent.document_id
    assert message.traces[-1].organ_id == world.construction.organ_code  # our trace appended
    # Delivery waits for the commit, then runs on the outbox queue.
    task = DBTaskResult.objects.get()
    assert task.queue_name == "outbox"
    assert task.args_kwargs["args"] == [item.pk]


def test_delivery_waits_for_the_commit(world, peer_b, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _send(world)
    assert DBTaskResult.objects.count() == 0
    assert len(callbacks) == 1


def test_a_delivered_package_is_acknowledged_and_the_status_recorded(  # type: ignore[no-untyped-def]
    world, stub, other_material
) -> None:
    stub.respond = acknowledging(other_material)
    sent = _send(world)
    item = OutboxItem.objects.get()
    assert transport.deliver(item.pk) == OutboxState.DELIVERED
    item.refresh_from_db()
    sent.refresh_from_db()
    assert item.delivered_at is not None
    assert item.attempts == 1
    assert sent.status == Handling.ARRIVED
    assert [e.to_value for e in sent.events.all()] == [Handling.QUEUED, Handling.ARRIVED]
    ack = Message.objects.get(direction=Direction.INCOMING)
    assert ack.status_code == StatusCode.ARRIVED
    assert ack.transmission == sent
    (path, body) = stub.requests[0]
    assert path == f"/api/v1/exchange/edxml?to={B_ORGAN}"
    assert body == item.message.payload.encode()
    assert DeliveryAttempt.objects.get().outcome == OutboxState.DELIVERED


def test_an_unreachable_peer_is_retried_later_with_backoff(world, peer_b, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EXCHANGE_RETRY_BASE_SECONDS = 10
    peer_b.endpoint_url = "http://127.0.0.1:9"  # discard port: connection refused
    peer_b.save()
    _send(world)
    item = OutboxItem.objects.get()
    before = timezone.now()
    assert transport.deliver(item.pk) == OutboxState.PENDING
    item.refresh_from_db()
    assert item.attempts == 1
    assert "ConnectError" in item.last_error
    assert before + dt.timedelta(seconds=5) <= item.next_attempt_at
    assert item.next_attempt_at <= timezone.now() + dt.timedelta(seconds=10)
    assert item.leased_until is None
    # Not due yet: nobody sends it again before its time.
    assert transport.deliver(item.pk) is None
    assert transport.process_outbox(concurrency=1) == 0


@pytest.mark.parametrize("status", [500, 502, 503, 408, 429])
def test_server_errors_and_throttling_are_retried(world, stub, status) -> None:  # type: ignore[no-untyped-def]
    stub.respond = lambda path, body: (status, b"busy", "text/plain")
    _send(world)
    item = OutboxItem.objects.get()
    assert transport.deliver(item.pk) == OutboxState.PENDING
    item.refresh_from_db()
    assert item.last_http_status == status
    assert f"HTTP {status}" in item.last_error


def test_a_refusal_by_the_peer_fails_for_good_with_its_reason(world, stub) -> None:  # type: ignore[no-untyped-def]
    problem = (
        b'{"type": "x", "title": "t", "status": 422, "code": "invalid_edxml", '
        b'"detail": "Thi\xe1\xba\xbfu tr\xc6\xb0\xe1\xbb\x9dng",'
        b' "errors": [{"field": "MessageHeader.Subject", "message": "This field is required."}]}'
    )
    stub.respond = lambda path, body: (422, problem, "application/problem+json")
    _send(world)
    item = OutboxItem.objects.get()
    assert transport.deliver(item.pk) == OutboxState.FAILED
    item.refresh_from_db()
    assert "HTTP 422" in item.last_error
    assert "MessageHeader.Subject" in item.last_error
    assert "Thiếu trường" in item.last_error


def test_an_acknowledgement_signed_by_the_wrong_key_fails_the_delivery(  # type: ignore[no-untyped-def]
    world, stub, material
) -> None:
    stub.respond = acknowledging(material)  # our key, not B's
    sent = _send(world)
    item = OutboxItem.objects.get()
    assert transport.deliver(item.pk) == OutboxState.FAILED
    item.refresh_from_db()
    sent.refresh_from_db()
    assert item.last_http_status == 200  # it arrived, but the answer does not verify
    assert "Signature" in item.last_error
    assert sent.status == Handling.QUEUED


def test_after_the_last_attempt_the_delivery_fails_and_an_administrator_can_retry(  # type: ignore[no-untyped-def]
    world, stub, other_material, settings
) -> None:
    settings.EXCHANGE_MAX_ATTEMPTS = 2
    settings.EXCHANGE_RETRY_BASE_SECONDS = 0
    stub.respond = lambda path, body: (503, b"maintenance", "text/plain")
    _send(world)
    item = OutboxItem.objects.get()
    assert transport.deliver(item.pk) == OutboxState.PENDING
    assert transport.deliver(item.pk) == OutboxState.FAILED
    assert list(DeliveryAttempt.objects.values_list("number", "outcome")) == [
        (1, OutboxState.PENDING),
        (2, OutboxState.FAILED),
    ]
    assert transport.deliver(item.pk) is None  # failed items are not picked up

    stub.respond = acknowledging(other_material)
    actions.retry_outbox_item(acting_user=world.admin, item_id=item.pk)
    assert transport.deliver(item.pk) == OutboxState.DELIVERED
    assert DeliveryAttempt.objects.count() == 3


def test_only_failed_deliveries_can_be_retried_and_only_by_an_administrator(world, stub) -> None:  # type: ignore[no-untyped-def]
    _send(world)
    item = OutboxItem.objects.get()
    with pytest.raises(Conflict):
        actions.retry_outbox_item(acting_user=world.admin, item_id=item.pk)
    with pytest.raises(PermissionDenied):
        actions.retry_outbox_item(acting_user=world.document_clerk, item_id=item.pk)


def test_an_item_is_claimed_by_one_deliverer_at_a_time(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    _send(world)
    item = OutboxItem.objects.get()
    assert transport.claim(item.pk) is True
    assert transport.claim(item.pk) is False
    assert transport.due_item_ids(10) == []
    # A lease left behind by a crashed worker expires.
    OutboxItem.objects.filter(pk=item.pk).update(
        leased_until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert transport.due_item_ids(10) == [item.pk]


def test_the_sweep_delivers_everything_due(world, stub, other_material) -> None:  # type: ignore[no-untyped-def]
    stub.respond = acknowledging(other_material)
    for number in ("60", "61", "62"):
        _send(world, number=number)
    assert transport.process_outbox(concurrency=1) == 3
    assert set(OutboxItem.objects.values_list("state", flat=True)) == {OutboxState.DELIVERED}
    assert set(Transmission.objects.values_list("status", flat=True)) == {Handling.ARRIVED}


@pytest.mark.parametrize(
    ("attempts", "low", "high"),
    [
        (1, 5, 10),
        (2, 10, 20),
        (3, 20, 40),
        (5, 80, 160),
        (9, 1280, 2560),
        (12, 1800, 3600),
        (40, 1800, 3600),
    ],
)
def test_backoff_doubles_up_to_the_cap_with_jitter(attempts: int, low: float, high: float) -> None:
    delays = [
        actions.backoff(attempts, base=10, cap=3600, jitter=j).total_seconds()
        for j in (0.0, 0.3, 0.999)
    ]
    assert all(low <= d <= high for d in delays)
    assert delays[0] < delays[1] < delays[2]  # the jitter spreads retries


# --- what may be sent, by whom -------------------------------------------------------------------
def test_an_outsider_cannot_send_for_another_agency(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        actions.send_document(acting_user=world.outsider, message=outgoing(world))
    assert Transmission.objects.count() == 0


def test_the_sender_must_be_an_agency_here(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    message = outgoing(world, sender=organization("000.00.09.H59", "Sở khác"))
    with pytest.raises(InvalidInput) as error:
        actions.send_document(acting_user=None, message=message)
    assert "MessageHeader.From.OrganId" in error.value.errors


def test_a_recipient_without_a_peer_is_named(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    message = outgoing(world, to=(b_organization(), organization("000.00.00.H93", "Hậu Giang?")))
    with pytest.raises(InvalidInput) as error:
        actions.send_document(acting_user=world.document_clerk, message=message)
    assert "MessageHeader.To[1].OrganId" in error.value.errors
    assert Message.objects.count() == 0


def test_local_recipients_are_left_to_the_documents_app(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    local = organization(world.justice.organ_code, world.justice.name)
    sent = actions.send_document(
        acting_user=world.document_clerk, message=outgoing(world, to=(local, b_organization()))
    )
    assert [t.remote_organ_code for t in sent] == [B_ORGAN]
    with pytest.raises(InvalidInput):
        actions.send_document(
            acting_user=world.document_clerk, message=outgoing(world, number="70", to=(local,))
        )


def test_a_document_is_sent_to_an_organ_once(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    _send(world)
    with pytest.raises(Conflict):
        _send(world)


def test_send_document_only_sends_new_documents(world, peer_b) -> None:  # type: ignore[no-untyped-def]
    message = outgoing(
        world,
        business=edxml.Business(doc_type=BusinessDocType.UPDATE, reason="sửa", document_id="x"),
    )
    with pytest.raises(InvalidInput):
        actions.send_document(acting_user=world.document_clerk, message=message)
