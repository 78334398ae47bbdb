"""One-time codes: addresses, the codes themselves, their keyed hashes and the request limits.

A code has six digits, so a plain hash could be reversed by trying all of them: the stored value
is an HMAC keyed with the installation's secret and bound to the code's token. Codes are
compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from egov.accounts.models import CodeChannel
from egov.infra import ratelimit
from egov.lib.problems import RateLimited, invalid
from egov.notifications.phones import InvalidPhone, normalize_mobile

CODE_DIGITS = 6


@dataclass(frozen=True)
class Address:
    """An e-mail address (lower-cased) or a mobile number (``0`` and nine digits)."""

    channel: str
    value: str

    @property
    def is_email(self) -> bool:
        return self.channel == CodeChannel.EMAIL

    @property
    def masked(self) -> str:
        if self.is_email:
            local, _at, domain = self.value.partition("@")
            return f"{local[:2]}***@{domain}"
        return self.value[:4] + "***" + self.value[-3:]


_LOOKS_LIKE_PHONE = re.compile(r"^[+\d][\d\s.\-()]*$")


def parse_address(raw: str, field: str = "address") -> Address:
    """Read what a person typed as an e-mail address or a Vietnamese mobile number."""
    text = (raw or "").strip()
    if not text:
        raise invalid(field, _("Enter your e-mail address or mobile number."))
    if "@" in text:
        try:
            validate_email(text)
        except ValidationError:
            raise invalid(field, _("Enter a valid e-mail address.")) from None
        if len(text) > 254:
            raise invalid(field, _("This value is too long."))
        return Address(CodeChannel.EMAIL, text.lower())
    if _LOOKS_LIKE_PHONE.match(text):
        try:
            international = normalize_mobile(text)
        except InvalidPhone:
            raise invalid(
                field, _("Enter a Vietnamese mobile number of 10 digits, e.g. 0912 345 678.")
            ) from None
        return Address(CodeChannel.SMS, "0" + international[2:])
    raise invalid(field, _("Enter your e-mail address or mobile number."))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(token: str, code: str) -> str:
    key = hashlib.sha256(b"egov.one-time-code:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, f"{token}:{code}".encode(), hashlib.sha256).hexdigest()


def code_matches(token: str, code: str, stored_hash: str) -> bool:
    typed = "".join((code or "").split())
    return hmac.compare_digest(code_hash(token, typed), stored_hash)


def count_request(address: Address, client_ip: str) -> None:
    """Count one code request against the address and the client; 429 over either limit."""
    window = settings.OTP_RATE_WINDOW
    per_address = ratelimit.hit(
        f"otc:address:{address.value}", limit=settings.OTP_ADDRESS_LIMIT, window=window
    )
    per_client = ratelimit.hit(f"otc:ip:{client_ip}", limit=settings.OTP_IP_LIMIT, window=window)
    if not (per_address and per_client):
        raise RateLimited(
            _("Too many codes were requested. Please wait %(minutes)s minutes and try again.")
            % {"minutes": max(1, window // 60)}
        )
