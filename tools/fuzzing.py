"""Draw layouts from the fuzzer (tests/fuzz_layouts.py, written from the SPEC alone) and
judge what the reader made of each: the test suite and benchmarks/layout_fuzz.py share
this, so a red test and the benchmark's table always count the same thing.

A case is read fully when every figure it reports is read at its cell with its value
and nothing else is stored. Otherwise the file must say why with a finding that names
a cell: `layout-ambiguous` (the reader could not prove a reading), or `unit-ambiguous`
for a commune named without diacritics that two communes share once folded. A value
stored that differs from the truth, or one the truth does not have, is never allowed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # fuzz_layouts


def draw_cases(n: int, seed: int, period: str = "2026-10") -> list:
    """`n` cases of the fuzzer for `seed`, always the same ones."""
    from fuzz_layouts import layout_cases
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    cases: list = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=["generate"],
    )
    @given(layout_cases(period=period))
    def collect(case) -> None:
        cases.append(case)

    collect()
    return cases


@dataclass
class Outcome:
    tags: tuple[str, ...]
    facts: int
    wrong: dict = field(default_factory=dict)  # (unit, indicator) -> (read, truth)
    extra: list = field(default_factory=list)  # read, not in the truth
    missing: list = field(default_factory=list)
    unsure: set = field(default_factory=set)  # units named ambiguously once folded
    errors: list = field(default_factory=list)  # (rule, cell, value)
    warned: list = field(default_factory=list)  # cells of warnings
    ambiguous_expected: bool = False
    required_missing: list = field(default_factory=list)

    @property
    def stored_wrong(self) -> int:
        return len(self.wrong) + len(self.extra)

    @property
    def read_fully(self) -> bool:
        return not self.stored_wrong and not self.missing

    @property
    def explained(self) -> bool:
        """Every figure not read is accounted for by a finding that names a cell."""
        told = {rule for rule, cell, _ in self.errors if cell}
        names = {unit for unit, _ in self.missing} <= self.unsure and (
            not self.unsure or "unit-ambiguous" in told
        )
        return not self.missing or names or bool(told) or bool(self.warned)

    @property
    def false_errors(self) -> list:
        """Errors a well-formed file must never get (all but the two that say what the
        file cannot prove)."""
        return [e for e in self.errors if e[0] not in ("unit-ambiguous", "layout-ambiguous")]


def _folds_to_several(code: str, registry) -> bool:
    from antq.text import fold

    unit = registry.unit(code)
    if unit is None or unit.level != "commune":
        return False
    return registry.match_commune(fold(unit.name), unit.province_code).status == "ambiguous"


def judge(case, config=None) -> Outcome:
    """What the reader makes of one drawn file, against its truth."""
    from antq.config import Config
    from antq.tasks.normalize import FileRef, normalize_workbook
    from antq.tasks.read import read_bytes

    cfg = config or Config.load(case.period)
    ref = FileRef(
        original_path=f"{case.period}/{case.province_code}/{case.file_name}",
        sha256=hashlib.sha256(case.data).hexdigest(),
        province_code=case.province_code,
        period=case.period,
        received_at=dt.datetime(2026, 10, 16, tzinfo=dt.UTC),
    )
    parsed = normalize_workbook(read_bytes(case.data, case.file_name.rsplit(".", 1)[0]), ref, cfg)
    units = {r.index: r.unit_code for r in parsed.reports}
    read = {
        (units[o.report], o.indicator): (o.parsed.value, o.cell)
        for o in parsed.observations
        if o.parsed.value is not None
    }
    expected = {(unit, ind): (value, cell) for unit, ind, value, _sheet, cell in case.facts}
    missing = sorted(set(expected) - set(read))
    month = int(case.period[5:])
    required_missing = []
    for report in parsed.reports:
        if report.kind == "table-total":
            continue  # a table of communes is not asked for the province's own figures
        required = {
            i.code
            for i in cfg.catalog.for_level(report.unit_level)
            if i.is_required(report.unit_level, month)
        }
        present = {ind for (unit, ind) in read if unit == report.unit_code}
        required_missing += sorted(required - present)
    return Outcome(
        tags=tuple(case.tags),
        facts=len(expected),
        wrong={k: (read[k], v) for k, v in expected.items() if k in read and read[k] != v},
        extra=sorted(set(read) - set(expected)),
        missing=missing,
        unsure={u for u, _ in missing if _folds_to_several(u, cfg.registry)},
        # A figure the reader could not take as a number is a `not-a-number` error once
        # validated: counted here, so a figure lost that way is never taken as explained.
        errors=[(f.rule, f.cell, f.value_raw) for f in parsed.findings if f.is_error]
        + [
            ("not-a-number", o.cell, o.value_raw)
            for o in parsed.observations
            if o.parsed.status not in ("ok", "blank")
        ],
        warned=[f.cell for f in parsed.findings if not f.is_error and f.cell],
        ambiguous_expected=bool(getattr(case, "ambiguous", ())),
        required_missing=required_missing,
    )
