"""`antq inspect` (how a file is read) and `antq labels` (teaching the reader a wording),
on the independent fixture files of each variation class."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from antq.cli import main

INBOX = Path(__file__).parent / "fixtures" / "independent" / "files" / "inbox" / "2026-10"


def _fixture(name: str) -> Path:
    return next(INBOX.glob(f"*/{name}*"))


def _inspect(capsys, *args: str) -> str:
    assert main(["inspect", *args]) == 0
    return capsys.readouterr().out


def test_a_grouped_table_shows_each_column_read_under_its_group(capsys):
    out = _inspect(capsys, str(_fixture("grouped-short-subheaders-01")))
    assert "bảng ngang (mỗi dòng một xã)" in out
    assert "I- Mô hình tự quản về ANTT / Khu dân cư" in out
    line = next(line for line in out.splitlines() if "/ Khu dân cư" in line)
    assert "mo_hinh_khu_dan_cu (100, dưới nhóm “mo_hinh”)" in line
    assert "Không có lỗi hay cảnh báo nào." in out


def test_the_sheet_of_the_month_is_chosen_and_said_why(capsys):
    out = _inspect(capsys, str(_fixture("earlier-month-sheets-01")))
    assert "kỳ chạy: 2026-10" in out
    assert "→ “T10”" in out and "Đọc trang “T10”: trang có kỳ trùng kỳ chạy." in out


def test_legacy_text_is_shown_in_unicode(capsys):
    out = _inspect(capsys, str(_fixture("legacy-fonts-vni-form-01")))
    assert "Kỳ báo cáo: 2026-10 (ô A5): “Tháng 10 năm 2026”" in out
    assert "Đơn vị: Xã Tràm Chim (30001, cấp xã)" in out


@pytest.mark.parametrize("name", ["hidden-rows-01", "hidden-rows-02", "spreadsheetml-table-01"])
def test_other_formats_read_without_finding(capsys, name):
    out = _inspect(capsys, str(_fixture(name)))
    assert "Số liệu sẽ lưu:" in out and "Không có lỗi hay cảnh báo nào." in out
    assert "camera" not in out  # the hidden retired row is not read


def test_the_period_can_be_forced_and_then_is_the_finding(capsys):
    out = _inspect(capsys, str(_fixture("control-form-01")), "--period", "2026-09")
    assert "period-mismatch" in out


def test_an_unknown_province_is_asked_for(tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    book = openpyxl.Workbook()
    book.active["A1"] = "Số buổi tuyên truyền"
    book.save(path)
    assert main(["inspect", str(path)]) == 2
    assert "--province" in capsys.readouterr().err


def _form_with(label: str, path: Path) -> Path:
    """A clean commune form of Hà Nội whose kinh phí row carries `label`."""
    from antq.schemas.catalog import catalog

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["CÔNG AN PHƯỜNG HOÀN KIẾM"])
    sheet.append(["BÁO CÁO KẾT QUẢ PHONG TRÀO THÁNG 10 NĂM 2026"])
    sheet.append([])
    sheet.append(["STT", "Nội dung", "Đơn vị tính", "Số liệu"])
    values = {"mo_hinh_tong": 6, "mo_hinh_khu_dan_cu": 1, "luot_nguoi_tham_gia": 30}
    for i, ind in enumerate(catalog().for_level("commune"), start=1):
        if ind.code == "phan_loai_phong_trao":
            continue
        text = label if ind.code == "kinh_phi_xa_hoi_hoa" else ind.label
        sheet.append([i, text, ind.unit_label, values.get(ind.code, 1)])
    book.save(path)
    return path


def _run_inspect(path: Path, taught: Path) -> str:
    env = {**os.environ, "ANTQ_TAUGHT_LABELS": str(taught)}
    args = [sys.executable, "-m", "antq.cli", "inspect", str(path), "--province", "01"]
    return subprocess.run(args, env=env, capture_output=True, text=True, check=True).stdout


@pytest.mark.slow  # three `antq` processes (25 s): in `make test-slow`, which CI runs
def test_a_taught_label_reads_in_every_later_file(tmp_path):
    taught = tmp_path / "taught_labels.yaml"
    form = _form_with("Tiền ủng hộ của bà con", tmp_path / "bao-cao.xlsx")
    before = _run_inspect(form, taught)
    assert "unknown-label" in before and "missing-required" in before

    env = {**os.environ, "ANTQ_TAUGHT_LABELS": str(taught)}
    args = ["labels", "accept", "Tiền ủng hộ của bà con", "kinh_phi_xa_hoi_hoa", "--by", "V05"]
    done = subprocess.run(
        [sys.executable, "-m", "antq.cli", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "“Tiền ủng hộ của bà con” → kinh_phi_xa_hoi_hoa" in done.stdout

    after = _run_inspect(form, taught)
    assert "Không có lỗi hay cảnh báo nào." in after
    assert "kinh_phi_xa_hoi_hoa=1@D" in after
    listed = subprocess.run(
        [sys.executable, "-m", "antq.cli", "labels"], env=env, capture_output=True, text=True
    ).stdout
    assert "“Tiền ủng hộ của bà con” → kinh_phi_xa_hoi_hoa · V05" in listed


def test_a_label_taught_under_a_group_means_nothing_elsewhere(tmp_path, monkeypatch):
    from antq.labels import TeachError, load_taught, teach
    from antq.schemas.catalog import load_catalog

    taught = tmp_path / "taught_labels.yaml"
    teach("Loại hình khác", "mo_hinh_khac", group="mo_hinh", by="V05", path=taught)
    catalog = load_catalog(taught_path=taught)
    group = next(g for g in catalog.groups if g.id == "mo_hinh")
    assert "Loại hình khác" in group.members["mo_hinh_khac"]
    assert "Loại hình khác" not in catalog.indicator("mo_hinh_khac").synonyms
    assert [(t.label, t.group, t.taught_by) for t in load_taught(taught)] == [
        ("Loại hình khác", "mo_hinh", "V05")
    ]
    with pytest.raises(TeachError):
        teach("Khác", "nguon_tin", group="mo_hinh", path=taught)
    with pytest.raises(TeachError):
        teach("Khác", "khong_co_chi_tieu_nay", path=taught)


def test_proposals_list_recurring_unknown_labels_with_the_command():
    from antq.findings import Where, make_finding
    from antq.labels import proposals, proposals_markdown

    def unknown(path: str) -> object:
        where = Where(period="2026-10", province_code="01", original_path=path, sha256="x")
        return make_finding("unknown-label", where, value_raw="Tiền ủng hộ", candidates="")

    found = proposals([unknown("a.xlsx"), unknown("b.xlsx"), unknown("b.xlsx")])
    assert [(p.label, p.files) for p in found] == [("Tiền ủng hộ", 2)]
    assert 'antq labels accept "Tiền ủng hộ"' in proposals_markdown(found)
    assert proposals([unknown("a.xlsx")]) == []
