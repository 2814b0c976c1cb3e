"""Extracts: a file already read is not parsed again, unless what it would read as may
have changed (its bytes, its context, or the reading code and configuration)."""

from __future__ import annotations

import datetime as dt
import os

from builders import CLEAN, form_bytes

from antq.tasks import extract
from antq.tasks.discover import discover
from antq.tasks.intake import intake

PERIOD = "2026-10"
COMMUNES = ("GIA PHÚ", "BẢO HÀ", "BẢO THẮNG")


def _put(inbox, name: str, data: bytes, day: int = 12) -> None:
    path = inbox / PERIOD / "15" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = dt.datetime(2026, 10, day, 9, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))


def _month(tmp_path):
    inbox = tmp_path / "inbox"
    for i, commune in enumerate(COMMUNES):
        title = ("CÔNG AN TỈNH LÀO CAI", f"CÔNG AN XÃ {commune}")
        _put(inbox, f"{i}.xlsx", form_bytes({**CLEAN, "tin_bai": -i}, title=title))
    _put(inbox, "hong.xlsx", b"PK\x03\x04 not a workbook")
    return inbox


def _intake(inbox, warehouse, workers=0):
    files = [f for group in discover(inbox, PERIOD).files.values() for f in group]
    return intake(files, PERIOD, warehouse, workers=workers)


def test_an_unchanged_rerun_parses_no_file_and_reads_the_same(tmp_path):
    inbox, warehouse = _month(tmp_path), tmp_path / "warehouse"
    cold = _intake(inbox, warehouse, workers=2)
    again = _intake(inbox, warehouse, workers=2)
    assert [p.reused for p in cold] == [False] * 4
    assert [p.reused for p in again] == [True] * 4
    assert again == cold  # reports, observations, findings, units: field by field
    assert [f.message for p in again for f in p.findings] == [
        f.message for p in cold for f in p.findings
    ]


def test_a_corrected_file_is_the_only_one_parsed_again(tmp_path):
    inbox, warehouse = _month(tmp_path), tmp_path / "warehouse"
    _intake(inbox, warehouse)
    title = ("CÔNG AN TỈNH LÀO CAI", "CÔNG AN XÃ BẢO HÀ")
    _put(inbox, "1.xlsx", form_bytes({**CLEAN, "tin_bai": 7}, title=title), day=15)
    again = {p.ref.original_path: p for p in _intake(inbox, warehouse)}
    assert [path for path, p in again.items() if not p.reused] == ["2026-10/15/1.xlsx"]
    values = [o.parsed.value for o in again["2026-10/15/1.xlsx"].observations]
    assert 7.0 in values


def test_extracts_of_an_older_reading_version_are_not_used(tmp_path, monkeypatch):
    inbox, warehouse = _month(tmp_path), tmp_path / "warehouse"
    monkeypatch.setattr(extract, "reading_version", lambda: "older")
    _intake(inbox, warehouse)
    monkeypatch.setattr(extract, "reading_version", lambda: "newer")
    assert [p.reused for p in _intake(inbox, warehouse)] == [False] * 4
    assert [p.reused for p in _intake(inbox, warehouse)] == [True] * 4


def test_the_same_bytes_in_another_context_are_read_again(tmp_path):
    """The name a file is sent under and the month it is read for are part of what it
    reads as (messages name the file; the month picks the sheet)."""
    inbox, warehouse = _month(tmp_path), tmp_path / "warehouse"
    _intake(inbox, warehouse)
    (inbox / PERIOD / "15" / "0.xlsx").rename(inbox / PERIOD / "15" / "gia-phu.xlsx")
    again = {p.ref.original_path: p.reused for p in _intake(inbox, warehouse)}
    assert again["2026-10/15/gia-phu.xlsx"] is False
    assert sum(again.values()) == 3


def test_a_damaged_extract_is_ignored_and_written_again(tmp_path):
    inbox, warehouse = _month(tmp_path), tmp_path / "warehouse"
    cold = _intake(inbox, warehouse)
    path = extract.extract_path(warehouse, cold[0].ref)
    path.write_bytes(path.read_bytes()[:100])
    again = _intake(inbox, warehouse)
    assert [p.reused for p in again] == [False, True, True, True]
    assert again == cold
    assert [p.reused for p in _intake(inbox, warehouse)] == [True] * 4


def test_the_reading_version_follows_the_taught_labels(tmp_path, monkeypatch):
    taught = tmp_path / "taught.yaml"
    taught.write_text("labels: []\n")
    monkeypatch.setenv("ANTQ_TAUGHT_LABELS", str(taught))
    extract.reading_version.cache_clear()
    first = extract.reading_version()
    taught.write_text("labels:\n- {label: 'Số tin', indicator: tin_bai}\n")
    extract.reading_version.cache_clear()
    try:
        assert extract.reading_version() != first
    finally:
        extract.reading_version.cache_clear()


def test_extracts_of_other_reading_versions_are_swept(tmp_path, monkeypatch):
    inbox, warehouse = _month(tmp_path), tmp_path / "warehouse"
    monkeypatch.setattr(extract, "reading_version", lambda: "0" * 16)
    _intake(inbox, warehouse)
    monkeypatch.setattr(extract, "reading_version", lambda: "1" * 16)
    _intake(inbox, warehouse)
    names = sorted(p.name.split(".")[1] for p in (warehouse / "extracts").rglob("*.arrow"))
    assert names == ["0" * 16] * 4 + ["1" * 16] * 4
    assert extract.sweep_other_versions(warehouse) == 4
    names = {p.name.split(".")[1] for p in (warehouse / "extracts").rglob("*.arrow")}
    assert names == {"1" * 16}
    assert [p.reused for p in _intake(inbox, warehouse)] == [True] * 4
