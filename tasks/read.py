"""Read a submitted file into plain grids of cell values. The one module that opens files.

A file is recognised by its content, not its extension: government systems save HTML
tables or CSV under an .xls name. python-calamine reads .xlsx/.xlsm/.xls/.ods fast;
openpyxl adds what calamine does not tell (hidden rows, formulas that were never
calculated) when a workbook has any; lxml reads HTML tables; the csv module reads CSV.
What cannot be read becomes a `ReadProblem` (a rule id of rules.yaml and a detail),
never an exception.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Literal

from python_calamine import CalamineWorkbook, SheetVisibleEnum

from antq.legacy_text import encoding_of_font, legacy_encoding, to_unicode
from antq.tasks.guard import (
    LIMITS,
    SPREADSHEETML_NS,
    GuardLimits,
    check_before_reading,
    sniff,
)

Format = Literal["xlsx", "xlsm", "xls", "ods", "xlsb", "html", "csv", "spreadsheetml", "unknown"]


@dataclass(frozen=True)
class Formula:
    """A formula cell that carries no calculated value (the file was never recalculated)."""

    text: str  # as written, with its leading "="


CellValue = (
    str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | Formula | None
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet as a grid: rows[r][c] is the cell at row r+1, column c+1 (A1 = [0][0]).

    `preamble` holds text printed above an HTML table but outside it (titles), which has
    no cell of its own.
    """

    name: str
    rows: list[list[CellValue]]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    hidden_rows: frozenset[int] = frozenset()
    visible: bool = True
    preamble: tuple[str, ...] = ()

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def value(self, r: int, c: int) -> CellValue:
        if 0 <= r < len(self.rows) and 0 <= c < len(self.rows[r]):
            return self.rows[r][c]
        return None


@dataclass(frozen=True)
class ReadProblem:
    rule: str
    detail: str


@dataclass(frozen=True)
class Workbook:
    format: Format
    sheets: tuple[Sheet, ...] = ()
    problem: ReadProblem | None = None
    notes: tuple[str, ...] = field(default=())


# ------------------------------------------------------------------------- sniffing


def sniff_format(head: bytes, names: list[str] | None = None) -> Format:
    """What the bytes are, whatever the file is called."""
    if head.startswith(b"PK\x03\x04") and names is not None:
        if "xl/workbook.bin" in names:
            return "xlsb"
        if "xl/workbook.xml" in names:
            return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
        if "content.xml" in names:
            return "ods"
        return "unknown"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    text = _decode_head(head).lstrip("\ufeff \t\r\n").lower()
    if SPREADSHEETML_NS in text and "<workbook" in text:
        return "spreadsheetml"
    if text.startswith(("<!doctype html", "<html", "<table", "<meta", "<head", "<body")) or (
        "<table" in text and text.startswith("<")
    ):
        return "html"
    if text and _looks_like_csv(text):
        return "csv"
    return "unknown"


def _decode_head(head: bytes) -> str:
    for encoding in ("utf-8", "utf-16"):
        try:
            if encoding == "utf-16" and not head.startswith(
                (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
            ):
                continue
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start > len(head) - 4:  # cut mid-character
                return head[: exc.start].decode("utf-8")
    return head.decode("cp1258", errors="replace")


def _looks_like_csv(text: str) -> bool:
    """Printable text where most lines (title lines aside) share one delimiter."""
    lines = [line for line in text.splitlines() if line.strip()][:30]
    if len(lines) < 2 or "\x00" in text:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text) / max(len(text), 1)
    if printable < 0.97:
        return False
    for delimiter in (",", ";", "\t", "|"):
        with_it = sum(delimiter in line for line in lines)
        if with_it >= min(3, len(lines)) and with_it >= 0.4 * len(lines):
            return True
    return False


_FOREIGN_ZIPS = {"word/document.xml": "văn bản Word (.docx)", "ppt/presentation.xml": "PowerPoint"}
_FOREIGN_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "ảnh PNG",
    b"\xff\xd8\xff": "ảnh JPEG",
    b"GIF8": "ảnh GIF",
    b"Rar!": "tệp nén RAR",
    b"7z\xbc\xaf": "tệp nén 7z",
    b"\x1f\x8b": "tệp nén gzip",
    b"MZ": "chương trình (.exe)",
    b"\x7fELF": "chương trình",
}


def _describe_foreign(data: bytes, names: list[str] | None) -> str | None:
    for magic, what in _FOREIGN_MAGIC.items():
        if data.startswith(magic):
            return what
    for member, what in _FOREIGN_ZIPS.items():
        if names and member in names:
            return what
    if names is not None and not any(n.startswith(("xl/", "content.xml")) for n in names):
        return "tệp nén ZIP"
    return None


def _macro_enabled(data: bytes) -> bool:
    """An .xlsm declares itself in its content types, with or without macros inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("[Content_Types].xml")
            if info.file_size > 1_000_000:
                return False
            return b"macroEnabled" in archive.read(info)
    except Exception:  # a broken archive raises many types (zlib.error, NotImplementedError...)
        return False


def _is_encrypted_ole(data: bytes) -> bool:
    # An encrypted .xlsx is an OLE2 container holding an "EncryptedPackage" stream; the
    # stream names are stored in UTF-16 in the directory sectors.
    return "EncryptedPackage".encode("utf-16-le") in data


def _is_word_ole(data: bytes) -> bool:
    return "WordDocument".encode("utf-16-le") in data and "Workbook".encode("utf-16-le") not in data


# ------------------------------------------------------------------- spreadsheets


def _calamine_sheets(data: bytes) -> tuple[Sheet, ...]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets = []
    for meta in book.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet":
            continue
        sheet = book.get_sheet_by_name(meta.name)
        rows = [
            [None if value == "" else value for value in row]
            for row in sheet.to_python(skip_empty_area=False)
        ]
        merged = tuple((r0, c0, r1, c1) for (r0, c0), (r1, c1) in sheet.merged_cell_ranges or ())
        sheets.append(
            Sheet(
                name=meta.name,
                rows=rows,
                merged=merged,
                visible=meta.visible == SheetVisibleEnum.Visible,
            )
        )
    return tuple(sheets)


# sheet name -> {(row, column): font name} of text cells, where the format keeps fonts
CellFonts = dict[str, dict[tuple[int, int], str]]

_HIDDEN_ROW = re.compile(rb"<row\b[^>]*\bhidden=\"(?:1|true)\"")
# A formula with no calculated value after it (the file was never recalculated): only
# then does calamine, which reads the cached values, need openpyxl's help.
_UNCACHED_FORMULA = re.compile(rb"<f[\s>/](?:[^<]*</f>|[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


_LEGACY_FONT = re.compile(rb"(?i)<(?:\w+:)?name\s+val=\"(?:\.vn|vni)")


def _needs_cell_detail(data: bytes, names: list[str]) -> bool:
    """Whether any worksheet has hidden rows or formulas without a value, or the styles a
    legacy Vietnamese font: only then is openpyxl worth it."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if "xl/styles.xml" in names and _LEGACY_FONT.search(archive.read("xl/styles.xml")):
            return True
        for name in names:
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name)
                if _HIDDEN_ROW.search(xml) or _UNCACHED_FORMULA.search(xml):
                    return True
    return False


def _with_cell_detail(
    data: bytes, sheets: tuple[Sheet, ...]
) -> tuple[tuple[Sheet, ...], CellFonts, tuple[str, ...]]:
    """Hidden rows, uncalculated formulas and legacy fonts from openpyxl, laid over
    calamine's grids."""
    import openpyxl  # defusedxml is installed, so openpyxl parses without entity expansion

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # openpyxl is stricter than calamine on odd files
        return sheets, {}, (f"openpyxl: {type(exc).__name__}",)
    detailed, fonts = [], {}
    for sheet in sheets:
        if sheet.name not in book.sheetnames:
            detailed.append(sheet)
            continue
        ws = book[sheet.name]
        hidden = frozenset(r - 1 for r, dim in ws.row_dimensions.items() if dim.hidden)
        rows = [list(row) for row in sheet.rows]
        legacy = fonts.setdefault(sheet.name, {})
        for row in ws.iter_rows():
            for cell in row:
                font = cell.font.name if cell.data_type == "s" and cell.font is not None else None
                if font and encoding_of_font(font)[0]:
                    legacy[(cell.row - 1, cell.column - 1)] = font
                if cell.data_type != "f":
                    continue
                r, c = cell.row - 1, cell.column - 1
                current = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
                if current is None:
                    while len(rows) <= r:
                        rows.append([])
                    while len(rows[r]) <= c:
                        rows[r].append(None)
                    rows[r][c] = Formula(str(getattr(cell.value, "text", cell.value)))
        detailed.append(replace(sheet, rows=rows, hidden_rows=hidden))
    return tuple(detailed), fonts, ()


# --------------------------------------------------------------------- html, csv


def _html_sheets(data: bytes) -> tuple[Sheet, ...]:
    """One sheet per top-level <table>: cells placed with their row and column spans, a
    spanned cell read as a merged range holding its value at the top-left."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser(no_network=True, remove_comments=True, huge_tree=False)
    root = lxml_html.document_fromstring(data, parser=parser)
    sheets = []
    preamble: list[str] = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "table" and not any(a.tag == "table" for a in element.iterancestors()):
            sheets.append(_html_table(element, f"Table{len(sheets) + 1}", tuple(preamble)))
            preamble = []
        elif element.tag in (
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "p",
            "div",
            "title",
            "caption",
            "span",
            "b",
        ) and not any(a.tag == "table" for a in element.iterancestors()):
            text = " ".join((element.text or "").split())
            if text:
                preamble.append(text)
    return tuple(sheets)


def _html_table(table, name: str, preamble: tuple[str, ...]) -> Sheet:
    grid: dict[tuple[int, int], str | None] = {}
    merged = []
    taken: set[tuple[int, int]] = set()
    rows = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr.xpath("./td|./th"):
            while (r, c) in taken:
                c += 1
            rowspan = _span(cell.get("rowspan"))
            colspan = _span(cell.get("colspan"))
            text = " ".join(cell.text_content().split())
            grid[(r, c)] = text or None
            for dr in range(rowspan):
                for dc in range(colspan):
                    taken.add((r + dr, c + dc))
            if rowspan > 1 or colspan > 1:
                merged.append((r, c, r + rowspan - 1, c + colspan - 1))
            c += colspan
    n_rows = max((r for r, _ in taken), default=-1) + 1
    n_cols = max((c for _, c in taken), default=-1) + 1
    cells = [[grid.get((r, c)) for c in range(n_cols)] for r in range(n_rows)]
    return Sheet(name=name, rows=cells, merged=tuple(merged), preamble=preamble)


def _span(raw: str | None) -> int:
    """A rowspan/colspan as written; nonsense and absurd values count as 1 or are capped."""
    try:
        return max(1, min(int(str(raw).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def _decode_text(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_sheets(data: bytes, name: str) -> tuple[Sheet, ...]:
    text = _decode_text(data)
    if text is None:
        raise ValueError("không đọc được bảng mã ký tự")
    text = unicodedata.normalize("NFC", text)  # Windows-1258 text arrives decomposed
    sample = text[:8192]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed: the Sniffer also guesses that a doubled quote
    # ("""An toàn về ANTT""") is no escape, which splits such a cell in two and shifts
    # the row's figures. Quoting is the standard one (RFC 4180), as Excel writes it.
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    rows = [[cell.strip() or None for cell in row] for row in reader]
    return (Sheet(name=name or "CSV", rows=[list(r) for r in rows]),)


# ---------------------------------------------------------------------------- entry


def read_workbook(path: Path) -> Workbook:
    """Every sheet of the file at `path`, or the reason it cannot be read."""
    return read_bytes(path.read_bytes(), path.stem)


def read_bytes(data: bytes, name: str = "", limits: GuardLimits = LIMITS) -> Workbook:
    """Every sheet of a file's bytes; `name` (the file's stem) names a CSV's only sheet.

    The guard (tasks/guard.py) checks sizes, zip entries and sheet extents before any
    reader allocates anything: a 5 KB workbook claiming a cell at XFD1048576 must never
    reach python-calamine, which would abort the process.
    """
    if not data:
        return Workbook("unknown", problem=ReadProblem("file-empty", "0 byte"))
    fmt, names = sniff(data, limits)
    if fmt == "xlsx" and _macro_enabled(data):
        fmt = "xlsm"
    problem = check_before_reading(data, fmt, names, limits) or _format_problem(data, fmt, names)
    if problem is not None:
        return Workbook(fmt, problem=problem)
    notes: tuple[str, ...] = ()
    fonts: CellFonts = {}
    try:
        if fmt == "html":
            sheets = _html_sheets(data)
        elif fmt == "csv":
            sheets = _csv_sheets(data, name)
        elif fmt == "spreadsheetml":
            sheets, fonts = _spreadsheetml_sheets(data)
        else:
            sheets = _calamine_sheets(data)
            if fmt in ("xlsx", "xlsm") and names and _needs_cell_detail(data, names):
                sheets, fonts, notes = _with_cell_detail(data, sheets)
            elif fmt == "xls":
                sheets, fonts = _with_xls_detail(data, sheets)
            elif fmt == "ods" and names:
                sheets = _with_ods_detail(data, sheets)
        sheets = tuple(_in_unicode(sheet, fonts.get(sheet.name, {})) for sheet in sheets)
    except Exception as exc:  # every reader raises its own error types for corruption
        kind = type(exc).__name__
        if "Password" in kind:
            return Workbook(fmt, problem=ReadProblem("file-encrypted", kind))
        return Workbook(fmt, problem=ReadProblem("file-unreadable", f"{kind}: {str(exc)[:120]}"))
    if not any(any(v is not None for v in row) for sheet in sheets for row in sheet.rows):
        return Workbook(fmt, sheets, problem=ReadProblem("file-empty", "không có ô nào có dữ liệu"))
    return Workbook(fmt, sheets, notes=notes)


def _format_problem(data: bytes, fmt: Format, names: list[str] | None) -> ReadProblem | None:
    if fmt in ("unknown", "xls"):
        foreign = _describe_foreign(data, names)
        if foreign:
            return ReadProblem("file-format-unsupported", foreign)
    if fmt == "xls" and _is_encrypted_ole(data):
        return ReadProblem("file-encrypted", "encrypted")
    if fmt == "xls" and _is_word_ole(data):
        return ReadProblem("file-format-unsupported", "văn bản Word (.doc)")
    if fmt == "xlsb":
        return ReadProblem("file-format-unsupported", "Excel nhị phân (.xlsb)")
    if data.startswith(b"PK") and names is None:
        return ReadProblem("file-unreadable", "tệp nén bị hỏng")
    if fmt == "unknown":
        return ReadProblem("file-unreadable", "không nhận ra định dạng")
    return None


# ------------------------------------------------------- XML Spreadsheet 2003 (.xls)

_SS = f"{{{SPREADSHEETML_NS}}}"


def _ss(element, name: str) -> str | None:
    return element.get(f"{_SS}{name}")


def _ss_index(element, name: str = "Index") -> int | None:
    raw = _ss(element, name)
    if raw is None:
        return None
    value = int(raw.strip())
    if value < 0 or value > 1_048_576:
        raise ValueError(f"ss:{name}={raw[:12]}")
    return value


def _ss_value(cell) -> CellValue:
    data = next((child for child in cell if child.tag == f"{_SS}Data"), None)
    formula = _ss(cell, "Formula")
    if data is None:
        return Formula(formula) if formula else None
    kind = _ss(data, "Type") or "String"
    text = "".join(data.itertext())
    if kind == "Number":
        try:
            number = float(text)
        except ValueError:
            return text.strip() or None
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind == "Boolean":
        return text.strip() in ("1", "true", "TRUE")
    if kind == "DateTime":
        try:
            return dt.datetime.fromisoformat(text.strip().rstrip("Z")[:26])
        except ValueError:
            return text.strip() or None
    if kind == "Error":
        return None
    return text if text.strip() else None


def _spreadsheetml_fonts(root) -> dict[str, str]:
    """Style id -> font name, for telling legacy-font text."""
    fonts = {}
    for style in root.iter(f"{_SS}Style"):
        font = next((child for child in style if child.tag == f"{_SS}Font"), None)
        if font is not None and _ss(style, "ID") and _ss(font, "FontName"):
            fonts[_ss(style, "ID")] = _ss(font, "FontName")
    return fonts


def _spreadsheetml_sheets(data: bytes) -> tuple[tuple[Sheet, ...], CellFonts]:
    """The "XML Spreadsheet 2003" that PHP systems save under an .xls name. The guard has
    parsed it already without DTDs or entities and bounded its extent."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    root = etree.fromstring(data, parser=parser)
    fonts = _spreadsheetml_fonts(root)
    sheets, cell_fonts = [], {}
    for worksheet in root.iter(f"{_SS}Worksheet"):
        table = next((child for child in worksheet if child.tag == f"{_SS}Table"), None)
        grid: dict[tuple[int, int], CellValue] = {}
        merged, hidden, legacy = [], set(), {}
        taken: set[tuple[int, int]] = set()
        r = -1
        for row in table.iter(f"{_SS}Row") if table is not None else ():
            index = _ss_index(row)
            r = index - 1 if index else r + 1
            if _ss(row, "Hidden") in ("1", "true"):
                hidden.add(r)
            c = -1
            for cell in row.iter(f"{_SS}Cell"):
                index = _ss_index(cell)
                c = index - 1 if index else c + 1
                while index is None and (r, c) in taken:
                    c += 1
                across, down = (
                    _ss_index(cell, "MergeAcross") or 0,
                    _ss_index(cell, "MergeDown") or 0,
                )
                value = _ss_value(cell)
                if value is not None:
                    grid[(r, c)] = value
                    style = _ss(cell, "StyleID") or _ss(row, "StyleID") or "Default"
                    font = fonts.get(style)
                    if isinstance(value, str) and encoding_of_font(font)[0]:
                        legacy[(r, c)] = font
                if across or down:
                    merged.append((r, c, r + down, c + across))
                    taken.update(
                        (rr, cc) for rr in range(r, r + down + 1) for cc in range(c, c + across + 1)
                    )
                c += across
        n_rows = max((rr for rr, _ in grid), default=-1) + 1
        n_cols = max((cc for _, cc in grid), default=-1) + 1
        rows = [[grid.get((rr, cc)) for cc in range(n_cols)] for rr in range(n_rows)]
        visible = not any(
            el.text and el.text.strip() in ("SheetHidden", "SheetVeryHidden")
            for el in worksheet.iter("{urn:schemas-microsoft-com:office:excel}Visible")
        )
        sheet = Sheet(
            name=_ss(worksheet, "Name") or f"Sheet{len(sheets) + 1}",
            rows=rows,
            merged=tuple(merged),
            hidden_rows=frozenset(hidden),
            visible=visible,
        )
        sheets.append(sheet)
        cell_fonts[sheet.name] = legacy
    return tuple(sheets), cell_fonts


# ------------------------------------------------------------ legacy Vietnamese fonts


def _in_unicode(sheet: Sheet, fonts: dict[tuple[int, int], str]) -> Sheet:
    """Text typed with TCVN3 or VNI fonts converted to Unicode, before anything matches a
    label, a unit or a period. A cell's font tells its encoding where the format keeps
    it; otherwise the text itself does (antq.legacy_text), and the encoding most of the
    sheet is typed in decides the cells whose words alone cannot."""
    texts = [
        (r, c, value)
        for r, row in enumerate(sheet.rows)
        for c, value in enumerate(row)
        if isinstance(value, str) and not value.isascii()
    ]
    dominant = _dominant_encoding([value for _, _, value in texts[:2000]])
    rows = sheet.rows
    changed = False
    for r, c, value in texts:
        hint, capitals = encoding_of_font(fonts.get((r, c)))
        text = _converted(value, hint or dominant, capitals)
        if text != value:
            if not changed:
                rows, changed = [list(row) for row in rows], True
            rows[r][c] = text
    name = _converted(sheet.name, None, False)
    preamble = tuple(_converted(text, None, False) for text in sheet.preamble)
    if not changed and name == sheet.name and preamble == sheet.preamble:
        return sheet
    return replace(sheet, name=name, rows=rows, preamble=preamble)


def _dominant_encoding(texts: list[str]):  # -> Encoding | None
    """The legacy encoding a sheet is typed in, when its text says so clearly (two cells
    or more, none in the other): it decides for the cells whose words tie ("X. Tu Vò"
    reads as well as "X. Tu Vũ" by the words alone)."""
    counts = {"tcvn3": 0, "vni": 0}
    for text in texts:
        found = legacy_encoding(text, "tcvn3")
        # A cell that reads as well in either encoding ("Thuû") does not vote.
        if found and found == legacy_encoding(text, "vni"):
            counts[found] += 1
    for encoding, other in (("tcvn3", "vni"), ("vni", "tcvn3")):
        if counts[encoding] >= 2 and counts[other] == 0:
            return encoding
    return None


@lru_cache(maxsize=65536)
def _converted(text: str, hint, capitals: bool) -> str:
    return to_unicode(text, hint, capitals) if not text.isascii() else text


# --------------------------------------------------------- .xls and .ods details

_ROW, _FONT, _XF, _LABEL, _LABELSST, _RSTRING = 0x0208, 0x0031, 0x00E0, 0x0204, 0x00FD, 0x00D6


def _with_xls_detail(data: bytes, sheets: tuple[Sheet, ...]) -> tuple[tuple[Sheet, ...], CellFonts]:
    """Hidden rows and the fonts of text cells of an .xls, from its BIFF8 records (which
    calamine does not expose). The guard has walked the same records already."""
    from antq.tasks.guard import biff_sheets

    fonts: list[str] = []
    xf_fonts: list[int] = []
    hidden: dict[str, set[int]] = {}
    cell_fonts: CellFonts = {}
    for sheet_name, kind, body in biff_sheets(data):
        if sheet_name is None:
            if kind == _FONT and len(body) >= 16:
                fonts.append(_biff_font_name(body))
            elif kind == _XF and len(body) >= 2:
                xf_fonts.append(int.from_bytes(body[0:2], "little"))
            continue
        if kind == _ROW and len(body) >= 14 and body[12] & 0x20:
            hidden.setdefault(sheet_name, set()).add(int.from_bytes(body[0:2], "little"))
        elif kind in (_LABEL, _LABELSST, _RSTRING) and len(body) >= 6:
            row, col, xf = (int.from_bytes(body[i : i + 2], "little") for i in (0, 2, 4))
            font_index = xf_fonts[xf] if xf < len(xf_fonts) else 0
            font_index -= 1 if font_index > 4 else 0  # BIFF has no font number 4
            font = fonts[font_index] if font_index < len(fonts) else ""
            if encoding_of_font(font)[0]:
                cell_fonts.setdefault(sheet_name, {})[(row, col)] = font
    detailed = tuple(
        replace(sheet, hidden_rows=frozenset(hidden[sheet.name])) if sheet.name in hidden else sheet
        for sheet in sheets
    )
    return detailed, cell_fonts


def _biff_font_name(body: bytes) -> str:
    length, wide = body[14], body[15] & 1
    raw = body[16 : 16 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")


_ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _with_ods_detail(data: bytes, sheets: tuple[Sheet, ...]) -> tuple[Sheet, ...]:
    """What calamine does not tell of an .ods: the rows it hides (`table:visibility`
    "collapse" or "filter") and its merged cells (`number-columns-spanned`)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml")
    if b"visibility" not in content and b"-spanned" not in content:
        return sheets
    from antq.tasks.guard import parse_xml_stream

    hidden: dict[str, set[int]] = {}
    merged: dict[str, list[tuple[int, int, int, int]]] = {}
    state = {"table": "", "row": -1, "col": 0}

    def number(attrs: dict[str, str], key: str) -> int:
        raw = attrs.get(f"{_ODS_TABLE} {key}", "1")
        return int(raw) if raw.isdigit() else 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        if tag == "table":
            state.update(table=attrs.get(f"{_ODS_TABLE} name", ""), row=-1, col=0)
        elif tag == "table-row":
            state["row"] = int(state["row"]) + 1
            state["col"] = 0
            repeat = number(attrs, "number-rows-repeated")
            if attrs.get(f"{_ODS_TABLE} visibility", "visible") != "visible" and repeat < 10_000:
                rows = range(int(state["row"]), int(state["row"]) + repeat)
                hidden.setdefault(str(state["table"]), set()).update(rows)
            state["row"] = int(state["row"]) + repeat - 1
        elif tag in ("table-cell", "covered-table-cell"):
            across = number(attrs, "number-columns-spanned")
            down = number(attrs, "number-rows-spanned")
            r, c = int(state["row"]), int(state["col"])
            if tag == "table-cell" and (across > 1 or down > 1):
                merged.setdefault(str(state["table"]), []).append(
                    (r, c, r + down - 1, c + across - 1)
                )
            state["col"] = c + number(attrs, "number-columns-repeated")

    parse_xml_stream(iter([content]), start, "content.xml")
    detailed = []
    for sheet in sheets:
        extra = {}
        if sheet.name in hidden:
            extra["hidden_rows"] = frozenset(hidden[sheet.name])
        if sheet.name in merged and not sheet.merged:
            extra["merged"] = tuple(merged[sheet.name][:10_000])
        detailed.append(replace(sheet, **extra) if extra else sheet)
    return tuple(detailed)
