"""Shared fixtures. Prefect runs against a throw-away local server and database."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


SEED = 2026
PERIOD = "2026-10"


def provinces_by_mode(seed: int = SEED) -> tuple[list[str], list[str]]:
    from antq.sample.generate import province_mode
    from antq.schemas.registry import registry

    codes = sorted(registry().provinces)
    return (
        [c for c in codes if province_mode(c, seed) == "forms"],
        [c for c in codes if province_mode(c, seed) == "table"],
    )


@pytest.fixture(scope="session")
def month_run(tmp_path_factory, prefect_harness):
    """One generated month (two form provinces, one table province, >= 30 commune forms so
    every mistake kind appears) run through the whole flow once."""
    from antq.flows.monthly import monthly_ingest
    from antq.sample.generate import generate_month

    forms, tables = provinces_by_mode()
    root = tmp_path_factory.mktemp("month")
    truth = generate_month(
        root, PERIOD, SEED, provinces=[forms[0], forms[1], tables[0]], max_communes=40
    )
    summary = monthly_ingest(
        period=PERIOD,
        inbox=root / "inbox",
        warehouse=root / "warehouse",
        reports=root / "reports",
        workers=2,
    )
    return root, truth, summary
