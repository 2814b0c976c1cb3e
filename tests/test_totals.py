"""Verify before storing (SPEC §5): totals and sub-totals found by the table's own
arithmetic, the month's column by its header, the catalog's rules as a check on a
reading; what the file cannot prove is one `layout-ambiguous` finding, never a value."""

from __future__ import annotations

import openpyxl
import pytest
from builders import CLEAN, _save, form_bytes, normalize

from antq.schemas.layouts import layouts
from antq.schemas.periods import period_rules
from antq.schemas.registry import registry
from antq.tasks.clean import find_window
from antq.tasks.normalize.totals import Line, reconcile, total_label

# ------------------------------------------------------------------ the engine alone


def _line(pos, figures, label=None, unit=True):
    return Line(pos, tuple(float(f) for f in figures), label, unit and label is None)


A, B, C, D = (3, 1, 4, 10), (2, 7, 1, 8), (5, 0, 2, 6), (1, 1, 1, 1)
AB, CD = tuple(map(sum, zip(A, B, strict=True))), tuple(map(sum, zip(C, D, strict=True)))
ALL = tuple(map(sum, zip(AB, CD, strict=True)))


def test_sub_totals_and_the_grand_total_are_found_by_their_sums():
    lines = [
        _line(1, A),
        _line(2, B),
        _line(3, AB, unit=False),  # an unlabelled sub-total: still a sum
        _line(4, C),
        _line(5, D),
        _line(6, CD, "group"),
        _line(7, ALL, "total"),
    ]
    totals = reconcile(lines)
    assert {p: d.members for p, d in totals.derived.items()} == {
        3: (1, 2),
        6: (4, 5),
        7: (1, 2, 4, 5),
    }
    assert (totals.total, totals.proven, totals.candidates) == (7, True, ())


def test_a_sub_total_labelled_like_a_total_is_not_the_province_s_report():
    # "Tổng cộng khu vực …" closes its group; the real grand total comes last.
    lines = [_line(1, A), _line(2, B), _line(3, AB, "total"), _line(4, C), _line(5, ALL[:3] + (0,))]
    lines[-1] = _line(5, tuple(a + c for a, c in zip(AB, C, strict=True)), "grand")
    totals = reconcile(lines)
    assert totals.total == 5 and totals.derived[3].grand is False


def test_totals_and_sub_totals_above_their_rows_are_found_too():
    lines = [
        _line(1, ALL, "grand"),
        _line(2, AB, unit=False),  # "Huyện X (cũ)" heading carrying its group's sums
        _line(3, A),
        _line(4, B),
        _line(5, CD, unit=False),
        _line(6, C),
        _line(7, D),
    ]
    totals = reconcile(lines)
    assert totals.total == 1 and totals.proven
    assert set(totals.derived) == {1, 2, 5}


def test_a_commune_whose_figures_happen_to_match_nothing_stays_a_commune():
    totals = reconcile(
        [_line(1, A), _line(2, B), _line(3, C), _line(4, tuple(a + 1 for a in ALL), "total")]
    )
    assert totals.derived == {} and (totals.total, totals.proven) == (4, False)


def test_two_unproven_totals_are_candidates_not_a_choice():
    wrong1, wrong2 = tuple(a + 1 for a in AB), tuple(a + 2 for a in AB)
    totals = reconcile(
        [_line(1, A), _line(2, B), _line(3, wrong1, "total"), _line(4, wrong2, "grand")]
    )
    assert (totals.total, totals.candidates) == (None, (3, 4))


def test_zeros_prove_nothing():
    zero = (0, 0, 0, 0)
    totals = reconcile([_line(1, zero), _line(2, zero), _line(3, zero)])
    assert totals.derived == {}


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("Cộng", "total"),
        ("Tổng cộng", "total"),
        ("TỔNG CỘNG TOÀN TỈNH", "grand"),
        ("Tong cong toan tinh", "grand"),
        ("Toàn tỉnh", "grand"),
        ("Cộng huyện Yên Sơn (cũ)", "group"),
        ("Tổng cộng khu vực phía Bắc", "group"),
        ("Tổng cộng toàn huyện Yên Sơn (cũ)", "group"),
        ("Tổng cộng (8 xã)", "total"),
        ("Cộng Hòa", None),  # a commune's name
        ("Công an xã Tuần Giáo", None),  # "Công an", not "Cộng"
        ("Tổng cộng kỳ trước", None),
    ],
)
def test_what_a_label_claims(text, claim):
    assert total_label(text, layouts()) == claim


# ------------------------------------------------------------------ in a real table


def _district_table(names: list[str], grand: str, subtotal_label: str | None) -> bytes:
    """Communes in two former districts, each closed by a sub-total, then the total."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CÔNG AN TỈNH LÀO CAI"])
    ws.append(["BẢNG TỔNG HỢP THÁNG 10 NĂM 2026"])
    ws.append(
        ["STT", "Tên đơn vị", "Số buổi tuyên truyền", "Số nguồn tin", "Số tin, bài", "Số tờ rơi"]
    )
    figures = [(3, 9, 1, 120), (2, 8, 0, 300), (5, 4, 2, 80), (1, 6, 3, 40)]
    groups = [("Huyện Bảo Thắng (cũ)", [0, 1]), ("Huyện Bát Xát (cũ)", [2, 3])]
    for heading, members in groups:
        ws.append(["", heading])
        for i in members:
            ws.append([i + 1, names[i], *figures[i]])
        sums = [sum(figures[i][k] for i in members) for k in range(4)]
        ws.append(["", subtotal_label if subtotal_label is not None else None, *sums])
    ws.append(["", grand, *[sum(f[k] for f in figures) for k in range(4)]])
    return _save(wb)


@pytest.mark.parametrize(
    ("grand", "subtotal"),
    [
        ("TỔNG CỘNG TOÀN TỈNH", "Cộng huyện (cũ)"),
        ("Tong cong toan tinh", "Tổng cộng khu vực"),
        ("Toàn tỉnh", None),  # sub-totals with no label at all
        ("Cộng", "Cộng"),  # every total labelled alike
    ],
)
def test_a_grouped_province_table_stores_its_communes_and_its_grand_total_only(grand, subtotal):
    names = [u.name for u in registry().communes_of("15")[:4]]
    parsed = normalize(_district_table(names, grand, subtotal))
    assert [f.rule for f in parsed.findings if f.is_error] == []
    kinds = [(r.kind, r.anchor_cell[1:]) for r in parsed.reports]
    assert kinds == [
        ("table-row", "5"),
        ("table-row", "6"),
        ("table-row", "9"),
        ("table-row", "10"),
        ("table-total", "12"),
    ]
    total = {o.indicator: o.parsed.value for o in parsed.observations if o.report == 4}
    assert total["nguon_tin"] == 27.0 and total["to_roi_tai_lieu"] == 540.0


def test_two_totals_that_the_sums_cannot_tell_apart_are_one_finding_and_no_province_value():
    names = [u.name for u in registry().communes_of("15")[:2]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BẢNG TỔNG HỢP THÁNG 10 NĂM 2026"])
    ws.append(["STT", "Tên đơn vị", "Số buổi tuyên truyền", "Số nguồn tin", "Số tin, bài"])
    ws.append([1, names[0], 3, 9, 1])
    ws.append([2, names[1], 2, 8, 4])
    ws.append(["", "Tổng cộng", 6, 18, 5])
    ws.append(["", "Toàn tỉnh", 7, 19, 6])
    parsed = normalize(_save(wb))
    [finding] = [f for f in parsed.findings if f.is_error]
    assert (finding.rule, finding.cell) == ("layout-ambiguous", "B5")
    assert "B6" in finding.message and "Tổng cộng" in finding.message
    assert [r.kind for r in parsed.reports] == ["table-row", "table-row"]


# ------------------------------------------------------------------ the month's column


def _form_with_columns(headers: list[str], month_col: int) -> bytes:
    """A form whose figure columns carry `headers`; the month's figures in `month_col`
    (0-based among them), the others different numbers."""
    wb = openpyxl.load_workbook(__import__("io").BytesIO(form_bytes()))
    ws = wb.active
    for i, header in enumerate(headers):
        ws.cell(8, 4 + i, header)
    for r in range(9, ws.max_row + 1):
        value = ws.cell(r, 4).value
        if not isinstance(value, int):
            continue
        for i in range(len(headers)):
            ws.cell(r, 4 + i, value if i == month_col else value + 7 + i)
    return _save(wb)


@pytest.mark.parametrize(
    ("headers", "month_col"),
    [
        (["Thực hiện tháng 10/2026", "Cùng kỳ năm 2025", "So sánh (%)"], 0),
        (["Cùng kỳ năm 2025", "Thực hiện tháng 10/2026", "So sánh (%)"], 1),
        (["Kỳ trước", "Kỳ này", "Tăng (+), giảm (-)"], 1),
        (["Tháng 9/2026", "Tháng 10/2026"], 1),
        (["Kế hoạch năm", "Số liệu"], 1),
        (["Tháng 10/2025", "Tháng 10/2026"], 1),
    ],
)
def test_the_column_read_is_the_one_whose_header_names_the_month(headers, month_col):
    parsed = normalize(_form_with_columns(headers, month_col))
    column = "DEFG"[month_col]
    assert {o.cell[0] for o in parsed.observations} == {column}
    assert not [f for f in parsed.findings if f.is_error]


def test_two_columns_that_both_say_this_month_are_not_chosen_between():
    parsed = normalize(_form_with_columns(["Số liệu tháng 10", "Thực hiện tháng 10/2026"], 0))
    [finding] = parsed.findings
    assert (finding.rule, finding.cell, parsed.rejected) == ("layout-ambiguous", "D8", True)
    assert "E8" in finding.message and "tháng 10/2026" in finding.fix


# ------------------------------------------------------------------ the data window


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Số liệu tính từ ngày 15/9/2026 đến ngày 14/10/2026", "2026-10"),
        ("Kỳ báo cáo: từ 15/09/2026 đến 14/10/2026", "2026-10"),
        ("(Từ ngày 15 tháng 9 năm 2026 đến ngày 14 tháng 10 năm 2026)", "2026-10"),
        ("từ 15/12 đến 14/01/2027", "2027-01"),
        ("Từ 01/10/2026 đến 31/10/2026", "2026-10"),  # a unit that follows calendar months
        ("từ 15/8/2026 đến 14/9/2026", "2026-09"),
        ("từ 1/10/2026 đến 15/10/2026", None),  # no month's window: no month
    ],
)
def test_a_data_window_names_the_month_whose_window_it_is(text, period):
    window = find_window(text)
    assert window is not None
    assert period_rules().period_of_window(*window) == period


def test_a_form_dated_only_by_its_window_is_read_for_that_month():
    parsed = normalize(form_bytes(period_line="Số liệu tính từ ngày 15/9/2026 đến ngày 14/10/2026"))
    assert parsed.reports and not [f for f in parsed.findings if f.is_error]
    september = normalize(
        form_bytes(period_line="Số liệu tính từ ngày 15/8/2026 đến ngày 14/9/2026")
    )
    assert [f.rule for f in september.findings] == ["period-mismatch"]


# ------------------------------------------------------------------ a form on two sheets


def test_a_form_continued_on_a_second_sheet_is_one_report():
    wb = openpyxl.load_workbook(__import__("io").BytesIO(form_bytes()))
    first = wb.active
    second = wb.create_sheet("Biểu 2")
    second.append(["(Tiếp theo)"])
    second.append(["STT", "Nội dung", "ĐVT", "Số liệu"])
    moved = []
    for r in range(9, first.max_row + 1):
        label = first.cell(r, 2).value
        if label and ("tập huấn" in label or "Kinh phí" in label or "đối thoại" in label):
            second.append(
                [first.cell(r, 1).value, label, first.cell(r, 3).value, first.cell(r, 4).value]
            )
            moved.append(second.max_row)
            for c in range(1, 6):
                first.cell(r, c).value = None
    parsed = normalize(_save(wb))
    assert not [f for f in parsed.findings if f.is_error], parsed.findings
    on_second = {o.indicator: o.cell for o in parsed.observations if o.sheet == "Biểu 2"}
    assert set(on_second) == {"lop_tap_huan", "luot_tap_huan", "doi_thoai", "kinh_phi_xa_hoi_hoa"}
    assert sorted(int(cell[1:]) for cell in on_second.values()) == moved
    assert {o.report for o in parsed.observations} == {0} and len(parsed.reports) == 1


def test_last_month_s_sheet_is_no_continuation():
    wb = openpyxl.load_workbook(__import__("io").BytesIO(form_bytes()))
    old = wb.copy_worksheet(wb.active)
    old.title = "T9"
    old["A5"] = "Tháng 9 năm 2026"
    parsed = normalize(_save(wb))
    assert {o.sheet for o in parsed.observations} == {"Báo cáo"}


# ------------------------------------------------------------------ rules as evidence


def test_a_form_whose_figures_sit_one_row_off_their_labels_is_not_stored():
    wb = openpyxl.load_workbook(__import__("io").BytesIO(form_bytes()))
    ws = wb.active
    values = [ws.cell(r, 4).value for r in range(9, 9 + len(CLEAN))]
    for i, value in enumerate(values):  # every figure one row up: the first is lost
        ws.cell(9 + i - 1, 4, value) if i else None
    ws.cell(9 + len(CLEAN) - 1, 4, None)
    parsed = normalize(_save(wb))
    assert [f.rule for f in parsed.findings if f.is_error] == ["layout-ambiguous"]
    assert parsed.observations == [] and parsed.rejected
    assert "dòng" in parsed.findings[0].message


def test_a_form_with_a_mistake_or_two_is_left_to_validation():
    parsed = normalize(form_bytes({**CLEAN, "nguon_tin_co_gia_tri": 10}))  # 10 of 9
    assert parsed.reports and not [f for f in parsed.findings if f.rule == "layout-ambiguous"]


def test_a_total_without_diacritics_in_the_stt_column_is_the_province_s_report():
    names = [u.name for u in registry().communes_of("15")[:3]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BẢNG TỔNG HỢP THÁNG 10 NĂM 2026"])
    ws.append(["STT", "Tên đơn vị", "Số buổi tuyên truyền", "Số nguồn tin", "Số tin, bài"])
    for i, name in enumerate(names):
        ws.append([i + 1, name, 3 + i, 9 - i, i])
    ws.append(["Tong cong toan tinh", None, 12, 24, 3])
    parsed = normalize(_save(wb))
    assert not parsed.findings
    assert [(r.kind, r.anchor_cell) for r in parsed.reports][-1] == ("table-total", "A6")
    total = {o.indicator: o.parsed.value for o in parsed.observations if o.report == 3}
    assert total == {"buoi_tuyen_truyen": 12.0, "nguon_tin": 24.0, "tin_bai": 3.0}


def test_a_commune_s_own_table_with_a_total_row_gives_no_province_figures():
    [name] = [u.name for u in registry().communes_of("15")[:1]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["BÁO CÁO THÁNG 10 NĂM 2026"])
    ws.append(["STT", "Tên đơn vị", "Số buổi tuyên truyền", "Số nguồn tin", "Số tin, bài"])
    ws.append([1, name, 3, 9, 1])
    ws.append(["", "Cộng", 3, 9, 1])
    parsed = normalize(_save(wb))
    assert [r.kind for r in parsed.reports] == ["table-row"]
    assert not [f for f in parsed.findings if f.is_error]
