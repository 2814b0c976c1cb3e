"""`antq inspect FILE`: how one file is read, shown to the data team (nothing is written).

This is what the team runs when a province says "your report is wrong about my file":
the sheet chosen and why, the layout, every label with the indicator it was read as,
how sure and by what, the unit and the period with the cells they came from, the
figures that would be stored and the findings the province would get.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from antq.cells import a1, column_letter
from antq.config import Config, UnsupportedPeriod
from antq.schemas.periods import PeriodRules
from antq.schemas.registry import Registry
from antq.tasks.normalize import FileRef, ParsedFile, holds_a_report, normalize_workbook
from antq.tasks.normalize.layout import (
    Ambiguous,
    CrossLayout,
    FormLayout,
    Reading,
    SheetView,
    TableLayout,
    indicators_named,
    label_hits,
    month_column_notes,
)
from antq.tasks.normalize.template import KnownForm, examine_form, template_marker
from antq.tasks.normalize.title import find_period, title_cells
from antq.tasks.read import Workbook, read_bytes
from antq.text import format_number

_HOW = {
    "label": "theo nhãn",
    "section": "loại trừ trong mục",
    "columns": "loại trừ giữa các cột",
}


@dataclass(frozen=True)
class Inspection:
    parsed: ParsedFile
    book: Workbook
    findings: list  # normalize and validation findings
    config: Config  # what the file was read against


class InspectError(ValueError):
    """The file cannot be inspected as asked (no province could be told, say)."""


def province_of(path: Path, book: Workbook, given: str | None, reg: Registry) -> str:
    """The submitting province: as given, else the folder the file sits in, else the
    province a title names."""
    if given:
        unit = reg.province_by_code(given) or reg.match_province(given).unit
        if unit is None:
            raise InspectError(f"không nhận ra tỉnh “{given}”")
        return unit.code
    for folder in path.resolve().parents:
        unit = reg.province_folder(folder.name)
        if unit is not None:
            return unit.code
    for sheet in book.sheets:
        for cell in title_cells(sheet, min(sheet.n_rows, 12)):
            match = reg.match_province(cell.text)
            if match.status == "ok" and match.unit is not None:
                return match.unit.code
    raise InspectError("không biết tệp của tỉnh nào: cho biết --province (mã hoặc tên tỉnh)")


def period_of(path: Path, book: Workbook, given: str | None, rules: PeriodRules) -> str:
    """The month to read the file for: as given, else the latest one its sheets name
    (a workbook that still holds earlier months is sent for its newest)."""
    if given:
        return given
    months = []
    for sheet in book.sheets:
        found = find_period(title_cells(sheet, min(sheet.n_rows, 15)), sheet.name, path.name, rules)
        if found.period is not None:
            months.append(f"{found.period.year or dt.date.today().year}-{found.period.month:02d}")
    if not months:
        raise InspectError("không thấy kỳ báo cáo trong tệp: cho biết --period (ví dụ 2026-10)")
    return max(months)


def inspect_file(path: Path, period: str | None = None, province: str | None = None) -> Inspection:
    from antq.tasks.validate import validate_month

    data = path.read_bytes()
    book = read_bytes(data, path.stem)
    province_code = province_of(path, book, province, Config.load().registry)
    rules = Config.load().periods
    run_period = period_of(path, book, period, rules) if book.problem is None else (period or "")
    ref = FileRef(
        original_path=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        province_code=province_code,
        period=run_period,
        received_at=dt.datetime.now(dt.UTC),
        size=len(data),
    )
    try:
        config = Config.load(run_period or None)
    except UnsupportedPeriod as unsupported:
        raise InspectError(str(unsupported)) from None
    parsed = normalize_workbook(book, ref, config)
    findings = list(parsed.findings)
    if parsed.reports:
        findings += validate_month([parsed], config=config).findings
    return Inspection(parsed, book, findings, config)


# ----------------------------------------------------------------------- printing


def print_inspection(result: Inspection, out: TextIO) -> None:
    parsed, book = result.parsed, result.book
    ref = parsed.ref
    config = result.config
    province = config.registry.provinces[ref.province_code].display_name
    out.write(f"Tệp: {ref.original_path} ({book.format}, {format_number(ref.size)} byte)\n")
    out.write(f"Tỉnh gửi: {province} ({ref.province_code}) · kỳ chạy: {ref.period}\n")
    if book.problem is not None:
        out.write(f"\nKhông đọc được tệp: {book.problem.rule} — {book.problem.detail}\n")
        _print_findings(result.findings, out)
        return
    _print_sheets(book, parsed, config, out)
    _print_template(book, parsed, config, out)
    if parsed.sheet is None:
        _print_findings(result.findings, out)
        return
    sheet = next(s for s in book.sheets if s.name == parsed.sheet)
    layout = parsed.found_layout
    _print_layout(layout, out)
    _print_unit_and_period(parsed, sheet, layout, config, out)
    if layout is not None:
        _print_readings(layout.readings, out)
    notes = list(parsed.notes)
    if isinstance(layout, FormLayout):
        notes += month_column_notes(SheetView(sheet, config, ref.period), layout)
    _print_notes(notes, out)
    _print_facts(parsed, result.findings, out)
    _print_findings(result.findings, out)


def _print_sheets(book: Workbook, parsed: ParsedFile, config: Config, out: TextIO) -> None:
    out.write("\nTrang tính:\n")
    named = [indicators_named(label_hits(SheetView(sheet, config))) for sheet in book.sheets]
    for sheet, n in zip(book.sheets, named, strict=True):
        found = find_period(
            title_cells(sheet, min(sheet.n_rows, 15)), sheet.name, "", config.periods
        )
        period = str(found.period) if found.period else "—"
        mark = "→" if sheet.name == parsed.sheet else " "
        hidden = "" if sheet.visible else " (ẩn)"
        out.write(f"  {mark} “{sheet.name}”{hidden}: {n} chỉ tiêu, kỳ {period}\n")
    if parsed.sheet is not None:
        reports = sum(holds_a_report(n, max(named)) for n in named)
        why = "trang có kỳ trùng kỳ chạy" if reports > 1 else "trang nêu nhiều chỉ tiêu nhất"
        out.write(f"  Đọc trang “{parsed.sheet}”: {why}.\n")


def _print_template(book: Workbook, parsed: ParsedFile, config: Config, out: TextIO) -> None:
    found = examine_form(book, parsed.ref, config)
    if found is None:
        return
    if isinstance(found, KnownForm):
        out.write(
            f"\nBiểu mẫu {found.name} còn nguyên mẫu: đọc từng ô theo bố cục đã biết, "
            "không cần dò (bố cục dò được in dưới đây để đối chiếu).\n"
        )
        return
    marker = template_marker(book)
    name = f"{marker.get('template_id', '?')} v{marker.get('template_version', '?')}"
    out.write(
        f"\nTệp mang dấu biểu mẫu {name} (đơn vị {marker.get('unit_code', '?')}, kỳ "
        f"{marker.get('period', '?')}) nhưng {found}: đọc như mọi tệp khác.\n"
    )


def _print_layout(layout, out: TextIO) -> None:
    out.write("\nBố cục: ")
    if isinstance(layout, FormLayout):
        header = f", dòng tiêu đề {layout.header_row + 1}" if layout.header_row is not None else ""
        out.write(
            f"biểu dọc (một đơn vị): nhãn ở cột {column_letter(layout.label_col)}, "
            f"số liệu tháng ở cột {column_letter(layout.value_col)}{header}\n"
        )
    elif isinstance(layout, CrossLayout):
        cols = ", ".join(column_letter(c) for c in layout.unit_cols)
        out.write(f"bảng ngang theo cột đơn vị ({cols}), dòng tiêu đề {layout.header_row + 1}\n")
    elif isinstance(layout, TableLayout):
        rows = f"{layout.header_top + 1}–{layout.header_row + 1}"
        code = column_letter(layout.code_col) if layout.code_col is not None else "—"
        name = column_letter(layout.name_col) if layout.name_col is not None else "—"
        out.write(
            f"bảng ngang (mỗi dòng một xã): tiêu đề ở dòng {rows}, cột mã {code}, cột tên {name}\n"
        )
    elif isinstance(layout, Ambiguous):
        listed = "; ".join(f"{cell} “{text}”" for cell, text in layout.candidates)
        out.write(f"không chắc {layout.part}: {listed}\n")
    else:
        out.write("không nhận ra\n")


def _print_unit_and_period(parsed: ParsedFile, sheet, layout, config: Config, out: TextIO) -> None:
    title = title_cells(sheet, layout.title_end if layout is not None else 15)
    found = find_period(title, sheet.name, parsed.ref.original_path, config.periods)
    where = f" (ô {found.cell})" if found.cell else f" (từ {found.source})" if found.source else ""
    out.write(f"Kỳ báo cáo: {found.period or '—'}{where}: “{found.written}”\n")
    if parsed.unit_code:
        anchor = parsed.reports[0].anchor_cell if parsed.reports else ""
        kind = "tỉnh" if parsed.unit_level == "province" else "xã"
        out.write(f"Đơn vị: {parsed.unit_name} ({parsed.unit_code}, cấp {kind}) · ô {anchor}\n")


def _print_readings(readings: tuple[Reading, ...], out: TextIO) -> None:
    out.write("\nNhãn đã đọc:\n")
    for reading in readings:
        cell = a1(reading.row, reading.col)
        text = reading.text if len(reading.text) <= 60 else reading.text[:57] + "..."
        if reading.code:
            how = reading.how
            how = f"dưới nhóm “{how[6:]}”" if how.startswith("group:") else _HOW.get(how, how)
            target = f"{reading.code} ({reading.score:.0f}, {how})"
        else:
            target = f"CHƯA CHẮC ({reading.score:.0f})"
        runner = (
            f" · kế tiếp: {reading.runner_up[0]} ({reading.runner_up[1]:.0f})"
            if reading.runner_up
            else ""
        )
        out.write(f"  {cell:>6}  {text:<60} → {target}{runner}\n")


def _print_notes(notes: list[str], out: TextIO) -> None:
    if notes:
        out.write("\nKiểm chứng cách đọc:\n")
        for note in notes:
            out.write(f"  {note}\n")


def _print_facts(parsed: ParsedFile, findings: list, out: TextIO) -> None:
    held = {(f.unit_code, f.indicator) for f in findings if f.is_error and f.indicator}
    out.write("\nSố liệu sẽ lưu:\n")
    names = {r.index: (r.unit_code, r.unit_name) for r in parsed.reports}
    for report in parsed.reports:
        values = [o for o in parsed.observations if o.report == report.index]
        shown = []
        for obs in values:
            unit = names[obs.report][0]
            if obs.parsed.value is None and obs.parsed.text is None:
                continue
            value = obs.parsed.text or format_number(obs.parsed.value)
            flag = " (không nhận: có lỗi)" if (unit, obs.indicator) in held else ""
            shown.append(f"{obs.indicator}={value}@{obs.cell}{flag}")
        out.write(f"  {report.unit_name} ({report.unit_code}): {len(shown)} số liệu\n")
        for chunk in range(0, len(shown), 4):
            out.write("      " + "  ".join(shown[chunk : chunk + 4]) + "\n")


def _print_findings(findings: list, out: TextIO) -> None:
    out.write(f"\nPhát hiện ({len(findings)}):\n")
    if not findings:
        out.write("  Không có lỗi hay cảnh báo nào.\n")
    for f in findings:
        level = "LỖI" if f.is_error else "cảnh báo"
        where = f.cell or "cả tệp"
        out.write(f"  [{level}] {f.rule} · {where}: {f.message}\n")
