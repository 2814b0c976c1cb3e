"""Shared by the province reports and the ministry outputs."""

from __future__ import annotations

import math

import pandas as pd

from antq.period import Period
from antq.schemas.periods import PeriodRules
from antq.schemas.registry import NATIONAL_CODE, Registry
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


WindowTable = dict[tuple[str, str], dict[str, object]]


def window_table(rollup: pd.DataFrame, windows: pd.DataFrame | None) -> WindowTable:
    """(unit, indicator) -> this month, its year to date, the same month a year before
    and the change from it, with the reports behind both months."""
    table: WindowTable = {}
    for row in rollup.itertuples():
        table[(row.unit_code, row.indicator)] = {
            "month": row.value,
            "n_reporting": row.n_reporting,
            "n_expected": row.n_expected,
        }
    if windows is None or windows.empty:
        return table
    for row in windows[windows["window"].isin(["month", "ytd"])].itertuples():
        entry = table.setdefault((row.unit_code, row.indicator), {})
        if row.window == "ytd":
            entry["ytd"] = row.value
            entry["ytd_mapped_share"] = row.mapped_share
        else:
            entry |= {
                "yoy": row.yoy_value,
                "change_yoy": row.change_yoy,
                "change_yoy_pct": row.change_yoy_pct,
                "yoy_n_reporting": row.yoy_n_reporting,
                "prev": row.prev_value,
                "yoy_mapped_share": row.yoy_mapped_share,
            }
    return table


def reform_note(period: str, table: WindowTable) -> str | None:
    """What a reader must know when a compared figure reaches before the July 2025
    reform: it was reported on the old units and carried to the 2025 provinces."""
    shares = {
        key: [
            float(v)
            for (unit, _), entry in table.items()
            if unit == NATIONAL_CODE and (v := number_or_none(entry.get(key))) is not None
        ]
        for key in ("yoy_mapped_share", "ytd_mapped_share")
    }
    found = shares["yoy_mapped_share"] or shares["ytd_mapped_share"]
    if not found:
        return None
    low, high = percent_text(min(found)), percent_text(max(found))
    share = low if low == high else f"từ {low} đến {high}"
    which = "Cùng kỳ năm trước" if shares["yoy_mapped_share"] else "Luỹ kế năm"
    return (
        f"{which} gồm số liệu báo cáo theo đơn vị hành chính trước ngày 01/7/2025 (63 tỉnh), "
        f"đã quy về tỉnh, thành phố hiện nay: toàn bộ số liệu được tính vào tỉnh mới; "
        f"{share} số liệu đến từ các xã có đúng một xã, phường kế thừa, phần còn lại từ các xã "
        f"đã chia cho nhiều xã mới (không tính vào xã mới nào)."
    )
