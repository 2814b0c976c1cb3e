"""Sample month generator: realistic, messy ANTQ submissions and the ground truth behind them.

Why it exists: the pipeline is tested against a month whose every expected fact and
finding is known in advance. The generator writes an inbox the way clerks fill it
(SPEC §5: vertical forms, wide province tables, varying wording, offsets, file and
folder names, a few honest mistakes) and, outside the inbox, the truth the pipeline
must reproduce: the facts it must load, the findings it must raise for the injected
mistakes, and one row per written file.

Everything about indicators comes from the catalog: which exist, their labels and
synonyms, sections, value types, levels and consistency rules. The only per-indicator
knowledge here is `MAGNITUDES`, realistic sizes keyed by code (an indicator missing from
it still gets values from its value type).

Determinism: every random choice is drawn from `random.Random(seed + stable hash of
(unit code, purpose))`, so restricting the sample to some provinces or communes never
changes a unit's values or layout; workbooks are written with fixed zip timestamps, so
the same seed gives byte-identical files, truth frames and mtimes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import os
import random
import shutil
import sys
import time
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from antq.period import Period, previous_period
from antq.schemas.catalog import ConsistencyRule, Indicator, Level, catalog
from antq.schemas.registry import LEGACY, Registry, Unit, registry
from antq.text import fold

Mode = Literal["forms", "table"]
Layout = Literal["form", "table"]
MistakeKind = Literal[
    "negative-value",
    "part-exceeds-whole",
    "not-a-number",
    "missing-required",
    "unit-unknown",
    "period-mismatch",
    "file-unreadable",
]
CellValue = int | float | str | None
Value = float | str  # numbers as float, categories as their label

# Mistakes are named by the rule id the pipeline must raise for them.
VALUE_MISTAKES: tuple[MistakeKind, ...] = (
    "negative-value",
    "part-exceeds-whole",
    "not-a-number",
    "missing-required",
)
FILE_MISTAKES: tuple[MistakeKind, ...] = ("unit-unknown", "period-mismatch", "file-unreadable")
MISTAKE_KINDS: tuple[MistakeKind, ...] = VALUE_MISTAKES + FILE_MISTAKES

FORMS_MODE_SHARE = 0.6  # provinces whose communes each send a form; the rest send a table
SILENT_SHARE = 0.03  # communes that send nothing
TABLE_OWN_FORM_SHARE = 0.15  # communes of a table province that also send their own form
TABLE_TYPO_SHARE = 0.2  # of those, the table row differs from the form in one value
MISTAKE_SHARE = 0.01  # of commune forms, per mistake kind (and of table rows, negatives)
MIN_FILES_FOR_EVERY_MISTAKE = 30  # from this many candidates on, every kind appears once
LATE_SHARE = 0.08  # files received after the deadline (the 20th)
VN_TZ = timezone(timedelta(hours=7))

TRUTH_DIR = "truth"
INBOX_DIR = "inbox"


# --------------------------------------------------------------------------- magnitudes


@dataclass(frozen=True)
class Count:
    """An absolute count per commune, scaled by the commune's size."""

    low: int
    high: int
    zero_share: float = 0.0


@dataclass(frozen=True)
class ShareOf:
    """A fraction of the indicator bounding this one in a catalog `not_greater` rule."""

    low: float
    high: float


@dataclass(frozen=True)
class PerBase:
    """A multiple of the base of a catalog `zero_when_zero`/`ratio_at_most` rule."""

    low: int
    high: int


@dataclass(frozen=True)
class Money:
    """An amount in đồng, rounded to `step` like real budgets."""

    low: int
    high: int
    zero_share: float = 0.0
    step: int = 500_000


@dataclass(frozen=True)
class Chance:
    """A 0/1 indicator that is 1 with probability `p_one`."""

    p_one: float


@dataclass(frozen=True)
class Weights:
    """Weights of a category indicator's categories, in catalog order."""

    weights: tuple[float, ...]


Magnitude = Count | ShareOf | PerBase | Money | Chance | Weights

# Per commune and month, after the 2025 merge (a commune is a former district's third or
# so). The seeds show a district with ~77 models, 65 sessions for 10,850 people and
# 600,000,000 đồng: these ranges stay below that per commune. Province-only indicators
# are per province.
MAGNITUDES: dict[str, Magnitude] = {
    "mo_hinh_khu_dan_cu": Count(2, 30),
    "mo_hinh_co_quan": Count(0, 5, 0.2),
    "mo_hinh_doanh_nghiep": Count(0, 6, 0.3),
    "mo_hinh_nha_truong": Count(0, 6, 0.15),
    "mo_hinh_benh_vien": Count(0, 2, 0.4),
    "mo_hinh_khac": Count(0, 4, 0.4),
    "mo_hinh_moi": ShareOf(0.0, 0.08),
    "to_tu_quan": ShareOf(0.08, 0.2),
    "thanh_vien_to_tu_quan": Count(60, 600),
    "buoi_tuyen_truyen": Count(1, 25, 0.05),
    "luot_nguoi_tham_gia": PerBase(25, 250),
    "tin_bai": Count(0, 15, 0.15),
    "to_roi_tai_lieu": Count(0, 2500, 0.2),
    "nguon_tin": Count(0, 40, 0.08),
    "nguon_tin_co_gia_tri": ShareOf(0.3, 0.9),
    "vu_viec_kham_pha": Count(0, 4, 0.5),
    "doi_tuong_bat_giu": Count(0, 6, 0.5),
    "khu_dan_cu_tong": Count(6, 45),
    "khu_dan_cu_dat_chuan": ShareOf(0.8, 1.0),
    "cqdn_nt_tong": Count(8, 90),
    "cqdn_nt_dat_chuan": ShareOf(0.85, 1.0),
    "xa_dat_chuan": Chance(0.9),
    "lop_tap_huan": Count(0, 3, 0.55),
    "luot_tap_huan": PerBase(20, 80),
    "doi_thoai": Count(0, 6, 0.3),
    "kinh_phi_xa_hoi_hoa": Money(5_000_000, 250_000_000, 0.35),
    "phan_loai_phong_trao": Weights((0.25, 0.55, 0.17, 0.03)),
    "van_ban_chi_dao": Count(3, 25),
    "hoi_nghi_so_tong_ket": Count(0, 4, 0.3),
}


def magnitude(ind: Indicator) -> Magnitude:
    """The size table's entry, or a modest default from the value type for new indicators."""
    if ind.code in MAGNITUDES:
        return MAGNITUDES[ind.code]
    defaults: dict[str, Magnitude] = {
        "integer": Count(0, 10, 0.2),
        "vnd": Money(0, 50_000_000, 0.5),
        "binary": Chance(0.8),
        "category": Weights(tuple(1.0 for _ in ind.categories)),
    }
    return defaults[ind.value_type]


# --------------------------------------------------------------------------- randomness


def stable_hash(key: str) -> int:
    """A hash that, unlike hash(), is the same in every process and Python run."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def rng_for(seed: int, *keys: str) -> random.Random:
    """The random stream of one unit and purpose: independent of what else is generated."""
    return random.Random(seed + stable_hash("/".join(keys)))


# --------------------------------------------------------------------------- periods


def parse_period(period: str) -> tuple[int, int]:
    """(year, month) of "2026-10"; anything else is a caller's bug."""
    parsed = Period.parse(period)
    return parsed.year, parsed.month


# --------------------------------------------------------------------------- truth

FACT_COLUMNS: dict[str, str] = {
    "period": "str",
    "unit_code": "str",
    "unit_level": "str",
    "province_code": "str",
    "indicator": "str",
    "value": "float64",
    "value_text": "str",
    "original_path": "str",
    "sheet": "str",
    "source_cell": "str",
}
FINDING_COLUMNS: dict[str, str] = {
    "period": "str",
    "province_code": "str",
    "original_path": "str",
    "unit_code": "str",
    "sheet": "str",
    "cell": "str",
    "indicator": "str",
    "rule": "str",
    "severity": "str",
}
FILE_COLUMNS: dict[str, object] = {
    "original_path": "str",
    "province_code": "str",
    "unit_code": "str",
    "unit_level": "str",
    "layout": "str",
    "mode": "str",
    "received_at": pd.DatetimeTZDtype("us", VN_TZ),
    "expected_status": "str",
    "mistake": "str",
    "sha256": "str",
}


def truth_frame(
    rows: Sequence[Mapping[str, object]], columns: Mapping[str, object]
) -> pd.DataFrame:
    """A frame with fixed columns and dtypes, also when there are no rows (a clean month)."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(columns))
    return frame.astype(dict(columns)).reset_index(drop=True)


@dataclass(frozen=True, eq=False)
class SampleTruth:
    """What the pipeline must find in a generated month (see the module docstring)."""

    period: str
    facts: pd.DataFrame
    findings: pd.DataFrame
    files: pd.DataFrame

    def write(self, root: Path) -> Path:
        folder = truth_dir(root, self.period)
        folder.mkdir(parents=True, exist_ok=True)
        for name in ("facts", "findings", "files"):
            getattr(self, name).to_parquet(folder / f"{name}.parquet", index=False)
        return folder

    @classmethod
    def load(cls, root: Path, period: str) -> SampleTruth:
        folder = truth_dir(root, period)
        frames = {
            name: pd.read_parquet(folder / f"{name}.parquet").astype(cols)
            for name, cols in (
                ("facts", FACT_COLUMNS),
                ("findings", FINDING_COLUMNS),
                ("files", FILE_COLUMNS),
            )
        }
        return cls(period=period, **frames)

    def summary(self) -> str:
        modes = self.files.drop_duplicates("province_code")["mode"].value_counts()
        return (
            f"{self.period}: {len(self.files)} files from {self.files['province_code'].nunique()} "
            f"provinces ({modes.get('forms', 0)} forms, {modes.get('table', 0)} table), "
            f"{len(self.facts)} facts, {len(self.findings)} findings"
        )


def truth_dir(root: Path, period: str) -> Path:
    return Path(root) / TRUTH_DIR / period


def inbox_dir(root: Path, period: str) -> Path:
    return Path(root) / INBOX_DIR / period


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class CommunePlan:
    """What one commune sends this month and which mistake, if any, it makes."""

    unit: Unit
    own_form: bool
    in_table: bool
    mistake: MistakeKind | None = None
    table_typo: bool = False
    table_negative: bool = False
    planted: str | None = None  # a true outlier of a series: a key of PLANTED


@dataclass(frozen=True)
class ProvincePlan:
    """One province's share of the month: the unit of work of a worker process."""

    root: Path
    period: str
    seed: int
    province: Unit
    mode: Mode
    folder: str
    communes: tuple[CommunePlan, ...]
    evolve: bool = False  # values of a series (see `evolution`)


def registry_for_period(period: str) -> Registry:
    """The units a month is reported on: the 2025 ones, or before July 2025 the old ones."""
    from antq.config import registry_for

    return registry_for(period)


def registry_of(unit: Unit) -> Registry:
    from antq.schemas.reform import legacy_registry

    return legacy_registry() if unit.registry == LEGACY else registry()


def unit_key(unit: Unit) -> str:
    """The key of a unit's random draws: the old units reuse codes of the new ones."""
    return f"legacy-{unit.code}" if unit.registry == LEGACY else unit.code


def province_mode(province_code: str, seed: int) -> Mode:
    """Stable across months: a province keeps its way of reporting."""
    roll = rng_for(seed, province_code, "mode").random()
    return "forms" if roll < FORMS_MODE_SHARE else "table"


def province_folder(province: Unit, seed: int) -> str:
    """The folder name: "01-ha-noi", "15" or "Tỉnh Lào Cai", if the registry recognises it."""
    rng = rng_for(seed, province.code, "folder")
    slugged = f"{province.code}-{fold(province.bare_name).replace(' ', '-')}"
    roll = rng.random()
    if roll < 0.6:
        return slugged
    if roll < 0.8:
        return province.code
    candidate = full_name(province) if rng.random() < 0.5 else province.bare_name
    return candidate if registry_of(province).province_folder(candidate) == province else slugged


def plan_commune(
    unit: Unit, mode: Mode, period: str, seed: int, everyone: bool = False, evolve: bool = False
) -> CommunePlan:
    """What `unit` sends; with `everyone`, every commune sends its own form (and is in
    its province's table when the province sends one): the full month of the benchmark."""
    if everyone:
        return CommunePlan(unit, own_form=True, in_table=mode == "table")
    # in a series a commune that does not report is silent every month (its province's
    # sums would otherwise jump with who reported)
    silence = (seed, unit.code, "silent") if evolve else (seed, unit.code, period, "silent")
    if rng_for(*silence).random() < SILENT_SHARE:
        return CommunePlan(unit, own_form=False, in_table=False)
    if mode == "forms":
        return CommunePlan(unit, own_form=True, in_table=False)
    also_form = rng_for(seed, unit.code, period, "own-form").random() < TABLE_OWN_FORM_SHARE
    return CommunePlan(unit, own_form=also_form, in_table=True)


def mistake_quota(n_candidates: int) -> int:
    floor = 1 if n_candidates >= MIN_FILES_FOR_EVERY_MISTAKE else 0
    return max(floor, round(MISTAKE_SHARE * n_candidates))


def assign_mistakes(communes: list[CommunePlan], period: str, seed: int) -> list[CommunePlan]:
    """Spread a known number of each mistake kind over the commune forms.

    Value mistakes go only to communes without a table row, so that no table value can
    stand in for a held-back one; file mistakes go anywhere (a rejected form of a table
    province falls back to its table row, which the truth reflects).
    """
    rng = rng_for(seed, period, "mistakes")
    forms = [c.unit.code for c in communes if c.own_form]
    value_pool = [c.unit.code for c in communes if c.own_form and not c.in_table]
    rng.shuffle(value_pool)
    file_pool = list(forms)
    rng.shuffle(file_pool)
    quota = mistake_quota(len(forms))
    chosen: dict[str, MistakeKind] = {}
    for kinds, pool in ((VALUE_MISTAKES, value_pool), (FILE_MISTAKES, file_pool)):
        free = [code for code in pool if code not in chosen]
        for kind in kinds:
            for code in free[:quota]:
                chosen[code] = kind
            free = free[quota:]
    typo = {
        c.unit.code
        for c in communes
        if c.own_form
        and c.in_table
        and c.unit.code not in chosen
        and rng_for(seed, c.unit.code, period, "typo").random() < TABLE_TYPO_SHARE
    }
    table_only = [c.unit.code for c in communes if c.in_table and not c.own_form]
    rng.shuffle(table_only)
    negative = set(table_only[: mistake_quota(len(table_only))])
    return [
        replace(
            c,
            mistake=chosen.get(c.unit.code),
            table_typo=c.unit.code in typo,
            table_negative=c.unit.code in negative,
        )
        for c in communes
    ]


# A series' true outliers, one commune a month once it has history enough: an extra zero
# typed in a flow, or a stock typed at 40 % of itself (codes tried in order: the first
# large enough). Only indicators whose rules the change cannot break.
PLANTED: dict[str, tuple[tuple[str, ...], float, float]] = {
    "flow-outlier": (("tin_bai", "to_roi_tai_lieu"), 10.0, 2.0),
    "stock-drop": (("to_tu_quan",), 0.4, 3.0),
}


def plant_outlier(communes: list[CommunePlan], period: str, seed: int) -> list[CommunePlan]:
    """One commune that sends its own, correct form gets a true outlier this month."""
    candidates = [c for c in communes if c.own_form and c.mistake is None and not c.table_typo]
    if not candidates:
        return communes
    rng = rng_for(seed, period, "plant")
    chosen = rng.choice(sorted(candidates, key=lambda c: c.unit.code))
    kind = rng.choice(sorted(PLANTED))
    return [replace(c, planted=kind) if c is chosen else c for c in communes]


def plant(values: dict[str, Value], kind: str) -> tuple[tuple[str, str], ...]:
    """Change `values` by the planted outlier `kind`; the (indicator, rule) it must fire."""
    codes, factor, least = PLANTED[kind]
    for code in codes:
        value = values.get(code)
        if isinstance(value, float) and value >= least:
            values[code] = float(math.floor(value * factor))
            if failed_rules(values):
                raise RuntimeError(f"a planted {kind} broke a catalog rule")
            return ((code, kind),)
    return ()


def plan_month(
    root: Path,
    period: str,
    seed: int,
    provinces: Sequence[str] | None,
    max_communes: int | None,
    mistakes: bool,
    everyone: bool = False,
    evolve: bool = False,
    plant: bool = False,
) -> list[ProvincePlan]:
    reg = registry_for_period(period)
    current = registry()
    asked = sorted(current.provinces) if provinces is None else [str(p).zfill(2) for p in provinces]
    unknown = [code for code in asked if code not in current.provinces]
    if unknown:
        raise ValueError(f"unknown province codes {unknown}")
    codes = list(dict.fromkeys(asked))
    if reg.edition == LEGACY:  # the old provinces that went into the asked ones
        from antq.schemas.reform import successor

        codes = [
            c for c in sorted(reg.provinces) if successor(reg.provinces[c]).province_code in asked
        ]
    drafts: list[tuple[Unit, Mode, list[CommunePlan]]] = []
    for code in codes:
        mode = province_mode(code, seed)
        units = reg.communes_of(code)[:max_communes]
        drafts.append(
            (
                reg.provinces[code],
                mode,
                [plan_commune(u, mode, period, seed, everyone, evolve) for u in units],
            )
        )
    everyone = [c for _, _, communes in drafts for c in communes]
    if mistakes:
        everyone = assign_mistakes(sorted(everyone, key=lambda c: c.unit.code), period, seed)
    if plant:
        everyone = plant_outlier(everyone, period, seed)
    by_code = {c.unit.code: c for c in everyone}
    return [
        ProvincePlan(
            root=Path(root),
            period=period,
            seed=seed,
            province=province,
            mode=mode,
            folder=province_folder(province, seed),
            communes=tuple(by_code[c.unit.code] for c in communes),
            evolve=evolve,
        )
        for province, mode, communes in drafts
    ]


# --------------------------------------------------------------------------- values


def reported_indicators(level: Level, month: int) -> tuple[Indicator, ...]:
    """The indicators a unit of `level` reports in `month` (December adds the ranking)."""
    return tuple(
        ind
        for ind in catalog().for_level(level)
        if not ind.required_months or month in ind.required_months
    )


@lru_cache(maxsize=1)
def rule_free_codes() -> frozenset[str]:
    """Indicators named by no consistency rule: a mistake there stays a single finding."""
    named = {code for rule in catalog().consistency for code in rule.indicators}
    return frozenset(code for code in catalog().codes if code not in named)


def _rule_where(code: str, checks: tuple[str, ...]) -> ConsistencyRule | None:
    return next((r for r in catalog().consistency if r.value == code and r.check in checks), None)


def dependencies(ind: Indicator) -> tuple[str, ...]:
    """The indicators that must be drawn before this one (from the catalog's rules)."""
    total = _rule_where(ind.code, ("sum_equals",))
    if total:
        return total.parts
    spec = magnitude(ind)
    if isinstance(spec, ShareOf):
        rule = _rule_where(ind.code, ("not_greater",))
        if rule is None or rule.limit is None:
            raise ValueError(f"{ind.code}: ShareOf needs a not_greater rule in the catalog")
        return (rule.limit,)
    if isinstance(spec, PerBase):
        rule = _rule_where(ind.code, ("zero_when_zero", "ratio_at_most"))
        if rule is None or rule.base is None:
            raise ValueError(f"{ind.code}: PerBase needs a zero_when_zero rule in the catalog")
        return (rule.base,)
    return ()


def draw_value(
    ind: Indicator, drawn: Mapping[str, Value], rng: random.Random, scale: float
) -> Value:
    deps = dependencies(ind)
    if _rule_where(ind.code, ("sum_equals",)):
        return float(sum(float(drawn[code]) for code in deps))
    spec = magnitude(ind)
    if isinstance(spec, Count):
        if rng.random() < spec.zero_share:
            return 0.0
        return float(round(rng.randint(spec.low, spec.high) * scale))
    if isinstance(spec, ShareOf):
        return float(math.floor(float(drawn[deps[0]]) * rng.uniform(spec.low, spec.high)))
    if isinstance(spec, PerBase):
        return float(drawn[deps[0]]) * rng.randint(spec.low, spec.high)
    if isinstance(spec, Money):
        if rng.random() < spec.zero_share:
            return 0.0
        return float(round(rng.uniform(spec.low, spec.high) * scale / spec.step) * spec.step)
    if isinstance(spec, Chance):
        return 1.0 if rng.random() < spec.p_one else 0.0
    return rng.choices(ind.categories, weights=spec.weights)[0]


# A series (`generate_series`) evolves like a real movement: stocks persist and grow a
# little every month since the 2025 reform (each unit at its own pace, never falling, so
# the stock-drop rule stays quiet), and flows follow the year: fewer around Tết, more in
# August (the movement's festival day, 19 August) and at the year-end review.
SERIES_START = (2025, 7)
STOCK_GROWTH_PER_MONTH = (0.0, 0.012)
SEASON = {1: 0.95, 2: 0.8, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.0, 7: 1.05, 8: 1.25, 9: 1.05, 10: 1.0,
          11: 1.05, 12: 1.15}  # fmt: skip


def evolution(unit_code: str, ind: Indicator, period: str, seed: int) -> float:
    """The factor a series applies to `ind`'s size for `unit_code` in `period`."""
    year, month = parse_period(period)
    if ind.kind == "flow":
        return SEASON[month]
    months = max(0, (year - SERIES_START[0]) * 12 + month - SERIES_START[1])
    pace = rng_for(seed, unit_code, ind.code, "growth").uniform(*STOCK_GROWTH_PER_MONTH)
    return 1.0 + pace * months


# A series' flow varies around the unit's own level by at most this much a month.
FLOW_NOISE = 0.15


def draw_evolving(
    ind: Indicator, drawn: Mapping[str, Value], unit_code: str, period: str, seed: int,
    scale: float,
) -> Value:  # fmt: skip
    """A value of a series: a stock drawn once and grown (`evolution`); a flow counted
    around the unit's own level (drawn once, as is whether the unit has any at all),
    times the season, with a little noise; a flow that is a share or a multiple of
    another (valuable tips of all tips, people per session) keeps the unit's own share
    or multiple, with a little noise."""
    factor = evolution(unit_code, ind, period, seed)
    if ind.kind == "stock":
        return draw_value(ind, drawn, rng_for(seed, unit_code, ind.code), scale * factor)
    spec = magnitude(ind)
    level = rng_for(seed, unit_code, ind.code, "level")
    noise = rng_for(seed, unit_code, ind.code, period).uniform(1 - FLOW_NOISE, 1 + FLOW_NOISE)
    if isinstance(spec, ShareOf | PerBase):  # the unit's own share or per-base, kept
        base = float(drawn[dependencies(ind)[0]])
        if isinstance(spec, ShareOf):
            return float(math.floor(base * min(level.uniform(spec.low, spec.high) * noise, 1.0)))
        return float(round(base * level.randint(spec.low, spec.high) * noise))
    if not isinstance(spec, Count | Money):
        return draw_value(ind, drawn, rng_for(seed, unit_code, ind.code, period), scale * factor)
    if level.random() < spec.zero_share:
        return 0.0
    mean = level.uniform(spec.low, spec.high) * scale * factor
    if isinstance(spec, Money):
        return float(round(mean * noise / spec.step) * spec.step)
    return float(round(mean * noise))


def draw_values(
    unit_code: str,
    indicators: Sequence[Indicator],
    period: str,
    seed: int,
    scale: float,
    evolve: bool = False,
) -> dict[str, Value]:
    """One unit's true values, consistent with every catalog rule.

    Stocks come from a stream that ignores the period (a commune keeps its models from
    one month to the next); flows are drawn afresh each month.
    """
    wanted = {ind.code: ind for ind in indicators}
    drawn: dict[str, Value] = {}
    pending = list(wanted)
    while pending:
        ready = [c for c in pending if all(d in drawn for d in dependencies(wanted[c]))]
        if not ready:
            raise ValueError(f"{unit_code}: cannot draw {pending}, their bases are not reported")
        for code in ready:
            ind = wanted[code]
            keys = (unit_code, code) if ind.kind == "stock" else (unit_code, code, period)
            if evolve:
                drawn[code] = draw_evolving(ind, drawn, unit_code, period, seed, scale)
            else:
                drawn[code] = draw_value(ind, drawn, rng_for(seed, *keys), scale)
            pending.remove(code)
    repair_consistency(drawn)
    return drawn


def numeric(values: Mapping[str, Value]) -> dict[str, float]:
    return {code: v for code, v in values.items() if isinstance(v, float)}


def rule_holds(rule: ConsistencyRule, values: Mapping[str, float]) -> bool:
    """Whether `values` satisfy `rule`; a rule is only checked when all it names is reported."""
    if any(code not in values for code in rule.indicators):
        return True
    value = values[rule.value]
    if rule.check == "sum_equals":
        return value == sum(values[p] for p in rule.parts)
    if rule.check == "not_greater":
        return value <= values[str(rule.limit)]
    base = values[str(rule.base)]
    if rule.check == "zero_when_zero":
        return base != 0 or value == 0
    if rule.check == "ratio_at_most":
        return base == 0 or value / base <= float(rule.max or 0)
    raise ValueError(f"unknown check {rule.check}")


def failed_rules(values: Mapping[str, Value]) -> list[ConsistencyRule]:
    numbers = numeric(values)
    return [rule for rule in catalog().consistency if not rule_holds(rule, numbers)]


def repair_consistency(values: dict[str, Value]) -> None:
    """Bend drawn values until every rule holds: the size table may not know all rules."""
    for _ in range(3):
        broken = failed_rules(values)
        if not broken:
            return
        for rule in broken:
            numbers = numeric(values)
            if rule.check == "sum_equals":
                values[rule.value] = float(sum(numbers[p] for p in rule.parts))
            elif rule.check == "not_greater":
                values[rule.value] = numbers[str(rule.limit)]
            elif rule.check == "zero_when_zero":
                values[rule.value] = 0.0
            else:
                values[rule.value] = float(
                    math.floor(numbers[str(rule.base)] * float(rule.max or 0))
                )
    if failed_rules(values):
        raise RuntimeError(f"sample values break catalog rules: {failed_rules(values)}")


# An old commune's size against a new one's: 3,321 communes since July 2025, 10,035 before.
LEGACY_COMMUNE_SIZE = 0.33


def unit_scale(unit_code: str, seed: int) -> float:
    """A commune's size: big wards report more of everything than mountain communes."""
    return rng_for(seed, unit_code, "scale").uniform(0.6, 1.6)


def commune_values(unit: Unit, period: str, seed: int, evolve: bool = False) -> dict[str, Value]:
    _, month = parse_period(period)
    indicators = reported_indicators("commune", month)
    scale = unit_scale(unit_key(unit), seed)
    if unit.registry == LEGACY:  # about three old communes went into each new one
        scale *= LEGACY_COMMUNE_SIZE
    return draw_values(unit_key(unit), indicators, period, seed, scale, evolve)


def summable(ind: Indicator) -> bool:
    """Province figures of this indicator are the sum of its communes' figures."""
    return "commune" in ind.levels and ind.value_type in ("integer", "vnd")


def province_values(
    province: Unit,
    rows: Iterable[Mapping[str, Value]],
    period: str,
    seed: int,
    evolve: bool = False,
) -> dict[str, Value]:
    """Sums over the given commune rows, plus the province's own indicators."""
    _, month = parse_period(period)
    indicators = reported_indicators("province", month)
    rows = list(rows)
    values: dict[str, Value] = {
        ind.code: float(sum(float(row.get(ind.code, 0.0)) for row in rows))
        for ind in indicators
        if summable(ind)
    }
    own = [ind for ind in indicators if not summable(ind)]
    values.update(draw_values(unit_key(province), own, period, seed, 1.0, evolve))
    if failed_rules(values):
        raise RuntimeError(f"province {province.code} sums break catalog rules")
    return values


# --------------------------------------------------------------------------- text variants

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
# fmt: off
_SYLLABLES = (
    "Tân", "Phú", "Hòa", "An", "Bình", "Thạnh", "Đông", "Tây", "Lợi", "Hưng", "Mỹ", "Long",
    "Phước", "Thuận", "Vĩnh", "Quang", "Minh", "Sơn", "Hà", "Trung", "Khánh", "Nghĩa",
)
PEOPLE = (
    "Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thị Hoa", "Hoàng Văn Nam",
    "Vũ Thị Hạnh", "Đặng Quốc Bảo", "Bùi Thị Thu", "Đỗ Văn Long", "Ngô Thị Mai",
)
# fmt: on
TYPE_ABBREVIATIONS = {"xã": "X.", "phường": "P.", "đặc khu": "ĐK", "thị trấn": "TT."}
# Vietnamese words are syllables: these start compounds ("khu dân cư", "cơ quan", "nhà
# trường"), so a merged header never ends on them ("Khu dân" over "Cư tổng số").
_BOUND_SYLLABLES = frozenset({"dân", "cơ", "nhà", "doanh", "bệnh", "tổ", "khu", "tự"})
TITLE = "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC"
TABLE_TITLE = "BẢNG TỔNG HỢP KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ"
PERIOD_STYLES = (
    "Tháng {m} năm {y}",
    "tháng {m}/{y}",
    "T{m}/{y}",
    "Kỳ báo cáo: {m}-{y}",
    "Tháng {m:02d} năm {y}",
)


def strip_marks(text: str) -> str:
    """Vietnamese without diacritics, case kept: what an old keyboard setup types."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")


def vn_thousands(amount: float) -> str:
    """600000000 -> "600.000.000", the way Vietnamese clerks type money."""
    return f"{int(amount):,}".replace(",", ".")


def vn_number_words(n: int) -> str:
    """12 -> "mười hai": a count a clerk spelled out, which is not a number to a machine."""
    n = n % 100 or 12
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    if ones == 0:
        return head
    tail = {1: "mốt" if tens > 1 else "một", 5: "lăm"}.get(ones, _DIGITS[ones])
    return f"{head} {tail}"


def type_word(unit: Unit) -> str:
    """The division word: "xã", "phường", "đặc khu", "tỉnh" or "thành phố"."""
    return "thành phố" if unit.division_type.startswith("thành phố") else unit.division_type


def full_name(unit: Unit) -> str:
    """The name with its division: "Xã Tân Thành", "Tỉnh Lào Cai", "Thành phố Hà Nội"."""
    return f"{type_word(unit).capitalize()} {unit.bare_name}"


def agency_line(unit: Unit, upper: bool) -> str:
    text = f"Công an {type_word(unit)} {unit.bare_name}"
    return text.upper() if upper else text


def identifies(text: str, unit: Unit) -> bool:
    """Whether the registry finds exactly `unit` from `text`: only such names are written
    without a code, so that the truth stays reachable."""
    reg = registry_of(unit)
    if unit.level == "province":
        return reg.match_province(text).unit == unit
    return reg.match_commune(text, unit.province_code).unit == unit


@lru_cache(maxsize=1)
def _folded_commune_names() -> tuple[str, ...]:
    from antq.schemas.reform import legacy_registry

    units = [*registry().communes.values(), *legacy_registry().communes.values()]
    return tuple(dict.fromkeys(f" {fold(unit.bare_name)} " for unit in units))


def fake_commune_name(rng: random.Random) -> str:
    """A commune name that no matcher, even a fuzzy one, can take for a real commune: it
    neither contains nor is contained in any real name ("Quang Minh Thuận" would be)."""
    while True:
        bare = " ".join(rng.sample(_SYLLABLES, 3))
        folded = f" {fold(bare)} "
        if not any(real in folded or folded in real for real in _folded_commune_names()):
            return bare


def label_variant(ind: Indicator, rng: random.Random) -> str:
    """The label or a synonym, sometimes upper-cased, without diacritics or with a unit."""
    text = ind.label if rng.random() < 0.55 or not ind.synonyms else rng.choice(ind.synonyms)
    countable = ind.value_type in ("integer", "vnd") and ind.unit_label
    if countable and "(" not in text and rng.random() < 0.15:
        text = f"{text} ({ind.unit_label})"
    roll = rng.random()
    if roll < 0.1:
        return text.upper()
    if roll < 0.2:
        return strip_marks(text)
    return text


def period_line(style: str, period: str) -> str:
    year, month = parse_period(period)
    return style.format(m=month, y=year)


def date_line(place: str, day: int, period: str) -> str:
    year, month = parse_period(period)
    return f"{place}, ngày {day:02d} tháng {month:02d} năm {year}"


# --------------------------------------------------------------------------- workbook I/O

_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=13)
_ITALIC = Font(italic=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


class _StampedZip(zipfile.ZipFile):
    """A zip whose entries all carry one timestamp: the same workbook gives the same bytes."""

    def __init__(self, file: io.BytesIO, stamp: tuple[int, int, int, int, int, int]) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._stamp = stamp

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(str(zinfo_or_arcname), date_time=self._stamp)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):  # type: ignore[no-untyped-def]
        self.writestr(arcname or filename, Path(filename).read_bytes())


def workbook_bytes(wb: Workbook, saved_at: datetime, author: str) -> bytes:
    """The .xlsx bytes, with document properties and zip times taken from `saved_at`."""
    utc = saved_at.astimezone(UTC).replace(tzinfo=None)
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.created = utc - timedelta(days=2)
    wb.properties.modified = utc
    buffer = io.BytesIO()
    stamp = saved_at.timetuple()[:6]
    ExcelWriter(wb, _StampedZip(buffer, stamp)).save()  # type: ignore[arg-type]
    return buffer.getvalue()


def _put(
    ws: Worksheet,
    row: int,
    col: int,
    value: CellValue,
    *,
    span: int = 1,
    down: int = 1,
    font: Font | None = None,
    align: Alignment | None = None,
    box: bool = False,
) -> None:
    """Write a cell, merged over `span` columns and `down` rows when asked."""
    cell = ws.cell(row=row, column=col, value=value)
    if font:
        cell.font = font
    if align:
        cell.alignment = align
    if box:
        for r in range(row, row + down):
            for c in range(col, col + span):
                ws.cell(row=r, column=c).border = _BOX
    if span > 1 or down > 1:
        ws.merge_cells(
            start_row=row, start_column=col, end_row=row + down - 1, end_column=col + span - 1
        )


def _add_help_sheet(wb: Workbook, where: str) -> None:
    """Some templates carry an instructions sheet; the report is not always the first."""
    ws = wb.create_sheet("Hướng dẫn", 0 if where == "before" else None)
    ws["A1"] = "Hướng dẫn nhập số liệu"
    ws["A1"].font = _BOLD
    ws["A2"] = "Đơn vị nhập số liệu của tháng vào cột số liệu, không sửa nội dung các chỉ tiêu."
    ws["A3"] = "Gửi báo cáo về Công an tỉnh trước ngày 20 hằng tháng."


@dataclass(frozen=True)
class FormRow:
    """One line of a vertical form: a section heading (code None) or an indicator."""

    number: int | str
    label: str
    unit_label: str
    value: CellValue
    code: str | None = None


@dataclass(frozen=True)
class FormSheet:
    """Everything a vertical form shows, already worded; `write_form` only places it."""

    sheet_name: str
    parent_agency: str
    unit_agency: str
    code_line: tuple[CellValue, ...]
    period_line: str
    header: tuple[str, ...]
    rows: tuple[FormRow, ...]
    date_line: str
    signers: tuple[str, str]
    signer_names: tuple[str, str]
    header_row: int
    first_col: int
    blank_rows_after: int
    help_sheet: str  # "none", "before" or "after"


def write_form(form: FormSheet) -> tuple[Workbook, dict[str, str]]:
    """The workbook and the A1 cell of each indicator's value."""
    wb = Workbook()
    ws = wb.active
    ws.title = form.sheet_name
    c = form.first_col
    _put(ws, 1, c, form.parent_agency, span=2, align=_CENTER)
    _put(ws, 2, c, form.unit_agency, span=2, font=_BOLD, align=_CENTER)
    _put(ws, 1, c + 2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", span=3, font=_BOLD, align=_CENTER)
    _put(ws, 2, c + 2, "Độc lập - Tự do - Hạnh phúc", span=3, font=_BOLD, align=_CENTER)
    for offset, value in enumerate(form.code_line):
        _put(ws, 3, c + offset, value)
    top = form.header_row
    _put(ws, top - 3, c, TITLE, span=5, font=_TITLE_FONT, align=_CENTER)
    _put(ws, top - 2, c, form.period_line, span=5, font=_ITALIC, align=_CENTER)
    for offset, text in enumerate(form.header):
        _put(ws, top, c + offset, text, font=_BOLD, align=_CENTER, box=True)
    positions: dict[str, str] = {}
    row = top + 1
    for line in form.rows:
        heading = line.code is None
        font = _BOLD if heading else None
        _put(ws, row, c, line.number, font=font, align=_CENTER, box=True)
        _put(ws, row, c + 1, line.label, font=font, align=_WRAP, box=True)
        _put(ws, row, c + 2, line.unit_label or None, align=_CENTER, box=True)
        _put(ws, row, c + 3, line.value, box=True)
        _put(ws, row, c + 4, None, box=True)
        if line.code is not None:
            positions[line.code] = f"{get_column_letter(c + 3)}{row}"
            if isinstance(line.value, int) and abs(line.value) >= 10_000:
                ws.cell(row=row, column=c + 3).number_format = "#,##0"
        row += 1
    row += form.blank_rows_after + 1
    _put(ws, row, c + 2, form.date_line, span=3, font=_ITALIC, align=_CENTER)
    _put(ws, row + 1, c, form.signers[0], span=2, font=_BOLD, align=_CENTER)
    _put(ws, row + 1, c + 2, form.signers[1], span=3, font=_BOLD, align=_CENTER)
    _put(ws, row + 5, c, form.signer_names[0], span=2, font=_BOLD, align=_CENTER)
    _put(ws, row + 5, c + 2, form.signer_names[1], span=3, font=_BOLD, align=_CENTER)
    for offset, width in enumerate((6, 58, 12, 16, 16)):
        ws.column_dimensions[get_column_letter(c + offset)].width = width
    if c > 1:
        ws.column_dimensions["A"].width = 3
    if form.help_sheet != "none":
        _add_help_sheet(wb, form.help_sheet)
    return wb, positions


@dataclass(frozen=True)
class TableColumn:
    """An indicator column; `group` is the merged header above it (two header rows)."""

    code: str
    text: str
    group: str | None = None
    group_id: int = -1


@dataclass(frozen=True)
class TableRow:
    key: str  # the commune's code, or TOTAL_KEY
    stt: CellValue
    code_cell: CellValue
    name: str
    values: Mapping[str, CellValue]


TOTAL_KEY = "total"


@dataclass(frozen=True)
class TableSheet:
    """Everything a province's wide table shows, already worded."""

    sheet_name: str
    agency: str
    title: str
    period_line: str
    header_row: int
    two_rows: bool
    stt_header: str
    code_header: str | None  # None: the table has no code column
    name_header: str
    columns: tuple[TableColumn, ...]
    rows: tuple[TableRow, ...]
    notes: tuple[str, ...]
    date_line: str
    signers: tuple[str, str]


def _table_headers(ws: Worksheet, table: TableSheet, fixed: list[str], first_ind_col: int) -> None:
    top, down = table.header_row, 2 if table.two_rows else 1
    for offset, text in enumerate(fixed):
        _put(ws, top, 1 + offset, text, down=down, font=_BOLD, align=_CENTER, box=True)
    col = first_ind_col
    columns = list(table.columns)
    while columns:
        column = columns[0]
        if column.group is None or not table.two_rows:
            _put(ws, top, col, column.text, down=down, font=_BOLD, align=_CENTER, box=True)
            columns, col = columns[1:], col + 1
            continue
        run = [c for c in columns if c.group_id == column.group_id]
        _put(ws, top, col, column.group, span=len(run), font=_BOLD, align=_CENTER, box=True)
        for offset, member in enumerate(run):
            _put(ws, top + 1, col + offset, member.text, font=_BOLD, align=_CENTER, box=True)
        columns, col = columns[len(run) :], col + len(run)


def write_table(table: TableSheet) -> tuple[Workbook, dict[str, dict[str, str]]]:
    """The workbook and, per row key, the A1 cell of each indicator value."""
    wb = Workbook()
    ws = wb.active
    ws.title = table.sheet_name
    fixed = [
        table.stt_header,
        *([table.code_header] if table.code_header else []),
        table.name_header,
    ]
    first_ind_col = len(fixed) + 1
    width = len(fixed) + len(table.columns)
    _put(ws, 1, 1, table.agency, span=4, font=_BOLD, align=_CENTER)
    _put(ws, 3, 1, table.title, span=width, font=_TITLE_FONT, align=_CENTER)
    _put(ws, 4, 1, table.period_line, span=width, font=_ITALIC, align=_CENTER)
    _table_headers(ws, table, fixed, first_ind_col)
    positions: dict[str, dict[str, str]] = {}
    row = table.header_row + (2 if table.two_rows else 1)
    for line in table.rows:
        font = _BOLD if line.key == TOTAL_KEY else None
        leading = [line.stt, *([line.code_cell] if table.code_header else []), line.name]
        for offset, value in enumerate(leading):
            _put(ws, row, 1 + offset, value, font=font, box=True)
        cells = positions.setdefault(line.key, {})
        for offset, column in enumerate(table.columns):
            col = first_ind_col + offset
            _put(ws, row, col, line.values.get(column.code), font=font, box=True)
            cells[column.code] = f"{get_column_letter(col)}{row}"
        row += 1
    for note in table.notes:
        row += 1
        _put(ws, row, 1, note, span=min(width, 8), font=_ITALIC)
    _put(ws, row + 2, max(1, width - 4), table.date_line, span=5, font=_ITALIC, align=_CENTER)
    _put(ws, row + 3, 2, table.signers[0], span=2, font=_BOLD, align=_CENTER)
    _put(ws, row + 3, max(1, width - 4), table.signers[1], span=5, font=_BOLD, align=_CENTER)
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions[get_column_letter(len(fixed))].width = 26
    for offset in range(len(table.columns)):
        ws.column_dimensions[get_column_letter(first_ind_col + offset)].width = 12
    return wb, positions


# --------------------------------------------------------------------------- a province's job


@dataclass
class _Output:
    """Truth rows collected by one province's job, returned to the parent process."""

    facts: list[dict[str, object]] = field(default_factory=list)
    findings: list[dict[str, object]] = field(default_factory=list)
    files: list[dict[str, object]] = field(default_factory=list)


@dataclass
class _Job:
    """A province's plan plus the state of writing its folder."""

    plan: ProvincePlan
    out: _Output = field(default_factory=_Output)
    used_paths: set[str] = field(default_factory=set)

    @property
    def month(self) -> int:
        return parse_period(self.plan.period)[1]

    def allocate(self, relative: str) -> str:
        """A path inside the province folder no other file took (case-insensitively)."""
        stem, dot, ext = relative.rpartition(".")
        candidate, n = relative, 1
        while candidate.casefold() in self.used_paths:
            n += 1
            candidate = f"{stem} ({n}){dot}{ext}"
        self.used_paths.add(candidate.casefold())
        return f"{self.plan.period}/{self.plan.folder}/{candidate}"

    def rng(self, *keys: str) -> random.Random:
        return rng_for(self.plan.seed, *keys)


def received_at(job: _Job, key: str) -> datetime:
    """When a file arrived: mostly the 10th-20th, some after the deadline on the 20th."""
    rng = job.rng(key, job.plan.period, "received")
    year, month = parse_period(job.plan.period)
    day = rng.randint(21, 28) if rng.random() < LATE_SHARE else rng.randint(10, 20)
    return datetime(
        year, month, day, rng.randint(7, 17), rng.randint(0, 59), rng.randint(0, 59), tzinfo=VN_TZ
    )


def save_file(job: _Job, original_path: str, data: bytes, at: datetime) -> str:
    """Write the bytes under the inbox, set the mtime, and return their SHA-256."""
    path = Path(job.plan.root) / INBOX_DIR / original_path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = at.timestamp()
    os.utime(path, (stamp, stamp))
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Source:
    """Where a report's values sit: its file (relative to the inbox) and sheet."""

    original_path: str
    sheet: str


def record_file(
    job: _Job,
    original_path: str,
    sha256: str,
    *,
    unit_code: str | None,
    level: Level,
    layout: Layout,
    at: datetime,
    mistake: MistakeKind | None = None,
) -> None:
    job.out.files.append(
        {
            "original_path": original_path,
            "province_code": job.plan.province.code,
            "unit_code": unit_code,
            "unit_level": level,
            "layout": layout,
            "mode": job.plan.mode,
            "received_at": at,
            "expected_status": "rejected" if mistake in FILE_MISTAKES else "accepted",
            "mistake": mistake,
            "sha256": sha256,
        }
    )


def record_finding(
    job: _Job,
    original_path: str,
    rule: str,
    unit_code: str | None,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    indicator: str | None = None,
) -> None:
    job.out.findings.append(
        {
            "period": job.plan.period,
            "province_code": job.plan.province.code,
            "original_path": original_path,
            "unit_code": unit_code,
            "sheet": sheet,
            "cell": cell,
            "indicator": indicator,
            "rule": rule,
            "severity": catalog().rule(rule).severity,
        }
    )


def record_cell_finding(
    job: _Job, source: Source, rule: str, unit_code: str, indicator: str, cell: str
) -> None:
    record_finding(
        job,
        source.original_path,
        rule,
        unit_code,
        sheet=source.sheet,
        cell=cell,
        indicator=indicator,
    )


def record_fact(job: _Job, unit: Unit, code: str, value: Value, source: Source, cell: str) -> None:
    job.out.facts.append(
        {
            "period": job.plan.period,
            "unit_code": unit.code,
            "unit_level": unit.level,
            "province_code": job.plan.province.code,
            "indicator": code,
            "value": value if isinstance(value, float) else math.nan,
            "value_text": value if isinstance(value, str) else None,
            "original_path": source.original_path,
            "sheet": source.sheet,
            "source_cell": cell,
        }
    )


# ----- vertical forms


@dataclass(frozen=True)
class FormStyle:
    """A clerk's template: stable for a unit from month to month."""

    header_row: int
    first_col: int
    header: tuple[str, str, str, str, str]
    restart_numbering: bool
    upper_sections: bool
    labels: Mapping[str, str]
    code_style: str  # none | text | number | split
    upper_names: bool
    period_style: str
    sheet_style: str
    help_sheet: str
    money_style: str  # number | dots | dots-dong
    binary_words: bool
    file_pattern: int
    blank_rows_after: int


def form_style(unit_code: str, seed: int) -> FormStyle:
    rng = rng_for(seed, unit_code, "form-style")
    code_style = rng.choices(("none", "text", "number", "split"), (0.4, 0.25, 0.2, 0.15))[0]
    header = (
        rng.choice(("STT", "TT", "Số TT")),
        rng.choice(("Nội dung/Chỉ tiêu", "Chỉ tiêu", "Nội dung", "Nội dung chỉ tiêu")),
        rng.choice(("Đơn vị tính", "ĐVT")),
        rng.choice(("Số liệu", "Kết quả", "Số lượng", "Tháng {m}")),
        "Ghi chú",
    )
    return FormStyle(
        header_row=rng.randint(7 if code_style != "none" else 6, 12),
        first_col=rng.choice((1, 1, 1, 2)),
        header=header,
        restart_numbering=rng.random() < 0.6,
        upper_sections=rng.random() < 0.5,
        labels={ind.code: label_variant(ind, rng) for ind in catalog().indicators},
        code_style=code_style,
        upper_names=rng.random() < 0.7,
        period_style=rng.choice(PERIOD_STYLES[:4]) if rng.random() < 0.9 else PERIOD_STYLES[4],
        sheet_style=rng.choice(("Sheet1", "BC T{m}", "Báo cáo", "Biểu 01", "T{m}-{y}")),
        help_sheet=rng.choices(("none", "before", "after"), (0.9, 0.05, 0.05))[0],
        money_style=rng.choices(("number", "dots", "dots-dong"), (0.6, 0.2, 0.2))[0],
        binary_words=rng.random() < 0.6,
        file_pattern=rng.choices(range(7), (0.3, 0.15, 0.1, 0.1, 0.15, 0.1, 0.1))[0],
        blank_rows_after=rng.randint(1, 2),
    )


def form_cell(ind: Indicator, value: Value, style: FormStyle) -> CellValue:
    """How a clerk writes a true value into a form."""
    if isinstance(value, str):
        return value
    if ind.value_type == "binary":
        if style.binary_words:
            return "Đạt" if value else "Chưa đạt"
        return int(value)
    if ind.value_type == "vnd" and value > 0 and style.money_style != "number":
        return vn_thousands(value) + ("đ" if style.money_style == "dots-dong" else "")
    return int(value)


@dataclass(frozen=True)
class Injected:
    """A value mistake put into a form: what is written, what the pipeline must say."""

    cells: dict[str, CellValue]
    findings: tuple[tuple[str, str], ...]  # (indicator, rule)
    held: frozenset[str]


def inject_value_mistake(
    kind: MistakeKind,
    indicators: Sequence[Indicator],
    values: Mapping[str, Value],
    cells: dict[str, CellValue],
    rng: random.Random,
    level: Level,
    month: int,
) -> Injected:
    """One value mistake of `kind`; consistency mistakes hold back all the rule names."""
    cells = dict(cells)
    free = rule_free_codes()
    integers = [i.code for i in indicators if i.value_type == "integer" and i.code in free]
    if kind == "negative-value":
        code = rng.choice(integers)
        cells[code] = -max(int(float(values[code])), 1)
        return Injected(cells, ((code, kind),), frozenset({code}))
    if kind == "not-a-number":
        code = rng.choice(integers)
        cells[code] = vn_number_words(int(float(values[code])))
        return Injected(cells, ((code, kind),), frozenset({code}))
    if kind == "missing-required":
        required = [i.code for i in indicators if i.is_required(level, month) and i.code in free]
        code = rng.choice(required)
        cells[code] = None
        return Injected(cells, ((code, kind),), frozenset({code}))
    if kind == "part-exceeds-whole":
        return _exceed_limit(kind, values, cells, rng)
    raise ValueError(f"{kind} is not a value mistake")


def _exceed_limit(
    kind: MistakeKind, values: Mapping[str, Value], cells: dict[str, CellValue], rng: random.Random
) -> Injected:
    rules = [
        r
        for r in catalog().consistency
        if r.rule == kind and r.check == "not_greater" and all(c in values for c in r.indicators)
    ]
    rule = rng.choice(rules)
    numbers = numeric(values)
    numbers[rule.value] = numbers[str(rule.limit)] + rng.randint(1, 3)
    cells[rule.value] = int(numbers[rule.value])
    broken = [r for r in catalog().consistency if not rule_holds(r, numbers)]
    held = {
        code for r in broken if catalog().rule(r.rule).severity == "error" for code in r.indicators
    }
    return Injected(cells, tuple((r.value, r.rule) for r in broken), frozenset(held))


def form_rows(
    indicators: Sequence[Indicator], cells: Mapping[str, CellValue], style: FormStyle
) -> tuple[FormRow, ...]:
    """Roman-numeral sections from the catalog, each followed by its numbered indicators."""
    rows: list[FormRow] = []
    number = 0
    sections = list(catalog().sections.items())
    placed = {ind.code for ind in indicators if ind.section in catalog().sections}
    orphans = [ind for ind in indicators if ind.code not in placed]
    for roman, title in [*sections, ("", "")]:
        members = [ind for ind in indicators if ind.section == roman] if roman else orphans
        if not members:
            continue
        if roman:
            rows.append(FormRow(roman, title.upper() if style.upper_sections else title, "", None))
            if style.restart_numbering:
                number = 0
        for ind in members:
            number += 1
            rows.append(
                FormRow(number, style.labels[ind.code], ind.unit_label, cells[ind.code], ind.code)
            )
    return tuple(rows)


def code_line(style: str, code: str) -> tuple[CellValue, ...]:
    if style == "text":
        return (f"Mã đơn vị: {code}",)
    if style == "number":
        return ("Mã đơn vị:", int(code))  # Excel dropped the leading zeros
    if style == "split":
        return ("Mã ĐVHC:", code)
    return ()


def commune_file_name(pattern: int, bare: str, kind: str, code: str | None, period: str) -> str:
    """A commune file's path inside the province folder, one of the habits seen in inboxes."""
    year, month = parse_period(period)
    full = f"{kind.capitalize()} {bare}"
    ascii_bare = strip_marks(bare)
    if code is None and pattern in (1, 3, 6):
        pattern = 0  # these name the file by its code, which an unknown unit does not have
    names = {
        0: f"BC T{month:02d}-{year} {strip_marks(kind)} {ascii_bare}.xlsx",
        1: f"{code}_bao_cao.xlsx",
        2: f"{full}/Bao cao thang {month}.xlsx",
        3: f"{code}_{ascii_bare.replace(' ', '_')}/Báo cáo tháng {month}-{year}.xlsx",
        4: f"Báo cáo ANTQ {full} tháng {month}.{year}.xlsx",
        5: f"{ascii_bare.replace(' ', '_')}_T{month}_{year}.xlsx",
        6: f"{code} - {full}.xlsx",
    }
    return names[pattern]


def province_file_name(province: Unit, layout: Layout, pattern: int, period: str) -> str:
    year, month = parse_period(period)
    ascii_name = strip_marks(province.bare_name)
    if layout == "form":
        names = (
            f"BC {ascii_name} T{month:02d}-{year}.xlsx",
            f"Bao cao Cong an tinh thang {month}.xlsx",
            f"00_Tong hop {full_name(province)} T{month:02d}.xlsx",
        )
    else:
        names = (
            f"Tong hop xa phuong T{month:02d}-{year}.xlsx",
            f"Biểu tổng hợp tháng {month} năm {year}.xlsx",
            f"{province.code}_tong_hop_{year}{month:02d}.xlsx",
        )
    return names[pattern % len(names)]


@dataclass(frozen=True)
class Identity:
    """How a form names its unit: agency line, code line, place and file-name parts."""

    unit_agency: str
    code_cells: tuple[CellValue, ...]
    place: str
    bare: str
    kind: str
    code: str | None


def form_identity(unit: Unit, style: FormStyle, rng: random.Random, fake: bool) -> Identity:
    """The unit's name as the clerk wrote it; a code is added when the name alone is
    not enough for the registry, and never for the fake unit of a unit-unknown mistake."""
    if fake:
        bare = fake_commune_name(rng)
        agency = f"Công an xã {bare}"
        return Identity(agency.upper() if style.upper_names else agency, (), bare, bare, "xã", None)
    agency = agency_line(unit, style.upper_names)
    if not identifies(agency, unit):
        agency = agency_line(unit, upper=False)
    code_style = style.code_style
    if code_style == "none" and not identifies(agency, unit):
        code_style = "text"
    cells = code_line(code_style, unit.code)
    return Identity(agency, cells, unit.bare_name, unit.bare_name, type_word(unit), unit.code)


def parent_agency(unit: Unit, upper: bool) -> str:
    if unit.level == "province":
        return "BỘ CÔNG AN" if upper else "Bộ Công an"
    return agency_line(registry_of(unit).provinces[unit.province_code], upper)


def signers(unit: Unit) -> tuple[str, str]:
    if unit.level == "province":
        return ("NGƯỜI LẬP BIỂU", "KT. GIÁM ĐỐC - PHÓ GIÁM ĐỐC")
    return ("NGƯỜI LẬP BIỂU", f"TRƯỞNG CÔNG AN {type_word(unit).upper()}")


@dataclass(frozen=True)
class FormDraft:
    """A form ready to write, with what the truth needs to know about it."""

    sheet: FormSheet
    indicators: tuple[Indicator, ...]
    injected: Injected
    identity: Identity
    written_period: str
    file_pattern: int
    at: datetime


def draft_form(
    job: _Job, unit: Unit, values: Mapping[str, Value], mistake: MistakeKind | None
) -> FormDraft:
    """The unit's form in its clerk's template, with the planned mistake put in."""
    plan = job.plan
    style = form_style(unit.code, plan.seed)
    detail = job.rng(unit.code, plan.period, "mistake-detail")
    footer = job.rng(unit.code, plan.period, "footer")
    written_period = previous_period(plan.period) if mistake == "period-mismatch" else plan.period
    year, month = parse_period(written_period)
    indicators = reported_indicators(unit.level, job.month)
    cells = {ind.code: form_cell(ind, values[ind.code], style) for ind in indicators}
    injected = Injected(cells, (), frozenset())
    if mistake in VALUE_MISTAKES:
        injected = inject_value_mistake(
            mistake, indicators, values, cells, detail, unit.level, job.month
        )
    identity = form_identity(unit, style, detail, fake=mistake == "unit-unknown")
    at = received_at(job, unit.code)
    sheet = FormSheet(
        sheet_name=style.sheet_style.format(m=month, y=year),
        parent_agency=parent_agency(unit, style.upper_names),
        unit_agency=identity.unit_agency,
        code_line=identity.code_cells,
        period_line=period_line(style.period_style, written_period),
        header=tuple(text.format(m=month) for text in style.header),
        rows=form_rows(indicators, injected.cells, style),
        date_line=date_line(identity.place, max(1, at.day - footer.randint(0, 2)), written_period),
        signers=signers(unit),
        signer_names=(footer.choice(PEOPLE), footer.choice(PEOPLE)),
        header_row=style.header_row,
        first_col=style.first_col,
        blank_rows_after=style.blank_rows_after,
        help_sheet=style.help_sheet,
    )
    return FormDraft(sheet, indicators, injected, identity, written_period, style.file_pattern, at)


def form_file_name(unit: Unit, draft: FormDraft) -> str:
    if unit.level == "province":
        return province_file_name(unit, "form", draft.file_pattern, draft.written_period)
    who = draft.identity
    return commune_file_name(draft.file_pattern, who.bare, who.kind, who.code, draft.written_period)


def emit_form(
    job: _Job,
    unit: Unit,
    values: Mapping[str, Value],
    mistake: MistakeKind | None,
    planted: tuple[tuple[str, str], ...] = (),
) -> bool:
    """Write one unit's vertical form and its truth rows; True when the file is accepted."""
    draft = draft_form(job, unit, values, mistake)
    wb, positions = write_form(draft.sheet)
    original_path = job.allocate(form_file_name(unit, draft))
    data = workbook_bytes(wb, draft.at, draft.sheet.signer_names[0])
    if mistake == "file-unreadable":
        data = data[: len(data) // 2]  # an upload cut in the middle
    sha256 = save_file(job, original_path, data, draft.at)
    # A reader learns nothing about the unit from these two: the truth does not either.
    known_unit = None if mistake in ("unit-unknown", "file-unreadable") else unit.code
    record_file(
        job, original_path, sha256, unit_code=known_unit, level=unit.level, layout="form",
        at=draft.at, mistake=mistake,
    )  # fmt: skip
    if mistake in FILE_MISTAKES:
        record_finding(job, original_path, str(mistake), known_unit)
        return False
    source = Source(original_path, draft.sheet.sheet_name)
    for code, rule in draft.injected.findings:
        record_cell_finding(job, source, rule, unit.code, code, positions[code])
    for code, rule in planted:  # a true outlier: the history rule must warn at its cell
        record_cell_finding(job, source, rule, unit.code, code, positions[code])
    for ind in draft.indicators:
        if ind.code not in draft.injected.held and draft.injected.cells[ind.code] is not None:
            record_fact(job, unit, ind.code, values[ind.code], source, positions[ind.code])
    return True


# ----- wide tables


@dataclass(frozen=True)
class TableStyle:
    """A province's table template: stable for the province from month to month."""

    header_row: int
    two_rows: bool
    code_style: str  # none | text | number
    name_style: str  # full | bare | abbreviated | upper
    stt_header: str
    code_header: str
    name_header: str
    total_label: str
    binary_words: bool
    period_style: str
    sheet_name: str
    file_pattern: int
    window_note: bool


def table_style(province_code: str, seed: int) -> TableStyle:
    rng = rng_for(seed, province_code, "table-style")
    return TableStyle(
        header_row=rng.randint(6, 8),
        two_rows=rng.random() < 0.65,
        code_style=rng.choices(("none", "text", "number"), (0.3, 0.4, 0.3))[0],
        name_style=rng.choice(("full", "bare", "abbreviated", "upper")),
        stt_header=rng.choice(("STT", "TT")),
        code_header=rng.choice(("Mã xã", "Mã ĐVHC", "Mã đơn vị")),
        name_header=rng.choice(("Tên xã, phường", "Đơn vị", "Xã, phường, đặc khu", "Tên đơn vị")),
        total_label=rng.choice(("Tổng cộng", "Cộng", "Toàn tỉnh")),
        binary_words=rng.random() < 0.5,
        period_style=rng.choice(PERIOD_STYLES),
        sheet_name=rng.choice(("Tong hop", "Sheet1", "Biểu tổng hợp", "TH xa phuong")),
        file_pattern=rng.randint(0, 2),
        window_note=rng.random() < 0.3,
    )


def indicator_groups(codes: Sequence[str]) -> list[list[str]]:
    """Indicators tied by a consistency rule, in catalog order: they sit side by side
    under one merged header, the way "Mô hình" spans its parts in real tables."""
    parent = {code: code for code in codes}

    def root(code: str) -> str:
        while parent[code] != code:
            code = parent[code]
        return code

    for rule in catalog().consistency:
        present = [code for code in rule.indicators if code in parent]
        for other in present[1:]:
            parent[root(other)] = root(present[0])
    groups: dict[str, list[str]] = {}
    for code in codes:
        groups.setdefault(root(code), []).append(code)
    return list(groups.values())


def group_prefixes(members: Sequence[str]) -> list[tuple[str, dict[str, str]]]:
    """Word prefixes shared by a wording of two or more members, each with the rest of
    every covered member's wording: group header + sub-header = a catalog wording."""
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for code in members:
        ind = catalog().indicator(code)
        for text in (ind.label, *ind.synonyms):
            words = text.split()
            for k in range(2, len(words)):  # a one-word header ("Số") says nothing
                if words[k - 1].lower() in _BOUND_SYLLABLES:
                    continue
                head = " ".join(words[:k]).rstrip(",:;")
                rest = " ".join(words[k:])
                entry = found.setdefault(fold(head), (head, {}))
                entry[1].setdefault(code, rest[0].upper() + rest[1:])
    shared = {key: entry for key, entry in found.items() if len(entry[1]) >= 2}
    # "Khu dân" is a cut in the middle of "Khu dân cư": drop a prefix that one more word
    # extends without losing any member.
    return [
        entry
        for key, entry in shared.items()
        if not any(
            other.startswith(key + " ") and set(longer[1]) == set(entry[1])
            for other, longer in shared.items()
        )
    ]


def table_columns(indicators: Sequence[Indicator], rng: random.Random) -> list[TableColumn]:
    """Indicator columns in a province's order: groups shuffled, some under merged headers."""
    groups = indicator_groups([ind.code for ind in indicators])
    rng.shuffle(groups)
    columns: list[TableColumn] = []
    for group_id, members in enumerate(groups):
        prefixes = group_prefixes(members) if len(members) > 1 else []
        if prefixes and rng.random() < 0.8:
            head, rests = rng.choices(prefixes, [len(p[1]) ** 2 for p in prefixes])[0]
            covered = [code for code in members if code in rests]
            columns += [TableColumn(code, rests[code], head, group_id) for code in covered]
            members = [code for code in members if code not in rests]
        for code in members:
            columns.append(TableColumn(code, label_variant(catalog().indicator(code), rng)))
    return columns


def flat_columns(columns: Sequence[TableColumn], rng: random.Random) -> list[TableColumn]:
    """One header row: every column carries a whole wording."""
    return [
        c
        if c.group is None
        else TableColumn(c.code, label_variant(catalog().indicator(c.code), rng))
        for c in columns
    ]


def table_name(unit: Unit, style: str) -> str:
    kind = type_word(unit)
    names = {
        "full": unit.name,
        "bare": unit.bare_name,
        "abbreviated": f"{TYPE_ABBREVIATIONS.get(kind, kind)} {unit.bare_name}",
        "upper": unit.name.upper(),
    }
    for candidate in (names[style], unit.name):
        if identifies(candidate, unit):
            return candidate
    return unit.name


def table_cell(ind: Indicator, value: Value, style: TableStyle) -> CellValue:
    if isinstance(value, str):
        return value
    if ind.value_type == "binary" and style.binary_words:
        return "Đạt" if value else "Chưa đạt"
    return int(value)


def typo(value: int, rng: random.Random) -> int:
    """A realistic slip of the keyboard that still gives a non-negative number."""
    options = [value + rng.randint(1, 3), value * 10 + rng.randint(0, 9)]
    if value >= 10:
        options += [
            value // 10,
            int(str(value)[::-1]) if str(value)[::-1] != str(value) else value + 1,
        ]
    if value >= 3:
        options.append(value - rng.randint(1, 2))
    choice = rng.choice([o for o in options if o != value and o >= 0])
    return choice


@dataclass
class _TableRows:
    """The numbers written in a table's commune rows, with the injected differences."""

    written: dict[str, dict[str, Value]]
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (unit, indicator)
    negatives: list[tuple[str, str]] = field(default_factory=list)


def table_numbers(
    job: _Job,
    listed: Sequence[CommunePlan],
    values: Mapping[str, Mapping[str, Value]],
    accepted: set[str],
    codes: Sequence[str],
) -> _TableRows:
    """Rows as written: true values, a typo where a commune's own form will win, and a
    negative where nothing else stands in for the value (SPEC §5 precedence)."""
    rows = _TableRows({c.unit.code: dict(values[c.unit.code]) for c in listed})
    free = [
        code
        for code in codes
        if code in rule_free_codes()
        and catalog().indicator(code).value_type == "integer"
        and "commune" in catalog().indicator(code).levels
    ]
    for commune in listed:
        unit = commune.unit.code
        rng = job.rng(unit, job.plan.period, "table-detail")
        if commune.table_typo and unit in accepted:
            code = rng.choice(free)
            rows.written[unit][code] = float(typo(int(float(values[unit][code])), rng))
            rows.warnings.append((unit, code))
    sums = {code: sum(float(r[code]) for r in rows.written.values()) for code in free}
    for commune in listed:
        unit = commune.unit.code
        if not commune.table_negative:
            continue
        rng = job.rng(unit, job.plan.period, "table-negative")
        row = rows.written[unit]
        # Keep the column total non-negative: the total row is the province's own figure.
        fits = [c for c in free if sums[c] - float(row[c]) - max(float(row[c]), 1.0) >= 0]
        if fits:
            code = rng.choice(fits)
            negative = -max(float(row[code]), 1.0)
            sums[code] += negative - float(row[code])
            row[code] = negative
            rows.negatives.append((unit, code))
    return rows


def table_indicators(month: int) -> tuple[Indicator, ...]:
    """Columns of a province table: what communes report, and the province's own figures."""
    levels: tuple[Level, ...] = ("commune", "province")
    codes = {ind.code for level in levels for ind in reported_indicators(level, month)}
    return tuple(ind for ind in catalog().indicators if ind.code in codes)


def commune_rows(
    listed: Sequence[CommunePlan],
    rows: _TableRows,
    indicators: Sequence[Indicator],
    style: TableStyle,
) -> list[TableRow]:
    communal = [ind for ind in indicators if "commune" in ind.levels]
    return [
        TableRow(
            key=c.unit.code,
            stt=n,
            code_cell=int(c.unit.code) if style.code_style == "number" else c.unit.code,
            name=table_name(c.unit, style.name_style),
            values={
                ind.code: table_cell(ind, rows.written[c.unit.code][ind.code], style)
                for ind in communal
            },
        )
        for n, c in enumerate(listed, start=1)
    ]


def total_row(
    totals: Mapping[str, Value], indicators: Sequence[Indicator], style: TableStyle
) -> TableRow:
    cells = {
        ind.code: table_cell(ind, totals[ind.code], style)
        for ind in indicators
        if ind.code in totals
    }
    return TableRow(TOTAL_KEY, None, None, style.total_label, cells)


def table_notes(style: TableStyle, period: str) -> tuple[str, ...]:
    year, month = parse_period(period)
    note = "Ghi chú: Số liệu do Công an các xã, phường báo cáo."
    if style.window_note:
        note += f" Số liệu tính từ ngày 15/{month - 1 or 12:02d} đến ngày 14/{month:02d}/{year}."
    return (note,)


@dataclass(frozen=True)
class TableDraft:
    """A province table ready to write, with what the truth needs to know about it."""

    sheet: TableSheet
    listed: tuple[CommunePlan, ...]
    rows: _TableRows
    totals: Mapping[str, Value]
    indicators: tuple[Indicator, ...]
    file_pattern: int
    at: datetime


def draft_table(
    job: _Job, values: Mapping[str, Mapping[str, Value]], accepted: set[str]
) -> TableDraft:
    """The province's table in its template: a row per listed commune, then the total
    row, which is the sum of the rows as written (what Excel's SUM gives the clerk)."""
    plan = job.plan
    style = table_style(plan.province.code, plan.seed)
    indicators = table_indicators(job.month)
    listed = tuple(c for c in plan.communes if c.in_table)
    rows = table_numbers(job, listed, values, accepted, [ind.code for ind in indicators])
    totals = province_values(
        plan.province, rows.written.values(), plan.period, plan.seed, plan.evolve
    )
    column_rng = job.rng(plan.province.code, "table-columns")
    columns = table_columns(indicators, column_rng)
    if not style.two_rows:
        columns = flat_columns(columns, column_rng)
    body = commune_rows(listed, rows, indicators, style)
    names_enough = all(identifies(row.name, c.unit) for row, c in zip(body, listed, strict=True))
    at = received_at(job, plan.province.code)
    sheet = TableSheet(
        sheet_name=style.sheet_name,
        agency=agency_line(plan.province, upper=True),
        title=f"{TABLE_TITLE} - {full_name(plan.province).upper()}",
        period_line=period_line(style.period_style, plan.period),
        header_row=style.header_row,
        two_rows=style.two_rows,
        stt_header=style.stt_header,
        code_header=style.code_header if style.code_style != "none" or not names_enough else None,
        name_header=style.name_header,
        columns=tuple(columns),
        rows=(*body, total_row(totals, indicators, style)),
        notes=table_notes(style, plan.period),
        date_line=date_line(plan.province.bare_name, at.day, plan.period),
        signers=signers(plan.province),
    )
    return TableDraft(sheet, listed, rows, totals, indicators, style.file_pattern, at)


def emit_table(job: _Job, values: Mapping[str, Mapping[str, Value]], accepted: set[str]) -> None:
    """Write the province's wide table and its truth rows."""
    plan = job.plan
    draft = draft_table(job, values, accepted)
    wb, positions = write_table(draft.sheet)
    name = province_file_name(plan.province, "table", draft.file_pattern, plan.period)
    original_path = job.allocate(name)
    sha256 = save_file(job, original_path, workbook_bytes(wb, draft.at, "Phòng PV05"), draft.at)
    record_file(
        job, original_path, sha256, unit_code=None, level="province", layout="table", at=draft.at
    )
    source = Source(original_path, draft.sheet.sheet_name)
    for unit, code in draft.rows.warnings:
        record_cell_finding(job, source, "commune-file-differs", unit, code, positions[unit][code])
    for unit, code in draft.rows.negatives:
        record_cell_finding(job, source, "negative-value", unit, code, positions[unit][code])
    held = set(draft.rows.negatives)
    for commune in draft.listed:
        unit = commune.unit.code
        if unit in accepted:
            continue  # its own form wins
        for ind in draft.indicators:
            if "commune" in ind.levels and (unit, ind.code) not in held:
                value = draft.rows.written[unit][ind.code]
                record_fact(job, commune.unit, ind.code, value, source, positions[unit][ind.code])
    for code, value in draft.totals.items():
        record_fact(job, plan.province, code, value, source, positions[TOTAL_KEY][code])


def build_province(plan: ProvincePlan) -> _Output:
    """Write one province folder and return its truth rows (runs in a worker process)."""
    job = _Job(plan)
    values = {
        c.unit.code: commune_values(c.unit, plan.period, plan.seed, plan.evolve)
        for c in plan.communes
    }
    planted = {
        c.unit.code: plant(values[c.unit.code], c.planted) for c in plan.communes if c.planted
    }
    accepted = {
        c.unit.code
        for c in plan.communes
        if c.own_form
        and emit_form(job, c.unit, values[c.unit.code], c.mistake, planted.get(c.unit.code, ()))
    }
    if plan.mode == "forms":
        totals = province_values(
            plan.province, values.values(), plan.period, plan.seed, plan.evolve
        )
        emit_form(job, plan.province, totals, None)
    else:
        emit_table(job, values, accepted)
    return job.out


# --------------------------------------------------------------------------- orchestration


def clear_previous_sample(root: Path, period: str) -> None:
    """Remove an earlier sample of this month; refuse to touch an inbox we did not make."""
    inbox, truth = inbox_dir(root, period), truth_dir(root, period)
    if inbox.exists() and any(inbox.iterdir()):
        if not (truth / "files.parquet").exists():
            raise FileExistsError(f"{inbox} holds files that are not a generated sample")
        shutil.rmtree(inbox)
    if truth.exists():
        shutil.rmtree(truth)


def _run(plans: Sequence[ProvincePlan], workers: int) -> list[_Output]:
    if workers <= 1 or len(plans) <= 1:
        return [build_province(plan) for plan in plans]
    registry()  # load once in the parent so forked workers inherit it
    registry_for_period(plans[0].period)
    _folded_commune_names()
    biggest_first = sorted(range(len(plans)), key=lambda i: -len(plans[i].communes))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        outputs = list(pool.map(build_province, [plans[i] for i in biggest_first]))
    by_index = dict(zip(biggest_first, outputs, strict=True))
    return [by_index[i] for i in range(len(plans))]


def collect_truth(
    period: str, outputs: Sequence[_Output], file_columns: Mapping[str, object] = FILE_COLUMNS
) -> SampleTruth:
    """The truth of a month from its provinces' outputs (anything with facts, findings
    and files rows), in a stable order."""
    facts = truth_frame([row for out in outputs for row in out.facts], FACT_COLUMNS)
    findings = truth_frame([row for out in outputs for row in out.findings], FINDING_COLUMNS)
    files = truth_frame([row for out in outputs for row in out.files], file_columns)
    return SampleTruth(
        period=period,
        facts=facts.sort_values(
            ["province_code", "unit_level", "unit_code", "indicator"], ignore_index=True
        ),
        findings=findings.sort_values(
            ["original_path", "cell", "rule"], ignore_index=True, na_position="first"
        ),
        files=files.sort_values("original_path", ignore_index=True),
    )


def generate_month(
    root: Path,
    period: str = "2026-10",
    seed: int = 2026,
    provinces: Sequence[str] | None = None,
    max_communes: int | None = None,
    mistakes: bool = True,
    workers: int = 2,
    everyone: bool = False,
    evolve: bool = False,
    plant: bool = False,
) -> SampleTruth:
    """Write a month's inbox under `root/inbox/<period>` and its truth under
    `root/truth/<period>`; return the truth.

    `provinces` and `max_communes` shrink the sample for fast tests without changing any
    unit's values. With `mistakes=False` the month is clean: no findings expected at all
    (no injected mistakes, no table typos, no table negatives).
    """
    parse_period(period)
    root = Path(root)
    clear_previous_sample(root, period)
    plans = plan_month(
        root, period, seed, provinces, max_communes, mistakes, everyone, evolve, plant
    )
    truth = collect_truth(period, _run(plans, workers))
    truth.write(root)
    return truth


def series_periods(last: str, months: int) -> list[str]:
    """The `months` months that end with `last`, oldest first."""
    year, month = parse_period(last)
    index = year * 12 + month - 1
    return [f"{i // 12}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def generate_series(
    root: Path,
    last: str = "2026-10",
    months: int = 12,
    seed: int = 2026,
    provinces: Sequence[str] | None = None,
    max_communes: int | None = None,
    mistakes: bool = True,
    workers: int = 2,
    plant: bool = True,
) -> list[SampleTruth]:
    """A run of months ending with `last`, whose values evolve like a real movement's
    (`evolution`): one inbox folder and one truth per month. Months before July 2025
    are written on the units of their day (63 provinces; `provinces` names the 2025
    ones, whose old provinces are written). With `plant`, a month with enough of the
    series behind it has one true outlier (`PLANTED`), with its warning in the truth."""
    periods = series_periods(last, months)
    return [
        generate_month(
            root,
            period,
            seed,
            provinces,
            max_communes,
            mistakes,
            workers,
            evolve=True,
            plant=plant and _same_units_before(periods, period) >= PLANT_AFTER,
        )  # fmt: skip
        for period in periods
    ]


# A true outlier is planted once a commune has this many months of the series on the same
# units behind it: the flow rule needs 6 of its last 12, a rejected file may take one.
PLANT_AFTER = 8


def _same_units_before(periods: Sequence[str], period: str) -> int:
    from antq.config import is_legacy

    return sum(1 for p in periods if p < period and is_legacy(p) == is_legacy(period))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m antq.sample.generate",
        description="Write a sample month of ANTQ submissions and its ground truth.",
    )
    parser.add_argument("--root", type=Path, required=True, help="folder for inbox/ and truth/")
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--provinces", help="comma-separated province codes, e.g. 01,15")
    parser.add_argument("--max-communes", type=int, help="only the first N communes per province")
    parser.add_argument("--no-mistakes", action="store_true", help="a clean month")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--everyone",
        action="store_true",
        help="every commune sends its own form and every province its report (3,355 files)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    truth = generate_month(
        args.root,
        period=args.period,
        seed=args.seed,
        provinces=args.provinces.split(",") if args.provinces else None,
        max_communes=args.max_communes,
        mistakes=not args.no_mistakes,
        workers=args.workers,
        everyone=args.everyone,
    )
    elapsed = time.perf_counter() - started
    print(f"{truth.summary()} in {elapsed:.1f} s -> {args.root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
