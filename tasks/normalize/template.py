"""The fast path: a form `antq template` made, read where its layout puts each cell.

A returned form names its template in a very hidden sheet. When the id and version are
known and the sheet still holds every label, the unit's code and the table exactly where
that layout puts them, nothing needs detecting. Anything else (a form whose rows an
officer moved or relabelled, a column added, a marker copied into another file, a newer
antq's version) is left to the normal path, which reads any form: the fast path never
decides against a file, it only skips work when it is sure.
"""

from __future__ import annotations

from dataclasses import dataclass

from antq.config import Config
from antq.schemas.registry import Unit
from antq.schemas.template import (
    HEADER,
    HEADER_ROW,
    LABEL_COL,
    MARKER_SHEET,
    NOTE_COL,
    NUMBER_COL,
    UNIT_ROW,
    VALUE_COL,
    FormLayoutSpec,
    code_line,
    known_layout,
    same_text,
)
from antq.tasks.normalize.model import FileRef
from antq.tasks.read import Sheet, Workbook
from antq.text import cell_text


@dataclass(frozen=True)
class KnownForm:
    sheet: Sheet
    layout: FormLayoutSpec
    unit: Unit

    @property
    def name(self) -> str:
        """ "antq-bieu-mau-xa v1", as the submissions table records it."""
        return f"{self.layout.template_id} v{self.layout.version}"


def template_marker(book: Workbook) -> dict[str, str]:
    """The key/value rows of the form's marker sheet; empty when there is none."""
    for sheet in book.sheets:
        if sheet.name == MARKER_SHEET:
            return {
                cell_text(sheet.value(r, 0)): cell_text(sheet.value(r, 1))
                for r in range(min(sheet.n_rows, 50))
            }
    return {}


def known_form(book: Workbook, ref: FileRef, cfg: Config) -> KnownForm | None:
    """The filled form of a known template, intact, for a unit of the submitting
    province; None whenever the normal path should read the file."""
    found = examine_form(book, ref, cfg)
    return found if isinstance(found, KnownForm) else None


def examine_form(book: Workbook, ref: FileRef, cfg: Config) -> KnownForm | str | None:
    """The known form, or why the fast path declines it (for `antq inspect`), or None
    when the workbook carries no marker at all."""
    marker = template_marker(book)
    if not marker:
        return None
    period, version = marker.get("period", ""), marker.get("template_version", "")
    if len(period) != 7 or not period[5:].isdigit() or not version.isdigit():
        return "dấu biểu mẫu không đọc được"
    layout = known_layout(cfg.catalog, marker.get("template_id", ""), int(version), int(period[5:]))
    if layout is None:
        return "mẫu hay phiên bản mẫu này không có trong bản antq đang chạy"
    unit = cfg.registry.unit(marker.get("unit_code", ""))
    if unit is None or unit.level != layout.level:
        return f"đơn vị {marker.get('unit_code', '?')} không có trong danh mục của kỳ {ref.period}"
    if unit.province_code != ref.province_code:
        return f"đơn vị {unit.code} không thuộc tỉnh gửi tệp ({ref.province_code})"
    intact = [
        sheet
        for sheet in book.sheets
        if sheet.name != MARKER_SHEET and _intact(sheet, layout, unit)
    ]
    if len(intact) > 1:
        return "có nhiều trang giống hệt mẫu: chọn trang theo kỳ báo cáo"
    if not intact:
        return "trang biểu mẫu không còn nguyên mẫu (dòng, nhãn, cột hay ô ngoài bảng đã thay đổi)"
    return KnownForm(intact[0], layout, unit)


def _intact(sheet: Sheet, layout: FormLayoutSpec, unit: Unit) -> bool:
    """Every printed text of the table and the unit's code where the layout puts them,
    and nothing written beside the table or under it (the footer the form prints there
    holds no label and no figure: column A and C only)."""
    if not same_text(sheet.value(UNIT_ROW, VALUE_COL), code_line(unit.code)):
        return False
    if not all(same_text(sheet.value(HEADER_ROW, c), text) for c, text in enumerate(HEADER)):
        return False
    for line in layout.lines:
        if cell_text(sheet.value(line.row, NUMBER_COL)) != line.number:
            return False
        if not same_text(sheet.value(line.row, LABEL_COL), line.label):
            return False
        if line.code is None and sheet.value(line.row, VALUE_COL) is not None:
            return False
    for r in range(HEADER_ROW, sheet.n_rows):
        row = sheet.rows[r]
        if any(value is not None for value in row[NOTE_COL + 1 :]):
            return False
        if r > layout.last_row and any(
            c < len(row) and row[c] is not None for c in (LABEL_COL, VALUE_COL, NOTE_COL)
        ):
            return False
    return True
