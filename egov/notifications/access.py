"""Object access for notifications: a person sees their own, nobody else's."""

from __future__ import annotations

from typing import Any

from egov.lib.problems import NotFound
from egov.notifications.models import Notification


def access_notification(
    user: Any, notification_id: int, *, for_update: bool = False
) -> Notification:
    """The user's own notification; someone else's looks exactly like a missing one."""
    notes = Notification.objects.filter(pk=notification_id, recipient_id=user.pk)
    if for_update:
        notes = notes.select_for_update()
    note = notes.first()
    if note is None or not getattr(user, "is_authenticated", False):
        raise NotFound()
    return note
