"""Per variation class, the share of messy-month files read fully correctly.

    python benchmarks/messy_accuracy.py [--root DIR] [--provinces 01,79,48] [--per-class 3]

Runs the stages in-process (no Prefect server); see tools.score for what "fully
correctly" means.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/

from tools.messy import generate_messy_month  # noqa: E402
from tools.score import run_stages, score_files  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, default=None)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--provinces", default="01,79,48")
    parser.add_argument("--per-class", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    root = args.root or Path(tempfile.mkdtemp(prefix="antq-messy-"))
    truth = generate_messy_month(
        root, args.period, args.seed, args.provinces.split(","), args.per_class
    )
    facts, findings = run_stages(root, args.period)
    table = score_files(truth, facts, findings)
    summary = table.groupby("variation").agg(files=("ok", "size"), correct=("ok", "sum"))
    summary["share"] = summary["correct"] / summary["files"]
    expected = set(truth.findings["original_path"])
    errors = {f.original_path for f in findings if f.severity == "error"}
    clean = [path for path in table["file"] if path not in expected]
    false = [path for path in clean if path in errors]
    print(summary.to_string())
    print(f"\nall: {int(table['ok'].sum())}/{len(table)} files read fully correctly")
    stored_wrong = table[table["stored_wrong"] > 0]
    print(
        f"files stored with a value that differs from the truth: {len(stored_wrong)}/{len(table)} "
        f"({len(stored_wrong) / max(len(table), 1):.1%}, {int(table['stored_wrong'].sum())} values, "
        "target 0, always)"
    )
    print(
        f"well-formed files with a false error finding: {len(false)}/{len(clean)} "
        f"({len(false) / max(len(clean), 1):.1%}, target 0)"
    )
    if args.verbose:
        for row in table[~table["ok"]].itertuples():
            print(row.variation, row.file, row.detail)
        for row in stored_wrong.itertuples():
            print("stored wrong:", row.file, row.detail)
        for path in false:
            print("false error:", path, [f.rule for f in findings if f.original_path == path])


if __name__ == "__main__":
    main()
