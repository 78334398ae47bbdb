from __future__ import annotations

import pytest

from egov.payments.models import Payment, PaymentStatus
from egov.payments.tests.conftest import FEE, pay_at_gateway, send_ipn

pytestmark = pytest.mark.django_db


def _create(api, notice, key: str = "", **changes):  # type: ignore[no-untyped-def]
    body = {"kind": "fee-notice", "ref": notice.code, "amount": FEE, "currency": "VND", **changes}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post("/api/v1/payments", body, **headers)


def test_the_payer_creates_a_payment(api, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    response = _create(api.login(world.citizen), notice, key="k-1")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "created"
    assert body["amount"] == FEE
    assert body["description"] == notice.description
    assert body["beneficiary"] == world.centre.name
    assert body["payment_url"] is None


def test_repeating_a_request_with_its_idempotency_key_returns_the_first_payment(
    api, world, notice, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    first = _create(api.login(world.citizen), notice, key="k-1")
    second = _create(api, notice, key="k-1")
    assert second.status_code == 200
    assert second.json()["reference"] == first.json()["reference"]
    assert Payment.objects.count() == 1


def test_an_idempotency_key_reused_for_another_request_is_refused(
    api, world, notice, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    _create(api.login(world.citizen), notice, key="k-1")
    response = _create(api, notice, key="k-1", amount=FEE + 1)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]


def test_a_second_payment_while_one_is_in_progress_is_a_conflict(
    api, world, notice, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    first = _create(api.login(world.citizen), notice).json()
    response = _create(api, notice)
    assert response.status_code == 409
    assert response.json()["reference"] == first["reference"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": FEE - 1000}, "amount"),
        ({"currency": "USD"}, "currency"),
        ({"amount": "nhiều"}, "amount"),
    ],
    ids=["stale amount", "foreign currency", "not a number"],
)
def test_a_wrong_amount_or_currency_is_refused_naming_the_field(
    api, world, notice, vnpay_gateway, changes, field
) -> None:  # type: ignore[no-untyped-def]
    response = _create(api.login(world.citizen), notice, **changes)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert not Payment.objects.exists()


def test_the_amount_due_is_in_the_error(api, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    body = _create(api.login(world.citizen), notice, amount=1).json()
    assert body["amount_due"] == FEE
    assert "150.000" in body["detail"]


def test_someone_elses_fee_cannot_be_paid(api, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    response = _create(api.login(world.citizen2), notice)
    assert response.status_code == 404


def test_an_unknown_kind_cannot_be_paid(api, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    assert _create(api.login(world.citizen), notice, kind="lottery").status_code == 404


def test_payments_are_off_without_a_gateway(api, world, notice) -> None:  # type: ignore[no-untyped-def]
    response = _create(api.login(world.citizen), notice)
    assert response.status_code == 503
    assert response.json()["code"] == "payments_unavailable"


def test_checkout_gives_the_signed_gateway_url_once(api, world, notice, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    reference = _create(api.login(world.citizen), notice).json()["reference"]
    first = api.post(f"/api/v1/payments/{reference}/checkout").json()
    assert first["payment_url"].startswith(vnpay_gateway.url + "/paymentv2/vpcpay.html?")
    assert vnpay_gateway.open(first["payment_url"]).status == 200
    again = api.post(f"/api/v1/payments/{reference}/checkout").json()
    assert again["payment_url"] == first["payment_url"]
    assert api.get(f"/api/v1/payments/{reference}").json()["status"] == "pending"


def test_the_payer_reads_their_payment_and_nobody_else_does(
    api, world, notice, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    reference = _create(api.login(world.citizen), notice).json()["reference"]
    assert api.get(f"/api/v1/payments/{reference}").status_code == 200
    assert [p["reference"] for p in api.get("/api/v1/payments").json()] == [reference]
    api.login(world.citizen2)
    wrong_owner = api.get(f"/api/v1/payments/{reference}")
    missing = api.get("/api/v1/payments/NOSUCHPAYMENT")
    assert wrong_owner.status_code == missing.status_code == 404
    assert wrong_owner.json() == missing.json()
    assert api.get("/api/v1/payments").json() == []
    for action in ("checkout", "cancel"):
        assert api.post(f"/api/v1/payments/{reference}/{action}").status_code == 404
    assert api.get(f"/api/v1/payments/{reference}/receipt").status_code == 404


def test_a_payment_not_yet_sent_to_the_gateway_can_be_cancelled(
    api, world, notice, vnpay_gateway
) -> None:  # type: ignore[no-untyped-def]
    reference = _create(api.login(world.citizen), notice).json()["reference"]
    assert api.post(f"/api/v1/payments/{reference}/cancel").json()["status"] == "cancelled"
    assert api.post(f"/api/v1/payments/{reference}/cancel").status_code == 409
    assert api.post(f"/api/v1/payments/{reference}/checkout").status_code == 409
    # The notice can be paid again.
    assert _create(api, notice).status_code == 201


def test_the_receipt_is_there_once_paid(api, client, world, notice, pending, vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    api.login(world.citizen)
    assert api.get(f"/api/v1/payments/{pending.reference}/receipt").status_code == 409
    send_ipn(client, pay_at_gateway(vnpay_gateway, pending).ipn_query)
    response = api.get(f"/api/v1/payments/{pending.reference}/receipt")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert Payment.objects.get().status == PaymentStatus.SUCCEEDED
