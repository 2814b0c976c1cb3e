"""Messy sample month: every variation of SPEC §5, one variation class per file, with the
truth written beside the files.

Why it exists: the parser must read every kind of submission the provinces really send.
This module writes a test bed for it: `per_class` files of each variation class in
`VARIATIONS`, each file a clean *baseline* report (a vertical form, or a wide table of
three communes, with catalog labels, plain integers, the unit's code, "Tháng 10 năm
2026" and a dated footer) changed in exactly the one way its class names, so that
accuracy can be measured per class (`VariationClass.what` says how, for each class). The truth has the same schema as `generate_month`'s, plus two
columns in `files`: `variation` (the class) and `format` (xlsx, xlsm, xls, ods, html, csv:
what the bytes are, whatever the extension says).

Truth policy (the pipeline's, as in generate.py): one fact per (unit, indicator) with its
value (float; categories in value_text), file, sheet and A1 source cell; blank and "-"
cells are no facts; every indicator a unit reports is required (phan_loai_phong_trao only
in December), so a not-reported cell is a `missing-required` error at that cell; an
error holds back the value it names. No file of the messy month is rejected. Every unit
appears in one file only, a province's own report (at most one per province) is a form
whose figures are the sums over all its communes (never below the sum of the facts, so
no cross-level finding), and wide tables here have no total row: a table only reports
the communes it lists, so tables of one province share no unit.

Contract with the parser, for the sheets and cells the truth names:

- xlsx, xlsm, xls, ods: the sheets and cells as written (A1 = row 1, column A).
- html (an HTML page saved under a .xls name, UTF-8 with a meta charset): one sheet per
  `<table>`, named "Table1", "Table2", ... in document order; its cells are A1 positions
  over the table's `<tr>` rows and their `<td>`/`<th>` cells, with rowspan/colspan
  expanded like merged cells: the spanned area's top-left cell holds the text, the
  others are empty. Text outside any table (title lines above it) is in no sheet; the
  generator never puts there anything the parser needs (unit, code, period stay in the
  table). Every cell is text; numbers are written as the text a clerk types.
- csv (UTF-8 with BOM, comma-separated, saved as .xlsx or .xls): one sheet named after
  the file's stem (the file name without its last extension); A1 = first field of the
  first line. Merged areas of the template keep their text in the top-left field only.
- Formulas (xlsx): with a cached value (`formula-cached`) the fact is the cached value;
  a plain `=SUM(...)` over cells of the same sheet without a cached value
  (`formula-sum-uncached`) is a fact whose value is the evaluated sum, at the formula's
  cell; any other formula without a cached value (`formula-other-uncached`) is a
  `formula-without-value` error at its cell and no fact.
- Fractions (`fraction`): "27/30" in a part-of-a-whole indicator (khu_dan_cu_dat_chuan,
  cqdn_nt_dat_chuan) is the numerator, 27, a fact at that cell; the form's whole
  (khu_dan_cu_tong, cqdn_nt_tong) is the denominator, written in its own row.
- Hidden rows (`hidden-rows`, xlsx only): rows with `hidden="1"` hold stale figures
  (an older copy of an indicator's row, an older copy of a commune's row, or a commune
  that did not report this month). They are never read: no fact, no finding.
- Unknown labels (`unknown-label`): one extra row (form) or column (table) whose label
  is close to an indicator but not one; it gets an `unknown-label` warning, at the
  row's value cell in a form, at the column's header cell in a table (with no unit),
  and its numbers are no facts.
- Periods: in `date-cell-period`, `period-in-sheet-name` and `period-in-file-name` the
  period is written only where the class says (a real date cell beside "Kỳ báo cáo:",
  the sheet name, the file name; the inbox folder `<period>/` names it too): the title
  has no period line and the footer date is left blank ("ngày ..... tháng .....").
- Notes, signature blocks, "Lũy kế", "Cùng kỳ" and "Ghi chú" columns, cover, guide and
  hidden sheets hold numbers that are never facts and never findings.

Determinism: every choice is drawn from `rng_for(seed, period, ...)`; workbooks get fixed
zip timestamps, so a seed gives byte-identical files and truth, whatever `workers` is.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from antq.sample.generate import (
    FILE_COLUMNS,
    INBOX_DIR,
    PEOPLE,
    TITLE,
    TYPE_ABBREVIATIONS,
    VN_TZ,
    SampleTruth,
    Value,
    agency_line,
    clear_previous_sample,
    collect_truth,
    commune_values,
    date_line,
    full_name,
    group_prefixes,
    identifies,
    indicator_groups,
    parent_agency,
    parse_period,
    previous_period,
    province_folder,
    province_values,
    reported_indicators,
    rng_for,
    rule_free_codes,
    signers,
    strip_marks,
    type_word,
    vn_thousands,
)
from antq.schemas.catalog import Indicator, catalog
from antq.schemas.registry import Unit, registry
from antq.text import fold
from tools.sheets import (
    Book,
    Cell,
    Formula,
    Grid,
    GridValue,
    a1,
    csv_bytes,
    html_bytes,
    ods_bytes,
    xls_bytes,
    xlsx_bytes,
)

Format = Literal["xlsx", "xlsm", "xls", "ods", "html", "csv"]
Layout = Literal["form", "table"]


# --------------------------------------------------------------------------- the classes


@dataclass(frozen=True)
class VariationClass:
    """A way real submissions differ from the baseline; `layouts` alternate by file."""

    name: str
    layouts: tuple[Layout, ...]
    what: str
    format: Format = "xlsx"
    province_report: bool = True  # may carry a province's own report (forms only)


_BOTH: tuple[Layout, ...] = ("form", "table")
VARIATIONS: tuple[VariationClass, ...] = (
    VariationClass("format-xlsx", _BOTH, "the baseline as .xlsx", "xlsx"),
    VariationClass(
        "format-xlsm", _BOTH, "the baseline as .xlsm (macro-enabled content type)", "xlsm"
    ),
    VariationClass("format-xls", _BOTH, "the baseline as legacy BIFF8 .xls (xlwt)", "xls"),
    VariationClass("format-ods", _BOTH, "the baseline as OpenDocument .ods", "ods"),
    VariationClass(
        "format-html-as-xls",
        _BOTH,
        "the baseline as an HTML table named .xls; motto and title above it in 2 of 3 files",
        "html",
    ),
    VariationClass(
        "format-csv-as-xlsx", _BOTH, "the baseline as CSV (UTF-8, BOM) named .xlsx/.xls", "csv"
    ),
    VariationClass(
        "sheet-among-several",
        _BOTH,
        "cover and guide sheets, a hidden copy of last month's report, then the report",
    ),
    VariationClass("header-rows-3", ("table",), "section over group header over sub-header"),
    VariationClass("offset-start", _BOTH, "the report starts at row 8-12, column F-H"),
    VariationClass("spacer-rows-cols", _BOTH, "blank rows between lines, blank columns"),
    VariationClass(
        "hidden-rows", _BOTH, "hidden rows with stale figures (older rows, a silent commune)"
    ),
    VariationClass(
        "notes-signature-below", _BOTH, "notes with numbers, recipients, number, phone below"
    ),
    VariationClass(
        "value-col-position", ("form",), "the value column 2nd or 3rd, STT or ĐVT missing"
    ),
    VariationClass(
        "label-mangling", _BOTH, "labels re-cased, unaccented, numbered, abbreviated, reworded"
    ),
    VariationClass(
        "extra-columns", _BOTH, "Lũy kế, Cùng kỳ and Ghi chú columns with numbers in them"
    ),
    VariationClass("unknown-label", _BOTH, "an extra row or column close to an indicator"),
    VariationClass(
        "numbers-as-text", _BOTH, 'numbers as text: "1.231", "12 ", "600 triệu đồng", ...'
    ),
    VariationClass("dash-blank", _BOTH, '"-", "—", "x" or empty: missing-required errors'),
    VariationClass("approximate", _BOTH, '"khoảng 200", "gần 1.200": facts with warnings'),
    VariationClass("fraction", ("form",), '"27/30" in part-of-a-whole indicators'),
    VariationClass(
        "dat-chua-dat",
        _BOTH,
        'xa_dat_chuan as "Đạt", "x", 1, "Chưa đạt", 0, in several cases',
        province_report=False,
    ),
    VariationClass("formula-cached", _BOTH, "=SUM, =base*k and =a+b with cached values"),
    VariationClass("formula-sum-uncached", _BOTH, "=SUM of the parts without a cached value"),
    VariationClass(
        "formula-other-uncached", _BOTH, "=D20*2, =IF, =ROUND or =VLOOKUP without a value"
    ),
    VariationClass("date-cell-period", _BOTH, 'the period only as a date beside "Kỳ báo cáo:"'),
    VariationClass(
        "code-lost-zeros",
        _BOTH,
        "the unit code as a number (70 for 00070) in the title or the code column",
        province_report=False,
    ),
    VariationClass(
        "messy-unit-names",
        _BOTH,
        'no code, names like "P. Hoàn Kiếm", "phuong hoan kiem", "Hoàn Kiếm"',
        province_report=False,
    ),
    VariationClass(
        "period-spellings", _BOTH, '"tháng 10/2026", "T10/2026", "10-2026", "THÁNG 10 ..."'
    ),
    VariationClass("period-in-sheet-name", _BOTH, 'the period only in the sheet name "T10-2026"'),
    VariationClass("period-in-file-name", _BOTH, 'the period only in the file name "BC_T10_2026_"'),
)
VARIATION_NAMES: tuple[str, ...] = tuple(v.name for v in VARIATIONS)
_BY_NAME = {v.name: v for v in VARIATIONS}

MESSY_FILE_COLUMNS: dict[str, object] = {**FILE_COLUMNS, "variation": "str", "format": "str"}
MESSY_MODE = "messy"  # the `mode` of every file of a messy month
TABLE_ROWS = 3  # communes listed by one wide table
PROVINCE_REPORT_EVERY = 6  # about one province form per this many forms of a province
EXTENSIONS: dict[Format, str] = {
    "xlsx": "xlsx",
    "xlsm": "xlsm",
    "xls": "xls",
    "ods": "ods",
    "html": "xls",
    "csv": "xlsx",
}

# Part-of-a-whole indicators clerks write as "27/30" (generator knowledge, like
# MAGNITUDES: which parts are counted "out of" their catalog `not_greater` limit).
FRACTION_PARTS = ("khu_dan_cu_dat_chuan", "cqdn_nt_dat_chuan")
# Labels close to an indicator that are none: (the indicator they sit next to, label).
NEAR_MISS_LABELS: tuple[tuple[str, str], ...] = (
    ("buoi_tuyen_truyen", "Số buổi tuyên truyền miệng"),
    ("buoi_tuyen_truyen", "Số buổi tuyên truyền trên loa truyền thanh"),
    ("nguon_tin", "Số nguồn tin qua đường dây nóng"),
    ("mo_hinh_tong", "Số mô hình điểm được công nhận"),
    ("to_tu_quan", "Số tổ tự quản được khen thưởng"),
    ("tin_bai", "Số tin, bài đăng trên mạng xã hội"),
    ("doi_tuong_bat_giu", "Số đối tượng truy nã ra đầu thú"),
    ("khu_dan_cu_tong", "Số khu dân cư có camera an ninh"),
    ("lop_tap_huan", "Số lớp tập huấn phòng cháy, chữa cháy"),
    ("doi_thoai", "Số cuộc họp dân ở khu dân cư"),
)
PERIOD_SPELLINGS = (
    "Tháng {m} năm {y}",
    "tháng {m}/{y}",
    "T{m}/{y}",
    "{m}-{y}",
    "THÁNG {m} NĂM {y}",
    "Kỳ báo cáo: tháng {m:02d}/{y}",
)
SHEET_PERIODS = ("T{m}-{y}", "T{m}.{y}", "Tháng {m}-{y}", "T{m:02d}_{y}")
FILE_PERIODS = (
    "BC_T{m}_{y}_{name}",
    "BC T{m:02d}-{y} {name}",
    "{name}_T{m}_{y}",
    "Bao cao thang {m} nam {y} {name}",
)
BASE_PERIOD = "Tháng {m} năm {y}"
BASE_SHEET = "Báo cáo"
FORM_COLUMNS = ("stt", "label", "unit", "value", "note")
FORM_HEADERS: dict[str, str] = {
    "stt": "STT",
    "label": "Nội dung/Chỉ tiêu",
    "unit": "Đơn vị tính",
    "value": "Số liệu",
    "note": "Ghi chú",
    "luy_ke": "Lũy kế từ đầu năm",
    "cung_ky": "Cùng kỳ năm trước",
    "blank": "",
}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TABLE_TITLE_TEXT = "BẢNG TỔNG HỢP KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC"


# --------------------------------------------------------------------------- written cells


@dataclass(frozen=True)
class Written:
    """A value cell as written, and what the truth says about it."""

    cell: GridValue
    fact: Value | None = None  # what is loaded; None: no fact
    rule: str | None = None  # the finding at this cell, if any


def plain(ind: Indicator, value: Value) -> Written:
    """The baseline: integers as numbers, 0/1 as numbers, categories as their label."""
    if isinstance(value, str):
        return Written(value, value)
    return Written(int(value), value)


MONEY_SPELLINGS = ("{millions} triệu đồng", "{dots}đ", "{commas}", "{dots} đồng", "{dots} VNĐ")


def money_as_text(n: int, turn: int) -> str:
    """An amount as clerks type it, the `turn`-th way: "600 triệu đồng", "600.000.000đ"."""
    style = MONEY_SPELLINGS[turn % len(MONEY_SPELLINGS)]
    if n == 0:
        return "0đ"
    if "{millions}" in style and n % 1_000_000:
        style = "{dots}đ"
    return style.format(millions=n // 1_000_000, dots=vn_thousands(n), commas=f"{n:,}")


def number_as_text(value: float, rng: random.Random) -> str:
    """How clerks type counts into text cells: "1.231", "1,231,883", "12 "."""
    n = int(value)
    if n >= 1_000_000:
        return rng.choice((vn_thousands(n), f"{n:,}"))
    if n >= 1000:
        return rng.choice((vn_thousands(n), f"{vn_thousands(n)} "))
    return rng.choice((str(n), f"{n} ", f" {n}", f"{n}  "))


def approximate_text(ind: Indicator, n: int, rng: random.Random) -> str:
    words = ["khoảng {n}", "Khoảng {n}", "gần {n}"]
    if "người" in ind.unit_label:
        words.append("khoảng {n} người")
    return rng.choice(words).format(n=vn_thousands(n))


BINARY_SPELLINGS: dict[int, tuple[GridValue, ...]] = {
    1: ("Đạt", "x", 1, "đạt", "ĐẠT", "X"),
    0: ("Chưa đạt", 0, "chưa đạt", "CHƯA ĐẠT"),
}
NOT_REPORTED = ("-", "—", "x", None)


def stale(values: Mapping[str, Value], rng: random.Random) -> dict[str, Value]:
    """Older figures of a unit: every number a little off from this month's."""
    old: dict[str, Value] = {}
    for code, value in values.items():
        ind = catalog().indicator(code)
        if isinstance(value, str) or ind.value_type == "binary":
            old[code] = value
        else:
            step = 500_000 if ind.value_type == "vnd" else 1
            old[code] = float(int(value) + rng.randint(1, 9) * step)
    return old


# --------------------------------------------------------------------------- words


def messy_names(unit: Unit) -> list[str]:
    """Messy spellings of a commune's name that still find exactly it in its province."""
    kind = type_word(unit)
    abbreviation = TYPE_ABBREVIATIONS.get(kind, kind)
    candidates = [
        f"{abbreviation} {unit.bare_name}",
        fold(unit.name),
        unit.name.upper(),
        unit.bare_name,
        strip_marks(unit.name),
        f"{kind} {unit.bare_name.lower()}",
    ]
    return [name for name in dict.fromkeys(candidates) if _unique_name(name, unit)]


def _unique_name(text: str, unit: Unit) -> bool:
    found = registry().match_commune(text, unit.province_code)
    return found.status == "ok" and found.unit == unit


_SHORT_FORMS = (
    ("an ninh, trật tự", "ANTT"),
    ("an ninh trật tự", "ANTT"),
    ("an ninh Tổ quốc", "ANTQ"),
    ("cơ quan, doanh nghiệp", "CQDN"),
    ("xã hội hóa", "XHH"),
    ("Số lượng", "SL"),
)
_LONG_FORMS = (
    ("ANTT", "an ninh, trật tự"),
    ("ANTQ", "an ninh Tổ quốc"),
    ("CQDN", "cơ quan, doanh nghiệp"),
    ("XHH", "xã hội hóa"),
)
NUMBERINGS = ("1.", "1)", "a)", "I-", "II.", "2.1.", "-", "+", "b.")


def _swap_abbreviation(text: str) -> str:
    for long, short in _SHORT_FORMS:
        found = re.search(re.escape(long), text, re.IGNORECASE)
        if found:
            return text[: found.start()] + short + text[found.end() :]
    for short, long in _LONG_FORMS:
        if re.search(rf"\b{short}\b", text):
            return re.sub(rf"\b{short}\b", long, text, count=1)
    if text.startswith("Số "):
        return "SL " + text[3:]
    return text


def _reword(ind: Indicator, text: str) -> str:
    """A small rewording a reader still takes for the same indicator."""
    folded = fold(text)
    if ind.value_type not in ("integer", "vnd") or "trong" in folded or "tong" in folded:
        return text
    return f"{text} trong tháng" if ind.kind == "flow" else f"{text} hiện có"


def _mangle_once(ind: Indicator, rng: random.Random) -> str:
    text = rng.choice((ind.label, *ind.synonyms))
    ops = set(rng.sample(("case", "marks", "numbering", "suffix", "abbrev", "punct", "reword"), 3))
    if "abbrev" in ops:
        text = _swap_abbreviation(text)
    if "reword" in ops:
        text = _reword(ind, text)
    if "suffix" in ops and "(" not in text and ind.value_type in ("integer", "vnd"):
        text = f"{text} ({'VNĐ' if ind.value_type == 'vnd' else ind.unit_label})"
    if "punct" in ops:
        text = rng.choice((text.replace(",", ""), text.replace('"', ""), f"{text}:"))
    if "marks" in ops:
        text = strip_marks(text)
    if "case" in ops:
        text = rng.choice((text.upper(), text.lower()))
    if "numbering" in ops:
        text = f"{rng.choice(NUMBERINGS)} {text}"
    return text


def mangled_labels(indicators: Sequence[Indicator], rng: random.Random) -> dict[str, str]:
    """A wording per indicator, mangled the ways SPEC §4 lists, never two alike."""
    labels: dict[str, str] = {}
    seen: set[str] = set()
    for ind in indicators:
        for _ in range(20):
            text = _mangle_once(ind, rng)
            if fold(text) not in seen:
                break
        labels[ind.code] = text
        seen.add(fold(text))
    return labels


def period_text(style: str, period: str) -> str:
    year, month = parse_period(period)
    return style.format(m=month, y=year)


def undated_line(place: str) -> str:
    """The footer date left for the signer to fill in: it names no month."""
    return f"{place}, ngày ..... tháng ..... năm ......."


# --------------------------------------------------------------------------- forms

LineKind = Literal["section", "indicator", "unknown", "stale"]


@dataclass(frozen=True)
class FormLine:
    """A line of a vertical form. Only `indicator` and `unknown` lines have truth."""

    kind: LineKind
    number: GridValue
    label: str
    unit_label: str = ""
    written: Written | None = None
    code: str | None = None
    extras: Mapping[str, GridValue] = field(default_factory=dict)
    hidden: bool = False


@dataclass(frozen=True)
class FormSpec:
    """Everything a vertical form shows, already worded; `render_form` only places it."""

    unit: Unit
    sheet_name: str
    parent: str
    agency: str
    id_cells: tuple[GridValue, ...]
    period_cells: tuple[GridValue, ...]
    lines: tuple[FormLine, ...]
    date_line: str | None
    signers: tuple[str, str]
    signer_names: tuple[str, str]
    columns: tuple[str, ...] = FORM_COLUMNS
    headers: Mapping[str, str] = field(default_factory=lambda: dict(FORM_HEADERS))
    top: int = 1
    left: int = 1
    spacer_rows: int = 0
    title_above: bool = False  # HTML: motto and title as text above the table
    notes: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()
    date_format: str = "dd/mm/yyyy"


@dataclass(frozen=True)
class CellTruth:
    """A fact and/or a finding at one cell of the report sheet."""

    unit: Unit | None
    code: str | None
    fact: Value | None
    rule: str | None
    cell: Cell


def form_lines(unit: Unit, values: Mapping[str, Value], month: int) -> tuple[FormLine, ...]:
    """Roman-numeral sections from the catalog, each with its numbered indicators."""
    indicators = reported_indicators(unit.level, month)
    lines: list[FormLine] = []
    sections = [*catalog().sections.items(), ("", "")]
    placed = {ind.code for ind in indicators if ind.section in catalog().sections}
    for roman, title in sections:
        members = [
            ind for ind in indicators if (ind.section == roman if roman else ind.code not in placed)
        ]
        if not members:
            continue
        if roman:
            lines.append(FormLine("section", roman, title.upper()))
        for number, ind in enumerate(members, start=1):
            lines.append(
                FormLine(
                    "indicator",
                    number,
                    ind.label,
                    ind.unit_label,
                    plain(ind, values[ind.code]),
                    ind.code,
                )
            )
    return tuple(lines)


def _line_cell(line: FormLine, kind: str) -> GridValue:
    if kind == "stt":
        return line.number
    if kind == "label":
        return line.label
    if kind == "unit":
        return line.unit_label or None
    if kind == "value":
        return line.written.cell if line.written else None
    return line.extras.get(kind)


def resolve_formula(formula: Formula, refs: Mapping[str, Cell]) -> Formula:
    """Cell references in place of indicator names: "=SUM(D11:D16)"."""
    if formula.sum_of:
        cells = [refs[code] for code in formula.sum_of]
        rows = {r for r, _ in cells}
        cols = {c for _, c in cells}
        contiguous = (len(cols) == 1 and max(rows) - min(rows) == len(cells) - 1) or (
            len(rows) == 1 and max(cols) - min(cols) == len(cells) - 1
        )
        inside = f"{a1(min(cells))}:{a1(max(cells))}" if contiguous else ",".join(map(a1, cells))
        return replace(formula, text=f"=SUM({inside})", sum_of=())
    return replace(formula, text=formula.text.format_map({k: a1(v) for k, v in refs.items()}))


def render_form(spec: FormSpec) -> tuple[Grid, tuple[str, ...], list[CellTruth]]:
    """The form's sheet, the HTML lines above it, and the truth of its cells."""
    grid = Grid(spec.sheet_name)
    left, width = spec.left, len(spec.columns)
    side = 2 if width >= 4 else 1
    r = spec.top
    grid.put(r, left, spec.parent, span=side)
    grid.put(r + 1, left, spec.agency, span=side, bold=True)
    if not spec.title_above:
        grid.put(r, left + side, MOTTO[0], span=width - side, bold=True)
        grid.put(r + 1, left + side, MOTTO[1], span=width - side, bold=True)
    r += 2
    if spec.id_cells:
        for offset, value in enumerate(spec.id_cells):
            grid.put(r, left + offset, value)
        r += 1
    r += 1
    if not spec.title_above:
        grid.put(r, left, TITLE, span=width, bold=True)
        r += 1
    r = _put_period(grid, r, left, width, spec.period_cells, spec.date_format)
    r += 1
    for offset, kind in enumerate(spec.columns):
        if kind != "blank":
            grid.put(r, left + offset, spec.headers[kind], bold=True, box=True)
    r += 1
    value_col = left + spec.columns.index("value")
    label_col = left + spec.columns.index("label")
    rows: dict[int, int] = {}
    for i, line in enumerate(spec.lines):
        for offset, kind in enumerate(spec.columns):
            value = _line_cell(line, kind)
            grid.put(r, left + offset, value, box=kind != "blank", bold=line.kind == "section")
        if line.hidden:
            grid.hidden_rows.add(r)
        rows[i] = r
        r += 1 + (spec.spacer_rows if line.kind != "stale" else 0)
    _resolve_form_formulas(grid, spec, rows, value_col, label_col)
    _put_footer(grid, r + 1, left, width, side, spec)
    grid.widths.update({label_col: 55.0, value_col: 16.0})
    preamble = (*MOTTO, TITLE) if spec.title_above else ()
    return grid, preamble, _form_truth(spec, rows, value_col)


def _put_period(
    grid: Grid, r: int, left: int, width: int, cells: tuple[GridValue, ...], date_format: str
) -> int:
    if not cells:
        return r
    if len(cells) == 1:
        grid.put(r, left, cells[0], span=width)
    else:
        for offset, value in enumerate(cells):
            fmt = date_format if isinstance(value, datetime) else None
            grid.put(r, left + offset, value, number_format=fmt)
    return r + 1


def _resolve_form_formulas(
    grid: Grid, spec: FormSpec, rows: Mapping[int, int], value_col: int, label_col: int
) -> None:
    refs = {
        line.code: (rows[i], value_col)
        for i, line in enumerate(spec.lines)
        if line.kind == "indicator" and line.code
    }
    for i, line in enumerate(spec.lines):
        if line.written and isinstance(line.written.cell, Formula):
            own = {**refs, "label": (rows[i], label_col)}
            grid.cells[(rows[i], value_col)] = resolve_formula(line.written.cell, own)


def _put_footer(grid: Grid, r: int, left: int, width: int, side: int, spec: FormSpec) -> None:
    for note in spec.notes:
        grid.put(r, left, note, span=width)
        r += 1
    if spec.notes:
        r += 1
    if spec.date_line:
        grid.put(r, left + side, spec.date_line, span=max(1, width - side))
    r += 1
    grid.put(r, left, spec.signers[0], span=side, bold=True)
    grid.put(r, left + side, spec.signers[1], span=max(1, width - side), bold=True)
    r += 4
    grid.put(r, left, spec.signer_names[0], span=side, bold=True)
    grid.put(r, left + side, spec.signer_names[1], span=max(1, width - side), bold=True)
    for line in spec.contact:
        r += 1
        grid.put(r, left, line, span=width)


def _form_truth(spec: FormSpec, rows: Mapping[int, int], value_col: int) -> list[CellTruth]:
    truth = []
    for i, line in enumerate(spec.lines):
        cell = (rows[i], value_col)
        if line.kind == "indicator" and line.written:
            truth.append(
                CellTruth(spec.unit, line.code, line.written.fact, line.written.rule, cell)
            )
        elif line.kind == "unknown":
            truth.append(CellTruth(spec.unit, None, None, "unknown-label", cell))
    return truth


# --------------------------------------------------------------------------- tables

ColKind = Literal["stt", "code", "name", "ind", "unknown", "extra", "blank"]


@dataclass(frozen=True)
class TableCol:
    """A column: `path` is its header text from the top header row down (merged where
    neighbours share it); an indicator column's key is the indicator code."""

    key: str
    kind: ColKind
    path: tuple[str, ...]


@dataclass(frozen=True)
class TableLine:
    """A unit's row; a hidden row is stale and has no truth."""

    unit: Unit
    cells: Mapping[str, Written | GridValue]
    hidden: bool = False


@dataclass(frozen=True)
class TableSpec:
    province: Unit
    sheet_name: str
    agency: str
    period_cells: tuple[GridValue, ...]
    columns: tuple[TableCol, ...]
    lines: tuple[TableLine, ...]
    date_line: str | None
    signers: tuple[str, str]
    top: int = 1
    left: int = 1
    spacer_rows: int = 0
    title_above: bool = False
    notes: tuple[str, ...] = ()
    contact: tuple[str, ...] = ()
    date_format: str = "dd/mm/yyyy"


def _put_headers(grid: Grid, top: int, left: int, columns: Sequence[TableCol]) -> dict[str, Cell]:
    """Header rows with merged group headers; the cell of each column's own header."""
    height = max(len(col.path) for col in columns)
    own: dict[str, Cell] = {}
    for level in range(height):
        j = 0
        while j < len(columns):
            col = columns[j]
            if len(col.path) > level + 1:  # a group header over this and its neighbours
                run = 1
                while (
                    j + run < len(columns)
                    and len(columns[j + run].path) > level + 1
                    and columns[j + run].path[: level + 1] == col.path[: level + 1]
                ):
                    run += 1
                grid.put(top + level, left + j, col.path[level], span=run, bold=True, box=True)
                j += run
                continue
            if len(col.path) == level + 1:
                down = height - level
                grid.put(top + level, left + j, col.path[level], down=down, bold=True, box=True)
                own[col.key] = (top + level, left + j)
            j += 1
    return own


def render_table(spec: TableSpec) -> tuple[Grid, tuple[str, ...], list[CellTruth]]:
    grid = Grid(spec.sheet_name)
    left, width = spec.left, len(spec.columns)
    r = spec.top
    if not spec.title_above:
        grid.put(r, left, spec.agency, span=min(4, width), bold=True)
        grid.put(r + 2, left, TABLE_TITLE_TEXT, span=width, bold=True)
        r += 3
    r = _put_period(grid, r, left, width, spec.period_cells, spec.date_format)
    r += 1
    header_cells = _put_headers(grid, r, left, spec.columns)
    r += max(len(col.path) for col in spec.columns)
    rows: dict[int, int] = {}
    for i, line in enumerate(spec.lines):
        refs = {col.key: (r, left + j) for j, col in enumerate(spec.columns)}
        for j, col in enumerate(spec.columns):
            raw = line.cells.get(col.key)
            value = raw.cell if isinstance(raw, Written) else raw
            if isinstance(value, Formula):
                value = resolve_formula(value, refs)
            grid.put(r, left + j, value, box=col.kind != "blank")
        if line.hidden:
            grid.hidden_rows.add(r)
        rows[i] = r
        r += 1 + (0 if line.hidden else spec.spacer_rows)
    r += 1
    for note in spec.notes:
        grid.put(r, left, note, span=width)
        r += 1
    if spec.date_line:
        grid.put(r + 1, left + max(0, width - 6), spec.date_line, span=min(6, width))
    grid.put(r + 2, left + 1, spec.signers[0], span=2, bold=True)
    grid.put(r + 2, left + max(0, width - 6), spec.signers[1], span=min(6, width), bold=True)
    for k, line in enumerate(spec.contact):
        grid.put(r + 7 + k, left, line, span=min(8, width))
    for j, col in enumerate(spec.columns):
        grid.widths[left + j] = 26.0 if col.kind == "name" else 12.0
    preamble = (spec.agency, TABLE_TITLE_TEXT) if spec.title_above else ()
    return grid, preamble, _table_truth(spec, rows, header_cells)


def _table_truth(
    spec: TableSpec, rows: Mapping[int, int], header_cells: Mapping[str, Cell]
) -> list[CellTruth]:
    truth: list[CellTruth] = []
    for j, col in enumerate(spec.columns):
        live = [(i, line) for i, line in enumerate(spec.lines) if not line.hidden]
        if col.kind == "ind":
            for i, line in live:
                written = line.cells.get(col.key)
                if isinstance(written, Written):
                    cell = (rows[i], spec.left + j)
                    truth.append(CellTruth(line.unit, col.key, written.fact, written.rule, cell))
        elif col.kind == "unknown" and any(line.cells.get(col.key) is not None for _, line in live):
            truth.append(CellTruth(None, None, None, "unknown-label", header_cells[col.key]))
    return truth


# --------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class FilePlan:
    """One file of the month: its class, layout and the units it reports."""

    variation: str
    index: int
    layout: Layout
    units: tuple[Unit, ...]
    spare: tuple[Unit, ...] = ()  # communes that appear only in hidden rows

    @property
    def format(self) -> Format:
        return _BY_NAME[self.variation].format


@dataclass(frozen=True)
class MessyProvincePlan:
    """One province's files: the unit of work of a worker process."""

    root: Path
    period: str
    seed: int
    province: Unit
    folder: str
    files: tuple[FilePlan, ...]


@dataclass
class _Pool:
    """A province's communes not yet given to a file, in a seeded order."""

    province: str
    units: list[Unit]

    def take(self, wanted: Callable[[Unit], bool] = lambda _: True) -> Unit:
        if not self.units:
            raise ValueError(
                f"province {self.province} has too few communes for this per_class: "
                "give more provinces"
            )
        chosen = next((u for u in self.units if wanted(u)), self.units[0])
        self.units.remove(chosen)
        return chosen


def _commune_wish(variation: str, index: int, period: str, seed: int) -> Callable[[Unit], bool]:
    """Communes that show a class best (a code with leading zeros, a name that can be
    written messily, a commune not up to standard)."""

    def values(unit: Unit) -> Mapping[str, Value]:
        return commune_values(unit, period, seed)

    if variation == "code-lost-zeros":
        return lambda u: u.code.startswith("0")
    if variation == "messy-unit-names":
        return lambda u: len(messy_names(u)) >= 2
    if variation == "dat-chua-dat" and index % 2 == 1:
        return lambda u: any(
            v == 0.0 for c, v in values(u).items() if catalog().indicator(c).value_type == "binary"
        )
    if variation == "numbers-as-text":
        return lambda u: all(
            float(v) % 1_000_000 == 0 and float(v) > 0
            for c, v in values(u).items()
            if catalog().indicator(c).value_type == "vnd"
        )
    if variation == "fraction":
        return lambda u: all(
            float(values(u)[rule.limit or ""]) > 0
            for rule in catalog().consistency
            if rule.value in FRACTION_PARTS and rule.limit
        )
    return lambda _: True


def _hosts(variation: str, codes: Sequence[str]) -> list[str]:
    """The provinces a class's files go to: codes lose zeros only where they have some."""
    if variation == "code-lost-zeros":
        zeros = [c for c in codes if any(u.code.startswith("0") for u in registry().communes_of(c))]
        return zeros or list(codes)
    return list(codes)


def _own_report_slot(eligible: Sequence[int], rng: random.Random) -> int | None:
    """The slot of the province's own report, if it sends one: surely when it hosts many
    forms, less often when few, so that commune forms stay the bulk of every class."""
    if not eligible or rng.random() >= len(eligible) / PROVINCE_REPORT_EVERY:
        return None
    return rng.choice(list(eligible))


def plan_messy_month(
    root: Path, period: str, seed: int, provinces: Sequence[str] | None, per_class: int
) -> list[MessyProvincePlan]:
    """Which province, layout and units each file gets. Files of a class rotate over the
    provinces; each province has at most one province-level form, and every commune is
    in one file at most."""
    reg = registry()
    asked = sorted(reg.provinces) if provinces is None else [str(p).zfill(2) for p in provinces]
    codes = list(dict.fromkeys(asked))
    unknown = [code for code in codes if code not in reg.provinces]
    if unknown or not codes:
        raise ValueError(f"unknown province codes {unknown}" if unknown else "no province")
    slots: dict[str, list[tuple[str, int, Layout]]] = {code: [] for code in codes}
    for k, variation in enumerate(VARIATIONS):
        hosts = _hosts(variation.name, codes)
        for index in range(per_class):
            layout = variation.layouts[index % len(variation.layouts)]
            slots[hosts[(k + index) % len(hosts)]].append((variation.name, index, layout))
    plans = []
    for code in codes:
        province = reg.provinces[code]
        communes = list(reg.communes_of(code))
        rng_for(seed, period, code, "messy-pool").shuffle(communes)
        pool = _Pool(code, communes)
        eligible = [
            n
            for n, (name, _, layout) in enumerate(slots[code])
            if layout == "form" and _BY_NAME[name].province_report
        ]
        own = _own_report_slot(eligible, rng_for(seed, period, code, "province-slot"))
        files = []
        for n, (name, index, layout) in enumerate(slots[code]):
            wish = _commune_wish(name, index, period, seed)
            spare: tuple[Unit, ...] = ()
            if n == own:
                units: tuple[Unit, ...] = (province,)
            elif layout == "form":
                units = (pool.take(wish),)
            else:
                units = tuple(pool.take(wish) for _ in range(TABLE_ROWS))
                spare = (pool.take(),) if name == "hidden-rows" else ()
            files.append(FilePlan(name, index, layout, units, spare))
        plans.append(
            MessyProvincePlan(
                Path(root), period, seed, province, province_folder(province, seed), tuple(files)
            )
        )
    return plans


# --------------------------------------------------------------------------- drafting


@dataclass
class FileCtx:
    """What drafting one file needs: its plan, values and a random stream of its own."""

    plan: FilePlan
    period: str
    seed: int
    province: Unit
    values: Mapping[str, Mapping[str, Value]]
    at: datetime
    rng: random.Random

    @property
    def month(self) -> int:
        return parse_period(self.period)[1]

    @property
    def year(self) -> int:
        return parse_period(self.period)[0]


@dataclass(frozen=True)
class Draft:
    """A report ready to render, plus the sheets around it and a file name of its own."""

    spec: FormSpec | TableSpec
    before: tuple[Grid, ...] = ()
    file_stem: str | None = None


def base_form(ctx: FileCtx, unit: Unit) -> FormSpec:
    values = ctx.values[unit.code]
    agency = agency_line(unit, upper=True)
    if not identifies(agency, unit):
        agency = agency_line(unit, upper=False)
    footer = rng_for(ctx.seed, ctx.period, unit.code, "messy-footer")
    return FormSpec(
        unit=unit,
        sheet_name=BASE_SHEET,
        parent=parent_agency(unit, upper=True),
        agency=agency,
        id_cells=(f"Mã đơn vị: {unit.code}",),
        period_cells=(period_text(BASE_PERIOD, ctx.period),),
        lines=form_lines(unit, values, ctx.month),
        date_line=date_line(unit.bare_name, max(1, ctx.at.day - footer.randint(0, 2)), ctx.period),
        signers=signers(unit),
        signer_names=(footer.choice(PEOPLE), footer.choice(PEOPLE)),
    )


def _table_indicators(month: int) -> tuple[Indicator, ...]:
    return reported_indicators("commune", month)


def base_table(ctx: FileCtx) -> TableSpec:
    indicators = _table_indicators(ctx.month)
    columns = (
        TableCol("stt", "stt", ("STT",)),
        TableCol("code", "code", ("Mã xã",)),
        TableCol("name", "name", ("Tên đơn vị",)),
        *(TableCol(ind.code, "ind", (ind.label,)) for ind in indicators),
    )
    lines = tuple(
        TableLine(unit, _table_cells(n, unit.code, unit.name, ctx.values[unit.code]))
        for n, unit in enumerate(ctx.plan.units, start=1)
    )
    province = ctx.province
    return TableSpec(
        province=province,
        sheet_name=BASE_SHEET,
        agency=agency_line(province, upper=True),
        period_cells=(period_text(BASE_PERIOD, ctx.period),),
        columns=columns,
        lines=lines,
        date_line=date_line(province.bare_name, ctx.at.day, ctx.period),
        signers=("NGƯỜI LẬP BIỂU", "KT. GIÁM ĐỐC - PHÓ GIÁM ĐỐC"),
    )


def _table_cells(
    n: int, code: GridValue, name: str, values: Mapping[str, Value]
) -> dict[str, Written | GridValue]:
    """A unit's row: number, code, name and its values written plainly."""
    cells: dict[str, Written | GridValue] = {"stt": n, "code": code, "name": name}
    for indicator, value in values.items():
        cells[indicator] = plain(catalog().indicator(indicator), value)
    return cells


def respell(
    spec: FormSpec | TableSpec, speller: Callable[[Unit, Indicator, Written], Written | None]
) -> FormSpec | TableSpec:
    """Rewrite value cells: `speller` gets each reported value (in reading order) and
    returns its new spelling, or None to keep it."""
    if isinstance(spec, FormSpec):
        lines = []
        for line in spec.lines:
            if line.kind == "indicator" and line.written and line.code:
                new = speller(spec.unit, catalog().indicator(line.code), line.written)
                line = replace(line, written=new) if new else line
            lines.append(line)
        return replace(spec, lines=tuple(lines))
    rows = []
    for row in spec.lines:
        cells = dict(row.cells)
        for col in spec.columns:
            written = cells.get(col.key)
            if col.kind == "ind" and isinstance(written, Written):
                new = speller(row.unit, catalog().indicator(col.key), written)
                cells[col.key] = new or written
        rows.append(replace(row, cells=cells))
    return replace(spec, lines=tuple(rows))


def _codes_of(spec: FormSpec | TableSpec, unit: Unit) -> list[str]:
    """The indicators the unit's report carries, in reading order."""
    if isinstance(spec, FormSpec):
        return [line.code for line in spec.lines if line.kind == "indicator" and line.code]
    return [col.key for col in spec.columns if col.kind == "ind"]


def _pick_per_unit(
    spec: FormSpec | TableSpec,
    rng: random.Random,
    k: int,
    allowed: Callable[[Unit, Indicator, Written], bool],
) -> set[tuple[str, str]]:
    """k (unit, indicator) pairs per report among the allowed ones."""
    units = [spec.unit] if isinstance(spec, FormSpec) else [line.unit for line in spec.lines]
    chosen: set[tuple[str, str]] = set()
    for unit in units:
        written = _written_of(spec, unit)
        fits = [
            code
            for code in _codes_of(spec, unit)
            if code in written and allowed(unit, catalog().indicator(code), written[code])
        ]
        chosen |= {(unit.code, code) for code in rng.sample(fits, min(k, len(fits)))}
    return chosen


def _written_of(spec: FormSpec | TableSpec, unit: Unit) -> dict[str, Written]:
    if isinstance(spec, FormSpec):
        return {
            line.code: line.written
            for line in spec.lines
            if line.kind == "indicator" and line.code and line.written
        }
    row = next(line for line in spec.lines if line.unit == unit)
    return {k: v for k, v in row.cells.items() if isinstance(v, Written)}


def _number(written: Written) -> float | None:
    return float(written.fact) if isinstance(written.fact, float) else None


# ----- formats and layout


def draft_format(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """The baseline itself; HTML files may put the motto and title above the table."""
    if ctx.plan.format == "html" and ctx.plan.index % 3 != 0:
        return Draft(replace(spec, title_above=True))
    return Draft(spec)


def _cover_sheet(ctx: FileCtx, spec: FormSpec | TableSpec) -> Grid:
    grid = Grid("Bìa")
    who = spec.agency
    for r, text in enumerate(
        (who, "", TITLE, period_text(BASE_PERIOD, ctx.period), "", "Người lập: " + PEOPLE[0]),
        start=3,
    ):
        grid.put(r, 2, text or None, bold=r == 5)
    grid.widths[2] = 70.0
    return grid


def _guide_sheet() -> Grid:
    grid = Grid("Hướng dẫn")
    lines = (
        "HƯỚNG DẪN NHẬP SỐ LIỆU",
        "1. Nhập số liệu của tháng vào cột Số liệu, không sửa tên các chỉ tiêu.",
        "2. Chỉ tiêu không phát sinh ghi số 0, không để trống.",
        "3. Gửi báo cáo về Công an tỉnh trước ngày 20 hằng tháng.",
        "4. Liên hệ hỗ trợ: 0243 826 9999 (giờ hành chính).",
    )
    for r, text in enumerate(lines, start=1):
        grid.put(r, 1, text, bold=r == 1)
    grid.widths[1] = 80.0
    return grid


def draft_sheet_among_several(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """Cover and guide sheets before the report, and a hidden copy of last month's."""
    old = previous_period(ctx.period)
    old_rng = random.Random(ctx.rng.random())

    def last_month(unit: Unit) -> Mapping[str, Value]:
        if unit.level == "commune":
            return commune_values(unit, old, ctx.seed)
        return stale(ctx.values[unit.code], old_rng)

    if isinstance(spec, FormSpec):
        old_values = last_month(spec.unit)
        copy: FormSpec | TableSpec = replace(
            spec,
            period_cells=(period_text(BASE_PERIOD, old),),
            lines=form_lines(spec.unit, old_values, parse_period(old)[1]),
            date_line=None,
        )
    else:
        copy = replace(
            spec,
            period_cells=(period_text(BASE_PERIOD, old),),
            lines=tuple(
                replace(
                    line,
                    cells=_table_cells(i, line.unit.code, line.unit.name, last_month(line.unit)),
                )
                for i, line in enumerate(spec.lines, start=1)
            ),
            date_line=None,
        )
    old_year, old_month = parse_period(old)
    copy = replace(copy, sheet_name=f"Tháng {old_month}-{old_year} (cũ)")
    hidden = render(copy)[0]
    hidden.hidden = True
    return Draft(spec, before=(_cover_sheet(ctx, spec), _guide_sheet(), hidden))


def _three_row_columns(ctx: FileCtx) -> tuple[TableCol, ...]:
    """Section title over group header over sub-header; a column without a group header
    has its whole label merged down over the two lower rows."""
    indicators = _table_indicators(ctx.month)
    columns: list[TableCol] = [
        TableCol("stt", "stt", ("STT",)),
        TableCol("code", "code", ("Mã xã",)),
        TableCol("name", "name", ("Tên đơn vị",)),
    ]
    sections = [*catalog().sections.items(), ("", "Khác")]
    for roman, title in sections:
        codes = [ind.code for ind in indicators if ind.section == roman]
        if not codes:
            continue
        head_text = f"{roman}. {title}" if roman else title
        for members in indicator_groups(codes):
            prefixes = group_prefixes(members) if len(members) > 1 else []
            covered: dict[str, str] = {}
            head = ""
            if prefixes:
                head, covered = max(prefixes, key=lambda p: len(p[1]))
            for code in members:
                path = (
                    (head_text, head, covered[code])
                    if code in covered
                    else (head_text, catalog().indicator(code).label)
                )
                columns.append(TableCol(code, "ind", path))
    return tuple(columns)


def draft_header_rows_3(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    assert isinstance(spec, TableSpec)
    return Draft(replace(spec, columns=_three_row_columns(ctx)))


def draft_offset_start(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    return Draft(replace(spec, top=ctx.rng.randint(8, 12), left=ctx.rng.randint(6, 8)))


def draft_spacer_rows_cols(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    if isinstance(spec, FormSpec):
        columns = ctx.rng.choice(
            (
                ("stt", "label", "blank", "blank", "unit", "value", "note"),
                ("stt", "label", "blank", "unit", "blank", "value", "note"),
                ("stt", "label", "unit", "blank", "value", "note"),
            )
        )
        return Draft(replace(spec, columns=columns, spacer_rows=1))
    columns: list[TableCol] = []
    section = None
    for col in spec.columns:
        ind_section = catalog().indicator(col.key).section if col.kind == "ind" else None
        if col.kind == "ind" and ind_section != section:
            columns.append(TableCol(f"blank{len(columns)}", "blank", ()))
            section = ind_section
        columns.append(col)
    return Draft(replace(spec, columns=tuple(columns), spacer_rows=1))


def draft_hidden_rows(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """Stale copies of some rows, hidden just above the live ones (and, in a table, a
    commune that did not report this month)."""
    rng = ctx.rng
    if isinstance(spec, FormSpec):
        indicators = [line for line in spec.lines if line.kind == "indicator"]
        chosen = {line.code for line in rng.sample(indicators, 3)}
        old = stale(ctx.values[spec.unit.code], rng)
        lines: list[FormLine] = []
        for line in spec.lines:
            if line.code in chosen and line.code:
                ind = catalog().indicator(line.code)
                lines.append(
                    replace(line, kind="stale", written=plain(ind, old[line.code]), hidden=True)
                )
            lines.append(line)
        return Draft(replace(spec, lines=tuple(lines)))
    rows: list[TableLine] = []
    doubled = rng.randrange(len(spec.lines))
    for i, line in enumerate(spec.lines):
        if i == doubled:
            old = stale(ctx.values[line.unit.code], rng)
            rows.append(TableLine(line.unit, _stale_row(line, old), hidden=True))
        rows.append(line)
    for unit in ctx.plan.spare:
        values = commune_values(unit, ctx.period, ctx.seed)
        row = TableLine(unit, _table_cells(len(rows) + 1, unit.code, unit.name, values))
        rows.insert(
            rng.randint(0, len(rows)),
            replace(row, cells=_stale_row(row, stale(values, rng)), hidden=True),
        )
    return Draft(replace(spec, lines=tuple(rows)))


def _stale_row(line: TableLine, values: Mapping[str, Value]) -> dict[str, GridValue]:
    cells: dict[str, GridValue] = {
        key: value for key, value in line.cells.items() if not isinstance(value, Written)
    }
    for code, value in values.items():
        cells[code] = plain(catalog().indicator(code), value).cell
    return cells


def draft_notes_signature_below(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    rng = ctx.rng
    year, month = parse_period(ctx.period)
    prev_year, prev_month = parse_period(previous_period(ctx.period))
    phone = f"09{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"
    notes = (
        f"Ghi chú: Số liệu tính từ ngày 15/{prev_month:02d}/{prev_year} đến ngày "
        f"14/{month:02d}/{year}.",
        f"Trong tháng, lực lượng Công an đã phối hợp tổ chức {rng.randint(2, 9)} buổi tuyên "
        f"truyền lưu động tại {rng.randint(2, 8)} thôn, tổ dân phố; tiếp nhận "
        f"{rng.randint(1, 12)} tin báo qua đường dây nóng; {rng.randint(1, 5)} mô hình đang "
        "được củng cố, sẽ báo cáo trong kỳ sau.",
        "Nơi nhận:",
        "- Công an tỉnh (qua PV05) để báo cáo;",
        f"- Lưu: VT, hồ sơ {rng.randint(1, 30)}/{year}.",
    )
    contact = (
        f"Số: {rng.randint(10, 400)}/BC-CA ngày {rng.randint(15, 20)}/{month:02d}/{year}",
        f"Điện thoại: {phone}",
        f"Email: congan{rng.randint(1, 99)}@example.gov.vn",
    )
    return Draft(replace(spec, notes=notes, contact=contact))


VALUE_COLUMN_ORDERS = (
    ("label", "value", "unit", "note"),
    ("stt", "label", "value", "unit", "note"),
    ("label", "unit", "value"),
    ("stt", "label", "value", "note"),
)


def draft_value_col_position(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    assert isinstance(spec, FormSpec)
    columns = VALUE_COLUMN_ORDERS[
        (ctx.plan.index + ctx.rng.randrange(2)) % len(VALUE_COLUMN_ORDERS)
    ]
    return Draft(replace(spec, columns=columns))


# ----- labels


def draft_label_mangling(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    if isinstance(spec, FormSpec):
        codes = [line.code for line in spec.lines if line.kind == "indicator" and line.code]
        labels = mangled_labels([catalog().indicator(c) for c in codes], ctx.rng)
        lines = tuple(
            replace(line, label=labels[line.code])
            if line.kind == "indicator" and line.code
            else line
            for line in spec.lines
        )
        return Draft(replace(spec, lines=lines))
    codes = [col.key for col in spec.columns if col.kind == "ind"]
    labels = mangled_labels([catalog().indicator(c) for c in codes], ctx.rng)
    columns = tuple(
        replace(col, path=(labels[col.key],)) if col.kind == "ind" else col for col in spec.columns
    )
    return Draft(replace(spec, columns=columns))


def _side_figures(
    ind: Indicator, value: Value, rng: random.Random, month: int
) -> tuple[GridValue, GridValue]:
    """A year-to-date and a same-month-last-year figure for one row."""
    if isinstance(value, str) or ind.value_type == "binary":
        return (plain(ind, value).cell, plain(ind, value).cell)
    n = int(value)
    step = 500_000 if ind.value_type == "vnd" else 1
    year_to_date = n * month + rng.randint(0, 9) * step if ind.kind == "flow" else n
    return year_to_date, max(0, n + rng.randint(-3, 3) * step)


def draft_extra_columns(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """Year-to-date, same month last year and notes with numbers beside the month."""
    rng = ctx.rng
    month_header = rng.choice(
        ("Trong kỳ", "Thực hiện trong tháng", "Tháng này", "Số liệu trong tháng")
    )
    if isinstance(spec, FormSpec):
        values = ctx.values[spec.unit.code]
        lines = []
        for line in spec.lines:
            if line.kind == "indicator" and line.code:
                ind = catalog().indicator(line.code)
                ytd, last_year = _side_figures(ind, values[line.code], rng, ctx.month)
                note = rng.choice((None, None, rng.randint(1, 9), f"tăng {rng.randint(1, 5)}"))
                line = replace(line, extras={"luy_ke": ytd, "cung_ky": last_year, "note": note})
            lines.append(line)
        columns = rng.choice(
            (
                ("stt", "label", "unit", "value", "luy_ke", "cung_ky", "note"),
                ("stt", "label", "unit", "luy_ke", "value", "note"),
                ("stt", "label", "unit", "cung_ky", "value", "luy_ke", "note"),
            )
        )
        headers = {**FORM_HEADERS, "value": month_header}
        return Draft(replace(spec, lines=tuple(lines), columns=columns, headers=headers))
    ytd_header = rng.choice(("Lũy kế từ đầu năm", "Lũy kế", "Cộng dồn từ đầu năm"))
    columns: list[TableCol] = []
    for col in spec.columns:
        if col.kind != "ind":
            columns.append(col)
            continue
        label = col.path[0]
        columns.append(TableCol(col.key, "ind", (label, month_header)))
        columns.append(TableCol(f"ytd:{col.key}", "extra", (label, ytd_header)))
    columns.append(TableCol("note", "extra", ("Ghi chú",)))
    rows = []
    for line in spec.lines:
        cells = dict(line.cells)
        for code, value in ctx.values[line.unit.code].items():
            cells[f"ytd:{code}"] = _side_figures(catalog().indicator(code), value, rng, ctx.month)[
                0
            ]
        cells["note"] = rng.choice((rng.randint(1, 20), f"Tăng {rng.randint(1, 5)} mô hình"))
        rows.append(replace(line, cells=cells))
    return Draft(replace(spec, columns=tuple(columns), lines=tuple(rows)))


def draft_unknown_label(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """One row (or column) whose label is close to an indicator but is none."""
    codes = set(_codes_of(spec, spec.unit if isinstance(spec, FormSpec) else spec.lines[0].unit))
    near, label = ctx.rng.choice([pair for pair in NEAR_MISS_LABELS if pair[0] in codes])
    if isinstance(spec, FormSpec):
        lines: list[FormLine] = []
        for line in spec.lines:
            lines.append(line)
            if line.code == near:
                number = f"{line.number}a" if isinstance(line.number, int) else None
                written = Written(ctx.rng.randint(1, 30))
                extra = FormLine("unknown", number, label, line.unit_label, written)
                lines.append(extra)
        return Draft(replace(spec, lines=tuple(lines)))
    columns: list[TableCol] = []
    for col in spec.columns:
        columns.append(col)
        if col.key == near:
            columns.append(TableCol("unknown", "unknown", (label,)))
    rows = tuple(
        replace(line, cells={**line.cells, "unknown": ctx.rng.randint(1, 30)})
        for line in spec.lines
    )
    return Draft(replace(spec, columns=tuple(columns), lines=rows))


# ----- values


def draft_numbers_as_text(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    turns = iter(range(ctx.plan.index, ctx.plan.index + 1000))

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        value = _number(written)
        if value is None or ind.value_type not in ("integer", "vnd"):
            return None
        if ind.value_type == "vnd":
            return Written(money_as_text(int(value), next(turns)), written.fact)
        return Written(number_as_text(value, ctx.rng), written.fact)

    return Draft(respell(spec, speller))


def _rule_free_number(unit: Unit, ind: Indicator, written: Written) -> bool:
    return ind.code in rule_free_codes() and ind.value_type in ("integer", "vnd")


def draft_dash_blank(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """Not-reported cells ("-", "—", "x", empty): each a missing-required error."""
    per_report = len(NOT_REPORTED) if isinstance(spec, FormSpec) else 2
    chosen = _pick_per_unit(spec, ctx.rng, per_report, _rule_free_number)
    spellings = iter(NOT_REPORTED * len(chosen))

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        if (unit.code, ind.code) not in chosen:
            return None
        return Written(next(spellings), None, "missing-required")

    return Draft(respell(spec, speller))


def draft_approximate(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    def big_count(unit: Unit, ind: Indicator, written: Written) -> bool:
        return ind.value_type == "integer" and (_number(written) or 0) >= 20

    chosen = _pick_per_unit(spec, ctx.rng, 2 if isinstance(spec, FormSpec) else 1, big_count)

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        if (unit.code, ind.code) not in chosen:
            return None
        n = int(_number(written) or 0)
        return Written(approximate_text(ind, n, ctx.rng), written.fact, "approximate-value")

    return Draft(respell(spec, speller))


def draft_fraction(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """ "27/30": a part written over its whole, in the part's cell."""
    wholes = {
        rule.value: rule.limit
        for rule in catalog().consistency
        if rule.check == "not_greater" and rule.value in FRACTION_PARTS and rule.limit
    }

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        whole = wholes.get(ind.code)
        if whole is None or whole not in ctx.values[unit.code]:
            return None
        part, total = int(_number(written) or 0), int(float(ctx.values[unit.code][whole]))
        text = ctx.rng.choice(("{p}/{t}", "{p} / {t}", "{p}/{t}")).format(p=part, t=total)
        return Written(text, written.fact)

    return Draft(respell(spec, speller))


def draft_dat_chua_dat(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        if ind.value_type != "binary":
            return None
        value = int(_number(written) or 0)
        return Written(ctx.rng.choice(BINARY_SPELLINGS[value]), written.fact)

    return Draft(respell(spec, speller))


def _sum_rules() -> list[tuple[str, tuple[str, ...]]]:
    return [(r.value, r.parts) for r in catalog().consistency if r.check == "sum_equals"]


def _draft_sums(spec: FormSpec | TableSpec, cached: bool) -> FormSpec | TableSpec:
    totals = dict(_sum_rules())

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        parts = totals.get(ind.code)
        if parts is None:
            return None
        value = _number(written)
        formula = Formula(cached=value if cached else None, sum_of=parts)
        return Written(formula, written.fact)

    return respell(spec, speller)


def draft_formula_cached(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """Totals as =SUM(...), counts as base × people per session, money as a sum of two
    amounts: all with the value Excel cached when it saved the file."""
    spec = _draft_sums(spec, cached=True)
    bases = {
        r.value: r.base for r in catalog().consistency if r.check == "zero_when_zero" and r.base
    }

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        value = _number(written)
        values = ctx.values[unit.code]
        base = bases.get(ind.code)
        if value is None or isinstance(written.cell, Formula):
            return None
        if base and base in values and float(values[base]) > 0 and value % float(values[base]) == 0:
            per = int(value // float(values[base]))
            return Written(Formula(f"={{{base}}}*{per}", cached=value), written.fact)
        if ind.value_type == "vnd" and value >= 1_000_000:
            first = int(value) // 1_000_000 * 1_000_000 // 2
            return Written(Formula(f"={first}+{int(value) - first}", cached=value), written.fact)
        return None

    return Draft(respell(spec, speller))


def draft_formula_sum_uncached(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    return Draft(_draft_sums(spec, cached=False))


OTHER_FORMULAS = (
    "={other}*2",
    "=IF({other}>0,{other}+1,0)",
    "=ROUND({other}/2,0)",
    "=VLOOKUP({who},DanhMuc!$A$2:$B$40,2,FALSE)",
)


def draft_formula_other_uncached(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """A formula that is no plain SUM, saved without its value: an error, no fact."""
    chosen = _pick_per_unit(spec, ctx.rng, 1, _rule_free_number)
    who = "label" if isinstance(spec, FormSpec) else "name"

    def speller(unit: Unit, ind: Indicator, written: Written) -> Written | None:
        if (unit.code, ind.code) not in chosen:
            return None
        others = [c for c in _codes_of(spec, unit) if c != ind.code]
        template = ctx.rng.choice(OTHER_FORMULAS)
        text = template.replace("{other}", "{" + ctx.rng.choice(others) + "}").replace(
            "{who}", "{" + who + "}"
        )
        return Written(Formula(text), None, "formula-without-value")

    return Draft(respell(spec, speller))


# ----- units and periods


def _undated(spec: FormSpec | TableSpec) -> FormSpec | TableSpec:
    place = spec.unit.bare_name if isinstance(spec, FormSpec) else spec.province.bare_name
    return replace(spec, date_line=undated_line(place))


def draft_date_cell_period(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """The period only as a real date cell next to "Kỳ báo cáo:"."""
    fmt = ctx.rng.choice(("dd/mm/yyyy", "mm/yyyy", "mm-yyyy"))
    when = datetime(ctx.year, ctx.month, 1)
    return Draft(replace(_undated(spec), period_cells=("Kỳ báo cáo:", when), date_format=fmt))


def draft_code_lost_zeros(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    if isinstance(spec, FormSpec):
        label = ctx.rng.choice(("Mã đơn vị:", "Mã ĐVHC:", "Mã xã:"))
        return Draft(replace(spec, id_cells=(label, int(spec.unit.code))))
    rows = tuple(
        replace(line, cells={**line.cells, "code": int(line.unit.code)}) for line in spec.lines
    )
    return Draft(replace(spec, lines=rows))


def draft_messy_unit_names(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    """Names only, spelled messily (each still finds exactly its unit), no code."""
    if isinstance(spec, FormSpec):
        names = messy_names(spec.unit) or [spec.unit.name]
        name = names[ctx.plan.index % len(names)]
        agency = f"Công an {name}" if ctx.rng.random() < 0.5 else name
        if not _unique_name(agency, spec.unit):
            agency = name
        return Draft(replace(spec, agency=agency, id_cells=()), file_stem="Bao cao ANTQ")
    columns = tuple(col for col in spec.columns if col.kind != "code")
    rows = []
    for k, line in enumerate(spec.lines):
        names = messy_names(line.unit) or [line.unit.name]
        rows.append(
            replace(line, cells={**line.cells, "name": names[(ctx.plan.index + k) % len(names)]})
        )
    return Draft(replace(spec, columns=columns, lines=tuple(rows)), file_stem="Tong hop ANTQ")


def draft_period_spellings(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    style = PERIOD_SPELLINGS[(ctx.plan.index + ctx.rng.randrange(2)) % len(PERIOD_SPELLINGS)]
    return Draft(replace(_undated(spec), period_cells=(period_text(style, ctx.period),)))


def draft_period_in_sheet_name(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    name = period_text(SHEET_PERIODS[ctx.plan.index % len(SHEET_PERIODS)], ctx.period)
    return Draft(replace(_undated(spec), period_cells=(), sheet_name=name))


def draft_period_in_file_name(ctx: FileCtx, spec: FormSpec | TableSpec) -> Draft:
    year, month = ctx.year, ctx.month
    name = strip_marks(_named(spec)).replace(" ", "_")
    stem = FILE_PERIODS[ctx.plan.index % len(FILE_PERIODS)].format(m=month, y=year, name=name)
    return Draft(replace(_undated(spec), period_cells=()), file_stem=stem)


def _named(spec: FormSpec | TableSpec) -> str:
    if isinstance(spec, FormSpec):
        return full_name(spec.unit) if spec.unit.level == "province" else spec.unit.name
    return f"Tong hop {spec.lines[0].unit.bare_name}"


DRAFTERS: dict[str, Callable[[FileCtx, FormSpec | TableSpec], Draft]] = {
    **{v.name: draft_format for v in VARIATIONS if v.name.startswith("format-")},
    "sheet-among-several": draft_sheet_among_several,
    "header-rows-3": draft_header_rows_3,
    "offset-start": draft_offset_start,
    "spacer-rows-cols": draft_spacer_rows_cols,
    "hidden-rows": draft_hidden_rows,
    "notes-signature-below": draft_notes_signature_below,
    "value-col-position": draft_value_col_position,
    "label-mangling": draft_label_mangling,
    "extra-columns": draft_extra_columns,
    "unknown-label": draft_unknown_label,
    "numbers-as-text": draft_numbers_as_text,
    "dash-blank": draft_dash_blank,
    "approximate": draft_approximate,
    "fraction": draft_fraction,
    "dat-chua-dat": draft_dat_chua_dat,
    "formula-cached": draft_formula_cached,
    "formula-sum-uncached": draft_formula_sum_uncached,
    "formula-other-uncached": draft_formula_other_uncached,
    "date-cell-period": draft_date_cell_period,
    "code-lost-zeros": draft_code_lost_zeros,
    "messy-unit-names": draft_messy_unit_names,
    "period-spellings": draft_period_spellings,
    "period-in-sheet-name": draft_period_in_sheet_name,
    "period-in-file-name": draft_period_in_file_name,
}


def render(spec: FormSpec | TableSpec) -> tuple[Grid, tuple[str, ...], list[CellTruth]]:
    return render_form(spec) if isinstance(spec, FormSpec) else render_table(spec)


# --------------------------------------------------------------------------- a province's job


@dataclass
class MessyOutput:
    """Truth rows of one province's files, returned to the parent process."""

    facts: list[dict[str, object]] = field(default_factory=list)
    findings: list[dict[str, object]] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)


def _received_at(plan: MessyProvincePlan, file: FilePlan) -> datetime:
    rng = rng_for(plan.seed, plan.period, file.variation, str(file.index), "received")
    year, month = parse_period(plan.period)
    return datetime(
        year, month, rng.randint(10, 20), rng.randint(7, 17), rng.randint(0, 59), 0, tzinfo=VN_TZ
    )


def _file_bytes(fmt: Format, book: Book, at: datetime, author: str, index: int) -> bytes:
    if fmt == "xls":
        return xls_bytes(book)
    if fmt == "ods":
        return ods_bytes(book, at)
    if fmt == "html":
        return html_bytes(book, meta_http_equiv=index % 2 == 1)
    if fmt == "csv":
        return csv_bytes(book)
    return xlsx_bytes(book, at, author, macro=fmt == "xlsm")


def _extension(file: FilePlan) -> str:
    if file.format == "csv" and file.index % 2 == 1:
        return "xls"
    return EXTENSIONS[file.format]


class _Folder:
    """File names inside a province folder, never two alike (case-insensitively)."""

    def __init__(self, plan: MessyProvincePlan) -> None:
        self.plan = plan
        self.used: set[str] = set()

    def allocate(self, stem: str, extension: str) -> str:
        candidate, n = f"{stem}.{extension}", 1
        while candidate.casefold() in self.used:
            n += 1
            candidate = f"{stem} ({n}).{extension}"
        self.used.add(candidate.casefold())
        return f"{self.plan.period}/{self.plan.folder}/{candidate}"


def _default_stem(spec: FormSpec | TableSpec) -> str:
    return (
        f"Bao cao ANTQ {strip_marks(_named(spec))}"
        if isinstance(spec, FormSpec)
        else (f"Tong hop ANTQ cum {strip_marks(spec.lines[0].unit.bare_name)}")
    )


def _visible_sheet(fmt: Format, grid: Grid, original_path: str) -> str:
    if fmt == "html":
        return "Table1"
    if fmt == "csv":
        return Path(original_path).stem
    return grid.name


def build_file(
    plan: MessyProvincePlan,
    file: FilePlan,
    values: Mapping[str, Mapping[str, Value]],
    folder: _Folder,
    out: MessyOutput,
) -> None:
    """Draft, render and write one file, and add its truth rows to `out`."""
    at = _received_at(plan, file)
    rng = rng_for(plan.seed, plan.period, file.variation, str(file.index), "detail")
    ctx = FileCtx(file, plan.period, plan.seed, plan.province, values, at, rng)
    base = base_form(ctx, file.units[0]) if file.layout == "form" else base_table(ctx)
    draft = DRAFTERS[file.variation](ctx, base)
    grid, preamble, truth = render(draft.spec)
    book = Book([*draft.before, grid], preamble)
    author = draft.spec.signer_names[0] if isinstance(draft.spec, FormSpec) else PEOPLE[1]
    data = _file_bytes(file.format, book, at, author, file.index)
    original_path = folder.allocate(draft.file_stem or _default_stem(draft.spec), _extension(file))
    path = plan.root / INBOX_DIR / original_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (at.timestamp(), at.timestamp()))
    sheet = _visible_sheet(file.format, grid, original_path)
    form_unit = file.units[0] if file.layout == "form" else None
    out.files.append(
        {
            "original_path": original_path,
            "province_code": plan.province.code,
            "unit_code": form_unit.code if form_unit else None,
            "unit_level": form_unit.level if form_unit else "province",
            "layout": file.layout,
            "mode": MESSY_MODE,
            "received_at": at,
            "expected_status": "accepted",
            "mistake": None,
            "sha256": hashlib.sha256(data).hexdigest(),
            "variation": file.variation,
            "format": file.format,
        }
    )
    for item in truth:
        _record(plan, original_path, sheet, item, out)


def _record(
    plan: MessyProvincePlan, original_path: str, sheet: str, item: CellTruth, out: MessyOutput
) -> None:
    if item.fact is not None and item.unit is not None and item.code is not None:
        out.facts.append(
            {
                "period": plan.period,
                "unit_code": item.unit.code,
                "unit_level": item.unit.level,
                "province_code": plan.province.code,
                "indicator": item.code,
                "value": item.fact if isinstance(item.fact, float) else float("nan"),
                "value_text": item.fact if isinstance(item.fact, str) else None,
                "original_path": original_path,
                "sheet": sheet,
                "source_cell": a1(item.cell),
            }
        )
    if item.rule is not None:
        out.findings.append(
            {
                "period": plan.period,
                "province_code": plan.province.code,
                "original_path": original_path,
                "unit_code": item.unit.code if item.unit else None,
                "sheet": sheet,
                "cell": a1(item.cell),
                "indicator": item.code,
                "rule": item.rule,
                "severity": catalog().rule(item.rule).severity,
            }
        )


def build_messy_province(plan: MessyProvincePlan) -> MessyOutput:
    """Write one province folder of the messy month (runs in a worker process)."""
    out = MessyOutput()
    values: dict[str, Mapping[str, Value]] = {}
    for file in plan.files:
        for unit in file.units:
            if unit.level == "commune":
                values[unit.code] = commune_values(unit, plan.period, plan.seed)
    if any(unit.level == "province" for file in plan.files for unit in file.units):
        everyone = [
            commune_values(u, plan.period, plan.seed)
            for u in registry().communes_of(plan.province.code)
        ]
        values[plan.province.code] = province_values(
            plan.province, everyone, plan.period, plan.seed
        )
    folder = _Folder(plan)
    for file in plan.files:
        build_file(plan, file, values, folder, out)
    return out


# --------------------------------------------------------------------------- orchestration


def _run(plans: Sequence[MessyProvincePlan], workers: int) -> list[MessyOutput]:
    if workers <= 1 or len(plans) <= 1:
        return [build_messy_province(plan) for plan in plans]
    registry()  # load once in the parent so forked workers inherit it
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(build_messy_province, plans))


def collect_messy_truth(period: str, outputs: Iterable[MessyOutput]) -> SampleTruth:
    return collect_truth(period, list(outputs), MESSY_FILE_COLUMNS)


def generate_messy_month(
    root: Path,
    period: str = "2026-10",
    seed: int = 7,
    provinces: Sequence[str] | None = None,
    per_class: int = 3,
    workers: int = 1,
) -> SampleTruth:
    """Write a messy month's inbox under `root/inbox/<period>` (`per_class` files of every
    class in VARIATIONS) and its truth under `root/truth/<period>`; return the truth.

    `provinces` (default: all 34) are the folders the files rotate over; a few provinces
    are enough for any `per_class` their communes can fill.
    """
    parse_period(period)
    if per_class < 1:
        raise ValueError("per_class must be at least 1")
    root = Path(root)
    clear_previous_sample(root, period)
    plans = plan_messy_month(root, period, seed, provinces, per_class)
    truth = collect_messy_truth(period, _run(plans, workers))
    truth.write(root)
    return truth


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.messy",
        description="Write a messy sample month (every SPEC §5 variation) and its ground truth.",
    )
    parser.add_argument("--root", type=Path, required=True, help="folder for inbox/ and truth/")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--provinces", help="comma-separated province codes, e.g. 01,15,79")
    parser.add_argument("--per-class", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    truth = generate_messy_month(
        args.root,
        period=args.period,
        seed=args.seed,
        provinces=args.provinces.split(",") if args.provinces else None,
        per_class=args.per_class,
        workers=args.workers,
    )
    elapsed = time.perf_counter() - started
    print(
        f"{truth.period}: {len(truth.files)} files in {truth.files['variation'].nunique()} "
        f"classes, {len(truth.facts)} facts, {len(truth.findings)} findings "
        f"in {elapsed:.1f} s -> {args.root}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
