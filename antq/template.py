"""`antq template`: the monthly form each unit fills, made from the catalog.

A commune officer gets a workbook that already names the unit, its code and the month;
only the figures and notes can be typed (the rest is locked by a sheet protection
without a password, so an officer who must change the form can still unprotect it);
each figure cell accepts what its indicator is (whole numbers from 0, "Đạt"/"Chưa
đạt", a category, whole đồng), says so when selected, and turns yellow while a figure
contradicts another (a part larger than its whole). A very hidden sheet names the
template and its version, so the reader takes a returned form by its known layout
(schemas/template.py) instead of detecting one.
"""

from __future__ import annotations

import datetime as dt
import io
import multiprocessing
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from antq.cells import a1
from antq.config import Config
from antq.outputs import write_aside
from antq.period import Period
from antq.schemas.catalog import Catalog, ConsistencyRule, Indicator
from antq.schemas.registry import Unit
from antq.schemas.template import (
    HEADER,
    HEADER_ROW,
    LABEL_COL,
    MARKER_SHEET,
    NOTE_COL,
    NUMBER_COL,
    PERIOD_ROW,
    TITLE,
    UNIT_COL,
    UNIT_ROW,
    VALUE_COL,
    FormLayoutSpec,
    code_line,
    form_layout,
    period_line,
    unit_line,
)
from antq.tasks.report.common import slug
from antq.xlsx import (
    BORDER,
    INTEGER_FORMAT,
    LINE_HEIGHT,
    MARK_WARNING_FILL,
    fit_row_heights,
    put,
    text_lines,
)

# Administrative documents are typed in Times New Roman (Decree 30/2020/NĐ-CP).
FONT_NAME = "Times New Roman"


def _font(size: float = 12, **kwargs: object) -> Font:
    return Font(name=FONT_NAME, size=size, **kwargs)


INPUT_FILL = PatternFill("solid", fgColor="DDEBF7")  # where the officer types
# A conditional format's fill: Excel takes its colour from bgColor, LibreOffice from
# fgColor, so both carry the report's warning yellow.
LIVE_RULE_FILL = PatternFill(
    "solid", fgColor=MARK_WARNING_FILL.fgColor, bgColor=MARK_WARNING_FILL.fgColor
)
HEADING_FILL = PatternFill("solid", fgColor="F2F2F2")
WIDTHS = (6, 50, 13, 16, 26)  # A..E: fits A4 portrait at about 9 pt
UNLOCKED = Protection(locked=False)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(wrap_text=True, vertical="center")
# A real signature block leaves room to sign.
SIGNATURE_GAP = 4
INSTRUCTIONS_WIDTH = 80  # one column a portrait page holds without shrinking
# Times New Roman is narrower than the Calibri the row-height estimate is made for: at
# 12 pt it sets about as many letters to a line as Calibri at 11 pt (measured by
# rendering the form with Liberation Serif, its metric twin).
TIMES_12_AS_CALIBRI_11 = 12 / 11


def _agency(unit: Unit, provinces: dict[str, Unit]) -> tuple[str, str]:
    """The two heading lines: the agency above the unit's, and the unit's."""
    if unit.level == "province":
        return "BỘ CÔNG AN", f"CÔNG AN {unit.display_name.upper()}"
    return (
        f"CÔNG AN {provinces[unit.province_code].display_name.upper()}",
        f"CÔNG AN {unit.name.upper()}",
    )


def _chief(unit: Unit) -> str:
    if unit.level == "province":
        return "GIÁM ĐỐC"
    return f"TRƯỞNG CÔNG AN {unit.division_type.upper()}"


def _cell(ws: Worksheet, r: int, c: int, value: object, *, span: int = 1, **style: object):
    """Write at zero-based (r, c), merged over `span` columns, with openpyxl styles."""
    cell = put(ws, r + 1, c + 1, value)
    for name, item in style.items():
        setattr(cell, name, item)
    if span > 1:
        ws.merge_cells(start_row=r + 1, start_column=c + 1, end_row=r + 1, end_column=c + span)
    return cell


def _title(ws: Worksheet, unit: Unit, period: str, provinces: dict[str, Unit]) -> None:
    parent, own = _agency(unit, provinces)
    bold = _font(bold=True)
    lines = (  # (row, column, text, columns spanned, font)
        (0, 0, parent, 2, _font()),
        (1, 0, own, 2, bold),
        (0, 2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 3, bold),
        (1, 2, "Độc lập - Tự do - Hạnh phúc", 3, _font(bold=True, underline="single")),
        (3, 0, TITLE, 5, _font(13, bold=True)),
        (PERIOD_ROW, 0, period_line(period), 5, _font(bold=True, italic=True)),
    )
    for r, c, text, span, font in lines:
        # Shrunk rather than cut where a wider font stands in for Times New Roman.
        centered = Alignment(horizontal="center", shrink_to_fit=True)
        _cell(ws, r, c, text, span=span, font=font, alignment=centered)
    _cell(ws, UNIT_ROW, 0, unit_line(unit.display_name), span=3, font=bold)
    _cell(ws, UNIT_ROW, VALUE_COL, code_line(unit.code), span=2, font=bold)
    for c, text in enumerate(HEADER):
        _cell(
            ws, HEADER_ROW, c, text, font=bold, alignment=CENTER, border=BORDER, fill=HEADING_FILL
        )


_TYPE_HELP = {
    "integer": "Số nguyên từ 0 trở lên.",
    "vnd": "Số tiền bằng đồng, số nguyên, không ghi chữ (ví dụ 600000000).",
    "binary": "Chọn “Đạt” hoặc “Chưa đạt” trong danh sách.",
    "category": "Chọn một mức trong danh sách: {options}.",
}


def _prompt(ind: Indicator, period: str, config: Config, rule_help: str) -> str:
    """What the cell asks for, said when it is selected: a stock is what exists at the
    end of the window (not what is new), a flow what happened within it."""
    start, end = config.periods.window(period)
    if ind.value_type == "category":
        when = f"Năm {end.year}. "
    elif ind.kind == "stock":
        when = f"Số hiện có tính đến ngày {end:%d/%m/%Y} (cả số có từ trước), không phải số mới. "
    else:
        when = f"Số phát sinh từ {start:%d/%m} đến {end:%d/%m/%Y}. "
    what = _TYPE_HELP[ind.value_type].format(options=", ".join(ind.categories))
    zero = " Không có thì ghi 0, không để trống." if ind.is_count else ""
    return (when + what + zero + rule_help)[:255]  # Excel's limit for an input message


_TYPE_ERROR = {
    "integer": "Chỉ nhập số nguyên từ 0 trở lên (0, 1, 2, …), không nhập chữ hay số thập phân.",
    "vnd": "Chỉ nhập số tiền bằng đồng, là số nguyên từ 0 trở lên, ví dụ 600000000 (không ghi “đ”, “triệu”).",
    "binary": "Chỉ chọn “Đạt” hoặc “Chưa đạt”.",
    "category": "Chỉ chọn một mức có trong danh sách.",
}


def _validation(ind: Indicator, ref: str, prompt: str) -> DataValidation:
    """Excel's data validation for the indicator's cell: what may be typed, said when the
    cell is selected and again when something else is typed."""
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "showInputMessage": True,
        "errorTitle": "Số liệu không hợp lệ",
        "error": _TYPE_ERROR[ind.value_type],
        "promptTitle": "Cách nhập",
        "prompt": prompt,
    }
    if ind.value_type == "integer":
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", **common)
    if ind.value_type == "vnd":
        # Money outgrows the 32-bit whole numbers of Excel's "whole" check.
        formula = f"AND(ISNUMBER({ref}),{ref}>=0,{ref}=INT({ref}))"
        return DataValidation(type="custom", formula1=formula, **common)
    options = ("Đạt", "Chưa đạt") if ind.value_type == "binary" else ind.categories
    return DataValidation(type="list", formula1='"' + ",".join(options) + '"', **common)


def _rule_formula(rule: ConsistencyRule, cells: dict[str, str]) -> str | None:
    """An Excel formula true while the rule is broken, in the terms the validate stage
    uses (a blank cell breaks no rule: it is "not reported")."""
    v = cells.get(rule.value)
    if v is None:
        return None
    if rule.check == "sum_equals":
        parts = [cells[p] for p in rule.parts if p in cells]
        if len(parts) != len(rule.parts):
            return None
        listed = ",".join(parts)
        return f"AND(ISNUMBER({v}),COUNT({listed})={len(parts)},{v}<>SUM({listed}))"
    if rule.check == "not_greater" and rule.limit in cells:
        limit = cells[rule.limit]
        return f"AND(ISNUMBER({v}),ISNUMBER({limit}),{v}>{limit})"
    if rule.check == "zero_when_zero" and rule.base in cells:
        base = cells[rule.base]
        return f"AND(ISNUMBER({base}),{base}=0,ISNUMBER({v}),{v}>0)"
    if rule.check == "ratio_at_most" and rule.base in cells and rule.max:
        base = cells[rule.base]
        return f"AND(ISNUMBER({base}),{base}>0,ISNUMBER({v}),{v}>{base}*{rule.max:g})"
    return None


def _live_rules(ws: Worksheet, catalog: Catalog, cells: dict[str, str]) -> None:
    """The within-report rules as conditional formatting: every cell a broken rule names
    turns yellow while the officer types, as the report would mark it."""
    for rule in catalog.consistency:
        formula = _rule_formula(rule, cells)
        if formula is None:
            continue
        named = [cells[code] for code in rule.indicators if code in cells]
        ws.conditional_formatting.add(
            " ".join(ref.replace("$", "") for ref in named),
            FormulaRule(formula=[formula], fill=LIVE_RULE_FILL),
        )


def _lines(numbers: list[str]) -> str:
    """ "1", "2", "3", "5" -> "1–3, 5"."""
    values = sorted(int(n) for n in numbers)
    runs: list[list[int]] = []
    for n in values:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _kinds_line(layout: FormLayoutSpec, period: str, config: Config) -> str:
    """Which lines count what exists at the end of the window and which what happened
    within it: the difference officers most often get wrong."""
    catalog = config.catalog
    start, end = config.periods.window(period)
    stocks = [
        line.number
        for line in layout.lines
        if line.code
        and catalog.indicator(line.code).kind == "stock"
        and catalog.indicator(line.code).is_count
    ]
    flows = [
        line.number
        for line in layout.lines
        if line.code and catalog.indicator(line.code).kind == "flow"
    ]
    return (
        f"Các dòng {_lines(stocks)}: số hiện có tính đến ngày {end:%d/%m/%Y} (cả số có từ "
        f"trước, không phải số mới); các dòng {_lines(flows)}: số phát sinh từ ngày "
        f"{start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}."
    )


def _rule_help(catalog: Catalog, layout: FormLayoutSpec) -> dict[str, str]:
    """Per indicator, the rule its figure must keep with others of the form, by their
    line numbers ("Bằng tổng các dòng 2–7.")."""
    number = {line.code: line.number for line in layout.lines if line.code}
    said: dict[str, str] = {}
    for rule in catalog.consistency:
        if rule.value not in number:
            continue
        if rule.check == "sum_equals" and all(p in number for p in rule.parts):
            said[rule.value] = f" Bằng tổng các dòng {_lines([number[p] for p in rule.parts])}."
        elif rule.check == "not_greater" and rule.limit in number:
            said[rule.value] = f" Không lớn hơn dòng {number[rule.limit]}."
        elif rule.check == "zero_when_zero" and rule.base in number:
            said[rule.value] = f" Bằng 0 khi dòng {number[rule.base]} bằng 0."
    return said


def _table(ws: Worksheet, layout: FormLayoutSpec, config: Config, period: str) -> dict[str, str]:
    catalog = config.catalog
    rule_help = _rule_help(catalog, layout)
    cells: dict[str, str] = {}
    for line in layout.lines:
        heading = line.code is None
        font = _font(bold=True) if heading else _font()
        fill = HEADING_FILL if heading else None
        for c, value in (
            (NUMBER_COL, line.number),
            (LABEL_COL, line.label),
            (UNIT_COL, line.unit_label or None),
            (VALUE_COL, None),
            (NOTE_COL, None),
        ):
            cell = _cell(ws, line.row, c, value, font=font, border=BORDER)
            cell.alignment = WRAP if c in (LABEL_COL, NOTE_COL) else CENTER
            if fill is not None:
                cell.fill = fill
        if heading:
            continue
        ind = catalog.indicator(line.code)  # type: ignore[arg-type]
        value = ws.cell(line.row + 1, VALUE_COL + 1)
        value.fill, value.protection = INPUT_FILL, UNLOCKED
        value.number_format = INTEGER_FORMAT if ind.is_count else "@"
        value.alignment = Alignment(
            horizontal="right" if ind.is_count else "center", vertical="center"
        )
        note = ws.cell(line.row + 1, NOTE_COL + 1)
        note.fill, note.protection = INPUT_FILL, UNLOCKED
        ref = a1(line.row, VALUE_COL)
        cells[line.code] = f"${get_column_letter(VALUE_COL + 1)}${line.row + 1}"  # type: ignore[index]
        check = _validation(ind, ref, _prompt(ind, period, config, rule_help.get(ind.code, "")))
        ws.add_data_validation(check)
        check.add(ref)
    return cells


def _footer(ws: Worksheet, layout: FormLayoutSpec, unit: Unit, period: str, config: Config) -> None:
    r = layout.last_row + 1
    notes = [_kinds_line(layout, period, config)]
    if unit.level == "province":
        province_own = [
            line.number
            for line in layout.lines
            if line.code and config.catalog.indicator(line.code).province_only
        ]
        notes.append(
            f"Các dòng {_lines(province_own)} là của Công an tỉnh; các dòng khác là số liệu "
            "toàn tỉnh (tổng hợp các xã, phường, đặc khu)."
        )
    notes.append("Xem cách điền ở trang “Hướng dẫn”.")
    text = " ".join(notes)
    note = _cell(ws, r, 0, text, span=5, font=_font(11, italic=True))
    note.alignment = Alignment(wrap_text=True, vertical="top")
    lines = text_lines(text, sum(WIDTHS) * TIMES_12_AS_CALIBRI_11, 11)
    ws.row_dimensions[r + 1].height = LINE_HEIGHT * lines
    r += 2
    year = Period.parse(period).year
    place = _cell(
        ws,
        r,
        2,
        f"…………, ngày …… tháng …… năm {year}",
        span=3,
        font=_font(italic=True),
        alignment=CENTER,
    )
    place.protection = UNLOCKED
    _cell(ws, r + 1, 0, "NGƯỜI LẬP BIỂU", span=2, font=_font(bold=True), alignment=CENTER)
    _cell(ws, r + 1, 2, _chief(unit), span=3, font=_font(bold=True), alignment=CENTER)
    _cell(ws, r + 2, 0, "(Ký, ghi rõ họ tên)", span=2, font=_font(italic=True), alignment=CENTER)
    _cell(ws, r + 2, 2, "(Ký tên, đóng dấu)", span=3, font=_font(italic=True), alignment=CENTER)
    for c, span in ((0, 2), (2, 3)):
        name = _cell(
            ws, r + 2 + SIGNATURE_GAP, c, None, span=span, font=_font(bold=True), alignment=CENTER
        )
        name.protection = UNLOCKED


def _instructions(
    wb: Workbook, layout: FormLayoutSpec, unit: Unit, period: str, config: Config
) -> None:
    start, end = config.periods.window(period)
    deadline = config.periods.deadline(period, unit.level).astimezone(config.periods.timezone)
    to_whom = "Bộ Công an (V05)" if unit.level == "province" else "Công an tỉnh, thành phố"
    lines = (
        "HƯỚNG DẪN ĐIỀN BIỂU MẪU",
        f"1. Kỳ báo cáo {period_line(period).lower()}: số liệu từ ngày {start:%d/%m/%Y} đến ngày "
        f"{end:%d/%m/%Y}; gửi {to_whom} chậm nhất ngày {deadline:%d/%m/%Y}.",
        "2. Nhập số liệu vào các ô nền xanh ở cột “Số liệu”, giải thích (nếu cần) ở cột “Ghi "
        "chú”; ngày lập và họ tên người ký ở cuối trang. Tên đơn vị, mã đơn vị, kỳ báo cáo và "
        "tên các chỉ tiêu đã điền sẵn và được khóa để giữ đúng mẫu.",
        "3. " + _kinds_line(layout, period, config),
        "4. Các chỉ tiêu đếm số lượng ghi số nguyên từ 0 trở lên; kinh phí ghi bằng đồng (ví dụ "
        "600000000), không ghi “đ”, “triệu”; xã, phường đạt chuẩn chọn “Đạt” hoặc “Chưa đạt”. "
        "Đặt con trỏ vào ô để xem cách nhập.",
        "5. Ghi đủ mọi chỉ tiêu: không có thì ghi 0. Ô để trống được hiểu là "
        "“chưa báo cáo” (không phải 0) và tệp sẽ bị báo lỗi thiếu số liệu.",
        "6. Ô chuyển sang màu vàng khi số liệu mâu thuẫn nhau (ví dụ số nguồn tin có giá trị "
        "lớn hơn tổng số nguồn tin, tổng số mô hình khác tổng các loại mô hình): kiểm tra lại "
        "trước khi gửi.",
        "7. Không thêm, xóa hay đổi thứ tự các dòng. "
        "Nếu buộc phải sửa mẫu: thẻ Review (Xem lại) → Unprotect Sheet (Bỏ bảo vệ trang tính), "
        "không cần mật khẩu.",
        "8. Lưu tệp với định dạng .xlsx và gửi nguyên tệp; không đổi tên trang tính.",
    )
    ws = wb.create_sheet("Hướng dẫn")
    ws.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    for r, text in enumerate(lines):
        cell = _cell(
            ws, r, 0, text, font=_font(), alignment=Alignment(wrap_text=True, vertical="top")
        )
        if r == 0:
            cell.font = _font(13, bold=True)
    fit_row_heights(ws, 1, len(lines), (INSTRUCTIONS_WIDTH * TIMES_12_AS_CALIBRI_11,))
    ws.protection.sheet = True
    _portrait(ws)


def _marker(
    wb: Workbook, layout: FormLayoutSpec, unit: Unit, period: str, catalog: Catalog
) -> None:
    ws = wb.create_sheet(MARKER_SHEET)
    rows = (
        ("template_id", layout.template_id),
        ("template_version", layout.version),
        ("catalog_version", catalog.version),
        ("period", period),
        ("unit_code", unit.code),
        ("unit_level", unit.level),
        ("generated_at", dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()),
        ("note", "Trang này do antq tạo để đọc biểu mẫu; xin đừng sửa."),
    )
    for r, (key, value) in enumerate(rows):
        put(ws, r + 1, 1, key)
        put(ws, r + 1, 2, value)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _portrait(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "Trang &P / &N"


def form_sheet_name(period: str) -> str:
    year, month = period.split("-")
    return f"T{int(month)}-{year}"


def form_workbook(unit: Unit, period: str, config: Config) -> Workbook:
    """The monthly form of `unit` for `period`, ready to fill."""
    catalog = config.catalog
    layout = form_layout(catalog, unit.level, Period.parse(period).month)
    wb = Workbook()
    ws = wb.active
    ws.title = form_sheet_name(period)
    for c, width in enumerate(WIDTHS):
        ws.column_dimensions[get_column_letter(c + 1)].width = width
    _title(ws, unit, period, config.registry.provinces)
    cells = _table(ws, layout, config, period)
    _live_rules(ws, catalog, cells)
    _footer(ws, layout, unit, period, config)
    widths = [width * TIMES_12_AS_CALIBRI_11 for width in WIDTHS]
    fit_row_heights(ws, HEADER_ROW + 1, layout.last_row + 1, widths)
    ws.freeze_panes = ws.cell(HEADER_ROW + 2, 1)
    ws.print_title_rows = f"{HEADER_ROW + 1}:{HEADER_ROW + 1}"
    ws.protection.sheet = True
    # Officers may still widen columns and heighten rows to read their text.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    _portrait(ws)
    _instructions(wb, layout, unit, period, config)
    _marker(wb, layout, unit, period, catalog)
    wb.active = 0
    wb.properties.creator = "Bộ Công an (antq)"
    wb.properties.title = f"Biểu mẫu báo cáo {period_line(period).lower()}: {unit.display_name}"
    return wb


def form_bytes(unit: Unit, period: str, config: Config) -> bytes:
    sink = io.BytesIO()
    form_workbook(unit, period, config).save(sink)
    return sink.getvalue()


def form_file_name(unit: Unit, period: str) -> str:
    """ "00070-phuong-hoan-kiem-t11-2026.xlsx": the code first, so files sort by unit."""
    year, month = period.split("-")
    return f"{unit.code}-{slug(unit.name)}-t{int(month)}-{year}.xlsx"


def province_folder_name(province: Unit) -> str:
    return f"{province.code}-{slug(province.name)}"


def units_for(config: Config, province: str | None, unit: str | None) -> list[Unit]:
    """The units asked for: one unit, one province (its own form and its communes'), or
    every province and commune. Raises ValueError naming what is not known."""
    reg = config.registry
    wanted = None
    if province is not None:
        wanted = (
            reg.province_by_code(province)
            or reg.province_folder(province)  # "12-lai-chau", as this command names folders
            or reg.match_province(province).unit
        )
        if wanted is None:
            raise ValueError(f"không có tỉnh, thành phố “{province}” trong danh mục")
    if unit is not None:
        written = unit.strip()
        # A province by its 2-digit code; a commune by its code, leading zeros or not.
        found = reg.province_by_code(written) if len(written) <= 2 else None
        found = found or reg.commune_by_code(written)
        if found is None:
            raise ValueError(
                f"không có đơn vị mã “{unit}” trong danh mục (mã xã 5 chữ số, mã tỉnh 2 chữ số)"
            )
        if wanted is not None and found.province_code != wanted.code:
            raise ValueError(
                f"đơn vị {found.code} ({found.name}) không thuộc {wanted.display_name}"
            )
        return [found]
    codes = [wanted.code] if wanted is not None else sorted(reg.provinces)
    units: list[Unit] = []
    for code in codes:
        units.append(reg.provinces[code])
        units.extend(sorted(reg.communes_of(code), key=lambda u: u.code))
    return units


def write_province(
    out: Path, period: str, codes: list[str], config: Config | None = None
) -> list[Path]:
    """The forms of `codes` (units of one province) under `out/<province>/`, and the zip
    of that folder, for the province to pass on to its communes."""
    cfg = config or Config.load(period)
    reg = cfg.registry
    units = [reg.unit(code) for code in codes]
    folder = out / province_folder_name(reg.provinces[units[0].province_code])  # type: ignore[union-attr]
    paths = []
    for unit in units:
        data = form_bytes(unit, period, cfg)  # type: ignore[arg-type]
        target = folder / form_file_name(unit, period)  # type: ignore[arg-type]
        paths.append(write_aside(target, lambda tmp, d=data: tmp.write_bytes(d)))
    _zip_forms(folder, period, paths)
    return paths


def write_templates(
    out: Path,
    period: str,
    units: list[Unit],
    config: Config,
    workers: int = 1,
    progress: Callable[[Unit, int], None] | None = None,
) -> list[Path]:
    """Every unit's form, a folder and a zip per province; `progress(province, n_forms)`
    as each province is done. Provinces are written side by side with `workers` > 1."""
    by_province: dict[str, list[str]] = {}
    for unit in units:
        by_province.setdefault(unit.province_code, []).append(unit.code)
    provinces = config.registry.provinces
    written: list[Path] = []
    if workers <= 1 or len(by_province) == 1:
        for code, codes in by_province.items():
            written += write_province(out, period, codes, config)
            if progress is not None:
                progress(provinces[code], len(codes))
        return written
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        jobs = {
            pool.submit(write_province, out, period, codes): code
            for code, codes in by_province.items()
        }
        for job in as_completed(jobs):
            paths = job.result()
            written += paths
            if progress is not None:
                progress(provinces[jobs[job]], len(paths))
    return sorted(written)


def zip_path(folder: Path, period: str) -> Path:
    """ "12-lai-chau" -> "12-lai-chau-t11-2026.zip", beside the folder."""
    year, month = period.split("-")
    return folder.with_name(f"{folder.name}-t{int(month)}-{year}.zip")


def _zip_forms(folder: Path, period: str, paths: list[Path]) -> Path:
    """The zip of the forms just written, for the province to send on to its communes:
    never last month's forms left in the same folder."""

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(paths):
                archive.write(path, f"{folder.name}/{path.name}")

    return write_aside(zip_path(folder, period), write)
