"""Demo data of the portal: the life events, linked to the demo catalog's procedures."""

from __future__ import annotations

from egov.demo.base import DemoLogin
from egov.portal import lifeevents
from egov.portal.actions import import_life_events, life_event_procedures, life_event_values
from egov.portal.models import LifeEvent


def _differs() -> bool:
    items = lifeevents.read()
    events = {e.slug: e for e in LifeEvent.objects.prefetch_related("procedures")}
    for order, item in enumerate(items, start=1):
        event = events.get(item["slug"])
        if event is None:
            return True
        values = life_event_values(item, order)
        if any(getattr(event, key) != value for key, value in values.items()):
            return True
        if {p.pk for p in event.procedures.all()} != life_event_procedures(item):
            return True
    return False


def load() -> list[DemoLogin]:
    if _differs():
        import_life_events(acting_user=None, items=lifeevents.read())
    return []
