"""Custom expectation: the first column of `column_list` equals the sum of the others.

GX's own ExpectMulticolumnSumToEqual compares a row sum with a constant; a report's total
(mo_hinh_tong) must equal the sum of its parts on the same row.
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    MulticolumnMapMetricProvider,
    multicolumn_condition_partial,
)

TOLERANCE = 1e-9


class MulticolumnFirstIsSumOfRest(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.antq_first_is_sum_of_rest"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_list",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):  # noqa: N805 - GX metric signature
        total = column_list.iloc[:, 0]
        parts = column_list.iloc[:, 1:].sum(axis=1, skipna=False)
        return (total - parts).abs() < TOLERANCE


class ExpectColumnToEqualSumOfColumns(MulticolumnMapExpectation):
    """Expect column_list[0] to equal the sum of column_list[1:] on every row.

    Rows where any value is missing are skipped (blank is "not reported", not 0).
    """

    map_metric = "multicolumn_values.antq_first_is_sum_of_rest"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
    ignore_row_if: str = "any_value_is_missing"
