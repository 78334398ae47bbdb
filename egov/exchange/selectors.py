"""Reads of the exchange app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from egov.exchange.models import (
    Direction,
    Message,
    MessageKind,
    OutboxItem,
    OutboxState,
    Peer,
    PeerStatus,
    Transmission,
)
from egov.lib.identifiers import organ_code_parent
from egov.org.models import Agency, Role
from egov.org.selectors import active_memberships, is_system_admin

if TYPE_CHECKING:
    from egov.accounts.models import User

# Who sees an agency's transmissions and may act on them.
EXCHANGE_ROLES = (Role.DOCUMENT_CLERK, Role.LEADER, Role.AGENCY_ADMIN)


def find_peer(organ_code: str) -> Peer | None:
    """The active peer that reaches ``organ_code``: its own entry, or the nearest parent entry
    that includes its subordinates (one query)."""
    chain = [organ_code]
    while (parent := organ_code_parent(chain[-1])) is not None:
        chain.append(parent)
    found = {peer.organ_code: peer for peer in Peer.objects.filter(organ_code__in=chain)}
    for depth, code in enumerate(chain):
        peer = found.get(code)
        if peer is not None and (depth == 0 or peer.includes_subordinates):
            return peer if peer.status == PeerStatus.ACTIVE else None
    return None


def local_agency(organ_code: str) -> Agency | None:
    return (
        Agency.objects.select_related("parent")
        .filter(organ_code=organ_code, is_active=True)
        .first()
    )


def local_agencies(organ_codes: list[str]) -> dict[str, Agency]:
    return {
        agency.organ_code: agency
        for agency in Agency.objects.select_related("parent").filter(
            organ_code__in=organ_codes, is_active=True
        )
    }


def visible_organ_codes(user: User | Any) -> set[str] | None:
    """Organ codes whose transmissions the user may see; None means all (system admin)."""
    if is_system_admin(user):
        return None
    return {m.agency.organ_code for m in active_memberships(user) if m.role in EXCHANGE_ROLES}


def transmissions_for(
    user: User | Any, *, direction: str | None = None, status: str | None = None
) -> QuerySet[Transmission]:
    queryset = Transmission.objects.select_related("peer", "response_for")
    organ_codes = visible_organ_codes(user)
    if organ_codes is not None:
        queryset = queryset.filter(local_organ_code__in=organ_codes)
    if direction:
        queryset = queryset.filter(direction=direction)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def ack_for(transmission: Transmission, code: str) -> Message | None:
    """The acknowledgement we signed for a received document (or request)."""
    return (
        Message.objects.filter(
            transmission=transmission,
            direction=Direction.OUTGOING,
            kind=MessageKind.STATUS,
            status_code=code,
        )
        .order_by("-pk")
        .first()
    )


def received_package(digest: str) -> Message | None:
    return (
        Message.objects.select_related("ack")
        .filter(direction=Direction.INCOMING, digest=digest)
        .order_by("pk")
        .first()
    )


def original_package(transmission: Transmission) -> Message | None:
    """The document package a transmission began with (a new document or a replacement)."""
    sender = (
        transmission.local_organ_code
        if transmission.direction == Direction.OUTGOING
        else transmission.remote_organ_code
    )
    return (
        Message.objects.filter(
            document_id=transmission.document_id,
            direction=transmission.direction,
            kind=MessageKind.DOCUMENT,
            sender_organ_code=sender,
            business_type__in=[0, 3],
        )
        .order_by("pk")
        .first()
    )


def outbox_counts() -> dict[str, int]:
    from django.db.models import Count

    rows = OutboxItem.objects.values("state").annotate(n=Count("pk"))
    counts = dict.fromkeys(OutboxState.values, 0)
    counts.update({row["state"]: row["n"] for row in rows})
    return counts
