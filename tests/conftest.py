"""Shared fixtures. Prefect runs against a throw-away local server and database."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The S3 server the object storage tests start (tests/test_object_storage.py), set for
# the whole session before any worker process starts: the reader's workers fork from a
# server process that keeps the environment it started with.
S3_SETTINGS = {
    "AWS_ENDPOINT_URL": os.environ.get("ANTQ_TEST_S3") or f"http://127.0.0.1:{_free_port()}",
    "AWS_ACCESS_KEY_ID": "antq",
    "AWS_SECRET_ACCESS_KEY": "antq-secret",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ALLOW_HTTP": "true",
}
os.environ.update(S3_SETTINGS, ANTQ_TEST_S3=S3_SETTINGS["AWS_ENDPOINT_URL"])


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


def assert_same_month_tables(a, b, period: str = PERIOD) -> None:
    """Warehouses `a` and `b` hold the same rows of `period` in every table a run
    writes, whatever their order."""
    for table in ("submissions", "facts", "findings", "observations", "rollup"):
        left, right = a.read(table, period), b.read(table, period)
        keys = list(left.columns)
        left = left.sort_values(keys, na_position="first").reset_index(drop=True)
        right = right.sort_values(keys, na_position="first").reset_index(drop=True)
        assert left.equals(right), table
