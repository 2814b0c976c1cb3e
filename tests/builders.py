"""Small hand-made workbooks for stage tests, each named after what it holds."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence

import openpyxl

from antq.schemas.catalog import catalog
from antq.tasks.normalize import FileRef, ParsedFile, normalize_workbook
from antq.tasks.read import read_bytes

# A clean commune report that satisfies every consistency rule of the catalog.
CLEAN = {
    "mo_hinh_tong": 12,
    "mo_hinh_khu_dan_cu": 6,
    "mo_hinh_co_quan": 2,
    "mo_hinh_doanh_nghiep": 1,
    "mo_hinh_nha_truong": 2,
    "mo_hinh_benh_vien": 0,
    "mo_hinh_khac": 1,
    "mo_hinh_moi": 1,
    "to_tu_quan": 8,
    "thanh_vien_to_tu_quan": 64,
    "buoi_tuyen_truyen": 5,
    "luot_nguoi_tham_gia": 420,
    "tin_bai": 3,
    "to_roi_tai_lieu": 250,
    "nguon_tin": 9,
    "nguon_tin_co_gia_tri": 4,
    "vu_viec_kham_pha": 1,
    "doi_tuong_bat_giu": 2,
    "khu_dan_cu_tong": 14,
    "khu_dan_cu_dat_chuan": 12,
    "cqdn_nt_tong": 20,
    "cqdn_nt_dat_chuan": 19,
    "xa_dat_chuan": "Đạt",
    "lop_tap_huan": 1,
    "luot_tap_huan": 35,
    "doi_thoai": 2,
    "kinh_phi_xa_hoi_hoa": "15.000.000",
}
FORM_FIRST_ROW = 9  # row of the first indicator; its value sits in column D


def form_bytes(
    values: Mapping[str, object] = CLEAN,
    title: Sequence[str] = ("CÔNG AN TỈNH LÀO CAI", "CÔNG AN XÃ GIA PHÚ"),
    period_line: str = "Tháng 10 năm 2026",
    labels: Mapping[str, str] | None = None,
    extra_rows: Sequence[tuple[str, object]] = (),
) -> bytes:
    """A vertical form: title block, STT | Nội dung | ĐVT | Số liệu | Lũy kế, one row per
    indicator of `values` (in catalog order) from row 9, then `extra_rows`, then a footer."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    for i, line in enumerate(title, start=1):
        ws.cell(i, 1, line)
    ws.cell(4, 1, "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC")
    ws.cell(5, 1, period_line)
    for col, header in enumerate(
        ["STT", "Nội dung", "ĐVT", "Số liệu", "Lũy kế từ đầu năm"], start=1
    ):
        ws.cell(8, col, header)
    row = FORM_FIRST_ROW
    for n, indicator in enumerate(i for i in catalog().indicators if i.code in values):
        ws.cell(row, 1, n + 1)
        ws.cell(row, 2, (labels or {}).get(indicator.code, indicator.label))
        ws.cell(row, 3, indicator.unit_label)
        ws.cell(row, 4, values[indicator.code])
        ws.cell(row, 5, 999)
        row += 1
    for label, value in extra_rows:
        ws.cell(row, 2, label)
        ws.cell(row, 4, value)
        row += 1
    ws.cell(row + 2, 2, "Gia Phú, ngày 14 tháng 10 năm 2026")
    ws.cell(row + 3, 2, "NGƯỜI LẬP BIỂU")
    return _save(wb)


def form_cell(code: str, values: Mapping[str, object] = CLEAN) -> str:
    """The value cell of `code` in `form_bytes(values)`."""
    order = [i.code for i in catalog().indicators if i.code in values]
    return f"D{FORM_FIRST_ROW + order.index(code)}"


def _save(wb: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def normalize(
    data: bytes, province: str = "15", path: str = "2026-10/15/bao-cao.xlsx", config=None
) -> ParsedFile:
    ref = FileRef(
        path, "f" * 64, province, "2026-10", dt.datetime(2026, 10, 12, tzinfo=dt.UTC), len(data)
    )
    book = read_bytes(data, path.rsplit("/", 1)[-1].rsplit(".", 1)[0])
    return normalize_workbook(book, ref, config)
