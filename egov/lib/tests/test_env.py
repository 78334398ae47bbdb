from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from egov.lib.env import env_bool, env_int, env_list, env_str, parse_email_url


def test_booleans_accept_the_usual_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, expected in [
        ("1", True),
        ("yes", True),
        ("On", True),
        ("0", False),
        ("false", False),
    ]:
        monkeypatch.setenv("EGOV_FLAG", value)
        assert env_bool("EGOV_FLAG") is expected


def test_an_unknown_boolean_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="EGOV_FLAG"):
        env_bool("EGOV_FLAG")


def test_integers_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_N", "12")
    monkeypatch.setenv("EGOV_HOSTS", "a.gov.vn, b.gov.vn,,")
    assert env_int("EGOV_N", 1) == 12
    assert env_list("EGOV_HOSTS") == ["a.gov.vn", "b.gov.vn"]
    monkeypatch.setenv("EGOV_N", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("EGOV_N", 1)


def test_required_values_and_secret_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("EGOV_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured):
        env_str("EGOV_SECRET", required=True)
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    monkeypatch.setenv("EGOV_SECRET_FILE", str(secret))
    assert env_str("EGOV_SECRET", required=True) == "s3cr3t"


def test_email_urls() -> None:
    smtp = parse_email_url("smtp://user:p%40ss@mail.gov.vn:587/?tls=1")
    assert smtp["EMAIL_HOST"] == "mail.gov.vn"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert parse_email_url("smtps://mail.gov.vn")["EMAIL_PORT"] == 465
    assert parse_email_url("file:///srv/egov/mail")["EMAIL_FILE_PATH"] == "/srv/egov/mail"
    assert parse_email_url("file:var/mail")["EMAIL_FILE_PATH"] == "var/mail"
    with pytest.raises(ImproperlyConfigured):
        parse_email_url("ftp://mail.gov.vn")
    with pytest.raises(ImproperlyConfigured):
        parse_email_url("smtp://mail.gov.vn/?tls=perhaps")
