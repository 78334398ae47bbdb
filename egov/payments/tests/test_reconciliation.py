"""Payments whose IPN never came, abandoned payments, expiry and late confirmations."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from egov.payments.actions import checkout_payment, create_payment, expire_payment
from egov.payments.models import FeeNotice, Payment, PaymentStatus, RefundStatus
from egov.payments.services import process_refund, reconcile, reconcile_all
from egov.payments.tests.conftest import FEE, pay_at_gateway, send_ipn

pytestmark = pytest.mark.django_db


def _later(payment: Payment, minutes: int) -> dt.datetime:
    assert payment.checkout_at is not None
    return payment.checkout_at + dt.timedelta(minutes=minutes)


def test_a_payment_whose_ipn_never_came_is_settled_by_querydr(
    notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    pay_at_gateway(vnpay_gateway, pending)  # the IPN is held back and never delivered
    assert reconcile_all() == {}  # too early: the IPN may still come
    with time_machine.travel(_later(pending, 6)):
        assert reconcile_all() == {"settled": 1}
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.transitions.last().source == "reconciliation"  # type: ignore[union-attr]
    assert (
        payment.gateway_transaction_no
        == vnpay_gateway.transactions()[payment.reference]["transaction_no"]
    )
    notice.refresh_from_db()
    assert notice.paid_at is not None


def test_the_periodic_job_reconciles(notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    from egov.payments.tasks import reconcile_payments

    pay_at_gateway(vnpay_gateway, pending)
    with time_machine.travel(_later(pending, 6)):
        assert reconcile_payments.call() == {"settled": 1}


def test_a_payer_still_on_the_gateway_page_is_waited_for(pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    assert vnpay_gateway.open(pending.payment_url).status == 200  # and then nothing
    with time_machine.travel(_later(pending, 10)):
        assert reconcile(pending) == "waiting"
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_an_abandoned_payment_expires_once_the_gateway_confirms_nothing_was_paid(
    notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    assert vnpay_gateway.open(pending.payment_url).status == 200
    with time_machine.travel(_later(pending, 21)):
        assert reconcile_all() == {"expired": 1}
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.EXPIRED
    assert "querydr 00" in payment.transitions.last().note  # type: ignore[union-attr]
    # The notice can be paid with a new payment now.
    create_payment(acting_user=payment.payer, kind="fee-notice", ref=notice.code, amount=FEE)


def test_a_payment_the_gateway_never_saw_expires(pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(_later(pending, 21)):
        assert reconcile(pending) == "expired"
    assert "querydr 91" in Payment.objects.get().transitions.last().note  # type: ignore[union-attr]


def test_a_payment_never_sent_to_the_gateway_expires_without_asking(
    world, notice, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.VNPAY_TMN_CODE, settings.VNPAY_HASH_SECRET = "X", "Y"
    settings.VNPAY_PAYMENT_URL = settings.VNPAY_API_URL = "http://127.0.0.1:9/"  # unreachable
    payment = create_payment(
        acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
    )
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=21)):
        assert reconcile_all() == {"expired": 1}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.EXPIRED


def test_an_unreachable_gateway_leaves_the_payment_pending(
    pending, vnpay_gateway, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    with time_machine.travel(_later(pending, 30)):
        assert reconcile(pending) == "unreachable"
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_paying_after_the_gateways_deadline_expires_the_payment(
    client, world, notice, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=20)):
        payment = create_payment(
            acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
        )
        payment = checkout_payment(
            acting_user=world.citizen, reference=payment.reference, client_ip="127.0.0.1"
        )
    paid = pay_at_gateway(vnpay_gateway, payment)  # vnp_ExpireDate passed 5 minutes ago
    assert "vnp_ResponseCode=11" in paid.ipn_query
    assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    assert Payment.objects.get().status == PaymentStatus.EXPIRED


def test_a_late_confirmation_after_expiry_is_recorded(
    client, notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    expire_payment(acting_user=None, reference=pending.reference, note="test")
    paid = pay_at_gateway(vnpay_gateway, pending)  # the gateway still took the money
    assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    notice.refresh_from_db()
    assert notice.paid_at is not None


def test_paying_twice_refunds_the_second_payment_automatically(
    client, world, notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    first = pending
    expire_payment(acting_user=None, reference=first.reference, note="test")
    second = create_payment(
        acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
    )
    second = checkout_payment(
        acting_user=world.citizen, reference=second.reference, client_ip="1.2.3.4"
    )
    send_ipn(client, pay_at_gateway(vnpay_gateway, second).ipn_query)
    # The first one is paid too, late.
    send_ipn(client, pay_at_gateway(vnpay_gateway, first).ipn_query)

    first.refresh_from_db()
    assert first.status == PaymentStatus.SUCCEEDED
    assert first.refund.duplicate
    assert process_refund(first.refund.pk) == "succeeded"
    first.refresh_from_db()
    assert first.status == PaymentStatus.REFUNDED
    assert first.refund.status == RefundStatus.SUCCEEDED
    assert vnpay_gateway.transactions()[first.reference]["refunded"] is True
    # The notice stays paid by the second payment.
    assert FeeNotice.objects.get().paid_at is not None
    assert Payment.objects.get(pk=second.pk).status == PaymentStatus.SUCCEEDED
