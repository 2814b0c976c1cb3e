"""Findings: validation results as data, each carrying where it was found (SPEC §6).

Stages collect findings and return them; they never raise for a bad submission. The
message and the fix come from the rule book (schemas/rules.yaml), filled from the
finding's context, so every message a province reads is written in one place.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields

from antq.schemas.catalog import Severity, catalog

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


def count_by_severity(findings: Iterable[Finding]) -> Mapping[str, int]:
    counts = {"error": 0, "warning": 0}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def rule_placeholders(rule: str) -> set[str]:
    """The names a stage must give `make_finding` for `rule` (used by a test)."""
    rule_def = catalog().rule(rule)
    return _placeholders(rule_def.message) | _placeholders(rule_def.fix)
