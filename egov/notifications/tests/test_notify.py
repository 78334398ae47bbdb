from __future__ import annotations

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from egov.notifications.models import Notification
from egov.notifications.services import notify

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
