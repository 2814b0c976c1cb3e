"""What the data team sees of a run in Prefect: four artifacts, keyed by period.

- `antq-<period>-run`: the run's figures in a few lines of markdown;
- `antq-<period>-provinces`: one row per province (files, accepted, rejected, errors,
  warnings);
- `antq-<period>-problems`: one row per province and rule, most frequent first, for
  filtering in the UI;
- `antq-<period>-label-proposals`: labels not recognised in several files, with the
  indicators they most resemble (to teach with `antq labels accept`).

Four API calls whatever the number of provinces (one table per province made 37).
"""

from __future__ import annotations

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


def run_markdown(figures: RunFigures) -> str:
    f = figures
    return (
        f"# Tổng hợp {vi_period(f.period)}\n\n"
        f"- Tệp nhận: **{f.n_files}** (chấp nhận {f.n_accepted}, từ chối {f.n_rejected})\n"
        f"- Xã, phường đã báo cáo: **{f.n_communes_reporting}/{f.n_communes_expected}**\n"
        f"- Số liệu vào kho: {f.n_facts}\n"
        f"- Lỗi: {f.n_errors}, cảnh báo: {f.n_warnings}\n"
        f"- Bảng tổng hợp của Bộ: `{f.ministry_workbook}`\n"
        f"- Báo cáo kiểm tra của các tỉnh: `{f.reports}`\n"
    )


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
    create_table_artifact(
        table=province_rows(reports, submissions, config),
        key=f"antq-{period}-provinces",
        description="Kết quả tiếp nhận theo tỉnh",
    )
    create_table_artifact(
        table=problem_rows(findings, config),
        key=f"antq-{period}-problems",
        description="Các vấn đề theo tỉnh và quy tắc",
    )
    create_markdown_artifact(
        key=f"antq-{period}-run", markdown=run_markdown(figures), description="Tóm tắt lần chạy"
    )
    create_markdown_artifact(
        key=f"antq-{period}-label-proposals",
        markdown=(
            f"# Nhãn chưa nhận ra, lặp lại trong nhiều tệp ({vi_period(period)})\n\n"
            + proposals_markdown(proposals(all_findings, config=config))
        ),
        description="Nhãn nên dạy cho bộ đọc (antq labels accept)",
    )
