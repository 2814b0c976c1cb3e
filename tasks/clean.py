"""Cleaning functions: one written cell or label in, one sure value (or a reason) out.

`parse_value` reads the numbers people type ("1.231.883", "600 triệu đồng", "Đạt", "-"),
`match_label` finds the catalog indicator a row or column label means, `find_periods`
finds "Tháng 10 năm 2026" and its many spellings. None of them guesses: what is not sure
comes back with a status the validation stage turns into a finding.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from rapidfuzz import fuzz, process

from antq.legacy_text import decode
from antq.schemas.catalog import Catalog, Indicator, ValueType
from antq.text import fold, without_marks

# --------------------------------------------------------------------------- values

# "formula": a formula cell with no calculated value that could not be evaluated here.
ValueStatus = Literal["ok", "blank", "approximate", "invalid", "formula"]

# Cells that mean "nothing to report": recorded as not reported, never as 0.
_BLANKS = {"", "-", "--", "---", "—", "–", "x", "k", "kh", "n/a", "na", "không", "khong", "/", "."}
_APPROX = re.compile(
    r"^(?:khoang|gan|tren|hon|uoc|uoc tinh|xap xi|chung|~|>|<|>=|<=)\s*(?P<rest>.+)$"
)
_APPROX_SUFFIX = re.compile(r"^(?P<rest>.+?)\s*(?:\+|tro len|tro xuong)$")
_MULTIPLIERS = {
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
    "trieu": 1_000_000,
    "tr": 1_000_000,
    "nghin": 1_000,
    "ngan": 1_000,
}
_CURRENCY = re.compile(r"\s*(?:vnd|vnđ|đồng|dong|đ|d)\.?\s*$")
_GROUPED_DOT = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_GROUPED_COMMA = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_GROUPED_SPACE = re.compile(r"^\d{1,3}(?: \d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+[.,]\d+$")

_FRACTION = re.compile(r"^(?P<num>\d[\d.,]*)\s*/\s*(?P<den>\d[\d.,]*)$")

_BINARY_TRUE = {"dat", "x", "co", "1", "yes", "true", "da dat"}
_BINARY_FALSE = {"chua dat", "khong dat", "0", "khong", "no", "false"}


@dataclass(frozen=True)
class Parsed:
    """A cell read as a value: `value` for numbers, `text` for categories."""

    status: ValueStatus
    value: float | None = None
    text: str | None = None


BLANK = Parsed("blank")
INVALID = Parsed("invalid")


def _plain_text(raw: str) -> str:
    """Lower-case, NFC, single spaces; keeps digits, dots and commas."""
    return " ".join(unicodedata.normalize("NFC", raw).lower().replace("\xa0", " ").split())


def parse_vn_number(raw: str) -> float | None:
    """A number as Vietnamese files write it; None when it is not one number.

    Dots and commas group thousands only in groups of three ("1.231.883", "1,231,883");
    otherwise one of them is a decimal mark ("1,5" and "1.5" are one and a half). A
    trailing "triệu"/"tỷ"/"nghìn" multiplies; "đ", "đồng", "VNĐ" are dropped.
    """
    text = _CURRENCY.sub("", _plain_text(raw)).strip()
    folded_words = fold(text).split()
    multiplier = 1
    if folded_words and folded_words[-1] in _MULTIPLIERS:
        multiplier = _MULTIPLIERS[folded_words[-1]]
        text = text.rsplit(" ", 1)[0].strip() if " " in text else re.sub(r"[^\d.,]+$", "", text)
        text = _CURRENCY.sub("", text).strip()
    negative = text.startswith("-")
    if negative:
        text = text[1:].strip()
    number: float | None
    if _PLAIN.match(text):
        number = float(text)
    elif _GROUPED_DOT.match(text):
        number = float(text.replace(".", ""))
    elif _GROUPED_COMMA.match(text):
        number = float(text.replace(",", ""))
    elif _GROUPED_SPACE.match(text):
        number = float(text.replace(" ", ""))
    elif _DECIMAL.match(text):
        number = float(text.replace(",", "."))
    else:
        return None
    return -number * multiplier if negative else number * multiplier


# Unit words every count may carry; `LabelBook.unit_words` adds the catalog's.
GENERIC_UNITS = frozenset({"nguoi", "luot", "cai", "don vi", "ban", "d", "vnd"})
_GLUED_UNIT = re.compile(r"(?<=\d)(?=[^\W\d_])")
# Words of a label that alone name nothing a figure counts ("Số", "trong đó", "về").
_FUNCTION_WORDS = frozenset(
    {"so", "trong", "do", "cua", "ve", "tai", "va", "cac", "duoc", "tu", "da", "co", "la",
     "theo", "thang", "ky", "nam"}
)  # fmt: skip


def _label_grams(text: str) -> set[str]:
    """The one- to three-word runs of a label, but a function word alone."""
    words = fold(text).split()
    grams = {" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    return {g for g in grams if g not in _FUNCTION_WORDS and not g.isdigit()}


def _without_unit(text: str, units: frozenset[str]) -> str:
    """ "khoảng 660 người" -> "khoảng 660", "12 mô hình tự quản" -> "12": what follows the
    number and only names what it counts (unit words, the indicator's own words) says
    nothing more."""
    words = _GLUED_UNIT.sub(" ", text).split()  # "280.000.000đ" -> "280.000.000 đ"
    while len(words) > 1:
        for n in (3, 2, 1):
            said = fold(" ".join(words[-n:]))
            # Abbreviated units read in full: "3 MH" (mô hình), "20 thôn, TDP".
            if len(words) > n and (said in units or _expand(said) in units):
                words = words[:-n]
                break
        else:
            break
    return " ".join(words)


@lru_cache(maxsize=16384)
def _with_legacy_unit(text: str, units: frozenset[str]) -> float | None:
    """A figure whose unit is typed in a legacy font the cell alone does not give away
    ("146.000.000®" is TCVN3 for "146.000.000đ", "12 VNÑ" VNI for "12 VNĐ"): the digits
    are the same in every encoding, so only the unit is read again."""
    for encoding in ("tcvn3", "vni"):
        number = parse_vn_number(_without_unit(decode(text, encoding), units))
        if number is not None:
            return number
    return None


def _parse_binary(raw: object) -> Parsed:
    if isinstance(raw, bool):
        return Parsed("ok", 1.0 if raw else 0.0)
    if isinstance(raw, int | float):
        return Parsed("ok", float(raw))
    folded = fold(str(raw))
    if folded in _BINARY_FALSE:
        return Parsed("ok", 0.0)
    if folded in _BINARY_TRUE:
        return Parsed("ok", 1.0)
    return INVALID


def _parse_category(raw: object, indicator: Indicator) -> Parsed:
    folded = fold(str(raw))
    for category in indicator.categories:
        if fold(category) == folded:
            return Parsed("ok", None, category)
    return Parsed("invalid", None, None)


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and _plain_text(raw) in _BLANKS)


def parse_value(
    raw: object,
    value_type: ValueType,
    indicator: Indicator | None = None,
    fraction: bool = False,
    units: frozenset[str] = GENERIC_UNITS,
) -> Parsed:
    """The value a cell holds for an indicator of `value_type`.

    Blank-like cells are `blank` (not reported). Approximations ("khoảng 200") are
    `approximate` with their number. With `fraction`, "27/27" (27 of 27) is the numerator:
    only for indicators that count a part of a whole. Anything else that is not a sure
    number is `invalid`. A unit word after the number ("660 người") is dropped when it is
    one of `units` (the catalog's, from `LabelBook.unit_words`).
    """
    if value_type == "binary" and isinstance(raw, str) and fold(raw) == "x":
        return Parsed("ok", 1.0)
    if _is_blank(raw):
        return BLANK
    if value_type == "binary":
        return _parse_binary(raw)
    if value_type == "category":
        assert indicator is not None, "a category needs its indicator's categories"
        return _parse_category(raw, indicator)
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return INVALID
    if isinstance(raw, int | float):
        value = float(raw)
        # Formulas leave float noise (12.000000000001); a real fraction stays a fraction.
        return Parsed("ok", float(round(value)) if abs(value - round(value)) < 1e-9 else value)
    text = _without_unit(_plain_text(str(raw)), units)
    number = parse_vn_number(text)
    if number is None and not text.isascii():
        number = _with_legacy_unit(text, units)
    if number is not None:
        return Parsed("ok", number)
    fraction_match = _FRACTION.match(text) if fraction else None
    if fraction_match:
        part, whole = parse_vn_number(fraction_match["num"]), parse_vn_number(fraction_match["den"])
        if part is not None and whole is not None and part <= whole:
            return Parsed("ok", part)
        return INVALID
    folded = fold(text) if not text.startswith(("~", ">", "<")) else text
    approx = _APPROX.match(folded) or _APPROX_SUFFIX.match(text)
    if approx:
        rest = approx.group("rest")
        # Keep the original separators: "khoảng 1.200" must stay 1200.
        digits = text[len(text) - len(rest) :] if _APPROX.match(folded) else rest
        number = parse_vn_number(digits)
        if number is not None:
            return Parsed("approximate", number)
    return INVALID


# --------------------------------------------------------------------------- labels

_NUMBERING = re.compile(
    r"^\s*(?:[-+•*·–—]+\s*|(?:[ivxlc]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)\]:/-]\s*|\d+(?:\.\d+)*\s+|\(\s*\w{1,4}\s*\)\s*)",
    re.IGNORECASE,
)
_TRAILING_PAREN = re.compile(r"\s*\([^()]*\)\s*$")
_ABBREVIATIONS = {
    "antt": "an ninh trat tu",
    "antq": "an ninh to quoc",
    "cqdn": "co quan doanh nghiep",
    "cqdnnt": "co quan doanh nghiep nha truong",
    "tv": "thanh vien",
    "mh": "mo hinh",
    "sl": "so",
    "kdc": "khu dan cu",
    "tdp": "to dan pho",
    "xhh": "xa hoi hoa",
    "cq": "co quan",
    "dn": "doanh nghiep",
    "nt": "nha truong",
    "bv": "benh vien",
    "csyt": "co so y te",
}
ACCEPT_SCORE = 88.0
WEAK_SCORE = 70.0
# The best indicator must beat the runner-up by this much: "Số khu dân cư" sits between
# khu_dan_cu_tong and khu_dan_cu_dat_chuan and must not be decided by a point or two.
MIN_MARGIN = 4.0
LabelStatus = Literal["ok", "weak", "none"]


@dataclass(frozen=True)
class LabelMatch:
    status: LabelStatus
    code: str | None
    score: float
    candidates: tuple[tuple[str, float], ...] = ()


# Words that say "this month" or "currently" without naming an indicator: "Số buổi tuyên
# truyền trong tháng", "Mô hình khác hiện có". "Số lượng" is just "Số".
_FILLERS = re.compile(
    r"(?:^| )(?:trong thang nay|trong thang|trong ky bao cao|trong ky|thang nay|ky nay|hien co|hien nay|cac)(?= |$)"
)


# The movement's own name after what a figure counts ("Số buổi tuyên truyền, vận động
# Nhân dân tham gia bảo vệ ANTQ") says what every figure of the report is about.
_MOVEMENT = re.compile(
    r"(?:^| )(?:(?:nhan dan|quan chung) )?tham gia (?:phong trao )?(?:toan dan )?"
    r"bao ve an ninh to quoc(?= |$)"
)


def _expand(folded: str) -> str:
    expanded = " ".join(_ABBREVIATIONS.get(word, word) for word in folded.split())
    expanded = _MOVEMENT.sub(" ", expanded.replace("so luong", "so"))
    return " ".join(_FILLERS.sub(" ", expanded).split())


@lru_cache(maxsize=65536)
def label_keys(text: str) -> tuple[str, ...]:
    """The folded forms a label is compared under: with and without numbering, a trailing
    "(buổi)"-style suffix or ":", a leading "Trong đó:" and a leading "Số"."""
    stripped = text.strip().rstrip(":").strip()
    for _ in range(2):  # "I.1. a)" style double prefixes
        stripped = _NUMBERING.sub("", stripped, count=1)
    variants = {stripped, _TRAILING_PAREN.sub("", stripped)}
    keys: set[str] = set()
    for variant in variants:
        key = _expand(fold(variant))
        if not key:
            continue
        keys.add(key)
        for prefix in ("trong do ", "so "):
            if key.startswith(prefix) and len(key) > len(prefix) + 3:
                keys.add(key[len(prefix) :])
    return tuple(sorted(keys))


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True, order=True)
class WrittenPeriod:
    """A month as a title writes it, perhaps without its year ("Báo cáo tháng 10"); the
    run's own period is an `antq.period.Period`."""

    year: int | None
    month: int

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.year else f"tháng {self.month}"

    def matches(self, period: str) -> bool:
        year, month = (int(part) for part in period.split("-"))
        return self.month == month and (self.year is None or self.year == year)


_SUM = re.compile(r"^=\s*SUM\s*\((?P<args>[^()]*)\)\s*$", re.IGNORECASE)
_RANGE = re.compile(
    r"^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$", re.IGNORECASE
)
MAX_SUM_CELLS = 100_000


def sum_formula_ranges(formula: str) -> list[tuple[str, str]] | None:
    """The (first, last) cell of each range of "=SUM(D10:D15, D17)", or None when the
    formula is anything else (another function, arithmetic, another sheet's cells)."""
    match = _SUM.match(formula.strip())
    if not match:
        return None
    ranges = []
    for arg in match["args"].split(","):
        ref = _RANGE.match(arg.strip())
        if not ref:
            return None
        first = f"{ref[1]}{ref[2]}"
        ranges.append((first, f"{ref[3]}{ref[4]}" if ref[3] else first))
    return ranges


_SEP = r"\s*[/\-.]\s*"
_PERIOD_PATTERNS = (
    # "tháng 10 năm 2026", "tháng 10/2026", "tháng 10 - 2026"
    re.compile(rf"thang\s*(?P<month>\d{{1,2}})\s*(?:nam\s*|{_SEP})(?P<year>\d{{4}})"),
    # "T10/2026", "T10-2026", "T10.2026", "t 10/2026"
    re.compile(rf"(?<![a-z])t\s*(?P<month>\d{{1,2}}){_SEP}(?P<year>\d{{4}})"),
    # "2026-10", "2026/10"
    re.compile(rf"(?<![\d/.\-])(?P<year>(?:19|20)\d{{2}}){_SEP}(?P<month>\d{{1,2}})(?![\d/.\-])"),
    # "10/2026", "10-2026" (not the tail of a full date "15/10/2026")
    re.compile(rf"(?<![\d/.\-])(?P<month>\d{{1,2}}){_SEP}(?P<year>(?:19|20)\d{{2}})(?![\d/.\-])"),
    # "tháng 10", "T10" with no year
    re.compile(r"thang\s*(?P<month>\d{1,2})(?!\s*\d)(?![/\-.]\d)"),
    re.compile(r"(?<![a-z\d])t(?P<month>\d{1,2})(?![\d/.\-])(?=[\s_\-.),;]|$)"),
)
# "ngày 14 tháng 10 năm 2026" is the date a report was signed, not its period.
_SIGNING_DATE = re.compile(r"ngay\s*\d{1,2}\s*(?:thang|[/\-.])\s*\d{1,2}\s*(?:nam|[/\-.])\s*\d{4}")
_FULL_DATE = re.compile(r"\d{1,2}\s*[/\-.]\s*\d{1,2}\s*[/\-.]\s*\d{4}")


def find_periods(text: str) -> list[WrittenPeriod]:
    """Every month named in `text`, in order, without signing dates and full dates."""
    folded = without_marks(text)
    folded = _SIGNING_DATE.sub(" ", folded)
    folded = _FULL_DATE.sub(" ", folded)
    found: list[tuple[int, WrittenPeriod]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _PERIOD_PATTERNS:
        for match in pattern.finditer(folded):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            month = int(match.group("month"))
            year = int(match.group("year")) if "year" in pattern.groupindex else None
            if not 1 <= month <= 12 or (year is not None and not 2000 <= year <= 2100):
                continue
            taken.append((start, end))
            found.append((start, WrittenPeriod(year, month)))
    return [period for _, period in sorted(found, key=lambda item: item[0])]


_DAY = r"(?:ngay\s*)?(\d{1,2})"
_WINDOW_PATTERNS = (
    # "từ ngày 15/9/2026 đến ngày 14/10/2026", "Kỳ báo cáo: từ 15/09 đến 14/10/2026"
    re.compile(
        rf"tu\s*{_DAY}\s*[/.-]\s*(\d{{1,2}})(?:\s*[/.-]\s*(\d{{4}}))?\s*(?:den|toi|-|–)\s*"
        rf"(?:het\s*)?{_DAY}\s*[/.-]\s*(\d{{1,2}})\s*[/.-]\s*(\d{{4}})"
    ),
    # "từ ngày 15 tháng 9 năm 2026 đến ngày 14 tháng 10 năm 2026"
    re.compile(
        rf"tu\s*{_DAY}\s*thang\s*(\d{{1,2}})(?:\s*nam\s*(\d{{4}}))?\s*(?:den|toi)\s*"
        rf"(?:het\s*)?{_DAY}\s*thang\s*(\d{{1,2}})\s*nam\s*(\d{{4}})"
    ),
    # "15/9/2026 - 14/10/2026"
    re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s*(?:-|–|den|toi)\s*(\d{1,2})/(\d{1,2})/(\d{4})"),
)


@lru_cache(maxsize=16384)
def find_window(text: str) -> tuple[dt.date, dt.date] | None:
    """The data window a title gives as two dates ("Số liệu tính từ ngày 15/9/2026 đến
    ngày 14/10/2026"); the first date's year, when left out, is the one that puts it
    before the second."""
    if sum(ch.isdigit() for ch in text) < 6:  # two dates need at least six digits
        return None
    folded = without_marks(text)
    for pattern in _WINDOW_PATTERNS:
        match = pattern.search(folded)
        if not match:
            continue
        d1, m1, y1, d2, m2, y2 = match.groups()
        end_year = int(y2)
        start_year = int(y1) if y1 else end_year - (1 if int(m1) > int(m2) else 0)
        try:
            start = dt.date(start_year, int(m1), int(d1))
            end = dt.date(end_year, int(m2), int(d2))
        except ValueError:
            continue
        if start < end:
            return start, end
    return None


def period_of_date(value: dt.date) -> WrittenPeriod:
    return WrittenPeriod(value.year, value.month)


# ------------------------------------------------------------------- the label book


def _phrase_in(phrase: str, text: str) -> bool:
    return f" {phrase} " in f" {text} "


def _covers(word: str, key: str) -> bool:
    """A member's sub-header word inside a longer sub-header, as at least half of it."""
    return _phrase_in(word, key) and 2 * len(word.split()) >= len(key.split())


# The head words of group names, repeated in their sub-headers ("Số mô hình khác").
_GROUP_HEADS = ("mo hinh tu quan", "mo hinh")

_PREPOSITION = re.compile(r"^(?:trong|tai|o|cua|thuoc|so)\s+")


def _without_phrases(key: str, phrases: tuple[str, ...]) -> str:
    padded = f" {key} "
    for phrase in sorted(phrases, key=len, reverse=True):
        for part in (phrase, *_GROUP_HEADS):
            padded = padded.replace(f" {part} ", " ")
    return " ".join(padded.split())


@lru_cache(maxsize=16384)
def _sub_header_keys(text: str) -> frozenset[str]:
    """A sub-header's keys, also without a leading preposition ("tại", "trong", "ở")."""
    keys = label_keys(text)
    return frozenset(keys) | {_PREPOSITION.sub("", key) for key in keys}


@lru_cache(maxsize=16384)
def is_short_header(text: str) -> bool:
    """One to three words once numbering and fillers are gone: ambiguous alone."""
    keys = label_keys(text)
    return min((len(_PREPOSITION.sub("", key).split()) for key in keys), default=0) <= 3


CONTEXT_SCORE = 75.0
CONTEXT_MARGIN = 10.0
# The one indicator of its section no other row has taken: a lower bar, since the
# layout has already ruled out every other candidate.
CONTEXT_ALONE_SCORE = 60.0


@dataclass(frozen=True)
class _LabelIndex:
    keys: list[str]
    codes: list[str]  # distinct indicator codes, in catalog order
    slices: list[slice]  # keys[slices[i]] are the keys of codes[i]


@dataclass(frozen=True)
class _GroupKeys:
    id: str
    names: tuple[str, ...]
    members: tuple[tuple[str, frozenset[str]], ...]  # (code, keys of its sub-headers)


def _code_scores(query: str, index: _LabelIndex) -> np.ndarray:
    """Best score of each indicator for one query: the larger of plain and word-order-free
    similarity over the indicator's label and synonyms (rapidfuzz, in C)."""
    plain = process.cdist([query], index.keys, scorer=fuzz.ratio)[0]
    sorted_words = process.cdist([query], index.keys, scorer=fuzz.token_sort_ratio)[0]
    best = np.maximum(plain, sorted_words)
    return np.array([best[s].max() for s in index.slices])


class LabelBook:
    """A catalog's labels as the reader matches them: which indicator a row or column
    label names (`match`), which group a group header names (`group_of`), which member
    of its group a short sub-header names (`match_in_group`), and a label read among the
    indicators its place allows (`match_in_context`). Built once per configuration
    (`Config.labels`); every answer is memoised per distinct text, since the same few
    hundred labels recur in every file of a month."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        keys: list[str] = []
        codes: list[str] = []
        slices: list[slice] = []
        for indicator in catalog.indicators:
            start = len(keys)
            for text in (indicator.label, *indicator.synonyms):
                keys.extend(label_keys(text))
            codes.append(indicator.code)
            slices.append(slice(start, len(keys)))
        self._index = _LabelIndex(keys, codes, slices)
        self._excluded_words = tuple(
            (ind.code, tuple(_expand(fold(word)) for word in ind.excluded_words))
            for ind in catalog.indicators
            if ind.excluded_words
        )
        groups = []
        for group in catalog.groups:
            names = {key for name in group.names for key in label_keys(name)}
            members = tuple(
                (code, frozenset(key for word in words for key in label_keys(word)))
                for code, words in group.members.items()
            )
            groups.append(_GroupKeys(group.id, tuple(sorted(names)), members))
        self._groups = tuple(groups)
        self._section_keys = tuple(
            key for title in catalog.sections.values() for key in label_keys(title)
        )
        pairs = []
        for code, part in zip(codes, slices, strict=True):
            pairs += [(code, frozenset(key.split())) for key in keys[part]]
        self._key_tokens = [(code, tokens) for code, tokens in pairs if len(tokens) >= 3]
        self.section_of = {ind.code: ind.section for ind in catalog.indicators}
        units = {fold(ind.unit_label) for ind in catalog.indicators if ind.unit_label}
        self.unit_words = frozenset(units) | GENERIC_UNITS
        # "120 thành viên", "3 cơ quan": a figure may also carry words of its own label.
        self._own_units = {
            ind.code: self.unit_words
            | {gram for text in (ind.label, *ind.synonyms) for gram in _label_grams(text)}
            for ind in catalog.indicators
        }
        # Any indicator's words after a number: enough to tell a cell is a figure ("44
        # khu") before its row's indicator is known.
        self.figure_words = frozenset().union(*self._own_units.values())
        # Memoised per distinct text (and per book: another catalog, other answers).
        self.match = lru_cache(maxsize=32768)(self._match)
        self.scores = lru_cache(maxsize=16384)(self._scores)
        self.excluded_codes = lru_cache(maxsize=32768)(self._excluded_codes)
        self.group_of = lru_cache(maxsize=4096)(self._group_of)
        self.match_in_group = lru_cache(maxsize=16384)(self._match_in_group)
        self.is_member_word = lru_cache(maxsize=16384)(self._is_member_word)
        self.member_conflict = lru_cache(maxsize=16384)(self._member_conflict)
        self.group_reads = lru_cache(maxsize=16384)(self._group_reads)
        self._indicator_scores = lru_cache(maxsize=16384)(self._indicator_scores_of)
        self._covering_scores = lru_cache(maxsize=16384)(self._covering_scores_of)

    def __reduce__(self) -> tuple:
        return (LabelBook, (self.catalog,))  # rebuilt, not its memos

    # ------------------------------------------------------------- one label alone

    def _excluded_codes(self, text: str) -> frozenset[str]:
        """Indicators a label cannot name: it holds one of their `excluded_words` ("Số mô
        hình xây dựng mới" is never the models' total, however alike the words)."""
        padded = f" {_expand(fold(text))} "
        return frozenset(
            code for code, words in self._excluded_words if any(f" {w} " in padded for w in words)
        )

    def _indicator_scores_of(self, text: str) -> np.ndarray | None:
        """Each indicator's score for a label, in catalog order (indicators whose excluded
        words the label holds score 0); None when the label has no words to compare.
        Shared by `match` and `scores`, so a label is scored once (never mutated)."""
        queries = [q for q in label_keys(text) if len(q) >= 3]
        if not queries:
            return None
        scores = np.max([_code_scores(q, self._index) for q in queries], axis=0)
        excluded = self.excluded_codes(text)
        if excluded:
            scores = scores.copy()
            for i, code in enumerate(self._index.codes):
                if code in excluded:
                    scores[i] = 0.0
        return scores

    def units_for(self, code: str) -> frozenset[str]:
        """The words a figure of `code` may carry after its number ("12 mô hình")."""
        return self._own_units.get(code, self.unit_words)

    def _match(self, text: str) -> LabelMatch:
        """The catalog indicator a label names, with a score out of 100.

        `ok` only when the best indicator scores at least ACCEPT_SCORE and clearly beats
        the next one; `weak` (a finding, with candidates) between WEAK_SCORE and that;
        else `none`.
        """
        scores = self._indicator_scores(text)
        if scores is None:
            return LabelMatch("none", None, 0.0)
        order = np.argsort(-scores, kind="stable")
        ranked = [(self._index.codes[i], float(scores[i])) for i in order[:3]]
        top_code, top_score = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        candidates = tuple(ranked)
        if top_score >= ACCEPT_SCORE and (
            top_score == 100.0 or top_score - runner_up >= MIN_MARGIN
        ):
            if top_score == 100.0 and runner_up == 100.0:
                return LabelMatch("weak", None, top_score, candidates)
            return LabelMatch("ok", top_code, top_score, candidates)
        if top_score >= WEAK_SCORE:
            return LabelMatch("weak", None, top_score, candidates)
        return LabelMatch("none", None, top_score, candidates)

    def _scores(self, text: str) -> dict[str, float]:
        """Every indicator's similarity to a label (0-100), for choosing among the
        indicators the layout allows when the label alone is not sure."""
        scores = self._indicator_scores(text)
        if scores is None:
            return {}
        return {code: float(score) for code, score in zip(self._index.codes, scores, strict=True)}

    def _covering_scores_of(self, text: str) -> dict[str, float]:
        """100 for an indicator whose label (or a synonym) of three words or more has all
        its words in `text` ("Tin, bài, phóng sự đã đăng, phát trên loa truyền thanh"
        holds "tin bài phóng sự đăng phát"); 0 otherwise."""
        words = {w for key in label_keys(text) for w in key.split()}
        excluded = self.excluded_codes(text)
        return {
            code: 100.0
            for code, tokens in self._key_tokens
            if tokens <= words and code not in excluded
        }

    def match_in_context(self, text: str, allowed: frozenset[str]) -> LabelMatch | None:
        """A label read among the indicators its place allows (its section or group, not
        yet taken by another row): sure only when one of them stands clearly above the
        others."""
        plain, covering = self.scores(text), self._covering_scores(text)
        ranked = sorted(
            ((max(plain.get(code, 0.0), covering.get(code, 0.0)), code) for code in allowed),
            reverse=True,
        )
        if not ranked:
            return None
        if len(ranked) == 1:
            ok = ranked[0][0] >= CONTEXT_ALONE_SCORE and plain.get(ranked[0][1], 0.0) >= 50.0
        else:
            ok = ranked[0][0] >= CONTEXT_SCORE and ranked[0][0] - ranked[1][0] >= CONTEXT_MARGIN
        if not ok:
            return None
        return LabelMatch("ok", ranked[0][1], ranked[0][0], tuple((c, s) for s, c in ranked[:3]))

    # ------------------------------------------------------------------- groups

    def _group(self, group_id: str) -> _GroupKeys:
        return next(g for g in self._groups if g.id == group_id)

    def group_members(self, group_id: str) -> tuple[str, ...]:
        return tuple(code for code, _ in self._group(group_id).members)

    def group_of_indicator(self, code: str) -> str | None:
        return next((g.id for g in self._groups if code in dict(g.members)), None)

    def is_section_title(self, text: str) -> bool:
        keys = label_keys(text)
        return any(fuzz.ratio(key, title) >= 88 for key in keys for title in self._section_keys)

    def _group_of(self, text: str) -> str | None:
        """The catalog group a group header names ("I- MÔ HÌNH TỰ QUẢN VỀ ANTT" ->
        mo_hinh): the group whose name covers most of the header's words; None when none
        does, or two cover it equally."""
        scores: dict[str, float] = {}
        for key in label_keys(text):
            n_words = len(key.split())
            for group in self._groups:
                for name in group.names:
                    if name == key or fuzz.ratio(name, key) >= 92:
                        score = 1.0
                    elif _phrase_in(name, key):
                        score = len(name.split()) / n_words
                    else:
                        continue
                    scores[group.id] = max(scores.get(group.id, 0.0), score)
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        if not ranked or ranked[0][1] < 0.5 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
            return None
        if ranked[0][1] < 1.0 and self.is_section_title(text):
            return None  # "IV. Xây dựng khu dân cư, cơ quan, ..." spans several groups
        return ranked[0][0]

    def _match_in_group(self, group_id: str, text: str) -> LabelMatch | None:
        """The member of a group a short sub-header names ("Khác" under "Mô hình tự quản"
        is mo_hinh_khac): a sub-header word of exactly one member, else a label that
        matches one member of the group; None when it names none of them surely."""
        group = self._group(group_id)
        # "Trong bệnh viện" is "Bệnh viện"; "Mô hình khác" under "Mô hình" is "Khác".
        keys = set(_sub_header_keys(text))
        keys |= {_without_phrases(key, group.names) for key in keys}
        keys.discard("")
        excluded = self.excluded_codes(text)
        exact = [code for code, words in group.members if keys & words and code not in excluded]
        if len(exact) == 1:
            return LabelMatch("ok", exact[0], 100.0)
        if len(exact) > 1:
            return None
        whole = self.match(text)
        if (
            whole.status == "ok"
            and whole.score >= 95
            and whole.code not in dict(group.members)
            and not is_short_header(text)
        ):
            return None  # a sub-header that is itself another indicator's whole label
        contained = sorted(
            (
                (max(len(w.split()) for w in words if any(_covers(w, k) for k in keys)), code)
                for code, words in group.members
                if code not in excluded and any(_covers(w, k) for w in words for k in keys)
            ),
            reverse=True,
        )
        if contained and (len(contained) == 1 or contained[0][0] > contained[1][0]):
            return LabelMatch("ok", contained[0][1], 95.0)
        close = []
        for code, words in group.members:
            if code in excluded:
                continue
            score = max(
                (max(fuzz.ratio(k, w), fuzz.token_sort_ratio(k, w)) for k in keys for w in words),
                default=0.0,
            )
            close.append((score, code))
        close.sort(reverse=True)
        if close and close[0][0] >= 90 and (len(close) == 1 or close[0][0] - close[1][0] >= 8):
            return LabelMatch("ok", close[0][1], close[0][0])
        if whole.status == "ok" and whole.code in dict(group.members):
            return whole
        return self.match_in_context(text, frozenset(dict(group.members)))

    def _is_member_word(self, text: str) -> bool:
        """Whether a short header is a sub-header word of some group ("Tổng số", "Đạt
        chuẩn", "Lượt người"): such a word means nothing sure outside its own group."""
        keys = set(label_keys(text))
        return any(keys & words for group in self._groups for _, words in group.members)

    def _member_conflict(self, text: str, code: str) -> bool:
        """Whether a short label is a group's sub-header word for another indicator:
        alone, "Ở khu dân cư" may be the models at residential areas, not the areas."""
        if not is_short_header(text):
            return False
        keys = _sub_header_keys(text)
        return any(
            keys & words and member != code
            for group in self._groups
            for member, words in group.members
        )

    def _group_reads(self, group_id: str, text: str) -> bool:
        """Whether a short sub-header could be read as a member of its group: then a
        match outside the group ("Đạt chuẩn ANTT" as the commune's own standard, under
        the units' group) is not sure."""
        scores = self.scores(text)
        members = self.group_members(group_id)
        return max((scores.get(code, 0.0) for code in members), default=0.0) >= 60

    def unsure_outside_group(self, text: str, code: str, group_id: str) -> bool:
        """Whether a short header under a group, read alone as `code` outside the group,
        is not sure: it is a sub-header word of some group, or its own group could read
        it ("Khu dân cư" under "Mô hình tự quản" is not the residential areas)."""
        return (
            code not in self.group_members(group_id)
            and is_short_header(text)
            and (self.is_member_word(text) or self.group_reads(group_id, text))
        )
