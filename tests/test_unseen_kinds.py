"""Layouts the SPEC does not describe, in files made by two authors who had read only the
SPEC and the catalog, each with a truth.json:

- tests/fixtures/unseen/: stacked report blocks, tables side by side, plan columns,
  months as columns, a sheet per commune, ranking tables, the total first, a
  year-to-date block before the month, a narrative report with its appendix, footnote
  marks, village rows, software exports in long format, hidden helper columns;
- tests/fixtures/unseen_more/ (made after the reader had learnt the first set, to see
  whether it learnt the principle or the cases): units under "Phường / Xã" headings,
  thousands written "1,250" or "1 250", count and percent pairs, labels split over
  columns, small cards per section, a transposed table split over sheets, estimate
  columns, the month only in the sheet's name, complements ("Chưa đạt"), checkboxes,
  a print sheet of formulas over a data sheet, rotated headers, the code last.

The reader is not expected to read every such file. What always holds:

- no value is ever stored wrong (a figure other than the truth's, or one it has not);
- a file is read fully, or says so with a finding (nothing of it is lost in silence,
  except the files listed below as what is left to do);
- the files their authors made ambiguous on purpose get `layout-ambiguous`;
- the kinds the principle already reads (their own arithmetic and headers prove the
  reading) read fully, with no error.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.score import read_each, score_expected

HERE = Path(__file__).parent / "fixtures"
FOLDERS = {"unseen": HERE / "unseen" / "files", "unseen_more": HERE / "unseen_more" / "files"}
TRUTH = {
    name: json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    for name, folder in FOLDERS.items()
}
ITEMS = [(name, item) for name, items in TRUTH.items() for item in items]
# Kinds read fully today: a change that loses one of them is a regression.
READ = {
    "unseen-footnote-markers",
    "unseen-hidden-columns",
    "unseen-month-pivot",
    "unseen-plan-column",
    "unseen-rank-column",
    "unseen-sheet-per-commune",
    "unseen-side-by-side",
    "unseen-stacked-blocks",
    "unseen-total-first",
    "unseen-village-rows",
    "unseen-ytd-block-first",
    "more-count-and-percent",
    "more-estimate-column",
    "more-period-in-sheet-name",
    "more-print-sheet",
    "more-rotated-header",
    "more-thousands-space-comma",
    "more-type-subheadings",
}
# Figures on a sheet the reader does not take and does not speak of yet (issue note): a
# province's own figures on an appendix whose title names no unit, the second sheet of
# a transposed table split over sheets.
SILENT = {
    "inbox/2026-10/37-ninh-binh/bao_cao_antq_thang_10_2026.xls",
    "inbox/2026-10/12/LaiChau_bieu_ngang_T10_2026.xlsx",
}


@pytest.fixture(scope="module")
def scored():
    out = {}
    for name, folder in FOLDERS.items():
        facts, findings = read_each(folder, "2026-10")
        out[name] = (score_expected(TRUTH[name], facts, findings), findings)
    return out


def _ids(pair):
    name, item = pair
    return f"{name}:{item['class']}:{Path(item['path']).name}"


def _row(table, item):
    return table[table["file"] == item["path"].removeprefix("inbox/")].iloc[0]


@pytest.mark.parametrize("name", FOLDERS)
def test_no_value_is_ever_stored_wrong(scored, name):
    table, _ = scored[name]
    wrong = table[(table["wrong"] > 0) | (table["extra"] > 0)]
    assert wrong.empty, wrong[["file", "detail"]].to_dict("records")


@pytest.mark.parametrize("pair", ITEMS, ids=_ids)
def test_a_file_not_read_fully_says_so(scored, pair):
    name, item = pair
    table, findings = scored[name]
    row = _row(table, item)
    if row["read_fully"] or item["path"] in SILENT:
        return
    said = [f for f in findings if f.original_path == row["file"]]
    assert said, f"{row['file']}: {row['lost']} figures lost without a word"


@pytest.mark.parametrize(
    "pair", [(n, t) for n, t in ITEMS if t["class"] in READ and t["well_formed"]], ids=_ids
)
def test_kinds_the_principle_proves_read_fully_without_an_error(scored, pair):
    name, item = pair
    table, findings = scored[name]
    row = _row(table, item)
    assert row["read_fully"], row["detail"]
    errors = [(f.cell, f.rule) for f in findings if f.original_path == row["file"] and f.is_error]
    assert errors == []


@pytest.mark.parametrize("name", FOLDERS)
def test_the_file_made_ambiguous_says_so_and_stores_nothing(scored, name):
    table, findings = scored[name]
    ambiguous = [t for t in TRUTH[name] if not t["well_formed"]]
    assert ambiguous
    for item in ambiguous:
        row = _row(table, item)
        rules = {f.rule for f in findings if f.original_path == row["file"]}
        assert "layout-ambiguous" in rules, rules
        assert row["extra"] == 0 and row["wrong"] == 0


@pytest.mark.parametrize("name", FOLDERS)
def test_there_are_at_least_eight_kinds_in_several_formats(name):
    kinds = {t["class"] for t in TRUTH[name]}
    assert len(kinds) >= 8
    assert len({t["format"] for t in TRUTH[name]}) >= 4
