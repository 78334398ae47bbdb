"""The payment and refund state machines: every pair of states is allowed or refused."""

from __future__ import annotations

import pytest

from egov.lib.problems import Conflict
from egov.payments.models import Payment, PaymentStatus, RefundStatus
from egov.payments.states import PAYMENT_TRANSITIONS, REFUND_TRANSITIONS, move

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [pytest.param(c, t, a, id=f"{c}->{t}") for c, t, a in PAYMENT_TRANSITIONS.pairs()],
)
def test_every_payment_transition_is_allowed_or_refused(world, current, target, allowed) -> None:  # type: ignore[no-untyped-def]
    payment = Payment.objects.create(
        reference="T1",
        payer=world.citizen,
        payable_kind="fee-notice",
        payable_ref="X",
        description="x",
        amount=10000,
        status=current,
    )
    if allowed:
        move(payment, target, source="system")
        assert payment.status == target
        assert payment.transitions.get().to_status == target
    else:
        with pytest.raises(Conflict):
            move(payment, target, source="system")
        assert not payment.transitions.exists()


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [pytest.param(c, t, a, id=f"{c}->{t}") for c, t, a in REFUND_TRANSITIONS.pairs()],
)
def test_every_refund_transition_is_allowed_or_refused(current, target, allowed) -> None:  # type: ignore[no-untyped-def]
    if allowed:
        REFUND_TRANSITIONS.check(current, target)
    else:
        with pytest.raises(Conflict):
            REFUND_TRANSITIONS.check(current, target)


def test_money_taken_is_never_forgotten() -> None:
    """Only a refund ends a paid payment; an expired one can still turn out paid."""
    assert PAYMENT_TRANSITIONS.allowed[PaymentStatus.SUCCEEDED] == {PaymentStatus.REFUNDED}
    assert PAYMENT_TRANSITIONS.allows(PaymentStatus.EXPIRED, PaymentStatus.SUCCEEDED)
    assert REFUND_TRANSITIONS.is_final(RefundStatus.SUCCEEDED)
