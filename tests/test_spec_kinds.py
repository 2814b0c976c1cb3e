"""The layouts SPEC §5 adds ("More layouts real provinces send"), in files made by
someone who never read the reader (tests/fixtures/spec_kinds/make_fixtures.py, with
truth.json): communes grouped under their former districts with sub-total rows and a
grand total (one labelled without diacritics, one in the STT column, a heading sharing
its name with a commune), transposed tables (a total column first under "Chia ra", a row
of unit codes), forms continued on a second sheet, figures written with their unit, the
period given only as its data window, and comparison columns beside the month's.

Every file is well formed: every figure is read at its cell with its value, nothing
else is stored (a sub-total or a comparison figure stored would be a wrong value), and
no file gets an error or a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.score import read_each, score_expected

FILES = Path(__file__).parent / "fixtures" / "spec_kinds" / "files"
TRUTH = json.loads((FILES / "truth.json").read_text(encoding="utf-8"))
KINDS = {
    "district-groups",
    "transposed",
    "continued-sheet",
    "figures-with-units",
    "window-period",
    "comparison-columns",
}


@pytest.fixture(scope="module")
def scored():
    facts, findings = read_each(FILES, "2026-10")
    return score_expected(TRUTH, facts, findings), findings


def test_no_value_is_stored_wrong(scored):
    table, _ = scored
    wrong = table[(table["wrong"] > 0) | (table["extra"] > 0)]
    assert wrong.empty, wrong[["file", "detail"]].to_dict("records")


def test_no_well_formed_file_gets_an_error_or_a_warning(scored):
    _, findings = scored
    assert [(f.original_path, f.cell, f.rule) for f in findings] == []


@pytest.mark.parametrize("item", TRUTH, ids=lambda t: f"{t['class']}:{Path(t['path']).name}")
def test_every_figure_is_read_at_its_cell(scored, item):
    table, _ = scored
    row = table[table["file"] == item["path"].removeprefix("inbox/")].iloc[0]
    assert row["read_fully"], row["detail"]


def test_every_kind_is_there_in_several_formats():
    assert {t["class"] for t in TRUTH} >= KINDS
    for kind in KINDS:
        assert len({t["format"] for t in TRUTH if t["class"] == kind}) >= 3, kind
