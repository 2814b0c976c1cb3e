"""Give a generated month the file formats provinces really send, in realistic shares.

The sample generator writes every file as .xlsx. A real month also holds legacy .xls
(Excel 97-2003 templates still in use), a few LibreOffice .ods, HTML tables exported by
other software under a .xls name, and CSV. `convert_share` rewrites a deterministic
share of a month's .xlsx files into those formats, cell for cell (values, merges, hidden
rows), through the writers of `tools.sheets`, so every fact stays where it was:

    python -m tools.formats MONTH_DIR [--seed 2026]
"""

from __future__ import annotations

import argparse
import os
import random
import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import openpyxl

from tools.sheets import Book, Grid, csv_bytes, html_bytes, ods_bytes, xls_bytes

# Shares of files per format; the rest stay .xlsx. CSV and HTML only take single-sheet
# files (their conventions have one sheet, or one table per sheet).
SHARES = {"xls": 0.15, "ods": 0.03, "html": 0.02, "csv": 0.01}


def grid_of(ws) -> Grid:  # openpyxl Worksheet
    grid = Grid(name=ws.title, hidden=ws.sheet_state != "visible")
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.value != "":
                grid.cells[(cell.row, cell.column)] = cell.value
    for merged in ws.merged_cells.ranges:
        grid.merges.append((merged.min_row, merged.min_col, merged.max_row, merged.max_col))
    grid.hidden_rows.update(r for r, dim in ws.row_dimensions.items() if dim.hidden)
    return grid


def book_of(path: Path) -> Book:
    wb = openpyxl.load_workbook(path)
    return Book([grid_of(ws) for ws in wb.worksheets])


def convert(path: Path, kind: str) -> Path:
    """Rewrite `path` (an .xlsx) as `kind`; return the new path (the .xlsx is removed)."""
    book = book_of(path)
    stat = path.stat()
    at = datetime.fromtimestamp(stat.st_mtime)
    if kind == "xls":
        data, target = xls_bytes(book), path.with_suffix(".xls")
    elif kind == "ods":
        data, target = ods_bytes(book, at), path.with_suffix(".ods")
    elif kind == "html":
        data, target = html_bytes(book, meta_http_equiv=True), path.with_suffix(".xls")
    else:
        data, target = csv_bytes(book), path.with_suffix(".csv")
    target.write_bytes(data)
    path.unlink()
    os.utime(target, (stat.st_atime, stat.st_mtime))  # the arrival time stays
    return target


def convert_share(month: Path, seed: int = 2026, shares: dict[str, float] = SHARES) -> Counter:
    """Rewrite a share of `month`'s .xlsx files per format; return how many of each."""
    rng = random.Random(seed)
    done: Counter = Counter()
    for path in sorted(Path(month).rglob("*.xlsx")):
        if not zipfile.is_zipfile(path):  # a broken file of the sample stays broken
            continue
        roll, kind = rng.random(), "xlsx"
        for candidate, share in shares.items():
            if roll < share:
                kind = candidate
                break
            roll -= share
        if kind in ("csv", "html") and len(openpyxl.load_workbook(path).sheetnames) > 1:
            kind = "xls"
        if kind != "xlsx":
            convert(path, kind)
        done[kind] += 1
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("month", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    done = convert_share(args.month, args.seed)
    print(", ".join(f"{kind} {n}" for kind, n in sorted(done.items())))


if __name__ == "__main__":
    main()
