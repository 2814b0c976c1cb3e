"""Warehouse: partitions swap in whole; an interrupted commit is finished or never seen."""

from __future__ import annotations

import json

import pandas as pd

from antq.warehouse.store import Warehouse


def _facts(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["00070"],
            "unit_level": ["commune"],
            "province_code": ["01"],
            "indicator": ["nguon_tin"],
            "value": [value],
            "value_text": [None],
            "source_sha256": ["ab" * 32],
            "source_cell": ["D14"],
        }
    )


def _commit(store: Warehouse, value: float) -> None:
    staged = store.stage()
    store.write_staged(staged, "facts", "2026-10", _facts(value))
    store.commit(staged, [("facts", "2026-10")])


def test_commit_replaces_the_period_and_keeps_others(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    staged = store.stage()
    store.write_staged(staged, "facts", "2026-09", _facts(9.0))
    store.commit(staged, [("facts", "2026-09")])
    _commit(store, 2.0)
    assert list(store.read("facts", "2026-10")["value"]) == [2.0]
    assert list(store.read("facts", "2026-09")["value"]) == [9.0]
    assert store.periods("facts") == ["2026-09", "2026-10"]
    assert list(store.read("facts")["period"]) == ["2026-09", "2026-10"]


def test_a_run_that_never_committed_leaves_the_warehouse_as_it_was(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    staged = store.stage()
    store.write_staged(staged, "facts", "2026-10", _facts(5.0))  # ... and the run dies here
    with Warehouse(tmp_path).writer():
        pass
    assert list(store.read("facts", "2026-10")["value"]) == [1.0]
    assert not any((tmp_path / "_staging").iterdir())


def test_a_commit_interrupted_after_its_journal_is_finished(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    staged = store.stage()
    store.write_staged(staged, "facts", "2026-10", _facts(7.0))
    journal = tmp_path / "_journal" / f"{staged.run_id}.json"
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(
        json.dumps({"run_id": staged.run_id, "swaps": [{"table": "facts", "period": "2026-10"}]})
    )
    # the process died before moving anything: the next writer finishes the commit
    with Warehouse(tmp_path).writer():
        pass
    assert list(store.read("facts", "2026-10")["value"]) == [7.0]
    assert not journal.exists()


def test_archive_is_content_addressed_and_never_rewritten(tmp_path):
    store = Warehouse(tmp_path)
    path = store.archive("cd" * 32, ".XLSX", b"first")
    assert path.name == "cd" * 32 + ".xlsx" and path.parent.name == "cd"
    store.archive("cd" * 32, ".xlsx", b"second")
    assert path.read_bytes() == b"first"


def test_reading_an_empty_table_gives_its_columns(tmp_path):
    frame = Warehouse(tmp_path).read("submissions", "2026-10")
    assert frame.empty and "sha256" in frame.columns and "period" in frame.columns


def test_files_a_killed_run_left_half_written_are_swept_by_the_next_run(tmp_path):
    from antq.warehouse.store import Warehouse

    store = Warehouse(tmp_path)
    kept = store.archive("ab" * 32, ".xlsx", b"a received file")
    (tmp_path / "archive" / ".incoming-0123").write_bytes(b"x" * 1000)
    (tmp_path / "archive" / "ab" / ".half.0123.tmp").write_bytes(b"x")
    (tmp_path / "_journal").mkdir()
    (tmp_path / "_journal" / ".2026-10.json.0123.tmp").write_text("{")
    with store.writer():
        pass
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [".lock", kept.relative_to(tmp_path).as_posix()]
