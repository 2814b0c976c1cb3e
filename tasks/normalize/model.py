"""Records the normalize stage hands on: reports, observations and the parsed file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from antq.findings import Finding, Where
from antq.schemas.catalog import Level
from antq.tasks.clean import Parsed

Layout = Literal["form", "table"]
ReportKind = Literal["form", "table-row", "table-total"]


@dataclass(frozen=True)
class FileRef:
    """A received file: where it came from and who sent it (the inbox folder's province)."""

    original_path: str  # relative to the inbox, forward slashes
    sha256: str
    province_code: str
    period: str  # the period the run is for
    received_at: dt.datetime
    size: int = 0

    @property
    def file_name(self) -> str:
        return self.original_path.rsplit("/", 1)[-1]

    def where(self, **kwargs: object) -> Where:
        return Where(
            period=self.period,
            province_code=self.province_code,
            original_path=self.original_path,
            sha256=self.sha256,
            **kwargs,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Report:
    """One unit's figures inside a file: a whole form, one table row, or a total row."""

    index: int
    unit_code: str
    unit_level: Level
    unit_name: str
    kind: ReportKind
    sheet: str
    anchor_cell: str  # the cell naming the unit (table rows) or the table's first cell
    # A table's total: every row (column) of figures of its table was read, so the
    # validate stage can check the total against their sum.
    rows_all_read: bool = False


@dataclass(frozen=True)
class Observation:
    """One indicator's cell in one report, blank cells included (blank is not zero)."""

    report: int
    indicator: str
    value_raw: str | None
    parsed: Parsed
    sheet: str
    cell: str


@dataclass
class ParsedFile:
    ref: FileRef
    format: str = "unknown"
    layout: Layout | None = None
    sheet: str | None = None
    unit_code: str | None = None
    unit_level: Level | None = None
    unit_name: str | None = None
    reports: list[Report] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # The template of a form `antq template` made, read by its known layout
    # ("antq-bieu-mau-xa v1"); None for every other file.
    template: str | None = None
    # How the reading was proven (totals found by arithmetic, the column of the month):
    # shown by `antq inspect`, not kept in extracts.
    notes: list[str] = field(default_factory=list, compare=False)
    found_layout: object = field(default=None, compare=False, repr=False)
    # Read from its extract (tasks/extract.py) rather than parsed again.
    reused: bool = field(default=False, compare=False)

    @property
    def rejected(self) -> bool:
        """Nothing of the file is accepted: it has a file-level error and no report.

        A table row naming a commune of another province is a file-level rule too, but
        it only holds back that row: the rest of the table still reports."""
        return not self.reports and any(f.is_error and f.scope == "file" for f in self.findings)
