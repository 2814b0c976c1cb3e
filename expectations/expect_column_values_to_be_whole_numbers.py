"""Custom expectation: every value of a column is a whole number (counts, đồng)."""

from __future__ import annotations

from typing import ClassVar

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

# Formulas leave float noise (12.000000000001); that is still twelve.
TOLERANCE = 1e-9


class ColumnValuesWholeNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.antq_whole_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):  # noqa: N805 - GX metric signature
        return (column - column.round()).abs() < TOLERANCE


class ExpectColumnValuesToBeWholeNumbers(ColumnMapExpectation):
    """Expect each non-null value of the column to be a whole number."""

    map_metric = "column_values.antq_whole_number"
    success_keys: ClassVar[tuple[str, ...]] = ("mostly",)
