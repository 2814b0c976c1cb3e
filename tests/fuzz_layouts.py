"""Hypothesis generator of ANTQ monthly report workbooks (outsider's view).

Written from the domain contract (shared/domain/SPEC.md §2-§6) only, without looking
at the pipeline's reader.  ``layout_cases(period="2026-10")`` is a hypothesis strategy
of :class:`LayoutCase` objects: the bytes of one file as a person would make it, the
province it is submitted for, and every figure it reports for the run's month with the
cell (sheet + A1 reference as written in the file) that holds it.  ``decoys`` lists the
figures in the file that are not facts (sub-totals, comparison columns, rival totals) as
(role, group, indicator, value, sheet, cell, basis); ``ambiguous`` names what a careful
reader cannot prove from the file (empty for a well-formed case).

Variations drawn (each named in ``LayoutCase.tags``):

* family: ``family:form`` (one commune: title block naming the unit and the period,
  table STT | Nội dung | ĐVT | Số liệu | Ghi chú with roman-numeral sections I..VI,
  signature footer), ``family:table`` (a province listing 3-8 of its communes, one row
  each, plus a "Tổng cộng"/"Cộng" row = the sum, which is the province's own report) or,
  in about 10 % of the draws, ``family:transposed`` (indicators as rows under roman
  sections, units as columns: STT | Chỉ tiêu | ĐVT | Xã A | Xã B | … | Tổng cộng; each
  unit column is that unit's report, the total column = their sum is the province's;
  ``transposed:chia-ra`` puts "Tổng số" first before a "Chia ra" group header over the
  units, ``transposed:unit-group`` a group header "Đơn vị"… over them,
  ``transposed:code-row`` a row of unit codes under the names,
  ``transposed:province-rows`` van_ban_chi_dao / hoi_nghi_so_tong_ket rows filled in the
  total column only).
* units: real 2025 units from ``vietnam_provinces``; unit names written as
  ``name:plain`` "Phường Hoàn Kiếm", ``name:abbrev`` "P. Hoàn Kiếm", ``name:upper``,
  ``name:bare`` "Hoàn Kiếm" (only when unique in the province), ``name:ascii``,
  ``name:agency`` "Công an phường Hoàn Kiếm".
* labels: without ``reworded`` every indicator carries its SPEC §4 label verbatim; with it,
  the label, its synonyms and other plausible wordings, short sub-headers under group
  headers, unit suffixes "(buổi)", "trong tháng" fillers, ANTT/CQ, DN, NT/SL
  abbreviations, case changes (``uppercase-labels``).  Independently: numbering
  prefixes "1.", "1)", "(1)", "a)", "1.1.", "I-" and dropped diacritics
  (``no-diacritics``).  Every wording names one catalog indicator to a person (short
  sub-headers only under their group header or parent row).
* tables: ``header-rows:1..3``; ``groups`` (merged group headers over short,
  ambiguous-alone sub-headers); ``super-header`` (a third header level); random column
  order within and across groups; ``number-row`` ("(1) (2)…", "A B 1 2…" or numeric
  1 2 3…); ``code-column`` ("Mã xã", "Mã ĐVHC", ``code-no-leading-zeros``); name column
  headed "Xã, phường, đặc khu"/"Tên đơn vị"/"Đơn vị"; ``total-first`` (total row above
  the unit rows); ``province-only-columns`` (van_ban_chi_dao, hoi_nghi_so_tong_ket only
  on the total row); ``no-stt``; ``notes-column``.
* forms: ``luy-ke`` / ``cung-ky`` extra figure columns beside the month's column,
  ``two-row-header``, ``indent`` (sub-items in the next column), ``inline-numbering``
  ("1. …" inside the label), ``contextual-subitems`` (short sub-item labels under their
  parent row), ``no-dvt``, ``notes-text``.
* both: ``spacer`` (blank rows/columns), ``offset`` (table not at A1), ``merged-title``,
  ``window-line`` (the 15th→14th data window), ``notes-below``, ``dat-text``
  (xa_dat_chuan as "Đạt"/"Chưa đạt"), ``number-as-text`` (kinh phí as "12.350.000"),
  ``extra-month-sheets`` (sheets of the two previous months in random order).
* formats: ``format:xlsx`` (``xlsx-writer:openpyxl``, or ``xlsx-writer:minimal``, a
  hand-made package with shared strings as exporters write it), ``format:xls`` (xlwt BIFF8),
  ``format:xml2003`` (SpreadsheetML text under an .xls name; ``sml-explicit-index``
  writes ss:Index on every cell, otherwise only on gaps), ``format:ods`` (hand-made zip).
* encodings: ``unicode``, ``tcvn3`` (TCVN3/ABC, ".VnTime" font), ``vni`` ("VNI-Times").

Distractors, each drawn independently with a modest probability (each ~6-10 % of all
draws; most files carry none or one):

* ``distractor:subtotals`` (tables): the communes grouped under former districts, a heading
  row "Huyện Yên Sơn (cũ)" / "Thị xã … (cũ)" / "Thành phố … (cũ)" / "Khu vực …" (maybe
  uppercase, maybe numbered I, II or A, B, maybe merged), each group of >= 2 communes
  closed by a sub-total row labelled "Cộng", "Cộng huyện … (cũ)", "Tổng cộng khu vực …"
  or not labelled at all, whose figures are the group's sums (decoys ``subtotal``, basis
  = the group's communes); the grand total ("Tổng cộng toàn tỉnh", "Toàn tỉnh"…, first or
  last) is the sum of all communes and the province's report.  Sub-totals are not facts.
* ``distractor:comparison-columns``: beside the month's figures, 1-3 columns of "Cùng kỳ
  năm 2025" / "Tháng 10/2025" (decoy ``cung-ky``), "Kỳ trước" / "Tháng 9" (``ky-truoc``),
  "Lũy kế từ đầu năm" (``luy-ke``), "So sánh (%)" (``so-sanh-pct`` = month / compared
  figure × 100, one decimal; "-" or blank when that is 0) and "Tăng (+), giảm (-)"
  (``tang-giam`` = month − compared figure, may be negative).  The month's column is
  headed "Tháng 10/2026", "Thực hiện tháng 10/2026", "Tháng 10", "T10/2026", "Kỳ này" or
  "Trong kỳ" (usually first, sometimes after "Cùng kỳ").  Tables: per indicator a group
  of sub-columns under the indicator's header ("Tháng 10/2026 | Cùng kỳ | So sánh %",
  one more header row; xa_dat_chuan keeps its single column); forms: more figure
  columns.  Only the month's column holds facts; the compared reports keep the catalog
  rules (the year-to-date one but mo_hinh_moi ≤ mo_hinh_tong), totals are sums there too.
* ``distractor:continued-sheet`` (forms): the form split at a section boundary across
  two adjacent sheets ("Biểu 1"/"Biểu 2", "Phần 1"/"Phần 2", "Trang 1"/"Trang 2",
  "BC"/"BC (2)"; with month sheets "T10 - Biểu 1"…): the second marked "(Tiếp theo)",
  the title block on the first only or on both, the column header repeated, the
  signature on the second only; each fact carries the sheet its cell is on.
* ``distractor:units-in-cells``: all, ~60 % or ~30 % of the month's figures written with
  their unit as text: "12 mô hình", "3 tin, bài", "2.436 lượt", "280.000.000 đồng",
  "280.000.000đ", "5 buổi", "14 tổ" (the fact's value is the number).
* ``ambiguous:two-totals`` (tables): two total-like rows ("Tổng cộng" and "Cộng toàn
  tỉnh"…, both last, or one first and one last) with different figures, neither the sum
  of the communes (each is the sum plus a report of its own, so the catalog rules hold
  on both): no one can tell which is the province's report.  ``ambiguous`` is
  ``("province-total",)``, the facts are the communes' only, the two rows are decoys
  ``total-candidate``.  The only case that is not well-formed.

``verify_case(case)`` re-opens the bytes (openpyxl for xlsx, lxml for SpreadsheetML and
ods, olefile + a small BIFF8 record reader for xls), decodes legacy text and asserts that
every fact's and every decoy's cell holds its value (a unit written beside a figure must
be its indicator's), plus the catalog rules on the facts themselves and on every decoy
report; that each sub-total is the sum of its group and sits right under it; that each
comparison figure is on its month figure's row and, for % and +/-, computed from it; that
a continued form's second sheet follows the first, says "(Tiếp theo)" and alone carries
the signature; and, for an ambiguous case, that the province has no facts and both
rival totals differ from the communes' sums and from each other.
"""

from __future__ import annotations

import dataclasses
import io
import random
import re
import struct
import unicodedata
import zipfile
from xml.sax.saxutils import escape as _xml_escape

from hypothesis import strategies as st

__all__ = [
    "LayoutCase",
    "layout_cases",
    "verify_case",
    "to_tcvn3",
    "from_tcvn3",
    "to_vni",
    "from_vni",
    "COMMUNE_INDICATORS",
    "PROVINCE_INDICATORS",
]


# --------------------------------------------------------------------------- case


@dataclasses.dataclass(frozen=True)
class LayoutCase:
    file_name: str
    data: bytes = dataclasses.field(repr=False)
    province_code: str
    period: str
    facts: tuple = dataclasses.field(repr=False)
    tags: tuple = ()
    # figures in the file that are NOT facts (sub-totals, comparison columns, rival
    # totals): (role, group, indicator, value, sheet, cell, basis); see the docstring
    decoys: tuple = dataclasses.field(default=(), repr=False)
    # what a careful reader cannot prove from the file (not stored, `layout-ambiguous`)
    ambiguous: tuple = ()


# ----------------------------------------------------------------- legacy encodings

# fmt: off
_TCVN3_LOWER = {
    "à": "µ", "á": "¸", "ả": "¶", "ã": "·", "ạ": "¹",
    "ă": "¨", "ằ": "»", "ắ": "¾", "ẳ": "¼", "ẵ": "½", "ặ": "Æ",
    "â": "©", "ầ": "Ç", "ấ": "Ê", "ẩ": "È", "ẫ": "É", "ậ": "Ë",
    "đ": "®",
    "è": "Ì", "é": "Ð", "ẻ": "Î", "ẽ": "Ï", "ẹ": "Ñ",
    "ê": "ª", "ề": "Ò", "ế": "Õ", "ể": "Ó", "ễ": "Ô", "ệ": "Ö",
    "ì": "×", "í": "Ý", "ỉ": "Ø", "ĩ": "Ü", "ị": "Þ",
    "ò": "ß", "ó": "ã", "ỏ": "á", "õ": "â", "ọ": "ä",
    "ô": "«", "ồ": "å", "ố": "è", "ổ": "æ", "ỗ": "ç", "ộ": "é",
    "ơ": "¬", "ờ": "ê", "ớ": "í", "ở": "ë", "ỡ": "ì", "ợ": "î",
    "ù": "ï", "ú": "ó", "ủ": "ñ", "ũ": "ò", "ụ": "ô",
    "ư": "\u00ad", "ừ": "õ", "ứ": "ø", "ử": "ö", "ữ": "÷", "ự": "ù",
    "ỳ": "ú", "ý": "ý", "ỷ": "û", "ỹ": "ü", "ỵ": "þ",
}
# TCVN3 has capitals only for the seven base letters; toned capitals are typed with
# the lowercase codes (the .VnTimeH font draws them as capitals).
_TCVN3_UPPER = {"Ă": "¡", "Â": "¢", "Đ": "§", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦"}

_VNI_LOWER = {
    "á": "aù", "à": "aø", "ả": "aû", "ã": "aõ", "ạ": "aï",
    "ă": "aê", "ắ": "aé", "ằ": "aè", "ẳ": "aú", "ẵ": "aü", "ặ": "aë",
    "â": "aâ", "ấ": "aá", "ầ": "aà", "ẩ": "aå", "ẫ": "aã", "ậ": "aä",
    "đ": "ñ",
    "é": "eù", "è": "eø", "ẻ": "eû", "ẽ": "eõ", "ẹ": "eï",
    "ê": "eâ", "ế": "eá", "ề": "eà", "ể": "eå", "ễ": "eã", "ệ": "eä",
    "í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò",
    "ó": "où", "ò": "oø", "ỏ": "oû", "õ": "oõ", "ọ": "oï",
    "ô": "oâ", "ố": "oá", "ồ": "oà", "ổ": "oå", "ỗ": "oã", "ộ": "oä",
    "ơ": "ô", "ớ": "ôù", "ờ": "ôø", "ở": "ôû", "ỡ": "ôõ", "ợ": "ôï",
    "ú": "uù", "ù": "uø", "ủ": "uû", "ũ": "uõ", "ụ": "uï",
    "ư": "ö", "ứ": "öù", "ừ": "öø", "ử": "öû", "ữ": "öõ", "ự": "öï",
    "ý": "yù", "ỳ": "yø", "ỷ": "yû", "ỹ": "yõ", "ỵ": "î",
}
# fmt: on

_TCVN3_ENC: dict[str, str] = dict(_TCVN3_LOWER)
for _lo, _code in _TCVN3_LOWER.items():
    _up = _lo.upper()
    if _up not in _TCVN3_UPPER:
        _TCVN3_ENC[_up] = _code
_TCVN3_ENC.update(_TCVN3_UPPER)
_TCVN3_DEC = {v: k for k, v in _TCVN3_LOWER.items()}
_TCVN3_DEC.update({v: k for k, v in _TCVN3_UPPER.items()})

_VNI_ENC: dict[str, str] = dict(_VNI_LOWER)
for _lo, _code in _VNI_LOWER.items():
    _VNI_ENC[_lo.upper()] = _code.upper()
_VNI_DEC2 = {v: k for k, v in _VNI_ENC.items() if len(v) == 2}
_VNI_DEC1 = {v: k for k, v in _VNI_ENC.items() if len(v) == 1}

_TCVN3_TABLE = str.maketrans(_TCVN3_ENC)
_VNI_TABLE = str.maketrans(_VNI_ENC)
_TCVN3_DEC_TABLE = str.maketrans(_TCVN3_DEC)


def to_tcvn3(text: str) -> str:
    """Unicode -> TCVN3 (ABC) bytes, shown as the Latin-1 characters Excel stores."""
    return unicodedata.normalize("NFC", text).translate(_TCVN3_TABLE)


def from_tcvn3(text: str) -> str:
    return text.translate(_TCVN3_DEC_TABLE)


def to_vni(text: str) -> str:
    """Unicode -> VNI Windows (VNI-Times), base letter + tone/shape byte."""
    return unicodedata.normalize("NFC", text).translate(_VNI_TABLE)


def from_vni(text: str) -> str:
    out = []
    i, n = 0, len(text)
    while i < n:
        pair = text[i : i + 2]
        if len(pair) == 2 and pair in _VNI_DEC2:
            out.append(_VNI_DEC2[pair])
            i += 2
            continue
        out.append(_VNI_DEC1.get(text[i], text[i]))
        i += 1
    return "".join(out)


_ENCODERS = {"unicode": None, "tcvn3": to_tcvn3, "vni": to_vni}
_DECODERS = {"unicode": lambda s: s, "tcvn3": from_tcvn3, "vni": from_vni}
_FONTS = {"unicode": "Times New Roman", "tcvn3": ".VnTime", "vni": "VNI-Times"}


def strip_diacritics(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in text if not unicodedata.combining(c)))


# -------------------------------------------------------------------------- catalog

COMMUNE_INDICATORS = (
    "mo_hinh_tong",
    "mo_hinh_khu_dan_cu",
    "mo_hinh_co_quan",
    "mo_hinh_doanh_nghiep",
    "mo_hinh_nha_truong",
    "mo_hinh_benh_vien",
    "mo_hinh_khac",
    "mo_hinh_moi",
    "to_tu_quan",
    "thanh_vien_to_tu_quan",
    "buoi_tuyen_truyen",
    "luot_nguoi_tham_gia",
    "tin_bai",
    "to_roi_tai_lieu",
    "nguon_tin",
    "nguon_tin_co_gia_tri",
    "vu_viec_kham_pha",
    "doi_tuong_bat_giu",
    "khu_dan_cu_tong",
    "khu_dan_cu_dat_chuan",
    "cqdn_nt_tong",
    "cqdn_nt_dat_chuan",
    "xa_dat_chuan",
    "lop_tap_huan",
    "luot_tap_huan",
    "doi_thoai",
    "kinh_phi_xa_hoi_hoa",
)
PROVINCE_ONLY = ("van_ban_chi_dao", "hoi_nghi_so_tong_ket")
PROVINCE_INDICATORS = tuple(c for c in COMMUNE_INDICATORS if c != "xa_dat_chuan")
MO_HINH_PARTS = (
    "mo_hinh_khu_dan_cu",
    "mo_hinh_co_quan",
    "mo_hinh_doanh_nghiep",
    "mo_hinh_nha_truong",
    "mo_hinh_benh_vien",
    "mo_hinh_khac",
)
STOCKS = frozenset(
    MO_HINH_PARTS
    + (
        "mo_hinh_tong",
        "to_tu_quan",
        "thanh_vien_to_tu_quan",
        "khu_dan_cu_tong",
        "khu_dan_cu_dat_chuan",
        "cqdn_nt_tong",
        "cqdn_nt_dat_chuan",
        "xa_dat_chuan",
    )
)

CANONICAL = {
    "mo_hinh_tong": "Tổng số mô hình tự quản về ANTT đang duy trì",
    "mo_hinh_khu_dan_cu": "Mô hình tại khu dân cư (thôn, tổ dân phố)",
    "mo_hinh_co_quan": "Mô hình trong cơ quan",
    "mo_hinh_doanh_nghiep": "Mô hình trong doanh nghiệp",
    "mo_hinh_nha_truong": "Mô hình trong nhà trường",
    "mo_hinh_benh_vien": "Mô hình trong bệnh viện, cơ sở y tế",
    "mo_hinh_khac": "Mô hình khác",
    "mo_hinh_moi": "Số mô hình mới xây dựng trong kỳ",
    "to_tu_quan": "Số tổ, đội tự quản về ANTT",
    "thanh_vien_to_tu_quan": "Số thành viên tổ, đội tự quản",
    "buoi_tuyen_truyen": "Số buổi tuyên truyền, vận động",
    "luot_nguoi_tham_gia": "Số lượt người tham gia tuyên truyền",
    "tin_bai": "Số tin, bài, phóng sự đăng phát",
    "to_roi_tai_lieu": "Số tờ rơi, tài liệu phát hành",
    "nguon_tin": "Số nguồn tin do quần chúng cung cấp",
    "nguon_tin_co_gia_tri": "Trong đó: số nguồn tin có giá trị",
    "vu_viec_kham_pha": "Số vụ việc điều tra, khám phá từ nguồn tin",
    "doi_tuong_bat_giu": "Số đối tượng bắt giữ",
    "khu_dan_cu_tong": "Tổng số khu dân cư (thôn, tổ dân phố)",
    "khu_dan_cu_dat_chuan": 'Số khu dân cư đạt chuẩn "An toàn về ANTT"',
    "cqdn_nt_tong": "Tổng số cơ quan, doanh nghiệp, nhà trường",
    "cqdn_nt_dat_chuan": 'Số cơ quan, doanh nghiệp, nhà trường đạt chuẩn "An toàn về ANTT"',
    "xa_dat_chuan": 'Xã/phường đạt chuẩn "An toàn về ANTT"',
    "lop_tap_huan": "Số lớp tập huấn, bồi dưỡng nghiệp vụ",
    "luot_tap_huan": "Số lượt người được tập huấn",
    "doi_thoai": "Số cuộc tiếp xúc, đối thoại với Nhân dân",
    "kinh_phi_xa_hoi_hoa": "Kinh phí xã hội hóa huy động (đồng)",
    "van_ban_chi_dao": "Số văn bản chỉ đạo (chỉ thị, kế hoạch, công văn) ban hành",
    "hoi_nghi_so_tong_ket": "Số hội nghị sơ kết, tổng kết",
}

# Full wordings: each one alone names its indicator unmistakably.
FULL = {
    "mo_hinh_tong": [
        "Tổng số mô hình tự quản về an ninh, trật tự đang duy trì",
        "Tổng số mô hình tự quản về ANTT",
        "Số mô hình tự quản về ANTT hiện có",
        "SL mô hình tự quản về ANTT đang duy trì",
        "Tổng số mô hình tự quản ANTT đang hoạt động",
        "Mô hình tự quản về ANTT (tổng số)",
    ],
    "mo_hinh_khu_dan_cu": [
        "Mô hình tự quản tại khu dân cư",
        "Số mô hình ở thôn, tổ dân phố",
        "Mô hình tự quản về ANTT ở khu dân cư",
        "Mô hình tại thôn, tổ dân phố",
    ],
    "mo_hinh_co_quan": [
        "Mô hình tự quản trong cơ quan",
        "Số mô hình tại cơ quan",
        "Mô hình ở cơ quan, đơn vị",
    ],
    "mo_hinh_doanh_nghiep": [
        "Mô hình tự quản trong doanh nghiệp",
        "Số mô hình tại doanh nghiệp",
        "Mô hình trong DN",
    ],
    "mo_hinh_nha_truong": [
        "Mô hình tự quản trong nhà trường",
        "Mô hình tại trường học",
        "Số mô hình trong trường học",
    ],
    "mo_hinh_benh_vien": [
        "Mô hình tự quản trong bệnh viện, cơ sở y tế",
        "Mô hình tại bệnh viện, trạm y tế",
        "Số mô hình trong bệnh viện, cơ sở y tế",
    ],
    "mo_hinh_khac": ["Các mô hình khác", "Mô hình tự quản khác", "Số mô hình khác"],
    "mo_hinh_moi": [
        "Mô hình mới xây dựng trong tháng",
        "Số mô hình tự quản về ANTT xây dựng mới",
        "Số mô hình mới thành lập trong kỳ",
        "Số mô hình mới",
    ],
    "to_tu_quan": [
        "Số tổ, đội tự quản",
        "Tổ, đội tự quản về an ninh, trật tự",
        "Số tổ tự quản về ANTT",
        "Số tổ/đội tự quản ANTT",
    ],
    "thanh_vien_to_tu_quan": [
        "Số thành viên tổ, đội tự quản về ANTT",
        "Thành viên tổ, đội tự quản",
        "Tổng số thành viên các tổ tự quản",
    ],
    "buoi_tuyen_truyen": [
        "Số buổi tuyên truyền",
        "Số buổi tuyên truyền, vận động quần chúng",
        "Số buổi tổ chức tuyên truyền",
        "Tuyên truyền, vận động (số buổi)",
    ],
    "luot_nguoi_tham_gia": [
        "Số lượt người tham dự các buổi tuyên truyền",
        "Lượt người tham gia tuyên truyền",
        "Số lượt người dự tuyên truyền, vận động",
    ],
    "tin_bai": [
        "Số tin, bài, phóng sự",
        "Tin, bài, phóng sự đã đăng, phát",
        "Số tin bài tuyên truyền đăng phát",
        "SL tin, bài, phóng sự",
    ],
    "to_roi_tai_lieu": [
        "Tờ rơi, tài liệu phát hành",
        "Số tờ rơi, tài liệu tuyên truyền đã phát",
        "Số tờ rơi, tờ gấp, tài liệu",
    ],
    "nguon_tin": [
        "Số nguồn tin quần chúng cung cấp",
        "Số nguồn tin Nhân dân cung cấp",
        "Nguồn tin do quần chúng cung cấp",
        "Tổng số nguồn tin do quần chúng cung cấp",
    ],
    "nguon_tin_co_gia_tri": [
        "Số nguồn tin có giá trị",
        "Nguồn tin có giá trị",
        "Trong đó: nguồn tin có giá trị",
    ],
    "vu_viec_kham_pha": [
        "Số vụ việc khám phá từ nguồn tin quần chúng",
        "Số vụ việc được điều tra, khám phá qua nguồn tin",
        "Vụ việc điều tra, khám phá từ nguồn tin",
    ],
    "doi_tuong_bat_giu": [
        "Số đối tượng bị bắt giữ",
        "Đối tượng bắt giữ",
        "Số đối tượng bắt giữ từ nguồn tin",
    ],
    "khu_dan_cu_tong": [
        "Tổng số khu dân cư",
        "Tổng số thôn, tổ dân phố (khu dân cư)",
        "Khu dân cư (tổng số)",
        "Tổng số thôn, tổ dân phố",
    ],
    "khu_dan_cu_dat_chuan": [
        "Số khu dân cư đạt chuẩn an toàn về an ninh, trật tự",
        "Khu dân cư đạt chuẩn ANTT",
        'Trong đó: số khu dân cư đạt chuẩn "An toàn về ANTT"',
        "Số thôn, tổ dân phố đạt chuẩn an toàn về ANTT",
    ],
    "cqdn_nt_tong": [
        "Tổng số CQ, DN, NT",
        "Tổng số CQDN, nhà trường",
        "Số cơ quan, doanh nghiệp, nhà trường",
        "Tổng số cơ quan, doanh nghiệp, trường học",
    ],
    "cqdn_nt_dat_chuan": [
        "Số CQ, DN, NT đạt chuẩn an toàn về ANTT",
        "CQDN, NT đạt chuẩn ANTT",
        "Trong đó: số CQ, DN, NT đạt chuẩn",
        "Số cơ quan, doanh nghiệp, nhà trường đạt chuẩn an toàn về an ninh, trật tự",
    ],
    "xa_dat_chuan": [
        "Xã, phường đạt chuẩn an toàn về ANTT",
        "Đơn vị xã đạt chuẩn ANTT",
        "Xã đạt chuẩn an toàn về an ninh, trật tự",
        'Xã, phường, đặc khu đạt chuẩn "An toàn về ANTT"',
    ],
    "lop_tap_huan": [
        "Số lớp tập huấn, bồi dưỡng",
        "Số lớp tập huấn cho lực lượng nòng cốt",
        "Mở lớp tập huấn, bồi dưỡng nghiệp vụ (số lớp)",
    ],
    "luot_tap_huan": [
        "Số lượt người tham gia tập huấn",
        "Lượt người được tập huấn, bồi dưỡng",
        "Số lượt cán bộ, quần chúng được tập huấn",
    ],
    "doi_thoai": [
        "Số cuộc tiếp xúc, đối thoại với nhân dân",
        "Tiếp xúc, đối thoại với Nhân dân",
        "Số buổi tiếp xúc, đối thoại với quần chúng",
    ],
    "kinh_phi_xa_hoi_hoa": [
        "Kinh phí xã hội hóa huy động được",
        "Kinh phí huy động xã hội hóa",
        "Tổng kinh phí xã hội hóa",
        "Số tiền huy động xã hội hóa cho phong trào",
    ],
    "van_ban_chi_dao": [
        "Số văn bản chỉ đạo, hướng dẫn ban hành",
        "Văn bản chỉ đạo đã ban hành",
        "Số văn bản chỉ đạo",
    ],
    "hoi_nghi_so_tong_ket": ["Hội nghị sơ kết, tổng kết", "Số hội nghị sơ, tổng kết"],
}
for _c, _lab in CANONICAL.items():
    FULL[_c].insert(0, _lab)

# Table groups: (key, group titles, members, {member: short sub-headers}).
GROUPS = [
    (
        "mo_hinh",
        [
            "Mô hình tự quản về ANTT",
            "Mô hình tự quản về an ninh, trật tự",
            "Số mô hình tự quản về ANTT",
            "MÔ HÌNH TỰ QUẢN VỀ ANTT",
        ],
        ["mo_hinh_tong"] + list(MO_HINH_PARTS),
        {
            "mo_hinh_tong": ["Tổng số", "Tổng", "Tổng số mô hình"],
            "mo_hinh_khu_dan_cu": ["Khu dân cư", "Thôn, tổ dân phố", "Tại khu dân cư"],
            "mo_hinh_co_quan": ["Cơ quan", "Trong cơ quan", "Tại cơ quan"],
            "mo_hinh_doanh_nghiep": ["Doanh nghiệp", "DN", "Trong doanh nghiệp"],
            "mo_hinh_nha_truong": ["Nhà trường", "Trường học", "Trong nhà trường"],
            "mo_hinh_benh_vien": ["Bệnh viện, cơ sở y tế", "Bệnh viện", "Cơ sở y tế"],
            "mo_hinh_khac": ["Khác", "Mô hình khác", "Loại khác"],
            "mo_hinh_moi": ["Mới xây dựng", "Xây dựng mới", "Mới trong kỳ", "Mới thành lập"],
        },
    ),
    (
        "to_doi",
        ["Tổ, đội tự quản", "Tổ, đội tự quản về ANTT", "Tổ tự quản"],
        ["to_tu_quan", "thanh_vien_to_tu_quan"],
        {
            "to_tu_quan": ["Số tổ, đội", "Số tổ", "Tổ, đội"],
            "thanh_vien_to_tu_quan": ["Số thành viên", "Thành viên", "Số TV"],
        },
    ),
    (
        "tuyen_truyen",
        ["Tuyên truyền", "Tuyên truyền, vận động", "Công tác tuyên truyền"],
        ["buoi_tuyen_truyen", "luot_nguoi_tham_gia", "tin_bai", "to_roi_tai_lieu"],
        {
            "buoi_tuyen_truyen": ["Số buổi", "Buổi"],
            "luot_nguoi_tham_gia": ["Lượt người", "Số lượt người", "Lượt người tham dự"],
            "tin_bai": ["Tin, bài, phóng sự", "Tin, bài", "Tin bài"],
            "to_roi_tai_lieu": ["Tờ rơi, tài liệu", "Tờ rơi", "Tài liệu, tờ rơi"],
        },
    ),
    (
        "nguon_tin",
        ["Nguồn tin", "Nguồn tin do quần chúng cung cấp", "Nguồn tin quần chúng"],
        ["nguon_tin", "nguon_tin_co_gia_tri"],
        {
            "nguon_tin": ["Tổng số", "Số nguồn tin", "Tổng số nguồn tin"],
            "nguon_tin_co_gia_tri": ["Có giá trị", "Trong đó có giá trị", "Số có giá trị"],
        },
    ),
    (
        "kham_pha",
        ["Kết quả từ nguồn tin", "Điều tra, khám phá", "Kết quả điều tra, khám phá"],
        ["vu_viec_kham_pha", "doi_tuong_bat_giu"],
        {
            "vu_viec_kham_pha": ["Số vụ việc", "Vụ việc khám phá", "Số vụ"],
            "doi_tuong_bat_giu": ["Số đối tượng", "Đối tượng bắt giữ", "Bắt giữ (đối tượng)"],
        },
    ),
    (
        "khu_dan_cu",
        ["Khu dân cư", "Khu dân cư (thôn, tổ dân phố)", "Thôn, tổ dân phố"],
        ["khu_dan_cu_tong", "khu_dan_cu_dat_chuan"],
        {
            "khu_dan_cu_tong": ["Tổng số", "Tổng"],
            "khu_dan_cu_dat_chuan": ["Đạt chuẩn", 'Đạt chuẩn "An toàn về ANTT"', "Số đạt chuẩn"],
        },
    ),
    (
        "cqdn",
        ["Cơ quan, doanh nghiệp, nhà trường", "CQ, DN, NT", "CQDN, nhà trường"],
        ["cqdn_nt_tong", "cqdn_nt_dat_chuan"],
        {
            "cqdn_nt_tong": ["Tổng số", "Tổng"],
            "cqdn_nt_dat_chuan": ["Đạt chuẩn", "Đạt chuẩn ANTT", "Số đạt chuẩn"],
        },
    ),
    ("xa", None, ["xa_dat_chuan"], {}),
    (
        "tap_huan",
        ["Tập huấn, bồi dưỡng", "Tập huấn, bồi dưỡng nghiệp vụ", "Tập huấn"],
        ["lop_tap_huan", "luot_tap_huan"],
        {
            "lop_tap_huan": ["Số lớp", "Lớp"],
            "luot_tap_huan": ["Lượt người", "Số lượt người", "Số lượt"],
        },
    ),
    ("doi_thoai", None, ["doi_thoai"], {}),
    ("kinh_phi", None, ["kinh_phi_xa_hoi_hoa"], {}),
]
PROVINCE_GROUP = (
    "chi_dao",
    ["Công tác chỉ đạo", "Chỉ đạo, hướng dẫn"],
    list(PROVINCE_ONLY),
    {
        "van_ban_chi_dao": ["Văn bản chỉ đạo", "Số văn bản"],
        "hoi_nghi_so_tong_ket": ["Hội nghị sơ, tổng kết", "Sơ kết, tổng kết"],
    },
)
SHORT = {}
for _g in GROUPS + [PROVINCE_GROUP]:
    SHORT.update(_g[3])

UNIT_SUFFIX = {
    "mo_hinh": ["(mô hình)", "(MH)"],
    "to_tu_quan": ["(tổ)", "(tổ, đội)"],
    "thanh_vien_to_tu_quan": ["(người)"],
    "buoi_tuyen_truyen": ["(buổi)"],
    "luot_nguoi_tham_gia": ["(lượt người)", "(lượt)"],
    "tin_bai": ["(tin, bài)", "(bài)"],
    "to_roi_tai_lieu": ["(tờ)", "(bản)"],
    "nguon_tin": ["(nguồn tin)", "(tin)"],
    "vu_viec_kham_pha": ["(vụ)", "(vụ việc)"],
    "doi_tuong_bat_giu": ["(đối tượng)", "(người)"],
    "khu_dan_cu": ["(khu)", "(thôn, TDP)"],
    "cqdn_nt": ["(đơn vị)", "(cơ sở)"],
    "lop_tap_huan": ["(lớp)"],
    "luot_tap_huan": ["(lượt người)", "(lượt)"],
    "doi_thoai": ["(cuộc)"],
    "kinh_phi_xa_hoi_hoa": ["(đồng)", "(VNĐ)"],
    "van_ban_chi_dao": ["(văn bản)"],
    "hoi_nghi_so_tong_ket": ["(hội nghị)", "(cuộc)"],
}
DVT = {
    "mo_hinh": ["Mô hình", "MH"],
    "to_tu_quan": ["Tổ", "Tổ, đội"],
    "thanh_vien_to_tu_quan": ["Người"],
    "buoi_tuyen_truyen": ["Buổi"],
    "luot_nguoi_tham_gia": ["Lượt người", "Lượt"],
    "tin_bai": ["Tin, bài", "Bài"],
    "to_roi_tai_lieu": ["Tờ", "Bản"],
    "nguon_tin": ["Nguồn tin", "Tin"],
    "vu_viec_kham_pha": ["Vụ", "Vụ việc"],
    "doi_tuong_bat_giu": ["Đối tượng", "Người"],
    "khu_dan_cu": ["Khu", "Thôn, TDP"],
    "cqdn_nt": ["Đơn vị", "Cơ sở"],
    "xa_dat_chuan": ["Xã", "Đạt/Chưa đạt", "-"],
    "lop_tap_huan": ["Lớp"],
    "luot_tap_huan": ["Lượt người", "Lượt"],
    "doi_thoai": ["Cuộc", "Buổi"],
    "kinh_phi_xa_hoi_hoa": ["Đồng", "VNĐ", "đồng"],
    "van_ban_chi_dao": ["Văn bản"],
    "hoi_nghi_so_tong_ket": ["Hội nghị"],
}

# Units written inside a figure's cell ("12 mô hình", "2.436 lượt", "280.000.000 đồng").
UNIT_WORDS = {
    "mo_hinh": ["mô hình", "MH"],
    "to_tu_quan": ["tổ", "tổ, đội"],
    "thanh_vien_to_tu_quan": ["người", "thành viên"],
    "buoi_tuyen_truyen": ["buổi"],
    "luot_nguoi_tham_gia": ["lượt", "lượt người"],
    "tin_bai": ["tin, bài", "tin bài", "bài"],
    "to_roi_tai_lieu": ["tờ", "bản", "tờ rơi"],
    "nguon_tin": ["nguồn tin", "tin"],
    "vu_viec_kham_pha": ["vụ", "vụ việc"],
    "doi_tuong_bat_giu": ["đối tượng"],
    "khu_dan_cu": ["khu", "khu dân cư", "thôn, TDP"],
    "cqdn_nt": ["đơn vị", "cơ sở"],
    "lop_tap_huan": ["lớp"],
    "luot_tap_huan": ["lượt", "lượt người"],
    "doi_thoai": ["cuộc"],
    "kinh_phi_xa_hoi_hoa": ["đồng", "đ", "VNĐ"],
    "van_ban_chi_dao": ["văn bản"],
    "hoi_nghi_so_tong_ket": ["hội nghị", "cuộc"],
}


def _unit_key(code: str) -> str:
    if code.startswith("mo_hinh"):
        return "mo_hinh"
    if code.startswith("khu_dan_cu"):
        return "khu_dan_cu"
    if code.startswith("cqdn_nt"):
        return "cqdn_nt"
    if code.startswith("nguon_tin"):
        return "nguon_tin"
    return code


# Form sections: (titles, [(parent, [sub-items])...])
SECTIONS = [
    (
        [
            "Xây dựng, nhân rộng mô hình tự quản về ANTT",
            "Mô hình tự quản về an ninh, trật tự",
            "Công tác xây dựng mô hình tự quản",
        ],
        [
            ("mo_hinh_tong", list(MO_HINH_PARTS)),
            ("mo_hinh_moi", []),
            ("to_tu_quan", []),
            ("thanh_vien_to_tu_quan", []),
        ],
    ),
    (
        ["Công tác tuyên truyền, vận động", "Tuyên truyền, vận động quần chúng"],
        [
            ("buoi_tuyen_truyen", []),
            ("luot_nguoi_tham_gia", []),
            ("tin_bai", []),
            ("to_roi_tai_lieu", []),
        ],
    ),
    (
        ["Tiếp nhận, xử lý nguồn tin", "Kết quả tiếp nhận nguồn tin từ quần chúng"],
        [
            ("nguon_tin", ["nguon_tin_co_gia_tri"]),
            ("vu_viec_kham_pha", []),
            ("doi_tuong_bat_giu", []),
        ],
    ),
    (
        [
            'Xây dựng khu dân cư, xã, cơ quan, doanh nghiệp, nhà trường đạt chuẩn "An toàn về ANTT"',
            "Kết quả xây dựng đạt chuẩn an toàn về ANTT",
        ],
        [
            ("khu_dan_cu_tong", ["khu_dan_cu_dat_chuan"]),
            ("cqdn_nt_tong", ["cqdn_nt_dat_chuan"]),
            ("xa_dat_chuan", []),
        ],
    ),
    (
        ["Tập huấn, bồi dưỡng nghiệp vụ", "Công tác tập huấn, bồi dưỡng"],
        [("lop_tap_huan", []), ("luot_tap_huan", [])],
    ),
    (
        ["Các hoạt động khác", "Kết quả khác", "Tiếp xúc, đối thoại và huy động kinh phí"],
        [("doi_thoai", []), ("kinh_phi_xa_hoi_hoa", [])],
    ),
]
# Short sub-item wordings usable only indented under their parent row.
CONTEXTUAL = {
    "mo_hinh_khu_dan_cu": ["Tại khu dân cư (thôn, tổ dân phố)", "Khu dân cư"],
    "mo_hinh_co_quan": ["Trong cơ quan", "Cơ quan"],
    "mo_hinh_doanh_nghiep": ["Trong doanh nghiệp", "Doanh nghiệp"],
    "mo_hinh_nha_truong": ["Trong nhà trường", "Nhà trường"],
    "mo_hinh_benh_vien": ["Trong bệnh viện, cơ sở y tế", "Bệnh viện, cơ sở y tế"],
    "mo_hinh_khac": ["Khác", "Mô hình khác"],
    "nguon_tin_co_gia_tri": ["Trong đó có giá trị", "Có giá trị"],
    "khu_dan_cu_dat_chuan": ["Trong đó đạt chuẩn", 'Đạt chuẩn "An toàn về ANTT"'],
    "cqdn_nt_dat_chuan": ["Trong đó đạt chuẩn", "Số đạt chuẩn an toàn về ANTT"],
}
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII"]


# ------------------------------------------------------------------------- registry

_REG = None


def _registry():
    global _REG
    if _REG is None:
        from vietnam_provinces import Province, Ward

        provinces = {}
        for p in Province.iter_all():
            provinces[f"{int(p.code):02d}"] = p.name
        wards: dict[str, list] = {k: [] for k in provinces}
        for w in Ward.iter_all():
            pc = f"{int(w.province_code):02d}"
            wards[pc].append(
                (f"{int(w.code):05d}", unicodedata.normalize("NFC", w.name), w.division_type.value)
            )
        bare_count: dict[str, dict] = {}
        for pc, lst in wards.items():
            cnt: dict[str, int] = {}
            for _, name, dtype in lst:
                key = strip_diacritics(_bare(name, dtype)).lower()
                cnt[key] = cnt.get(key, 0) + 1
            bare_count[pc] = cnt
        _REG = (sorted(provinces), provinces, wards, bare_count)
    return _REG


def _bare(name: str, dtype: str) -> str:
    if name.lower().startswith(dtype + " "):
        return name[len(dtype) + 1 :]
    return name


def _province_title(name: str) -> str:
    return name if name.startswith("Thành phố") else "Tỉnh " + name


NAME_STYLES = ("plain", "abbrev", "upper", "bare", "ascii", "agency")


def _unit_name(style: str, name: str, dtype: str, unique_bare: bool) -> str:
    bare = _bare(name, dtype)
    if style == "abbrev":
        ab = {"phường": "P.", "xã": "X.", "đặc khu": "ĐK"}[dtype]
        return f"{ab} {bare}"
    if style == "upper":
        return name.upper()
    if style == "bare" and unique_bare:
        return bare
    if style == "ascii" and unique_bare:
        return strip_diacritics(name).lower()
    if style == "agency":
        return f"Công an {dtype} {bare}"
    return name


# --------------------------------------------------------------------------- values


def _values(rng: random.Random, level: str, quiet: bool = False) -> dict:
    v = {}
    parts = [
        rng.randint(0, 40),
        rng.randint(0, 10),
        rng.randint(0, 10),
        rng.randint(0, 8),
        rng.randint(0, 4),
        rng.randint(0, 15),
    ]
    if rng.random() < 0.1:
        parts = [0] * 6
    for code, x in zip(MO_HINH_PARTS, parts, strict=True):
        v[code] = x
    v["mo_hinh_tong"] = sum(parts)
    v["mo_hinh_moi"] = 0 if quiet else rng.randint(0, min(v["mo_hinh_tong"], 3))
    v["to_tu_quan"] = rng.randint(0, 60)
    v["thanh_vien_to_tu_quan"] = v["to_tu_quan"] * rng.randint(3, 12) + rng.randint(0, 5)
    v["buoi_tuyen_truyen"] = 0 if quiet or rng.random() < 0.15 else rng.randint(1, 20)
    v["luot_nguoi_tham_gia"] = (
        0
        if not v["buoi_tuyen_truyen"]
        else v["buoi_tuyen_truyen"] * rng.randint(10, 300) + rng.randint(0, 9)
    )
    v["tin_bai"] = 0 if quiet else rng.randint(0, 15)
    v["to_roi_tai_lieu"] = (
        0 if quiet else rng.choice([0, rng.randint(1, 2000), rng.randint(1, 40) * 50])
    )
    v["nguon_tin"] = 0 if quiet else rng.randint(0, 30)
    v["nguon_tin_co_gia_tri"] = rng.randint(0, v["nguon_tin"])
    v["vu_viec_kham_pha"] = 0 if quiet else rng.randint(0, 5)
    v["doi_tuong_bat_giu"] = 0 if quiet else rng.randint(0, 8)
    v["khu_dan_cu_tong"] = rng.randint(3, 60)
    v["khu_dan_cu_dat_chuan"] = rng.randint(v["khu_dan_cu_tong"] // 2, v["khu_dan_cu_tong"])
    v["cqdn_nt_tong"] = rng.randint(0, 40)
    v["cqdn_nt_dat_chuan"] = rng.randint(0, v["cqdn_nt_tong"])
    v["xa_dat_chuan"] = 1 if rng.random() < 0.8 else 0
    v["lop_tap_huan"] = 0 if quiet or rng.random() < 0.5 else rng.randint(1, 3)
    v["luot_tap_huan"] = 0 if not v["lop_tap_huan"] else v["lop_tap_huan"] * rng.randint(15, 80)
    v["doi_thoai"] = 0 if quiet else rng.randint(0, 6)
    r = rng.random()
    if quiet or r < 0.25:
        v["kinh_phi_xa_hoi_hoa"] = 0
    elif r < 0.6:
        v["kinh_phi_xa_hoi_hoa"] = rng.randint(1, 600) * 1_000_000
    elif r < 0.9:
        v["kinh_phi_xa_hoi_hoa"] = rng.randint(1, 4000) * 50_000
    else:
        v["kinh_phi_xa_hoi_hoa"] = rng.randint(1, 2_000_000_000)
    if level == "province":
        del v["xa_dat_chuan"]
        v["van_ban_chi_dao"] = rng.randint(1, 20)
        v["hoi_nghi_so_tong_ket"] = rng.randint(0, 5)
    return v


def _fmt_vn_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _with_unit(rng: random.Random, st_, code: str, v: int) -> str:
    """A figure typed with its unit: "12 mô hình", "2.436 lượt", "280.000.000đ"."""
    word = rng.choice(UNIT_WORDS[_unit_key(code)])
    sep = "" if word == "đ" or (word == "VNĐ" and rng.random() < 0.5) else " "
    return st_.text(f"{_fmt_vn_number(v)}{sep}{word}")


# ----------------------------------------------------------------------------- grid


class Grid:
    """One sheet: cells {(row, col): value} (0-based), merges [(r1, c1, r2, c2)]."""

    __slots__ = ("name", "cells", "merges")

    def __init__(self, name: str):
        self.name = name
        self.cells: dict = {}
        self.merges: list = []

    def put(self, r, c, v):
        self.cells[(r, c)] = v

    def merge(self, r1, c1, r2, c2, v):
        self.cells[(r1, c1)] = v
        if r2 > r1 or c2 > c1:
            self.merges.append((r1, c1, r2, c2))


def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


def a1(r: int, c: int) -> str:
    return f"{col_letter(c)}{r + 1}"


def parse_a1(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


# ------------------------------------------------------------------ label rendering


class Style:
    """Per-file text habits."""

    def __init__(self, rng: random.Random, no_diacritics: bool, upper: bool, reword: bool = True):
        self.rng = rng
        self.no_diacritics = no_diacritics
        self.upper = upper
        self.reword = reword
        self.reworded = False

    def text(self, s: str) -> str:
        if self.no_diacritics:
            s = strip_diacritics(s)
        return s

    def label(
        self,
        code: str,
        *,
        prefix: str = "",
        allow_suffix=True,
        allow_filler=True,
        pool: list | None = None,
    ) -> str:
        rng = self.rng
        if not self.reword:  # the SPEC label, as printed on the official form
            return self.text(prefix + CANONICAL[code])
        options = pool if pool is not None else FULL[code]
        i = 0 if rng.random() < 0.3 else rng.randrange(len(options))
        lab = options[i]
        if pool is not None or i:
            self.reworded = True
        if (
            allow_filler
            and code not in STOCKS
            and rng.random() < 0.15
            and "trong" not in lab.lower()
            and "(" not in lab
        ):
            lab += rng.choice([" trong tháng", " trong kỳ"])
            self.reworded = True
        if (
            allow_suffix
            and rng.random() < 0.2
            and "(" not in lab
            and _unit_key(code) in UNIT_SUFFIX
        ):
            suffix = rng.choice(UNIT_SUFFIX[_unit_key(code)])
            if suffix[1:-1].lower() not in lab.lower():
                lab += " " + suffix
                self.reworded = True
        r = rng.random()
        if self.upper and r < 0.6:
            lab = lab.upper()
        elif r < 0.08:
            lab = lab.lower()
        return self.text(prefix + lab)


# --------------------------------------------------------------------- period text


def _prev_month(y: int, m: int, k: int = 1) -> tuple[int, int]:
    m -= k
    while m < 1:
        m += 12
        y -= 1
    return y, m


def _period_line(kind: int, y: int, m: int) -> str:
    return [
        f"Tháng {m} năm {y}",
        f"THÁNG {m} NĂM {y}",
        f"(Tháng {m}/{y})",
        f"tháng {m:02d}/{y}",
        f"Kỳ báo cáo: Tháng {m} năm {y}",
        f"Kỳ báo cáo: T{m}/{y}",
        f"(Kỳ báo cáo tháng {m:02d}-{y})",
    ][kind]


def _window_line(y: int, m: int) -> str:
    py, pm = _prev_month(y, m)
    return f"(Số liệu tính từ ngày 15/{pm}/{py} đến ngày 14/{m}/{y})"


TITLES = [
    "BÁO CÁO KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC",
    "BÁO CÁO",
    "KẾT QUẢ THỰC HIỆN PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ",
    "BÁO CÁO THỐNG KÊ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ",
]


# ------------------------------------------------------------- comparison columns

CMP_ROLE = {"cungky": "cung-ky", "prev": "ky-truoc", "luyke": "luy-ke"}


def _draw_comparison(rng: random.Random, most: int) -> tuple:
    """Columns beside the month's figure, in file order: "value" (the month's) and 1..most of
    cungky (same month last year), prev (previous month), luyke (year-to-date), pct
    (% of the compared figure), change (+/- against it)."""
    kinds = rng.sample(["cungky", "cungky", "prev", "pct", "pct", "change", "luyke"], 4)
    kinds = list(dict.fromkeys(kinds))[: rng.randint(1, most)]
    order = ["cungky", "prev", "value", "luyke", "pct", "change"]
    out = sorted(kinds, key=order.index)
    if rng.random() < 0.75 or not {"cungky", "prev"} & set(out):
        out.insert(0, "value")  # usually the month first, else "Cùng kỳ | Tháng 10 | So sánh"
    else:
        out.insert(sum(k in ("cungky", "prev") for k in out), "value")
    return tuple(out)


def _cmp_base(kinds) -> str:
    """What the % and +/- columns compare the month with."""
    return "prev" if "prev" in kinds and "cungky" not in kinds else "cungky"


def _cmp_headers(rng: random.Random, kinds, y: int, m: int) -> dict:
    """Header wording of each column; the month's names the month (or says "this period")."""
    py, pm = _prev_month(y, m)
    value = rng.choice(
        [
            f"Tháng {m}/{y}",
            f"Thực hiện tháng {m}/{y}",
            f"Tháng {m}",
            "Kỳ này",
            "Trong kỳ",
            f"T{m}/{y}",
            f"Thực hiện tháng {m}",
        ]
    )
    with_year = str(y) in value
    cungky = [f"Cùng kỳ năm {y - 1}", "Cùng kỳ", f"Cùng kỳ {y - 1}"]
    prev = ["Kỳ trước", "Tháng trước", f"Tháng {pm}"]
    if with_year:
        cungky.append(f"Tháng {m}/{y - 1}")
        prev.append(f"Tháng {pm}/{py}")
    if _cmp_base(kinds) == "cungky":
        pct = ["So sánh (%)", "So với cùng kỳ (%)", "Tỷ lệ so với cùng kỳ (%)", "So sánh %"]
    else:
        pct = ["So sánh (%)", "So với kỳ trước (%)", "So với tháng trước (%)"]
    return {
        "value": value,
        "cungky": rng.choice(cungky),
        "prev": rng.choice(prev),
        "luyke": rng.choice(["Lũy kế từ đầu năm", "Lũy kế", f"Lũy kế năm {y}", "Lũy kế năm"]),
        "pct": rng.choice(pct),
        "change": rng.choice(["Tăng (+), giảm (-)", "Tăng, giảm", "Tăng (+)/giảm (-)", "+/-"]),
    }


def _cmp_figure(kind: str, cur: int, base: int):
    """The % / +/- figure of a month's value against its compared figure (None: no figure)."""
    if kind == "change":
        return cur - base
    return round(cur / base * 100, 1) if base > 0 else None


def _ytd(rng: random.Random, vals: dict, m: int) -> dict:
    """Year-to-date: stocks as at the month's end, flows = the month + a typical month times
    the months before (the column's own figures keep the catalog rules, but mo_hinh_moi)."""
    typical = _values(rng, "province")
    return {c: v if c in STOCKS else v + typical[c] * (m - 1) for c, v in vals.items()}


# ------------------------------------------------------------------- table family


@dataclasses.dataclass
class TableLayout:
    depth: int
    grouped: bool
    super_header: bool
    has_stt: bool
    code_col: int  # 0 none, 1 after name, 2 before name
    code_style: int  # 0 "00070" text, 1 70 number, 2 "70" text
    name_style: str
    number_row: int  # 0 none, 1 "(1)", 2 "A B 1", 3 numeric 1 2 3
    total_first: bool
    total_label: str
    province_cols: bool
    notes_col: bool
    spacer_row: bool
    spacer_col: bool
    offset: tuple
    merged_title: bool
    period_kind: int
    window_line: bool
    notes_below: bool
    dat_text: bool
    money_text: bool
    seed: int
    units_in_cells: float = 0.0  # share of figure cells written "12 mô hình"
    # communes grouped under former districts: ((heading, sub-total label, n communes), ...)
    subtotals: tuple = ()
    sub_style: tuple = (0, 0, False)  # heading STT (none/roman/letter), merge, STT restarts
    # ambiguous: two total-like rows, neither the sum (values "rival:1", "rival:2")
    rival_totals: tuple = ()
    # per indicator, sub-columns "Tháng 10/2026 | Cùng kỳ | So sánh (%)" (_draw_comparison)
    comparison: tuple = ()


# Former districts (before 2025-07-01) a province's table may still group its communes by.
FORMER_DISTRICTS = [
    "Yên Sơn", "Sơn Dương", "Hàm Yên", "Chiêm Hóa", "Đông Anh", "Gia Lâm", "Thanh Oai",
    "Quỳnh Lưu", "Diễn Châu", "Hoài Nhơn", "Phù Mỹ", "Krông Pắc", "Đức Trọng", "Châu Thành",
    "Phú Tân", "Tân Uyên", "Bến Cát", "Sơn Tịnh", "Mộ Đức", "Thọ Xuân", "Hậu Lộc", "Kim Sơn",
    "Ý Yên", "Vĩnh Bảo", "Tiên Lãng", "Long Phú", "Cái Nước", "Lạng Giang", "Tiên Du",
]  # fmt: skip


def _draw_subtotals(rng: random.Random, n: int) -> tuple:
    """Split n communes into 2-3 consecutive groups of >= 2, each with a heading row and a
    sub-total label ("" = the sub-total row carries no label at all)."""
    k = rng.randint(2, min(3, n // 2))
    sizes = [2] * k
    for _ in range(n - 2 * k):
        sizes[rng.randrange(k)] += 1
    names = rng.sample(FORMER_DISTRICTS, k)
    kind = rng.choice(["Huyện", "Huyện", "Thị xã", "Thành phố", "Khu vực", "mixed"])
    label_style = rng.choice(["Cộng", "Cộng", "Cộng of", "Cộng of", "Tổng cộng of", "", ""])
    upper = rng.random() < 0.3
    out = []
    for i, (name, size) in enumerate(zip(names, sizes, strict=True)):
        kd = rng.choice(["Huyện", "Thị xã", "Thành phố"]) if kind == "mixed" else kind
        if kd == "Khu vực":
            place = rng.choice([name, str(i + 1), ROMAN[i]])
            heading = f"Khu vực {place}"
        else:
            heading = f"{kd} {name} (cũ)"
        if label_style == "Cộng of":
            label = f"Cộng {heading[0].lower()}{heading[1:]}"
        elif label_style == "Tổng cộng of":
            label = f"Tổng cộng {heading[0].lower()}{heading[1:]}"
        else:
            label = label_style
        if upper:
            heading, label = heading.upper(), label.upper()
        out.append((heading, label, size))
    return tuple(out)


RIVAL_TOTALS = [
    "Tổng cộng",
    "Cộng toàn tỉnh",
    "Toàn tỉnh",
    "Tổng số",
    "Tổng cộng toàn tỉnh",
    "Cộng",
]


def _draw_rival_labels(rng: random.Random, with_subtotals: bool) -> tuple:
    pool = [x for x in RIVAL_TOTALS if not (with_subtotals and x == "Cộng")]
    a, b = rng.sample(pool, 2)
    return (a.upper() if rng.random() < 0.2 else a, b)


def _table_comparisons(rng, kinds, units, pcode, vals, m) -> dict:
    """{row key: {kind: figures}} of the comparison sub-columns; the total rows' compared
    figures are the sums of the communes' (their own province-only ones aside)."""
    need = {k for k in kinds if k in CMP_ROLE}
    if {"pct", "change"} & set(kinds):
        need.add(_cmp_base(kinds))
    out = {}
    for u in units:
        out[u[0]] = {
            k: _ytd(rng, vals[u[0]], m) if k == "luyke" else _values(rng, "commune") for k in need
        }
    tot = {}
    for k in need:
        t = {c: sum(out[u[0]][k][c] for u in units) for c in PROVINCE_INDICATORS}
        own = _values(rng, "province")
        for c in PROVINCE_ONLY:
            t[c] = vals[pcode][c] + own[c] * (m - 1) if k == "luyke" else own[c]
        tot[k] = t
    out[pcode] = tot
    for key in ("rival:1", "rival:2"):
        if key in vals:
            out[key] = dict(tot)
            if "luyke" in need:
                out[key]["luyke"] = _ytd(rng, vals[key], m)
    return out


def _table_columns(lay: TableLayout, st_: Style, used: set, year: int, month: int):
    """Return fixed+indicator columns as list of dicts with header path."""
    rng = random.Random(lay.seed ^ 0x5EED)
    st_.rng = rng
    groups = [g for g in GROUPS]
    # mo_hinh_moi: inside the mo_hinh group or standalone
    moi_inside = lay.grouped and rng.random() < 0.5
    nodes = []
    for key, titles, members, shorts in groups:
        members = list(members)
        if key == "mo_hinh" and moi_inside:
            members.append("mo_hinh_moi")
        if lay.grouped and titles and len(members) > 1 and rng.random() < 0.85:
            rng.shuffle(members) if rng.random() < 0.4 else None
            title = st_.text(rng.choice(titles))
            leaves = []
            for mcode in members:
                if rng.random() < 0.8:
                    lab = st_.label(mcode, pool=shorts[mcode], allow_filler=False)
                else:
                    lab = st_.label(mcode, allow_filler=False)
                leaves.append(("leaf", mcode, lab))
            nodes.append(("group", title, leaves))
            used.add("groups")
        else:
            for mcode in members:
                nodes.append(("leaf", mcode, st_.label(mcode)))
        if key == "mo_hinh" and not moi_inside:
            nodes.append(("leaf", "mo_hinh_moi", st_.label("mo_hinh_moi")))
    if lay.province_cols:
        key, titles, members, shorts = PROVINCE_GROUP
        if lay.grouped and rng.random() < 0.6:
            nodes.append(
                (
                    "group",
                    st_.text(rng.choice(titles)),
                    [("leaf", m, st_.label(m, pool=shorts[m])) for m in members],
                )
            )
            used.add("groups")
        else:
            nodes.extend(("leaf", m, st_.label(m)) for m in members)
    if rng.random() < 0.6:
        # shuffle top-level order (keeps pairs inside groups together)
        rng.shuffle(nodes)
    # super header over a contiguous run
    super_span = None
    if lay.super_header and len(nodes) > 2:
        i = rng.randrange(0, len(nodes) - 1)
        j = rng.randrange(i + 1, len(nodes)) + 1
        if rng.random() < 0.3:
            i, j = 0, len(nodes)
        super_span = (i, j)
        used.add("super-header")
    stitle = st_.text(
        rng.choice(
            [
                "Kết quả thực hiện",
                "Kết quả thực hiện phong trào",
                "Số liệu trong kỳ",
                "Phong trào toàn dân bảo vệ ANTQ",
            ]
        )
    )
    cols = []
    spacer_at = None
    if lay.spacer_col:
        cands = [
            k
            for k in range(0, len(nodes) + 1)
            if super_span is None or not (super_span[0] < k < super_span[1])
        ]
        spacer_at = rng.choice(cands)
        used.add("spacer")
    for k, node in enumerate(nodes):
        if k == spacer_at:
            cols.append({"kind": "spacer"})
        in_super = super_span is not None and super_span[0] <= k < super_span[1]
        pre = [("S", stitle)] if in_super else []
        if node[0] == "leaf":
            cols.append({"kind": "ind", "code": node[1], "path": pre + [(id(node), node[2])]})
        else:
            for leaf in node[2]:
                cols.append(
                    {
                        "kind": "ind",
                        "code": leaf[1],
                        "path": pre + [(id(node), node[1]), (id(leaf), leaf[2])],
                    }
                )
    if spacer_at == len(nodes):
        cols.append({"kind": "spacer"})
    if lay.comparison:  # each indicator over its sub-columns: the month's and the others
        heads = _cmp_headers(rng, lay.comparison, year, month)
        out = []
        for j, col in enumerate(cols):
            if col["kind"] != "ind" or col["code"] == "xa_dat_chuan":
                out.append(col)
                continue
            for ck in lay.comparison:
                path = col["path"] + [(f"cmp{j}:{ck}", st_.text(heads[ck]))]
                kind = "ind" if ck == "value" else "cmp"
                out.append({"kind": kind, "cmp": ck, "code": col["code"], "path": path})
        cols = out
        used.add("distractor:comparison-columns")
    return cols


def _build_table(
    lay: TableLayout,
    st_: Style,
    pcode: str,
    units: list,
    values: dict,
    year: int,
    month: int,
    sheet_name: str,
    record: list | None,
    used: set,
    decoys: list | None = None,
):
    _, provinces, _, bare_count = _registry()
    rng = random.Random(lay.seed)  # identical wording for every month's sheet
    st_.rng = rng
    g = Grid(sheet_name)
    r0, c0 = lay.offset
    ind_cols = _table_columns(lay, st_, used, year, month)
    rng = random.Random(lay.seed + 1)
    st_.rng = rng
    fixed = []
    if lay.has_stt:
        fixed.append({"kind": "stt", "path": [(0, st_.text(rng.choice(["STT", "TT", "Số TT"])))]})
    name_h = st_.text(
        rng.choice(
            ["Xã, phường, đặc khu", "Tên đơn vị", "Đơn vị", "Công an xã, phường", "Tên xã, phường"]
        )
    )
    code_h = st_.text(rng.choice(["Mã xã", "Mã ĐVHC", "Mã đơn vị", "Mã"]))
    name_col = {"kind": "name", "path": [(1, name_h)]}
    code_col = {"kind": "code", "path": [(2, code_h)]}
    if lay.code_col == 1:
        fixed += [name_col, code_col]
    elif lay.code_col == 2:
        fixed += [code_col, name_col]
    else:
        fixed.append(name_col)
    cols = fixed + ind_cols
    if lay.notes_col:
        cols.append({"kind": "note", "path": [(3, st_.text("Ghi chú"))]})
    ncols = len(cols)
    H = lay.depth + (1 if lay.comparison else 0)
    ptitle = _province_title(provinces[pcode])
    # title block
    r = r0
    agency = st_.text(f"CÔNG AN {ptitle.upper()}")
    g.put(r, c0, agency)
    if rng.random() < 0.5 and ncols > 8:
        g.put(r, c0 + ncols - 5, st_.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        g.put(r + 1, c0 + ncols - 5, st_.text("Độc lập - Tự do - Hạnh phúc"))
    r += 3
    title = st_.text(rng.choice(TITLES))
    ptext = st_.text(_period_line(lay.period_kind, year, month))
    lines = [title, ptext]
    if lay.window_line:
        lines.append(st_.text(_window_line(year, month)))
    for line in lines:
        if lay.merged_title:
            g.merge(r, c0, r, c0 + ncols - 1, line)
        else:
            g.put(r, c0 + min(3, ncols - 1), line)
        r += 1
    r += 1
    # header rows
    hr = r
    for j, col in enumerate(cols):
        path = col.get("path", [])
        if not path:
            continue
        k = len(path)
        last = path[-1][1]
        g.merge(hr + k - 1, c0 + j, hr + H - 1, c0 + j, last)
    # group levels: runs of equal node ids
    for lvl in range(H):
        j = 0
        while j < ncols:
            path = cols[j].get("path", [])
            if len(path) > lvl + 1:
                nid, text = path[lvl]
                j2 = j
                while j2 + 1 < ncols:
                    p2 = cols[j2 + 1].get("path", [])
                    if len(p2) > lvl + 1 and p2[lvl][0] == nid:
                        j2 += 1
                    else:
                        break
                g.merge(hr + lvl, c0 + j, hr + lvl, c0 + j2, text)
                j = j2 + 1
            else:
                j += 1
    r = hr + H
    if lay.number_row:
        n = 0
        letters = iter("ABCDEFGH")
        for j, col in enumerate(cols):
            if col["kind"] == "spacer":
                continue
            if lay.number_row == 2 and col["kind"] in ("stt", "name", "code"):
                g.put(r, c0 + j, next(letters))
                continue
            n += 1
            g.put(r, c0 + j, f"({n})" if lay.number_row == 1 else n)
        r += 1
    if lay.spacer_row:
        r += 1
        used.add("spacer")
    ind_list = [(j, col["code"]) for j, col in enumerate(cols) if col["kind"] == "ind"]
    ind_j = {code: j for j, code in ind_list}
    cmp_list = [(j, col["code"], col["cmp"]) for j, col in enumerate(cols) if col["kind"] == "cmp"]
    base_kind = _cmp_base(lay.comparison)
    cmp_values = values.get("cmp", {})

    def write_cmp(row, group, vals, kind, cmpv):
        for j, code, ck in cmp_list:
            if code in PROVINCE_ONLY and kind != "total":
                continue
            cur_ref = a1(row, c0 + ind_j[code])
            if ck in ("pct", "change"):
                base = cmpv[base_kind][code]
                x = _cmp_figure(ck, vals[code], base)
                if x is None:
                    if rng.random() < 0.5:
                        g.put(row, c0 + j, "-")
                    continue
                role, basis = ("so-sanh-pct" if ck == "pct" else "tang-giam"), (cur_ref, base)
            else:
                x = cmpv[ck][code]
                role, basis = CMP_ROLE[ck], (cur_ref,)
            g.put(row, c0 + j, x)
            if record is not None:
                ref = a1(row, c0 + j)
                decoys.append((role, group, code, float(x), sheet_name, ref, (sheet_name, *basis)))

    def write_values(row, unit_code, vals, kind, decoy=None, cmpv=None):
        """kind: unit | total | subtotal; decoy = (role, group, basis) for non-facts."""
        if cmp_list:
            write_cmp(row, unit_code if decoy is None else decoy[1], vals, kind, cmpv)
        for j, code in ind_list:
            if code in PROVINCE_ONLY and kind != "total":
                continue
            if code == "xa_dat_chuan" and kind != "unit":
                continue
            v = vals[code]
            cell = v
            if code == "xa_dat_chuan" and lay.dat_text:
                cell = st_.text("Đạt" if v else "Chưa đạt")
            elif code == "kinh_phi_xa_hoi_hoa" and lay.money_text and v:
                cell = _fmt_vn_number(v)
            elif code != "xa_dat_chuan" and rng.random() < lay.units_in_cells:
                cell = _with_unit(rng, st_, code, v)
                if record is not None:
                    used.add("distractor:units-in-cells")
            g.put(row, c0 + j, cell)
            if record is None:
                continue
            if decoy is None:
                record.append((unit_code, code, float(v), sheet_name, a1(row, c0 + j)))
            else:
                role, group, basis = decoy
                decoys.append((role, group, code, float(v), sheet_name, a1(row, c0 + j), basis))

    name_j = next(j for j, col in enumerate(cols) if col["kind"] == "name")
    last_fixed = max(
        name_j, max((j for j, col in enumerate(cols) if col["kind"] in ("code",)), default=0)
    )
    stt_j = 0 if lay.has_stt else None

    def write_label(row, lab):
        lab = st_.text(lab)
        first = 0 if rng.random() < 0.6 else name_j
        if first < last_fixed and rng.random() < 0.7:
            g.merge(row, c0 + first, row, c0 + last_fixed, lab)
        else:
            g.put(row, c0 + name_j, lab)

    def write_total(row, which=0):
        if not lay.rival_totals:
            write_label(row, lay.total_label)
            write_values(row, pcode, values[pcode], "total", None, cmp_values.get(pcode))
            return
        write_label(row, lay.rival_totals[which])
        basis = tuple(u[0] for u in units)
        key = f"rival:{which + 1}"
        decoy = ("total-candidate", f"total-candidate:{which + 1}", basis)
        write_values(row, None, values[key], "total", decoy, cmp_values.get(key))

    def write_units(r, members, i0):
        for i, (ucode, uname, dtype) in enumerate(members, i0):
            for j, col in enumerate(cols):
                kind = col["kind"]
                if kind == "stt":
                    g.put(r, c0 + j, i + 1)
                elif kind == "name":
                    key = strip_diacritics(_bare(uname, dtype)).lower()
                    uniq = bare_count[pcode].get(key, 0) == 1
                    g.put(r, c0 + j, st_.text(_unit_name(lay.name_style, uname, dtype, uniq)))
                elif kind == "code":
                    g.put(r, c0 + j, [ucode, int(ucode), str(int(ucode))][lay.code_style])
                    if lay.code_style and ucode.startswith("0"):
                        used.add("code-no-leading-zeros")
                elif kind == "note" and rng.random() < 0.2:
                    g.put(
                        r,
                        c0 + j,
                        st_.text(rng.choice(["Báo cáo chậm", "Đã rà soát", "Đơn vị mới sáp nhập"])),
                    )
            write_values(r, ucode, values[ucode], "unit", None, cmp_values.get(ucode))
            r += 1
        return r

    if lay.total_first:
        write_total(r)
        r += 1
    groups = []  # (heading, sub-total label, members)
    k = 0
    for heading, label, size in lay.subtotals:
        groups.append((heading, label, units[k : k + size]))
        k += size
    if not groups:
        groups = [(None, None, units)]
    else:
        used.add("distractor:subtotals")
    head_stt, head_merge, restart = lay.sub_style
    i = 0
    for gi, (heading, label, members) in enumerate(groups):
        if heading is not None:
            if head_stt and stt_j is not None:
                g.put(r, c0 + stt_j, [None, ROMAN[gi], "ABCDEFGH"[gi]][head_stt])
            text = st_.text(heading)
            if head_merge == 1 and name_j < last_fixed:
                g.merge(r, c0 + name_j, r, c0 + last_fixed, text)
            elif head_merge == 2:
                g.merge(r, c0 + name_j, r, c0 + ncols - 1, text)
            else:
                g.put(r, c0 + name_j, text)
            r += 1
            if restart:
                i = 0
        r = write_units(r, members, i)
        i += len(members)
        if heading is not None:
            if label:
                write_label(r, label)
            sub = {code: sum(values[u[0]][code] for u in members) for code in PROVINCE_INDICATORS}
            basis = tuple(u[0] for u in members)
            sub_cmp = {
                ck: {c: sum(cmp_values[u[0]][ck][c] for u in members) for c in PROVINCE_INDICATORS}
                for ck in cmp_values.get(units[0][0], {})
            }
            decoy = ("subtotal", f"subtotal:{gi + 1}", basis)
            write_values(r, None, sub, "subtotal", decoy, sub_cmp)
            r += 1
    if not lay.total_first:
        write_total(r)
        r += 1
    if lay.rival_totals:
        write_total(r, 1)
        r += 1
    if lay.notes_below:
        r += 1
        g.put(
            r,
            c0,
            st_.text(
                rng.choice(
                    [
                        "Ghi chú: Số liệu do Công an các xã, phường, đặc khu báo cáo.",
                        "* Ghi chú: Kinh phí tính bằng đồng.",
                        "Nơi nhận: - V05 Bộ Công an; - Lưu: VT, PV05.",
                    ]
                )
            ),
        )
        r += 2
        sc = c0 + max(1, ncols - 4)
        g.put(r, c0 + 1, st_.text("NGƯỜI LẬP BẢNG"))
        g.put(r, sc, st_.text(rng.choice(["GIÁM ĐỐC", "KT. GIÁM ĐỐC", "TRƯỞNG PHÒNG"])))
        g.put(
            r + 4,
            sc,
            st_.text(rng.choice(["Đại tá Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Minh Tuấn"])),
        )
    return g


# -------------------------------------------------------------------- form family


@dataclasses.dataclass
class FormLayout:
    has_dvt: bool
    notes_col: bool
    extras: tuple  # subset/order of ("value", "luyke", "cungky")
    two_row_header: bool
    indent: bool
    inline_numbering: bool
    contextual: bool
    number_row: int
    spacer_row: bool
    spacer_col: bool
    offset: tuple
    merged_title: bool
    period_kind: int
    window_line: bool
    name_style: str
    show_code: bool
    dat_text: bool
    money_text: bool
    notes_text: bool
    seed: int
    units_in_cells: float = 0.0
    comparison: bool = False  # prev/pct/change columns; the month's header names the month
    # on two sheets: (first section of the second sheet, title block again, "(Tiếp theo)")
    continued: tuple = ()


def _build_form(
    lay: FormLayout,
    st_: Style,
    pcode: str,
    unit: tuple,
    vals: dict,
    ytd: dict,
    prev_year: dict,
    year: int,
    month: int,
    sheet_name: str,
    record: list | None,
    used: set,
    prev_month: dict | None = None,
    decoys: list | None = None,
    sheet2: str | None = None,
):
    """The form's sheet(s): two when lay.continued (the second named sheet2)."""
    _, provinces, _, bare_count = _registry()
    rng = random.Random(lay.seed)
    st_.rng = rng
    g = Grid(sheet_name)
    ucode, uname, dtype = unit
    r0, c0 = lay.offset
    # columns
    c = c0
    stt_c = c
    c += 1
    content_c = c
    c += 2 if lay.indent else 1
    if lay.spacer_col:
        c += 1
        used.add("spacer")
    dvt_c = None
    if lay.has_dvt:
        dvt_c = c
        c += 1
    fig_cols = {}
    for name in lay.extras:
        fig_cols[name] = c
        c += 1
    note_c = None
    if lay.notes_col:
        note_c = c
        c += 1
    last_c = c - 1
    width = last_c - c0 + 1
    # title block
    ptitle = _province_title(provinces[pcode])
    uniq = bare_count[pcode].get(strip_diacritics(_bare(uname, dtype)).lower(), 0) == 1
    right = c0 + max(3, width - 3)
    number = f"Số: {rng.randint(10, 300)}/BC-CAX"
    place = _bare(uname, dtype)
    dated = f"{place}, ngày {rng.randint(14, 20)} tháng {month} năm {year}"
    lines = [st_.text(rng.choice(TITLES))]
    if rng.random() < 0.5:
        lines.append(st_.text("Kết quả thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc"))
    lines.append(st_.text(_period_line(lay.period_kind, year, month)))
    if lay.window_line:
        lines.append(st_.text(_window_line(year, month)))

    def write_title(r, extra_lines=()):
        g.put(r, c0, st_.text(f"CÔNG AN {ptitle.upper()}"))
        g.put(r, right, st_.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        r += 1
        g.put(r, c0, st_.text(f"CÔNG AN {uname.upper()}"))
        g.put(r, right, st_.text("Độc lập - Tự do - Hạnh phúc"))
        r += 1
        g.put(r, c0, st_.text(number))
        g.put(r, right, st_.text(dated))
        r += 2
        for line in [*lines, *extra_lines]:
            if lay.merged_title:
                g.merge(r, c0, r, last_c, line)
            else:
                g.put(r, c0 + 1, line)
            r += 1
        if lay.name_style != "plain" or lay.show_code:
            nm = st_.text(_unit_name(lay.name_style, uname, dtype, uniq))
            g.put(r, c0, st_.text("Đơn vị báo cáo: ") + nm)
            if lay.show_code:
                g.put(r, c0 + width - 2, st_.text("Mã ĐVHC: ") + ucode)
            r += 1
        return r + 1

    # header
    H = 2 if lay.two_row_header else 1
    hdr = {
        "stt": rng.choice(["STT", "TT", "Số TT"]),
        "content": rng.choice(["Nội dung", "Chỉ tiêu", "Nội dung chỉ tiêu", "Nội dung báo cáo"]),
        "dvt": rng.choice(["ĐVT", "Đơn vị tính"]),
        "note": "Ghi chú",
        "value": rng.choice(
            [
                "Số liệu",
                "Số lượng",
                "Kết quả",
                f"Tháng {month}",
                "Trong kỳ",
                f"Số liệu tháng {month}/{year}",
                "Kết quả thực hiện",
            ]
        ),
        "value2": rng.choice(
            [f"Tháng {month}", "Trong kỳ", "Trong tháng", f"Tháng {month}/{year}"]
        ),
        "luyke": rng.choice(["Lũy kế từ đầu năm", "Lũy kế", f"Lũy kế năm {year}", "Lũy kế năm"]),
        "cungky": rng.choice([f"Cùng kỳ năm {year - 1}", "Cùng kỳ", f"Cùng kỳ {year - 1}"]),
    }
    if lay.comparison:
        cmp = _cmp_headers(rng, lay.extras, year, month)
        hdr.update(cmp)
        hdr["value2"] = cmp["value"]
        used.add("distractor:comparison-columns")
    base_name = _cmp_base(lay.extras)
    top = rng.choice(["Số liệu", "Kết quả", "Số lượng"]) if H == 2 else None

    def write_header(hr):
        g.merge(hr, stt_c, hr + H - 1, stt_c, st_.text(hdr["stt"]))
        g.merge(
            hr,
            content_c,
            hr + H - 1,
            content_c + (1 if lay.indent else 0),
            st_.text(hdr["content"]),
        )
        if dvt_c is not None:
            g.merge(hr, dvt_c, hr + H - 1, dvt_c, st_.text(hdr["dvt"]))
        if note_c is not None:
            g.merge(hr, note_c, hr + H - 1, note_c, st_.text(hdr["note"]))
        if H == 2:
            fc = sorted(fig_cols.values())
            g.merge(hr, fc[0], hr, fc[-1], st_.text(top))
            for name, cc in fig_cols.items():
                g.put(hr + 1, cc, st_.text(hdr["value2"] if name == "value" else hdr[name]))
        else:
            for name, cc in fig_cols.items():
                g.put(hr, cc, st_.text(hdr[name]))
        r = hr + H
        if lay.number_row:
            n = 0
            letters = iter("ABCDEFGH")
            order = (
                [stt_c, content_c]
                + ([dvt_c] if dvt_c is not None else [])
                + sorted(fig_cols.values())
                + ([note_c] if note_c is not None else [])
            )
            for cc in order:
                if lay.number_row == 2 and cc in (stt_c, content_c, dvt_c):
                    g.put(r, cc, next(letters))
                    continue
                n += 1
                g.put(r, cc, f"({n})" if lay.number_row == 1 else n)
            r += 1
        return r

    r = write_header(write_title(r0))
    grids = [g]
    # sections
    sections = list(SECTIONS)
    if rng.random() < 0.3:
        rng.shuffle(sections)
    item_no = 0
    continuous = rng.random() < 0.4
    sec_style = rng.randrange(3)
    sub_style = rng.randrange(4)

    def cell_value(code, v):
        if code == "xa_dat_chuan" and lay.dat_text:
            return st_.text("Đạt" if v else "Chưa đạt")
        if code == "kinh_phi_xa_hoi_hoa" and lay.money_text and v:
            return _fmt_vn_number(v)
        if code != "xa_dat_chuan" and rng.random() < lay.units_in_cells:
            if record is not None:
                used.add("distractor:units-in-cells")
            return _with_unit(rng, st_, code, v)
        return v

    srcs = {"value": vals, "luyke": ytd, "cungky": prev_year, "prev": prev_month}

    def write_figs(row, code):
        cur_ref = a1(row, fig_cols["value"])
        for name, cc in fig_cols.items():
            ref = a1(row, cc)
            if name in ("pct", "change"):
                if code == "xa_dat_chuan":
                    continue
                x = _cmp_figure(name, vals[code], srcs[base_name][code])
                if x is None:
                    if rng.random() < 0.5:
                        g.put(row, cc, "-")
                    continue
                g.put(row, cc, x)
                role = "so-sanh-pct" if name == "pct" else "tang-giam"
                basis = (sheet_name, cur_ref, srcs[base_name][code])
            else:
                x = srcs[name][code]
                g.put(row, cc, cell_value(code, x))
                role, basis = CMP_ROLE.get(name), (sheet_name, cur_ref)
            if record is None:
                continue
            if name == "value":
                record.append((ucode, code, float(x), sheet_name, ref))
            else:
                decoys.append((role, ucode, code, float(x), sheet_name, ref, basis))
        if dvt_c is not None:
            g.put(row, dvt_c, st_.text(rng.choice(DVT[_unit_key(code)])))
        if note_c is not None and lay.notes_text and rng.random() < 0.15:
            g.put(
                row,
                note_c,
                st_.text(
                    rng.choice(
                        [
                            "Tăng so với tháng trước",
                            "Giữ ổn định",
                            f"Tăng {rng.randint(1, 5)} so với cùng kỳ",
                        ]
                    )
                ),
            )
            used.add("notes-text")

    for si, (titles, items) in enumerate(sections):
        if lay.continued and si == lay.continued[0]:
            # the form goes on on a second sheet: "(Tiếp theo)", the title block again or
            # not, the column header again
            g = Grid(sheet2)
            grids.append(g)
            sheet_name = sheet2
            cont = st_.text(lay.continued[2])
            if lay.continued[1]:
                r = write_title(r0, [cont])
            else:
                if lay.merged_title:
                    g.merge(r0, c0, r0, last_c, cont)
                else:
                    g.put(r0, c0 + 1, cont)
                r = r0 + 2
            r = write_header(r)
            used.add("distractor:continued-sheet")
        elif lay.spacer_row and si and rng.random() < 0.5:
            r += 1
            used.add("spacer")
        title = rng.choice(titles)
        rom = ROMAN[si]
        if sec_style == 0:
            g.put(r, stt_c, rom)
            g.put(r, content_c, st_.text(title.upper() if rng.random() < 0.5 else title))
        elif sec_style == 1:
            g.merge(
                r,
                content_c,
                r,
                last_c if note_c is None else note_c - 1,
                st_.text(f"{rom}{rng.choice(['. ', '- ', '/ '])}{title.upper()}"),
            )
        else:
            g.put(r, stt_c, rom)
            g.merge(r, content_c, r, content_c + (1 if lay.indent else 0), st_.text(title))
        r += 1
        if not continuous:
            item_no = 0
        items = list(items)
        if rng.random() < 0.2:
            rng.shuffle(items)
        for parent, subs in items:
            item_no += 1
            if lay.inline_numbering:
                pre = rng.choice([f"{item_no}. ", f"{item_no}) ", f"{item_no}- ", f"({item_no}) "])
                g.put(r, content_c, st_.label(parent, prefix=pre))
            else:
                g.put(r, stt_c, item_no)
                g.put(r, content_c, st_.label(parent))
            write_figs(r, parent)
            r += 1
            for k, sub in enumerate(subs):
                letter = "abcdefgh"[k]
                if sub_style == 0:
                    stt, pre = "-", ""
                elif sub_style == 1:
                    stt, pre = f"{item_no}.{k + 1}", ""
                elif sub_style == 2:
                    stt, pre = "", f"{letter}) "
                else:
                    stt, pre = "", rng.choice(["- ", "+ "])
                if lay.inline_numbering and stt:
                    pre, stt = (f"{stt}. " if stt != "-" else "- "), ""
                if stt != "":
                    g.put(r, stt_c, stt)
                sc = content_c + 1 if lay.indent else content_c
                # every sub-item style (indent, "-", "1.1", "a)", "+") shows it under its parent
                if lay.contextual and st_.reword and sub in CONTEXTUAL and rng.random() < 0.6:
                    used.add("contextual-subitems")
                    lab = st_.label(
                        sub,
                        prefix=pre,
                        pool=CONTEXTUAL[sub],
                        allow_filler=False,
                        allow_suffix=False,
                    )
                else:
                    lab = st_.label(sub, prefix=pre)
                if not lay.indent and not pre and rng.random() < 0.5:
                    lab = "    " + lab
                g.put(r, sc, lab)
                write_figs(r, sub)
                r += 1
    # footer
    r += 1
    sig = c0 + max(2, width - 3)
    g.put(r, c0 + 1, st_.text("NGƯỜI LẬP BÁO CÁO"))
    g.put(
        r,
        sig,
        st_.text(
            rng.choice(
                [
                    f"TRƯỞNG CÔNG AN {dtype.upper()}",
                    "TRƯỞNG CÔNG AN",
                    f"KT. TRƯỞNG CÔNG AN {dtype.upper()}",
                ]
            )
        ),
    )
    g.put(r + 1, sig, st_.text("(Ký, ghi rõ họ tên)"))
    g.put(r + 5, c0 + 1, st_.text(rng.choice(["Nguyễn Văn An", "Phạm Thị Hoa", "Đỗ Quang Huy"])))
    g.put(
        r + 5,
        sig,
        st_.text(
            rng.choice(["Thiếu tá Hoàng Văn Nam", "Trung tá Vũ Đức Thắng", "Đại úy Bùi Thị Mai"])
        ),
    )
    if rng.random() < 0.5:
        g.put(r + 7, c0, st_.text("Nơi nhận:"))
        g.put(r + 8, c0, st_.text(f"- Công an {ptitle.lower()} (PV05);"))
        g.put(r + 9, c0, st_.text("- Lưu: VT."))
    return grids


# ---------------------------------------------------------------- transposed family


@dataclasses.dataclass
class TransLayout:
    """Indicators as rows, units as columns, the province's total column last (or first,
    "Tổng số" before a "Chia ra" group header over the units)."""

    has_stt: bool
    has_dvt: bool
    code_row: bool  # a row of unit codes under the unit names
    code_style: int
    name_style: str
    total_first: bool
    total_label: str
    unit_group: str  # "" or the group header over the unit columns
    province_rows: bool
    notes_col: bool
    number_row: int
    spacer_row: bool
    spacer_col: bool
    offset: tuple
    merged_title: bool
    period_kind: int
    window_line: bool
    notes_below: bool
    dat_text: bool
    money_text: bool
    seed: int
    units_in_cells: float = 0.0


def _build_transposed(
    lay: TransLayout,
    st_: Style,
    pcode: str,
    units: list,
    values: dict,
    year: int,
    month: int,
    sheet_name: str,
    record: list | None,
    used: set,
):
    _, provinces, _, bare_count = _registry()
    rng = random.Random(lay.seed)
    st_.rng = rng
    g = Grid(sheet_name)
    r0, c0 = lay.offset
    c = c0
    stt_c = None
    if lay.has_stt:
        stt_c, c = c, c + 1
    label_c, c = c, c + 1
    dvt_c = None
    if lay.has_dvt:
        dvt_c, c = c, c + 1
    if lay.spacer_col:
        c += 1
        used.add("spacer")
    fig = [pcode] + [u[0] for u in units] if lay.total_first else [u[0] for u in units] + [pcode]
    fig_c = {key: c + k for k, key in enumerate(fig)}
    c += len(fig)
    note_c = None
    if lay.notes_col:
        note_c, c = c, c + 1
    last_c = c - 1
    ptitle = _province_title(provinces[pcode])
    # title block
    r = r0
    g.put(r, c0, st_.text(f"CÔNG AN {ptitle.upper()}"))
    if rng.random() < 0.5 and last_c - c0 > 5:
        g.put(r, last_c - 3, st_.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
        g.put(r + 1, last_c - 3, st_.text("Độc lập - Tự do - Hạnh phúc"))
    r += 3
    lines = [st_.text(rng.choice(TITLES)), st_.text(_period_line(lay.period_kind, year, month))]
    if lay.window_line:
        lines.append(st_.text(_window_line(year, month)))
    for line in lines:
        if lay.merged_title:
            g.merge(r, c0, r, last_c, line)
        else:
            g.put(r, label_c, line)
        r += 1
    r += 1
    # header: fixed columns merged down, unit names (under a group header or not)
    grouped = lay.total_first or bool(lay.unit_group)
    H = 2 if grouped else 1
    hr = r
    fixed = [(stt_c, rng.choice(["STT", "TT"])), (label_c, rng.choice(["Chỉ tiêu", "Nội dung"]))]
    fixed += [(dvt_c, rng.choice(["ĐVT", "Đơn vị tính"])), (note_c, "Ghi chú")]
    for cc, text in fixed:
        if cc is not None:
            g.merge(hr, cc, hr + H - 1, cc, st_.text(text))
    g.merge(hr, fig_c[pcode], hr + H - 1, fig_c[pcode], st_.text(lay.total_label))
    ucols = [fig_c[u[0]] for u in units]
    if grouped:
        group = "Chia ra" if lay.total_first else lay.unit_group
        g.merge(hr, min(ucols), hr, max(ucols), st_.text(group))
    for ucode, uname, dtype in units:
        uniq = bare_count[pcode].get(strip_diacritics(_bare(uname, dtype)).lower(), 0) == 1
        nm = st_.text(_unit_name(lay.name_style, uname, dtype, uniq))
        g.put(hr + H - 1, fig_c[ucode], nm)
    r = hr + H
    if lay.code_row:
        if rng.random() < 0.5:
            g.put(r, label_c, st_.text(rng.choice(["Mã ĐVHC", "Mã xã", "Mã đơn vị"])))
        for ucode, _, _ in units:
            g.put(r, fig_c[ucode], [ucode, int(ucode), str(int(ucode))][lay.code_style])
            if lay.code_style and ucode.startswith("0"):
                used.add("code-no-leading-zeros")
        r += 1
    if lay.number_row:
        order = [x for x in (stt_c, label_c, dvt_c) if x is not None]
        order += sorted(fig_c.values()) + ([note_c] if note_c is not None else [])
        letters = iter("ABCDEFGH")
        n = 0
        for cc in order:
            if lay.number_row == 2 and cc in (stt_c, label_c, dvt_c):
                g.put(r, cc, next(letters))
                continue
            n += 1
            g.put(r, cc, f"({n})" if lay.number_row == 1 else n)
        r += 1

    def cell(code, v):
        if code == "xa_dat_chuan" and lay.dat_text:
            return st_.text("Đạt" if v else "Chưa đạt")
        if code == "kinh_phi_xa_hoi_hoa" and lay.money_text and v:
            return _fmt_vn_number(v)
        if code != "xa_dat_chuan" and rng.random() < lay.units_in_cells:
            if record is not None:
                used.add("distractor:units-in-cells")
            return _with_unit(rng, st_, code, v)
        return v

    def write_row(row, code):
        for key in fig:
            if key == pcode and code == "xa_dat_chuan":
                continue
            if key != pcode and code in PROVINCE_ONLY:
                continue
            v = values[key][code]
            g.put(row, fig_c[key], cell(code, v))
            if record is not None:
                record.append((key, code, float(v), sheet_name, a1(row, fig_c[key])))
        if dvt_c is not None:
            g.put(row, dvt_c, st_.text(rng.choice(DVT[_unit_key(code)])))

    sections = [(titles, items) for titles, items in SECTIONS]
    if lay.province_rows:
        sections.append((["Công tác chỉ đạo, sơ kết, tổng kết"], [(c, []) for c in PROVINCE_ONLY]))
    sub_style = rng.randrange(3)
    for si, (titles, items) in enumerate(sections):
        if lay.spacer_row and si and rng.random() < 0.5:
            r += 1
            used.add("spacer")
        title = st_.text(rng.choice(titles))
        if stt_c is not None:
            g.put(r, stt_c, ROMAN[si])
            g.put(r, label_c, title.upper() if rng.random() < 0.5 else title)
        else:
            g.put(r, label_c, f"{ROMAN[si]}. {title.upper()}")
        r += 1
        for no, (parent, subs) in enumerate(items, 1):
            if stt_c is not None:
                g.put(r, stt_c, no)
                g.put(r, label_c, st_.label(parent))
            else:
                g.put(r, label_c, st_.label(parent, prefix=f"{no}. "))
            write_row(r, parent)
            r += 1
            for k, sub in enumerate(subs):
                if sub_style == 0 and stt_c is not None:
                    g.put(r, stt_c, f"{no}.{k + 1}")
                    lab = st_.label(sub)
                else:
                    lab = st_.label(sub, prefix=["- ", "+ ", f"{'abcdefgh'[k]}) "][sub_style])
                g.put(r, label_c, lab)
                write_row(r, sub)
                r += 1
    if lay.notes_below:
        r += 1
        g.put(r, c0, st_.text("Ghi chú: Số liệu do Công an các xã, phường, đặc khu báo cáo."))
        r += 2
        g.put(r, label_c, st_.text("NGƯỜI LẬP BẢNG"))
        g.put(r, max(label_c + 1, last_c - 2), st_.text(rng.choice(["GIÁM ĐỐC", "TRƯỞNG PHÒNG"])))
    return g


# ------------------------------------------------------------------------- writers


def _write_xlsx(sheets: list, enc: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.worksheet.merge import MergedCellRange

    wb = openpyxl.Workbook()
    font = Font(name=_FONTS[enc])
    set_font = enc != "unicode"
    encode = _ENCODERS[enc]
    first = True
    for g in sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = g.name
        for (r, c), v in g.cells.items():
            if isinstance(v, str):
                if encode:
                    v = encode(v)
                cell = ws.cell(row=r + 1, column=c + 1, value=v)
                if set_font:
                    cell.font = font
            else:
                ws.cell(row=r + 1, column=c + 1, value=v)
        for r1, c1, r2, c2 in g.merges:
            # register the range without openpyxl's per-cell MergedCell/border formatting
            # (slow); covered cells are simply absent, as in many exported files
            ws.merged_cells.add(MergedCellRange(ws, f"{a1(r1, c1)}:{a1(r2, c2)}"))
    buf = io.BytesIO()
    wb.save(buf)
    return _stable_zip(buf.getvalue())


_STAMP_RE = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)")


def _stable_zip(data: bytes) -> bytes:
    """Re-pack openpyxl's zip with fixed entry times and document dates (byte-determinism)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                payload = _STAMP_RE.sub(rb"\g<1>2026-10-16T08:00:00Z\g<3>", payload)
            z.writestr(
                zipfile.ZipInfo(info.filename, date_time=(2026, 10, 16, 8, 0, 0)),
                payload,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buf.getvalue()


def _write_xlsx_minimal(sheets: list, enc: str) -> bytes:
    """A small hand-written SpreadsheetML 2006 package (shared strings, one font style),
    as the exporters of many reporting systems produce; fast enough for fuzzing."""
    encode = _ENCODERS[enc]
    sst: dict = {}
    sheet_xml = []
    for g in sheets:
        rows: dict = {}
        for (r, c), v in g.cells.items():
            rows.setdefault(r, []).append((c, v))
        out = [
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            "<sheetData>"
        ]
        for r in sorted(rows):
            out.append(f'<row r="{r + 1}">')
            for c, v in sorted(rows[r]):
                ref = a1(r, c)
                if isinstance(v, str):
                    if encode:
                        v = encode(v)
                    k = sst.setdefault(v, len(sst))
                    out.append(f'<c r="{ref}" s="1" t="s"><v>{k}</v></c>')
                else:
                    out.append(f'<c r="{ref}" s="1"><v>{_num_text(v)}</v></c>')
            out.append("</row>")
        out.append("</sheetData>")
        if g.merges:
            out.append(f'<mergeCells count="{len(g.merges)}">')
            out.extend(f'<mergeCell ref="{a1(m[0], m[1])}:{a1(m[2], m[3])}"/>' for m in g.merges)
            out.append("</mergeCells>")
        out.append("</worksheet>")
        sheet_xml.append("".join(out))
    n = len(sheets)
    ns_main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    ns_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(n)
        )
        + '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{ns_main}" '
        f'xmlns:r="{ns_rel}"><sheets>'
        + "".join(
            f'<sheet name="{_xml_escape(g.name, {chr(34): "&quot;"})}" sheetId="{i + 1}" '
            f'r:id="rId{i + 1}"/>'
            for i, g in enumerate(sheets)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i + 1}" Type="{ns_rel}/worksheet" '
            f'Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(n)
        )
        + f'<Relationship Id="rId{n + 1}" Type="{ns_rel}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{ns_rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    font = _FONTS[enc]
    styles = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{ns_main}">'
        f'<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        f'<font><sz val="12"/><name val="{font}"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    )
    sst_xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{ns_main}" '
        f'count="{len(sst)}" uniqueCount="{len(sst)}">'
        + "".join(f'<si><t xml:space="preserve">{_xml_escape(t)}</t></si>' for t in sst)
        + "</sst>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        stamp = (2026, 10, 16, 8, 0, 0)
        parts = [
            ("[Content_Types].xml", ct),
            ("_rels/.rels", rels),
            ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", wb_rels),
            ("xl/styles.xml", styles),
            ("xl/sharedStrings.xml", sst_xml),
        ]
        parts += [(f"xl/worksheets/sheet{i + 1}.xml", x) for i, x in enumerate(sheet_xml)]
        for name, payload in parts:
            z.writestr(
                zipfile.ZipInfo(name, date_time=stamp),
                payload.encode("utf-8"),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buf.getvalue()


def _write_xls(sheets: list, enc: str) -> bytes:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    style = xlwt.XFStyle()
    font = xlwt.Font()
    font.name = _FONTS[enc]
    style.font = font
    encode = _ENCODERS[enc]
    for g in sheets:
        ws = wb.add_sheet(g.name, cell_overwrite_ok=True)
        anchors = {(m[0], m[1]): m for m in g.merges}
        for (r, c), v in g.cells.items():
            if isinstance(v, str) and encode:
                v = encode(v)
            m = anchors.get((r, c))
            if m:
                ws.write_merge(m[0], m[2], m[1], m[3], v, style)
            else:
                ws.write(r, c, v, style)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _num_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _write_sml(sheets: list, enc: str, explicit_index: bool) -> bytes:
    encode = _ENCODERS[enc]
    out = [
        '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\n'
        ' xmlns:o="urn:schemas-microsoft-com:office:office"\n'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel"\n'
        ' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"\n'
        ' xmlns:html="http://www.w3.org/TR/REC-html40">\n'
        ' <Styles>\n  <Style ss:ID="Default" ss:Name="Normal">\n'
        f'   <Alignment ss:Vertical="Bottom"/>\n   <Font ss:FontName="{_FONTS[enc]}" ss:Size="12"/>\n'
        "  </Style>\n </Styles>\n"
    ]
    for g in sheets:
        anchors = {(m[0], m[1]): m for m in g.merges}
        rows: dict = {}
        for (r, c), v in g.cells.items():
            rows.setdefault(r, []).append((c, v))
        out.append(
            f' <Worksheet ss:Name="{_xml_escape(g.name, {chr(34): "&quot;"})}">\n  <Table>\n'
        )
        prev_r = -1
        for r in sorted(rows):
            rattr = f' ss:Index="{r + 1}"' if (explicit_index or r != prev_r + 1) else ""
            out.append(f"   <Row{rattr}>\n")
            prev_r = r
            expect = 0
            for c, v in sorted(rows[r]):
                attrs = ""
                if explicit_index or c != expect:
                    attrs += f' ss:Index="{c + 1}"'
                m = anchors.get((r, c))
                across = 0
                if m:
                    across = m[3] - m[1]
                    if across:
                        attrs += f' ss:MergeAcross="{across}"'
                    if m[2] > m[0]:
                        attrs += f' ss:MergeDown="{m[2] - m[0]}"'
                expect = c + across + 1
                if isinstance(v, str):
                    if encode:
                        v = encode(v)
                    data = f'<Data ss:Type="String">{_xml_escape(v)}</Data>'
                else:
                    data = f'<Data ss:Type="Number">{_num_text(v)}</Data>'
                out.append(f"    <Cell{attrs}>{data}</Cell>\n")
            out.append("   </Row>\n")
        # merges anchored in rows without own cells cannot exist (anchors hold values)
        out.append(
            '  </Table>\n  <WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel">'
            '<PageSetup><Layout x:Orientation="Landscape"/></PageSetup>'
            "</WorksheetOptions>\n </Worksheet>\n"
        )
    out.append("</Workbook>\n")
    return "".join(out).encode("utf-8")


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"'
)


def _write_ods(sheets: list, enc: str) -> bytes:
    encode = _ENCODERS[enc]
    font = _FONTS[enc]
    out = [
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODS_NS} office:version="1.2">'
        f'<office:font-face-decls><style:font-face style:name="{font}" svg:font-family="&apos;{font}&apos;"/>'
        "</office:font-face-decls><office:automatic-styles>"
        '<style:style style:name="ce1" style:family="table-cell">'
        f'<style:text-properties style:font-name="{font}"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
    ]
    for g in sheets:
        out.append(f'<table:table table:name="{_xml_escape(g.name, {chr(34): "&quot;"})}">')
        maxc = max(c for _, c in g.cells) + 1 if g.cells else 1
        for *_, c2 in g.merges:
            maxc = max(maxc, c2 + 1)
        out.append(f'<table:table-column table:number-columns-repeated="{maxc}"/>')
        covered = set()
        spans = {}
        for r1, c1, r2, c2 in g.merges:
            spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
            for rr in range(r1, r2 + 1):
                for cc in range(c1, c2 + 1):
                    if (rr, cc) != (r1, c1):
                        covered.add((rr, cc))
        maxr = max([r for r, _ in g.cells] + [m[2] for m in g.merges] + [0])
        rows: dict = {}
        for (r, c), v in g.cells.items():
            rows.setdefault(r, {})[c] = v
        for r, _c in covered:
            rows.setdefault(r, {})
        r = 0
        while r <= maxr:
            if r not in rows:
                r2 = r
                while r2 + 1 <= maxr and (r2 + 1) not in rows:
                    r2 += 1
                out.append(
                    f'<table:table-row table:number-rows-repeated="{r2 - r + 1}">'
                    f'<table:table-cell table:number-columns-repeated="{maxc}"/></table:table-row>'
                )
                r = r2 + 1
                continue
            out.append("<table:table-row>")
            row = rows[r]
            blanks = 0
            for c in range(maxc):
                if c not in row and (r, c) not in covered:
                    blanks += 1
                    continue
                if blanks:
                    out.append(f'<table:table-cell table:number-columns-repeated="{blanks}"/>')
                    blanks = 0
                if (r, c) in covered:
                    out.append("<table:covered-table-cell/>")
                    continue
                v = row[c]
                span = spans.get((r, c))
                sattr = ""
                if span:
                    sattr = (
                        f' table:number-rows-spanned="{span[0]}"'
                        f' table:number-columns-spanned="{span[1]}"'
                    )
                if isinstance(v, str):
                    if encode:
                        v = encode(v)
                    out.append(
                        f'<table:table-cell table:style-name="ce1" office:value-type="string"{sattr}>'
                        f"<text:p>{_xml_escape(v)}</text:p></table:table-cell>"
                    )
                else:
                    t = _num_text(v)
                    out.append(
                        f'<table:table-cell office:value-type="float" office:value="{t}"{sattr}>'
                        f"<text:p>{t}</text:p></table:table-cell>"
                    )
            if blanks:
                out.append(f'<table:table-cell table:number-columns-repeated="{blanks}"/>')
            out.append("</table:table-row>")
            r += 1
        out.append("</table:table>")
    out.append("</office:spreadsheet></office:body></office:document-content>")
    content = "".join(out).encode("utf-8")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:version="1.2" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(
            zipfile.ZipInfo("mimetype", date_time=(2026, 10, 16, 8, 0, 0)),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        for name, payload in (("META-INF/manifest.xml", manifest), ("content.xml", content)):
            z.writestr(
                zipfile.ZipInfo(name, date_time=(2026, 10, 16, 8, 0, 0)),
                payload,
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buf.getvalue()


# ------------------------------------------------------------------------ strategy


def _chance(draw, pct: int) -> bool:
    """True with probability pct %; shrinks towards False."""
    return draw(st.integers(0, 99)) >= 100 - pct


def _pick(draw, options):
    return options[draw(st.integers(0, len(options) - 1))]


def _weighted(draw, weighted: list):
    total = sum(w for _, w in weighted)
    x = draw(st.integers(0, total - 1))
    for v, w in weighted:
        if x < w:
            return v
        x -= w
    raise AssertionError


def _ascii_slug(s: str) -> str:
    return strip_diacritics(s)


@st.composite
def layout_cases(draw, period: str = "2026-10"):
    year, month = (int(x) for x in period.split("-"))
    codes, provinces, wards, _ = _registry()
    pcode = codes[draw(st.integers(0, len(codes) - 1))]
    family = "transposed" if _chance(draw, 10) else _weighted(draw, [("form", 1), ("table", 1)])
    fmt = _pick(draw, ["xlsx"] * 7 + ["xls"] * 5 + ["xml2003"] * 5 + ["ods"] * 3)
    enc = _weighted(draw, [("unicode", 70), ("tcvn3", 15), ("vni", 15)])
    seed = draw(st.integers(0, 2**32 - 1))
    rng = random.Random(seed)
    tags = [f"family:{family}", f"format:{fmt}", enc]
    no_diac = _chance(draw, 12)
    upper = _chance(draw, 15)
    if no_diac:
        tags.append("no-diacritics")
    reword = not _chance(draw, 20)
    style = Style(rng, no_diac, upper and reword, reword)
    extra_months = _chance(draw, 25)
    offset = (0, 0)
    if _chance(draw, 35):
        offset = (draw(st.integers(0, 4)), draw(st.integers(0, 3)))
        if offset != (0, 0):
            tags.append("offset")
    period_kind = draw(st.integers(0, 6))
    window = _chance(draw, 20)
    if window:
        tags.append("window-line")
    merged_title = _chance(draw, 50)
    if merged_title:
        tags.append("merged-title")
    dat_text = _chance(draw, 35)
    money_text = _chance(draw, 10)
    units_in_cells = _pick(draw, [1.0, 1.0, 0.6, 0.3]) if _chance(draw, 10) else 0.0
    name_style = _pick(draw, NAME_STYLES)
    number_row = _weighted(draw, [(0, 6), (1, 2), (2, 1), (3, 1)])
    if number_row:
        tags.append("number-row")
        tags.append("number-row:" + ("", "paren", "letters", "numeric")[number_row])
    spacer_row = _chance(draw, 25)
    spacer_col = _chance(draw, 20)
    layout_seed = draw(st.integers(0, 2**32 - 1))

    plist = wards[pcode]
    months = [(year, month)]
    if extra_months:
        months += [_prev_month(year, month, 1), _prev_month(year, month, 2)][
            : draw(st.integers(1, 2))
        ]
        tags.append("extra-month-sheets")
    sheet_scheme = draw(st.integers(0, 3))

    def sheet_name(y, m):
        return [f"T{m}", f"Tháng {m}", f"T{m}.{y}", f"Thang {m}"][sheet_scheme]

    facts: list = []
    decoys: list = []  # figures that are not facts (LayoutCase.decoys)
    ambiguous: tuple = ()
    grids = []
    used: set = set()  # variations that actually made it into the file
    if family == "table":
        with_subtotals = _chance(draw, 18)
        two_totals = _chance(draw, 20)
        comparison = _chance(draw, 11)
        n = draw(st.integers(4 if with_subtotals else 3, 8))
        idx = sorted(rng.sample(range(len(plist)), min(n, len(plist))))
        units = [plist[i] for i in idx]
        depth = draw(st.integers(1, 3))
        total_labels = ["Tổng cộng", "Cộng", "TỔNG CỘNG", "Tổng số", "Toàn tỉnh"]
        if with_subtotals:  # a grand total among sub-totals says it is the province's
            total_labels = ["Tổng cộng", "TỔNG CỘNG", "Tổng cộng toàn tỉnh", "Toàn tỉnh"]
        lay = TableLayout(
            depth=depth,
            grouped=depth >= 2,
            super_header=depth == 3,
            has_stt=not _chance(draw, 10),
            code_col=_weighted(draw, [(0, 6), (1, 3), (2, 1)]),
            code_style=draw(st.integers(0, 2)),
            name_style=name_style,
            number_row=number_row,
            total_first=_chance(draw, 15),
            total_label=_pick(draw, total_labels),
            province_cols=_chance(draw, 40),
            notes_col=_chance(draw, 30),
            spacer_row=spacer_row,
            spacer_col=spacer_col,
            offset=offset,
            merged_title=merged_title,
            period_kind=period_kind,
            window_line=window,
            notes_below=_chance(draw, 60),
            dat_text=dat_text,
            money_text=money_text,
            seed=layout_seed,
            units_in_cells=units_in_cells,
            subtotals=_draw_subtotals(rng, len(units)) if with_subtotals else (),
            sub_style=(rng.randrange(3), rng.randrange(3), rng.random() < 0.4),
            rival_totals=_draw_rival_labels(rng, with_subtotals) if two_totals else (),
            comparison=_draw_comparison(rng, 2) if comparison else (),
        )
        if two_totals:
            tags.append("ambiguous:two-totals")
            ambiguous = ("province-total",)
        tags.append(f"name:{lay.name_style}")
        tags.append(f"header-rows:{depth}")
        if lay.code_col:
            tags.append("code-column")
        for flag, tag in (
            (lay.total_first, "total-first"),
            (lay.province_cols, "province-only-columns"),
            (lay.notes_col, "notes-column"),
            (not lay.has_stt, "no-stt"),
            (lay.notes_below, "notes-below"),
        ):
            if flag:
                tags.append(tag)
        for k, (y, m) in enumerate(months):
            vals = {}
            for u in units:
                vals[u[0]] = _values(rng, "commune", quiet=rng.random() < 0.05)
            tot = {}
            for code in PROVINCE_INDICATORS:
                tot[code] = sum(vals[u[0]][code] for u in units)
            pv = _values(rng, "province")
            tot["van_ban_chi_dao"] = pv["van_ban_chi_dao"]
            tot["hoi_nghi_so_tong_ket"] = pv["hoi_nghi_so_tong_ket"]
            vals[pcode] = tot
            while lay.rival_totals:
                # two rows that both look like the province's total, neither the sum: each
                # is the sum plus a report of its own, so the catalog rules still hold
                for i in (1, 2):
                    extra = _values(rng, "province")
                    rival = {c: tot[c] + extra[c] for c in PROVINCE_INDICATORS}
                    rival.update({c: extra[c] for c in PROVINCE_ONLY})
                    vals[f"rival:{i}"] = rival
                if vals["rival:1"] != vals["rival:2"]:
                    break
            if lay.comparison:
                vals["cmp"] = _table_comparisons(rng, lay.comparison, units, pcode, vals, m)
            if extra_months:
                name = sheet_name(y, m)
            else:
                name = ["Sheet1", "BC", "Báo cáo", f"T{m}", "Tổng hợp", "Biểu 01"][layout_seed % 6]
            grids.append(
                [
                    _build_table(
                        lay,
                        style,
                        pcode,
                        units,
                        vals,
                        y,
                        m,
                        name,
                        facts if k == 0 else None,
                        used,
                        decoys if k == 0 else None,
                    )
                ]
            )
        label_name = _province_title(provinces[pcode])
        file_stub = rng.choice(
            [
                f"Tong hop ANTQ T{month} - {_ascii_slug(label_name)}",
                f"BC phong trao thang {month}-{year} {_ascii_slug(provinces[pcode])}",
                f"Báo cáo tổng hợp tháng {month} - {provinces[pcode]}",
                f"{pcode}_ANTQ_{year}{month:02d}",
            ]
        )
    elif family == "transposed":
        n = draw(st.integers(3, 8))
        idx = sorted(rng.sample(range(len(plist)), min(n, len(plist))))
        units = [plist[i] for i in idx]
        total_first = _chance(draw, 35)
        lay = TransLayout(
            has_stt=not _chance(draw, 15),
            has_dvt=_chance(draw, 60),
            code_row=_chance(draw, 30),
            code_style=draw(st.integers(0, 2)),
            name_style=name_style,
            total_first=total_first,
            total_label=_pick(draw, ["Tổng số", "Tổng số", "Toàn tỉnh"])
            if total_first
            else _pick(draw, ["Tổng cộng", "Tổng số", "Toàn tỉnh", "Cộng", "TỔNG CỘNG"]),
            unit_group=_pick(draw, ["", "", "Xã, phường, đặc khu", "Đơn vị", "Chia theo đơn vị"]),
            province_rows=_chance(draw, 40),
            notes_col=_chance(draw, 25),
            number_row=number_row,
            spacer_row=spacer_row,
            spacer_col=spacer_col,
            offset=offset,
            merged_title=merged_title,
            period_kind=period_kind,
            window_line=window,
            notes_below=_chance(draw, 50),
            dat_text=dat_text,
            money_text=money_text,
            seed=layout_seed,
            units_in_cells=units_in_cells,
        )
        tags.append(f"name:{lay.name_style}")
        for flag, tag in (
            (lay.total_first, "transposed:chia-ra"),
            (bool(lay.unit_group) and not lay.total_first, "transposed:unit-group"),
            (lay.code_row, "transposed:code-row"),
            (lay.province_rows, "transposed:province-rows"),
            (not lay.has_stt, "no-stt"),
            (not lay.has_dvt, "no-dvt"),
            (lay.notes_col, "notes-column"),
            (lay.notes_below, "notes-below"),
        ):
            if flag:
                tags.append(tag)
        for k, (y, m) in enumerate(months):
            vals = {u[0]: _values(rng, "commune", quiet=rng.random() < 0.05) for u in units}
            tot = {c: sum(vals[u[0]][c] for u in units) for c in PROVINCE_INDICATORS}
            pv = _values(rng, "province")
            tot.update({c: pv[c] for c in PROVINCE_ONLY})
            vals[pcode] = tot
            if extra_months:
                name = sheet_name(y, m)
            else:
                name = ["Sheet1", "Tổng hợp", "Biểu 02", f"T{m}", "BC ngang", "Data"][
                    layout_seed % 6
                ]
            record = facts if k == 0 else None
            grids.append(
                [_build_transposed(lay, style, pcode, units, vals, y, m, name, record, used)]
            )
        file_stub = rng.choice(
            [
                f"Tong hop chi tieu ANTQ T{month}-{year} {_ascii_slug(provinces[pcode])}",
                f"Bieu tong hop thang {month} - {provinces[pcode]}",
                f"{pcode}_chitieu_{year}{month:02d}",
            ]
        )
    else:
        unit = plist[rng.randrange(len(plist))]
        extras = ["value"]
        luyke = _chance(draw, 30)
        cungky = _chance(draw, 20)
        comparison = _chance(draw, 11)
        continued = _chance(draw, 14)
        if comparison:
            extras = list(_draw_comparison(rng, 3))
            luyke, cungky = "luyke" in extras, "cungky" in extras
        else:
            extras += ["luyke"] * luyke + ["cungky"] * cungky
        if luyke:
            tags.append("luy-ke")
        if cungky:
            tags.append("cung-ky")
        if len(extras) > 1 and _chance(draw, 30) and not comparison:
            rng.shuffle(extras)
        lay = FormLayout(
            has_dvt=not _chance(draw, 15),
            notes_col=not _chance(draw, 30),
            extras=tuple(extras),
            two_row_header=len(extras) > 1 and _chance(draw, 50),
            indent=_chance(draw, 40),
            inline_numbering=_chance(draw, 20),
            contextual=_chance(draw, 30),
            number_row=number_row,
            spacer_row=spacer_row,
            spacer_col=spacer_col,
            offset=offset,
            merged_title=merged_title,
            period_kind=period_kind,
            window_line=window,
            name_style=name_style,
            show_code=_chance(draw, 30),
            dat_text=dat_text,
            money_text=money_text,
            notes_text=_chance(draw, 20),
            seed=layout_seed,
            units_in_cells=units_in_cells,
            comparison=comparison,
            continued=(
                rng.randint(2, 4),  # sections on the first sheet
                extra_months or rng.random() < 0.5,  # title block on both sheets
                rng.choice(["(Tiếp theo)", "(tiếp theo)", "(Tiếp theo biểu số 01)", "TIẾP THEO"]),
            )
            if continued
            else (),
        )
        pair = rng.choice(
            [("Biểu 1", "Biểu 2"), ("Phần 1", "Phần 2"), ("Trang 1", "Trang 2"), ("BC", "BC (2)")]
        )
        tags.append(f"name:{lay.name_style}")
        for flag, tag in (
            (lay.two_row_header, "two-row-header"),
            (lay.indent, "indent"),
            (lay.inline_numbering, "inline-numbering"),
            (not lay.has_dvt, "no-dvt"),
            (lay.show_code, "code-in-title"),
            (not lay.notes_col, "no-notes-column"),
        ):
            if flag:
                tags.append(tag)
        for k, (y, m) in enumerate(months):
            vals = _values(rng, "commune", quiet=rng.random() < 0.05)
            # year-to-date: stocks as at the month's end, flows = this month + earlier months
            # (a consistent "typical month" times the months before), so the column's own
            # figures keep the catalog rules too
            typical = _values(rng, "commune")
            ytd = {
                code: v if code in STOCKS else v + typical[code] * (m - 1)
                for code, v in vals.items()
            }
            prev_year = _values(rng, "commune")
            prev_month = _values(rng, "commune") if "prev" in extras else None
            name = (
                sheet_name(y, m)
                if extra_months
                else ["Sheet1", "BC", "Báo cáo", f"T{m}", "Biểu mẫu", "Bao cao"][layout_seed % 6]
            )
            name2 = None
            if continued and extra_months:  # each month's two sheets named by the month
                name, name2 = (
                    (name, f"{name} (tiếp)")
                    if pair[0] == "BC"
                    else (
                        f"{name} - {pair[0].split()[0]} 1",
                        f"{name} - {pair[0].split()[0]} 2",
                    )
                )
            elif continued:
                name, name2 = pair
            grids.append(
                _build_form(
                    lay,
                    style,
                    pcode,
                    unit,
                    vals,
                    ytd,
                    prev_year,
                    y,
                    m,
                    name,
                    facts if k == 0 else None,
                    used,
                    prev_month,
                    decoys if k == 0 else None,
                    name2,
                )
            )
        ucode, uname, dtype = unit
        file_stub = rng.choice(
            [
                f"BC thang {month} {_ascii_slug(uname)}",
                f"BC thang {month} {_ascii_slug(_bare(uname, dtype))}",
                f"Bao cao ANTQ T{month}-{year} - {_ascii_slug(uname)}",
                f"Báo cáo tháng {month} - {uname}",
                f"{ucode}_T{month}_{year}",
            ]
        )
    tags.extend(sorted(used))
    if dat_text:
        tags.append("dat-text")
    if money_text and any(f[1] == "kinh_phi_xa_hoi_hoa" and f[2] for f in facts):
        tags.append("number-as-text")
    if extra_months and len(grids) > 1:
        order = list(range(len(grids)))
        perm = draw(st.permutations(order))
        grids = [grids[i] for i in perm]  # a month's sheets stay together, in order
    grids = [g for month_grids in grids for g in month_grids]
    if style.reworded:
        tags.append("reworded")
    if style.upper:
        tags.append("uppercase-labels")
    if fmt == "xlsx":
        if _chance(draw, 35):
            tags.append("xlsx-writer:openpyxl")
            data = _write_xlsx(grids, enc)
        else:
            tags.append("xlsx-writer:minimal")
            data = _write_xlsx_minimal(grids, enc)
        ext = ".xlsx"
    elif fmt == "xls":
        data = _write_xls(grids, enc)
        ext = ".xls"
    elif fmt == "xml2003":
        explicit = _chance(draw, 30)
        if explicit:
            tags.append("sml-explicit-index")
        data = _write_sml(grids, enc, explicit)
        ext = ".xls"
    else:
        data = _write_ods(grids, enc)
        ext = ".ods"
    return LayoutCase(
        file_name=file_stub + ext,
        data=data,
        province_code=pcode,
        period=period,
        facts=tuple(facts),
        tags=tuple(dict.fromkeys(tags)),
        decoys=tuple(decoys),
        ambiguous=ambiguous,
    )


# ----------------------------------------------------------------------- readers


def _read_xlsx(data: bytes) -> dict:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    out = {}
    for ws in wb.worksheets:
        cells = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None and cell.__class__.__name__ == "Cell":
                    cells[(cell.row - 1, cell.column - 1)] = cell.value
        out[ws.title] = cells
    return out


def _read_sml(data: bytes) -> dict:
    from lxml import etree

    ns = "urn:schemas-microsoft-com:office:spreadsheet"
    q = lambda t: f"{{{ns}}}{t}"  # noqa: E731
    root = etree.fromstring(data)
    out = {}
    for ws in root.iter(q("Worksheet")):
        cells = {}
        table = ws.find(q("Table"))
        r = -1
        covered = set()
        for row in table.iter(q("Row")):
            idx = row.get(q("Index"))
            r = int(idx) - 1 if idx else r + 1
            c = 0
            for cell in row.iter(q("Cell")):
                idx = cell.get(q("Index"))
                if idx:
                    c = int(idx) - 1
                assert (r, c) not in covered, f"cell {a1(r, c)} written inside a merge"
                across = int(cell.get(q("MergeAcross"), 0))
                down = int(cell.get(q("MergeDown"), 0))
                for rr in range(r, r + down + 1):
                    for cc in range(c, c + across + 1):
                        if (rr, cc) != (r, c):
                            covered.add((rr, cc))
                d = cell.find(q("Data"))
                if d is not None:
                    t = d.get(q("Type"))
                    cells[(r, c)] = float(d.text) if t == "Number" else (d.text or "")
                c += across + 1
        out[ws.get(q("Name"))] = cells
    return out


def _read_ods(data: bytes) -> dict:
    from lxml import etree

    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.namelist()[0] == "mimetype"
    root = etree.fromstring(z.read("content.xml"))
    T = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    OF = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    X = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    out = {}
    for tbl in root.iter(f"{{{T}}}table"):
        cells = {}
        r = 0
        for row in tbl.iter(f"{{{T}}}table-row"):
            rrep = int(row.get(f"{{{T}}}number-rows-repeated", 1))
            c = 0
            for cell in row:
                rep = int(cell.get(f"{{{T}}}number-columns-repeated", 1))
                if cell.tag == f"{{{T}}}table-cell":
                    vt = cell.get(f"{{{OF}}}value-type")
                    if vt == "float":
                        cells[(r, c)] = float(cell.get(f"{{{OF}}}value"))
                    elif vt == "string":
                        cells[(r, c)] = "".join(p.xpath("string()") for p in cell.iter(f"{{{X}}}p"))
                c += rep
            r += rrep
        out[tbl.get(f"{{{T}}}name")] = cells
    return out


def _read_xls(data: bytes) -> dict:
    """Minimal BIFF8 reader (SST/LABELSST/NUMBER/RK/MULRK/LABEL) over olefile."""
    import olefile

    ole = olefile.OleFileIO(io.BytesIO(data))
    stream = ole.openstream("Workbook").read()
    pos = 0
    recs = []
    while pos + 4 <= len(stream):
        rtype, rlen = struct.unpack_from("<HH", stream, pos)
        recs.append((rtype, stream[pos + 4 : pos + 4 + rlen]))
        pos += 4 + rlen
    names = []
    sst: list = []
    sheets = []
    cur = None
    bof_count = 0
    i = 0
    while i < len(recs):
        rtype, rec = recs[i]
        if rtype == 0x0809:
            bof_count += 1
            if bof_count > 1:
                cur = {}
                sheets.append(cur)
        elif rtype == 0x0085:
            nlen, flag = rec[6], rec[7]
            names.append(
                rec[8 : 8 + nlen * 2].decode("utf-16-le")
                if flag & 1
                else rec[8 : 8 + nlen].decode("latin-1")
            )
        elif rtype == 0x00FC:
            segs = [rec]
            while i + 1 < len(recs) and recs[i + 1][0] == 0x003C:
                i += 1
                segs.append(recs[i][1])
            sst = _parse_sst(segs)
        elif cur is not None:
            if rtype == 0x00FD:
                r, c, _, k = struct.unpack_from("<HHHI", rec)
                cur[(r, c)] = sst[k]
            elif rtype == 0x0203:
                r, c, _, x = struct.unpack_from("<HHHd", rec)
                cur[(r, c)] = x
            elif rtype == 0x027E:
                r, c, _, rk = struct.unpack_from("<HHHI", rec)
                cur[(r, c)] = _rk(rk)
            elif rtype == 0x00BD:
                r, c = struct.unpack_from("<HH", rec)
                n = (len(rec) - 6) // 6
                for k in range(n):
                    _, rk = struct.unpack_from("<HI", rec, 4 + 6 * k)
                    cur[(r, c + k)] = _rk(rk)
            elif rtype == 0x0204:
                r, c, _, n = struct.unpack_from("<HHHH", rec)
                flag = rec[8]
                cur[(r, c)] = (
                    rec[9 : 9 + 2 * n].decode("utf-16-le")
                    if flag & 1
                    else rec[9 : 9 + n].decode("latin-1")
                )
        i += 1
    return dict(zip(names, sheets, strict=True))


def _rk(rk: int) -> float:
    if rk & 2:
        v = float(rk >> 2 if not rk & 0x80000000 else (rk >> 2) - (1 << 30))
    else:
        v = struct.unpack("<d", struct.pack("<Q", (rk & 0xFFFFFFFC) << 32))[0]
    return v / 100 if rk & 1 else v


def _parse_sst(segs: list) -> list:
    seg_i, pos = 0, 8
    _, unique = struct.unpack_from("<II", segs[0])
    out = []

    def need(n):
        nonlocal seg_i, pos
        if pos + n > len(segs[seg_i]) and pos >= len(segs[seg_i]):
            seg_i += 1
            pos = 0

    for _ in range(unique):
        need(3)
        seg = segs[seg_i]
        cch, flags = struct.unpack_from("<HB", seg, pos)
        pos += 3
        rich = ext = 0
        if flags & 8:
            rich = struct.unpack_from("<H", seg, pos)[0]
            pos += 2
        if flags & 4:
            ext = struct.unpack_from("<I", seg, pos)[0]
            pos += 4
        wide = flags & 1
        chars = []
        left = cch
        while left:
            seg = segs[seg_i]
            if pos >= len(seg):
                seg_i += 1
                seg = segs[seg_i]
                wide = seg[0] & 1
                pos = 1
            avail = (len(seg) - pos) // (2 if wide else 1)
            take = min(left, avail)
            if wide:
                chars.append(seg[pos : pos + 2 * take].decode("utf-16-le"))
                pos += 2 * take
            else:
                chars.append(seg[pos : pos + take].decode("latin-1"))
                pos += take
            left -= take
        skip = rich * 4 + ext
        while skip:
            seg = segs[seg_i]
            if pos >= len(seg):
                seg_i += 1
                pos = 0
                continue
            k = min(skip, len(seg) - pos)
            pos += k
            skip -= k
        out.append("".join(chars))
    return out


def read_workbook(data: bytes) -> dict:
    """{sheet name: {(row, col): value}} for any of the generated formats."""
    if data[:4] == b"PK\x03\x04":
        z = zipfile.ZipFile(io.BytesIO(data))
        if "content.xml" in z.namelist():
            return _read_ods(data)
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return _read_xls(data)
    head = data[:300]
    assert b'<?mso-application progid="Excel.Sheet"?>' in head, "unknown content"
    return _read_sml(data)


# ---------------------------------------------------------------------- self-check


def _interpret(raw, decode, code: str | None = None) -> float:
    if isinstance(raw, (int, float)):
        return float(raw)
    text = decode(str(raw)).strip()
    low = text.lower()
    if low in ("đạt", "dat"):
        return 1.0
    if low in ("chưa đạt", "chua dat"):
        return 0.0
    m = re.fullmatch(r"(\d{1,3}(?:\.\d{3})*)\s*(.*)", text)
    assert m, f"unexpected text figure {text!r}"
    if m.group(2):  # "12 mô hình", "280.000.000 đồng": the unit must be the indicator's
        words = {strip_diacritics(w).lower() for w in UNIT_WORDS.get(_unit_key(code or ""), ())}
        assert strip_diacritics(m.group(2)).lower() in words, f"{text!r} is not a {code} figure"
    return float(m.group(1).replace(".", ""))


def _check_rules(v: dict, who, skip: tuple = ()) -> None:
    """The catalog's within-report rules on whichever indicators v holds."""

    def has(*codes):
        return all(c in v for c in codes) and not set(codes) & set(skip)

    if has("mo_hinh_tong", *MO_HINH_PARTS):
        assert v["mo_hinh_tong"] == sum(v[p] for p in MO_HINH_PARTS), who
    for small, big in (
        ("mo_hinh_moi", "mo_hinh_tong"),
        ("to_tu_quan", "thanh_vien_to_tu_quan"),
        ("nguon_tin_co_gia_tri", "nguon_tin"),
        ("khu_dan_cu_dat_chuan", "khu_dan_cu_tong"),
        ("cqdn_nt_dat_chuan", "cqdn_nt_tong"),
    ):
        if has(small, big):
            assert v[small] <= v[big], (who, small, big)
    if has("buoi_tuyen_truyen", "luot_nguoi_tham_gia"):
        if v["buoi_tuyen_truyen"] == 0:
            assert v["luot_nguoi_tham_gia"] == 0, who
        assert v["luot_nguoi_tham_gia"] <= 5000 * v["buoi_tuyen_truyen"], who
    if has("lop_tap_huan", "luot_tap_huan") and v["lop_tap_huan"] == 0:
        assert v["luot_tap_huan"] == 0, who
    if "xa_dat_chuan" in v:
        assert v["xa_dat_chuan"] in (0.0, 1.0), who
    for code, x in v.items():
        assert x >= 0 and float(x).is_integer(), (who, code, x)


def _texts(cells: dict, decode) -> list:
    return [strip_diacritics(decode(v)).lower() for v in cells.values() if isinstance(v, str)]


def verify_case(case: LayoutCase) -> None:
    """Re-open the bytes and check every fact's and decoy's cell; check the catalog rules
    on the facts, the arithmetic of sub-totals and comparison columns, and that what is
    declared ambiguous really cannot be proved."""
    enc = "tcvn3" if "tcvn3" in case.tags else "vni" if "vni" in case.tags else "unicode"
    decode = _DECODERS[enc]
    ext = case.file_name.rsplit(".", 1)[-1].lower()
    fmt = next(t.split(":", 1)[1] for t in case.tags if t.startswith("format:"))
    assert ext == {"xlsx": "xlsx", "xls": "xls", "xml2003": "xls", "ods": "ods"}[fmt]
    assert re.fullmatch(r"\d{2}", case.province_code)
    book = read_workbook(case.data)
    order = list(book)
    assert case.facts, "no facts"
    sheet_names = {f[3] for f in case.facts}
    for sheet in sheet_names:
        assert sheet in book, (sheet, order)
    fact_sheets = sorted(sheet_names, key=order.index)
    continued = "distractor:continued-sheet" in case.tags
    assert len(fact_sheets) == (2 if continued else 1), fact_sheets
    if "extra-month-sheets" in case.tags:
        assert len(book) >= len(fact_sheets) + 1
    seen = set()
    for _unit, code, value, sheet, ref in case.facts:
        assert (sheet, ref) not in seen, f"two facts share the cell {sheet}!{ref}"
        seen.add((sheet, ref))
        cells = book[sheet]
        rc = parse_a1(ref)
        assert rc in cells, f"{ref} empty, expected {code}={value}"
        got = _interpret(cells[rc], decode, code)
        assert got == value, f"{ref}: {code} expected {value}, cell holds {cells[rc]!r}"
        assert value >= 0 and float(value).is_integer()
    # period named in the title block of the (first) fact sheet
    y, m = (int(x) for x in case.period.split("-"))
    first = _texts(book[fact_sheets[0]], decode)
    pat = re.compile(rf"(thang|t)\s*0?{m}\b.*{y}|0?{m}\s*[-/]\s*{y}")
    assert any(pat.search(t) for t in first), "period not named on the sheet"
    if continued:
        # the second sheet follows the first, says it continues it, and carries the signature
        assert order.index(fact_sheets[1]) == order.index(fact_sheets[0]) + 1, order
        last = _texts(book[fact_sheets[1]], decode)
        assert any("tiep theo" in t for t in last), "second sheet not marked (Tiếp theo)"
        assert any("nguoi lap bao cao" in t for t in last)
        assert not any("nguoi lap bao cao" in t for t in first)
        on_first = {f[1] for f in case.facts if f[3] == fact_sheets[0]}
        assert on_first and on_first != {f[1] for f in case.facts}
    # self-consistency of facts
    by_unit: dict = {}
    for unit, code, value, _, _ref in case.facts:
        assert code not in by_unit.setdefault(unit, {}), f"duplicate {unit} {code}"
        by_unit[unit][code] = value
    prov = case.province_code
    for unit, v in by_unit.items():
        if unit == prov:
            required = set(PROVINCE_INDICATORS)
            assert set(v) - required <= set(PROVINCE_ONLY), set(v) - required
        else:
            assert len(unit) == 5 and unit.isdigit()
            required = set(COMMUNE_INDICATORS)
        assert required <= set(v), f"{unit} misses {sorted(required - set(v))}"
        _check_rules(v, unit)
    ambiguous = "ambiguous:two-totals" in case.tags
    assert bool(case.ambiguous) == ambiguous, case.ambiguous
    if ambiguous:
        assert case.ambiguous == ("province-total",)
    communes = [u for u in by_unit if u != prov]
    if "family:table" in case.tags or "family:transposed" in case.tags:
        assert (prov not in by_unit) == ambiguous, "the province's figures are facts iff provable"
        assert 3 <= len(communes) <= 8
        own = {w[0] for w in _registry()[2][prov]}
        for u in communes:
            assert u in own, f"{u} is not a commune of {prov}"
        if not ambiguous:
            for code in PROVINCE_INDICATORS:
                assert by_unit[prov][code] == sum(by_unit[u][code] for u in communes), code
    else:
        assert "family:form" in case.tags and not ambiguous
        assert list(by_unit) != [prov] and len(by_unit) == 1
        (unit,) = by_unit
        assert unit in {w[0] for w in _registry()[2][prov]}, f"{unit} is not a commune of {prov}"
    _verify_decoys(case, book, decode, by_unit, communes, seen)


def _verify_decoys(case, book, decode, by_unit, communes, fact_cells) -> None:
    """Decoys: (role, group, indicator, value, sheet, cell, basis).

    subtotal / total-candidate: basis = the commune codes the row closes; a sub-total
    equals their sum, a rival total of an ambiguous case differs from it (as a row).
    cung-ky / ky-truoc / luy-ke: basis = (sheet, cell) of the month's figure beside it.
    so-sanh-pct / tang-giam: basis = (sheet, cell of the month's figure, compared figure).
    """
    reports: dict = {}
    seen = set()
    prov = case.province_code
    unit_rows = {}  # a table's row of each commune (the province's row is no commune's)
    if "family:table" in case.tags:
        unit_rows = {u: parse_a1(ref)[0] for u, _c, _v, _s, ref in case.facts if u != prov}
    commune_rows = set(unit_rows.values())
    for role, group, code, value, sheet, ref, basis in case.decoys:
        assert (sheet, ref) not in fact_cells, f"decoy {role} on the fact cell {ref}"
        assert (sheet, ref) not in seen, f"two decoys share the cell {sheet}!{ref}"
        seen.add((sheet, ref))
        cells = book[sheet]
        rc = parse_a1(ref)
        assert rc in cells, f"decoy {role} {ref} empty, expected {value}"
        raw = cells[rc]
        if role in ("so-sanh-pct", "tang-giam"):
            assert isinstance(raw, (int, float)), (role, ref, raw)
            got = float(raw)
        else:
            got = _interpret(raw, decode, code)
        assert abs(got - value) < 1e-9, f"decoy {role} {ref}: expected {value}, holds {raw!r}"
        if role in ("subtotal", "total-candidate"):
            reports.setdefault((role, group), {})[code] = value
            assert set(basis) <= set(communes), basis
            assert rc[0] not in commune_rows, f"{role} {ref} on a commune's row"
            if role == "subtotal":
                assert value == sum(by_unit[u][code] for u in basis), (group, code)
                # the row right after the group's last commune closes it
                assert rc[0] == 1 + max(unit_rows[u] for u in basis), (group, ref)
            continue
        cur_sheet, cur_ref = basis[0], basis[1]
        assert cur_sheet == sheet and parse_a1(cur_ref)[0] == rc[0], (role, ref, cur_ref)
        cur = _interpret(book[cur_sheet][parse_a1(cur_ref)], decode, code)
        if role == "so-sanh-pct":
            base = basis[2]
            assert base > 0 and value == round(cur / base * 100, 1), (ref, cur, base, value)
            assert 0 <= value <= cur * 100
        elif role == "tang-giam":
            assert value == cur - basis[2], (ref, cur, basis[2], value)
        else:
            reports.setdefault((role, group), {})[code] = value
            if role == "luy-ke":
                assert value == cur if code in STOCKS else value >= cur, (ref, code)
    for (role, group), v in reports.items():
        _check_rules(v, (role, group), skip=("mo_hinh_moi",) if role == "luy-ke" else ())
    groups = {d[1]: d[6] for d in case.decoys if d[0] == "subtotal"}
    if "distractor:subtotals" in case.tags:
        # every commune closed by exactly one sub-total, at least two of them
        assert len(groups) >= 2, groups
        assert sorted(u for b in groups.values() for u in b) == sorted(communes), groups
    else:
        assert not groups
    rivals = {g: v for (r, g), v in reports.items() if r == "total-candidate"}
    if case.ambiguous:
        assert len(rivals) >= 2, rivals
        sums = {c: sum(by_unit[u][c] for u in communes) for c in PROVINCE_INDICATORS}
        for g, v in rivals.items():
            assert set(PROVINCE_INDICATORS) <= set(v), (g, set(PROVINCE_INDICATORS) - set(v))
            assert any(v[c] != sums[c] for c in PROVINCE_INDICATORS), f"{g} is the sum"
        rows = [tuple(sorted(v.items())) for v in rivals.values()]
        assert len(set(rows)) == len(rows), "the rival totals are equal"
    else:
        assert not rivals
    if "distractor:units-in-cells" in case.tags:
        assert any(
            isinstance(cell, str) and re.search(r"\d\s*[^\d\s.]", decode(cell))
            for cell in (book[f[3]][parse_a1(f[4])] for f in case.facts)
        ), "no figure written with its unit"
    cmp_roles = {"cung-ky", "ky-truoc", "luy-ke", "so-sanh-pct", "tang-giam"}
    has_cmp = any(d[0] in cmp_roles for d in case.decoys)
    if "distractor:comparison-columns" in case.tags:
        assert has_cmp
