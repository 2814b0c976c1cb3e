"""Reading: formats recognised by content; what cannot be read is a problem, not a crash."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest

from antq.cells import a1, column_letter
from antq.tasks.read import read_bytes


def _xlsx(**cells: object) -> bytes:
    wb = openpyxl.Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a1_references():
    assert (a1(0, 0), a1(13, 3), a1(0, 25), a1(0, 26), a1(9, 701)) == (
        "A1",
        "D14",
        "Z1",
        "AA1",
        "ZZ10",
    )
    assert column_letter(16383) == "XFD"


def test_cells_keep_their_true_position():
    book = read_bytes(_xlsx(C5="Số liệu", D7=12))
    sheet = book.sheets[0]
    assert book.problem is None and book.format == "xlsx"
    assert sheet.value(4, 2) == "Số liệu" and sheet.value(6, 3) == 12
    assert sheet.value(0, 0) is None


def test_merged_ranges_are_reported():
    wb = openpyxl.Workbook()
    wb.active["B2"] = "Mô hình"
    wb.active.merge_cells("B2:D2")
    buffer = io.BytesIO()
    wb.save(buffer)
    assert read_bytes(buffer.getvalue()).sheets[0].merged == ((1, 1, 1, 3),)


def test_hidden_sheets_are_marked():
    wb = openpyxl.Workbook()
    wb.create_sheet("Ẩn").sheet_state = "hidden"
    buffer = io.BytesIO()
    wb.save(buffer)
    assert [s.visible for s in read_bytes(buffer.getvalue()).sheets] == [True, False]


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (b"", "file-empty"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "file-format-unsupported"),
        (b"%PDF-1.7\n" + b"x" * 100, "file-format-unsupported"),
        (_docx(), "file-format-unsupported"),
        (_xlsx(A1="x")[:300], "file-unreadable"),
        (b"just some text, not a spreadsheet", "file-unreadable"),
        (_xlsx(), "file-empty"),
    ],
    ids=["zero-bytes", "png", "pdf", "docx", "truncated-xlsx", "text", "no-cells"],
)
def test_files_that_are_not_readable_reports_get_a_problem(data, rule):
    book = read_bytes(data)
    assert book.problem is not None and book.problem.rule == rule
