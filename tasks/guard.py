"""Guard: a submitted file's bytes checked against limits before any reader parses them.

Why: the readers trust what a file says about itself. python-calamine allocates rows ×
columns for the span of a sheet's cells, so a 5 KB .xlsx with a value in A1 and one in
XFD1048576 asks for 512 GB and aborts the whole process (SIGABRT, calamine issue #693),
which no `try` catches; it also reserves what a legacy .xls's DIMENSIONS record and an
.xlsx's shared-string count announce. openpyxl creates one object per merged cell.
A zip can announce small entries and inflate to gigabytes.

So before reading, the guard looks at the containers themselves, with bounded reads:

- the file's size;
- zip packages (.xlsx, .xlsm, .xlsb, .ods): the central directory (entry count, declared
  sizes, compression ratio, encrypted entries, archives nested in a workbook package),
  then every entry is inflated as a stream, at most its declared size (the CRC check
  proves the declaration), never whole in memory;
- every XML part is parsed by expat with DTDs, entities and external references
  forbidden (the defusedxml policy, with defusedxml's exceptions): a billion-laughs or XXE
  part is refused before any reader sees it;
- worksheets: the declared `<dimension>` *and* every `<c r=...>` (the dimension can lie
  or be missing), merged ranges, shared-formula ranges, the shared-string count;
- OpenDocument: rows and cells with `number-rows-repeated` / `number-columns-repeated`
  expanded arithmetically (never materialised), spanned cells;
- OLE2 (.xls): header, sector tables and chains (bounds, cycles), the `Workbook` stream,
  encryption streams; then the BIFF8 records: DIMENSIONS, cell positions, merged ranges,
  the string table's count, FILEPASS (a password);
- HTML and CSV: a cheap estimate of the cells they would produce (spans included).

Limits are generous for a monthly report (a province's table is a few hundred rows by
a few dozen columns) and far below what makes a reader allocate gigabytes. What goes
over one is a `ReadProblem` with a rule id of rules.yaml (`file-too-large`,
`file-encrypted`, `file-unreadable`) and a Vietnamese detail naming the limit.

The worker processes of `tasks/intake` (memory limit, time limit) stay the second line
of defence for what the guard does not foresee.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO
from xml.parsers import expat

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

if TYPE_CHECKING:  # read.py imports this module: no import of it at load time
    from antq.tasks.read import Format, ReadProblem

log = logging.getLogger(__name__)

MiB = 1024 * 1024
EXCEL_ROWS = 1_048_576
EXCEL_COLS = 16_384


@dataclass(frozen=True)
class GuardLimits:
    file_bytes: int = 20 * MiB  # a report is tens of KB; an email attachment tops at ~25 MB
    unpacked_bytes: int = 200 * MiB  # all zip entries together, inflated
    entry_bytes: int = 64 * MiB  # one zip entry (a worksheet's XML, content.xml)
    ratio: float = 200.0  # inflated / compressed size of one entry...
    ratio_floor: int = 2 * MiB  # ...checked only for entries that inflate past this
    entries: int = 5_000  # entries in a zip
    sheets: int = 500  # a province workbook with one sheet per commune stays far below
    cells_per_sheet: int = 2_000_000  # rows × columns spanned from A1 by a sheet's cells
    cells_total: int = 10_000_000
    merged_cells: int = 2_000_000  # cells covered by merged ranges, per sheet...
    merged_total: int = 2_000_000  # ...and in the whole workbook (openpyxl, which makes the
    # marked-up copies, creates one object per merged cell)
    strings: int = 2_000_000  # declared shared strings
    records: int = 5_000_000  # BIFF records in an .xls


LIMITS = GuardLimits()


class _Refused(Exception):
    """A limit or a structural defect: carries the finding's rule and detail."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule = rule
        self.detail = detail


def _too_large(detail: str) -> _Refused:
    return _Refused("file-too-large", detail)


def _broken(detail: str) -> _Refused:
    return _Refused("file-unreadable", detail)


def _n(value: float) -> str:
    """12345678 -> "12.345.678" (Vietnamese thousands separator)."""
    return f"{value:,.0f}".replace(",", ".")


def _mb(size: int) -> str:
    return f"{size / MiB:.1f}".replace(".", ",") + " MB"


# ---------------------------------------------------------------------------- entry


def check_before_reading(
    data: bytes, fmt: Format, names: list[str] | None, limits: GuardLimits = LIMITS
) -> ReadProblem | None:
    """The reason `data` must not be handed to a reader, or None when it is safe to read.

    `fmt` is the sniffed format and `names` the zip entry names (None when not a zip),
    as `read_bytes` computes them; the guard reads a zip's directory again itself, since
    it checks what the listing alone does not say (sizes, flags, the end record).
    A defect of the guard itself fails closed: the file is refused, and the error logged.
    """
    from antq.tasks.read import ReadProblem

    try:
        _check(data, fmt, names, limits)
    except _Refused as refused:
        return ReadProblem(refused.rule, refused.detail)
    except RecursionError:  # absurd nesting in an XML part
        return ReadProblem("file-unreadable", "cấu trúc lồng nhau quá sâu")
    except Exception as exc:
        log.exception("guard: unexpected %s while checking a %s file", type(exc).__name__, fmt)
        return ReadProblem(
            "file-unreadable", f"không kiểm tra được cấu trúc tệp ({type(exc).__name__})"
        )
    return None


def sniff(data: bytes, limits: GuardLimits = LIMITS) -> tuple[Format, list[str] | None]:
    """The format and zip entry names of `data`, listing a zip only after its end record
    says the entry count is within limits (a central directory can hold millions)."""
    from antq.tasks.read import sniff_format

    names = None
    if data.startswith(b"PK"):
        try:
            _check_zip_end(data, limits)
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except Exception:  # zipfile raises many types on a broken directory
            names = None
    return sniff_format(data[:4096], names), names


def check_bytes(data: bytes, limits: GuardLimits = LIMITS) -> ReadProblem | None:
    """`check_before_reading` for bytes nobody has sniffed yet (intake calls this)."""
    fmt, names = sniff(data, limits)
    return check_before_reading(data, fmt, names, limits)


def _check(data: bytes, fmt: Format, names: list[str] | None, limits: GuardLimits) -> None:
    if len(data) > limits.file_bytes:
        raise _too_large(f"{_mb(len(data))}, giới hạn {_mb(limits.file_bytes)}")
    if data.startswith(b"PK"):
        _check_zip(data, fmt, limits)
    elif data.startswith(_OLE_MAGIC):
        _check_ole(data, limits)
    elif fmt == "spreadsheetml":
        _check_spreadsheetml(data, limits)
    elif fmt == "html":
        _check_html(data, limits)
    elif fmt == "csv":
        _check_csv(data, limits)


# ------------------------------------------------------------------------------ zip

_NESTED_SUFFIXES = (
    ".zip",
    ".xlsx",
    ".xlsm",
    ".xlsb",
    ".ods",
    ".docx",
    ".jar",
    ".7z",
    ".rar",
    ".gz",
)
_EMBEDDING_DIRS = ("xl/embeddings/", "xl/activeX/", "Object ", "ObjectReplacements/")
_ZIP_MAGICS = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
_BOOK_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")  # scanned first: sheet names


def _check_zip_end(data: bytes, limits: GuardLimits) -> None:
    """The entry count from the end-of-central-directory record, before any listing."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        return  # not a zip zipfile can open: the readers say so themselves
    (count,) = struct.unpack_from("<H", data, end + 10)
    locator = end - 20
    if count == 0xFFFF and locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
            (count,) = struct.unpack_from("<Q", data, offset + 32)
    if count > limits.entries:
        raise _too_large(f"{_n(count)} phần trong tệp nén, giới hạn {_n(limits.entries)}")


def _is_package(names: list[str]) -> bool:
    return "xl/workbook.xml" in names or "xl/workbook.bin" in names or "content.xml" in names


def _check_zip(data: bytes, fmt: Format, limits: GuardLimits) -> None:
    _check_zip_end(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, NotImplementedError (a version byte), ...
        raise _broken("tệp nén bị hỏng") from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, limits)
        package = _is_package([i.filename for i in infos])
        scan = _WorkbookScan(limits)
        for info in sorted(infos, key=lambda i: i.filename not in _BOOK_PARTS):
            if info.is_dir():
                continue
            if package and _nested_archive(info, archive):
                raise _too_large(
                    f"chứa tệp nén lồng bên trong (“{info.filename[-60:]}”), dạng bom nén"
                )
            scan.entry(archive, info, fmt if package else "unknown")
        scan.finish()


def _check_directory(infos: list[zipfile.ZipInfo], limits: GuardLimits) -> None:
    if len(infos) > limits.entries:
        raise _too_large(f"{_n(len(infos))} phần trong tệp nén, giới hạn {_n(limits.entries)}")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise _Refused("file-encrypted", "tệp nén có mật khẩu")
        if info.file_size > limits.entry_bytes:
            raise _too_large(
                f"phần “{info.filename[-60:]}” giải nén ra {_mb(info.file_size)}, "
                f"giới hạn {_mb(limits.entry_bytes)}"
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.ratio:
            raise _too_large(f"phần “{info.filename[-60:]}” nén {_n(ratio)} lần, dấu hiệu bom nén")
        total += info.file_size
    if total > limits.unpacked_bytes:
        raise _too_large(f"giải nén ra {_mb(total)}, giới hạn {_mb(limits.unpacked_bytes)}")


def _nested_archive(info: zipfile.ZipInfo, archive: zipfile.ZipFile) -> bool:
    """An archive inside a workbook package, outside the folders where Office keeps
    embedded objects (which no reader opens)."""
    if info.filename.startswith(_EMBEDDING_DIRS):
        return False
    if info.filename.lower().endswith(_NESTED_SUFFIXES):
        return True
    try:
        with archive.open(info) as handle:
            head = handle.read(4)
    except Exception:  # a broken entry is reported when it is read in full
        return False
    return head.startswith(_ZIP_MAGICS)


class _Bounded:
    """A zip entry as a stream of chunks that refuses to yield more than `limit` bytes."""

    def __init__(self, handle: BinaryIO, name: str, limit: int) -> None:
        self._handle, self._name, self._limit, self.read_bytes = handle, name, limit, 0

    def chunks(self, size: int = 1 << 16) -> Iterator[bytes]:
        while True:
            chunk = self._handle.read(size)
            if not chunk:
                return
            self.read_bytes += len(chunk)
            if self.read_bytes > self._limit:
                raise _too_large(f"phần “{self._name[-60:]}” giải nén ra hơn {_mb(self._limit)}")
            yield chunk


# ------------------------------------------------------------------------------ XML


def _local(name: str) -> str:
    """Expat names carry their namespace before a space: keep the local part."""
    return name.rsplit(" ", 1)[-1]


def _forbid_dtd(*_: object) -> None:
    raise DTDForbidden(None, None, None)


def _forbid_entity(*_: object) -> None:
    raise EntitiesForbidden(None, None, None, None, None, None)


def _forbid_external(*_: object) -> None:
    raise ExternalReferenceForbidden(None, None, None, None)


def parse_xml_stream(
    chunks: Iterator[bytes],
    on_start: Callable[[str, dict[str, str]], None] | None,
    name: str,
    on_end: Callable[[str], None] | None = None,
    essential: bool = True,
) -> None:
    """Stream XML through expat with DTDs, entity declarations and external references
    forbidden (what defusedxml enforces for openpyxl), calling `on_start(local name,
    attributes)` per element. Nothing is kept: memory stays flat whatever the size.
    A part that is merely malformed refuses the file only when it is `essential` (a
    sheet, the workbook): a broken property part is left to the reader to cope with."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _forbid_dtd
    parser.EntityDeclHandler = _forbid_entity
    parser.UnparsedEntityDeclHandler = _forbid_entity
    parser.ExternalEntityRefHandler = _forbid_external
    if on_start is not None:
        parser.StartElementHandler = lambda tag, attrs: on_start(_local(tag), attrs)
    if on_end is not None:
        parser.EndElementHandler = lambda tag: on_end(_local(tag))
    parser.buffer_text = True
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        raise _broken(
            f"phần “{name[-60:]}” khai báo DTD hoặc thực thể XML ({type(exc).__name__}), "
            "dạng tệp độc hại"
        ) from exc
    except expat.ExpatError as exc:
        if essential:
            raise _broken(f"nội dung XML của phần “{name[-60:]}” bị hỏng") from exc


_REF = re.compile(r"\$?([A-Za-z]{1,4})\$?(\d{1,9})")


def parse_ref(ref: str) -> tuple[int, int] | None:
    """ "B3" -> (3, 2), one-based (row, column); None when it is not a cell reference."""
    match = _REF.fullmatch(ref.strip())
    if not match:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


def parse_range(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    parts = ref.split(":")
    first = parse_ref(parts[0])
    last = parse_ref(parts[-1]) if len(parts) == 2 else first
    if first is None or last is None or len(parts) > 2:
        return None
    return first, last


def _ref_name(row: int, col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


@dataclass
class SheetExtent:
    """What a worksheet part spans: the far corner of its cells (one-based), and what it
    declares about itself."""

    name: str
    max_row: int = 0
    max_col: int = 0
    dimension: str | None = None
    n_cells: int = 0
    merged_cells: int = 0
    formula_cells: int = 0
    merged_before: int = 0  # merged cells of the workbook's sheets measured before this one

    @property
    def area(self) -> int:
        return self.max_row * self.max_col


@dataclass
class _WorkbookScan:
    """Scans every entry of a package: each XML part defused, worksheets measured."""

    limits: GuardLimits
    sheets: list[SheetExtent] = field(default_factory=list)
    declared_sheets: int = 0
    inflated: int = 0
    sheet_ids: dict[str, str] = field(default_factory=dict)  # relationship id -> sheet name
    targets: dict[str, str] = field(default_factory=dict)  # relationship id -> part name

    def sheet_name(self, part: str) -> str:
        """The name a clerk sees on the sheet's tab, else the part's file name."""
        for rid, target in self.targets.items():
            if part == target and rid in self.sheet_ids:
                return self.sheet_ids[rid]
        return part.rsplit("/", 1)[-1]

    def entry(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, fmt: Format) -> None:
        limit = min(info.file_size, self.limits.entry_bytes)
        try:
            with archive.open(info) as handle:
                stream = _Bounded(handle, info.filename, limit)
                if info.filename.lower().endswith((".xml", ".rels", ".vml")) and fmt != "unknown":
                    self._xml(info.filename, stream, fmt)
                else:
                    for _ in stream.chunks():
                        pass
        except _Refused:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
            raise _broken(f"tệp nén bị hỏng ở phần “{info.filename[-60:]}”") from exc
        except NotImplementedError as exc:  # a compression method zipfile lacks
            raise _broken(f"kiểu nén không hỗ trợ ở phần “{info.filename[-60:]}”") from exc
        except Exception as exc:  # zlib.error and the like: a corrupt deflate stream
            raise _broken(f"tệp nén bị hỏng ở phần “{info.filename[-60:]}”") from exc
        self.inflated += stream.read_bytes
        if self.inflated > self.limits.unpacked_bytes:
            raise _too_large(f"giải nén ra hơn {_mb(self.limits.unpacked_bytes)}")

    def _xml(self, name: str, stream: _Bounded, fmt: Format) -> None:
        if fmt == "ods" and name == "content.xml":
            scan: _PartScan = _OdsContentScan(self)
        elif name == "xl/workbook.xml":
            scan = _WorkbookPartScan(self)
        elif name == "xl/sharedStrings.xml":
            scan = _SharedStringsScan(self)
        elif name == "xl/_rels/workbook.xml.rels":
            scan = _RelationshipsScan(self)
        else:
            extent = SheetExtent(self.sheet_name(name), merged_before=_merged_so_far(self.sheets))
            worksheet = _WorksheetScan(self, extent)
            data = b"".join(stream.chunks())  # bounded by the entry limit
            # Measured from its bytes when it can be; expat still checks every byte (no
            # DTD or entity, well-formed), but without a Python call per element.
            on_start = None if worksheet.measure_bytes(data) else worksheet.start
            parse_xml_stream(iter((data,)), on_start, name, None, _essential(name, fmt))
            worksheet.done()
            return
        parse_xml_stream(stream.chunks(), scan.start, name, scan.end, _essential(name, fmt))
        scan.done()

    def add_sheet(self, extent: SheetExtent) -> None:
        self.sheets.append(extent)
        if len(self.sheets) > self.limits.sheets:
            raise _too_large(f"hơn {_n(self.limits.sheets)} trang tính")
        total = sum(s.area for s in self.sheets)
        if total > self.limits.cells_total:
            raise _too_large(
                f"các trang tính trải tổng cộng {_n(total)} ô, giới hạn {_n(self.limits.cells_total)}"
            )

    def finish(self) -> None:
        if self.declared_sheets > self.limits.sheets:
            raise _too_large(
                f"{_n(self.declared_sheets)} trang tính, giới hạn {_n(self.limits.sheets)}"
            )


def _essential(name: str, fmt: Format) -> bool:
    """The parts a reader needs whole: the workbook, its sheets and their strings."""
    if fmt == "ods":
        return name == "content.xml"
    return name.startswith(
        ("xl/worksheets/", "xl/workbook.xml", "xl/sharedStrings.xml", "xl/_rels/")
    )


class _PartScan:
    def start(self, tag: str, attrs: dict[str, str]) -> None:
        pass

    def end(self, tag: str) -> None:
        pass

    def done(self) -> None:
        pass


def _check_cell(extent: SheetExtent, row: int, col: int, limits: GuardLimits) -> None:
    if row > EXCEL_ROWS or col > EXCEL_COLS or row < 1 or col < 1:
        raise _too_large(
            f"trang “{_sheet_label(extent.name)}” có ô {_ref_name(max(row, 1), max(col, 1))} "
            "nằm ngoài giới hạn của Excel"
        )
    if row > extent.max_row or col > extent.max_col:
        extent.max_row = max(extent.max_row, row)
        extent.max_col = max(extent.max_col, col)
        if extent.area > limits.cells_per_sheet:
            raise _too_large(
                f"trang “{_sheet_label(extent.name)}” trải tới ô "
                f"{_ref_name(extent.max_row, extent.max_col)} ({_n(extent.max_row)} hàng × "
                f"{_n(extent.max_col)} cột), giới hạn {_n(limits.cells_per_sheet)} ô"
            )


def _add_merged(extent: SheetExtent, area: int, limits: GuardLimits) -> None:
    extent.merged_cells += area
    if extent.merged_cells > limits.merged_cells:
        raise _too_large(
            f"trang “{_sheet_label(extent.name)}” gộp {_n(extent.merged_cells)} ô, "
            f"giới hạn {_n(limits.merged_cells)}"
        )
    if extent.merged_before + extent.merged_cells > limits.merged_total:
        raise _too_large(
            f"các trang tính gộp tổng cộng {_n(extent.merged_before + extent.merged_cells)} ô, "
            f"giới hạn {_n(limits.merged_total)}"
        )


def _merged_so_far(sheets: list[SheetExtent]) -> int:
    return sum(sheet.merged_cells for sheet in sheets)


def _sheet_label(name: str) -> str:
    return name[-60:]


def _range_area(ref: str) -> int | None:
    bounds = parse_range(ref)
    if bounds is None:
        return None
    (r0, c0), (r1, c1) = bounds
    return (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)


# A byte scan of a worksheet part, for the common case: UTF-8, no comment or CDATA that
# could hide markup, every cell with its reference. Anything else is measured element by
# element through expat. Either way expat parses the part (DTDs and entities refused).
_OPEN = rb"<(?:[A-Za-z_][\w.-]*:)?"
# An attribute by its plain name (a prefixed one, "x:r", is another attribute).
_ATTR = rb"""(?:[^>]*?\s)?%s\s*=\s*(?:"([^"]*)"|'([^']*)')"""
_XML_CELL_TAG = re.compile(_OPEN + rb"c[\s/>]")
_XML_CELL_REF = re.compile(
    _OPEN + rb"""c\s(?:[^>]*?\s)?r\s*=\s*["']\s*\$?([A-Za-z]{1,4})\$?(\d{1,9})\s*["']"""
)
_XML_DIMENSION = re.compile(_OPEN + rb"dimension\s" + _ATTR % rb"ref")
_XML_MERGE = re.compile(_OPEN + rb"mergeCell\s" + _ATTR % rb"ref")
_XML_FORMULA_TAG = re.compile(_OPEN + rb"f[\s/>]")
_XML_FORMULA_REF = re.compile(_OPEN + rb"f\s" + _ATTR % rb"ref")
_XML_SHEET_DATA = re.compile(_OPEN + rb"sheetData[\s/>]")
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']""")


def _value(match: re.Match[bytes]) -> str:
    raw = match.group(1) if match.group(1) is not None else match.group(2)
    return raw.decode("utf-8", "replace")


def _column_number(letters: bytes) -> int:
    col = 0
    for ch in letters.upper():
        col = col * 26 + ch - 64
    return col


class _WorksheetScan(_PartScan):
    """Any part with `<sheetData>`: worksheets, macro sheets, whatever a rel points at."""

    def measure_bytes(self, data: bytes) -> bool:
        """Measure the part from its bytes, without a Python call per element (calamine
        parses it anyway); False when it is not the plain case, for expat's callbacks."""
        if b"<!" in data or data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
            return False
        declared = _XML_ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
        if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
            return False
        refs = _XML_CELL_REF.findall(data)
        if len(refs) != len(_XML_CELL_TAG.findall(data)):
            return False  # a cell placed by position, or a reference expat's scan names
        if refs:
            rows = [int(digits) for _, digits in refs]
            letters = {letters.upper() for letters, _ in refs}
            _check_cell(self.extent, max(rows), max(map(_column_number, letters)), self.limits)
        self.extent.n_cells += len(refs)
        dimension = _XML_DIMENSION.search(data)
        if dimension is not None:
            self.extent.dimension = _value(dimension)
        for merge in _XML_MERGE.finditer(data):
            self.start("mergeCell", {"ref": _value(merge)})
        self.extent.formula_cells += len(_XML_FORMULA_TAG.findall(data))
        for formula in _XML_FORMULA_REF.finditer(data):
            self.start("f", {"ref": _value(formula)})
            self.extent.formula_cells -= 1  # counted above
        self.seen_data = self.seen_data or _XML_SHEET_DATA.search(data) is not None
        return True

    def __init__(self, book: _WorkbookScan, extent: SheetExtent) -> None:
        self.book, self.extent, self.limits = book, extent, book.limits
        self.row = 0
        self.col = 0
        self.seen_data = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "c":
            ref = attrs.get("r")
            position = parse_ref(ref) if ref else None
            if ref and position is None:
                raise _broken(f"tham chiếu ô “{ref[:20]}” không hợp lệ")
            if position is None:
                self.col += 1
                position = (max(self.row, 1), self.col)
            self.row, self.col = position[0], position[1]
            self.extent.n_cells += 1
            _check_cell(self.extent, position[0], position[1], self.limits)
        elif tag == "row":
            raw = attrs.get("r")
            if raw is not None:
                if not raw.strip().isdigit():
                    raise _broken(f"số hàng “{raw[:20]}” không hợp lệ")
                self.row = int(raw)
            else:
                self.row += 1
            self.col = 0
        elif tag == "sheetData":
            self.seen_data = True
        elif tag == "dimension":
            self.extent.dimension = attrs.get("ref")
        elif tag == "mergeCell":
            area = _range_area(attrs.get("ref", ""))
            if area is None:
                raise _broken(f"vùng gộp ô “{attrs.get('ref', '')[:30]}” không hợp lệ")
            _add_merged(self.extent, area, self.limits)
        elif tag == "f":
            self.extent.formula_cells += 1
            ref = attrs.get("ref")
            area = _range_area(ref) if ref else None
            if area is not None and area > self.limits.cells_per_sheet:
                raise _too_large(
                    f"công thức dùng chung trên vùng {ref[:30]} ({_n(area)} ô), "
                    f"giới hạn {_n(self.limits.cells_per_sheet)} ô"
                )

    def done(self) -> None:
        if self.seen_data:
            self.book.add_sheet(self.extent)


class _WorkbookPartScan(_PartScan):
    def __init__(self, book: _WorkbookScan) -> None:
        self.book = book

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "sheet":
            self.book.declared_sheets += 1
            if self.book.declared_sheets > self.book.limits.sheets:
                raise _too_large(f"hơn {_n(self.book.limits.sheets)} trang tính")
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            if rid is not None:
                self.book.sheet_ids[rid] = attrs.get("name", "")[:100]


class _RelationshipsScan(_PartScan):
    def __init__(self, book: _WorkbookScan) -> None:
        self.book = book

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Relationship" and "Id" in attrs and len(self.book.targets) < 10_000:
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            self.book.targets[attrs["Id"]] = part


class _SharedStringsScan(_PartScan):
    """Readers reserve room for the count the string table declares: it must be true."""

    def __init__(self, book: _WorkbookScan) -> None:
        self.limits = book.limits
        self.items = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "sst":
            for key in ("count", "uniqueCount"):
                raw = attrs.get(key, "0").strip()
                declared = int(raw) if raw.isdigit() else -1
                if declared < 0:
                    raise _broken(f"bảng chuỗi ghi số lượng “{raw[:20]}” không hợp lệ")
                if declared > self.limits.strings:
                    raise _too_large(
                        f"bảng chuỗi khai báo {_n(declared)} chuỗi, giới hạn {_n(self.limits.strings)}"
                    )
        elif tag == "si":
            self.items += 1
            if self.items > self.limits.strings:
                raise _too_large(f"hơn {_n(self.limits.strings)} chuỗi ký tự")


class _OdsContentScan(_PartScan):
    """content.xml of an .ods: repeated rows and cells counted, never expanded.

    LibreOffice pads every sheet with empty cells repeated to the grid's edge (1,024
    columns, 1,048,576 rows): only cells holding something extend the extent, but an
    empty run followed by a filled cell moves that cell far out, as readers will.
    """

    _TABLE, _ROW, _CELLS = "table", "table-row", ("table-cell", "covered-table-cell")

    def __init__(self, book: _WorkbookScan) -> None:
        self.book, self.limits = book, book.limits
        self.extent: SheetExtent | None = None
        self.row = 0  # rows before the current one
        self.row_repeat = 1
        self.row_filled = 0  # last filled column of the current row
        self.col = 0
        self.cell: tuple[int, bool] | None = None  # (repeat, filled) of the open cell
        self.depth = 0

    @staticmethod
    def _repeat(attrs: dict[str, str], key: str) -> int:
        raw = attrs.get(f"urn:oasis:names:tc:opendocument:xmlns:table:1.0 {key}", "1").strip()
        if not raw.isdigit():
            raise _broken(f"giá trị lặp “{raw[:20]}” không hợp lệ")
        return max(int(raw), 1)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == self._TABLE:
            name = next((v for k, v in attrs.items() if _local(k) == "name"), "")
            self.extent = SheetExtent(
                name[:100] or f"{len(self.book.sheets) + 1}",
                merged_before=_merged_so_far(self.book.sheets),
            )
            self.row = 0
        elif self.extent is None:
            return
        elif tag == self._ROW:
            self.row_repeat = self._repeat(attrs, "number-rows-repeated")
            self.col, self.row_filled = 0, 0
        elif tag in self._CELLS:
            repeat = self._repeat(attrs, "number-columns-repeated")
            filled = any(_local(k) == "value-type" for k in attrs)
            self.cell = (repeat, filled)
            spanned_rows = self._repeat(attrs, "number-rows-spanned")
            spanned_cols = self._repeat(attrs, "number-columns-spanned")
            if spanned_rows * spanned_cols > 1:
                _add_merged(self.extent, spanned_rows * spanned_cols * repeat, self.limits)
        elif self.cell is not None:
            self.cell = (self.cell[0], True)  # text:p and the like: the cell holds something

    def end(self, tag: str) -> None:
        if self.extent is None:
            return
        if tag in self._CELLS and self.cell is not None:
            repeat, filled = self.cell
            self.col += repeat
            if filled:
                self.row_filled = self.col
            self.cell = None
        elif tag == self._ROW:
            if self.row_filled:
                _check_cell(self.extent, self.row + self.row_repeat, self.row_filled, self.limits)
            self.row += self.row_repeat
        elif tag == self._TABLE:
            self.book.add_sheet(self.extent)
            self.extent = None


# ------------------------------------------------------------------------ OLE2 (.xls)

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAXREGSECT = 0xFFFFFFFA
_ENDOFCHAIN = 0xFFFFFFFE
_ENCRYPTION_STREAMS = {"encryptedpackage", "encryptioninfo"}
_WORKBOOK_STREAMS = ("workbook", "book")


@dataclass(frozen=True)
class _DirEntry:
    name: str
    kind: int
    start: int
    size: int


class _Ole:
    """A compound file read the way a tolerant reader does (header counts that lie are
    bounded, not trusted), with every sector number checked against the file's length
    and every chain against cycles."""

    def __init__(self, data: bytes, limits: GuardLimits) -> None:
        if len(data) < 512:
            raise _broken("tệp .xls bị cắt cụt")
        self.data, self.limits = data, limits
        (major, _, shift, mini_shift) = struct.unpack_from("<HHHH", data, 26)
        if (major, shift) not in ((3, 9), (4, 12)) or mini_shift != 6:
            raise _broken("phần đầu tệp .xls (OLE2) không hợp lệ")
        self.sector = 1 << shift
        self.n_sectors = -(-(len(data) - self.sector) // self.sector)
        (n_fat, self.dir_start, _, self.cutoff, self.mini_fat_start, _, difat_start, _) = (
            struct.unpack_from("<IIIIIIII", data, 44)
        )
        self.fat = self._fat(min(n_fat, self.n_sectors), difat_start)

    def _sector(self, index: int) -> bytes:
        if index > _MAXREGSECT or index >= self.n_sectors:
            raise _broken(f"tệp .xls trỏ tới sector {_n(index)} ngoài tệp")
        offset = (index + 1) * self.sector
        return self.data[offset : offset + self.sector].ljust(self.sector, b"\0")

    def _entries(self, index: int) -> tuple[int, ...]:
        return struct.unpack(f"<{self.sector // 4}I", self._sector(index))

    def _fat(self, n_fat: int, difat_start: int) -> list[int]:
        locations = list(struct.unpack_from("<109I", self.data, 76))
        seen: set[int] = set()
        sector = difat_start
        while sector <= _MAXREGSECT and len(locations) < n_fat and sector < self.n_sectors:
            if sector in seen:
                raise _broken("chuỗi DIFAT của tệp .xls bị lặp vòng")
            seen.add(sector)
            entries = self._entries(sector)
            locations.extend(entries[:-1])
            sector = entries[-1]
        fat: list[int] = []
        for location in locations[:n_fat]:
            if location <= _MAXREGSECT and location < self.n_sectors:
                fat.extend(self._entries(location))
        return fat

    def chain(
        self, start: int, table: list[int] | None = None, needed: int | None = None
    ) -> list[int]:
        """The sector numbers of a chain, the first `needed` of them (all when None); a
        cycle, or a link past the table or the file, is a defect."""
        table = self.fat if table is None else table
        sectors: list[int] = []
        seen: set[int] = set()
        sector = start
        while sector <= _MAXREGSECT and (needed is None or len(sectors) < needed):
            if sector >= len(table):
                raise _broken(f"tệp .xls trỏ tới sector {_n(sector)} ngoài bảng cấp phát")
            if sector in seen:
                raise _broken("chuỗi sector của tệp .xls bị lặp vòng")
            seen.add(sector)
            sectors.append(sector)
            sector = table[sector]
        if needed is not None and len(sectors) < needed:
            raise _broken("chuỗi sector của tệp .xls bị đứt")
        return sectors

    def directory(self) -> list[_DirEntry]:
        entries = []
        for sector in self.chain(self.dir_start):
            raw = self._sector(sector)
            for offset in range(0, self.sector, 128):
                name_len, kind = struct.unpack_from("<HB", raw, offset + 64)
                start, size = struct.unpack_from("<IQ", raw, offset + 116)
                name = raw[offset : offset + min(name_len, 64)].decode("utf-16-le", "replace")
                entries.append(_DirEntry(name.rstrip("\0"), kind, start, size))
                if len(entries) > self.limits.entries:
                    raise _too_large(f"hơn {_n(self.limits.entries)} mục trong tệp .xls")
        return entries

    def stream(self, entry: _DirEntry, root: _DirEntry) -> bytes:
        size = entry.size if self.sector == 4096 else entry.size & 0xFFFFFFFF
        if size > self.limits.entry_bytes or size > len(self.data):
            raise _too_large(
                f"luồng “{entry.name}” khai báo {_mb(size)}, lớn hơn cả tệp hoặc giới hạn"
            )
        if size < self.cutoff:
            mini_fat = [v for s in self.chain(self.mini_fat_start) for v in self._entries(s)]
            needed_mini = -(-root.size // self.sector) if root.size else None
            ministream = b"".join(
                self._sector(s) for s in self.chain(root.start, needed=needed_mini)
            )
            mini = self.chain(entry.start, mini_fat, needed=-(-size // 64))
            data = b"".join(ministream[s * 64 : s * 64 + 64] for s in mini)
        else:
            needed = -(-size // self.sector)
            data = b"".join(self._sector(s) for s in self.chain(entry.start, needed=needed))
        if len(data) < size:
            raise _broken(f"luồng “{entry.name}” của tệp .xls bị cắt cụt")
        return data[:size]


def _check_ole(data: bytes, limits: GuardLimits) -> None:
    try:
        ole = _Ole(data, limits)
        entries = ole.directory()
    except struct.error as exc:
        raise _broken("cấu trúc tệp .xls (OLE2) bị hỏng") from exc
    if _ENCRYPTION_STREAMS & {e.name.lower() for e in entries if e.kind in (1, 2, 5)}:
        raise _Refused("file-encrypted", "tệp Office được mã hóa bằng mật khẩu")
    try:
        stream = _workbook_stream(ole, entries)
    except struct.error as exc:
        raise _broken("cấu trúc tệp .xls (OLE2) bị hỏng") from exc
    if stream is not None:  # else not a workbook (a Word .doc...): the reader says what
        _check_biff(stream, limits)


def _workbook_stream(ole: _Ole, entries: list[_DirEntry]) -> bytes | None:
    """The BIFF "Workbook" (or "Book") stream of an OLE2 file; None when it has none."""
    names = {e.name.lower(): e for e in entries if e.kind in (1, 2, 5)}
    workbook = next((names[n] for n in _WORKBOOK_STREAMS if n in names), None)
    root = next((e for e in entries if e.kind == 5), None)
    if workbook is None or root is None:
        return None
    return ole.stream(workbook, root)


# BIFF record types whose data starts with (row u16, column u16)
_CELL_RECORDS = {0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6}
_MULTI_RECORDS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column
_BOF, _EOF, _DIMENSIONS, _MERGE, _SST, _FILEPASS, _BOUNDSHEET = (
    0x0809,
    0x000A,
    0x0200,
    0x00E5,
    0x00FC,
    0x002F,
    0x0085,
)


def _biff_records(stream: bytes, offset: int, budget: list[int]) -> Iterator[tuple[int, bytes]]:
    """Records from `offset` to the substream's EOF, as calamine walks them."""
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = stream[offset + 4 : offset + 4 + length]
        offset += 4 + length
        budget[0] -= 1
        if budget[0] < 0:
            raise _too_large("quá nhiều bản ghi trong tệp .xls")
        if len(body) < length:
            raise _broken("bản ghi cuối của tệp .xls bị cắt cụt")
        yield kind, body
        if kind == _EOF:
            return


def _boundsheet_name(body: bytes) -> str:
    """The sheet's name in a BOUNDSHEET record (BIFF8: 8-bit or UTF-16 characters)."""
    if len(body) < 8:
        return ""
    length, wide = body[6], body[7] & 1
    raw = body[8 : 8 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")[:100]


def _check_biff(stream: bytes, limits: GuardLimits) -> None:
    """The Workbook stream as calamine reads it: the globals from the start, then each
    sheet from the position its BOUNDSHEET record gives (not necessarily where the
    previous substream ended: a position can point into the middle of another record)."""
    budget = [limits.records]
    positions: list[tuple[int, str]] = []
    for kind, body in _biff_records(stream, 0, budget):
        if kind == _FILEPASS:
            raise _Refused("file-encrypted", "tệp .xls đặt mật khẩu mở tệp")
        if kind == _BOUNDSHEET and len(body) >= 4:
            positions.append((struct.unpack_from("<I", body, 0)[0], _boundsheet_name(body)))
            if len(positions) > limits.sheets:
                raise _too_large(f"hơn {_n(limits.sheets)} trang tính")
        elif kind == _SST and len(body) >= 8:
            total, unique = struct.unpack_from("<ii", body, 0)
            if min(total, unique) < 0 or max(total, unique) > limits.strings:
                raise _too_large(f"bảng chuỗi khai báo {_n(max(total, unique, 0))} chuỗi")
            if unique > len(stream) // 3:  # every string takes at least three bytes
                raise _broken(f"bảng chuỗi khai báo {_n(unique)} chuỗi, nhiều hơn tệp chứa được")
    total_area = merged = 0
    for number, (position, name) in enumerate(positions, start=1):
        if position >= len(stream):
            raise _broken(f"trang tính thứ {number} của tệp .xls trỏ ra ngoài tệp")
        extent = SheetExtent(name or str(number), merged_before=merged)
        for kind, body in _biff_records(stream, position, budget):
            _biff_sheet_record(extent, kind, body, limits)
        total_area += extent.area
        merged += extent.merged_cells
        if total_area > limits.cells_total:
            raise _too_large(f"các trang tính trải tổng cộng {_n(total_area)} ô")


def biff_sheets(
    data: bytes, limits: GuardLimits = LIMITS
) -> Iterator[tuple[str | None, int, bytes]]:
    """(sheet name, record type, body) of every BIFF record of an .xls that the guard has
    passed: the globals first (sheet None), then each worksheet's substream."""
    ole = _Ole(data, limits)
    stream = _workbook_stream(ole, ole.directory())
    if stream is None:
        return
    budget = [limits.records]
    positions: list[tuple[int, str]] = []
    for kind, body in _biff_records(stream, 0, budget):
        if kind == _BOUNDSHEET and len(body) >= 8 and body[5] == 0:  # a worksheet
            positions.append((struct.unpack_from("<I", body, 0)[0], _boundsheet_name(body)))
        yield None, kind, body
    for position, name in positions:
        for kind, body in _biff_records(stream, position, budget):
            yield name, kind, body


def _biff_sheet_record(extent: SheetExtent, kind: int, body: bytes, limits: GuardLimits) -> None:
    if kind in _CELL_RECORDS and len(body) >= 4:
        row, col = struct.unpack_from("<HH", body, 0)
        _check_cell(extent, row + 1, col + 1, limits)
    elif kind in _MULTI_RECORDS and len(body) >= 6:
        row, first = struct.unpack_from("<HH", body, 0)
        (last,) = struct.unpack_from("<H", body, len(body) - 2)
        if last < first:
            raise _broken("bản ghi ô của tệp .xls bị hỏng")
        _check_cell(extent, row + 1, last + 1, limits)
    elif kind == _DIMENSIONS:
        _biff_dimensions(extent, body, limits)
    elif kind == _MERGE and len(body) >= 2:
        (n,) = struct.unpack_from("<H", body, 0)
        if len(body) < 2 + 8 * n:
            raise _broken("bản ghi gộp ô của tệp .xls bị hỏng")
        for i in range(n):
            r0, r1, c0, c1 = struct.unpack_from("<HHHH", body, 2 + 8 * i)
            if r1 < r0 or c1 < c0:
                raise _broken("vùng gộp ô của tệp .xls bị hỏng")
            _add_merged(extent, (r1 - r0 + 1) * (c1 - c0 + 1), limits)


def _biff_dimensions(extent: SheetExtent, body: bytes, limits: GuardLimits) -> None:
    """calamine reserves (last row - first row + 1) × (columns) cells from this record, with
    unsigned arithmetic: a lie in either direction is an allocation of terabytes."""
    if len(body) == 14:
        first_row, end_row, first_col, end_col = struct.unpack_from("<IIHH", body, 0)
    elif len(body) == 10:
        first_row, end_row, first_col, end_col = struct.unpack_from("<HHHH", body, 0)
    else:
        raise _broken("bản ghi kích thước trang (DIMENSIONS) của tệp .xls bị hỏng")
    extent.dimension = f"{first_row}:{end_row},{first_col}:{end_col}"
    if end_row < 1 or end_col < 1:
        return  # an empty sheet: calamine reserves nothing
    if end_row - 1 < first_row or end_col - 1 < first_col:
        raise _broken("bản ghi kích thước trang (DIMENSIONS) của tệp .xls ghi sai")
    rows, cols = end_row - first_row, end_col - first_col
    if rows * cols > limits.cells_per_sheet:
        raise _too_large(
            f"trang tính khai báo {_n(rows)} hàng × {_n(cols)} cột, "
            f"giới hạn {_n(limits.cells_per_sheet)} ô"
        )


# ------------------------------------------------------------ XML Spreadsheet 2003

SPREADSHEETML_NS = "urn:schemas-microsoft-com:office:spreadsheet"


class _SpreadsheetMLScan(_PartScan):
    """Rows and cells placed by `ss:Index` and spanned by `ss:MergeAcross/MergeDown`,
    measured arithmetically: an index of 1,048,576 allocates nothing here."""

    def __init__(self, limits: GuardLimits) -> None:
        self.limits = limits
        self.extent: SheetExtent | None = None
        self.total = 0
        self.merged = 0
        self.sheets = 0
        self.row = 0
        self.col = 0

    def _number(self, attrs: dict[str, str], key: str) -> int | None:
        raw = attrs.get(f"{SPREADSHEETML_NS} {key}")
        if raw is None:
            return None
        if not raw.strip().isdigit():
            raise _broken(f"giá trị ss:{key} “{raw[:20]}” không hợp lệ")
        return int(raw)

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "Worksheet":
            self.sheets += 1
            if self.sheets > self.limits.sheets:
                raise _too_large(f"hơn {_n(self.limits.sheets)} trang tính")
            self.extent = SheetExtent(
                attrs.get(f"{SPREADSHEETML_NS} Name", str(self.sheets))[:100],
                merged_before=self.merged,
            )
            self.row = 0
        elif self.extent is None:
            return
        elif tag == "Row":
            index = self._number(attrs, "Index")
            self.row = index if index else self.row + 1
            self.col = 0
        elif tag == "Cell":
            index = self._number(attrs, "Index")
            self.col = index if index else self.col + 1
            across = self._number(attrs, "MergeAcross") or 0
            down = self._number(attrs, "MergeDown") or 0
            _check_cell(self.extent, max(self.row, 1) + down, self.col + across, self.limits)
            if across or down:
                _add_merged(self.extent, (across + 1) * (down + 1), self.limits)
            self.col += across

    def end(self, tag: str) -> None:
        if tag == "Worksheet" and self.extent is not None:
            self.total += self.extent.area
            self.merged += self.extent.merged_cells
            if self.total > self.limits.cells_total:
                raise _too_large(f"các trang tính trải tổng cộng {_n(self.total)} ô")
            self.extent = None


def _check_spreadsheetml(data: bytes, limits: GuardLimits) -> None:
    scan = _SpreadsheetMLScan(limits)
    chunks = (data[i : i + (1 << 16)] for i in range(0, len(data), 1 << 16))
    parse_xml_stream(chunks, scan.start, "Workbook", scan.end)


# ---------------------------------------------------------------------- HTML and CSV

_HTML_CELL = re.compile(rb"<t[dh](\s[^>]{0,2000})?>", re.IGNORECASE)
_HTML_SPAN = re.compile(rb"(row|col)span\s*=\s*[\"']?\s*(\d{1,12})", re.IGNORECASE)
_HTML_SPAN_CAP = 1000  # what read.py caps a span at


def _check_html(data: bytes, limits: GuardLimits) -> None:
    """The grid an HTML table makes: one cell per <td>, each spanning rowspan × colspan."""
    covered = 0
    for match in _HTML_CELL.finditer(data):
        spans = {"row": 1, "col": 1}
        for span in _HTML_SPAN.finditer(match.group(1) or b""):
            spans[span.group(1).decode().lower()] = max(1, min(int(span.group(2)), _HTML_SPAN_CAP))
        covered += spans["row"] * spans["col"]
        if covered > limits.cells_per_sheet:
            raise _too_large(
                f"bảng HTML phủ hơn {_n(limits.cells_per_sheet)} ô (kể cả ô gộp rowspan/colspan)"
            )


def _check_csv(data: bytes, limits: GuardLimits) -> None:
    lines = data.count(b"\n") + 1
    separators = max(data.count(d) for d in (b",", b";", b"\t", b"|"))
    if lines + separators > limits.cells_total:
        raise _too_large(f"tệp CSV có khoảng {_n(lines + separators)} ô")
