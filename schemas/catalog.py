"""Load the indicator catalog and the rule book (catalog.yaml, rules.yaml) into objects.

This is the only loader: stages ask the catalog what an indicator is, they never name one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

Kind = Literal["flow", "stock"]
ValueType = Literal["integer", "vnd", "binary", "category"]
Level = Literal["commune", "province"]
Severity = Literal["error", "warning"]
# The one vocabulary of severities: what a commune officer reads for each.
SEVERITY_VI: dict[str, str] = {"error": "Lỗi", "warning": "Cảnh báo"}
Scope = Literal["file", "value"]
Check = Literal["sum_equals", "not_greater", "zero_when_zero", "ratio_at_most"]

_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    synonyms: tuple[str, ...]
    unit_label: str
    kind: Kind
    value_type: ValueType
    levels: tuple[Level, ...]
    required: bool
    section: str
    categories: tuple[str, ...] = ()
    required_months: tuple[int, ...] = ()
    excluded_words: tuple[str, ...] = ()

    def is_required(self, level: Level, month: int) -> bool:
        if level not in self.levels:
            return False
        if self.required_months:
            return month in self.required_months
        return self.required

    @property
    def province_only(self) -> bool:
        return self.levels == ("province",)

    @property
    def is_count(self) -> bool:
        """Counted quantities (not 0/1 flags nor categories): what history checks judge."""
        return self.value_type in ("integer", "vnd")


@dataclass(frozen=True)
class ConsistencyRule:
    """A rule between indicators of one report, e.g. nguon_tin_co_gia_tri <= nguon_tin."""

    rule: str
    check: Check
    value: str
    parts: tuple[str, ...] = ()
    limit: str | None = None
    base: str | None = None
    max: float | None = None

    @property
    def indicators(self) -> tuple[str, ...]:
        others = [code for code in (self.limit, self.base) if code]
        return (self.value, *self.parts, *others)

    def holds(self, values: Mapping[str, float]) -> bool | None:
        """Whether one report's figures keep the rule; None when a figure it needs is
        not there. (The validate stage checks the same through Great Expectations; the
        reader uses this to test a reading of a file before it trusts it.)"""
        if any(code not in values for code in self.indicators):
            return None
        value = values[self.value]
        if self.check == "sum_equals":
            return value == sum(values[p] for p in self.parts)
        if self.check == "not_greater":
            return value <= values[self.limit or ""]
        base = values[self.base or ""]
        if self.check == "zero_when_zero":
            return base != 0 or value == 0
        return base == 0 or value / base <= (self.max or 0)


@dataclass(frozen=True)
class Derived:
    code: str
    label: str
    numerator: str
    denominator: str
    target: float | None = None
    percent: bool = True  # a share (shown as %), or an average per unit (a number)


@dataclass(frozen=True)
class History:
    months: int
    stock_drop_rule: str
    max_drop: float
    flow_outlier_rule: str
    max_z: float
    min_months: int


@dataclass(frozen=True)
class RuleDef:
    id: str
    title: str
    family: str
    severity: Severity
    scope: Scope
    message: str
    fix: str


@dataclass(frozen=True)
class Group:
    """Indicators a report prints under one group header ("Mô hình tự quản về ANTT" over
    "Tổng số | Khu dân cư | Cơ quan | ..."): `names` are ways the group header is written,
    `members` the short sub-headers that name each indicator inside the group. Alone,
    "Khu dân cư" or "Tổng số" is ambiguous; under its group it is not."""

    id: str
    names: tuple[str, ...]
    members: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Catalog:
    version: int
    sections: dict[str, str]
    indicators: tuple[Indicator, ...]
    consistency: tuple[ConsistencyRule, ...]
    derived: tuple[Derived, ...]
    history: History
    rules: dict[str, RuleDef] = field(repr=False)
    groups: tuple[Group, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {ind.code: ind for ind in self.indicators})
        # Indicators that count a part of a whole: "27/27" in their cell means 27 (of 27).
        parts = frozenset(r.value for r in self.consistency if r.check == "not_greater")
        object.__setattr__(self, "part_codes", parts)

    def indicator(self, code: str) -> Indicator:
        return self._by_code[code]  # type: ignore[attr-defined]

    def has(self, code: str) -> bool:
        return code in self._by_code  # type: ignore[attr-defined]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(ind.code for ind in self.indicators)

    def for_level(self, level: Level) -> tuple[Indicator, ...]:
        return tuple(ind for ind in self.indicators if level in ind.levels)

    def label(self, code: str) -> str:
        if self.has(code):
            return self.indicator(code).label
        return next(d.label for d in self.derived if d.code == code)

    def rule(self, rule_id: str) -> RuleDef:
        return self.rules[rule_id]


def _indicator(raw: dict) -> Indicator:
    return Indicator(
        code=raw["code"],
        label=raw["label"],
        synonyms=tuple(raw.get("synonyms", ())),
        unit_label=raw.get("unit_label", ""),
        kind=raw["kind"],
        value_type=raw["value_type"],
        levels=tuple(raw["levels"]),
        required=bool(raw.get("required", False)),
        section=str(raw.get("section", "")),
        categories=tuple(raw.get("categories", ())),
        required_months=tuple(raw.get("required_months", ())),
        excluded_words=tuple(raw.get("excluded_words", ())),
    )


def _consistency(raw: dict) -> ConsistencyRule:
    return ConsistencyRule(
        rule=raw["rule"],
        check=raw["check"],
        value=raw["value"],
        parts=tuple(raw.get("parts", ())),
        limit=raw.get("limit"),
        base=raw.get("base"),
        max=raw.get("max"),
    )


def _history(raw: dict) -> History:
    return History(
        months=int(raw["months"]),
        stock_drop_rule=raw["stock_drop"]["rule"],
        max_drop=float(raw["stock_drop"]["max_drop"]),
        flow_outlier_rule=raw["flow_outlier"]["rule"],
        max_z=float(raw["flow_outlier"]["max_z"]),
        min_months=int(raw["flow_outlier"]["min_months"]),
    )


def _check_references(catalog: Catalog) -> None:
    """Fail at load time, not in the middle of a month, when the YAML names a code twice or
    a rule names an indicator or rule id that does not exist."""
    codes = [ind.code for ind in catalog.indicators]
    duplicates = {code for code in codes if codes.count(code) > 1}
    if duplicates:
        raise ValueError(f"catalog.yaml: duplicate indicator codes {sorted(duplicates)}")
    for rule in catalog.consistency:
        unknown = [code for code in rule.indicators if not catalog.has(code)]
        if unknown or rule.rule not in catalog.rules:
            raise ValueError(f"catalog.yaml: rule {rule} names unknown {unknown or rule.rule}")
    for rule_id in (catalog.history.stock_drop_rule, catalog.history.flow_outlier_rule):
        if rule_id not in catalog.rules:
            raise ValueError(f"catalog.yaml: history names unknown rule {rule_id}")
    for group in catalog.groups:
        unknown = [code for code in group.members if not catalog.has(code)]
        if unknown or not group.names:
            raise ValueError(f"catalog.yaml: group {group.id} names unknown {unknown} or no names")
    for ind in catalog.indicators:
        if ind.value_type == "category" and not ind.categories:
            raise ValueError(f"catalog.yaml: category indicator {ind.code} has no categories")


def _with_taught(raw: dict, taught_path: Path | None) -> dict:
    """The catalog with the labels the data team taught (antq/labels.py): a label as a
    synonym of its indicator, or, taught under a group, as a sub-header of that group."""
    from antq.labels import load_taught

    taught = load_taught(taught_path)
    if not taught:
        return raw
    by_code = {item["code"]: item for item in raw["indicators"]}
    groups = raw.get("groups") or {}
    for entry in taught:
        if entry.group is None and entry.indicator in by_code:
            item = by_code[entry.indicator]
            item["synonyms"] = [*item.get("synonyms", ()), entry.label]
        elif entry.group in groups and entry.indicator in groups[entry.group]["members"]:
            members = groups[entry.group]["members"]
            members[entry.indicator] = [*members[entry.indicator], entry.label]
    return raw


def load_catalog(
    catalog_path: Path | None = None,
    rules_path: Path | None = None,
    taught_path: Path | None = None,
) -> Catalog:
    raw = yaml.safe_load((catalog_path or _HERE / "catalog.yaml").read_text(encoding="utf-8"))
    raw = _with_taught(raw, taught_path)
    raw_rules = yaml.safe_load((rules_path or _HERE / "rules.yaml").read_text(encoding="utf-8"))
    rules = {rid: RuleDef(id=rid, **spec) for rid, spec in raw_rules["rules"].items()}
    catalog = Catalog(
        version=int(raw["version"]),
        sections={str(k): v for k, v in raw.get("sections", {}).items()},
        indicators=tuple(_indicator(item) for item in raw["indicators"]),
        consistency=tuple(_consistency(item) for item in raw.get("consistency", ())),
        derived=tuple(Derived(**item) for item in raw.get("derived", ())),
        history=_history(raw["history"]),
        rules=rules,
        groups=tuple(
            Group(
                id=gid,
                names=tuple(spec["names"]),
                members={code: tuple(words) for code, words in spec["members"].items()},
            )
            for gid, spec in (raw.get("groups") or {}).items()
        ),
    )
    _check_references(catalog)
    return catalog


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The packaged catalog, loaded once per process."""
    return load_catalog()
