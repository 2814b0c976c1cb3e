"""Sheets as a parser sees them, and the writers that turn them into every file format
the provinces send: .xlsx/.xlsm (openpyxl, with cached formula values put in the XML),
legacy .xls (xlwt), .ods (its XML written here), HTML tables and CSV.

One place for the sample's file I/O: a `Grid` holds values by (row, column), merges and
hidden rows; each writer renders the same grids, so the A1 cells the truth names are the
same in every format (see `tools.messy` for the HTML and CSV conventions). Every
writer is deterministic: the same book and timestamp give the same bytes.
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from antq.sample.generate import TITLE, workbook_bytes

# --------------------------------------------------------------------------- the grid


@dataclass(frozen=True)
class Formula:
    """A formula cell. `text` may name indicators as {code} (and {label}/{name} for the
    row's label or unit cell) until the layout is known; `sum_of` makes a SUM over those
    indicators' cells; `cached` is the value Excel would have stored, or None."""

    text: str = ""
    cached: float | None = None
    sum_of: tuple[str, ...] = ()


GridValue = int | float | str | datetime | Formula | None
Cell = tuple[int, int]  # (row, column), 1-based


def a1(cell: Cell) -> str:
    return f"{get_column_letter(cell[1])}{cell[0]}"


@dataclass
class Grid:
    """One sheet as the parser sees it: values by (row, column), merges, hidden rows."""

    name: str
    cells: dict[Cell, GridValue] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden: bool = False
    bold: set[Cell] = field(default_factory=set)
    boxed: set[Cell] = field(default_factory=set)
    number_formats: dict[Cell, str] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)

    def put(
        self,
        r: int,
        c: int,
        value: GridValue,
        *,
        span: int = 1,
        down: int = 1,
        bold: bool = False,
        box: bool = False,
        number_format: str | None = None,
    ) -> None:
        if value is not None and value != "":
            self.cells[(r, c)] = value
        if bold:
            self.bold.add((r, c))
        if box:
            self.boxed.update((rr, cc) for rr in range(r, r + down) for cc in range(c, c + span))
        if number_format:
            self.number_formats[(r, c)] = number_format
        if span > 1 or down > 1:
            self.merges.append((r, c, r + down - 1, c + span - 1))

    @property
    def max_row(self) -> int:
        return max([r for r, _ in self.cells] + [m[2] for m in self.merges] + [1])

    @property
    def max_col(self) -> int:
        return max([c for _, c in self.cells] + [m[3] for m in self.merges] + [1])

    def covered(self) -> tuple[dict[Cell, tuple[int, int]], set[Cell]]:
        """Spans (rows, columns) by top-left cell, and the cells merges hide."""
        spans: dict[Cell, tuple[int, int]] = {}
        hidden: set[Cell] = set()
        for r0, c0, r1, c1 in self.merges:
            spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
            hidden.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
            hidden.discard((r0, c0))
        return spans, hidden


@dataclass
class Book:
    """The sheets of one file; `preamble` is HTML text above the table (in no sheet)."""

    sheets: list[Grid]
    preamble: tuple[str, ...] = ()


# --------------------------------------------------------------------------- writers

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_BOLD = Font(bold=True)
_WRAP = Alignment(vertical="center", wrap_text=True)
_XLSM_TYPE = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
_XLSX_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _stamp(at: datetime) -> tuple[int, int, int, int, int, int]:
    return (at.year, at.month, at.day, at.hour, at.minute, at.second)


def rewrite_zip(
    data: bytes, at: datetime, edit: Callable[[str, bytes], bytes] = lambda _, d: d
) -> bytes:
    """The same archive with every entry stamped `at` (and edited): same input, same bytes.
    Entry order and compression are kept."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_stamp(at))
            entry.compress_type = info.compress_type
            entry.external_attr = 0o600 << 16
            target.writestr(entry, edit(info.filename, source.read(info.filename)))
    return out.getvalue()


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _cache_formulas(xml: bytes, cached: Mapping[str, float]) -> bytes:
    """openpyxl writes `<f>..</f><v></v>`; put the value Excel would have cached."""
    for ref, value in cached.items():
        pattern = rb'(<c r="' + ref.encode() + rb'"[^>]*>)<f>(.*?)</f><v\s*/?>(?:</v>)?'
        replacement = rb"\1<f>\2</f><v>" + _number_text(value).encode() + b"</v>"
        xml, n = re.subn(pattern, replacement, xml, count=1)
        if n != 1:
            raise RuntimeError(f"formula cell {ref} not found in the sheet XML")
    return xml


def xlsx_bytes(book: Book, at: datetime, author: str, macro: bool = False) -> bytes:
    """An .xlsx (or, with `macro`, an .xlsm: macro-enabled workbook content type)."""
    wb = Workbook()
    wb.remove(wb.active)
    cached: dict[str, dict[str, float]] = {}
    for index, grid in enumerate(book.sheets, start=1):
        ws = wb.create_sheet(grid.name)
        ws.sheet_state = "hidden" if grid.hidden else "visible"
        for (r, c), value in grid.cells.items():
            cell = ws.cell(row=r, column=c)
            if isinstance(value, Formula):
                cell.value = value.text
                if value.cached is not None:
                    cached.setdefault(f"xl/worksheets/sheet{index}.xml", {})[a1((r, c))] = (
                        value.cached
                    )
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # "=..." or "-" typed by a clerk stays text
            if (r, c) in grid.number_formats:
                cell.number_format = grid.number_formats[(r, c)]
        for r, c in grid.boxed:
            ws.cell(row=r, column=c).border = _BOX
        for r, c in grid.bold:
            ws.cell(row=r, column=c).font = _BOLD
        for r0, c0, r1, c1 in grid.merges:
            ws.cell(row=r0, column=c0).alignment = _WRAP
            ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)
        for r in sorted(grid.hidden_rows):
            ws.row_dimensions[r].hidden = True
        for c, width in grid.widths.items():
            ws.column_dimensions[get_column_letter(c)].width = width
    data = workbook_bytes(wb, at, author)

    def edit(name: str, content: bytes) -> bytes:
        if name in cached:
            content = _cache_formulas(content, cached[name])
        if macro and name == "[Content_Types].xml":
            content = content.replace(_XLSX_TYPE, _XLSM_TYPE)
        return content

    return rewrite_zip(data, at, edit) if cached or macro else data


def xls_bytes(book: Book) -> bytes:
    """A legacy BIFF8 .xls (OLE2 container), written by xlwt (a dev dependency, imported
    here so that the rest of the sample package works without it)."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_styles: dict[str, xlwt.XFStyle] = {}
    for grid in book.sheets:
        ws = wb.add_sheet(grid.name, cell_overwrite_ok=True)
        if grid.hidden:
            ws.visibility = 1
        spans, _ = grid.covered()
        for (r, c), value in sorted(grid.cells.items(), key=lambda item: item[0]):
            if isinstance(value, Formula):
                raise ValueError("the xls writer takes no formulas")
            args: list[object] = [value]
            if isinstance(value, datetime):
                fmt = grid.number_formats.get((r, c), "dd/mm/yyyy").upper()
                args.append(date_styles.setdefault(fmt, xlwt.easyxf(num_format_str=fmt)))
            if (r, c) in spans:
                down, across = spans[(r, c)]
                ws.write_merge(r - 1, r + down - 2, c - 1, c + across - 2, *args)
            else:
                ws.write(r - 1, c - 1, *args)
        for (r, c), (down, across) in spans.items():
            if (r, c) not in grid.cells:
                ws.merge(r - 1, r + down - 2, c - 1, c + across - 2)
        for r in grid.hidden_rows:
            ws.row(r - 1).hidden = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.2"'
)
ODS_MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"


def _ods_cell(value: GridValue, span: tuple[int, int] | None) -> str:
    attrs = ""
    if span:
        attrs = f' table:number-rows-spanned="{span[0]}" table:number-columns-spanned="{span[1]}"'
    if value is None:
        return f"<table:table-cell{attrs}/>"
    if isinstance(value, Formula):
        raise ValueError("the ods writer takes no formulas")
    if isinstance(value, datetime):
        typed = f' office:value-type="date" office:date-value="{value:%Y-%m-%d}"'
        text = f"{value:%d/%m/%Y}"
    elif isinstance(value, int | float):
        typed = f' office:value-type="float" office:value="{_number_text(value)}"'
        text = _number_text(value)
    else:
        typed = ' office:value-type="string"'
        text = value
    return f"<table:table-cell{typed}{attrs}><text:p>{html.escape(text, quote=False)}</text:p></table:table-cell>"


def _ods_table(grid: Grid) -> str:
    if grid.hidden:
        raise ValueError("the ods writer takes no hidden sheets")
    spans, covered = grid.covered()
    width = grid.max_col
    rows = []
    for r in range(1, grid.max_row + 1):
        cells = [
            "<table:covered-table-cell/>"
            if (r, c) in covered
            else _ods_cell(grid.cells.get((r, c)), spans.get((r, c)))
            for c in range(1, width + 1)
        ]
        hidden = ' table:visibility="collapse"' if r in grid.hidden_rows else ""
        rows.append(f"<table:table-row{hidden}>{''.join(cells)}</table:table-row>")
    name = html.escape(grid.name)
    column = f'<table:table-column table:number-columns-repeated="{width}"/>'
    return f'<table:table table:name="{name}">{column}{"".join(rows)}</table:table>'


def ods_bytes(book: Book, at: datetime) -> bytes:
    """An OpenDocument spreadsheet. Its XML is written here, not by odfpy, whose namespace
    declarations depend on what the process wrote before (a class-level registry): the
    same book must give the same bytes."""
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    tables = "".join(_ods_table(grid) for grid in book.sheets)
    content = (
        f"{head}<office:document-content {_ODS_NS}><office:body><office:spreadsheet>"
        f"{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    styles = f"{head}<office:document-styles {_ODS_NS}/>"
    meta = (
        f"{head}<office:document-meta {_ODS_NS}><office:meta>"
        f"<meta:generator>antq sample</meta:generator>"
        f"<meta:creation-date>{at.replace(tzinfo=None):%Y-%m-%dT%H:%M:%S}</meta:creation-date>"
        "</office:meta></office:document-meta>"
    )
    entries = "".join(
        f'<manifest:file-entry manifest:full-path="{name}" manifest:media-type="text/xml"/>'
        for name in ("content.xml", "styles.xml", "meta.xml")
    )
    manifest = (
        f'{head}<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:'
        f'manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        f'manifest:version="1.2" manifest:media-type="{ODS_MIMETYPE}"/>{entries}'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        members = (
            ("mimetype", ODS_MIMETYPE, zipfile.ZIP_STORED),  # first and stored, as ODF wants
            ("content.xml", content, zipfile.ZIP_DEFLATED),
            ("styles.xml", styles, zipfile.ZIP_DEFLATED),
            ("meta.xml", meta, zipfile.ZIP_DEFLATED),
            ("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED),
        )
        for name, text, compression in members:
            entry = zipfile.ZipInfo(name, date_time=_stamp(at))
            entry.compress_type = compression
            entry.external_attr = 0o600 << 16
            archive.writestr(entry, text.encode("utf-8"))
    return out.getvalue()


def cell_text(value: GridValue) -> str:
    """A cell as the text an HTML or CSV export shows."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        return _number_text(value)
    if isinstance(value, Formula):
        raise ValueError("HTML and CSV exports carry no formulas")
    return value


def html_bytes(book: Book, meta_http_equiv: bool) -> bytes:
    """An HTML page with one `<table>` per sheet, spans for merges (see the docstring)."""
    charset = (
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        if meta_http_equiv
        else '<meta charset="utf-8">'
    )
    parts = ["<!DOCTYPE html>", "<html>", "<head>", charset, f"<title>{html.escape(TITLE)}</title>"]
    parts += ["</head>", "<body>"]
    parts += [f"<p><b>{html.escape(line)}</b></p>" for line in book.preamble]
    for grid in book.sheets:
        spans, covered = grid.covered()
        parts.append('<table border="1" cellspacing="0" cellpadding="2">')
        for r in range(1, grid.max_row + 1):
            cells = []
            for c in range(1, grid.max_col + 1):
                if (r, c) in covered:
                    continue
                down, across = spans.get((r, c), (1, 1))
                attrs = (f' rowspan="{down}"' if down > 1 else "") + (
                    f' colspan="{across}"' if across > 1 else ""
                )
                tag = "th" if (r, c) in grid.bold else "td"
                text = html.escape(cell_text(grid.cells.get((r, c))))
                cells.append(f"<{tag}{attrs}>{text}</{tag}>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</table>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


def csv_bytes(book: Book) -> bytes:
    """The report sheet as CSV: UTF-8 with BOM, commas, one line per row."""
    grid = book.sheets[-1]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in range(1, grid.max_row + 1):
        writer.writerow([cell_text(grid.cells.get((r, c))) for c in range(1, grid.max_col + 1)])
    return out.getvalue().encode("utf-8-sig")
