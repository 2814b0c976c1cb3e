"""The monthly form `antq template` writes, as data: where each line and cell sits.

One function lays the form out from the catalog, and both sides use it: the writer
(antq/template.py) puts the cells there, and the reader's fast path
(tasks/normalize/template.py) reads a returned form there without detecting anything,
after checking that every label is still where this layout puts it.

A form carries a very hidden sheet (`MARKER_SHEET`) naming its template id, version,
period and unit. The version changes whenever the layout below changes; a reader meets
forms of older versions for months, so a version is never reused for another layout.
"""

from __future__ import annotations

from dataclasses import dataclass

from antq.schemas.catalog import Catalog, Indicator, Level

TEMPLATE_IDS: dict[Level, str] = {"commune": "antq-bieu-mau-xa", "province": "antq-bieu-mau-tinh"}
TEMPLATE_VERSION = 1
MARKER_SHEET = "antq_mau"  # very hidden: officers never see it, the reader does
TITLE = "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC"
HEADER = ("STT", "Nội dung chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú")
# Zero-based columns of the table (A..E).
NUMBER_COL, LABEL_COL, UNIT_COL, VALUE_COL, NOTE_COL = range(5)
UNIT_ROW = 5  # "Đơn vị báo cáo: …" in A6, "Mã đơn vị: …" in D6
PERIOD_ROW = 4  # "Tháng 11 năm 2026" in A5
HEADER_ROW = 7  # row 8
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass(frozen=True)
class FormLine:
    """A line of the table: a section heading (`code` None) or an indicator."""

    row: int  # zero-based
    number: str  # "I" for a section, "1", "2", … for indicators
    label: str
    unit_label: str
    code: str | None = None


@dataclass(frozen=True)
class FormLayoutSpec:
    template_id: str
    version: int
    level: Level
    month: int
    lines: tuple[FormLine, ...]

    @property
    def rows(self) -> dict[str, int]:
        """Indicator code -> zero-based row of its value."""
        return {line.code: line.row for line in self.lines if line.code is not None}

    @property
    def last_row(self) -> int:
        return self.lines[-1].row


def form_indicators(catalog: Catalog, level: Level, month: int) -> tuple[Indicator, ...]:
    """What a unit of `level` reports in `month`: an indicator asked only in some months
    (the movement's classification, in December) is on those months' forms only."""
    return tuple(
        ind
        for ind in catalog.for_level(level)
        if not ind.required_months or month in ind.required_months
    )


def _layout(catalog: Catalog, level: Level, month: int, version: int) -> FormLayoutSpec:
    lines: list[FormLine] = []
    row = HEADER_ROW + 1
    number = 0
    indicators = form_indicators(catalog, level, month)
    sections = list(catalog.sections) + sorted(
        {ind.section for ind in indicators} - set(catalog.sections)
    )
    for index, section in enumerate(sections):
        members = [ind for ind in indicators if ind.section == section]
        if not members:
            continue
        roman = _ROMAN[index] if index < len(_ROMAN) else section
        lines.append(FormLine(row, roman, catalog.sections.get(section, section), ""))
        row += 1
        for ind in members:
            number += 1
            lines.append(FormLine(row, str(number), ind.label, ind.unit_label, ind.code))
            row += 1
    return FormLayoutSpec(TEMPLATE_IDS[level], version, level, month, tuple(lines))


def form_layout(catalog: Catalog, level: Level, month: int) -> FormLayoutSpec:
    """The current version's form for a unit of `level` in `month` (1-12)."""
    return _layout(catalog, level, month, TEMPLATE_VERSION)


def known_layout(
    catalog: Catalog, template_id: str, version: int, month: int
) -> FormLayoutSpec | None:
    """The layout a form names in its marker; None for an id or version this reader does
    not know (a newer antq's form, a hand-made marker): such a form is read the normal way."""
    level = next((lvl for lvl, tid in TEMPLATE_IDS.items() if tid == template_id), None)
    if level is None or version != TEMPLATE_VERSION or not 1 <= month <= 12:
        return None
    return _layout(catalog, level, month, version)


def unit_line(name: str) -> str:
    return f"Đơn vị báo cáo: {name}"


def code_line(code: str) -> str:
    return f"Mã đơn vị: {code}"


def period_line(period: str) -> str:
    year, month = period.split("-")
    return f"Tháng {int(month)} năm {year}"


def same_text(written: object, expected: str) -> bool:
    """A cell still holds what the form put there (spacing aside)."""
    return isinstance(written, str) and " ".join(written.split()) == " ".join(expected.split())
