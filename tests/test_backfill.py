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


@pytest.mark.slow  # two months through the flow: `make test-slow` (CI)
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


@pytest.mark.slow  # 24 months through the flow: `make test-slow` (CI)
def test_two_years_across_the_2025_reform_load_and_compare_on_the_units_of_today(
    tmp_path, prefect_harness
):
    """A series of 24 months, the first 12 on the units before the July 2025 reform
    (Hà Giang and Tuyên Quang, since merged into Tuyên Quang 08), clean: every fact
    lands, the history rules stay quiet (also across the reform, where codes change
    meaning), the old communes split between several new ones are flagged, and June
    2026 is compared with June 2025 carried to today's province, in the warehouse, the
    ministry workbook and the dashboard."""
    from vietnamadminunits.converter import converter_2025 as conversion
    from vietnamadminunits.database import get_data

    from antq.sample.generate import generate_series

    truths = generate_series(
        tmp_path, "2026-06", 24, provinces=["08"], max_communes=5, mistakes=False, workers=1
    )
    summaries = backfill(
        "2024-07", "2026-06", tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports"
    )
    assert len(summaries) == 24
    store = Warehouse(tmp_path / "warehouse")
    facts, findings = store.read("facts"), store.read("findings")
    for truth in truths:  # nothing lost, nothing changed, on the units of the month
        stored = facts[facts["period"] == truth.period]
        assert len(stored) == len(truth.facts), truth.period
        merged = truth.facts.merge(stored, on=["unit_level", "unit_code", "indicator"])
        assert len(merged) == len(truth.facts)
        assert (merged["value_x"].fillna(-1) == merged["value_y"].fillna(-1)).all()
        assert set(stored["registry"]) == {"legacy" if truth.period < "2025-07" else "2025"}
    # The history rules fire on the planted outliers, at their cells, and stay quiet
    # otherwise: across the reform too. A province's total may move with its planted
    # commune: a warning there must be on the same month and indicator as one.
    history = findings[findings["rule"].isin(["stock-drop", "flow-outlier"])]
    planted = pd.concat([t.findings for t in truths], ignore_index=True)
    assert set(planted["rule"]) == {"stock-drop", "flow-outlier"}  # both kinds are there
    where = ["period", "original_path", "cell", "rule"]
    found = planted.assign(period=planted["original_path"].str[:7]).merge(history, on=where)
    assert len(found) == len(planted), planted
    others = history.merge(found[where], on=where, how="left", indicator=True)
    others = others[others["_merge"] == "left_only"]
    explained = set(zip(planted["original_path"].str[:7], planted["indicator"], strict=True))
    for row in others.itertuples():
        assert len(row.unit_code) == 2 and (row.period, row.indicator) in explained, row
    assert set(findings["rule"]) - {"stock-drop", "flow-outlier"} == {"successor-ambiguous"}
    reform = findings[findings["rule"] == "successor-ambiguous"]
    assert (reform["period"] < "2025-07").all()
    crosswalk = store.read("unit_crosswalk", "2025-06")
    split = set(crosswalk.loc[crosswalk["status"] == "ambiguous", "legacy_code"])
    assert set(findings.loc[findings["period"] == "2025-06", "unit_code"]) == split & set(
        facts.loc[facts["period"] == "2025-06", "unit_code"]
    )

    # June 2025 on today's province, summed here from the truth, with the share of it
    # from old communes the package does not list as split.
    keys = {
        r["wardCode"]: f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"
        for r in get_data(
            ["wardCode", "provinceKey", "districtKey", "wardKey"], "admin_units_legacy"
        )
    }
    divided = {k for olds in conversion.DICT_PROVINCE_WARD_DIVIDED.values() for k in olds}
    june_2025 = truths[11].facts
    sessions = june_2025[
        (june_2025["unit_level"] == "commune") & (june_2025["indicator"] == "buoi_tuyen_truyen")
    ]
    assert sessions["unit_code"].map(keys).isin(divided).any()  # the case is there
    certain = sessions.loc[~sessions["unit_code"].map(keys).isin(divided), "value"].sum()
    windows = store.read("rollup_windows", "2026-06")
    row = windows[
        (windows["window"] == "month") & (windows["unit_code"] == "08")
        & (windows["indicator"] == "buoi_tuyen_truyen")
    ].iloc[0]  # fmt: skip
    assert row["yoy_value"] == sessions["value"].sum()
    assert row["yoy_n_reporting"] == len(sessions)
    assert row["yoy_mapped_share"] == pytest.approx(certain / sessions["value"].sum())
    months_2026 = [t.facts for t in truths if t.period >= "2026-01"]
    ytd_truth = sum(
        f.loc[
            (f["unit_level"] == "commune") & (f["indicator"] == "buoi_tuyen_truyen"), "value"
        ].sum()
        for f in months_2026
    )
    ytd = windows[
        (windows["window"] == "ytd") & (windows["unit_code"] == "VN")
        & (windows["indicator"] == "buoi_tuyen_truyen")
    ].iloc[0]  # fmt: skip
    assert ytd["value"] == ytd_truth and ytd["n_months"] == 6

    # What the ministry reads of June 2026: the year to date and June 2025.
    national = openpyxl.load_workbook(summaries[-1].ministry_workbook)["Toàn quốc"]
    cells = list(national.iter_rows(values_only=True))
    line = next(r for r in cells if r[-1] == "buoi_tuyen_truyen")
    assert line[2] == ytd_truth and line[3] == sessions["value"].sum()
    assert any(isinstance(r[0], str) and "01/7/2025" in r[0] for r in cells[:6])
    page = (tmp_path / "reports" / "2026-06" / "index.html").read_text(encoding="utf-8")
    assert 'id="luy-ke"' in page and "01/7/2025" in page


@pytest.mark.slow  # two runs of a month through the flow: `make test-slow` (CI)
def test_a_corrected_file_sent_later_shows_in_its_provinces_report(tmp_path, prefect_harness):
    """A commune sends its form again with one figure changed: the next run's report of
    its province has a sheet of what the new file changed, old -> new, with both files."""
    import os

    truth = generate_month(
        tmp_path, "2026-10", seed=5, provinces=["15"], max_communes=4, mistakes=False
    )
    inbox, warehouse, reports = tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports"
    monthly_ingest("2026-10", inbox, warehouse, reports, workers=1)
    facts = truth.facts[(truth.facts["unit_level"] == "commune")]
    fact = facts[facts["indicator"] == "tin_bai"].iloc[0]
    original = inbox / fact["original_path"]
    book = openpyxl.load_workbook(original)
    cell = book[fact["sheet"]][fact["source_cell"]]
    cell.value = int(fact["value"]) + 5
    corrected = original.with_name(f"{original.stem}-sua-lai.xlsx")
    book.save(corrected)
    later = original.stat().st_mtime + 3 * 86400
    os.utime(corrected, (later, later))

    summary = monthly_ingest("2026-10", inbox, warehouse, reports, workers=1)

    report = next(p for p in summary.province_reports if "-15-" in p.name or "15" in p.parent.name)
    ws = openpyxl.load_workbook(report)["Bản gửi lại"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] == fact["unit_code"]]
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("Số liệu thay đổi", catalog_label("tin_bai"), f"{int(fact['value'])}",
         f"{int(fact['value']) + 5}"),
    ]  # fmt: skip
    assert corrected.name in rows[0][8] and original.name in rows[0][7]
    stored = Warehouse(warehouse).read("facts", "2026-10")
    value = stored[(stored["unit_code"] == fact["unit_code"]) & (stored["indicator"] == "tin_bai")]
    assert value["value"].tolist() == [fact["value"] + 5]


def catalog_label(code: str) -> str:
    from antq.schemas.catalog import catalog

    return catalog().label(code)
