"""The one entry point every app uses to tell people about something: ``notify``.

Call it inside the action's transaction: the records it writes commit or roll back with the
action, and delivery outside (e-mail, SMS) starts only after commit.

Two ways to say what to send:

- a registered event (``egov.notifications.events``) and its ``context``: the texts come from
  the event's templates in each recipient's language, on the channels the recipient chose;
- an unregistered event with ``title`` and ``body`` (lazy translatable strings): an in-app
  notification only, unless ``channels`` asks for e-mail or SMS too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation

from egov.accounts.models import UserKind
from egov.notifications.events import Channel, EventSpec, get_event
from egov.notifications.models import (
    DeliveryStatus,
    Notification,
    NotificationPreference,
    OutboxMessage,
)
from egov.notifications.phones import InvalidPhone, normalize_mobile
from egov.notifications.rendering import Rendered, render_event, render_text, without_diacritics

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.lib.problems import Message


@dataclass(frozen=True)
class Contact:
    """Somebody reached by address rather than by account, e.g. a phone number being verified.

    Gets e-mail and SMS only (there is no in-app inbox without an account).
    """

    email: str = ""
    phone: str = ""
    language: str = "vi"
    name: str = ""


def absolute_url(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def _preferences(users: list[User]) -> dict[int, NotificationPreference]:
    return {
        p.user_id: p for p in NotificationPreference.objects.filter(user__in=[u.pk for u in users])
    }


def chosen_channels(spec: EventSpec | None, preference: NotificationPreference | None) -> set[str]:
    """The optional channels (e-mail, SMS) one person gets for an event."""
    if spec is None:
        return set()
    available: set[str] = {c for c in (Channel.EMAIL, Channel.SMS) if spec.has_channel(c)}
    if spec.mandatory:
        return available
    if preference is not None and spec.kind in preference.channels:
        return available & set(preference.channels[spec.kind])
    return available & set(spec.channels)


def _usable_email(user: User) -> str:
    # Citizens' addresses count once verified; staff addresses are entered by administrators.
    if user.email and (user.email_verified_at is not None or user.kind == UserKind.STAFF):
        return user.email
    return ""


def _usable_phone(raw: str, *, verified: bool = True) -> str:
    if not raw or not verified:
        return ""
    try:
        return normalize_mobile(raw)
    except InvalidPhone:
        return ""


class _Renderer:
    """Texts of one notify() call, rendered once per channel and language."""

    def __init__(
        self,
        spec: EventSpec | None,
        title: Message | None,
        body: Message,
        context: Mapping[str, Any],
    ) -> None:
        self.spec = spec
        self.title = title
        self.body = body
        self.context = dict(context)
        self._cache: dict[tuple[str, str, str], Rendered] = {}

    def render(self, channel: str, language: str, name: str) -> Rendered:
        key = (channel, language, name)
        if key not in self._cache:
            self._cache[key] = self._render(channel, language, name)
        return self._cache[key]

    def _render(self, channel: str, language: str, name: str) -> Rendered:
        context = {**self.context, "recipient_name": name}
        if self.title is not None or self.spec is None:
            with translation.override(language):
                title = str(self.title or "")
                body = str(self.body)
            if self.spec is None:
                # Backward compatible: plain strings, formatted like they always were.
                return Rendered(subject=title[:255], body=body)
            return Rendered(
                subject=render_text(title, context)[:255], body=render_text(body, context)
            )
        rendered = render_event(self.spec, channel, language, context)
        if channel == Channel.SMS and not settings.SMS_UNICODE:
            return Rendered(subject="", body=without_diacritics(rendered.body))
        return rendered


def notify(
    event: str,
    *,
    recipients: Iterable[User | Contact | None],
    title: Message | None = None,
    body: Message = "",
    url: str = "",
    related: models.Model | None = None,
    context: Mapping[str, Any] | None = None,
    channels: Iterable[str] | None = None,
    expires_in: dt.timedelta | None = None,
) -> list[Notification]:
    """Notify each recipient of ``event``; returns the in-app notifications created.

    ``channels`` overrides the optional channels (``"email"``, ``"sms"``) for everybody;
    ``expires_in`` drops e-mails and SMS not sent in time (e.g. one-time codes).
    """
    spec = get_event(event)
    context = {**(context or {}), "url": absolute_url(url)}
    renderer = _Renderer(spec, title, body, context)
    object_type = related._meta.label_lower if related is not None else ""
    object_id = str(related.pk) if related is not None else ""
    expires_at = timezone.now() + expires_in if expires_in is not None else None
    forced = set(channels) if channels is not None else None

    users: dict[int, User] = {}
    contacts: dict[tuple[str, str], Contact] = {}
    for recipient in recipients:
        if isinstance(recipient, Contact):
            contacts.setdefault((recipient.email, recipient.phone), recipient)
        elif recipient is not None:
            users.setdefault(recipient.pk, recipient)
    preferences = _preferences(list(users.values())) if users else {}

    created: list[Notification] = []
    outbox: list[OutboxMessage] = []

    def queue(
        channel: str,
        address: str,
        language: str,
        name: str,
        user: User | None,
        note: Notification | None,
    ) -> None:
        if not address:
            return
        text = renderer.render(channel, language, name)
        if not text.body:
            return
        outbox.append(
            OutboxMessage(
                channel=channel,
                event=event,
                notification=note,
                recipient=user,
                address=address,
                language=language,
                subject=text.subject,
                body=text.body,
                status=DeliveryStatus.CREATED,
                next_attempt_at=timezone.now(),
                expires_at=expires_at,
            )
        )

    for user in users.values():
        preference = preferences.get(user.pk)
        language = preference.language if preference else settings.LANGUAGE_CODE
        name = user.get_full_name()
        inapp = renderer.render(Channel.INAPP, language, name)
        note = Notification.objects.create(
            recipient=user,
            event=event,
            title=inapp.subject or event,
            body=inapp.body,
            url=url,
            object_type=object_type,
            object_id=object_id,
        )
        created.append(note)
        wanted = forced if forced is not None else chosen_channels(spec, preference)
        if Channel.EMAIL in wanted:
            queue(Channel.EMAIL, _usable_email(user), language, name, user, note)
        if Channel.SMS in wanted and settings.SMS_PROVIDER_URL:
            verified = user.phone_verified_at is not None or user.kind == UserKind.STAFF
            phone = _usable_phone(user.phone, verified=verified)
            queue(Channel.SMS, phone, language, name, user, note)

    for contact in contacts.values():
        wanted = forced if forced is not None else {Channel.EMAIL, Channel.SMS}
        if Channel.EMAIL in wanted:
            queue(Channel.EMAIL, contact.email, contact.language, contact.name, None, None)
        if Channel.SMS in wanted and settings.SMS_PROVIDER_URL:
            phone = _usable_phone(contact.phone)
            queue(Channel.SMS, phone, contact.language, contact.name, None, None)

    if outbox:
        saved = OutboxMessage.objects.bulk_create(outbox)
        ids = [m.pk for m in saved]
        if None in ids:  # a database that does not return keys from bulk inserts
            ids = list(
                OutboxMessage.objects.filter(uuid__in=[m.uuid for m in outbox]).values_list(
                    "pk", flat=True
                )
            )
        transaction.on_commit(lambda: _enqueue_deliveries(ids))
    return created


def _enqueue_deliveries(ids: list[int]) -> None:
    from egov.notifications.tasks import deliver_message

    for message_id in ids:
        deliver_message.enqueue(message_id)
