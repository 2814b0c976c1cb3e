"""`antq template`: the monthly form made from the catalog, filled by an officer (here
openpyxl), read back. An intact form is read by its known layout; one the officer
altered is read by the normal path; both store the same figures at the same cells."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest

from antq.cli import main
from antq.config import Config
from antq.schemas.template import MARKER_SHEET, TEMPLATE_IDS, form_layout
from antq.tasks.normalize import FileRef, ParsedFile, normalize_workbook
from antq.tasks.read import read_bytes
from antq.tasks.validate import validate_month
from antq.template import form_bytes, units_for

NOVEMBER, DECEMBER = "2026-11", "2026-12"


@pytest.fixture(scope="module")
def config():
    return Config.load(NOVEMBER)


def _commune(config, code: str = "00070"):
    return config.registry.communes[code]


def figures(config, level: str = "commune", month: int = 11) -> dict[str, object]:
    """A plausible, rule-abiding month: what an officer types, by indicator."""
    values: dict[str, object] = {}
    for n, ind in enumerate(config.catalog.indicators, start=1):
        if ind.code not in form_layout(config.catalog, level, month).rows:
            continue
        values[ind.code] = {
            "integer": n,
            "vnd": 600_000_000,
            "binary": "Đạt",
            "category": ind.categories[1] if ind.categories else None,
        }[ind.value_type]
    parts = ("mo_hinh_khu_dan_cu", "mo_hinh_co_quan", "mo_hinh_doanh_nghiep", "mo_hinh_nha_truong",
             "mo_hinh_benh_vien", "mo_hinh_khac")  # fmt: skip
    values["mo_hinh_tong"] = sum(values[p] for p in parts)  # type: ignore[misc]
    values["mo_hinh_moi"] = 1
    values["thanh_vien_to_tu_quan"] = 10 * values["to_tu_quan"]  # type: ignore[operator]
    values["nguon_tin_co_gia_tri"] = values["nguon_tin"]
    values["khu_dan_cu_dat_chuan"] = values["khu_dan_cu_tong"]
    values["cqdn_nt_dat_chuan"] = values["cqdn_nt_tong"]
    values["luot_nguoi_tham_gia"] = 40 * values["buoi_tuyen_truyen"]  # type: ignore[operator]
    values["luot_tap_huan"] = 30 * values["lop_tap_huan"]  # type: ignore[operator]
    return values


def fill(
    data: bytes, values: dict[str, object], config, level="commune", month=11, edit=None
) -> bytes:
    """The form with `values` typed in column "Số liệu"; `edit(workbook)` first, if given."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    rows = form_layout(config.catalog, level, month).rows
    for code, value in values.items():
        ws.cell(rows[code] + 1, 4).value = value
    if edit is not None:
        edit(wb)
    sink = io.BytesIO()
    wb.save(sink)
    return sink.getvalue()


def read(data: bytes, period: str = NOVEMBER, province: str = "01", name: str = "bieu-mau.xlsx"):
    ref = FileRef(f"{province}/{name}", "0" * 64, province, period, dt.datetime.now(dt.UTC))
    return normalize_workbook(read_bytes(data, name), ref, Config.load(period))


def stored(parsed: ParsedFile) -> dict[str, tuple[object, str]]:
    return {
        o.indicator: (o.parsed.value if o.parsed.value is not None else o.parsed.text, o.cell)
        for o in parsed.observations
        if o.parsed.status == "ok"
    }


def expected(values: dict[str, object], config, level="commune", month=11) -> dict:
    rows = form_layout(config.catalog, level, month).rows
    as_read = {"Đạt": 1.0, "Chưa đạt": 0.0}
    out = {}
    for code, value in values.items():
        kind = config.catalog.indicator(code).value_type
        read_as = value if kind == "category" else as_read.get(value, value)  # type: ignore[arg-type]
        out[code] = (float(read_as) if kind != "category" else read_as, f"D{rows[code] + 1}")
    return out


# ------------------------------------------------------------------------ the form


def test_the_form_names_its_unit_and_month_and_locks_all_but_the_figures(config):
    wb = openpyxl.load_workbook(io.BytesIO(form_bytes(_commune(config), NOVEMBER, config)))
    ws = wb.worksheets[0]
    texts = {c.value for row in ws.iter_rows(max_row=8) for c in row if c.value}
    assert {"Đơn vị báo cáo: Phường Hoàn Kiếm", "Mã đơn vị: 00070", "Tháng 11 năm 2026"} <= texts
    assert ws.protection.sheet and not ws.protection.password  # no password to lose
    rows = form_layout(config.catalog, "commune", 11).rows
    for row in rows.values():
        assert not ws.cell(row + 1, 4).protection.locked  # Số liệu
        assert not ws.cell(row + 1, 5).protection.locked  # Ghi chú
        assert ws.cell(row + 1, 2).protection.locked  # the label
    assert "phan_loai_phong_trao" not in rows  # asked in December only
    assert "phan_loai_phong_trao" in form_layout(config.catalog, "commune", 12).rows
    marker = wb[MARKER_SHEET]
    assert marker.sheet_state == "veryHidden"
    keys = {marker.cell(r, 1).value: marker.cell(r, 2).value for r in range(1, marker.max_row + 1)}
    assert (keys["template_id"], keys["template_version"]) == (TEMPLATE_IDS["commune"], 1)
    assert (keys["period"], keys["unit_code"]) == (NOVEMBER, "00070")
    assert "Hướng dẫn" in wb.sheetnames


def test_each_figure_cell_accepts_what_its_indicator_is(config):
    wb = openpyxl.load_workbook(io.BytesIO(form_bytes(_commune(config), DECEMBER, config)))
    ws = wb.worksheets[0]
    rows = form_layout(config.catalog, "commune", 12).rows
    checks = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for code, row in rows.items():
        ind = config.catalog.indicator(code)
        dv = checks[f"D{row + 1}"]
        assert dv.allow_blank and dv.showErrorMessage and dv.error and dv.prompt
        if ind.value_type == "integer":
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
        elif ind.value_type == "vnd":
            assert dv.type == "custom" and f"INT(D{row + 1})" in dv.formula1
        elif ind.value_type == "binary":
            assert (dv.type, dv.formula1) == ("list", '"Đạt,Chưa đạt"')
        else:
            assert (dv.type, dv.formula1) == ("list", '"Xuất sắc,Khá,Trung bình,Yếu"')


def test_a_part_larger_than_its_whole_colours_both_cells(config):
    ws = openpyxl.load_workbook(
        io.BytesIO(form_bytes(_commune(config), NOVEMBER, config))
    ).worksheets[0]
    rows = form_layout(config.catalog, "commune", 11).rows
    part, whole = f"D{rows['nguon_tin_co_gia_tri'] + 1}", f"D{rows['nguon_tin'] + 1}"
    rules = {
        str(cf.sqref): [rule.formula[0] for rule in cf.rules] for cf in ws.conditional_formatting
    }
    where = next(ranges for ranges in rules if part in ranges.split())
    assert whole in where.split()
    assert f"${part[0]}${part[1:]}>${whole[0]}${whole[1:]}" in rules[where][0]
    # Excel paints a conditional format's solid fill with its bgColor, LibreOffice with
    # its fgColor: both are the report's warning yellow.
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            fill = rule.dxf.fill
            assert fill.bgColor.rgb[-6:] == fill.fgColor.rgb[-6:] == "FFFF00"


# ------------------------------------------------------------------------ reading


def test_a_filled_form_is_read_by_its_template_and_round_trips(config):
    values = figures(config)
    values["xa_dat_chuan"] = "Chưa đạt"
    values["kinh_phi_xa_hoi_hoa"] = 12_345_678_901  # past Excel's 32-bit whole numbers
    del values["doi_thoai"]  # left blank: not reported, not zero, and required
    parsed = read(fill(form_bytes(_commune(config), NOVEMBER, config), values, config))
    assert parsed.template == "antq-bieu-mau-xa v1"
    assert (parsed.unit_code, parsed.layout, parsed.findings) == ("00070", "form", [])
    assert stored(parsed) == expected(values, config)
    blank = next(o for o in parsed.observations if o.indicator == "doi_thoai")
    assert (blank.value_raw, blank.parsed.value) == (None, None)
    findings = validate_month([parsed], config=config).findings
    assert [(f.rule, f.cell) for f in findings] == [("missing-required", blank.cell)]


def test_the_normal_path_reads_the_same_form_the_same_way(config):
    """Without its marker the same file goes through layout detection: same figures,
    same cells, same report."""
    values = figures(config)
    data = fill(form_bytes(_commune(config), NOVEMBER, config), values, config)
    fast = read(data)
    plain = read(fill(data, {}, config, edit=lambda wb: wb.remove(wb[MARKER_SHEET])))
    assert (fast.template, plain.template) == ("antq-bieu-mau-xa v1", None)
    assert plain.observations == fast.observations
    assert plain.reports == fast.reports


def test_a_mistake_typed_in_the_form_is_a_finding_at_its_cell(config):
    values = figures(config)
    values["nguon_tin_co_gia_tri"] = values["nguon_tin"] + 5  # type: ignore[operator]
    parsed = read(fill(form_bytes(_commune(config), NOVEMBER, config), values, config))
    assert parsed.template is not None
    rows = form_layout(config.catalog, "commune", 11).rows
    findings = validate_month([parsed], config=config).findings
    assert [(f.cell, f.rule, f.related_cells) for f in findings] == [
        (
            f"D{rows['nguon_tin_co_gia_tri'] + 1}",
            "part-exceeds-whole",
            (f"D{rows['nguon_tin'] + 1}",),
        )
    ]


def _altered(wb) -> None:
    """What an officer does after unprotecting: a note row inserted inside the table, two
    rows swapped, a label reworded."""
    ws = wb.worksheets[0]
    ws.protection.sheet = False
    ws.insert_rows(12)  # inside section I, between two indicators
    for merged in ws.merged_cells.ranges:  # as Excel moves them (openpyxl does not)
        if merged.min_row >= 12:
            merged.shift(0, 1)
    ws.cell(12, 2).value = "(ghi chú: số liệu đã rà soát lại)"
    a, b = 22, 23  # two rows of section II/III, whatever they hold, swapped
    for col in range(1, 6):
        ws.cell(a, col).value, ws.cell(b, col).value = ws.cell(b, col).value, ws.cell(a, col).value
    for row in ws.iter_rows(min_col=2, max_col=2):
        if row[0].value == "Số nguồn tin do quần chúng cung cấp":
            row[0].value = "Nguồn tin quần chúng cung cấp (SL)"


def test_an_altered_form_is_read_by_the_normal_path_with_every_figure(config):
    values = figures(config)
    data = fill(form_bytes(_commune(config), NOVEMBER, config), values, config, edit=_altered)
    parsed = read(data)
    assert parsed.template is None  # not intact: read by detection
    book = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    got = stored(parsed)
    assert set(got) == set(values)
    for code, (value, cell) in got.items():  # each figure from the cell it moved to
        assert book[cell].value == values[code], code
        assert value == expected(values, config)[code][0]
    assert [f.rule for f in parsed.findings] == []
    assert validate_month([parsed], config=config).findings == []


def test_a_form_sent_for_another_month_names_its_unit_and_the_month(config):
    data = fill(
        form_bytes(_commune(config), "2026-10", config), figures(config, month=10), config, month=10
    )
    parsed = read(data, NOVEMBER)
    assert [(f.rule, f.cell, f.unit_code) for f in parsed.findings] == [
        ("period-mismatch", "A5", "00070")
    ]
    assert parsed.unit_code == "00070" and not parsed.reports


def test_a_form_in_another_provinces_folder_is_not_filed_under_it(config):
    data = fill(form_bytes(_commune(config), NOVEMBER, config), figures(config), config)
    parsed = read(data, province="04")
    assert parsed.template is None and not parsed.reports
    assert [f.rule for f in parsed.findings] == ["unit-outside-province"]


def test_the_provinces_own_form_is_read_with_its_own_indicators(config):
    province = config.registry.provinces["01"]
    values = figures(config, "province")
    assert "van_ban_chi_dao" in values and "xa_dat_chuan" not in values
    data = fill(form_bytes(province, NOVEMBER, config), values, config, "province")
    parsed = read(data)
    assert (parsed.template, parsed.unit_code, parsed.unit_level) == (
        "antq-bieu-mau-tinh v1",
        "01",
        "province",
    )
    assert stored(parsed) == expected(values, config, "province")


# ------------------------------------------------------------------------ the command


def test_antq_template_writes_each_units_form_and_a_zip_per_province(tmp_path, config):
    out = ["--out", str(tmp_path), "--workers", "1"]
    assert main(["template", "--period", "2026-10", "--province", "12", *out]) == 0
    assert main(["template", "--period", NOVEMBER, "--province", "12-lai-chau", *out]) == 0
    units = units_for(config, "12", None)
    folder = tmp_path / "12-lai-chau"
    forms = sorted(folder.glob("*-t11-2026.xlsx"))
    assert len(forms) == len(units) == 1 + len(config.registry.communes_of("12"))
    with zipfile.ZipFile(tmp_path / "12-lai-chau-t11-2026.zip") as archive:
        # this month's forms only, never last month's left in the same folder
        assert sorted(Path(n).name for n in archive.namelist()) == [p.name for p in forms]
    one = next(p for p in forms if p.name.startswith(units[1].code))
    parsed = read(one.read_bytes(), province="12", name=one.name)
    assert (parsed.template, parsed.unit_code) == ("antq-bieu-mau-xa v1", units[1].code)
    # Blank, it is a report with every required figure missing, never a zero.
    assert all(o.parsed.value is None for o in parsed.observations)
    # A code whose leading zeros Excel dropped names the same commune.
    assert main(["template", "--period", NOVEMBER, "--unit", units[1].code.lstrip("0"), *out]) == 0


def test_antq_template_says_what_it_cannot_do(tmp_path, capsys, config):
    elsewhere = config.registry.communes_of("04")[0].code
    for args in (
        ["--period", "2025-03"],  # before the reform: the old units have no form
        ["--period", NOVEMBER, "--unit", "99999"],
        ["--period", NOVEMBER, "--province", "01", "--unit", elsewhere],
    ):
        assert main(["template", *args, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "từ 2025-07" in err and "99999" in err and f"{elsewhere} (" in err
    assert not list(tmp_path.iterdir())


# ------------------------------------------------------------------------ live colours


def _cases(config) -> dict[str, dict[str, object]]:
    """Figures breaking each within-report rule, and figures at each rule's edge."""
    base = figures(config)
    cases = {"clean": base}

    def case(name: str, **changes: object) -> None:
        cases[name] = {k: v for k, v in (base | changes).items() if v is not None}

    case("part-above-whole", nguon_tin_co_gia_tri=base["nguon_tin"] + 1)  # type: ignore[operator]
    case("new-models-above-total", mo_hinh_moi=base["mo_hinh_tong"] + 1)  # type: ignore[operator]
    case("fewer-members", thanh_vien_to_tu_quan=base["to_tu_quan"] - 1)  # type: ignore[operator]
    case("total-off-by-one", mo_hinh_tong=base["mo_hinh_tong"] + 1)  # type: ignore[operator]
    case("total-with-a-blank-part", mo_hinh_khac=None, mo_hinh_tong=0)
    case("people-without-sessions", buoi_tuyen_truyen=0, luot_nguoi_tham_gia=10)
    case("zero-and-zero", lop_tap_huan=0, luot_tap_huan=0)
    case("crowd-per-session", buoi_tuyen_truyen=2, luot_nguoi_tham_gia=10_001)
    case("crowd-at-the-limit", buoi_tuyen_truyen=2, luot_nguoi_tham_gia=10_000)
    return cases


def _soffice(paths: list[Path], fmt: str, out: Path) -> None:
    """The workbooks opened, calculated and saved as `fmt` into `out` by LibreOffice Calc."""
    assert shutil.which("soffice"), "soffice is needed: make test-slow installs it"
    subprocess.run(
        ["soffice", "--headless", "--convert-to", fmt, "--outdir", str(out), *map(str, paths)],
        capture_output=True,
        timeout=300,
        check=True,
        env={"HOME": str(out), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )


@pytest.mark.slow
def test_the_live_colours_agree_with_the_validator_in_a_real_spreadsheet(tmp_path, config):
    """Each colouring rule of the form, calculated by LibreOffice Calc, fires on exactly
    the figures the validate stage finds against the same rule."""
    blank = form_bytes(_commune(config), NOVEMBER, config)
    sheet = openpyxl.load_workbook(io.BytesIO(blank)).worksheets[0]
    rules = [
        (cf.sqref, rule.formula[0]) for cf in sheet.conditional_formatting for rule in cf.rules
    ]
    assert len(rules) == len(config.catalog.consistency)
    paths, validator = [], {}
    for name, values in _cases(config).items():

        def probes(wb) -> None:  # each colouring formula, copied into a cell of column H
            for i, (_, formula) in enumerate(rules, start=1):
                wb.worksheets[0].cell(i, 8).value = f"={formula}"

        data = fill(blank, values, config, edit=probes)
        paths.append(tmp_path / f"{name}.xlsx")
        paths[-1].write_bytes(data)
        findings = validate_month([read(data)], config=config).findings
        validator[name] = {f.cell for f in findings if f.rule != "missing-required"}
    out = tmp_path / "calc"
    _soffice(paths, "xlsx", out)
    for path in paths:
        ws = openpyxl.load_workbook(out / path.name, data_only=True).worksheets[0]
        fired = [ws.cell(i, 8).value for i in range(1, len(rules) + 1)]
        assert set(fired) <= {True, False}, (path.stem, fired)
        coloured = {
            str(ref)
            for (sqref, _), on in zip(rules, fired, strict=True)
            if on
            for ref in sqref.ranges
        }
        # The validator names the cell of the figure a rule is about; the form colours
        # that cell and the others the rule compares it with.
        assert validator[path.stem] <= coloured, path.stem
        assert bool(coloured) == bool(validator[path.stem]), path.stem


def test_inspect_tells_the_data_team_which_path_read_the_form(config):
    from antq.inspect import Inspection, print_inspection

    values = figures(config)
    blank = form_bytes(_commune(config), NOVEMBER, config)
    said = {}
    for name, data, province in (
        ("intact", fill(blank, values, config), "01"),
        ("altered", fill(blank, values, config, edit=_altered), "01"),
        ("elsewhere", fill(blank, values, config), "04"),
    ):
        out = io.StringIO()
        book = read_bytes(data, f"{name}.xlsx")
        parsed = read(data, province=province)
        print_inspection(Inspection(parsed, book, [], config), out)
        said[name] = out.getvalue()
    assert "Biểu mẫu antq-bieu-mau-xa v1 còn nguyên mẫu" in said["intact"]
    assert "không còn nguyên mẫu" in said["altered"] and "đơn vị 00070" in said["altered"]
    assert "đơn vị 00070 không thuộc tỉnh gửi tệp (04)" in said["elsewhere"]


@pytest.mark.slow
def test_a_form_saved_again_as_xls_or_ods_is_still_read_by_its_template(tmp_path, config):
    values = figures(config)
    path = tmp_path / "bieu-mau.xlsx"
    path.write_bytes(fill(form_bytes(_commune(config), NOVEMBER, config), values, config))
    for fmt in ("xls", "ods"):
        _soffice([path], fmt, tmp_path)
        parsed = read((tmp_path / f"bieu-mau.{fmt}").read_bytes(), name=f"bieu-mau.{fmt}")
        assert (parsed.template, parsed.findings) == ("antq-bieu-mau-xa v1", []), fmt
        assert stored(parsed) == expected(values, config), fmt


@pytest.mark.slow
def test_forms_filled_and_sent_land_in_the_warehouse_and_the_mistake_in_the_report(
    tmp_path, prefect_harness, config
):
    """The whole way: `antq template` for a province, three communes fill their forms
    (one as made, one with a part larger than its whole, one the officer changed), the
    month runs, and every figure is a fact at its cell; the mistake is the one finding,
    at its cell, in the province's report."""
    from antq.flows.monthly import monthly_ingest
    from antq.warehouse.store import Warehouse

    assert (
        main(
            [
                "template",
                "--period",
                NOVEMBER,
                "--province",
                "12",
                "--out",
                str(tmp_path / "out"),
                "--workers",
                "1",
            ]
        )
        == 0
    )
    forms = sorted((tmp_path / "out" / "12-lai-chau").glob("0*.xlsx"))[:3]
    inbox = tmp_path / "inbox" / NOVEMBER / "12-lai-chau"
    inbox.mkdir(parents=True)
    values = figures(config)
    mistake = values | {"nguon_tin_co_gia_tri": values["nguon_tin"] + 5}  # type: ignore[operator]
    sent = {
        forms[0].name: (fill(forms[0].read_bytes(), values, config), values),
        forms[1].name: (fill(forms[1].read_bytes(), mistake, config), mistake),
        forms[2].name: (fill(forms[2].read_bytes(), values, config, edit=_altered), values),
    }
    for name, (data, _) in sent.items():
        (inbox / name).write_bytes(data)
    summary = monthly_ingest(
        NOVEMBER, tmp_path / "inbox", tmp_path / "warehouse", tmp_path / "reports"
    )
    store = Warehouse(tmp_path / "warehouse")
    submissions = store.read("submissions", NOVEMBER).set_index("original_path")
    templates = {
        Path(p).name: t if isinstance(t, str) else None for p, t in submissions["template"].items()
    }
    assert templates == {
        forms[0].name: "antq-bieu-mau-xa v1",
        forms[1].name: "antq-bieu-mau-xa v1",
        forms[2].name: None,  # changed by its officer: read by the normal path
    }
    facts = store.read("facts", NOVEMBER)
    for name, (data, typed) in sent.items():
        unit = name[:5]
        ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        got = facts[facts["unit_code"] == unit].set_index("indicator")
        # An error holds back both figures it compares until the commune corrects them.
        held = {"nguon_tin_co_gia_tri", "nguon_tin"} if typed is mistake else set()
        assert set(got.index) == set(typed) - held, name
        for code, row in got.iterrows():
            want = expected({code: typed[code]}, config)[code][0]
            text = row["value_text"]
            assert (text if isinstance(text, str) else row["value"]) == want, (name, code)
            assert ws[row["source_cell"]].value == typed[code], (name, code)
    findings = store.read("findings", NOVEMBER)
    findings = findings[findings["unit_code"].isin([n[:5] for n in sent])]
    rows = form_layout(config.catalog, "commune", 11).rows
    assert sorted(zip(findings["unit_code"], findings["cell"], findings["rule"], strict=True)) == [
        (forms[1].name[:5], f"D{rows['nguon_tin_co_gia_tri'] + 1}", "part-exceeds-whole")
    ]
    book = openpyxl.load_workbook(
        next(p for p in summary.province_reports if p.parent.name == "12-lai-chau")
    )
    cells = [c.value for row in book["Lỗi cần sửa"].iter_rows() for c in row]
    assert f"D{rows['nguon_tin_co_gia_tri'] + 1}" in cells, cells
    kinds = {row[0]: row[3] for row in book["Tệp đã nhận"].iter_rows(min_row=2, values_only=True)}
    assert sorted(kinds.values()) == ["Biểu mẫu", "Biểu mẫu của Bộ", "Biểu mẫu của Bộ"]


@pytest.mark.parametrize("note", ["Chưa được công nhận", "chưa đạt", "Đạt"])
def test_a_blank_standard_cell_with_a_note_is_0_on_both_paths(config, note):
    """SPEC §4: "Chưa đạt"/0/blank-with-note -> 0; a note that itself says "Đạt" is no
    such answer: the figure stays unreported and is asked for."""
    values = figures(config)
    del values["xa_dat_chuan"]
    rows = form_layout(config.catalog, "commune", 11).rows
    cell = f"D{rows['xa_dat_chuan'] + 1}"

    def with_note(wb) -> None:
        wb.worksheets[0].cell(rows["xa_dat_chuan"] + 1, 5).value = note

    data = fill(form_bytes(_commune(config), NOVEMBER, config), values, config, edit=with_note)
    plain = fill(data, {}, config, edit=lambda wb: wb.remove(wb[MARKER_SHEET]))
    fast, normal = read(data), read(plain)
    assert (fast.template, normal.template) == ("antq-bieu-mau-xa v1", None)
    want = None if note == "Đạt" else (0.0, cell)
    assert stored(fast).get("xa_dat_chuan") == stored(normal).get("xa_dat_chuan") == want
    findings = validate_month([fast], config=config).findings
    asked = [("missing-required", cell)] if note == "Đạt" else []
    assert [(f.rule, f.cell) for f in findings] == asked


def test_a_figure_typed_under_the_table_sends_the_form_to_the_normal_path(config):
    """Nothing written outside the form's cells is passed over in silence: a row the
    officer added under the table is read (or questioned) by the normal path."""
    values = figures(config)
    last = form_layout(config.catalog, "commune", 11).last_row + 1

    def extra_row(wb) -> None:
        ws = wb.worksheets[0]
        ws.cell(last + 2, 2).value = "Số vụ cháy nổ"  # no such indicator
        ws.cell(last + 2, 4).value = 3

    parsed = read(
        fill(form_bytes(_commune(config), NOVEMBER, config), values, config, edit=extra_row)
    )
    assert parsed.template is None
    assert stored(parsed) == expected(values, config)
    assert [(f.rule, f.cell) for f in parsed.findings] == [("unknown-label", f"D{last + 2}")]
