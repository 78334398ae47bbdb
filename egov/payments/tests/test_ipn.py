"""The whole payment through the stand-in VNPay gateway: page, return URL, IPN."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from egov.audit.models import AuditEvent
from egov.notifications.models import Notification
from egov.payments.models import FeeNotice, Payment, PaymentStatus
from egov.payments.tests.conftest import FEE, pay_at_gateway, send_ipn

pytestmark = pytest.mark.django_db


def test_a_paid_fee_is_confirmed_by_the_ipn(client, world, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    assert send_ipn(client, paid.ipn_query) == {"RspCode": "00", "Message": "Confirm Success"}

    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    gateway_side = vnpay_gateway.transactions()[payment.reference]
    assert payment.gateway_transaction_no == gateway_side["transaction_no"]
    assert payment.bank_code == "NCB"
    assert payment.paid_at is not None
    assert payment.receipt_number is not None
    assert payment.receipt_number.startswith("BL")
    notice.refresh_from_db()
    assert notice.paid_at == payment.paid_at
    assert [(t.from_status, t.to_status, t.source) for t in payment.transitions.all()] == [
        ("", "created", "payer"),
        ("created", "pending", "payer"),
        ("pending", "succeeded", "ipn"),
    ]
    note = Notification.objects.get(event="payments.succeeded")
    assert note.recipient == world.citizen
    assert payment.reference in note.title


def test_the_payer_comes_back_to_a_confirmation(client, world, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    send_ipn(client, paid.ipn_query)
    client.force_login(world.citizen)
    page = client.get(paid.return_path)
    assert page.status_code == 200
    assert "150.000" in page.content.decode()
    assert page.context["payment"].status == PaymentStatus.SUCCEEDED


def test_coming_back_before_the_ipn_asks_the_gateway(
    client, world, pending, vnpay_gateway, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from egov.payments import tasks

    asked: list[str] = []

    class FakeTask:
        enqueue = staticmethod(asked.append)

    monkeypatch.setattr(tasks, "reconcile_payment", FakeTask)
    paid = pay_at_gateway(vnpay_gateway, pending)
    client.force_login(world.citizen)
    page = client.get(paid.return_path)
    assert page.context["gateway_says_paid"] is True
    assert Payment.objects.get().status == PaymentStatus.PENDING  # the return URL changes nothing
    assert asked == [pending.reference]


def test_a_cancelled_payment_charges_nothing(client, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending, action="cancel")
    assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.CANCELLED
    assert payment.gateway_response_code == "24"
    assert payment.receipt_number is None
    notice.refresh_from_db()
    assert notice.paid_at is None


def test_a_refused_card_fails_the_payment(client, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending, action="fail")
    assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    assert Payment.objects.get().status == PaymentStatus.FAILED
    assert Notification.objects.filter(event="payments.failed").count() == 1


def test_a_forged_ipn_is_refused_with_97(client, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending, action="fail")
    forged = paid.ipn_query.replace("vnp_ResponseCode=51", "vnp_ResponseCode=00").replace(
        "vnp_TransactionStatus=02", "vnp_TransactionStatus=00"
    )
    assert forged != paid.ipn_query
    assert send_ipn(client, forged) == {"RspCode": "97", "Message": "Invalid signature"}
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_an_ipn_without_a_signature_is_refused(client, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    unsigned = paid.ipn_query.split("&vnp_SecureHash=")[0]
    assert send_ipn(client, unsigned)["RspCode"] == "97"
    assert send_ipn(client, "")["RspCode"] == "97"
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_a_replayed_ipn_has_no_second_effect(client, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    payment = Payment.objects.get()
    events = AuditEvent.objects.count()
    notes = Notification.objects.count()

    assert send_ipn(client, paid.ipn_query) == {
        "RspCode": "02",
        "Message": "Order already confirmed",
    }
    again = Payment.objects.get()
    assert (again.status, again.receipt_number, again.paid_at) == (
        payment.status,
        payment.receipt_number,
        payment.paid_at,
    )
    assert AuditEvent.objects.count() == events
    assert Notification.objects.count() == notes
    assert again.transitions.count() == 3


def test_an_ipn_for_another_amount_is_refused_with_04(client, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    # Our record says something else than what the gateway charged.
    Payment.objects.filter(pk=pending.pk).update(amount=FEE + 1000)
    assert send_ipn(client, paid.ipn_query) == {"RspCode": "04", "Message": "invalid amount"}
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_an_ipn_for_an_unknown_order_is_answered_01(client, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    Payment.objects.filter(pk=pending.pk).update(reference="OTHER0000000")
    assert send_ipn(client, paid.ipn_query) == {"RspCode": "01", "Message": "Order not found"}


def test_an_ipn_for_another_merchant_is_refused(client, pending, vnpay_gateway, settings) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    settings.VNPAY_TMN_CODE = "OTHERTMN"
    assert send_ipn(client, paid.ipn_query)["RspCode"] == "97"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
def test_two_ipns_at_once_have_one_effect(client, world, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    from django.http import QueryDict

    from egov.payments.services import handle_ipn

    paid = pay_at_gateway(vnpay_gateway, pending)
    params = QueryDict(paid.ipn_query).dict()
    barrier = threading.Barrier(2)
    answers: list[tuple[str, str]] = []

    def deliver() -> None:
        try:
            barrier.wait()
            answers.append(handle_ipn(params))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(code for code, _ in answers) == ["00", "02"]
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.SUCCEEDED
    assert payment.transitions.filter(to_status="succeeded").count() == 1
    assert Notification.objects.filter(event="payments.succeeded").count() == 1
    assert FeeNotice.objects.get().paid_at == payment.paid_at


@pytest.mark.django_db(transaction=True)
def test_the_gateway_delivers_the_ipn_itself(live_server, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    import time

    from egov.payments.actions import checkout_payment, create_payment

    vnpay_gateway.deliver_ipns(f"{live_server.url}/api/v1/payments/vnpay/ipn")
    payment = create_payment(
        acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
    )
    payment = checkout_payment(
        acting_user=world.citizen, reference=payment.reference, client_ip="127.0.0.1"
    )
    assert vnpay_gateway.open(payment.payment_url).status == 200
    vnpay_gateway.choose(payment.reference, "pay")
    # Wait on the gateway's side (reading our test database while the live server writes it
    # would clash on the in-memory SQLite of the tests).
    for _ in range(200):
        answer = vnpay_gateway.transactions()[payment.reference].get("ipn_answer")
        if answer:
            break
        time.sleep(0.05)
    assert answer == {"RspCode": "00", "Message": "Confirm Success"}
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCEEDED
    # The gateway sends it again: answered 02, nothing changes.
    assert vnpay_gateway.send_ipn(payment.reference) == {
        "RspCode": "02",
        "Message": "Order already confirmed",
    }


def test_the_ipn_costs_a_bounded_number_of_queries(
    client, pending, vnpay_gateway, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending)
    # lookup, lock, history, receipt number, payment, duplicate check, payable, notification
    # (preferences, template, insert), audit chain (PostgreSQL: upsert-lock + order, event,
    # head; SQLite two more), savepoint
    from django.db import connection

    with django_assert_max_num_queries(15 if connection.vendor == "postgresql" else 17):
        assert send_ipn(client, paid.ipn_query)["RspCode"] == "00"
    with django_assert_max_num_queries(1):
        assert send_ipn(client, paid.ipn_query)["RspCode"] == "02"
