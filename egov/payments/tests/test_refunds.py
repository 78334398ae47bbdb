"""Refunds: requested by whoever may, sent to the gateway after commit, retried until answered."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from egov.lib.problems import Conflict, NotFound, PermissionDenied
from egov.notifications.models import Notification
from egov.payments.actions import refund_payment, retry_refund
from egov.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from egov.payments.services import due_refunds, process_refund
from egov.payments.tests.conftest import pay_at_gateway, send_ipn

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(client, notice, pending, vnpay_gateway) -> Payment:  # type: ignore[no-untyped-def]
    assert send_ipn(client, pay_at_gateway(vnpay_gateway, pending).ipn_query)["RspCode"] == "00"
    return Payment.objects.get()


def test_a_clerk_of_the_agency_refunds_a_refused_fee(
    world, notice, paid, vnpay_gateway, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks() as callbacks:
        refund = refund_payment(
            acting_user=world.clerk, reference=paid.reference, reason="Hồ sơ bị từ chối"
        )
    assert len(callbacks) == 1  # the gateway is asked after commit, not inside the action
    assert refund.status == RefundStatus.REQUESTED
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED

    assert process_refund(refund.pk) == "succeeded"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.REFUNDED
    assert payment.transitions.last().note == "Hồ sơ bị từ chối"  # type: ignore[union-attr]
    assert vnpay_gateway.transactions()[paid.reference]["refunded"] is True
    notice.refresh_from_db()
    assert notice.paid_at is None  # the notice is open again
    note = Notification.objects.get(event="payments.refunded")
    assert note.recipient == world.citizen


def test_the_owning_app_refunds_by_what_was_paid(world, notice, paid) -> None:  # type: ignore[no-untyped-def]
    refund = refund_payment(
        acting_user=None, kind="fee-notice", ref=notice.code, reason="Hồ sơ bị từ chối"
    )
    assert refund.payment == paid


def test_staff_of_another_agency_cannot_refund(world, paid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound):
        refund_payment(acting_user=world.outsider, reference=paid.reference, reason="x")
    assert not Refund.objects.exists()


def test_the_payer_cannot_refund_their_own_payment(world, paid) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        refund_payment(acting_user=world.citizen, reference=paid.reference, reason="x")


def test_only_paid_payments_are_refunded_once(world, pending, paid) -> None:  # type: ignore[no-untyped-def]
    refund_payment(acting_user=world.admin, reference=paid.reference, reason="x")
    with pytest.raises(Conflict):
        refund_payment(acting_user=world.admin, reference=paid.reference, reason="x")
    with pytest.raises(NotFound):
        refund_payment(acting_user=world.admin, kind="fee-notice", ref="nothing", reason="x")


def test_a_refund_needs_a_reason(world, paid) -> None:  # type: ignore[no-untyped-def]
    from egov.lib.problems import InvalidInput

    with pytest.raises(InvalidInput) as error:
        refund_payment(acting_user=world.admin, reference=paid.reference, reason="  ")
    assert list(error.value.errors) == ["reason"]


def test_an_unreachable_gateway_is_asked_again_later(world, paid, vnpay_gateway, settings) -> None:  # type: ignore[no-untyped-def]
    refund = refund_payment(acting_user=world.admin, reference=paid.reference, reason="x")
    api_url = settings.VNPAY_API_URL
    settings.VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    assert process_refund(refund.pk) == "temporary"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.REQUESTED
    assert refund.attempts == 1
    assert refund.next_attempt_at is not None
    assert process_refund(refund.pk) == "not due"
    assert due_refunds() == []

    settings.VNPAY_API_URL = api_url
    later = refund.next_attempt_at + dt.timedelta(seconds=1)
    with time_machine.travel(later):
        assert due_refunds() == [refund.pk]
        assert process_refund(refund.pk) == "succeeded"
    assert Payment.objects.get().status == PaymentStatus.REFUNDED


def test_a_refund_the_gateway_refuses_waits_for_an_administrator(
    world, paid, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    refund = refund_payment(acting_user=world.admin, reference=paid.reference, reason="x")
    # A transaction the gateway doesn't know is refused for good (91).
    Payment.objects.filter(pk=paid.pk).update(reference="UNKNOWN00000")
    assert process_refund(refund.pk) == "failed"
    refund.refresh_from_db()
    assert refund.status == RefundStatus.FAILED
    assert refund.response_code == "91"
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED

    Payment.objects.filter(pk=paid.pk).update(reference=paid.reference)
    with pytest.raises(PermissionDenied):
        retry_refund(acting_user=world.clerk, refund_id=refund.pk)
    retry_refund(acting_user=world.admin, refund_id=refund.pk)
    assert process_refund(refund.pk) == "succeeded"
