from __future__ import annotations

import pytest
from django.test import Client

from egov.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
)
from egov.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(client: Client, world) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    return client


def test_the_list_shows_the_users_notifications_only(an, world) -> None:  # type: ignore[no-untyped-def]
    notify("test.event", recipients=[world.citizen], title="Hồ sơ đã tiếp nhận", body="Chi tiết")
    notify("test.event", recipients=[world.citizen2], title="Của người khác")
    page = an.get("/notifications/").content.decode()
    assert "Hồ sơ đã tiếp nhận" in page
    assert "Chi tiết" in page
    assert "Của người khác" not in page


def test_the_list_needs_a_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_opening_a_notification_marks_it_read_and_follows_the_link(an, world) -> None:  # type: ignore[no-untyped-def]
    [note] = notify("test.event", recipients=[world.citizen], title="T", url="/ws/")
    response = an.post(f"/notifications/{note.pk}/read/", {"follow": "1"})
    assert response["Location"] == "/ws/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_a_link_to_another_site_is_not_followed(an, world) -> None:  # type: ignore[no-untyped-def]
    [note] = notify(
        "test.event", recipients=[world.citizen], title="T", url="https://evil.example/"
    )
    response = an.post(f"/notifications/{note.pk}/read/", {"follow": "1"})
    assert response["Location"] == "/notifications/"


def test_someone_elses_notification_page_is_404(an, world) -> None:  # type: ignore[no-untyped-def]
    [note] = notify("test.event", recipients=[world.citizen2], title="T")
    assert an.post(f"/notifications/{note.pk}/read/").status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_from_the_page(an, world) -> None:  # type: ignore[no-untyped-def]
    notify("test.event", recipients=[world.citizen], title="A")
    notify("test.event", recipients=[world.citizen], title="B")
    an.post("/notifications/read-all/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_citizen_home_shows_unread_notifications(an, world) -> None:  # type: ignore[no-untyped-def]
    notify("test.event", recipients=[world.citizen], title="Kết quả đã sẵn sàng")
    page = an.get("/").content.decode()
    assert "Kết quả đã sẵn sàng" in page


def test_the_settings_page_saves_language_and_channels(an, world, event) -> None:  # type: ignore[no-untyped-def]
    page = an.get("/notifications/settings/").content.decode()
    assert "Test notices" in page
    response = an.post("/notifications/settings/", {"language": "en", "channels_tests": ["sms"]})
    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=world.citizen)
    assert preference.language == "en"
    assert preference.channels["tests"] == ["sms"]
    assert preference.channels["payment"] == []  # every kind on the page, unticked ones too


def test_the_settings_page_names_a_bad_field(an, world, event) -> None:  # type: ignore[no-untyped-def]
    response = an.post("/notifications/settings/", {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not NotificationPreference.objects.exists()


# Administration -------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client: Client, world) -> Client:  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def _template_form(event, **changes) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {
        "event": event.key,
        "channel": "email",
        "language": "vi",
        "subject": "Hồ sơ {{ code }}",
        "body": "Kính gửi {{ recipient_name }}",
        **changes,
    }


def test_an_administrator_edits_a_template(admin_client, event) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/notifications/notificationtemplate/add/", _template_form(event)
    )
    assert response.status_code == 302
    template = NotificationTemplate.objects.get()
    assert template.subject == "Hồ sơ {{ code }}"
    page = admin_client.get(
        f"/admin/notifications/notificationtemplate/{template.pk}/change/"
    ).content.decode()
    assert "Hồ sơ 000.00.09.H58-260213-0001" in page  # the preview with the example data


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"body": "Xin chào {% if %}"}, "body"),
        ({"subject": "Hồ sơ {{ ma_ho_so }}"}, "subject"),
        ({"subject": ""}, "subject"),
    ],
    ids=["syntax error", "unknown placeholder", "no subject"],
)
def test_a_broken_template_is_refused(admin_client, event, changes, field) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/notifications/notificationtemplate/add/", _template_form(event, **changes)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]
    assert not NotificationTemplate.objects.exists()


def test_the_administrator_adds_the_missing_templates_from_the_defaults(
    admin_client, event
) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get("/admin/notifications/notificationtemplate/").content.decode()
    assert "/admin/notifications/notificationtemplate/seed/" in page
    admin_client.post("/admin/notifications/notificationtemplate/seed/")
    rows = NotificationTemplate.objects.filter(event=event.key)
    # e-mail, in-app and SMS, in Vietnamese and English
    assert rows.count() == 6
    assert rows.get(channel="email", language="vi").subject == "Thông báo"
    assert rows.get(channel="email", language="en").subject == "Notifications"
    # a second time adds nothing and keeps edits
    rows.filter(channel="sms", language="vi").update(body="Sửa")
    admin_client.post("/admin/notifications/notificationtemplate/seed/")
    assert rows.count() == 6
    assert rows.get(channel="sms", language="vi").body == "Sửa"


def test_the_outbox_admin_sends_failed_messages_again(admin_client, event, reachable) -> None:  # type: ignore[no-untyped-def]
    notify(event.key, recipients=[reachable], context={"code": "X"})
    message = OutboxMessage.objects.get()
    message.status = DeliveryStatus.PERMANENT_FAILURE
    message.save()
    admin_client.post(
        "/admin/notifications/outboxmessage/",
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.status == DeliveryStatus.CREATED


def test_the_list_costs_the_same_queries_however_many_notifications(
    an, world, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    for number in range(12):
        notify("test.event", recipients=[world.citizen], title=f"Tin {number}")
    # session, user, memberships (header), count for the pager, page, unread count
    with django_assert_num_queries(6):
        assert an.get("/notifications/").status_code == 200
    # session, user, count, page, unread count
    with django_assert_num_queries(5):
        assert an.get("/api/v1/notifications").status_code == 200
