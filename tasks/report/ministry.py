"""The ministry outputs of a period: the workbook and the web page of the same tables."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.chart import BarChart, Reference

from antq.config import Config
from antq.findings import Finding
from antq.outputs import save_workbook, write_text
from antq.schemas.registry import NATIONAL_CODE, Registry
from antq.tasks.report.common import province_title, vi_period, window_line
from antq.text import format_number
from antq.xlsx import (
    BOLD,
    INTEGER_FORMAT,
    RATIO_FORMAT,
    TOTAL_FILL,
    WARNING_FILL,
    put,
    write_table,
    write_title,
)


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
    fmt: str,
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
        [None, None, *[fmt] * len(codes)],
    )
    ws.freeze_panes = ws.cell(row=top + 1, column=3)
    ws.row_dimensions[top].height = 90
    for col in range(1, len(codes) + 3):
        cell = ws.cell(last, col)
        cell.font, cell.fill = BOLD, TOTAL_FILL
    if previous is not None and len(previous):
        _change_block(ws, top, last, codes, table, _pivot(previous, codes), fmt, cfg)


def _change_block(
    ws,
    top: int,
    last: int,
    codes: list[str],
    table: pd.DataFrame,
    before: pd.DataFrame,
    fmt: str,
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
                put(ws, r, start + i, float(now - then), fmt)


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
    top = write_title(
        ws, [f"TIẾN ĐỘ BÁO CÁO — {vi_period(period).upper()}", window_line(period, cfg.periods)], 11
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
    _progress_chart(ws, top, last)


def _progress_chart(ws, top: int, last: int) -> None:
    """Reporting rate and timeliness per province (the national row left out), beside the
    table it is drawn from, so the chart follows the figures if someone edits them."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Tỷ lệ báo cáo và báo cáo đúng hạn theo tỉnh"
    chart.y_axis.number_format = "0%"
    chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
    chart.height, chart.width = 22, 18
    for col in (5, 7):  # "Tỷ lệ báo cáo", "Tỷ lệ đúng hạn"
        chart.add_data(
            Reference(ws, min_col=col, min_row=top, max_row=last - 1), titles_from_data=True
        )
    chart.set_categories(Reference(ws, min_col=2, min_row=top + 1, max_row=last - 1))
    ws.add_chart(chart, f"M{top}")


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
        (d.code, d.label, "tỷ lệ", f"{d.numerator} / {d.denominator}", "tính từ số liệu các xã")
        for d in cat.derived
    ]
    write_table(
        ws,
        1,
        ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Loại", "Cấp báo cáo"],
        rows,
        [26, 60, 14, 44, 22],
    )


def write_ministry_workbook(
    out_dir: Path,
    period: str,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    findings: list[Finding],
    previous: pd.DataFrame | None = None,
    config: Config | None = None,
) -> Path:
    cfg = config or Config.load(period)
    cat = cfg.catalog
    numeric = [i.code for i in cat.indicators if i.value_type != "category"]
    ratios = [d.code for d in cat.derived]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    _values_sheet(
        ws,
        [
            f"KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — {vi_period(period).upper()}",
            window_line(period, cfg.periods),
            "Số liệu tỉnh = cộng số liệu các xã, phường đã báo cáo; chỉ tiêu chỉ tỉnh báo cáo lấy số của tỉnh.",
        ],
        rollup,
        numeric,
        INTEGER_FORMAT,
        previous,
        cfg,
    )
    _values_sheet(
        wb.create_sheet("Tỷ lệ"),
        [
            f"CÁC TỶ LỆ — {vi_period(period).upper()}",
            "Tính lại từ tổng tử số và tổng mẫu số, không lấy trung bình các tỷ lệ.",
        ],
        rollup,
        ratios,
        RATIO_FORMAT,
        None,
        cfg,
    )
    _mark_targets(wb["Tỷ lệ"], ratios, cfg)
    _progress_sheet(wb.create_sheet("Tiến độ báo cáo"), period, rollup, submissions, findings, cfg)
    _legend_sheet(wb.create_sheet("Giải thích"), cfg)
    return save_workbook(wb, out_dir / f"tong-hop-bo-cong-an-{period}.xlsx")


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
        (code, name, [_cell(values[c], ratio=True, target=targets[c]) for c in ratios])
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
tổng mẫu số. Ô tô vàng: dưới chỉ tiêu phấn đấu.</p>
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
