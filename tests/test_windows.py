"""Roll-ups over time (rollup_windows): each figure computed again here, independently
of windows.sql, from the month rows the windows are made of."""

from __future__ import annotations

import random

import pandas as pd
import pytest

from antq.config import Config
from antq.period import Period
from antq.warehouse.windows import compute_windows

MONTHS = [str(p) for p in Period.range(Period(2025, 1), Period(2026, 6))]


def _base(seed: int = 7) -> pd.DataFrame:
    """Month rows of province 15 for 18 months: a flow, a stock that is not reported
    in the last two months, and a flow ratio whose months differ in size."""
    rng = random.Random(seed)
    rows = []
    for i, month in enumerate(MONTHS):
        people, sessions = (100.0, 1.0) if i % 2 else (1000.0, 100.0)
        stock = None if month in ("2026-05", "2026-06") else float(40 + i)
        rows += [
            ("nguon_tin", float(rng.randint(0, 50)), 20, 25, None, None),
            ("mo_hinh_tong", stock, 0 if stock is None else 18, 25, None, None),
            ("binh_quan_nguoi_moi_buoi", people / sessions, 20, 25, people, sessions),
        ]
    frame = pd.DataFrame(
        [
            (month, "15", "province", *row)
            for month, block in zip(
                MONTHS, [rows[i : i + 3] for i in range(0, len(rows), 3)], strict=True
            )
            for row in block
        ],
        columns=[
            "period",
            "unit_code",
            "unit_level",
            "indicator",
            "value",
            "n_reporting",
            "n_expected",
            "numerator",
            "denominator",
        ],
    )
    return frame


@pytest.fixture(scope="module")
def windows():
    base = _base()
    return base, compute_windows(base, ["2026-03", "2026-06"], Config.load("2026-06"))


def _row(frame: pd.DataFrame, window: str, indicator: str) -> pd.Series:
    found = frame[(frame["window"] == window) & (frame["indicator"] == indicator)]
    assert len(found) == 1, (window, indicator)
    return found.iloc[0]


def _month(base: pd.DataFrame, month: str, indicator: str) -> pd.Series:
    return base[(base["period"] == month) & (base["indicator"] == indicator)].iloc[0]


def test_flows_add_up_over_the_window(windows):
    base, by_month = windows
    june = by_month["2026-06"]
    flows = base[base["indicator"] == "nguon_tin"].set_index("period")["value"]
    assert _row(june, "month", "nguon_tin")["value"] == flows["2026-06"]
    assert (
        _row(june, "quarter", "nguon_tin")["value"]
        == flows[["2026-04", "2026-05", "2026-06"]].sum()
    )
    ytd = [f"2026-0{m}" for m in range(1, 7)]
    assert _row(june, "ytd", "nguon_tin")["value"] == flows[ytd].sum()
    year = [str(p) for p in Period.range(Period(2025, 7), Period(2026, 6))]
    row = _row(june, "year", "nguon_tin")
    assert row["value"] == flows[year].sum()
    assert (row["n_reporting"], row["n_expected"], row["n_months"]) == (20 * 12, 25 * 12, 12)


def test_a_stock_is_its_last_reported_value_with_its_month(windows):
    base, by_month = windows
    row = _row(by_month["2026-06"], "quarter", "mo_hinh_tong")
    assert row["value"] == _month(base, "2026-04", "mo_hinh_tong")["value"]
    assert row["value_period"] == "2026-04"
    assert row["n_reporting"] == 18  # the communes behind that month's figure
    month = _row(by_month["2026-06"], "month", "mo_hinh_tong")
    assert pd.isna(month["value"]) and pd.isna(month["value_period"])  # blank is not 0


def test_a_ratio_is_the_ratio_of_the_sums_not_the_mean_of_the_ratios(windows):
    base, by_month = windows
    ratio = base[base["indicator"] == "binh_quan_nguoi_moi_buoi"].set_index("period")
    ytd = [f"2026-0{m}" for m in range(1, 7)]
    expected = ratio.loc[ytd, "numerator"].sum() / ratio.loc[ytd, "denominator"].sum()
    mean = ratio.loc[ytd, "value"].mean()
    row = _row(by_month["2026-06"], "ytd", "binh_quan_nguoi_moi_buoi")
    assert row["value"] == pytest.approx(expected)
    assert abs(expected - mean) > 10  # the case tells the two apart
    assert row["numerator"] == ratio.loc[ytd, "numerator"].sum()


def test_change_from_the_month_before_and_from_the_same_month_a_year_before(windows):
    base, by_month = windows
    flows = base[base["indicator"] == "nguon_tin"].set_index("period")["value"]
    row = _row(by_month["2026-03"], "month", "nguon_tin")
    assert row["prev_value"] == flows["2026-02"]
    assert row["change_prev"] == flows["2026-03"] - flows["2026-02"]
    assert row["yoy_value"] == flows["2025-03"]
    assert row["change_yoy"] == flows["2026-03"] - flows["2025-03"]
    if flows["2025-03"]:
        assert row["change_yoy_pct"] == pytest.approx(
            (flows["2026-03"] - flows["2025-03"]) / flows["2025-03"]
        )
    assert (row["yoy_n_reporting"], row["prev_n_reporting"]) == (20, 20)
    ytd = _row(by_month["2026-03"], "ytd", "nguon_tin")
    assert ytd["yoy_value"] == flows[["2025-01", "2025-02", "2025-03"]].sum()
    assert ytd["prev_value"] == flows[["2026-01", "2026-02"]].sum()


def test_a_window_is_not_compared_with_one_the_warehouse_has_only_part_of(windows):
    _, by_month = windows
    row = _row(by_month["2026-03"], "year", "nguon_tin")
    assert row["n_months"] == 12 and not pd.isna(row["prev_value"])
    assert pd.isna(row["yoy_value"])  # 2024-04 .. 2025-03: the warehouse has 3 of them
    assert _row(by_month["2026-03"], "ytd", "nguon_tin")["yoy_value"] > 0  # it has all 3
