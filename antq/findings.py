"""Findings: validation results as data, each carrying where it was found (SPEC §6).

Stages collect findings and return them; they never raise for a bad submission. The
message and the fix come from the rule book (schemas/rules.yaml), filled from the
finding's context, so every message a province reads is written in one place.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields

from antq.schemas.catalog import SEVERITY_VI, Severity, catalog

# Column order of the warehouse `findings` table (SPEC §7), exactly.
FINDING_COLUMNS = (
    "period",
    "province_code",
    "unit_code",
    "original_path",
    "sheet",
    "cell",
    "indicator",
    "value_raw",
    "rule",
    "severity",
    "message",
    "fix",
)


@dataclass(frozen=True)
class Finding:
    period: str
    province_code: str
    unit_code: str | None
    original_path: str
    sheet: str | None
    cell: str | None
    indicator: str | None
    value_raw: str | None
    rule: str
    severity: Severity
    message: str
    fix: str
    # Not warehouse columns: used by the reports and to link a finding to its file.
    unit_name: str | None = field(default=None, compare=False)
    sha256: str | None = field(default=None, compare=False)
    # Other cells the finding is about (the whole a part exceeds, a base): marked too.
    related_cells: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def scope(self) -> str:
        return catalog().rule(self.rule).scope

    def row(self) -> dict[str, object]:
        """The finding as a row of the warehouse `findings` table."""
        data = asdict(self)
        return {name: data[name] for name in FINDING_COLUMNS}

    def record(self) -> dict[str, object]:
        """Every field, for JSON reports."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _Context(dict):
    """Formatting context that fails loudly on a placeholder nobody filled: a message with
    "{cell}" left in it would reach a commune officer."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"rules.yaml placeholder {{{key}}} has no value")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Where:
    """Where a finding points: the file, and inside it the sheet and cell."""

    period: str
    province_code: str
    original_path: str
    sha256: str | None = None
    unit_code: str | None = None
    unit_name: str | None = None
    sheet: str | None = None
    cell: str | None = None


def make_finding(
    rule: str,
    where: Where,
    *,
    indicator: str | None = None,
    value_raw: object = None,
    severity: Severity | None = None,
    **context: object,
) -> Finding:
    """A finding for `rule` at `where`, with its message and fix written from the rule book.

    `context` fills the rule's placeholders; `label` (the indicator's Vietnamese label),
    `cell`, `file_name`, `unit_name` and `value_raw` are filled in automatically.
    """
    rule_def = catalog().rule(rule)
    values = _Context(context)
    values.setdefault("cell", where.cell or "")
    values.setdefault("value_raw", "" if value_raw is None else str(value_raw))
    values.setdefault("unit_name", where.unit_name or "")
    values.setdefault("file_name", where.original_path.rsplit("/", 1)[-1])
    if indicator and catalog().has(indicator):
        values.setdefault("label", catalog().label(indicator))
    return Finding(
        period=where.period,
        province_code=where.province_code,
        unit_code=where.unit_code,
        original_path=where.original_path,
        sheet=where.sheet,
        cell=where.cell,
        indicator=indicator,
        value_raw=None if value_raw is None else str(value_raw),
        rule=rule,
        severity=severity or rule_def.severity,
        message=rule_def.message.format_map(values),
        fix=rule_def.fix.format_map(values),
        unit_name=where.unit_name,
        sha256=where.sha256,
    )


# What a report lists of one file: at most this many findings of each rule and severity;
# the rest are summed up in one finding (rule `more-of-the-same`).
SHOWN_PER_RULE = 200


def capped(findings: Iterable[Finding], per_rule: int = SHOWN_PER_RULE) -> list[Finding]:
    """The findings a report lists: per file, the first `per_rule` of each rule and
    severity, then one finding saying how many more there are ("Và 29.950 lỗi ...")."""
    from antq.text import format_number

    shown: list[Finding] = []
    extra: dict[tuple[str, str | None, str, str], list[Finding]] = {}
    counts: dict[tuple[str, str | None, str, str], int] = {}
    for finding in findings:
        key = (finding.original_path, finding.sha256, finding.rule, finding.severity)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= per_rule:
            shown.append(finding)
        else:
            extra.setdefault(key, []).append(finding)
    for (path, sha256, rule, severity), more in extra.items():
        first = more[0]
        units = {f.unit_code for f in more}
        where = Where(
            first.period,
            first.province_code,
            path,
            sha256,
            unit_code=first.unit_code if len(units) == 1 else None,
            unit_name=first.unit_name if len(units) == 1 else None,
        )
        shown.append(
            make_finding(
                "more-of-the-same",
                where,
                severity=severity,  # type: ignore[arg-type]
                n=format_number(len(more)),
                kind=SEVERITY_VI[severity].lower(),
                title=catalog().rule(rule).title,
                shown=format_number(per_rule),
            )
        )
    return shown


def findings_frame(findings: Iterable[Finding]):  # -> pd.DataFrame
    """The warehouse's `findings` table of these findings, one row each."""
    import pandas as pd

    return pd.DataFrame([f.row() for f in findings], columns=list(FINDING_COLUMNS))


def count_by_severity(findings: Iterable[Finding]) -> Mapping[str, int]:
    counts = {"error": 0, "warning": 0}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def rule_placeholders(rule: str) -> set[str]:
    """The names a stage must give `make_finding` for `rule` (used by a test)."""
    rule_def = catalog().rule(rule)
    return _placeholders(rule_def.message) | _placeholders(rule_def.fix)
