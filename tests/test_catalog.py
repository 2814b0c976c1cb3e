"""The catalog and the rule book are data; the GX suites are generated from them."""

from __future__ import annotations

import json

from antq.expectations import SUITES_DIR, load_suite
from antq.expectations.build import render, suite_documents
from antq.findings import Where, make_finding, rule_placeholders
from antq.schemas.catalog import catalog


def test_catalog_matches_the_spec():
    cat = catalog()
    assert len(cat.indicators) == 30
    assert {i.code for i in cat.indicators if i.province_only} == {
        "van_ban_chi_dao",
        "hoi_nghi_so_tong_ket",
    }
    assert cat.indicator("kinh_phi_xa_hoi_hoa").value_type == "vnd"
    assert cat.indicator("xa_dat_chuan").levels == ("commune",)
    assert cat.indicator("phan_loai_phong_trao").is_required("commune", 12)
    assert not cat.indicator("phan_loai_phong_trao").is_required("commune", 10)
    assert {d.code for d in cat.derived} >= {
        "ty_le_bao_cao",
        "ty_le_cqdn_nt_dat_chuan",
        "binh_quan_nguoi_moi_buoi",
    }


def test_every_rule_used_has_a_vietnamese_message():
    cat = catalog()
    used = {rule.rule for rule in cat.consistency}
    assert used <= set(cat.rules)
    for rule in cat.rules.values():
        assert rule.severity in ("error", "warning")
        assert rule.message and rule.fix and rule.title


def test_committed_suites_are_the_catalog_s_suites():
    """Fails when catalog.yaml changed and `antq suites` was not run."""
    for name, document in suite_documents().items():
        committed = (SUITES_DIR / f"{name}.json").read_text(encoding="utf-8")
        assert committed == render(document), (
            f"expectations/suites/{name}.json is stale: run `make suites`"
        )


def test_suites_load_whole():
    for name in ("observations", "reports", "comparisons"):
        document = json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))
        suite = load_suite(name)
        assert len(suite.expectations) == len(document["expectations"]) >= 5
        assert all(e.meta["rule"] in catalog().rules for e in suite.expectations)


def test_every_rule_that_looks_at_values_is_an_expectation_of_a_suite():
    """README's recipe for adding a rule covers every kind: none raised by hand."""
    on_values = {"type", "required", "consistency", "history", "cross-level"}
    rules = {r.id for r in catalog().rules.values() if r.family in on_values}
    in_suites = {
        e["meta"]["rule"] for doc in suite_documents().values() for e in doc["expectations"]
    }
    # missing-column: the missing-required failures of a table's whole column, told once
    assert rules - in_suites == {"missing-column"}


def test_a_suite_that_drops_an_expectation_is_refused(tmp_path):
    document = json.loads((SUITES_DIR / "reports.json").read_text(encoding="utf-8"))
    document["expectations"].append(
        {"type": "expect_no_such_thing", "kwargs": {}, "meta": {"rule": "x"}}
    )
    (tmp_path / "reports.json").write_text(json.dumps(document), encoding="utf-8")
    import pytest

    from antq.expectations import SuiteLoadError

    with pytest.raises(SuiteLoadError):
        load_suite("reports", tmp_path)


def test_messages_are_filled_from_context():
    where = Where(
        period="2026-10",
        province_code="15",
        original_path="2026-10/15/a.xlsx",
        cell="D14",
        unit_name="Xã Gia Phú",
    )
    finding = make_finding("negative-value", where, indicator="nguon_tin", value_raw="-3")
    assert finding.message == "“Số nguồn tin do quần chúng cung cấp” ghi -3, số liệu không được âm."
    assert "D14" in finding.fix
    assert rule_placeholders("part-exceeds-whole") >= {
        "label",
        "value",
        "limit_label",
        "limit_value",
        "cell",
        "limit_cell",
    }
