"""Dossier status changes offered to integrators as webhooks (the provincial and national
portals subscribe in admin; see docs/api.md for the payload and the signature).

Connected to ``dossier_transitioned`` by the app config: every transition that changes the
status enqueues, inside the acting transaction, one outbox delivery per matching subscription.
Transitions that keep the status (``assign``, ``complete_step`` within processing, a
reschedule) are not status changes and send nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from egov.dossiers.models import Dossier, DossierAgency, DossierEvent
from egov.dossiers.workflow import Status
from egov.notifications import webhooks

EVENT_TYPE = "dossier.status_changed"


def payload(dossier: Dossier, event: DossierEvent) -> dict[str, Any]:
    return {
        "occurred_at": timezone.localtime(event.at).isoformat(),
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "timeliness": event.timeliness or None,
        "dossier": {
            "code": dossier.code,
            "procedure": {"code": dossier.procedure_code, "name": dossier.procedure_name},
            "channel": dossier.channel,
            "receiving_agency": dossier.receiving_agency.organ_code,
            "registered_at": timezone.localtime(dossier.registered_at).isoformat(),
            "due_on": dossier.due_on.isoformat() if dossier.due_on else None,
        },
    }


def on_dossier_transitioned(
    sender: Any, *, dossier: Dossier, event: DossierEvent, **kwargs: Any
) -> None:
    if event.from_status == event.to_status:
        return

    def agencies() -> set[int]:
        involved = set(
            DossierAgency.objects.filter(dossier=dossier).values_list("agency_id", flat=True)
        )
        return involved | {dossier.receiving_agency_id}

    webhooks.enqueue_event(
        EVENT_TYPE, lambda: payload(dossier, event), status=event.to_status, agency_ids=agencies
    )


webhooks.register_statuses(Status.choices)
