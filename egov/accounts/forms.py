from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from egov.infra import ratelimit
from egov.lib.net import client_ip


class LoginForm(AuthenticationForm):
    """Username, e-mail or phone plus password, with a limit on failed attempts."""

    username = forms.CharField(
        label=_("Username, e-mail or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The login name or the password is wrong."),
        "rate_limited": _(
            "Too many failed attempts. Please wait %(minutes)s minutes before trying again."
        ),
    }

    def _keys(self) -> list[str]:
        username = (self.data.get("username") or "").strip().lower()
        ip = client_ip(self.request) if self.request is not None else "unknown"
        return [f"login:user:{username}", f"login:ip:{ip}"]

    def clean(self) -> dict[str, Any]:
        limit, window = settings.LOGIN_RATE_LIMIT, settings.LOGIN_RATE_WINDOW
        if any(ratelimit.is_limited(key, limit=limit, window=window) for key in self._keys()):
            raise forms.ValidationError(
                self.error_messages["rate_limited"],
                code="rate_limited",
                params={"minutes": max(1, window // 60)},
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for key in self._keys():
                ratelimit.hit(key, limit=limit, window=window)
            raise
