"""Resolve: versions, resubmissions, duplicates and which report a unit's facts come from."""

from __future__ import annotations

import datetime as dt
import json
import os

import pandas as pd
import pytest
from builders import CLEAN, form_bytes, form_cell

from antq.tasks.discover import discover
from antq.tasks.intake import intake
from antq.tasks.resolve import resolve
from antq.tasks.validate import validate_month

PERIOD = "2026-10"


def _put(inbox, name: str, data: bytes, day: int) -> None:
    path = inbox / PERIOD / "15" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = dt.datetime(2026, 10, day, 9, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))


def _run(inbox, known: set[str] = frozenset()):
    discovery = discover(inbox, PERIOD)
    parsed = intake(
        [f for group in discovery.files.values() for f in group], PERIOD, None, workers=0
    )
    return resolve(parsed, validate_month(parsed), set(known))


def _fact(resolution, code: str):
    facts = resolution.facts
    row = facts[(facts["unit_code"] == "02923") & (facts["indicator"] == code)].iloc[0]
    return row["value"], row["source_cell"]


def test_a_corrected_file_supersedes_the_first_and_its_figures_win(tmp_path):
    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes({**CLEAN, "tin_bai": -3}), day=12)
    first = _run(inbox)
    assert [f.rule for f in first.findings if f.is_error] == ["negative-value"]
    known = set(first.submissions["sha256"])
    _put(inbox, "gia-phu-sua.xlsx", form_bytes({**CLEAN, "tin_bai": 4}), day=16)
    second = _run(inbox, known)
    subs = second.submissions.set_index("original_path")
    old, new = subs.loc["2026-10/15/gia-phu.xlsx"], subs.loc["2026-10/15/gia-phu-sua.xlsx"]
    assert (old["version"], new["version"]) == (1, 2)
    assert old["superseded_by"] == new["sha256"] and pd.isna(new["superseded_by"])
    assert (old["status"], new["status"]) == ("accepted", "accepted")
    assert _fact(second, "tin_bai") == (4.0, form_cell("tin_bai"))
    assert "duplicate-submission" not in {f.rule for f in second.findings}


def test_two_new_files_for_one_unit_in_one_run_are_a_duplicate_warning(tmp_path):
    inbox = tmp_path / "inbox"
    _put(inbox, "a.xlsx", form_bytes({**CLEAN, "tin_bai": 3}), day=12)
    _put(inbox, "b.xlsx", form_bytes({**CLEAN, "tin_bai": 5}), day=13)
    resolution = _run(inbox)
    [warning] = [f for f in resolution.findings if f.rule == "duplicate-submission"]
    assert (warning.original_path, warning.severity) == ("2026-10/15/a.xlsx", "warning")
    assert "b.xlsx" in warning.message
    assert _fact(resolution, "tin_bai")[0] == 5.0


def test_a_rejected_resubmission_leaves_the_accepted_version_in_place(tmp_path):
    inbox = tmp_path / "inbox"
    _put(inbox, "a.xlsx", form_bytes(CLEAN), day=12)
    _put(
        inbox, "b.xlsx", form_bytes({**CLEAN, "tin_bai": 9}, period_line="Tháng 9 năm 2026"), day=14
    )
    resolution = _run(inbox)
    subs = resolution.submissions.set_index("original_path")
    assert subs.loc["2026-10/15/b.xlsx", "status"] == "rejected"
    assert pd.isna(subs.loc["2026-10/15/a.xlsx", "superseded_by"])
    assert _fact(resolution, "tin_bai")[0] == 3.0


@pytest.mark.slow  # three runs of the flow (20 s): in `make test-slow`, which CI runs
def test_versions_live_across_runs_whatever_the_file_names(tmp_path, prefect_harness):
    """Run 1 receives gia-phu.xlsx (with an error) and a second unit's file; the commune
    then sends the corrected file under the same name, and the other file is renamed
    without change. Run 2 keeps both versions of gia-phu.xlsx, the first superseded by the
    second, counts the renamed file once, and no longer asks for the fixed error."""
    from antq.flows.monthly import monthly_ingest
    from antq.warehouse.store import Warehouse

    inbox = tmp_path / "inbox"
    first = form_bytes({**CLEAN, "tin_bai": -3})
    other = form_bytes(CLEAN, title=("CÔNG AN TỈNH LÀO CAI", "CÔNG AN XÃ BẢO HÀ"))
    _put(inbox, "gia-phu.xlsx", first, day=12)
    _put(inbox, "bao-ha.xlsx", other, day=13)

    def run():
        return monthly_ingest(
            period=PERIOD,
            inbox=inbox,
            warehouse=tmp_path / "warehouse",
            reports=tmp_path / "reports",
            workers=1,
        )

    first_run = run()
    store = Warehouse(tmp_path / "warehouse")
    before = store.read("submissions", PERIOD).set_index("original_path")
    written = {p: p.stat().st_mtime_ns for p in first_run.province_reports}
    corrected = form_bytes({**CLEAN, "tin_bai": 4})
    _put(inbox, "gia-phu.xlsx", corrected, day=16)  # the same name, new bytes
    (inbox / PERIOD / "15" / "bao-ha.xlsx").rename(inbox / PERIOD / "15" / "bao-ha-t10.xlsx")
    second_run = run()

    # Only Lào Cai's report is written again; the 33 others are the same as before.
    rewritten = [p.name for p in second_run.province_reports if p.stat().st_mtime_ns != written[p]]
    assert rewritten == [f"bao-cao-kiem-tra-15-{PERIOD}.xlsx"]
    subs = store.read("submissions", PERIOD)
    gia_phu = subs[subs["original_path"] == "2026-10/15/gia-phu.xlsx"].sort_values("version")
    assert list(gia_phu["version"]) == [1, 2]
    old, new = gia_phu.iloc[0], gia_phu.iloc[1]
    assert old["sha256"] == before.loc["2026-10/15/gia-phu.xlsx", "sha256"]
    assert old["superseded_by"] == new["sha256"] and pd.isna(new["superseded_by"])
    assert old["received_at"] == before.loc["2026-10/15/gia-phu.xlsx", "received_at"]
    bao_ha = subs[subs["sha256"] == before.loc["2026-10/15/bao-ha.xlsx", "sha256"]]
    assert list(bao_ha["original_path"]) == ["2026-10/15/bao-ha-t10.xlsx"]
    assert pd.isna(bao_ha["superseded_by"].iloc[0]) and len(subs) == 3
    facts = store.read("facts", PERIOD)
    tin_bai = facts[(facts["unit_code"] == "02923") & (facts["indicator"] == "tin_bai")]
    assert list(tin_bai["value"]) == [4.0]
    # the warehouse keeps the first version's finding; the province is not asked again
    findings = store.read("findings", PERIOD)
    assert "negative-value" in set(findings["rule"])
    report = next((tmp_path / "reports" / PERIOD).glob("15-*/bao-cao-kiem-tra-15-*.json"))
    assert "negative-value" not in {f["rule"] for f in json.loads(report.read_text())["findings"]}


def test_a_corrected_file_shows_what_changed_what_it_fixed_and_what_is_still_open(tmp_path):
    """Gia Phú sends its form with tin_bai -3, then a corrected one: tin_bai 4, and a
    new mistake (valuable tips above all tips). Its province's report says so."""
    import openpyxl

    from antq.config import Config
    from antq.tasks.report import write_province_report
    from antq.tasks.report.corrections import corrections
    from antq.tasks.resolve import open_findings

    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes({**CLEAN, "tin_bai": -3}), day=12)
    known = set(_run(inbox).submissions["sha256"])
    second = {**CLEAN, "tin_bai": 4, "nguon_tin_co_gia_tri": 15}
    _put(inbox, "gia-phu-sua.xlsx", form_bytes(second), day=16)
    resolution = _run(inbox, known)

    found = corrections(
        resolution.submissions, resolution.observations, resolution.findings, Config.load(PERIOD)
    )
    [fix] = found["15"]
    assert (fix.unit_code, fix.replaced_path, fix.new_path) == (
        "02923", "2026-10/15/gia-phu.xlsx", "2026-10/15/gia-phu-sua.xlsx",
    )  # fmt: skip
    changed = {c.indicator: (c.before, c.after, c.after_cell) for c in fix.changes}
    assert changed == {
        "tin_bai": ("-3", "4", form_cell("tin_bai")),
        "nguon_tin_co_gia_tri": ("4", "15", form_cell("nguon_tin_co_gia_tri")),
    }
    assert [f.rule for f in fix.fixed] == ["negative-value"]
    assert [f.rule for f in fix.still_open] == ["part-exceeds-whole"]

    still = open_findings(resolution.findings, resolution.submissions)
    reporting = set(resolution.facts["unit_code"])
    report = write_province_report(
        tmp_path / "reports", "15", PERIOD, still, resolution.submissions, reporting,
        corrections=found["15"],
    )  # fmt: skip
    ws = openpyxl.load_workbook(report.workbook)["Bản gửi lại"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[0] == "02923"]
    kinds = [r[2] for r in rows]
    assert kinds == ["Số liệu thay đổi", "Số liệu thay đổi", "Lỗi đã sửa", "Lỗi còn lại"]
    assert rows[0][4:6] == ("-3", "4") and "gia-phu-sua.xlsx (16:00 16/10/2026)" in rows[0]
    document = json.loads(report.json.read_text(encoding="utf-8"))
    [entry] = document["corrections"]
    assert entry["fixed"][0]["rule"] == "negative-value"
    assert entry["still_open"][0]["rule"] == "part-exceeds-whole"
