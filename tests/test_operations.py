"""Running it as the data team does: schedules, run names, retries, e-mails, Dask."""

from __future__ import annotations

import datetime as dt
import errno
import os
import socket
import time
from pathlib import Path

import pytest
import yaml
from builders import CLEAN, form_bytes
from conftest import PERIOD, assert_same_month_tables

from antq.schemas.periods import period_rules

VN = period_rules().timezone
ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("now", "period"),
    [
        (dt.datetime(2026, 11, 21, 6, 0, tzinfo=VN), "2026-11"),  # the schedule's run
        (dt.datetime(2026, 11, 20, 23, 0, tzinfo=VN), "2026-10"),  # before the deadline
        (dt.datetime(2026, 1, 3, 8, 0, tzinfo=VN), "2025-12"),  # across the year
        # 20 Nov 17:30 UTC is 21 Nov 00:30 in Việt Nam: the deadline has passed there
        (dt.datetime(2026, 11, 20, 17, 30, tzinfo=dt.UTC), "2026-11"),
    ],
)
def test_a_scheduled_run_is_for_the_month_whose_deadline_just_passed(now, period):
    assert period_rules().last_closed(now) == period


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (BlockingIOError(errno.EAGAIN, "locked"), True),
        (OSError(errno.EBUSY, "busy"), True),
        (ConnectionResetError(), True),
        (TimeoutError(), True),
        (PermissionError(errno.EACCES, "denied"), False),
        (FileNotFoundError(errno.ENOENT, "gone"), False),
        (ValueError("a bug"), False),
    ],
)
def test_only_errors_a_retry_can_help_are_retried(error, transient):
    from antq.flows.monthly import is_transient

    assert is_transient(error) is transient
    try:  # the same error wrapped by our own code
        raise RuntimeError("warehouse: commit failed") from error
    except RuntimeError as wrapped:
        assert is_transient(wrapped) is transient


def test_a_busy_store_is_retried_and_the_month_commits(tmp_path, prefect_harness, monkeypatch):
    """The first commit meets a store that is busy (EBUSY from the file system); the task
    tries again and the month lands."""
    from antq.flows.monthly import monthly_ingest
    from antq.warehouse.store import Warehouse

    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes(CLEAN))
    attempts = []
    commit = Warehouse.commit

    def busy_once(self, staged, partitions):
        attempts.append(time.monotonic())
        if len(attempts) == 1:
            raise OSError(errno.EBUSY, "Device or resource busy", str(self.root))
        return commit(self, staged, partitions)

    monkeypatch.setattr(Warehouse, "commit", busy_once)
    summary = monthly_ingest(
        period=PERIOD, inbox=inbox, warehouse=tmp_path / "wh", reports=tmp_path / "r", workers=0
    )
    assert len(attempts) == 2 and attempts[1] - attempts[0] >= 0.9  # after a pause
    assert summary.n_facts > 0
    assert len(Warehouse(tmp_path / "wh").read("facts", PERIOD)) == summary.n_facts


def _put(inbox: Path, name: str, data: bytes, province: str = "15") -> None:
    path = inbox / PERIOD / province / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    stamp = dt.datetime(2026, 10, 12, 9, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))


# --------------------------------------------------------------------------- e-mail


@pytest.fixture
def smtp_server(monkeypatch):
    """A real SMTP server on 127.0.0.1 that keeps what it receives."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message) -> None:
            received.append(message)

    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setenv("ANTQ_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("ANTQ_SMTP_PORT", str(port))
        monkeypatch.setenv("ANTQ_MAIL_TO", "dulieu@bocongan.gov.vn, truc-ban@bocongan.gov.vn")
        monkeypatch.setenv("ANTQ_MAIL_FROM", "antq@bocongan.gov.vn")
        yield received
    finally:
        controller.stop()


def _text(message) -> str:
    import email
    import email.policy

    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    return parsed["Subject"], parsed.get_content()


def test_a_completed_month_is_mailed_to_the_team(tmp_path, prefect_harness, smtp_server):
    from antq.flows.monthly import monthly_ingest

    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes({**CLEAN, "tin_bai": -3}))
    summary = monthly_ingest(
        period=PERIOD, inbox=inbox, warehouse=tmp_path / "wh", reports=tmp_path / "r", workers=0
    )
    [message] = smtp_server
    assert message["To"] == "dulieu@bocongan.gov.vn, truc-ban@bocongan.gov.vn"
    subject, body = _text(message)
    assert subject.startswith("[ANTQ] Tháng 10/2026: đã xử lý xong: 1 tệp")
    assert f"Lỗi: {summary.n_errors}" in body and summary.n_errors == 1
    assert str(summary.ministry_workbook) in body


def test_a_failed_month_is_mailed_with_what_to_do(tmp_path, prefect_harness, smtp_server):
    from antq.flows.monthly import monthly_ingest

    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes(CLEAN))
    blocked = tmp_path / "wh"
    blocked.write_text("a file where the warehouse folder should be")
    with pytest.raises(OSError):
        monthly_ingest(period=PERIOD, inbox=inbox, warehouse=blocked, reports=tmp_path / "r")
    [message] = smtp_server
    subject, body = _text(message)
    assert subject.startswith("[ANTQ] Tháng 10/2026: KHÔNG chạy xong (antq-2026-10-")
    assert "antq run --period 2026-10" in body and "giữ nguyên" in body


@pytest.mark.slow  # a whole month run (10 s): in `make test-slow`, which CI runs
def test_an_unreachable_mail_server_does_not_fail_the_month(tmp_path, prefect_harness, monkeypatch):
    from antq.flows.monthly import monthly_ingest

    monkeypatch.setenv("ANTQ_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("ANTQ_SMTP_PORT", "9")  # discard: nothing listens
    monkeypatch.setenv("ANTQ_MAIL_TO", "dulieu@bocongan.gov.vn")
    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes(CLEAN))
    summary = monthly_ingest(
        period=PERIOD, inbox=inbox, warehouse=tmp_path / "wh", reports=tmp_path / "r", workers=0
    )
    assert summary.n_facts > 0


# --------------------------------------------------------------------------- schedule


def test_prefect_yaml_declares_the_deployment_antq_serve_makes():
    from antq.flows.monthly import deployment_schedule

    document = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [deployment] = document["deployments"]
    module, function = deployment["entrypoint"].split(":")
    assert (ROOT / module).is_file() and function == "monthly_ingest"
    [schedule] = deployment["schedules"]
    served = deployment_schedule()
    assert (schedule["cron"], schedule["timezone"]) == (served.cron, served.timezone)
    assert "period" not in deployment["parameters"]  # the month whose deadline passed


@pytest.mark.slow  # a served deployment and its run: about a minute, `make test-slow` (CI)
def test_antq_serve_registers_the_scheduled_deployment_and_runs_it(tmp_path, prefect_harness):
    """`antq serve` against a real Prefect server: the deployment is there with its
    schedule, and a run of it for a given month completes with the month's artifacts."""
    import subprocess
    import sys

    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL

    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", form_bytes(CLEAN))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 (closed below)
    serve = subprocess.Popen(
        [sys.executable, "-m", "antq.cli", "serve", "--inbox", str(inbox)]
        + ["--warehouse", str(tmp_path / "wh"), "--reports", str(tmp_path / "r")]
        + ["--workers", "1", "--day", "21", "--hour", "6", "--name", "test-monthly"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deployment = _wait_for_deployment("antq-monthly-ingest/test-monthly", serve)
        [schedule] = deployment.schedules
        assert schedule.schedule.cron == "0 6 21 * *"
        assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
        assert deployment.parameters["inbox"] == str(inbox.resolve())
        run = run_deployment(
            "antq-monthly-ingest/test-monthly", parameters={"period": PERIOD}, timeout=240
        )
        assert run.state.is_completed(), (tmp_path / "serve.log").read_text(errors="replace")
        assert run.name.startswith(f"antq-{PERIOD}-")
        with get_client(sync_client=True) as client:
            artifacts = client.request(
                "POST",
                "/artifacts/filter",
                json={"artifacts": {"flow_run_id": {"any_": [str(run.id)]}}, "limit": 50},
            ).json()
        assert {a["key"].rsplit("-", 1)[-1] for a in artifacts if a["key"]} >= {
            "run",
            "provinces",
            "problems",
        }
        assert (tmp_path / "r" / PERIOD).is_dir()
    finally:
        serve.terminate()  # a graceful stop may wait for the run's process: not needed here
        try:
            serve.wait(timeout=10)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        log.close()


def _wait_for_deployment(name: str, process, timeout: float = 120):
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            assert process.poll() is None, "antq serve stopped"
            try:
                return client.read_deployment_by_name(name)
            except ObjectNotFound:
                time.sleep(0.5)
    raise AssertionError(f"{name} was not registered within {timeout} s")


# --------------------------------------------------------------------------- Dask


@pytest.mark.slow  # a Dask cluster's start and a month read on it: `make test-slow` (CI)
def test_a_month_read_on_a_local_dask_cluster_gives_the_same_tables(
    month_run, tmp_path, prefect_harness
):
    from antq.flows.monthly import monthly_ingest
    from antq.warehouse.store import Warehouse

    root, _, local = month_run
    on_dask = monthly_ingest(
        period=PERIOD,
        inbox=root / "inbox",
        warehouse=tmp_path / "warehouse",
        reports=tmp_path / "reports",
        dask="local",
    )
    assert (on_dask.n_files, on_dask.n_facts, on_dask.n_errors, on_dask.n_warnings) == (
        local.n_files,
        local.n_facts,
        local.n_errors,
        local.n_warnings,
    )
    assert_same_month_tables(Warehouse(root / "warehouse"), Warehouse(tmp_path / "warehouse"))
