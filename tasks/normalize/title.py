"""Who reports and for which month: read from a report's title block, sheet and file names.

The unit (SPEC §2): a code wins over a name; a name is matched inside the submitting
province first; a name or code that belongs to another province is reported as such, never
filed under it. The period (SPEC §3): the title block first, then a date cell, the sheet
name, the file name and the folders.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from antq.cells import a1
from antq.schemas.layouts import Layouts
from antq.schemas.periods import PeriodRules
from antq.schemas.registry import Registry, Unit, normalize_code
from antq.tasks.clean import WrittenPeriod, find_periods, find_window, period_of_date
from antq.tasks.read import Formula, Sheet
from antq.text import cell_text, fold

if TYPE_CHECKING:
    from antq.config import Config

UnitStatus = Literal["ok", "unknown", "ambiguous", "other-province"]

_COMMUNE_LINE = re.compile(
    r"^(?:(?:cong an|ca|ubnd|uy ban nhan dan)\s+)?(?:xa|phuong|dac khu|thi tran|p|x)\s+\S"
)
_PROVINCE_LINE = re.compile(
    r"^(?:(?:cong an|ca|ubnd|uy ban nhan dan)\s+)(?:tinh|thanh pho|tp)\s+\S"
)
_CODE_IN_TEXT = re.compile(r"\bma(?:\s+(?:don vi|dv|xa|phuong|so|dvhc))?\s+(?P<code>\d{1,5})\b")


@dataclass(frozen=True)
class UnitFinding:
    status: UnitStatus
    unit: Unit | None = None
    written: str = ""
    cell: str | None = None
    candidates: tuple[Unit, ...] = ()


@dataclass(frozen=True)
class TitleCell:
    row: int  # -1: text above an HTML table, with no cell of its own
    col: int
    text: str
    value: object

    @property
    def ref(self) -> str | None:
        return a1(self.row, self.col) if self.row >= 0 else None


def title_cells(sheet: Sheet, end_row: int) -> list[TitleCell]:
    """Every non-empty cell above the report's table, then text printed above an HTML
    table (row -1: it has no cell)."""
    cells = []
    for r in range(min(end_row, sheet.n_rows)):
        for c, value in enumerate(sheet.rows[r]):
            if value is not None and not isinstance(value, Formula):
                cells.append(TitleCell(r, c, cell_text(value), value))
    return cells + [TitleCell(-1, -1, text, text) for text in sheet.preamble]


def looks_like_unit_name(text: str) -> bool:
    """ "Xã Tân Thành", "P. Hoàn Kiếm", "Công an phường …": written as a unit's name."""
    return bool(_COMMUNE_LINE.match(fold(text)))


def _strip_unit_prefix(text: str, lay: Layouts) -> str:
    """ "Đơn vị báo cáo: Xã Tân Thành" -> "Xã Tân Thành"."""
    if ":" in text:
        head, tail = text.split(":", 1)
        if lay.unit_line_prefixes.equals(head):
            return tail.strip()
    return text.strip()


def _code_cells(cells: list[TitleCell], lay: Layouts) -> list[tuple[str, str]]:
    """(written code, cell) from "Mã đơn vị: 00070", or a code label followed by a cell."""
    found = []
    by_pos = {(c.row, c.col): c for c in cells}
    for cell in cells:
        folded = fold(cell.text)
        match = _CODE_IN_TEXT.search(folded)
        if match and folded.startswith("ma"):
            found.append((match.group("code"), cell.ref))
            continue
        if lay.code_labels.equals(cell.text.rstrip(": ")):
            for dc in (1, 2):
                neighbour = by_pos.get((cell.row, cell.col + dc))
                if neighbour and normalize_code(neighbour.value, 5):
                    found.append((neighbour.text, a1(neighbour.row, neighbour.col)))
                    break
    return found


def _resolve_code(registry: Registry, written: str, cell: str, province: str) -> UnitFinding:
    """A written code: a commune of the submitting province, the province itself ("04" in
    Cao Bằng's own form, though "4" is also a ward of Hà Nội), or a unit elsewhere."""
    commune = registry.commune_by_code(written)
    if commune is not None and commune.province_code == province:
        return UnitFinding("ok", commune, written, cell)
    if normalize_code(written, 2) == province:
        return UnitFinding("ok", registry.provinces[province], written, cell)
    if commune is not None:
        return UnitFinding("other-province", commune, written, cell)
    return UnitFinding("unknown", None, written, cell)


def resolve_commune_name(
    registry: Registry, written: str, cell: str | None, province: str, marks: bool | None = None
) -> UnitFinding:
    """A commune named in a file of `province`: inside it, or known to be elsewhere.
    `marks`: whether the file is typed with diacritics (see Registry.match_commune)."""
    match = registry.match_commune(written, province, marks)
    if match.status == "ok":
        return UnitFinding("ok", match.unit, written, cell)
    if match.status == "ambiguous":
        return UnitFinding("ambiguous", None, written, cell, match.candidates)
    elsewhere = registry.match_commune(written, None, marks)
    if elsewhere.status == "ok":
        return UnitFinding("other-province", elsewhere.unit, written, cell)
    return UnitFinding("unknown", None, written, cell)


def find_form_unit(
    cfg: Config,
    cells: list[TitleCell],
    province: str,
    file_stem: str,
    marks: bool | None = None,
) -> UnitFinding:
    """The unit a form reports for; a province's own form names no commune."""
    registry = cfg.registry
    codes = _code_cells(cells, cfg.layouts)
    if codes:
        return _resolve_code(registry, *codes[0], province)
    commune_lines, province_lines = [], []
    for cell in cells:
        text = _strip_unit_prefix(cell.text, cfg.layouts)
        folded = fold(text)
        if _COMMUNE_LINE.match(folded):
            commune_lines.append((text, cell.ref))
        elif _PROVINCE_LINE.match(folded):
            province_lines.append((text, cell.ref))
    for text, cell in commune_lines:
        found = resolve_commune_name(registry, text, cell, province, marks)
        if found.status == "ok":
            return found
    if commune_lines:
        text, cell = commune_lines[0]
        return resolve_commune_name(registry, text, cell, province, marks)
    from_name = _unit_from_file_name(registry, file_stem, province)
    if from_name is not None:
        return from_name
    for text, cell in province_lines:
        match = registry.match_province(text)
        if match.status == "ok" and match.unit is not None:
            status: UnitStatus = "ok" if match.unit.code == province else "other-province"
            return UnitFinding(status, match.unit, text, cell)
    return UnitFinding("unknown", None, "", None)


def _unit_from_file_name(registry: Registry, stem: str, province: str) -> UnitFinding | None:
    """ "BC T10-2026 xa Tan Thanh" names its commune; only a sure match is used."""
    folded = fold(stem)
    match = re.search(r"(?:^| )((?:xa|phuong|dac khu|thi tran) .+)$", folded)
    if not match:
        return None
    words = match.group(1).split()
    # Drop trailing words that are not part of a name ("bao cao", "t10", "2026").
    for end in range(len(words), 1, -1):
        candidate = " ".join(words[:end])
        found = registry.match_commune(candidate, province)
        if found.status == "ok":
            return UnitFinding("ok", found.unit, stem, None)
    return None


# ---------------------------------------------------------------------------- period


@dataclass(frozen=True)
class PeriodFinding:
    period: WrittenPeriod | None
    source: str  # "title", "date-cell", "sheet", "file", "folder", ""
    cell: str | None = None
    written: str = ""


def find_period(
    cells: list[TitleCell], sheet_name: str, original_path: str, rules: PeriodRules
) -> PeriodFinding:
    """The month a report is for, from the most specific place that names one. A title
    giving the data window ("từ ngày 15/9/2026 đến ngày 14/10/2026") names the month
    whose window it is (`rules`), never the month its first date falls in."""
    for cell in cells:
        if isinstance(cell.value, str):
            window = find_window(cell.value)
            if window is not None:
                period = rules.period_of_window(*window)
                if period is not None:
                    year, month = (int(x) for x in period.split("-"))
                    return PeriodFinding(WrittenPeriod(year, month), "window", cell.ref, cell.text)
                continue  # a span that is no month's window names no month
            periods = find_periods(cell.value)
            if periods:
                return PeriodFinding(periods[0], "title", cell.ref, cell.text)
    for cell in cells:
        if isinstance(cell.value, dt.date):
            return PeriodFinding(period_of_date(cell.value), "date-cell", cell.ref, cell.text)
    periods = find_periods(sheet_name)
    if periods:
        return PeriodFinding(periods[0], "sheet", None, sheet_name)
    parts = original_path.split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    periods = find_periods(stem)
    if periods:
        return PeriodFinding(periods[0], "file", None, parts[-1])
    for folder in reversed(parts[:-1]):
        periods = find_periods(folder)
        if periods:
            return PeriodFinding(periods[0], "folder", None, folder)
    return PeriodFinding(None, "")


_MARKED = re.compile(r"[\u00c0-\u1ef9]")


def writes_marks(sheet: Sheet) -> bool:
    """Whether whoever typed the sheet types Vietnamese diacritics (its text has some)."""
    for row in sheet.rows[:200]:
        for value in row:
            if isinstance(value, str) and _MARKED.search(value):
                return True
    return False
