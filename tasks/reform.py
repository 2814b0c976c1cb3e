"""A month before the July 2025 reform: its crosswalk to the new units, and the findings
that flag the old communes whose figures cannot be carried to one new commune."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from antq.config import Config
from antq.findings import Finding, Where, make_finding
from antq.schemas.registry import LEGACY
from antq.warehouse.tables import UNIT_CROSSWALK


def crosswalk_frame(facts: pd.DataFrame, config: Config) -> pd.DataFrame:
    """The `unit_crosswalk` rows of a month: every unit of its registry with what it
    became, and whether it reported. Empty for a month on the 2025 units."""
    if config.registry.edition != LEGACY:
        return pd.DataFrame(columns=UNIT_CROSSWALK.names)
    from antq.schemas.reform import successors

    reported = set(zip(facts["unit_level"], facts["unit_code"], strict=True))
    rows = [
        {
            "legacy_code": s.legacy.code,
            "legacy_level": s.legacy.level,
            "legacy_name": s.legacy.display_name,
            "legacy_district": s.legacy.district or None,
            "legacy_province_code": s.legacy.province_code,
            "status": s.status,
            "successor_code": s.unit.code if s.unit else None,
            "successor_name": s.unit.display_name if s.unit else None,
            "successor_province_code": s.province_code,
            "candidates": ",".join(c.code for c in s.candidates) or None,
            "reported": (s.legacy.level, s.legacy.code) in reported,
        }
        for s in successors().values()
    ]
    return pd.DataFrame(rows, columns=UNIT_CROSSWALK.names)


def successor_findings(
    facts: pd.DataFrame, submissions: pd.DataFrame, period: str, config: Config
) -> list[Finding]:
    """One finding per old commune that reported this month and was split between
    several new communes by the reform: its figures stay with it and its province."""
    if config.registry.edition != LEGACY or facts.empty:
        return []
    from antq.schemas.reform import successor

    reg, current = config.registry, Config.load().registry
    paths = dict(zip(submissions["sha256"], submissions["original_path"], strict=True))
    communes = facts[facts["unit_level"] == "commune"].drop_duplicates("unit_code")
    findings = []
    for row in communes.itertuples():
        unit = reg.communes.get(row.unit_code)
        if unit is None:
            continue
        after = successor(unit)
        if after.status != "ambiguous":
            continue
        province = current.provinces.get(after.province_code or "")
        where = Where(
            period=period,
            province_code=row.province_code,
            original_path=paths.get(row.source_sha256, ""),
            sha256=row.source_sha256,
            unit_code=unit.code,
            unit_name=unit.name,
        )
        findings.append(
            make_finding(
                "successor-ambiguous",
                where,
                district=unit.district,
                n_candidates=len(after.candidates),
                candidates=", ".join(c.name for c in after.candidates),
                province_name=province.display_name if province else "",
            )
        )
    return findings


@dataclass(frozen=True)
class MinistryView:
    """What the ministry's workbook and pages of a month are made from: always the 2025
    provinces, which a month before the reform is carried to (its communes listed under
    the province each went into, its files and findings counted there)."""

    config: Config
    submissions: pd.DataFrame
    findings: list[Finding]
    province_reports: dict[str, Path]


def ministry_view(
    config: Config,
    submissions: pd.DataFrame,
    findings: list[Finding],
    province_reports: dict[str, Path],
) -> MinistryView:
    if config.registry.edition != LEGACY:
        return MinistryView(config, submissions, findings, province_reports)
    from antq.schemas.reform import legacy_by_successor, successor_province

    def province(code: str | None) -> str | None:
        return successor_province("province", code) or code

    moved = submissions.assign(province_code=submissions["province_code"].map(province))
    carried = [replace(f, province_code=province(f.province_code)) for f in findings]
    # A 2025 province made of several old ones links to the report of the one whose
    # code it kept (Tuyên Quang 08 took in Hà Giang 02), or else to the first.
    reports: dict[str, Path] = {}
    for code, path in sorted(province_reports.items()):
        new = province(code)
        if new and (new not in reports or code == new):
            reports[new] = path
    cfg = replace(config, registry=legacy_by_successor())
    return MinistryView(cfg, moved, carried, reports)


__all__ = ["MinistryView", "crosswalk_frame", "ministry_view", "successor_findings"]
