from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django.http import HttpRequest

from egov.accounts.models import User
from egov.notifications.phones import InvalidPhone, normalize_mobile


def _local_phone(identifier: str) -> str:
    """``+84 912 345 678`` and ``0912.345.678`` are the stored ``0912345678``."""
    try:
        return "0" + normalize_mobile(identifier)[2:]
    except InvalidPhone:
        return identifier


class UsernameEmailOrPhoneBackend(ModelBackend):
    """Log in with the username, the e-mail address or the mobile number."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or not password:
            return None
        identifier = username.strip()
        query = Q(username=identifier)
        if "@" in identifier:
            query |= Q(email__iexact=identifier)
        elif identifier.lstrip("+").replace(" ", "").replace(".", "").isdigit():
            query |= Q(phone=_local_phone(identifier))
        user = User.objects.filter(query).first()
        if user is None:
            # Spend the same time as a real check, so timing doesn't reveal which accounts exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
