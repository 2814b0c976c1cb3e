"""Hostile and broken files: every one gets a finding, none stops the run.

The files come from `tools.hostile` (built from bytes, nothing committed). Most
tests go through `intake` with worker processes, as the flow does, so that a reader
that aborts the process can only cost its file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import random
import re
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from antq.tasks import guard, intake, workers
from antq.tasks.discover import InboxFile, discover
from antq.tasks.guard import GuardLimits, check_before_reading, check_bytes, sniff
from antq.tasks.intake import Job, Limits, process_file
from antq.tasks.read import read_bytes
from antq.warehouse.store import Warehouse
from tools import hostile

PERIOD = "2026-10"
PROVINCE = hostile.PROVINCE
# Every limit out of reach: what the worker processes alone must survive.
NO_GUARD = GuardLimits(*(2**62 for _ in dataclasses.fields(GuardLimits)))


def _inbox_file(path: Path, inbox: Path, province: str = PROVINCE) -> InboxFile:
    return InboxFile(
        path=path,
        original_path=path.relative_to(inbox).as_posix(),
        province_code=province,
        received_at=dt.datetime(2026, 10, 12, tzinfo=dt.UTC),
        size=path.stat().st_size,
    )


def _write(tmp_path: Path, items: list[tuple[str, bytes]]) -> tuple[Path, list[InboxFile]]:
    inbox = tmp_path / "inbox"
    folder = inbox / PERIOD / f"{PROVINCE}-lao-cai"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, data in items:
        (folder / name).write_bytes(data)
        files.append(_inbox_file(folder / name, inbox))
    return inbox, files


def _file_rules(parsed) -> list[str]:
    return [f.rule for f in parsed.findings if f.is_error and f.scope == "file"]


def _build(builder, seed: int) -> hostile.Hostile:
    return builder(random.Random(seed))


# ------------------------------------------------------------------------ every kind


def test_every_hostile_kind_gets_its_own_finding_and_the_run_goes_on(tmp_path):
    """Three variations of each kind through the worker processes, as the flow reads them."""
    built = [(builder, _build(builder, seed)) for builder in hostile.KINDS for seed in (1, 2, 3)]
    items = [(f"{i:03d}-{h.kind}{h.suffix}", h.data) for i, (_, h) in enumerate(built)]
    _, files = _write(tmp_path, items)
    results = intake.intake(files, PERIOD, tmp_path / "warehouse", workers=2)
    assert len(results) == len(files)
    wrong = []
    for (_, item), parsed in zip(built, results, strict=True):
        rules = _file_rules(parsed)
        if item.rule is None:  # HTML, CSV: read by content; a finding or reports, no crash
            ok = bool(parsed.findings or parsed.reports)
        else:
            ok = rules[:1] == [item.rule]
        if not ok:
            wrong.append((parsed.ref.original_path, item.rule, rules))
    assert wrong == []


@pytest.mark.parametrize(
    ("builder", "rule", "words"),
    [
        (hostile.extent_bomb, "file-too-large", "hàng ×"),
        (hostile.many_columns, "file-too-large", "cột"),
        (hostile.merge_bomb, "file-too-large", "gộp"),
        (hostile.merged_sheets, "file-too-large", "gộp tổng cộng"),
        (hostile.many_sheets, "file-too-large", "trang tính"),
        (hostile.shared_strings_lie, "file-too-large", "chuỗi"),
        (hostile.zip_bomb, "file-too-large", "bom nén"),
        (hostile.nested_zip, "file-too-large", "tệp nén lồng"),
        (hostile.many_entries, "file-too-large", "phần trong tệp nén"),
        (hostile.zip_size_lie, "file-unreadable", "tệp nén bị hỏng"),
        (hostile.zip_password, "file-encrypted", "mật khẩu"),
        (hostile.billion_laughs, "file-unreadable", "DTD"),
        (hostile.xxe, "file-unreadable", "DTD"),
        (hostile.encrypted_xls, "file-encrypted", "mật khẩu"),
        (hostile.xls_dimensions_bomb, "file-too-large", "khai báo"),
        (hostile.xls_dimensions_inverted, "file-unreadable", "DIMENSIONS"),
        (hostile.xls_far_cells, "file-too-large", "trải tới ô"),
        (hostile.xls_merge_panic, "file-unreadable", "gộp ô"),
        (hostile.ole_corrupt, "file-unreadable", ".xls"),
        (hostile.ole_cycle, "file-unreadable", "lặp vòng"),
        (hostile.ods_repeat_bomb, "file-too-large", "ô"),
        (hostile.ods_laughs, "file-unreadable", "DTD"),
        (hostile.html_span_bomb, "file-too-large", "rowspan"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_the_guard_refuses_before_any_reader_runs(builder, rule, words, seed):
    problem = check_bytes(_build(builder, seed).data)
    assert problem is not None and (problem.rule, words in problem.detail) == (rule, True), problem


def test_calamine_693_two_far_cells_are_refused_whatever_the_dimension_says():
    far = hostile.number_cell("XFD1048576", 2)
    cells = f'<row r="1">{hostile.number_cell("A1", 1)}</row><row r="1048576">{far}</row>'
    for dimension in (None, "A1", "A1:B2", "A1:XFD1048576"):
        data = hostile.xlsx_bytes([hostile.sheet_xml(cells, dimension)])
        assert len(data) < 6_000
        fmt, names = sniff(data)
        problem = check_before_reading(data, fmt, names)
        assert (problem.rule, "XFD1048576" in problem.detail) == ("file-too-large", True)


def test_cells_without_row_or_cell_references_are_placed_as_readers_place_them():
    row = "".join(f"<c><v>{i}</v></c>" for i in range(300))
    cells = "".join(f"<row>{row}</row>" for _ in range(70))  # 70 × 300 > 20,000
    data = hostile.xlsx_bytes([hostile.sheet_xml(cells, None)])
    fmt, names = sniff(data)
    problem = check_before_reading(data, fmt, names, GuardLimits(cells_per_sheet=20_000))
    assert problem is not None and problem.rule == "file-too-large"
    assert "ô KN67 (67 hàng × 300 cột)" in problem.detail  # stops at the first row over


def test_a_huge_dimension_alone_is_not_refused():
    # calamine sizes its grid from the cells, not from <dimension> (checked against it):
    # a template whose dimension covers the whole sheet is read as usual.
    xml = hostile.sheet_xml(f'<row r="1">{hostile.number_cell("A1", 1)}</row>', "A1:XFD1048576")
    assert check_bytes(hostile.xlsx_bytes([xml])) is None


def test_libreoffice_padding_is_not_an_extent():
    """LibreOffice pads every sheet to 1,024 columns and 1,048,576 rows with repeated
    empty cells: only cells holding something count."""
    rows = (
        hostile.ods_row(hostile.ods_cell("Số liệu") + hostile.ods_cell(None, 1_023))
        + hostile.ods_row(hostile.ods_cell(5) + hostile.ods_cell(None, 1_023), repeat=3)
        + hostile.ods_row(hostile.ods_cell(None, 1_024), repeat=1_048_571)
    )
    data = hostile.ods_bytes([rows])
    assert check_bytes(data) is None
    assert read_bytes(data).sheets[0].value(3, 0) == 5


def test_honest_reports_pass_the_guard(tmp_path):
    from antq.sample.generate import generate_month, province_mode
    from antq.schemas.registry import registry

    forms = [c for c in sorted(registry().provinces) if province_mode(c, 2026) == "forms"]
    generate_month(tmp_path, PERIOD, 2026, provinces=["01", *forms[:2]], max_communes=12)
    files = sorted(p for p in (tmp_path / "inbox").rglob("*") if p.is_file())
    files = [p for p in files if "_bao_cao" not in p.name or check_bytes(p.read_bytes()) is None]
    assert len(files) >= 20
    assert {p.name: check_bytes(p.read_bytes()) for p in files} == {p.name: None for p in files}
    for data in (
        hostile.report_bytes(),
        hostile.xls_bytes([(0, 0, "Báo cáo"), (8, 3, 12.0)], dimensions=(0, 9, 0, 4)),
        hostile.ods_bytes([hostile.ods_row(hostile.ods_cell("a") + hostile.ods_cell(3))]),
    ):
        assert check_bytes(data) is None


def test_guard_limits_are_the_ones_documented():
    limits = guard.LIMITS
    assert (limits.file_bytes, limits.cells_per_sheet, limits.sheets, limits.entries) == (
        20 * 1024**2,
        2_000_000,
        500,
        5_000,
    )


# ------------------------------------------------------------ the second line: workers


def test_a_reader_abort_in_a_worker_is_reader_crashed_and_the_next_file_is_read(tmp_path):
    """With the guard out of the way, calamine aborts the worker (SIGABRT): that file is
    `reader-crashed`, the file after it is read normally by a fresh worker."""
    bomb = _build(hostile.extent_bomb, 1).data
    _, files = _write(tmp_path, [("bomb.xlsx", bomb), ("bao-cao.xlsx", hostile.report_bytes())])
    bombed, honest = intake.intake(files, PERIOD, None, workers=1, limits=Limits(guard=NO_GUARD))
    assert _file_rules(bombed) == ["reader-crashed"]
    assert "-6" in bombed.findings[0].message  # SIGABRT
    assert bombed.ref.sha256  # hashed by the parent, from the file
    assert not honest.rejected and honest.unit_code and honest.reports


def test_a_reader_panic_is_reader_crashed(tmp_path, monkeypatch):
    """A Rust panic reaches Python as a BaseException that `except Exception` misses."""
    import antq.tasks.read as read

    monkeypatch.setattr(read, "check_before_reading", lambda *args: None)  # guard off
    panic = _build(hostile.xls_merge_panic, 1).data
    with pytest.raises(BaseException, match="out of range") as raised:
        read_bytes(panic)
    assert not isinstance(raised.value, Exception)
    _, files = _write(tmp_path, [("panic.xls", panic)])
    parsed = process_file(Job(files[0], PERIOD, None))
    assert _file_rules(parsed) == ["reader-crashed"]
    assert "PanicException" in parsed.findings[0].message


def test_the_memory_limit_turns_a_huge_allocation_into_a_finding(tmp_path):
    far = _build(hostile.xls_far_cells, 1).data  # 65,536 × 256 cells: ~1.2 GB to read
    _, files = _write(tmp_path, [("far.xls", far), ("bao-cao.xlsx", hostile.report_bytes())])
    limits = Limits(memory_bytes=400 * 1024**2, guard=NO_GUARD)
    big, honest = intake.intake(files, PERIOD, None, workers=1, limits=limits)
    assert _file_rules(big)[:1] in (["reader-crashed"], ["file-too-large"])
    assert not honest.rejected


def test_a_file_that_reads_too_long_is_read_timeout(tmp_path):
    cells = "".join(f'<td rowspan="1000" colspan="1000">{i}</td>' for i in range(60))
    html = f"<html><body><table><tr>{cells}</tr></table></body></html>".encode()
    _, files = _write(tmp_path, [("bang.xls", html), ("bao-cao.xlsx", hostile.report_bytes())])
    limits = Limits(seconds_per_file=1.0, guard=NO_GUARD)
    slow, honest = intake.intake(files, PERIOD, None, workers=1, limits=limits)
    assert _file_rules(slow) == ["read-timeout"]
    assert not honest.rejected
    assert check_bytes(html).rule == "file-too-large"  # what the guard says first


def _defusedxml_in_force() -> tuple[bool, bool]:
    import openpyxl
    import openpyxl.xml

    return openpyxl.DEFUSEDXML, openpyxl.xml.DEFUSEDXML


def test_openpyxl_parses_with_defusedxml_in_the_workers():
    pool = workers.pool(1, Limits())
    assert pool.schedule(_defusedxml_in_force).result(timeout=60) == (True, True)


def test_openpyxl_never_expands_an_entity_bomb():
    from defusedxml import EntitiesForbidden

    data = _build(hostile.billion_laughs, 1).data
    for seed in range(1, 7):
        data = _build(hostile.billion_laughs, seed).data
        if b"<!DOCTYPE" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml"):
            break
    with pytest.raises(ValueError) as raised:
        openpyxl.load_workbook(io.BytesIO(data))
    assert isinstance(raised.value.__cause__ or raised.value.__context__, EntitiesForbidden)


# ------------------------------------------------------------------ one kind at a time


def test_an_encrypted_workbook_made_by_office_crypto_is_file_encrypted(tmp_path):
    pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(hostile.report_bytes())).encrypt("matkhau", out)
    crafted = hostile.crafted_encrypted(random.Random(1))
    _, files = _write(tmp_path, [("mat-khau.xlsx", out.getvalue()), ("tu-lam.xlsx", crafted)])
    assert [_file_rules(process_file(Job(f, PERIOD, None))) for f in files] == [
        ["file-encrypted"],
        ["file-encrypted"],
    ]


@pytest.mark.parametrize(
    ("builder", "rule"),
    [
        (hostile.xlsb, "file-format-unsupported"),
        (hostile.docx_renamed, "file-format-unsupported"),
        (hostile.picture_renamed, "file-format-unsupported"),
        (hostile.zero_bytes, "file-empty"),
        (hostile.truncated, "file-unreadable"),
        (hostile.corrupt_zip, "file-unreadable"),
        (hostile.random_bytes, "file-unreadable"),
        (hostile.broken_xml, "file-unreadable"),
        (hostile.encrypted_ooxml, "file-encrypted"),
    ],
    ids=lambda value: getattr(value, "__name__", None),
)
def test_files_that_are_not_reports_get_their_own_finding(tmp_path, builder, rule):
    for seed in (1, 2, 3, 4):
        item = _build(builder, seed)
        _, files = _write(tmp_path, [(f"{seed}{item.suffix}", item.data)])
        parsed = process_file(Job(files[0], PERIOD, None))
        assert _file_rules(parsed) == [rule], (seed, parsed.findings)
        assert "{" not in parsed.findings[0].message  # every placeholder filled, in Vietnamese


@pytest.mark.parametrize("builder", [hostile.html_as_xls, hostile.csv_as_xlsx])
def test_html_and_csv_under_excel_names_never_crash(tmp_path, builder):
    for seed in range(6):
        item = _build(builder, seed)
        _, files = _write(tmp_path, [(f"{seed}{item.suffix}", item.data)])
        parsed = process_file(Job(files[0], PERIOD, None))
        assert parsed.findings or parsed.reports


def test_a_file_over_the_size_limit_is_never_read_into_memory_but_is_archived(tmp_path):
    data = hostile.report_bytes()
    _, files = _write(tmp_path, [("lon.xlsx", data)])
    small = dataclasses.replace(guard.LIMITS, file_bytes=1_000)
    parsed = process_file(Job(files[0], PERIOD, tmp_path / "warehouse", small))
    assert _file_rules(parsed) == ["file-too-large"]
    archived = Warehouse(tmp_path / "warehouse").archive_path(parsed.ref.sha256, ".xlsx")
    assert archived.read_bytes() == data
    assert not list((tmp_path / "warehouse" / "archive").glob(".incoming-*"))


def test_a_commune_of_another_province_never_lands_under_it(tmp_path):
    """Authority: a Hà Nội ward's report in Lào Cai's folder is rejected in Lào Cai's
    report and creates nothing for Hà Nội (the flow test checks the facts)."""
    _, files = _write(tmp_path, [("hoan-kiem.xlsx", _build(hostile.other_province, 1).data)])
    parsed = process_file(Job(files[0], PERIOD, None))
    assert [(f.rule, f.province_code) for f in parsed.findings] == [
        ("unit-outside-province", PROVINCE)
    ]
    assert parsed.rejected and not parsed.reports and not parsed.observations


# ------------------------------------------------------------------------------ paths


def test_links_pipes_and_linked_folders_are_reported_never_followed(tmp_path):
    inbox = tmp_path / "inbox"
    folder = inbox / PERIOD / f"{PROVINCE}-lao-cai"
    folder.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "mat.xlsx").write_bytes(hostile.report_bytes())
    (folder / "bao-cao.xlsx").write_bytes(hostile.report_bytes())
    (folder / "ra-ngoai.xlsx").symlink_to(outside / "mat.xlsx")
    (folder / "he-thong.xlsx").symlink_to("/etc/passwd")
    (folder / "hong.xlsx").symlink_to(outside / "khong-co.xlsx")
    (folder / "thu-muc").symlink_to(outside, target_is_directory=True)
    os.mkfifo(folder / "ong.xlsx")
    found = discover(inbox, PERIOD)
    assert [f.original_path.rsplit("/", 1)[-1] for f in found.files[PROVINCE]] == ["bao-cao.xlsx"]
    assert sorted(
        (f.original_path.rsplit("/", 1)[-1], f.rule, f.province_code) for f in found.findings
    ) == [
        (name, "file-outside-province", PROVINCE)
        for name in ("he-thong.xlsx", "hong.xlsx", "ong.xlsx", "ra-ngoai.xlsx", "thu-muc")
    ]


def test_a_hard_link_to_a_file_outside_the_inbox_is_reported_not_read(tmp_path):
    inbox = tmp_path / "inbox"
    folder = inbox / PERIOD / f"{PROVINCE}-lao-cai"
    folder.mkdir(parents=True)
    outside = tmp_path / "outside.xlsx"
    outside.write_bytes(hostile.report_bytes())
    os.link(outside, folder / "lien-ket-cung.xlsx")
    # Two names of one file, both in the inbox, are the province's own business.
    (folder / "bao-cao.xlsx").write_bytes(hostile.report_bytes())
    os.link(folder / "bao-cao.xlsx", folder / "ban-sao.xlsx")
    found = discover(inbox, PERIOD)
    names = sorted(f.original_path.rsplit("/", 1)[-1] for f in found.files[PROVINCE])
    assert names == ["ban-sao.xlsx", "bao-cao.xlsx"]
    assert [(f.original_path.rsplit("/", 1)[-1], f.rule) for f in found.findings] == [
        ("lien-ket-cung.xlsx", "file-outside-province")
    ]
    assert "liên kết cứng" in found.findings[0].message


def test_a_linked_period_folder_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere" / f"{PROVINCE}-lao-cai"
    elsewhere.mkdir(parents=True)
    (elsewhere / "bao-cao.xlsx").write_bytes(hostile.report_bytes())
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / PERIOD).symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    found = discover(inbox, PERIOD)
    assert found.n_files == 0
    assert [(f.original_path, f.rule) for f in found.findings] == [
        (PERIOD, "file-outside-province")
    ]


def test_a_file_swapped_for_a_link_after_discovery_is_not_followed(tmp_path):
    _, files = _write(tmp_path, [("bao-cao.xlsx", hostile.report_bytes())])
    files[0].path.unlink()
    files[0].path.symlink_to("/etc/passwd")
    parsed = process_file(Job(files[0], PERIOD, tmp_path / "warehouse"))
    assert _file_rules(parsed) == ["file-outside-province"]
    assert not (tmp_path / "warehouse" / "archive").exists()


HOSTILE_NAMES = [
    "..bao-cao.xlsx",
    "..\\..\\..\\etc\\passwd.xlsx",
    "C:\\Windows\\bao-cao.xlsx",
    "\u202egnp.xlsx",
    "\u200fXã Gia Phú\u200e.xlsx",
    "Xa\u0301 Gia Phu\u0301.xlsx",
    "🚨📊 báo cáo.xlsx",
    "\x1b[31m\x07 bao cao.xlsx",
    "dòng\nmới.xlsx",
    "bao cao \udcc2\udce1o.xlsx",  # not UTF-8: a legacy code page name
    "x" * 250 + ".xlsx",  # 255 bytes
    "bao-cao.xlsx\\..\\..",
    "-rf .xlsx",
]


def test_hostile_names_stay_inside_the_inbox_and_the_archive(tmp_path):
    inbox = tmp_path / "inbox"
    folder = inbox / PERIOD / f"{PROVINCE}-lao-cai"
    folder.mkdir(parents=True)
    for i, name in enumerate(HOSTILE_NAMES):
        (folder / name).write_bytes(hostile.report_bytes(unit_line=f"CÔNG AN XÃ GIA PHÚ {i}"))
    before = set(tmp_path.rglob("*"))
    found = discover(inbox, PERIOD)
    assert found.n_files == len(HOSTILE_NAMES) and not found.findings
    for file in found.files[PROVINCE]:
        assert file.original_path.isprintable() and file.original_path.encode("utf-8")
        assert file.original_path.startswith(f"{PERIOD}/{PROVINCE}-lao-cai/")
    results = intake.intake(found.files[PROVINCE], PERIOD, tmp_path / "warehouse", workers=2)
    assert all(r.findings or r.reports for r in results)
    archive = tmp_path / "warehouse" / "archive"
    extracts = tmp_path / "warehouse" / "extracts"  # named by hashes, never by file names
    written = set(tmp_path.rglob("*")) - before
    assert all(
        p == tmp_path / "warehouse" or p.is_relative_to(archive) or p.is_relative_to(extracts)
        for p in written
    )
    assert all(
        re.fullmatch(r"[0-9a-f]{64}\.[0-9a-f]{16}\.[0-9a-f]{24}\.arrow", p.name)
        for p in extracts.rglob("*.arrow")
    )
    store = Warehouse(tmp_path / "warehouse")
    expected = {
        store.archive_path(r.ref.sha256, f.path.suffix)
        for r, f in zip(results, found.files[PROVINCE], strict=True)
    }
    assert {p for p in archive.rglob("*") if p.is_file()} == expected


@pytest.mark.parametrize("suffix", ["/../../x", "..", "\\..\\x", ".xlsx\u202e", "." + "a" * 300])
def test_an_archive_path_stays_in_the_archive_whatever_the_suffix(tmp_path, suffix):
    store = Warehouse(tmp_path)
    path = store.archive_path("ab" * 32, suffix)
    assert path.parent.parent == tmp_path / "archive" and "/" not in path.name


# ---------------------------------------------------------------------------- fuzzing


_SEED = hostile.report_bytes()
_ENTRIES = zipfile.ZipFile(io.BytesIO(_SEED)).namelist()


def _entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with (
        warnings.catch_warnings(),  # a duplicated part is the point
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        warnings.simplefilter("ignore")
        for name, raw in entries:
            archive.writestr(name, raw)
    return out.getvalue()


def _swap_entries(first: str, second: str) -> bytes:
    """Two parts trade places: the sheet where the styles should be, and so on."""
    contents = _entries(_SEED)
    contents[first], contents[second] = contents[second], contents[first]
    return _zip(list(contents.items()))


def _drop_or_double(name: str, double: bool) -> bytes:
    contents = list(_entries(_SEED).items())
    if double:
        return _zip([*contents, (name, contents[0][1])])
    return _zip([(n, raw) for n, raw in contents if n != name])


def _flip_inside(name: str, flips: list[tuple[int, int]]) -> bytes:
    """Bytes flipped in a part's XML, then packed again: the zip is sound, the XML not."""
    contents = _entries(_SEED)
    contents[name] = _flip(contents[name], flips)
    return _zip(list(contents.items()))


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    raw = bytearray(data)
    for at, mask in flips:
        raw[at % len(raw)] ^= mask or 1
    return bytes(raw)


_flips = st.lists(st.tuples(st.integers(0, 1 << 16), st.integers(0, 255)), min_size=1, max_size=8)
_mutations = st.one_of(
    _flips.map(lambda flips: _flip(_SEED, flips)),
    st.integers(0, len(_SEED) - 1).map(lambda cut: _SEED[:cut]),
    st.tuples(st.sampled_from(_ENTRIES), st.sampled_from(_ENTRIES)).map(
        lambda pair: _swap_entries(*pair)
    ),
    st.tuples(st.sampled_from(_ENTRIES), st.booleans()).map(lambda t: _drop_or_double(*t)),
    st.tuples(st.sampled_from(_ENTRIES), _flips).map(lambda t: _flip_inside(*t)),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=_mutations)
def test_mutated_workbooks_end_in_reports_or_a_finding(tmp_path_factory, data):
    """Byte flips, truncations and zip entry swaps of a valid workbook: the guard and the
    reader return (a panic is the only exception a reader may let out, and intake turns it
    into a finding), and `process_file` ends every input with reports or a finding."""
    problem = check_bytes(data)
    if problem is None:
        try:
            read_bytes(data)
        except BaseException as exc:
            assert type(exc).__name__ == "PanicException"
    folder = tmp_path_factory.mktemp("fuzz")
    path = folder / "bao-cao.xlsx"
    path.write_bytes(data)
    parsed = process_file(Job(_inbox_file(path, folder), PERIOD, None))
    assert parsed.findings or parsed.reports


# ------------------------------------------------------------------------------ corpus


def test_the_corpus_generator_writes_files_and_a_manifest(tmp_path):
    assert hostile.main(["--out", str(tmp_path), "--count", "40", "--no-oversize"]) == 0
    manifest = json.loads((tmp_path / "hostile-manifest.json").read_text())
    in_files = [e for e in manifest if e["in_submissions"]]
    assert len(in_files) == 40 and len({e["kind"] for e in in_files}) == len(hostile.KINDS)
    assert {e["kind"] for e in manifest if not e["in_submissions"]} == {
        "symlink",
        "fifo",
        "hard-link",
    }
    found = discover(tmp_path / "inbox", PERIOD)
    assert sorted(f.original_path for f in found.files[PROVINCE]) == sorted(
        e["path"] for e in in_files
    )
    assert sorted(f.original_path for f in found.findings) == sorted(
        e["path"] for e in manifest if not e["in_submissions"]
    )


# -------------------------------------------------------------------------- whole flow


def test_the_whole_flow_survives_a_hostile_inbox(tmp_path, prefect_harness):
    """A normal province (Hà Nội, generated) and ~40 hostile files in Lào Cai's folder:
    the run completes, Hà Nội's facts are the generator's truth, and every bad file is a
    rejected submission with the expected rule, in Lào Cai's report."""
    from antq.flows.monthly import monthly_ingest
    from antq.sample.generate import generate_month

    truth = generate_month(tmp_path, PERIOD, 2026, provinces=["01"], max_communes=10)
    manifest = hostile.build_corpus(tmp_path, count=40)
    summary = monthly_ingest(
        period=PERIOD,
        inbox=tmp_path / "inbox",
        warehouse=tmp_path / "warehouse",
        reports=tmp_path / "reports",
        workers=2,
    )
    store = Warehouse(tmp_path / "warehouse")
    facts = store.read("facts", PERIOD)
    subs = store.read("submissions", PERIOD)
    findings = store.read("findings", PERIOD)

    merged = truth.facts.merge(facts, on=["unit_code", "indicator"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all(), merged[merged["_merge"] != "both"].head()
    assert (merged["value_x"].fillna(-1) == merged["value_y"].fillna(-1)).all()
    assert set(facts["province_code"]) == {"01"}

    expected = {e.path: e for e in manifest if e.in_submissions}
    bad = subs[subs["original_path"].isin(list(expected))]
    assert len(bad) == len(expected)
    wrong = []
    for row in bad.itertuples():
        entry = expected[row.original_path]
        rules = set(findings.loc[findings["original_path"] == row.original_path, "rule"])
        if entry.rule is None:
            continue
        if row.status != "rejected" or entry.rule not in rules:
            wrong.append((row.original_path, entry.rule, row.status, sorted(rules)))
    assert wrong == []
    assert set(bad["province_code"]) == {PROVINCE}
    refused = {e.path: e.rule for e in manifest if not e.in_submissions}
    assert set(findings.loc[findings["original_path"].isin(list(refused)), "rule"]) == {
        "file-outside-province"
    }
    assert summary.n_files == len(subs)
    report = tmp_path / "reports" / PERIOD
    assert list(report.glob(f"{PROVINCE}-*/bao-cao-kiem-tra-{PROVINCE}-{PERIOD}.xlsx"))
    lao_cai = next(report.glob(f"{PROVINCE}-*/bao-cao-kiem-tra-{PROVINCE}-{PERIOD}.json"))
    assert "unit-outside-province" in lao_cai.read_text()
    # the links pointed outside the inbox: what they pointed at was never touched
    assert sorted(p.name for p in (tmp_path / "outside").iterdir()) == ["mat.xlsx"]


@pytest.mark.parametrize(
    "cell",
    [
        '<c xmlns:x="urn:x" x:r="A1" r="XFD1048576"><v>1</v></c>',  # a prefixed "r" first
        "<c s='1' r='XFD1048576'><v>1</v></c>",  # single quotes, another attribute first
        '<c r = "XFD1048576" ><v>1</v></c>',  # spaces around "="
        '<x:c xmlns:x="urn:x" r="XFD1048576"><x:v>1</x:v></x:c>',  # a prefixed element
    ],
)
def test_the_byte_scan_of_a_worksheet_finds_the_far_cell_however_it_is_written(cell):
    """The guard measures plain worksheets from their bytes (no call per element): every
    way XML allows to write a cell's reference must still be measured."""
    cells = f'<row r="1">{hostile.number_cell("A1", 1)}</row><row r="1048576">{cell}</row>'
    problem = check_bytes(hostile.xlsx_bytes([hostile.sheet_xml(cells, None)]))
    assert problem is not None and problem.rule == "file-too-large", problem
