"""Which lines of a table are sums of others, proven by the table's own arithmetic.

A province's table closes groups of communes with sub-totals ("Cộng huyện … (cũ)",
"Tổng cộng khu vực …", or no label at all) and ends (or starts) with the grand total,
which is the province's own report (SPEC §5). Labels say a line is *some* total; only
the figures say which: a sub-total equals the sum of a contiguous run of unit lines next
to it, the grand total the sum of all of them. A line is a row of a wide table or a
column of a transposed one; this module sees only positions, figures and what the
labels claim, so it serves both.

Nothing here guesses: a line is taken as derived only when every figure it carries
equals the sum, and the province's report is the grand total the arithmetic proves, or
else the one line whose label clearly says so (its figures are then checked against the
sum in the validate stage, with a warning naming both). Two such lines that the figures
cannot tell apart are candidates, for one `layout-ambiguous` finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np

from antq.schemas.layouts import Layouts
from antq.text import fold

# What a line's label claims: "grand" ("Tổng cộng toàn tỉnh", "Toàn tỉnh"), "total"
# ("Cộng", "Tổng": the grand total or a group's), "group" ("Cộng huyện Yên Sơn (cũ)",
# "Tổng cộng khu vực phía Bắc": a group's).
TotalLabel = Literal["grand", "total", "group"]

# A line proven derived carries at least this many non-zero figures that equal the sum
# (fewer, in a table with fewer columns of figures): zeros prove nothing.
MIN_EVIDENCE = 3


@lru_cache(maxsize=16384)
def total_label(text: str, lay: Layouts) -> TotalLabel | None:
    """What a label says about its line being a total (None: nothing)."""
    folded = fold(text)
    if not folded or folded.startswith("cong an"):  # "Công an xã …" is the police, not "Cộng"
        return None
    if lay.total_labels.equals(folded) or lay.grand_scopes.equals(folded):
        return "grand" if lay.grand_scopes.found_in(folded) else "total"
    head = lay.total_heads.first_in(folded)
    if head is None or not folded.startswith(fold(head)):
        return "grand" if folded.startswith(("toan tinh", "toan thanh pho")) else None
    rest = folded[len(fold(head)) :].strip()
    if lay.grand_scopes.found_in(rest):
        return "grand"
    named = [w for w in rest.split() if not w.isdigit() and w not in _FILLERS]
    if not named:
        return "total"  # "Cộng", "Tổng cộng (8 xã)", "Cộng các xã"
    if lay.group_words.found_in(rest):
        # "Cộng huyện Yên Sơn (cũ)" names its group; "Cộng các xã, phường" names none.
        return "group" if _without(rest, lay.group_words) else "total"
    return None  # "Cộng Hòa": a name that happens to start like a total


_FILLERS = frozenset({"cac", "cua", "thuoc", "tat", "ca", "cu", "xa", "phuong", "don", "vi"})


def _without(text: str, phrases) -> list[str]:
    """The words of `text` left once `phrases` and fillers are taken out."""
    padded = f" {text} "
    for phrase in sorted(phrases.phrases, key=len, reverse=True):
        padded = padded.replace(f" {fold(phrase)} ", " ")
    return [w for w in padded.split() if not w.isdigit() and w not in _FILLERS]


@dataclass(frozen=True)
class Line:
    """A row (or column) with figures: `figures` over the compared indicators (None:
    blank or not a number), what its label claims, and whether it names a unit."""

    pos: int
    figures: tuple[float | None, ...]
    label: TotalLabel | None = None
    names_unit: bool = False


@dataclass(frozen=True)
class Derived:
    pos: int
    members: tuple[int, ...]  # the positions of the lines it sums
    grand: bool  # it sums every unit line


@dataclass(frozen=True)
class Totals:
    derived: dict[int, Derived]  # by position
    total: int | None  # the province's line
    proven: bool  # the total's figures equal the sum of every unit line
    candidates: tuple[int, ...] = ()  # total lines the figures cannot tell apart


def reconcile(lines: list[Line]) -> Totals:
    """Sub-totals, grand totals and the province's line of a table's lines (in order)."""
    if not lines:
        return Totals({}, None, False)
    values = np.array(
        [[np.nan if v is None else v for v in line.figures] for line in lines], dtype=float
    ).reshape(len(lines), -1)
    filled = np.nan_to_num(values)  # blanks add nothing to a sum
    evidence = min(MIN_EVIDENCE, int((filled != 0).any(axis=0).sum()))
    derived: dict[int, Derived] = {}
    changed = True
    atoms = [j for j, line in enumerate(lines) if line.label is None]  # lines a total may sum
    while changed:  # a grand total is proven once the sub-totals between are set aside
        changed = False
        for i, line in enumerate(lines):
            if i in derived:
                continue
            run = _summed_run(values, filled, i, atoms, 1 if line.label else 2, max(evidence, 1))
            if run is None:
                continue
            units = {j for j in atoms if lines[j].names_unit and j != i}
            derived[i] = Derived(
                line.pos, tuple(lines[j].pos for j in run), grand=bool(units) and units <= set(run)
            )
            if i in atoms:
                atoms.remove(i)
            changed = True
    return _province_line(lines, values, derived)


def _summed_run(
    values: np.ndarray, filled: np.ndarray, i: int, atoms: list[int], min_len: int, evidence: int
) -> list[int] | None:
    """The shortest run of atoms right before or right after line `i` whose sum equals
    every figure of line `i` (blanks of `i` are not compared)."""
    target = values[i]
    compared = ~np.isnan(target)
    if int((filled[i] != 0).sum()) < evidence:
        return None
    want = target[compared]
    tolerance = 1e-6 + 1e-9 * np.abs(want)
    before = [j for j in atoms if j < i][::-1]
    after = [j for j in atoms if j > i]
    best: list[int] | None = None
    for side in (before, after):
        if len(side) < min_len:
            continue
        sums = np.cumsum(filled[side][:, compared], axis=0)
        hits = np.flatnonzero((np.abs(sums - want) <= tolerance).all(axis=1))
        hits = hits[hits >= min_len - 1]
        if hits.size and (best is None or hits[0] + 1 < len(best)):
            best = sorted(side[: hits[0] + 1])
    return best


_RANK = {"grand": 3, "total": 2, "group": 1, None: 0}


def _province_line(lines: list[Line], values: np.ndarray, derived: dict[int, Derived]) -> Totals:
    """`derived` is keyed by index in `lines`; the result by position."""
    by_pos = {d.pos: d for d in derived.values()}
    if sum(line.names_unit for line in lines) < 2:
        # A table of one commune ("Xã A | … " then "Cộng") is that commune's report: its
        # total repeats the commune's figures and says nothing of the province's own.
        return Totals(by_pos, None, False)
    grand = [i for i, d in derived.items() if d.grand]
    if grand:
        same = all(np.array_equal(values[g], values[grand[0]], equal_nan=True) for g in grand)
        if not same:
            return Totals(by_pos, None, False, tuple(lines[g].pos for g in grand))
        best = max(grand, key=lambda g: (_RANK[lines[g].label], g))
        return Totals(by_pos, lines[best].pos, True)
    # No line is proven to be the grand total: the one line that says it is the total
    # is taken (and checked against the sum, with a warning, later). A sub-total's label
    # ("Cộng huyện … (cũ)") never makes it the province's report; two lines that claim
    # it, neither proven, are not chosen between.
    claimed = [
        i
        for i, line in enumerate(lines)
        if line.label == "grand" or (line.label == "total" and i not in derived)
    ]
    if len(claimed) == 1:
        return Totals(by_pos, lines[claimed[0]].pos, False)
    return Totals(by_pos, None, False, tuple(lines[i].pos for i in claimed))
