"""Backfill and query: the data team's other commands."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from antq.cli import main
from antq.flows.backfill import backfill, months_between
from antq.flows.monthly import monthly_ingest
from antq.sample.generate import generate_month
from antq.warehouse.store import Warehouse


def test_months_between():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-10", "2026-10") == ["2026-10"]


def test_backfill_runs_each_month_in_order_and_compares_with_the_month_before(
    tmp_path, prefect_harness
):
    for period in ("2026-09", "2026-10"):
        generate_month(tmp_path, period, seed=5, provinces=["15"], max_communes=6, mistakes=False)
    summaries = backfill(
        "2026-08", "2026-10", tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports"
    )
    assert [s.period for s in summaries] == ["2026-09", "2026-10"]  # no 2026-08 folder
    store = Warehouse(tmp_path / "warehouse")
    assert store.periods("facts") == ["2026-09", "2026-10"]
    sheet = openpyxl.load_workbook(summaries[1].ministry_workbook)["Chỉ tiêu"]
    texts = {c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)}
    assert "So với tháng trước (tăng/giảm)" in texts
    # the nation at a glance: October, and the year to date of September and October
    national = openpyxl.load_workbook(summaries[1].ministry_workbook)["Toàn quốc"]
    row = next(r for r in national.iter_rows(values_only=True) if r[-1] == "nguon_tin")
    rollup = store.read("rollup").set_index(["period", "unit_code", "indicator"])["value"]
    september, october = (
        rollup[("2026-09", "VN", "nguon_tin")],
        rollup[("2026-10", "VN", "nguon_tin")],
    )
    assert (row[1], row[2]) == (october, september + october)

    # October's year to date adds September's and October's flows up, as the facts say;
    # a corrected September (one figure of a commune's form) changes it
    before = _ytd_against_facts(store)
    _correct_one_figure(sorted((tmp_path / "inbox" / "2026-09").rglob("*.xlsx")))
    monthly_ingest("2026-09", tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports")
    after = _ytd_against_facts(Warehouse(tmp_path / "warehouse"))
    assert after["nguon_tin"] == before["nguon_tin"] + 1
    assert after.drop("nguon_tin").equals(before.drop("nguon_tin"))


def _ytd_against_facts(store: Warehouse) -> pd.Series:
    """October's year to date of each flow of province 15, checked against the sum of
    its communes' facts of both months; returned."""
    from antq.config import Config

    catalog = Config.load("2026-10").catalog
    flows = {i.code for i in catalog.indicators if i.kind == "flow" and "commune" in i.levels}
    facts = store.read("facts")
    facts = facts[(facts["unit_level"] == "commune") & facts["indicator"].isin(flows)]
    expected = facts.groupby("indicator")["value"].sum()
    rows = store.read("rollup_windows", "2026-10")
    rows = rows[(rows["window"] == "ytd") & (rows["unit_code"] == "15")]
    got = rows[rows["indicator"].isin(flows)].set_index("indicator")["value"]
    assert (rows["n_months"] == 2).all()
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)
    return got


def _correct_one_figure(files: list) -> None:
    """A commune sends its form again with its tips from the public (nguon_tin, a flow)
    one higher (a later arrival)."""
    import os

    for path in files:
        book = openpyxl.load_workbook(path)
        for row in book.active.iter_rows():
            texts = [c.value.lower() for c in row if isinstance(c.value, str)]
            if not any("nguồn tin do quần chúng" in t for t in texts):
                continue
            numbers = [c for c in row if isinstance(c.value, int) and not isinstance(c.value, bool)]
            if len(numbers) < 2:  # the row's number (STT), then its figure
                continue
            numbers[-1].value += 1
            book.save(path)
            later = path.stat().st_mtime + 3600
            os.utime(path, (later, later))
            return
    raise AssertionError("no figure to correct")


def test_query_reads_the_warehouse_tables(tmp_path, capsys, month_run):
    root, _, _ = month_run
    out = tmp_path / "rollup.csv"
    assert (
        main(
            [
                "query",
                "--warehouse",
                str(root / "warehouse"),
                "--csv",
                str(out),
                "SELECT unit_code, value FROM rollup WHERE indicator = 'nguon_tin' AND unit_code = 'VN'",
            ]
        )
        == 0
    )
    lines = out.read_text().splitlines()
    assert lines[0] == "unit_code,value" and lines[1].startswith("VN,")


def test_query_reads_the_windows_and_says_how_to_write_their_keyword(month_run, capsys):
    root, _, _ = month_run
    where = "WHERE unit_code = 'VN' AND indicator = 'nguon_tin' AND {w} = 'ytd'"
    sql = "SELECT value, n_months FROM rollup_windows " + where
    args = ["query", "--warehouse", str(root / "warehouse")]
    assert main([*args, sql.format(w='"window"')]) == 0
    out = capsys.readouterr().out.split()
    assert out[:2] == ["value", "n_months"] and out[-1] == "1"  # one month in the warehouse
    assert main([*args, sql.format(w="window")]) == 2
    assert 'viết "window"' in capsys.readouterr().err


def test_query_as_of_reads_the_tables_as_the_ministry_saw_them(tmp_path, capsys):
    """Two runs of a month, a correction between them: --as-of a moment between the two
    reads the first run's figures; before any run, a message."""
    import datetime as dt
    import time

    from test_warehouse import _commit

    from antq.warehouse.store import Warehouse

    store = Warehouse(tmp_path / "wh")
    _commit(store, 1.0)
    time.sleep(1.1)
    between = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7)))
    time.sleep(1.1)
    _commit(store, 2.0)
    sql = "SELECT value FROM facts WHERE period = '2026-10'"

    def query(*extra: str) -> tuple[int, str, str]:
        code = main(["query", "--warehouse", str(tmp_path / "wh"), *extra, sql])
        out, err = capsys.readouterr()
        return code, out, err

    assert query()[1].split() == ["value", "2.0"]
    assert query("--as-of", between.strftime("%Y-%m-%dT%H:%M:%S"))[1].split() == ["value", "1.0"]
    code, _, err = query("--as-of", "2020-01-01")
    assert code == 2 and "chưa có lần chạy nào xong trước 01/01/2020 23:59" in err
    code, out, _ = query("--as-of", "2099-12-31")
    assert code == 0 and out.split() == ["value", "2.0"]
    assert (
        main(["query", "--warehouse", str(tmp_path / "wh"), "SELECT count(*) AS n FROM runs"]) == 0
    )
    assert capsys.readouterr().out.split() == ["n", "2"]


def test_run_refuses_a_bad_period_or_a_missing_inbox_with_a_clear_message(tmp_path, capsys):
    assert (
        main(
            [
                "run",
                "--period",
                "10/2026",
                "--inbox",
                str(tmp_path),
                "--warehouse",
                str(tmp_path / "w"),
            ]
        )
        == 2
    )
    assert "YYYY-MM" in capsys.readouterr().err
    assert (
        main(
            [
                "run",
                "--period",
                "2026-10",
                "--inbox",
                str(tmp_path / "no"),
                "--warehouse",
                str(tmp_path / "w"),
            ]
        )
        == 2
    )
    assert "không tìm thấy" in capsys.readouterr().err


@pytest.mark.slow  # seven months through the flow: `make test-slow` (CI)
def test_a_series_of_months_keeps_the_history_rules_quiet(tmp_path, prefect_harness):
    """Seven months of a series (stocks growing, flows following the season), clean:
    with six months of history behind the last, neither the stock-drop nor the
    flow-outlier rule fires, and the year to date adds the months up."""
    from antq.sample.generate import generate_series

    generate_series(
        tmp_path, "2026-06", 7, provinces=["15"], max_communes=6, mistakes=False, workers=1
    )
    summaries = backfill(
        "2025-12", "2026-06", tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports"
    )
    assert len(summaries) == 7
    store = Warehouse(tmp_path / "warehouse")
    findings = store.read("findings")
    assert not findings["rule"].isin(["stock-drop", "flow-outlier"]).any(), findings
    rollup = store.read("rollup")
    flows = rollup[(rollup["unit_code"] == "VN") & (rollup["indicator"] == "buoi_tuyen_truyen")]
    windows = store.read("rollup_windows", "2026-06")
    ytd = windows[
        (windows["window"] == "ytd")
        & (windows["unit_code"] == "VN")
        & (windows["indicator"] == "buoi_tuyen_truyen")
    ].iloc[0]
    assert ytd["value"] == flows[flows["period"] >= "2026-01"]["value"].sum()
    assert ytd["n_months"] == 6
