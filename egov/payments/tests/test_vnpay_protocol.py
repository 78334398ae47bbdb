"""Our VNPay adapter against the stand-in gateway, which implements the protocol on its own."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict

from egov.payments import vnpay
from egov.payments.gateway import gateway_config

NOW = dt.datetime(2026, 2, 13, 2, 30, tzinfo=dt.UTC)


def _url(config: vnpay.Config, **changes: object) -> str:
    arguments = {
        "txn_ref": "260213ABCDEFGH",
        "amount": 150_000,
        "info": "Lệ phí cấp giấy phép xây dựng: hồ sơ 000.00.09.H58-260213-0001 (nộp lần 1) & phí",
        "return_url": "http://127.0.0.1:8000/payments/vnpay/return/",
        "ip_address": "203.113.1.9",
        "created_at": NOW,
        "expires_at": NOW + dt.timedelta(days=3650),
        **changes,
    }
    return vnpay.payment_url(config, **arguments)  # type: ignore[arg-type]


def test_the_gateway_accepts_our_signed_payment_url(vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    url = _url(gateway_config())
    page = vnpay_gateway.open(url)
    assert page.status == 200, page.text
    assert "150.000 VND" in page.text
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["vnp_Amount"] == "15000000"
    assert params["vnp_CreateDate"] == "20260213093000"  # GMT+7
    assert params["vnp_OrderInfo"] == (
        "Le phi cap giay phep xay dung: ho so 000.00.09.H58-260213-0001 nop lan 1 phi"
    )
    assert list(params)[:-1] == sorted(list(params)[:-1])
    assert list(params)[-1] == "vnp_SecureHash"


def test_the_gateway_refuses_a_tampered_url(vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    url = _url(gateway_config()).replace("vnp_Amount=15000000", "vnp_Amount=100000")
    page = vnpay_gateway.open(url)
    assert page.status == 400
    assert "Sai chữ ký (97)" in page.text


def test_the_gateway_refuses_a_url_signed_with_another_secret(vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    config = gateway_config()
    forged = vnpay.Config(config.tmn_code, "guessed-secret", config.payment_url, config.api_url)
    assert vnpay_gateway.open(_url(forged)).status == 400


def test_the_gateways_callback_verifies_and_parses(vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    config = gateway_config()
    vnpay_gateway.open(_url(config))
    back = vnpay_gateway.choose("260213ABCDEFGH", "pay")
    params = QueryDict(urlsplit(back).query).dict()
    assert vnpay.callback_is_authentic(config, params)
    result = vnpay.parse_callback(params)
    assert (result.txn_ref, result.amount, result.succeeded) == ("260213ABCDEFGH", 150_000, True)
    assert result.pay_date is not None
    # Any change breaks the signature; so does a signature in capitals of another secret.
    assert not vnpay.callback_is_authentic(config, {**params, "vnp_Amount": "100"})
    assert not vnpay.callback_is_authentic(config, {**params, "vnp_SecureHash": "00" * 64})


def test_querydr_is_signed_both_ways(vnpay_gateway) -> None:  # type: ignore[no-untyped-def]
    config = gateway_config()
    vnpay_gateway.open(_url(config))
    vnpay_gateway.choose("260213ABCDEFGH", "pay")
    answer = vnpay.querydr(
        config,
        request_id="r1",
        txn_ref="260213ABCDEFGH",
        transaction_date="20260213093000",
        info="Truy van",
        ip_address="127.0.0.1",
        now=NOW,
    )
    assert answer.response_code == "00"
    assert answer.result is not None and answer.result.succeeded
    bad = vnpay.Config(config.tmn_code, "wrong", config.payment_url, config.api_url)
    # The gateway refuses our checksum (97) and signs that answer with the real secret,
    # which our side (holding the wrong one) cannot verify either.
    with pytest.raises(vnpay.GatewayError):
        vnpay.querydr(
            bad,
            request_id="r2",
            txn_ref="260213ABCDEFGH",
            transaction_date="20260213093000",
            info="x",
            ip_address="127.0.0.1",
            now=NOW,
        )


def test_a_malformed_callback_is_an_error() -> None:
    with pytest.raises(ValueError):
        vnpay.parse_callback({"vnp_TxnRef": "X", "vnp_Amount": "150"})  # not ×100
    with pytest.raises(ValueError):
        vnpay.parse_callback({"vnp_TxnRef": "X"})
