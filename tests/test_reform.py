"""Months before the July 2025 reform: read against the units of their day, carried to
the 2025 units with the split communes flagged, never guessed (SPEC §2).

The expected successors come from the package's own public answers (`convert_address`,
its conversion tables), not from schemas/reform.py; the year-on-year figures are summed
here from the facts."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pytest
from vietnamadminunits import convert_address
from vietnamadminunits.converter import converter_2025 as conversion

from antq.config import Config
from antq.schemas.reform import legacy_registry, successor
from antq.warehouse.rollup import compute_rollup, month_rows_on_current_units
from antq.warehouse.tables import FACTS, SUBMISSIONS
from antq.warehouse.windows import compute_windows

LEGACY = legacy_registry()


def test_the_old_registry_has_the_63_provinces_and_their_communes_with_thi_tran():
    assert len(LEGACY.provinces) == 63
    assert 10_000 < len(LEGACY.communes) < 10_700
    assert LEGACY.communes["00001"].name == "Phường Phúc Xá"
    assert LEGACY.communes["00001"].district == "Quận Ba Đình"
    # Old district towns (thị trấn) are communes too, however their type is written.
    for text in ("Thị trấn Phố Lu", "TT. Phố Lu", "Công an thị trấn Phố Lu", "thi tran pho lu"):
        match = LEGACY.match_commune(text, "10")
        assert match.status == "ok" and match.unit.code == "02905", text


@pytest.mark.parametrize(
    ("old", "address"),
    [
        ("00001", "phường phúc xá, ba đình, hà nội"),
        ("02905", "thị trấn phố lu, bảo thắng, lào cai"),
    ],
)
def test_a_commune_that_went_whole_into_one_new_commune_has_that_successor(old, address):
    after = successor(LEGACY.communes[old])
    assert after.status == "certain"
    assert after.unit.name == convert_address(address).ward
    assert after.unit.registry == "2025"


def test_a_split_commune_is_flagged_with_its_candidates_never_given_to_the_default_one():
    after = successor(LEGACY.communes["00007"])  # Phường Cống Vị, Quận Ba Đình
    parts = conversion.DICT_PROVINCE_WARD_DIVIDED["thanhphohanoi"][
        "thanhphohanoi_quanbadinh_phuongcongvi"
    ]
    assert after.status == "ambiguous" and after.unit is None
    assert len(after.candidates) == len(parts) >= 2
    # The package's own converter silently picks one of them: we must not.
    picked = convert_address("phường cống vị, ba đình, hà nội").ward
    assert picked in {c.name for c in after.candidates}
    assert after.province_code == "01"  # its province is certain


def test_an_old_province_goes_into_the_2025_province_that_took_it():
    assert successor(LEGACY.provinces["02"]).province_code == "08"  # Hà Giang -> Tuyên Quang
    assert successor(LEGACY.provinces["08"]).province_code == "08"
    assert successor(LEGACY.provinces["01"]).province_code == "01"


# ------------------------------------------------------------------ across the reform

SPLIT = "02497"  # Xã Kim Phú (Tuyên Quang), split between two new communes


def _month(period: str, rows: list[tuple[str, str, str, str, float]], registry: str):
    """Facts and submissions of `rows` (unit_code, unit_level, province, indicator,
    value), each unit from its own accepted file received on the 10th."""
    facts = pd.DataFrame(
        [
            {
                "unit_code": unit, "unit_level": level, "province_code": province,
                "indicator": indicator, "value": value, "value_text": None,
                "source_sha256": f"{period}-{unit}", "source_cell": "D9", "registry": registry,
            }
            for unit, level, province, indicator, value in rows
        ]
    )  # fmt: skip
    year, month = map(int, period.split("-"))
    submissions = pd.DataFrame(
        [
            {
                "sha256": sha, "original_path": f"{sha}.xlsx", "province_code": province,
                "unit_code": sha.split("-")[-1],
                "received_at": dt.datetime(year, month, 10, tzinfo=dt.UTC),
                "layout": "form", "status": "accepted", "n_errors": 0, "n_warnings": 0,
                "version": 1, "superseded_by": None, "template": None,
            }
            for sha, province in dict(zip(facts["source_sha256"], facts["province_code"], strict=True)).items()
        ]
    )  # fmt: skip
    return (
        pa.Table.from_pandas(facts, schema=FACTS, preserve_index=False),
        pa.Table.from_pandas(submissions, schema=SUBMISSIONS, preserve_index=False),
    )


def test_june_2026_is_compared_with_june_2025_of_the_old_communes_that_went_into_it():
    legacy_rows = [
        # Hà Giang (02) and Tuyên Quang (08) became Tuyên Quang (08)
        ("00691", "commune", "02", "buoi_tuyen_truyen", 4.0),
        ("02488", "commune", "08", "buoi_tuyen_truyen", 6.0),
        (SPLIT, "commune", "08", "buoi_tuyen_truyen", 10.0),
        ("00691", "commune", "02", "mo_hinh_tong", 3.0),
        (SPLIT, "commune", "08", "mo_hinh_tong", 5.0),
    ]
    before = _month("2025-06", legacy_rows, "legacy")
    assert Config.load("2025-06").registry.edition == "legacy"
    new = Config.load("2026-06").registry.communes_of("08")[:2]
    after = _month(
        "2026-06",
        [(u.code, "commune", "08", "buoi_tuyen_truyen", 30.0) for u in new]
        + [(u.code, "commune", "08", "mo_hinh_tong", 9.0) for u in new],
        "2025",
    )
    base = pd.concat(
        [
            month_rows_on_current_units(*before, "2025-06").assign(period="2025-06"),
            compute_rollup(*after, "2026-06").assign(period="2026-06"),
        ],
        ignore_index=True,
    )
    june = compute_windows(base, ["2026-06"], Config.load("2026-06"))["2026-06"]
    assert set(june["unit_code"]) <= {"VN", *Config.load("2026-06").registry.provinces}

    def row(unit: str, indicator: str) -> pd.Series:
        found = june[
            (june["window"] == "month") & (june["unit_code"] == unit)
            & (june["indicator"] == indicator)
        ]  # fmt: skip
        assert len(found) == 1
        return found.iloc[0]

    certain = [r for r in legacy_rows if successor(LEGACY.communes[r[0]]).certain]
    assert {r[0] for r in certain} == {"00691", "02488"}  # the split one is not
    for unit in ("08", "VN"):
        sessions = row(unit, "buoi_tuyen_truyen")
        assert sessions["value"] == 60.0 and pd.isna(sessions["mapped_share"])
        assert sessions["yoy_value"] == 4.0 + 6.0 + 10.0  # all of it, in its province
        assert sessions["yoy_n_reporting"] == 3
        assert sessions["change_yoy"] == 60.0 - 20.0
        assert sessions["yoy_mapped_share"] == pytest.approx((4.0 + 6.0) / 20.0)
        models = row(unit, "mo_hinh_tong")
        assert models["yoy_value"] == 8.0
        assert models["yoy_mapped_share"] == pytest.approx(3.0 / 8.0)
    # The month rows of June 2025 on the 2025 units expect every old commune of both.
    june_2025 = base[(base["period"] == "2025-06") & (base["unit_code"] == "08")]
    expected = len(LEGACY.communes_of("02")) + len(LEGACY.communes_of("08"))
    assert set(june_2025["n_expected"].loc[june_2025["indicator"] == "buoi_tuyen_truyen"]) == {
        expected
    }
