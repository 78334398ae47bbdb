"""Two requests at the same moment on PostgreSQL: exactly one payment comes out."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from egov.lib.problems import Conflict
from egov.payments.actions import Replay, create_payment
from egov.payments.models import Payment
from egov.payments.tests.conftest import FEE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
    ),
]


def _race(call: Callable[[], Any]) -> list[str]:
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            payment = call()
            outcomes.append(f"created {payment.reference}")
        except Replay as replay:
            outcomes.append(f"replay {replay.payment.reference}")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_payments_of_one_fee_at_once_make_one(world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    counter = iter(range(2))
    outcomes = _race(
        lambda: create_payment(
            acting_user=world.citizen,
            kind="fee-notice",
            ref=notice.code,
            amount=FEE,
            idempotency_key=f"tab-{next(counter)}",
        )
    )
    [payment] = Payment.objects.all()
    assert outcomes == ["conflict", f"created {payment.reference}"]


def test_one_request_sent_twice_at_once_makes_one_payment(world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    outcomes = _race(
        lambda: create_payment(
            acting_user=world.citizen,
            kind="fee-notice",
            ref=notice.code,
            amount=FEE,
            idempotency_key="same-key",
        )
    )
    [payment] = Payment.objects.all()
    assert outcomes == [f"created {payment.reference}", f"replay {payment.reference}"]
