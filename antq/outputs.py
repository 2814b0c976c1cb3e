"""Outputs written aside and renamed into place (reports, pages, JSON, marked-up copies).

A full disk or a crash leaves the previous output, or none, never a truncated workbook
under its real name.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def write_aside(path: Path, write: Callable[[Path], None]) -> Path:
    """`write(tmp)` to a hidden file beside `path`, then rename it to `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{uuid.uuid4().hex}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def save_workbook(wb, path: Path) -> Path:  # wb: an openpyxl Workbook
    return write_aside(path, wb.save)


def write_text(path: Path, text: str) -> Path:
    return write_aside(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
