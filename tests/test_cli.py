"""The command line: the data team's own mistakes get a message and exit status 2, never a
traceback; a killed run leaves nothing running."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from antq.cli import main


def test_a_bad_sql_is_a_message_naming_the_tables(tmp_path, capsys):
    (tmp_path / "warehouse").mkdir()
    assert main(["query", "--warehouse", str(tmp_path / "warehouse"), "SELEC * FROM facts"]) == 2
    err = capsys.readouterr().err
    assert "câu SQL không chạy được" in err and "syntax error" in err
    assert "Traceback" not in err


def test_a_missing_warehouse_is_a_message(tmp_path, capsys):
    assert main(["query", "--warehouse", str(tmp_path / "khong-co"), "SELECT 1"]) == 2
    assert "không tìm thấy kho dữ liệu" in capsys.readouterr().err
    assert not (tmp_path / "khong-co").exists()


def test_a_malformed_period_is_a_message(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    args = ["run", "--period", "10/2026", "--inbox", str(inbox), "--warehouse", str(tmp_path)]
    assert main(args) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_a_warehouse_that_cannot_be_written_is_said_before_the_month_starts(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    blocker = tmp_path / "kho"
    blocker.write_text("a file where the warehouse folder should be")
    args = ["run", "--period", "2026-10", "--inbox", str(inbox), "--warehouse", str(blocker)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "không ghi được vào --warehouse" in err and "Traceback" not in err


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("signal_number", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_run_leaves_no_prefect_server_behind(tmp_path, signal_number):
    """`antq run` with no Prefect server configured starts Prefect's temporary server; when
    the run is killed (the OOM killer, systemd, a timeout), the server goes with it."""
    from builders import form_bytes

    folder = tmp_path / "inbox" / "2026-10" / "15"
    folder.mkdir(parents=True)
    (folder / "gia-phu.xlsx").write_bytes(form_bytes())
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect")
    command = [sys.executable, "-m", "antq.cli", "run", "--period", "2026-10"]
    command += ["--inbox", str(tmp_path / "inbox"), "--warehouse", str(tmp_path / "kho")]
    run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server = None
        deadline = time.monotonic() + 120
        while server is None and time.monotonic() < deadline and run.poll() is None:
            for child in _children(run.pid):
                if b"uvicorn" in Path(f"/proc/{child}/cmdline").read_bytes():
                    server = child
            time.sleep(0.1)
        assert server is not None, "the run never started Prefect's temporary server"
        run.send_signal(signal_number)
        run.wait(timeout=60)
        deadline = time.monotonic() + 30
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(server), "Prefect's temporary server outlived the killed run"
    finally:
        if run.poll() is None:
            run.kill()


def test_a_run_prints_its_flow_run_id_and_the_link_to_it(tmp_path, capsys, prefect_harness):
    """With a Prefect server set (the test's), the run says where to find it."""
    import re

    from builders import CLEAN, form_bytes

    folder = tmp_path / "inbox" / "2026-10" / "15"
    folder.mkdir(parents=True)
    (folder / "gia-phu.xlsx").write_bytes(form_bytes(CLEAN))
    code = main(
        ["run", "--period", "2026-10", "--inbox", str(tmp_path / "inbox")]
        + ["--warehouse", str(tmp_path / "wh"), "--workers", "0"]
    )
    out = capsys.readouterr().out
    assert code == 0
    found = re.search(r"Prefect flow run\s+: ([0-9a-f-]{36})  (\S+)", out)
    assert found, out
    assert found.group(2).endswith(f"/runs/flow-run/{found.group(1)}")


def test_antq_serve_without_a_prefect_server_says_how_to_start_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # no profile with a server in it
    done = subprocess.run(
        [sys.executable, "-m", "antq.cli", "serve", "--inbox", str(tmp_path)]
        + ["--warehouse", str(tmp_path / "wh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "prefect server start" in done.stderr and "PREFECT_API_URL" in done.stderr


def test_a_demo_of_no_months_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        main(["demo", "--dir", str(tmp_path), "--months", "0"])
