"""Annotated copies: a submitted workbook with the cells to fix highlighted and commented.

A province officer opens the copy and sees, in the file the commune sent, each cell a
finding points at: red for an error, yellow for a warning, and a comment saying what is
wrong and how to fix it (SPEC §6). A new first sheet, "Lỗi của tệp", lists every finding
of the file, those about the whole file first, each linked to its cell.

An .xlsx/.xlsm is copied with its formatting (openpyxl). Anything else that can be read
(.xls, .ods, an HTML table saved as .xls, an .xlsx openpyxl cannot open) is rebuilt as a
plain .xlsx from the grids of `tasks.read`, values at the same cells, merged ranges
merged again, and the first sheet says so. A file that cannot be read gets no copy.

The copy shows values, never live formulas: a formula becomes the value the submitter's
Excel computed (openpyxl's data_only), text stays text, external links and hyperlinks
are dropped. Nothing a hostile file holds runs when the ministry opens its copy.
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from antq.cells import excel_ref, parse_a1
from antq.findings import Finding
from antq.outputs import save_workbook
from antq.schemas.catalog import SEVERITY_VI, catalog
from antq.tasks.guard import LIMITS, check_bytes
from antq.tasks.read import read_bytes
from antq.xlsx import (
    BOLD,
    MARK_ERROR_FILL,
    MARK_WARNING_FILL,
    TITLE_FONT,
    clean_text,
    link_cell,
    printable,
    put,
    put_copied,
    sheet_title,
    write_table,
)

AUTHOR = "antq"
FILE_SHEET = "Lỗi của tệp"

# Files the intake could not read (within its limits, or at all) are not opened again
# here: the report stage runs in the main process, with no time or memory limit.
NOT_REOPENED = frozenset(
    {
        "file-too-large",
        "read-timeout",
        "reader-crashed",
        "file-unreadable",
        "file-encrypted",
        "file-format-unsupported",
        "file-empty",
    }
)
MAX_ORIGINAL_BYTES = 30 * 1024**2
MAX_REBUILT_CELLS = 1_000_000
# What a marked-up copy is made of: openpyxl makes an object of every cell and of every
# merged cell (tens of microseconds and hundreds of bytes each), so a copy is made only of
# a file the size of a report, with room to spare (a province's table is a few hundred
# rows by a few dozen columns: 20,000 cells; a workbook of one sheet per commune, 160
# sheets of 600). For a bigger file the report's list of findings stands in for the copy.
# Checked by the guard, before openpyxl opens anything.
COPY_LIMITS = dataclasses.replace(
    LIMITS,
    cells_per_sheet=100_000,
    cells_total=200_000,
    merged_cells=100_000,
    merged_total=100_000,
)
NO_COPY_UNREADABLE = "Không có bản sao (tệp không mở được)"
NO_COPY_TOO_LARGE = "Không có bản sao (tệp quá lớn để đánh dấu từng ô)"

_FORMAT_VI = {
    "xls": "Excel 97-2003 (.xls)",
    "ods": "OpenDocument (.ods)",
    "html": "trang web (HTML) đặt tên bảng tính",
    "csv": "văn bản CSV đặt tên bảng tính",
    "xlsx": "Excel (.xlsx) có phần không đọc lại được",
    "xlsm": "Excel có macro (.xlsm) có phần không đọc lại được",
}
_FIRST_LINE = "Bản sao đánh dấu lỗi của tệp"


@dataclass(frozen=True)
class _Copy:
    workbook: Workbook
    sheets: dict[str, str]  # sheet name in the findings -> sheet name in the copy
    rebuilt_from: str | None = None  # the original's format, when it was rebuilt


def no_copy_reason(original: bytes, findings: list[Finding]) -> str | None:
    """Why `original` gets no marked-up copy (Vietnamese, for the report), or None."""
    if any(f.rule == "file-too-large" for f in findings):
        return NO_COPY_TOO_LARGE
    if any(f.rule in NOT_REOPENED for f in findings):
        return NO_COPY_UNREADABLE
    if len(original) > MAX_ORIGINAL_BYTES:
        return NO_COPY_TOO_LARGE
    problem = check_bytes(original, COPY_LIMITS)  # the guard the readers work behind
    if problem is not None:
        return NO_COPY_TOO_LARGE if problem.rule == "file-too-large" else NO_COPY_UNREADABLE
    return None


@dataclass(frozen=True)
class CopyJob:
    """One marked-up copy to make, in a worker process: the archived original, the
    findings to mark, where the copy goes."""

    original: Path
    suffix: str
    findings: tuple[Finding, ...]
    out_path: Path


def make_copy(job: CopyJob) -> Path | str:
    """The copy's path, or why there is none (runs in a worker)."""
    try:
        original = job.original.read_bytes()
    except OSError:
        return NO_COPY_UNREADABLE
    reason = no_copy_reason(original, list(job.findings))
    if reason is not None:
        return reason
    made = _write_copy(original, job.suffix, list(job.findings), job.out_path)
    return made if made is not None else NO_COPY_UNREADABLE


def annotate_submission(
    original: bytes, suffix: str, findings: list[Finding], out_path: Path
) -> Path | None:
    """Write the annotated copy of `original` (a file named `...{suffix}`) to `out_path`
    (an .xlsx); None when the file cannot be read or is too large to mark (see
    `no_copy_reason`), so it has no copy."""
    if no_copy_reason(original, findings) is not None:
        return None
    return _write_copy(original, suffix, findings, out_path)


def _write_copy(
    original: bytes, suffix: str, findings: list[Finding], out_path: Path
) -> Path | None:
    findings = list(dict.fromkeys(findings))
    copy = _formatted_copy(original)
    if copy is not None:
        _annotate(copy, findings, out_path.name)
        try:
            return _save(copy.workbook, out_path)
        except OSError:
            raise
        except Exception:  # openpyxl cannot always write back what it read
            pass
    copy = _rebuilt_copy(original, suffix)
    if copy is None:
        return None
    _annotate(copy, findings, out_path.name)
    return _save(copy.workbook, out_path)


# ------------------------------------------------------------------------ the copy


def _formatted_copy(original: bytes) -> _Copy | None:
    """The original itself, values instead of formulas; None if openpyxl cannot open it."""
    if not original.startswith(b"PK"):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about every extension it drops
            wb = openpyxl.load_workbook(
                io.BytesIO(original), data_only=True, keep_vba=False, keep_links=False
            )
    except Exception:  # a broken or hostile file may raise anything
        return None
    _strip_live_content(wb)
    for ws in wb.worksheets:
        if ws.title.startswith(FILE_SHEET) and str(ws["A1"].value or "").startswith(_FIRST_LINE):
            wb.remove(ws)  # our list from an earlier copy, sent back: it would be stale
            continue
        # Private, but the only way to visit the cells a sheet holds without creating the
        # empty ones of its whole used range.
        for cell in ws._cells.values():
            if cell.hyperlink is not None and cell.hyperlink.target:
                cell.hyperlink = None
            if cell.comment is not None and cell.comment.author == AUTHOR:
                cell.comment, cell.fill = None, PatternFill()  # our marks of an earlier copy
    return _Copy(wb, {ws.title: ws.title for ws in wb.worksheets})


def _strip_live_content(wb: Workbook) -> None:
    """The copy we send back carries values, layout and our marks only: a submission's
    conditional formats and data validations (which hold formulas such as
    WEBSERVICE(...)) and its defined names (Auto_Open ...) are dropped. Formulas, macros
    and external links are already gone (data_only, keep_vba and keep_links off)."""
    from openpyxl.formatting.formatting import ConditionalFormattingList
    from openpyxl.worksheet.datavalidation import DataValidationList

    wb.defined_names.clear()
    for ws in wb.worksheets:
        ws.conditional_formatting = ConditionalFormattingList()
        ws.data_validations = DataValidationList()
        ws.defined_names.clear()


def _rebuilt_copy(original: bytes, suffix: str) -> _Copy | None:
    """A plain workbook with the values `tasks.read` finds, at the same cells."""
    book = read_bytes(original)
    if not book.sheets:
        return None
    if sum(sheet.n_rows * sheet.n_cols for sheet in book.sheets) > MAX_REBUILT_CELLS:
        return None
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    names: dict[str, str] = {}
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet_title(sheet.name, names.values()))
        names[sheet.name] = ws.title
        widths: dict[int, int] = {}
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if put_copied(ws, r, c, value) is not None:
                    widths[c] = max(widths.get(c, 0), len(str(value)))
        for r0, c0, r1, c1 in sheet.merged:
            if (r0, c0) != (r1, c1):
                ws.merge_cells(
                    start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1
                )
        for r in sheet.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
        for c, width in widths.items():
            ws.column_dimensions[get_column_letter(c)].width = min(60, max(8, width + 2))
        if not sheet.visible:
            ws.sheet_state = "hidden"
    kind = book.format if book.format != "unknown" else suffix.lstrip(".").lower()
    return _Copy(wb, names, kind or "?")


def _save(wb: Workbook, out_path: Path) -> Path:
    return save_workbook(wb, out_path)


# ------------------------------------------------------------------------ marks


@dataclass(frozen=True)
class _Place:
    sheet: str
    ref: str


def _annotate(copy: _Copy, findings: list[Finding], copy_name: str) -> None:
    places = _mark_cells(copy, findings)
    _file_sheet(copy, findings, places, copy_name)


def _mark_cells(copy: _Copy, findings: list[Finding]) -> dict[Finding, _Place]:
    """Fill and comment every cell a finding points at; where each finding was placed."""
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    also: dict[tuple[str, str], list[Finding]] = {}  # cells a finding names besides its own
    for finding in findings:
        ws = _sheet_of(copy, finding)
        ref = excel_ref(finding.cell)
        if ws is not None and ref is not None:
            anchor = _anchor(ws, ref)
            by_cell.setdefault((ws.title, anchor), []).append(finding)
            for other in map(excel_ref, finding.related_cells):
                if other is not None:
                    also.setdefault((ws.title, _anchor(ws, other)), []).append(finding)
    places = {}
    for (title, ref), group in by_cell.items():
        ws = copy.workbook[title]
        cell = ws[ref]
        cell.fill = MARK_ERROR_FILL if any(f.is_error for f in group) else MARK_WARNING_FILL
        cell.comment = _comment(group, cell.comment)
        _reveal(ws, cell)
        places.update({finding: _Place(title, ref) for finding in group})
    for (title, ref), group in also.items():
        if (title, ref) in by_cell:
            continue  # the cell has findings of its own: its mark and comment say them
        ws = copy.workbook[title]
        cell = ws[ref]
        cell.fill = MARK_ERROR_FILL if any(f.is_error for f in group) else MARK_WARNING_FILL
        cell.comment = _comment(group, cell.comment, related=True)
        _reveal(ws, cell)
    return places


def _sheet_of(copy: _Copy, finding: Finding) -> Worksheet | None:
    wb = copy.workbook
    if finding.sheet is None:
        return None
    title = copy.sheets.get(finding.sheet)
    if title is None or title not in wb.sheetnames or not isinstance(wb[title], Worksheet):
        return None
    return wb[title]


def _anchor(ws: Worksheet, ref: str) -> str:
    """The top-left cell of the merged range holding `ref` (only it can carry a comment)."""
    for merged in ws.merged_cells.ranges:
        if ref in merged:
            return merged.start_cell.coordinate
    return ref


def _reveal(ws: Worksheet, cell: Cell) -> None:
    """A cell to fix must be seen: unhide its sheet, row and column."""
    ws.sheet_state = "visible"
    ws.row_dimensions[cell.row].hidden = False
    ws.column_dimensions[cell.column_letter].hidden = False


def _comment(group: list[Finding], existing: Comment | None, related: bool = False) -> Comment:
    """The findings of a cell, or (`related`) those of other cells that name this one."""
    blocks = [
        (f"Liên quan đến {SEVERITY_VI[f.severity].lower()} ở ô {f.cell}: " if related else
         f"{SEVERITY_VI[f.severity].upper()}: ") + f"{f.message}\nCách sửa: {f.fix}"
        for f in sorted(group, key=lambda f: not f.is_error)
    ]  # fmt: skip
    if existing is not None and existing.text and existing.author != AUTHOR:
        blocks.append(f"Ghi chú có sẵn trong tệp:\n{existing.text}")
    text = clean_text("\n\n".join(blocks))
    comment = Comment(text, AUTHOR)
    lines = sum(len(line) // 55 + 1 for line in text.splitlines())
    comment.width, comment.height = 380, min(600, 24 + 16 * lines)
    return comment


# ------------------------------------------------------------------------ first sheet

_HEADERS = [
    "STT",
    "Mức độ",
    "Trang tính",
    "Ô",
    "Chỉ tiêu",
    "Giá trị đã ghi",
    "Nội dung",
    "Cách sửa",
]
_WIDTHS = [6, 10, 16, 8, 34, 16, 60, 60]


def _file_sheet(
    copy: _Copy, findings: list[Finding], places: dict[Finding, _Place], copy_name: str
) -> None:
    """A first sheet listing every finding of the file: those about the whole file (or
    whose cell is not in the copy) first, then the cells, each linked to its cell."""
    wb = copy.workbook
    ws = wb.create_sheet(sheet_title(FILE_SHEET, wb.sheetnames), 0)
    file_name = findings[0].original_path.rsplit("/", 1)[-1] if findings else copy_name
    lines = [
        f"{_FIRST_LINE} “{file_name}”",
        "Ô màu đỏ là lỗi phải sửa, ô màu vàng là cảnh báo cần xem lại; di chuột vào ô để đọc "
        "ghi chú.",
        "Sửa các ô đó trong tệp báo cáo của đơn vị rồi gửi lại. Nếu sửa ngay trên bản sao này, "
        f"hãy xóa trang “{ws.title}” trước khi gửi.",
    ]
    if copy.rebuilt_from:
        what = _FORMAT_VI.get(copy.rebuilt_from, copy.rebuilt_from)
        lines.append(
            f"Tệp gốc là {what} nên đây là bản dựng lại: giữ giá trị của các ô (đúng vị trí như "
            "tệp gốc) và các ô gộp, không giữ định dạng, công thức."
        )
    for i, line in enumerate(lines, start=1):
        put(ws, i, 1, line)
    ws.cell(1, 1).font = TITLE_FONT
    if copy.rebuilt_from:
        ws.cell(len(lines), 1).font = BOLD
    ordered = sorted(findings, key=lambda f: (f in places, not f.is_error, _order(places.get(f))))
    top = len(lines) + 2
    last = write_table(ws, top, _HEADERS, [_row(i, f) for i, f in enumerate(ordered, 1)], _WIDTHS)
    for r, finding in enumerate(ordered, start=top + 1):
        ws.cell(r, 2).fill = MARK_ERROR_FILL if finding.is_error else MARK_WARNING_FILL
        place = places.get(finding)
        if place is not None:
            link_cell(ws.cell(r, 4), place.sheet, place.ref)
    ws.freeze_panes = ws.cell(top + 1, 1) if last > top else None
    printable(ws, f"{top}:{top}")
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True


def _row(i: int, f: Finding) -> tuple[object, ...]:
    cat = catalog()
    return (
        i,
        SEVERITY_VI[f.severity],
        f.sheet or "Cả tệp",
        f.cell or "",
        cat.label(f.indicator) if f.indicator and cat.has(f.indicator) else "",
        f.value_raw or "",
        f.message,
        f.fix,
    )


def _order(place: _Place | None) -> tuple[str, int, int]:
    if place is None:
        return ("", 0, 0)
    r, c = parse_a1(place.ref) or (0, 0)
    return (place.sheet, r, c)


def findings_by_file(findings: Iterable[Finding]) -> dict[tuple[str, str | None], list[Finding]]:
    """Findings grouped by the file they are about: (original_path, sha256)."""
    groups: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.original_path, finding.sha256), []).append(finding)
    return groups
