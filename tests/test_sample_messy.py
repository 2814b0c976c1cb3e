"""The messy sample month: every variation class appears, and its truth is exactly what
its files say, read back here with readers written apart from the generator."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils.cell import coordinate_from_string, range_boundaries
from python_calamine import CalamineWorkbook

from antq.sample.generate import FACT_COLUMNS, FINDING_COLUMNS, SampleTruth
from antq.schemas.catalog import catalog
from antq.schemas.registry import registry
from tools.messy import (
    MESSY_FILE_COLUMNS,
    VARIATION_NAMES,
    VARIATIONS,
    generate_messy_month,
    main,
)

PERIOD = "2026-10"
PROVINCES = ["01", "79", "48"]  # Hà Nội has codes with leading zeros, the others none
PER_CLASS = 3
Raw = object  # a cell as a reader returns it


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleTruth]:
    root = tmp_path_factory.mktemp("messy")
    return root, generate_messy_month(root, PERIOD, provinces=PROVINCES, per_class=PER_CLASS)


# --------------------------------------------------------------------------- readers


class _Tables(HTMLParser):
    """<table> rows and cells, spans expanded: the text at the top-left cell only."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[tuple[int, int], str]] = []
        self._row = 0
        self._col = 0
        self._taken: set[tuple[int, int]] = set()
        self._cell: list[str] | None = None
        self._at = (0, 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append({})
            self._row, self._taken = 0, set()
        elif tag == "tr":
            self._row += 1
            self._col = 0
        elif tag in ("td", "th"):
            spans = {k: int(v or 1) for k, v in attrs if k in ("rowspan", "colspan")}
            self._col += 1
            while (self._row, self._col) in self._taken:
                self._col += 1
            top, left = self._row, self._col
            for r in range(top, top + spans.get("rowspan", 1)):
                for c in range(left, left + spans.get("colspan", 1)):
                    self._taken.add((r, c))
            self._col = left + spans.get("colspan", 1) - 1
            self._cell = []
            self._at = (top, left)

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            if text:
                self.tables[-1][self._at] = text
            self._cell = None


def _a1(row: int, col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row}"


def _read_grid(path: Path, fmt: str, sheet: str) -> dict[str, Raw]:
    """The report sheet as {A1: value}; xlsx formulas as ("=...", cached value or None)."""
    data = path.read_bytes()
    if fmt in ("xlsx", "xlsm"):
        formulas = load_workbook(io.BytesIO(data))[sheet]
        values = load_workbook(io.BytesIO(data), data_only=True)[sheet]
        grid: dict[str, Raw] = {}
        for row in formulas.iter_rows():
            for cell in row:
                if cell.value is None or not hasattr(cell, "column_letter"):
                    continue
                ref = cell.coordinate
                is_formula = isinstance(cell.value, str) and cell.value.startswith("=")
                grid[ref] = (cell.value, values[ref].value) if is_formula else cell.value
        return grid
    if fmt in ("xls", "ods"):
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet)
        return {
            _a1(r, c): value
            for r, row in enumerate(rows.to_python(skip_empty_area=False), start=1)
            for c, value in enumerate(row, start=1)
            if value != ""
        }
    if fmt == "csv":
        assert sheet == path.stem
        lines = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return {
            _a1(r, c): text
            for r, line in enumerate(lines, start=1)
            for c, text in enumerate(line, start=1)
            if text != ""
        }
    parser = _Tables()
    parser.feed(data.decode("utf-8"))
    number = int(sheet.removeprefix("Table"))
    return {_a1(r, c): text for (r, c), text in parser.tables[number - 1].items()}


_MONEY_WORDS = re.compile(r"\s*(đồng|đ|VNĐ)$")


def _number(text: str) -> float:
    """The spellings the generator is allowed to use, read the way a clerk means them."""
    text = text.strip()
    millions = re.fullmatch(r"(\d+) triệu đồng", text)
    if millions:
        return float(int(millions[1]) * 1_000_000)
    text = _MONEY_WORDS.sub("", text)
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text) or re.fullmatch(r"\d+", text):
        return float(re.sub(r"[.,]", "", text))
    raise AssertionError(f"not a number a clerk types: {text!r}")


def _value(raw: Raw, indicator: str) -> float | str:
    ind = catalog().indicator(indicator)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return float(raw)
    assert isinstance(raw, str), raw
    text = raw.strip()
    if ind.value_type == "category":
        return text
    if ind.value_type == "binary":
        return {"đạt": 1.0, "x": 1.0, "1": 1.0, "chưa đạt": 0.0, "0": 0.0}[text.lower()]
    approximate = re.fullmatch(r"(?:khoảng|gần)\s+([\d.]+)(?:\s+\w+)?", text, re.IGNORECASE)
    if approximate:
        return _number(approximate[1])
    fraction = re.fullmatch(r"(\d+)\s*/\s*(\d+)", text)
    if fraction:
        return float(fraction[1])
    return _number(text)


def _sum_formula(grid: dict[str, Raw], formula: str, indicator: str) -> float:
    inside = re.fullmatch(r"=SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", formula)
    assert inside, f"not a plain SUM: {formula}"
    min_col, min_row, max_col, max_row = range_boundaries(f"{inside[1]}:{inside[2]}")
    return sum(
        float(_value(grid[_a1(r, c)], indicator))
        for r in range(min_row, max_row + 1)
        for c in range(min_col, max_col + 1)
        if _a1(r, c) in grid
    )


def _fact_read_back(grid: dict[str, Raw], cell: str, indicator: str) -> float | str:
    raw = grid[cell]
    if isinstance(raw, tuple):
        formula, cached = raw
        return float(cached) if cached is not None else _sum_formula(grid, formula, indicator)
    return _value(raw, indicator)


def _grids(root: Path, truth: SampleTruth) -> dict[str, dict[str, Raw]]:
    sheets = pd.concat(
        [truth.facts[["original_path", "sheet"]], truth.findings[["original_path", "sheet"]]]
    )
    formats = dict(zip(truth.files["original_path"], truth.files["format"], strict=True))
    return {
        path: _read_grid(root / "inbox" / path, formats[path], sheet)
        for path, sheet in sheets.drop_duplicates("original_path").itertuples(index=False)
    }


# --------------------------------------------------------------------------- tests


def test_same_seed_gives_the_same_month_and_another_seed_does_not(tmp_path: Path) -> None:
    runs = {
        name: generate_messy_month(
            tmp_path / name, PERIOD, seed, provinces=["01", "48"], per_class=1, workers=workers
        )
        for name, seed, workers in (("a", 7, 1), ("b", 7, 2), ("c", 8, 1))
    }
    for frame in ("facts", "findings", "files"):
        pd.testing.assert_frame_equal(getattr(runs["a"], frame), getattr(runs["b"], frame))
        first = (tmp_path / "a" / "truth" / PERIOD / f"{frame}.parquet").read_bytes()
        assert first == (tmp_path / "b" / "truth" / PERIOD / f"{frame}.parquet").read_bytes()
    for path in runs["a"].files["original_path"]:
        a, b = tmp_path / "a" / "inbox" / path, tmp_path / "b" / "inbox" / path
        assert a.read_bytes() == b.read_bytes(), path
    assert not runs["a"].facts["value"].equals(runs["c"].facts["value"])


def test_every_class_appears_per_class_times_in_its_format(
    messy: tuple[Path, SampleTruth],
) -> None:
    _, truth = messy
    counts = truth.files.groupby("variation").size().to_dict()
    assert counts == {name: PER_CLASS for name in VARIATION_NAMES}
    expected_format = {v.name: v.format for v in VARIATIONS}
    assert (truth.files["format"] == truth.files["variation"].map(expected_format)).all()
    assert set(truth.files["format"]) == {"xlsx", "xlsm", "xls", "ods", "html", "csv"}
    assert set(truth.files["expected_status"]) == {"accepted"}
    assert list(truth.files.columns) == list(MESSY_FILE_COLUMNS)
    assert list(truth.facts.columns) == list(FACT_COLUMNS)
    assert list(truth.findings.columns) == list(FINDING_COLUMNS)
    assert set(truth.files["layout"]) == {"form", "table"}
    assert set(truth.files["province_code"]) == set(PROVINCES)
    loaded = SampleTruth.load(messy[0], PERIOD)
    pd.testing.assert_frame_equal(loaded.files, truth.files, check_dtype=False)


def _mismatches(root: Path, truth: SampleTruth) -> list[tuple[str, str, object, object]]:
    grids = _grids(root, truth)
    mismatches = []
    for fact in truth.facts.itertuples():
        expected = fact.value_text if pd.isna(fact.value) else fact.value
        written = _fact_read_back(grids[fact.original_path], fact.source_cell, fact.indicator)
        if written != expected:
            mismatches.append((fact.original_path, fact.source_cell, written, expected))
    return mismatches


def test_every_fact_reads_back_at_its_cell(messy: tuple[Path, SampleTruth]) -> None:
    root, truth = messy
    assert _mismatches(root, truth) == []
    files_with_facts = set(truth.facts["original_path"])
    assert files_with_facts == set(truth.files["original_path"])


def test_december_reports_carry_the_ranking_as_text(tmp_path: Path) -> None:
    truth = generate_messy_month(tmp_path, "2026-12", provinces=["01"], per_class=1)
    ranked = truth.facts[truth.facts["value"].isna()]
    assert len(ranked) > 0 and set(ranked["indicator"]) == {"phan_loai_phong_trao"}
    assert _mismatches(tmp_path, truth) == []


def test_each_file_is_really_its_format(messy: tuple[Path, SampleTruth]) -> None:
    root, truth = messy
    for row in truth.files.itertuples():
        data = (root / "inbox" / row.original_path).read_bytes()
        suffix = Path(row.original_path).suffix
        if row.format in ("xlsx", "xlsm"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                types = archive.read("[Content_Types].xml")
                assert "xl/workbook.xml" in archive.namelist()
            assert (b"macroEnabled" in types) == (row.format == "xlsm")
            assert suffix == f".{row.format}"
        elif row.format == "xls":
            assert data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") and suffix == ".xls"
        elif row.format == "ods":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                assert archive.namelist()[0] == "mimetype"
                mimetype = archive.read("mimetype")
            assert mimetype == b"application/vnd.oasis.opendocument.spreadsheet"
        elif row.format == "html":
            text = data.decode("utf-8")
            assert (
                "<table" in text and "charset=utf-8" in text.replace('"', "") and suffix == ".xls"
            )
        else:
            assert data.startswith(b"\xef\xbb\xbf") and not data[3:].startswith(b"PK")
            assert suffix in (".xlsx", ".xls") and b"," in data


EXPECTED_RULES = {
    "dash-blank": {"missing-required"},
    "approximate": {"approximate-value"},
    "formula-other-uncached": {"formula-without-value"},
    "unknown-label": {"unknown-label"},
}


def test_findings_are_those_of_the_class_and_sit_on_their_cells(
    messy: tuple[Path, SampleTruth],
) -> None:
    root, truth = messy
    grids = _grids(root, truth)
    variation = dict(zip(truth.files["original_path"], truth.files["variation"], strict=True))
    by_file = truth.findings.groupby("original_path")["rule"].agg(set).to_dict()
    for path, name in variation.items():
        assert by_file.get(path, set()) == EXPECTED_RULES.get(name, set()), (path, name)
    facts = set(zip(truth.facts["original_path"], truth.facts["source_cell"], strict=True))
    for finding in truth.findings.itertuples():
        assert finding.severity == catalog().rule(finding.rule).severity
        raw = grids[finding.original_path].get(finding.cell)
        at_fact = (finding.original_path, finding.cell) in facts
        if finding.rule == "missing-required":
            assert raw in (None, "-", "—", "x") and not at_fact
        elif finding.rule == "approximate-value":
            assert re.match(r"(?i)(khoảng|gần) ", str(raw)) and at_fact
        elif finding.rule == "formula-without-value":
            formula, cached = raw  # type: ignore[misc]
            assert cached is None and not formula.startswith("=SUM(") and not at_fact
        else:
            label = str(raw)
            assert all(label != ind.label for ind in catalog().indicators) and not at_fact


def test_hidden_rows_hold_stale_numbers_and_no_truth(messy: tuple[Path, SampleTruth]) -> None:
    root, truth = messy
    files = truth.files[truth.files["variation"] == "hidden-rows"]
    for row in files.itertuples():
        facts = truth.facts[truth.facts["original_path"] == row.original_path]
        ws = load_workbook(root / "inbox" / row.original_path)[facts["sheet"].iloc[0]]
        hidden = {r for r, dim in ws.row_dimensions.items() if dim.hidden}
        assert hidden
        assert all(any(isinstance(c.value, int) for c in ws[r]) for r in hidden)
        rows = {coordinate_from_string(cell)[1] for cell in facts["source_cell"]}
        assert not rows & hidden


def test_each_unit_reports_once_and_keeps_the_catalog_rules(
    messy: tuple[Path, SampleTruth],
) -> None:
    _, truth = messy
    facts = truth.facts
    assert not facts.duplicated(["unit_code", "indicator"]).any()
    assert (facts.groupby("unit_code")["original_path"].nunique() == 1).all()
    for (unit, path), report in facts.groupby(["unit_code", "original_path"]):
        values = dict(zip(report["indicator"], report["value"], strict=True))
        for rule in catalog().consistency:
            if all(code in values for code in rule.indicators) and rule.check == "not_greater":
                assert values[rule.value] <= values[rule.limit], (unit, path, rule.rule)
            if all(code in values for code in rule.indicators) and rule.check == "sum_equals":
                assert values[rule.value] == sum(values[p] for p in rule.parts), (unit, path)
    # A province's own figure is never below the sum of its communes' facts.
    communes = facts[facts["unit_level"] == "commune"].groupby(["province_code", "indicator"])
    sums = communes["value"].sum()
    for fact in facts[facts["unit_level"] == "province"].itertuples():
        if (fact.province_code, fact.indicator) in sums.index:
            assert fact.value >= sums[(fact.province_code, fact.indicator)]


_NAMES_THE_MONTH = re.compile(r"(?<!\d)2026(?!\d)|(?i:tháng\s*10)|(?<![\d/])10\s*[/.-]\s*20")


def _texts(path: Path) -> list[str]:
    book = load_workbook(path)
    return [
        c
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]


def test_the_period_is_only_where_its_class_puts_it(messy: tuple[Path, SampleTruth]) -> None:
    root, truth = messy
    for name in ("date-cell-period", "period-in-sheet-name", "period-in-file-name"):
        for row in truth.files[truth.files["variation"] == name].itertuples():
            path = root / "inbox" / row.original_path
            texts = _texts(path)
            assert not any(_NAMES_THE_MONTH.search(text) for text in texts), path
            sheet = truth.facts.loc[truth.facts["original_path"] == row.original_path, "sheet"]
            names_month = "10" in sheet.iloc[0]
            assert names_month == (name == "period-in-sheet-name")
            assert ("T10" in path.name) == (name == "period-in-file-name")
            if name == "date-cell-period":
                ws = load_workbook(path)[sheet.iloc[0]]
                dates = [c.value for r in ws.iter_rows() for c in r if getattr(c, "is_date", False)]
                assert [(d.year, d.month) for d in dates] == [(2026, 10)]


def test_unit_names_and_codes_identify_their_unit(messy: tuple[Path, SampleTruth]) -> None:
    root, truth = messy
    reg = registry()
    for name in ("messy-unit-names", "code-lost-zeros"):
        for row in truth.files[truth.files["variation"] == name].itertuples():
            facts = truth.facts[truth.facts["original_path"] == row.original_path]
            units = set(facts["unit_code"])
            ws = load_workbook(root / "inbox" / row.original_path)[facts["sheet"].iloc[0]]
            values = [c for r in ws.iter_rows(values_only=True) for c in r if c is not None]
            if name == "code-lost-zeros":
                assert {str(v).zfill(5) for v in values if isinstance(v, int)} >= units
                assert any(code.startswith("0") for code in units)
                continue
            assert not any(isinstance(v, str) and v.startswith("Mã") for v in values)
            found = {
                reg.match_commune(v, row.province_code).unit
                for v in values
                if isinstance(v, str) and reg.match_commune(v, row.province_code).status == "ok"
            }
            assert units <= {unit.code for unit in found if unit}


def test_the_command_line_writes_a_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(tmp_path), "--provinces", "01", "--per-class", "1"]) == 0
    assert "30 classes" in capsys.readouterr().out
    files = pd.read_parquet(tmp_path / "truth" / PERIOD / "files.parquet")
    assert len(files) == len(VARIATION_NAMES)
    per_folder: dict[str, int] = defaultdict(int)
    for path in files["original_path"]:
        per_folder[path.split("/")[1]] += 1
    assert len(per_folder) == 1
