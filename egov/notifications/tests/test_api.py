from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest

from egov.notifications.models import DeliveryStatus, Notification, OutboxMessage
from egov.notifications.services import notify

pytestmark = pytest.mark.django_db


def _notes(world, count: int = 3) -> list[Notification]:  # type: ignore[no-untyped-def]
    return [
        notify("test.event", recipients=[world.citizen], title=f"Tin {n}", url=f"/x/{n}/")[0]
        for n in range(count)
    ]


def test_the_user_lists_their_notifications_newest_first(api, world) -> None:  # type: ignore[no-untyped-def]
    _notes(world)
    notify("test.event", recipients=[world.citizen2], title="Không phải của An")
    body = api.login(world.citizen).get("/api/v1/notifications").json()
    assert body["count"] == 3
    assert body["unread"] == 3
    assert [item["title"] for item in body["items"]] == ["Tin 2", "Tin 1", "Tin 0"]


def test_the_list_pages_and_filters_unread(api, world) -> None:  # type: ignore[no-untyped-def]
    notes = _notes(world)
    api.login(world.citizen).post(f"/api/v1/notifications/{notes[2].pk}/read")
    body = api.get("/api/v1/notifications", unread="true", limit=1).json()
    assert (body["count"], body["unread"]) == (2, 2)
    assert [item["title"] for item in body["items"]] == ["Tin 1"]


def test_marking_read_records_the_time(api, world) -> None:  # type: ignore[no-untyped-def]
    [note] = _notes(world, 1)
    response = api.login(world.citizen).post(f"/api/v1/notifications/{note.pk}/read")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_not_found(api, world) -> None:  # type: ignore[no-untyped-def]
    [note] = _notes(world, 1)
    response = api.login(world.citizen2).post(f"/api/v1/notifications/{note.pk}/read")
    assert response.status_code == 404
    assert response.json() == api.post("/api/v1/notifications/999999/read").json()
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_the_users_own(api, world) -> None:  # type: ignore[no-untyped-def]
    _notes(world)
    notify("test.event", recipients=[world.citizen2], title="Của Bình")
    assert api.login(world.citizen).post("/api/v1/notifications/read-all").json() == {"count": 3}
    assert Notification.objects.filter(read_at__isnull=True).get().recipient == world.citizen2


def test_preferences_round_trip(api, world, event) -> None:  # type: ignore[no-untyped-def]
    api.login(world.citizen)
    body = api.get("/api/v1/notifications/preferences").json()
    assert body["language"] == "vi"
    assert body["channels"]["tests"] == ["email"]
    response = api.client.put(
        "/api/v1/notifications/preferences",
        json.dumps({"language": "en", "channels": {"tests": ["sms", "email"]}}),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["channels"]["tests"] == ["email", "sms"]
    assert response.json()["language"] == "en"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"language": "fr", "channels": {}}, "language"),
        ({"language": "vi", "channels": {"nope": ["email"]}}, "channels.nope"),
        ({"language": "vi", "channels": {"tests": ["fax"]}}, "channels.tests"),
    ],
)
def test_bad_preferences_are_refused_naming_the_field(api, world, event, payload, field) -> None:  # type: ignore[no-untyped-def]
    response = api.login(world.citizen).client.put(
        "/api/v1/notifications/preferences",
        json.dumps(payload),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]


# SMS delivery reports ----------------------------------------------------------------------


def _sent_sms(event, reachable) -> OutboxMessage:  # type: ignore[no-untyped-def]
    notify(event.key, recipients=[reachable], context={"code": "X"}, channels=["sms"])
    message = OutboxMessage.objects.get()
    message.status = DeliveryStatus.SENT
    message.provider_message_id = "SMS2611250001"
    message.save()
    return message


def _report(client, message, status="delivered", *, secret="s3cret", age=0, tamper=False):  # type: ignore[no-untyped-def]  # noqa: S107
    body = json.dumps(
        {
            "message_id": message.provider_message_id,
            "client_ref": str(message.uuid),
            "status": status,
        }
    ).encode()
    timestamp = str(int(time.time()) - age)
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    if tamper:
        body = body.replace(b"delivered", b"failed")
    return client.post(
        "/api/v1/notifications/sms/reports",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=timestamp,
        HTTP_X_SIGNATURE=f"sha256={mac}",
    )


@pytest.fixture
def report_secret(settings) -> str:  # type: ignore[no-untyped-def]
    settings.SMS_CALLBACK_SECRET = "s3cret"
    return "s3cret"


def test_a_signed_delivery_report_settles_the_sms(client, event, reachable, report_secret) -> None:  # type: ignore[no-untyped-def]
    message = _sent_sms(event, reachable)
    response = _report(client, message)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED


def test_a_failed_delivery_report_is_a_permanent_failure(
    client, event, reachable, report_secret
) -> None:  # type: ignore[no-untyped-def]
    message = _sent_sms(event, reachable)
    assert _report(client, message, "failed").json() == {"status": "ok"}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.PERMANENT_FAILURE


@pytest.mark.parametrize(
    "forgery",
    [{"secret": "guessed"}, {"tamper": True}, {"age": 3600}],
    ids=["wrong key", "changed body", "stale timestamp"],
)
def test_a_forged_delivery_report_is_refused(
    client, event, reachable, report_secret, forgery
) -> None:  # type: ignore[no-untyped-def]
    message = _sent_sms(event, reachable)
    response = _report(client, message, **forgery)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    message.refresh_from_db()
    assert message.status == DeliveryStatus.SENT


def test_a_repeated_delivery_report_changes_nothing(
    client, event, reachable, report_secret
) -> None:  # type: ignore[no-untyped-def]
    message = _sent_sms(event, reachable)
    _report(client, message)
    assert _report(client, message, "failed").json() == {"status": "ignored"}
    message.refresh_from_db()
    assert message.status == DeliveryStatus.DELIVERED


def test_a_malformed_delivery_report_is_a_422(client, report_secret) -> None:  # type: ignore[no-untyped-def]
    body = b'{"message_id": "x"}'
    timestamp = str(int(time.time()))
    mac = hmac.new(b"s3cret", timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    response = client.post(
        "/api/v1/notifications/sms/reports",
        body,
        content_type="application/json",
        HTTP_X_TIMESTAMP=timestamp,
        HTTP_X_SIGNATURE=f"sha256={mac}",
    )
    assert response.status_code == 422
