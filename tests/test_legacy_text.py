"""Text typed with the TCVN3 (ABC) and VNI fonts, back to Unicode (antq.legacy_text)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from antq.legacy_text import (
    decode,
    encoding_of_font,
    from_unicode,
    legacy_encoding,
    to_unicode,
    vietnamese_letters,
)

LETTERS = vietnamese_letters()


def test_every_vietnamese_letter_is_in_the_tables():
    assert len(LETTERS) == len(set(LETTERS)) == 134
    assert all(unicodedata.is_normalized("NFC", ch) for ch in LETTERS)


@pytest.mark.parametrize("letter", LETTERS)
def test_every_letter_round_trips_through_vni(letter):
    assert decode(from_unicode(letter, "vni"), "vni") == letter


@pytest.mark.parametrize("letter", [ch for ch in LETTERS if ch.islower()])
def test_every_lower_case_letter_round_trips_through_tcvn3(letter):
    assert decode(from_unicode(letter, "tcvn3"), "tcvn3") == letter


def test_tcvn3_capitals_are_drawn_from_lower_case_bytes():
    # ".VnTimeH" draws the lower-case bytes as capitals: the text says so by its other
    # letters being capitals, or the font says so.
    stored = from_unicode("CÔNG AN XÃ ĐỨC THƯỢNG", "tcvn3")
    assert stored == "C¤NG AN X· §øC TH¦îNG"
    assert to_unicode(stored) == "CÔNG AN XÃ ĐỨC THƯỢNG"
    assert to_unicode(from_unicode("Tháng", "tcvn3"), "tcvn3", capitals=True) == "THÁNG"


@pytest.mark.parametrize(
    ("stored", "unicode"),
    [
        ("Th¸ng 10 n¨m 2026", "Tháng 10 năm 2026"),
        ("Thaùng 10 naêm 2026", "Tháng 10 năm 2026"),
        ("Sè buæi tuyªn truyÒn, vËn ®éng", "Số buổi tuyên truyền, vận động"),
        ("Soá buoåi tuyeân truyeàn, vaän ñoäng", "Số buổi tuyên truyền, vận động"),
        ("Ph\xadêng Hoµn KiÕm", "Phường Hoàn Kiếm"),
        ("Phöôøng Hoaøn Kieám", "Phường Hoàn Kiếm"),
        ("Céng", "Cộng"),  # no character foreign to Vietnamese: the words tell
        ("P. 1 B¶o Léc", "P. 1 Bảo Lộc"),
    ],
)
def test_legacy_text_is_recognised_by_its_characters(stored, unicode):
    assert to_unicode(stored) == unicode


@pytest.mark.parametrize(
    "text",
    [
        "Tháng 10 năm 2026",
        "Mô hình khác",
        "Phường Hoà Bình",
        "Xã Thuý Hoà",
        "Thuê",
        "Tiên Lữ",
        "Café",
        "Ghi chú",
        "TT",
        "Số TT",
        "Đạt",
    ],
)
def test_unicode_text_is_left_as_it_is(text):
    assert legacy_encoding(text) is None
    assert to_unicode(text) == text


def test_the_font_decides_when_the_text_alone_cannot():
    assert encoding_of_font(".VnTime") == ("tcvn3", False)
    assert encoding_of_font(".VnTimeH") == ("tcvn3", True)
    assert encoding_of_font("VNI-Times") == ("vni", False)
    assert encoding_of_font("Times New Roman") == (None, False)
    # Text already typed in Unicode under an old font is not garbled.
    assert to_unicode("Số liệu", "tcvn3") == "Số liệu"


@given(
    st.lists(
        st.sampled_from(
            [
                "Tháng",
                "năm",
                "Số",
                "buổi",
                "tuyên",
                "truyền",
                "Phường",
                "Hoàn",
                "Kiếm",
                "nguồn",
                "tin",
                "có",
                "giá",
                "trị",
                "Đạt",
                "chuẩn",
                "khu",
                "dân",
                "cư",
                "10",
                "2026",
            ]
        ),
        min_size=2,
        max_size=8,
    )
)
def test_known_words_come_back_from_either_encoding(words):
    text = " ".join(words)
    assert to_unicode(from_unicode(text, "vni")) == text
    assert to_unicode(from_unicode(text, "tcvn3")).lower() == text.lower()


def test_a_cell_that_reads_in_both_encodings_follows_the_rest_of_the_sheet():
    """ "Thuû" is TCVN3 "Thuỷ" and VNI "Thủ", both words of the registry: a sheet typed in
    TCVN3 ("Th¸ng 10 n¨m 2026", "X. §oan Hïng") reads it as TCVN3, and the ambiguous cell
    does not vote against the sheet it sits in."""
    from antq.tasks.read import _dominant_encoding

    ambiguous = "X. Thanh Thuû"
    sheet = ["Th¸ng 10 n¨m 2026", "X. §oan Hïng", ambiguous, "C«ng an tØnh Phó Thä"]
    assert _dominant_encoding(sheet) == "tcvn3"
    assert to_unicode(ambiguous, "tcvn3") == "X. Thanh Thuỷ"
    assert to_unicode(ambiguous, "vni") == "X. Thanh Thủ"
