"""Run the roll-up SQL (rollup.sql) with DuckDB over a period's Parquet facts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from antq.config import Config
from antq.schemas.catalog import Catalog
from antq.schemas.periods import PeriodRules
from antq.schemas.registry import LEGACY, Registry

ROLLUP_SQL = Path(__file__).with_name("rollup.sql")
NATIONAL = "VN"


def _indicators(cat: Catalog) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "code": ind.code,
                "value_type": ind.value_type,
                "reported_by_commune": "commune" in ind.levels,
                "province_only": ind.province_only,
            }
            for ind in cat.indicators
        ]
    )


def _derived(cat: Catalog) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"code": d.code, "numerator": d.numerator, "denominator": d.denominator}
            for d in cat.derived
        ]
    )


def _communes(reg: Registry) -> pd.DataFrame:
    return pd.DataFrame(
        [{"unit_code": u.code, "province_code": u.province_code} for u in reg.communes.values()]
    )


def _deadlines(period: str, rules: PeriodRules) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"level": level, "deadline": rules.deadline(period, level)}  # type: ignore[arg-type]
            for level in ("commune", "province")
        ]
    )


def _provinces(reg: Registry) -> pd.DataFrame:
    return pd.DataFrame([{"province_code": code, "n_units": 1} for code in reg.provinces])


def _run(
    facts: pa.Table,
    submissions: pa.Table,
    period: str,
    cfg: Config,
    communes: pd.DataFrame,
    provinces: pd.DataFrame,
) -> pd.DataFrame:
    if "certain" not in facts.column_names:
        facts = facts.append_column("certain", pa.repeat(True, len(facts)))
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("indicators", _indicators(cfg.catalog))
        con.register("derived", _derived(cfg.catalog))
        con.register("communes", communes)
        con.register("provinces", provinces)
        con.register("deadlines", _deadlines(period, cfg.periods))
        con.register("facts", facts)
        con.register("submissions", submissions)
        frame = con.execute(ROLLUP_SQL.read_text(encoding="utf-8")).df()
    finally:
        con.close()
    return frame


def compute_rollup(
    facts: pa.Table, submissions: pa.Table, period: str, config: Config | None = None
) -> pd.DataFrame:
    """The `rollup` rows of `period` from its facts and submissions, on the units the
    month was reported on."""
    cfg = config or Config.load(period)
    frame = _run(facts, submissions, period, cfg, _communes(cfg.registry), _provinces(cfg.registry))
    frame["mapped_share"] = float("nan")  # nothing was carried to other units (a null)
    return frame


def month_rows_on_current_units(
    facts: pa.Table, submissions: pa.Table, period: str, config: Config | None = None
) -> pd.DataFrame:
    """The month rows of `period` on the 2025 provinces, which every window and its
    comparisons are kept on. A month after the reform is its `rollup`; one before has
    the figures of its 63 provinces carried to the province each went into, with the
    share of each figure whose old communes have one certain successor (`mapped_share`).
    """
    cfg = config or Config.load(period)
    if cfg.registry.edition != LEGACY:
        return compute_rollup(facts, submissions, period, cfg)
    from antq.schemas.reform import successors

    found = successors()
    frame = facts.to_pandas()
    commune = frame["unit_level"] == "commune"
    keys = frame["unit_level"] + ":" + frame["unit_code"]
    province_of = {k: s.province_code for k, s in found.items()}
    frame["certain"] = [not c or found[k].certain for k, c in zip(keys, commune, strict=True)]
    frame["province_code"] = keys.map(lambda k: province_of.get(k))
    frame.loc[~commune, "unit_code"] = frame.loc[~commune, "province_code"]
    frame = frame[frame["province_code"].notna()]  # none: every old unit has a province
    communes = pd.DataFrame(
        [
            {"unit_code": s.legacy.code, "province_code": s.province_code}
            for k, s in found.items()
            if k.startswith("commune:") and s.province_code
        ]
    )
    provinces = (
        pd.DataFrame([s.province_code for k, s in found.items() if k.startswith("province:")])
        .value_counts()
        .rename("n_units")
        .reset_index()
    )
    provinces.columns = ["province_code", "n_units"]
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return _run(table, submissions, period, cfg, communes, provinces)
