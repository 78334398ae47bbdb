"""Changes made in Django admin go through audited actions like any other write."""

from __future__ import annotations

import pytest

from egov.audit.models import AuditEvent
from egov.org.models import Position

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def test_a_change_in_admin_is_saved_and_audited(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    position = Position.objects.create(name="Chuyên viên chính", rank=70)
    response = admin_client.post(
        f"/admin/org/position/{position.pk}/change/",
        {"name": "Chuyên viên cao cấp", "rank": 65},
    )
    assert response.status_code == 302
    position.refresh_from_db()
    assert position.name == "Chuyên viên cao cấp"
    event = AuditEvent.objects.filter(verb="admin.change").latest("seq")
    assert event.actor == world.admin
    assert event.object_id == str(position.pk)
    assert event.after == {"name": "Chuyên viên cao cấp", "rank": 65}


def test_a_deletion_in_admin_is_audited(admin_client, world) -> None:  # type: ignore[no-untyped-def]
    position = Position.objects.create(name="Tạm thời")
    response = admin_client.post(f"/admin/org/position/{position.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Position.objects.filter(pk=position.pk).exists()
    event = AuditEvent.objects.filter(verb="admin.delete").latest("seq")
    assert event.before == {"repr": "Tạm thời"}


def test_audit_events_cannot_be_edited_in_admin(admin_client) -> None:  # type: ignore[no-untyped-def]
    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
