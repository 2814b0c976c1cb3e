"""Kill anywhere: `antq run` killed while reading, between two table commits or while
writing the reports leaves the tables readers see exactly those of the previous run or
of the new one, never a mix; the next run completes. Two runs at once: one waits."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from builders import CLEAN, form_bytes

from antq.warehouse.store import Warehouse

PERIOD = "2026-10"
TABLES = ("submissions", "facts", "findings", "rollup", "observations")

# Two minutes of real runs killed and started again: `make test-slow` (CI runs it too).
pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux /proc"),
    pytest.mark.slow,
]


def _put(inbox: Path, name: str, values: dict, day: int) -> None:
    path = inbox / PERIOD / "15" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(form_bytes(values))
    stamp = dt.datetime(2026, 10, day, 9, tzinfo=dt.UTC).timestamp()
    os.utime(path, (stamp, stamp))


def _command(root: Path) -> list[str]:
    return [sys.executable, "-m", "antq.cli", "run", "--period", PERIOD, "--workers", "1"] + [
        "--inbox",
        str(root / "inbox"),
        "--warehouse",
        str(root / "wh"),
        "--reports",
        str(root / "reports"),
    ]


@pytest.fixture
def server(prefect_harness) -> str:
    """The test session's Prefect server: the runs skip starting a temporary one."""
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


def _env(root: Path, api: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_API_URL"] = api
    return env


def _visible(root: Path) -> dict[str, pd.DataFrame]:
    store = Warehouse(root / "wh")
    frames = {}
    for table in TABLES:
        frame = store.read(table, PERIOD)
        frames[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frames


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> bool:
    return all(a[t].equals(b[t]) for t in TABLES)


def _run_until(root: Path, api: str, moment: Callable[[], bool], timeout: float = 180) -> bool:
    """Start `antq run`, SIGKILL it as soon as `moment()` holds; True if it was killed
    (False: it finished first)."""
    run = subprocess.Popen(
        _command(root), env=_env(root, api), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + timeout
        while run.poll() is None and time.monotonic() < deadline:
            if moment():
                run.send_signal(signal.SIGKILL)
                run.wait(timeout=30)
                return True
            time.sleep(0.005)
        assert run.poll() is not None, "antq run did not finish"
        return False
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


def _log_files(root: Path, table: str) -> int:
    log = root / "wh" / table / "_delta_log"
    return len(list(log.glob("*.json"))) if log.is_dir() else 0


def test_a_run_killed_anywhere_leaves_the_previous_or_the_new_tables(tmp_path, server):
    inbox = tmp_path / "inbox"
    _put(inbox, "gia-phu.xlsx", {**CLEAN, "tin_bai": 3}, day=12)
    first = subprocess.run(
        _command(tmp_path), env=_env(tmp_path, server), capture_output=True, timeout=300
    )
    assert first.returncode == 0, first.stderr.decode(errors="replace")
    before = _visible(tmp_path)
    assert list(before["facts"].loc[before["facts"]["indicator"] == "tin_bai", "value"]) == [3.0]

    _put(inbox, "gia-phu.xlsx", {**CLEAN, "tin_bai": 4}, day=16)  # the corrected file
    extracts = tmp_path / "wh" / "extracts"
    n_extracts = len(list(extracts.rglob("*.arrow")))
    n_logs = _log_files(tmp_path, "submissions")
    n_runs = _log_files(tmp_path, "runs")
    moments = {
        "reading": lambda: len(list(extracts.rglob("*.arrow"))) > n_extracts,
        "between table commits": lambda: _log_files(tmp_path, "submissions") > n_logs,
        # recorded in `runs`: the tables are done, the province reports are being written
        "writing the reports": lambda: _log_files(tmp_path, "runs") > n_runs,
    }
    seen = []
    for name, moment in moments.items():
        killed = _run_until(tmp_path, server, moment)
        seen.append((name, killed, _visible(tmp_path)))
        if not killed:
            break  # it finished: nothing left to kill
    last = subprocess.run(
        _command(tmp_path), env=_env(tmp_path, server), capture_output=True, timeout=300
    )
    assert last.returncode == 0, last.stderr.decode(errors="replace")
    after = _visible(tmp_path)
    assert list(after["facts"].loc[after["facts"]["indicator"] == "tin_bai", "value"]) == [4.0]
    for name, _, visible in seen:
        assert _same(visible, before) or _same(visible, after), f"a mix after a kill {name}"
    assert any(killed for _, killed, _ in seen), "no run was killed: the moments came too late"


def test_two_runs_of_one_month_at_once_one_waits(tmp_path, server):
    _put(tmp_path / "inbox", "gia-phu.xlsx", CLEAN, day=12)
    runs = [
        subprocess.Popen(
            _command(tmp_path),
            env=_env(tmp_path, server),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode(errors="replace")
    store = Warehouse(tmp_path / "wh")
    assert len(store.runs()) == 1  # the second found the month done by the first
    facts = store.read("facts", PERIOD)
    assert not facts.duplicated(["unit_code", "indicator"]).any() and len(facts) > 0
