"""Discover stage: the files of a month in the inbox, each with its submitting province.

The inbox holds one folder per province (`inbox/<period>/<province code or name>/...`,
or the province folders directly). The folder a file arrives in is its submitter. Files
outside any province folder, and links, are reported, never guessed into a province.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from antq.findings import Finding, Where, make_finding
from antq.schemas.registry import registry

# Office and OS droppings that are not submissions.
_IGNORED_NAMES = {".ds_store", "thumbs.db", "desktop.ini"}


@dataclass(frozen=True)
class InboxFile:
    path: Path  # absolute, inside the inbox
    original_path: str  # relative to the inbox root, forward slashes
    province_code: str
    received_at: dt.datetime  # the file's modification time, UTC
    size: int


@dataclass
class Discovery:
    period: str
    base: Path
    files: dict[str, list[InboxFile]] = field(default_factory=dict)  # by province code
    findings: list[Finding] = field(default_factory=list)

    @property
    def n_files(self) -> int:
        return sum(len(files) for files in self.files.values())


def month_dir(inbox: Path, period: str) -> Path:
    """`inbox/<period>` when it exists, else the inbox itself (SPEC §9)."""
    candidate = inbox / period
    return candidate if candidate.is_dir() else inbox


def _ignored(name: str) -> bool:
    return name.lower() in _IGNORED_NAMES or name.startswith(("~$", ".~lock"))


def _relative(path: Path, inbox: Path) -> str:
    return path.relative_to(inbox).as_posix()


def _unplaced(discovery: Discovery, inbox: Path, path: Path, why: str) -> None:
    where = Where(period=discovery.period, province_code="", original_path=_relative(path, inbox))
    discovery.findings.append(make_finding("file-outside-province", where, detail=why))


def _walk(folder: Path) -> list[Path]:
    """Regular files under `folder`, links not followed (a link may point anywhere)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not _ignored(name):
                found.append(Path(dirpath) / name)
    return found


def discover(inbox: Path, period: str) -> Discovery:
    inbox = inbox.resolve()
    base = month_dir(inbox, period)
    discovery = Discovery(period=period, base=base)
    reg = registry()
    for entry in sorted(base.iterdir(), key=lambda p: p.name):
        if _ignored(entry.name) or entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_dir():
            _unplaced(
                discovery, inbox, entry, "tệp không nằm trong thư mục của tỉnh, thành phố nào"
            )
            continue
        province = reg.province_folder(entry.name)
        if province is None:
            for path in _walk(entry):
                _unplaced(
                    discovery,
                    inbox,
                    path,
                    f"thư mục “{entry.name}” không ứng với tỉnh, thành phố nào",
                )
            continue
        files = discovery.files.setdefault(province.code, [])
        for path in _walk(entry):
            if path.is_symlink():
                _unplaced(discovery, inbox, path, "liên kết (symlink) không phải tệp báo cáo")
                continue
            stat = path.stat()
            files.append(
                InboxFile(
                    path=path,
                    original_path=_relative(path, inbox),
                    province_code=province.code,
                    received_at=dt.datetime.fromtimestamp(int(stat.st_mtime), tz=dt.UTC),
                    size=stat.st_size,
                )
            )
    return discovery


def add_archived_versions(discovery: Discovery, previous: list[dict], archive_path) -> int:
    """Files a previous run of this month received that are no longer in the inbox.

    Every version stays traceable: a re-run reads them again from the archive, so taking
    a file out of the inbox never silently drops a unit's report or its history.
    `previous` rows are submissions of the period; `archive_path(sha, suffix)` locates
    an archived file. Returns how many were added.
    """
    present = {f.original_path for files in discovery.files.values() for f in files}
    added = 0
    for row in previous:
        if row["original_path"] in present or not row["sha256"]:
            continue
        path = archive_path(row["sha256"], Path(row["original_path"]).suffix)
        if not path.is_file():
            continue
        discovery.files.setdefault(row["province_code"], []).append(
            InboxFile(
                path=path,
                original_path=row["original_path"],
                province_code=row["province_code"],
                received_at=row["received_at"].to_pydatetime()
                if hasattr(row["received_at"], "to_pydatetime")
                else row["received_at"],
                size=path.stat().st_size,
            )
        )
        present.add(row["original_path"])
        added += 1
    return added
