"""Find the report inside a sheet without a fixed template (SPEC §5).

Both layout families are found from the catalog's labels themselves: a *form* has
indicator labels stacked down one column with the month's figure in a column to their
right; a *table* has indicator labels across one to three header rows (merged group
headers joined to their sub-headers) and one row per unit below.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from antq.cells import a1, column_letter
from antq.config import Config
from antq.period import Period
from antq.schemas.layouts import Layouts
from antq.tasks.clean import (
    LabelBook,
    LabelMatch,
    find_periods,
    is_short_header,
    label_keys,
    parse_value,
)
from antq.tasks.normalize.totals import total_label
from antq.tasks.read import Sheet
from antq.text import cell_text, fold

# Scanning limits: labels sit in the first columns/rows of any sane report.
MAX_SCAN_COLS = 200  # a table with comparison columns has three per indicator
MAX_HEADER_ROWS = 60
MIN_INDICATORS = 3


@dataclass(frozen=True)
class Hit:
    row: int
    col: int
    text: str
    match: LabelMatch


@dataclass(frozen=True)
class Reading:
    """How one label was read, for `antq inspect`: the indicator (None: not sure), how
    sure, by what (`label`, `group:<id>` under a group header or parent row, `section` by
    elimination in its section, `columns` by elimination among free columns), and the
    runner-up."""

    row: int
    col: int
    text: str
    code: str | None
    score: float
    how: str
    runner_up: tuple[str, float] | None = None


def _reading(row: int, col: int, text: str, match: LabelMatch, how: str) -> Reading:
    others = [(c, s) for c, s in match.candidates if c != match.code]
    return Reading(
        row,
        col,
        text,
        match.code if match.status == "ok" else None,
        match.score,
        how,
        others[0] if others else None,
    )


@dataclass(frozen=True)
class FormLayout:
    label_col: int
    value_col: int
    header_row: int | None  # the row of "STT | Nội dung | ... | Số liệu", when there is one
    rows: dict[str, tuple[int, ...]]  # indicator -> rows that carry it
    weak_rows: tuple[Hit, ...]  # labels that look like an indicator but not surely one
    first_row: int
    readings: tuple[Reading, ...] = ()

    @property
    def title_end(self) -> int:
        return self.header_row if self.header_row is not None else self.first_row


@dataclass(frozen=True)
class CrossLayout:
    """A table the other way round: indicators down the label column, one column per unit
    (communes named in the header row), maybe a total column for the province."""

    label_col: int
    header_row: int
    unit_cols: tuple[int, ...]
    total_cols: tuple[int, ...]  # columns whose header claims a total
    other_cols: tuple[int, ...]  # headed columns that name no known unit
    rows: dict[str, tuple[int, ...]]
    weak_rows: tuple[Hit, ...]
    first_row: int
    readings: tuple[Reading, ...] = ()

    @property
    def title_end(self) -> int:
        return self.header_row

    @property
    def value_cols(self) -> tuple[int, ...]:
        return tuple(sorted((*self.unit_cols, *self.total_cols, *self.other_cols)))


@dataclass(frozen=True)
class TableLayout:
    header_top: int
    header_row: int
    columns: dict[int, str]  # column -> indicator
    weak_columns: tuple[Hit, ...]
    code_col: int | None
    name_col: int | None
    ambiguous_columns: tuple[tuple[str, tuple[int, ...]], ...] = field(default=())
    readings: tuple[Reading, ...] = ()

    @property
    def title_end(self) -> int:
        return self.header_top


@dataclass(frozen=True)
class Ambiguous:
    """Two readings of the sheet that its headers and figures cannot tell apart: nothing
    of the part is read, and the submitter is told which cells compete (SPEC §5)."""

    part: str  # what could not be told, in Vietnamese ("cột số liệu của tháng 10/2026")
    candidates: tuple[tuple[str, str], ...]  # (cell, text) of each candidate
    how: str  # the fix, in Vietnamese
    title_end: int = 0
    readings: tuple[Reading, ...] = ()


PeriodRole = Literal["this", "other", "neutral"]


def header_role(text: str, period: Period, lay: Layouts) -> PeriodRole:
    """Whether a column header names the run's month ("Thực hiện tháng 10/2026", "Kỳ
    này"), another period or another kind of figure ("Tháng 9/2026", "Cùng kỳ năm 2025",
    "So sánh (%)", "Lũy kế"), or neither ("Số liệu")."""
    return _header_role(text, period.year, period.month, lay)


# A column of changes written with signs only: "+/-", "(+, -)", "±".
_CHANGE = re.compile(r"^[\s(\[]*(?:\+\s*[/,;]?\s*[-−–]|±)[\s)\]]*$")


def _derived_header(text: str) -> bool:
    """A header of changes ("+/-") or percentages ("Tỷ lệ đạt chuẩn (%)", "So sánh %"):
    its column holds no count, whatever label it carries."""
    return bool(_CHANGE.match(text)) or "%" in text


@lru_cache(maxsize=16384)
def _header_role(text: str, year: int, month: int, lay: Layouts) -> PeriodRole:
    if not text or lay.ignored_headers.found_in(text) or _derived_header(text):
        return "other" if text else "neutral"
    named = find_periods(text)
    if named:
        if all(p.month == month and p.year in (None, year) for p in named):
            return "this"
        return "other"
    years = [int(y) for y in _YEAR.findall(fold(text))]
    if any(y != year for y in years):
        return "other"
    return "this" if lay.this_period.found_in(text) else "neutral"


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def column_role(view: SheetView, rows: range, c: int) -> PeriodRole:
    """The role of a column under a header of several rows: another period anywhere
    above it rules it out; the run's month anywhere above it names it."""
    return _strongest({header_role(view.text(r, c), view.period, view.lay) for r in rows})


def _strongest(roles: set[PeriodRole]) -> PeriodRole:
    """Of a column's header texts: another period anywhere rules it out; the run's month
    anywhere names it."""
    return "other" if "other" in roles else "this" if "this" in roles else "neutral"


def _merged_origin(sheet: Sheet) -> dict[tuple[int, int], tuple[int, int]]:
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in sheet.merged:
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 4096:  # a whole-row merge says nothing useful
            continue
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                origin[(r, c)] = (r0, c0)
    return origin


_ALPHA = re.compile(r"[^\W\d_]")


class SheetView:
    """Text access to a sheet where a merged range reads as its top-left cell everywhere."""

    def __init__(
        self, sheet: Sheet, config: Config | None = None, period: str | None = None
    ) -> None:
        self.sheet = sheet
        self.cfg = config or Config.load()
        # The run's month: a header naming another month is never its column.
        self.period = Period.parse(period or self.cfg.period or "2000-01")
        self.labels: LabelBook = self.cfg.labels  # the catalog's labels, memoised per run
        self.lay = self.cfg.layouts
        self._origin = _merged_origin(sheet)
        self.n_cols = min(sheet.n_cols, MAX_SCAN_COLS)
        self._texts: dict[tuple[int, int], str] = {}  # header rows are read many times
        self._alpha_columns: dict[int, int] = {}
        self._group_rows: dict[int, dict[int, int]] = {}

    def text(self, r: int, c: int) -> str:
        key = (r, c)
        found = self._texts.get(key)
        if found is None:
            r0, c0 = self._origin.get(key, key)
            value = self.sheet.value(r0, c0)
            found = self._texts[key] = value.strip() if isinstance(value, str) else ""
        return found

    def text_columns(self, r: int) -> int:
        """How many cells of row `r` hold words (a merged cell counts in every column it
        spans)."""
        found = self._alpha_columns.get(r)
        if found is None:
            row = self.sheet.rows[r] if r < len(self.sheet.rows) else []
            origin, count = self._origin, 0
            for c in range(self.n_cols):
                if (r, c) in origin:
                    value: object = self.text(r, c)
                else:
                    value = row[c] if c < len(row) else None
                if isinstance(value, str) and _ALPHA.search(value):
                    count += 1
            found = self._alpha_columns[r] = count
        return found

    def own_text(self, r: int, c: int) -> str:
        value = self.sheet.value(r, c)
        return value.strip() if isinstance(value, str) else ""

    def head(self, r: int, c: int, depth: int = 0) -> str:
        """Text as a table's header reads it: `text`, plus the merges a CSV file or an
        export without merges lost. A group header typed once above its sub-headers
        ("Mô hình" over "Tổng số", "Khác", ... with the cells right of it empty) reads
        across them; under it, a header typed once above an empty cell ("STT", "Số tin,
        bài" beside the group) reads down into the sub-header row."""
        text = self.text(r, c)
        if text or (r, c) in self._origin or depth > 1:
            return text
        start = self._span_start(r, c)
        if start is not None:
            return self.text(r, start)
        if r > 0 and self._groups(r - 1) and (r - 1, c) not in self._origin:
            return self.head(r - 1, c, depth + 1)
        return ""

    def _span_start(self, r: int, c: int) -> int | None:
        for start, end in self._groups(r).items():
            if start < c <= end:
                return start
        return None

    def _groups(self, r: int) -> dict[int, int]:
        """Row `r`'s group headers without merges: first column -> last column. A group
        is a text cell followed by empty cells, above a row of sub-headers (text in each
        of those columns) that holds no figure."""
        found = self._group_rows.get(r)
        if found is not None:
            return found
        found = {}
        if 0 <= r < self.sheet.n_rows - 1 and not self._holds_numbers(r + 1):
            origin, c = self._origin, 0
            while c < self.n_cols:
                if (r, c) in origin or not _ALPHA.search(self.own_text(r, c)):
                    c += 1
                    continue
                end = c
                while (
                    end + 1 < self.n_cols
                    and (r, end + 1) not in origin
                    and self.sheet.value(r, end + 1) in (None, "")
                    and _ALPHA.search(self.own_text(r + 1, end + 1))
                ):
                    end += 1
                if end > c and _ALPHA.search(self.own_text(r + 1, c)):
                    found[c] = end
                c = end + 1
        self._group_rows[r] = found
        return found

    def _holds_numbers(self, r: int) -> bool:
        row = self.sheet.rows[r] if r < len(self.sheet.rows) else []
        return any(is_number_cell(v, self.labels.unit_words) for v in row[: self.n_cols])

    def row_texts(self, r: int) -> list[str]:
        return [cell_text(v) for v in (self.sheet.rows[r] if r < self.sheet.n_rows else [])]


def _is_labelish(text: str) -> bool:
    return len(text) >= 4 and any(ch.isalpha() for ch in text)


@lru_cache(maxsize=16384)
def _section_like(book: LabelBook, text: str) -> bool:
    """A roman-numeral section heading such as "II. Tuyên truyền, vận động"."""
    folded = fold(text)
    for title in book.catalog.sections.values():
        if fuzz.ratio(folded.split(" ", 1)[-1], fold(title)) >= 90:
            return True
    head = text.strip().split(" ", 1)[0].rstrip(".:-)")
    return bool(head) and set(head.upper()) <= set("IVXLC") and len(head) <= 4


def label_hits(view: SheetView) -> list[Hit]:
    """Every cell whose own text names an indicator (or nearly does)."""
    hits = []
    for r in range(view.sheet.n_rows):
        if r in view.sheet.hidden_rows:  # hidden rows hold stale or working figures
            continue
        row = view.sheet.rows[r]
        for c in range(min(len(row), MAX_SCAN_COLS)):
            value = row[c]
            if not isinstance(value, str):
                continue
            text = value.strip()
            if not _is_labelish(text):
                continue
            match = view.labels.match(text)
            if match.status != "none":
                hits.append(Hit(r, c, text, match))
    return hits


# ------------------------------------------------------------------------------ form


def _holds_figure(value: object, units: frozenset[str]) -> bool:
    """A cell a person would read as a figure: a number, number-like text, a 0/1 word;
    not the text of a signature ("THỦ TRƯỞNG ĐƠN VỊ") printed in the same column."""
    if value is None:
        return False
    if not isinstance(value, str):
        return True
    return is_number_cell(value, units) or parse_value(value, "binary").status == "ok"


def is_number_cell(value: object, units: frozenset[str]) -> bool:
    if value is None:
        return False
    parsed = parse_value(value, "integer", units=units)
    return parsed.status in ("ok", "approximate")


def _header_columns(view: SheetView, row: int, start_col: int) -> tuple[list[int], set[int]]:
    """In a header row: columns that say "Số liệu"-like, and columns to ignore ("Lũy kế")."""
    lay = view.lay
    value_cols, ignored = [], set()
    for c in range(start_col, view.n_cols):
        text = view.text(row, c)
        if not text:
            continue
        role = header_role(text, view.period, lay)
        if role == "other":
            ignored.add(c)
        elif role == "this" or lay.value_headers.found_in(text):
            value_cols.append(c)
    return value_cols, ignored


def _find_form_header(
    view: SheetView, first_row: int, label_col: int, top: int | None = None
) -> tuple[int | None, list[int], set[int]]:
    """The nearest header row above the first indicator (and above the rows from `top`
    on, whose labels are not sure by themselves)."""
    for r in range(first_row - 1, max(-1, (first_row if top is None else top) - 8), -1):
        value_cols, ignored = _header_columns(view, r, label_col + 1)
        # A title merged across the sheet ("THÁNG 10 NĂM 2026") is no value header.
        value_cols = [c for c in value_cols if view.text(r, c) != view.text(r, label_col)]
        if value_cols or len(ignored) >= 2:
            return r, value_cols, ignored
    return None, [], set()


def _value_col_by_numbers(
    view: SheetView, rows: list[int], label_col: int, ignored: set[int]
) -> int | Ambiguous | None:
    """The one column right of the labels that holds figures, when no header names it.
    Two such columns (the month and the year to date, say) are not told apart by guessing."""
    counts: dict[int, int] = defaultdict(int)
    for r in rows:
        for c in range(label_col + 1, view.n_cols):
            if c not in ignored and is_number_cell(view.sheet.value(r, c), view.labels.unit_words):
                counts[c] += 1
    filled = sorted(c for c, n in counts.items() if n >= max(1, len(rows) // 2))
    if len(filled) > 1:
        return _ambiguous_columns(view, None, filled, rows[0])
    return filled[0] if filled else None


def _month_column(
    view: SheetView, header_row: int, label_col: int, value_cols: list[int], rows: list[int]
) -> int | Ambiguous | None:
    """The column of the run's month among a form's figure columns: the one whose header
    names the month or "this period" ("Thực hiện tháng 10/2026", "Kỳ này"), never one
    naming another period or a comparison ("Cùng kỳ năm 2025", "Tháng 9", "So sánh");
    two that remain alike are not chosen between."""
    header = _header_span(view, header_row, label_col, value_cols)
    roles = {c: column_role(view, header, c) for c in value_cols}
    kept = [c for c in value_cols if roles[c] != "other"]
    named = [c for c in kept if roles[c] == "this"] or kept
    if len(named) > 1:  # a headed column left empty is not the figures' column
        units = view.labels.unit_words
        filled = [
            c for c in named if any(_holds_figure(view.sheet.value(r, c), units) for r in rows)
        ]
        named = filled or named
    if len(named) > 1:
        return _ambiguous_columns(view, header, named, rows[0])
    return named[0] if named else None


def _unrivalled(
    view: SheetView, header_row: int, label_col: int, col: int, rows: list[int], ignored: set[int]
) -> int | Ambiguous:
    """A column chosen by a header that does not name the month ("Số liệu") is the
    month's only when no other headed column beside the labels holds figures as fully:
    "Số liệu | Xã A | Xã B" is no form of one unit, and is not guessed at."""
    header = _header_span(view, header_row, label_col, [col])
    if column_role(view, header, col) == "this":
        return col
    units = view.labels.unit_words
    rivals = []
    for c in range(label_col + 1, view.n_cols):
        text = view.text(header_row, c)
        if c == col or c in ignored or not text or view.lay.code_headers.found_in(text):
            continue
        if column_role(view, header, c) == "other":
            continue
        if sum(_holds_figure(view.sheet.value(r, c), units) for r in rows) >= len(rows) // 2:
            rivals.append(c)
    return _ambiguous_columns(view, header, sorted([col, *rivals]), rows[0]) if rivals else col


def _header_span(view: SheetView, header_row: int, label_col: int, cols: list[int]) -> range:
    """The rows of a form's column headers: the header row and up to two group rows
    above it, not a title merged across the sheet (it spans the labels' column too)."""
    above = [
        r
        for r in range(max(0, header_row - 2), header_row)
        if all(view.text(r, c) != view.text(r, label_col) for c in cols)
    ]
    return range(above[0] if above else header_row, header_row + 1)


_ROLE_VI = {
    "this": "ghi kỳ này",
    "neutral": "không ghi kỳ",
    "other": "kỳ khác, so sánh, hay không phải số liệu",
}


def month_column_notes(view: SheetView, layout: FormLayout) -> list[str]:
    """Why the month's column of a form is the one read, for `antq inspect`."""
    if layout.header_row is None:
        return [f"Cột {column_letter(layout.value_col)}: cột duy nhất có số liệu bên phải nhãn"]
    notes = []
    cols = [
        c
        for c in range(layout.label_col + 1, view.n_cols)
        if view.text(layout.header_row, c)
        and view.text(layout.header_row, c) != view.text(layout.header_row, layout.label_col)
    ]
    header = _header_span(view, layout.header_row, layout.label_col, cols)
    for c in cols:
        text = " / ".join(dict.fromkeys(t for r in header if (t := view.text(r, c))))
        role = column_role(view, header, c)
        verdict = "đọc" if c == layout.value_col else "không đọc"
        notes.append(f"Cột {column_letter(c)} “{text}”: {_ROLE_VI[role]} → {verdict}")
    return notes


def _ambiguous_columns(
    view: SheetView, header: range | None, cols: list[int], first_row: int
) -> Ambiguous:
    month = view.period.label_vi
    texts = [
        " / ".join(dict.fromkeys(t for r in header if (t := view.text(r, c)))) if header else ""
        for c in cols
    ]
    cells = [a1(header.stop - 1 if header else first_row, c) for c in cols]
    return Ambiguous(
        part=f"cột số liệu của {month}",
        candidates=tuple(zip(cells, texts, strict=True)),
        how=(
            f"Ghi rõ ở đầu cột số liệu của {month} (ví dụ “Thực hiện {month}”); các cột "
            "khác ghi rõ kỳ của chúng (“Cùng kỳ năm trước”, “Lũy kế”, “Kế hoạch”)."
        ),
        title_end=header.start if header else first_row,
    )


UnitTest = Callable[[str], bool]


def _cross_header(
    view: SheetView, first_row: int, label_col: int, is_unit: UnitTest, top: int | None = None
) -> tuple[int, list[int], tuple[int, ...], tuple[int, ...]] | None:
    """A header row above the indicators naming two or more units: the columns are units.
    Returns the row, the unit columns, the columns whose header (or the one above it:
    "Tổng số" beside "Chia ra" over the communes) claims a total, and the other headed
    columns (a commune the registry does not know, a former district's sub-total)."""
    lay = view.lay
    # From the first sure label up: the names' row may itself read like a label.
    top = first_row if top is None else top
    for r in range(first_row - 1, max(-1, top - 6), -1):
        texts = {c: t for c in range(label_col + 1, view.n_cols) if (t := view.own_text(r, c))}
        if len(texts) < 2:
            continue
        units = [c for c, text in texts.items() if total_label(text, lay) is None and is_unit(text)]
        if len(units) < 2:
            continue
        totals, others = [], []
        for c in range(label_col + 1, view.n_cols):
            text = texts.get(c, "")
            if c in units or (text and lay.ignored_headers.found_in(text)):
                continue
            above = view.text(r - 1, c) if r > 0 else ""
            if total_label(text or view.text(r, c) or above, lay) is not None:
                totals.append(c)  # "Tổng số" (maybe merged down over the names' row)
            elif text:
                others.append(c)
        return r, units, tuple(totals), tuple(others)
    return None


_BULLET = re.compile(r"^[-+•*–—·]")
_LETTER_ITEM = re.compile(r"^[a-zđ]\s*[).]")
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVXLC]+|[A-Z])$")


@dataclass(frozen=True)
class _Entry:
    row: int
    col: int
    label: str
    level: int  # 0: a numbered item; 1: "a)" or "- ..." under it; 2: "- ..." under that
    heading: bool
    figure: bool  # a figure in a value column


_LETTER_NUMBER = re.compile(r"[a-zđ]\s*[).]?")
_DOTTED = re.compile(r"^\d+((?:\.\d+)+)\.?(?:\s|$)")


def _level(view: SheetView, r: int, label_col: int, col: int, label: str) -> int:
    """How deep a row is listed: "a)" items, "- " bullets, "Trong đó:" and labels indented
    into the next column each go one level under the row above them."""
    number = view.own_text(r, label_col - 1) if label_col > 0 else ""
    return _written_level(number, label) + (1 if col > label_col else 0)


@lru_cache(maxsize=16384)
def _written_level(number: str, label: str) -> int:
    lowered = label.lower()
    # "a)", "b." in the numbering column or before the label; "I", "V" are sections.
    lettered = _LETTER_NUMBER.fullmatch(number) or _LETTER_ITEM.match(label)
    # "4.1" under "4", "4.1.2" under "4.1"
    dotted = _DOTTED.match(number or label)
    level = 1 if lettered else dotted.group(1).count(".") if dotted else 0
    bullet = _BULLET.match(lowered) or _BULLET.match(number)
    return level + (1 if bullet or fold(label).startswith(("trong do", "trong so")) else 0)


def _is_heading(view: SheetView, r: int, label_col: int, label: str, value_cols: list[int]) -> bool:
    """A section heading ("II | TUYÊN TRUYỀN, VẬN ĐỘNG", "C. NGUỒN TIN"): no figure, and
    numbered with a roman numeral or a capital letter, or written in capitals."""
    if any(view.sheet.value(r, c) is not None for c in value_cols):
        return False
    number = view.own_text(r, label_col - 1).rstrip(".") if label_col > 0 else ""
    return _heading_text(number, label)


@lru_cache(maxsize=16384)
def _heading_text(number: str, label: str) -> bool:
    head = label.split(" ", 1)[0].rstrip(".:-)")
    letters = [ch for ch in label if ch.isalpha()]
    capitals = len(letters) >= 4 and sum(ch.isupper() for ch in letters) >= 0.8 * len(letters)
    return bool(_ROMAN_OR_LETTER.match(number) or _ROMAN_OR_LETTER.match(head) or capitals)


@lru_cache(maxsize=4096)
def _heading_section(book: LabelBook, label: str) -> str | None:
    """The catalog section a heading opens: by the group it names ("TẬP HUẤN, BỒI
    DƯỠNG"), or by the section's own title."""
    group = book.group_of(label)
    if group is not None:
        return book.section_of[book.group_members(group)[0]]
    folded = " ".join(label_keys(label))
    for number, title in book.catalog.sections.items():
        if fuzz.token_set_ratio(folded, fold(title)) >= 85:
            return number
    return None


def _section_codes(
    entries: list[_Entry], i: int, resolved: dict[int, LabelMatch], book: LabelBook
) -> frozenset[str]:
    """The indicators the standard form prints where entry `i` sits: the section a heading
    above it opens, else those of the nearest surely-read rows above and below it."""
    sections = book.section_of
    found: set[str] = set()
    for j in range(i - 1, -1, -1):
        entry = entries[j]
        match = resolved[entry.row]
        if entry.heading:
            section = _heading_section(book, entry.label)
            if section is not None:
                return frozenset(c for c, s in sections.items() if s == section)
            return frozenset(sections)  # a section we cannot name: any free indicator
        if match.status == "ok":
            found.add(sections[match.code or ""])
            break
    for j in range(i + 1, len(entries)):
        entry = entries[j]
        match = resolved[entry.row]
        if entry.heading:
            break
        if match.status == "ok":
            found.add(sections[match.code or ""])
            break
    return frozenset(code for code, section in sections.items() if section in found)


# Rows that only introduce the ones under them: they pass their parent's group on.
_CONNECTORS = frozenset(
    {"trong do", "trong so", "gom", "bao gom", "cu the", "chia ra", "trong do gom"}
)


def _likely_code(match: LabelMatch, label: str) -> str | None:
    """The indicator a label not sure by itself most resembles, when clearly: enough to
    read the rows listed under it as that indicator's group, not to take its figure."""
    if match.status != "weak" or len(match.candidates) < 2 or is_short_header(label):
        return None
    (code, score), (_, runner_up) = match.candidates[:2]
    return code if score >= 80 and score - runner_up >= 5 else None


def _direct_matches(
    entries: list[_Entry], how: dict[int, str], book: LabelBook
) -> dict[int, LabelMatch]:
    """Each row by its own label, or as a member of its parent row's group ("- Khác" under
    the models' total, "Trong đó: đạt chuẩn" under the residential areas)."""
    direct: dict[int, LabelMatch] = {}
    parents: list[tuple[int, str | None]] = []  # (level, group) of the rows above
    for entry in entries:
        if entry.heading:
            direct[entry.row] = LabelMatch("none", None, 0.0)
            parents = []
            continue
        while parents and parents[-1][0] >= entry.level:
            parents.pop()
        group = parents[-1][1] if parents else None
        match = book.match_in_group(group, entry.label) if group else None
        if match is not None and group:
            # A row listed under a group's heading that by itself surely names an
            # indicator of another group ("1.3 Số tổ tự quản" under "1. Mô hình …") is that.
            own = book.match(entry.label)
            if (
                own.status == "ok"
                and own.code not in book.group_members(group)
                and own.score > match.score
            ):
                match = None
        how[entry.row] = f"group:{group}" if match is not None else "label"
        if match is None:
            match = book.match(entry.label)
            if match.status == "ok" and (
                book.unsure_outside_group(entry.label, match.code or "", group)
                if group
                else book.member_conflict(entry.label, match.code or "")
            ):
                match = LabelMatch("weak", None, match.score, match.candidates)
        likely = match.code if match.status == "ok" else None
        if likely is None and entry.figure:  # a parent row with its own figure (a total)
            likely = _likely_code(match, entry.label)
        connector = fold(entry.label) in _CONNECTORS
        own_group = (
            (group if connector else None)
            or book.group_of(entry.label)
            or (book.group_of_indicator(likely) if likely else None)
            or group  # "Trong đó:" passes its parent's group on to the rows under it
        )
        parents.append((entry.level, own_group))
        direct[entry.row] = match
    return direct


def _block_rows(
    view: SheetView,
    ok_rows: list[int],
    label_col: int,
    value_cols: list[int],
    ignored: set[int],
    body: int,
) -> tuple[dict[str, list[int]], list[Hit], tuple[Reading, ...]]:
    """Every labelled row of the table block: an indicator, or a figure nobody asked for
    (reported, never dropped silently). The block goes on while labelled figures do;
    further down are notes and signatures.

    A label is read as a person reads it, with what the layout tells: a sub-item under
    a parent row is a member of the parent's group; a label not sure by itself is read
    among the indicators of its section that no other row has taken, and taken only when
    one stands clearly above the others."""
    book = view.labels
    entries: list[_Entry] = []
    # From the table's first row: a parent row ("1 | Mô hình tự quản") may name no
    # indicator itself but tells what the rows under it are.
    r, end = min(body, ok_rows[0]), max(ok_rows) + 3
    while r < min(end, view.sheet.n_rows):
        col, label = _row_label(view, r, label_col, set(value_cols) | ignored)
        if label and r not in view.sheet.hidden_rows:
            entries.append(
                _Entry(
                    r,
                    col,
                    label,
                    _level(view, r, label_col, col, label),
                    _is_heading(view, r, label_col, label, value_cols),
                    any(
                        _holds_figure(view.sheet.value(r, c), book.figure_words) for c in value_cols
                    ),
                )
            )
            if entries[-1].figure or entries[-1].heading:  # the block goes on
                end = max(end, r + 4)
        r += 1
    how: dict[int, str] = {}
    direct = _direct_matches(entries, how, book)
    resolved = dict(direct)
    for i, entry in enumerate(entries):
        match = direct[entry.row]
        if match.status != "ok" or match.score >= 95:
            continue
        rivals = [code for code, score in match.candidates[1:] if match.score - score < 10]
        if not rivals:
            continue
        allowed = _section_codes(entries, i, direct, book)
        if allowed and match.code not in allowed and any(code in allowed for code in rivals):
            # "Số lượt người tham dự" in the training section is not the propaganda one.
            resolved[entry.row] = LabelMatch("weak", None, match.score, match.candidates)
    taken = {m.code for m in resolved.values() if m.status == "ok"}
    changed = True
    while changed:  # each row read by elimination narrows the choice for the others
        changed = False
        for i, entry in enumerate(entries):
            if (
                resolved[entry.row].status == "ok"
                or entry.heading
                or _section_like(book, entry.label)
            ):
                continue
            if not entry.figure:
                continue  # a row with no figure is never assigned by elimination
            allowed = _section_codes(entries, i, resolved, book) - taken
            found = book.match_in_context(entry.label, allowed) if allowed else None
            if found is not None:
                resolved[entry.row] = found
                how[entry.row] = "section"
                taken.add(found.code or "")
                changed = True
    rows: dict[str, list[int]] = defaultdict(list)
    weak: list[Hit] = []
    for entry in entries:
        match = resolved[entry.row]
        if match.status == "ok":
            rows[match.code or ""].append(entry.row)
        elif (entry.figure or _written(view, entry.row, value_cols)) and not _section_like(
            book, entry.label
        ):
            # A number written beside a label not read is said, never dropped.
            weak.append(Hit(entry.row, entry.col, entry.label, match))
    readings = tuple(
        _reading(e.row, e.col, e.label, resolved[e.row], how.get(e.row, "label"))
        for e in entries
        if not e.heading
    )
    return rows, weak, readings


def _written(view: SheetView, r: int, cols: list[int]) -> bool:
    """A cell beside the label holds a number of some kind ("44 khu"), not a signature."""
    return any(
        any(ch.isdigit() for ch in cell_text(v)) for c in cols if (v := view.sheet.value(r, c))
    )


def detect_form(
    view: SheetView,
    hits: list[Hit],
    is_unit: UnitTest = lambda _: False,
    min_indicators: int = MIN_INDICATORS,
) -> FormLayout | CrossLayout | Ambiguous | None:
    """A form (labels down one column, the month's figures beside them) or a table of
    units as columns; `min_indicators` labels at least (fewer on a form's second sheet)."""
    by_col: dict[int, set[str]] = defaultdict(set)
    for hit in hits:
        if hit.match.status == "ok":
            by_col[hit.col].add(hit.match.code or "")
    if not by_col:
        return None
    label_col = max(by_col, key=lambda c: (len(by_col[c]), -c))
    if len(by_col[label_col]) < min_indicators:
        return None
    ok_rows = sorted({h.row for h in hits if h.col == label_col and h.match.status == "ok"})
    first_row = ok_rows[0]
    # The table may open with rows whose labels are not sure by themselves: the header
    # is looked for above them, as long as they run on without a gap.
    labelled = {h.row for h in hits if h.col in (label_col, label_col + 1)}
    top = first_row
    while top - 1 in labelled or top - 2 in labelled:
        top = top - 1 if top - 1 in labelled else top - 2
    cross = _cross_header(view, first_row, label_col, is_unit, top)
    if cross is not None:
        header_row, unit_cols, total_cols, other_cols = cross
        value_cols = sorted((*unit_cols, *total_cols, *other_cols))
        rows, weak, readings = _block_rows(
            view, ok_rows, label_col, value_cols, set(), header_row + 1
        )
        return CrossLayout(
            label_col=label_col,
            header_row=header_row,
            unit_cols=tuple(unit_cols),
            total_cols=total_cols,
            other_cols=other_cols,
            rows={code: tuple(rs) for code, rs in rows.items()},
            weak_rows=tuple(weak),
            first_row=first_row,
            readings=readings,
        )
    header_row, value_cols, ignored = _find_form_header(view, first_row, label_col, top)
    if value_cols and header_row is not None:
        value_col = _month_column(view, header_row, label_col, value_cols, ok_rows)
        if isinstance(value_col, int):
            value_col = _unrivalled(view, header_row, label_col, value_col, ok_rows, ignored)
    else:
        value_col = _value_col_by_numbers(view, ok_rows, label_col, ignored)
    if value_col is None or isinstance(value_col, Ambiguous):
        return value_col
    body = header_row + 1 if header_row is not None else max(0, ok_rows[0] - 2)
    rows, weak, readings = _block_rows(view, ok_rows, label_col, [value_col], ignored, body)
    return FormLayout(
        label_col=label_col,
        value_col=value_col,
        header_row=header_row,
        rows={code: tuple(rs) for code, rs in rows.items()},
        weak_rows=tuple(weak),
        first_row=first_row,
        readings=readings,
    )


def _row_label(view: SheetView, r: int, label_col: int, skip: set[int]) -> tuple[int, str]:
    """The label of a form row: in the label column, or in the next column when a
    sub-item is indented into it; never a value, unit ("ĐVT") or notes column."""
    for col in (label_col, label_col + 1, label_col - 1):
        if col < 0 or col in skip:
            continue
        text = view.text(r, col)
        if _is_labelish(text):
            return col, text
    return label_col, ""


# ------------------------------------------------------------------------------ table


def _column_composites(view: SheetView, row: int, col: int) -> list[tuple[str, list[str]]]:
    """Header texts for a column, from the header row alone up to two group rows above;
    sub-headers that only say "this month" ("Trong kỳ") are left out of the label."""
    texts: list[str] = []
    for r in (row - 2, row - 1, row):
        if r < 0:
            continue
        text = view.head(r, col)
        if text and (not texts or texts[-1] != text):
            texts.append(text)
    if not texts or not view.head(row, col):
        return []
    return [(text, list(parts)) for text, parts in _composites_of(view.cfg, tuple(texts))]


@lru_cache(maxsize=16384)
def _composites_of(cfg: Config, texts: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    composites = [(" ".join(texts[i:]), texts[i:]) for i in range(len(texts))]
    naming = tuple(t for t in texts if not when_only(t, cfg.layouts))
    if naming and len(naming) < len(texts):
        composites += [(" ".join(naming[i:]), naming[i:]) for i in range(len(naming))]
    return tuple(composites)


def _group_above(book: LabelBook, parts: list[str]) -> str | None:
    """The catalog group named by the nearest header above a column's own sub-header."""
    return next((g for text in reversed(parts[:-1]) if (g := book.group_of(text))), None)


def _best_column_match(view: SheetView, row: int, col: int) -> tuple[LabelMatch, list[str]] | None:
    """The indicator a column's header names. Under a group header of the catalog
    ("Mô hình tự quản về ANTT" over "Khác"), the sub-header is read as a member of that
    group only; otherwise the header texts are matched joined, from the longest."""
    composites = _column_composites(view, row, col)
    if not composites:
        return None
    texts = composites[0][1]
    book = view.labels
    naming = [t for t in texts if not when_only(t, view.lay)] or texts
    # What only says when ("Thực hiện T10/2026", "Cùng kỳ năm 2025") names no indicator,
    # but stays with the column's texts, first, so that another period's is left out.
    when = [t for t in texts if t not in naming]
    group = _group_above(book, naming)
    if group is not None:
        member = book.match_in_group(group, naming[-1])
        if member is not None:
            return member, when + naming
        # The group's own words ("Tập huấn, bồi dưỡng nghiệp vụ", close to the classes'
        # label) must not decide for a sub-header they do not name: it is read alone.
        composites = [(naming[-1], [naming[-1]])]
    best: tuple[LabelMatch, list[str]] | None = None
    for composite, parts in composites:
        match = book.match(composite)
        if match.status == "none":
            continue
        if (
            group is not None
            and match.status == "ok"
            and book.unsure_outside_group(naming[-1], match.code or "", group)
        ):
            # "Khu dân cư" alone is khu_dan_cu_tong, but not under "Mô hình tự quản".
            match = LabelMatch("weak", None, match.score, match.candidates)
        if best is None or (match.score, len(parts)) > (best[0].score, len(best[1])):
            best = (match, parts)
    return (best[0], when + [t for t in best[1] if t not in when]) if best else None


def _ignored_column(view: SheetView, parts: list[str]) -> bool:
    """ "Lũy kế" or "Tháng 9/2026" under "Số buổi tuyên truyền" is not the month's figure.
    The text that is itself the indicator label is not checked: its own words may contain
    "kế hoạch"."""
    lay, book = view.lay, view.labels
    return any(
        (lay.ignored_headers.found_in(text) and book.match(text).status != "ok")
        or _derived_header(text)
        or (when_only(text, lay) and header_role(text, view.period, lay) == "other")
        for text in parts
    )


def _sub_header(view: SheetView, header_row: int, c: int) -> list[str]:
    """Texts under a table's header row that only say which period or comparison a
    column holds ("Tháng 10/2026", "Lũy kế", "Tăng (+)/giảm (-)"): a fourth header row."""
    out = []
    for r in (header_row + 1, header_row + 2):
        text = view.own_text(r, c) if r < view.sheet.n_rows else ""
        if (
            text
            and any(ch.isalpha() or ch == "+" for ch in text)
            and (when_only(text, view.lay) or _CHANGE.match(text))
        ):
            out.append(text)
    return out


def _twin_role(view: SheetView, parts: list[str]) -> PeriodRole:
    """The period a column's header texts name. Of the indicator's own label only the
    months it names count ("Số buổi tuyên truyền (T9)"): its words may hold "kế hoạch"."""
    book, month = view.labels, view.period.month
    roles = {
        header_role(text, view.period, view.lay)
        if book.match(text).status != "ok"
        else "other"
        if any(
            p.month != month or p.year not in (None, view.period.year) for p in find_periods(text)
        )
        else "neutral"
        for text in parts
    }
    return _strongest(roles)


_PERIOD_TOKEN = re.compile(r"^(?:t\d{1,2}|\d+)$")


@lru_cache(maxsize=16384)
def when_only(text: str, lay: Layouts) -> bool:
    """The header says only when or what kind of figure its column holds ("Tháng 10",
    "Thực hiện T10/2026", "Cùng kỳ năm 2025", "So sánh (%)"), naming no indicator."""
    rest = f" {fold(text)} "
    phrases = (*lay.period_headers.phrases, *lay.this_period.phrases, *lay.ignored_headers.phrases)
    for phrase in sorted(phrases, key=len, reverse=True):
        rest = rest.replace(f" {fold(phrase)} ", " ")
    words = [w for w in rest.split() if not _PERIOD_TOKEN.match(w)]
    return bool(fold(text)) and not words


def _header_row_scores(
    view: SheetView, min_columns: int
) -> list[tuple[int, dict[int, tuple[LabelMatch, list[str]]]]]:
    scored = []
    rows = view.sheet.rows
    # From the first row written (a table stacked below another is read from its own top).
    first = next((r for r, row in enumerate(rows) if any(v is not None for v in row)), 0)
    for r in range(first, min(view.sheet.n_rows, first + MAX_HEADER_ROWS)):
        # A header row naming k indicators has at least k text cells: rows with fewer than
        # `min_columns` cannot win, and skipping them keeps forms cheap.
        if view.text_columns(r) < min_columns:
            continue
        columns = {}
        for c in range(view.n_cols):
            # A sub-header may be one short word ("Lớp" under "Tập huấn"): its column
            # label is the joined group and sub-header, judged as a whole.
            if not any(ch.isalpha() for ch in view.head(r, c)):
                continue
            best = _best_column_match(view, r, c)
            if best:
                columns[c] = best
        if columns:
            scored.append((r, columns))
    return scored


def _unit_columns(
    view: SheetView, header_top: int, header_row: int, first_ind: int
) -> tuple[int | None, int | None]:
    lay = view.lay
    code_col = name_col = None
    for c in range(0, first_ind):
        texts = " ".join(view.head(r, c) for r in range(header_top, header_row + 1))
        if not texts or lay.ignored_headers.found_in(texts):  # "Đơn vị tính" is no unit name
            continue
        if code_col is None and lay.code_headers.found_in(texts):
            code_col = c
        elif name_col is None and lay.name_headers.found_in(texts):
            name_col = c
    return code_col, name_col


def _unnamed_columns(view: SheetView, top: int, row: int, first_ind: int, named: dict) -> list[Hit]:
    """Headed columns right of the first indicator that name nothing in the catalog: if
    they hold figures, those are reported rather than dropped."""
    hits = []
    for c in range(first_ind, view.n_cols):
        if c in named:
            continue
        parts = [t for t in dict.fromkeys(view.head(r, c) for r in range(top, row + 1)) if t]
        if parts and _is_labelish(" ".join(parts)) and not _ignored_column(view, parts):
            hits.append(Hit(row, c, " ".join(parts), view.labels.match(" ".join(parts))))
    return hits


def _weak_columns_in_context(
    view: SheetView,
    weak: list[Hit],
    mapping: dict[int, str],
    columns: dict[int, tuple[LabelMatch, list[str]]],
) -> list[Hit]:
    """A header not sure by itself ("Đối thoại") is read among the indicators no other
    column has taken; it is taken only when one stands clearly above the others. Adds
    what it finds to `mapping`; returns the columns still not sure."""
    remaining = []
    for hit in sorted(weak, key=lambda h: h.col):
        taken = frozenset(mapping.values())
        # A table's columns hold its communes' figures: a province-only indicator is
        # never chosen by elimination.
        allowed = frozenset(i.code for i in view.cfg.catalog.for_level("commune")) - taken
        parts = columns[hit.col][1] if hit.col in columns else [hit.text]
        found = None
        if hit.col not in mapping and not _ignored_column(view, parts):
            book = view.labels
            # The header's own words, without what only says when ("Thực hiện tháng 10").
            named = " ".join(part for part in parts if not when_only(part, view.lay))
            found = (
                book.match_in_context(parts[-1], allowed)
                or book.match_in_context(hit.text, allowed)
                or (book.match_in_context(named, allowed) if named else None)
            )
        if found is not None:
            mapping[hit.col] = found.code or ""
        else:
            remaining.append(hit)
    return remaining


def detect_table(view: SheetView, min_columns: int = MIN_INDICATORS) -> TableLayout | None:
    scored = _header_row_scores(view, min_columns)
    if not scored:
        return None

    def distinct(columns: dict[int, tuple[LabelMatch, list[str]]]) -> int:
        return len({m.code for m, _ in columns.values() if m.status == "ok"})

    header_row, columns = max(scored, key=lambda item: (distinct(item[1]), item[0]))
    if distinct(columns) < MIN_INDICATORS:
        return None
    header_top = header_row
    while (
        header_top > 0
        and header_row - header_top < 2
        and any(view.head(header_top - 1, c) for c in columns)
    ):
        header_top -= 1
    chosen: dict[str, list[tuple[float, int]]] = defaultdict(list)
    weak = []
    for c, (match, parts) in columns.items():
        if _ignored_column(view, parts):
            continue
        if match.status == "ok":
            chosen[match.code or ""].append((match.score, c))
        else:
            weak.append(Hit(header_row, c, " ".join(parts), match))
    mapping: dict[int, str] = {}
    ambiguous = []
    for code, cols in chosen.items():
        if len(cols) > 1:
            # Twin columns of one indicator, one of them headed with another month ("Số
            # buổi tuyên truyền (T9)"): that one is last month's figure, not this one's.
            # The row under the header may tell twins apart ("Tháng 10/2026 | Lũy kế").
            below = {c: _sub_header(view, header_row, c) for _, c in cols}
            above = {
                c: [view.text(r, c) for r in range(max(0, header_row - 2), header_row)]
                for _, c in cols
            }
            roles = {c: _twin_role(view, [*columns[c][1], *above[c], *below[c]]) for _, c in cols}
            now = [(s, c) for s, c in cols if roles[c] != "other"]
            named = [(s, c) for s, c in now if roles[c] == "this"]
            # The one twin whose own sub-header names the month, under a group header
            # that says "trong kỳ" over all of them.
            own = [(s, c) for s, c in now if below[c] and _twin_role(view, below[c]) == "this"]
            if len(own) == 1:
                named = own
            cols[:] = (named if len(named) == 1 and below[named[0][1]] else now) or cols
        cols.sort(reverse=True)
        if len(cols) > 1 and cols[0][0] == cols[1][0]:
            ambiguous.append((code, tuple(sorted(c for _, c in cols))))
            continue
        mapping[cols[0][1]] = code
        # A second, less similar column for the same indicator is not it: reported.
        weak += [Hit(header_row, c, " ".join(columns[c][1]), columns[c][0]) for _, c in cols[1:]]
    if len(set(mapping.values())) < MIN_INDICATORS:
        return None
    weak += _unnamed_columns(view, header_top, header_row, min(mapping), columns)
    # A column headed with another month ("Mô hình T9") is no label to learn: last month's.
    weak = [
        hit
        for hit in weak
        if _twin_role(view, columns[hit.col][1] if hit.col in columns else [hit.text]) != "other"
    ]
    code_col, name_col = _unit_columns(view, header_top, header_row, min(mapping))
    # The unit's name and code columns ("Xã, phường, đặc khu", "Mã ĐVHC") name no figure.
    weak = [hit for hit in weak if hit.col not in (code_col, name_col)]
    before = dict(mapping)
    weak = _weak_columns_in_context(view, weak, mapping, columns)
    readings = []
    for c, (match, parts) in sorted(columns.items()):
        if c in (code_col, name_col) or _ignored_column(view, parts):
            continue
        if c in mapping and c not in before:
            how = "columns"
            match = LabelMatch("ok", mapping[c], match.score, match.candidates)
        elif c in mapping:
            group = _group_above(view.labels, parts)
            in_group = group and mapping[c] in view.labels.group_members(group)
            how = f"group:{group}" if in_group else "label"
        else:
            how = "label"
            match = LabelMatch("weak", None, match.score, match.candidates)
        readings.append(_reading(header_row, c, " / ".join(parts), match, how))
    return TableLayout(
        header_top=header_top,
        header_row=header_row,
        columns=dict(sorted(mapping.items())),
        weak_columns=tuple(weak),
        code_col=code_col,
        name_col=name_col,
        ambiguous_columns=tuple(ambiguous),
        readings=tuple(readings),
    )


def detect_layout(
    view: SheetView, hits: list[Hit], is_unit: UnitTest = lambda _: False
) -> FormLayout | CrossLayout | TableLayout | Ambiguous | None:
    """The layout that explains more of the catalog; forms win ties (one unit per file).
    `is_unit` tells a unit's name (of the submitting province) in a header cell. A form
    whose month column cannot be told is `Ambiguous`, unless a table explains the sheet."""
    form = detect_form(view, month_block(view, hits), is_unit)
    named = len(form.rows) if isinstance(form, FormLayout | CrossLayout) else 0
    # A table must name more indicators than the form to win, so it needs more columns.
    table = detect_table(view, max(MIN_INDICATORS, named + 1 if named else 0))
    if isinstance(form, Ambiguous):
        return table or form
    if form and table:
        form_n, table_n = len(form.rows), len(set(table.columns.values()))
        return form if form_n >= table_n else table
    return form or table


def month_block(view: SheetView, hits: list[Hit]) -> list[Hit]:
    """A form written twice down one sheet, each part under a heading of its own ("PHẦN
    I. LŨY KẾ TỪ ĐẦU NĂM", "PHẦN II. KẾT QUẢ TRONG THÁNG 10/2026"): the labels of the one
    part whose heading names the run's month. Only when the other parts repeat most of
    its indicators: the headings and the repetition prove which part is the month's."""
    ok = [h for h in hits if h.match.status == "ok"]
    codes = [h.match.code for h in ok]
    if len(set(codes)) == len(codes):
        return hits  # no indicator written twice: one part
    first, last = min(h.row for h in ok), max(h.row for h in ok)
    units = view.labels.unit_words
    heads: list[tuple[int, PeriodRole]] = []
    labelled = {h.row for h in ok}
    for r in range(max(0, first - 3), last + 1):
        if r in labelled:
            continue  # a row with a sure label is no part's heading
        row = view.sheet.rows[r] if r < view.sheet.n_rows else []
        texts = [cell_text(v) for v in row if isinstance(v, str) and v.strip()]
        if len(texts) != 1 or any(is_number_cell(v, units) for v in row):
            continue
        role = header_role(texts[0], view.period, view.lay)
        if role != "neutral" and view.labels.match(texts[0]).status != "ok":
            heads.append((r, role))
    # A heading opens a part only when labels follow it ("Tháng 10 năm 2026" in the
    # title block does not).
    if len(heads) < 2:
        return hits

    def spans(heads: list[tuple[int, PeriodRole]]) -> dict[int, int]:
        """Each heading's row -> the row the next heading (or the labels' end) is on."""
        starts = [r for r, _ in heads]
        return dict(zip(starts, [*starts[1:], last + 1], strict=True))

    rows = sorted({h.row for h in ok})
    ends = spans(heads)
    heads = [(r, role) for r, role in heads if any(r < x < ends[r] for x in rows)]
    this = [r for r, role in heads if role == "this"]
    if len(this) != 1 or len(heads) < 2:
        return hits
    ends = spans(heads)
    start = this[0]
    inside = [h for h in hits if start < h.row < ends[start]]
    outside = {
        h.match.code for r, role in heads if role == "other" for h in ok if r < h.row < ends[r]
    }
    again = outside & {h.match.code for h in inside if h.match.status == "ok"}
    if len(again) < max(MIN_INDICATORS, len(outside) // 2):
        return hits
    return inside


def indicators_named(hits: list[Hit]) -> int:
    """How many distinct indicators a sheet names: picks the report among cover sheets."""
    return len({h.match.code for h in hits if h.match.status == "ok"})
