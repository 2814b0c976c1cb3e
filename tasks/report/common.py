"""Shared by the province reports and the ministry outputs."""

from __future__ import annotations

import math

from antq.period import Period
from antq.schemas.periods import PeriodRules
from antq.schemas.registry import Registry
from antq.text import fold


def slug(text: str) -> str:
    """ "Thành phố Hà Nội" -> "thanh-pho-ha-noi" (safe in any file system)."""
    return fold(text).replace(" ", "-")[:60].strip("-") or "x"


def vi_period(period: str) -> str:
    """ "2026-10" -> "tháng 10/2026"."""
    return Period.parse(period).label_vi


def window_line(period: str, rules: PeriodRules) -> str:
    start, end = rules.window(period)
    return f"Số liệu từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def province_title(code: str, reg: Registry) -> str:
    return reg.provinces[code].display_name


def number_or_none(value: object) -> float | None:
    """A table cell's number, or None for a missing one (None, NaN, pandas' NA)."""
    if value is None or type(value).__name__ == "NAType":
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def percent_text(value: float | None) -> str:
    """0.232 -> "23,2 %", 0.95 -> "95 %", None -> "—"."""
    if value is None:
        return "—"
    number = round(value * 100, 1)
    text = f"{number:.0f}" if number == int(number) else f"{number:.1f}".replace(".", ",")
    return f"{text} %"


# How far under its target a rate is still "near" it: yellow, not red.
NEAR_TARGET = 0.15


def grade(value: float | None, target: float | None) -> str:
    """A rate against its target: "good" (met), "low" (less than NEAR_TARGET under),
    "bad" (further under), "" when either is missing."""
    if value is None or target is None:
        return ""
    if value >= target:
        return "good"
    return "low" if value >= target - NEAR_TARGET else "bad"
