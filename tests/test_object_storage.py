"""The warehouse on object storage: a real S3-compatible server (moto's server mode) on
127.0.0.1, reached through the same AWS_* settings a team sets for its bucket."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid

import pandas as pd
import pytest

from antq.warehouse.store import Warehouse
from tests.conftest import PERIOD, S3_SETTINGS, assert_same_month_tables
from tests.test_warehouse import _commit, _facts

BUCKET = "antq-test"


@pytest.fixture(scope="session")
def s3(tmp_path_factory):
    """An S3 server on 127.0.0.1 (its own process, as a team's would be) with one
    bucket, where the session's AWS_* settings (tests/conftest.py) point every client:
    s3fs for files, deltalake for tables."""
    import boto3

    port = S3_SETTINGS["AWS_ENDPOINT_URL"].rsplit(":", 1)[-1]
    log = (tmp_path_factory.mktemp("s3") / "moto.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", port],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        client = boto3.client("s3")
        deadline = time.monotonic() + 60
        while True:
            try:
                client.create_bucket(Bucket=BUCKET)
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield client
    finally:
        server.terminate()
        server.wait(10)
        log.close()


def _url() -> str:
    return f"s3://{BUCKET}/{uuid.uuid4().hex[:8]}"


def _keys(client, url: str) -> list[str]:
    prefix = url.removeprefix(f"s3://{BUCKET}/") + "/"
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"].removeprefix(prefix) for page in pages for item in page.get("Contents", [])]


# --------------------------------------------------------------------------- tables


def test_a_month_is_replaced_in_one_commit_and_read_back_from_the_bucket(s3):
    from deltalake import DeltaTable

    url = _url()
    store = Warehouse(url)
    _commit(store, 1.0)
    _commit(store, 2.0)
    assert store.read("facts", PERIOD)["value"].tolist() == [2.0]
    # deltalake itself, with nothing of ours, reads the table the bucket holds
    delta = DeltaTable(f"{url}/facts", storage_options={"conditional_put": "etag"})
    assert delta.to_pandas()["value"].tolist() == [2.0]
    keys = _keys(s3, url)
    assert any(k.startswith("facts/_delta_log/") for k in keys)
    assert any(k.startswith("runs/_delta_log/") for k in keys)


def test_tables_committed_without_their_run_record_are_never_seen_on_the_bucket(s3):
    url = _url()
    store = Warehouse(url)
    _commit(store, 1.0)
    staged = store.stage()
    store.write_staged(staged, "facts", PERIOD, _facts(5.0))
    data = staged.tables[("facts", PERIOD)]
    import pyarrow as pa

    store._replace("facts", PERIOD, data.append_column("period", pa.array([PERIOD])))
    assert Warehouse(url).read("facts", PERIOD)["value"].tolist() == [1.0]
    with Warehouse(url).writer() as writer:  # the next run puts the table back
        assert writer._delta("facts").version() > writer.pinned["facts"]
    from deltalake import DeltaTable

    delta = DeltaTable(f"{url}/facts", storage_options={"conditional_put": "etag"})
    assert delta.to_pandas()["value"].tolist() == [1.0]


def test_archived_files_are_read_through_a_local_copy(s3, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    store = Warehouse(_url())
    store.archive("cd" * 32, ".xlsx", b"PK original bytes")
    copy = store.archived("cd" * 32, ".xlsx")
    assert copy is not None and copy.read_bytes() == b"PK original bytes"
    assert str(copy).startswith(str(tmp_path / "cache"))
    assert store.archived("ef" * 32, ".xlsx") is None


# --------------------------------------------------------------------------- the lock


def test_a_second_writer_waits_for_the_first_on_the_bucket(s3, monkeypatch):
    from antq.warehouse import store as store_module

    monkeypatch.setattr(store_module, "POLL_SECONDS", 0.1)
    url = _url()
    events: list[str] = []
    first_in = threading.Event()

    def first() -> None:
        with Warehouse(url).writer():
            events.append("first in")
            first_in.set()
            time.sleep(1.5)
            events.append("first out")

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(30)
    with Warehouse(url).writer():
        events.append("second in")
    thread.join()
    assert events == ["first in", "first out", "second in"]
    assert ".lock" not in _keys(s3, url)  # released


def test_the_lease_of_a_killed_run_is_taken_over_once_it_expires(s3, monkeypatch):
    import json

    from antq.warehouse import store as store_module

    monkeypatch.setattr(store_module, "POLL_SECONDS", 0.1)
    url = _url()
    store = Warehouse(url)
    killed = {"owner": "gone", "host": "elsewhere", "pid": 1, "expires": time.time() + 1.0}
    store.location.write(".lock", json.dumps(killed).encode())
    started = time.monotonic()
    with store.writer():
        waited = time.monotonic() - started
        holder = json.loads(store.location.read_bytes(".lock"))
        assert holder["owner"] != "gone"
    assert 0.5 < waited < 20


# --------------------------------------------------------------------------- a month


@pytest.mark.slow  # a month into the bucket, twice: `make test-slow` (CI)
@pytest.mark.usefixtures("prefect_harness")
def test_a_month_on_object_storage_gives_the_tables_of_the_local_run(
    s3, month_run, tmp_path, monkeypatch, capsys
):
    from antq.flows.monthly import monthly_ingest

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root, _, local = month_run
    url = _url()
    on_s3 = monthly_ingest(
        period=PERIOD, inbox=root / "inbox", warehouse=url, reports=tmp_path / "reports"
    )
    assert (on_s3.n_files, on_s3.n_facts, on_s3.n_errors, on_s3.n_warnings) == (
        local.n_files,
        local.n_facts,
        local.n_errors,
        local.n_warnings,
    )
    assert_same_month_tables(Warehouse(root / "warehouse"), Warehouse(url))
    keys = _keys(s3, url)
    assert sum(k.startswith("archive/") for k in keys) == local.n_files
    assert sum(k.startswith("extracts/") for k in keys) == local.n_files
    assert f"_runs/{PERIOD}.json" in keys
    assert ".lock" not in keys
    # the same files again: the month is found done from the record on the bucket
    again = monthly_ingest(
        period=PERIOD, inbox=root / "inbox", warehouse=url, reports=tmp_path / "reports"
    )
    assert again.n_facts == on_s3.n_facts
    assert again.seconds.get("validate") is None  # nothing read, validated or written
    # and the team queries it where it is
    from antq.cli import main

    capsys.readouterr()
    sql = "select count(*) as n from facts where period = '2026-10'"
    assert main(["query", "--warehouse", url, "--csv", str(tmp_path / "n.csv"), sql]) == 0
    assert pd.read_csv(tmp_path / "n.csv")["n"].tolist() == [on_s3.n_facts]


def test_a_warehouse_on_a_bucket_needs_a_reports_folder(s3, tmp_path, capsys):
    from antq.cli import main

    (tmp_path / "inbox").mkdir()
    code = main(
        [
            "run",
            "--period",
            PERIOD,
            "--inbox",
            str(tmp_path / "inbox"),
            "--warehouse",
            f"s3://{BUCKET}/x",
        ]
    )
    assert code == 2
    assert "--reports" in capsys.readouterr().err


def test_a_bucket_that_does_not_exist_is_said_before_the_month_starts(s3, tmp_path, capsys):
    from antq.cli import main

    (tmp_path / "inbox").mkdir()
    code = main(
        [
            "run",
            "--period",
            PERIOD,
            "--inbox",
            str(tmp_path / "inbox"),
            "--warehouse",
            "s3://no-such-bucket/antq",
            "--reports",
            str(tmp_path / "r"),
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "không ghi được vào --warehouse s3://no-such-bucket/antq" in err


@pytest.mark.parametrize("workers", [0, 1])
def test_a_bucket_that_fails_stops_the_reading_and_blames_no_file(s3, tmp_path, workers):
    """The warehouse's failure is never told to a province as its file's."""
    from antq.tasks.discover import InboxFile
    from antq.tasks.intake import intake
    from antq.warehouse.location import StoreUnavailable

    path = tmp_path / "gia-phu.xlsx"
    path.write_bytes(b"PK not much of a workbook")
    received = pd.Timestamp("2026-11-10T08:00:00+07:00").to_pydatetime()
    file = InboxFile(path, "15/gia-phu.xlsx", "15", received, path.stat().st_size)
    with pytest.raises(StoreUnavailable, match="could not write to the warehouse"):
        intake([file], PERIOD, "s3://no-such-bucket/antq", workers=workers)
