"""Roll-ups over time: the `rollup_windows` rows of the months a run touches, computed
with DuckDB (windows.sql) from the month rows of every month involved.

A month's run changes the windows of later months too: the year to date of every later
month of its year, the twelve months of the next eleven, and what the month after and
the same month a year on are compared with. So a run rebuilds the windows of its own
month and of every month of the warehouse up to twelve after it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.compute as pc

from antq.config import Config
from antq.period import Period
from antq.warehouse.rollup import month_rows_on_current_units
from antq.warehouse.store import Warehouse
from antq.warehouse.tables import PARTITION, ROLLUP_WINDOWS, WINDOWS

WINDOWS_SQL = Path(__file__).with_name("windows.sql")

# A window reaches 11 months back, and is compared with the one ending 12 months before.
_REACH = 23
_AHEAD = 12
_BASE_COLUMNS = [
    "unit_code",
    "unit_level",
    "indicator",
    "value",
    "n_reporting",
    "n_expected",
    "numerator",
    "denominator",
    "mapped_share",
]


def _kinds(config: Config) -> pd.DataFrame:
    catalog = config.catalog
    kind = {ind.code: ind.kind for ind in catalog.indicators}
    rows = [{"indicator": code, "kind": k, "is_ratio": False} for code, k in kind.items()]
    for d in catalog.derived:
        # reporting rates count reports (flows); other ratios follow their numerator
        k = "flow" if d.numerator.startswith("$") else kind[d.numerator]
        rows.append({"indicator": d.code, "kind": k, "is_ratio": True})
    return pd.DataFrame(rows)


def touched(store: Warehouse, period: str) -> list[str]:
    """The months whose windows a run of `period` changes: itself and the months of
    the warehouse up to twelve after it."""
    last = str(Period.parse(period).shift(_AHEAD))
    later = [p for p in store.periods("rollup") if period < p <= last]
    return [period, *later]


def month_rows(store: Warehouse, months: list[str]) -> pd.DataFrame:
    """The month rows (value, counts, and a ratio's numerator and denominator) of the
    `months` in the warehouse, on the 2025 provinces: kept as the `month` window, or,
    for a month committed before windows were kept, computed again from its facts and
    submissions."""
    kept = store.read_months("rollup_windows", months)
    kept = kept[kept["window"] == "month"]
    frames = [kept[["period", *_BASE_COLUMNS]]]
    missing = sorted(set(months) & set(store.periods("rollup")) - set(kept["period"]))
    facts, subs = store.dataset("facts"), store.dataset("submissions")
    for month in missing if facts is not None and subs is not None else []:
        where = pc.field(PARTITION) == month
        frame = month_rows_on_current_units(
            facts.to_table(filter=where).drop_columns([PARTITION]),
            subs.to_table(filter=where).drop_columns([PARTITION]),
            month,
            Config.load(month),
        )
        frame.insert(0, "period", month)
        frames.append(frame[["period", *_BASE_COLUMNS]])
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=["period", *_BASE_COLUMNS])
    return pd.concat(frames, ignore_index=True)


def compute_windows(
    base: pd.DataFrame, targets: list[str], config: Config
) -> dict[str, pd.DataFrame]:
    """The `rollup_windows` rows of each month of `targets`, from the month rows
    `base` (with `period`) of every month the windows and their comparisons reach."""
    spans, compared = [], []
    for target in targets:
        end = Period.parse(target)
        prev, yoy = end.shift(-1), end.shift(-12)
        compared.append({"period": target, "prev_period": str(prev), "yoy_period": str(yoy)})
        for month in (end, prev, yoy):
            for window in WINDOWS:
                spans += [
                    {"period": str(month), "window": window, "month": str(m)}
                    for m in month.window(window)
                ]
    if "mapped_share" not in base.columns:  # month rows of the 2025 units only
        base = base.assign(mapped_share=float("nan"))
    con = duckdb.connect()
    try:
        con.register("base", base)
        con.register("kinds", _kinds(config))
        con.register("spans", pd.DataFrame(spans).drop_duplicates())
        con.register("targets", pd.DataFrame(compared))
        frame = con.execute(WINDOWS_SQL.read_text(encoding="utf-8")).df()
    finally:
        con.close()
    return {
        target: frame[frame["period"] == target][ROLLUP_WINDOWS.names].reset_index(drop=True)
        for target in targets
    }


def windows_of_run(
    store: Warehouse, period: str, rollup: pd.DataFrame, config: Config
) -> dict[str, pd.DataFrame]:
    """The `rollup_windows` rows a run of `period` (whose month rows on the 2025
    provinces are `rollup`) rebuilds: its own month's and those of the later months
    it changes."""
    targets = touched(store, period)
    first = str(Period.parse(period).shift(-_REACH))
    reach = [str(p) for p in Period.range(Period.parse(first), Period.parse(targets[-1]))]
    others = month_rows(store, [m for m in reach if m != period])
    current = rollup.assign(period=period)[["period", *_BASE_COLUMNS]]
    base = pd.concat([others, current], ignore_index=True) if len(others) else current
    return compute_windows(base, targets, config)
