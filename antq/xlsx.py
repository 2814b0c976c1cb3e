"""Writing workbooks people read: one place for styles, widths and safe text.

Text that comes from a submission is written as text, never as a formula: a cell value
such as "=HYPERLINK(...)" from a hostile file must not become a live formula in a report
the ministry opens (CSV injection, OWASP). openpyxl would store it as a formula, so such
strings are forced to the string type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from copy import copy

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import quote_sheetname
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32767  # Excel refuses to open a file with a longer cell text

HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
ERROR_FILL = PatternFill("solid", fgColor="F8CBAD")
WARNING_FILL = PatternFill("solid", fgColor="FFE699")
TOTAL_FILL = PatternFill("solid", fgColor="DDEBF7")
# The cells to fix in an annotated copy, and the severity in the report that points at
# them: the same red and yellow, so "ô màu đỏ" means one thing in both files.
MARK_ERROR_FILL = PatternFill("solid", fgColor="FF8080")
MARK_WARNING_FILL = PatternFill("solid", fgColor="FFFF00")
LINK_FONT = Font(color="0563C1", underline="single")

INTEGER_FORMAT = "#,##0"
RATIO_FORMAT = "0.0%"
DECIMAL_FORMAT = "#,##0.0"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"  # the Vietnamese order: 20/10/2026 08:15
RULE_FONT = Font(size=8, color="808080")  # rule ids: for the data team, out of the way


def csv_safe(value: object) -> object:
    """For CSV: a leading quote keeps spreadsheet programs from evaluating the text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def clean_text(text: str) -> str:
    """Text an Excel file can hold: control characters XML forbids become "\ufffd" (openpyxl
    would raise on them), and at most 32,767 characters."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)[:MAX_CELL_TEXT]


def put(ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None) -> Cell:
    """Write one value; strings always as text (never as a formula)."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str):
        cell.value = clean_text(value)
        cell.data_type = "s"
        return cell
    cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format
    return cell


_CELL_TYPES = (str, bool, int, float, dt.date, dt.time, dt.timedelta)


def put_copied(ws: Worksheet, row: int, col: int, value: object) -> Cell | None:
    """Write a value read from a submission into a copy of it: text as text, numbers, dates
    and booleans as they were, anything else as its text. Blank stays blank."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; openpyxl refuses them
    elif not isinstance(value, _CELL_TYPES) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        value = str(value)
    return put(ws, row, col, value)


# A relative link to a file beside the report: plain ASCII path parts, none starting with
# a dot, no colon. Nothing Excel could take for a URL scheme, an absolute path or a way up.
_SAFE_FILE_LINK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*")


def link_file(cell: Cell, target: str) -> Cell:
    """Make `cell` a hyperlink to the file at the relative path `target`."""
    if not _SAFE_FILE_LINK.fullmatch(target):
        raise ValueError(f"not a plain relative file link: {target!r}")
    cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target)
    cell.font = LINK_FONT
    return cell


def link_cell(cell: Cell, sheet: str, ref: str) -> Cell:
    """Make `cell` a hyperlink to the cell `ref` of the sheet `sheet` in the same workbook."""
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"{quote_sheetname(sheet)}!{ref}")
    cell.font = LINK_FONT
    return cell


_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]\x00-\x1f]")


def sheet_title(name: str, taken: Iterable[str]) -> str:
    """A sheet name Excel accepts, close to `name` and unlike every name in `taken`
    (Excel compares sheet names without case)."""
    used = {t.casefold() for t in taken}
    base = _SHEET_TITLE_FORBIDDEN.sub(" ", name).strip().strip("'")[:31].strip() or "Trang"
    title, n = base, 1
    while title.casefold() in used:
        n += 1
        title = f"{base[: 31 - len(str(n)) - 1]} {n}"
    return title


# How many units of column width an A4 landscape page holds with the text still readable
# (scaled to about 70 %, 8 pt for 11 pt text); 130 at 100 %.
PAGE_WIDTH_UNITS = 185
DEFAULT_COLUMN_WIDTH = 8.43


def sheet_width(ws: Worksheet) -> float:
    """The width of the sheet's used columns, in Excel's column width units."""
    total = 0.0
    for col in range(1, ws.max_column + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        total += dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH
    return total


def printable(ws: Worksheet, title_rows: str | None = None, title_cols: str | None = None) -> None:
    """A4 landscape, header rows repeated on every printed page, page numbers in the
    footer, one page wide; a sheet with `title_cols` (the unit's code and name, say)
    that would print too small so goes over as many pages as keep it readable, those
    columns repeated on each."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    pages = math.ceil(sheet_width(ws) / PAGE_WIDTH_UNITS) if title_cols else 1
    ws.page_setup.fitToWidth = max(1, pages)
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Trang &P / &N"
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols and ws.page_setup.fitToWidth > 1:
        ws.print_title_cols = title_cols


def write_title(ws: Worksheet, lines: Sequence[str], width: int) -> int:
    """Title lines merged across `width` columns; returns the next free row."""
    for i, line in enumerate(lines, start=1):
        cell = put(ws, i, 1, line)
        cell.font = TITLE_FONT if i == 1 else Font(italic=True)
        if width > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    return len(lines) + 2


LINE_HEIGHT = 15.0  # points, for 11 pt text


def fit_row_heights(ws: Worksheet, first: int, last: int, widths: Sequence[float]) -> None:
    """Rows as tall as their longest wrapped text, which Excel and LibreOffice do not
    work out for a file they open: otherwise the text runs over the rows below."""
    for r in range(first, last + 1):
        lines = 1
        for col, width in enumerate(widths, start=1):
            value = ws.cell(r, col).value
            if isinstance(value, str) and value:
                per_line = max(width - 1.5, 1.0)  # characters a line of the column holds
                lines = max(
                    lines,
                    sum(math.ceil(max(len(part), 1) / per_line) for part in value.split("\n")),
                )
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines


def write_table(
    ws: Worksheet,
    top: int,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[float],
    formats: Sequence[str | None] | None = None,
    filters: bool = True,
) -> int:
    """A bordered table with a styled, frozen, filterable header; returns the last row."""
    for col, header in enumerate(headers, start=1):
        cell = put(ws, top, col, header)
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    last = top
    # Styling a cell through openpyxl's descriptors hashes the style into the workbook's
    # list each time (a province report has 30,000 cells: seconds); the first cell of
    # each kind is styled so, the others get a copy of its style ids.
    styled: dict[tuple[int, bool], StyleArray] = {}
    for last, row in enumerate(rows, start=top + 1):
        for col, value in enumerate(row, start=1):
            fmt = formats[col - 1] if formats else None
            cell = put(ws, last, col, value)
            key = (col, bool(fmt) and value is not None and not isinstance(value, str))
            style = styled.get(key)
            if style is not None:
                cell._style = copy(style)
                continue
            if key[1]:
                cell.number_format = fmt
            cell.border = BORDER
            cell.alignment = WRAP
            styled[key] = copy(cell._style)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    fit_row_heights(ws, top + 1, last, widths)
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    if filters and last > top:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{last}"
    return last
