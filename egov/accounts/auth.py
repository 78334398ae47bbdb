"""API authentication: bearer tokens for integrations, the session for the browser."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from egov.accounts.models import ApiToken, hash_token_secret

TOKEN_PREFIX = "egov"  # noqa: S105 (a label, not a secret)
_LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


def make_token() -> tuple[str, str, str]:
    """A new token as (plaintext, prefix, secret hash)."""
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_PREFIX}_{prefix}_{secret}", prefix, hash_token_secret(secret)


class ApiTokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        try:
            scheme, prefix, secret = token.split("_", 2)
        except ValueError:
            return None
        if scheme != TOKEN_PREFIX:
            return None
        api_token = ApiToken.objects.usable().select_related("user").filter(prefix=prefix).first()
        if api_token is None or not api_token.user.is_active:
            return None
        if not secrets.compare_digest(api_token.secret_hash, hash_token_secret(secret)):
            return None
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > _LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


session_auth = SessionAuth()
api_token_auth = ApiTokenAuth()
DEFAULT_AUTH = [api_token_auth, session_auth]
