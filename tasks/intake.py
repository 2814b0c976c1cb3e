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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from antq.findings import make_finding
from antq.tasks.discover import InboxFile, NotReadable, hash_stream, open_regular
from antq.tasks.guard import LIMITS, GuardLimits
from antq.tasks.normalize import FileRef, ParsedFile, normalize_workbook
from antq.tasks.read import ReadProblem, Workbook, read_bytes
from antq.tasks.workers import DEFAULT_LIMITS, Failure, Limits, is_panic, run_limited

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    file: InboxFile
    period: str
    archive_dir: Path | None
    guard: GuardLimits = field(default=LIMITS)


def _archive_stream(archive_dir: Path | None, suffix: str, handle: BinaryIO) -> str:
    """Hash a file too large to hold in memory, archiving it on the way (streamed)."""
    if archive_dir is None:
        return hash_stream(handle)
    from antq.warehouse.store import Warehouse  # the warehouse owns the archive layout

    return Warehouse(archive_dir).archive_stream(suffix, lambda sink: hash_stream(handle, sink))


def _archive(archive_dir: Path, sha256: str, suffix: str, data: bytes) -> None:
    from antq.warehouse.store import Warehouse  # the warehouse owns the archive layout

    Warehouse(archive_dir).archive(sha256, suffix, data)


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
    return normalize_workbook(_read(data, job), _ref(job, sha256, len(data)))


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
    archive_dir: Path | None,
    workers: int = 2,
    limits: Limits = DEFAULT_LIMITS,
    on_done: Callable[[ParsedFile], None] | None = None,
) -> list[ParsedFile]:
    """Every file processed, in the given order; `workers=0` runs in this process."""
    jobs = [Job(f, period, archive_dir, limits.guard) for f in files]
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
    results = []
    for job, outcome in run_limited(process_file, jobs, workers, limits):
        if isinstance(outcome, Failure):
            if outcome.kind == "crashed":
                log.error("intake: %s: %s", job.file.original_path, outcome.detail)
            parsed = _failed(job, *_failure_rule(outcome, limits))
        else:
            parsed = outcome
        results.append(parsed)
        if on_done:
            on_done(parsed)
    return results


def _failure_rule(failure: Failure, limits: Limits) -> tuple[str, str]:
    """Why a worker gave no result, as the finding's rule and detail."""
    if failure.kind == "timeout":
        return "read-timeout", f"{limits.seconds_per_file:g}"
    if failure.kind == "memory":
        return "file-too-large", "vượt giới hạn bộ nhớ khi đọc"
    return "reader-crashed", failure.detail
