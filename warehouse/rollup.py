"""Run the roll-up SQL (rollup.sql) with DuckDB over a period's Parquet facts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from antq.config import Config
from antq.schemas.catalog import Catalog
from antq.schemas.periods import PeriodRules
from antq.schemas.registry import Registry

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


def compute_rollup(
    facts: pa.Table, submissions: pa.Table, period: str, config: Config | None = None
) -> pd.DataFrame:
    """The `rollup` rows of `period` from its facts and submissions."""
    cfg = config or Config.load(period)
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("indicators", _indicators(cfg.catalog))
        con.register("derived", _derived(cfg.catalog))
        con.register("communes", _communes(cfg.registry))
        con.register("deadlines", _deadlines(period, cfg.periods))
        con.register("facts", facts)
        con.register("submissions", submissions)
        frame = con.execute(ROLLUP_SQL.read_text(encoding="utf-8")).df()
    finally:
        con.close()
    return frame
