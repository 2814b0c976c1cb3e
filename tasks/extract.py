"""Extracts: what reading and normalising one received file gave, kept beside the archive.

Reading a file (guard, reader, layout detection, label matching) is most of a month's
work, and a re-run after corrections changes a handful of files. So what a file reads as
(its reports, observations and file-level findings) is written once, as an Arrow IPC
file, and a later run reads that instead of parsing the file again.

An extract is keyed by everything its content depends on: the file's SHA-256, the
context the reader is given (the name it was sent under, the province folder, the
month), and the *reading version*, a digest of the code and configuration that read it
(reader, normalizer, catalog, layouts, rules and their messages, taught labels, the unit
registry's package). Change any of them and the file is read again: an extract is never
used for a question it did not answer. A missing, truncated or foreign extract is
simply not used.

Time limits and crashes are not kept (they may not happen again); what the guard or the
reader decided about the bytes is.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
from collections.abc import Iterable
from dataclasses import fields
from functools import lru_cache
from pathlib import Path

import pyarrow as pa
import pyarrow.ipc as ipc

from antq.findings import Finding
from antq.tasks.clean import Parsed
from antq.tasks.normalize import FileRef, ParsedFile
from antq.tasks.normalize.model import Observation, Report
from antq.warehouse.location import Location

FORMAT = b"antq-extract-2"

# What a file reads as depends on these (relative to the installed package `antq`).
_READING_SOURCES = (
    "tasks/guard.py",
    "tasks/read.py",
    "tasks/clean.py",
    "tasks/intake.py",
    "tasks/extract.py",
    "tasks/normalize",
    "schemas",
)


def package_dir(name: str) -> Path:
    """The folder of `antq.<name>` ("" for antq itself), found without importing it
    (importing antq.expectations would import Great Expectations: seconds)."""
    import importlib.util

    spec = importlib.util.find_spec(f"antq.{name}" if name else "antq")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"antq.{name}")
    return Path(next(iter(spec.submodule_search_locations)))


def source_digest(files: Iterable[Path]) -> hashlib._Hash:
    """A digest of the code and configuration in `files` (name and bytes) and of the
    labels the data team taught (ANTQ_TAUGHT_LABELS), which change reading as code does."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    taught = os.environ.get("ANTQ_TAUGHT_LABELS")
    if taught and Path(taught).is_file():
        digest.update(Path(taught).read_bytes())
    return digest


def _source_files() -> list[Path]:
    """The reading code and configuration, wherever the package is installed from."""
    found: list[Path] = []
    for source in _READING_SOURCES:
        top, _, rest = source.partition("/")
        path = package_dir(top) / rest if rest else package_dir(top)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in (".py", ".yaml"))
        elif path.is_file():
            found.append(path)
    package = package_dir("")
    found += [package / name for name in ("findings.py", "text.py", "legacy_text.py")]
    return found


@lru_cache(maxsize=1)
def reading_version() -> str:
    """A digest of everything that decides what a file reads as."""
    digest = source_digest(_source_files())
    for package in ("vietnam-provinces", "python-calamine", "openpyxl"):
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            digest.update(f"{package}={importlib.metadata.version(package)}".encode())
    return digest.hexdigest()[:16]


def extract_key(ref: FileRef) -> str:
    """What the extract of `ref` answers: its bytes, their context, the reading version."""
    context = "\0".join(
        (ref.sha256, ref.original_path, ref.province_code, ref.period, reading_version())
    )
    return hashlib.sha256(context.encode("utf-8", "surrogateescape")).hexdigest()[:24]


Root = str | Path | Location  # the warehouse's location


def _location(root: Root) -> Location:
    return root if isinstance(root, Location) else Location(root)


def extract_rel(ref: FileRef) -> str:
    """Where the extract of `ref` is kept in the warehouse (beside the archive):
    `extracts/<sha256>.<reading version>.<key>.arrow`."""
    name = f"{ref.sha256}.{reading_version()}.{extract_key(ref)}.arrow"
    return f"extracts/{ref.sha256[:2]}/{name}"


def extract_path(root: str | Path, ref: FileRef) -> Path:
    """The extract of `ref` in a warehouse on this machine."""
    return Location(root).local(extract_rel(ref))


def sweep_other_versions(root: Root) -> int:
    """Remove the extracts written by another reading version: no run will read them
    again. Returns how many went. Call under the warehouse's lock."""
    location = _location(root)
    current = reading_version()
    removed = 0
    for rel in location.glob("extracts/*/*.arrow"):
        parts = rel.rsplit("/", 1)[-1].split(".")
        if len(parts) != 4 or parts[1] != current:
            location.remove(rel)
            removed += 1
    return removed


# --------------------------------------------------------------------------- schema

_STR = pa.string()
_REPORT = pa.struct(
    [
        ("index", pa.int32()),
        ("unit_code", _STR),
        ("unit_level", _STR),
        ("unit_name", _STR),
        ("kind", _STR),
        ("sheet", _STR),
        ("anchor_cell", _STR),
        ("rows_all_read", pa.bool_()),
    ]
)
_OBSERVATION = pa.struct(
    [
        ("report", pa.int32()),
        ("indicator", _STR),
        ("value_raw", _STR),
        ("status", _STR),
        ("value", pa.float64()),
        ("text", _STR),
        ("sheet", _STR),
        ("cell", _STR),
    ]
)
_FINDING_FIELDS = [f.name for f in fields(Finding)]
_FINDING_LISTS = {"related_cells"}  # tuples of cells; every other field is a string
_FINDING = pa.struct(
    [(name, pa.list_(_STR) if name in _FINDING_LISTS else _STR) for name in _FINDING_FIELDS]
)
SCHEMA = pa.schema(
    [
        ("format", _STR),
        ("layout", _STR),
        ("template", _STR),
        ("sheet", _STR),
        ("unit_code", _STR),
        ("unit_level", _STR),
        ("unit_name", _STR),
        ("reports", pa.list_(_REPORT)),
        ("observations", pa.list_(_OBSERVATION)),
        ("findings", pa.list_(_FINDING)),
    ],
    metadata={b"format": FORMAT},
)


def _row(parsed: ParsedFile) -> dict[str, object]:
    return {
        "format": parsed.format,
        "layout": parsed.layout,
        "template": parsed.template,
        "sheet": parsed.sheet,
        "unit_code": parsed.unit_code,
        "unit_level": parsed.unit_level,
        "unit_name": parsed.unit_name,
        "reports": [
            {f.name: getattr(report, f.name) for f in fields(Report)} for report in parsed.reports
        ],
        "observations": [
            {
                "report": obs.report,
                "indicator": obs.indicator,
                "value_raw": obs.value_raw,
                "status": obs.parsed.status,
                "value": obs.parsed.value,
                "text": obs.parsed.text,
                "sheet": obs.sheet,
                "cell": obs.cell,
            }
            for obs in parsed.observations
        ],
        "findings": [
            {name: getattr(finding, name) for name in _FINDING_FIELDS}
            for finding in parsed.findings
        ],
    }


def write_extract(root: Root, parsed: ParsedFile) -> None:
    """Keep what `parsed` read as; written whole, so a reader never sees half of one.
    Not synced to disk: a lost extract only means reading the file again."""
    table = pa.Table.from_pylist([_row(parsed)], schema=SCHEMA)
    sink = pa.BufferOutputStream()
    with ipc.new_file(sink, SCHEMA) as writer:
        writer.write_table(table)
    _location(root).write(extract_rel(parsed.ref), sink.getvalue().to_pybytes(), sync=False)


def read_extract(root: Root, ref: FileRef) -> ParsedFile | None:
    """What `ref` read as when it was last read with this reading version, for this
    submission's context; None when there is no usable extract."""
    try:
        data = _location(root).read_bytes(extract_rel(ref))
        with ipc.open_file(pa.BufferReader(data)) as reader:
            if reader.schema.metadata is None or reader.schema.metadata.get(b"format") != FORMAT:
                return None
            rows = reader.read_all().to_pylist()
    except (OSError, pa.ArrowException):
        return None
    if len(rows) != 1:
        return None
    row = rows[0]
    return ParsedFile(
        ref,
        format=row["format"],
        layout=row["layout"],
        template=row["template"],
        sheet=row["sheet"],
        unit_code=row["unit_code"],
        unit_level=row["unit_level"],
        unit_name=row["unit_name"],
        reports=[Report(**report) for report in row["reports"]],
        observations=[
            Observation(
                report=obs["report"],
                indicator=obs["indicator"],
                value_raw=obs["value_raw"],
                parsed=Parsed(obs["status"], obs["value"], obs["text"]),
                sheet=obs["sheet"],
                cell=obs["cell"],
            )
            for obs in row["observations"]
        ],
        findings=[
            Finding(**finding | {name: tuple(finding[name] or ()) for name in _FINDING_LISTS})
            for finding in row["findings"]
        ],
        reused=True,
    )
