"""Vietnamese mobile numbers in the form SMS gateways want: ``84`` and nine digits."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s.\-()]")
# Mobile ranges since the 2018 renumbering: 03x Viettel, 05x Vietnamobile/Gmobile, 07x MobiFone,
# 08x VinaPhone (and others), 09x all networks.
_MOBILE = re.compile(r"^84(3|5|7|8|9)\d{8}$")


class InvalidPhone(ValueError):
    pass


def normalize_mobile(raw: str) -> str:
    """``0912 345 678``, ``+84912345678`` or ``84912345678`` -> ``84912345678``."""
    number = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if number.startswith("+"):
        number = number[1:]
    if number.startswith("0"):
        number = "84" + number[1:]
    if not _MOBILE.match(number):
        raise InvalidPhone(raw)
    return number


def mask_mobile(number: str) -> str:
    """``84912345678`` -> ``0912***678`` for screens and logs."""
    local = "0" + number[2:] if number.startswith("84") else number
    return local[:4] + "***" + local[-3:] if len(local) > 7 else "***"
