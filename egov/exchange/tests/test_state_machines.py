"""Every move of the three state machines, allowed and forbidden, against a table written out
here by hand (not read from the code)."""

from __future__ import annotations

import itertools

import pytest

from egov.exchange import actions
from egov.exchange.models import (
    EventKind,
    Handling,
    OutboxItem,
    OutboxState,
    RequestState,
    Transmission,
)
from egov.exchange.samples import organization, sample_document
from egov.exchange.tests.helpers import b_organization
from egov.lib.problems import Conflict

pytestmark = pytest.mark.django_db

# from -> statuses it may move to (the receiver's handling can skip steps, never go back).
HANDLING_MOVES = {
    "00": {"01", "02", "03", "04", "05", "06"},
    "01": {"02", "03", "04", "05", "06"},
    "03": {"04", "05", "06"},
    "04": {"05", "06"},
    "05": {"06"},
    "02": set(),
    "06": set(),
}
# A status behind the current one is recorded late (refusals never are).
LATE = {
    ("03", "01"),
    ("04", "01"),
    ("04", "03"),
    ("05", "01"),
    ("05", "03"),
    ("05", "04"),
    ("06", "01"),
    ("06", "03"),
    ("06", "04"),
    ("06", "05"),
}
CODES = ["00", "01", "02", "03", "04", "05", "06"]


@pytest.fixture
def transmission(world, peer_b) -> Transmission:  # type: ignore[no-untyped-def]
    message = sample_document(
        sender=organization(world.construction.organ_code, world.construction.name),
        to=(b_organization(),),
    )
    (sent,) = actions.send_document(acting_user=None, message=message)
    return sent


def _at(transmission: Transmission, status: str) -> Transmission:
    Transmission.objects.filter(pk=transmission.pk).update(status=status)
    transmission.events.all().delete()
    transmission.refresh_from_db()
    return transmission


@pytest.mark.parametrize(
    ("current", "new"),
    [(c, n) for c, n in itertools.product(CODES, CODES) if c != n and n != "00"],
)
def test_each_handling_move(transmission, current: str, new: str) -> None:  # type: ignore[no-untyped-def]
    transmission = _at(transmission, current)
    if new in HANDLING_MOVES[current]:
        assert actions.move_handling(transmission, new) is True
        transmission.refresh_from_db()
        assert transmission.status == new
        event = transmission.events.get()
        assert (event.from_value, event.to_value, event.late) == (current, new, False)
    elif (current, new) in LATE:
        assert actions.move_handling(transmission, new) is False
        transmission.refresh_from_db()
        assert transmission.status == current
        assert transmission.events.get().late is True
    else:
        with pytest.raises(Conflict):
            actions.move_handling(transmission, new)
        assert Transmission.objects.get(pk=transmission.pk).status == current
        assert not transmission.events.exists()


def test_a_status_already_recorded_changes_nothing(transmission) -> None:  # type: ignore[no-untyped-def]
    transmission = _at(transmission, "01")
    assert actions.move_handling(transmission, "03") is True
    assert actions.move_handling(transmission, "03") is False
    assert transmission.events.count() == 1


REQUEST_MOVES = {
    "none": {"pending"},
    "pending": {"agreed", "refused"},
    "agreed": {"pending"},
    "refused": {"pending"},
}
REQUEST_STATES = ["none", "pending", "agreed", "refused"]


@pytest.mark.parametrize(
    ("current", "new"),
    [(c, n) for c, n in itertools.product(REQUEST_STATES, REQUEST_STATES) if c != n],
)
def test_each_request_move(transmission, current: str, new: str) -> None:  # type: ignore[no-untyped-def]
    Transmission.objects.filter(pk=transmission.pk).update(request_state=current)
    transmission.events.all().delete()
    transmission.refresh_from_db()
    if new in REQUEST_MOVES[current]:
        actions.move_request(transmission, new, request_type=2, description="cập nhật")
        transmission.refresh_from_db()
        assert transmission.request_state == new
        event = transmission.events.get(kind=EventKind.REQUEST)
        assert (event.from_value, event.to_value) == (current, new)
    else:
        with pytest.raises(Conflict):
            actions.move_request(transmission, new)
        assert Transmission.objects.get(pk=transmission.pk).request_state == current


def test_a_withdrawn_document_takes_no_new_request(transmission) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    Transmission.objects.filter(pk=transmission.pk).update(
        request_state=RequestState.AGREED, request_type=1, withdrawn_at=timezone.now()
    )
    transmission.refresh_from_db()
    with pytest.raises(Conflict):
        actions.move_request(transmission, RequestState.PENDING)


# The outbox: pending -> delivered | failed; failed -> pending (an administrator's retry).
@pytest.mark.parametrize(
    ("current", "new", "allowed"),
    [
        (OutboxState.PENDING, OutboxState.DELIVERED, True),
        (OutboxState.PENDING, OutboxState.FAILED, True),
        (OutboxState.FAILED, OutboxState.PENDING, True),
        (OutboxState.DELIVERED, OutboxState.PENDING, False),
        (OutboxState.DELIVERED, OutboxState.FAILED, False),
        (OutboxState.FAILED, OutboxState.DELIVERED, False),
    ],
)
def test_each_outbox_move(transmission, current: str, new: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    item = OutboxItem.objects.get()
    item.state = current
    if allowed:
        actions._move_outbox(item, new)
        assert item.state == new
    else:
        with pytest.raises(Conflict):
            actions._move_outbox(item, new)


def test_a_delivered_item_records_no_further_attempt(transmission) -> None:  # type: ignore[no-untyped-def]
    item = OutboxItem.objects.get()
    OutboxItem.objects.filter(pk=item.pk).update(state=OutboxState.DELIVERED)
    with pytest.raises(Conflict):
        actions.record_delivery(
            acting_user=None, item_id=item.pk, outcome=actions.Outcome(delivered=True), jitter=0
        )


def test_the_table_lists_every_handling_status() -> None:
    assert set(HANDLING_MOVES) == set(Handling.values)
