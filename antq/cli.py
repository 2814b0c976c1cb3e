"""The `antq` command line (SPEC §9)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path


def _run(args: argparse.Namespace) -> int:
    from antq.period import Period
    from antq.prefect_server import start_temporary_server, wait_for

    try:
        Period.parse(args.period)
    except ValueError:
        print(
            f"antq: --period phải có dạng YYYY-MM (ví dụ 2026-10), không phải {args.period!r}",
            file=sys.stderr,
        )
        return 2
    from antq.config import registry_for

    try:
        registry_for(args.period)
    except ValueError as unsupported:
        print(f"antq: {unsupported}", file=sys.stderr)
        return 2
    if not Path(args.inbox).is_dir():
        print(f"antq: không tìm thấy thư mục hộp thư (--inbox) {args.inbox}", file=sys.stderr)
        return 2
    if _output_folders_unwritable(args, "antq"):
        return 2

    server = start_temporary_server()  # boots while the flow's libraries load
    from antq.flows.monthly import monthly_ingest

    wait_for(server)
    summary = monthly_ingest(
        period=args.period,
        inbox=Path(args.inbox),
        warehouse=args.warehouse,
        reports=Path(args.reports) if args.reports else None,
        workers=args.workers,
        dask=args.dask,
    )
    _print_summary(summary)
    return 0


def _output_folders_unwritable(args: argparse.Namespace, command: str) -> bool:
    """Says (as `command`) which of --warehouse and --reports cannot be written to."""
    from antq.warehouse.location import is_url

    if is_url(args.warehouse) and not args.reports:
        print(
            f"{command}: kho dữ liệu ở trên kho lưu trữ đối tượng ({args.warehouse}); "
            "hãy chỉ rõ thư mục báo cáo bằng --reports",
            file=sys.stderr,
        )
        return True
    for option, folder in (("--warehouse", args.warehouse), ("--reports", args.reports)):
        if folder and is_url(folder) and option == "--reports":
            problem = (
                "báo cáo cần một thư mục (trên máy này hoặc thư mục dùng chung), không phải URL"
            )
        elif folder and is_url(folder):
            problem = _bucket_not_writable(folder)
        else:
            problem = _not_writable(Path(folder)) if folder else None
        if problem:
            print(f"{command}: không ghi được vào {option} {folder}: {problem}", file=sys.stderr)
            return True
    return False


def _bucket_not_writable(url: str) -> str | None:
    """Why the run could not write under `url` on object storage (no such bucket, no
    credentials, no network), checked with a small object written and removed."""
    from antq.warehouse.location import Location

    try:
        location = Location(url)
        location.write(".antq-write-check", b"")
        location.remove(".antq-write-check")
    except Exception as exc:  # botocore, aiohttp and fsspec each raise their own
        return f"{type(exc).__name__}: {exc}"
    return None


def _not_writable(folder: Path) -> str | None:
    """Why the run could not write to `folder` (read-only, not a folder), checked before
    the month starts rather than found half way."""
    import tempfile

    if folder.exists() and not folder.is_dir():
        return "đây là một tệp, không phải thư mục"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return exc.strerror or type(exc).__name__
    return None


def _print_summary(summary) -> None:  # RunSummary
    print()
    print(
        f"Tháng {summary.period}: {summary.n_files} tệp, {summary.n_accepted} chấp nhận, {summary.n_rejected} từ chối"
    )
    if summary.n_reused:
        print(f"  {summary.n_reused} tệp không đổi từ lần chạy trước: dùng lại kết quả đọc")
    print(f"  xã, phường đã báo cáo: {summary.n_communes_reporting}/{summary.n_communes_expected}")
    print(
        f"  lỗi: {summary.n_errors}, cảnh báo: {summary.n_warnings}, số liệu vào kho: {summary.n_facts}"
    )
    print(
        f"Province error reports : {summary.reports}  ({len(summary.province_reports)} workbooks)"
    )
    print(f"Ministry workbook      : {summary.ministry_workbook}")
    dashboard = Path(summary.reports).parent / "index.html"
    if dashboard.is_file():
        print(f"Dashboard              : {dashboard.as_uri()}")
    print(f"Warehouse (Delta Lake) : {summary.warehouse}")
    if summary.seconds:
        times = " · ".join(f"{stage} {s:.1f}" for stage, s in summary.seconds.items())
        print(f"Stage times (s)        : {times}")
    if summary.flow_run_id:
        from antq.tasks.report.artifacts import ui_link

        link = ui_link(summary.flow_run_id)
        print(f"Prefect flow run       : {summary.flow_run_id}" + (f"  {link}" if link else ""))


def _demo(args: argparse.Namespace) -> int:
    from antq.config import REFORM_PERIOD
    from antq.prefect_server import start_temporary_server, wait_for
    from antq.sample.generate import generate_month, generate_series, series_periods

    root = Path(args.dir).resolve()
    started = time.monotonic()
    months = series_periods(args.period, args.months)
    what = (
        f"a sample month {args.period}"
        if args.months == 1
        else f"{args.months} sample months {months[0]} .. {months[-1]}"
    )
    if months[0] < REFORM_PERIOD:
        print(
            f"  các tháng trước {REFORM_PERIOD} được tạo theo đơn vị hành chính trước sắp xếp "
            f"(63 tỉnh, khoảng 10.000 xã: mỗi tháng gấp ba số tệp)",
            flush=True,
        )
    print(f"Generating {what} under {root / 'inbox'} ...", flush=True)
    server = start_temporary_server()  # boots while the months are generated
    provinces = args.provinces.split(",") if args.provinces else None
    if args.months == 1:
        generate_month(root, args.period, args.seed, provinces=provinces, workers=args.workers)
    else:
        generate_series(
            root, args.period, args.months, args.seed, provinces=provinces, workers=args.workers
        )
    print(f"  done in {time.monotonic() - started:.1f} s", flush=True)
    wait_for(server)
    if args.months == 1:
        from antq.flows.monthly import monthly_ingest

        summaries = [
            monthly_ingest(
                period=args.period,
                inbox=root / "inbox",
                warehouse=root / "warehouse",
                reports=root / "reports",
                workers=args.workers,
            )
        ]
    else:
        from antq.flows.backfill import backfill

        summaries = backfill(
            months[0], months[-1], root / "inbox", root / "warehouse", root / "reports",
            args.workers,
        )  # fmt: skip
    for summary in summaries[-1:]:
        _print_summary(summary)
    print(f"Sample ground truth    : {root / 'truth'}")
    print(f"Total time             : {time.monotonic() - started:.1f} s")
    return 0


def _backfill(args: argparse.Namespace) -> int:
    from antq.config import registry_for
    from antq.prefect_server import start_temporary_server, wait_for

    try:
        registry_for(args.first)
    except ValueError as unsupported:
        print(f"antq: {unsupported}", file=sys.stderr)
        return 2

    server = start_temporary_server()
    from antq.flows.backfill import backfill

    wait_for(server)
    summaries = backfill(
        first=args.first,
        last=args.last,
        inbox=Path(args.inbox),
        warehouse=args.warehouse,
        reports=Path(args.reports) if args.reports else None,
        workers=args.workers,
        dask=args.dask,
    )
    for summary in summaries:
        _print_summary(summary)
    return 0


def _serve(args: argparse.Namespace) -> int:
    """The monthly flow as a Prefect deployment on a schedule, served from this process."""
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value():
        print(
            "antq serve: cần một Prefect server để lưu lịch chạy. Khởi động server "
            "(prefect server start) rồi đặt biến môi trường, ví dụ:\n"
            "  export PREFECT_API_URL=http://127.0.0.1:4200/api",
            file=sys.stderr,
        )
        return 2
    if not 1 <= args.day <= 28 or not 0 <= args.hour <= 23:
        print("antq serve: --day phải từ 1 đến 28, --hour từ 0 đến 23", file=sys.stderr)
        return 2
    if _output_folders_unwritable(args, "antq serve"):
        return 2
    from antq.flows.monthly import deployment_schedule, monthly_ingest
    from antq.warehouse.location import normalize

    parameters: dict[str, object] = {
        "inbox": str(Path(args.inbox).resolve()),
        "warehouse": normalize(args.warehouse),
        "workers": args.workers,
    }
    if args.reports:
        parameters["reports"] = str(Path(args.reports).resolve())
    if args.dask:
        parameters["dask"] = args.dask
    schedule = deployment_schedule(args.day, args.hour)
    print(
        f"antq serve: deployment “antq-monthly-ingest/{args.name}”, chạy lúc {args.hour}:00 "
        f"ngày {args.day} hằng tháng (giờ Việt Nam) cho tháng vừa hết hạn nộp báo cáo. "
        "Dừng bằng Ctrl+C.",
        flush=True,
    )
    monthly_ingest.serve(
        name=args.name,
        schedules=[schedule],
        parameters=parameters,
        tags=["antq"],
        description="Tổng hợp báo cáo tháng phong trào toàn dân bảo vệ ANTQ",
        limit=1,  # one month at a time: a second run waits for the first
        print_starting_message=False,
    )
    return 0


def _query(args: argparse.Namespace) -> int:
    """SQL over the warehouse: each table is a DuckDB view of its Parquet files."""
    import duckdb
    import pandas as pd

    from antq.warehouse.location import is_url
    from antq.warehouse.store import Warehouse, WarehouseError
    from antq.warehouse.tables import TABLES

    if not is_url(args.warehouse) and not Path(args.warehouse).is_dir():
        print(
            f"antq query: không tìm thấy kho dữ liệu (--warehouse) {args.warehouse}",
            file=sys.stderr,
        )
        return 2
    as_of = None
    if args.as_of:
        try:
            as_of = _as_of(args.as_of)
        except ValueError:
            print(
                f"antq query: --as-of phải là ngày (2026-11-05) hoặc ngày giờ "
                f"(2026-11-05T14:30), không phải {args.as_of!r}",
                file=sys.stderr,
            )
            return 2
    store = Warehouse(args.warehouse, as_of=as_of).snapshot()  # every table of one run
    legacy = store.parquet_tables()
    if legacy:
        print(
            "antq query: kho còn các bảng dạng Parquet của phiên bản trước "
            f"({', '.join(legacy)}); lần chạy antq run tới sẽ chuyển chúng "
            "sang Delta Lake, sau đó truy vấn được",
            file=sys.stderr,
        )
        return 2
    if as_of is not None and not store.pinned:
        from antq.schemas.periods import period_rules

        local = as_of.astimezone(period_rules().timezone)
        print(
            f"antq query: kho chưa có lần chạy nào xong trước {local:%d/%m/%Y %H:%M}",
            file=sys.stderr,
        )
        return 2
    con = duckdb.connect()
    tables = []
    try:
        for table in TABLES:
            dataset = store.dataset(table)
            if dataset is not None:
                con.register(table, dataset)
                tables.append(table)
    except WarehouseError as exc:
        print(f"antq query: {exc}", file=sys.stderr)
        return 2
    runs = store.runs()
    if len(runs):
        con.register("runs", runs)
        tables.append("runs")
    try:
        frame = con.execute(args.sql).df()
    except duckdb.Error as exc:
        # The team's own SQL: the engine's message and what there is to query, no traceback.
        first = str(exc).strip().splitlines()[0]
        print(f"antq query: câu SQL không chạy được: {first}", file=sys.stderr)
        print(f"  các bảng có trong kho: {', '.join(tables) or '(chưa có)'}", file=sys.stderr)
        if 'near "window"' in str(exc):
            print('  window là từ khoá của SQL: viết "window" (có ngoặc kép)', file=sys.stderr)
        return 2
    if args.csv:
        from antq.xlsx import csv_safe

        frame.map(csv_safe).to_csv(args.csv, index=False)
        print(f"{len(frame)} rows written to {args.csv}")
    else:
        with pd.option_context("display.max_rows", 200, "display.width", 200):
            print(frame.to_string(index=False))
    return 0


def _as_of(text: str):  # -> datetime (UTC)
    """A day (its end) or a moment, in Việt Nam time unless it says otherwise."""
    import datetime as dt

    from antq.schemas.periods import period_rules

    moment = dt.datetime.fromisoformat(text.strip())
    if len(text.strip()) == 10:  # a day: as the ministry saw it at the end of that day
        moment = moment.replace(hour=23, minute=59, second=59)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=period_rules().timezone)
    return moment.astimezone(dt.UTC)


def _suites(args: argparse.Namespace) -> int:
    from antq.expectations.build import write_suites

    for path in write_suites():
        print(f"wrote {path}")
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from antq.inspect import InspectError, inspect_file, print_inspection

    path = Path(args.file)
    if not path.is_file():
        print(f"antq: không tìm thấy tệp {path}", file=sys.stderr)
        return 2
    try:
        result = inspect_file(path, args.period, args.province)
    except InspectError as exc:
        print(f"antq inspect: {exc}", file=sys.stderr)
        return 2
    print_inspection(result, sys.stdout)
    return 0


def _labels(args: argparse.Namespace) -> int:
    from antq.labels import TeachError, load_taught, taught_labels_path, teach

    if args.action == "accept":
        try:
            entry = teach(args.label, args.indicator, args.group, args.by)
        except TeachError as exc:
            print(f"antq labels: {exc}", file=sys.stderr)
            return 2
        scope = f" (chỉ dưới nhóm “{entry.group}”)" if entry.group else ""
        print(f"Đã dạy: “{entry.label}” → {entry.indicator}{scope}, ghi vào {taught_labels_path()}")
        return 0
    if args.action == "proposals":
        return _label_proposals(args)
    taught = load_taught()
    print(f"{len(taught)} nhãn đã dạy ({taught_labels_path()}):")
    for t in taught:
        scope = f" [nhóm {t.group}]" if t.group else ""
        print(f"  “{t.label}” → {t.indicator}{scope} · {t.taught_by}, {t.taught_at}")
    return 0


def _label_proposals(args: argparse.Namespace) -> int:

    from antq.labels import proposals, proposals_markdown
    from antq.warehouse.store import Warehouse

    store = Warehouse(args.warehouse)
    if not store.periods("findings"):
        print("antq labels: kho chưa có bảng findings", file=sys.stderr)
        return 2
    frame = store.read("findings", args.period)
    rows = [r for r in frame.itertuples() if r.rule == "unknown-label"]
    print(proposals_markdown(proposals(rows, args.min_files)))
    return 0


WAREHOUSE_HELP = (
    "warehouse: a folder, or a URL on object storage (s3://bucket/antq; credentials and "
    "endpoint from the AWS_* environment variables): Delta tables, archive, extracts"
)


def _template(args: argparse.Namespace) -> int:
    from antq.config import REFORM_PERIOD, Config
    from antq.period import Period
    from antq.template import units_for, write_templates, zip_path

    try:
        period = str(Period.parse(args.period))
    except ValueError:
        print(f"antq template: kỳ “{args.period}” không đúng dạng YYYY-MM", file=sys.stderr)
        return 2
    if period < REFORM_PERIOD:
        print(
            f"antq template: biểu mẫu chỉ làm cho các kỳ từ {REFORM_PERIOD} "
            "(đơn vị hành chính sau sắp xếp)",
            file=sys.stderr,
        )
        return 2
    config = Config.load(period)
    try:
        units = units_for(config, args.province, args.unit)
    except ValueError as exc:
        print(f"antq template: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    problem = _not_writable(out)
    if problem:
        print(f"antq template: không ghi được vào --out {out}: {problem}", file=sys.stderr)
        return 2
    started = time.monotonic()
    print(f"Tạo {len(units)} biểu mẫu kỳ {period} vào {out} ...", flush=True)

    def progress(province, n_forms: int) -> None:  # province: Unit
        print(f"  {province.code} {province.display_name}: {n_forms} biểu mẫu", flush=True)

    try:
        paths = write_templates(out, period, units, config, args.workers, progress)
    except OSError as exc:
        print(f"antq template: không ghi được vào {out}: {exc}", file=sys.stderr)
        return 2
    zips = sorted({zip_path(path.parent, period) for path in paths})
    print(
        f"Xong: {len(paths)} tệp .xlsx, {len(zips)} tệp .zip (mỗi tỉnh một tệp) trong "
        f"{time.monotonic() - started:.1f} s"
    )
    for path in zips[:5]:
        print(f"  {path}")
    if len(zips) > 5:
        print(f"  … và {len(zips) - 5} tệp .zip khác")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("phải là số nguyên dương")
    return value


def _dask_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dask",
        nargs="?",
        const="local",
        metavar="ADDRESS",
        help="read the files on a Dask cluster: its scheduler (tcp://host:8786), "
        "or a local cluster of this machine when no address is given",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="antq", description="ANTQ monthly reporting pipeline")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="ingest one month from an inbox")
    run.add_argument("--period", required=True, help="the month, e.g. 2026-10")
    run.add_argument(
        "--inbox",
        required=True,
        help="folder holding <period>/<province>/... or the province folders",
    )
    run.add_argument("--warehouse", required=True, help=WAREHOUSE_HELP)
    run.add_argument("--reports", help="reports folder (default: <warehouse>/../reports)")
    run.add_argument("--workers", type=int, default=2, help="reader processes (default 2)")
    _dask_option(run)
    run.set_defaults(func=_run)

    serve = sub.add_parser(
        "serve", help="serve the monthly flow on a schedule (needs a Prefect server)"
    )
    serve.add_argument("--inbox", required=True, help="folder holding <period>/<province>/...")
    serve.add_argument("--warehouse", required=True, help=WAREHOUSE_HELP)
    serve.add_argument("--reports")
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--day",
        type=int,
        default=21,
        help="day of the month to run (default 21, after the deadline)",
    )
    serve.add_argument("--hour", type=int, default=6, help="hour, Việt Nam time (default 6)")
    serve.add_argument("--name", default="monthly", help="deployment name (default monthly)")
    _dask_option(serve)
    serve.set_defaults(func=_serve)

    demo = sub.add_parser("demo", help="generate a sample national month and run it")
    demo.add_argument(
        "--dir", default="antq-demo", help="where to put inbox/, warehouse/, reports/"
    )
    demo.add_argument("--period", default="2026-10")
    demo.add_argument(
        "--months",
        type=_positive,
        default=1,
        help="a series of N months ending with --period, values evolving month to month "
        "(stocks grow, flows follow the season), loaded with backfill",
    )
    demo.add_argument(
        "--provinces",
        help="only these provinces (2025 codes, e.g. 01,08; a month before July 2025 "
        "writes the old provinces that went into them)",
    )
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--workers", type=int, default=2)
    demo.set_defaults(func=_demo)

    back = sub.add_parser("backfill", help="run every month of a range, oldest first")
    back.add_argument("--from", dest="first", required=True, help="first month, e.g. 2025-07")
    back.add_argument("--to", dest="last", required=True, help="last month, e.g. 2026-10")
    back.add_argument("--inbox", required=True, help="folder holding <period>/<province>/...")
    back.add_argument("--warehouse", required=True, help=WAREHOUSE_HELP)
    back.add_argument("--reports")
    back.add_argument("--workers", type=int, default=2)
    _dask_option(back)
    back.set_defaults(func=_backfill)

    query = sub.add_parser("query", help="SQL over the warehouse tables (DuckDB)")
    query.add_argument("--warehouse", required=True, help=WAREHOUSE_HELP)
    query.add_argument("sql", help="e.g. \"SELECT * FROM rollup WHERE unit_code = 'VN'\"")
    query.add_argument("--csv", help="write the result to this CSV file instead of printing it")
    query.add_argument(
        "--as-of",
        help="read the tables as they were then: a day (2026-11-05, its end) or a moment "
        "(2026-11-05T14:30), Việt Nam time",
    )
    query.set_defaults(func=_query)

    suites = sub.add_parser("suites", help="rewrite expectations/suites/*.json from the catalog")
    suites.set_defaults(func=_suites)

    inspect = sub.add_parser("inspect", help="show how one file is read (writes nothing)")
    inspect.add_argument("file")
    inspect.add_argument("--period", help="the month to read it for (default: as the file says)")
    inspect.add_argument(
        "--province", help="the submitting province, code or name (default: its folder)"
    )
    inspect.set_defaults(func=_inspect)

    labels = sub.add_parser("labels", help="labels taught to the reader; teach one; proposals")
    labels_sub = labels.add_subparsers(dest="action")
    accept = labels_sub.add_parser("accept", help='teach: antq labels accept "<label>" <code>')
    accept.add_argument("label", help="the label as written in the file")
    accept.add_argument("indicator", help="the catalog code it names, e.g. kinh_phi_xa_hoi_hoa")
    accept.add_argument("--group", help="only under this catalog group header (e.g. mo_hinh)")
    accept.add_argument("--by", help="who teaches it (default: the login name)")
    propose = labels_sub.add_parser(
        "proposals", help="unknown labels seen in several files, from the warehouse"
    )
    propose.add_argument("--warehouse", required=True, help=WAREHOUSE_HELP)
    propose.add_argument("--period")
    propose.add_argument("--min-files", type=int, default=2)
    labels_sub.add_parser("list", help="the labels taught so far")
    labels.set_defaults(func=_labels, action="list")

    template = sub.add_parser(
        "template",
        help="the monthly form of each unit, from the catalog (.xlsx, a zip per province)",
    )
    template.add_argument("--period", required=True, help="the month, e.g. 2026-11")
    template.add_argument("--province", help="only this province (code or name) and its communes")
    template.add_argument(
        "--unit", help="only this unit (commune code, e.g. 00070, or province code)"
    )
    template.add_argument(
        "--out", required=True, help="folder for <province>/<unit>.xlsx and <province>.zip"
    )
    template.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    template.set_defaults(func=_template)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `antq inspect FILE | head`: the reader has had enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
