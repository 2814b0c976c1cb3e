"""The monthly flow: inbox -> findings + facts -> roll-up -> reports. It only chains the
stages of tasks/; each stage is a Prefect task, coarse enough (per province, per run) that
a national month is a few dozen task runs, not thousands."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import multiprocessing
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff
from prefect.utilities.annotations import quote

from antq.config import Config
from antq.findings import Finding, count_by_severity, findings_frame
from antq.notify import notify
from antq.period import Period, previous_period
from antq.schemas.periods import period_rules
from antq.schemas.registry import CURRENT
from antq.tasks.discover import (
    Discovery,
    InboxFile,
    add_archived_versions,
    discover,
    one_per_content,
    stable_arrival,
)
from antq.tasks.extract import sweep_other_versions
from antq.tasks.intake import Limits, intake
from antq.tasks.normalize import ParsedFile
from antq.tasks.reform import crosswalk_frame, ministry_view, successor_findings
from antq.tasks.report import (
    ProvinceReport,
    annotated_copies,
    completion_mail,
    existing_report,
    failure_mail,
    publish_artifacts,
    report_inputs,
    vi_period,
    warehouse_key,
    write_ministry_page,
    write_ministry_workbook,
    write_province_reports,
)
from antq.tasks.report.corrections import corrections
from antq.tasks.report.dashboard import write_dashboard
from antq.tasks.resolve import Resolution, open_findings, resolve
from antq.tasks.validate import Validation, validate_month
from antq.tasks.workers import recycle_bloated, workers_of_this_run
from antq.warehouse import location
from antq.warehouse.location import is_transient
from antq.warehouse.rollup import compute_rollup, month_rows_on_current_units
from antq.warehouse.runs import (
    code_version,
    done_before,
    done_from_hashes,
    fingerprint,
    forget,
    read_report_inputs,
    remember,
    write_report_inputs,
)
from antq.warehouse.store import Staged, Warehouse
from antq.warehouse.windows import windows_of_run


@dataclass
class RunSummary:
    period: str
    inbox: Path
    warehouse: str  # a local path or a URL (s3://bucket/antq)
    reports: Path
    n_files: int = 0
    n_reused: int = 0  # files read from their extracts, not parsed again
    n_accepted: int = 0
    n_rejected: int = 0
    n_facts: int = 0
    n_errors: int = 0
    n_warnings: int = 0
    n_communes_reporting: int = 0
    n_communes_expected: int = 0
    province_reports: list[Path] = field(default_factory=list)
    ministry_workbook: Path | None = None
    flow_run_id: str | None = None  # where to find this run in Prefect
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage


class StageClock:
    """Wall time per stage, for the run's log and the benchmark's per-stage split."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds, self._last = seconds, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self._last
        self._last = now

    def line(self) -> str:
        return " · ".join(
            f"{stage} {s:.1f}".replace(".", ",") + " s" for stage, s in self.seconds.items()
        )


# ---------------------------------------------------------------------------- retries


def _retry_if_transient(task, task_run, state) -> bool:  # noqa: ANN001 (Prefect's hook)
    try:
        state.result()
    except Exception as exc:  # the task's own exception, re-raised by result()
        return is_transient(exc)
    return False


# Tasks that write or read the store: up to 3 more tries, 2 s, 4 s, 8 s apart.
STORE_RETRIES = {
    "retries": 3,
    "retry_delay_seconds": exponential_backoff(backoff_factor=2),
    "retry_jitter_factor": 0.5,
    "retry_condition_fn": _retry_if_transient,
}


# ---------------------------------------------------------------------------- tasks


@task(name="discover", cache_policy=NO_CACHE, **STORE_RETRIES)
def discover_files(
    inbox: Path, period: str, warehouse: str, config: Config
) -> tuple[Discovery, pd.DataFrame]:
    logger = get_run_logger()
    discovery = discover(inbox, period, config)
    store = Warehouse(warehouse)
    swept = sweep_other_versions(store.location)
    if swept:
        logger.info("Xoá %d kết quả đọc của phiên bản bộ đọc cũ (sẽ đọc lại khi cần)", swept)
    previous = store.read("submissions", period)
    added = add_archived_versions(discovery, previous.to_dict("records"), store.archived)
    logger.info(
        "Tìm thấy %d tệp của %d tỉnh, thành phố trong %s%s",
        discovery.n_files,
        len(discovery.files),
        discovery.base,
        f" (và {added} tệp đã nhận ở lần chạy trước, đọc lại từ kho lưu trữ)" if added else "",
    )
    return discovery, previous


# Files per reading task: a province with 150 files and one with 3 make batches of the
# same size, so the worker processes stay busy and a task's overhead is paid per batch.
BATCH_FILES = 64


def batches(discovery: Discovery, size: int = BATCH_FILES) -> list[list[InboxFile]]:
    """The month's files in batches of `size`, province by province."""
    files = [f for _, group in sorted(discovery.files.items()) for f in group]
    return [files[i : i + size] for i in range(0, len(files), size)]


@task(name="read-batch", cache_policy=NO_CACHE, **STORE_RETRIES)
def read_batch(
    files: list[InboxFile], period: str, archive: str, workers: int, config: Config
) -> list[ParsedFile]:
    """Archive, read and normalize a batch of files (from their extracts when unchanged)."""
    if workers and multiprocessing.current_process().daemon:
        # A Dask worker started without DASK_DISTRIBUTED__WORKER__DAEMON=False cannot
        # start reader processes: read here, without the per-file time limit.
        get_run_logger().warning(
            "Tiến trình Dask này không tạo được tiến trình đọc riêng: đọc trực tiếp, không "
            "giới hạn thời gian mỗi tệp (khởi động dask worker với "
            "DASK_DISTRIBUTED__WORKER__DAEMON=False để có giới hạn)"
        )
        workers = 0
    parsed = intake(files, period, archive, workers=workers, limits=Limits(), config=config)
    provinces = Counter(p.ref.province_code for p in parsed)
    get_run_logger().info(
        "Đã đọc %d tệp của %s (%d dùng lại kết quả đọc lần trước), %d bị từ chối",
        len(parsed),
        ", ".join(f"{config.registry.provinces[c].name}: {n}" for c, n in provinces.items()),
        sum(p.reused for p in parsed),
        sum(p.rejected for p in parsed),
    )
    return parsed


@task(name="validate", cache_policy=NO_CACHE)
def validate_task(
    files: list[ParsedFile], warehouse: str, period: str, config: Config
) -> Validation:
    months = config.catalog.history.months
    history = Warehouse(warehouse).read_history(period, months, ["unit_code", "indicator", "value"])
    validation = validate_month(files, history, config)
    get_run_logger().info(
        "Kiểm tra (Great Expectations): %d báo cáo, %d ô số liệu, %d phát hiện",
        len(validation.reports),
        len(validation.observations),
        len(validation.findings),
    )
    return validation


@task(name="resolve", cache_policy=NO_CACHE)
def resolve_task(
    files: list[ParsedFile], validation: Validation, previous: pd.DataFrame, config: Config
) -> Resolution:
    return resolve(files, validation, set(previous["sha256"].dropna()), config)


@task(name="load", cache_policy=NO_CACHE, **STORE_RETRIES)
def load_task(
    warehouse: str, period: str, resolution: Resolution, extra: list[Finding], config: Config
) -> Staged:
    """Stage the month's tables; nothing is visible to readers until the commit."""
    store = Warehouse(warehouse)
    staged = store.stage()
    findings = findings_frame(resolution.findings + extra)
    store.write_staged(staged, "submissions", period, resolution.submissions)
    store.write_staged(staged, "facts", period, resolution.facts)
    store.write_staged(staged, "findings", period, findings)
    store.write_staged(staged, "observations", period, resolution.observations)
    crosswalk = crosswalk_frame(resolution.facts, config)
    store.write_staged(staged, "unit_crosswalk", period, crosswalk)
    if len(crosswalk):
        split = crosswalk[(crosswalk["status"] == "ambiguous") & crosswalk["reported"]]
        get_run_logger().info(
            "%s báo cáo theo đơn vị hành chính trước sắp xếp (%d tỉnh, %d xã): %d xã đã báo "
            "cáo bị chia cho nhiều xã mới, số liệu của chúng chỉ tính vào tỉnh",
            vi_period(period),
            len(config.registry.provinces),
            len(config.registry.communes),
            len(split),
        )
    return staged


@task(name="rollup", cache_policy=NO_CACHE, **STORE_RETRIES)
def rollup_task(
    warehouse: str, staged: Staged, period: str, config: Config
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's `rollup` on the units it was reported on, and its month rows on the
    2025 provinces (the same, for a month after the reform)."""
    store = Warehouse(warehouse)
    facts, submissions = staged.tables[("facts", period)], staged.tables[("submissions", period)]
    frame = compute_rollup(facts, submissions, period, config)
    store.write_staged(staged, "rollup", period, frame)
    on_current_units = (
        frame
        if config.registry.edition == CURRENT
        else month_rows_on_current_units(facts, submissions, period, config)
    )
    windows = windows_of_run(store, period, on_current_units, config)
    for month, rows in windows.items():
        store.write_staged(staged, "rollup_windows", month, rows)
    if len(windows) > 1:
        get_run_logger().info(
            "Tính lại số liệu theo quý, luỹ kế năm và 12 tháng của %d tháng sau %s",
            len(windows) - 1,
            vi_period(period),
        )
    return frame, on_current_units


@task(name="commit", cache_policy=NO_CACHE, **STORE_RETRIES)
def commit_task(warehouse: str, staged: Staged, period: str) -> None:
    Warehouse(warehouse).commit(staged, sorted(staged.tables))
    get_run_logger().info("Đã ghi kho dữ liệu tháng %s vào %s", period, warehouse)


@task(name="province-reports", cache_policy=NO_CACHE)
def province_reports_task(
    out_dir: Path,
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
    warehouse: str,
    config: Config,
    workers: int = 2,
    observations: pd.DataFrame | None = None,
    all_findings: list[Finding] | None = None,
) -> list[ProvinceReport]:
    """One report per province, with marked-up copies of its files that have errors (the
    originals come from the archive, where intake kept them), built in the worker
    processes under intake's limits. A province whose report would be made from the same
    inputs as the one already in `out_dir` keeps it (a month re-run after one corrected
    file rewrites one province's report, not 34)."""
    version = code_version()
    codes = sorted(config.registry.provinces)
    inputs = {
        code: report_inputs(code, period, findings, submissions, reporting, version, config)
        for code in codes
    }
    earlier = read_report_inputs(out_dir)
    kept = {
        code: report
        for code in codes
        if earlier.get(code) == inputs[code]
        and (report := existing_report(out_dir, code, period, findings, config)) is not None
    }
    fresh = [code for code in codes if code not in kept]
    # Nothing vouches for a report being rewritten, should this run stop half way.
    write_report_inputs(out_dir, {code: inputs[code] for code in kept})
    archive = Warehouse(warehouse).archived
    copies = annotated_copies(out_dir, findings, archive, workers, provinces=fresh, config=config)
    corrected = (
        corrections(submissions, observations, all_findings or findings, config)
        if observations is not None
        else {}
    )
    reports = write_province_reports(
        out_dir, fresh, period, findings, submissions, reporting, copies, config, workers,
        corrections=corrected,
    )  # fmt: skip
    write_report_inputs(out_dir, inputs)
    if kept:
        get_run_logger().info(
            "Báo cáo của %d tỉnh, thành phố không thay đổi nên giữ nguyên; viết lại %d",
            len(kept),
            len(fresh),
        )
    return [kept[code] if code in kept else reports[code] for code in codes]


@task(name="dashboard", cache_policy=NO_CACHE)
def dashboard_task(
    reports_root: Path,
    period: str,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    reporting: set[str],
    workbooks: dict[str, Path],
    warehouse: str,
    config: Config,
) -> Path:
    kept = Warehouse(warehouse).read("rollup_windows")
    months = kept[kept["window"] == "month"]
    return write_dashboard(
        reports_root,
        period,
        months,
        rollup,
        submissions,
        reporting,
        workbooks,
        config,
        kept[kept["period"] == period],
    )


@task(name="ministry-workbook", cache_policy=NO_CACHE)
def ministry_task(
    out_dir: Path,
    period: str,
    rollup: pd.DataFrame,
    submissions: pd.DataFrame,
    findings: list[Finding],
    warehouse: str,
    config: Config,
) -> Path:
    store = Warehouse(warehouse).snapshot()  # the tables this run committed
    previous = _previous_rollup(store, period)
    windows = store.read("rollup_windows", period)
    months = {str(m) for m in Period.parse(period).window("year")}
    trend = store.read_months("rollup_windows", months)
    trend = trend[trend["window"] == "month"]
    write_ministry_page(out_dir, period, rollup, config)
    return write_ministry_workbook(
        out_dir, period, rollup, submissions, findings, previous, config, windows, trend
    )


def _previous_rollup(store: Warehouse, period: str) -> pd.DataFrame | None:
    """The month before's rows on the 2025 provinces (what this month's are shown on,
    across the July 2025 reform too)."""
    frame = store.read("rollup_windows", previous_period(period))
    frame = frame[frame["window"] == "month"]
    return frame if len(frame) else None


# ---------------------------------------------------------------------------- helpers


def _record(summary: RunSummary) -> dict[str, object]:
    """The figures of a finished run, kept with its fingerprint (warehouse/runs.py)."""
    record = dataclasses.asdict(summary)
    record.pop("flow_run_id")
    record.pop("seconds")
    return record


def _unchanged(summary: RunSummary, record: dict, n_reused: int, clock: StageClock) -> RunSummary:
    """This run's summary when the month was already done from the same inputs, with
    `n_reused` files not parsed again; said in the run's log."""
    clock.lap("compare")
    logger = get_run_logger()
    logger.info(
        "%s: không có gì thay đổi từ lần chạy trước (cùng tệp, cùng các tháng trước, "
        "cùng phiên bản): kho dữ liệu và báo cáo giữ nguyên",
        vi_period(summary.period),
    )
    logger.info("Thời gian từng bước: %s", clock.line())
    counts = {k: v for k, v in record.items() if k.startswith("n_")}
    summary = dataclasses.replace(summary, **counts)
    summary.n_reused = n_reused
    summary.province_reports = [Path(p) for p in record.get("province_reports", [])]
    workbook = record.get("ministry_workbook")
    summary.ministry_workbook = Path(workbook) if workbook else None
    return summary


def _read_runner(dask: str | None) -> contextlib.AbstractContextManager:
    """Where the reading batches run: the flow's own task runner, or a Dask cluster
    (`dask` is its scheduler's address, or "local" for a LocalCluster of this machine)."""
    if not dask:
        return contextlib.nullcontext(None)
    import dask as dask_config
    from prefect_dask import DaskTaskRunner

    if dask == "local":
        # Workers that may start the reader's own processes (time limit per file).
        dask_config.config.set({"distributed.worker.daemon": False})
        return DaskTaskRunner(cluster_kwargs={"n_workers": 2, "threads_per_worker": 1})
    return DaskTaskRunner(address=dask)


def _period_now() -> str:
    """The month whose deadline has just passed (what a scheduled run is for)."""
    return period_rules().last_closed(dt.datetime.now(dt.UTC))


def deployment_schedule(day: int = 21, hour: int = 6):  # -> prefect.schedules.Schedule
    """Monthly on `day` at `hour`:00, Việt Nam time (after the deadline of the 20th)."""
    from prefect.schedules import Cron

    return Cron(f"0 {hour} {day} * *", timezone=period_rules().timezone.key)


def run_name() -> str:
    """`antq-2026-10-20261121-060000`: the month, then when the run started (Việt Nam)."""
    period = flow_run.parameters.get("period") or _period_now()
    now = dt.datetime.now(period_rules().timezone)
    return f"antq-{period}-{now:%Y%m%d-%H%M%S}"


def _on_completion(flow, flow_run_, state) -> None:  # noqa: ANN001 (Prefect's hook)
    summary = state.result(raise_on_failure=False)
    if isinstance(summary, RunSummary):
        notify(*completion_mail(summary, flow_run_.name))


def _on_failure(flow, flow_run_, state) -> None:  # noqa: ANN001 (Prefect's hook)
    period = flow_run_.parameters.get("period") or _period_now()
    notify(*failure_mail(period, flow_run_.name, str(flow_run_.id), state.message or ""))


# ---------------------------------------------------------------------------- flow


@flow(
    name="antq-monthly-ingest",
    flow_run_name=run_name,
    task_runner=ThreadPoolTaskRunner(max_workers=4),
    log_prints=True,
    on_completion=[_on_completion],
    on_failure=[_on_failure],
)
def monthly_ingest(
    period: str | None = None,
    inbox: Path | None = None,
    warehouse: str | Path | None = None,
    reports: Path | None = None,
    workers: int = 2,
    dask: str | None = None,
) -> RunSummary:
    """Ingest one month: every file of `inbox` to the warehouse tables and the reports.
    `period` defaults to the month whose deadline has just passed (a scheduled run);
    `dask` reads the files on a Dask cluster (its address, or "local")."""
    if inbox is None or warehouse is None:
        raise ValueError("monthly_ingest needs an inbox and a warehouse")
    period = period or _period_now()
    config = Config.load(period)  # the catalog, layouts and the units of this month
    inbox, warehouse = Path(inbox).resolve(), location.normalize(warehouse)
    if reports is None and location.is_url(warehouse):
        raise ValueError(f"a warehouse on object storage ({warehouse}) needs a reports folder")
    reports = Path(reports).resolve() if reports else Path(warehouse).parent / "reports"
    out_dir = reports / period
    summary = RunSummary(period, inbox, warehouse, out_dir, flow_run_id=flow_run.get_id())
    logger = get_run_logger()
    store = Warehouse(warehouse)
    clock = StageClock(summary.seconds)
    with store.writer(), workers_of_this_run():
        discovery, previous = discover_files(inbox, period, warehouse, quote(config))
        clock.lap("discover")
        earlier = done_from_hashes(store, period, discovery, previous, out_dir)
        if earlier is not None:  # found from the files' hashes: none of them is read
            record, n_files = earlier
            return _unchanged(summary, record, n_files, clock)
        progress = create_progress_artifact(
            progress=0.0,
            key=f"antq-{period}-{warehouse_key(warehouse)}-intake",
            description="Đọc tệp",
        )
        parsed: list[ParsedFile] = []
        with _read_runner(dask) as runner:
            if runner:  # on Dask, each worker reads its batch with one reader process
                futures = [
                    runner.submit(
                        read_batch,
                        {"files": b, "period": period, "archive": warehouse, "workers": 1}
                        | {"config": config},
                    )
                    for b in batches(discovery)
                ]
            else:
                futures = [
                    read_batch.submit(quote(batch), period, warehouse, workers, quote(config))
                    for batch in batches(discovery)
                ]
            for i, future in enumerate(futures, start=1):
                parsed.extend(future.result())
                update_progress_artifact(progress, progress=100.0 * i / len(futures))
        recycle_bloated()  # workers a big file left big do not wait through the month
        parsed = one_per_content(stable_arrival(parsed, previous))
        clock.lap("read")
        print_ = fingerprint(store, period, parsed, discovery.findings, out_dir)
        done = done_before(store, period, print_) if print_ else None
        if done is not None:
            return _unchanged(summary, done, sum(p.reused for p in parsed), clock)
        forget(store, period)  # nothing vouches for a month being rewritten
        clock.lap("compare")
        validation = validate_task(quote(parsed), warehouse, period, quote(config))
        clock.lap("validate")
        resolution = resolve_task(quote(parsed), quote(validation), previous, quote(config))
        clock.lap("resolve")
        reform = successor_findings(resolution.facts, resolution.submissions, period, config)
        staged = load_task(
            warehouse, period, quote(resolution), quote(discovery.findings + reform), quote(config)
        )
        rollup, on_current_units = rollup_task(warehouse, quote(staged), period, quote(config))
        clock.lap("load")
        commit_task(warehouse, quote(staged), period)
        clock.lap("commit")
        findings = (
            open_findings(resolution.findings, resolution.submissions) + discovery.findings + reform
        )
        reporting = set(
            resolution.facts.loc[resolution.facts["unit_level"] == "commune", "unit_code"]
        )
        province_reports = province_reports_task(
            out_dir,
            period,
            quote(findings),
            resolution.submissions,
            quote(reporting),
            warehouse,
            quote(config),
            workers,
            resolution.observations,
            quote(resolution.findings + discovery.findings),
        )
        clock.lap("province-reports")
        view = ministry_view(
            config,
            resolution.submissions,
            findings,
            {r.province_code: r.workbook for r in province_reports},
        )
        summary.ministry_workbook = ministry_task(
            out_dir,
            period,
            on_current_units,
            view.submissions,
            quote(view.findings),
            warehouse,
            quote(view.config),
        )
        clock.lap("ministry")
        dashboard_task(
            reports,
            period,
            on_current_units,
            view.submissions,
            quote(reporting),
            quote(view.province_reports),
            warehouse,
            quote(view.config),
        )
        clock.lap("dashboard")
        counts = count_by_severity(findings)
        summary.n_files = len(parsed)
        summary.n_reused = sum(p.reused for p in parsed)
        summary.n_rejected = sum(p.rejected for p in parsed)
        summary.n_accepted = summary.n_files - summary.n_rejected
        summary.n_facts = len(resolution.facts)
        summary.n_errors, summary.n_warnings = counts["error"], counts["warning"]
        summary.n_communes_reporting = len(reporting)
        summary.n_communes_expected = len(config.registry.communes)
        summary.province_reports = [r.workbook for r in province_reports]
        if print_:
            outputs = [*summary.province_reports, *(r.json for r in province_reports)]
            remember(store, period, print_, _record(summary), [*outputs, summary.ministry_workbook])
    publish_artifacts(
        summary, province_reports, resolution.submissions, findings, resolution.findings, config
    )
    clock.lap("artifacts")
    logger.info("Thời gian từng bước: %s", clock.line())
    logger.info(
        "Xong %s: %d tệp (%d bị từ chối), %d/%d xã, phường đã báo cáo, %d lỗi, %d cảnh báo",
        vi_period(period),
        summary.n_files,
        summary.n_rejected,
        summary.n_communes_reporting,
        summary.n_communes_expected,
        summary.n_errors,
        summary.n_warnings,
    )
    return summary


__all__ = ["RunSummary", "monthly_ingest"]
