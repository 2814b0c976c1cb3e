"""Per kind, how the reader does on a folder of fixtures described by a truth.json.

    python benchmarks/fixture_accuracy.py tests/fixtures/unseen/files [--verbose]

The fixtures (tests/fixtures/*/files) were made by people who had not read the reader,
each with the figures a careful officer reads in it. For every kind ("class") this prints
the files, those read fully (every figure at its cell, nothing else stored), the values
stored wrong (a figure other than the truth's, or one the truth does not have: target 0,
always), the well-formed files with a false error (or warning), and for the files the authors marked
as not provable, whether the finding they expect was given.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tools/

from tools.score import read_each, score_expected  # noqa: E402


def score_folder(folder: Path, period: str = "2026-10") -> tuple[pd.DataFrame, list]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    facts, findings = read_each(folder, period)
    table = score_expected(truth, facts, findings)
    by_file: dict[str, set[str]] = {}
    for f in findings:
        by_file.setdefault(f.original_path, set()).add(f.rule)
    table["expected_rules"] = [
        sorted({e["rule"] for e in item.get("expected_findings", [])}) for item in truth
    ]
    table["expected_given"] = [
        set(rules) <= by_file.get(path, set())
        for rules, path in zip(table["expected_rules"], table["file"], strict=True)
    ]
    return table, findings


def summary(table: pd.DataFrame) -> pd.DataFrame:
    table = table.assign(
        stored_wrong=table["wrong"] + table["extra"],
        false_error=table["well_formed"] & (table["errors"] > 0),
        false_warning=table["well_formed"] & (table["warnings"] > 0),
        unproven=~table["well_formed"],
        unproven_told=~table["well_formed"] & table["expected_given"],
    )
    out = table.groupby("class").agg(
        files=("file", "size"),
        read_fully=("read_fully", "sum"),
        facts=("facts", "sum"),
        lost=("lost", "sum"),
        stored_wrong=("stored_wrong", "sum"),
        false_error_files=("false_error", "sum"),
        false_warning_files=("false_warning", "sum"),
        unproven_files=("unproven", "sum"),
        unproven_told=("unproven_told", "sum"),
    )
    out.loc["all"] = out.sum(numeric_only=True)
    return out.astype(int)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--period", default="2026-10")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    table, findings = score_folder(args.folder, args.period)
    pd.set_option("display.width", 200)
    print(summary(table).to_string())
    if args.verbose:
        for row in table.itertuples():
            if row.read_fully and (not row.well_formed or not row.errors) and row.expected_given:
                continue
            print(f"\n{row.file} ({'well formed' if row.well_formed else 'not provable'})")
            print(f"  wrong {row.detail[0]} lost {row.detail[1]} extra {row.detail[2]}")
            for f in findings:
                if f.original_path == row.file:
                    print(f"  {f.severity} {f.rule} {f.cell}: {f.message[:160]}")


if __name__ == "__main__":
    main()
