"""Writing the audit trail. ``record_event`` is the primitive every action calls exactly once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from egov.audit.chain import GENESIS, canonical, chain_for, event_hash
from egov.audit.context import client_ip_var
from egov.audit.models import AuditChainHead, AuditEvent
from egov.lib.actions import action, note_audit_event, outer_action_state

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency


def _next_seq() -> int:
    """The global recording order. PostgreSQL hands it out from a sequence without any lock;
    SQLite runs one writing transaction at a time, so the maximum plus one is safe there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval('audit_event_seq')")
        else:
            cursor.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_auditevent")
        (value,) = cursor.fetchone()
    return int(value)


def _lock_head(chain: int) -> tuple[AuditChainHead, int]:
    """The chain's head row, created if missing and locked until commit, and the event's place
    in the global order. PostgreSQL does all of it in one statement: the no-op update of the
    upsert locks the row as ``SELECT … FOR UPDATE`` would."""
    if connection.vendor != "postgresql":
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, seq=0, hash=GENESIS)], ignore_conflicts=True
        )
        return AuditChainHead.objects.select_for_update().get(chain=chain), _next_seq()
    table = AuditChainHead._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (chain, seq, hash) VALUES (%s, 0, %s) "  # noqa: S608
            f"ON CONFLICT (chain) DO UPDATE SET seq = {table}.seq "
            "RETURNING id, seq, hash, nextval('audit_event_seq')",
            [chain, GENESIS],
        )
        pk, head_seq, head_hash, seq = cursor.fetchone()
    return AuditChainHead(pk=pk, chain=chain, seq=head_seq, hash=head_hash), int(seq)


def record_event(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    agency: Agency | None = None,
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event() must run inside a transaction (use an @action)")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    chain = chain_for(object_type, str(object_id))
    # An action and the actions it calls append to one chain, that of the first event: locking
    # a second chain head could deadlock with a transaction that took the two heads in the
    # other order (seen when edXML packages arrive in parallel). Order across chains is `seq`.
    shared = outer_action_state()
    if shared is not None:
        chain = int(shared.setdefault("audit_chain", chain))  # type: ignore[call-overload]
    head, seq = _lock_head(chain)
    is_user = actor is not None and actor.is_authenticated
    event = AuditEvent(
        seq=seq,
        chain=chain,
        chain_seq=head.seq + 1,
        hash_version=2,
        created_at=timezone.now(),
        actor=actor if is_user else None,
        actor_label=actor.get_username() if is_user and actor is not None else "",
        agency=agency,
        verb=verb,
        object_type=object_type,
        object_id=str(object_id),
        before=canonical(before),
        after=canonical(after),
        client_ip=client_ip_var.get(),
        prev_hash=head.hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    head.seq = event.chain_seq
    head.hash = event.hash
    head.save(update_fields=["seq", "hash"])
    note_audit_event()
    return event


@action
def save_in_admin(
    *, acting_user: User, obj: models.Model, is_new: bool, changed_fields: list[str]
) -> models.Model:
    """A reference record saved through Django admin: saved, and the change audited."""
    obj.save()
    after = {name: getattr(obj, name, None) for name in changed_fields if hasattr(obj, name)}
    record_event(
        actor=acting_user,
        verb="admin.add" if is_new else "admin.change",
        obj=obj,
        after=after,
    )
    return obj


@action
def delete_in_admin(*, acting_user: User, obj: models.Model) -> None:
    label, pk, text = obj._meta.label_lower, obj.pk, str(obj)
    obj.delete()
    record_event(
        actor=acting_user,
        verb="admin.delete",
        object_type=label,
        object_id=str(pk),
        before={"repr": text},
    )
