"""Report stage: the province error reports and the ministry workbook, in Vietnamese.

Each province gets one workbook per run about its own units only (summary with
completeness, findings sorted by unit with the cell to fix, files received) and the same
findings as JSON for machines. The ministry gets one workbook for the period: provinces
as rows with the national total, the derived ratios, and reporting progress.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd

from antq.findings import Finding
from antq.schemas.catalog import catalog
from antq.schemas.periods import period_rules
from antq.schemas.registry import NATIONAL_CODE, registry
from antq.xlsx import (
    BOLD,
    DECIMAL_FORMAT,
    ERROR_FILL,
    INTEGER_FORMAT,
    RATIO_FORMAT,
    TOTAL_FILL,
    WARNING_FILL,
    put,
    write_table,
    write_title,
)

SEVERITY_VI = {"error": "Lỗi", "warning": "Cảnh báo"}


def slug(text: str) -> str:
    """ "Thành phố Hà Nội" -> "thanh-pho-ha-noi" (safe in any file system)."""
    decomposed = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:60] or "x"


def vi_period(period: str) -> str:
    year, month = period.split("-")
    return f"tháng {int(month)}/{year}"


def _window_line(period: str) -> str:
    start, end = period_rules().window(period)
    return f"Số liệu từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


def _province_title(code: str) -> str:
    return registry().provinces[code].display_name


@dataclass(frozen=True)
class ProvinceReport:
    province_code: str
    workbook: Path
    json: Path
    n_errors: int
    n_warnings: int


def _sort_key(finding: Finding) -> tuple:
    return (
        finding.unit_name or "~",
        finding.unit_code or "~",
        finding.original_path,
        0 if finding.is_error else 1,
        _cell_order(finding.cell),
    )


def _cell_order(cell: str | None) -> tuple[int, int]:
    match = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    if not match:
        return (0, 0)
    col = 0
    for ch in match.group(1):
        col = col * 26 + ord(ch) - 64
    return (int(match.group(2)), col)


def _summary_sheet(
    ws,
    code: str,
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
) -> None:
    reg = registry()
    expected = reg.communes_of(code)
    reported = [u for u in expected if u.code in reporting]
    missing = [u for u in expected if u.code not in reporting]
    errors = sum(f.is_error for f in findings)
    row = write_title(
        ws,
        [
            "BÁO CÁO KIỂM TRA SỐ LIỆU PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC",
            f"{_province_title(code)} — {vi_period(period)}",
            _window_line(period),
            f"Lập lúc {dt.datetime.now(period_rules().timezone):%H:%M ngày %d/%m/%Y}",
        ],
        4,
    )
    stats = [
        ("Số tệp đã nhận", len(submissions)),
        (
            "Số tệp được chấp nhận",
            int((submissions["status"] == "accepted").sum()) if len(submissions) else 0,
        ),
        (
            "Số tệp bị từ chối (phải gửi lại)",
            int((submissions["status"] == "rejected").sum()) if len(submissions) else 0,
        ),
        ("Số lỗi phải sửa", errors),
        ("Số cảnh báo cần xem lại", len(findings) - errors),
        ("Số xã, phường đã báo cáo", f"{len(reported)}/{len(expected)}"),
        ("Tỷ lệ báo cáo", len(reported) / len(expected) if expected else 0.0),
    ]
    for label, value in stats:
        put(ws, row, 1, label).font = BOLD
        put(ws, row, 2, value, RATIO_FORMAT if isinstance(value, float) else INTEGER_FORMAT)
        row += 1
    row += 1
    put(ws, row, 1, "Các lỗi gặp nhiều nhất").font = BOLD
    top = Counter((f.rule, f.severity) for f in findings).most_common(10)
    row = write_table(
        ws,
        row + 1,
        ["Vấn đề", "Mức độ", "Số lần", "Cách sửa"],
        [
            (
                catalog().rule(rule).title,
                SEVERITY_VI[severity],
                n,
                catalog().rule(rule).fix.split("{")[0].strip(),
            )
            for (rule, severity), n in top
        ],
        [42, 12, 10, 70],
        [None, None, INTEGER_FORMAT, None],
        filters=False,
    )
    row += 2
    put(ws, row, 1, f"Các xã, phường chưa có báo cáo được chấp nhận ({len(missing)})").font = BOLD
    write_table(
        ws,
        row + 1,
        ["Mã đơn vị", "Tên đơn vị", "Loại", "Ghi chú"],
        [(u.code, u.name, u.division_type, "Chưa gửi hoặc báo cáo bị từ chối") for u in missing],
        [42, 12, 10, 70],
        filters=False,
    )
    ws.freeze_panes = None


FINDING_HEADERS = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Tệp",
    "Trang tính",
    "Ô",
    "Chỉ tiêu",
    "Giá trị đã ghi",
    "Mức độ",
    "Vấn đề",
    "Mã quy tắc",
    "Nội dung",
    "Cách sửa",
]
FINDING_WIDTHS = [6, 10, 24, 36, 14, 7, 34, 16, 10, 26, 22, 60, 60]


def _findings_sheet(ws, findings: list[Finding]) -> None:
    cat = catalog()
    rows = []
    for i, f in enumerate(sorted(findings, key=_sort_key), start=1):
        rows.append(
            (
                i,
                f.unit_code or "",
                f.unit_name or "",
                f.original_path,
                f.sheet or "",
                f.cell or "",
                cat.label(f.indicator) if f.indicator and cat.has(f.indicator) else "",
                f.value_raw or "",
                SEVERITY_VI[f.severity],
                cat.rule(f.rule).title,
                f.rule,
                f.message,
                f.fix,
            )
        )
    last = write_table(ws, 1, FINDING_HEADERS, rows, FINDING_WIDTHS, [INTEGER_FORMAT] + [None] * 12)
    for r in range(2, last + 1):
        fill = ERROR_FILL if ws.cell(r, 9).value == SEVERITY_VI["error"] else WARNING_FILL
        ws.cell(r, 9).fill = fill


def _files_sheet(ws, submissions: pd.DataFrame) -> None:
    status_vi = {"accepted": "Chấp nhận", "rejected": "Từ chối"}
    rows = [
        (
            s.original_path,
            s.unit_code or "",
            (
                registry().unit(s.unit_code).name
                if s.unit_code and registry().unit(s.unit_code)
                else ""
            ),
            {"form": "Biểu mẫu", "table": "Bảng tổng hợp"}.get(s.layout or "", "Không xác định"),
            status_vi[s.status],
            s.n_errors,
            s.n_warnings,
            int(s.version),
            pd.Timestamp(s.received_at)
            .tz_convert(period_rules().timezone)
            .strftime("%d/%m/%Y %H:%M"),
        )
        for s in submissions.sort_values("original_path").itertuples()
    ]
    last = write_table(
        ws,
        1,
        [
            "Tệp",
            "Mã đơn vị",
            "Tên đơn vị",
            "Dạng",
            "Kết quả",
            "Số lỗi",
            "Số cảnh báo",
            "Lần gửi",
            "Thời điểm nhận",
        ],
        rows,
        [44, 10, 26, 16, 12, 9, 11, 9, 17],
        [None, None, None, None, None, INTEGER_FORMAT, INTEGER_FORMAT, INTEGER_FORMAT, None],
    )
    for r in range(2, last + 1):
        if ws.cell(r, 5).value == status_vi["rejected"]:
            ws.cell(r, 5).fill = ERROR_FILL


def write_province_report(
    out_dir: Path,
    code: str,
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
) -> ProvinceReport:
    """The error report of one province: only its own units' findings and files."""
    own = [f for f in findings if f.province_code == code]
    subs = submissions[submissions["province_code"] == code] if len(submissions) else submissions
    folder = out_dir / f"{code}-{slug(registry().provinces[code].name)}"
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    _summary_sheet(wb.active, code, period, own, subs, reporting)
    wb.active.title = "Tổng hợp"
    _findings_sheet(wb.create_sheet("Lỗi cần sửa"), own)
    _files_sheet(wb.create_sheet("Tệp đã nhận"), subs)
    path = folder / f"bao-cao-kiem-tra-{code}-{period}.xlsx"
    wb.save(path)
    json_path = folder / f"bao-cao-kiem-tra-{code}-{period}.json"
    json_path.write_text(
        json.dumps(
            {
                "period": period,
                "province_code": code,
                "findings": [f.record() for f in sorted(own, key=_sort_key)],
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    n_errors = sum(f.is_error for f in own)
    return ProvinceReport(code, path, json_path, n_errors, len(own) - n_errors)


# ------------------------------------------------------------------------- ministry


def _pivot(rollup: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    table = rollup[rollup["indicator"].isin(codes)].pivot(
        index="unit_code", columns="indicator", values="value"
    )
    return table.reindex(columns=codes)


def _unit_rows(table: pd.DataFrame) -> list[tuple[str, str, pd.Series]]:
    rows = []
    for code in sorted(registry().provinces):
        if code in table.index:
            rows.append((code, _province_title(code), table.loc[code]))
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
) -> None:
    cat = catalog()
    table = _pivot(rollup, codes)
    top = write_title(ws, title, min(len(codes) + 2, 12))
    rows = [
        (code, name, *[None if pd.isna(v) else float(v) for v in values])
        for code, name, values in _unit_rows(table)
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
        _change_block(ws, top, last, codes, table, _pivot(previous, codes), fmt)


def _change_block(
    ws, top: int, last: int, codes: list[str], table: pd.DataFrame, before: pd.DataFrame, fmt: str
) -> None:
    """Month-over-month change, to the right of the values."""
    start = len(codes) + 4
    put(ws, top - 1, start, "So với tháng trước (tăng/giảm)").font = BOLD
    for i, code in enumerate(codes):
        cell = put(ws, top, start + i, catalog().label(code))
        cell.font = BOLD
    for r in range(top + 1, last + 1):
        unit = ws.cell(r, 1).value
        for i, code in enumerate(codes):
            now = table.at[unit, code] if unit in table.index else None
            then = before.at[unit, code] if unit in before.index else None
            if now is not None and then is not None and not pd.isna(now) and not pd.isna(then):
                put(ws, r, start + i, float(now - then), fmt)


def _progress_sheet(
    ws, period: str, rollup: pd.DataFrame, submissions: pd.DataFrame, findings: list[Finding]
) -> None:
    rate = rollup[rollup["indicator"] == "ty_le_bao_cao"].set_index("unit_code")
    on_time = rollup[rollup["indicator"] == "ty_le_bao_cao_dung_han"].set_index("unit_code")
    errors = Counter(f.province_code for f in findings if f.is_error)
    warnings = Counter(f.province_code for f in findings if not f.is_error)
    rows = []
    for code, name, _ in _unit_rows(rate[["value"]].rename(columns={"value": "x"})):
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
        ws, [f"TIẾN ĐỘ BÁO CÁO — {vi_period(period).upper()}", _window_line(period)], 11
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


def _legend_sheet(ws) -> None:
    cat = catalog()
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
) -> Path:
    cat = catalog()
    numeric = [i.code for i in cat.indicators if i.value_type != "category"]
    ratios = [d.code for d in cat.derived]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    _values_sheet(
        ws,
        [
            f"KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — {vi_period(period).upper()}",
            _window_line(period),
            "Số liệu tỉnh = cộng số liệu các xã, phường đã báo cáo; chỉ tiêu chỉ tỉnh báo cáo lấy số của tỉnh.",
        ],
        rollup,
        numeric,
        INTEGER_FORMAT,
        previous,
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
    )
    _mark_targets(wb["Tỷ lệ"], ratios)
    _progress_sheet(wb.create_sheet("Tiến độ báo cáo"), period, rollup, submissions, findings)
    _legend_sheet(wb.create_sheet("Giải thích"))
    path = out_dir / f"tong-hop-bo-cong-an-{period}.xlsx"
    out_dir.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _mark_targets(ws, ratios: list[str]) -> None:
    """Ratios under their target (e.g. ≥ 95 %) are shaded."""
    cat = catalog()
    header_row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Mã")
    for i, code in enumerate(ratios, start=3):
        target = next(d.target for d in cat.derived if d.code == code)
        if target is None:
            continue
        for r in range(header_row + 1, ws.max_row + 1):
            value = ws.cell(r, i).value
            if isinstance(value, float) and value < target:
                ws.cell(r, i).fill = WARNING_FILL


__all__ = ["DECIMAL_FORMAT", "ProvinceReport", "write_ministry_workbook", "write_province_report"]
