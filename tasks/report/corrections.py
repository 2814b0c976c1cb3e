"""What a corrected file changed (issue 13, item 4): for each unit that sent a file again
this month, the values that changed from the replaced file to the new one, the findings
the correction fixed and those still open, for its province's report and JSON."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from antq.config import Config
from antq.findings import Finding
from antq.text import format_number


@dataclass(frozen=True)
class Change:
    indicator: str
    label: str
    before: str  # as shown: "12", "(trống)"
    after: str
    before_cell: str | None
    after_cell: str | None


@dataclass(frozen=True)
class Correction:
    """A unit's file replaced by a later one of this month."""

    province_code: str
    unit_code: str
    replaced_path: str
    replaced_at: pd.Timestamp
    new_path: str
    new_at: pd.Timestamp
    changes: tuple[Change, ...]
    fixed: tuple[Finding, ...]  # findings of the replaced file the new one no longer has
    still_open: tuple[Finding, ...]  # findings of the new file

    def record(self) -> dict[str, object]:
        """For the province's JSON report."""
        return {
            "unit_code": self.unit_code,
            "replaced": {"original_path": self.replaced_path, "received_at": str(self.replaced_at)},
            "new": {"original_path": self.new_path, "received_at": str(self.new_at)},
            "changes": [c.__dict__ for c in self.changes],
            "fixed": [f.record() for f in self.fixed],
            "still_open": [f.record() for f in self.still_open],
        }


EMPTY = "(trống)"


def _shown(value: object, raw: object) -> str:
    if isinstance(value, float) and not math.isnan(value):
        return format_number(value)
    text = "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
    return text.strip() or EMPTY


def _values(observations: pd.DataFrame, sha256: str, unit: str) -> dict[str, tuple[str, str]]:
    """indicator -> (value as shown, cell) of one unit in one file."""
    own = observations[
        (observations["source_sha256"] == sha256) & (observations["unit_code"] == unit)
    ]
    return {row.indicator: (_shown(row.value, row.value_raw), row.cell) for row in own.itertuples()}


def _same(a: Finding, b: Finding) -> bool:
    return (a.rule, a.indicator) == (b.rule, b.indicator)


def corrections(
    submissions: pd.DataFrame,
    observations: pd.DataFrame,
    findings: Iterable[Finding],
    config: Config,
) -> dict[str, list[Correction]]:
    """Province -> the corrections of its units this month. `findings`: all of the
    month's (those of replaced files too)."""
    if submissions.empty or observations.empty:
        return {}
    cat = config.catalog
    by_file: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        by_file.setdefault((finding.original_path, finding.sha256), []).append(finding)
    newest = submissions.drop_duplicates("sha256", keep="last").set_index("sha256")
    replaced = submissions[
        submissions["superseded_by"].notna()
        & submissions["unit_code"].notna()
        & submissions["superseded_by"].isin(newest.index)
    ]
    found: dict[str, list[Correction]] = {}
    for old in replaced.sort_values("received_at").itertuples():
        new = newest.loc[old.superseded_by]
        if new["unit_code"] != old.unit_code:
            continue  # replaced by a province's table, not by the unit's own file again
        unit = old.unit_code
        before, after = (
            _values(observations, old.sha256, unit),
            _values(observations, old.superseded_by, unit),
        )
        changes = tuple(
            Change(
                code,
                cat.label(code) if cat.has(code) else code,
                before.get(code, (EMPTY, None))[0],
                after.get(code, (EMPTY, None))[0],
                before.get(code, (None, None))[1],
                after.get(code, (None, None))[1],
            )
            for code in [c for c in cat.codes if c in before or c in after]
            if before.get(code, (EMPTY,))[0] != after.get(code, (EMPTY,))[0]
        )
        open_now = tuple(
            f
            for f in by_file.get((new["original_path"], old.superseded_by), [])
            if f.unit_code in (unit, None)
        )
        fixed = tuple(
            f
            for f in by_file.get((old.original_path, old.sha256), [])
            if f.unit_code in (unit, None) and not any(_same(f, g) for g in open_now)
        )
        found.setdefault(old.province_code, []).append(
            Correction(
                old.province_code,
                unit,
                old.original_path,
                pd.Timestamp(old.received_at),
                str(new["original_path"]),
                pd.Timestamp(new["received_at"]),
                changes,
                fixed,
                open_now,
            )
        )
    return found


__all__ = ["Change", "Correction", "corrections"]
