"""The payment and refund state machines, as data."""

from __future__ import annotations

from typing import Any

from egov.lib.statemachine import Transitions
from egov.payments.models import Payment, PaymentTransition, RefundStatus
from egov.payments.models import PaymentStatus as P

PAYMENT_TRANSITIONS = Transitions(
    P,
    {
        # Created: the payer has not gone to the gateway yet.
        P.CREATED: {P.PENDING, P.CANCELLED, P.EXPIRED},
        # Pending: the payer was sent to the gateway; the IPN or reconciliation settles it.
        P.PENDING: {P.SUCCEEDED, P.FAILED, P.CANCELLED, P.EXPIRED},
        P.SUCCEEDED: {P.REFUNDED},
        P.FAILED: set(),
        P.CANCELLED: set(),
        # The gateway may confirm a payment after we gave up waiting: money taken is recorded.
        P.EXPIRED: {P.SUCCEEDED},
        P.REFUNDED: set(),
    },
)

REFUND_TRANSITIONS = Transitions(
    RefundStatus,
    {
        RefundStatus.REQUESTED: {RefundStatus.SUCCEEDED, RefundStatus.FAILED},
        RefundStatus.SUCCEEDED: set(),
        # An administrator may ask the gateway again (after talking to VNPay, say).
        RefundStatus.FAILED: {RefundStatus.REQUESTED},
    },
)


def move(
    payment: Payment,
    target: P,
    *,
    source: str,
    actor: Any = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """Move a locked payment to ``target`` and write the history row (the caller saves)."""
    PAYMENT_TRANSITIONS.check(payment.status, target)
    PaymentTransition.objects.create(
        payment=payment,
        from_status=payment.status,
        to_status=target,
        source=source,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:2000],
        data=data or {},
    )
    payment.status = target
