"""The unit registry (SPEC §2): 34 provinces and 3,321 communes from `vietnam-provinces`.

Codes are the national statistical codes as zero-padded strings ("01", "00070"). Names in
files are messy ("P. Hoàn Kiếm", "phuong hoan kiem", "CÔNG AN XÃ ..."): a name is matched
in tiers, from the strictest (with diacritics and division type) to the loosest (folded,
without type), and the first tier that finds anything decides. Two candidates in that tier
is an ambiguity to report, never a guess.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from vietnam_provinces import Province, Ward

from antq.text import fold, fold_keep_marks

UnitLevel = Literal["province", "commune"]
MatchStatus = Literal["ok", "unknown", "ambiguous"]

NATIONAL_CODE = "VN"
# Which registry a unit belongs to: the units since the July 2025 reform, or those before.
CURRENT = "2025"
LEGACY = "legacy"

# Words that come before a unit's own name in titles: "Công an xã", "UBND phường", ...
_AGENCY = r"(?:cong an|ca|uy ban nhan dan|ubnd|ban chi dao|bcd)"
_COMMUNE_TYPES = {
    "xa": "xã",
    "x": "xã",
    "phuong": "phường",
    "p": "phường",
    "dac khu": "đặc khu",
    "dk": "đặc khu",
    # before the July 2025 reform: a district's town
    "thi tran": "thị trấn",
    "tt": "thị trấn",
}
_PROVINCE_TYPES = {"tinh": "tỉnh", "thanh pho": "thành phố", "tp": "thành phố"}
_COMMUNE_PREFIX = re.compile(
    rf"^(?:{_AGENCY}\s+)?(?P<type>dac khu|thi tran|phuong|xa|dk|tt|p|x)\s+(?P<name>.+)$"
)
_PROVINCE_PREFIX = re.compile(rf"^(?:{_AGENCY}\s+)?(?P<type>tinh|thanh pho|tp)\s+(?P<name>.+)$")
_AGENCY_ONLY = re.compile(rf"^{_AGENCY}\s+(?P<name>.+)$")
# Short names people use for the big cities.
_PROVINCE_ALIASES = {"79": ("hcm", "tphcm", "tp hcm", "sai gon"), "01": ("hn", "tp hn")}


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    level: UnitLevel
    province_code: str
    division_type: str
    registry: str = CURRENT  # CURRENT or LEGACY: the same code names different units
    district: str = ""  # before the reform, the district a commune belonged to

    @property
    def display_name(self) -> str:
        """The name as a letter heading writes it: "Tỉnh Lào Cai", "Thành phố Hà Nội"."""
        if self.level == "province" and self.division_type == "tỉnh":
            return f"Tỉnh {self.name}"
        return self.name

    @property
    def bare_name(self) -> str:
        """The name without its division type: "Phường Hoàn Kiếm" -> "Hoàn Kiếm"."""
        for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ", "Thị trấn "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


@dataclass(frozen=True)
class UnitMatch:
    status: MatchStatus
    unit: Unit | None = None
    candidates: tuple[Unit, ...] = ()


@dataclass
class _NameIndex:
    """Name keys from strictest to loosest tier, each mapping to the units carrying it."""

    tiers: list[dict[str, list[Unit]]] = field(
        default_factory=lambda: [defaultdict(list) for _ in range(4)]
    )

    def add(self, unit: Unit, type_key: str, extra_bare: tuple[str, ...] = ()) -> None:
        bare = unit.bare_name
        self.tiers[0][f"{type_key}|{fold_keep_marks(bare)}"].append(unit)
        self.tiers[1][fold_keep_marks(bare)].append(unit)
        self.tiers[2][f"{type_key}|{fold(bare)}"].append(unit)
        for key in (fold(bare), *extra_bare):
            self.tiers[3][key].append(unit)

    def lookup(self, type_key: str | None, bare_raw: str, marks: bool = True) -> UnitMatch:
        """`marks`: the text was written with diacritics, so they are trusted. Written
        without any ("Cong an xa Thanh An"), "Thanh An" may be Thanh An or Thạnh An."""
        keys = [
            f"{type_key}|{fold_keep_marks(bare_raw)}" if type_key and marks else None,
            fold_keep_marks(bare_raw) if marks else None,
            f"{type_key}|{fold(bare_raw)}" if type_key else None,
            fold(bare_raw),
        ]
        for tier, key in zip(self.tiers, keys, strict=True):
            if key is None:
                continue
            found = tier.get(key, [])
            if type_key and tier in (self.tiers[1], self.tiers[3]):
                found = [u for u in found if _type_key(u) == type_key] or found
            unique = tuple(dict.fromkeys(found))
            if len(unique) == 1:
                return UnitMatch("ok", unique[0])
            if len(unique) > 1:
                return UnitMatch("ambiguous", None, unique)
        return UnitMatch("unknown")


def _best(matches: Iterable[UnitMatch]) -> UnitMatch:
    """The first sure match, else the first ambiguous one, else unknown."""
    found = list(matches)
    for status in ("ok", "ambiguous"):
        for match in found:
            if match.status == status:
                return match
    return UnitMatch("unknown")


def _type_key(unit: Unit) -> str:
    return fold(unit.division_type).replace("thanh pho trung uong", "thanh pho")


def split_commune_name(text: str) -> tuple[str | None, str]:
    """("xa", "Tân Thành") from "Công an xã Tân Thành"; (None, text) when no type is written."""
    folded = fold(text)
    match = _COMMUNE_PREFIX.match(folded)
    if not match:
        agency = _AGENCY_ONLY.match(folded)
        return None, _tail(text, len(agency.group("name"))) if agency else text.strip()
    type_key = fold(_COMMUNE_TYPES[match.group("type")])
    return type_key, _tail(text, len(match.group("name")))


def _tail(text: str, n_folded: int) -> str:
    """The last words of `text` that folded to `n_folded` characters (keeps diacritics)."""
    words = text.replace(".", ". ").split()
    for i in range(len(words)):
        candidate = " ".join(words[i:])
        if len(fold(candidate)) <= n_folded:
            return candidate
    return text.strip()


class Registry:
    """All units of one hierarchy (`edition`: the 2025 one, or the one before the
    reform) with code and name lookup."""

    def __init__(self, provinces: list[Unit], communes: list[Unit], edition: str = CURRENT) -> None:
        self.edition = edition
        self.provinces: dict[str, Unit] = {u.code: u for u in provinces}
        self.communes: dict[str, Unit] = {u.code: u for u in communes}
        self._by_province: dict[str, list[Unit]] = defaultdict(list)
        for unit in communes:
            self._by_province[unit.province_code].append(unit)
        self._commune_names: dict[str, _NameIndex] = defaultdict(_NameIndex)
        self._all_commune_names = _NameIndex()
        for unit in communes:
            self._commune_names[unit.province_code].add(unit, _type_key(unit))
            self._all_commune_names.add(unit, _type_key(unit))
        self._province_names = _NameIndex()
        for unit in provinces:
            self._province_names.add(unit, _type_key(unit), _PROVINCE_ALIASES.get(unit.code, ()))

    def unit(self, code: str) -> Unit | None:
        return self.communes.get(code) or self.provinces.get(code)

    def communes_of(self, province_code: str) -> list[Unit]:
        return self._by_province.get(province_code, [])

    def commune_by_code(self, raw: object) -> Unit | None:
        code = normalize_code(raw, 5)
        return self.communes.get(code) if code else None

    def province_by_code(self, raw: object) -> Unit | None:
        code = normalize_code(raw, 2)
        return self.provinces.get(code) if code else None

    def match_commune(
        self, text: str, province_code: str | None, marks: bool | None = None
    ) -> UnitMatch:
        """A commune by its (messy) name, inside one province, or nationally when None.

        The text is tried as "<type> <name>" and as a bare name ("Phương Liệt" is a
        ward's name, not "phường Liệt"); a sure match beats an ambiguous one. A name
        written without diacritics by someone who types none ("Thanh An") may be Thanh An
        or Thạnh An: it is matched on what the letters alone can tell.
        """
        index = self._commune_names[province_code] if province_code else self._all_commune_names
        readings = [split_commune_name(text), (None, text.strip())]
        # `marks`: whether the writer types diacritics (the rest of the file says so);
        # by default, whether this text has any.
        marks = (not text.isascii()) if marks is None else (marks or not text.isascii())
        return _best(index.lookup(type_key, bare, marks) for type_key, bare in readings)

    def match_province(self, text: str) -> UnitMatch:
        """A province by name: "Lào Cai", "Tỉnh Lào Cai", "CÔNG AN TỈNH LÀO CAI", "TP. HCM"."""
        folded = fold(text)
        readings: list[tuple[str | None, str]] = [(None, text.strip())]
        match = _PROVINCE_PREFIX.match(folded)
        if match:
            readings.insert(
                0,
                (fold(_PROVINCE_TYPES[match.group("type")]), _tail(text, len(match.group("name")))),
            )
        agency = _AGENCY_ONLY.match(folded)
        if agency:  # "Cà Mau" folds to "ca mau": the agency reading comes last
            readings.append((None, _tail(text, len(agency.group("name")))))
        return _best(self._province_names.lookup(type_key, bare) for type_key, bare in readings)

    def province_folder(self, folder_name: str) -> Unit | None:
        """The province an inbox folder belongs to: "01", "01-ha-noi", "Hà Nội", "ha_noi"."""
        leading = re.match(r"^\s*(\d{1,2})(?:\D|$)", folder_name)
        if leading:
            return self.province_by_code(leading.group(1))
        match = self.match_province(folder_name.replace("_", " ").replace("-", " "))
        return match.unit if match.status == "ok" else None


def normalize_code(raw: object, width: int) -> str | None:
    """A statistical code with its leading zeros back: 70 -> "00070", "1" -> "01"."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, float):
        if not raw.is_integer():
            return None
        raw = int(raw)
    text = str(raw).strip()
    if not text.isdigit() or len(text) > width:
        return None
    return text.zfill(width)


def _unit(entry: Province | Ward, level: UnitLevel) -> Unit:
    province = entry.code if isinstance(entry, Province) else entry.province_code
    return Unit(
        code=f"{int(entry.code):0{2 if level == 'province' else 5}d}",
        name=entry.name,
        level=level,
        province_code=f"{int(province):02d}",
        division_type=entry.division_type.value,
    )


@lru_cache(maxsize=1)
def registry() -> Registry:
    provinces = [_unit(p, "province") for p in Province.iter_all()]
    communes = [_unit(w, "commune") for w in Ward.iter_all()]
    return Registry(provinces, communes)
