"""Every variation class and format of SPEC §5, read against the messy month's truth."""

from __future__ import annotations

import pytest

from tools.messy import VARIATION_NAMES, generate_messy_month
from tools.score import run_stages, score_files

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def scored(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    truth = generate_messy_month(root, PERIOD, seed=11, provinces=["01", "79", "48"], per_class=2)
    facts, findings = run_stages(root, PERIOD)
    return score_files(truth, facts, findings)


@pytest.mark.parametrize("variation", VARIATION_NAMES)
def test_every_file_of_the_class_is_read_fully_correctly(scored, variation):
    files = scored[scored["variation"] == variation]
    assert len(files) == 2
    wrong = files[~files["ok"]]
    assert wrong.empty, wrong[["file", "wrong", "extra", "missed", "detail"]].to_dict("records")


def test_every_format_is_in_the_month(scored):
    assert set(scored["format"]) == {"xlsx", "xlsm", "xls", "ods", "html", "csv"}


def test_the_format_is_told_by_content(tmp_path):
    from antq.tasks.read import read_workbook
    from tools.messy import generate_messy_month as generate

    truth = generate(tmp_path, PERIOD, seed=3, provinces=["01", "79", "48"], per_class=1)
    for row in truth.files.itertuples():
        book = read_workbook(tmp_path / "inbox" / row.original_path)
        assert book.format == row.format, row.original_path
