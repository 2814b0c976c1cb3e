"""Shared by the province reports and the ministry outputs."""

from __future__ import annotations

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
