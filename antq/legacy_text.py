"""Text typed with the legacy Vietnamese fonts, back to Unicode (SPEC §5).

Before Unicode, Vietnamese offices typed with fonts that draw Vietnamese letters in
place of Latin-1 ones. A workbook keeps the Latin-1 characters, so a cell written with
".VnTime" (TCVN3, also called ABC) holds "Th¸ng 10 n¨m 2026" and one written with
"VNI-Times" holds "Thaùng 10 naêm 2026", both meaning "Tháng 10 năm 2026".

- TCVN3 gives each lower-case Vietnamese letter its own byte; the capitals with a tone
  have no byte of their own: ".VnTimeH" draws the lower-case bytes as capitals.
- VNI writes a letter as its base letter followed by a mark character ("aù" is "á",
  "aâ" is "â", "aá" is "ấ"); ơ, ư, đ and the i/ỵ forms are single characters.

No package on PyPI does this conversion, so the two tables are built here from the
encodings' rules and checked by a round trip over every Vietnamese letter
(tests/test_legacy_text.py).

Which encoding a cell uses is told by its font where the format keeps one
(`encoding_of_font`), and otherwise by the text itself (`to_unicode`): a string is
converted only when it holds characters Vietnamese Unicode text never has, carries no
genuine Vietnamese Unicode letter, and the converted text reads as more known
Vietnamese words than the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Literal

Encoding = Literal["tcvn3", "vni"]

# TCVN3 (ABC): byte -> letter, in byte order. Bytes 0xA1-0xA7 are the only capitals.
_TCVN3_BYTES = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ",
    0xC6: "ặ", 0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip

# VNI: the mark written after a base letter, lower and upper case.
_TONES = {"\u0300": "øØ", "\u0301": "ùÙ", "\u0309": "ûÛ", "\u0303": "õÕ", "\u0323": "ïÏ"}
_HAT_TONES = {
    "": "âÂ",
    "\u0300": "àÀ",
    "\u0301": "áÁ",
    "\u0309": "åÅ",
    "\u0303": "ãÃ",
    "\u0323": "äÄ",
}
_BREVE_TONES = {
    "": "êÊ",
    "\u0300": "èÈ",
    "\u0301": "éÉ",
    "\u0309": "úÚ",
    "\u0303": "üÜ",
    "\u0323": "ëË",
}
# Letters VNI writes as one character of their own (lower, upper).
_VNI_SINGLE = {
    "ơ": ("ô", "Ô"), "ư": ("ö", "Ö"), "đ": ("ñ", "Ñ"),
    "ì": ("ì", "Ì"), "í": ("í", "Í"), "ỉ": ("æ", "Æ"), "ĩ": ("ó", "Ó"), "ị": ("ò", "Ò"),
    "ỵ": ("î", "Î"),
}  # fmt: skip

_VIETNAMESE_VOWELS = "aăâeêioôơuưy"
_TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")


def vietnamese_letters() -> list[str]:
    """Every Vietnamese letter with a diacritic, lower case then upper case (134)."""
    lower = [
        unicodedata.normalize("NFC", vowel + tone)
        for vowel in _VIETNAMESE_VOWELS
        for tone in _TONE_MARKS
        if vowel + tone not in "aeiouy"
    ]
    lower.append("đ")
    return lower + [ch.upper() for ch in lower]


def _split(letter: str) -> tuple[str, str, str]:
    """ "ấ" -> ("a", "\u0302", "\u0301"): base, vowel mark (hat, breve, horn), tone."""
    base, *marks = unicodedata.normalize("NFD", letter)
    shape = next((m for m in marks if m in "\u0302\u0306\u031b"), "")
    tone = next((m for m in marks if m in _TONES), "")
    return base, shape, tone


def _vni_of(letter: str) -> str:
    upper = letter.isupper()
    lower = letter.lower()
    if lower in _VNI_SINGLE:
        return _VNI_SINGLE[lower][upper]
    base, shape, tone = _split(lower)
    case = 1 if upper else 0
    head = base.upper() if upper else base
    if shape == "\u031b":  # ơ, ư with a tone: their own character, then the tone
        return _VNI_SINGLE[unicodedata.normalize("NFC", base + shape)][case] + _TONES[tone][case]
    if shape == "\u0302":
        return head + _HAT_TONES[tone][case]
    if shape == "\u0306":
        return head + _BREVE_TONES[tone][case]
    return head + _TONES[tone][case]


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str]]:
    """(TCVN3 character -> letter, VNI sequence -> letter)."""
    tcvn = {bytes([byte]).decode("latin-1"): letter for byte, letter in _TCVN3_BYTES.items()}
    vni = {_vni_of(letter): letter for letter in vietnamese_letters()}
    return tcvn, vni


def from_unicode(text: str, encoding: Encoding) -> str:
    """Unicode text as a legacy font stores it (used by tests and the sample generator).
    TCVN3 capitals with a tone are stored as their lower-case bytes (".VnTimeH")."""
    tcvn, vni = _tables()
    table = {v: k for k, v in (tcvn if encoding == "tcvn3" else vni).items()}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch in table:
            out.append(table[ch])
        elif encoding == "tcvn3" and ch.lower() in table:
            out.append(table[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _vni_pattern() -> re.Pattern[str]:
    _, vni = _tables()
    keys = sorted(vni, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


def decode(text: str, encoding: Encoding, upper: bool = False) -> str:
    """`text` stored in a legacy encoding, as Unicode. `upper`: the font draws capitals
    (".VnTimeH"), or the text is written in capitals, so the letters are capitals too."""
    tcvn, vni = _tables()
    if encoding == "tcvn3":
        result = "".join(tcvn.get(ch, ch) for ch in text)
    else:
        result = _vni_pattern().sub(lambda m: vni[m.group(0)], text)
    return result.upper() if upper else result


# ------------------------------------------------------------------------- detection

_GENUINE = re.compile(r"[\u0100-\u01b0\u1ea0-\u1ef9]")  # ă, đ, ơ, ư, ạ ... ỹ: real Unicode
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")


@lru_cache(maxsize=1)
def _markers() -> dict[Encoding, frozenset[str]]:
    """Characters that never appear in Vietnamese Unicode text, per legacy encoding."""
    tcvn, vni = _tables()
    tcvn_chars = {ch for ch in tcvn if ch not in _VIETNAMESE_LATIN1}
    vni_chars = {ch for key in vni for ch in key if ord(ch) > 127} - _VIETNAMESE_LATIN1
    return {"tcvn3": frozenset(tcvn_chars), "vni": frozenset(vni_chars)}


@lru_cache(maxsize=1)
def _vni_pairs() -> re.Pattern[str]:
    """A base vowel followed by a VNI mark ("aù"): also found in real Unicode ("hoà",
    "tiên"), so it only makes VNI a candidate; the words decide."""
    _, vni = _tables()
    marks = {key[-1] for key in vni if len(key) == 2}
    return re.compile(f"[aeiouyAEIOUYôÔöÖ][{''.join(sorted(marks))}]")


_LATIN1_LETTER = re.compile(r"[\u00c0-\u00ff]")
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _known_words() -> frozenset[str]:
    """Vietnamese words a report uses: the catalog, the layouts, the unit names, and the
    words of a title block and signature."""
    from antq.schemas.catalog import catalog
    from antq.schemas.registry import registry

    texts = [
        "Cộng hòa xã hội chủ nghĩa Việt Nam Độc lập Tự do Hạnh phúc báo cáo kết quả thực hiện",
        "phong trào toàn dân bảo vệ an ninh Tổ quốc tháng năm quý ngày công an tỉnh thành phố",
        "xã phường đặc khu đơn vị tính số liệu nội dung chỉ tiêu ghi chú lũy kế tổng cộng",
        "người lập biểu trưởng phó thủ trưởng ký tên đóng dấu kỳ trước cùng kỳ mã số thứ tự",
        "buổi lượt tin bài tờ rơi nguồn tin vụ việc đối tượng lớp cuộc đồng triệu mô hình",
        "so sánh tăng giảm cộng dồn kế hoạch chỉ tiêu giao xếp hạng thứ hạng kỳ này",
    ]
    cat = catalog()
    for indicator in cat.indicators:
        texts += [indicator.label, *indicator.synonyms, indicator.unit_label or ""]
    texts += list(cat.sections.values())
    reg = registry()
    texts += [u.name for u in reg.provinces.values()]
    texts += [u.name for u in reg.communes.values()]
    return frozenset(w.lower() for text in texts for w in _WORD.findall(text))


def _known(text: str) -> int:
    words = _known_words()
    found = _WORD.findall(unicodedata.normalize("NFC", text).lower())
    return sum(1 for w in found if len(w) > 1 and w in words)


@lru_cache(maxsize=65536)
def legacy_encoding(text: str, hint: Encoding | None = None) -> Encoding | None:
    """The legacy encoding `text` is stored in, or None when it reads as it is.

    `hint` is the encoding its font says (".VnTime": tcvn3); the text must still not
    read better unconverted, since a cell can keep an old font after Unicode was typed.
    """
    if text.isascii() or _GENUINE.search(text):
        return None
    markers = _markers()
    candidates: list[Encoding] = [e for e in ("tcvn3", "vni") if set(text) & markers[e]]
    if "vni" not in candidates and _vni_pairs().search(text):
        candidates.append("vni")
    if _LATIN1_LETTER.search(text):
        # "Céng", "chuÈn" hold no character foreign to Vietnamese, yet read as nothing:
        # the words decide, as for the others.
        candidates += [e for e in ("tcvn3", "vni") if e not in candidates]
    if hint is not None and hint not in candidates:
        candidates.append(hint)
    if not candidates:
        return None
    as_is = _known(text)
    # A character Vietnamese Unicode never has ("¸" in "gi¸") is evidence like a font:
    # a tie of words then goes to the encoding it belongs to.
    # A tie between two encodings that both have evidence ("Thuû": TCVN3 "Thuỷ", VNI
    # "Thủ") goes to the hint (the font, or what the rest of the sheet is typed in).
    evidence = {e for e in candidates if e == hint or set(text) & markers[e]}
    scored = sorted(
        ((_known(decode(text, e)), e == hint, e in evidence, e) for e in candidates),
        reverse=True,
    )
    best_known, _, sure, best = scored[0]
    if best_known > as_is or (sure and best_known >= as_is and best_known > 0):
        return best
    return None


def _written_in_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isascii() and ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def to_unicode(text: str, hint: Encoding | None = None, capitals: bool = False) -> str:
    """`text` in Unicode: converted from TCVN3 or VNI when it is stored in one.
    `capitals`: the cell's font draws capitals (".VnTimeH")."""
    encoding = legacy_encoding(text, hint)
    if encoding is None:
        return text
    upper = capitals or (encoding == "tcvn3" and _written_in_capitals(text))
    return unicodedata.normalize("NFC", decode(text, encoding, upper))


def encoding_of_font(font_name: str | None) -> tuple[Encoding | None, bool]:
    """(encoding, draws capitals) of a font name: ".VnTimeH" -> ("tcvn3", True)."""
    if not font_name:
        return None, False
    name = font_name.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3", name.endswith("h")
    if name.startswith("vni"):
        return "vni", False
    return None, False
