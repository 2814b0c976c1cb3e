"""Backfill: the monthly flow over a range of months, oldest first, so each month's
history checks see the months before it."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger

from antq.flows.monthly import RunSummary, monthly_ingest
from antq.period import Period


def months_between(first: str, last: str) -> list[str]:
    """["2026-08", "2026-09", "2026-10"] for ("2026-08", "2026-10")."""
    return [str(p) for p in Period.range(Period.parse(first), Period.parse(last))]


@flow(name="antq-backfill")
def backfill(
    first: str,
    last: str,
    inbox: Path,
    warehouse: str | Path,
    reports: Path | None = None,
    workers: int = 2,
    dask: str | None = None,
) -> list[RunSummary]:
    """Every month from `first` to `last` that has a folder in the inbox."""
    logger = get_run_logger()
    summaries = []
    for period in months_between(first, last):
        if not (Path(inbox) / period).is_dir():
            logger.warning("Bỏ qua tháng %s: không có thư mục %s", period, Path(inbox) / period)
            continue
        summaries.append(monthly_ingest(period, inbox, warehouse, reports, workers, dask))
    return summaries
