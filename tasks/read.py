"""Read a submitted file into plain grids of cell values. The one module that opens Excel.

A file is recognised by its content, not its extension (government systems save HTML or
CSV under an .xls name). python-calamine reads .xlsx/.xlsm/.xls/.ods fast; what it cannot
read becomes a `ReadProblem` (a rule id of rules.yaml and a detail), never an exception.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from python_calamine import CalamineWorkbook, SheetVisibleEnum

Format = Literal["xlsx", "xlsm", "xls", "ods", "xlsb", "html", "csv", "unknown"]
CellValue = str | float | int | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None


@dataclass(frozen=True)
class Sheet:
    """One worksheet as a grid: rows[r][c] is the cell at row r+1, column c+1 (A1 = [0][0])."""

    name: str
    rows: list[list[CellValue]]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    hidden_rows: frozenset[int] = frozenset()
    visible: bool = True

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


def column_letter(c: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def a1(r: int, c: int) -> str:
    """Zero-based (row, column) to an A1 reference: (13, 3) -> "D14"."""
    return f"{column_letter(c)}{r + 1}"


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
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<table" in text:
        return "html"
    return "unknown"


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except zipfile.BadZipFile:
        return None


_FOREIGN_ZIPS = {"word/document.xml": "văn bản Word (.docx)", "ppt/presentation.xml": "PowerPoint"}
_FOREIGN_MAGIC = {
    b"%PDF": "PDF",
    b"\x89PNG": "ảnh PNG",
    b"\xff\xd8\xff": "ảnh JPEG",
    b"GIF8": "ảnh GIF",
    b"Rar!": "tệp nén RAR",
    b"7z\xbc\xaf": "tệp nén 7z",
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


def _is_encrypted_ole(data: bytes) -> bool:
    # An encrypted .xlsx is an OLE2 container holding an "EncryptedPackage" stream; the
    # stream names are stored in UTF-16 in the directory sectors.
    return "EncryptedPackage".encode("utf-16-le") in data


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


def read_workbook(path: Path) -> Workbook:
    """Every sheet of the file at `path`, or the reason it cannot be read."""
    data = path.read_bytes()
    return read_bytes(data)


def read_bytes(data: bytes) -> Workbook:
    if not data:
        return Workbook("unknown", problem=ReadProblem("file-empty", "0 byte"))
    names = _zip_names(data) if data.startswith(b"PK") else None
    fmt = sniff_format(data[:2048], names)
    if fmt == "unknown" or fmt == "xls":
        foreign = _describe_foreign(data, names)
        if foreign:
            return Workbook("unknown", problem=ReadProblem("file-format-unsupported", foreign))
    if fmt == "xls" and _is_encrypted_ole(data):
        return Workbook("xls", problem=ReadProblem("file-encrypted", "encrypted"))
    if fmt == "xlsb":
        return Workbook(
            fmt, problem=ReadProblem("file-format-unsupported", "Excel nhị phân (.xlsb)")
        )
    if fmt in ("html", "csv"):
        return Workbook(fmt, problem=ReadProblem("file-format-unsupported", f"{fmt.upper()}"))
    if data.startswith(b"PK") and names is None:
        return Workbook("unknown", problem=ReadProblem("file-unreadable", "tệp nén bị hỏng"))
    if fmt == "unknown":
        return Workbook(fmt, problem=ReadProblem("file-unreadable", "không nhận ra định dạng"))
    try:
        sheets = _calamine_sheets(data)
    except Exception as exc:  # calamine raises its own error types for every corruption kind
        kind = type(exc).__name__
        if "Password" in kind:
            return Workbook(fmt, problem=ReadProblem("file-encrypted", kind))
        return Workbook(fmt, problem=ReadProblem("file-unreadable", f"{kind}: {str(exc)[:120]}"))
    if not any(any(v is not None for v in row) for sheet in sheets for row in sheet.rows):
        return Workbook(fmt, sheets, problem=ReadProblem("file-empty", "không có ô nào có dữ liệu"))
    return Workbook(fmt, sheets)
