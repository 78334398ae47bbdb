"""The one entry point every app uses to tell people about something: ``notify``.

Call it inside the action's transaction: the records it writes commit or roll back with the
action, and delivery outside (e-mail, SMS) happens only after commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import translation

from egov.notifications.models import Notification

if TYPE_CHECKING:
    from egov.accounts.models import User


def notify(
    event: str,
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    related: models.Model | None = None,
    context: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """Record a notification of ``event`` for each recipient.

    ``title`` and ``body`` are (lazy) translatable strings; they are rendered in Vietnamese, the
    language of record. ``context`` carries the event's data for richer templates.
    """
    object_type = related._meta.label_lower if related is not None else ""
    object_id = str(related.pk) if related is not None else ""
    created = []
    with translation.override("vi"):
        for recipient in {r.pk: r for r in recipients if r is not None}.values():
            created.append(
                Notification.objects.create(
                    recipient=recipient,
                    event=event,
                    title=str(title)[:255],
                    body=str(body),
                    url=url,
                    object_type=object_type,
                    object_id=object_id,
                )
            )
    return created
