from __future__ import annotations

import pytest
from django.test import Client

from egov.payments.models import Payment, PaymentStatus
from egov.payments.tests.conftest import FEE, pay_at_gateway, relative, send_ipn

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(client: Client, world) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    return client


def test_the_citizen_sees_the_fee_and_goes_to_the_gateway(an, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    page = an.get(f"/payments/pay/fee-notice/{notice.code}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "150.000 ₫" in html
    assert notice.description in html
    key = page.context["idempotency_key"]

    response = an.post(
        f"/payments/pay/fee-notice/{notice.code}/",
        {"idempotency_key": key, "amount": FEE, "currency": "VND"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(vnpay_gateway.url + "/paymentv2/vpcpay.html?")
    assert vnpay_gateway.open(response["Location"]).status == 200

    # A double click sends the same form again: same payment, same gateway URL.
    again = an.post(
        f"/payments/pay/fee-notice/{notice.code}/",
        {"idempotency_key": key, "amount": FEE, "currency": "VND"},
    )
    assert again["Location"] == response["Location"]
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_the_whole_visit_ends_on_a_receipt(an, client, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    key = an.get(f"/payments/pay/fee-notice/{notice.code}/").context["idempotency_key"]
    gateway_url = an.post(
        f"/payments/pay/fee-notice/{notice.code}/", {"idempotency_key": key, "amount": FEE}
    )["Location"]
    payment = Payment.objects.get()
    assert vnpay_gateway.open(gateway_url).status == 200
    back = relative(vnpay_gateway.choose(payment.reference, "pay"))
    [ipn] = vnpay_gateway.held_ipns()
    send_ipn(client, ipn)
    result = an.get(back)
    assert result.status_code == 200
    assert "150.000 ₫" in result.content.decode()
    detail = an.get(f"/payments/{payment.reference}/").content.decode()
    assert f"/payments/{payment.reference}/receipt.pdf" in detail
    receipt = an.get(f"/payments/{payment.reference}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"


def test_a_stale_amount_in_the_form_is_refused(an, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    response = an.post(f"/payments/pay/fee-notice/{notice.code}/", {"amount": FEE - 1})
    assert response.status_code == 302
    assert response["Location"] == f"/payments/pay/fee-notice/{notice.code}/"
    assert not Payment.objects.exists()


def test_someone_elses_pages_are_404(client, world, notice, pending) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen2)
    assert client.get(f"/payments/pay/fee-notice/{notice.code}/").status_code == 404
    assert client.get(f"/payments/{pending.reference}/").status_code == 404
    assert client.post(f"/payments/{pending.reference}/checkout/").status_code == 404
    assert client.post(f"/payments/{pending.reference}/cancel/").status_code == 404
    assert client.get(f"/payments/{pending.reference}/receipt.pdf").status_code == 404


def test_a_paid_fee_says_so_instead_of_offering_to_pay(
    an, client, notice, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    send_ipn(client, pay_at_gateway(vnpay_gateway, pending).ipn_query)
    page = an.get(f"/payments/pay/fee-notice/{notice.code}/")
    assert page.status_code == 409
    assert "Pay with VNPAY" not in page.content.decode()


def test_a_forged_return_url_changes_nothing(an, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    paid = pay_at_gateway(vnpay_gateway, pending, action="fail")
    forged = paid.return_path.replace("vnp_ResponseCode=51", "vnp_ResponseCode=00")
    response = an.get(forged)
    assert response.status_code == 400
    assert response.context["forged"] is True
    assert Payment.objects.get().status == PaymentStatus.PENDING


def test_the_payer_cancels_before_paying(an, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    from egov.payments.actions import create_payment

    payment = create_payment(
        acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
    )
    an.post(f"/payments/{payment.reference}/cancel/")
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CANCELLED


def test_fees_to_pay_show_on_the_citizen_home_and_the_list(an, notice) -> None:  # type: ignore[no-untyped-def]
    home = an.get("/").content.decode()
    assert f"/payments/pay/fee-notice/{notice.code}/" in home
    listing = an.get("/payments/").content.decode()
    assert notice.description in listing


def test_the_pay_page_lets_its_form_lead_to_the_gateway(an, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    policy = an.get(f"/payments/pay/fee-notice/{notice.code}/")["Content-Security-Policy"]
    form_action = next(d for d in policy.split(";") if d.strip().startswith("form-action"))
    assert vnpay_gateway.url in form_action
    assert "'self'" in form_action


def test_my_payments_cost_the_same_queries_however_many(
    an, world, notice, vnpay_gateway, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from egov.payments.actions import cancel_payment, create_payment

    for _ in range(4):
        payment = create_payment(
            acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
        )
        cancel_payment(acting_user=world.citizen, reference=payment.reference)
    # session, user, memberships (header), payments, unpaid fee notices
    with django_assert_num_queries(5):
        assert an.get("/payments/").status_code == 200
    # session, user, payments
    with django_assert_num_queries(3):
        assert an.get("/api/v1/payments").status_code == 200
