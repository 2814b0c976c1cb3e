"""Periods: the data window and the deadline of a reporting month (periods.yaml)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from antq.period import Period
from antq.schemas.catalog import Level


@dataclass(frozen=True)
class PeriodRules:
    timezone: ZoneInfo
    window_start_day: int
    window_end_day: int
    deadline_day: dict[str, int]

    def window(self, period: str) -> tuple[dt.date, dt.date]:
        """The first and last day whose events the month's flows count."""
        this = Period.parse(period)
        year, month = this.year, this.month
        before = this.previous()
        if self.window_start_day == 1 and self.window_end_day == 0:
            return dt.date(year, month, 1), dt.date(
                year, month, calendar.monthrange(year, month)[1]
            )
        return (
            dt.date(before.year, before.month, self.window_start_day),
            dt.date(year, month, self.window_end_day),
        )

    def period_of_window(self, start: dt.date, end: dt.date) -> str | None:
        """The month whose data window is exactly `start`..`end` (15/9 → 14/10 is
        October), or the calendar month it covers (a unit that follows calendar months);
        None for any other span: a window is never rounded to a month."""
        for months in (0, 1):
            period = str(Period(end.year, end.month).shift(months))
            if self.window(period) == (start, end):
                return period
        last_day = calendar.monthrange(end.year, end.month)[1]
        if (start.year, start.month, start.day) == (end.year, end.month, 1) and end.day == last_day:
            return str(Period(end.year, end.month))
        return None

    def deadline(self, period: str, level: Level) -> dt.datetime:
        """The last moment (UTC) a report of `level` counts as on time."""
        year, month = (int(x) for x in period.split("-"))
        day = min(self.deadline_day[level], calendar.monthrange(year, month)[1])
        local = dt.datetime(year, month, day, 23, 59, 59, tzinfo=self.timezone)
        return local.astimezone(dt.UTC)

    def last_closed(self, now: dt.datetime) -> str:
        """The latest month whose deadline (every level's) had passed at `now`: the month
        a run scheduled after the deadline is for (on 21 November, "2026-11")."""
        local = now.astimezone(self.timezone)
        this = Period(local.year, local.month)
        passed = all(self.deadline(str(this), level) < now for level in self.deadline_day)
        return str(this if passed else this.previous())


@lru_cache(maxsize=1)
def period_rules(path: Path | None = None) -> PeriodRules:
    raw = yaml.safe_load((path or Path(__file__).with_name("periods.yaml")).read_text("utf-8"))
    return PeriodRules(
        timezone=ZoneInfo(raw["timezone"]),
        window_start_day=int(raw["window"]["start_day"]),
        window_end_day=int(raw["window"]["end_day"]),
        deadline_day={k: int(v) for k, v in raw["deadline_day"].items()},
    )
