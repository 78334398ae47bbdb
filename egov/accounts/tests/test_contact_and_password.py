"""Changing the e-mail address or mobile number (re-verified first) and resetting the
password with a one-time code."""

from __future__ import annotations

import pytest

from egov.accounts.actions import confirm_contact_change, request_contact_change
from egov.accounts.models import OneTimeCode
from egov.accounts.tests.helpers import code_in, deliver_outbox, mailed_code, texted_code
from egov.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Song-Tien-2026"


def test_a_new_e_mail_address_takes_effect_only_once_its_code_is_entered(
    client, world, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post("/accounts/contact/", {"address": "an.moi@example.vn"})
    assert response["Location"] == "/accounts/contact/verify/"
    world.citizen.refresh_from_db()
    assert world.citizen.email == "an@example.vn"  # not yet

    code = mailed_code(smtp_server, "an.moi@example.vn")
    assert client.post("/accounts/contact/verify/", {"code": code}).status_code == 302
    world.citizen.refresh_from_db()
    assert world.citizen.email == "an.moi@example.vn"
    assert world.citizen.email_verified_at is not None


def test_a_new_mobile_number_is_confirmed_by_sms(client, world, sms_gateway) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    client.post("/accounts/contact/", {"address": "0987 654 321"})
    code = texted_code(sms_gateway, "0987654321")
    client.post("/accounts/contact/verify/", {"code": code})
    world.citizen.refresh_from_db()
    assert world.citizen.phone == "0987654321"
    assert world.citizen.phone_verified_at is not None


def test_someone_elses_pending_change_cannot_be_confirmed(world) -> None:  # type: ignore[no-untyped-def]
    row = request_contact_change(
        acting_user=world.citizen, address="an.moi@example.vn", client_ip="203.113.1.1"
    )
    code = code_in(OutboxMessage.objects.get(address="an.moi@example.vn").body)
    check = confirm_contact_change(acting_user=world.citizen2, token=row.token, code=code)
    assert not check.ok
    world.citizen2.refresh_from_db()
    assert world.citizen2.email != "an.moi@example.vn"


def test_an_address_of_another_account_is_refused_next_to_the_field(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post("/accounts/contact/", {"address": "binh@example.vn"})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_address_error"' in page
    assert "thuộc về một tài khoản khác" in page
    assert not OneTimeCode.objects.exists()


def test_a_forgotten_password_is_reset_with_a_code_sent_to_the_verified_address(
    client, world, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    world.citizen.email_verified_at = timezone.now()
    world.citizen.save()
    response = client.post("/accounts/password/code/", {"address": "an@example.vn"})
    assert response["Location"] == "/accounts/password/code/verify/"
    code = mailed_code(smtp_server, "an@example.vn")

    mismatch = client.post(
        "/accounts/password/code/verify/",
        {"code": code, "password": NEW_PASSWORD, "password2": "other-Pass-99"},
    )
    assert mismatch.status_code == 422
    assert 'id="id_password2_error"' in mismatch.content.decode()

    done = client.post(
        "/accounts/password/code/verify/",
        {"code": code, "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert done["Location"] == "/accounts/login/"
    world.citizen.refresh_from_db()
    assert world.citizen.check_password(NEW_PASSWORD)


def test_an_unknown_or_unverified_address_gets_the_same_answer_and_no_message(
    client, world, smtp_server
) -> None:  # type: ignore[no-untyped-def]
    for address in ("nobody@example.vn", "an@example.vn"):  # an's e-mail is not verified
        client.cookies.clear()
        response = client.post("/accounts/password/code/", {"address": address})
        assert response["Location"] == "/accounts/password/code/verify/"
        refused = client.post(
            "/accounts/password/code/verify/",
            {"code": "123456", "password": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert refused.status_code == 422
    assert deliver_outbox() == 0
    assert smtp_server.received == []


def test_the_api_resets_a_password_and_checks_the_new_one(api, world, settings) -> None:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    settings.SMS_PROVIDER_URL = "http://127.0.0.1:9"  # configured; nothing is delivered here

    world.citizen.phone = "0901234567"
    world.citizen.phone_verified_at = timezone.now()
    world.citizen.save()
    pending = api.post("/api/v1/accounts/password/code", {"address": "0901234567"})
    assert pending.status_code == 202
    token = pending.json()["token"]
    weak = api.post(
        "/api/v1/accounts/password/reset", {"token": token, "code": "000000", "password": "123"}
    )
    assert weak.status_code == 422
    assert weak.json()["errors"][0]["field"] == "password"
