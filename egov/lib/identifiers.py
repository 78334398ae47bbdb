"""Vietnamese identifiers: personal ID (CCCD), tax code (MST), organ code (mã định danh).

The functions raise ``django.core.exceptions.ValidationError`` with a translated message, so the
same check serves model fields, forms and API schemas.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.vn import mst

_PRE2025_UNITS = (
    Path(__file__).resolve().parent.parent / "org" / "data" / "admin_units_pre2025.json"
)
_PERSONAL_ID = re.compile(r"\d{12}")
# V1V2V3.Z1Z2.Y1Y2.MX1X2 (Decision 20/2020): level 1 is the right-most group, M a letter A–Y.
_ORGAN_CODE = re.compile(
    r"(?P<l4>[0-9A-Z]{3})\.(?P<l3>[0-9A-Z]{2})\.(?P<l2>[0-9A-Z]{2})\.(?P<l1>[A-Y][0-9A-Z]{2})"
)


@cache
def birth_registration_province_codes() -> frozenset[int]:
    """GSO codes of the 63 provinces, which the first three digits of a CCCD use."""
    data = json.loads(_PRE2025_UNITS.read_text(encoding="utf-8"))
    return frozenset(province["code"] for province in data["provinces"])


def personal_id_birth_year(personal_id: str) -> int:
    """Birth year from a CCCD: 1900 + 100·(G div 2) + YY, where G is the 4th digit."""
    century_sex = int(personal_id[3])
    return 1900 + 100 * (century_sex // 2) + int(personal_id[4:6])


def personal_id_sex(personal_id: str) -> str:
    """'male' for even century/sex digits, 'female' for odd ones."""
    return "female" if int(personal_id[3]) % 2 else "male"


def validate_personal_id(
    personal_id: str,
    *,
    date_of_birth: dt.date | None = None,
    sex: str | None = None,
    today: dt.date | None = None,
) -> None:
    """Check a 12-digit personal ID: ``PPP G YY NNNNNN``.

    PPP must be a province code, the birth year it encodes must not be in the future, and when the
    date of birth or sex is known they must agree with the G and YY digits.
    """
    if not _PERSONAL_ID.fullmatch(personal_id or ""):
        raise ValidationError(_("A personal ID has exactly 12 digits."), code="format")
    if int(personal_id[:3]) not in birth_registration_province_codes():
        raise ValidationError(
            _("The first three digits of a personal ID must be a province code."), code="province"
        )
    birth_year = personal_id_birth_year(personal_id)
    today = today or dt.date.today()  # noqa: DTZ011 (a calendar year, the zone does not matter)
    if birth_year > today.year:
        raise ValidationError(
            _("The century and year digits of this personal ID give a birth year in the future."),
            code="century",
        )
    if date_of_birth is not None and date_of_birth.year != birth_year:
        raise ValidationError(
            _("The personal ID encodes the birth year %(encoded)s, not %(given)s.")
            % {"encoded": birth_year, "given": date_of_birth.year},
            code="birth_year",
        )
    if sex in {"male", "female"} and personal_id_sex(personal_id) != sex:
        raise ValidationError(
            _("The century/sex digit of this personal ID does not match the sex given."),
            code="sex",
        )


def validate_tax_code(tax_code: str) -> str:
    """Check a 10-digit tax code or a 13-digit branch code; returns it without separators."""
    try:
        return str(mst.validate(tax_code or ""))
    except StdnumError as exc:
        raise ValidationError(
            _(
                "This is not a valid tax code (10 digits, or 13 for a branch, with a valid "
                "check digit)."
            ),
            code="tax_code",
        ) from exc


def validate_organ_code(organ_code: str) -> None:
    """Check an organ code ``V1V2V3.Z1Z2.Y1Y2.MX1X2``.

    Levels read from the right; an unused level is all zeros, and a level can only be used when
    every level to its right is (a unit always sits inside a parent).
    """
    match = _ORGAN_CODE.fullmatch(organ_code or "")
    if not match:
        raise ValidationError(
            _(
                "An organ code has the form 000.00.00.H58: digits or capital letters in groups of "
                "3, 2, 2 and 3, the last group starting with a letter A–Y."
            ),
            code="format",
        )
    levels = [match["l1"], match["l2"], match["l3"], match["l4"]]
    used = [set(level) != {"0"} for level in levels]
    for lower, higher in zip(used, used[1:], strict=False):
        if higher and not lower:
            raise ValidationError(
                _("An organ code cannot use a level whose parent level is zero."), code="levels"
            )


def organ_code_parent(organ_code: str) -> str | None:
    """The organ code one level up, or None for a level-1 code."""
    groups = organ_code.split(".")
    for index, group in enumerate(groups[:-1]):
        if set(group) != {"0"}:
            groups[index] = "0" * len(group)
            return ".".join(groups)
    return None
