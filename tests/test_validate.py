"""Validate: the GX suites over the month's frames, findings at the cells to fix."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from builders import CLEAN, form_bytes, form_cell, normalize

from antq.schemas.registry import registry
from antq.tasks.validate import validate_month


def _findings(values):
    parsed = normalize(form_bytes(values))
    validation = validate_month([parsed])
    return parsed, validation


def _flat(validation):
    return sorted((f.cell, f.rule, f.severity) for f in validation.findings)


def test_a_clean_report_has_no_findings():
    _, validation = _findings(CLEAN)
    assert validation.findings == [] and validation.held == set()


@pytest.mark.parametrize(
    ("code", "written", "rule", "severity"),
    [
        ("tin_bai", -3, "negative-value", "error"),
        ("tin_bai", "mười hai", "not-a-number", "error"),
        ("tin_bai", 2.5, "not-an-integer", "error"),
        ("tin_bai", "khoảng 20", "approximate-value", "warning"),
        ("xa_dat_chuan", "có lẽ", "invalid-binary", "error"),
        ("xa_dat_chuan", 2, "invalid-binary", "error"),
        ("tin_bai", None, "missing-required", "error"),
    ],
)
def test_type_rules_point_at_the_cell(code, written, rule, severity):
    _, validation = _findings({**CLEAN, code: written})
    assert _flat(validation) == [(form_cell(code), rule, severity)]
    assert ((0, code) in validation.held) == (severity == "error")


def test_part_exceeding_whole_holds_back_both_values():
    values = {**CLEAN, "nguon_tin_co_gia_tri": 12}
    _, validation = _findings(values)
    assert _flat(validation) == [(form_cell("nguon_tin_co_gia_tri"), "part-exceeds-whole", "error")]
    assert {(0, "nguon_tin"), (0, "nguon_tin_co_gia_tri")} <= validation.held
    finding = validation.findings[0]
    assert (
        "12" in finding.message and "9" in finding.message and form_cell("nguon_tin") in finding.fix
    )


def test_a_total_that_is_not_the_sum_of_its_parts():
    _, validation = _findings({**CLEAN, "mo_hinh_tong": 15})
    assert _flat(validation) == [(form_cell("mo_hinh_tong"), "total-not-sum-of-parts", "error")]
    assert "15" in validation.findings[0].message and "12" in validation.findings[0].message


def test_people_without_sessions():
    _, validation = _findings({**CLEAN, "buoi_tuyen_truyen": 0})
    assert _flat(validation) == [
        (form_cell("luot_nguoi_tham_gia"), "nonzero-without-base", "error")
    ]


def test_too_many_people_per_session_is_a_warning_and_keeps_the_value():
    _, validation = _findings({**CLEAN, "buoi_tuyen_truyen": 1, "luot_nguoi_tham_gia": 6000})
    assert _flat(validation) == [(form_cell("luot_nguoi_tham_gia"), "ratio-too-high", "warning")]
    assert validation.held == set()


def test_more_teams_than_members():
    _, validation = _findings({**CLEAN, "to_tu_quan": 70})
    assert _flat(validation) == [(form_cell("to_tu_quan"), "fewer-members-than-teams", "error")]


def test_a_negative_part_is_not_also_blamed_on_the_total():
    """Values failing a type rule do not reach the consistency rules."""
    _, validation = _findings({**CLEAN, "mo_hinh_khac": -1, "mo_hinh_tong": 10})
    assert _flat(validation) == [(form_cell("mo_hinh_khac"), "negative-value", "error")]


def test_rejected_files_are_not_validated():
    parsed = normalize(form_bytes({**CLEAN, "tin_bai": -3}, period_line="Tháng 9 năm 2026"))
    assert validate_month([parsed]).findings == []


def _history(code: str, values: list[float], unit: str = "02923") -> pd.DataFrame:
    periods = [f"{2025 + (9 + i) // 12}-{(9 + i) % 12 + 1:02d}" for i in range(len(values))]
    return pd.DataFrame({"unit_code": unit, "indicator": code, "period": periods, "value": values})


def test_a_stock_that_halves_since_last_month_is_a_warning():
    parsed = normalize(form_bytes(CLEAN))
    history = _history("mo_hinh_tong", [30.0])  # 2025-10
    validation = validate_month([parsed], history)
    assert _flat(validation) == [(form_cell("mo_hinh_tong"), "stock-drop", "warning")]
    assert "30" in validation.findings[0].message and "10/2025" in validation.findings[0].message
    assert validation.held == set()


def test_a_stock_that_holds_is_fine_and_other_units_history_does_not_count():
    parsed = normalize(form_bytes(CLEAN))
    history = pd.concat(
        [_history("mo_hinh_tong", [13.0]), _history("mo_hinh_tong", [99.0], unit="00070")]
    )
    assert validate_month([parsed], history).findings == []


def test_a_flow_far_outside_its_last_twelve_months_is_a_warning():
    values = {**CLEAN, "buoi_tuyen_truyen": 50}
    parsed = normalize(form_bytes(values))
    history = _history("buoi_tuyen_truyen", [4, 5, 6, 5, 4, 6, 5, 5, 4, 6, 5, 5])
    validation = validate_month([parsed], history)
    assert _flat(validation) == [
        (form_cell("buoi_tuyen_truyen", values), "flow-outlier", "warning")
    ]
    assert "trung vị 5" in validation.findings[0].message


def test_a_flow_within_its_usual_range_or_with_too_little_history_is_fine():
    parsed = normalize(form_bytes({**CLEAN, "buoi_tuyen_truyen": 6}))
    assert (
        validate_month(
            [parsed], _history("buoi_tuyen_truyen", [4, 5, 6, 5, 4, 6, 5, 5, 4, 6, 5, 5])
        ).findings
        == []
    )
    parsed = normalize(form_bytes({**CLEAN, "buoi_tuyen_truyen": 50}))
    assert validate_month([parsed], _history("buoi_tuyen_truyen", [4, 5, 6])).findings == []


def test_a_steady_units_seasonal_dip_is_not_an_outlier_but_an_extra_zero_is():
    """Leaflets of a steady commune, 1,000 give or take 2 % a month: February's Tết dip
    to 780 is the season (its spread floor is a tenth of the median), 10,000 is not."""
    steady = [1000, 1010, 990, 1020, 985, 1005, 995, 1015, 1000, 990, 1010, 1000]
    history = _history("to_roi_tai_lieu", [float(v) for v in steady])
    dip = normalize(form_bytes({**CLEAN, "to_roi_tai_lieu": 780}))
    assert validate_month([dip], history).findings == []
    typo = {**CLEAN, "to_roi_tai_lieu": 10000}
    flagged = validate_month([normalize(form_bytes(typo))], history)
    assert _flat(flagged) == [(form_cell("to_roi_tai_lieu", typo), "flow-outlier", "warning")]


def test_people_are_judged_per_session_and_a_month_without_sessions_is_normal():
    """Usually one session of about 80 people: two sessions with 170 people is the
    same crowd per session; no session and nobody is a quiet month; 900 people at
    one session is not."""
    months = 12
    history = pd.concat(
        [
            _history("buoi_tuyen_truyen", [1.0] * months),
            _history("luot_nguoi_tham_gia", [80.0 + (i % 3) for i in range(months)]),
        ]
    )
    base = dict(CLEAN)
    for quiet in ({"buoi_tuyen_truyen": 2, "luot_nguoi_tham_gia": 170},
                  {"buoi_tuyen_truyen": 0, "luot_nguoi_tham_gia": 0}):  # fmt: skip
        parsed = normalize(form_bytes({**base, **quiet}))
        found = validate_month([parsed], history).findings
        assert [f for f in found if f.rule == "flow-outlier"] == [], quiet
    loud = {**base, "buoi_tuyen_truyen": 1, "luot_nguoi_tham_gia": 900}
    flagged = validate_month([normalize(form_bytes(loud))], history)
    assert (form_cell("luot_nguoi_tham_gia", loud), "flow-outlier", "warning") in _flat(flagged)


def test_a_table_without_a_required_column_is_one_finding_not_one_per_row():
    from test_normalize import _table

    parsed = normalize(_table())
    validation = validate_month([parsed])
    missing = [f for f in validation.findings if f.indicator == "tin_bai"]
    assert [(f.rule, f.cell, f.unit_code) for f in missing] == [("missing-column", None, None)]
    assert "3 xã, phường" in missing[0].message


def test_a_table_of_communes_is_not_asked_for_the_province_s_own_figures():
    # The total row of a table of communes is their sum; the documents the province
    # issued and its conferences are the province's own report, not a column of it.
    from test_normalize import _table

    validation = validate_month([normalize(_table())])
    assert [f.rule for f in validation.findings if f.indicator == "van_ban_chi_dao"] == []


def test_a_province_form_without_its_own_figures_is_the_province_s_finding():
    values = {k: v for k, v in CLEAN.items() if k != "xa_dat_chuan"}
    data = form_bytes(values, title=("CÔNG AN TỈNH LÀO CAI",))
    validation = validate_month([normalize(data)])
    missing = sorted(
        (f.rule, f.unit_code, f.indicator)
        for f in validation.findings
        if f.indicator in ("van_ban_chi_dao", "hoi_nghi_so_tong_ket")
    )
    assert missing == [
        ("missing-required", "15", "hoi_nghi_so_tong_ket"),
        ("missing-required", "15", "van_ban_chi_dao"),
    ]


# --------------------------------------------------------------------------- comparisons

PROVINCE = {
    **{k: v for k, v in CLEAN.items() if k not in ("xa_dat_chuan", "phan_loai_phong_trao")},
    "van_ban_chi_dao": 4,
    "hoi_nghi_so_tong_ket": 1,
}


def _province_form(values) -> object:
    return normalize(
        form_bytes(values, title=("CÔNG AN TỈNH LÀO CAI",)), path="2026-10/15/tinh.xlsx"
    )


def _rules(validation, rule):
    return [f for f in validation.findings if f.rule == rule]


@pytest.mark.parametrize(("province_value", "warned"), [(2, True), (3, False), (40, False)])
def test_a_province_figure_below_its_communes_sum_is_a_warning(province_value, warned):
    """Gia Phú alone of Lào Cai's communes reported tin_bai = 3: the province may report
    more (other communes' work), never less."""
    province = _province_form({**PROVINCE, "tin_bai": province_value})
    commune = normalize(form_bytes(CLEAN), path="2026-10/15/gia-phu.xlsx")
    findings = _rules(validate_month([province, commune]), "province-total-mismatch")
    assert [(f.indicator, f.cell) for f in findings] == (
        [("tin_bai", form_cell("tin_bai", PROVINCE))] if warned else []
    )
    if warned:
        assert "1 xã" in findings[0].message and "được 3" in findings[0].message


def _columns_table(gia_phu: str, tin_bai: int) -> bytes:
    """Lào Cai's table with its communes as columns: Gia Phú's, two others', a total."""
    others = [u.name for u in registry().communes_of("15") if u.name != gia_phu][:2]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["CÔNG AN TỈNH LÀO CAI"])
    ws.append(["TỔNG HỢP THÁNG 10 NĂM 2026"])
    ws.append([])
    ws.append(["STT", "Chỉ tiêu", gia_phu, *others, "Tổng cộng"])
    rows = [
        ("Số tin, bài, phóng sự đăng phát", [tin_bai, 1, 1]),
        ("Số buổi tuyên truyền, vận động", [CLEAN["buoi_tuyen_truyen"], 2, 1]),
        ("Số nguồn tin do quần chúng cung cấp", [CLEAN["nguon_tin"], 8, 7]),
        ("Trong đó: số nguồn tin có giá trị", [CLEAN["nguon_tin_co_gia_tri"], 3, 2]),
    ]
    for n, (label, values) in enumerate(rows, start=1):
        ws.append([n, label, *values, sum(values)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_a_commune_row_that_differs_from_its_own_form_is_a_warning_at_the_table_cell():
    commune = normalize(form_bytes(CLEAN), path="2026-10/15/gia-phu.xlsx")
    table = normalize(_columns_table(commune.unit_name, 7), path="2026-10/15/bang.xlsx")
    validation = validate_month([table, commune])
    [finding] = _rules(validation, "commune-file-differs")
    assert (finding.original_path, finding.cell, finding.indicator) == (
        "2026-10/15/bang.xlsx",
        "C5",
        "tin_bai",
    )
    assert "là 3" in finding.message and "ghi 7 (ô C5)" in finding.message
    # its facts come from its own form, not from the table's column
    assert validation.reports[validation.winners[commune.unit_code]].file is commune
    assert _rules(validation, "total-row-mismatch") == []


def test_only_expectations_with_nothing_to_judge_are_left_out():
    """A unit's first month has no history: its history expectations cannot fail and
    are not run; a not-null check is never left out; with history they all run."""
    from antq.expectations import load_suite
    from antq.tasks.validate import _that_can_fail

    parsed = normalize(form_bytes(CLEAN))
    validation = validate_month([parsed])
    from antq.config import Config
    from antq.tasks.validate import reports_frame

    frame = reports_frame(validation, Config.load().catalog)
    suite = load_suite("reports")
    kept = [e.meta["rule"] for e in _that_can_fail(suite, frame).expectations]
    every = [e.meta["rule"] for e in suite.expectations]
    assert set(every) - set(kept) == {"stock-drop", "flow-outlier"}
    assert kept.count("missing-required") == every.count("missing-required")
    frame["zscore__buoi_tuyen_truyen"] = 5.0
    rules = [e.meta["rule"] for e in _that_can_fail(suite, frame).expectations]
    assert "flow-outlier" in rules
    observations = load_suite("observations")
    empty = pd.DataFrame({c: [None] for c in ("value", "value_text", "status", "value_type")})
    kept = _that_can_fail(observations, empty).expectations
    assert {e.expectation_type for e in kept} >= {"expect_column_values_to_not_be_null"}
