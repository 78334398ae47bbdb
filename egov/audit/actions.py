"""Writing the audit trail. ``record_event`` is the primitive every action calls exactly once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from egov.audit.chain import GENESIS, canonical, chain_for, event_hash
from egov.audit.context import client_ip_var
from egov.audit.models import AuditChainHead, AuditEvent
from egov.lib.actions import action, note_audit_event

if TYPE_CHECKING:
    from egov.accounts.models import User
    from egov.org.models import Agency


def _lock_head(chain: int) -> tuple[int, int, str, int]:
    """Lock the chain's head row and draw the global recording order, in one round trip on
    PostgreSQL: (head id, head seq, head hash, next global seq). The head row is created the
    first time a chain is used (after that the common path is a single statement)."""
    if connection.vendor == "postgresql":
        sql = (
            "SELECT id, seq, hash, nextval('audit_event_seq') FROM audit_auditchainhead "
            "WHERE chain = %s FOR UPDATE"
        )
    else:
        # SQLite runs one writing transaction at a time: the maximum plus one is safe there.
        sql = (
            "SELECT id, seq, hash, (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_auditevent) "
            "FROM audit_auditchainhead WHERE chain = %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [chain])
        row = cursor.fetchone()
        if row is None:
            AuditChainHead.objects.bulk_create(
                [AuditChainHead(chain=chain, seq=0, hash=GENESIS)], ignore_conflicts=True
            )
            cursor.execute(sql, [chain])
            row = cursor.fetchone()
    head_id, head_seq, head_hash, next_seq = row
    return int(head_id), int(head_seq), str(head_hash), int(next_seq)


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
    head_id, head_seq, head_hash, next_seq = _lock_head(chain)
    is_user = actor is not None and actor.is_authenticated
    event = AuditEvent(
        seq=next_seq,
        chain=chain,
        chain_seq=head_seq + 1,
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
        prev_hash=head_hash,
    )
    event.hash = event_hash(event)
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=head_id).update(seq=event.chain_seq, hash=event.hash)
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
