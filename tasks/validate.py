"""Validate stage: the month's normalised data through the Great Expectations suites.

Every rule that looks at values is here. One GX validation per suite per run (not one
per file):
- `observations` on the long frame of every cell read (the type rules);
- `reports` on the wide frame of every unit report built from the values that passed
  (required values, the rules between indicators of one report, the unit's history);
- `comparisons` on the frame of figures that must agree across reports: a table's total
  row and the sum of its rows, a commune's own file and its row in the province's
  table, a province's own figure and the sum of its communes' (SPEC §5).
Each unexpected row comes back as a finding at the cell it was read from, and the values
an error names are held back from the facts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np
import pandas as pd

from antq.config import Config
from antq.findings import Finding, make_finding
from antq.schemas.catalog import Catalog
from antq.tasks.normalize import Observation, ParsedFile, Report
from antq.text import format_number

log = logging.getLogger(__name__)


class ValidationSystemError(RuntimeError):
    """GX failed to evaluate an expectation: a bug or a broken suite, not a bad file."""


@dataclass(frozen=True)
class ReportRef:
    file: ParsedFile
    report: Report


@dataclass
class Validation:
    findings: list[Finding] = field(default_factory=list)
    held: set[tuple[int, str]] = field(default_factory=set)  # (report id, indicator)
    reports: list[ReportRef] = field(default_factory=list)  # index = report id
    observations: dict[tuple[int, str], Observation] = field(default_factory=dict)
    # Per unit, report ids oldest first: its own reports (forms, a table's total row)
    # and its rows in province tables. The newest of each wins its competition.
    own: dict[str, list[int]] = field(default_factory=dict)
    rows: dict[str, list[int]] = field(default_factory=dict)
    # unit code -> report id of the report its facts come from
    winners: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _batch_definition(asset: str):  # -> gx BatchDefinition
    # Great Expectations takes seconds to import: only a month that is validated pays it
    # (a re-run that finds the month done never does).
    from antq.expectations import gx

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False}
    source = context.data_sources.add_pandas(f"antq_{asset}")
    return source.add_dataframe_asset(asset).add_batch_definition_whole_dataframe("run")


def _validate(
    frame: pd.DataFrame, suite_name: str, index_column: str
) -> list[tuple[dict, list[int]]]:
    """(expectation meta, unexpected row ids) for every failed expectation of the suite."""
    if frame.empty:
        return []
    from antq.expectations import load_suite

    suite = _that_can_fail(load_suite(suite_name), frame)
    batch = _batch_definition(suite_name).get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite,
        result_format={
            "result_format": "COMPLETE",
            "unexpected_index_column_names": [index_column],
            "return_unexpected_index_query": False,
        },
    )
    failures = []
    for item in result.results:
        if item.exception_info and any(
            info.get("raised_exception") for info in _exception_infos(item.exception_info)
        ):
            raise ValidationSystemError(
                f"validate: {item.expectation_config.type} failed to run: "
                f"{_exception_message(item.exception_info)}"
            )
        if item.success:
            continue
        rows = [
            int(entry[index_column]) for entry in item.result.get("unexpected_index_list") or []
        ]
        failures.append((dict(item.expectation_config.meta or {}), rows))
    return failures


# Expectations that judge only the rows where their columns hold a value: nothing to
# judge when a column is empty throughout (the history of a unit's first month, say).
_NULLS_IGNORED = {
    "expect_column_values_to_be_between",
    "expect_column_values_to_be_in_set",
    "expect_column_values_to_not_be_in_set",
    "expect_column_values_to_be_whole_numbers",
}
_PAIRS_IGNORING_MISSING = {  # rows where either value is missing are not judged
    "expect_column_pair_drop_to_be_at_most",
    "expect_column_pair_ratio_to_be_at_most",
}


def _that_can_fail(suite, frame: pd.DataFrame):  # -> gx ExpectationSuite
    """The suite without the expectations that cannot fail on `frame` because the
    columns they judge are empty throughout: GX's cost is per expectation, whatever
    the rows, and it gives the same result. Never drops a not-null check."""
    import great_expectations as gx

    empty = frame.isna().all()

    def blank(column: object) -> bool:
        return isinstance(column, str) and bool(empty.get(column, False))

    def can_fail(expectation) -> bool:
        kind, kwargs = expectation.expectation_type, expectation.configuration.kwargs
        if kind in _NULLS_IGNORED:
            return not blank(kwargs.get("column"))
        ignores_missing = (
            kind in _PAIRS_IGNORING_MISSING
            or kwargs.get("ignore_row_if") == "either_value_is_missing"
        )
        if "column_A" in kwargs and ignores_missing:
            return not (blank(kwargs["column_A"]) or blank(kwargs["column_B"]))
        return True

    kept = [e for e in suite.expectations if can_fail(e)]
    if len(kept) == len(suite.expectations):
        return suite
    return gx.ExpectationSuite(name=suite.name, expectations=kept, meta=suite.meta)


def _exception_infos(info: dict) -> Iterable[dict]:
    if "raised_exception" in info:
        return [info]
    return [value for value in info.values() if isinstance(value, dict)]


def _exception_message(info: dict) -> str:
    return "; ".join(str(i.get("exception_message")) for i in _exception_infos(info))


# --------------------------------------------------------------------------- frames


def _collect(files: list[ParsedFile]) -> Validation:
    state = Validation()
    for parsed in files:
        if parsed.rejected:
            continue
        offset = len(state.reports)
        state.reports.extend(ReportRef(parsed, report) for report in parsed.reports)
        for obs in parsed.observations:
            state.observations[(offset + obs.report, obs.indicator)] = obs
    return state


def observations_frame(state: Validation, cat: Catalog) -> pd.DataFrame:
    keys = list(state.observations)
    obs = [state.observations[key] for key in keys]
    return pd.DataFrame(
        {
            "obs_id": np.arange(len(keys), dtype="int64"),
            "report_id": np.array([k[0] for k in keys], dtype="int64"),
            "indicator": [o.indicator for o in obs],
            "value_type": [cat.indicator(o.indicator).value_type for o in obs],
            "value": np.array(
                [np.nan if o.parsed.value is None else o.parsed.value for o in obs], dtype="float64"
            ),
            "value_text": pd.Series([o.parsed.text for o in obs], dtype="object"),
            "status": [o.parsed.status for o in obs],
        }
    )


def reports_frame(
    state: Validation, cat: Catalog, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per report; an indicator column holds the value only if it passed the type
    rules; `reported__<code>` says whether the cell held anything at all;
    `previous__<code>` and `zscore__<code>` hold the unit's history (see `_history_columns`)."""
    frame = pd.DataFrame(
        {
            "report_id": np.arange(len(state.reports), dtype="int64"),
            "unit_level": [ref.report.unit_level for ref in state.reports],
            "month": [int(ref.file.ref.period[5:7]) for ref in state.reports],
        }
    )
    columns: dict[str, np.ndarray] = {}
    for code in cat.codes:
        columns[code] = np.full(len(state.reports), np.nan)
        columns[f"reported__{code}"] = np.zeros(len(state.reports), dtype=bool)
    for (report_id, code), obs in state.observations.items():
        if obs.parsed.status != "blank":
            columns[f"reported__{code}"][report_id] = True
        if obs.parsed.value is not None and (report_id, code) not in state.held:
            columns[code][report_id] = obs.parsed.value
    frame = pd.concat([frame, pd.DataFrame(columns)], axis=1)
    units = [ref.report.unit_code for ref in state.reports]
    return pd.concat([frame, _history_columns(frame, units, history, cat)], axis=1)


def _history_columns(
    frame: pd.DataFrame, units: list[str], history: pd.DataFrame | None, cat: Catalog
) -> pd.DataFrame:
    """From the unit's facts of earlier months (columns unit_code, indicator, period, value):
    for stocks the last reported value and its month; for flows the modified z-score of
    this month's value against the unit's past months (Iglewicz & Hoaglin: 0.6745 (x -
    median) / MAD, with 1.2533 x the mean absolute deviation when the MAD is 0)."""
    out: dict[str, object] = {}
    past = history.astype({"value": "float64"}) if history is not None and len(history) else None
    per_base = {r.value: r.base for r in cat.consistency if r.check == "zero_when_zero"}
    for indicator in cat.indicators:
        if not indicator.is_count:
            continue
        code = indicator.code
        rows = past[past["indicator"] == code] if past is not None else None
        if rows is not None and rows.empty:
            rows = None
        if indicator.kind == "stock":
            latest = (
                rows.sort_values("period").groupby("unit_code").last() if rows is not None else None
            )
            out[f"previous__{code}"] = _lookup(units, latest, "value", np.nan)
            out[f"previous_period__{code}"] = _lookup(units, latest, "period", None)
            continue
        stats = _robust_stats(rows, cat.history.min_months) if rows is not None else None
        median = _lookup(units, stats, "median", np.nan)
        current = frame[code].to_numpy(dtype="float64")
        base = per_base.get(code)
        if base and rows is not None and base in frame.columns:
            # People per session, per class: the month is judged on what each session
            # drew, not on how many sessions it had (two classes instead of one).
            ratios = _per_base_rows(rows, past, base)
            stats = _robust_stats(ratios, cat.history.min_months) if len(ratios) else None
            with np.errstate(divide="ignore", invalid="ignore"):
                current = current / frame[base].to_numpy(dtype="float64")
        spread = _lookup(units, stats, "spread", np.nan)
        centre = _lookup(units, stats, "median", np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            zscore = 0.6745 * (current - centre) / spread
        # A month without the activity (0, or no session to count people of) is normal.
        zscore = np.where(np.isfinite(zscore) & (frame[code].to_numpy() != 0), zscore, np.nan)
        out[f"zscore__{code}"] = zscore
        out[f"median__{code}"] = median
    return pd.DataFrame(out, index=frame.index)


def _per_base_rows(rows: pd.DataFrame, past: pd.DataFrame, base: str) -> pd.DataFrame:
    """`rows` (a flow's history) divided by its base's value of the same unit and month,
    for the months the base was above zero."""
    bases = past[(past["indicator"] == base) & (past["value"] > 0)]
    joined = rows.merge(bases, on=["unit_code", "period"], suffixes=("", "_base"))
    return joined.assign(value=joined["value"] / joined["value_base"])[list(rows.columns)]


MIN_SPREAD = 1.0
MIN_RELATIVE_SPREAD = 0.15


def _robust_stats(rows: pd.DataFrame, min_months: int) -> pd.DataFrame:
    grouped = rows.groupby("unit_code")["value"]
    median = grouped.median()
    deviation = (rows["value"] - rows["unit_code"].map(median)).abs()
    mad = deviation.groupby(rows["unit_code"]).median()
    mean_ad = deviation.groupby(rows["unit_code"]).mean()
    # z = 0.6745 (x - median) / spread gives (x - median) / (1.2533 MeanAD) when MAD is 0
    spread = mad.where(mad > 0, 0.6745 * 1.253314 * mean_ad)
    # Counts are whole: a spread under one would call 3 an outlier after months of 2s
    # (a commune's small counts: cases solved, training classes). A unit whose months
    # were all the same is judged against that floor too.
    spread = spread.clip(lower=MIN_SPREAD)
    # A steady unit has a tiny spread: against it the season alone (Tết in February, a
    # campaign month in August) or two training classes instead of one would look like
    # an outlier. A flow is unusual only when it is also far from the unit's usual level,
    # beyond what chance gives a count: the spread is at least MIN_RELATIVE_SPREAD of the
    # median (a month fires only beyond about 78 % from it) and the square root of the
    # median (a count's natural spread: a month fires only beyond about 5 times it).
    spread = np.maximum(spread, MIN_RELATIVE_SPREAD * median.abs())
    spread = np.maximum(spread, np.sqrt(median.abs()))
    stats = pd.DataFrame({"median": median, "spread": spread, "n": grouped.count()})
    return stats[(stats["n"] >= min_months) & (stats["spread"] > 0)]


def _lookup(
    units: list[str], table: pd.DataFrame | None, column: str, missing: object
) -> np.ndarray:
    if table is None or table.empty:
        return np.full(len(units), missing, dtype=object if missing is None else float)
    mapping = table[column].to_dict()
    values = [mapping.get(unit, missing) for unit in units]
    return np.array(values, dtype=object if missing is None else float)


# --------------------------------------------------------------------------- findings


def _where(state: Validation, report_id: int, cell: str | None):  # -> Where
    ref = state.reports[report_id]
    return ref.file.ref.where(
        unit_code=ref.report.unit_code,
        unit_name=ref.report.unit_name,
        sheet=ref.report.sheet,
        cell=cell,
    )


def _observation_findings(state: Validation, failures, cat: Catalog) -> None:
    keys = list(state.observations)
    for meta, rows in failures:
        rule = meta["rule"]
        for obs_id in rows:
            report_id, code = keys[obs_id]
            obs = state.observations[(report_id, code)]
            indicator = cat.indicator(code)
            finding = make_finding(
                rule,
                _where(state, report_id, obs.cell),
                indicator=code,
                value_raw=obs.value_raw,
                value=format_number(obs.parsed.value),
                allowed=", ".join(indicator.categories),
            )
            state.findings.append(finding)
            if finding.is_error:
                state.held.add((report_id, code))


def _cell(state: Validation, report_id: int, code: str | None) -> str | None:
    obs = state.observations.get((report_id, code)) if code else None
    return obs.cell if obs else None


def _report_context(
    state: Validation, frame: pd.DataFrame, report_id: int, meta: dict, cat: Catalog
) -> dict:
    row = frame.iloc[report_id]
    code = meta["indicator"]
    related = meta.get("related") or {}
    cell = _cell(state, report_id, code)
    context: dict[str, object] = {
        "value": format_number(row[code]) if code else "",
        "place": f"vào ô {cell}" if cell else "vào báo cáo, đúng dòng (cột) theo mẫu",
    }
    if related.get("limit"):
        limit = related["limit"]
        context |= {
            "limit_label": cat.label(limit),
            "limit_value": format_number(row[limit]),
            "limit_cell": _cell(state, report_id, limit) or "",
        }
    if related.get("base"):
        base = related["base"]
        base_value = row[base]
        context |= {
            "base_label": cat.label(base),
            "base_label_lower": cat.label(base)[:1].lower() + cat.label(base)[1:],
            "base_value": format_number(base_value),
            "base_cell": _cell(state, report_id, base) or "",
            "ratio": format_number(round(row[code] / base_value)) if base_value else "",
            "max": format_number(related.get("max")),
        }
    if related.get("history") == "stock":
        previous_period = row[f"previous_period__{code}"]
        context |= {
            "previous": format_number(row[f"previous__{code}"]),
            "previous_period": _vi_month(previous_period),
        }
    if related.get("history") == "flow":
        context["median"] = format_number(row[f"median__{code}"])
    if related.get("parts"):
        parts = related["parts"]
        context |= {
            "parts_sum": format_number(sum(row[p] for p in parts)),
            "parts": ", ".join(cat.label(p) for p in parts),
        }
    return context


def _related_cells(state: Validation, report_id: int, meta: dict) -> tuple[str, ...]:
    """The cells of the other indicators a consistency rule names (the whole a part
    exceeds, the base of a ratio): a fix that names two cells gets both marked."""
    related = meta.get("related") or {}
    codes = [related.get("limit"), related.get("base")]  # not a total's six parts
    cells = (_cell(state, report_id, code) for code in codes if code)
    return tuple(dict.fromkeys(cell for cell in cells if cell))


def _vi_month(period: object) -> str:
    text = str(period)
    return f"{int(text[5:7])}/{text[:4]}" if len(text) == 7 else text


def _report_findings(state: Validation, frame: pd.DataFrame, failures, cat: Catalog) -> None:
    for meta, rows in failures:
        code = meta["indicator"]
        if meta["rule"] == "missing-required":
            rows = _missing_columns(state, code, rows)
        for report_id in rows:
            obs = state.observations.get((report_id, code))
            context = _report_context(state, frame, report_id, meta, cat)
            finding = make_finding(
                meta["rule"],
                _where(state, report_id, obs.cell if obs else None),
                indicator=code,
                value_raw=obs.value_raw if obs else None,
                **context,
            )
            related = _related_cells(state, report_id, meta)
            if related:
                finding = replace(finding, related_cells=related)
            state.findings.append(finding)
            if finding.is_error:
                state.held.update((report_id, held) for held in meta["holds"])


def _missing_columns(state: Validation, code: str, rows: list[int]) -> list[int]:
    """A table without an indicator's column is one finding for the table, not one per
    commune row: returns the rows still to report one by one (blank cells, forms)."""
    by_table: dict[str, list[int]] = {}
    single = []
    for report_id in rows:
        ref = state.reports[report_id]
        if ref.report.kind != "form" and (report_id, code) not in state.observations:
            by_table.setdefault(ref.file.ref.sha256, []).append(report_id)
        else:
            single.append(report_id)
    for report_ids in by_table.values():
        n_rows = sum(state.reports[r].report.kind == "table-row" for r in report_ids)
        if n_rows == 0:
            # Only the total row lacks it: a province-only figure (documents issued,
            # conferences) that a table of communes has no column for. The table is the
            # sum of its communes, not the province's own report of its own work: not
            # asked of it (a province form is).
            continue
        ref = state.reports[report_ids[0]].file.ref
        state.findings.append(
            make_finding(
                "missing-column",
                ref.where(sheet=state.reports[report_ids[0]].report.sheet),
                indicator=code,
                count=n_rows,
            )
        )
    return single


# --------------------------------------------------------------------------- comparisons


def _competitions(state: Validation) -> None:
    """The versions of each unit's report, and the one its facts come from: its own file
    first, then its row in the newest province table (SPEC §5)."""
    own: dict[str, list[int]] = defaultdict(list)
    rows: dict[str, list[int]] = defaultdict(list)
    for report_id, ref in enumerate(state.reports):
        target = rows if ref.report.kind == "table-row" else own
        target[ref.report.unit_code].append(report_id)

    def order(report_id: int) -> tuple:
        ref = state.reports[report_id].file.ref
        return (ref.received_at, ref.original_path, report_id)

    for group in (*own.values(), *rows.values()):
        group.sort(key=order)
    state.own, state.rows = dict(own), dict(rows)
    state.winners = {unit: group[-1] for unit, group in rows.items()}
    state.winners.update({unit: group[-1] for unit, group in own.items()})


_COMPARISON_COLUMNS = [
    "kind", "report_id", "indicator", "value", "expected", "text", "expected_text",
    "complete", "count", "other_report_id",
]  # fmt: skip


def comparisons_frame(state: Validation, cfg: Config) -> pd.DataFrame:
    """One row per figure that must agree with another: `value` (at the finding's cell)
    against `expected`, by `kind`:
    - `total-row`: a table's total row against the sum of its communes' rows (only when
      every row of the table was read and every figure is a number);
    - `commune-file`: a commune's row in the newest province table against its own file
      (`other_report_id`); categories compare `text` with `expected_text`;
    - `province-total`: a province's own figure against the sum of its communes' facts
      (`count` communes; `complete` when all of the province's communes reported)."""
    rows = _total_rows(state, cfg) + _commune_files(state, cfg) + _province_totals(state, cfg)
    frame = pd.DataFrame(rows, columns=_COMPARISON_COLUMNS)
    frame.insert(0, "row_id", np.arange(len(frame), dtype="int64"))
    return frame.astype(
        {"value": "float64", "expected": "float64", "complete": "bool", "count": "int64"}
    )


def _summable(obs: Observation | None) -> bool:
    return obs is None or obs.parsed.status in ("ok", "approximate", "blank")


def _total_rows(state: Validation, cfg: Config) -> list[tuple]:
    by_table: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    totals = []
    for report_id, ref in enumerate(state.reports):
        key = (ref.file.ref.original_path, ref.file.ref.sha256, ref.report.sheet)
        if ref.report.kind == "table-row":
            by_table[key].append(report_id)
        elif ref.report.kind == "table-total" and ref.report.rows_all_read:
            totals.append((key, report_id))
    out = []
    for key, total_id in totals:
        members = by_table.get(key)
        if not members:
            continue
        for indicator in cfg.catalog.indicators:
            if indicator.value_type == "category" or "commune" not in indicator.levels:
                continue
            total = state.observations.get((total_id, indicator.code))
            parts = [state.observations.get((r, indicator.code)) for r in members]
            if total is None or total.parsed.status != "ok" or not all(map(_summable, parts)):
                continue
            rows_sum = sum(p.parsed.value or 0.0 for p in parts if p is not None)
            out.append(
                ("total-row", total_id, indicator.code, total.parsed.value, rows_sum,
                 None, None, True, len(members), None)
            )  # fmt: skip
    return out


def _commune_files(state: Validation, cfg: Config) -> list[tuple]:
    out = []
    for unit, group in state.rows.items():
        row_id, winner = group[-1], state.winners.get(unit)
        if winner is None or winner == row_id:
            continue
        for code in cfg.catalog.codes:
            row_obs = state.observations.get((row_id, code))
            own_obs = state.observations.get((winner, code))
            if row_obs is None or own_obs is None:
                continue
            if row_obs.parsed.status != "ok" or own_obs.parsed.status != "ok":
                continue
            out.append(
                ("commune-file", row_id, code, row_obs.parsed.value, own_obs.parsed.value,
                 row_obs.parsed.text, own_obs.parsed.text, True, 1, winner)
            )  # fmt: skip
    return out


def fact_value(obs: Observation) -> tuple[float | None, str | None] | None:
    """(value, text) of a cell that becomes a fact when its report wins, or None."""
    if obs.parsed.status not in ("ok", "approximate"):
        return None
    if obs.parsed.value is None and obs.parsed.text is None:
        return None
    return obs.parsed.value, obs.parsed.text


def fact_cells(
    state: Validation, codes: Iterable[str]
) -> Iterator[tuple[str, int, str, Observation, tuple[float | None, str | None]]]:
    """(unit, report id, indicator, cell, (value, text)) of every cell that becomes a fact:
    in each unit's winning report, not held back by an error, holding a value."""
    codes = list(codes)
    for unit, report_id in sorted(state.winners.items()):
        for code in codes:
            obs = state.observations.get((report_id, code))
            if obs is None or (report_id, code) in state.held:
                continue
            value = fact_value(obs)
            if value is not None:
                yield unit, report_id, code, obs, value


def _province_totals(state: Validation, cfg: Config) -> list[tuple]:
    cat, reg = cfg.catalog, cfg.registry
    checked = [
        i.code
        for i in cat.indicators
        if i.value_type != "category" and set(i.levels) == {"commune", "province"}
    ]
    sums: dict[tuple[str, str], list[float]] = defaultdict(list)
    for _, report_id, code, _, (value, _) in fact_cells(state, checked):
        ref = state.reports[report_id]
        if ref.report.unit_level == "commune" and value is not None:
            sums[(ref.file.ref.province_code, code)].append(value)
    out = []
    for province_code in reg.provinces:
        report_id = state.winners.get(province_code)
        if report_id is None:
            continue
        n_communes = len(reg.communes_of(province_code))
        for code in checked:
            obs = state.observations.get((report_id, code))
            values = sums.get((province_code, code))
            if obs is None or obs.parsed.value is None or (report_id, code) in state.held:
                continue
            if not values:
                continue
            out.append(
                ("province-total", report_id, code, obs.parsed.value, sum(values),
                 None, None, len(values) == n_communes, len(values), None)
            )  # fmt: skip
    return out


def _comparison_findings(state: Validation, frame: pd.DataFrame, failures) -> None:
    for meta, rows in failures:
        for row_id in rows:
            row = frame.iloc[row_id]
            report_id, code = int(row["report_id"]), row["indicator"]
            obs = state.observations[(report_id, code)]
            context: dict[str, object] = {"value": format_number(row["value"])}
            if row["kind"] == "total-row":
                context["rows_sum"] = format_number(row["expected"])
            elif row["kind"] == "province-total":
                context |= {
                    "communes_sum": format_number(row["expected"]),
                    "n_communes": int(row["count"]),
                }
            else:
                own = state.observations[(int(row["other_report_id"]), code)]
                context |= {
                    "value": _shown(own),
                    "table_value": _shown(obs),
                    "table_cell": obs.cell,
                }
            state.findings.append(
                make_finding(
                    meta["rule"],
                    _where(state, report_id, obs.cell),
                    indicator=code,
                    value_raw=obs.value_raw,
                    **context,
                )
            )


def _shown(obs: Observation) -> str:
    value = obs.parsed.value
    return format_number(value) if value is not None else (obs.parsed.text or "")


def validate_month(
    files: list[ParsedFile],
    history: pd.DataFrame | None = None,
    config: Config | None = None,
) -> Validation:
    """Findings and held-back values for every accepted file of the run; `history` is
    the facts of the months before (unit_code, indicator, period, value), if any."""
    cfg = config or Config.load()
    cat = cfg.catalog
    state = _collect(files)
    observations = observations_frame(state, cat)
    _observation_findings(state, _validate(observations, "observations", "obs_id"), cat)
    reports = reports_frame(state, cat, history)
    _report_findings(state, reports, _validate(reports, "reports", "report_id"), cat)
    _competitions(state)
    comparisons = comparisons_frame(state, cfg)
    _comparison_findings(state, comparisons, _validate(comparisons, "comparisons", "row_id"))
    log.info(
        "validate: %d reports, %d values, %d findings, %d values held back",
        len(state.reports),
        len(state.observations),
        len(state.findings),
        len(state.held),
    )
    return state
