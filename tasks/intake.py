"""Intake: each received file is hashed, archived, read and normalized in a worker process.

Untrusted files are read in separate processes, each with a time limit, so a file that
hangs or crashes its reader (a native library can abort the whole process) costs a
finding, never the run. The workers fork from a server that has already imported the
readers, so starting one is cheap.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import resource
from collections.abc import Callable, Iterable
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from antq.findings import make_finding
from antq.tasks.discover import InboxFile
from antq.tasks.normalize import FileRef, ParsedFile, normalize_workbook
from antq.tasks.read import read_bytes

log = logging.getLogger(__name__)


class IntakeError(RuntimeError):
    """The intake stage itself failed (not a submitted file)."""


@dataclass(frozen=True)
class Limits:
    seconds_per_file: float = 60.0
    memory_bytes: int = 2 * 1024**3  # per worker process (address space)


@dataclass(frozen=True)
class Job:
    file: InboxFile
    period: str
    archive_dir: Path | None


def _archive(archive_dir: Path, sha256: str, suffix: str, data: bytes) -> None:
    from antq.warehouse.store import Warehouse  # the warehouse owns the archive layout

    Warehouse(archive_dir).archive(sha256, suffix, data)


def process_file(job: Job) -> ParsedFile:
    """Archive, read and normalize one file (runs in a worker)."""
    data = job.file.path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    if job.archive_dir is not None:
        _archive(job.archive_dir, sha256, job.file.path.suffix, data)
    ref = FileRef(
        original_path=job.file.original_path,
        sha256=sha256,
        province_code=job.file.province_code,
        period=job.period,
        received_at=job.file.received_at,
        size=len(data),
    )
    return normalize_workbook(read_bytes(data, Path(job.file.original_path).stem), ref)


def _failed(job: Job, rule: str, detail: str) -> ParsedFile:
    """A file whose reading failed outside our control: hash it here, report it."""
    try:
        sha256 = hashlib.sha256(job.file.path.read_bytes()).hexdigest()
    except OSError:
        sha256 = ""
    ref = FileRef(
        original_path=job.file.original_path,
        sha256=sha256,
        province_code=job.file.province_code,
        period=job.period,
        received_at=job.file.received_at,
        size=job.file.size,
    )
    parsed = ParsedFile(ref)
    parsed.findings.append(make_finding(rule, ref.where(), detail=detail))
    return parsed


def _limit_worker(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


_POOL: ProcessPool | None = None
_POOL_KEY: tuple[int, int] | None = None


def _pool(workers: int, limits: Limits) -> ProcessPool:
    global _POOL, _POOL_KEY
    key = (workers, limits.memory_bytes)
    if _POOL is None or key != _POOL_KEY or not _POOL.active:
        if _POOL is not None:
            _POOL.close()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["antq.tasks.intake"])
        _POOL = ProcessPool(
            max_workers=workers,
            initializer=_limit_worker,
            initargs=(limits.memory_bytes,),
            context=context,
        )
        _POOL_KEY = key
    return _POOL


def shutdown_pool() -> None:
    global _POOL
    if _POOL is not None:
        _POOL.close()
        _POOL.join()
        _POOL = None


def intake(
    files: Iterable[InboxFile],
    period: str,
    archive_dir: Path | None,
    workers: int = 2,
    limits: Limits = Limits(),
    on_done: Callable[[ParsedFile], None] | None = None,
) -> list[ParsedFile]:
    """Every file processed, in the given order; `workers=0` runs in this process."""
    jobs = [Job(f, period, archive_dir) for f in files]
    if workers == 0:
        results = []
        for job in jobs:
            try:
                parsed = process_file(job)
            except Exception as exc:  # a reader bug on one odd file must not stop the month
                log.exception("intake: %s", job.file.original_path)
                parsed = _failed(job, "reader-crashed", type(exc).__name__)
            results.append(parsed)
            if on_done:
                on_done(parsed)
        return results
    pool = _pool(workers, limits)
    futures = [pool.schedule(process_file, (job,), timeout=limits.seconds_per_file) for job in jobs]
    results = []
    for job, future in zip(jobs, futures, strict=True):
        try:
            parsed = future.result()
        except FutureTimeout:
            parsed = _failed(job, "read-timeout", f"{limits.seconds_per_file:g}")
        except ProcessExpired as exc:
            parsed = _failed(job, "reader-crashed", f"mã thoát {exc.exitcode}")
        except MemoryError:
            parsed = _failed(job, "file-too-large", "vượt giới hạn bộ nhớ khi đọc")
        except Exception as exc:
            if type(exc).__name__ == "BrokenProcessPool":
                # Not this file's fault: the worker processes could not run at all.
                raise IntakeError(f"intake: reader processes unavailable: {exc}") from exc
            log.error("intake: %s: %s: %s", job.file.original_path, type(exc).__name__, exc)
            parsed = _failed(job, "reader-crashed", type(exc).__name__)
        results.append(parsed)
        if on_done:
            on_done(parsed)
    return results
