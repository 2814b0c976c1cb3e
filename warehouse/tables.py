"""The warehouse tables (SPEC §7): names, columns and types, exactly.

Tables are Delta Lake tables partitioned by `period`: the files of a month live under
`<table>/period=YYYY-MM/`, and the `period` column is the partition value Delta keeps in
its log (deltalake, DuckDB's delta_scan, Polars and Spark all read it so). It is
therefore not stored inside the files. Read them through Delta, not by listing Parquet
files: a re-run leaves the files it replaced for a while (see `store.KEEP_DAYS`).
"""

from __future__ import annotations

import pyarrow as pa

PARTITION = "period"

SUBMISSIONS = pa.schema(
    [
        ("sha256", pa.string()),
        ("original_path", pa.string()),
        ("province_code", pa.string()),
        ("unit_code", pa.string()),
        ("received_at", pa.timestamp("s", tz="UTC")),
        ("layout", pa.string()),
        ("status", pa.string()),
        ("n_errors", pa.int32()),
        ("n_warnings", pa.int32()),
        ("version", pa.int32()),
        ("superseded_by", pa.string()),
        # The form template a file was read by ("antq-bieu-mau-xa v1"); null otherwise.
        ("template", pa.string()),
    ]
)

FACTS = pa.schema(
    [
        ("unit_code", pa.string()),
        ("unit_level", pa.string()),
        ("province_code", pa.string()),
        ("indicator", pa.string()),
        ("value", pa.float64()),
        ("value_text", pa.string()),
        ("source_sha256", pa.string()),
        ("source_cell", pa.string()),
        # the registry of `unit_code`: "2025", or "legacy" for the units before the July
        # 2025 reform, whose codes the new units reuse for others (null: "2025")
        ("registry", pa.string()),
    ]
)

FINDINGS = pa.schema(
    [
        ("province_code", pa.string()),
        ("unit_code", pa.string()),
        ("original_path", pa.string()),
        ("sheet", pa.string()),
        ("cell", pa.string()),
        ("indicator", pa.string()),
        ("value_raw", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("fix", pa.string()),
    ]
)

ROLLUP = pa.schema(
    [
        ("unit_code", pa.string()),
        ("unit_level", pa.string()),
        ("indicator", pa.string()),
        ("value", pa.float64()),
        ("n_reporting", pa.int32()),
        ("n_expected", pa.int32()),
    ]
)

# Roll-ups over time (warehouse/windows.sql): partitioned by the month a window ends with.
WINDOWS = ("month", "quarter", "ytd", "year")
ROLLUP_WINDOWS = pa.schema(
    [
        ("window", pa.string()),  # month | quarter (so far) | ytd | year (12 months to it)
        ("unit_code", pa.string()),
        ("unit_level", pa.string()),
        ("indicator", pa.string()),
        ("value", pa.float64()),
        ("value_period", pa.string()),  # a stock's: the month its value came from
        ("numerator", pa.float64()),  # a ratio's: the sums it is the ratio of
        ("denominator", pa.float64()),
        ("n_reporting", pa.int32()),  # reports (commune-months) in the window
        ("n_expected", pa.int32()),
        ("n_months", pa.int32()),  # months of the window in the warehouse
        ("prev_value", pa.float64()),  # the same window ending the month before
        ("prev_n_reporting", pa.int32()),
        ("change_prev", pa.float64()),
        ("change_prev_pct", pa.float64()),  # a fraction: 0.12 is +12 %
        ("yoy_value", pa.float64()),  # the same window ending 12 months before
        ("yoy_n_reporting", pa.int32()),
        ("change_yoy", pa.float64()),
        ("change_yoy_pct", pa.float64()),
        # Windows reaching before the July 2025 reform hold figures of the old units,
        # carried to the 2025 provinces: the share of the figure that came from old
        # communes with one certain 2025 successor (the rest: communes split between
        # several new ones, which count in their province but in no new commune). Null
        # when the window has no month before the reform.
        ("mapped_share", pa.float64()),
        ("prev_mapped_share", pa.float64()),
        ("yoy_mapped_share", pa.float64()),
    ]
)

# Months before the July 2025 reform: every old unit of the month's registry and what it
# became (schemas/reform.py), so each figure of the old units can be followed to the new.
UNIT_CROSSWALK = pa.schema(
    [
        ("legacy_code", pa.string()),
        ("legacy_level", pa.string()),  # province | commune
        ("legacy_name", pa.string()),
        ("legacy_district", pa.string()),
        ("legacy_province_code", pa.string()),
        ("status", pa.string()),  # certain | ambiguous | unmapped
        ("successor_code", pa.string()),  # the 2025 unit, when certain
        ("successor_name", pa.string()),
        ("successor_province_code", pa.string()),
        ("candidates", pa.string()),  # a split commune's new communes: "00004,00008"
        ("reported", pa.bool_()),  # the old unit has facts this month
    ]
)

# Not in SPEC §7's list: every cell read, with its sheet and the value as written, so a
# fact or a finding can be traced to the exact place of the exact file (audit trail).
OBSERVATIONS = pa.schema(
    [
        ("source_sha256", pa.string()),
        ("original_path", pa.string()),
        ("province_code", pa.string()),
        ("unit_code", pa.string()),
        ("unit_level", pa.string()),
        ("report_kind", pa.string()),
        ("indicator", pa.string()),
        ("sheet", pa.string()),
        ("cell", pa.string()),
        ("value_raw", pa.string()),
        ("status", pa.string()),
        ("value", pa.float64()),
        ("value_text", pa.string()),
        ("accepted", pa.bool_()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "submissions": SUBMISSIONS,
    "facts": FACTS,
    "findings": FINDINGS,
    "rollup": ROLLUP,
    "observations": OBSERVATIONS,
    "rollup_windows": ROLLUP_WINDOWS,
    "unit_crosswalk": UNIT_CROSSWALK,
}

# The commits of runs, the last table written by each: readers read every table at the
# versions of the last run recorded here (warehouse/store.py). Not partitioned.
RUNS = pa.schema(
    [
        ("run_id", pa.string()),
        ("period", pa.string()),  # the months the run wrote, comma-separated
        ("committed_at", pa.timestamp("us", tz="UTC")),
        ("versions", pa.string()),  # JSON: table -> Delta version
    ]
)
