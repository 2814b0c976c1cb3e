"""Intake: each received file is hashed, archived, read and normalized in a worker process.

Untrusted files are read under limits, so a hostile or broken file costs a finding, never
the run: first the guard (tasks/guard.py) checks the bytes against size, zip and extent
limits before any reader sees them; then the file is read in a separate process with a
time limit and a memory limit (RLIMIT_AS), so what the guard does not foresee (a native
reader that aborts the process, a panic, a hang) is still only that file's finding.
The worker processes are those of tasks/workers.py. A file is opened without following links, and only when it is a regular file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from antq.config import Config
from antq.findings import make_finding
from antq.tasks.discover import InboxFile, NotReadable, content_sha256, hash_stream, open_regular
from antq.tasks.extract import read_extract, write_extract
from antq.tasks.guard import LIMITS, GuardLimits
from antq.tasks.normalize import FileRef, ParsedFile, normalize_workbook
from antq.tasks.read import ReadProblem, Workbook, read_bytes
from antq.tasks.workers import DEFAULT_LIMITS, Failure, Limits, is_panic, run_limited
from antq.warehouse.location import StoreUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    file: InboxFile
    period: str
    archive_dir: str | None  # the warehouse (a path or URL) that keeps files and extracts
    guard: GuardLimits = field(default=LIMITS)
    config: Config | None = None  # crosses to the worker by name (antq/config.py)


def _archive_stream(archive_dir: str | None, suffix: str, handle: BinaryIO) -> str:
    """Hash a file too large to hold in memory, archiving it on the way (streamed)."""
    if archive_dir is None:
        return hash_stream(handle)
    from antq.warehouse.store import Warehouse  # the warehouse owns the archive layout

    with _keeping("archive"):
        store = Warehouse(archive_dir)
        return store.archive_stream(suffix, lambda sink: hash_stream(handle, sink))


def _archive(archive_dir: str, sha256: str, suffix: str, data: bytes) -> None:
    from antq.warehouse.store import Warehouse  # the warehouse owns the archive layout

    with _keeping("archive"):
        Warehouse(archive_dir).archive(sha256, suffix, data)


@contextmanager
def _keeping(what: str) -> Iterator[None]:
    """Writing to the warehouse: a failure is the store's, not the file's."""
    try:
        yield
    except StoreUnavailable:
        raise
    except Exception as exc:
        raise StoreUnavailable.from_error(f"{what}: could not write to the warehouse", exc) from exc


def _ref(job: Job, sha256: str, size: int) -> FileRef:
    return FileRef(
        original_path=job.file.original_path,
        sha256=sha256,
        province_code=job.file.province_code,
        period=job.period,
        received_at=job.file.received_at,
        size=size,
    )


def _rejected(job: Job, sha256: str, size: int, rule: str, detail: str) -> ParsedFile:
    ref = _ref(job, sha256, size)
    parsed = ParsedFile(ref)
    parsed.findings.append(make_finding(rule, ref.where(), detail=detail))
    return parsed


def _read(data: bytes, job: Job) -> Workbook:
    try:
        return read_bytes(data, Path(job.file.original_path).stem, job.guard)
    except BaseException as exc:
        if not is_panic(exc):
            raise
        detail = f"{type(exc).__name__}: {str(exc)[:80]}"
        return Workbook("unknown", problem=ReadProblem("reader-crashed", detail))


def process_file(job: Job) -> ParsedFile:
    """Archive, read and normalize one file (runs in a worker)."""
    try:
        handle = open_regular(job.file.path)
    except NotReadable as refused:
        return _rejected(job, "", job.file.size, refused.rule, refused.detail)
    with handle:
        size = os.fstat(handle.fileno()).st_size
        if size > job.guard.file_bytes:
            sha256 = _archive_stream(job.archive_dir, job.file.path.suffix, handle)
            detail = f"{size / 1024**2:.1f} MB, giới hạn {job.guard.file_bytes / 1024**2:.0f} MB"
            return _rejected(job, sha256, size, "file-too-large", detail.replace(".", ","))
        data = handle.read()
    sha256 = hashlib.sha256(data).hexdigest()
    if job.archive_dir is not None:
        _archive(job.archive_dir, sha256, job.file.path.suffix, data)
    parsed = normalize_workbook(_read(data, job), _ref(job, sha256, len(data)), job.config)
    if job.archive_dir is not None:
        with _keeping("extract"):
            write_extract(job.archive_dir, parsed)
    return parsed


def inbox_ref(file: InboxFile, period: str, guard: GuardLimits = LIMITS) -> FileRef | None:
    """What a file would be read as, from its bytes' hash alone (nothing parsed); None
    for a file refused unread (too large) or that cannot be read."""
    job = Job(file, period, None, guard)
    try:
        size = file.path.lstat().st_size
    except OSError:
        return None
    if size > guard.file_bytes:
        return None  # refused unread: nothing to save
    sha256 = content_sha256(file.path)
    return None if sha256 is None else _ref(job, sha256, size)


def _reused(job: Job) -> ParsedFile | None:
    """The file's extract, when it was read before as it would be read now."""
    if job.archive_dir is None:
        return None
    ref = inbox_ref(job.file, job.period, job.guard)
    return None if ref is None else read_extract(job.archive_dir, ref)


def _failed(job: Job, rule: str, detail: str) -> ParsedFile:
    """A file whose reading failed outside our control: hash it here, report it."""
    try:
        with open_regular(job.file.path) as handle:
            sha256 = hash_stream(handle)
    except (OSError, NotReadable):
        sha256 = ""
    return _rejected(job, sha256, job.file.size, rule, detail)


def intake(
    files: Iterable[InboxFile],
    period: str,
    archive_dir: str | Path | None,
    workers: int = 2,
    limits: Limits = DEFAULT_LIMITS,
    on_done: Callable[[ParsedFile], None] | None = None,
    config: Config | None = None,
) -> list[ParsedFile]:
    """Every file processed, in the given order; `workers=0` runs in this process."""
    config = config or Config.load(period)
    archive = None if archive_dir is None else str(archive_dir)
    jobs = [Job(f, period, archive, limits.guard, config) for f in files]
    reused = {i: found for i, job in enumerate(jobs) if (found := _reused(job)) is not None}
    fresh = _parse([job for i, job in enumerate(jobs) if i not in reused], workers, limits)
    results = []
    for i in range(len(jobs)):
        parsed = reused[i] if i in reused else next(fresh)
        results.append(parsed)
        if on_done:
            on_done(parsed)
    n_reused = len(reused)
    if n_reused:
        log.info("intake: %d of %d files read from their extracts", n_reused, len(jobs))
    return results


def _parse(jobs: list[Job], workers: int, limits: Limits) -> Iterator[ParsedFile]:
    """Each job's file read, in order: in worker processes, or here when `workers=0`."""
    if workers == 0:
        for job in jobs:
            try:
                yield process_file(job)
            except StoreUnavailable:
                raise  # the warehouse's failure, not the file's: the run stops
            except Exception as exc:  # a reader bug on one odd file must not stop the month
                log.exception("intake: %s", job.file.original_path)
                yield _failed(job, "reader-crashed", type(exc).__name__)
        return
    for job, outcome in run_limited(process_file, jobs, workers, limits):
        if isinstance(outcome, Failure):
            if outcome.kind == "crashed":
                log.error("intake: %s: %s", job.file.original_path, outcome.detail)
            yield _failed(job, *_failure_rule(outcome, limits))
        else:
            yield outcome


def _failure_rule(failure: Failure, limits: Limits) -> tuple[str, str]:
    """Why a worker gave no result, as the finding's rule and detail."""
    if failure.kind == "timeout":
        return "read-timeout", f"{limits.seconds_per_file:g}"
    if failure.kind == "memory":
        return "file-too-large", "vượt giới hạn bộ nhớ khi đọc"
    return "reader-crashed", failure.detail
