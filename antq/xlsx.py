"""Writing workbooks people read: one place for styles, widths and safe text.

Text that comes from a submission is written as text, never as a formula: a cell value
such as "=HYPERLINK(...)" from a hostile file must not become a live formula in a report
the ministry opens (CSV injection, OWASP). openpyxl would store it as a formula, so such
strings are forced to the string type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

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

INTEGER_FORMAT = "#,##0"
RATIO_FORMAT = "0.0%"
DECIMAL_FORMAT = "#,##0.0"


def csv_safe(value: object) -> object:
    """For CSV: a leading quote keeps spreadsheet programs from evaluating the text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def put(ws: Worksheet, row: int, col: int, value: object, number_format: str | None = None) -> Cell:
    """Write one value; strings always as text (never as a formula)."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    elif number_format and value is not None:
        cell.number_format = number_format
    return cell


def write_title(ws: Worksheet, lines: Sequence[str], width: int) -> int:
    """Title lines merged across `width` columns; returns the next free row."""
    for i, line in enumerate(lines, start=1):
        cell = put(ws, i, 1, line)
        cell.font = TITLE_FONT if i == 1 else Font(italic=True)
        if width > 1:
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
    return len(lines) + 2


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
    for last, row in enumerate(rows, start=top + 1):
        for col, value in enumerate(row, start=1):
            fmt = formats[col - 1] if formats else None
            cell = put(ws, last, col, value, fmt)
            cell.border = BORDER
            cell.alignment = WRAP
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    if filters and last > top:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{last}"
    return last
