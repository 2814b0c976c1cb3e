"""Forms of `antq template` filled by someone who never read the reader nor the
template's code, from the SPEC and a description of what officers do
(tests/fixtures/template_filled/make_fixtures.py, with truth.json): typed and pasted
figures, blanks, notes, mistakes, rows inserted and swapped, labels reworded, a
year-to-date column added, the notes column deleted, the sheet renamed, re-saved as .xls
and .ods, two months in one workbook, last month's form sent again, December's form and
a province's own form.

Every figure read must be the truth's, at its cell; a well-formed file gets no finding; a
file with a mistake gets exactly the findings the truth names, at their cells."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from antq.config import Config
from antq.tasks.normalize import FileRef, normalize_workbook
from antq.tasks.read import read_bytes
from tools.score import read_each, score_expected

FILES = Path(__file__).parent / "fixtures" / "template_filled" / "files"
TRUTH = json.loads((FILES / "truth.json").read_text(encoding="utf-8"))
PERIODS = sorted({item["period"] for item in TRUTH})
# What the officer did leaves the form as it was made: read by its known layout.
INTACT = {
    "control",
    "blanks",
    "zeros-and-notes",
    "text-numbers",
    "mistake-part-exceeds-whole",
    "mistake-sum",
    "mistake-missing-required",
    "resaved-xls",
    "resaved-ods",
    "renamed-sheet",
    "december",
    "province-own",
}
CHANGED = {"altered-rows", "altered-labels", "altered-columns"}


@pytest.fixture(scope="module")
def scored():
    tables, findings = [], []
    for period in PERIODS:
        facts, found = read_each(FILES, period)
        items = [item for item in TRUTH if item["period"] == period]
        tables.append(score_expected(items, facts, found))
        findings += found
    by_file = defaultdict(set)
    for f in findings:
        by_file[f.original_path].add((f.rule, f.cell))
    return tables, by_file


def _row(scored, item):
    path = item["path"].removeprefix("inbox/")
    for table in scored[0]:
        hit = table[table["file"] == path]
        if len(hit):
            return hit.iloc[0]
    raise AssertionError(f"{path} not scored")


@pytest.mark.parametrize("item", TRUTH, ids=lambda t: Path(t["path"]).name)
def test_every_figure_read_is_right_and_every_finding_expected(scored, item):
    row = _row(scored, item)
    assert row["wrong"] == 0 and row["extra"] == 0, row["detail"]
    want = {(f["rule"], f["cell"]) for f in item["expected_findings"]}
    got = scored[1].get(item["path"].removeprefix("inbox/"), set())
    assert got == want
    if item["well_formed"]:
        assert row["read_fully"], row["detail"]


@pytest.mark.parametrize(
    "item", [t for t in TRUTH if t["class"] in INTACT | CHANGED], ids=lambda t: t["class"]
)
def test_intact_forms_take_the_fast_path_and_changed_ones_the_normal_path(item):
    path = FILES / item["path"]
    ref = FileRef(
        item["path"].removeprefix(f"inbox/{item['period']}/"),
        "0" * 64,
        item["province_code"],
        item["period"],
        dt.datetime.now(dt.UTC),
    )
    parsed = normalize_workbook(
        read_bytes(path.read_bytes(), path.name), ref, Config.load(item["period"])
    )
    assert (parsed.template is not None) == (item["class"] in INTACT), parsed.template


def test_every_class_is_there():
    classes = {t["class"] for t in TRUTH}
    assert INTACT | CHANGED | {"two-months", "wrong-month"} <= classes
    assert {t["format"] for t in TRUTH} >= {"xlsx", "xls", "ods"}
