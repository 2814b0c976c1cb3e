"""Custom expectation: column_A has not fallen below (1 - max_drop) x column_B.

Used for stocks against their last reported value: a stock that loses more than half of
itself in a month (models dissolved, a typo) is worth a second look. Rows where column_B
(the earlier value) is missing or 0 are not judged.
"""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnPairMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnPairMapMetricProvider,
    column_pair_condition_partial,
)


class ColumnPairDropAtMost(ColumnPairMapMetricProvider):
    condition_metric_name = "column_pair_values.antq_drop_at_most"
    condition_domain_keys = (
        "batch_id",
        "table",
        "column_A",
        "column_B",
        "row_condition",
        "condition_parser",
        "ignore_row_if",
    )
    condition_value_keys = ("max_drop",)

    @column_pair_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_A, column_B, max_drop, **kwargs):  # noqa: N805, N803
        return ~((column_B > 0) & (column_A < column_B * (1 - max_drop)))


class ExpectColumnPairDropToBeAtMost(ColumnPairMapExpectation):
    """Expect column_A >= (1 - max_drop) * column_B wherever column_B > 0."""

    map_metric = "column_pair_values.antq_drop_at_most"
    max_drop: float
    ignore_row_if: str = "either_value_is_missing"
    success_keys: ClassVar[tuple[str, ...]] = (
        "column_A",
        "column_B",
        "ignore_row_if",
        "max_drop",
        "mostly",
    )
