"""The warehouse: the file archive and the tables. The one module that writes or reads
the tables. It lives in a folder on this machine or under a prefix on object storage
(`s3://bucket/antq`, warehouse/location.py); everything below works the same on both.

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
import socket
import threading
import time
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
from antq.warehouse.location import Location
from antq.warehouse.tables import PARTITION, RUNS, TABLES

log = logging.getLogger(__name__)

# How long replaced table files stay, for reading the tables as of an earlier time.
KEEP_DAYS = 90


class WarehouseError(RuntimeError):
    """The warehouse could not be written or read: disk, permissions, a bug."""


@dataclass
class Staged:
    """A run's tables before they are committed: (table, period) -> rows."""

    run_id: str
    tables: dict[tuple[str, str], pa.Table] = field(default_factory=dict)


class Warehouse:
    def __init__(
        self,
        root: str | Path | Location,
        as_of: dt.datetime | None = None,
        versions: dict[str, int] | None = None,
    ) -> None:
        self.location = root if isinstance(root, Location) else Location(root)
        self.url = self.location.url
        # The folder on this machine; None for a warehouse on object storage.
        self.root = None if self.location.remote else Path(self.url)
        self.as_of = as_of
        self._versions = versions  # fixed by `snapshot()`
        if as_of is None:
            self.location.mkdir()

    def snapshot(self) -> Warehouse:
        """This warehouse with the table versions readers see now held fixed: several
        reads through it see the tables of one run, whatever is committed meanwhile."""
        return Warehouse(self.location, self.as_of, dict(self.pinned))

    @contextmanager
    def writer(self) -> Iterator[Warehouse]:
        """Exclusive write access for one run: a second run on the same warehouse waits.
        Interrupted commits of earlier runs are finished first."""
        lock = _lease(self.location) if self.location.remote else _flock(self.location)
        with lock:
            self.adopt_parquet_tables()
            self.recover()
            yield self

    # ------------------------------------------------------------------ archive

    @staticmethod
    def archive_rel(sha256: str, suffix: str) -> str:
        safe_suffix = "".join(ch for ch in suffix.lower() if ch.isalnum() or ch == ".")[:8]
        return f"archive/{sha256[:2]}/{sha256}{safe_suffix}"

    def archive_path(self, sha256: str, suffix: str) -> Path:
        """Where a received file is kept, for a warehouse on this machine."""
        return self.location.local(self.archive_rel(sha256, suffix))

    def archived(self, sha256: str, suffix: str) -> Path | None:
        """A received file as a file on this machine to read (on object storage, a copy
        kept in the local cache); None when the archive does not have it."""
        return self.location.as_local_file(self.archive_rel(sha256, suffix))

    def archive(self, sha256: str, suffix: str, data: bytes) -> None:
        """Keep a received file under its SHA-256; an archived file is never rewritten."""
        rel = self.archive_rel(sha256, suffix)
        if not self.location.exists(rel):
            self.location.write(rel, data)

    def archive_stream(self, suffix: str, copy: Callable[[BinaryIO], str]) -> str:
        """Keep a file too large to hold in memory: `copy(sink)` writes it to a temporary
        file and returns its SHA-256, under which it is then kept."""
        incoming = self.location.scratch() / f".incoming-{uuid.uuid4().hex}"
        try:
            with open(incoming, "wb") as sink:
                sha256 = copy(sink)
                sink.flush()
                os.fsync(sink.fileno())
            rel = self.archive_rel(sha256, suffix)
            if not self.location.exists(rel):
                self.location.put(incoming, rel)
        finally:
            incoming.unlink(missing_ok=True)
        return sha256

    # ------------------------------------------------------------------ tables

    def table_uri(self, table: str) -> str:
        return self.location.uri(table)

    def _delta(self, table: str, version: int | None = None):  # -> deltalake.DeltaTable
        from deltalake import DeltaTable

        options = self.location.storage_options
        return DeltaTable(self.table_uri(table), version=version, storage_options=options)

    def _is_delta(self, table: str) -> bool:
        from deltalake import DeltaTable

        options = self.location.storage_options
        return DeltaTable.is_deltatable(self.table_uri(table), storage_options=options)

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
        if not self._is_delta("runs"):
            return RUNS.empty_table().to_pandas()
        runs = self._delta("runs").to_pyarrow_table().cast(RUNS).to_pandas()
        if self.as_of is not None:
            runs = runs[runs["committed_at"] <= pd.Timestamp(self.as_of)]
        return runs

    def _as_read(self, table: str):  # -> deltalake.DeltaTable | None
        """The table at the version readers read (None when it was never committed)."""
        version = self.pinned.get(table)
        return None if version is None else self._delta(table, version)

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

    def read_months(self, table: str, periods: Iterable[str]) -> pd.DataFrame:
        """The partitions of `periods` of a table (only their files are read)."""
        return self._read(table, pc.field(PARTITION).isin(sorted(set(periods))))

    def _read(self, table: str, where: pc.Expression | None) -> pd.DataFrame:
        schema = TABLES[table]
        dataset = self.dataset(table)
        if dataset is None:
            frame = schema.empty_table().to_pandas()
            frame.insert(0, PARTITION, pd.Series(dtype="object"))
            return frame
        # A table written before a column was added to it reads that column as nulls.
        present = [name for name in schema.names if name in dataset.schema.names]
        data = dataset.to_table(columns=[PARTITION, *present], filter=where)
        for name in schema.names:
            if name not in present:
                data = data.append_column(name, pa.nulls(len(data), schema.field(name).type))
        frame = data.select(schema.names).cast(schema).to_pandas()
        frame.insert(0, PARTITION, data.column(PARTITION).to_pylist())
        return frame

    def read_history(self, period: str, months: int, columns: list[str]) -> pd.DataFrame:
        """Facts of the `months` calendar months before `period` (not `period` itself),
        reported on the same units as `period`: a month after the July 2025 reform has
        no history before it (its codes name other units), and one before has none after."""
        from antq.config import REFORM_PERIOD

        start = str(Period.parse(period).shift(-months))
        end = period
        if period >= REFORM_PERIOD:
            start = max(start, REFORM_PERIOD)
        else:
            end = min(end, REFORM_PERIOD)
        where = (pc.field(PARTITION) >= start) & (pc.field(PARTITION) < end)
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
        options = self.location.storage_options
        write_deltalake(self.table_uri("runs"), record, mode="append", storage_options=options)

    def _replace(self, table: str, period: str, data: pa.Table) -> int:
        from deltalake import write_deltalake

        uri, options = self.table_uri(table), self.location.storage_options
        if self._is_delta(table):
            predicate = f"{PARTITION} = '{period}'"
            write_deltalake(
                uri,
                data,
                mode="overwrite",
                predicate=predicate,
                schema_mode="merge",  # a column added since the table was made
                storage_options=options,
            )
        else:
            write_deltalake(
                uri, data, mode="append", partition_by=[PARTITION], storage_options=options
            )
        return self._delta(table).version()

    def vacuum(self, keep_days: int = KEEP_DAYS) -> None:
        """Delete the files of table versions replaced more than `keep_days` ago."""
        for table in (*TABLES, "runs"):
            if self._is_delta(table):
                self._delta(table).vacuum(
                    retention_hours=keep_days * 24, dry_run=False, enforce_retention_duration=False
                )

    def parquet_tables(self) -> list[str]:
        """Tables still in the layout of antq before Delta Lake: Hive-partitioned Parquet
        folders without a transaction log (only ever on local disk)."""
        if self.root is None:
            return []
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
        from deltalake import Field, Schema, convert_to_deltalake
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
            versions[table] = self._delta(table).version()
        self._record("adopt-" + uuid.uuid4().hex[:6], "", versions)

    def recover(self) -> None:
        """Put back the tables a run committed before it stopped, short of recording
        itself (readers never saw them; writers must not build on them), and sweep the
        files a killed run left half written."""
        pinned = self.pinned
        for table in TABLES:
            if not self._is_delta(table):
                continue
            current = self._delta(table)
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
        the lock while they write them, so under the lock none belongs to a live run.
        On object storage a file is written whole or not at all: nothing to sweep."""
        if self.root is None:
            return
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


# ---------------------------------------------------------------------- locks

LOCK = ".lock"


@contextmanager
def _flock(location: Location) -> Iterator[None]:
    """On local disk: an advisory lock the system drops when its process dies."""
    with open(location.local(LOCK), "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# A lease on object storage: taken by creating `.lock` (an exclusive PUT), renewed while
# the run lives, and taken over by another run only once it has not been renewed for
# LEASE_SECONDS (its run was killed). Waiting runs look again every POLL_SECONDS.
LEASE_SECONDS = 120.0
RENEW_SECONDS = 30.0
POLL_SECONDS = 2.0


def _lease_record(owner: str) -> bytes:
    now = time.time()
    record = {
        "owner": owner,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "renewed": now,
        "expires": now + LEASE_SECONDS,
    }
    return json.dumps(record).encode()


def _holder(location: Location) -> dict | None:
    try:
        found = json.loads(location.read_bytes(LOCK))
    except FileNotFoundError:
        return None
    except ValueError:
        return {}  # half of a record: treated as expired
    return found if isinstance(found, dict) else {}


@contextmanager
def _lease(location: Location) -> Iterator[None]:
    """On object storage: one writer at a time by a renewed lease on `.lock`."""
    owner = uuid.uuid4().hex
    said = False
    while not location.create(LOCK, _lease_record(owner)):
        holder = _holder(location)
        if holder is None:
            continue  # released meanwhile
        if float(holder.get("expires", 0)) < time.time():
            log.warning("warehouse: lần chạy giữ khoá %s đã dừng; lấy lại khoá", holder)
            location.remove(LOCK)
            continue
        if not said:
            log.warning(
                "warehouse: đang chờ lần chạy khác (máy %s, tiến trình %s) ghi xong kho %s",
                holder.get("host"),
                holder.get("pid"),
                location.url,
            )
            said = True
        time.sleep(POLL_SECONDS)
    stop = threading.Event()

    def renew() -> None:
        while not stop.wait(RENEW_SECONDS):
            holder = _holder(location)
            if holder is None or holder.get("owner") != owner:
                log.error("warehouse: khoá của lần chạy này đã bị lần chạy khác lấy")
                return
            location.write(LOCK, _lease_record(owner))

    renewer = threading.Thread(target=renew, name="antq-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        stop.set()
        renewer.join()
        holder = _holder(location)
        if holder is not None and holder.get("owner") == owner:
            location.remove(LOCK)
