"""Hashing and verification of the audit chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from egov.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def canonical(value: Any) -> Any:
    """The JSON form a payload has once stored, so the hash survives a database round trip."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def event_hash(event: AuditEvent) -> str:
    content = {
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
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class BrokenLink:
    seq: int
    reason: str


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=2000)


def verify_chain() -> tuple[int, BrokenLink | None]:
    """Walk the chain from the start; returns (events checked, first broken link or None)."""
    expected_seq = 1
    prev_hash = GENESIS
    checked = 0
    for event in _events():
        if event.seq != expected_seq:
            return checked, BrokenLink(expected_seq, f"event #{expected_seq} is missing")
        if event.prev_hash != prev_hash:
            return checked, BrokenLink(event.seq, "the link to the previous event does not match")
        if event_hash(event) != event.hash:
            return checked, BrokenLink(event.seq, "the content does not match its hash")
        prev_hash = event.hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != checked or head_hash != prev_hash:
        return checked, BrokenLink(
            checked + 1, f"the chain ends at #{checked} but its head says #{head_seq}"
        )
    return checked, None
