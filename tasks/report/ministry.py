"""The ministry outputs of a period: the workbook and the web page of the same tables."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.pagebreak import Break

from antq.config import Config
from antq.findings import Finding
from antq.outputs import save_workbook, write_text
from antq.period import Period
from antq.schemas.registry import NATIONAL_CODE, Registry
from antq.tasks.report.common import (
    NEAR_TARGET,
    WindowTable,
    grade,
    number_or_none,
    percent_text,
    province_title,
    reform_note,
    vi_period,
    window_line,
    window_table,
)
from antq.text import format_number
from antq.xlsx import (
    BOLD,
    BORDER,
    DECIMAL_FORMAT,
    ERROR_FILL,
    INTEGER_FORMAT,
    RATIO_FORMAT,
    TOTAL_FILL,
    WARNING_FILL,
    printable,
    put,
    sheet_title,
    write_table,
    write_title,
)

MONEY_FORMAT = '#,##0" đ"'
GOOD_FILL = PatternFill("solid", fgColor="C6EFCE")
CODE_FONT = Font(color="808080", size=9)  # the data team's codes: there, not in the way
NO_WRAP = Alignment(vertical="top", wrap_text=False)
CHANGE_FORMAT = "+0.0%;-0.0%;0.0%"


def _pivot(rollup: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    table = rollup[rollup["indicator"].isin(codes)].pivot(
        index="unit_code", columns="indicator", values="value"
    )
    return table.reindex(columns=codes)


def _unit_rows(table: pd.DataFrame, reg: Registry) -> list[tuple[str, str, pd.Series]]:
    rows = []
    for code in sorted(reg.provinces):
        if code in table.index:
            rows.append((code, province_title(code, reg), table.loc[code]))
    if NATIONAL_CODE in table.index:
        rows.append((NATIONAL_CODE, "TOÀN QUỐC", table.loc[NATIONAL_CODE]))
    return rows


def _values_sheet(
    ws,
    title: list[str],
    rollup: pd.DataFrame,
    codes: list[str],
    formats: dict[str, str],
    previous: pd.DataFrame | None,
    cfg: Config,
) -> None:
    cat = cfg.catalog
    table = _pivot(rollup, codes)
    top = write_title(ws, title, min(len(codes) + 2, 12))
    rows = [
        (code, name, *[None if pd.isna(v) else float(v) for v in values])
        for code, name, values in _unit_rows(table, cfg.registry)
    ]
    last = write_table(
        ws,
        top,
        ["Mã", "Tỉnh, thành phố", *[cat.label(c) for c in codes]],
        rows,
        [6, 26, *[16] * len(codes)],
        [None, None, *[formats[c] for c in codes]],
    )
    ws.freeze_panes = ws.cell(row=top + 1, column=3)
    ws.row_dimensions[top].height = 90
    for col in range(1, len(codes) + 3):
        cell = ws.cell(last, col)
        cell.font, cell.fill = BOLD, TOTAL_FILL
    if previous is not None and len(previous):
        _change_block(ws, top, last, codes, table, _pivot(previous, codes), formats, cfg)
    printable(ws, f"{top}:{top}", "A:B")


def _change_block(
    ws,
    top: int,
    last: int,
    codes: list[str],
    table: pd.DataFrame,
    before: pd.DataFrame,
    formats: dict[str, str],
    cfg: Config,
) -> None:
    """Month-over-month change, to the right of the values."""
    start = len(codes) + 4
    put(ws, top - 1, start, "So với tháng trước (tăng/giảm)").font = BOLD
    for i, code in enumerate(codes):
        cell = put(ws, top, start + i, cfg.catalog.label(code))
        cell.font = BOLD
    for r in range(top + 1, last + 1):
        unit = ws.cell(r, 1).value
        for i, code in enumerate(codes):
            now = table.at[unit, code] if unit in table.index else None
            then = before.at[unit, code] if unit in before.index else None
            if now is not None and then is not None and not pd.isna(now) and not pd.isna(then):
                put(ws, r, start + i, float(now - then), formats[code])


def _progress_sheet(
    ws,
    period: str,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    findings: list[Finding],
    cfg: Config,
) -> None:
    rate = rollup[rollup["indicator"] == "ty_le_bao_cao"].set_index("unit_code")
    on_time = rollup[rollup["indicator"] == "ty_le_bao_cao_dung_han"].set_index("unit_code")
    errors = Counter(f.province_code for f in findings if f.is_error)
    warnings = Counter(f.province_code for f in findings if not f.is_error)
    rows = []
    unit_rows = _unit_rows(rate[["value"]].rename(columns={"value": "x"}), cfg.registry)
    for code, name, _ in unit_rows:
        subs = (
            submissions
            if code == NATIONAL_CODE
            else submissions[submissions["province_code"] == code]
        )
        rows.append(
            (
                code,
                name,
                int(rate.at[code, "n_expected"]),
                int(rate.at[code, "n_reporting"]),
                float(rate.at[code, "value"] or 0.0),
                int(on_time.at[code, "n_reporting"]),
                float(on_time.at[code, "value"] or 0.0),
                len(subs),
                int((subs["status"] == "rejected").sum()) if len(subs) else 0,
                sum(errors.values()) if code == NATIONAL_CODE else errors.get(code, 0),
                sum(warnings.values()) if code == NATIONAL_CODE else warnings.get(code, 0),
            )
        )
    targets = {d.code: d.target for d in cfg.catalog.derived}
    deadline = cfg.periods.deadline(period, "commune").astimezone(cfg.periods.timezone)
    top = write_title(
        ws,
        [
            f"TIẾN ĐỘ BÁO CÁO — {vi_period(period).upper()}",
            window_line(period, cfg.periods),
            f"Chỉ tiêu: tỷ lệ báo cáo ≥ {percent_text(targets['ty_le_bao_cao'])}, tỷ lệ đúng hạn ≥ "
            f"{percent_text(targets['ty_le_bao_cao_dung_han'])} (hạn nộp của xã, phường: "
            f"{deadline:%H:%M} ngày {deadline:%d/%m/%Y}). Màu xanh: đạt chỉ tiêu; màu vàng: "
            f"thiếu dưới {percent_text(NEAR_TARGET)}; màu đỏ: thiếu từ {percent_text(NEAR_TARGET)} trở lên.",
        ],
        11,
    )
    last = write_table(
        ws,
        top,
        [
            "Mã",
            "Tỉnh, thành phố",
            "Số xã, phường",
            "Đã báo cáo",
            "Tỷ lệ báo cáo",
            "Đúng hạn",
            "Tỷ lệ đúng hạn",
            "Số tệp",
            "Tệp bị từ chối",
            "Số lỗi",
            "Số cảnh báo",
        ],
        rows,
        [6, 26, 12, 12, 12, 12, 12, 10, 12, 10, 12],
        [
            None,
            None,
            INTEGER_FORMAT,
            INTEGER_FORMAT,
            RATIO_FORMAT,
            INTEGER_FORMAT,
            RATIO_FORMAT,
            INTEGER_FORMAT,
            INTEGER_FORMAT,
            INTEGER_FORMAT,
            INTEGER_FORMAT,
        ],
    )
    for col in range(1, 12):
        ws.cell(last, col).font, ws.cell(last, col).fill = BOLD, TOTAL_FILL
    for col, code in ((5, "ty_le_bao_cao"), (7, "ty_le_bao_cao_dung_han")):
        target = targets.get(code)
        for r in range(top + 1, last + 1):
            value = ws.cell(r, col).value
            if target is not None and isinstance(value, float):
                ws.cell(r, col).fill = _against_target(value, target)
    ws.row_dimensions[3].height = 45
    _progress_chart(ws, top, last)
    printable(ws, f"{top}:{top}", "A:B")


def _against_target(value: float, target: float) -> PatternFill:
    return {"good": GOOD_FILL, "low": WARNING_FILL, "bad": ERROR_FILL}[grade(value, target)]


def _progress_chart(ws, top: int, last: int) -> None:
    """Reporting rate and timeliness per province (the national row left out), under the
    table it is drawn from (so the chart follows the figures if someone edits them, and
    the page keeps the table's width when printed)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Tỷ lệ báo cáo và báo cáo đúng hạn theo tỉnh"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.height, chart.width = 16, 24
    for col in (5, 7):  # "Tỷ lệ báo cáo", "Tỷ lệ đúng hạn"
        chart.add_data(
            Reference(ws, min_col=col, min_row=top, max_row=last - 1), titles_from_data=True
        )
    chart.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=last - 1))
    ws.row_breaks.append(Break(id=last + 1))  # on a page of its own, whole
    ws.add_chart(chart, f"A{last + 2}")


def _legend_sheet(ws, cfg: Config) -> None:
    cat = cfg.catalog
    kinds = {
        "flow": "Phát sinh trong kỳ (cộng dồn theo thời gian)",
        "stock": "Hiện có cuối kỳ (lấy số cuối)",
    }
    rows = [
        (i.code, i.label, i.unit_label, kinds[i.kind], ", ".join(i.levels)) for i in cat.indicators
    ]
    rows += [
        (
            d.code,
            d.label,
            "tỷ lệ (%)" if d.percent else "bình quân",
            f"{d.numerator} / {d.denominator}"
            + (f"; chỉ tiêu ≥ {percent_text(d.target)}" if d.target is not None else ""),
            "tính từ số liệu các xã",
        )
        for d in cat.derived
    ]
    write_table(
        ws,
        1,
        ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Loại", "Cấp báo cáo"],
        rows,
        [30, 56, 14, 44, 22],  # codes of up to 26 letters do not break
    )
    printable(ws, "1:1")


def number_formats(cfg: Config) -> dict[str, str]:
    """How each indicator's figure is written: a count, money, a share (%) or an average
    per unit (a number with one decimal)."""
    formats = {
        i.code: MONEY_FORMAT if i.value_type == "vnd" else INTEGER_FORMAT
        for i in cfg.catalog.indicators
    }
    for d in cfg.catalog.derived:
        formats[d.code] = RATIO_FORMAT if d.percent else DECIMAL_FORMAT
    return formats


def write_ministry_workbook(
    out_dir: Path,
    period: str,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    findings: list[Finding],
    previous: pd.DataFrame | None = None,
    config: Config | None = None,
    windows: pd.DataFrame | None = None,
    trend: pd.DataFrame | None = None,
) -> Path:
    """The period's workbook for the ministry. `windows` are the period's rollup_windows
    rows (the year to date and the same month a year before; without them the month
    alone), `trend` the month rows (`period`, unit_code, indicator, value) of the
    months before it, for the twelve-month chart."""
    cfg = config or Config.load(period)
    cat = cfg.catalog
    formats = number_formats(cfg)
    numeric = [i.code for i in cat.indicators if i.value_type != "category"]
    ratios = [d.code for d in cat.derived]
    wb = openpyxl.Workbook()
    table = window_table(rollup, windows)  # one reading of the windows for every sheet
    _national_sheet(wb.active, period, table, formats, cfg)
    for section, name in cat.sections.items():
        codes = [i.code for i in cat.indicators if i.section == section and i.code in numeric]
        if codes:
            sheet = wb.create_sheet(sheet_title(f"{section}. {name}", wb.sheetnames))
            _section_sheet(sheet, period, f"{section}. {name}", codes, table, formats, cfg)
    ws = wb.create_sheet("Chỉ tiêu")
    _values_sheet(
        ws,
        [
            f"KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — {vi_period(period).upper()}",
            window_line(period, cfg.periods),
            "Số liệu tỉnh = cộng số liệu các xã, phường đã báo cáo; chỉ tiêu chỉ tỉnh báo cáo lấy số của tỉnh.",
        ],
        rollup,
        numeric,
        formats,
        previous,
        cfg,
    )
    _values_sheet(
        wb.create_sheet("Tỷ lệ"),
        [
            f"CÁC TỶ LỆ — {vi_period(period).upper()}",
            "Tính lại từ tổng tử số và tổng mẫu số, không lấy trung bình các tỷ lệ. "
            "Ô màu vàng: dưới chỉ tiêu phấn đấu.",
        ],
        rollup,
        ratios,
        formats,
        None,
        cfg,
    )
    _mark_targets(wb["Tỷ lệ"], ratios, cfg)
    _progress_sheet(wb.create_sheet("Tiến độ báo cáo"), period, rollup, submissions, findings, cfg)
    _trend_sheet(wb.create_sheet("Xu hướng 12 tháng"), period, rollup, trend, formats, cfg)
    _legend_sheet(wb.create_sheet("Giải thích"), cfg)
    return save_workbook(wb, out_dir / f"tong-hop-bo-cong-an-{period}.xlsx")


# ----------------------------------------------------------------- over time

_TREND_INDICATORS = ("nguon_tin", "buoi_tuyen_truyen", "mo_hinh_tong", "to_tu_quan")


# (unit, indicator) -> this month, its year to date, the year before, the changes
def _national_sheet(
    ws,
    period: str,
    table: WindowTable,
    formats: dict[str, str],
    cfg: Config,
) -> None:
    """The nation at a glance: every indicator this month, year to date, the same month
    a year before and the change, grouped by section, with the reports behind them."""
    ws.title = "Toàn quốc"
    cat = cfg.catalog
    month = Period.parse(period)
    headers = [
        "Chỉ tiêu",
        f"Tháng {month.month}/{month.year}",
        f"Luỹ kế từ tháng 1/{month.year}",
        f"Tháng {month.month}/{month.year - 1}",
        "Tăng/giảm so với cùng kỳ",
        "Tỷ lệ tăng/giảm",
        "So với tháng trước",
        "Xã báo cáo tháng này",
        "Xã báo cáo cùng kỳ",
        "Mã chỉ tiêu",
    ]
    notes = [
        "Chỉ tiêu phát sinh: luỹ kế = cộng các tháng; chỉ tiêu hiện có: số của tháng gần "
        "nhất. So sánh với cùng kỳ khi kho có đủ số liệu của kỳ đó; xem thêm số xã báo cáo "
        "ở hai kỳ (số tăng có thể chỉ vì nhiều xã báo cáo hơn).",
    ]
    reform = reform_note(period, table)
    if reform:
        notes.append(reform)
    top = write_title(
        ws,
        [
            f"TOÀN QUỐC — {vi_period(period).upper()}, LUỸ KẾ NĂM VÀ CÙNG KỲ NĂM TRƯỚC",
            window_line(period, cfg.periods),
            *notes,
        ],
        len(headers),
    )
    groups = [
        (f"{section}. {name}", [i.code for i in cat.indicators if i.section == section])
        for section, name in cat.sections.items()
    ]
    groups.append(("Các tỷ lệ", [d.code for d in cat.derived]))
    rows: list[tuple[object, ...]] = []
    group_rows: list[int] = []
    for name, codes in groups:
        codes = [c for c in codes if (NATIONAL_CODE, c) in table]
        if not codes:
            continue
        group_rows.append(top + 1 + len(rows))
        rows.append((name, *[None] * (len(headers) - 1)))
        for code in codes:
            entry = table[(NATIONAL_CODE, code)]
            month_value = number_or_none(entry.get("month"))
            prev = number_or_none(entry.get("prev"))
            rows.append(
                (
                    cat.label(code),
                    month_value,
                    number_or_none(entry.get("ytd")),
                    number_or_none(entry.get("yoy")),
                    number_or_none(entry.get("change_yoy")),
                    number_or_none(entry.get("change_yoy_pct")),
                    None if month_value is None or prev is None else month_value - prev,
                    number_or_none(entry.get("n_reporting")),
                    number_or_none(entry.get("yoy_n_reporting")),
                    code,
                )
            )
    last = write_table(ws, top, headers, rows, [38, 15, 15, 15, 15, 10, 15, 11, 11, 26])
    for r in range(top + 1, last + 1):
        code = rows[r - top - 1][-1]  # not read back from the cell: its text is escaped
        if r in group_rows:
            for col in range(1, len(headers) + 1):
                ws.cell(r, col).font, ws.cell(r, col).fill = BOLD, TOTAL_FILL
            ws.cell(r, 1).alignment = Alignment(vertical="center")
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
            continue
        fmt = formats.get(code, INTEGER_FORMAT)
        for col in (2, 3, 4, 5, 7):
            ws.cell(r, col).number_format = fmt
        ws.cell(r, 6).number_format = CHANGE_FORMAT
        ws.cell(r, 8).number_format = ws.cell(r, 9).number_format = INTEGER_FORMAT
        ws.cell(r, len(headers)).font = CODE_FONT
        ws.cell(r, len(headers)).alignment = NO_WRAP  # a code breaks at its underscores
    ws.freeze_panes = f"B{top + 1}"  # a coordinate: the first row may be merged
    ws.row_dimensions[top].height = 45
    for r in range(3, 3 + len(notes)):
        ws.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[r].height = 30  # a note: two lines across the table
    printable(ws, f"{top}:{top}")


def _section_sheet(
    ws,
    period: str,
    title: str,
    codes: list[str],
    table: WindowTable,
    formats: dict[str, str],
    cfg: Config,
) -> None:
    """One section's indicators, provinces as rows and the nation last; per indicator
    this month, the year to date, the same month a year before and the change (%)."""
    cat = cfg.catalog
    month = Period.parse(period)
    parts = [
        ("month", f"T{month.month}/{month.year}"),
        ("ytd", "Luỹ kế năm"),
        ("yoy", f"T{month.month}/{month.year - 1}"),
        ("change_yoy_pct", "Tăng/giảm"),
    ]
    width = 2 + len(parts) * len(codes)
    top = write_title(ws, [f"{title.upper()} — {vi_period(period).upper()}"], min(width, 14)) + 1
    for i, code in enumerate(codes):
        col = 3 + i * len(parts)
        cell = put(ws, top - 1, col, cat.label(code))
        cell.font, cell.alignment = BOLD, Alignment(wrap_text=True, horizontal="center")
        cell.border = BORDER
        ws.merge_cells(start_row=top - 1, start_column=col, end_row=top - 1, end_column=col + 3)
    units = [(c, province_title(c, cfg.registry)) for c in sorted(cfg.registry.provinces)]
    units.append((NATIONAL_CODE, "TOÀN QUỐC"))
    rows = []
    for unit, name in units:
        values: list[object] = []
        for code in codes:
            entry = table.get((unit, code), {})
            values += [number_or_none(entry.get(key)) for key, _ in parts]
        rows.append((unit, name, *values))
    formats_row: list[str | None] = [None, None]
    for code in codes:
        formats_row += [formats[code]] * 3 + [CHANGE_FORMAT]
    last = write_table(
        ws,
        top,
        ["Mã", "Tỉnh, thành phố", *[label for _ in codes for _, label in parts]],
        rows,
        [6, 24, *[12] * (width - 2)],
        formats_row,
    )
    for col in range(1, width + 1):
        ws.cell(last, col).font, ws.cell(last, col).fill = BOLD, TOTAL_FILL
    ws.freeze_panes = ws.cell(row=top + 1, column=3)
    ws.row_dimensions[top - 1].height = 60
    printable(ws, f"{top - 1}:{top}", "A:B")


def _trend_sheet(
    ws,
    period: str,
    rollup: pd.DataFrame,
    trend: pd.DataFrame | None,
    formats: dict[str, str],
    cfg: Config,
) -> None:
    """The nation's main figures and reporting rate over the last twelve months, as a
    table and, under it, two charts drawn from it."""
    cat = cfg.catalog
    months = Period.parse(period).window("year")
    codes = [c for c in (*_TREND_INDICATORS, "ty_le_bao_cao") if c in formats]
    frames = [rollup.assign(period=period)]
    if trend is not None and len(trend):
        frames.append(trend[trend["period"] != period])
    data = pd.concat(frames, ignore_index=True)
    data = data[data["unit_code"] == NATIONAL_CODE].set_index(["period", "indicator"])["value"]
    rows = [
        (
            f"{m.month:02d}/{m.year}",
            *[
                number_or_none(data.get((str(m), code))) if (str(m), code) in data.index else None
                for code in codes
            ],
        )
        for m in months
    ]
    top = write_title(ws, [f"TOÀN QUỐC — 12 THÁNG ĐẾN {vi_period(period).upper()}"], len(codes) + 1)
    last = write_table(
        ws,
        top,
        ["Tháng", *[cat.label(c) for c in codes]],
        rows,
        [10, *[18] * len(codes)],
        [None, *[formats[c] for c in codes]],
        filters=False,
    )
    ws.row_dimensions[top].height = 75
    figures = LineChart()
    figures.title = "Một số chỉ tiêu chính (toàn quốc)"
    figures.height, figures.width = 11, 24
    for col in range(2, len(codes)):  # the counts; the rate has its own chart
        figures.add_data(
            Reference(ws, min_col=col, min_row=top, max_row=last), titles_from_data=True
        )
    figures.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    # Under the table, each on a page of its own: the page keeps the table's width and a
    # chart is never cut in two.
    ws.row_breaks.append(Break(id=last + 1))
    ws.add_chart(figures, f"A{last + 2}")
    rate = LineChart()
    rate.title = "Tỷ lệ xã, phường đã báo cáo"
    rate.y_axis.number_format = "0%"
    rate.y_axis.scaling.min, rate.y_axis.scaling.max = 0, 1
    rate.height, rate.width = 11, 24
    rate.add_data(
        Reference(ws, min_col=len(codes) + 1, min_row=top, max_row=last), titles_from_data=True
    )
    rate.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
    ws.row_breaks.append(Break(id=last + 26))
    ws.add_chart(rate, f"A{last + 27}")
    printable(ws, f"{top}:{top}")


def _mark_targets(ws, ratios: list[str], cfg: Config) -> None:
    """Ratios under their target (e.g. ≥ 95 %) are shaded."""
    cat = cfg.catalog
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Mã")
    for i, code in enumerate(ratios, start=3):
        target = next(d.target for d in cat.derived if d.code == code)
        if target is None:
            continue
        for r in range(header_row + 1, ws.max_row + 1):
            value = ws.cell(r, i).value
            if isinstance(value, float) and value < target:
                ws.cell(r, i).fill = WARNING_FILL


# ---------------------------------------------------------------------------- web page

_PAGE_STYLE = """
body{font-family:system-ui,"Segoe UI",Arial,sans-serif;margin:1.5rem;color:#1b1b1b}
h1{font-size:1.35rem;margin:0}h2{font-size:1.1rem;margin-top:2rem}p.sub{color:#555;margin:.2rem 0}
nav a{margin-right:1rem}.wrap{overflow:auto;max-height:75vh;border:1px solid #ccc}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ddd;padding:.25rem .5rem}
th{background:#1f4e78;color:#fff;position:sticky;top:0;z-index:1;vertical-align:bottom}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.u{position:sticky;left:0;background:#fff}
tr.total td{font-weight:bold;background:#ddebf7}td.low{background:#ffe699}
"""


def _cell(value: object, ratio: bool = False, target: float | None = None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return '<td class="n">—</td>'
    number = float(value)  # type: ignore[arg-type]
    text = f"{format_number(round(number * 100, 1))} %" if ratio else format_number(number)
    low = " low" if ratio and target is not None and number < target else ""
    return f'<td class="n{low}">{html.escape(text)}</td>'


def _html_table(headers: list[str], rows: list[tuple[str, str, list[str]]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join(
        f"<tr{' class=total' if code == NATIONAL_CODE else ''}><td>{html.escape(code)}</td>"
        f'<td class="u">{html.escape(name)}</td>{"".join(cells)}</tr>'
        for code, name, cells in rows
    )
    return f'<div class="wrap"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def write_ministry_page(
    out_dir: Path, period: str, rollup: pd.DataFrame, config: Config | None = None
) -> Path:
    """A self-contained web page of the period's tables (no script, no outside resources),
    for ministry staff who read in a browser."""
    cfg = config or Config.load(period)
    cat, reg = cfg.catalog, cfg.registry
    numeric = [i.code for i in cat.indicators if i.value_type != "category"]
    targets = {d.code: d.target for d in cat.derived}
    percent = {d.code: d.percent for d in cat.derived}
    ratios = [d.code for d in cat.derived]
    progress = _pivot(rollup, ["ty_le_bao_cao", "ty_le_bao_cao_dung_han"])
    counts = rollup[rollup["indicator"] == "ty_le_bao_cao"].set_index("unit_code")
    progress_rows = [
        (
            code,
            name,
            [
                _cell(counts.at[code, "n_expected"]),
                _cell(counts.at[code, "n_reporting"]),
                _cell(values["ty_le_bao_cao"], ratio=True),
                _cell(values["ty_le_bao_cao_dung_han"], ratio=True),
            ],
        )
        for code, name, values in _unit_rows(progress, reg)
    ]
    value_rows = [
        (code, name, [_cell(v) for v in values])
        for code, name, values in _unit_rows(_pivot(rollup, numeric), reg)
    ]
    ratio_rows = [
        (code, name, [_cell(values[c], ratio=percent[c], target=targets[c]) for c in ratios])
        for code, name, values in _unit_rows(_pivot(rollup, ratios), reg)
    ]
    generated = dt.datetime.now(cfg.periods.timezone)
    page = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Phong trào toàn dân bảo vệ ANTQ — {html.escape(vi_period(period))}</title>
<style>{_PAGE_STYLE}</style></head><body>
<h1>KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — {html.escape(vi_period(period).upper())}</h1>
<p class="sub">{html.escape(window_line(period, cfg.periods))}. Lập lúc {generated:%H:%M ngày %d/%m/%Y}.</p>
<p class="sub">Số liệu tỉnh = cộng số liệu các xã, phường đã báo cáo; tỷ lệ tính lại từ tổng tử số và
tổng mẫu số. Ô màu vàng: dưới chỉ tiêu phấn đấu.</p>
<nav><a href="#tien-do">Tiến độ báo cáo</a><a href="#chi-tieu">Chỉ tiêu</a><a href="#ty-le">Tỷ lệ</a></nav>
<h2 id="tien-do">Tiến độ báo cáo</h2>
{_html_table(["Mã", "Tỉnh, thành phố", "Số xã, phường", "Đã báo cáo", "Tỷ lệ báo cáo", "Tỷ lệ đúng hạn"], progress_rows)}
<h2 id="chi-tieu">Chỉ tiêu</h2>
{_html_table(["Mã", "Tỉnh, thành phố", *[cat.label(c) for c in numeric]], value_rows)}
<h2 id="ty-le">Tỷ lệ</h2>
{_html_table(["Mã", "Tỉnh, thành phố", *[cat.label(c) for c in ratios]], ratio_rows)}
</body></html>
"""
    return write_text(out_dir / f"tong-hop-bo-cong-an-{period}.html", page)
