"""Compare what the pipeline loaded and found with a sample month's ground truth.

A file is read fully correctly when every expected fact of it is in `facts` with its
value and source cell, no fact comes from it that the truth does not expect, and every
expected finding of it is reported at its cell with its rule.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd

from antq.sample.generate import SampleTruth
from antq.tasks.discover import discover
from antq.tasks.intake import intake
from antq.tasks.resolve import resolve
from antq.tasks.validate import validate_month


def run_stages(root: Path, period: str) -> tuple[pd.DataFrame, list]:
    discovery = discover(root / "inbox", period)
    files = [f for group in discovery.files.values() for f in group]
    parsed = intake(files, period, None, workers=0)
    validation = validate_month(parsed)
    resolution = resolve(parsed, validation, set())
    sha_to_path = {p.ref.sha256: p.ref.original_path for p in parsed}
    facts = resolution.facts.assign(
        original_path=resolution.facts["source_sha256"].map(sha_to_path)
    )
    return facts, resolution.findings + discovery.findings


def score_files(truth: SampleTruth, facts: pd.DataFrame, findings: list) -> pd.DataFrame:
    found = {(f.original_path, f.cell, f.rule) for f in findings}
    got = {
        (r.original_path, r.unit_code, r.indicator): (r.value, r.value_text, r.source_cell)
        for r in facts.itertuples()
    }
    expected_by_file = defaultdict(dict)
    for r in truth.facts.itertuples():
        expected_by_file[r.original_path][(r.original_path, r.unit_code, r.indicator)] = (
            r.value,
            r.value_text,
            r.source_cell,
        )
    rows = []
    for f in truth.files.itertuples():
        expected = expected_by_file.get(f.original_path, {})
        actual = {k: v for k, v in got.items() if k[0] == f.original_path}
        wrong = [k for k, v in expected.items() if k not in actual or not _same(actual[k], v)]
        # A value stored that the truth does not have, or has otherwise: never allowed.
        differs = [k for k, v in expected.items() if k in actual and not _same(actual[k], v)]
        extra = [k for k in actual if k not in expected]
        mistakes = truth.findings[truth.findings["original_path"] == f.original_path]
        missed = [
            (m.cell, m.rule)
            for m in mistakes.itertuples()
            if (f.original_path, m.cell if isinstance(m.cell, str) else None, m.rule) not in found
            and not (
                not isinstance(m.cell, str)
                and any(x[0] == f.original_path and x[2] == m.rule for x in found)
            )
        ]
        rows.append(
            {
                "variation": f.variation,
                "format": f.format,
                "file": f.original_path,
                "ok": not wrong and not extra and not missed,
                "wrong": len(wrong),
                "extra": len(extra),
                "stored_wrong": len(differs) + len(extra),
                "missed": len(missed),
                "detail": (wrong[:2], extra[:2], missed[:2]),
            }
        )
    return pd.DataFrame(rows)


def _same(a, b) -> bool:
    va, ta, ca = a
    vb, tb, cb = b
    same_value = (pd.isna(va) and pd.isna(vb)) or va == vb
    same_text = (ta or None) == (tb if isinstance(tb, str) else None)
    return same_value and same_text and ca == cb


_ACROSS_FILES = {"duplicate-submission", "commune-file-differs", "province-total-mismatch"}


def read_each(root: Path, period: str) -> tuple[pd.DataFrame, list]:
    """What each file of an inbox yields on its own: the values it would store (after
    validation holds back what an error names) and its findings, leaving out what only
    comes from comparing files (duplicates, a commune's file against its table row), so
    that files which happen to name the same unit are judged one by one."""
    discovery = discover(root / "inbox", period)
    files = [f for group in discovery.files.values() for f in group]
    parsed = intake(files, period, None, workers=0)
    validation = validate_month(parsed)
    rows = []
    for (report_id, code), obs in validation.observations.items():
        if (report_id, code) in validation.held:
            continue
        if obs.parsed.value is None and obs.parsed.text is None:
            continue
        ref = validation.reports[report_id]
        rows.append(
            {
                "original_path": ref.file.ref.original_path,
                "unit_code": ref.report.unit_code,
                "indicator": code,
                # a category's label stands for its value ("Khá")
                "value": obs.parsed.value if obs.parsed.value is not None else obs.parsed.text,
                "source_cell": obs.cell,
            }
        )
    findings = [f for p in parsed for f in p.findings] + validation.findings
    findings = [f for f in findings + discovery.findings if f.rule not in _ACROSS_FILES]
    return pd.DataFrame(rows), findings


def score_expected(expected: list[dict], facts: pd.DataFrame, findings: list) -> pd.DataFrame:
    """Per file: facts read right, lost, wrong (a value or cell other than the truth's:
    must never happen), extra, and the findings raised, for files described by plain
    records `{"path", "class", "well_formed", "facts": [{unit_code, indicator, value,
    cell}], "ignore_cells"}` (the independent fixtures, the layout fuzzer)."""
    got: dict[str, dict[tuple[str, str], tuple[float, str]]] = defaultdict(dict)
    for r in facts.itertuples():
        got[r.original_path][(r.unit_code, r.indicator)] = (r.value, r.source_cell)
    by_file: dict[str, list] = defaultdict(list)
    for f in findings:
        by_file[f.original_path].append(f)
    rows = []
    for item in expected:
        path = item["path"].removeprefix("inbox/")
        want = {
            (f["unit_code"], f["indicator"]): (
                f["value"] if f["value"] is not None else f.get("value_text"),
                f["cell"],
            )
            for f in item["facts"]
        }
        have = got.get(path, {})
        wrong = [k for k, v in want.items() if k in have and not _same_fact(have[k], v)]
        lost = [k for k in want if k not in have]
        extra = [k for k in have if k not in want]
        errors = [f for f in by_file.get(path, []) if f.severity == "error"]
        warnings = [f for f in by_file.get(path, []) if f.severity == "warning"]
        rows.append(
            {
                "class": item.get("class", ""),
                "file": path,
                "well_formed": item.get("well_formed", True),
                "facts": len(want),
                "right": len(want) - len(wrong) - len(lost),
                "lost": len(lost),
                "wrong": len(wrong),
                "extra": len(extra),
                "errors": len(errors),
                "warnings": len(warnings),
                "read_fully": not wrong and not lost and not extra,
                "lost_units": sorted({unit for unit, _ in lost}),
                "error_rules": sorted({f.rule for f in errors}),
                "detail": (
                    wrong[:3],
                    lost[:3],
                    extra[:3],
                    [(f.rule, f.cell, f.value_raw) for f in errors + warnings][:4],
                ),
            }
        )
    return pd.DataFrame(rows)


def _same_fact(have: tuple[float | str, str], want: tuple[float | str, str]) -> bool:
    if isinstance(have[0], str) or isinstance(want[0], str):
        return have == want
    return float(have[0]) == float(want[0]) and have[1] == want[1]
