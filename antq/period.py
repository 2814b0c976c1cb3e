"""Reporting months: the one place where "2026-10" becomes a month that can be counted.

A period is written `YYYY-MM` everywhere in the product (folders, tables, the command
line). Arithmetic on it (the month before, twelve months back, a range for a backfill,
the quarter) and its Vietnamese label live here and nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"(\d{4})-(\d{2})")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"a month is 1 to 12, not {self.month}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-10" -> Period(2026, 10); ValueError on anything else."""
        match = _KEY.fullmatch(text.strip()) if isinstance(text, str) else None
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise ValueError(f"period must look like 2026-10, got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def from_index(cls, index: int) -> Period:
        return cls(index // 12, index % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0: periods as integers, for arithmetic and ranges."""
        return self.year * 12 + self.month - 1

    def shift(self, months: int) -> Period:
        return Period.from_index(self.index + months)

    def previous(self) -> Period:
        return self.shift(-1)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def window(self, kind: str) -> list[Period]:
        """The months of the window of `kind` that ends with this month: "month" (itself),
        "quarter" (its calendar quarter so far), "ytd" (January to it) or "year" (the
        twelve months to it)."""
        first = {
            "month": self,
            "quarter": Period(self.year, 3 * (self.quarter - 1) + 1),
            "ytd": Period(self.year, 1),
            "year": self.shift(-11),
        }[kind]
        return Period.range(first, self)

    @property
    def label_vi(self) -> str:
        """ "tháng 10/2026", as reports write it."""
        return f"tháng {self.month}/{self.year}"

    @staticmethod
    def range(first: Period, last: Period) -> list[Period]:
        """Every month from `first` to `last`, both included, oldest first."""
        return [Period.from_index(i) for i in range(first.index, last.index + 1)]


def previous_period(period: str) -> str:
    """ "2026-01" -> "2025-12"."""
    return str(Period.parse(period).previous())
