"""A1 references: the one place where "D14" and (row 13, column 3) become each other.

Positions are zero-based (row, column) pairs everywhere in the product, as the reader
holds a sheet; findings, truth files and reports write them as A1 references, as Excel
and LibreOffice show them.
"""

from __future__ import annotations

import re
from functools import lru_cache

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_A1 = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@lru_cache(maxsize=4096)
def column_letter(c: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(r: int, c: int) -> str:
    """Zero-based (row, column) to an A1 reference: (13, 3) -> "D14"."""
    return f"{column_letter(c)}{r + 1}"


def parse_a1(ref: str | None) -> tuple[int, int] | None:
    """ "D14" (or "$D$14", "d14") -> (13, 3); None when it is not a plain A1 reference."""
    match = _A1.fullmatch((ref or "").strip())
    if not match:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)) - 1, col - 1


def excel_ref(ref: str | None) -> str | None:
    """ "D14" as Excel writes it, when `ref` is a cell inside Excel's grid; else None."""
    found = parse_a1(ref)
    if found is None or not (0 <= found[0] < EXCEL_ROWS and 0 <= found[1] < EXCEL_COLUMNS):
        return None
    return a1(*found)
