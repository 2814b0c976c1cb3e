"""The units before the July 2025 reform (SPEC §2) and their 2025 successors.

Months before 2025-07 were reported by 63 provinces and about 10,000 communes (xã,
phường, thị trấn under some 700 districts). Their registry and the map of each old
commune to the new one it became come from the PyPI package `vietnamadminunits`: its
`admin_units_legacy` table (names and national statistical codes of the old units) and
its 2025 conversion tables, which keep apart the old communes that went whole into one
new commune from those split between several.

A split commune's successor is ambiguous: its figures cannot be given to any one new
commune, so it gets none, and the crosswalk says so (`status = "ambiguous"`, with the
candidates). Its province is never in doubt: the reform merged whole provinces.

The new communes are taken from our 2025 registry (`vietnam-provinces`) by name within
their province, not by the package's codes: the two packages number about a hundred
communes differently, and the registry the pipeline reads files against decides.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from antq.schemas.registry import LEGACY, Registry, Unit, registry

SuccessorStatus = Literal["certain", "ambiguous", "unmapped"]

SUCCESSOR_STATUS_VI: dict[str, str] = {
    "certain": "một đơn vị kế thừa",
    "ambiguous": "chia cho nhiều đơn vị",
    "unmapped": "chưa xác định",
}


@dataclass(frozen=True)
class Successor:
    """What a pre-reform unit became on 1 July 2025."""

    legacy: Unit
    status: SuccessorStatus
    province_code: str | None  # the 2025 province (whole provinces merged)
    unit: Unit | None = None  # the 2025 commune, when certain (a province: its 2025 province)
    candidates: tuple[Unit, ...] = ()  # a split commune's new communes

    @property
    def certain(self) -> bool:
        return self.status == "certain"


def _province_unit(code: str, full_name: str) -> Unit:
    if full_name.startswith("Tỉnh "):
        return Unit(code, full_name[len("Tỉnh ") :], "province", code, "tỉnh", LEGACY)
    return Unit(code, full_name, "province", code, "thành phố trung ương", LEGACY)


@lru_cache(maxsize=1)
def _legacy_rows() -> tuple[dict, ...]:
    from vietnamadminunits.database import get_data

    fields = [
        "provinceCode", "province", "provinceKey", "district", "districtKey",
        "ward", "wardCode", "wardType", "wardKey",
    ]  # fmt: skip
    return tuple(get_data(fields, "admin_units_legacy"))  # read once: registry and successors


@lru_cache(maxsize=1)
def legacy_registry() -> Registry:
    """The 63 provinces and their communes as they were until 30 June 2025."""
    rows = _legacy_rows()
    provinces = {r["provinceCode"]: _province_unit(r["provinceCode"], r["province"]) for r in rows}
    communes = [
        Unit(
            code=r["wardCode"],
            name=r["ward"],
            level="commune",
            province_code=r["provinceCode"],
            division_type=r["wardType"].lower(),
            registry=LEGACY,
            district=r["district"],
        )
        for r in rows
        if r["wardCode"]  # island districts without communes report as districts
    ]
    return Registry(list(provinces.values()), communes, edition=LEGACY)


def _new_units() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The package's 2025 province codes by key, and ward names by (province, ward) key."""
    from vietnamadminunits.database import get_data

    rows = get_data(["provinceCode", "provinceKey", "ward", "wardKey"], "admin_units")
    provinces = {r["provinceKey"]: r["provinceCode"] for r in rows}
    wards = {(r["provinceKey"], r["wardKey"]): r["ward"] for r in rows}
    return provinces, wards


@lru_cache(maxsize=1)
def successors() -> dict[str, Successor]:
    """Every pre-reform unit (commune codes and province codes both, as keys
    `"commune:<code>"` and `"province:<code>"`) with what it became."""
    from vietnamadminunits.converter import converter_2025 as conversion

    legacy, current = legacy_registry(), registry()
    new_province_code, new_ward_name = _new_units()
    province_of_old: dict[str, str] = {}
    for new_key, old_keys in conversion.DICT_PROVINCE.items():
        for old_key in old_keys:
            province_of_old[old_key] = new_province_code[new_key]
    whole: dict[str, tuple[str, str]] = {}
    for new_province, wards in conversion.DICT_PROVINCE_WARD_NO_DIVIDED.items():
        for new_ward, old_keys in wards.items():
            for old_key in old_keys:
                whole[old_key] = (new_province, new_ward)
    split: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for new_province, olds in conversion.DICT_PROVINCE_WARD_DIVIDED.items():
        for old_key, parts in olds.items():
            split[old_key] += [(new_province, part["newWardKey"]) for part in parts]

    def commune(key: tuple[str, str]) -> Unit | None:
        name = new_ward_name.get(key)
        if name is None:
            return None
        match = current.match_commune(name, new_province_code[key[0]])
        return match.unit if match.status == "ok" else None

    found: dict[str, Successor] = {}
    for r in _legacy_rows():
        province = province_of_old.get(r["provinceKey"])
        old_province = legacy.provinces[r["provinceCode"]]
        found[f"province:{old_province.code}"] = Successor(
            old_province,
            "certain" if province else "unmapped",
            province,
            current.provinces.get(province or ""),
        )
        if not r["wardCode"]:
            continue
        unit = legacy.communes[r["wardCode"]]
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        if key in whole:
            new = commune(whole[key])
            status: SuccessorStatus = "certain" if new else "unmapped"
            found[f"commune:{unit.code}"] = Successor(unit, status, province, new)
        elif key in split:
            parts = tuple(dict.fromkeys(c for c in map(commune, split[key]) if c))
            found[f"commune:{unit.code}"] = Successor(unit, "ambiguous", province, None, parts)
        else:
            found[f"commune:{unit.code}"] = Successor(unit, "unmapped", province)
    return found


@lru_cache(maxsize=1)
def legacy_by_successor() -> Registry:
    """The 2025 provinces, each with the old communes that went into it: what the
    ministry's tables and pages of a month before the reform are made on."""
    found = successors()
    communes = [
        replace(s.legacy, province_code=s.province_code)
        for key, s in found.items()
        if key.startswith("commune:") and s.province_code
    ]
    return Registry(list(registry().provinces.values()), communes, edition=LEGACY)


def successor_province(level: str, code: str | None) -> str | None:
    """The 2025 province of an old unit (a province, or a commune), by its code."""
    found = successors().get(f"{level}:{code}")
    return found.province_code if found else None


def successor(unit: Unit) -> Successor:
    """What a pre-reform province or commune became."""
    return successors()[f"{unit.level}:{unit.code}"]


__all__ = [
    "SUCCESSOR_STATUS_VI",
    "Successor",
    "SuccessorStatus",
    "legacy_by_successor",
    "legacy_registry",
    "successor",
    "successor_province",
    "successors",
]
