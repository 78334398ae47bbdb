"""Hashing and verification of the audit chains."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from egov.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def canonical(value: Any) -> Any:
    """The JSON form a payload has once stored, so the hash survives a database round trip."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def chain_count() -> int:
    return max(1, int(getattr(settings, "AUDIT_CHAINS", 16)))


def chain_for(object_type: str, object_id: str) -> int:
    """The chain of an object: stable, so every event of one object is in one chain, in order."""
    digest = hashlib.sha256(f"{object_type}:{object_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") % chain_count()


def event_hash(event: AuditEvent) -> str:
    content: dict[str, Any] = {
        "seq": event.seq,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "agency_id": event.agency_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
        "client_ip": event.client_ip,
        "prev_hash": event.prev_hash,
    }
    if event.hash_version >= 2:
        content |= {"chain": event.chain, "chain_seq": event.chain_seq, "v": event.hash_version}
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    chain: int
    seq: int  # position in the chain
    reason: str

    def __str__(self) -> str:
        return f"chain {self.chain}, event #{self.seq}: {self.reason}"


def _events(chain: int) -> Iterator[AuditEvent]:
    return AuditEvent.objects.filter(chain=chain).order_by("chain_seq").iterator(chunk_size=2000)


def verify_one_chain(chain: int) -> tuple[int, BrokenLink | None]:
    expected = 1
    prev_hash = GENESIS
    checked = 0
    for event in _events(chain):
        if event.chain_seq != expected:
            return checked, BrokenLink(chain, expected, f"event #{expected} is missing")
        if event.prev_hash != prev_hash:
            return checked, BrokenLink(
                chain, event.chain_seq, "the link to the previous event does not match"
            )
        if event_hash(event) != event.hash:
            return checked, BrokenLink(
                chain, event.chain_seq, "the content does not match its hash"
            )
        prev_hash = event.hash
        expected += 1
        checked += 1
    head = AuditChainHead.objects.filter(chain=chain).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev_hash:
        return checked, BrokenLink(
            chain, checked + 1, f"the chain ends at #{checked} but its head says #{head_seq}"
        )
    return checked, None


def verify_chain() -> tuple[int, BrokenLink | None]:
    """Walk every chain from its start; (events checked, first broken link or None)."""
    chains = set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    chains |= set(AuditChainHead.objects.values_list("chain", flat=True))
    total = 0
    for chain in sorted(chains):
        checked, broken = verify_one_chain(chain)
        total += checked
        if broken is not None:
            return total, broken
    return total, None
