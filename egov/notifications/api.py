from __future__ import annotations

import datetime as dt
import json
import logging
import uuid

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from egov.accounts.selectors import request_user
from egov.api import public
from egov.lib.problems import Conflict, InvalidInput, NotFound, Problem
from egov.notifications.actions import (
    mark_all_notifications_read,
    mark_notification_read,
    record_delivery_report,
    save_notification_preferences,
)
from egov.notifications.channels import report_is_authentic
from egov.notifications.models import Notification
from egov.notifications.selectors import (
    effective_channels,
    kinds_in_use,
    notifications_for,
    preference_for,
    unread_count,
)

PREFIX = "/notifications"
router = Router(tags=["notifications"])
logger = logging.getLogger(__name__)


class NotificationOut(Schema):
    id: int
    event: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def of(note: Notification) -> NotificationOut:
        return NotificationOut(
            id=note.pk,
            event=note.event,
            title=note.title,
            body=note.body,
            url=note.url,
            created_at=note.created_at,
            read_at=note.read_at,
        )


class NotificationListQuery(Schema):
    unread: bool = Field(False, description="Only notifications not read yet.")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class NotificationListOut(Schema):
    count: int = Field(description="How many match, over all pages.")
    unread: int = Field(description="How many of the user's notifications are unread.")
    items: list[NotificationOut]


@router.get("", response=NotificationListOut, summary="My notifications")
def list_notifications(
    request: HttpRequest, query: Query[NotificationListQuery]
) -> NotificationListOut:
    """The logged-in user's notifications, newest first."""
    user = request_user(request)
    notes = notifications_for(user, unread_only=query.unread)
    page = list(notes[query.offset : query.offset + query.limit])
    return NotificationListOut(
        count=notes.count(),
        unread=unread_count(user),
        items=[NotificationOut.of(note) for note in page],
    )


@router.post("/{notification_id}/read", response=NotificationOut, summary="Mark as read")
def read_notification(request: HttpRequest, notification_id: int) -> NotificationOut:
    note = mark_notification_read(
        acting_user=request_user(request), notification_id=notification_id
    )
    return NotificationOut.of(note)


class CountOut(Schema):
    count: int


@router.post("/read-all", response=CountOut, summary="Mark all as read")
def read_all_notifications(request: HttpRequest) -> CountOut:
    return CountOut(count=mark_all_notifications_read(acting_user=request_user(request)))


class KindOut(Schema):
    key: str
    label: str


class PreferencesOut(Schema):
    language: str
    channels: dict[str, list[str]] = Field(
        description="Per kind of event, the optional channels (email, sms) chosen. In-app "
        "notifications are always kept."
    )
    kinds: list[KindOut]


class PreferencesIn(Schema):
    language: str = Field(description="vi or en")
    channels: dict[str, list[str]] = Field(default_factory=dict)


def _preferences_out(request: HttpRequest) -> PreferencesOut:
    preference = preference_for(request_user(request))
    return PreferencesOut(
        language=preference.language,
        channels=effective_channels(preference),
        kinds=[KindOut(key=k.key, label=str(k.label)) for k in kinds_in_use()],
    )


@router.get("/preferences", response=PreferencesOut, summary="My notification settings")
def get_preferences(request: HttpRequest) -> PreferencesOut:
    return _preferences_out(request)


@router.put("/preferences", response=PreferencesOut, summary="Change my notification settings")
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    user = request_user(request)
    save_notification_preferences(
        acting_user=user, user=user, language=payload.language, channels=payload.channels
    )
    return _preferences_out(request)


class _Unauthenticated(Problem):
    status = 401
    code = "bad_signature"


class ReportOut(Schema):
    status: str


@router.post(
    "/sms/reports",
    response=ReportOut,
    auth=None,
    summary="SMS delivery report (called by the SMS gateway)",
)
def sms_delivery_report(request: HttpRequest) -> ReportOut:
    """Public by design: the SMS gateway calls it server to server. It proves itself with the
    HMAC signature in ``X-Signature`` over ``X-Timestamp`` and the body; anything else is
    refused with 401."""
    body = request.body
    timestamp = request.headers.get("X-Timestamp", "")
    signature = request.headers.get("X-Signature", "")
    if not report_is_authentic(body, timestamp, signature):
        logger.warning("SMS delivery report with a bad signature refused")
        raise _Unauthenticated(_("The delivery report's signature is not valid."))
    try:
        report = json.loads(body)
        client_ref = str(uuid.UUID(str(report["client_ref"])))
        message_id = str(report["message_id"])
        status = str(report["status"])
    except (ValueError, KeyError, TypeError):
        raise InvalidInput(_("The delivery report is malformed.")) from None
    if status not in ("delivered", "failed"):
        raise InvalidInput(_("The delivery report is malformed."), errors={"status": status})
    try:
        record_delivery_report(
            acting_user=None,
            client_ref=client_ref,
            provider_message_id=message_id,
            delivered=status == "delivered",
            error_code=str(report.get("error_code") or ""),
        )
    except (Conflict, NotFound):
        # Already settled, or not ours: nothing to do, and nothing for the gateway to retry.
        return ReportOut(status="ignored")
    return ReportOut(status="ok")


public("POST", "/notifications/sms/reports")
