"""Writes of the notifications app: the outbox's delivery steps, reading notifications,
preferences and the administrators' templates."""

from __future__ import annotations

import datetime as dt
import secrets
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.audit.actions import record_event
from egov.infra import ratelimit
from egov.lib.actions import action
from egov.lib.problems import Conflict, InvalidInput, NotFound, PermissionDenied
from egov.notifications.access import access_notification
from egov.notifications.channels import Outcome
from egov.notifications.events import EVENTS, KINDS, OPTIONAL_CHANNELS, Channel
from egov.notifications.models import DeliveryStatus as S
from egov.notifications.models import (
    Notification,
    NotificationPreference,
    NotificationTemplate,
    OutboxMessage,
    WebhookSubscription,
)
from egov.notifications.outbox import backoff, max_attempts, rate_limit, transition
from egov.org.selectors import is_system_admin

if TYPE_CHECKING:
    from egov.accounts.models import User


def _locked_message(message_id: int) -> OutboxMessage:
    message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    if message is None:
        raise NotFound()
    return message


def _audit_delivery(message: OutboxMessage, verb: str, before: str, note: str = "") -> None:
    record_event(
        actor=None,
        verb=f"notifications.{verb}",
        obj=message,
        before={"status": before},
        after={"status": message.status, "attempts": message.attempts, "note": note[:500]},
    )


@action
def claim_delivery(*, acting_user: User | None, message_id: int) -> OutboxMessage | None:
    """Take a due message for sending. Returns it, or None when it was deferred or dropped.

    Raises Conflict when the message is not due (already claimed, settled, or not yet time).
    """
    message = _locked_message(message_id)
    now = timezone.now()
    before = message.status
    due = message.next_attempt_at is None or message.next_attempt_at <= now
    if message.status not in (S.CREATED, S.TEMPORARY_FAILURE) or not due:
        raise Conflict()
    if message.expires_at is not None and message.expires_at <= now:
        transition(message, S.PERMANENT_FAILURE, "expired before it could be sent")
        message.last_error = "expired"
        message.next_attempt_at = None
        message.save()
        _audit_delivery(message, "claim_delivery", before, "expired")
        return None
    limits = rate_limit(message.channel)
    if limits is not None and not ratelimit.hit(
        f"notify:{message.channel}:{message.address}", limit=limits[0], window=limits[1]
    ):
        limit, window = limits
        wait = window - int(time.time()) % window
        note = f"rate limit: at most {limit} per {window} s to this address"
        transition(message, S.TEMPORARY_FAILURE, note)
        message.last_error = note
        message.next_attempt_at = now + dt.timedelta(seconds=wait)
        message.save()
        _audit_delivery(message, "claim_delivery", before, note)
        return None
    transition(message, S.SENDING, f"attempt {message.attempts + 1}")
    message.attempts += 1
    message.claimed_at = now
    message.save()
    _audit_delivery(message, "claim_delivery", before)
    return message


@action
def record_delivery_result(
    *,
    acting_user: User | None,
    message_id: int,
    outcome: str,
    provider_message_id: str = "",
    error: str = "",
    retry_after: int | None = None,
) -> OutboxMessage:
    """What the channel said about a message being sent; schedules the retry of a failure."""
    message = _locked_message(message_id)
    result = Outcome(outcome)
    before = message.status
    now = timezone.now()
    if provider_message_id and not message.provider_message_id:
        message.provider_message_id = provider_message_id[:200]
    if message.status in (S.DELIVERED, S.PERMANENT_FAILURE) and result is not Outcome.TEMPORARY:
        # A delivery report overtook the sender's own result: keep what the report said.
        message.save()
        _audit_delivery(message, "record_delivery_result", before, "already settled by report")
        return message
    if message.status != S.SENDING:
        raise Conflict()
    message.last_error = error[:2000]
    if result is Outcome.DELIVERED:
        transition(message, S.DELIVERED, error)
        message.sent_at = message.delivered_at = now
        message.next_attempt_at = None
    elif result is Outcome.SENT:
        transition(message, S.SENT, error)
        message.sent_at = now
        message.next_attempt_at = None
    elif result is Outcome.PERMANENT:
        transition(message, S.PERMANENT_FAILURE, error)
        message.next_attempt_at = None
    else:
        wait = (
            dt.timedelta(seconds=retry_after)
            if retry_after
            else backoff(message.attempts, message.channel)
        )
        gives_up = message.attempts >= max_attempts(message.channel)
        expires = message.expires_at is not None and message.expires_at <= now + wait
        if gives_up or expires:
            reason = "too many attempts" if gives_up else "would expire before the next attempt"
            transition(message, S.PERMANENT_FAILURE, f"{reason}; last error: {error}")
            message.next_attempt_at = None
        else:
            transition(message, S.TEMPORARY_FAILURE, error)
            message.next_attempt_at = now + wait
    message.save()
    _audit_delivery(message, "record_delivery_result", before, error)
    return message


@action
def record_delivery_report(
    *,
    acting_user: User | None,
    client_ref: str,
    provider_message_id: str,
    delivered: bool,
    error_code: str = "",
) -> OutboxMessage:
    """The SMS gateway's delivery report. Raises Conflict when the message is already settled."""
    message = (
        OutboxMessage.objects.select_for_update()
        .filter(uuid=client_ref, channel=Channel.SMS)
        .first()
    )
    if message is None or (
        message.provider_message_id and message.provider_message_id != provider_message_id
    ):
        raise NotFound()
    if message.status not in (S.SENDING, S.SENT):
        raise Conflict()
    before = message.status
    message.provider_message_id = provider_message_id[:200]
    if delivered:
        transition(message, S.DELIVERED, "delivery report")
        message.delivered_at = timezone.now()
    else:
        note = f"delivery report: failed {error_code}".strip()
        transition(message, S.PERMANENT_FAILURE, note)
        message.last_error = note
    message.next_attempt_at = None
    message.save()
    _audit_delivery(message, "record_delivery_report", before, error_code)
    return message


@action
def requeue_delivery(*, acting_user: User, message_id: int) -> OutboxMessage:
    """Send a permanently failed message again (an administrator's decision)."""
    if not is_system_admin(acting_user):
        raise PermissionDenied()
    message = _locked_message(message_id)
    before = message.status
    transition(message, S.CREATED, f"sent again by {acting_user.get_username()}")
    message.attempts = 0
    message.next_attempt_at = timezone.now()
    message.last_error = ""
    message.save()
    record_event(
        actor=acting_user,
        verb="notifications.requeue_delivery",
        obj=message,
        before={"status": before},
        after={"status": message.status},
    )
    pk = message.pk
    transaction.on_commit(lambda: _enqueue(pk))
    return message


def _enqueue(message_id: int) -> None:
    from egov.notifications.tasks import deliver_message

    deliver_message.enqueue(message_id)


@action
def mark_notification_read(*, acting_user: User, notification_id: int) -> Notification:
    note = access_notification(acting_user, notification_id, for_update=True)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    record_event(actor=acting_user, verb="notifications.mark_notification_read", obj=note)
    return note


@action
def mark_all_notifications_read(*, acting_user: User) -> int:
    count = Notification.objects.filter(recipient=acting_user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    record_event(
        actor=acting_user,
        verb="notifications.mark_all_notifications_read",
        object_type="accounts.user",
        object_id=acting_user.pk,
        after={"count": count},
    )
    return count


def _clean_channels(channels: Mapping[str, list[str]]) -> dict[str, list[str]]:
    errors: dict[str, str] = {}
    allowed = {str(c) for c in OPTIONAL_CHANNELS}
    cleaned: dict[str, list[str]] = {}
    for kind, chosen in channels.items():
        if kind not in KINDS:
            errors[f"channels.{kind}"] = _("Unknown kind of notification.")
            continue
        unknown = set(chosen) - allowed
        if unknown:
            errors[f"channels.{kind}"] = _("Choose among: e-mail, SMS.")
            continue
        cleaned[kind] = sorted(set(chosen))
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    return cleaned


@action
def save_notification_preferences(
    *,
    acting_user: User,
    user: User,
    language: str,
    channels: Mapping[str, list[str]],
) -> NotificationPreference:
    """Set the language and, per kind of event, the e-mail/SMS channels; kinds not given keep
    their current choice."""
    if acting_user != user and not is_system_admin(acting_user):
        raise PermissionDenied()
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(
            _("Choose Vietnamese or English."),
            errors={"language": _("Choose Vietnamese or English.")},
        )
    cleaned = _clean_channels(channels)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(
        user=user
    )
    before = {"language": preference.language, "channels": dict(preference.channels)}
    preference.language = language
    preference.channels = {**preference.channels, **cleaned}
    preference.save()
    record_event(
        actor=acting_user,
        verb="notifications.save_notification_preferences",
        obj=preference,
        before=before,
        after={"language": language, "channels": preference.channels},
    )
    return preference


@action
def seed_notification_templates(*, acting_user: User | None) -> int:
    """Create an editable template row, filled with the code default, for every event, channel
    and language that has none. Existing rows are never touched."""
    if acting_user is not None and not is_system_admin(acting_user):
        raise PermissionDenied()
    existing = set(NotificationTemplate.objects.values_list("event", "channel", "language"))
    rows = []
    for spec in EVENTS.values():
        for channel in Channel:
            if not spec.has_channel(channel):
                continue
            subject, body = spec.default_text(channel)
            for language, _name in settings.LANGUAGES:
                if (spec.key, channel.value, language) in existing:
                    continue
                with translation.override(language):
                    rows.append(
                        NotificationTemplate(
                            event=spec.key,
                            channel=channel.value,
                            language=language,
                            subject=str(subject),
                            body=str(body),
                        )
                    )
    NotificationTemplate.objects.bulk_create(rows)
    record_event(
        actor=acting_user,
        verb="notifications.seed_notification_templates",
        object_type="notifications.notificationtemplate",
        after={"created": len(rows)},
    )
    return len(rows)


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
MIN_SECRET_LENGTH = 16


def webhook_subscription_errors(url: str, new_secret: str) -> dict[str, str]:
    """What is wrong with a subscription's address and new secret, by field."""
    errors = {}
    parts = urlsplit(url)
    if parts.scheme != "https" and not (
        parts.scheme == "http" and (parts.hostname or "") in LOOPBACK_HOSTS
    ):
        errors["url"] = _("Use an https:// address (plain http only to this machine, for tests).")
    if new_secret and len(new_secret) < MIN_SECRET_LENGTH:
        errors["new_secret"] = _("The secret needs at least 16 characters.")
    return errors


@action
def save_webhook_subscription(
    *, acting_user: User, subscription: WebhookSubscription, new_secret: str = ""
) -> tuple[WebhookSubscription, str]:
    """Create or change an integrator's subscription (system administrators).

    ``new_secret`` replaces the signing secret; a new subscription without one gets a random
    secret. Returns the subscription and the generated secret ("" when none was generated), to
    be shown once. The audit trail records that the secret changed, never the secret.
    """
    if not is_system_admin(acting_user):
        raise PermissionDenied()
    new_secret = new_secret.strip()
    errors = webhook_subscription_errors(subscription.url, new_secret)
    if errors:
        raise InvalidInput(next(iter(errors.values())), errors=errors)
    is_new = subscription.pk is None
    generated = ""
    if new_secret:
        subscription.secret = new_secret
    elif is_new or not subscription.secret:
        generated = subscription.secret = secrets.token_urlsafe(32)
    subscription.save()
    record_event(
        actor=acting_user,
        verb="notifications.save_webhook_subscription",
        obj=subscription,
        after={
            "name": subscription.name,
            "url": subscription.url,
            "events": list(subscription.events),
            "is_active": subscription.is_active,
            "created": is_new,
            "secret_changed": bool(new_secret or generated),
        },
    )
    return subscription, generated
