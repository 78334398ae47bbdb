from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from egov.payments.actions import checkout_payment, create_payment, issue_fee_notice
from egov.payments.models import FeeNotice, Payment

FEE = 150_000


@pytest.fixture
def notice(world) -> FeeNotice:  # type: ignore[no-untyped-def]
    """A fee of 150.000 đồng the one-stop clerk asked the citizen to pay."""
    return issue_fee_notice(
        acting_user=world.clerk,
        payer=world.citizen,
        agency=world.centre,
        description="Phí cung cấp thông tin quy hoạch xây dựng",
        amount=FEE,
    )


@pytest.fixture
def pending(world, notice, vnpay_gateway) -> Payment:  # type: ignore[no-untyped-def]
    """The citizen's payment of the notice, sent to the (stand-in) gateway."""
    payment = create_payment(
        acting_user=world.citizen, kind="fee-notice", ref=notice.code, amount=FEE
    )
    return checkout_payment(
        acting_user=world.citizen, reference=payment.reference, client_ip="203.113.1.9"
    )


@dataclass
class Paid:
    payment: Payment
    ipn_query: str
    return_path: str


def relative(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def pay_at_gateway(gateway: Any, payment: Payment, action: str = "pay") -> Paid:
    """The payer opens the payment URL and presses a button; returns what the gateway sends
    back (the IPN it holds back and the return URL)."""
    page = gateway.open(payment.payment_url)
    assert page.status == 200, page.text
    location = gateway.choose(payment.reference, action)
    [ipn] = [q for q in gateway.held_ipns() if f"vnp_TxnRef={payment.reference}" in q]
    return Paid(payment=payment, ipn_query=ipn, return_path=relative(location))


def send_ipn(client: Client, query: str) -> dict[str, str]:
    response = client.get(f"/api/v1/payments/vnpay/ipn?{query}")
    assert response.status_code == 200
    return dict(response.json())
