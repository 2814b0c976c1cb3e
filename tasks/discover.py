"""Discover stage: the files of a month in the inbox, each with its submitting province.

The inbox holds one folder per province (`inbox/<period>/<province code or name>/...`,
or the province folders directly). The folder a file arrives in is its submitter. Files
outside any province folder, and links, are reported, never guessed into a province.
Links (to files or folders, at any depth) are never followed, since one may point
outside the inbox; nor are pipes, sockets or devices read, since reading one may block.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from antq.config import Config
from antq.findings import Finding, Where, make_finding

if TYPE_CHECKING:  # normalize imports nothing from here; intake imports both
    from antq.tasks.normalize import ParsedFile

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
    """`inbox/<period>` when it exists, else the inbox itself (SPEC §9). A link named like
    the period is not followed (it is then reported like any other link)."""
    candidate = inbox / period
    return candidate if candidate.is_dir() and not candidate.is_symlink() else inbox


def _ignored(name: str) -> bool:
    return name.lower() in _IGNORED_NAMES or name.startswith(("~$", ".~lock"))


def original_path_of(path: Path, inbox: Path) -> str:
    """The path as recorded and shown (`original_path`): relative to the inbox, in text
    that every output can hold. A name is bytes on Linux: bytes that are not UTF-8 (a
    name written in a legacy code page) become `\\xNN`, and characters that print nothing
    or steer the display (control characters, bidirectional overrides) their escapes;
    Parquet, Excel and a terminal would each refuse or misshow them."""
    text = path.relative_to(inbox).as_posix()
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


def _unplaced(
    discovery: Discovery, inbox: Path, path: Path, why: str, province_code: str = ""
) -> None:
    """A finding for an entry that is not read: in its province's report when it lies in a
    province folder."""
    where = Where(
        period=discovery.period,
        province_code=province_code,
        original_path=original_path_of(path, inbox),
    )
    discovery.findings.append(make_finding("file-outside-province", where, detail=why))


def _walk(folder: Path) -> list[Path]:
    """Entries under `folder` that are not folders, and links to folders (which os.walk
    lists as folders but never enters): links are not followed, they may point anywhere."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        linked = [d for d in dirnames if (Path(dirpath) / d).is_symlink()]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in linked)
        for name in sorted(filenames + linked):
            if not _ignored(name):
                found.append(Path(dirpath) / name)
    return found


def _not_a_file(path: Path, inside: Counter[tuple[int, int]] | None = None) -> str | None:
    """Why `path` is not read as a submission: a link, or not a regular file. A hard
    link is read only when all its names are in the inbox (`inside` counts the names of
    each device and inode there): one to a file elsewhere (/etc/passwd) is not."""
    if path.is_symlink():
        return "liên kết (symlink) không phải tệp báo cáo"
    try:
        info = path.lstat()
    except OSError as exc:
        return f"không đọc được thông tin tệp ({exc.strerror})"
    if not stat.S_ISREG(info.st_mode):
        return "không phải tệp dữ liệu thông thường (ống, thiết bị...)"
    if info.st_nlink > 1 and (inside or Counter())[(info.st_dev, info.st_ino)] < info.st_nlink:
        return "liên kết cứng (hard link) tới một tệp nằm ngoài hộp thư"
    return None


def _names_inside(base: Path) -> Counter[tuple[int, int]]:
    """How many names each (device, inode) has under the month's folder."""
    found: Counter[tuple[int, int]] = Counter()
    for dirpath, _, filenames in os.walk(base, followlinks=False):
        for name in filenames:
            try:
                info = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_nlink > 1:
                found[(info.st_dev, info.st_ino)] += 1
    return found


class NotReadable(Exception):
    """The inbox entry cannot be opened as a file: carries the finding's rule and detail."""

    def __init__(self, rule: str, detail: str) -> None:
        super().__init__(detail)
        self.rule, self.detail = rule, detail


def open_regular(path: Path) -> BinaryIO:
    """The file at `path`, never through a link (one may have replaced the file since
    discovery) and only a regular file: a FIFO or a device would block the reader."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if path.is_symlink():
            raise NotReadable(
                "file-outside-province", "liên kết (symlink) không phải tệp báo cáo"
            ) from exc
        raise NotReadable("file-unreadable", f"không mở được tệp ({exc.strerror})") from exc
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotReadable("file-unreadable", "không phải tệp dữ liệu thông thường")
    return os.fdopen(fd, "rb")


def hash_stream(handle: BinaryIO, sink: BinaryIO | None = None) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(1 << 20):
        digest.update(chunk)
        if sink is not None:
            sink.write(chunk)
    return digest.hexdigest()


def content_sha256(path: Path) -> str | None:
    """The SHA-256 of the regular file at `path` (never through a link), None if it
    cannot be read."""
    try:
        with open_regular(path) as handle:
            return hash_stream(handle)
    except (OSError, NotReadable):
        return None


def discover(inbox: Path, period: str, config: Config | None = None) -> Discovery:
    inbox = inbox.resolve()
    base = month_dir(inbox, period)
    discovery = Discovery(period=period, base=base)
    reg = (config or Config.load(period)).registry
    inside = _names_inside(base)
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
            why = _not_a_file(path, inside)
            if why is not None:
                _unplaced(discovery, inbox, path, why, province.code)
                continue
            info = path.lstat()
            files.append(
                InboxFile(
                    path=path,
                    original_path=original_path_of(path, inbox),
                    province_code=province.code,
                    received_at=dt.datetime.fromtimestamp(int(info.st_mtime), tz=dt.UTC),
                    size=info.st_size,
                )
            )
    return discovery


def add_archived_versions(discovery: Discovery, previous: list[dict], archive_path) -> int:
    """Every version an earlier run of this month received, unless the same bytes are in
    the inbox now (under any name: a file renamed without change is one submission).

    Versions belong to a unit and a month, not to a file name: a corrected file sent under
    the old name replaces the old one in the inbox, but the old version is read again from
    the archive, keeps its `submissions` row and is superseded by the new one. Taking a
    file out of the inbox never drops a unit's report or its history either. `previous`
    rows are submissions of the period; `archive_path(sha, suffix)` gives an archived
    file as a local file (None when the archive lacks it). Returns how many were added."""
    if not previous:
        return 0
    in_inbox: dict[str, set[str | None]] = {
        province: {content_sha256(f.path) for f in files}
        for province, files in discovery.files.items()
    }
    taken: set[tuple[str, str]] = set()
    added = 0
    for row in previous:
        sha256, original_path = row["sha256"], row["original_path"]
        if not sha256 or sha256 in in_inbox.get(row["province_code"], ()):
            continue
        if (original_path, sha256) in taken:
            continue
        path = archive_path(sha256, Path(original_path).suffix)
        if path is None or not path.is_file():
            continue
        received = row["received_at"]
        discovery.files.setdefault(row["province_code"], []).append(
            InboxFile(
                path=path,
                original_path=original_path,
                province_code=row["province_code"],
                received_at=received.to_pydatetime()
                if hasattr(received, "to_pydatetime")
                else received,
                size=path.stat().st_size,
            )
        )
        taken.add((original_path, sha256))
        added += 1
    return added


def one_per_content(files: list[ParsedFile]) -> list[ParsedFile]:
    """The same bytes received twice in one province (a file sent again, or copied under
    a second name) are one submission: the first received, by name when they arrived
    together. Files that could not be hashed are all kept."""
    first: dict[tuple[str, str], ParsedFile] = {}
    for parsed in sorted(files, key=lambda p: (p.ref.received_at, p.ref.original_path)):
        if parsed.ref.sha256:
            first.setdefault((parsed.ref.province_code, parsed.ref.sha256), parsed)
    kept = {id(p) for p in first.values()}
    return [p for p in files if not p.ref.sha256 or id(p) in kept]


def stable_arrival(files: list[ParsedFile], previous) -> list[ParsedFile]:  # pd.DataFrame
    """A file received by an earlier run (under this name or, renamed since, another)
    keeps the arrival time recorded then (`previous`: the month's submissions so far), so
    re-running a month with the same files changes nothing."""
    if previous.empty:
        return files
    import pandas as pd

    seen: dict[tuple[str, str], dt.datetime] = {}
    for row in previous.itertuples():
        key = (row.province_code, row.sha256)
        at = pd.Timestamp(row.received_at).to_pydatetime()
        seen[key] = min(seen.get(key, at), at)
    for parsed in files:
        earlier = seen.get((parsed.ref.province_code, parsed.ref.sha256))
        if earlier is not None and earlier != parsed.ref.received_at:
            parsed.ref = dataclasses.replace(parsed.ref, received_at=earlier)
    return files
