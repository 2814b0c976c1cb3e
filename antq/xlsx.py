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
from openpyxl.utils import column_index_from_string, get_column_letter
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
RULE_FONT = Font(size=9, color="808080")  # rule ids: for the data team, out of the way


def csv_safe(value: object) -> object:
    """For CSV: a leading quote keeps spreadsheet programs from evaluating the text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# OOXML writes a character as "_xHHHH_" in text: an "_x" + hex + "_" of our own must be
# escaped ("_x005F_" is the underscore), or Excel reads "_x0041_" as "A" and LibreOffice,
# laxer, reads the code "ty_le_xa_dat_chuan" as "ty_le", a line break, "dat_chuan".
_OOXML_ESCAPE_LIKE = re.compile(r"_(?=x[0-9A-Fa-f]{1,4}_)")


def clean_text(text: str) -> str:
    """Text an Excel file can hold: control characters XML forbids become "\ufffd" (openpyxl
    would raise on them), at most 32,767 characters, and an "_x" that Excel or LibreOffice
    would take for a character's escape escaped (openpyxl's `unescape` reads it back)."""
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)[:MAX_CELL_TEXT]
    return _OOXML_ESCAPE_LIKE.sub("_x005F_", text) if "_x" in text else text


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


# How many units of column width an A4 landscape page holds at 100 %, between the default
# margins (measured: LibreOffice with Carlito, Calibri's metrics, prints 188 units at 70 %).
PAGE_WIDTH_UNITS = 127  # with 2 % to spare
DEFAULT_COLUMN_WIDTH = 8.43


def sheet_width(ws: Worksheet) -> float:
    """The width of the sheet's used columns, in Excel's column width units."""
    total = 0.0
    for col in range(1, ws.max_column + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        total += dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH
    return total


# Printed text no smaller than 8 pt: the body's 11 pt scaled by at least this much.
MIN_SCALE = 8 / 11


def columns_width(ws: Worksheet, columns: str) -> float:
    """The width of a range of columns ("A:B"), in Excel's column width units."""
    first, _, last = columns.partition(":")
    total = 0.0
    for col in range(column_index_from_string(first), column_index_from_string(last or first) + 1):
        dim = ws.column_dimensions.get(get_column_letter(col))
        total += dim.width if dim is not None and dim.width else DEFAULT_COLUMN_WIDTH
    return total


def printable(ws: Worksheet, title_rows: str | None = None, title_cols: str | None = None) -> None:
    """A4 landscape, header rows repeated on every printed page, page numbers in the
    footer, fitted to as few pages wide as keep the text at 8 pt or more (one, for most
    sheets); a sheet that needs more repeats its `title_cols` (the unit's code and name,
    say) on each."""
    fit_merged_rows(ws)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    fixed = columns_width(ws, title_cols) if title_cols else 0.0
    per_page = PAGE_WIDTH_UNITS / MIN_SCALE - fixed  # what a page holds besides them
    pages = max(1, math.ceil((sheet_width(ws) - fixed) / per_page))
    ws.page_setup.fitToWidth = pages
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Trang &P / &N"
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols and pages > 1:
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


def text_lines(text: str, width: float, size: float = 11.0) -> int:
    """Lines `text` takes wrapped in a column `width` units wide (a unit: a digit of the
    11 pt body font), word by word as Excel and LibreOffice wrap it, with a tenth to
    spare for wide letters and bold."""
    per_line = max((width - 1.5) * 0.9 * 11.0 / size, 1.0)  # characters a line holds
    lines = 0
    for part in text.split("\n"):
        used, count = 0.0, 1
        for word in part.split(" "):
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, 0.0
            used += (1 if used else 0) + len(word)
            while used > per_line:  # a word longer than a line breaks inside
                count, used = count + 1, used - per_line
        lines += count
    return lines


def fit_row_heights(ws: Worksheet, first: int, last: int, widths: Sequence[float]) -> None:
    """Rows as tall as their longest wrapped text, which Excel and LibreOffice do not
    work out for a file they open: otherwise the text runs over the rows below."""
    for r in range(first, last + 1):
        lines = 1
        for col, width in enumerate(widths, start=1):
            cell = ws.cell(r, col)
            if isinstance(cell.value, str) and cell.value:
                lines = max(lines, text_lines(cell.value, width, cell.font.sz or 11.0))
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines


def fit_merged_rows(ws: Worksheet) -> None:
    """Text merged across a row (titles, notes over a table) wrapped within the merged
    width, its row as tall as the lines it takes."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row != merged.max_row:
            continue
        cell = ws.cell(merged.min_row, merged.min_col)
        if not isinstance(cell.value, str) or not cell.value:
            continue
        width = sum(
            ws.column_dimensions[get_column_letter(c)].width or DEFAULT_COLUMN_WIDTH
            for c in range(merged.min_col, merged.max_col + 1)
        )
        size = cell.font.sz or 11.0
        lines = text_lines(cell.value, width, size)
        if lines > 1:
            cell.alignment = Alignment(
                wrap_text=True,
                vertical="top",
                horizontal=cell.alignment.horizontal,
            )
            height = LINE_HEIGHT * size / 11.0 * lines
            current = ws.row_dimensions[merged.min_row].height or 0
            ws.row_dimensions[merged.min_row].height = max(current, height)


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
    fit_row_heights(ws, top, last, widths)  # the header row too: "Mã đơn vị" takes two
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    if filters and last > top:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{last}"
    return last
