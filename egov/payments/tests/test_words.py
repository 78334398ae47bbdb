"""Amounts in Vietnamese words, checked against how receipts and cheques write them."""

from __future__ import annotations

import pytest

from egov.payments.words import amount_in_words, format_vnd


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (150_000, "Một trăm năm mươi nghìn đồng"),
        (0, "Không đồng"),
        (15, "Mười lăm đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (55, "Năm mươi lăm đồng"),
        (105, "Một trăm linh năm đồng"),
        (110, "Một trăm mười đồng"),
        (2_021, "Hai nghìn không trăm hai mươi mốt đồng"),
        (50_000, "Năm mươi nghìn đồng"),
        (1_005_000, "Một triệu không trăm linh năm nghìn đồng"),
        (1_250_500, "Một triệu hai trăm năm mươi nghìn năm trăm đồng"),
        (12_000_000, "Mười hai triệu đồng"),
        (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
        (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    ],
)
def test_amounts_read_as_vietnamese_receipts_write_them(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_negative_amounts_have_no_words() -> None:
    with pytest.raises(ValueError):
        amount_in_words(-1)


def test_figures_use_dots_between_thousands() -> None:
    assert format_vnd(1_250_500) == "1.250.500 đồng"
