"""Custom expectation: column_A / column_B stays at or below `max_value`.

Used for "more than 5,000 people per propaganda session". Rows where column_B is 0 or
missing are not judged here (a count without its base has its own rule).
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)


class ColumnPairRatioAtMost(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.antq_ratio_at_most"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("max_value",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, max_value, **kwargs):  # noqa: N805, N803
        return ~((column_B > 0) & (column_A > column_B * max_value))


class ExpectColumnPairRatioToBeAtMost(ColumnPairMapExpectation):
    """Expect column_A / column_B <= max_value wherever column_B > 0."""

    map_metric = "column_pair_values.antq_ratio_at_most"
    max_value: float
    ignore_row_if: str = "either_value_is_missing"
    success_keys: ClassVar[tuple[str, ...]] = (
        "column_A",
        "column_B",
        "ignore_row_if",
        "max_value",
        "mostly",
    )
