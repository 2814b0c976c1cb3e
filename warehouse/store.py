"""The warehouse: the file archive and the tables. The one module that writes or reads
the tables, so where they live (local disk, object storage) is a change here only.

Each table is a Delta Lake table (Parquet files under `<table>/period=YYYY-MM/` plus a
transaction log in `<table>/_delta_log/`) that deltalake, DuckDB, pandas, Polars and
Spark read. A run stages its tables in memory, then replaces its month's partition of
each table in one Delta commit per table, and records last, in the `runs` table, the
version of every table it left. Readers read each table at the versions of the last
recorded run, so a run that stops between two table commits is never seen: the next
writer puts back the tables it had already committed. `Warehouse(root, as_of=when)`
reads the tables as they were at that time (what the ministry was shown then).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from antq.period import Period
from antq.warehouse.tables import PARTITION, RUNS, TABLES

log = logging.getLogger(__name__)

# How long replaced table files stay, for reading the tables as of an earlier time.
KEEP_DAYS = 90


class WarehouseError(RuntimeError):
    """The warehouse could not be written or read: disk, permissions, a bug."""


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


@dataclass
class Staged:
    """A run's tables before they are committed: (table, period) -> rows."""

    run_id: str
    tables: dict[tuple[str, str], pa.Table] = field(default_factory=dict)


class Warehouse:
    def __init__(
        self, root: Path, as_of: dt.datetime | None = None, versions: dict[str, int] | None = None
    ) -> None:
        self.root = Path(root)
        self.as_of = as_of
        self._versions = versions  # fixed by `snapshot()`
        if as_of is None:
            self.root.mkdir(parents=True, exist_ok=True)

    def snapshot(self) -> Warehouse:
        """This warehouse with the table versions readers see now held fixed: several
        reads through it see the tables of one run, whatever is committed meanwhile."""
        return Warehouse(self.root, self.as_of, dict(self.pinned))

    @contextmanager
    def writer(self) -> Iterator[Warehouse]:
        """Exclusive write access for one run: a second run on the same warehouse waits.
        Interrupted commits of earlier runs are finished first."""
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self.adopt_parquet_tables()
                self.recover()
                yield self
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # ------------------------------------------------------------------ archive

    def archive_path(self, sha256: str, suffix: str) -> Path:
        safe_suffix = "".join(ch for ch in suffix.lower() if ch.isalnum() or ch == ".")[:8]
        return self.root / "archive" / sha256[:2] / f"{sha256}{safe_suffix}"

    def archive(self, sha256: str, suffix: str, data: bytes) -> Path:
        """Keep a received file under its SHA-256; an archived file is never rewritten."""
        path = self.archive_path(sha256, suffix)
        if not path.exists():
            _write_atomic(path, data)
        return path

    def archive_stream(self, suffix: str, copy: Callable[[BinaryIO], str]) -> str:
        """Keep a file too large to hold in memory: `copy(sink)` writes it to a temporary
        file of the archive and returns its SHA-256, under which it is then kept."""
        incoming = self.root / "archive" / f".incoming-{uuid.uuid4().hex}"
        incoming.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(incoming, "wb") as sink:
                sha256 = copy(sink)
                sink.flush()
                os.fsync(sink.fileno())
            target = self.archive_path(sha256, suffix)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(incoming, target)
        finally:
            incoming.unlink(missing_ok=True)
        return sha256

    # ------------------------------------------------------------------ tables

    def table_uri(self, table: str) -> str:
        return str(self.root / table)

    @property
    def pinned(self) -> dict[str, int]:
        """The version of each table readers read: those the last run recorded (as of
        `as_of`, when given), or those of the snapshot."""
        if self._versions is not None:
            return self._versions
        runs = self.runs()
        if runs.empty:
            return {}
        last = runs.sort_values("committed_at").iloc[-1]
        return {k: int(v) for k, v in json.loads(last["versions"]).items()}

    def runs(self) -> pd.DataFrame:
        """Every recorded run (by `as_of`, when given): run_id, period, committed_at,
        versions (JSON)."""
        from deltalake import DeltaTable

        uri = self.table_uri("runs")
        if not DeltaTable.is_deltatable(uri):
            return RUNS.empty_table().to_pandas()
        runs = DeltaTable(uri).to_pyarrow_table().cast(RUNS).to_pandas()
        if self.as_of is not None:
            runs = runs[runs["committed_at"] <= pd.Timestamp(self.as_of)]
        return runs

    def _as_read(self, table: str):  # -> deltalake.DeltaTable | None
        """The table at the version readers read (None when it was never committed)."""
        from deltalake import DeltaTable

        version = self.pinned.get(table)
        return None if version is None else DeltaTable(self.table_uri(table), version=version)

    def dataset(self, table: str) -> ds.Dataset | None:
        """The table as readers see it (None when it was never committed)."""
        try:
            delta = self._as_read(table)
            return None if delta is None else delta.to_pyarrow_dataset()
        except Exception as exc:  # deltalake raises its own types for a vacuumed version
            if self.as_of is not None:
                from antq.schemas.periods import period_rules

                local = self.as_of.astimezone(period_rules().timezone)
                raise WarehouseError(
                    f"không đọc được bảng {table} như lúc {local:%d/%m/%Y %H:%M}: "
                    f"lịch sử chỉ được giữ {KEEP_DAYS} ngày ({exc})"
                ) from exc
            raise

    def read(self, table: str, period: str | None = None) -> pd.DataFrame:
        """A table (one period, or all), with `period` as a plain string column first."""
        where = pc.field(PARTITION) == period if period else None
        return self._read(table, where)

    def _read(self, table: str, where: pc.Expression | None) -> pd.DataFrame:
        schema = TABLES[table]
        dataset = self.dataset(table)
        if dataset is None:
            frame = schema.empty_table().to_pandas()
            frame.insert(0, PARTITION, pd.Series(dtype="object"))
            return frame
        data = dataset.to_table(columns=[PARTITION, *schema.names], filter=where)
        frame = data.drop_columns([PARTITION]).cast(schema).to_pandas()
        frame.insert(0, PARTITION, data.column(PARTITION).to_pylist())
        return frame

    def read_history(self, period: str, months: int, columns: list[str]) -> pd.DataFrame:
        """Facts of the `months` calendar months before `period` (not `period` itself)."""
        start = str(Period.parse(period).shift(-months))
        where = (pc.field(PARTITION) >= start) & (pc.field(PARTITION) < period)
        return self._read("facts", where)[[*columns, PARTITION]]

    def periods(self, table: str) -> list[str]:
        delta = self._as_read(table)
        return [] if delta is None else sorted({p[PARTITION] for p in delta.partitions()})

    def partition_files(self, table: str) -> list[tuple[str, str, int]]:
        """(period, file, size) of every data file of the table as readers see it."""
        delta = self._as_read(table)
        if delta is None:
            return []
        actions = pa.table(delta.get_add_actions(True))
        return sorted(
            zip(
                actions.column(f"partition.{PARTITION}").to_pylist(),
                actions.column("path").to_pylist(),
                actions.column("size_bytes").to_pylist(),
                strict=True,
            )
        )

    # ------------------------------------------------------------------ writing

    def stage(self) -> Staged:
        return Staged(uuid.uuid4().hex[:12])

    def write_staged(self, staged: Staged, table: str, period: str, frame: pd.DataFrame) -> None:
        schema = TABLES[table]
        missing = [name for name in schema.names if name not in frame.columns]
        if missing:
            raise WarehouseError(f"load: table {table} is missing columns {missing}")
        arrow = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
        staged.tables[(table, period)] = arrow

    def commit(self, staged: Staged, partitions: Iterable[tuple[str, str]]) -> None:
        """Replace each staged partition in its table, then record the run: readers see
        all of it from that record on, none of it before."""
        versions = dict(self.pinned)
        periods = set()
        for table, period in partitions:
            data = staged.tables.get((table, period))
            if data is None:
                continue
            data = data.append_column(PARTITION, pa.array([period] * len(data), pa.string()))
            versions[table] = self._replace(table, period, data)
            periods.add(period)
        self._record(staged.run_id, ",".join(sorted(periods)), versions)
        self.vacuum()

    def _record(self, run_id: str, periods: str, versions: dict[str, int]) -> None:
        """Append the run to `runs`: from now on readers read these table versions."""
        from deltalake import write_deltalake

        record = pa.table(
            {
                "run_id": [run_id],
                "period": [periods],
                "committed_at": pa.array([dt.datetime.now(dt.UTC)], pa.timestamp("us", "UTC")),
                "versions": [json.dumps(versions, sort_keys=True)],
            },
            schema=RUNS,
        )
        write_deltalake(self.table_uri("runs"), record, mode="append")

    def _replace(self, table: str, period: str, data: pa.Table) -> int:
        from deltalake import DeltaTable, write_deltalake

        uri = self.table_uri(table)
        if DeltaTable.is_deltatable(uri):
            predicate = f"{PARTITION} = '{period}'"
            write_deltalake(uri, data, mode="overwrite", predicate=predicate)
        else:
            write_deltalake(uri, data, mode="append", partition_by=[PARTITION])
        return DeltaTable(uri).version()

    def vacuum(self, keep_days: int = KEEP_DAYS) -> None:
        """Delete the files of table versions replaced more than `keep_days` ago."""
        from deltalake import DeltaTable

        for table in (*TABLES, "runs"):
            uri = self.table_uri(table)
            if DeltaTable.is_deltatable(uri):
                DeltaTable(uri).vacuum(
                    retention_hours=keep_days * 24, dry_run=False, enforce_retention_duration=False
                )

    def parquet_tables(self) -> list[str]:
        """Tables still in the layout of antq before Delta Lake: Hive-partitioned Parquet
        folders without a transaction log."""
        return [
            table
            for table in TABLES
            if (self.root / table).is_dir()
            and not (self.root / table / "_delta_log").is_dir()
            and any((self.root / table).glob(f"{PARTITION}=*/*.parquet"))
        ]

    def adopt_parquet_tables(self) -> None:
        """Turn the Parquet tables of an earlier antq into Delta tables, in place (their
        files stay where they are, a transaction log is written beside them), and record
        them as a run so readers see them."""
        from deltalake import DeltaTable, Field, Schema, convert_to_deltalake
        from deltalake.schema import PrimitiveType

        adopted = self.parquet_tables()
        if not adopted:
            return
        versions = dict(self.pinned)
        for table in adopted:
            log.warning("warehouse: chuyển bảng %s sang Delta Lake", table)
            uri = self.table_uri(table)
            partition = Schema([Field(PARTITION, PrimitiveType("string"), nullable=True)])
            convert_to_deltalake(uri, partition_by=partition, partition_strategy="hive")
            versions[table] = DeltaTable(uri).version()
        self._record("adopt-" + uuid.uuid4().hex[:6], "", versions)

    def recover(self) -> None:
        """Put back the tables a run committed before it stopped, short of recording
        itself (readers never saw them; writers must not build on them), and sweep the
        files a killed run left half written."""
        from deltalake import DeltaTable

        pinned = self.pinned
        for table in TABLES:
            uri = self.table_uri(table)
            if not DeltaTable.is_deltatable(uri):
                continue
            current = DeltaTable(uri)
            version = pinned.get(table)
            if version is not None and current.version() > version:
                log.warning("warehouse: bảng %s quay về phiên bản %d", table, version)
                current.restore(version)
            elif version is None and current.version() >= 0 and len(current.partitions()):
                log.warning("warehouse: bảng %s chưa có lần chạy nào ghi nhận: xoá", table)
                current.delete()
        self._sweep_partial_files()

    def _sweep_partial_files(self) -> None:
        """Files a killed run left half written: an archive copy still being received
        (`archive/.incoming-*`) and atomic writes never renamed (`.*.tmp`). Runs hold
        the lock while they write them, so under the lock none belongs to a live run."""
        archive = self.root / "archive"
        partial = list(archive.glob(".incoming-*")) if archive.is_dir() else []
        partial += list(archive.glob("*/.*.tmp")) if archive.is_dir() else []
        extracts = self.root / "extracts"
        partial += list(extracts.glob("*/.*.tmp")) if extracts.is_dir() else []
        runs = self.root / "_runs"
        partial += list(runs.glob(".*.tmp")) if runs.is_dir() else []
        for path in partial:
            log.warning("warehouse: removing a file a killed run left half written: %s", path)
            path.unlink(missing_ok=True)
