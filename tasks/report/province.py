"""The province error report: one folder per province per run, its own units only.

Each province gets one folder per run about its own units only: a workbook (summary with
completeness and how to use the report, findings sorted by unit with the cell to fix,
files received), the same findings as JSON for machines, and under `ban-sua/` an
annotated copy of every file with errors (tasks/annotate.py). The ministry gets one
workbook for the period: provinces as rows with the national total, the derived ratios,
and reporting progress.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import openpyxl
import pandas as pd
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from antq.cells import parse_a1
from antq.config import Config
from antq.findings import SHOWN_PER_RULE, Finding, capped
from antq.outputs import save_workbook, write_text
from antq.schemas.catalog import SEVERITY_VI
from antq.schemas.registry import Registry, Unit
from antq.tasks.annotate import (
    NO_COPY_TOO_LARGE,
    NO_COPY_UNREADABLE,
    CopyJob,
    findings_by_file,
    make_copy,
)
from antq.tasks.report.common import province_title, slug, vi_period, window_line
from antq.tasks.report.corrections import Correction
from antq.tasks.workers import DEFAULT_LIMITS, Failure, Limits, run_limited
from antq.text import fold
from antq.xlsx import (
    BOLD,
    DATETIME_FORMAT,
    ERROR_FILL,
    INTEGER_FORMAT,
    MARK_ERROR_FILL,
    MARK_WARNING_FILL,
    RATIO_FORMAT,
    RULE_FONT,
    TITLE_FONT,
    WARNING_FILL,
    fit_row_heights,
    link_file,
    printable,
    put,
    write_table,
    write_title,
)

log = logging.getLogger(__name__)

COPY_DIR = "ban-sua"
COPY_SUFFIX = ".sua-loi.xlsx"

# A received file as the archive gives it to read: (sha256, original suffix) -> a local
# file, or None when the archive lacks it, as `Warehouse.archived`.
ArchivePath = Callable[[str, str], Path | None]


@dataclass(frozen=True)
class ProvinceReport:
    province_code: str
    workbook: Path
    json: Path
    n_errors: int
    n_warnings: int
    copies: tuple[Path, ...] = ()


def _sort_key(finding: Finding, reg: Registry) -> tuple:
    """By unit: the province's own report first, then its communes by name, then the
    files whose unit is unknown; inside a unit by file, errors first, then by cell."""
    unit = reg.unit(finding.unit_code) if finding.unit_code else None
    if unit is not None and unit.level == "province":
        level = 0
    elif finding.unit_code or finding.unit_name:
        level = 1
    else:
        level = 2
    name = finding.unit_name or (unit.name if unit else "")
    return (
        level,
        fold(name),
        name,
        finding.unit_code or "",
        finding.original_path,
        0 if finding.is_error else 1,
        _cell_order(finding.cell),
    )


def _cell_order(cell: str | None) -> tuple[int, int]:
    return parse_a1(cell) or (-1, -1)


def _file_name(path: str) -> str:
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _severity_fill(severity: str) -> PatternFill:
    return MARK_ERROR_FILL if severity == "error" else MARK_WARNING_FILL


# ------------------------------------------------------------------ annotated copies

# Windows will not create a file named like a device, whatever its extension.
_DEVICE_NAMES = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])")


def copy_names(files: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """A file name for the annotated copy of each (original_path, sha256): the original's
    name in plain ASCII ("01/Báo cáo T10.xls" -> "bao-cao-t10.sua-loi.xlsx"), at most
    about 130 characters, no path separator; originals that would share a name get their
    SHA-256 prefix. The same files always get the same names."""
    names: dict[tuple[str, str], str] = {}
    taken: set[str] = set()
    for path, sha256 in sorted(set(files)):
        stem = _copy_stem(path)
        name, n = f"{stem}{COPY_SUFFIX}", 1
        while name in taken:
            n += 1
            tail = sha256[:8] if n == 2 else f"{sha256[:8]}-{n}"
            name = f"{stem}-{tail}{COPY_SUFFIX}"
        taken.add(name)
        names[(path, sha256)] = name
    return names


def _copy_stem(original_path: str) -> str:
    """ "2026-10/04/01738_Ca_Thanh/Báo cáo tháng 10.xlsx" -> "01738-ca-thanh-bao-cao-thang-10":
    the file's name with the folders it sits in below the province folder, since communes
    often send files with the same name."""
    parts = PurePosixPath(original_path.replace("\\", "/")).parts
    if parts and re.fullmatch(r"\d{4}-\d{2}", parts[0]):
        parts = parts[1:]
    folders, name = parts[1:-1], parts[-1] if parts else "x"
    stem = slug(PurePosixPath(name).stem)
    if folders:
        stem = f"{slug('-'.join(folders))[:40].strip('-')}-{stem}"
    return f"tep-{stem}" if _DEVICE_NAMES.fullmatch(stem) else stem


@dataclass(frozen=True)
class Copies:
    """The marked-up copies of a province's files with errors, by (original_path, sha256):
    the copy's path relative to the report, or why the file has none."""

    made: dict[tuple[str, str], str] = field(default_factory=dict)
    missing: dict[tuple[str, str], str] = field(default_factory=dict)

    def note(self, key: tuple[str, str]) -> str:
        """What the report says in the copy column for this file."""
        if key in self.made:
            return self.made[key].rsplit("/", 1)[-1]
        return self.missing.get(key, "")


def _by_province(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.province_code].append(finding)
    return grouped


def annotated_copies(
    out_dir: Path,
    findings: list[Finding],
    archive_path: ArchivePath,
    workers: int = 2,
    limits: Limits = DEFAULT_LIMITS,
    provinces: Iterable[str] | None = None,
    config: Config | None = None,
) -> dict[str, Copies]:
    """A marked-up copy of every file with errors of `provinces` (default: all), under
    each province's `ban-sua/`,
    built in worker processes under `limits` (the limits intake reads under): a file
    whose copy cannot be made in time or memory gets a note instead, and the report's
    list of findings stands in for it. Copies of an earlier run go first, so a file fixed
    since has none left behind. `workers=0` builds them in this process."""
    reg = (config or Config.load()).registry
    by_province = _by_province(findings)
    copies: dict[str, Copies] = {}
    jobs: list[tuple[str, tuple[str, str], CopyJob]] = []
    for code in sorted(reg.provinces if provinces is None else provinces):
        copy_dir = province_folder(out_dir, code, reg) / COPY_DIR
        if copy_dir.is_dir():
            for stale in copy_dir.glob(f"*{COPY_SUFFIX}"):
                stale.unlink()
        copies[code] = Copies()
        groups = findings_by_file(capped(by_province.get(code, [])))
        with_errors = [
            (path, sha256)
            for (path, sha256), group in groups.items()
            if sha256 and any(f.is_error for f in group)
        ]
        for (path, sha256), name in copy_names(with_errors).items():
            suffix = PurePosixPath(path.replace("\\", "/")).suffix
            original = archive_path(sha256, suffix)
            if original is None or not original.is_file():
                log.warning("Không tìm thấy tệp gốc %s (%s) trong kho lưu trữ", path, original)
                copies[code].missing[(path, sha256)] = NO_COPY_UNREADABLE
                continue
            job = CopyJob(original, suffix, tuple(groups[(path, sha256)]), copy_dir / name)
            jobs.append((code, (path, sha256), job))
    if not jobs:
        return copies
    copy_dirs = {job.out_path.parent for _, _, job in jobs}
    for folder in copy_dirs:
        folder.mkdir(parents=True, exist_ok=True)
    plain = [job for _, _, job in jobs]
    if workers == 0:
        outcomes = [(job, make_copy(job)) for job in plain]
    else:
        outcomes = list(run_limited(make_copy, plain, workers, limits))
    for (code, key, _), (_, outcome) in zip(jobs, outcomes, strict=True):
        if isinstance(outcome, Path):
            copies[code].made[key] = f"{COPY_DIR}/{outcome.name}"
        elif isinstance(outcome, Failure):
            log.warning("Bản sao đánh dấu của %s: %s %s", key[0], outcome.kind, outcome.detail)
            copies[code].missing[key] = _failure_note(outcome, limits)
        else:
            copies[code].missing[key] = outcome
    return copies


def _failure_note(failure: Failure, limits: Limits) -> str:
    if failure.kind == "timeout":
        seconds = f"{limits.seconds_per_file:g}".replace(".", ",")
        return f"Không có bản sao (làm bản sao quá {seconds} giây)"
    if failure.kind == "memory":
        return NO_COPY_TOO_LARGE
    return "Không có bản sao (không dựng lại được tệp)"


def report_inputs(
    code: str,
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
    version: str,
    config: Config | None = None,
) -> str:
    """A digest of everything a province's report (and its copies) is made from: its
    findings, its files, which of its communes reported, and the code that writes it."""
    digest = hashlib.sha256(f"{code}\0{period}\0{version}".encode())
    for record in sorted(
        json.dumps(f.record(), ensure_ascii=False, default=str, sort_keys=True)
        for f in findings
        if f.province_code == code
    ):
        digest.update(record.encode("utf-8", "surrogateescape"))
    own = submissions[submissions["province_code"] == code] if len(submissions) else submissions
    rows = own.sort_values(["original_path", "sha256"]).reset_index(drop=True)
    digest.update(rows.to_json(date_format="iso").encode())
    reg = (config or Config.load(period)).registry
    communes = {u.code for u in reg.communes_of(code)} | {code}
    digest.update(",".join(sorted(reporting & communes)).encode())
    return digest.hexdigest()


def existing_report(
    out_dir: Path, code: str, period: str, findings: list[Finding], config: Config | None = None
) -> ProvinceReport | None:
    """The report an earlier run wrote for the same inputs, when its files are all there."""
    folder = province_folder(out_dir, code, (config or Config.load(period)).registry)
    workbook = folder / f"bao-cao-kiem-tra-{code}-{period}.xlsx"
    json_path = folder / f"bao-cao-kiem-tra-{code}-{period}.json"
    if not (workbook.is_file() and json_path.is_file()):
        return None
    own = [f for f in findings if f.province_code == code]
    n_errors = sum(f.is_error for f in own)
    made = tuple(sorted((folder / COPY_DIR).glob(f"*{COPY_SUFFIX}")))
    return ProvinceReport(code, workbook, json_path, n_errors, len(own) - n_errors, made)


def province_folder(out_dir: Path, code: str, reg: Registry | None = None) -> Path:
    """Where a province's report goes: "01-ha-noi"."""
    reg = reg or Config.load().registry
    return out_dir / f"{code}-{slug(reg.provinces[code].name)}"


# ------------------------------------------------------------------ summary sheet

SUMMARY_WIDTHS = [37, 12, 10, 10, 48, 55]  # one page wide at 8 pt (antq.xlsx.MIN_SCALE)


def _summary_sheet(
    ws: Worksheet,
    code: str,
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
    copies: Copies | None,
    cfg: Config,
) -> None:
    expected = cfg.registry.communes_of(code)
    missing = [u for u in expected if u.code not in reporting]
    row = write_title(
        ws,
        [
            "BÁO CÁO KIỂM TRA SỐ LIỆU PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC",
            f"{province_title(code, cfg.registry)} — {vi_period(period)}",
            window_line(period, cfg.periods),
            f"Lập lúc {dt.datetime.now(cfg.periods.timezone):%H:%M ngày %d/%m/%Y}",
        ],
        len(SUMMARY_WIDTHS),
    )
    row = _stats_block(
        ws, row, code, findings, submissions, len(expected) - len(missing), len(expected), copies
    )
    row = _guide_block(ws, row + 2, copies is not None)
    row = _top_problems_block(ws, row + 2, findings, len(submissions), cfg)
    _missing_block(ws, row + 3, missing, findings, submissions, cfg)
    for col, width in enumerate(SUMMARY_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = None
    printable(ws)


def _stats_block(
    ws: Worksheet,
    row: int,
    code: str,
    findings: list[Finding],
    subs: pd.DataFrame,
    n_reported: int,
    n_expected: int,
    copies: Copies | None,
) -> int:
    status = subs["status"] if len(subs) else pd.Series(dtype="object")
    own = status[subs["unit_code"] == code] if len(subs) else status
    replaced = subs["superseded_by"].notna() if len(subs) else pd.Series(dtype="bool")
    errors = [f for f in findings if f.is_error]
    stats: list[tuple[str, object]] = [
        ("Số tệp đã nhận", len(subs)),
        ("Số tệp được chấp nhận", int(((status == "accepted") & ~replaced).sum())),
        ("Số tệp bị từ chối (phải gửi lại)", int(((status == "rejected") & ~replaced).sum())),
        ("Số tệp đã được thay bằng bản gửi sau", int(replaced.sum())),
        ("Số lỗi phải sửa", len(errors)),
        ("Số cảnh báo cần xem lại", len(findings) - len(errors)),
        ("Số đơn vị có lỗi phải sửa", len({f.unit_code or f.original_path for f in errors})),
    ]
    if copies is not None:
        stats.append(("Số bản sao đánh dấu lỗi (thư mục “ban-sua”)", len(copies.made)))
    stats += [
        (
            "Báo cáo của Công an tỉnh",
            "Đã nhận, được chấp nhận"
            if (own == "accepted").any()
            else "Bị từ chối, phải gửi lại"
            if len(own)
            else "Chưa nhận",
        ),
        ("Số xã, phường đã có báo cáo được chấp nhận", f"{n_reported}/{n_expected}"),
        ("Tỷ lệ báo cáo", n_reported / n_expected if n_expected else 0.0),
    ]
    first = row
    for label, value in stats:
        label_cell = put(ws, row, 1, label)
        label_cell.font, label_cell.alignment = BOLD, Alignment(wrap_text=True, vertical="top")
        cell = put(ws, row, 2, value, RATIO_FORMAT if isinstance(value, float) else INTEGER_FORMAT)
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
        row += 1
    fit_row_heights(ws, first, row - 1, SUMMARY_WIDTHS[:2])
    return row - 1


def _guide_block(ws: Worksheet, row: int, with_copies: bool) -> int:
    """How to use the report, for a province officer opening it the first time."""
    steps = [
        "Trang “Lỗi cần sửa” liệt kê từng lỗi, xếp theo đơn vị: tệp, trang tính, ô, giá trị đã "
        "ghi, nội dung lỗi và cách sửa. Bấm nút lọc ở dòng tiêu đề để xem riêng một đơn vị.",
    ]
    if with_copies:
        steps.append(
            "Mỗi tệp có lỗi có một bản sao trong thư mục “ban-sua” (cùng thư mục với tệp này): ô "
            "màu đỏ là lỗi, ô màu vàng là cảnh báo, di chuột vào ô để đọc ghi chú. Bấm vào tên bản "
            "sao ở cột cuối trang “Lỗi cần sửa” để mở."
        )
    steps += [
        "Sửa các ô màu đỏ trong tệp báo cáo của đơn vị, lưu lại rồi gửi lại tệp đã sửa theo cách "
        "gửi thường lệ; bản gửi sau thay cho bản trước.",
        "Lỗi (đỏ): số liệu, hoặc cả tệp, chưa được nhận, phải sửa và gửi lại. Cảnh báo (vàng): "
        "số liệu đã được nhận, đề nghị kiểm tra lại; nếu số liệu đúng thì không phải gửi lại.",
        "Tệp không mở được (hỏng, có mật khẩu, không phải bảng tính) không có bản sao: đọc nội "
        "dung lỗi và gửi lại đúng tệp báo cáo dạng .xlsx. Tệp quá lớn cũng không có bản sao: "
        "sửa theo danh sách ở trang “Lỗi cần sửa”.",
        "Một tệp có rất nhiều lỗi cùng loại thì trang “Lỗi cần sửa” chỉ liệt kê "
        f"{SHOWN_PER_RULE} lỗi đầu tiên của mỗi loại và một dòng “Và ... lỗi ... khác”: sửa "
        "tất cả theo cùng cách.",
        "Các xã, phường ở danh sách cuối trang này chưa có báo cáo được chấp nhận: cần gửi, "
        "hoặc sửa rồi gửi lại, báo cáo tháng này.",
    ]
    put(ws, row, 1, "Hướng dẫn sử dụng báo cáo").font = TITLE_FONT
    for i, step in enumerate(steps, start=1):
        row += 1
        put(ws, row, 1, f"{i}. {step}").alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(SUMMARY_WIDTHS))
        ws.row_dimensions[row].height = 15 * math.ceil(len(step) / 150) + 3
    return row


def _top_problems_block(
    ws: Worksheet, row: int, findings: list[Finding], n_files: int, cfg: Config
) -> int:
    """The ten most frequent problems (errors before warnings), each with a real example
    from this month and the fix written for it."""
    put(ws, row, 1, "Các vấn đề gặp nhiều nhất").font = TITLE_FONT
    groups: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.rule, finding.severity)].append(finding)
    ranked = sorted(groups.items(), key=lambda kv: (kv[0][1] != "error", -len(kv[1]), kv[0][0]))
    if not ranked:
        put(
            ws,
            row + 1,
            1,
            "Không có lỗi hay cảnh báo nào trong tháng."
            if n_files
            else "Chưa nhận được tệp nào của tỉnh trong tháng này, nên chưa có gì để kiểm tra: "
            "Công an tỉnh và các xã, phường cần gửi báo cáo (danh sách các xã, phường chưa "
            "có báo cáo ở cuối trang này).",
        )
        return row + 1
    rows = []
    for (rule, severity), group in ranked[:10]:
        example = min(group, key=lambda f: _sort_key(f, cfg.registry))
        where = example.unit_name or f"Tệp “{_file_name(example.original_path)}”"
        if example.cell:
            where += f", ô {example.cell}"
        if (
            not example.unit_name
            and not example.cell
            and _file_name(example.original_path) in example.message
        ):
            where = ""  # the message names the file already
        rows.append(
            (
                cfg.catalog.rule(rule).title,
                SEVERITY_VI[severity],
                len(group),
                len({f.unit_code or f.original_path for f in group}),
                f"{where}: {example.message}" if where else example.message,
                example.fix,
            )
        )
    last = write_table(
        ws,
        row + 1,
        ["Vấn đề", "Mức độ", "Số lần", "Số đơn vị", "Ví dụ", "Cách sửa (theo ví dụ)"],
        rows,
        SUMMARY_WIDTHS,
        [None, None, INTEGER_FORMAT, INTEGER_FORMAT, None, None],
        filters=False,
    )
    for r, (_, severity) in enumerate((key for key, _ in ranked[:10]), start=row + 2):
        ws.cell(r, 2).fill = _severity_fill(severity)
    return last


def _missing_block(
    ws: Worksheet,
    row: int,
    missing: list[Unit],
    findings: list[Finding],
    subs: pd.DataFrame,
    cfg: Config,
) -> None:
    """The communes without an accepted report, and why: not sent, rejected, or sent with
    errors that hold back its values."""
    put(
        ws, row, 1, f"Các xã, phường chưa có báo cáo được chấp nhận ({len(missing)})"
    ).font = TITLE_FONT
    if not missing:
        put(ws, row + 1, 1, "Tất cả các xã, phường đã có báo cáo được chấp nhận.")
        return
    files: dict[str, dict[str, str]] = defaultdict(dict)  # unit -> file -> status
    for s in subs.itertuples() if len(subs) else ():
        if s.unit_code:
            files[s.unit_code][s.original_path] = s.status
    errors: dict[str, set[str]] = defaultdict(set)
    why: dict[str, list[str]] = defaultdict(list)  # unit -> titles of its errors
    for f in findings:
        if f.unit_code and f.is_error:
            errors[f.unit_code].add(f.original_path)
            files[f.unit_code].setdefault(f.original_path, "")
            title = cfg.catalog.rule(f.rule).title.lower()
            if title not in why[f.unit_code]:
                why[f.unit_code].append(title)
    unknown = {f.original_path for f in findings if f.is_error and not f.unit_code}
    if unknown:
        row += 1
        put(
            ws,
            row,
            1,
            f"Có {len(unknown)} tệp bị lỗi chưa xác định được của đơn vị nào (xem trang “Lỗi cần "
            "sửa”); một số đơn vị dưới đây có thể đã gửi các tệp đó.",
        )
    rows = []
    for unit in missing:
        sent = files.get(unit.code, {})
        reasons = f" ({', '.join(why[unit.code])})" if why.get(unit.code) else ""
        if "rejected" in sent.values():
            state, rank = f"Báo cáo bị từ chối{reasons}: sửa lỗi rồi gửi lại", 0
        elif unit.code in errors:
            state, rank = "Số liệu có lỗi nên chưa được nhận: sửa lỗi rồi gửi lại", 1
        elif sent:
            state, rank = "Đã gửi nhưng chưa có số liệu nào được nhận", 2
        else:
            state, rank = "Chưa nhận được báo cáo", 3
        names = "; ".join(sorted(_file_name(p) for p in sent))
        rows.append(
            (
                rank,
                fold(unit.name),
                (unit.name, unit.code, unit.division_type, len(sent), state, names),
            )
        )
    write_table(
        ws,
        row + 1,
        ["Tên đơn vị", "Mã đơn vị", "Loại", "Số tệp đã gửi", "Tình trạng", "Tệp đã gửi"],
        [r for _, _, r in sorted(rows)],
        SUMMARY_WIDTHS,
        [None, None, None, INTEGER_FORMAT, None, None],
    )


# ------------------------------------------------------------------ findings sheet

FINDING_HEADERS = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Tệp",
    "Trang tính",
    "Ô",
    "Chỉ tiêu",
    "Giá trị đã ghi",
    "Mức độ",
    "Vấn đề",
    "Nội dung",
    "Cách sửa",
    "Bản sao đánh dấu lỗi",
    "Mã quy tắc",  # for the data team: last, narrow, small
]
FINDING_WIDTHS = [6, 10, 24, 30, 14, 7, 30, 14, 10, 24, 50, 50, 30, 12]  # two pages wide
_COPY_COL = FINDING_HEADERS.index("Bản sao đánh dấu lỗi") + 1
_RULE_COL = FINDING_HEADERS.index("Mã quy tắc") + 1


def _findings_sheet(
    ws: Worksheet, findings: list[Finding], copies: Copies | None, cfg: Config
) -> None:
    cat = cfg.catalog
    ordered = sorted(findings, key=lambda f: _sort_key(f, cfg.registry))
    with_errors = {(f.original_path, f.sha256) for f in findings if f.is_error}
    rows = []
    for i, f in enumerate(ordered, start=1):
        key = (f.original_path, f.sha256)
        if copies is None:
            copy = ""
        else:
            copy = copies.note(key) or (NO_COPY_UNREADABLE if key in with_errors else "")
        rows.append(
            (
                i,
                f.unit_code or "",
                f.unit_name or ("" if f.unit_code else "(chưa xác định)"),
                f.original_path,
                f.sheet or "",
                f.cell or "",
                cat.label(f.indicator) if f.indicator and cat.has(f.indicator) else "",
                f.value_raw or "",
                SEVERITY_VI[f.severity],
                cat.rule(f.rule).title,
                f.message,
                f.fix,
                copy,
                f.rule,
            )
        )
    last = write_table(
        ws,
        1,
        FINDING_HEADERS,
        rows,
        FINDING_WIDTHS,
        [INTEGER_FORMAT] + [None] * (len(FINDING_HEADERS) - 1),
    )
    for r, f in enumerate(ordered, start=2):
        fill = _severity_fill(f.severity)
        ws.cell(r, 9).fill = ws.cell(r, 6).fill = fill
        ws.cell(r, _RULE_COL).font = RULE_FONT
        target = copies.made.get((f.original_path, f.sha256)) if copies else None
        if target:
            link_file(ws.cell(r, _COPY_COL), target)
    ws.freeze_panes = "D2" if last > 1 else "A2"
    printable(ws, "1:1", "A:C")


# ------------------------------------------------------------------ files sheet


def _replaced(submission: object) -> bool:
    superseded_by = getattr(submission, "superseded_by", None)
    return isinstance(superseded_by, str) and bool(superseded_by)


def _held_values(findings: list[Finding], cfg: Config) -> dict[tuple[str, str | None], str]:
    """(file, sha256) -> the values an accepted file had held back by its errors: "D14
    (Số buổi tuyên truyền, vận động); D20 (...)"."""
    cat = cfg.catalog
    held: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for f in sorted(findings, key=lambda f: _cell_order(f.cell)):
        if f.is_error and f.scope == "value" and f.indicator:
            label = cat.label(f.indicator) if cat.has(f.indicator) else f.indicator
            where = f"{f.cell} ({label})" if f.cell else label
            if where not in held[(f.original_path, f.sha256)]:
                held[(f.original_path, f.sha256)].append(where)
    return {key: _listed(values, 8) for key, values in held.items()}


def _listed(items: list[str], most: int) -> str:
    shown = "; ".join(items[:most])
    return shown if len(items) <= most else f"{shown} và {len(items) - most} ô khác"


def _result(submission: object, held: str | None) -> str:
    """What became of a file: accepted, accepted in part (some values held back by
    errors), rejected, or replaced by a later one."""
    if _replaced(submission):
        return "Đã thay bằng bản gửi sau"
    if getattr(submission, "status", None) == "rejected":
        return "Từ chối"
    return "Chấp nhận một phần" if held else "Chấp nhận"


def _layout_vi(layout: str | None, template: object) -> str:
    """What kind of file it was, for the province: a form made by `antq template`
    ("Biểu mẫu của Bộ") is told from one the unit made itself."""
    if layout == "form" and isinstance(template, str) and template:
        return "Biểu mẫu của Bộ"
    return {"form": "Biểu mẫu", "table": "Bảng tổng hợp"}.get(layout or "", "Không xác định")


def _files_sheet(
    ws: Worksheet,
    submissions: pd.DataFrame,
    findings: list[Finding],
    copies: Copies | None,
    cfg: Config,
) -> None:
    ordered = (
        list(submissions.sort_values("original_path").itertuples()) if len(submissions) else []
    )
    held = _held_values(findings, cfg)
    rows = [
        (
            s.original_path,
            s.unit_code or "",
            (
                cfg.registry.unit(s.unit_code).name
                if s.unit_code and cfg.registry.unit(s.unit_code)
                else ""
            ),
            _layout_vi(s.layout, getattr(s, "template", None)),
            _result(s, held.get((s.original_path, s.sha256))),
            s.n_errors,
            s.n_warnings,
            int(s.version),
            # a date-time Excel sorts and filters, shown the Vietnamese way (naive: local)
            pd.Timestamp(s.received_at).tz_convert(cfg.periods.timezone).to_pydatetime()
            .replace(tzinfo=None),
            "" if s.status == "rejected" else held.get((s.original_path, s.sha256), ""),
            copies.note((s.original_path, s.sha256)) if copies else "",
        )
        for s in ordered
    ]  # fmt: skip
    write_table(
        ws,
        1,
        [
            "Tệp",
            "Mã đơn vị",
            "Tên đơn vị",
            "Dạng",
            "Kết quả",
            "Số lỗi",
            "Số cảnh báo",
            "Lần gửi",
            "Thời điểm nhận",
            "Số liệu chưa được nhận (phải sửa rồi gửi lại)",
            "Bản sao đánh dấu lỗi",
        ],
        rows,
        [44, 10, 26, 16, 18, 9, 11, 9, 17, 40, 34],
        [None, None, None, None, None, INTEGER_FORMAT, INTEGER_FORMAT, INTEGER_FORMAT,
         DATETIME_FORMAT, None, None],
    )  # fmt: skip
    for r, s in enumerate(ordered, start=2):
        if s.status == "rejected" and not _replaced(s):
            ws.cell(r, 5).fill = ERROR_FILL
        elif not _replaced(s) and held.get((s.original_path, s.sha256)):
            ws.cell(r, 5).fill = WARNING_FILL
        target = copies.made.get((s.original_path, s.sha256)) if copies else None
        if target:
            link_file(ws.cell(r, 11), target)
    printable(ws, "1:1", "A:A")


CORRECTION_HEADERS = [
    "Mã đơn vị",
    "Tên đơn vị",
    "Thay đổi",
    "Chỉ tiêu",
    "Trước",
    "Sau",
    "Chi tiết",
    "Tệp trước (nhận lúc)",
    "Tệp gửi lại (nhận lúc)",
]
CORRECTION_WIDTHS = [10, 22, 18, 30, 12, 12, 48, 30, 30]


def _corrections_sheet(ws: Worksheet, corrections: Sequence[Correction], cfg: Config) -> None:
    """Each unit that sent its file again: what changed, what the new file fixed and
    what is still to fix."""
    cat, zone = cfg.catalog, cfg.periods.timezone

    def at(path: str, when: pd.Timestamp) -> str:
        return f"{_file_name(path)} ({when.tz_convert(zone):%H:%M %d/%m/%Y})"

    rows: list[tuple[object, ...]] = []
    for c in corrections:
        unit = cfg.registry.unit(c.unit_code)
        head = (c.unit_code, unit.name if unit else "")
        files = (at(c.replaced_path, c.replaced_at), at(c.new_path, c.new_at))
        for change in c.changes:
            where = f"ô {change.after_cell or change.before_cell}"
            rows.append((*head, "Số liệu thay đổi", change.label, change.before, change.after,
                         where, *files))  # fmt: skip
        if not c.changes:
            rows.append((*head, "Không có số liệu nào thay đổi", "", "", "", "", *files))
        for f in c.fixed:
            label = cat.label(f.indicator) if f.indicator and cat.has(f.indicator) else ""
            kind = "Lỗi đã sửa" if f.is_error else "Cảnh báo đã hết"
            rows.append((*head, kind, label, f.value_raw or "", "", f.message, *files))
        for f in c.still_open:
            label = cat.label(f.indicator) if f.indicator and cat.has(f.indicator) else ""
            kind = "Lỗi còn lại" if f.is_error else "Cảnh báo còn lại"
            rows.append((*head, kind, label, "", f.value_raw or "", f"{f.message} {f.fix}", *files))
    top = write_title(
        ws,
        [
            "CÁC ĐƠN VỊ ĐÃ GỬI LẠI BÁO CÁO TRONG THÁNG",
            "Với mỗi tệp gửi lại: số liệu đã thay đổi so với tệp trước, các lỗi tệp mới đã sửa "
            "và các lỗi còn phải sửa.",
        ],
        len(CORRECTION_HEADERS),
    )
    write_table(ws, top, CORRECTION_HEADERS, rows, CORRECTION_WIDTHS)
    for r in range(top + 1, top + 1 + len(rows)):
        kind = ws.cell(r, 3).value
        if kind in ("Lỗi còn lại",):
            ws.cell(r, 3).fill = ERROR_FILL
        elif kind in ("Cảnh báo còn lại",):
            ws.cell(r, 3).fill = WARNING_FILL
    printable(ws, f"{top}:{top}", "A:B")


def write_province_report(
    out_dir: Path,
    code: str,
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
    *,
    archive_path: ArchivePath | None = None,
    copies: Copies | None = None,
    config: Config | None = None,
    corrections: Sequence[Correction] = (),
) -> ProvinceReport:
    """The error report of one province: only its own units' findings and files.

    `copies` are the marked-up copies of its files made by `annotated_copies`; with
    `archive_path` instead (how the archive finds a received file, e.g.
    `Warehouse(root).archived`), they are made here, in this process. The report
    lists at most SHOWN_PER_RULE findings of each rule per file, then how many more
    (`capped`); its counts and the warehouse keep every finding."""
    cfg = config or Config.load(period)
    own = [f for f in findings if f.province_code == code]
    shown = capped(own)
    subs = submissions[submissions["province_code"] == code] if len(submissions) else submissions
    folder = province_folder(out_dir, code, cfg.registry)
    folder.mkdir(parents=True, exist_ok=True)
    if copies is None and archive_path is not None:
        copies = annotated_copies(out_dir, own, archive_path, workers=0, config=cfg).get(code)
    wb = openpyxl.Workbook()
    _summary_sheet(wb.active, code, period, own, subs, reporting, copies, cfg)
    wb.active.title = "Tổng hợp"
    _findings_sheet(wb.create_sheet("Lỗi cần sửa"), shown, copies, cfg)
    _files_sheet(wb.create_sheet("Tệp đã nhận"), subs, own, copies, cfg)
    if corrections:
        _corrections_sheet(wb.create_sheet("Bản gửi lại"), corrections, cfg)
    path = save_workbook(wb, folder / f"bao-cao-kiem-tra-{code}-{period}.xlsx")
    n_errors = sum(f.is_error for f in own)
    made = sorted(copies.made.items()) if copies else []
    json_path = folder / f"bao-cao-kiem-tra-{code}-{period}.json"
    write_text(
        json_path,
        json.dumps(
            {
                "period": period,
                "province_code": code,
                "n_errors": n_errors,
                "n_warnings": len(own) - n_errors,
                "n_findings_listed": len(shown),
                "annotated_copies": [
                    {"original_path": p, "sha256": s, "copy": c} for (p, s), c in made
                ],
                "files_without_copy": [
                    {"original_path": p, "sha256": s, "reason": why}
                    for (p, s), why in sorted(copies.missing.items() if copies else [])
                ],
                "findings": [
                    f.record() for f in sorted(shown, key=lambda f: _sort_key(f, cfg.registry))
                ],
                "corrections": [c.record() for c in corrections],
            },
            ensure_ascii=False,
            indent=1,
            default=str,
        ),
    )
    return ProvinceReport(
        code, path, json_path, n_errors, len(own) - n_errors, tuple(folder / c for _, c in made)
    )


@dataclass(frozen=True)
class ReportJob:
    """One province's report to write in a worker: only its own findings and files."""

    out_dir: Path
    code: str
    period: str
    findings: list[Finding]
    submissions: pd.DataFrame
    reporting: set[str]
    copies: Copies | None
    config: Config
    corrections: tuple[Correction, ...] = ()


def _write_report_job(job: ReportJob) -> ProvinceReport:
    return write_province_report(
        job.out_dir,
        job.code,
        job.period,
        job.findings,
        job.submissions,
        job.reporting,
        copies=job.copies,
        config=job.config,
        corrections=job.corrections,
    )


def write_province_reports(
    out_dir: Path,
    codes: Iterable[str],
    period: str,
    findings: list[Finding],
    submissions: pd.DataFrame,
    reporting: set[str],
    copies: dict[str, Copies],
    config: Config,
    workers: int = 2,
    limits: Limits = DEFAULT_LIMITS,
    corrections: dict[str, list[Correction]] | None = None,
) -> dict[str, ProvinceReport]:
    """The reports of `codes`, written in the worker processes (a report that fails
    there, out of time say, is written here, where a bug would show). `workers=0`
    writes them all in this process."""
    by_province = _by_province(findings)
    jobs = []
    for code in codes:
        own = submissions[submissions["province_code"] == code] if len(submissions) else submissions
        communes = {u.code for u in config.registry.communes_of(code)}
        jobs.append(
            ReportJob(
                out_dir,
                code,
                period,
                by_province.get(code, []),
                own,
                reporting & communes,
                copies.get(code),
                config,
                tuple((corrections or {}).get(code, ())),
            )
        )
    if workers == 0:
        return {job.code: _write_report_job(job) for job in jobs}
    written = {}
    for job, outcome in run_limited(_write_report_job, jobs, workers, limits):
        if isinstance(outcome, Failure):
            log.warning("Báo cáo của tỉnh %s: %s %s", job.code, outcome.kind, outcome.detail)
            outcome = _write_report_job(job)
        written[job.code] = outcome
    return written
