"""Every kind of file provinces send: formats by content, formulas, hidden rows, odd values."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import openpyxl
import pytest
from builders import CLEAN, FORM_FIRST_ROW, _save, form_bytes, form_cell, normalize

from antq.schemas.catalog import catalog
from antq.tasks.read import Formula, read_bytes
from antq.tasks.validate import validate_month


def _values(parsed):
    return {o.indicator: o.parsed.value for o in parsed.observations}


def _html_form(values=CLEAN) -> bytes:
    rows = "".join(
        f"<tr><td>{n}</td><td>{i.label}</td><td>{i.unit_label}</td><td>{values[i.code]}</td></tr>"
        for n, i in enumerate((i for i in catalog().indicators if i.code in values), start=1)
    )
    return (
        "<html><head><meta charset='utf-8'></head><body>"
        "<h3>CÔNG AN XÃ GIA PHÚ</h3><p>BÁO CÁO THÁNG 10 NĂM 2026</p>"
        "<table border=1><tr><th>STT</th><th>Nội dung</th><th>ĐVT</th><th>Số liệu</th></tr>"
        f"{rows}</table></body></html>"
    ).encode()


def test_an_html_table_saved_as_xls_is_read_with_its_title_above():
    parsed = normalize(_html_form(), path="2026-10/15/bao-cao.xls")
    assert (parsed.layout, parsed.unit_code) == ("form", "02923")
    assert not parsed.rejected
    values = _values(parsed)
    assert values["nguon_tin"] == 9.0 and values["kinh_phi_xa_hoi_hoa"] == 15_000_000.0
    assert {o.cell for o in parsed.observations if o.indicator == "mo_hinh_tong"} == {"D2"}


def test_html_spans_become_merged_cells():
    data = b"<table><tr><td rowspan=2>STT</td><td colspan=2>Nguon tin</td></tr><tr><td>a</td><td>b</td></tr></table>"
    sheet = read_bytes(data).sheets[0]
    assert sheet.rows == [["STT", "Nguon tin", None], [None, "a", "b"]]
    assert set(sheet.merged) == {(0, 0, 1, 0), (0, 1, 0, 2)}


def _csv_form(encoding="utf-8-sig", delimiter=",") -> bytes:
    lines = [
        "CÔNG AN XÃ GIA PHÚ",
        "Tháng 10 năm 2026",
        "",
        delimiter.join(["STT", "Nội dung", "ĐVT", "Số liệu"]),
    ]
    for n, i in enumerate((i for i in catalog().indicators if i.code in CLEAN), start=1):
        value = str(CLEAN[i.code])
        lines.append(delimiter.join([str(n), f'"{i.label}"', i.unit_label, f'"{value}"']))
    text = "\r\n".join(lines)
    return _cp1258(text) if encoding == "cp1258" else text.encode(encoding)


def _cp1258(text: str) -> bytes:
    """Windows-1258 has "ô", "ă", "ơ" precomposed but tones only as combining marks."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", ch)
            tone = next(m for m in decomposed if m in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", decomposed.replace(tone, ""))
            out += base.encode("cp1258") + tone.encode("cp1258")
    return out


def test_a_csv_saved_as_xlsx_is_read():
    parsed = normalize(_csv_form(), path="2026-10/15/bao-cao.xlsx")
    assert (parsed.layout, parsed.unit_code, parsed.sheet) == ("form", "02923", "bao-cao")
    assert _values(parsed)["kinh_phi_xa_hoi_hoa"] == 15_000_000.0


def test_a_semicolon_csv_in_windows_1258_is_read():
    parsed = normalize(_csv_form("cp1258", ";"), path="2026-10/15/bao-cao.xls")
    assert not parsed.rejected and _values(parsed)["nguon_tin"] == 9.0


def _with_formulas(total: str, other: str) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(form_bytes()))
    ws = wb.active
    ws[form_cell("mo_hinh_tong")] = total
    ws[form_cell("tin_bai")] = other
    return _save(wb)


def test_an_uncalculated_sum_is_computed_and_another_formula_is_reported():
    parts = [form_cell(c) for c in ("mo_hinh_khu_dan_cu", "mo_hinh_khac")]
    parsed = normalize(_with_formulas(f"=SUM({parts[0]}:{parts[1]})", "=D10*2"))
    values = _values(parsed)
    assert values["mo_hinh_tong"] == 12.0  # 6 + 2 + 1 + 2 + 0 + 1
    assert values["tin_bai"] is None
    # one finding at the formula, not "not a number" or "missing" on top of it
    assert [(f.cell, f.rule, f.severity) for f in validate_month([parsed]).findings] == [
        (form_cell("tin_bai"), "formula-without-value", "error")
    ]


def test_formula_cells_are_marked_not_read_as_zero():
    sheet = read_bytes(_with_formulas("=SUM(D10:D15)", "=D10*2")).sheets[0]
    row = int(form_cell("tin_bai")[1:]) - 1
    assert sheet.value(row, 3) == Formula("=D10*2")


def test_hidden_rows_are_not_read():
    wb = openpyxl.load_workbook(io.BytesIO(form_bytes()))
    ws = wb.active
    stale = FORM_FIRST_ROW + len(CLEAN) + 1
    ws.cell(stale, 2, "Số nguồn tin do quần chúng cung cấp")
    ws.cell(stale, 4, 555)
    ws.row_dimensions[stale].hidden = True
    parsed = normalize(_save(wb))
    assert _values(parsed)["nguon_tin"] == 9.0
    assert not [f for f in parsed.findings if f.rule == "duplicate-label"]


def test_a_fraction_in_a_part_cell_is_its_numerator():
    parsed = normalize(form_bytes({**CLEAN, "khu_dan_cu_dat_chuan": "12/14"}))
    assert _values(parsed)["khu_dan_cu_dat_chuan"] == 12.0
    assert normalize(form_bytes({**CLEAN, "tin_bai": "3/5"})).observations  # not a part:
    assert {
        o.parsed.status
        for o in normalize(form_bytes({**CLEAN, "tin_bai": "3/5"})).observations
        if o.indicator == "tin_bai"
    } == {"invalid"}


def test_a_date_cell_names_the_period():
    wb = openpyxl.load_workbook(io.BytesIO(form_bytes(period_line="Kỳ báo cáo:")))
    wb.active["B5"] = dt.datetime(2026, 10, 1)
    parsed = normalize(_save(wb), path="2026-10/15/bao-cao.xlsx")
    assert not parsed.rejected
    wb.active["B5"] = dt.datetime(2026, 9, 1)
    wrong = normalize(_save(wb), path="2026-10/15/bao-cao.xlsx")
    assert [(f.rule, f.cell) for f in wrong.findings] == [("period-mismatch", "B5")]


@pytest.fixture(scope="module")
def table_province(tmp_path_factory):
    """A generated province table (grouped headers, merged) and its facts as read."""
    from antq.sample.generate import generate_month

    root = tmp_path_factory.mktemp("table")
    generate_month(root, provinces=["15"], max_communes=5, mistakes=False, workers=1)
    (table,) = [p for p in (root / "inbox").rglob("*.xlsx") if "Tong hop" in p.name]
    return table, _facts(normalize(table.read_bytes(), path=f"2026-10/15/{table.name}"))


def _facts(parsed):
    assert not parsed.rejected and not [f for f in parsed.findings if f.severity == "error"]
    return {
        (parsed.reports[o.report].unit_code, o.indicator, o.cell): o.parsed.value
        for o in parsed.observations
    }


@pytest.mark.parametrize("kind", ["csv", "html", "xls"])
def test_a_table_whose_export_lost_its_merges_reads_the_same(table_province, tmp_path, kind):
    """Exported to CSV (or HTML without spans), a group header ("Mô hình") is typed once
    above its sub-headers and "STT" once above an empty cell: every figure still lands."""
    from tools.formats import convert
    from tools.sheets import Grid

    table, facts = table_province
    copy = tmp_path / table.name
    copy.write_bytes(table.read_bytes())
    if kind == "html":  # no colspan/rowspan: the merges are dropped before writing
        import tools.formats as formats

        book_of = formats.book_of

        def unmerged(path):
            book = book_of(path)
            return type(book)([Grid(g.name, g.cells, [], g.hidden_rows) for g in book.sheets])

        formats.book_of = unmerged
        try:
            exported = convert(copy, kind)
        finally:
            formats.book_of = book_of
    else:
        exported = convert(copy, kind)
    assert len(facts) > 100
    assert _facts(normalize(exported.read_bytes(), path=f"2026-10/15/{exported.name}")) == facts
