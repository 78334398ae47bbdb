from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from egov.accounts.addresses import add_address_fields, clean_address
from egov.accounts.models import Sex, UserKind
from egov.infra import ratelimit
from egov.lib.net import client_ip
from egov.org.models import AdministrativeUnit


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


def _same_passwords(form: forms.Form) -> dict[str, Any]:
    data = form.cleaned_data
    if data.get("password") and data.get("password2") and data["password"] != data["password2"]:
        form.add_error("password2", _("The two passwords differ."))
    return data


class RegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name (or the business's representative)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    kind = forms.ChoiceField(
        label=_("I register as"),
        choices=[
            (UserKind.CITIZEN, _("A citizen")),
            (UserKind.BUSINESS, _("A business or organisation")),
        ],
        initial=UserKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    address = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=254,
        help_text=_("We send a code there to check it is yours."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        help_text=_("At least 8 characters; not only digits, not too common."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        return _same_passwords(self)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AddressForm(forms.Form):
    address = forms.CharField(
        label=_("E-mail address or mobile number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )


class NewPasswordForm(CodeForm):
    password = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        return _same_passwords(self)


class ProfileForm(forms.Form):
    """A citizen's identity and address; the address is picked from today's units."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    personal_id = forms.CharField(
        label=_("Personal ID (CCCD, 12 digits)"),
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "–"), *Sex.choices])

    def __init__(
        self, *args: Any, commune: AdministrativeUnit | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        add_address_fields(self, "home_", required=False, commune=commune)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["commune"] = clean_address(self, "home_")
        return data


class BusinessForm(forms.Form):
    tax_code = forms.CharField(
        label=_("Tax code (MST)"),
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Business name"), max_length=255)
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=150, required=False
    )

    def __init__(
        self,
        *args: Any,
        commune: AdministrativeUnit | None = None,
        fixed_tax_code: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        add_address_fields(self, "office_", required=False, commune=commune)
        if fixed_tax_code:
            del self.fields["tax_code"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        data["commune"] = clean_address(self, "office_")
        return data


class MemberForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail address or mobile number of their account"), max_length=254
    )
