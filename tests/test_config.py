"""One configuration per run, passed in: the units of the month's own day, and the same
configuration in the worker processes without shipping it with every file."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from builders import CLEAN, form_bytes, normalize

from antq.config import Config, UnsupportedPeriod
from antq.schemas.registry import Registry


def test_the_packaged_configuration_crosses_to_a_worker_by_name():
    config = Config.load("2026-10")
    data = pickle.dumps(config)
    assert len(data) < 200  # not the catalog and 3,321 communes
    assert pickle.loads(data) is config


def test_a_configuration_made_by_hand_travels_whole():
    config = Config.load("2026-10")
    own = dataclasses.replace(
        config, registry=Registry(list(config.registry.provinces.values()), [])
    )
    back = pickle.loads(pickle.dumps(own))
    assert back is not config and back.registry.communes == {}


def test_a_month_is_read_against_the_registry_it_is_given():
    config = Config.load("2026-10")
    assert normalize(form_bytes(CLEAN)).unit_code == "02923"  # Xã Gia Phú, Lào Cai
    without = Registry(
        list(config.registry.provinces.values()),
        [u for u in config.registry.communes.values() if u.code != "02923"],
    )
    parsed = normalize(form_bytes(CLEAN), config=dataclasses.replace(config, registry=without))
    # Without Lào Cai's Gia Phú, the title names only a Gia Phú of another province.
    assert parsed.rejected and parsed.unit_code is None
    assert [f.rule for f in parsed.findings] == ["unit-outside-province"]


def test_a_month_before_the_2025_reform_is_read_against_the_units_of_its_day():
    assert Config.load("2025-07").registry.edition == "2025"
    before = Config.load("2025-06").registry
    assert before.edition == "legacy"
    assert len(before.provinces) == 63
    # Hà Giang (02) was merged into Tuyên Quang (08): it exists only before the reform.
    assert before.provinces["02"].name == "Hà Giang"
    assert "02" not in Config.load("2025-07").registry.provinces
    with pytest.raises(UnsupportedPeriod, match="trước thời kỳ lưu trữ"):
        Config.load("2019-12")
