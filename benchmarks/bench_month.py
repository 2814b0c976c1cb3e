"""Time, CPU and peak memory of a national month, side by side with references (issue 10).

    python benchmarks/bench_month.py [--dir DIR] [--period 2026-10] [--workers 2] [--year]

The month is the full one: every commune sends its own form and every province its
report (3,355 files), in the formats provinces really send (`tools.formats.SHARES`:
about 15 % legacy .xls, 3 % .ods, 2 % HTML under a .xls name, 1 % CSV; the rest .xlsx).
Printed, each with wall time, CPU time and the peak memory of its process tree:

- the floor: python-calamine reading every cell of every file, nothing else;
- the naive way: pandas + openpyxl and one Great Expectations validation per file, on a
  sample of the .xlsx files, extrapolated to the month;
- a bare Prefect flow's start-up (imports, temporary server, one empty flow);
- `antq run` cold, re-run unchanged, re-run after one corrected file, cold against a
  running Prefect server, the same on a 2-worker Dask LocalCluster and with the
  warehouse on a local S3 server (each with the flow's own per-stage split, whose
  `commit` is the month's Delta commits);
- with `--year`, twelve such months through `antq backfill`.

It asserts nothing: the targets are read by people. Memory is the peak resident size of
the whole process tree, sampled from /proc every 0.1 s (a forked worker's shared pages
count twice). CPU time is user + system of the command and every process it waited for.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_kib(root: int, size_kib: Callable[[int], int]) -> int:
    """`size_kib` summed over `root` and every process below it."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += size_kib(pid)
        stack.extend(_children(pid))
    return total


def _tree_rss_kib(root: int) -> int:
    return tree_kib(root, _rss_kib)


class PeakMemory:
    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.main_peak = pid, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, _tree_rss_kib(self.pid))
            self.main_peak = max(self.main_peak, _rss_kib(self.pid))

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Measured:
    wall: float
    cpu: float
    peak_mib: float
    log: Path

    def stages(self) -> str:
        """The flow's own split, from the CLI's "Stage times (s)" line."""
        found = re.findall(r"Stage times \(s\)\s*: (.*)", self.log.read_text())
        return found[-1] if found else ""


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], log: Path, env: dict[str, str] | None = None) -> Measured:
    started, cpu = time.monotonic(), _cpu_children()
    with open(log, "w") as out:
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
        with PeakMemory(process.pid) as memory:
            code = process.wait()
    if code:
        sys.exit(f"{' '.join(command)} failed with {code}; see {log}")
    return Measured(time.monotonic() - started, _cpu_children() - cpu, memory.peak / 1024, log)


_FLOOR = """
import sys, pathlib, python_calamine
n = 0
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*")):
    if not path.is_file():
        continue
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            n += sum(len(row) for row in book.get_sheet_by_name(name).to_python())
    except Exception:
        pass
print(n)
"""

# The naive way: every sheet into pandas with openpyxl, melted to (row, column, value),
# and one Great Expectations validation per file (figures are numbers >= 0).
_NAIVE = """
import os, sys, time, pathlib, random, warnings
warnings.filterwarnings("ignore")
sys.stderr = open(os.devnull, "w")  # GX's progress bars
started = time.perf_counter()
import pandas as pd
import great_expectations as gx
imported = time.perf_counter() - started
import zipfile
files = sorted(p for p in pathlib.Path(sys.argv[1]).rglob("*.xlsx") if zipfile.is_zipfile(p))
sample = random.Random(1).sample(files, min(int(sys.argv[2]), len(files)))
context = gx.get_context(mode="ephemeral")
source = context.data_sources.add_pandas("naive")
asset = source.add_dataframe_asset("sheet")
batch_def = asset.add_batch_definition_whole_dataframe("whole")
suite = context.suites.add(gx.ExpectationSuite(name="naive"))
suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(column="value", min_value=0))
suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="value", mostly=0.01))
started = time.perf_counter()
for path in sample:
    sheets = pd.read_excel(path, sheet_name=None, header=None, engine="openpyxl")
    frame = pd.concat([s.stack().rename("value").reset_index() for s in sheets.values()])
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    batch_def.get_batch(batch_parameters={"dataframe": frame}).validate(suite)
print(f"naive {len(sample)} {time.perf_counter() - started:.3f} {imported:.3f}")
"""

_BARE_FLOW = """
from prefect import flow

@flow
def nothing() -> int:
    return 1

nothing()
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def prefect_server(root: Path):
    """A Prefect server of its own (SQLite under `root`), as a data team runs one."""
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(root / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    log = open(root / "prefect-server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api"
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"{url}/health", timeout=2).read()
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"the Prefect server did not start; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def _correct_one_file(month: Path) -> str:
    """A commune sends its form again with one figure changed (a later arrival)."""
    import openpyxl

    for path in sorted(month.rglob("*.xlsx")):
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    value = cell.value
                    if isinstance(value, int) and not isinstance(value, bool) and value > 3:
                        cell.value += 1
                        wb.save(path)
                        later = path.stat().st_mtime + 3600
                        os.utime(path, (later, later))
                        return str(path.relative_to(month))
    raise SystemExit("no .xlsx with a figure to correct")


@contextlib.contextmanager
def s3_server(root: Path):
    """An S3-compatible server of its own on 127.0.0.1 (moto's server mode) with a
    bucket `bench`; yields the AWS_* settings that point antq at it."""
    port = _free_port()
    log = open(root / "s3-server.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    settings = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ALLOW_HTTP": "true",
    }  # fmt: skip
    try:
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/bench", method="PUT")
            with contextlib.suppress(OSError):
                urllib.request.urlopen(request, timeout=2).read()  # creates the bucket
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit(f"the S3 server did not start; see {log.name}")
            time.sleep(0.2)
        yield settings
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def _run_command(args: argparse.Namespace, root: Path, warehouse: str) -> list[str]:
    """`antq run` of the month into `warehouse` (a folder under `root`, or a URL)."""
    name = warehouse.rsplit("/", 1)[-1]
    target = warehouse if "://" in warehouse else str(root / warehouse)
    return [
        str(Path(sys.executable).parent / "antq"), "run", "--period", args.period,
        "--inbox", str(root / "inbox"), "--warehouse", target,
        "--reports", str(root / f"reports-{name}"), "--workers", str(args.workers),
    ]  # fmt: skip


def _generate(root: Path, period: str, workers: int) -> Measured:
    from tools.formats import convert_share

    root.mkdir(parents=True, exist_ok=True)
    measured = timed(
        [sys.executable, "-m", "antq.sample.generate", "--root", str(root), "--period", period,
         "--workers", str(workers), "--everyone"],
        root / f"generate-{period}.log",
    )  # fmt: skip
    shares = convert_share(root / "inbox" / period)
    with open(measured.log, "a") as log:
        print("formats: " + ", ".join(f"{k} {n}" for k, n in sorted(shares.items())), file=log)
    return measured


def _line(name: str, m: Measured, note: str = "", target: str = "") -> None:
    figures = f"{m.wall:7.1f} s wall {m.cpu:7.1f} s CPU {m.peak_mib:6.0f} MiB"
    print(f"{name:<30}{figures}   {target:<26}{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--naive-sample", type=int, default=40)
    parser.add_argument("--year", action="store_true", help="also 12 months through backfill")
    parser.add_argument("--year-only", action="store_true", help="only the 12 months")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="antq-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    if args.year_only:
        _year(args, root)
        return
    gen = _generate(root, args.period, args.workers)
    month = root / "inbox" / args.period
    n_files = sum(1 for p in month.rglob("*") if p.is_file())
    floor = timed([sys.executable, "-c", _FLOOR, str(month)], root / "floor.log")
    naive = timed(
        [sys.executable, "-c", _NAIVE, str(month), str(args.naive_sample)], root / "naive.log"
    )
    sampled, naive_s, naive_import = naive.log.read_text().split("naive ")[-1].split()
    naive_month = float(naive_import) + float(naive_s) * n_files / int(sampled)
    bare = timed([sys.executable, "-c", _BARE_FLOW], root / "bare-flow.log")
    cold = timed(_run_command(args, root, "warehouse"), root / "run.log")
    rerun = timed(_run_command(args, root, "warehouse"), root / "rerun.log")
    corrected_file = _correct_one_file(month)
    corrected = timed(_run_command(args, root, "warehouse"), root / "corrected.log")
    with prefect_server(root) as url:
        timed(
            [sys.executable, "-c", _BARE_FLOW], root / "bare-served.log", {"PREFECT_API_URL": url}
        )
        served = timed(
            _run_command(args, root, "warehouse-served"), root / "served.log",
            {"PREFECT_API_URL": url},
        )  # fmt: skip
        on_dask = timed(
            [*_run_command(args, root, "warehouse-dask"), "--dask"], root / "dask.log",
            {"PREFECT_API_URL": url},
        )  # fmt: skip
        with s3_server(root) as aws:
            on_s3 = timed(
                _run_command(args, root, "s3://bench/warehouse-s3"), root / "s3.log",
                {"PREFECT_API_URL": url, "XDG_CACHE_HOME": str(root / "cache"), **aws},
            )  # fmt: skip
    formats = gen.log.read_text().rsplit("formats: ", 1)[-1].strip()
    print(f"machine : {os.cpu_count()} cores, workers={args.workers}")
    print(f"month   : {n_files} files in {month} ({formats})")
    print()
    print(f"{'':<30}{'wall':>9}{'CPU':>15}{'peak':>11}   {'target':<26}note")
    _line("generate the month", gen)
    _line("floor (calamine, every cell)", floor)
    print(
        f"{'naive (pandas+openpyxl+GX)':<30}{naive_month:7.1f} s wall (extrapolated from "
        f"{sampled} files: {float(naive_s) / int(sampled) * 1000:.0f} ms a file, "
        f"{float(naive_import):.1f} s imports; peak {naive.peak_mib:.0f} MiB)"
    )
    _line("bare Prefect flow", bare, "imports, temporary server, one empty flow")
    _line("antq run, cold", cold, target="≤ 25 s")
    _line("antq run, unchanged", rerun, target="≤ 3 s beyond start-up")
    _line("antq run, one corrected file", corrected, f"{corrected_file}", "≤ unchanged + 1 s")
    _line("antq run, cold, running server", served, target="≤ 12 s")
    _line("  same, on a Dask LocalCluster", on_dask, "2 workers, reading batches on Dask")
    _line("  same, warehouse on S3", on_s3, "local S3 server (moto), 127.0.0.1")
    print()
    for name, m in (("cold", cold), ("unchanged", rerun), ("corrected", corrected),
                    ("served", served), ("dask", on_dask), ("s3", on_s3)):  # fmt: skip
        print(f"stages {name:<10}: {m.stages()}")
    print()
    beyond = cold.wall - bare.wall
    print(
        f"cold beyond start-up : {beyond:6.1f} s = {beyond / floor.wall:.1f} × the floor (target ≤ 5 ×)"
    )
    print(f"unchanged re-run     : {rerun.wall - bare.wall:+6.1f} s beyond start-up (target ≤ 3 s)")
    print(
        f"one corrected file   : {corrected.wall - rerun.wall:+6.1f} s over unchanged (target ≤ 1 s)"
    )
    print(f"naive / antq cold    : {naive_month / cold.wall:6.1f} ×")
    print(f"peak memory, cold    : {cold.peak_mib / 1024:6.2f} GiB (target ≤ 1 GiB)")
    if args.year:
        _year(args, root)
    print(f"logs: {root}")


def _year(args: argparse.Namespace, root: Path) -> None:
    """Twelve full months (2026-01 .. 2026-12) through `antq backfill` (target ≤ 3 min)."""
    year_root = root / "year"
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    gen_s = sum(_generate(year_root, period, args.workers).wall for period in months)
    n_files = sum(1 for p in (year_root / "inbox").rglob("*") if p.is_file())
    back = timed(
        [str(Path(sys.executable).parent / "antq"), "backfill", "--from", months[0], "--to",
         months[-1], "--inbox", str(year_root / "inbox"), "--warehouse",
         str(year_root / "warehouse"), "--workers", str(args.workers)],
        year_root / "backfill.log",
    )  # fmt: skip
    print(f"year: {n_files} files generated in {gen_s:.0f} s")
    _line("antq backfill, 12 months", back, target="≤ 180 s")
    shutil.rmtree(year_root / "reports", ignore_errors=True)


if __name__ == "__main__":
    main()
