"""Talking to the gateway: the IPN answer, reconciliation by querydr, refunds.

Gateway calls happen here, outside any transaction; what they mean for a payment is written
by the actions, each in its own short transaction with the payment row locked.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.utils import timezone

from egov.lib.problems import Conflict
from egov.payments import vnpay
from egov.payments.actions import (
    AlreadySettled,
    AmountMismatch,
    expire_payment,
    record_refund_result,
    settle_payment,
)
from egov.payments.gateway import gateway_config
from egov.payments.models import Payment, PaymentStatus, Refund, RefundStatus, TransitionSource

logger = logging.getLogger(__name__)

# How long after a payment's expiry we still wait for the gateway before calling it expired.
EXPIRY_GRACE = dt.timedelta(minutes=5)
# A pending payment is queried when its IPN has not come this long after checkout.
RECONCILE_AFTER = dt.timedelta(minutes=5)
RECONCILE_BATCH = 200


def handle_ipn(params: Mapping[str, str]) -> tuple[str, str]:
    """Answer VNPay's IPN: check the signature, find the order, check the amount and the
    state, then record the result once. Returns (RspCode, Message)."""
    config = gateway_config()
    try:
        if not config.complete or not vnpay.callback_is_authentic(config, params):
            logger.warning("IPN with an invalid signature refused: %s", params.get("vnp_TxnRef"))
            return vnpay.IPN_INVALID_SIGNATURE
        result = vnpay.parse_callback(params)
        if result.tmn_code != config.tmn_code:
            return vnpay.IPN_INVALID_SIGNATURE
        payment = Payment.objects.filter(reference=result.txn_ref).only("amount", "status").first()
        if payment is None:
            return vnpay.IPN_ORDER_NOT_FOUND
        if payment.amount != result.amount:
            logger.warning("IPN for %s with a wrong amount %s", result.txn_ref, result.amount)
            return vnpay.IPN_INVALID_AMOUNT
        if payment.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED):
            return vnpay.IPN_ALREADY_CONFIRMED
        settle_payment(
            acting_user=None,
            reference=result.txn_ref,
            source=TransitionSource.IPN,
            result=result,
            data=dict(params),
        )
    except AlreadySettled:
        return vnpay.IPN_ALREADY_CONFIRMED
    except AmountMismatch:
        return vnpay.IPN_INVALID_AMOUNT
    except Exception:
        logger.exception("IPN handling failed")
        return vnpay.IPN_UNKNOWN_ERROR
    return vnpay.IPN_CONFIRMED


def reconcile(payment: Payment, now: dt.datetime | None = None) -> str:
    """Find out from the gateway what became of one open payment; returns what was done."""
    now = now or timezone.now()
    expired = payment.expires_at is not None and payment.expires_at + EXPIRY_GRACE <= now
    try:
        if payment.status == PaymentStatus.CREATED:
            # Never sent to the gateway: nothing to ask.
            if not expired:
                return "waiting"
            expire_payment(acting_user=None, reference=payment.reference, note="never paid")
            return "expired"
        if payment.status != PaymentStatus.PENDING:
            return "settled"
        try:
            answer = vnpay.querydr(
                gateway_config(),
                request_id=uuid.uuid4().hex,
                txn_ref=payment.reference,
                transaction_date=payment.gateway_create_date,
                info=f"Truy van {payment.reference}",
                ip_address=settings.PAYMENT_SERVER_IP,
                now=now,
            )
        except vnpay.GatewayError as exc:
            logger.warning("querydr for %s failed: %s", payment.reference, exc)
            return "unreachable"
        result = answer.result
        if result is not None and result.transaction_status != vnpay.STATUS_INCOMPLETE:
            settle_payment(
                acting_user=None,
                reference=payment.reference,
                source=TransitionSource.RECONCILIATION,
                result=result,
                data={"querydr": answer.response_code, "status": result.transaction_status},
            )
            return "settled"
        if answer.response_code in ("00", vnpay.API_NOT_FOUND) and expired:
            expire_payment(
                acting_user=None,
                reference=payment.reference,
                note=f"querydr {answer.response_code}: not paid",
            )
            return "expired"
        return "waiting"
    except AmountMismatch:
        logger.error("querydr for %s reports another amount", payment.reference)
        return "mismatch"
    except (AlreadySettled, Conflict):
        return "settled"


def payments_to_reconcile(now: dt.datetime | None = None) -> list[Payment]:
    now = now or timezone.now()
    pending = Payment.objects.filter(
        status=PaymentStatus.PENDING, checkout_at__lte=now - RECONCILE_AFTER
    )
    stale = Payment.objects.filter(status=PaymentStatus.CREATED, expires_at__lte=now - EXPIRY_GRACE)
    return list(pending.order_by("checkout_at")[:RECONCILE_BATCH]) + list(
        stale.order_by("expires_at")[:RECONCILE_BATCH]
    )


def reconcile_all(now: dt.datetime | None = None) -> dict[str, int]:
    counts: dict[str, int] = {}
    for payment in payments_to_reconcile(now):
        outcome = reconcile(payment, now)
        counts[outcome] = counts.get(outcome, 0) + 1
    return counts


# Refunds ----------------------------------------------------------------------------------

# vnp_ResponseCode of a refund: 00 done, 94 already being refunded (an earlier attempt got
# through), 91/95/02/03 refused for good, anything else (97, 99, no answer) try again.
REFUND_DONE = {"00", vnpay.API_DUPLICATE}
REFUND_REFUSED = {vnpay.API_NOT_FOUND, vnpay.API_REFUSED, "02", "03"}


def process_refund(refund_id: int, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    refund = Refund.objects.select_related("payment", "requested_by").filter(pk=refund_id).first()
    if refund is None or refund.status != RefundStatus.REQUESTED:
        return "skipped"
    if refund.next_attempt_at is not None and refund.next_attempt_at > now:
        return "not due"
    payment = refund.payment
    request_id = uuid.uuid4().hex
    try:
        answer = vnpay.refund(
            gateway_config(),
            request_id=request_id,
            txn_ref=payment.reference,
            amount=payment.amount,
            transaction_no=payment.gateway_transaction_no,
            transaction_date=payment.gateway_create_date,
            created_by=refund.requested_by.get_username() if refund.requested_by else "he-thong",
            info=f"Hoan tien {payment.reference}",
            ip_address=settings.PAYMENT_SERVER_IP,
            now=now,
        )
        code, error = answer.response_code, answer.message
    except vnpay.GatewayError as exc:
        code, error = "", str(exc)
    if code in REFUND_DONE:
        outcome = "succeeded"
    elif code in REFUND_REFUSED:
        outcome = "failed"
    else:
        outcome = "temporary"
    try:
        record_refund_result(
            acting_user=None,
            refund_id=refund.pk,
            outcome=outcome,
            response_code=code,
            error=error,
            request_id=request_id,
        )
    except AlreadySettled:
        return "skipped"
    return outcome


def due_refunds(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Refund.objects.filter(status=RefundStatus.REQUESTED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RECONCILE_BATCH]
    )
