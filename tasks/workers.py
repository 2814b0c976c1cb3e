"""Worker processes with a time limit and a memory limit, for work on untrusted files.

Intake reads each submitted file in one; the report stage builds each marked-up copy in
one. What a file makes a library do that no check foresaw (a native reader that aborts
the process, a panic, a hang, gigabytes of cell objects) then costs that file a finding
or a note, never the run. The workers fork from a server that has already imported the
readers and openpyxl, so starting one is cheap; a worker is replaced after a timeout.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import resource
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from pebble import ProcessExpired, ProcessPool

from antq.tasks.guard import LIMITS, GuardLimits
from antq.warehouse.location import StoreUnavailable

J = TypeVar("J")
R = TypeVar("R")


class WorkersUnavailable(RuntimeError):
    """The worker processes could not run at all (not any one file's fault)."""


@dataclass(frozen=True)
class Limits:
    seconds_per_file: float = 60.0
    memory_bytes: int = 2 * 1024**3  # per worker process (address space)
    guard: GuardLimits = field(default=LIMITS)  # sizes and extents checked before reading


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Failure:
    """Why a job gave no result: over its time or memory, its process died, or it raised."""

    kind: Literal["timeout", "memory", "crashed"]
    detail: str


def _limit_worker(memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to trim
        return None


_LIBC = _libc()


# A worker left holding more than this after a job (caches filled by a hostile file,
# memory the allocator keeps) is replaced by `recycle_bloated`, between stages (cheap:
# once per stage); past the second, it also collects and trims after each job (a full
# collection costs tens of milliseconds, so not for every worker after every file).
RECYCLE_RSS_BYTES = 192 * 1024**2
TRIM_RSS_BYTES = 384 * 1024**2
_BLOATED = threading.Event()


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _run_and_trim(fn: Callable[[J], R], job: J) -> tuple[R, int]:
    """`fn(job)` and the worker's resident size after it. A worker grown past
    TRIM_RSS_BYTES first hands freed memory back to the system."""
    result = fn(job)
    resident = _resident_bytes()
    if resident > TRIM_RSS_BYTES:
        gc.collect()
        if _LIBC is not None and hasattr(_LIBC, "malloc_trim"):
            _LIBC.malloc_trim(0)
        resident = _resident_bytes()
    return result, resident


_POOL: ProcessPool | None = None
_POOL_KEY: tuple[int, int] | None = None


def pool(workers: int, limits: Limits) -> ProcessPool:
    """The shared pool of `workers` processes under `limits` (made again when they change)."""
    global _POOL, _POOL_KEY
    key = (workers, limits.memory_bytes)
    if _POOL is None or key != _POOL_KEY or not _POOL.active:
        if _POOL is not None:
            _POOL.close()
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["antq.tasks.intake", "antq.tasks.annotate"])
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


@contextmanager
def workers_of_this_run() -> Iterator[None]:
    """The pool outlives a run in the process that started it (`antq run`, a backfill's
    next month), but not in a process made for the run alone: Prefect's runner (`antq
    serve`) runs each flow run in a spawned process, and multiprocessing makes such a
    process wait at its end for every live child, the idle workers included, forever."""
    try:
        yield
    finally:
        if multiprocessing.parent_process() is not None:
            shutdown_pool()


def is_panic(exc: BaseException) -> bool:
    # A Rust reader's panic reaches Python as pyo3's PanicException, a BaseException that
    # no `except Exception` catches.
    return type(exc).__name__ == "PanicException"


def run_limited(
    fn: Callable[[J], R], jobs: Sequence[J], workers: int, limits: Limits
) -> Iterator[tuple[J, R | Failure]]:
    """Each job's result (or why it has none), in the order of `jobs`, as they finish;
    `fn` must be a module-level function. Raises WorkersUnavailable when the processes
    themselves cannot run."""
    running = pool(workers, limits)
    futures = [
        running.schedule(_run_and_trim, (fn, job), timeout=limits.seconds_per_file) for job in jobs
    ]
    for job, future in zip(jobs, futures, strict=True):
        try:
            outcome, resident = future.result()
            if resident > RECYCLE_RSS_BYTES:
                _BLOATED.set()
        except FutureTimeout:
            outcome = Failure("timeout", f"{limits.seconds_per_file:g}")
        except ProcessExpired as exc:
            outcome = Failure("crashed", f"mã thoát {exc.exitcode}")
        except MemoryError:
            outcome = Failure("memory", "vượt giới hạn bộ nhớ")
        except StoreUnavailable:
            raise  # not the job's doing: the caller's run stops
        except Exception as exc:
            if type(exc).__name__ == "BrokenProcessPool":
                raise WorkersUnavailable(f"worker processes unavailable: {exc}") from exc
            outcome = Failure("crashed", type(exc).__name__)
        except BaseException as exc:  # a reader's panic raised outside the job's own guard
            if not is_panic(exc):
                raise
            outcome = Failure("crashed", type(exc).__name__)
        yield job, outcome


def recycle_bloated() -> None:
    """Replace the workers when one was left big by a job, so that the next stage starts
    with fresh ones. Call between stages, when no batch is running on the pool."""
    if _BLOATED.is_set():
        shutdown_pool()
        _BLOATED.clear()
