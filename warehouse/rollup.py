"""Run the roll-up SQL (rollup.sql) with DuckDB over a period's Parquet facts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from antq.schemas.catalog import catalog
from antq.schemas.periods import period_rules
from antq.schemas.registry import registry

ROLLUP_SQL = Path(__file__).with_name("rollup.sql")
NATIONAL = "VN"


def _indicators() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "code": ind.code,
                "value_type": ind.value_type,
                "reported_by_commune": "commune" in ind.levels,
                "province_only": ind.province_only,
            }
            for ind in catalog().indicators
        ]
    )


def _derived() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"code": d.code, "numerator": d.numerator, "denominator": d.denominator}
            for d in catalog().derived
        ]
    )


def _communes() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"unit_code": u.code, "province_code": u.province_code}
            for u in registry().communes.values()
        ]
    )


def _deadlines(period: str) -> pd.DataFrame:
    rules = period_rules()
    return pd.DataFrame(
        [
            {"level": level, "deadline": rules.deadline(period, level)}  # type: ignore[arg-type]
            for level in ("commune", "province")
        ]
    )


def compute_rollup(facts_path: Path, submissions_path: Path, period: str) -> pd.DataFrame:
    """The `rollup` rows of `period` from its facts and submissions Parquet files."""
    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.register("indicators", _indicators())
        con.register("derived", _derived())
        con.register("communes", _communes())
        con.register("deadlines", _deadlines(period))
        con.execute(f"CREATE VIEW facts AS SELECT * FROM read_parquet('{_sql_path(facts_path)}')")
        con.execute(
            f"CREATE VIEW submissions AS SELECT * FROM read_parquet('{_sql_path(submissions_path)}')"
        )
        frame = con.execute(ROLLUP_SQL.read_text(encoding="utf-8")).df()
    finally:
        con.close()
    return frame


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
