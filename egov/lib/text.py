"""Text helpers for Vietnamese: folding diacritics for search, masking names."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case text without diacritics: "Giấy phép Xây dựng" -> "giay phep xay dung".

    NFKD separates most marks from their letters; đ/Đ is a letter of its own and is mapped by hand.
    """
    decomposed = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def mask_name(full_name: str) -> str:
    """Keep the given name (the last word, as Vietnamese names go) and initials of the others.

    "Nguyễn Văn An" -> "N. V. An". Used where a name is shown to the public.
    """
    words = full_name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][0] + "***"
    return " ".join([*(f"{word[0]}." for word in words[:-1]), words[-1]])
