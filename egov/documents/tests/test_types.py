"""Decree 30/2020's rules for numbers, notations and document IDs, as pure functions."""

from __future__ import annotations

import datetime as dt

import pytest

from egov.documents.types import (
    DOCUMENT_TYPES,
    TYPES_BY_KEY,
    code_notation,
    code_number,
    edxml_document_id,
    number_and_notation,
    parse_edxml_document_id,
    type_by_name,
)


@pytest.mark.parametrize(
    ("number", "text"), [(1, "01"), (9, "09"), (10, "10"), (58, "58"), (1234, "1234")]
)
def test_numbers_below_ten_get_a_leading_zero(number, text) -> None:  # type: ignore[no-untyped-def]
    assert code_number(number) == text


def test_there_is_no_number_zero() -> None:
    with pytest.raises(ValueError):
        code_number(0)


def test_a_plan_is_noted_with_its_abbreviation_and_the_agency() -> None:
    notation = code_notation(TYPES_BY_KEY["ke_hoach"], "UBND", "VX")
    assert number_and_notation("58", notation) == "58/KH-UBND"


def test_an_official_letter_is_noted_with_the_agency_and_the_drafting_unit() -> None:
    notation = code_notation(TYPES_BY_KEY["cong_van"], "UBND", "VX")
    assert number_and_notation("12", notation) == "12/UBND-VX"


def test_copies_carry_their_own_abbreviation() -> None:
    assert code_notation(TYPES_BY_KEY["ban_sao_y"], "UBND") == "SY-UBND"


def test_every_type_but_the_official_letter_has_a_unique_abbreviation() -> None:
    without = [t.key for t in DOCUMENT_TYPES if not t.abbreviation]
    abbreviations = [t.abbreviation for t in DOCUMENT_TYPES if t.abbreviation]
    assert without == ["cong_van"]
    assert len(abbreviations) == len(set(abbreviations))
    for abbreviation in [
        "NQ",
        "QĐ",
        "CT",
        "QC",
        "QyĐ",
        "TC",
        "TB",
        "HD",
        "CTr",
        "KH",
        "PA",
        "ĐA",
        "DA",
        "BC",
        "BB",
        "TTr",
        "HĐ",
        "CĐ",
        "BGN",
        "BTT",
        "GUQ",
        "GM",
        "GGT",
        "GNP",
        "PG",
        "PC",
        "PB",
        "SY",
        "TrS",
        "SL",
    ]:
        assert abbreviation in abbreviations


def test_the_document_id_joins_organ_date_and_number_notation() -> None:
    value = edxml_document_id("000.00.09.H58", dt.date(2026, 3, 5), "07", "KH-SXD")
    assert value == "000.00.09.H58,2026/03/05,07/KH-SXD"
    assert parse_edxml_document_id(value) == ("000.00.09.H58", dt.date(2026, 3, 5), "07", "KH-SXD")


@pytest.mark.parametrize(
    "value", ["", "000.00.09.H58", "000.00.09.H58,2026-03-05,07/KH", ",2026/03/05,07/KH"]
)
def test_a_malformed_document_id_is_rejected(value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        parse_edxml_document_id(value)


def test_types_arriving_by_name_or_abbreviation_are_recognised() -> None:
    assert type_by_name("Quyết định") == TYPES_BY_KEY["quyet_dinh"]
    assert type_by_name("kh") == TYPES_BY_KEY["ke_hoach"]
    assert type_by_name("Công văn") == TYPES_BY_KEY["cong_van"]
    assert type_by_name("Thư ngỏ") is None
