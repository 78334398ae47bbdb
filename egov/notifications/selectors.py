"""Reads of the notifications app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from egov.notifications.events import EVENTS, KINDS, OPTIONAL_CHANNELS, Channel, EventKind
from egov.notifications.models import Notification, NotificationPreference, NotificationTemplate


def notifications_for(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    notes = Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-pk")
    if unread_only:
        notes = notes.filter(read_at__isnull=True)
    return notes


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def preference_for(user: Any) -> NotificationPreference:
    """The stored preference, or an unsaved one holding the defaults."""
    found = NotificationPreference.objects.filter(user_id=user.pk).first()
    return found or NotificationPreference(user_id=user.pk, language=settings.LANGUAGE_CODE)


def kinds_in_use() -> list[EventKind]:
    used = {spec.kind for spec in EVENTS.values()}
    return [kind for key, kind in KINDS.items() if key in used]


def effective_channels(preference: NotificationPreference) -> dict[str, list[str]]:
    """For each kind of event, the optional channels the person gets (stored or default)."""
    result: dict[str, list[str]] = {}
    for kind in kinds_in_use():
        if kind.key in preference.channels:
            result[kind.key] = list(preference.channels[kind.key])
            continue
        defaults = {c for spec in EVENTS.values() if spec.kind == kind.key for c in spec.channels}
        result[kind.key] = [str(c) for c in OPTIONAL_CHANNELS if c in defaults]
    return result


def missing_templates() -> int:
    """How many (event, channel, language) combinations have no editable row yet."""
    existing = set(NotificationTemplate.objects.values_list("event", "channel", "language"))
    return sum(
        1
        for spec in EVENTS.values()
        for channel in Channel
        if spec.has_channel(channel)
        for language, _name in settings.LANGUAGES
        if (spec.key, channel.value, language) not in existing
    )
