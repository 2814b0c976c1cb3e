"""The sample generator: its truth must be exactly what its files say.

Small samples only (a few provinces, the first communes of each): the national month is
timed in benchmarks, not here.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string

from antq.sample.generate import (
    FILE_MISTAKES,
    MISTAKE_KINDS,
    SampleTruth,
    generate_month,
    main,
    province_mode,
)
from antq.schemas.catalog import ConsistencyRule, catalog
from antq.schemas.registry import registry

SEED = 2026
PERIOD = "2026-10"


def _provinces_by_mode(seed: int) -> tuple[list[str], list[str]]:
    codes = sorted(registry().provinces)
    forms = [code for code in codes if province_mode(code, seed) == "forms"]
    tables = [code for code in codes if province_mode(code, seed) == "table"]
    return forms, tables


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleTruth]:
    """Two form provinces and one table province, enough commune forms (>= 30) for every
    mistake kind to appear."""
    forms, tables = _provinces_by_mode(SEED)
    root = tmp_path_factory.mktemp("sample")
    truth = generate_month(
        root, PERIOD, SEED, provinces=[*forms[:2], tables[0]], max_communes=60, workers=2
    )
    return root, truth


def _cell_number(raw: object) -> float | str | None:
    """How the pipeline must read a cell, for the few spellings the generator uses."""
    if raw is None or isinstance(raw, int | float):
        return None if raw is None else float(raw)
    text = str(raw).strip()
    if text in ("Đạt", "Chưa đạt"):
        return 1.0 if text == "Đạt" else 0.0
    if re.fullmatch(r"\d{1,3}(\.\d{3})+đ?", text):
        return float(text.rstrip("đ").replace(".", ""))
    return text


def _sheet(root: Path, original_path: str, sheet: str):  # type: ignore[no-untyped-def]
    return load_workbook(root / "inbox" / original_path)[sheet]


def _holds(rule: ConsistencyRule, values: Mapping[str, float]) -> bool:
    """The catalog's rule semantics, written apart from the generator's own check."""
    if any(code not in values for code in rule.indicators):
        return True
    value = values[rule.value]
    if rule.check == "sum_equals":
        return value == sum(values[part] for part in rule.parts)
    if rule.check == "not_greater":
        return value <= values[rule.limit]
    if rule.check == "zero_when_zero":
        return values[rule.base] != 0 or value == 0
    if rule.check == "ratio_at_most":
        return values[rule.base] == 0 or value / values[rule.base] <= rule.max
    raise AssertionError(f"unknown check {rule.check}")


def test_same_seed_gives_the_same_month_and_another_seed_does_not(tmp_path: Path) -> None:
    runs = {
        name: generate_month(tmp_path / name, PERIOD, seed, ["01", "04"], 6, workers=workers)
        for name, seed, workers in (
            ("a", SEED, 2),
            ("b", SEED, 2),
            ("c", SEED + 1, 2),
            ("d", SEED, 1),
        )
    }
    for frame in ("facts", "findings", "files"):
        pd.testing.assert_frame_equal(getattr(runs["a"], frame), getattr(runs["b"], frame))
        pd.testing.assert_frame_equal(getattr(runs["a"], frame), getattr(runs["d"], frame))
        first = (tmp_path / "a" / "truth" / PERIOD / f"{frame}.parquet").read_bytes()
        assert first == (tmp_path / "b" / "truth" / PERIOD / f"{frame}.parquet").read_bytes()
    for path in runs["a"].files["original_path"]:
        a, b = tmp_path / "a" / "inbox" / path, tmp_path / "b" / "inbox" / path
        assert a.read_bytes() == b.read_bytes()
        assert os.stat(a).st_mtime == os.stat(b).st_mtime
    assert not runs["a"].facts["value"].equals(runs["c"].facts["value"])


def test_restricting_the_sample_keeps_each_units_values(tmp_path: Path) -> None:
    forms, _ = _provinces_by_mode(SEED)
    alone = generate_month(tmp_path / "alone", PERIOD, SEED, [forms[0]], 5, mistakes=False)
    wider = generate_month(tmp_path / "wide", PERIOD, SEED, [forms[1], forms[0]], 5, mistakes=False)
    communes = alone.facts[alone.facts["unit_level"] == "commune"]
    merged = communes.merge(wider.facts, on=["unit_code", "indicator"], suffixes=("", "_wide"))
    assert len(merged) == len(communes) > 0
    assert (merged["value"].fillna(-1) == merged["value_wide"].fillna(-1)).all()


def test_written_cells_hold_the_truth_values(sample: tuple[Path, SampleTruth]) -> None:
    root, truth = sample
    mismatches = []
    for (path, sheet), facts in truth.facts.groupby(["original_path", "sheet"]):
        ws = _sheet(root, path, sheet)
        for fact in facts.itertuples():
            written = _cell_number(ws[fact.source_cell].value)
            expected = fact.value_text if pd.isna(fact.value) else fact.value
            if written != expected:
                mismatches.append((path, fact.source_cell, fact.indicator, written, expected))
    assert mismatches == []


def test_every_loaded_report_satisfies_the_catalog_rules(sample: tuple[Path, SampleTruth]) -> None:
    _, truth = sample
    broken = []
    for (unit, path), facts in truth.facts.groupby(["unit_code", "original_path"]):
        values = dict(zip(facts["indicator"], facts["value"], strict=True))
        broken += [
            (unit, path, r.rule, r.value) for r in catalog().consistency if not _holds(r, values)
        ]
    assert broken == []


def test_province_figures_are_sums_of_commune_figures_in_form_mode(
    sample: tuple[Path, SampleTruth],
) -> None:
    """In form mode the province adds up all its communes' true values; those that are
    loaded are a subset, so the province figure is never smaller than their sum."""
    _, truth = sample
    facts = truth.facts
    form_provinces = truth.files.loc[truth.files["mode"] == "forms", "province_code"].unique()
    clean = truth.files.loc[truth.files["mistake"].isna(), "original_path"]
    for code in form_provinces:
        mine = facts[(facts["province_code"] == code) & facts["original_path"].isin(clean)]
        communes = mine[mine["unit_level"] == "commune"].groupby("indicator")["value"].sum()
        province = mine[mine["unit_level"] == "province"].set_index("indicator")["value"]
        shared = communes.index.intersection(province.index)
        assert len(shared) > 0
        assert (province[shared] >= communes[shared]).all()


def test_table_total_row_equals_the_column_sums(sample: tuple[Path, SampleTruth]) -> None:
    root, truth = sample
    tables = truth.files[truth.files["layout"] == "table"]
    assert len(tables) >= 1
    for path in tables["original_path"]:
        totals = truth.facts[
            (truth.facts["original_path"] == path) & (truth.facts["unit_level"] == "province")
        ]
        ws = _sheet(root, path, totals["sheet"].iloc[0])
        summed = 0
        for fact in totals.itertuples():
            if "commune" not in catalog().indicator(fact.indicator).levels:
                continue
            column, total_row = coordinate_from_string(fact.source_cell)
            rows = [r for r in range(1, total_row) if isinstance(ws[f"A{r}"].value, int)]
            assert ws[fact.source_cell].value == sum(ws[f"{column}{r}"].value for r in rows)
            summed += 1
        assert summed > 0


def test_every_mistake_kind_appears_once_at_least(sample: tuple[Path, SampleTruth]) -> None:
    _, truth = sample
    n_commune_forms = (
        (truth.files["layout"] == "form") & (truth.files["unit_level"] == "commune")
    ).sum()
    assert n_commune_forms >= 30
    assert set(truth.files["mistake"].dropna()) == set(MISTAKE_KINDS)
    assert set(MISTAKE_KINDS) <= set(truth.findings["rule"])
    assert set(truth.findings["severity"]) <= {"error", "warning"}
    table_paths = truth.files.loc[truth.files["layout"] == "table", "original_path"]
    in_tables = truth.findings[truth.findings["original_path"].isin(table_paths)]
    assert "negative-value" in set(in_tables["rule"])


def test_a_clean_month_has_no_findings(tmp_path: Path) -> None:
    forms, tables = _provinces_by_mode(SEED)
    truth = generate_month(tmp_path, PERIOD, SEED, [forms[0], tables[0]], 40, mistakes=False)
    assert truth.findings.empty
    assert set(truth.files["expected_status"]) == {"accepted"}
    assert truth.files["mistake"].isna().all()


def test_rejected_files_contribute_no_facts(sample: tuple[Path, SampleTruth]) -> None:
    root, truth = sample
    rejected = truth.files[truth.files["expected_status"] == "rejected"]
    assert set(rejected["mistake"]) == set(FILE_MISTAKES)
    assert not truth.facts["original_path"].isin(rejected["original_path"]).any()
    file_level = truth.findings[truth.findings["original_path"].isin(rejected["original_path"])]
    assert file_level["cell"].isna().all() and file_level["indicator"].isna().all()
    assert sorted(file_level["original_path"]) == sorted(rejected["original_path"])
    for row in rejected[rejected["mistake"] == "file-unreadable"].itertuples():
        with pytest.raises(Exception):  # noqa: B017 - any reader error will do
            load_workbook(root / "inbox" / row.original_path)


def test_value_mistakes_hold_back_every_value_they_name(sample: tuple[Path, SampleTruth]) -> None:
    _, truth = sample
    facts = truth.facts.set_index(["original_path", "unit_code", "indicator"]).sort_index()
    errors = truth.findings[
        (truth.findings["severity"] == "error") & truth.findings["cell"].notna()
    ]
    assert len(errors) > 0
    for finding in errors.itertuples():
        named = {finding.indicator}
        named |= {
            code
            for rule in catalog().consistency
            if rule.rule == finding.rule and rule.value == finding.indicator
            for code in rule.indicators
        }
        for code in named:
            assert (finding.original_path, finding.unit_code, code) not in facts.index


def test_a_commune_with_its_own_form_is_loaded_from_it(sample: tuple[Path, SampleTruth]) -> None:
    """Precedence: a commune's own accepted form wins over its row in the table, and a
    row that differs from it is a warning at the table cell."""
    root, truth = sample
    assert not truth.facts.duplicated(["unit_code", "indicator"]).any()
    table = truth.files[truth.files["layout"] == "table"].iloc[0]
    mine = truth.files[
        (truth.files["province_code"] == table["province_code"]) & (truth.files["layout"] == "form")
    ]
    accepted = mine[mine["expected_status"] == "accepted"]
    sources = truth.facts[truth.facts["unit_code"].isin(accepted["unit_code"])]
    assert len(sources) > 0 and set(sources["original_path"]) <= set(accepted["original_path"])
    differs = truth.findings[truth.findings["rule"] == "commune-file-differs"]
    assert len(differs) > 0
    for finding in differs.itertuples():
        table_value = _sheet(root, finding.original_path, finding.sheet)[finding.cell].value
        own = truth.facts[
            (truth.facts["unit_code"] == finding.unit_code)
            & (truth.facts["indicator"] == finding.indicator)
        ]
        assert float(table_value) != own["value"].item()


def test_files_arrive_in_the_period_month_with_their_mtime(
    sample: tuple[Path, SampleTruth],
) -> None:
    root, truth = sample
    days = truth.files["received_at"].dt.day
    assert days.between(10, 28).all() and (days <= 20).mean() > 0.8
    assert (truth.files["received_at"].dt.month == 10).all()
    for row in truth.files.itertuples():
        assert os.stat(root / "inbox" / row.original_path).st_mtime == row.received_at.timestamp()


def test_folders_name_their_province(sample: tuple[Path, SampleTruth]) -> None:
    _, truth = sample
    for row in truth.files.itertuples():
        folder = row.original_path.split("/")[1]
        assert registry().province_folder(folder).code == row.province_code


def test_december_forms_carry_the_ranking(tmp_path: Path) -> None:
    forms, _ = _provinces_by_mode(SEED)
    truth = generate_month(tmp_path, "2026-12", SEED, [forms[0]], 4, mistakes=False)
    december_only = [ind for ind in catalog().indicators if ind.required_months == (12,)]
    assert december_only
    for ind in december_only:
        ranked = truth.facts[truth.facts["indicator"] == ind.code]
        assert len(ranked) > 0 and ranked["value"].isna().all()
        assert set(ranked["value_text"]) <= set(ind.categories)
    october = generate_month(tmp_path / "oct", PERIOD, SEED, [forms[0]], 4, mistakes=False)
    assert not october.facts["indicator"].isin([ind.code for ind in december_only]).any()


def test_load_and_cli_give_back_the_same_truth(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--root", str(tmp_path), "--provinces", "01,15", "--max-communes", "3"]
    assert main([*args, "--workers", "1"]) == 0
    assert "files" in capsys.readouterr().out
    loaded = SampleTruth.load(tmp_path, PERIOD)
    again = generate_month(tmp_path, PERIOD, SEED, ["01", "15"], 3, workers=1)
    pd.testing.assert_frame_equal(loaded.facts, again.facts)
    pd.testing.assert_frame_equal(loaded.files, again.files)
    assert math.isclose(loaded.facts["value"].sum(), again.facts["value"].sum())


# --------------------------------------------------------------------------- a series


def test_a_series_lets_stocks_grow_and_flows_follow_the_season(tmp_path: Path) -> None:
    from antq.sample.generate import evolution, generate_series

    truths = generate_series(
        tmp_path, "2026-03", 3, provinces=["15"], max_communes=5, mistakes=False, workers=1
    )
    assert [t.period for t in truths] == ["2026-01", "2026-02", "2026-03"]
    facts = pd.concat([t.facts for t in truths])
    stocks = facts[(facts["indicator"] == "mo_hinh_tong") & (facts["unit_level"] == "commune")]
    by_unit = stocks.pivot(index="unit_code", columns="period", values="value")
    steps = by_unit.ffill(axis=1).diff(axis=1).iloc[:, 1:].stack().dropna()  # not sent: skipped
    assert len(steps) and (steps >= 0).all()  # never falls
    assert (by_unit["2026-03"] > by_unit["2026-01"]).any()  # and grows
    cat = catalog()
    flow, stock = cat.indicator("buoi_tuyen_truyen"), cat.indicator("mo_hinh_khu_dan_cu")
    assert evolution("04456", flow, "2026-02", 1) < evolution("04456", flow, "2026-08", 1)
    assert evolution("04456", stock, "2025-07", 1) == 1.0
    assert evolution("04456", stock, "2026-07", 1) >= 1.0


def test_a_series_reaching_before_the_reform_writes_those_months_on_the_old_units(
    tmp_path: Path,
) -> None:
    from antq.sample.generate import generate_series

    truths = generate_series(
        tmp_path, "2025-07", 2, provinces=["08"], max_communes=3, mistakes=False, workers=1
    )
    june, july = truths
    # Tuyên Quang (08) took in Hà Giang (02): June 2025 is written by both old provinces.
    assert sorted(june.files["province_code"].unique()) == ["02", "08"]
    assert sorted(july.files["province_code"].unique()) == ["08"]
    folders = {p.name for p in (tmp_path / "inbox" / "2025-06").iterdir()}
    assert len(folders) == 2 and any(
        "ha-giang" in f or f == "02" or "Hà Giang" in f for f in folders
    )
    from antq.schemas.reform import legacy_registry

    old = legacy_registry()
    communes = june.facts.loc[june.facts["unit_level"] == "commune", "unit_code"].unique()
    assert len(communes) and all(code in old.communes for code in communes)
    # an old commune is about a third of a new one
    sessions = lambda t: t.facts.loc[  # noqa: E731
        (t.facts["unit_level"] == "commune") & (t.facts["indicator"] == "buoi_tuyen_truyen"),
        "value",
    ].mean()
    assert sessions(june) < sessions(july)
