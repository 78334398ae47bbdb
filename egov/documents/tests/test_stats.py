"""The plan's KPIs are computed from the documents themselves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from egov.documents import actions
from egov.documents.actions import RecipientSpec
from egov.documents.models import Status
from egov.documents.stats import document_stats, totals
from egov.documents.tests.factories import draft, incoming, outgoing_in, pdf_file
from egov.documents.tests.test_incoming import METADATA
from egov.lib.workdays import VIETNAM

pytestmark = pytest.mark.django_db

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def _at(*args: int) -> time_machine.travel:
    return time_machine.travel(dt.datetime(*args, tzinfo=VIETNAM), tick=False)


@pytest.fixture
def march(world):  # type: ignore[no-untyped-def]
    """Two documents sent (one signed digitally, one partly on paper), three received (one
    electronic, done in two days; one on paper, done late; one still open past its deadline)."""
    with (
        _at(2026, 3, 2, 9, 0),
        override_settings(EGOV_DOCUMENT_SIGNER="egov.documents.tests.test_signing.pades_signer"),
    ):
        outgoing_in(world, Status.SENT, file=pdf_file())
    with _at(2026, 3, 3, 9, 0):
        outgoing_in(
            world,
            Status.SENT,
            recipients=[
                RecipientSpec(world.justice.organ_code),
                RecipientSpec("000.00.00.H45", "UBND tỉnh Long An", paper=True),
            ],
        )
    with _at(2026, 3, 4, 8, 0):
        electronic, _ = actions.register_incoming_from_exchange(
            recipient_organ_id=world.construction.organ_code, metadata=METADATA
        )
        electronic = actions.accept_arrival(acting_user=world.document_clerk, document=electronic)
        paper = incoming(world, due_date=dt.date(2026, 3, 5))
        still_open = incoming(world, code_number="77", due_date=dt.date(2026, 3, 10))
        for doc in (electronic, paper, still_open):
            actions.assign_document(
                acting_user=world.leader, document=doc, assignee=world.specialist
            )
    with _at(2026, 3, 6, 8, 0):
        actions.complete_document(acting_user=world.specialist, document=electronic)
        actions.complete_document(acting_user=world.specialist, document=paper)
    with _at(2026, 2, 20, 9, 0):  # outside the period
        outgoing_in(world, Status.SENT)
    draft(world)  # never sent: not counted
    return {"still_open": still_open}


def test_sent_received_electronic_and_signed_shares(world, march) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 4, 15, 9, 0):
        [row] = document_stats([world.construction], *MARCH)
    assert (row.sent, row.sent_electronic, row.signed_digitally) == (2, 1, 1)
    assert (row.received, row.received_electronic) == (3, 1)
    assert row.sent_electronic_share == 0.5
    assert row.signed_share == 0.5
    assert row.electronic_share == pytest.approx(2 / 5, abs=1e-4)


def test_handling_time_and_late_documents(world, march) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 4, 15, 9, 0):
        [row] = document_stats([world.construction], *MARCH)
    assert row.completed == 2
    assert row.average_handling_days == 2.0  # both arrived 4/3 08:00, done 6/3 08:00
    assert row.completed_late == 1  # due 5/3, done 6/3
    assert row.overdue_open == 1  # due 10/3, still open on 31/3
    assert row.late == 2


def test_a_document_completed_after_the_period_counts_as_overdue_in_it(world, march) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 4, 2, 9, 0):
        actions.complete_document(acting_user=world.specialist, document=march["still_open"])
    with _at(2026, 4, 15, 9, 0):
        [row] = document_stats([world.construction], *MARCH)
    assert row.overdue_open == 1


def test_the_receivers_side_counts_what_arrived_from_inside(world, march) -> None:  # type: ignore[no-untyped-def]
    with _at(2026, 4, 15, 9, 0):
        rows = document_stats([world.construction, world.justice], *MARCH)
    justice = rows[1]
    assert (justice.received, justice.received_electronic, justice.sent) == (2, 2, 0)
    assert justice.received_electronic_share == 1.0
    total = totals(rows)
    assert (total.sent, total.received) == (2, 5)


def test_an_empty_period_has_no_shares(world) -> None:  # type: ignore[no-untyped-def]
    [row] = document_stats([world.construction], *MARCH)
    assert (row.sent, row.received) == (0, 0)
    assert row.electronic_share is None
    assert row.signed_share is None
    assert row.average_handling_days is None
