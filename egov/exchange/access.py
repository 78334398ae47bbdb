"""Object access for the exchange app: missing and forbidden look the same (404)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from egov.exchange.models import OutboxItem, Transmission
from egov.exchange.selectors import visible_organ_codes
from egov.lib.problems import NotFound
from egov.org.selectors import is_system_admin

if TYPE_CHECKING:
    from egov.accounts.models import User


def access_transmission(user: User | Any, transmission_id: int) -> Transmission:
    """A transmission of an agency where the user is document clerk, leader or administrator."""
    transmission = (
        Transmission.objects.select_related("peer", "response_for")
        .filter(pk=transmission_id)
        .first()
    )
    if transmission is None:
        raise NotFound()
    organ_codes = visible_organ_codes(user)
    if organ_codes is not None and transmission.local_organ_code not in organ_codes:
        raise NotFound()
    return transmission


def access_outbox_item(user: User | Any, item_id: int) -> OutboxItem:
    """Deliveries are plumbing: system administrators only."""
    item = OutboxItem.objects.select_related("peer", "message", "transmission").filter(pk=item_id)
    found = item.first()
    if found is None or not is_system_admin(user):
        raise NotFound()
    return found
