from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings

from egov.audit.models import AuditEvent
from egov.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("identifier", ["an", "an@example.vn", "AN@EXAMPLE.VN"])
def test_a_person_logs_in_with_username_or_email(client, world, identifier) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": identifier, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/accounts/me").json()["username"] == "an"


def test_a_person_logs_in_with_the_mobile_number(client, world) -> None:  # type: ignore[no-untyped-def]
    world.citizen.phone = "0901234567"
    world.citizen.save()
    response = client.post("/accounts/login/", {"username": "0901234567", "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_gets_a_translated_message(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/login/", {"username": "an", "password": "wrong"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


@override_settings(LOGIN_RATE_LIMIT=3)
def test_failed_logins_are_rate_limited_even_with_the_right_password(client, world) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        client.post("/accounts/login/", {"username": "an", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "an", "password": PASSWORD})
    assert response.status_code == 200
    assert "Bạn đã đăng nhập sai quá nhiều lần" in response.content.decode()
    # another account from another address is not affected
    other = client.post(
        "/accounts/login/", {"username": "binh", "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302


def test_staff_land_on_the_workspace_and_citizens_on_their_page(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.clerk)
    assert client.get("/").url == "/ws/"
    page = client.get("/ws/").content.decode()
    assert "Bàn làm việc" in page
    assert "Cán bộ một cửa" in page
    client.force_login(world.citizen)
    assert client.get("/").status_code == 200
    assert client.get("/ws/").status_code == 404


def test_password_change_is_audited(client, world) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.citizen)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Mat-khau-moi-2026",
            "new_password2": "Mat-khau-moi-2026",
        },
    )
    assert response.status_code == 302
    world.citizen.refresh_from_db()
    assert world.citizen.check_password("Mat-khau-moi-2026")
    assert AuditEvent.objects.filter(
        verb="accounts.set_password", object_id=str(world.citizen.pk)
    ).exists()


def test_password_reset_by_email(client, world) -> None:  # type: ignore[no-untyped-def]
    client.post("/accounts/password/reset/", {"email": "an@example.vn"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["an@example.vn"]
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Mat-khau-moi-2026", "new_password2": "Mat-khau-moi-2026"},
    )
    assert response.status_code == 302
    world.citizen.refresh_from_db()
    assert world.citizen.check_password("Mat-khau-moi-2026")


def test_an_unknown_address_gets_no_mail_and_no_hint(client, world) -> None:  # type: ignore[no-untyped-def]
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.vn"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_pages_are_vietnamese_even_when_the_browser_asks_for_english(client, world) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_the_api_follows_accept_language(client, world) -> None:  # type: ignore[no-untyped-def]
    en = client.get("/api/v1/calendar/holidays", {"year": 3000}, HTTP_ACCEPT_LANGUAGE="en")
    vi = client.get("/api/v1/calendar/holidays", {"year": 3000})
    assert en.json()["title"] == "Some fields are not valid."
    assert vi.json()["title"] == "Một số trường không hợp lệ."
