"""The warehouse on disk: the file archive and the Parquet tables. The one module that
writes or reads Parquet, so moving to object storage is a change here only.

A run stages every table partition it produces under `_staging/<run id>/`, then commits
them together: a journal names the swaps, the old partitions move to `_trash/`, the new
ones into place, and the journal goes. A run interrupted before the journal leaves the
warehouse as it was (the staging is swept on next open); one interrupted after it is
finished on next open. Readers never see half a month.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from antq.period import Period
from antq.warehouse.tables import PARTITION, TABLES

log = logging.getLogger(__name__)

_STAGING = "_staging"
_JOURNAL = "_journal"
_TRASH = "_trash"


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


@dataclass(frozen=True)
class Staged:
    run_id: str
    root: Path


class Warehouse:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def writer(self) -> Iterator[Warehouse]:
        """Exclusive write access for one run: a second run on the same warehouse waits.
        Interrupted commits of earlier runs are finished first."""
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
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

    def partition_dir(self, table: str, period: str) -> Path:
        return self.root / table / f"{PARTITION}={period}"

    def read(self, table: str, period: str | None = None) -> pd.DataFrame:
        """A table (one period, or all), with `period` as a plain string column."""
        schema = TABLES[table]
        periods = [period] if period else self.periods(table)
        frames = []
        for p in periods:
            directory = self.partition_dir(table, p)
            files = sorted(directory.glob("*.parquet")) if directory.is_dir() else []
            for file in files:
                frame = pq.read_table(file, schema=schema).to_pandas()
                frame.insert(0, PARTITION, p)
                frames.append(frame)
        if not frames:
            empty = schema.empty_table().to_pandas()
            empty.insert(0, PARTITION, pd.Series(dtype="object"))
            return empty
        return pd.concat(frames, ignore_index=True)

    def read_history(self, period: str, months: int, columns: list[str]) -> pd.DataFrame:
        """Facts of the `months` calendar months before `period` (not `period` itself)."""
        start = str(Period.parse(period).shift(-months))
        window = [p for p in self.periods("facts") if start <= p < period]
        frames = [self.read("facts", p)[[*columns, "period"]] for p in window]
        if not frames:
            return pd.DataFrame(columns=[*columns, "period"])
        return pd.concat(frames, ignore_index=True)

    def periods(self, table: str) -> list[str]:
        directory = self.root / table
        if not directory.is_dir():
            return []
        return sorted(
            p.name.split("=", 1)[1]
            for p in directory.iterdir()
            if p.name.startswith(f"{PARTITION}=")
        )

    def glob(self, table: str, period: str | None = None) -> str:
        """A DuckDB/Spark path pattern for a table's Parquet files."""
        part = f"{PARTITION}={period}" if period else f"{PARTITION}=*"
        return str(self.root / table / part / "*.parquet")

    # ------------------------------------------------------------------ staging

    def stage(self) -> Staged:
        run_id = uuid.uuid4().hex[:12]
        root = self.root / _STAGING / run_id
        root.mkdir(parents=True)
        return Staged(run_id, root)

    def staged_dir(self, staged: Staged, table: str, period: str) -> Path:
        return staged.root / table / f"{PARTITION}={period}"

    def write_staged(self, staged: Staged, table: str, period: str, frame: pd.DataFrame) -> Path:
        schema = TABLES[table]
        missing = [name for name in schema.names if name not in frame.columns]
        if missing:
            raise WarehouseError(f"load: table {table} is missing columns {missing}")
        arrow = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
        directory = self.staged_dir(staged, table, period)
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / "part-0.parquet"
        pq.write_table(arrow, path, compression="zstd")
        return path

    def commit(self, staged: Staged, partitions: Iterable[tuple[str, str]]) -> None:
        """Swap the staged partitions in, all of them or (after a crash, on recovery) all."""
        swaps = [
            {"table": table, "period": period}
            for table, period in partitions
            if self.staged_dir(staged, table, period).is_dir()
        ]
        journal = self.root / _JOURNAL / f"{staged.run_id}.json"
        _write_atomic(journal, json.dumps({"run_id": staged.run_id, "swaps": swaps}).encode())
        self._apply(journal)

    def _apply(self, journal: Path) -> None:
        entry = json.loads(journal.read_text())
        run_id = entry["run_id"]
        staging = self.root / _STAGING / run_id
        trash = self.root / _TRASH / run_id
        for swap in entry["swaps"]:
            table, period = swap["table"], swap["period"]
            new = staging / table / f"{PARTITION}={period}"
            target = self.partition_dir(table, period)
            old = trash / table / f"{PARTITION}={period}"
            if not new.exists():
                continue  # this swap was done before the interruption
            if target.exists():
                old.parent.mkdir(parents=True, exist_ok=True)
                if old.exists():
                    shutil.rmtree(old)
                os.replace(target, old)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, target)
            _fsync_dir(target.parent)
        journal.unlink()
        _fsync_dir(journal.parent)
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)

    def recover(self) -> None:
        """Finish any committed run and sweep the staging of runs that never committed."""
        journals = (
            sorted((self.root / _JOURNAL).glob("*.json")) if (self.root / _JOURNAL).is_dir() else []
        )
        for journal in journals:
            log.warning("warehouse: finishing interrupted commit %s", journal.stem)
            self._apply(journal)
        for leftover in (_STAGING, _TRASH):
            directory = self.root / leftover
            if directory.is_dir():
                for child in directory.iterdir():
                    shutil.rmtree(child, ignore_errors=True)
        self._sweep_partial_files()

    def _sweep_partial_files(self) -> None:
        """Files a killed run left half written: an archive copy still being received
        (`archive/.incoming-*`) and atomic writes never renamed (`.*.tmp`). Runs hold
        the lock while they write them, so under the lock none belongs to a live run."""
        archive = self.root / "archive"
        partial = list(archive.glob(".incoming-*")) if archive.is_dir() else []
        partial += list(archive.glob("*/.*.tmp")) if archive.is_dir() else []
        journal = self.root / _JOURNAL
        partial += list(journal.glob(".*.tmp")) if journal.is_dir() else []
        extracts = self.root / "extracts"
        partial += list(extracts.glob("*/.*.tmp")) if extracts.is_dir() else []
        runs = self.root / "_runs"
        partial += list(runs.glob(".*.tmp")) if runs.is_dir() else []
        for path in partial:
            log.warning("warehouse: removing a file a killed run left half written: %s", path)
            path.unlink(missing_ok=True)

    def discard(self, staged: Staged) -> None:
        shutil.rmtree(staged.root, ignore_errors=True)
