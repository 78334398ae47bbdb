"""What can be notified: event kinds and events, with their default texts, declared in code.

An app declares its events in ``<app>/notification_events.py`` (imported at start-up)::

    from egov.notifications.events import EventSpec, register_event, register_kind

    register_kind("dossier", _("My dossiers"))
    register_event(EventSpec(
        key="dossiers.accepted",
        kind="dossier",
        label=_("Dossier accepted"),
        subject=_("Dossier {{ code }} has been accepted"),
        body=_("Your dossier {{ code }} was accepted on {{ accepted_at }}. ..."),
        sms=_("Ho so {{ code }} da duoc tiep nhan, hen tra {{ due_date }}."),
        channels=frozenset({Channel.EMAIL, Channel.SMS}),
        sample={"code": "000.00.09.H58-260213-0001", "accepted_at": "13/02/2026 09:30"},
    ))

The texts are Django templates (``{{ name }}`` placeholders, no HTML) written as English
msgids; the Vietnamese default is their translation in the app's catalog. Administrators can
override any of them per channel and language in admin (``NotificationTemplate`` rows); the
code default applies wherever no row exists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Message = str | Promise


class Channel(models.TextChoices):
    INAPP = "inapp", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


# Channels a person can switch on and off; the in-app notification is the record of every
# event and is always kept.
OPTIONAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True)
class EventKind:
    key: str
    label: Message


@dataclass(frozen=True)
class EventSpec:
    key: str
    kind: str
    label: Message
    # E-mail subject and body; also the in-app title and text unless given separately.
    subject: Message
    body: Message
    # Short SMS text (sent without diacritics unless SMS_UNICODE is on); empty: no SMS.
    sms: Message = ""
    inapp_title: Message = ""
    inapp_body: Message = ""
    # Channels used unless the person chose otherwise for this kind of event.
    channels: frozenset[str] = frozenset({Channel.EMAIL})
    # Sent on every channel it has, whatever the person's preferences (e.g. one-time codes).
    mandatory: bool = False
    # Example context: admin previews and the checks of edited templates render with it.
    sample: Mapping[str, Any] = field(default_factory=dict)

    def default_text(self, channel: str) -> tuple[Message, Message]:
        """(subject, body) of the code default for ``channel``; translate by str() in a language."""
        if channel == Channel.SMS:
            return "", self.sms
        if channel == Channel.INAPP:
            return self.inapp_title or self.subject, self.inapp_body or self.body
        return self.subject, self.body

    def has_channel(self, channel: str) -> bool:
        return channel != Channel.SMS or bool(self.sms)


KINDS: dict[str, EventKind] = {}
EVENTS: dict[str, EventSpec] = {}

_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def register_kind(key: str, label: Message) -> EventKind:
    kind = EventKind(key=key, label=label)
    KINDS[key] = kind
    return kind


def register_event(spec: EventSpec) -> EventSpec:
    if not _KEY.match(spec.key):
        raise ValueError(f"event key {spec.key!r} must look like 'app.something'")
    if spec.kind not in KINDS:
        raise ValueError(f"event {spec.key!r}: register the kind {spec.kind!r} first")
    EVENTS[spec.key] = spec
    return spec


def get_event(key: str) -> EventSpec | None:
    return EVENTS.get(key)


register_kind("general", _("General notices"))
register_kind("account", _("My account"))
