"""Normalize: layouts found without a template, units and periods read, cells kept."""

from __future__ import annotations

import io

import openpyxl
from builders import CLEAN, _save, form_bytes, form_cell, normalize

from antq.schemas.registry import registry
from antq.tasks.validate import validate_month


def _facts(parsed):
    return {
        (o.indicator, o.cell): o.parsed.value
        for o in parsed.observations
        if o.parsed.value is not None
    }


def test_a_form_gives_every_indicator_with_its_cell():
    parsed = normalize(form_bytes())
    assert (parsed.layout, parsed.unit_code, parsed.unit_level) == ("form", "02923", "commune")
    observed = {o.indicator: o for o in parsed.observations}
    assert observed["nguon_tin"].cell == form_cell("nguon_tin")
    assert observed["nguon_tin"].parsed.value == 9.0
    assert observed["kinh_phi_xa_hoi_hoa"].parsed.value == 15_000_000.0
    assert observed["xa_dat_chuan"].parsed.value == 1.0
    assert not [f for f in parsed.findings if f.is_error]


def test_the_year_to_date_column_is_never_read_as_the_month():
    parsed = normalize(form_bytes())
    assert all(o.cell.startswith("D") for o in parsed.observations)
    assert 999.0 not in {o.parsed.value for o in parsed.observations}


def test_blank_and_dash_are_not_reported_not_zero():
    values = {**CLEAN, "tin_bai": "-", "doi_thoai": None}
    parsed = normalize(form_bytes(values))
    observed = {o.indicator: o.parsed for o in parsed.observations}
    assert observed["tin_bai"].status == "blank" and observed["tin_bai"].value is None
    assert observed["doi_thoai"].status == "blank"


def test_messy_labels_still_find_their_indicator():
    labels = {
        "nguon_tin": "3. SO NGUON TIN DO QUAN CHUNG CUNG CAP",
        "tin_bai": "c) SL tin, bài, phóng sự đăng phát (tin)",
    }
    parsed = normalize(form_bytes(labels=labels))
    assert {o.indicator for o in parsed.observations} >= {"nguon_tin", "tin_bai"}


def test_an_unknown_label_with_a_value_is_reported_not_guessed():
    parsed = normalize(form_bytes(extra_rows=[("Số buổi tuyên truyền miệng", 7)]))
    assert [(f.rule, f.severity) for f in parsed.findings] == [("unknown-label", "warning")]
    assert "Số buổi tuyên truyền, vận động" in parsed.findings[0].message


def test_unit_by_code_wins_and_lost_zeros_come_back():
    parsed = normalize(form_bytes(title=("CÔNG AN TỈNH LÀO CAI", "Mã đơn vị: 2923")))
    assert parsed.unit_code == "02923"


def test_a_commune_of_another_province_is_rejected_in_the_sender_s_report():
    parsed = normalize(
        form_bytes(title=("CÔNG AN XÃ GIA PHÚ",)), province="01", path="2026-10/01/x.xlsx"
    )
    assert [(f.rule, f.province_code) for f in parsed.findings] == [("unit-outside-province", "01")]
    assert parsed.rejected and not parsed.observations


def test_an_unknown_commune_rejects_the_file():
    parsed = normalize(form_bytes(title=("CÔNG AN XÃ KHÔNG CÓ THẬT",)))
    assert [(f.rule, f.cell) for f in parsed.findings] == [("unit-unknown", "A1")]
    assert parsed.rejected


def test_the_wrong_month_rejects_the_file_and_points_at_the_title():
    parsed = normalize(form_bytes(period_line="Tháng 9 năm 2026"))
    assert [(f.rule, f.cell) for f in parsed.findings] == [("period-mismatch", "A5")]
    assert "9/2026" in parsed.findings[0].message and "10/2026" in parsed.findings[0].message


def test_a_month_only_in_the_file_name_is_enough():
    parsed = normalize(form_bytes(period_line="BÁO CÁO THÁNG"), path="2026-10/15/BC T10-2026.xlsx")
    assert not parsed.rejected


def _table() -> bytes:
    communes = registry().communes_of("15")[:3]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "CÔNG AN TỈNH LÀO CAI"
    ws["A2"] = "BẢNG TỔNG HỢP THÁNG 10/2026"
    headers = {
        "A4": "STT",
        "B4": "Mã xã",
        "C4": "Tên xã, phường",
        "D4": "Nguồn tin do quần chúng cung cấp",
        "D5": "Tổng số",
        "E5": "Trong đó có giá trị",
        "F4": "Số buổi tuyên truyền",
        "G4": "Tập huấn",
        "G5": "Lớp",
        "H5": "Lượt người",
        "I4": "Lũy kế số buổi tuyên truyền",
    }
    for ref, text in headers.items():
        ws[ref] = text
    for merged in ("A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5", "G4:H4", "I4:I5"):
        ws.merge_cells(merged)
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)"])
    rows = [(10, 4, 3, 1, 25), (7, 2, 2, 0, 0), (5, 5, 1, 1, 12)]
    for i, (unit, row) in enumerate(zip(communes, rows, strict=True), start=1):
        ws.append([i, int(unit.code), unit.name.upper(), *row, 99])
    ws.append([None, None, "Tổng cộng", 22, 11, 6, 2, 40, 300])
    ws.append([None, "Ghi chú: số liệu từ 15/9/2026 đến 14/10/2026"])
    return _save(wb)


def test_a_wide_table_gives_each_commune_and_the_province_total():
    parsed = normalize(_table())
    assert parsed.layout == "table"
    kinds = [(r.unit_code, r.kind) for r in parsed.reports]
    codes = [u.code for u in registry().communes_of("15")[:3]]
    assert kinds == [
        (codes[0], "table-row"),
        (codes[1], "table-row"),
        (codes[2], "table-row"),
        ("15", "table-total"),
    ]
    first = {o.indicator: (o.parsed.value, o.cell) for o in parsed.observations if o.report == 0}
    assert first == {
        "nguon_tin": (10.0, "D7"),
        "nguon_tin_co_gia_tri": (4.0, "E7"),
        "buoi_tuyen_truyen": (3.0, "F7"),
        "lop_tap_huan": (1.0, "G7"),
        "luot_tap_huan": (25.0, "H7"),
    }


def _total_row_findings(parsed):
    return [f for f in validate_month([parsed]).findings if f.rule == "total-row-mismatch"]


def test_a_total_row_that_is_not_the_sum_is_a_warning_naming_both_figures():
    parsed = normalize(_table())
    assert parsed.reports[-1].rows_all_read
    [finding] = _total_row_findings(parsed)
    assert (finding.cell, finding.severity) == ("H10", "warning")
    assert "40" in finding.message and "37" in finding.message


def test_a_total_row_is_not_checked_when_a_row_of_its_table_was_not_read():
    wb = openpyxl.load_workbook(io.BytesIO(_table()))
    wb.active["B8"], wb.active["C8"] = 70, "Phường Hoàn Kiếm"  # a row of another province
    parsed = normalize(_save(wb))
    assert not parsed.reports[-1].rows_all_read
    assert _total_row_findings(parsed) == []


def _cross_table(names: list[str]) -> bytes:
    """Indicators down the rows, one column per commune, then a total column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "CÔNG AN TỈNH LÀO CAI"
    ws["A2"] = "TỔNG HỢP THÁNG 10 NĂM 2026"
    ws.append([])
    ws.append(["STT", "Chỉ tiêu", *names, "Tổng cộng"])
    rows = [
        ("Số buổi tuyên truyền, vận động", [3, 2, 1]),
        ("Số nguồn tin do quần chúng cung cấp", [9, 8, 7]),
        ("Trong đó: số nguồn tin có giá trị", [4, 3, 2]),
        ("Số tin, bài, phóng sự đăng phát", [1, 1, 1]),
    ]
    for i, (label, values) in enumerate(rows, start=1):
        ws.append([i, label, *values[: len(names)], sum(values[: len(names)])])
    return _save(wb)


def test_a_table_with_communes_as_columns_is_read_per_column():
    communes = registry().communes_of("15")[:3]
    parsed = normalize(_cross_table([u.name for u in communes]))
    assert parsed.layout == "table"
    assert [(r.unit_code, r.kind) for r in parsed.reports] == [
        *[(u.code, "table-row") for u in communes],
        ("15", "table-total"),
    ]
    second = {o.indicator: (o.parsed.value, o.cell) for o in parsed.observations if o.report == 1}
    assert second["nguon_tin"] == (8.0, "D6") and second["buoi_tuyen_truyen"] == (2.0, "D5")
    total = {o.indicator: o.parsed.value for o in parsed.observations if o.report == 3}
    assert total["nguon_tin"] == 24.0
    assert _total_row_findings(parsed) == []


def test_a_total_column_that_is_not_the_sum_of_its_communes_is_a_warning():
    communes = registry().communes_of("15")[:3]
    wb = openpyxl.load_workbook(io.BytesIO(_cross_table([u.name for u in communes])))
    wb.active["F6"] = 25  # nguon_tin: 9 + 8 + 7 = 24
    [finding] = _total_row_findings(normalize(_save(wb)))
    assert (finding.cell, finding.indicator) == ("F6", "nguon_tin")
    assert "25" in finding.message and "24" in finding.message


def test_a_commune_column_of_another_province_is_rejected_alone():
    names = [u.name for u in registry().communes_of("15")[:2]] + ["Phường Hoàn Kiếm"]
    parsed = normalize(_cross_table(names))
    assert [f.rule for f in parsed.findings] == ["unit-outside-province"]
    assert [r.kind for r in parsed.reports] == ["table-row", "table-row", "table-total"]
    assert not parsed.rejected


def test_two_unnamed_figure_columns_are_not_guessed_between():
    wb = openpyxl.load_workbook(io.BytesIO(form_bytes()))
    ws = wb.active
    ws["D8"] = None  # no "Số liệu" header, no "Lũy kế" header: D and E both hold figures
    ws["E8"] = None
    parsed = normalize(_save(wb))
    [finding] = parsed.findings
    assert (finding.rule, finding.cell, parsed.rejected) == ("layout-ambiguous", "D9", True)
    assert "D9" in finding.message and "E9" in finding.message, finding.message
    assert "tháng 10/2026" in finding.fix


def test_a_table_row_of_another_province_holds_back_that_row_only():
    communes = registry().communes_of("15")[:3]
    wb = openpyxl.load_workbook(io.BytesIO(_table()))
    ws = wb.active
    ws["B8"], ws["C8"] = 70, "Phường Hoàn Kiếm"  # the second commune's row now names Hà Nội's
    parsed = normalize(_save(wb))
    assert [(f.rule, f.cell) for f in parsed.findings if f.is_error] == [
        ("unit-outside-province", "B8")
    ]
    assert not parsed.rejected
    assert [r.unit_code for r in parsed.reports] == [communes[0].code, communes[2].code, "15"]


def _table_with_rows(rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CÔNG AN TỈNH LÀO CAI"])
    ws.append(["BÁO CÁO TỔNG HỢP THÁNG 10 NĂM 2026"])
    ws.append(
        ["STT", "Xã, phường", "Số buổi tuyên truyền", "Số lượt người tham gia", "Số tin, bài"]
    )
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_commune_whose_figures_run_on_by_one_is_read_not_taken_for_column_numbers():
    from antq.schemas.registry import registry

    communes = registry().communes_of("15")[:2]
    data = _table_with_rows(
        [
            [1, communes[0].name, 5, 6, 7],
            [2, communes[1].name, 3, 90, 4],
            ["", "Tổng cộng", 8, 96, 11],
        ]
    )
    parsed = normalize(data)
    units = {r.index: r.unit_code for r in parsed.reports}
    read = {(units[o.report], o.indicator): o.parsed.value for o in parsed.observations}
    assert read[(communes[0].code, "buoi_tuyen_truyen")] == 5
    assert read[(communes[0].code, "tin_bai")] == 7


def test_a_row_of_figures_that_names_no_unit_is_said_not_dropped():
    from antq.schemas.registry import registry

    communes = registry().communes_of("15")[:2]
    data = _table_with_rows(
        [
            [1, communes[0].name, 2, 60, 1],
            [2, None, 4, 80, 3],
            [3, communes[1].name, 3, 90, 4],
            ["", "Tổng cộng", 9, 230, 8],
        ]
    )
    parsed = normalize(data)
    assert [(f.rule, f.cell) for f in parsed.findings] == [("row-without-unit", "C5")]
    assert "Dòng 5" in parsed.findings[0].message
