"""Files made by someone who never read the reader, from the SPEC and a description of
each variation class (tests/fixtures/independent/make_fixtures.py, with truth.json):
grouped headers with short sub-headers, column-number rows and code columns, unit
column headers, workbooks holding earlier months, reworded labels, hidden rows in .xls
and .ods, XML Spreadsheet 2003, text in the TCVN3 and VNI legacy encodings, and wide
tables whose grouped headers have no merged cells (.csv, .xlsx, an HTML table named .xls).

Every one is well formed: every figure must be read with its value at its cell, and no
file may get an error or a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tools.score import read_each, score_expected

FILES = Path(__file__).parent / "fixtures" / "independent" / "files"
TRUTH = json.loads((FILES / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scored():
    facts, findings = read_each(FILES, "2026-10")
    return score_expected(TRUTH, facts, findings), findings


def test_no_value_is_ever_wrong(scored):
    table, _ = scored
    assert int(table["wrong"].sum()) == 0, table[table["wrong"] > 0]["detail"].tolist()


def test_no_well_formed_file_gets_an_error_or_a_warning(scored):
    _, findings = scored
    assert [(f.original_path, f.cell, f.rule) for f in findings] == []


@pytest.mark.parametrize("item", TRUTH, ids=lambda t: Path(t["path"]).name)
def test_every_figure_is_read_at_its_cell(scored, item):
    table, _ = scored
    row = table[table["file"] == item["path"].removeprefix("inbox/")].iloc[0]
    assert row["read_fully"], row["detail"]


def test_every_class_and_format_is_there():
    classes = {t["class"] for t in TRUTH}
    formats = {t["format"] for t in TRUTH}
    assert {
        "grouped-short-subheaders",
        "number-row-and-code-column",
        "unit-column-header",
        "earlier-month-sheets",
        "reworded-labels",
        "hidden-rows",
        "spreadsheetml",
        "legacy-fonts",
        "headers-without-merges",
    } <= classes
    assert {"xlsx", "xls", "ods", "spreadsheetml", "csv", "html"} <= formats
