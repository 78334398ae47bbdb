"""Administrators edit life events and online settings (audited) and only read the rest."""

from __future__ import annotations

import pytest

from egov.audit.models import AuditEvent
from egov.portal.models import LifeEvent, OnlineService

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def test_an_administrator_adds_a_life_event_with_its_procedures(admin_client, service) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/portal/lifeevent/add/",
        {"slug": "xay-nha", "name": "Xây nhà", "order": "1", "procedures": [str(service.pk)]},
    )
    assert response.status_code == 302
    event = LifeEvent.objects.get(slug="xay-nha")
    assert list(event.procedures.all()) == [service]
    assert AuditEvent.objects.filter(
        object_type="portal.lifeevent", object_id=str(event.pk)
    ).exists()


def test_an_administrator_sets_when_fees_are_paid(admin_client, service) -> None:  # type: ignore[no-untyped-def]
    response = admin_client.post(
        "/admin/portal/onlineservice/add/",
        {"procedure": str(service.pk), "fee_timing": "after_acceptance"},
    )
    assert response.status_code == 302
    assert OnlineService.objects.get().fee_timing == "after_acceptance"


def test_applications_results_and_stored_documents_are_read_only(
    admin_client, world, service
) -> None:  # type: ignore[no-untyped-def]
    from egov.docstore.actions import store_document
    from egov.portal.actions import start_application

    application = start_application(acting_user=world.citizen, procedure=service)
    document = store_document(acting_user=world.citizen, content=b"%PDF-1.4 x", filename="x.pdf")
    assert admin_client.get("/admin/portal/application/").status_code == 200
    assert (
        admin_client.get(f"/admin/portal/application/{application.pk}/change/").status_code == 200
    )
    assert admin_client.get("/admin/portal/application/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/docstore/storeddocument/{document.pk}/delete/").status_code
        == 403
    )
    assert admin_client.get("/admin/portal/dossierresult/").status_code == 200
