"""Time of the roll-ups over time (warehouse/windows.sql) on a warehouse that holds a
series of months, e.g. the 24 months across the July 2025 reform that

    antq demo --months 24 --period 2026-06 --provinces 08 --dir DIR

loads. Three figures, next to the reference of issue 12 (the whole run of a month must
stay far from its budget):

- a month's run: its windows and those of the twelve months after it it rebuilds
  (`windows_of_run` of the series' first month, the worst case),
- a month's run of the last month (itself only),
- every month of the warehouse at once (a rebuild after a catalog change).

    python benchmarks/bench_windows.py --warehouse DIR/warehouse

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from antq.config import Config  # noqa: E402
from antq.period import Period  # noqa: E402
from antq.warehouse.store import Warehouse  # noqa: E402
from antq.warehouse.windows import compute_windows, month_rows, windows_of_run  # noqa: E402

REFERENCE_SECONDS = 5.0  # a month's run spends at most this on its windows


def _timed(label: str, work) -> object:  # noqa: ANN001
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    print(f"{label:<58} {seconds:6.2f} s   (reference ≤ {REFERENCE_SECONDS:.0f} s)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", required=True)
    args = parser.parse_args(argv)
    store = Warehouse(args.warehouse)
    months = store.periods("rollup")
    if not months:
        print(f"no month in {args.warehouse}", file=sys.stderr)
        return 2
    first, last = months[0], months[-1]
    print(f"{len(months)} months in the warehouse: {first} .. {last}")

    def run_of(period: str) -> dict:
        rows = month_rows(store, [period])
        return windows_of_run(store, period, rows.drop(columns=["period"]), Config.load(period))

    built = _timed(f"run of {first}: its windows and the 12 months after", lambda: run_of(first))
    print(f"  {len(built)} months, {sum(len(f) for f in built.values()):,} rows")
    _timed(f"run of {last}: its own windows", lambda: run_of(last))

    def everything() -> dict:
        reach = [str(p) for p in Period.range(Period.parse(first), Period.parse(last))]
        base = month_rows(store, reach)
        return compute_windows(base, months, Config.load(last))

    built = _timed("every month of the warehouse at once", everything)
    print(f"  {len(built)} months, {sum(len(f) for f in built.values()):,} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
