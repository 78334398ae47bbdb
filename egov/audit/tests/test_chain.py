from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from egov.audit.actions import record_event
from egov.audit.chain import verify_chain
from egov.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _append(n: int, actor=None, object_id: str = "1") -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """``n`` events of one object, hence of one chain."""
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                record_event(
                    actor=actor,
                    verb="test.thing",
                    object_type="test.thing",
                    object_id=object_id,
                    before={"n": i},
                    after={"n": i + 1, "name": "Nguyễn Văn An", "amount": 1.5},
                )
            )
    return events


def _force(sql: str, params: list[object]) -> None:
    """Change the table behind the application's back, as an attacker with DB access would."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_events_chain_each_to_the_one_before() -> None:
    start = AuditEvent.objects.count()
    events = _append(3)
    assert len({e.chain for e in events}) == 1
    first = events[0].chain_seq
    assert [e.chain_seq for e in events] == [first, first + 1, first + 2]
    assert events[0].seq < events[1].seq < events[2].seq
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert verify_chain() == (start + 3, None)


def test_events_of_different_objects_spread_over_chains() -> None:
    events = [_append(1, object_id=str(i))[0] for i in range(40)]
    assert len({e.chain for e in events}) > 4
    assert verify_chain()[1] is None


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_a_bug() -> None:
    with pytest.raises(RuntimeError, match="inside a transaction"):
        record_event(actor=None, verb="test.thing", object_type="t")


def test_an_altered_event_breaks_the_chain_at_that_event() -> None:
    events = _append(4)
    _force("UPDATE audit_auditevent SET after = %s WHERE seq = %s", ['{"n": 99}', events[2].seq])
    checked, broken = verify_chain()
    assert broken is not None
    assert (broken.chain, broken.seq) == (events[2].chain, events[2].chain_seq)
    assert "content" in broken.reason
    with pytest.raises(
        CommandError, match=f"chain {events[2].chain}, event #{events[2].chain_seq}"
    ):
        call_command("verify_audit")


def test_a_deleted_event_breaks_the_chain() -> None:
    events = _append(3)
    _force("DELETE FROM audit_auditevent WHERE seq = %s", [events[1].seq])
    _checked, broken = verify_chain()
    assert broken is not None
    assert (broken.chain, broken.seq) == (events[1].chain, events[1].chain_seq)
    assert "missing" in broken.reason


def test_deleting_the_last_event_is_caught_by_the_chain_head() -> None:
    events = _append(2)
    _force("DELETE FROM audit_auditevent WHERE seq = %s", [events[-1].seq])
    _checked, broken = verify_chain()
    assert broken is not None
    assert "head" in broken.reason


def test_verify_audit_reports_an_intact_chain(capsys) -> None:  # type: ignore[no-untyped-def]
    _append(2)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_postgresql_rejects_update_and_delete_of_audit_events() -> None:
    (event,) = _append(1)
    for sql in (
        "UPDATE audit_auditevent SET verb = 'x' WHERE seq = %s",
        "DELETE FROM audit_auditevent WHERE seq = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.seq])
    assert AuditEvent.objects.get(seq=event.seq).verb == "test.thing"
