"""Great Expectations suites and our custom expectations (one per file).

Importing this package registers the custom expectations with GX, so suites that use
them load. `load_suite` refuses a suite that lost an expectation on the way: GX logs
and drops an expectation it cannot build, which would silently switch a rule off.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")

import great_expectations as gx  # noqa: E402

from antq.expectations.expect_column_pair_drop_to_be_at_most import (  # noqa: E402
    ExpectColumnPairDropToBeAtMost,
)
from antq.expectations.expect_column_pair_ratio_to_be_at_most import (  # noqa: E402
    ExpectColumnPairRatioToBeAtMost,
)
from antq.expectations.expect_column_to_equal_sum_of_columns import (  # noqa: E402
    ExpectColumnToEqualSumOfColumns,
)
from antq.expectations.expect_column_values_to_be_whole_numbers import (  # noqa: E402
    ExpectColumnValuesToBeWholeNumbers,
)

SUITES_DIR = Path(__file__).parent / "suites"

__all__ = [
    "SUITES_DIR",
    "ExpectColumnPairDropToBeAtMost",
    "ExpectColumnPairRatioToBeAtMost",
    "ExpectColumnToEqualSumOfColumns",
    "ExpectColumnValuesToBeWholeNumbers",
    "load_suite",
]


class SuiteLoadError(RuntimeError):
    pass


def load_suite(name: str, directory: Path = SUITES_DIR) -> gx.ExpectationSuite:
    """The suite `name` from its JSON file, with every expectation in it."""
    document = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
    suite = gx.ExpectationSuite(**document)
    if len(suite.expectations) != len(document["expectations"]):
        raise SuiteLoadError(
            f"suite {name}: {len(document['expectations'])} expectations in the file, "
            f"{len(suite.expectations)} loaded; see the GX log for the one it could not build"
        )
    for expectation in suite.expectations:
        if "rule" not in (expectation.meta or {}):
            raise SuiteLoadError(f"suite {name}: {expectation.expectation_type} has no meta.rule")
    return suite
