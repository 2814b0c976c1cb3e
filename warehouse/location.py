"""Where the warehouse lives: a folder on this machine or a prefix on object storage.

`Location("/srv/antq/warehouse")` or `Location("s3://bucket/antq")`: any URL fsspec
knows. The archive, the extracts and the run records are files under it, read and
written through the few operations below; the tables are Delta Lake tables under it,
which deltalake reads and writes itself (with `storage_options`).

On local disk a write goes to a temporary file that is synced and renamed, so a reader
never sees half of one; on object storage a PUT is already all-or-nothing. Credentials
and the endpoint of object storage come from the environment, as for every AWS tool
(`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ENDPOINT_URL` for an
S3-compatible server, `AWS_ALLOW_HTTP=true` when it speaks plain HTTP).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile
import uuid
from pathlib import Path


class StoreUnavailable(RuntimeError):
    """The warehouse could not be reached or written while a file was being kept (a disk,
    a bucket, the network): never the file's fault, so the run stops (or tries again,
    when `transient`) instead of telling a province its file could not be read. Its
    arguments are all it carries, so it crosses from a worker process intact."""

    def __init__(self, message: str, transient: bool) -> None:
        super().__init__(message, transient)
        self.message, self.transient = message, transient

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_error(cls, doing: str, exc: BaseException) -> StoreUnavailable:
        return cls(f"{doing}: {type(exc).__name__}: {exc}", is_transient(exc))


# Errors a second try can get past: a store that is busy or locked, a network that
# dropped. A bad submission is never one of them (it is a finding, not an exception).
_TRANSIENT_ERRNOS = {
    errno.EAGAIN,
    errno.EBUSY,
    errno.ETIMEDOUT,
    errno.ECONNRESET,
    errno.ECONNREFUSED,
    errno.ECONNABORTED,
    errno.EHOSTUNREACH,
    errno.ENETUNREACH,
    errno.ENETDOWN,
    errno.ESTALE,
}


def is_transient(exc: BaseException) -> bool:
    if isinstance(exc, StoreUnavailable):
        return exc.transient
    if isinstance(exc, TimeoutError | ConnectionError | BlockingIOError | InterruptedError):
        return True
    if isinstance(exc, OSError) and exc.errno in _TRANSIENT_ERRNOS:
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and is_transient(cause)


def is_url(value: str | Path) -> bool:
    """A location on object storage (`s3://…`, `gs://…`), not a local path."""
    text = str(value)
    return "://" in text and not text.startswith("file://")


def normalize(value: str | Path) -> str:
    """A warehouse location as runs compare and show it: a URL as given (without a
    trailing slash), a local path absolute."""
    text = str(value)
    if is_url(text):
        return text.rstrip("/")
    return str(Path(text.removeprefix("file://")).expanduser().resolve())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Location:
    """A folder by URL; paths below it are given relative, with `/`."""

    def __init__(self, url: str | Path) -> None:
        self.url = normalize(url)
        self.remote = is_url(self.url)
        if self.remote:
            import fsspec

            self.fs, self._base = fsspec.core.url_to_fs(self.url)
        else:
            self.fs, self._base = None, self.url

    def __repr__(self) -> str:
        return f"Location({self.url!r})"

    # -------------------------------------------------------------- naming

    def uri(self, rel: str) -> str:
        """The URL (or local path) of `rel`, as deltalake and users see it."""
        return f"{self.url}/{rel}"

    def _full(self, rel: str) -> str:
        return f"{self._base}/{rel}"

    def local(self, rel: str) -> Path:
        """`rel` on local disk (only for a local location)."""
        assert not self.remote, "a remote location has no local path"
        return Path(self._base) / rel

    @property
    def storage_options(self) -> dict[str, str]:
        """deltalake's options for this location: on S3, commits use conditional PUTs
        (`If-None-Match`), which AWS S3 and S3-compatible servers honour, so two
        writers can never both commit the same table version."""
        if self.url.startswith(("s3://", "s3a://")):
            return {"conditional_put": "etag"}
        return {}

    # -------------------------------------------------------------- reading

    def exists(self, rel: str) -> bool:
        if self.remote:
            return self.fs.isfile(self._full(rel))
        return self.local(rel).is_file()

    def is_dir(self, rel: str) -> bool:
        if self.remote:
            return self.fs.isdir(self._full(rel))
        return self.local(rel).is_dir()

    def size(self, rel: str) -> int:
        if self.remote:
            return int(self.fs.size(self._full(rel)))
        return self.local(rel).stat().st_size

    def read_bytes(self, rel: str) -> bytes:
        """The bytes of `rel`; FileNotFoundError when there is none."""
        if self.remote:
            return self.fs.cat_file(self._full(rel))
        return self.local(rel).read_bytes()

    def glob(self, pattern: str) -> list[str]:
        """Paths (relative) that match `pattern` (`*` within one folder level)."""
        if self.remote:
            base = self._base.rstrip("/") + "/"
            return sorted(p.removeprefix(base) for p in self.fs.glob(self._full(pattern)))
        root = Path(self._base)
        return sorted(str(p.relative_to(root)) for p in root.glob(pattern))

    def as_local_file(self, rel: str, cache: Path | None = None) -> Path | None:
        """A local file with the bytes of `rel` (the file itself on local disk, a copy
        kept under `cache` for object storage); None when there is no such file."""
        if not self.remote:
            path = self.local(rel)
            return path if path.is_file() else None
        cache = cache or _download_cache(self.url)
        target = cache / rel
        if target.is_file():
            return target
        try:
            data = self.read_bytes(rel)
        except FileNotFoundError:
            return None
        _write_local(target, data, sync=False)
        return target

    # -------------------------------------------------------------- writing

    def write(self, rel: str, data: bytes, sync: bool = True) -> None:
        """Write `rel` whole: a reader sees the old bytes or the new, never a mix."""
        if self.remote:
            self.fs.pipe_file(self._full(rel), data)
        else:
            _write_local(self.local(rel), data, sync)

    def create(self, rel: str, data: bytes) -> bool:
        """Write `rel` only if there is none yet (atomically, also on object storage);
        False when one was there."""
        if self.remote:
            try:
                self.fs.pipe_file(self._full(rel), data, mode="create")
            except FileExistsError:
                return False
            return True
        path = self.local(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as handle:
                handle.write(data)
        except FileExistsError:
            return False
        return True

    def put(self, source: Path, rel: str) -> None:
        """Move the local file `source` to `rel` (a copy, then `source` removed)."""
        if self.remote:
            self.fs.put_file(str(source), self._full(rel))
            source.unlink(missing_ok=True)
        else:
            target = self.local(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
            _fsync_dir(target.parent)

    def remove(self, rel: str) -> None:
        if self.remote:
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm_file(self._full(rel))
        else:
            self.local(rel).unlink(missing_ok=True)

    def scratch(self) -> Path:
        """A local folder for files on their way in (under the warehouse on local disk,
        so moving them in is a rename; the temporary folder otherwise)."""
        if self.remote:
            path = Path(tempfile.gettempdir()) / "antq-incoming"
        else:
            path = self.local("archive")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def mkdir(self) -> None:
        if not self.remote:
            Path(self._base).mkdir(parents=True, exist_ok=True)


def _write_local(path: Path, data: bytes, sync: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    if sync:
        _fsync_dir(path.parent)


def _download_cache(url: str) -> Path:
    """Where copies of archived files of the warehouse at `url` are kept on this
    machine (archived files never change, so a copy stays good)."""
    key = hashlib.sha256(url.encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "antq" / "warehouses" / key
