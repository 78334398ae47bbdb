from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.notifications.actions import save_notification_preferences
from egov.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationTemplate,
    OutboxMessage,
)
from egov.notifications.services import Contact, notify

pytestmark = pytest.mark.django_db


def test_each_recipient_gets_one_notification_in_vietnamese(world) -> None:  # type: ignore[no-untyped-def]
    created = notify(
        "test.event",
        recipients=[world.citizen, world.citizen, world.clerk],
        title=_("Notifications"),
        related=world.construction,
    )
    assert len(created) == 2
    note = Notification.objects.get(recipient=world.citizen)
    assert note.title == "Thông báo"
    assert note.object_type == "org.agency"
    assert note.object_id == str(world.construction.pk)


def test_notifications_roll_back_with_the_action(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), transaction.atomic():
        notify("test.event", recipients=[world.citizen], title="x")
        raise RuntimeError
    assert not Notification.objects.exists()


def test_an_unregistered_event_with_a_title_stays_in_the_app(reachable) -> None:  # type: ignore[no-untyped-def]
    notify("test.event", recipients=[reachable], title="Tiêu đề", body="Nội dung")
    assert Notification.objects.get().body == "Nội dung"
    assert not OutboxMessage.objects.exists()


def test_an_unregistered_event_goes_by_e_mail_when_asked(reachable) -> None:  # type: ignore[no-untyped-def]
    notify(
        "test.event", recipients=[reachable], title="Tiêu đề", body="Nội dung", channels=["email"]
    )
    message = OutboxMessage.objects.get()
    assert (message.channel, message.address) == ("email", "an.nguyen@example.vn")
    assert (message.subject, message.body) == ("Tiêu đề", "Nội dung")


def test_a_registered_event_is_rendered_with_its_context(event, reachable) -> None:  # type: ignore[no-untyped-def]
    notify(event.key, recipients=[reachable], url="/x/1/", context={"code": "H58-1"})
    note = Notification.objects.get()
    assert note.title == "Thông báo"
    assert note.body == "Nguyễn Văn An: hồ sơ H58-1 – http://127.0.0.1:8000/x/1/"
    assert note.url == "/x/1/"
    email = OutboxMessage.objects.get(channel="email")
    assert email.subject == "Thông báo"
    assert email.status == DeliveryStatus.CREATED


def test_english_speakers_get_english_texts(event, reachable) -> None:  # type: ignore[no-untyped-def]
    save_notification_preferences(acting_user=reachable, user=reachable, language="en", channels={})
    notify(event.key, recipients=[reachable], context={"code": "H58-1"})
    assert Notification.objects.get().title == "Notifications"
    assert OutboxMessage.objects.get().language == "en"


def test_an_administrators_template_replaces_the_built_in_text(event, reachable) -> None:  # type: ignore[no-untyped-def]
    NotificationTemplate.objects.create(
        event=event.key, channel="email", language="vi", subject="Hồ sơ {{ code }}", body="Xin chào"
    )
    notify(event.key, recipients=[reachable], context={"code": "H58-1"})
    email = OutboxMessage.objects.get()
    assert (email.subject, email.body) == ("Hồ sơ H58-1", "Xin chào")
    # the in-app text has its own template and keeps the built-in one
    assert Notification.objects.get().title == "Thông báo"


def test_people_choose_the_channels_per_kind_of_event(event, reachable) -> None:  # type: ignore[no-untyped-def]
    save_notification_preferences(
        acting_user=reachable, user=reachable, language="vi", channels={"tests": ["sms"]}
    )
    notify(event.key, recipients=[reachable], context={"code": "H58-1"})
    sms = OutboxMessage.objects.get()
    assert (sms.channel, sms.address) == ("sms", "84912345678")
    assert sms.body == "Ho so H58-1 cua Nguyen Van An"
    assert Notification.objects.count() == 1


def test_nobody_gets_e_mail_or_sms_they_switched_off(event, reachable) -> None:  # type: ignore[no-untyped-def]
    save_notification_preferences(
        acting_user=reachable, user=reachable, language="vi", channels={"tests": []}
    )
    notify(event.key, recipients=[reachable], context={"code": "H58-1"})
    assert not OutboxMessage.objects.exists()
    assert Notification.objects.count() == 1


def test_mandatory_events_ignore_the_preferences(event, reachable) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from egov.notifications.events import EVENTS

    EVENTS[event.key] = replace(event, mandatory=True)
    save_notification_preferences(
        acting_user=reachable, user=reachable, language="vi", channels={"tests": []}
    )
    notify(event.key, recipients=[reachable], context={"code": "H58-1"})
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"email", "sms"}


def test_unverified_citizen_addresses_are_not_used(event, world) -> None:  # type: ignore[no-untyped-def]
    world.citizen.email = "not.yet@example.vn"
    world.citizen.save()
    notify(event.key, recipients=[world.citizen], context={"code": "H58-1"})
    assert not OutboxMessage.objects.exists()


def test_staff_addresses_entered_by_administrators_are_used(event, world) -> None:  # type: ignore[no-untyped-def]
    notify(event.key, recipients=[world.clerk], context={"code": "H58-1"})
    assert OutboxMessage.objects.get().address == world.clerk.email


def test_a_contact_without_an_account_gets_sms_and_e_mail_only(event, world) -> None:  # type: ignore[no-untyped-def]
    notify(
        event.key,
        recipients=[Contact(phone="+84 987 654 321", email="khach@example.vn", name="Khách")],
        context={"code": "H58-9"},
        expires_in=dt.timedelta(minutes=5),
    )
    assert not Notification.objects.exists()
    sms = OutboxMessage.objects.get(channel="sms")
    assert sms.address == "84987654321"
    assert sms.expires_at is not None
    assert OutboxMessage.objects.get(channel="email").address == "khach@example.vn"


def test_an_invalid_phone_number_is_skipped(event, world) -> None:  # type: ignore[no-untyped-def]
    notify(event.key, recipients=[Contact(phone="12345")], context={"code": "H58-9"})
    assert not OutboxMessage.objects.exists()


def test_delivery_starts_only_after_commit(
    event, reachable, django_capture_on_commit_callbacks, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from egov.notifications import services

    enqueued: list[int] = []
    monkeypatch.setattr(services, "_enqueue_deliveries", enqueued.extend)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(event.key, recipients=[reachable], context={"code": "H58-1"})
    assert enqueued == []
    for callback in callbacks:
        callback()
    assert enqueued == [OutboxMessage.objects.get().pk]


def test_an_installation_without_an_sms_gateway_queues_no_sms(event, reachable, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_PROVIDER_URL = ""
    notify(event.key, recipients=[reachable], context={"code": "H58-1"}, channels=["sms"])
    assert not OutboxMessage.objects.exists()
