from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from egov.lib.identifiers import (
    organ_code_parent,
    personal_id_birth_year,
    validate_organ_code,
    validate_personal_id,
    validate_tax_code,
)
from egov.lib.text import fold, mask_name


@pytest.mark.parametrize(
    ("personal_id", "year"),
    [
        ("082090001234", 1990),
        ("082195004321", 1995),
        ("087205000001", 2005),
        ("001302000002", 2002),
    ],
)
def test_birth_year_comes_from_the_century_digit_and_two_year_digits(
    personal_id: str, year: int
) -> None:
    assert personal_id_birth_year(personal_id) == year


def test_a_valid_personal_id_passes_with_matching_birth_date_and_sex() -> None:
    validate_personal_id("082090001234", date_of_birth=dt.date(1990, 5, 12), sex="male")
    validate_personal_id("082195004321", date_of_birth=dt.date(1995, 1, 1), sex="female")


@pytest.mark.parametrize(
    ("personal_id", "code"),
    [
        ("08209000123", "format"),  # 11 digits
        ("0820900012345", "format"),  # 13 digits
        ("08209000123A", "format"),
        ("", "format"),
        ("003090001234", "province"),  # 003 is no province code
        ("099090001234", "province"),
        ("082460001234", "century"),  # born in 2146
    ],
)
def test_a_malformed_personal_id_is_refused_with_a_reason(personal_id: str, code: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_personal_id(personal_id, today=dt.date(2026, 11, 25))
    assert raised.value.code == code


def test_birth_year_and_sex_must_agree_with_the_personal_id() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_personal_id("082090001234", date_of_birth=dt.date(1991, 5, 12))
    assert raised.value.code == "birth_year"
    assert "1990" in raised.value.messages[0]
    with pytest.raises(ValidationError) as raised:
        validate_personal_id("082090001234", sex="female")
    assert raised.value.code == "sex"


def test_tax_codes_are_checked_with_their_check_digit() -> None:
    assert validate_tax_code("1201234560") == "1201234560"
    assert validate_tax_code("1201234560-001") == "1201234560001"
    with pytest.raises(ValidationError):
        validate_tax_code("1201234561")
    with pytest.raises(ValidationError):
        validate_tax_code("12345")


@pytest.mark.parametrize(
    "code", ["000.00.00.H58", "000.00.09.H58", "000.01.21.H58", "G01.01.21.H58"]
)
def test_well_formed_organ_codes_pass(code: str) -> None:
    validate_organ_code(code)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("000.00.00.Z58", "format"),  # M must be A–Y
        ("000.00.00.h58", "format"),
        ("00.00.00.H58", "format"),
        ("000.00.00H58", "format"),
        ("000.01.00.H58", "levels"),  # level 3 used under an empty level 2
        ("001.00.00.H58", "levels"),
    ],
)
def test_malformed_organ_codes_are_refused(code: str, reason: str) -> None:
    with pytest.raises(ValidationError) as raised:
        validate_organ_code(code)
    assert raised.value.code == reason


def test_the_parent_of_an_organ_code_clears_its_highest_used_level() -> None:
    assert organ_code_parent("000.01.21.H58") == "000.00.21.H58"
    assert organ_code_parent("000.00.21.H58") == "000.00.00.H58"
    assert organ_code_parent("000.00.00.H58") is None


def test_folding_removes_vietnamese_diacritics() -> None:
    assert fold("Giấy phép Xây dựng") == "giay phep xay dung"
    assert fold("ĐĂNG KÝ  khai sinh") == "dang ky khai sinh"
    assert fold("Ủy ban nhân dân tỉnh Tiền Giang") == "uy ban nhan dan tinh tien giang"


def test_masking_keeps_only_initials_and_the_given_name() -> None:
    assert mask_name("Nguyễn Văn An") == "N. V. An"
    assert mask_name("An") == "A***"
