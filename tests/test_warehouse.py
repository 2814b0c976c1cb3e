"""Warehouse: Delta tables whose month is replaced whole; a run that stops half way is
never seen; the tables as of an earlier time."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from antq.warehouse.store import Warehouse
from antq.warehouse.tables import TABLES


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
            "registry": ["2025"],
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
    assert sorted(store.read("facts")["period"]) == ["2026-09", "2026-10"]
    # a Delta table any Delta reader opens: the same rows, `period` from the partitions
    from deltalake import DeltaTable

    delta = DeltaTable(str(tmp_path / "facts")).to_pandas()
    assert sorted(zip(delta["period"], delta["value"], strict=True)) == [
        ("2026-09", 9.0),
        ("2026-10", 2.0),
    ]
    assert (tmp_path / "facts" / "period=2026-10").is_dir()


def test_a_run_that_never_committed_leaves_the_warehouse_as_it_was(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    staged = store.stage()
    store.write_staged(staged, "facts", "2026-10", _facts(5.0))  # ... and the run dies here
    with Warehouse(tmp_path).writer():
        pass
    assert list(Warehouse(tmp_path).read("facts", "2026-10")["value"]) == [1.0]


def _commit_without_recording(store: Warehouse, tables: dict[str, pd.DataFrame]) -> None:
    """A run that dies between its table commits and its record in `runs`."""
    from deltalake import write_deltalake

    for table, frame in tables.items():
        data = pa.Table.from_pandas(frame, schema=TABLES[table], preserve_index=False)
        data = data.append_column("period", pa.array(["2026-10"] * len(data)))
        uri = store.table_uri(table)
        write_deltalake(uri, data, mode="overwrite", predicate="period = '2026-10'")


def test_tables_committed_by_a_run_that_stopped_before_its_record_are_never_seen(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    _commit_without_recording(store, {"facts": _facts(7.0)})
    # readers: the last recorded run's tables
    assert list(Warehouse(tmp_path).read("facts", "2026-10")["value"]) == [1.0]
    # the next writer puts the table back before building on it
    with Warehouse(tmp_path).writer() as writer:
        staged = writer.stage()
        writer.write_staged(staged, "facts", "2026-09", _facts(9.0))
        writer.commit(staged, [("facts", "2026-09")])
    after = Warehouse(tmp_path).read("facts").sort_values("period")
    assert list(zip(after["period"], after["value"], strict=True)) == [
        ("2026-09", 9.0),
        ("2026-10", 1.0),
    ]


def test_the_tables_as_of_an_earlier_time(tmp_path):
    import datetime as dt
    import time

    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    _commit(store, 2.0)
    assert list(Warehouse(tmp_path, as_of=between).read("facts", "2026-10")["value"]) == [1.0]
    assert list(Warehouse(tmp_path).read("facts", "2026-10")["value"]) == [2.0]
    before = between - dt.timedelta(days=1)
    assert Warehouse(tmp_path, as_of=before).read("facts", "2026-10").empty
    assert len(store.runs()) == 2


def test_a_snapshot_reads_one_run_whatever_is_committed_meanwhile(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    snapshot = store.snapshot()
    _commit(store, 2.0)
    assert list(snapshot.read("facts", "2026-10")["value"]) == [1.0]
    assert list(store.read("facts", "2026-10")["value"]) == [2.0]


def test_vacuum_keeps_replaced_files_for_the_history_then_deletes_them(tmp_path):
    store = Warehouse(tmp_path)
    _commit(store, 1.0)
    _commit(store, 2.0)
    files = lambda: sorted((tmp_path / "facts" / "period=2026-10").glob("*.parquet"))  # noqa: E731
    assert len(files()) == 2  # the replaced file stays: the tables as of before read it
    store.vacuum(keep_days=0)
    assert len(files()) == 1
    assert list(Warehouse(tmp_path).read("facts", "2026-10")["value"]) == [2.0]


def test_archive_is_content_addressed_and_never_rewritten(tmp_path):
    store = Warehouse(tmp_path)
    store.archive("cd" * 32, ".XLSX", b"first")
    path = store.archive_path("cd" * 32, ".XLSX")
    assert path.name == "cd" * 32 + ".xlsx" and path.parent.name == "cd"
    store.archive("cd" * 32, ".xlsx", b"second")
    assert path.read_bytes() == b"first"


def test_reading_an_empty_table_gives_its_columns(tmp_path):
    frame = Warehouse(tmp_path).read("submissions", "2026-10")
    assert frame.empty and "sha256" in frame.columns and "period" in frame.columns


def test_files_a_killed_run_left_half_written_are_swept_by_the_next_run(tmp_path):
    from antq.warehouse.store import Warehouse

    store = Warehouse(tmp_path)
    store.archive("ab" * 32, ".xlsx", b"a received file")
    kept = store.archive_path("ab" * 32, ".xlsx")
    (tmp_path / "archive" / ".incoming-0123").write_bytes(b"x" * 1000)
    (tmp_path / "archive" / "ab" / ".half.0123.tmp").write_bytes(b"x")
    (tmp_path / "_runs").mkdir()
    (tmp_path / "_runs" / ".2026-10.json.0123.tmp").write_text("{")
    with store.writer():
        pass
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [".lock", kept.relative_to(tmp_path).as_posix()]


def test_the_parquet_tables_of_an_earlier_antq_are_adopted_by_the_next_run(tmp_path):
    """A warehouse written before Delta Lake (Hive-partitioned Parquet folders): the next
    run turns each table into a Delta table in place, and every month stays readable."""
    import pyarrow.parquet as pq

    old = tmp_path / "facts" / "period=2026-09"
    old.mkdir(parents=True)
    data = pa.Table.from_pandas(_facts(9.0), schema=TABLES["facts"], preserve_index=False)
    pq.write_table(data, old / "part-0.parquet")
    store = Warehouse(tmp_path)
    assert store.parquet_tables() == ["facts"]
    with store.writer() as writer:
        staged = writer.stage()
        writer.write_staged(staged, "facts", "2026-10", _facts(1.0))
        writer.commit(staged, [("facts", "2026-10")])
    assert store.parquet_tables() == []
    after = store.read("facts").sort_values("period")
    assert list(zip(after["period"], after["value"], strict=True)) == [
        ("2026-09", 9.0),
        ("2026-10", 1.0),
    ]
