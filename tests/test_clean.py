"""Cleaning functions: numbers, periods and labels as Vietnamese files write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antq.config import Config
from antq.schemas.catalog import catalog
from antq.tasks.clean import WrittenPeriod, find_periods, parse_value, parse_vn_number

match_label = Config.load().labels.match  # the packaged catalog's labels


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1.231.883", 1231883.0),
        ("1,231,883", 1231883.0),
        ("1 231 883", 1231883.0),
        ("600.000.000đ", 600000000.0),
        ("600.000.000 đồng", 600000000.0),
        ("600 triệu đồng", 600000000.0),
        ("600 triệu", 600000000.0),
        ("1,5 tỷ", 1500000000.0),
        ("12", 12.0),
        (" 12 ", 12.0),
        (12.0, 12.0),
        (7, 7.0),
        (12.000000000001, 12.0),
    ],
)
def test_numbers_as_written(raw, expected):
    parsed = parse_value(raw, "vnd")
    assert (parsed.status, parsed.value) == ("ok", expected)


@pytest.mark.parametrize("raw", [None, "", "-", "—", "–", "x", "  "])
def test_blank_like_cells_are_not_reported_never_zero(raw):
    parsed = parse_value(raw, "integer")
    assert (parsed.status, parsed.value) == ("blank", None)


@pytest.mark.parametrize(
    "raw", ["mười hai", "abc", "12 buổi 3", "1.23.4", dt.date(2026, 10, 1), True]
)
def test_text_that_is_not_one_number_is_invalid(raw):
    assert parse_value(raw, "integer").status == "invalid"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("khoảng 200", 200.0), ("Khoảng 1.200", 1200.0), ("trên 50", 50.0), ("200+", 200.0)],
)
def test_approximations_keep_their_number_and_say_so(raw, value):
    assert parse_value(raw, "integer") == parse_value(raw, "integer").__class__(
        "approximate", value
    )


def test_a_decimal_mark_is_not_taken_for_thousands():
    # "1,5" is one and a half, not fifteen: the integer rule then flags it.
    assert parse_value("1,5", "integer").value == 1.5
    assert parse_value("1.5", "integer").value == 1.5
    assert parse_value("1.500", "integer").value == 1500.0


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Đạt", 1.0),
        ("đạt", 1.0),
        ("x", 1.0),
        ("X", 1.0),
        (1, 1.0),
        ("Chưa đạt", 0.0),
        ("chua dat", 0.0),
        (0, 0.0),
    ],
)
def test_binary_cells(raw, value):
    assert parse_value(raw, "binary").value == value


def test_binary_nonsense_is_invalid():
    assert parse_value("có lẽ", "binary").status == "invalid"


def test_categories_match_folded_and_keep_their_label():
    indicator = catalog().indicator("phan_loai_phong_trao")
    assert parse_value("xuat sac", "category", indicator).text == "Xuất sắc"
    assert parse_value("TRUNG BÌNH", "category", indicator).text == "Trung bình"
    assert parse_value("Tốt", "category", indicator).status == "invalid"


@given(st.integers(min_value=0, max_value=10**12))
def test_any_integer_survives_vietnamese_grouping(n):
    dotted = f"{n:,}".replace(",", ".")
    assert parse_vn_number(dotted) == float(n)
    assert parse_vn_number(f"{n:,}") == float(n)
    assert parse_vn_number(f"{dotted}đ") == float(n)


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["triệu", "tỷ", "nghìn"]))
def test_multipliers(n, word):
    factor = {"triệu": 10**6, "tỷ": 10**9, "nghìn": 10**3}[word]
    assert parse_vn_number(f"{n} {word}") == float(n * factor)
    assert parse_vn_number(f"{n} {word} đồng") == float(n * factor)


@given(st.text(max_size=30))
def test_parse_value_never_raises(text):
    parsed = parse_value(text, "integer")
    assert parsed.status in ("ok", "blank", "approximate", "invalid")
    assert (parsed.value is None) == (parsed.status in ("blank", "invalid"))


# ----------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    "text",
    [
        "Tháng 10 năm 2026",
        "THÁNG 10 NĂM 2026",
        "tháng 10/2026",
        "Thang 10 - 2026",
        "T10/2026",
        "T10-2026",
        "t10.2026",
        "10-2026",
        "10/2026",
        "2026-10",
        "Kỳ báo cáo: 10/2026",
        "BC T10-2026 xa Tan Thanh",
    ],
)
def test_period_spellings(text):
    assert find_periods(text) == [WrittenPeriod(2026, 10)]


def test_signing_dates_and_data_windows_are_not_periods():
    assert find_periods("Lào Cai, ngày 14 tháng 10 năm 2026") == []
    assert find_periods("Số liệu từ 15/9/2026 đến 14/10/2026") == []


def test_month_without_year():
    assert find_periods("Báo cáo tháng 10") == [WrittenPeriod(None, 10)]
    assert WrittenPeriod(None, 10).matches("2026-10") and not WrittenPeriod(None, 9).matches(
        "2026-10"
    )


@given(st.integers(min_value=2000, max_value=2099), st.integers(min_value=1, max_value=12))
def test_every_month_in_every_spelling(year, month):
    for text in (
        f"Tháng {month} năm {year}",
        f"tháng {month}/{year}",
        f"T{month}/{year}",
        f"{month:02d}-{year}",
        f"{year}-{month:02d}",
    ):
        assert find_periods(text) == [WrittenPeriod(year, month)], text


# ------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1. Tổng số mô hình tự quản về ANTT đang duy trì", "mo_hinh_tong"),
        ("TONG SO MO HINH TU QUAN VE AN NINH TRAT TU DANG DUY TRI", "mo_hinh_tong"),
        ("a) Mô hình trong cơ quan", "mo_hinh_co_quan"),
        ("II.3 - Số buổi tuyên truyền, vận động (buổi)", "buoi_tuyen_truyen"),
        ("Trong đó: số nguồn tin có giá trị", "nguon_tin_co_gia_tri"),
        ("Nguồn tin Có giá trị", "nguon_tin_co_gia_tri"),
        ("Khu dân cư Tổng số", "khu_dan_cu_tong"),
        ("Mô hình Khu dân cư", "mo_hinh_khu_dan_cu"),
        ("Số CQDN, NT đạt chuẩn an toàn về ANTT", "cqdn_nt_dat_chuan"),
        ("Kinh phí XHH (đồng)", "kinh_phi_xa_hoi_hoa"),
        ("SL tin, bài, phóng sự đăng phát", "tin_bai"),
    ],
)
def test_labels_match_their_indicator(text, code):
    match = match_label(text)
    assert (match.status, match.code) == ("ok", code)


@pytest.mark.parametrize(
    "text", ["STT", "Ghi chú", "Đơn vị tính", "Lũy kế từ đầu năm", "Người lập biểu"]
)
def test_other_headers_are_not_indicators(text):
    assert match_label(text).status == "none"


def test_a_half_recognisable_label_is_not_guessed():
    match = match_label("Số buổi tuyên truyền miệng")
    assert match.status == "weak" and match.code is None
    assert match.candidates[0][0] == "buoi_tuyen_truyen"


@given(
    st.sampled_from([i for i in catalog().indicators]),
    st.sampled_from(["upper", "lower", "ascii", "numbered", "suffix"]),
)
def test_every_catalog_label_survives_the_usual_mangling(indicator, how):
    from antq.text import fold

    label = indicator.label
    text = {
        "upper": label.upper(),
        "lower": label.lower(),
        "ascii": fold(label),
        "numbered": f"3. {label}",
        "suffix": f"{label} ({indicator.unit_label})",
    }[how]
    match = match_label(text)
    assert (match.status, match.code) == ("ok", indicator.code)


@given(st.text(max_size=40))
def test_match_label_never_raises(text):
    assert match_label(text).status in ("ok", "weak", "none")
