"""What a run reads besides its files: the indicator catalog with its rules, the layout
phrases, the period rules and the unit registry valid for the period. Loaded once per
run (`Config.load(period)`) and passed to every stage, so a month is read, checked and
reported against the units of its own day.

The registry of the 2025 reform (34 provinces, 3,321 communes) is valid from July 2025.
Months before it were reported on the 63 provinces and about 10,600 communes of their
day; until that registry is packaged, such a month is refused with a clear message,
never read against units that did not exist then.

A `Config` crosses to worker processes by name (its period and the digest of its
files), and each process loads it once: a job does not carry the catalog and the
3,321 communes with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import antq.schemas.catalog as catalog_module
from antq.period import Period
from antq.schemas.catalog import Catalog, catalog
from antq.schemas.layouts import Layouts, layouts
from antq.schemas.periods import PeriodRules, period_rules
from antq.schemas.registry import Registry, registry

if TYPE_CHECKING:
    from antq.tasks.clean import LabelBook

REFORM_PERIOD = "2025-07"  # the first month reported on the units of the 2025 reform
FIRST_PERIOD = "2020-01"  # the first month of the history the product keeps (SPEC §8)


class UnsupportedPeriod(ValueError):
    """A month whose units the product has no registry for."""


@dataclass(frozen=True, eq=False)
class Config:
    catalog: Catalog
    layouts: Layouts
    periods: PeriodRules
    registry: Registry
    period: str | None = None  # the month the registry was chosen for
    digest: str = ""  # of the files it was loaded from

    @classmethod
    def load(cls, period: str | None = None) -> Config:
        """The packaged configuration, with the registry valid for `period` (the latest
        when no period is given)."""
        return _load(period, config_digest())

    @cached_property
    def labels(self) -> LabelBook:
        """The catalog's labels as the reader matches them, memoised for this run."""
        from antq.tasks.clean import LabelBook

        return LabelBook(self.catalog)

    def __reduce_ex__(self, protocol: object) -> tuple:
        if self.digest and _load(self.period, self.digest) is self:
            return (_load, (self.period, self.digest))  # the packaged one: by name
        return super().__reduce_ex__(protocol)  # one made by hand travels whole


def registry_for(period: str | None) -> Registry:
    """The units `period` was reported on: the 34 provinces of the July 2025 reform, or
    before it the 63 provinces and their communes (SPEC §2)."""
    if period is None or str(Period.parse(period)) >= REFORM_PERIOD:
        return registry()
    if str(Period.parse(period)) < FIRST_PERIOD:
        raise UnsupportedPeriod(
            f"Số liệu {Period.parse(period).label_vi} có trước thời kỳ lưu trữ của hệ thống "
            f"(từ {Period.parse(FIRST_PERIOD).label_vi}): chưa có danh mục đơn vị của thời kỳ này"
        )
    from antq.schemas.reform import legacy_registry

    return legacy_registry()


def is_legacy(period: str) -> bool:
    """Whether `period` was reported on the units before the July 2025 reform."""
    return str(Period.parse(period)) < REFORM_PERIOD


def _config_files() -> list[Path]:
    from antq.labels import taught_labels_path

    schemas = Path(catalog_module.__file__).resolve().parent
    names = ("catalog.yaml", "rules.yaml", "layouts.yaml", "periods.yaml")
    return [*(schemas / name for name in names), taught_labels_path()]


def config_digest() -> str:
    digest = hashlib.sha256()
    for path in _config_files():
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"-")
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=8)
def _load(period: str | None, digest: str) -> Config:
    return Config(
        catalog=catalog(),
        layouts=layouts(),
        periods=period_rules(),
        registry=registry_for(period),
        period=period,
        digest=digest,
    )


__all__ = [
    "FIRST_PERIOD",
    "REFORM_PERIOD",
    "Config",
    "UnsupportedPeriod",
    "config_digest",
    "is_legacy",
    "registry_for",
]
