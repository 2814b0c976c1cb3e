"""The unit registry from vietnam-provinces and messy-name matching."""

from __future__ import annotations

import pytest

from antq.schemas.registry import normalize_code, registry


def test_the_2025_hierarchy():
    reg = registry()
    assert len(reg.provinces) == 34
    assert len(reg.communes) == 3321
    assert all(len(code) == 2 for code in reg.provinces)
    assert all(
        len(code) == 5 and u.province_code in reg.provinces for code, u in reg.communes.items()
    )
    assert sum(len(reg.communes_of(code)) for code in reg.provinces) == 3321


@pytest.mark.parametrize(
    "written",
    [
        "Phường Hoàn Kiếm",
        "P. Hoàn Kiếm",
        "P.Hoàn Kiếm",
        "phuong hoan kiem",
        "PHƯỜNG HOÀN KIẾM",
        "Hoàn Kiếm",
        "Công an phường Hoàn Kiếm",
    ],
)
def test_messy_names_find_the_commune(written):
    match = registry().match_commune(written, "01")
    assert (match.status, match.unit.code) == ("ok", "00070")


def test_lost_leading_zeros_come_back():
    assert normalize_code(70, 5) == "00070"
    assert normalize_code(70.0, 5) == "00070"
    assert normalize_code("1", 2) == "01"
    assert normalize_code("123456", 5) is None
    assert normalize_code(7.5, 5) is None
    assert registry().commune_by_code(70).name == "Phường Hoàn Kiếm"


def test_names_that_differ_only_by_diacritics_are_ambiguous_without_them():
    reg = registry()
    # Thái Nguyên has both "Xã Văn Lang" and "Xã Văn Lăng".
    assert reg.match_commune("Văn Lang", "19").unit.name == "Xã Văn Lang"
    assert reg.match_commune("Văn Lăng", "19").unit.name == "Xã Văn Lăng"
    folded = reg.match_commune("van lang", "19")
    assert folded.status == "ambiguous"
    assert {u.name for u in folded.candidates} == {"Xã Văn Lang", "Xã Văn Lăng"}


def test_a_name_is_looked_up_inside_its_province_only():
    assert registry().match_commune("Hoàn Kiếm", "15").status == "unknown"


@pytest.mark.parametrize(
    ("folder", "code"),
    [
        ("01", "01"),
        ("1", "01"),
        ("01-ha-noi", "01"),
        ("Hà Nội", "01"),
        ("ha_noi", "01"),
        ("Tỉnh Lào Cai", "15"),
        ("TP. Hồ Chí Minh", "79"),
    ],
)
def test_province_folders(folder, code):
    assert registry().province_folder(folder).code == code


def test_unknown_folder():
    assert registry().province_folder("misc") is None
