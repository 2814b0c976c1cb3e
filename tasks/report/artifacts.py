"""What the data team sees of a run: four Prefect artifacts, and an e-mail.

Artifacts are keyed `antq-<period>-<warehouse>-<what>` (the warehouse as a short hash of
its location, so runs on two warehouses never overwrite each other's latest):
- `…-run`: the run's figures in a few lines of markdown, with links to its reports;
- `…-provinces`: one row per province (files, accepted, rejected, errors, warnings,
  its report);
- `…-problems`: one row per province and rule, most frequent first, for filtering;
- `…-label-proposals`: labels not recognised in several files, with the indicators
  they most resemble (to teach with `antq labels accept`).

Four API calls whatever the number of provinces (one table per province made 37).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Protocol

import pandas as pd

from antq.config import Config
from antq.findings import Finding
from antq.labels import proposals, proposals_markdown
from antq.tasks.report.common import vi_period
from antq.tasks.report.province import ProvinceReport


class RunFigures(Protocol):
    period: str
    warehouse: Path
    flow_run_id: str | None
    n_files: int
    n_accepted: int
    n_rejected: int
    n_facts: int
    n_errors: int
    n_warnings: int
    n_communes_reporting: int
    n_communes_expected: int
    ministry_workbook: Path | None
    reports: Path


def province_rows(
    reports: list[ProvinceReport], submissions: pd.DataFrame, config: Config
) -> list[dict[str, object]]:
    rows = []
    for report in reports:
        code = report.province_code
        own = submissions[submissions["province_code"] == code] if len(submissions) else submissions
        rows.append(
            {
                "Mã": code,
                "Tỉnh, thành phố": config.registry.provinces[code].display_name,
                "Tệp": len(own),
                "Chấp nhận": int((own["status"] == "accepted").sum()) if len(own) else 0,
                "Từ chối": int((own["status"] == "rejected").sum()) if len(own) else 0,
                "Lỗi": report.n_errors,
                "Cảnh báo": report.n_warnings,
                "Báo cáo": report.workbook.as_uri() if report.workbook else "",
            }
        )
    return rows


def problem_rows(findings: list[Finding], config: Config) -> list[dict[str, object]]:
    counts = Counter((f.province_code, f.rule, f.severity) for f in findings)
    ranked = sorted(counts.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
    return [
        {
            "Mã tỉnh": code,
            "Tỉnh, thành phố": config.registry.provinces[code].display_name
            if code in config.registry.provinces
            else "",
            "Vấn đề": config.catalog.rule(rule).title,
            "Mã quy tắc": rule,
            "Mức độ": severity,
            "Số lần": n,
        }
        for (code, rule, severity), n in ranked
    ] or [
        {
            "Mã tỉnh": "",
            "Tỉnh, thành phố": "",
            "Vấn đề": "Không có",
            "Mã quy tắc": "",
            "Mức độ": "",
            "Số lần": 0,
        }
    ]


def warehouse_key(warehouse: Path | str) -> str:
    """A short stable name of a warehouse (of its location), for artifact keys."""
    return hashlib.sha256(str(warehouse).encode()).hexdigest()[:8]


def _link(text: str, path: Path | None) -> str:
    return f"[{text}]({path.as_uri()})" if path else f"{text}: (chưa có)"


def run_markdown(figures: RunFigures, reports: list[ProvinceReport] = ()) -> str:
    f = figures
    lines = [
        f"# Tổng hợp {vi_period(f.period)}",
        "",
        f"- Tệp nhận: **{f.n_files}** (chấp nhận {f.n_accepted}, từ chối {f.n_rejected})",
        f"- Xã, phường đã báo cáo: **{f.n_communes_reporting}/{f.n_communes_expected}**",
        f"- Số liệu vào kho: {f.n_facts}",
        f"- Lỗi: {f.n_errors}, cảnh báo: {f.n_warnings}",
        f"- {_link('Bảng tổng hợp của Bộ', f.ministry_workbook)}",
        f"- {_link('Thư mục báo cáo kiểm tra của các tỉnh', f.reports)}",
        f"- Kho dữ liệu: `{f.warehouse}`",
    ]
    if reports:
        lines += ["", "## Báo cáo kiểm tra từng tỉnh", ""]
        lines += [
            f"- {_link(r.workbook.stem if r.workbook else r.province_code, r.workbook)}"
            f" — {r.n_errors} lỗi, {r.n_warnings} cảnh báo"
            for r in reports
        ]
    return "\n".join(lines) + "\n"


def ui_link(flow_run_id: str | None) -> str | None:
    """The run's page in the Prefect UI, when the team runs a server (not the
    temporary one, which is gone when the command ends)."""
    from prefect.settings import PREFECT_API_URL, PREFECT_UI_URL

    if not flow_run_id or not PREFECT_API_URL.value():
        return None
    ui = PREFECT_UI_URL.value()
    return f"{ui.rstrip('/')}/runs/flow-run/{flow_run_id}" if ui else None


def completion_mail(figures: RunFigures, run_name: str) -> tuple[str, str]:
    """(subject, body) of the e-mail telling the data team a month is done."""
    f = figures
    subject = (
        f"[ANTQ] {vi_period(f.period).capitalize()}: đã xử lý xong: {f.n_files} tệp, "
        f"{f.n_communes_reporting}/{f.n_communes_expected} xã, phường, {f.n_errors} lỗi"
    )
    link = ui_link(f.flow_run_id)
    body = (
        f"Lần chạy {run_name} đã xong.\n\n"
        f"- Tệp nhận: {f.n_files} (chấp nhận {f.n_accepted}, từ chối {f.n_rejected})\n"
        f"- Xã, phường đã báo cáo: {f.n_communes_reporting}/{f.n_communes_expected}\n"
        f"- Lỗi: {f.n_errors}, cảnh báo: {f.n_warnings}\n"
        f"- Bảng tổng hợp của Bộ: {f.ministry_workbook}\n"
        f"- Báo cáo kiểm tra của các tỉnh: {f.reports}\n"
        f"- Kho dữ liệu: {f.warehouse}\n"
        + (f"\nXem lần chạy trên Prefect: {link}\n" if link else "")
    )
    return subject, body


def failure_mail(period: str, run_name: str, flow_run_id: str, reason: str) -> tuple[str, str]:
    """(subject, body) of the e-mail telling the data team a month did not finish."""
    link = ui_link(flow_run_id)
    subject = f"[ANTQ] {vi_period(period).capitalize()}: KHÔNG chạy xong ({run_name})"
    body = (
        f"Lần chạy {run_name} (mã {flow_run_id}) dừng giữa chừng vì lỗi hệ thống, "
        f"không phải vì tệp của tỉnh:\n\n  {reason}\n\n"
        "Kho dữ liệu vẫn giữ nguyên số liệu của lần chạy xong gần nhất (không có bảng nào "
        "ghi dở). Sửa nguyên nhân rồi chạy lại tháng này, ví dụ:\n\n"
        f"  antq run --period {period} --inbox … --warehouse …\n"
        + (f"\nNhật ký lần chạy trên Prefect: {link}\n" if link else "")
    )
    return subject, body


def publish_artifacts(
    figures: RunFigures,
    reports: list[ProvinceReport],
    submissions: pd.DataFrame,
    findings: list[Finding],
    all_findings: list[Finding],
    config: Config,
) -> None:
    """The run's four artifacts (see the module's docstring); `findings` are those the
    provinces are asked to fix, `all_findings` every finding of the month (for the
    label proposals)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    period = figures.period
    prefix = f"antq-{period}-{warehouse_key(figures.warehouse)}"
    create_table_artifact(
        table=province_rows(reports, submissions, config),
        key=f"{prefix}-provinces",
        description="Kết quả tiếp nhận theo tỉnh",
    )
    create_table_artifact(
        table=problem_rows(findings, config),
        key=f"{prefix}-problems",
        description="Các vấn đề theo tỉnh và quy tắc",
    )
    create_markdown_artifact(
        key=f"{prefix}-run",
        markdown=run_markdown(figures, reports),
        description="Tóm tắt lần chạy",
    )
    create_markdown_artifact(
        key=f"{prefix}-label-proposals",
        markdown=(
            f"# Nhãn chưa nhận ra, lặp lại trong nhiều tệp ({vi_period(period)})\n\n"
            + proposals_markdown(proposals(all_findings, config=config))
        ),
        description="Nhãn nên dạy cho bộ đọc (antq labels accept)",
    )
