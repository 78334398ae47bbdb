from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from egov.accounts.actions import issue_api_token, revoke_api_token
from egov.accounts.models import ApiToken
from egov.lib.problems import PermissionDenied

pytestmark = pytest.mark.django_db


def test_a_bearer_token_authenticates_its_user(client, world) -> None:  # type: ignore[no-untyped-def]
    _token, plaintext = issue_api_token(
        acting_user=world.admin, user=world.clerk, name="cổng quốc gia"
    )
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert response.status_code == 200
    assert response.json()["username"] == "cuc"
    assert response.json()["memberships"][0]["role"] == "one_stop_clerk"


def test_only_a_hash_of_the_token_is_stored(world) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = issue_api_token(acting_user=world.admin, user=world.clerk, name="x")
    secret = plaintext.split("_", 2)[2]
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in stored.secret_hash
    assert len(stored.secret_hash) == 64


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # wrong secret
        lambda t: "egov_deadbeef_" + t.split("_", 2)[2],  # unknown prefix
        lambda t: "token " + t,
        lambda t: "",
    ],
)
def test_a_wrong_token_gets_401(client, world, mangle) -> None:  # type: ignore[no-untyped-def]
    _token, plaintext = issue_api_token(acting_user=world.admin, user=world.clerk, name="x")
    response = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {mangle(plaintext)}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_revoked_or_expired_token_stops_working(client, world) -> None:  # type: ignore[no-untyped-def]
    token, plaintext = issue_api_token(acting_user=world.admin, user=world.clerk, name="x")
    revoke_api_token(acting_user=world.admin, token_id=token.pk)
    assert (
        client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code
        == 401
    )
    _token, expired = issue_api_token(
        acting_user=world.admin,
        user=world.clerk,
        name="y",
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    assert (
        client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION=f"Bearer {expired}").status_code == 401
    )


def test_only_system_administrators_issue_tokens(world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        issue_api_token(acting_user=world.leader, user=world.leader, name="x")
    with pytest.raises(PermissionDenied):
        revoke_api_token(acting_user=world.leader, token_id=1)


def test_tokens_are_issued_in_admin_and_shown_once(client, world) -> None:  # type: ignore[no-untyped-def]
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    response = client.post(
        "/admin/accounts/apitoken/add/",
        {"name": "Cổng DVC quốc gia", "user": world.clerk.pk},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "egov_" in page
    token = ApiToken.objects.get(name="Cổng DVC quốc gia")
    assert token.prefix in page
