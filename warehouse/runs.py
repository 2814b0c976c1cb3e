"""Run records: what the last complete run of a month was made from, so that a re-run
from the same inputs does nothing.

A month's tables and reports are a function of its files (what each reads as, which is
what its extract key says), their arrival times, what discovery refused, the months
before it (history rules, month-over-month change), the code and configuration, and
where the reports go. The *fingerprint* digests all of these. After a run has committed
its tables and written its reports, the fingerprint and the run's summary figures are
kept under `_runs/`; a later run whose inputs give the same fingerprint finds the
month already done and returns that summary. Any difference, however small, and the
month is run again.

The record is removed before a run commits anything, so a run that dies half way never
leaves behind a record that would pass its half-written month for a finished one.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from antq.findings import Finding
from antq.tasks.discover import Discovery, one_per_content, stable_arrival
from antq.tasks.extract import extract_key, package_dir, source_digest
from antq.tasks.intake import inbox_ref
from antq.tasks.normalize import ParsedFile
from antq.warehouse.store import Warehouse

# Tables whose other months a month's results depend on.
_HISTORY_TABLES = ("facts", "rollup")


# The installed product: every module, rule book, suite and query of these folders.
_PACKAGES = ("", "expectations", "flows", "schemas", "tasks", "warehouse")


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the installed product (and of the labels the data team taught)."""
    files = [
        path
        for root in sorted({package_dir(name) for name in _PACKAGES})
        for path in sorted(root.rglob("*"))
        if path.suffix in (".py", ".yaml", ".sql", ".json") and "__pycache__" not in path.parts
    ]
    return source_digest(files).hexdigest()[:16]


def _history(store: Warehouse, period: str) -> list[str]:
    """The other months' partitions as committed (a commit writes new files)."""
    committed = store.snapshot()  # every table as of one run
    return [
        f"{table}/{other}/{file}:{size}"
        for table in _HISTORY_TABLES
        for other, file, size in committed.partition_files(table)
        if other != period
    ]


# Outcomes that may not happen again (a busy machine, a worker killed): never vouched for.
_TRANSIENT = frozenset({"read-timeout", "reader-crashed"})


def fingerprint(
    store: Warehouse,
    period: str,
    files: list[ParsedFile],
    refused: Iterable[Finding],
    reports: Path,
) -> str | None:
    """What the month's tables and reports would be made from, as one digest; None when
    a file's outcome may not happen again (a time limit, a crashed worker)."""
    if any(f.rule in _TRANSIENT for p in files for f in p.findings):
        return None
    digest = hashlib.sha256()
    parts = [period, code_version(), str(reports.resolve())]
    parts += sorted(
        "|".join(
            (
                p.ref.original_path,
                p.ref.sha256,
                p.ref.province_code,
                p.ref.received_at.isoformat(),
                extract_key(p.ref),  # what it reads as, whether read now or before
            )
        )
        for p in files
    )
    parts += sorted(json.dumps(f.row(), ensure_ascii=False, default=str) for f in refused)
    parts += _history(store, period)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.hexdigest()


def done_from_hashes(
    store: Warehouse, period: str, discovery: Discovery, previous, reports: Path
) -> tuple[dict, int] | None:
    """Before any file is read: the record of the run already done from the same inputs
    (the files as their hashes say they would be read, `previous` the month's
    submissions so far) and how many files it was made from; None when the month must
    be read. A file that cannot be hashed (refused unread) leaves the question to the
    full comparison after reading."""
    refs = [inbox_ref(f, period) for group in discovery.files.values() for f in group]
    if not refs or None in refs:
        return None
    stubs = one_per_content(stable_arrival([ParsedFile(ref) for ref in refs], previous))
    print_ = fingerprint(store, period, stubs, discovery.findings, reports)
    done = done_before(store, period, print_) if print_ else None
    return None if done is None else (done, len(stubs))


def _record_rel(period: str) -> str:
    return f"_runs/{period}.json"


def done_before(store: Warehouse, period: str, print_: str) -> dict | None:
    """The summary of the run recorded for `period` with fingerprint `print_`, when its
    outputs are all still there; None when the month must be run."""
    try:
        record = json.loads(store.location.read_bytes(_record_rel(period)))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("fingerprint") != print_:
        return None
    outputs = [Path(p) for p in record.get("outputs", [])]
    if not outputs or not all(p.is_file() for p in outputs):
        return None
    return record.get("summary")


def forget(store: Warehouse, period: str) -> None:
    """Before a run changes anything: no record may vouch for a month being rewritten."""
    store.location.remove(_record_rel(period))


def remember(
    store: Warehouse, period: str, print_: str, summary: dict, outputs: list[Path]
) -> None:
    """After the month's tables are committed and its reports written."""
    record = {"fingerprint": print_, "summary": summary, "outputs": [str(p) for p in outputs]}
    data = json.dumps(record, ensure_ascii=False, default=str).encode("utf-8")
    store.location.write(_record_rel(period), data)


# ------------------------------------------------------------ reports kept across runs

_REPORT_INPUTS = ".antq-report-inputs.json"


def read_report_inputs(out_dir: Path) -> dict[str, str]:
    """Province -> digest of the inputs its report in `out_dir` was written from."""
    try:
        found = json.loads((out_dir / _REPORT_INPUTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_report_inputs(out_dir: Path, inputs: dict[str, str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / _REPORT_INPUTS
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(inputs, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
