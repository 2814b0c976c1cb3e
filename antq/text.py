"""Text folding shared by label, unit-name and period matching.

Vietnamese files write the same words with and without diacritics, in any case, with
"đ" or "d", in NFC or NFD: everything is compared in one folded form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def without_marks(text: str) -> str:
    """Lower case without diacritics, punctuation kept: "Tháng 10/2026" -> "thang 10/2026"."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "d").replace("đ", "d").lower())
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Phường Hoàn Kiếm" -> "phuong hoan kiem"."""
    return _NON_ALNUM.sub(" ", without_marks(text)).strip()


@lru_cache(maxsize=65536)
def fold_keep_marks(text: str) -> str:
    """Like `fold` but keeps diacritics: tells "Văn Lang" from "Vân Lăng"."""
    lowered = unicodedata.normalize("NFC", text).lower()
    return re.sub(r"[^\w]+", " ", lowered).replace("_", " ").strip()


def cell_text(value: object) -> str:
    """The text of a cell as a person reads it ("" for empty cells)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def format_number(value: float | None) -> str:
    """A number as a Vietnamese reader writes it: 1.231.883 and 0,75."""
    if value is None:
        return ""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
