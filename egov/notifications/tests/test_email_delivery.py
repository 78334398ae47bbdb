"""E-mail delivery against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from egov.notifications.models import DeliveryStatus, NotificationTemplate, OutboxMessage
from egov.notifications.outbox import deliver_one
from egov.notifications.services import notify

pytestmark = pytest.mark.django_db


def _notify(event, citizen, code: str = "000.00.09.H58-260213-0001") -> OutboxMessage:  # type: ignore[no-untyped-def]
    NotificationTemplate.objects.create(
        event=event.key,
        channel="email",
        language="vi",
        subject="Hồ sơ {{ code }} đã được tiếp nhận",
        body="Kính gửi ông/bà {{ recipient_name }},\nHồ sơ của ông/bà đã được tiếp nhận.",
    )
    notify(event.key, recipients=[citizen], context={"code": code})
    return OutboxMessage.objects.get(channel="email")


def test_the_e_mail_arrives_with_its_vietnamese_subject_and_text(
    event, reachable, smtp_server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.DEFAULT_FROM_EMAIL = "Cổng dịch vụ công <no-reply@tiengiang.gov.vn>"
    message = _notify(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.DELIVERED

    [received] = smtp_server.received
    assert smtp_server.envelopes == [("no-reply@tiengiang.gov.vn", ["an.nguyen@example.vn"])]
    assert received["To"] == "an.nguyen@example.vn"
    assert received["Subject"] == "Hồ sơ 000.00.09.H58-260213-0001 đã được tiếp nhận"
    assert str(received["From"].addresses[0].display_name) == "Cổng dịch vụ công"
    assert received["Message-ID"] == f"<{message.uuid}@tiengiang.gov.vn>"
    assert received["Auto-Submitted"] == "auto-generated"
    assert received["Content-Language"] == "vi"
    text = received.get_content().replace("\r\n", "\n")
    assert text.startswith("Kính gửi ông/bà Nguyễn Văn An,\nHồ sơ của ông/bà đã được tiếp nhận.")
    assert "vui lòng không trả lời" in text

    message.refresh_from_db()
    assert message.attempts == 1
    assert message.delivered_at is not None
    assert message.provider_message_id == received["Message-ID"]
    assert [(t.from_status, t.to_status) for t in message.transitions.all()] == [
        ("created", "sending"),
        ("sending", "delivered"),
    ]


def test_a_temporary_smtp_refusal_is_retried_later_with_backoff(
    event, reachable, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    smtp_server.refuse["an.nguyen@example.vn"] = "451 4.3.0 Mailbox busy, try again later"
    message = _notify(event, reachable)
    start = timezone.now()
    assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
    message.refresh_from_db()
    assert message.last_error.startswith("451")
    first_wait = message.next_attempt_at - start
    assert dt.timedelta(seconds=30) < first_wait < dt.timedelta(minutes=5)
    assert smtp_server.received == []

    # Not due yet: a second worker run does nothing.
    assert deliver_one(message.pk) == "skipped"

    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
        message.refresh_from_db()
        second_wait = message.next_attempt_at - timezone.now()
    assert second_wait > first_wait

    del smtp_server.refuse["an.nguyen@example.vn"]
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert deliver_one(message.pk) == DeliveryStatus.DELIVERED
    message.refresh_from_db()
    assert message.attempts == 3
    assert len(smtp_server.received) == 1


def test_a_permanent_smtp_refusal_is_not_retried(event, reachable, smtp_server) -> None:  # type: ignore[no-untyped-def]
    smtp_server.refuse["an.nguyen@example.vn"] = "550 5.1.1 No such user here"
    message = _notify(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.PERMANENT_FAILURE
    message.refresh_from_db()
    assert message.last_error == "550 5.1.1 No such user here"
    assert message.next_attempt_at is None


def test_an_unreachable_smtp_server_is_a_temporary_failure(event, reachable, settings) -> None:  # type: ignore[no-untyped-def]
    from egov.testing.standins import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    message = _notify(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
    message.refresh_from_db()
    assert "ConnectionRefusedError" in message.last_error


def test_the_outbox_gives_up_after_the_last_attempt(
    event, reachable, smtp_server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 2
    smtp_server.refuse["an.nguyen@example.vn"] = "421 4.7.0 Too many connections"
    message = _notify(event, reachable)
    assert deliver_one(message.pk) == DeliveryStatus.TEMPORARY_FAILURE
    message.refresh_from_db()
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert deliver_one(message.pk) == DeliveryStatus.PERMANENT_FAILURE
    message.refresh_from_db()
    assert "too many attempts" in message.transitions.last().note  # type: ignore[union-attr]


def test_one_address_gets_at_most_the_rate_limit_per_window(
    event, reachable, smtp_server, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.EMAIL_RATE_LIMIT = 2
    for number in range(3):
        notify(event.key, recipients=[reachable], context={"code": f"H58-{number}"})
    results = [
        deliver_one(pk) for pk in OutboxMessage.objects.order_by("pk").values_list("pk", flat=True)
    ]
    assert results == ["delivered", "delivered", "deferred"]
    deferred = OutboxMessage.objects.get(status=DeliveryStatus.TEMPORARY_FAILURE)
    assert "rate limit" in deferred.last_error
    assert deferred.next_attempt_at > timezone.now()
    assert deferred.attempts == 0
    assert len(smtp_server.received) == 2


def test_an_expired_message_is_dropped_unsent(event, reachable, smtp_server) -> None:  # type: ignore[no-untyped-def]
    notify(
        event.key,
        recipients=[reachable],
        context={"code": "H58-1"},
        expires_in=dt.timedelta(minutes=5),
    )
    message = OutboxMessage.objects.get()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6)):
        assert deliver_one(message.pk) == "deferred"
    message.refresh_from_db()
    assert message.status == DeliveryStatus.PERMANENT_FAILURE
    assert message.last_error == "expired"
    assert smtp_server.received == []
