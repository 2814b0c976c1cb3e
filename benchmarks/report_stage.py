"""Time and peak memory of the report stage on a month with files that are cheap to read
and expensive to report on (issue 9, item 1): sheets merging millions of cells, a
million tiny rows, a table of 30,000 communes that do not exist.

    python benchmarks/report_stage.py [--dir DIR] [--workers 2]

Intake, validation and resolution run first (not timed); then the province reports with
their marked-up copies and the ministry workbook, as the flow runs them. Memory is the
peak proportional set size (PSS: pages a forked worker shares with its parent counted
once) of the whole process tree (this process and its workers), sampled every 0.1 s. Prints figures next to the target; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/

from bench_month import PeakMemory, _children, _tree_rss_kib, tree_kib  # noqa: E402

from antq.tasks.discover import discover  # noqa: E402
from antq.tasks.intake import intake  # noqa: E402
from antq.tasks.report import write_ministry_workbook  # noqa: E402
from antq.tasks.resolve import resolve  # noqa: E402
from antq.tasks.validate import validate_month  # noqa: E402
from antq.tasks.workers import recycle_bloated  # noqa: E402
from antq.warehouse.rollup import compute_rollup  # noqa: E402
from tools import hostile  # noqa: E402

TARGET_SECONDS, TARGET_MIB = 20.0, 1024
BOMBS = (hostile.merged_sheets, hostile.million_rows, hostile.unknown_units_table)


def _pss_kib(pid: int) -> int:
    """Proportional set size: pages shared by forked workers counted once in the sum."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree_pss_kib(root: int) -> int:
    return tree_kib(root, _pss_kib)


class PeakPss(PeakMemory):
    rss_peak = 0

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, _tree_pss_kib(self.pid))
            self.main_peak = max(self.main_peak, _pss_kib(self.pid))
            self.rss_peak = max(self.rss_peak, _tree_rss_kib(self.pid))


def _breakdown(pid: int) -> str:
    """Resident MiB of each process of the tree, named by its role."""
    parts, stack = [], [pid]
    while stack:
        current = stack.pop()
        cmd = Path(f"/proc/{current}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        role = (
            "this" if current == pid else "forkserver/worker" if "forkserver" in cmd else cmd[:30]
        )
        parts.append(f"{role} {_pss_kib(current) // 1024}")
        stack.extend(_children(current))
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--period", default=hostile.PERIOD)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="antq-report-stage-"))
    subprocess.run(  # in its own process: its workers are not part of the figure
        [sys.executable, "-m", "antq.sample.generate", "--root", str(root), "--period",
         args.period, "--provinces", hostile.PROVINCE, "--max-communes", "40"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    folder = next((root / "inbox" / args.period).glob(f"{hostile.PROVINCE}*"))
    for builder in BOMBS:
        item = builder(random.Random(1))
        (folder / f"{item.kind}{item.suffix}").write_bytes(item.data)
    files = [f for group in discover(root / "inbox", args.period).files.values() for f in group]
    warehouse = root / "warehouse"
    started = time.monotonic()
    parsed = intake(files, args.period, warehouse, workers=args.workers)
    recycle_bloated()  # as the flow does between intake and the month's stages
    validation = validate_month(parsed)
    resolution = resolve(parsed, validation, set())
    read_s = time.monotonic() - started

    from antq.flows.monthly import province_reports_task  # the flow's own stage

    findings = resolution.findings
    reporting = set(resolution.facts.loc[resolution.facts["unit_level"] == "commune", "unit_code"])
    facts_path, subs_path = root / "facts.parquet", root / "submissions.parquet"
    resolution.facts.to_parquet(facts_path)
    resolution.submissions.to_parquet(subs_path)
    rollup = compute_rollup(facts_path, subs_path, args.period)
    out_dir = root / "reports" / args.period
    before = _tree_pss_kib(os.getpid())
    held = _breakdown(os.getpid())
    started = time.monotonic()
    with PeakPss(os.getpid()) as memory:
        province_reports_task.fn(
            out_dir, args.period, findings, resolution.submissions, reporting, warehouse
        )
        write_ministry_workbook(out_dir, args.period, rollup, resolution.submissions, findings)
    report_s = time.monotonic() - started
    sizes = sorted(out_dir.rglob("*"), key=lambda p: p.stat().st_size if p.is_file() else 0)
    largest = sizes[-1]
    print(f"files             : {len(files)} ({len(BOMBS)} report-stage bombs) in {folder}")
    print(f"findings          : {len(findings)}")
    print(f"intake+validation : {read_s:6.1f} s (not part of the figure)")
    print(f"report stage      : {report_s:6.1f} s   (target < {TARGET_SECONDS:g} s)")
    print(
        f"peak memory       : {memory.peak / 1024:6.0f} MiB (process tree, PSS; target < "
        f"{TARGET_MIB} MiB), {memory.main_peak / 1024:.0f} MiB in this process; "
        f"{before / 1024:.0f} MiB held before the stage began"
    )
    print(f"peak memory (RSS) : {memory.rss_peak / 1024:6.0f} MiB (process tree, summed RSS)")
    print(f"held before       : {held}")
    print(f"largest output    : {largest.stat().st_size / 1024**2:6.1f} MiB  {largest.name}")
    print(f"outputs           : {out_dir}")


if __name__ == "__main__":
    main()
