"""SMS delivery through the HTTP adapter to the stand-in brandname gateway process."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from egov.notifications.actions import save_notification_preferences
from egov.notifications.models import DeliveryStatus, OutboxMessage
from egov.notifications.outbox import deliver_one, sweep
from egov.notifications.services import Contact, notify

pytestmark = pytest.mark.django_db


def _sms(event, citizen, code: str = "H58-260213-0001") -> OutboxMessage:  # type: ignore[no-untyped-def]
    save_notification_preferences(
        acting_user=citizen, user=citizen, language="vi", channels={"tests": ["sms"]}
    )
    notify(event.key, recipients=[citizen], context={"code": code})
    return OutboxMessage.objects.get(channel="sms", body__contains=code)


def test_the_sms_reaches_the_gateway_in_its_protocol(event, reachable, sms_gateway) -> None:  # type: ignore[no-untyped-def]
    message = _sms(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.SENT

    [sent] = sms_gateway.messages()
    assert sent["to"] == "84912345678"
    assert sent["brandname"] == "UBND TGIANG"
    assert sent["text"] == "Ho so H58-260213-0001 cua Nguyen Van An"
    assert sent["unicode"] is False
    assert sent["client_ref"] == str(message.uuid)
    assert sent["callback_url"] == "http://127.0.0.1:8000/api/v1/notifications/sms/reports"
    message.refresh_from_db()
    assert message.provider_message_id == sent["message_id"]
    assert message.sent_at is not None
    assert message.delivered_at is None  # until the delivery report comes


def test_a_busy_gateway_is_retried_and_sends_the_sms_once(event, reachable, sms_gateway) -> None:  # type: ignore[no-untyped-def]
    message = _sms(event, reachable)
    sms_gateway.fail_next("temporary")
    assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
    message.refresh_from_db()
    assert "503" in message.last_error
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert deliver_one(message.pk) == DeliveryStatus.SENT
    assert len(sms_gateway.messages()) == 1


def test_a_worker_that_died_mid_send_does_not_send_twice(event, reachable, sms_gateway) -> None:  # type: ignore[no-untyped-def]
    from egov.notifications.actions import claim_delivery
    from egov.notifications.channels import deliver

    message = _sms(event, reachable)
    claimed = claim_delivery(acting_user=None, message_id=message.pk)
    assert claimed is not None
    deliver(claimed)  # the gateway got it, then the worker died before recording the result

    later = claimed.claimed_at + dt.timedelta(minutes=11)  # type: ignore[operator]
    with time_machine.travel(later):
        sweep()
        message.refresh_from_db()
        assert message.status == DeliveryStatus.TEMPORARY_FAILURE
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert deliver_one(message.pk) == DeliveryStatus.SENT
    [sent] = sms_gateway.messages()
    message.refresh_from_db()
    assert message.provider_message_id == sent["message_id"]


def test_content_the_network_refuses_is_a_permanent_failure(event, reachable, sms_gateway) -> None:  # type: ignore[no-untyped-def]
    message = _sms(event, reachable)
    sms_gateway.fail_next("permanent")
    assert deliver_one(message.pk) == DeliveryStatus.PERMANENT_FAILURE
    message.refresh_from_db()
    assert "blocked_content" in message.last_error


def test_a_wrong_api_key_keeps_the_sms_for_later(event, reachable, sms_gateway, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_API_KEY = "wrong"
    message = _sms(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
    message.refresh_from_db()
    assert "401" in message.last_error
    assert sms_gateway.messages() == []


def test_a_phone_number_gets_at_most_the_sms_rate_limit(
    event, reachable, sms_gateway, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_RATE_LIMIT = 2
    for number in range(3):
        _sms(event, reachable, code=f"H58-{number}")
    results = [
        deliver_one(pk) for pk in OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)
    ]
    assert results == ["sent", "sent", "deferred"]
    assert len(sms_gateway.messages()) == 2


def test_unicode_sms_keeps_the_diacritics_when_configured(
    event, world, sms_gateway, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_UNICODE = True
    notify(
        event.key,
        recipients=[Contact(phone="0987654321", name="Lê Thị Cúc")],
        context={"code": "X"},
    )
    message = OutboxMessage.objects.get(channel="sms")
    assert deliver_one(message.pk) == DeliveryStatus.SENT
    [sent] = sms_gateway.messages()
    assert sent["text"] == "Ho so X cua Lê Thị Cúc"
    assert sent["unicode"] is True


@pytest.mark.django_db(transaction=True)
def test_the_gateways_delivery_report_settles_the_message(
    event, reachable, sms_gateway, live_server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SITE_URL = live_server.url
    message = _sms(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.SENT
    [sent] = sms_gateway.messages()

    assert sms_gateway.report(sent["message_id"], "delivered") == 200
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED
    assert message.delivered_at is not None
    # The gateway repeats itself: nothing changes.
    assert sms_gateway.report(sent["message_id"], "failed") == 200
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED
