"""Registering with an e-mail address or a mobile number, verified by a one-time code."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from egov.accounts.actions import start_registration, verify_registration
from egov.accounts.models import OneTimeCode, User
from egov.accounts.tests.helpers import deliver_outbox, last_mail_to, mailed_code, texted_code

pytestmark = pytest.mark.django_db

PASSWORD = "Cay-xoai-2026"


def _register(client, address: str, **extra: str):  # type: ignore[no-untyped-def]
    data = {
        "full_name": "Trần Văn Cường",
        "kind": "citizen",
        "address": address,
        "password": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }
    return client.post("/accounts/register/", data)


def test_a_citizen_registers_with_an_e_mail_address_and_the_code_from_the_mail(
    client, world, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    response = _register(client, "Cuong.Tran@Example.vn")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/register/verify/"
    # No account before the code comes back.
    assert not User.objects.filter(email__iexact="cuong.tran@example.vn").exists()

    mail = last_mail_to(smtp_server, "cuong.tran@example.vn")
    assert "mã" in mail["Subject"].lower()
    code = mailed_code(smtp_server, "cuong.tran@example.vn")
    page = client.get("/accounts/register/verify/").content.decode()
    assert "cu***@example.vn" in page

    response = client.post("/accounts/register/verify/", {"code": code})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    user = User.objects.get(email="cuong.tran@example.vn")
    assert user.full_name == "Trần Văn Cường"
    assert user.email_verified_at is not None
    assert user.check_password(PASSWORD)
    assert client.get("/api/v1/accounts/me").json()["username"] == user.username

    client.logout()
    login = client.post(
        "/accounts/login/", {"username": "cuong.tran@example.vn", "password": PASSWORD}
    )
    assert login.status_code == 302


def test_a_citizen_registers_with_a_mobile_number_and_the_code_by_sms(
    client, world, sms_gateway
) -> None:  # type: ignore[no-untyped-def]
    assert _register(client, "0912 345 678").status_code == 302
    code = texted_code(sms_gateway, "0912345678")
    assert client.post("/accounts/register/verify/", {"code": code}).status_code == 302
    user = User.objects.get(phone="0912345678")
    assert user.phone_verified_at is not None and user.email_verified_at is None
    client.logout()
    assert (
        client.post(
            "/accounts/login/", {"username": "+84912345678", "password": PASSWORD}
        ).status_code
        == 302
    )


def test_a_business_registers_and_lands_on_the_business_page(client, world, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _register(client, "ketoan@myphuoc.vn", kind="business")
    code = mailed_code(smtp_server, "ketoan@myphuoc.vn")
    response = client.post("/accounts/register/verify/", {"code": code})
    assert response["Location"] == "/accounts/business/"
    assert User.objects.get(email="ketoan@myphuoc.vn").kind == "business"


def test_every_invalid_field_gets_a_translated_message_next_to_it(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/accounts/register/",
        {
            "full_name": "",
            "kind": "citizen",
            "address": "0123",
            "password": "123",
            "password2": "124",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_full_name_error"' in page
    assert "Trường này là bắt buộc" in page or "bắt buộc" in page
    assert 'id="id_password2_error"' in page
    assert "Hai mật khẩu không khớp" in page

    response = client.post(
        "/accounts/register/",
        {
            "full_name": "Trần Văn Cường",
            "kind": "citizen",
            "address": "0123",
            "password": "12345678",
            "password2": "12345678",
        },
    )
    page = response.content.decode()
    assert 'id="id_address_error"' in page
    assert "số điện thoại di động" in page
    assert 'id="id_password_error"' in page


def _start(address: str = "cuong@example.vn", ip: str = "203.113.1.1") -> tuple[OneTimeCode, str]:
    """Start a registration and return the pending code and the code that was sent."""
    row = start_registration(
        acting_user=None,
        full_name="Trần Văn Cường",
        kind="citizen",
        address=address,
        password=PASSWORD,
        client_ip=ip,
    )
    from egov.notifications.models import OutboxMessage

    message = OutboxMessage.objects.filter(address=row.address).latest("pk")
    from egov.accounts.tests.helpers import code_in

    return row, code_in(message.body)


def test_the_code_is_stored_only_as_a_keyed_hash(world) -> None:  # type: ignore[no-untyped-def]
    row, code = _start()
    row.refresh_from_db()
    stored = " ".join(str(v) for v in (row.code_hash, row.token, row.payload))
    assert code not in stored
    assert PASSWORD not in stored


def test_a_code_expires(world) -> None:  # type: ignore[no-untyped-def]
    row, code = _start()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=11)):
        check = verify_registration(acting_user=None, token=row.token, code=code)
    assert not check.ok and "hết hạn" in check.error
    assert not User.objects.filter(email="cuong@example.vn").exists()


def test_a_code_is_used_once(world) -> None:  # type: ignore[no-untyped-def]
    row, code = _start()
    assert verify_registration(acting_user=None, token=row.token, code=code).ok
    again = verify_registration(acting_user=None, token=row.token, code=code)
    assert not again.ok and "đã được sử dụng" in again.error
    assert User.objects.filter(email="cuong@example.vn").count() == 1


@override_settings(OTP_MAX_ATTEMPTS=3)
def test_a_code_locks_after_a_few_wrong_tries_even_for_the_right_code(world) -> None:  # type: ignore[no-untyped-def]
    row, code = _start()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(2):
        check = verify_registration(acting_user=None, token=row.token, code=wrong)
        assert "Mã không đúng" in check.error
    assert (
        "Nhập sai quá nhiều lần"
        in verify_registration(acting_user=None, token=row.token, code=wrong).error
    )
    assert not verify_registration(acting_user=None, token=row.token, code=code).ok
    row.refresh_from_db()
    assert row.attempts == 3
    assert not User.objects.filter(email="cuong@example.vn").exists()


def test_a_new_code_replaces_the_old_one(world) -> None:  # type: ignore[no-untyped-def]
    first, first_code = _start()
    second, second_code = _start()
    assert not verify_registration(acting_user=None, token=first.token, code=first_code).ok
    assert verify_registration(acting_user=None, token=second.token, code=second_code).ok


@override_settings(OTP_ADDRESS_LIMIT=3, OTP_IP_LIMIT=100)
def test_code_requests_are_limited_per_address(client, world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert _register(client, "cuong@example.vn").status_code == 302
    response = _register(client, "cuong@example.vn")
    assert response.status_code == 429
    assert "Bạn đã yêu cầu quá nhiều mã" in response.content.decode()
    # Another address is still served.
    assert _register(client, "binh.tran@example.vn").status_code == 302


@override_settings(OTP_ADDRESS_LIMIT=100, OTP_IP_LIMIT=4)
def test_code_requests_are_limited_per_client_address(client, world) -> None:  # type: ignore[no-untyped-def]
    for number in range(4):
        assert _register(client, f"nguoi{number}@example.vn").status_code == 302
    assert _register(client, "nguoi9@example.vn").status_code == 429
    other = client.post(
        "/accounts/register/",
        {
            "full_name": "Lê Văn Tám",
            "kind": "citizen",
            "address": "tam@example.vn",
            "password": PASSWORD,
            "password2": PASSWORD,
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 302


def test_an_address_that_has_an_account_gets_the_same_answer_but_no_usable_code(
    client, world, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    response = _register(client, "an@example.vn")
    assert response.status_code == 302
    mail = last_mail_to(smtp_server, "an@example.vn")
    assert "đã có tài khoản" in mail["Subject"]
    row = OneTimeCode.objects.get(address="an@example.vn")
    for guess in ("000000", "123456"):
        assert not verify_registration(acting_user=None, token=row.token, code=guess).ok
    assert User.objects.filter(email__iexact="an@example.vn").count() == 1


def test_the_verify_page_offers_a_new_code(client, world, smtp_server) -> None:  # type: ignore[no-untyped-def]
    _register(client, "cuong@example.vn")
    old = mailed_code(smtp_server, "cuong@example.vn")
    response = client.post("/accounts/register/verify/", {"resend": "1"})
    assert response.status_code == 302
    deliver_outbox()
    new = mailed_code(smtp_server, "cuong@example.vn")
    if new != old:
        refused = client.post("/accounts/register/verify/", {"code": old})
        assert refused.status_code == 422
    assert client.post("/accounts/register/verify/", {"code": new}).status_code == 302


def test_the_api_registers_and_names_the_field_of_a_wrong_code(api, world) -> None:  # type: ignore[no-untyped-def]
    response = api.post(
        "/api/v1/accounts/register",
        {"full_name": "Trần Văn Cường", "address": "cuong@example.vn", "password": PASSWORD},
    )
    assert response.status_code == 202
    token = response.json()["token"]
    wrong = api.post("/api/v1/accounts/register/verify", {"token": token, "code": "999999x"})
    assert wrong.status_code == 422
    assert wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["errors"][0]["field"] == "code"

    bad = api.post(
        "/api/v1/accounts/register", {"full_name": "X", "address": "nope", "password": "1"}
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"address", "password"} <= fields

    from egov.accounts.tests.helpers import code_in
    from egov.notifications.models import OutboxMessage

    code = code_in(OutboxMessage.objects.filter(address="cuong@example.vn").latest("pk").body)
    done = api.post("/api/v1/accounts/register/verify", {"token": token, "code": code})
    assert done.status_code == 201
    assert done.json()["email"] == "cuong@example.vn"


def test_a_mobile_number_is_refused_where_no_sms_gateway_is_configured(
    client, world, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.SMS_PROVIDER_URL = ""
    response = _register(client, "0912 345 678")
    assert response.status_code == 422
    assert "dùng địa chỉ thư điện tử" in response.content.decode()
    assert not OneTimeCode.objects.exists()
