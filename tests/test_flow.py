"""The whole monthly flow on a generated month, checked against the generator's truth."""

from __future__ import annotations

import json
import re

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from openpyxl.utils.escape import unescape

from antq.schemas.catalog import catalog
from antq.schemas.registry import registry
from antq.warehouse.store import Warehouse
from antq.warehouse.tables import TABLES

PERIOD = "2026-10"


@pytest.fixture(scope="module")
def warehouse(month_run):
    root, _, _ = month_run
    return Warehouse(root / "warehouse")


def test_every_expected_fact_is_loaded_with_its_value_and_cell(month_run, warehouse):
    _, truth, _ = month_run
    facts = warehouse.read("facts", PERIOD)
    merged = truth.facts.merge(facts, on=["unit_code", "indicator"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    same_value = (merged["value_x"] == merged["value_y"]) | (
        merged["value_x"].isna() & merged["value_y"].isna()
    )
    assert same_value.all()
    assert (merged["source_cell_x"] == merged["source_cell_y"]).all()
    assert (merged["value_text_x"].fillna("") == merged["value_text_y"].fillna("")).all()


def test_a_commune_nguon_tin_lands_in_facts_with_its_source_cell(month_run, warehouse):
    _, truth, _ = month_run
    expected = truth.facts[
        (truth.facts["indicator"] == "nguon_tin") & (truth.facts["unit_level"] == "commune")
    ].iloc[0]
    facts = warehouse.read("facts", PERIOD)
    row = facts[(facts["unit_code"] == expected["unit_code"]) & (facts["indicator"] == "nguon_tin")]
    assert len(row) == 1
    assert row.iloc[0]["value"] == expected["value"]
    assert row.iloc[0]["source_cell"] == expected["source_cell"]
    subs = warehouse.read("submissions", PERIOD)
    source = subs[subs["sha256"] == row.iloc[0]["source_sha256"]].iloc[0]
    assert source["original_path"] == expected["original_path"]


def test_every_injected_mistake_is_found_where_it_was_made(month_run, warehouse):
    _, truth, _ = month_run
    found = warehouse.read("findings", PERIOD)
    for mistake in truth.findings.itertuples():
        same_file = found[
            (found["original_path"] == mistake.original_path) & (found["rule"] == mistake.rule)
        ]
        assert len(same_file), f"{mistake.rule} not reported for {mistake.original_path}"
        assert (same_file["severity"] == mistake.severity).all()
        if isinstance(mistake.cell, str):
            assert mistake.cell in set(same_file["cell"]), (
                mistake.rule,
                mistake.cell,
                list(same_file["cell"]),
            )


def test_a_negative_value_is_an_error_and_stays_out_of_facts(month_run, warehouse):
    _, truth, _ = month_run
    negatives = truth.findings[truth.findings["rule"] == "negative-value"]
    assert len(negatives)
    facts = warehouse.read("facts", PERIOD)
    found = warehouse.read("findings", PERIOD)
    for mistake in negatives.itertuples():
        if not isinstance(mistake.unit_code, str):
            continue
        row = found[
            (found["original_path"] == mistake.original_path) & (found["cell"] == mistake.cell)
        ]
        assert list(row["rule"]) == ["negative-value"] and list(row["severity"]) == ["error"]
        fact = facts[
            (facts["unit_code"] == mistake.unit_code) & (facts["indicator"] == mistake.indicator)
        ]
        assert fact.empty or fact.iloc[0]["source_cell"] != mistake.cell


def test_file_statuses(month_run, warehouse):
    _, truth, summary = month_run
    subs = warehouse.read("submissions", PERIOD)
    merged = truth.files.merge(subs, on="original_path", how="left")
    assert (merged["status"] == merged["expected_status"]).all()
    assert summary.n_rejected == int((truth.files["expected_status"] == "rejected").sum()) > 0


def test_rollup_adds_communes_up_to_provinces_and_the_nation(warehouse):
    facts = warehouse.read("facts", PERIOD)
    rollup = warehouse.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    communes = facts[facts["unit_level"] == "commune"]
    for code in ("nguon_tin", "buoi_tuyen_truyen", "mo_hinh_tong", "kinh_phi_xa_hoi_hoa"):
        rows = communes[communes["indicator"] == code]
        assert rollup.loc[("VN", code), "value"] == pytest.approx(rows["value"].sum())
        assert rollup.loc[("VN", code), "n_reporting"] == len(rows)
        for province, group in rows.groupby("province_code"):
            assert rollup.loc[(province, code), "value"] == pytest.approx(group["value"].sum())
            assert rollup.loc[(province, code), "n_expected"] == len(
                registry().communes_of(province)
            )
    assert rollup.loc[("VN", "nguon_tin"), "n_expected"] == 3321


def test_ratios_are_recomputed_from_sums_not_averaged(warehouse):
    facts = warehouse.read("facts", PERIOD)
    wide = facts[facts["unit_level"] == "commune"].pivot(
        index="unit_code", columns="indicator", values="value"
    )
    both = wide[["nguon_tin_co_gia_tri", "nguon_tin"]].dropna()
    expected = both["nguon_tin_co_gia_tri"].sum() / both["nguon_tin"].sum()
    averaged = (both["nguon_tin_co_gia_tri"] / both["nguon_tin"].replace(0, np.nan)).mean()
    rollup = warehouse.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    assert rollup.loc[("VN", "ty_le_nguon_tin_co_gia_tri"), "value"] == pytest.approx(expected)
    assert expected != pytest.approx(averaged)


def test_completeness_counts_communes_with_accepted_reports(warehouse):
    facts = warehouse.read("facts", PERIOD)
    reporting = (
        facts[facts["unit_level"] == "commune"].groupby("province_code")["unit_code"].nunique()
    )
    rollup = warehouse.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    for province, n in reporting.items():
        expected = len(registry().communes_of(province))
        assert rollup.loc[(province, "ty_le_bao_cao"), "n_reporting"] == n
        assert rollup.loc[(province, "ty_le_bao_cao"), "value"] == pytest.approx(n / expected)
    assert rollup.loc[("VN", "ty_le_bao_cao"), "n_expected"] == 3321


def test_warehouse_tables_have_the_spec_columns_and_read_in_duckdb(warehouse):
    """Delta tables: the columns of SPEC §7 plus the `period` partition, read by any Delta
    reader (deltalake here) and queried by DuckDB through their Arrow datasets."""
    from deltalake import DeltaTable

    con = duckdb.connect()
    for table, schema in TABLES.items():
        con.register(table, warehouse.dataset(table))
        described = con.sql(f"DESCRIBE SELECT * FROM {table}").df()
        assert sorted(described["column_name"]) == sorted([*schema.names, "period"])
    periods = con.sql("SELECT DISTINCT period FROM facts").df()
    assert list(periods["period"]) == [PERIOD]
    facts = DeltaTable(str(warehouse.root / "facts")).to_pandas()
    assert set(facts["unit_code"].str.len()) <= {2, 5}
    assert set(facts["period"]) == {PERIOD}


def test_province_report_holds_only_its_own_units(month_run):
    root, truth, summary = month_run
    reg = registry()
    checked = 0
    for path in summary.province_reports:
        code = path.parent.name[:2]
        sheet = openpyxl.load_workbook(path, read_only=True)["Lỗi cần sửa"]
        rows = [r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None]
        checked += len(rows)
        for row in rows:
            unit_code, file = row[1], row[3]
            assert (
                file.split("/")[1][:2] == code
                or reg.province_folder(file.split("/")[1]).code == code
            )
            if unit_code and len(unit_code) == 5 and row[-1] != "unit-outside-province":
                assert reg.communes[unit_code].province_code == code
    assert checked >= len(truth.findings) > 5


def test_province_report_lists_the_communes_that_have_not_reported(month_run, warehouse):
    root, _, summary = month_run
    facts = warehouse.read("facts", PERIOD)
    province = sorted(facts["province_code"].unique())[0]
    reporting = set(facts[(facts["unit_level"] == "commune")]["unit_code"])
    missing = {u.code for u in registry().communes_of(province)} - reporting
    path = next(p for p in summary.province_reports if f"-{province}-" in p.name)
    cells = [
        c
        for row in openpyxl.load_workbook(path)["Tổng hợp"].iter_rows(values_only=True)
        for c in row
        if c
    ]
    assert missing and missing <= set(cells)


def test_ministry_workbook_has_provinces_and_the_national_total(month_run, warehouse):
    _, _, summary = month_run
    ws = openpyxl.load_workbook(summary.ministry_workbook)["Chỉ tiêu"]
    rows = [r for r in ws.iter_rows(values_only=True) if r and r[0]]
    header = next(r for r in rows if r[0] == "Mã")
    total = next(r for r in rows if r[0] == "VN")
    column = header.index(catalog().label("nguon_tin"))
    rollup = warehouse.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    assert total[column] == rollup.loc[("VN", "nguon_tin"), "value"]
    assert sum(1 for r in rows if r[0] in registry().provinces) == 34


def test_rerunning_the_month_changes_nothing(month_run, warehouse):
    """Run again from the files' extracts (nothing parsed), the month's tables are those
    of the cold run; run once more, the month is found done and nothing is rewritten."""
    from antq.flows.monthly import monthly_ingest

    root, _, _ = month_run
    before = {t: warehouse.read(t, PERIOD) for t in ("facts", "submissions", "rollup", "findings")}
    (root / "warehouse" / "_runs" / f"{PERIOD}.json").unlink()  # as if the record were lost

    def again():
        return monthly_ingest(
            period=PERIOD,
            inbox=root / "inbox",
            warehouse=root / "warehouse",
            reports=root / "reports",
        )

    summary = again()
    assert summary.n_reused == summary.n_files > 0  # nothing parsed again: read from extracts
    for table, frame in before.items():
        after = warehouse.read(table, PERIOD)
        pd.testing.assert_frame_equal(frame, after, obj=table)
    written = {p: p.stat().st_mtime_ns for p in (root / "warehouse" / "facts").rglob("*")}
    reports = {p: p.stat().st_mtime_ns for p in summary.province_reports}
    from antq.tasks import extract, intake

    def unread(*args):
        raise AssertionError("a month already done reads no extract")

    # Found done from the files' hashes alone: no file parsed, no extract even opened.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(intake, "read_extract", unread)
        patch.setattr(extract, "read_extract", unread)
        done = again()
    assert done.n_reused == done.n_files
    assert {p: p.stat().st_mtime_ns for p in (root / "warehouse" / "facts").rglob("*")} == written
    assert {p: p.stat().st_mtime_ns for p in done.province_reports} == reports
    assert (done.n_files, done.n_facts, done.n_errors, done.n_warnings) == (
        summary.n_files,
        summary.n_facts,
        summary.n_errors,
        summary.n_warnings,
    )


def test_the_run_summary_is_in_prefect_as_artifacts(month_run):
    from prefect.client.orchestration import get_client

    from antq.tasks.report import warehouse_key

    root, truth, summary = month_run
    province = sorted(truth.files["province_code"].unique())[0]
    prefix = f"antq-{PERIOD}-{warehouse_key(summary.warehouse)}"
    with get_client(sync_client=True) as client:
        # The REST filter directly: this Prefect's client sends null run filters that its
        # own server then matches to nothing.
        response = client.request(
            "POST",
            "/artifacts/filter",
            json={
                "artifacts": {"key": {"like_": f"antq-{PERIOD}-%"}},
                "limit": 200,
                "offset": 0,
                "sort": "CREATED_DESC",
            },
        )
        run = client.read_flow_run(summary.flow_run_id)
    # a name that says the month and when it started (Việt Nam time)
    assert re.fullmatch(rf"antq-{PERIOD}-\d{{8}}-\d{{6}}", run.name)
    by_key = {a["key"]: a for a in response.json() if a["flow_run_id"] == summary.flow_run_id}
    assert set(by_key) == {
        f"{prefix}-run",
        f"{prefix}-provinces",
        f"{prefix}-problems",
        f"{prefix}-label-proposals",
        f"{prefix}-intake",  # the reading progress
    }  # whatever the number of provinces
    run_page = by_key[f"{prefix}-run"]["data"]
    assert f"**{summary.n_files}**" in run_page
    # links to the outputs: the ministry workbook and each province's report
    assert summary.ministry_workbook.as_uri() in run_page
    assert all(path.as_uri() in run_page for path in summary.province_reports)
    table = json.loads(by_key[f"{prefix}-provinces"]["data"])
    assert len(table) == 34
    assert sum(row["Từ chối"] for row in table) == summary.n_rejected
    assert sum(row["Tệp"] for row in table) == summary.n_files
    assert {row["Báo cáo"] for row in table} == {p.as_uri() for p in summary.province_reports}
    problems = json.loads(by_key[f"{prefix}-problems"]["data"])
    assert sum(row["Số lần"] for row in problems) == summary.n_errors + summary.n_warnings
    assert any(row["Mã tỉnh"] == province for row in problems)


def test_a_file_with_an_error_comes_back_annotated_at_that_cell(month_run):
    root, truth, summary = month_run
    mistake = truth.findings[
        (truth.findings["rule"] == "negative-value") & truth.findings["unit_code"].notna()
    ].iloc[0]
    report = next(
        p for p in summary.province_reports if p.parent.name.startswith(mistake["province_code"])
    )
    copies = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["annotated_copies"]
    [entry] = [c for c in copies if c["original_path"] == mistake["original_path"]]
    sheet = openpyxl.load_workbook(report.parent / entry["copy"])[mistake["sheet"]]
    commented = {cell.coordinate for row in sheet.iter_rows() for cell in row if cell.comment}
    found = Warehouse(root / "warehouse").read("findings", PERIOD)
    cells = set(found[found["original_path"] == mistake["original_path"]]["cell"].dropna())
    assert mistake["cell"] in commented and commented == cells
    assert "không được âm" in sheet[mistake["cell"]].comment.text


def test_the_ministry_web_page_shows_the_same_national_figures(month_run, warehouse):
    _, _, summary = month_run
    from antq.text import format_number

    page = summary.ministry_workbook.with_suffix(".html").read_text(encoding="utf-8")
    rollup = warehouse.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    national_row = page.split("<tr class=total><td>VN</td>")[2]  # progress, values, ratios
    assert (
        f">{format_number(rollup.loc[('VN', 'nguon_tin'), 'value'])}<"
        in national_row.split("</tr>")[0]
    )
    assert page.count("<tr class=total>") == 3
    assert all(registry().provinces[c].display_name in page for c in registry().provinces)


def test_a_month_with_nothing_readable_still_completes(tmp_path, prefect_harness):
    from antq.flows.monthly import monthly_ingest

    folder = tmp_path / "inbox" / PERIOD / "15"
    folder.mkdir(parents=True)
    (folder / "rong.xlsx").write_bytes(b"")
    (folder / "anh.xlsx").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    (tmp_path / "inbox" / PERIOD / "01").mkdir()  # a province folder with nothing in it
    summary = monthly_ingest(
        PERIOD, tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports"
    )
    store = Warehouse(tmp_path / "warehouse")
    assert sorted(store.read("submissions", PERIOD)["status"]) == ["rejected", "rejected"]
    assert store.read("facts", PERIOD).empty
    rollup = store.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    assert rollup.loc[("VN", "ty_le_bao_cao"), "value"] == 0.0
    assert (summary.n_files, summary.n_rejected) == (2, 2)


def test_the_ministry_workbook_charts_reporting_progress(month_run):
    _, _, summary = month_run
    sheet = openpyxl.load_workbook(summary.ministry_workbook)["Tiến độ báo cáo"]
    [chart] = sheet._charts
    assert len(chart.series) == 2


def test_reading_is_batched_by_size_not_by_province(tmp_path):
    """A province with 150 files and one with 3 make batches of the same size, in order."""
    import datetime as dt

    from antq.flows.monthly import batches
    from antq.tasks.discover import Discovery, InboxFile

    def files(code: str, n: int) -> list[InboxFile]:
        at = dt.datetime(2026, 10, 12, tzinfo=dt.UTC)
        return [InboxFile(tmp_path / f"{code}-{i}", f"{code}/{i}", code, at, 1) for i in range(n)]

    discovery = Discovery(PERIOD, tmp_path, {"15": files("15", 3), "01": files("01", 150)})
    made = batches(discovery, size=64)
    assert [len(b) for b in made] == [64, 64, 25]
    flat = [f.original_path for batch in made for f in batch]
    assert flat == [f"01/{i}" for i in range(150)] + [f"15/{i}" for i in range(3)]


def test_the_ministry_workbook_writes_each_figure_in_its_own_format(month_run, warehouse):
    """A share as %, people per session as a number, money in đồng, and every sheet set
    up for printing (A4 landscape, one page wide, header rows repeated)."""
    _, _, summary = month_run
    book = openpyxl.load_workbook(summary.ministry_workbook)
    national = book["Toàn quốc"]
    # code: last (text as Excel reads it: openpyxl leaves OOXML's escapes to the reader)
    rows = {unescape(r[-1].value): r for r in national.iter_rows() if r[-1].value}
    assert rows["binh_quan_nguoi_moi_buoi"][1].number_format == "#,##0.0"
    assert rows["ty_le_bao_cao"][1].number_format == "0.0%"
    assert "đ" in rows["kinh_phi_xa_hoi_hoa"][1].number_format
    rollup = warehouse.read("rollup", PERIOD).set_index(["unit_code", "indicator"])
    assert rows["nguon_tin"][1].value == rollup.loc[("VN", "nguon_tin"), "value"]
    assert rows["nguon_tin"][2].value == rollup.loc[("VN", "nguon_tin"), "value"]  # ytd: 1 month
    assert rows["nguon_tin"][3].value is None  # no October a year before in the warehouse
    from antq.xlsx import MIN_SCALE, PAGE_WIDTH_UNITS, sheet_width

    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4), sheet.title
        pages = sheet.page_setup.fitToWidth
        assert sheet_width(sheet) / pages <= PAGE_WIDTH_UNITS / MIN_SCALE, sheet.title  # 8 pt
        assert pages == 1 or sheet.print_title_cols, sheet.title  # units on every page
        assert sheet.print_title_rows, sheet.title
    assert book["Toàn quốc"].page_setup.fitToWidth == 1
    assert book["Chỉ tiêu"].page_setup.fitToWidth > 1  # 28 indicators: not squeezed


def test_reporting_rates_are_coloured_against_their_targets_with_a_legend(month_run):
    from antq.config import Config

    _, _, summary = month_run
    sheet = openpyxl.load_workbook(summary.ministry_workbook)["Tiến độ báo cáo"]
    legend = " ".join(str(c.value) for row in sheet.iter_rows(max_row=4) for c in row if c.value)
    assert "≥ 95 %" in legend and "≥ 90 %" in legend and "20/10/2026" in legend
    target = {d.code: d.target for d in Config.load(PERIOD).catalog.derived}["ty_le_bao_cao"]
    header = next(r for r in sheet.iter_rows() if r[0].value == "Mã")[0].row
    seen = set()
    for row in sheet.iter_rows(min_row=header + 1):
        rate = row[4]
        if not isinstance(rate.value, float):
            continue
        colour = rate.fill.fgColor.rgb[-6:]
        expected = "C6EFCE" if rate.value >= target else None
        if expected:
            assert colour == expected, (row[0].value, rate.value)
        else:
            assert colour in ("FFE699", "F8CBAD"), (row[0].value, rate.value)
        seen.add(colour)
    assert seen


def test_the_ministry_workbook_has_a_sheet_per_section_and_a_twelve_month_trend(month_run):
    _, _, summary = month_run
    book = openpyxl.load_workbook(summary.ministry_workbook)
    sections = catalog().sections
    assert all(any(s.startswith(f"{k}. ") for s in book.sheetnames) for k in sections)
    trend = book["Xu hướng 12 tháng"]
    assert len(trend._charts) == 2
    months = [r[0].value for r in trend.iter_rows() if re.fullmatch(r"\d\d/\d{4}", str(r[0].value))]
    assert months[-1] == "10/2026" and len(months) == 12
