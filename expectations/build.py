"""Write the Great Expectations suites of expectations/suites/ from the catalog.

The catalog (schemas/catalog.yaml) says what the rules are; the suites are the GX form of
the same rules, kept as files so the data team can read, diff and extend them. Every
expectation carries in its `meta` the rule id of rules.yaml its failures become, and the
indicators it holds back. Run `python -m antq.expectations.build` after editing the
catalog; a test fails while the files and the catalog disagree.

Three frames are validated, once per run each:
- observations: one row per indicator cell read (long); the type rules.
- reports: one row per unit report, one column per indicator (wide); the rules between
  indicators of one report and against the unit's history. Only values that passed the
  type rules reach it.
- comparisons: one row per figure that must agree with another across reports (a
  table's total row, a commune's own file and its row in the province's table, a
  province's figure and its communes' sum), by `kind`.
"""

from __future__ import annotations

import json
from pathlib import Path

import great_expectations as gx
from great_expectations.expectations.row_conditions import Column

from antq.expectations import (
    SUITES_DIR,
    ExpectColumnPairDropToBeAtMost,
    ExpectColumnPairRatioToBeAtMost,
    ExpectColumnToEqualSumOfColumns,
    ExpectColumnValuesToBeWholeNumbers,
)
from antq.schemas.catalog import Catalog, ConsistencyRule, catalog

NUMERIC = ["integer", "vnd"]


def _meta(
    rule: str,
    indicator: str | None = None,
    holds: list[str] | None = None,
    related: dict | None = None,
) -> dict:
    """indicator: the cell the finding points at (None: the observation row's own);
    holds: the indicators of the report held back when it fails (errors only);
    related: the other indicators the message names (limit, base, parts)."""
    return {
        "rule": rule,
        "indicator": indicator,
        "holds": holds or ([indicator] if indicator else []),
        "related": related or {},
    }


def observations_suite(cat: Catalog) -> gx.ExpectationSuite:
    numeric = Column("value_type").is_in(NUMERIC)
    # A formula that could not be computed has its own finding, not "not a number" too.
    reported = Column("status").is_not_in(["blank", "formula"])
    expectations = [
        gx.expectations.ExpectColumnValuesToNotBeInSet(
            column="status", value_set=["formula"], meta=_meta("formula-without-value")
        ),
        gx.expectations.ExpectColumnValuesToNotBeNull(
            column="value", row_condition=numeric & reported, meta=_meta("not-a-number")
        ),
        gx.expectations.ExpectColumnValuesToBeBetween(
            column="value", min_value=0, row_condition=numeric, meta=_meta("negative-value")
        ),
        ExpectColumnValuesToBeWholeNumbers(
            column="value", row_condition=numeric, meta=_meta("not-an-integer")
        ),
        gx.expectations.ExpectColumnValuesToNotBeNull(
            column="value",
            row_condition=(Column("value_type") == "binary") & reported,
            meta=_meta("invalid-binary"),
        ),
        gx.expectations.ExpectColumnValuesToBeInSet(
            column="value",
            value_set=[0, 1],
            row_condition=Column("value_type") == "binary",
            meta=_meta("invalid-binary"),
        ),
        gx.expectations.ExpectColumnValuesToNotBeInSet(
            column="status", value_set=["approximate"], meta=_meta("approximate-value")
        ),
    ]
    for indicator in cat.indicators:
        if indicator.value_type != "category":
            continue
        is_it = Column("indicator") == indicator.code
        expectations += [
            gx.expectations.ExpectColumnValuesToNotBeNull(
                column="value_text", row_condition=is_it & reported, meta=_meta("invalid-category")
            ),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="value_text",
                value_set=list(indicator.categories),
                row_condition=is_it,
                meta=_meta("invalid-category"),
            ),
        ]
    return gx.ExpectationSuite(name="observations", expectations=expectations)


def _required(cat: Catalog) -> list:
    expectations = []
    for indicator in cat.indicators:
        if not (indicator.required or indicator.required_months):
            continue
        condition = Column("unit_level").is_in(list(indicator.levels))
        if indicator.required_months:
            condition = condition & Column("month").is_in(list(indicator.required_months))
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeInSet(
                column=f"reported__{indicator.code}",
                value_set=[True],
                row_condition=condition,
                meta=_meta("missing-required", indicator.code),
            )
        )
    return expectations


def _consistency(rule: ConsistencyRule) -> gx.expectations.Expectation:
    related = {"limit": rule.limit, "base": rule.base, "parts": list(rule.parts), "max": rule.max}
    meta = _meta(rule.rule, rule.value, list(rule.indicators), related)
    if rule.check == "sum_equals":
        return ExpectColumnToEqualSumOfColumns(column_list=[rule.value, *rule.parts], meta=meta)
    if rule.check == "not_greater":
        return gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=rule.limit,
            column_B=rule.value,
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            meta=meta,
        )
    if rule.check == "zero_when_zero":
        return gx.expectations.ExpectColumnValuesToBeInSet(
            column=rule.value, value_set=[0], row_condition=Column(rule.base) == 0, meta=meta
        )
    if rule.check == "ratio_at_most":
        return ExpectColumnPairRatioToBeAtMost(
            column_A=rule.value, column_B=rule.base, max_value=float(rule.max or 0), meta=meta
        )
    raise ValueError(f"catalog.yaml: unknown check {rule.check!r} in {rule}")


def _history(cat: Catalog) -> list:
    """Each count against the unit's own past (columns prepared by the validate stage:
    previous__<code> for stocks, zscore__<code> for flows)."""
    history = cat.history
    expectations = []
    for indicator in cat.indicators:
        if not indicator.is_count:
            continue
        if indicator.kind == "stock":
            expectations.append(
                ExpectColumnPairDropToBeAtMost(
                    column_A=indicator.code,
                    column_B=f"previous__{indicator.code}",
                    max_drop=history.max_drop,
                    meta=_meta(history.stock_drop_rule, indicator.code, [], {"history": "stock"}),
                )
            )
        else:
            expectations.append(
                gx.expectations.ExpectColumnValuesToBeBetween(
                    column=f"zscore__{indicator.code}",
                    min_value=-history.max_z,
                    max_value=history.max_z,
                    meta=_meta(history.flow_outlier_rule, indicator.code, [], {"history": "flow"}),
                )
            )
    return expectations


def reports_suite(cat: Catalog) -> gx.ExpectationSuite:
    expectations = _required(cat) + [_consistency(rule) for rule in cat.consistency] + _history(cat)
    return gx.ExpectationSuite(name="reports", expectations=expectations)


def comparisons_suite() -> gx.ExpectationSuite:
    def kind(name: str):  # -> row condition
        return Column("kind") == name

    def equal(condition, rule: str, a: str = "value", b: str = "expected"):
        return gx.expectations.ExpectColumnPairValuesToBeEqual(
            column_A=a,
            column_B=b,
            ignore_row_if="either_value_is_missing",
            row_condition=condition,
            meta=_meta(rule, holds=[]),
        )

    province = kind("province-total")
    expectations = [
        equal(kind("total-row"), "total-row-mismatch"),
        equal(kind("commune-file"), "commune-file-differs"),
        equal(kind("commune-file"), "commune-file-differs", "text", "expected_text"),
        # With communes missing, the province's figure may rightly exceed the sum of
        # those that reported, but never fall below it (figures are non-negative).
        equal(province & (Column("complete") == True), "province-total-mismatch"),  # noqa: E712
        gx.expectations.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A="value",
            column_B="expected",
            or_equal=True,
            ignore_row_if="either_value_is_missing",
            row_condition=province & (Column("complete") == False),  # noqa: E712
            meta=_meta("province-total-mismatch", holds=[]),
        ),
    ]
    return gx.ExpectationSuite(name="comparisons", expectations=expectations)


def suite_documents(cat: Catalog | None = None) -> dict[str, dict]:
    """The suites as JSON documents, with GX's volatile fields (ids, version) left out."""
    cat = cat or catalog()
    documents = {}
    for suite in (observations_suite(cat), reports_suite(cat), comparisons_suite()):
        doc = suite.to_json_dict()
        doc.pop("id", None)
        doc["meta"] = {"source": "schemas/catalog.yaml", "catalog_version": cat.version}
        for expectation in doc["expectations"]:
            expectation.pop("id", None)
        documents[suite.name] = doc
    return documents


def render(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_suites(directory: Path = SUITES_DIR) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, document in suite_documents().items():
        path = directory / f"{name}.json"
        path.write_text(render(document), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_suites():
        print(f"wrote {path}")
