"""Backfill: the monthly flow over a range of months, oldest first, so each month's
history checks see the months before it."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from antq.flows.monthly import RunSummary, monthly_ingest


def months_between(first: str, last: str) -> list[str]:
    """["2026-08", "2026-09", "2026-10"] for ("2026-08", "2026-10")."""
    start_year, start_month = (int(x) for x in first.split("-"))
    end_year, end_month = (int(x) for x in last.split("-"))
    index, end = start_year * 12 + start_month - 1, end_year * 12 + end_month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index, end + 1)]


@flow(name="antq-backfill")
def backfill(
    first: str,
    last: str,
    inbox: Path,
    warehouse: Path,
    reports: Path | None = None,
    workers: int = 2,
) -> list[RunSummary]:
    """Every month from `first` to `last` that has a folder in the inbox."""
    logger = get_run_logger()
    summaries = []
    for period in months_between(first, last):
        if not (Path(inbox) / period).is_dir():
            logger.warning("Bỏ qua tháng %s: không có thư mục %s", period, Path(inbox) / period)
            continue
        summaries.append(monthly_ingest(period, inbox, warehouse, reports, workers))
    return summaries
