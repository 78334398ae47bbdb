"""Reads about accounts."""

from __future__ import annotations

from django.http import HttpRequest

from egov.accounts.models import User
from egov.lib.problems import PermissionDenied


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a request that the login requirement already let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied()
    return user
