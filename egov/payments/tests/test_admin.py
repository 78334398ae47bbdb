from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from egov.payments.models import Payment, PaymentStatus, Refund, RefundStatus
from egov.payments.tests.conftest import pay_at_gateway, send_ipn

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    return client


def _action(admin_client, model: str, action: str, pk: int):  # type: ignore[no-untyped-def]
    return admin_client.post(
        f"/admin/payments/{model}/", {"action": action, "_selected_action": [pk]}, follow=True
    )


def test_an_administrator_asks_the_gateway_about_a_payment(
    admin_client, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    pay_at_gateway(vnpay_gateway, pending)
    with time_machine.travel(pending.checkout_at + dt.timedelta(minutes=6)):
        response = _action(admin_client, "payment", "ask_gateway", pending.pk)
    assert f"{pending.reference}: settled" in response.content.decode()
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED


def test_an_administrator_refunds_from_the_payment_list(
    admin_client, client, pending, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    _action(admin_client, "payment", "refund", pending.pk)  # not paid: refused, nothing happens
    assert not Refund.objects.exists()
    send_ipn(client, pay_at_gateway(vnpay_gateway, pending).ipn_query)
    _action(admin_client, "payment", "refund", pending.pk)
    assert Refund.objects.get().status == RefundStatus.REQUESTED


def test_the_payment_pages_in_admin_are_read_only(admin_client, pending) -> None:  # type: ignore[no-untyped-def]
    page = admin_client.get(f"/admin/payments/payment/{pending.pk}/change/")
    assert page.status_code == 200
    assert pending.reference in page.content.decode()
    assert admin_client.get("/admin/payments/payment/add/").status_code == 403
