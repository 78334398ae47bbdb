"""Amounts of money in Vietnamese words, as written on receipts: "Một trăm năm mươi nghìn đồng".

Rules of the written language: digits are read in groups of three (đơn vị, nghìn, triệu, tỷ;
after tỷ the cycle repeats: nghìn tỷ, triệu tỷ); inside a group that is not the leading one,
an empty hundreds place is read "không trăm" and an empty tens place before a units digit
"linh"; "mười" for a ten, "mươi" from twenty; units after a tens digit ≥ 2 read "mốt" for 1
and "tư" for 4, and after any tens digit "lăm" for 5.
"""

from __future__ import annotations

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
GROUP_NAMES = ["", "nghìn", "triệu"]


def _group(number: int, *, leading: bool) -> list[str]:
    hundreds, tens, units = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds or not leading:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units == 1 and tens >= 2:
        words.append("mốt")
    elif units == 4 and tens >= 2:
        words.append("tư")
    elif units == 5 and tens >= 1:
        words.append("lăm")
    elif units:
        words.append(DIGITS[units])
    return words


def number_in_words(number: int) -> str:
    if number < 0:
        raise ValueError("negative amounts have no words on a receipt")
    if number == 0:
        return DIGITS[0]
    # Split into billions (tỷ), each read on its own, and the part below a billion.
    billions, rest = divmod(number, 1_000_000_000)
    words: list[str] = []
    if billions:
        words += [number_in_words(billions), "tỷ"]
    groups = [rest // 1_000_000, rest // 1000 % 1000, rest % 1000]
    for index, group in enumerate(groups):
        if not group:
            continue
        words += _group(group, leading=not words)
        name = GROUP_NAMES[2 - index]
        if name:
            words.append(name)
    return " ".join(words)


def amount_in_words(amount: int) -> str:
    """``150000`` -> ``"Một trăm năm mươi nghìn đồng"``."""
    text = f"{number_in_words(amount)} đồng"
    return text[0].upper() + text[1:]


def format_vnd(amount: int) -> str:
    """``150000`` -> ``"150.000 đồng"`` (Vietnamese digit grouping)."""
    return f"{amount:,}".replace(",", ".") + " đồng"
