"""The catalog's rules as a check on a reading, before its figures are trusted.

A well-kept report keeps its within-report rules (parts add up to the whole, a part is
not larger than its whole, members are not fewer than teams). A reading that breaks
several of them, where the same cells read one column (or one row) over keep them all,
is more likely a misread layout (headers shifted against their figures) than a report
full of mistakes: the file is told so (`layout-ambiguous`), and nothing of it is stored.
A reading that breaks a rule or two, with no other reading that explains the cells
better, is left to the validate stage, which tells the submitter which figure to fix.
"""

from __future__ import annotations

from collections.abc import Iterable

from antq.cells import a1, column_letter
from antq.config import Config
from antq.tasks.clean import parse_value
from antq.tasks.normalize.layout import Ambiguous
from antq.tasks.read import Sheet


def rule_breaks(values: dict[str, float], cfg: Config) -> tuple[int, int]:
    """(rules broken, rules that could be checked) for one report's figures."""
    results = [rule.holds(values) for rule in cfg.catalog.consistency]
    checked = [r for r in results if r is not None]
    return sum(1 for r in checked if not r), len(checked)


def _values(sheet: Sheet, cells: Iterable[tuple[str, int, int]], cfg: Config) -> dict[str, float]:
    out = {}
    for code, r, c in cells:
        indicator = cfg.catalog.indicator(code)
        parsed = parse_value(
            sheet.value(r, c), indicator.value_type, indicator, units=cfg.labels.units_for(code)
        )
        if parsed.status == "ok" and parsed.value is not None:
            out[code] = parsed.value
    return out


def _misread(broken: int, checked: int) -> bool:
    return broken >= 2 and 2 * broken >= checked


def shifted_form(
    sheet: Sheet,
    rows: dict[str, int],
    label_col: int,
    value_col: int,
    read: dict[str, float],
    cfg: Config,
) -> Ambiguous | None:
    """A form whose figures as read (`read`, where its headers say) break most of the
    rules that the cells one column or one row over keep."""
    here = rule_breaks(read, cfg)
    if not _misread(*here):
        return None
    for dr, dc in ((0, 1), (0, -1), (1, 0), (-1, 0)):
        if value_col + dc <= label_col:
            continue
        cells = ((k, r + dr, value_col + dc) for k, r in rows.items())
        broken, checked = rule_breaks(_values(sheet, cells, cfg), cfg)
        if broken == 0 and checked >= max(2, here[1] - 1):
            where = (
                f"cột {column_letter(value_col + dc)}"
                if dc
                else f"lệch {'xuống' if dr > 0 else 'lên'} một dòng"
            )
            first = min(rows.values())
            return Ambiguous(
                part="vị trí số liệu so với tên chỉ tiêu",
                candidates=(
                    (a1(first, value_col), f"đọc theo tiêu đề thì sai {here[0]}/{here[1]} quy tắc"),
                    (a1(first + dr, value_col + dc), f"đọc {where} thì không sai quy tắc nào"),
                ),
                how=(
                    "Kiểm tra lại bảng: mỗi số phải nằm đúng dòng của chỉ tiêu và đúng cột "
                    "“Số liệu”; không chèn hay xóa ô làm lệch số so với tên chỉ tiêu."
                ),
            )
    return None


def shifted_table(
    sheet: Sheet,
    columns: dict[int, str],
    unit_rows: list[int],
    read: dict[int, dict[str, float]],
    header: int,
    cfg: Config,
) -> Ambiguous | None:
    """A table whose unit rows as read (`read`, by row) mostly break the rules that every
    row keeps when read one column over (headers shifted against the figures)."""
    if len(unit_rows) < 2:
        return None
    as_read = [rule_breaks(read.get(r, {}), cfg) for r in unit_rows]
    here = sum(broken > 0 for broken, _ in as_read)
    if not (here >= 2 and 2 * here >= len(unit_rows)):
        return None
    checked_here = sum(checked > 0 for _, checked in as_read)
    for shift in (1, -1):
        broken = checked = 0
        for r in unit_rows:
            cells = ((code, r, c + shift) for c, code in columns.items())
            b, n = rule_breaks(_values(sheet, cells, cfg), cfg)
            broken += b > 0
            checked += n > 0
        if broken == 0 and checked >= checked_here:
            first = min(columns)
            return Ambiguous(
                part="cột số liệu của từng chỉ tiêu",
                candidates=(
                    (
                        a1(header, first),
                        f"đọc theo tiêu đề thì {here}/{len(unit_rows)} dòng sai quy tắc",
                    ),
                    (
                        a1(header, first + shift),
                        f"đọc lệch {'sang phải' if shift > 0 else 'sang trái'} một cột thì không dòng nào sai",
                    ),
                ),
                how=(
                    "Kiểm tra lại tiêu đề bảng: mỗi tiêu đề phải nằm đúng trên cột số liệu "
                    "của nó (không gộp ô hay chèn cột làm lệch tiêu đề so với số)."
                ),
            )
    return None
