"""The web dashboard for ministry staff: a static site in the reports folder.

    reports/index.html                 the months, newest first, with their reporting rates
    reports/<period>/index.html        the nation: figures, trends over 24 months, provinces
                                       ranked on reporting and on the ratios' targets
    reports/<period>/tinh-<code>.html  a province: its communes, reported or not, and a link
                                       to its error report
    reports/assets/plotly.min.js       the charts' library, from the plotly package

It opens from a shared folder (file://) or any web server, without internet: no CDN, the
charts' script is written once beside the pages. Charts are Plotly figures given as JSON.
"""

from __future__ import annotations

import datetime as dt
import html
import importlib.util
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from antq.config import REFORM_PERIOD, Config
from antq.outputs import write_text
from antq.period import Period
from antq.schemas.registry import NATIONAL_CODE
from antq.tasks.report.common import (
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
from antq.text import fold, format_number

ASSETS = "assets"
PLOTLY = "plotly.min.js"
# The figures of the trend charts: the movement's main counts, in this order.
TRENDS = ("nguon_tin", "buoi_tuyen_truyen", "luot_nguoi_tham_gia", "mo_hinh_tong")
TREND_MONTHS = 24

_STYLE = """
body{font-family:system-ui,"Segoe UI",Arial,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#1f4e78;color:#fff;padding:1rem 1.5rem}header h1{margin:0;font-size:1.3rem}
header p{margin:.25rem 0 0;opacity:.9}header a{color:#fff}main{padding:1rem 1.5rem;max-width:1200px}
h2{font-size:1.1rem;margin:1.6rem 0 .6rem}.cards{display:flex;flex-wrap:wrap;gap:.8rem}
.card{background:#fff;border:1px solid #d9dde3;border-radius:6px;padding:.7rem 1rem;min-width:12rem}
.card b{display:block;font-size:1.5rem}.card span{color:#555;font-size:.85rem}
.good{color:#1e7b34}.low{color:#b7791f}.bad{color:#b42318}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:.8rem}
.chart{background:#fff;border:1px solid #d9dde3;border-radius:6px;height:320px}
.tall{height:760px}table{border-collapse:collapse;background:#fff;font-size:.9rem;width:100%}
th,td{border:1px solid #d9dde3;padding:.3rem .5rem;text-align:left}th{background:#e8edf3}
td.n{text-align:right;font-variant-numeric:tabular-nums}nav a{margin-right:1rem}
td.good{background:#e6f4ea}td.low{background:#fff4d6}td.bad{background:#fde7e4}
"""

_FIGURE_CONFIG = {"displaylogo": False, "responsive": True, "displayModeBar": False}


def write_assets(root: Path) -> Path:
    """The charts' script, copied once from the plotly package into the site."""
    target = root / ASSETS / PLOTLY
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:
        raise RuntimeError("the plotly package (its plotly.min.js) is not installed")
    source = Path(spec.origin).parent / "package_data" / PLOTLY
    if not target.is_file() or target.stat().st_size != source.stat().st_size:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return target


def _page(title: str, subtitle: str, body: str, depth: int) -> str:
    up = "../" * depth
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{_STYLE}</style>
<script src="{up}{ASSETS}/{PLOTLY}"></script></head><body>
<header><h1>{html.escape(title)}</h1><p>{subtitle}</p></header>
<main>{body}</main></body></html>
"""


class _Charts:
    """The charts of one page: a div each, and one script that draws them all."""

    def __init__(self) -> None:
        self.figures: list[tuple[str, dict]] = []

    def add(self, figure: dict, tall: bool = False) -> str:
        div = f"chart-{len(self.figures) + 1}"
        self.figures.append((div, figure))
        return f'<div id="{div}" class="chart{" tall" if tall else ""}"></div>'

    def script(self) -> str:
        calls = "".join(
            f"Plotly.newPlot({json.dumps(div)},{json.dumps(fig['data'])},"
            f"{json.dumps(fig['layout'])},{json.dumps(_FIGURE_CONFIG)});"
            for div, fig in self.figures
        )
        return f"<script>{calls}</script>"


def _layout(title: str, **extra: object) -> dict:
    return {
        "title": {"text": title, "font": {"size": 14}},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 70},
        "separators": ",.",
        **extra,
    }


def _line(months: list[str], series: Mapping[str, list[float | None]], title: str, percent: bool):
    labels = [f"{m[5:]}/{m[:4]}" for m in months]
    data = [
        {"type": "scatter", "mode": "lines+markers", "name": name, "x": labels, "y": values}
        for name, values in series.items()
    ]
    axis = {"tickformat": ".1%", "rangemode": "tozero"} if percent else {"rangemode": "tozero"}
    months_axis = {"tickangle": -45, "nticks": 12, "type": "category"}
    layout = _layout(title, yaxis=axis, xaxis=months_axis, legend={"orientation": "h", "y": -0.3})
    if REFORM_PERIOD in months[1:]:  # figures before it are the old units' carried over
        reform = labels[months.index(REFORM_PERIOD)]
        layout["shapes"] = [
            {"type": "line", "x0": reform, "x1": reform, "xref": "x", "yref": "paper",
             "y0": 0, "y1": 1, "line": {"color": "#888", "width": 1, "dash": "dot"}}
        ]  # fmt: skip
        layout["annotations"] = [
            {"x": reform, "xref": "x", "y": 1, "yref": "paper", "text": "Sắp xếp ĐVHC",
             "showarrow": False, "xanchor": "left", "yanchor": "top",
             "font": {"size": 10, "color": "#666"}}
        ]  # fmt: skip
    return {"data": data, "layout": layout}


def _ranking(names: list[str], values: list[float | None], target: float | None, title: str):
    order = sorted(range(len(names)), key=lambda i: (values[i] is None, values[i] or 0.0))
    colours = {"good": "#2e7d32", "low": "#f2b01e", "bad": "#c62828", "": "#4a78a8"}
    data = [
        {
            "type": "bar",
            "orientation": "h",
            "x": [values[i] for i in order],
            "y": [names[i] for i in order],
            "marker": {"color": [colours[grade(values[i], target)] for i in order]},
            "hovertemplate": "%{y}: %{x:.1%}<extra></extra>",
        }
    ]
    shapes = []
    if target is not None:
        shapes.append(
            {
                "type": "line",
                "x0": target,
                "x1": target,
                "y0": 0,
                "y1": 1,
                "yref": "paper",
                "line": {"color": "#1b1b1b", "dash": "dash"},
            }
        )
    layout = _layout(
        title,
        xaxis={"tickformat": ".0%", "range": [0, 1.05]},
        yaxis={"automargin": True},
        shapes=shapes,
        margin={"l": 160, "r": 20, "t": 40, "b": 40},
    )
    return {"data": data, "layout": layout}


# ------------------------------------------------------------------------- pages


def write_dashboard(
    reports_root: Path,
    period: str,
    months: pd.DataFrame,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    reporting: Iterable[str],
    province_reports: Mapping[str, Path],
    config: Config,
    windows: pd.DataFrame | None = None,
) -> Path:
    """The site's pages for `period` and its index of months. `months`: the month rows
    (`period`, unit_code, indicator, value, n_reporting, n_expected) of every month in
    the warehouse; `rollup`: the period's; `reporting`: the communes with an accepted
    report; `province_reports`: each province's error report; `windows`: the period's
    `rollup_windows` rows (year to date, same month a year before). Returns the index."""
    reports_root = Path(reports_root)
    write_assets(reports_root)
    out = reports_root / period
    table = window_table(rollup, windows)
    national = _month_page(out, period, months, rollup, province_reports, config, table)
    for code in sorted(config.registry.provinces):
        _province_page(out, period, code, months, rollup, submissions, set(reporting),
                       province_reports.get(code), config)  # fmt: skip
    _index_page(reports_root, months, config)
    return national


def _series(months: pd.DataFrame, unit: str, indicator: str, periods: list[str]) -> list:
    rows = months[(months["unit_code"] == unit) & (months["indicator"] == indicator)]
    values = dict(zip(rows["period"], rows["value"], strict=True))
    return [number_or_none(values.get(p)) for p in periods]


def _trend_periods(period: str) -> list[str]:
    first = Period.parse(period).shift(1 - TREND_MONTHS)
    return [str(p) for p in Period.range(first, Period.parse(period))]


def _month_page(
    out: Path,
    period: str,
    months: pd.DataFrame,
    rollup: pd.DataFrame,
    province_reports: Mapping[str, Path],
    cfg: Config,
    table: WindowTable,
) -> Path:
    cat, reg = cfg.catalog, cfg.registry
    targets = {d.code: d.target for d in cat.derived}
    percent = {d.code: d.percent for d in cat.derived}
    values = rollup.set_index(["unit_code", "indicator"])
    charts = _Charts()

    def value(unit: str, code: str) -> float | None:
        return number_or_none(values["value"].get((unit, code)))

    rate = values.loc[(NATIONAL_CODE, "ty_le_bao_cao")]
    cards = [
        (
            "Tỷ lệ xã, phường đã báo cáo",
            percent_text(number_or_none(rate["value"])),
            f"{format_number(rate['n_reporting'])}/{format_number(rate['n_expected'])} xã, phường"
            f"; chỉ tiêu ≥ {percent_text(targets['ty_le_bao_cao'])}",
            grade(number_or_none(rate["value"]), targets["ty_le_bao_cao"]),
        ),
        (
            "Tỷ lệ báo cáo đúng hạn",
            percent_text(value(NATIONAL_CODE, "ty_le_bao_cao_dung_han")),
            f"chỉ tiêu ≥ {percent_text(targets['ty_le_bao_cao_dung_han'])}",
            grade(
                value(NATIONAL_CODE, "ty_le_bao_cao_dung_han"), targets["ty_le_bao_cao_dung_han"]
            ),
        ),
    ]
    cards += [
        (cat.label(code), format_number(value(NATIONAL_CODE, code) or 0), "cả nước trong tháng", "")
        for code in TRENDS
        if value(NATIONAL_CODE, code) is not None
    ]
    card_html = "".join(
        f'<div class="card"><span>{html.escape(label)}</span><b class="{tone}">'
        f"{html.escape(text)}</b><span>{html.escape(note)}</span></div>"
        for label, text, note, tone in cards
    )
    periods = _trend_periods(period)
    trend_html = "".join(
        charts.add(
            _line(
                periods,
                {cat.label(code): _series(months, NATIONAL_CODE, code, periods)},
                cat.label(code),
                percent=False,
            )
        )  # fmt: skip
        for code in TRENDS
    )
    trend_html += charts.add(
        _line(
            periods,
            {
                "Đã báo cáo": _series(months, NATIONAL_CODE, "ty_le_bao_cao", periods),
                "Đúng hạn": _series(months, NATIONAL_CODE, "ty_le_bao_cao_dung_han", periods),
            },
            "Tỷ lệ báo cáo",
            percent=True,
        )
    )
    provinces = sorted(reg.provinces)
    names = [province_title(c, reg) for c in provinces]
    ranking_html = "".join(
        charts.add(
            _ranking(
                names, [value(c, code) for c in provinces], targets.get(code), cat.label(code)
            ),
            tall=True,
        )
        for code in ("ty_le_bao_cao", "ty_le_bao_cao_dung_han")
    )
    ratio_codes = [d.code for d in cat.derived]
    head = "".join(f"<th>{html.escape(cat.label(c))}</th>" for c in ratio_codes)
    rows = []
    for code, name in zip([*provinces, NATIONAL_CODE], [*names, "TOÀN QUỐC"], strict=True):
        cells = []
        for ratio in ratio_codes:
            number = value(code, ratio)
            text = percent_text(number) if percent[ratio] else (
                "—" if number is None else format_number(round(number, 1))
            )  # fmt: skip
            cells.append(f'<td class="n {grade(number, targets[ratio])}">{html.escape(text)}</td>')
        link = (
            f'<a href="tinh-{code}.html">{html.escape(name)}</a>'
            if code != NATIONAL_CODE
            else f"<b>{name}</b>"
        )
        report = province_reports.get(code)
        report_link = (
            f' · <a href="{html.escape(_relative(report, out))}">báo cáo lỗi</a>' if report else ""
        )
        rows.append(f"<tr><td>{link}{report_link}</td>{''.join(cells)}</tr>")
    targets_line = "; ".join(
        f"{cat.label(d.code)} ≥ {percent_text(d.target)}"
        for d in cat.derived
        if d.target is not None
    )
    body = f"""
<nav><a href="../index.html">← Các tháng</a><a href="#xu-huong">Xu hướng</a>
<a href="#luy-ke">Luỹ kế, cùng kỳ</a>
<a href="#xep-hang">Xếp hạng tỉnh</a><a href="#ty-le">Các tỷ lệ</a></nav>
<h2>Toàn quốc</h2><div class="cards">{card_html}</div>
<h2 id="xu-huong">Xu hướng {TREND_MONTHS} tháng</h2><div class="charts">{trend_html}</div>
{_year_table(period, table, cfg)}
<h2 id="xep-hang">Xếp hạng tỉnh, thành phố theo tỷ lệ báo cáo</h2>
<p>Đường nét đứt: chỉ tiêu. Xanh: đạt; vàng: thiếu dưới 15 điểm %; đỏ: thiếu từ 15 điểm % trở lên.</p>
<div class="charts">{ranking_html}</div>
<h2 id="ty-le">Các tỷ lệ theo tỉnh, thành phố</h2><p>Chỉ tiêu: {html.escape(targets_line)}.
Tỷ lệ tính lại từ tổng tử số và tổng mẫu số, không lấy trung bình.</p>
<table><thead><tr><th>Tỉnh, thành phố</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>
{charts.script()}"""
    generated = dt.datetime.now(cfg.periods.timezone)
    subtitle = (
        f"{html.escape(window_line(period, cfg.periods))}. Lập lúc {generated:%H:%M ngày %d/%m/%Y}."
    )
    title = f"Phong trào toàn dân bảo vệ ANTQ — {vi_period(period)}"
    return write_text(out / "index.html", _page(title, subtitle, body, depth=1))


def _relative(target: Path, base: Path) -> str:
    return Path(target).resolve().relative_to(base.resolve()).as_posix()


def _year_table(period: str, table: WindowTable, cfg: Config) -> str:
    """The nation's figures this month, year to date and against the same month a year
    before, with the communes reporting on both sides."""
    cat = cfg.catalog
    month = Period.parse(period)
    percent = {d.code: d.percent for d in cat.derived}

    def shown(code: str, value: object) -> str:
        number = number_or_none(value)
        if percent.get(code):
            return percent_text(number)
        return "—" if number is None else format_number(round(number, 1))

    rows = []
    for code in [*cat.codes, *(d.code for d in cat.derived)]:
        entry = table.get((NATIONAL_CODE, code))
        if not entry or number_or_none(entry.get("month")) is None:
            continue
        change = number_or_none(entry.get("change_yoy_pct"))
        change_text = "—" if change is None else f"{change * 100:+.1f} %".replace(".", ",")
        rows.append(
            f"<tr><td>{html.escape(cat.label(code))}</td>"
            f'<td class="n">{shown(code, entry.get("month"))}</td>'
            f'<td class="n">{shown(code, entry.get("ytd"))}</td>'
            f'<td class="n">{shown(code, entry.get("yoy"))}</td>'
            f'<td class="n">{change_text}</td>'
            f'<td class="n">{shown("", entry.get("n_reporting"))}</td>'
            f'<td class="n">{shown("", entry.get("yoy_n_reporting"))}</td></tr>'
        )
    note = reform_note(period, table)
    return f"""<h2 id="luy-ke">Luỹ kế năm và cùng kỳ năm trước</h2>
<p>Chỉ tiêu phát sinh: luỹ kế = cộng các tháng từ tháng 1; chỉ tiêu hiện có: số của tháng gần
nhất. Tăng/giảm so với tháng {month.month}/{month.year - 1}, khi kho có đủ số liệu của kỳ đó;
so sánh cả số xã báo cáo ở hai kỳ.</p>
{f"<p>{html.escape(note)}</p>" if note else ""}
<table><thead><tr><th>Chỉ tiêu</th><th>Tháng {month.month}/{month.year}</th>
<th>Luỹ kế từ tháng 1/{month.year}</th><th>Tháng {month.month}/{month.year - 1}</th>
<th>Tăng/giảm</th><th>Xã báo cáo</th><th>Xã báo cáo cùng kỳ</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>"""


def _province_page(
    out: Path,
    period: str,
    code: str,
    months: pd.DataFrame,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    reporting: set[str],
    report: Path | None,
    cfg: Config,
) -> Path:
    reg = cfg.registry
    targets = {d.code: d.target for d in cfg.catalog.derived}
    deadline = cfg.periods.deadline(period, "commune")
    communes = sorted(
        (u for u in reg.communes.values() if u.province_code == code),
        key=lambda u: (fold(u.name), u.name),  # "Phường Âu Lâu" among the A's
    )
    accepted = submissions[(submissions["status"] == "accepted") & submissions["unit_code"].notna()]
    first = accepted.groupby("unit_code")["received_at"].min()
    rejected = set(submissions.loc[submissions["status"] == "rejected", "unit_code"].dropna())
    rows, n_on_time = [], 0
    for unit in communes:
        at = first.get(unit.code)
        if unit.code in reporting and at is not None:
            on_time = pd.Timestamp(at) <= pd.Timestamp(deadline)
            n_on_time += on_time
            state, tone = (
                ("Đã báo cáo, đúng hạn", "good") if on_time else ("Đã báo cáo, muộn", "low")
            )
            local = pd.Timestamp(at).tz_convert(cfg.periods.timezone)
            when = f"{local:%H:%M %d/%m/%Y}"
        elif unit.code in rejected:
            state, tone, when = "Tệp bị từ chối: cần gửi lại", "bad", ""
        else:
            state, tone, when = "Chưa báo cáo", "bad", ""
        rows.append(
            f"<tr><td>{unit.code}</td><td>{html.escape(unit.name)}</td>"
            f'<td class="{tone}">{state}</td><td>{when}</td></tr>'
        )
    values = rollup.set_index(["unit_code", "indicator"])["value"]
    rate = number_or_none(values.get((code, "ty_le_bao_cao")))
    on_time_rate = number_or_none(values.get((code, "ty_le_bao_cao_dung_han")))
    periods = _trend_periods(period)
    charts = _Charts()
    chart = charts.add(
        _line(
            periods,
            {
                "Đã báo cáo": _series(months, code, "ty_le_bao_cao", periods),
                "Đúng hạn": _series(months, code, "ty_le_bao_cao_dung_han", periods),
            },
            "Tỷ lệ báo cáo qua các tháng",
            percent=True,
        )
    )
    report_link = (
        f'<p><a href="{html.escape(_relative(report, out))}">Báo cáo kiểm tra số liệu của tỉnh '
        f"(Excel): các lỗi cần sửa, theo từng ô</a></p>"
        if report is not None
        else "<p>Chưa có báo cáo kiểm tra số liệu của tỉnh trong tháng này.</p>"
    )
    n_reported = sum(1 for u in communes if u.code in reporting)
    body = f"""
<nav><a href="index.html">← Toàn quốc {html.escape(vi_period(period))}</a>
<a href="../index.html">Các tháng</a></nav>
<div class="cards">
<div class="card"><span>Đã báo cáo</span><b class="{grade(rate, targets["ty_le_bao_cao"])}">{percent_text(rate)}</b>
<span>{n_reported}/{len(communes)} xã, phường</span></div>
<div class="card"><span>Đúng hạn</span><b class="{grade(on_time_rate, targets["ty_le_bao_cao_dung_han"])}">{percent_text(on_time_rate)}</b>
<span>{n_on_time} xã, phường</span></div></div>
{report_link}
<div class="charts">{chart}</div>
<h2>Các xã, phường</h2>
<table><thead><tr><th>Mã</th><th>Tên</th><th>Tình trạng</th><th>Nhận lúc</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
{charts.script()}"""
    deadline_local = deadline.astimezone(cfg.periods.timezone)
    subtitle = (
        f"{html.escape(vi_period(period))}; hạn nộp của xã, phường: "
        f"{deadline_local:%H:%M} ngày {deadline_local:%d/%m/%Y}."
    )
    title = f"{province_title(code, reg)} — báo cáo {vi_period(period)}"
    return write_text(out / f"tinh-{code}.html", _page(title, subtitle, body, depth=1))


def _index_page(root: Path, months: pd.DataFrame, cfg: Config) -> Path:
    national = months[months["unit_code"] == NATIONAL_CODE]
    rates = national.set_index(["period", "indicator"])["value"]
    periods = sorted(
        {p for p in national["period"] if (root / p / "index.html").is_file()}, reverse=True
    )
    rows = "".join(
        f'<tr><td><a href="{p}/index.html">{html.escape(vi_period(p).capitalize())}</a></td>'
        f'<td class="n">{percent_text(number_or_none(rates.get((p, "ty_le_bao_cao"))))}</td>'
        f'<td class="n">{percent_text(number_or_none(rates.get((p, "ty_le_bao_cao_dung_han"))))}</td></tr>'
        for p in periods
    )
    charts = _Charts()
    ordered = sorted(periods)
    chart = charts.add(
        _line(
            ordered,
            {
                "Đã báo cáo": [number_or_none(rates.get((p, "ty_le_bao_cao"))) for p in ordered],
                "Đúng hạn": [
                    number_or_none(rates.get((p, "ty_le_bao_cao_dung_han"))) for p in ordered
                ],
            },
            "Tỷ lệ xã, phường báo cáo qua các tháng (cả nước)",
            percent=True,
        )
    )
    body = f"""
<h2>Các tháng</h2>
<table><thead><tr><th>Tháng</th><th>Tỷ lệ đã báo cáo</th><th>Tỷ lệ đúng hạn</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2>Xu hướng</h2><div class="charts">{chart}</div>
{charts.script()}"""
    generated = dt.datetime.now(cfg.periods.timezone)
    return write_text(
        root / "index.html",
        _page(
            "Phong trào toàn dân bảo vệ an ninh Tổ quốc — số liệu báo cáo tháng",
            f"Lập lúc {generated:%H:%M ngày %d/%m/%Y}.",
            body,
            depth=0,
        ),
    )
