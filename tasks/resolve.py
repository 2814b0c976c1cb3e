"""Resolve stage: from validated reports to the month's submissions and facts.

- A file with a file-level error is `rejected`; every other file is `accepted`, with
  the values its errors name held back.
- Versions: files of one unit (and layout) are ordered by arrival; the newest accepted
  one wins and the older ones are `superseded_by` it. Two different new files for one unit
  in one run are also a `duplicate-submission` warning.
- A commune's figures come from its own file when it sent one, else from its row in the
  province's table (SPEC §5): the report the validate stage chose (`Validation.winners`),
  with the values its errors named held back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from antq.config import Config
from antq.findings import Finding, make_finding
from antq.tasks.normalize import ParsedFile
from antq.tasks.validate import Validation, fact_cells, fact_value
from antq.warehouse.tables import FACTS, OBSERVATIONS, SUBMISSIONS


@dataclass
class Resolution:
    submissions: pd.DataFrame
    facts: pd.DataFrame
    observations: pd.DataFrame
    findings: list[Finding] = field(default_factory=list)
    # unit code -> report id of the report its facts come from
    winners: dict[str, int] = field(default_factory=dict)


def _chains(files: list[ParsedFile]) -> dict[tuple[str, str], list[ParsedFile]]:
    """Files of one unit and layout, oldest first: the versions of that unit's report."""
    chains: dict[tuple[str, str], list[ParsedFile]] = defaultdict(list)
    for parsed in files:
        if parsed.unit_code:
            chains[(parsed.unit_code, parsed.layout or "")].append(parsed)
    for chain in chains.values():
        chain.sort(key=lambda p: (p.ref.received_at, p.ref.original_path))
    return chains


@dataclass(frozen=True)
class Version:
    number: int
    superseded_by: str | None


def _versions(
    files: list[ParsedFile],
    validation: Validation,
    competitions: tuple[dict[str, list[int]], dict[str, list[int]]],
    known: set[str],
) -> tuple[dict[int, Version], list[Finding]]:
    """Version number of each file among its unit's files (a table counts among its
    province's tables), the newer file that replaced it whole, and duplicate warnings
    for two new files of one unit in one run."""
    numbers: dict[int, int] = {}
    for chain in _chains(files).values():
        for number, parsed in enumerate(chain, start=1):
            numbers[id(parsed)] = number
    beaten_by: dict[int, set[str]] = defaultdict(set)  # file -> files whose reports beat it
    kept: dict[int, bool] = defaultdict(bool)  # file -> some report of it won
    duplicates: dict[int, tuple[ParsedFile, int]] = {}
    for groups in competitions:
        for group in groups.values():
            newest = validation.reports[group[-1]].file
            kept[id(newest)] = True
            fresh = [
                validation.reports[rid].file
                for rid in group
                if validation.reports[rid].file.ref.sha256 not in known
            ]
            distinct = {p.ref.sha256 for p in fresh}
            for rid in group[:-1]:
                loser = validation.reports[rid].file
                if loser is not newest:
                    beaten_by[id(loser)].add(newest.ref.sha256)
                if len(distinct) > 1 and loser in fresh and loser.ref.sha256 != newest.ref.sha256:
                    duplicates[id(loser)] = (newest, len(distinct))
    newest_own = {
        unit: validation.reports[group[-1]].file for unit, group in competitions[0].items()
    }
    versions = {}
    for parsed in files:
        superseded = None
        if parsed.rejected and parsed.unit_code in newest_own:
            winner = newest_own[parsed.unit_code]
            if winner.ref.received_at >= parsed.ref.received_at:
                superseded = winner.ref.sha256
        elif not kept[id(parsed)] and len(beaten_by[id(parsed)]) == 1:
            superseded = next(iter(beaten_by[id(parsed)]))
        versions[id(parsed)] = Version(numbers.get(id(parsed), 1), superseded)
    findings = [
        make_finding(
            "duplicate-submission",
            parsed.ref.where(unit_code=parsed.unit_code, unit_name=parsed.unit_name),
            count=count,
            period=parsed.ref.period,
            kept=newest.ref.file_name,
        )
        for parsed, (newest, count) in (
            (p, duplicates[id(p)]) for p in files if id(p) in duplicates
        )
    ]
    return versions, findings


def _facts(validation: Validation, cfg: Config) -> pd.DataFrame:
    rows = []
    for unit, report_id, code, obs, (value, text) in fact_cells(validation, cfg.catalog.codes):
        ref = validation.reports[report_id]
        rows.append(
            {
                "unit_code": unit,
                "unit_level": ref.report.unit_level,
                "province_code": ref.file.ref.province_code,
                "indicator": code,
                "value": np.nan if value is None else value,
                "value_text": text,
                "source_sha256": ref.file.ref.sha256,
                "source_cell": obs.cell,
                "registry": cfg.registry.edition,
            }
        )
    return pd.DataFrame(rows, columns=FACTS.names).astype({"value": "float64"})


def _observations(validation: Validation, winners: dict[str, int]) -> pd.DataFrame:
    winning = set(winners.values())
    rows = []
    for (report_id, code), obs in validation.observations.items():
        ref = validation.reports[report_id]
        rows.append(
            {
                "source_sha256": ref.file.ref.sha256,
                "original_path": ref.file.ref.original_path,
                "province_code": ref.file.ref.province_code,
                "unit_code": ref.report.unit_code,
                "unit_level": ref.report.unit_level,
                "report_kind": ref.report.kind,
                "indicator": code,
                "sheet": obs.sheet,
                "cell": obs.cell,
                "value_raw": obs.value_raw,
                "status": obs.parsed.status,
                "value": obs.parsed.value,
                "value_text": obs.parsed.text,
                "accepted": report_id in winning
                and (report_id, code) not in validation.held
                and fact_value(obs) is not None,
            }
        )
    return pd.DataFrame(rows, columns=OBSERVATIONS.names).astype({"value": "float64"})


def _submissions(
    files: list[ParsedFile], versions: dict[int, Version], findings: list[Finding]
) -> pd.DataFrame:
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"error": 0, "warning": 0})
    for finding in findings:
        counts[(finding.original_path, finding.sha256 or "")][finding.severity] += 1
    rows = []
    for parsed in files:
        version = versions[id(parsed)]
        count = counts[(parsed.ref.original_path, parsed.ref.sha256)]
        rows.append(
            {
                "sha256": parsed.ref.sha256,
                "original_path": parsed.ref.original_path,
                "province_code": parsed.ref.province_code,
                "unit_code": parsed.unit_code,
                "received_at": parsed.ref.received_at,
                "layout": parsed.layout,
                "status": "rejected" if parsed.rejected else "accepted",
                "n_errors": count["error"],
                "n_warnings": count["warning"],
                "version": version.number,
                "superseded_by": version.superseded_by,
                "template": parsed.template,
            }
        )
    return pd.DataFrame(rows, columns=SUBMISSIONS.names)


def open_findings(findings: list[Finding], submissions: pd.DataFrame) -> list[Finding]:
    """The findings still to act on: not those of a version a newer one replaced (the
    warehouse keeps them; a province is not asked to fix a file it has already corrected)."""
    if submissions.empty:
        return list(findings)
    replaced = submissions[submissions["superseded_by"].notna()]
    gone = set(zip(replaced["original_path"], replaced["sha256"], strict=True))
    return [f for f in findings if (f.original_path, f.sha256) not in gone]


def resolve(
    files: list[ParsedFile],
    validation: Validation,
    known_sha256: set[str],
    config: Config | None = None,
) -> Resolution:
    """Submissions, facts and the last findings of the month."""
    cfg = config or Config.load()
    winners = validation.winners
    competitions = (validation.own, validation.rows)
    versions, duplicate_findings = _versions(files, validation, competitions, known_sha256)
    facts = _facts(validation, cfg)
    findings = (
        [f for parsed in files for f in parsed.findings] + validation.findings + duplicate_findings
    )
    return Resolution(
        submissions=_submissions(files, versions, findings),
        facts=facts,
        observations=_observations(validation, winners),
        findings=findings,
        winners=winners,
    )
