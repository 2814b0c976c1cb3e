"""The layout fuzzer: thousands of files drawn by tests/fuzz_layouts.py (a generator
written from the SPEC alone, without reading the reader), with and without distractors
(sub-total rows, comparison columns, a continued sheet, figures with units, transposed
tables, two plausible totals). Judged per file (tools/fuzzing.py):

- no value is ever stored wrong (a figure other than the truth's, or one it has not);
- a file is read fully (every figure at its cell), or it says why with a finding that
  names a cell (`layout-ambiguous`, or `unit-ambiguous` for a name two communes share
  once written without diacritics); no other error on a well-formed file;
- at least 99 % of the well-formed files are read fully;
- a file the fuzzer marks as unprovable (two totals, neither the sum) gets
  `layout-ambiguous` and none of the figures it cannot prove.

The suite draws the same layouts on every run (ANTQ_FUZZ_SEED), so a red CI always
means a change broke something; benchmarks/layout_fuzz.py draws other seeds and more.
"""

from __future__ import annotations

import os

import pytest

from antq.config import Config
from tools.fuzzing import draw_cases, judge

CASES = int(os.environ.get("ANTQ_FUZZ_EXAMPLES", "2000"))
SEED = int(os.environ.get("ANTQ_FUZZ_SEED", "20261201"))


@pytest.fixture(scope="module")
def outcomes():
    config = Config.load("2026-10")
    return [judge(case, config) for case in draw_cases(CASES, SEED)]


def _show(items):
    return [(o.tags, o.wrong or o.extra or o.missing, o.errors[:3]) for o in items[:3]]


def test_enough_layouts_are_drawn(outcomes):
    assert len(outcomes) >= min(CASES, 2000) * 0.95


def test_no_value_is_ever_stored_wrong(outcomes):
    bad = [o for o in outcomes if o.stored_wrong]
    assert not bad, _show(bad)


def test_a_well_formed_file_gets_no_other_error(outcomes):
    bad = [o for o in outcomes if o.false_errors]
    assert not bad, _show(bad)


def test_every_file_not_read_fully_says_why_at_a_cell(outcomes):
    bad = [o for o in outcomes if not o.read_fully and not o.explained]
    assert not bad, _show(bad)


def test_almost_every_well_formed_file_is_read_fully(outcomes):
    well_formed = [o for o in outcomes if not o.ambiguous_expected]
    # Names two communes share once folded are rightly held back: not a failure.
    read = [o for o in well_formed if o.read_fully or {u for u, _ in o.missing} <= o.unsure]
    assert len(read) >= 0.99 * len(well_formed), _show([o for o in well_formed if o not in read])


def test_an_unprovable_file_says_so_and_stores_nothing_of_what_it_cannot_prove(outcomes):
    unprovable = [o for o in outcomes if o.ambiguous_expected]
    bad = [o for o in unprovable if "layout-ambiguous" not in {e[0] for e in o.errors}]
    assert not bad, _show(bad)


def test_a_report_read_carries_every_required_figure(outcomes):
    bad = [o for o in outcomes if o.required_missing and o.read_fully]
    assert not bad, [(o.tags, o.required_missing[:5]) for o in bad[:3]]
