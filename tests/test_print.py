"""Workbooks on paper: every output workbook of a month (a province's report, a
marked-up copy, the ministry's workbook) rendered to PDF by LibreOffice Calc, with
Carlito (Calibri's metrics, the workbooks' font), as an officer's office suite prints
them; the PDF read back with poppler.

- Nothing is cut: every word of every text cell is in the PDF (a wrapped text taller
  than its row, or a text running into a filled neighbour, loses words).
- The text prints at 8 pt or more: on every page, the typical word is at least as tall
  as 8 pt text (a word's box is 1.3 times its font size: measured, 11 pt -> 14.3 pt).
- Pages: A4 landscape, numbered, and not more than the content needs.
"""

from __future__ import annotations

import collections
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import openpyxl
import pytest
from conftest import PERIOD
from openpyxl.utils.escape import unescape

from antq.tasks.annotate import FILE_SHEET

pytestmark = pytest.mark.slow  # LibreOffice renders for a while: `make test-slow` (CI)

WORD = re.compile(r"[^\W_]+")  # LibreOffice breaks a long code at its underscores
MIN_WORD_HEIGHT = 1.3 * 8 - 0.1  # 8 pt text, in PDF points


def _render(workbook: Path, out: Path) -> Path:
    for tool in ("soffice", "pdftotext", "pdfinfo"):
        assert shutil.which(tool), f"{tool} is needed: make test-slow installs it"
    done = subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"HOME": str(out), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    pdf = out / f"{workbook.stem}.pdf"
    assert pdf.exists(), done.stderr
    return pdf


def _cell_words(workbook: Path, sheets: tuple[str, ...] = ()) -> collections.Counter:
    book = openpyxl.load_workbook(workbook)
    words: collections.Counter = collections.Counter()
    for ws in book.worksheets:
        if sheets and ws.title not in sheets:
            continue
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):  # as Excel and LibreOffice read it
                    words.update(WORD.findall(unescape(value)))
    return words


def _pdf(pdf: Path) -> tuple[collections.Counter, dict[int, list[float]], str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True)
    heights: dict[int, list[float]] = collections.defaultdict(list)
    page = 0
    for line in boxes.stdout.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', line)
        if found:
            heights[page].append(float(found.group(2)) - float(found.group(1)))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return collections.Counter(WORD.findall(text.stdout)), heights, info


A4_LANDSCAPE, A4_PORTRAIT = "841.89 x 595.3", "595.304 x 841.89"


def _check(
    workbook: Path,
    tmp_path: Path,
    most_pages: int | None,
    sheets: tuple[str, ...] = (),
    page: str = A4_LANDSCAPE,
) -> dict[int, list[float]]:
    """`sheets`: only these are checked for cut words; `most_pages`: None when the
    workbook holds sheets as the unit made them (a marked-up copy prints them as the
    original would)."""
    pdf = _render(workbook, tmp_path)
    printed, heights, info = _pdf(pdf)
    written = _cell_words(workbook, sheets)
    cut = {word: n - printed[word] for word, n in written.items() if printed[word] < n}
    assert not cut, f"{workbook.name}: words cut off in print: {cut}"
    assert page in info
    small = {
        page: round(statistics.median(h), 1)
        for page, h in heights.items()
        if statistics.median(h) < MIN_WORD_HEIGHT
    }
    assert not small, f"{workbook.name}: pages printed under 8 pt (page: word height): {small}"
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert most_pages is None or pages <= most_pages, f"{workbook.name}: {pages} pages"
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True
    )
    assert f"Trang 1 / {pages}" in first.stdout  # numbered
    return heights


def _enough_pages(workbook: Path, rows_per_page: int = 12) -> int:
    """What a workbook's content needs at most: per sheet, a page per `rows_per_page`
    rows (of up to 3 wrapped lines) times the pages it is wide, and one for its charts."""
    book = openpyxl.load_workbook(workbook)
    return sum(
        (ws.max_row // rows_per_page + 1) * max(1, ws.page_setup.fitToWidth or 1) + len(ws._charts)
        for ws in book.worksheets
    )


def test_a_province_report_prints_whole_and_readable(month_run, tmp_path):
    root, _, summary = month_run
    report = max(
        summary.province_reports,
        key=lambda p: openpyxl.load_workbook(p, read_only=True)["Lỗi cần sửa"].max_row,
    )
    rows = openpyxl.load_workbook(report, read_only=True)["Lỗi cần sửa"].max_row
    assert rows > 3  # a report with findings to print
    _check(report, tmp_path, most_pages=_enough_pages(report))


def test_a_marked_up_copy_prints_whole_and_readable(month_run, tmp_path):
    root, _, _ = month_run
    copies = sorted((root / "reports" / PERIOD).glob("*/ban-sua/*.xlsx"))
    assert copies
    for copy in copies[:3]:
        _check(copy, tmp_path / copy.stem, None, sheets=(FILE_SHEET,))


def test_the_ministry_workbook_prints_whole_and_readable(month_run, tmp_path):
    _, _, summary = month_run
    _check(summary.ministry_workbook, tmp_path, _enough_pages(summary.ministry_workbook))


def test_the_monthly_form_prints_on_portrait_pages_whole_and_readable(tmp_path):
    """The form a commune fills (December's, the longest) and a province's own: the form
    on one page, the instructions on the next."""
    from antq.config import Config
    from antq.template import form_bytes, form_sheet_name

    config = Config.load("2026-12")
    for unit in (config.registry.communes["00070"], config.registry.provinces["01"]):
        path = tmp_path / f"{unit.code}.xlsx"
        path.write_bytes(form_bytes(unit, "2026-12", config))
        sheets = (form_sheet_name("2026-12"), "Hướng dẫn")  # not the hidden marker
        _check(path, tmp_path / unit.code, most_pages=2, sheets=sheets, page=A4_PORTRAIT)
