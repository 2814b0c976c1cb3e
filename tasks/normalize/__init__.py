"""Normalize stage: a read workbook becomes reports and observations with provenance.

Every observation keeps the sheet and A1 cell it came from; every doubt becomes a finding.
File-level problems (no layout, unknown unit, wrong period) reject the whole file; a
problem of one table row holds back only that row.
"""

from __future__ import annotations

from dataclasses import replace

from antq.cells import a1, parse_a1
from antq.config import Config
from antq.findings import Finding, Where, make_finding
from antq.schemas import template as form_template
from antq.schemas.catalog import Indicator
from antq.schemas.registry import Registry, Unit, normalize_code
from antq.tasks.clean import (
    MAX_SUM_CELLS,
    Parsed,
    WrittenPeriod,
    parse_value,
    sum_formula_ranges,
)
from antq.tasks.normalize.layout import (
    MIN_INDICATORS,
    CrossLayout,
    FormLayout,
    Hit,
    SheetView,
    TableLayout,
    detect_layout,
    indicators_named,
    label_hits,
)
from antq.tasks.normalize.model import FileRef, Observation, ParsedFile, Report
from antq.tasks.normalize.template import KnownForm, known_form
from antq.tasks.normalize.title import (
    TitleCell,
    UnitFinding,
    find_form_unit,
    find_period,
    resolve_commune_name,
    title_cells,
    writes_marks,
)
from antq.tasks.read import Formula, Sheet, Workbook
from antq.text import cell_text, fold

__all__ = [
    "FileRef",
    "Observation",
    "ParsedFile",
    "Report",
    "holds_a_report",
    "normalize_workbook",
]


def normalize_workbook(book: Workbook, ref: FileRef, config: Config | None = None) -> ParsedFile:
    """Reports, observations and findings of one received file, read against `config`
    (the catalog, layouts and the units of the file's period)."""
    cfg = config or Config.load(ref.period)
    parsed = ParsedFile(ref, format=book.format)
    if book.problem is not None:
        parsed.findings.append(
            make_finding(book.problem.rule, ref.where(), detail=book.problem.detail)
        )
        return parsed
    known = known_form(book, ref, cfg)
    if known is not None:
        _read_known_form(parsed, known, cfg)
        return parsed
    month = int(ref.period[5:7])
    chosen = _report_sheet(book, ref, cfg)
    if chosen is None:
        parsed.findings.append(
            make_finding("layout-unknown", ref.where(), detail="không thấy tên các chỉ tiêu")
        )
        return parsed
    sheet, view, hits = chosen
    layout = detect_layout(view, hits, month, _unit_test(ref.province_code, cfg.registry))
    if layout is None:
        parsed.findings.append(
            make_finding(
                "layout-unknown",
                ref.where(sheet=sheet.name),
                detail="không xác định được cột số liệu hoặc dòng tiêu đề của bảng",
            )
        )
        return parsed
    parsed.sheet = sheet.name
    parsed.layout = "form" if isinstance(layout, FormLayout) else "table"
    title = title_cells(sheet, layout.title_end)
    if not _period_ok(parsed, title, sheet):
        if isinstance(layout, FormLayout):
            _name_the_sender(parsed, sheet, title, cfg)
        return parsed
    if isinstance(layout, FormLayout):
        _read_form(parsed, sheet, layout, title, cfg)
    elif isinstance(layout, CrossLayout):
        _read_cross(parsed, sheet, view, layout, title, cfg)
    else:
        _read_table(parsed, sheet, view, layout, title, cfg)
    return parsed


def _name_the_sender(parsed: ParsedFile, sheet: Sheet, title: list[TitleCell], cfg: Config) -> None:
    """A form refused for its period (last month's file sent again) still says whose it
    is: on a sure match the file counts for that unit, rejected and why, instead of the
    unit being listed as having sent nothing. No value of it is read."""
    ref = parsed.ref
    stem = ref.file_name.rsplit(".", 1)[0]
    found = find_form_unit(cfg, title, ref.province_code, stem, writes_marks(sheet))
    if found.status != "ok" or found.unit is None:
        return
    _name_unit(parsed, found.unit)


def _name_unit(parsed: ParsedFile, unit: Unit) -> None:
    """The file is the unit's: so are the findings about it so far."""
    parsed.unit_code, parsed.unit_level, parsed.unit_name = unit.code, unit.level, unit.display_name
    parsed.findings = [
        replace(f, unit_code=unit.code, unit_name=unit.display_name) if f.unit_code is None else f
        for f in parsed.findings
    ]


def _read_known_form(parsed: ParsedFile, known: KnownForm, cfg: Config) -> None:
    """A form of a known template, intact: each figure read from the cell its layout
    puts it in, as the normal path would read it there."""
    sheet, unit = known.sheet, known.unit
    parsed.sheet, parsed.layout, parsed.template = sheet.name, "form", known.name
    period_ok = _period_ok(parsed, title_cells(sheet, form_template.HEADER_ROW), sheet)
    _name_unit(parsed, unit)
    if not period_ok:
        return
    rows = known.layout.rows
    where = _form_report(parsed, unit, sheet.name, a1(min(rows.values()), form_template.LABEL_COL))
    for code, row in rows.items():
        indicator = cfg.catalog.indicator(code)
        column = form_template.VALUE_COL
        _observation(parsed, 0, indicator, sheet, row, column, where, cfg, notes=True)


def _form_report(parsed: ParsedFile, unit: Unit, sheet: str, anchor: str) -> Where:
    """A form's one report, for `unit`; where its figures' findings point."""
    parsed.reports.append(
        Report(0, unit.code, unit.level, unit.display_name, "form", sheet, anchor)
    )
    return parsed.ref.where(unit_code=unit.code, unit_name=unit.display_name, sheet=sheet)


def _unit_test(province_code: str, reg: Registry):  # -> Callable[[str], bool]
    """Whether a header cell names a commune (of any province: one of another province in
    a province's table is still a unit column, to be reported, not a figure column)."""

    def is_unit(text: str) -> bool:
        if not any(ch.isalpha() for ch in text) or len(text) > 80:
            return False
        return reg.match_commune(text, province_code).status == "ok" or (
            reg.match_commune(text, None).status == "ok"
        )

    return is_unit


def holds_a_report(named: int, most: int) -> bool:
    """Whether a sheet naming `named` indicators is a full report, when the richest sheet
    of its workbook names `most` (a cover sheet or a notes sheet is not)."""
    return named >= max(MIN_INDICATORS, most // 2)


def _report_sheet(
    book: Workbook, ref: FileRef, cfg: Config
) -> tuple[Sheet, SheetView, list[Hit]] | None:
    """The sheet holding the run's report. Officers copy last month's sheet and add this
    month's ("T8", "T9", "T10"): among the sheets that hold a report, the one whose
    period is the run's wins; without one, the sheet naming the most indicators (visible
    before hidden) is read, and its period is the error."""
    scored = []
    for index, sheet in enumerate(book.sheets):
        view = SheetView(sheet, cfg)
        hits = label_hits(view)
        named = indicators_named(hits)
        if named:
            scored.append(((named, sheet.visible, -index), sheet, view, hits))
    if not scored:
        return None
    scored.sort(key=lambda item: item[0], reverse=True)
    best = scored[0]
    reports = [item for item in scored if holds_a_report(item[0][0], best[0][0])]
    if len(reports) > 1:
        for item in reports:
            _, sheet, _, hits = item
            first_row = min(h.row for h in hits if h.match.status == "ok")
            found = find_period(title_cells(sheet, first_row), sheet.name, ref.original_path)
            if found.period is not None and found.period.matches(ref.period):
                return item[1:]
    return best[1:]


def _vi_period(period: WrittenPeriod) -> str:
    return f"{period.month}/{period.year}" if period.year else f"{period.month}"


def _period_ok(parsed: ParsedFile, title: list[TitleCell], sheet: Sheet) -> bool:
    ref = parsed.ref
    found = find_period(title, sheet.name, ref.original_path)
    year, month = ref.period.split("-")
    expected = f"{int(month)}/{year}"
    if found.period is None:
        parsed.findings.append(
            make_finding("period-missing", ref.where(sheet=sheet.name), month=int(month), year=year)
        )
        return False
    if not found.period.matches(ref.period):
        parsed.findings.append(
            make_finding(
                "period-mismatch",
                ref.where(sheet=sheet.name, cell=found.cell),
                value_raw=found.written,
                found_period=_vi_period(found.period),
                expected_period=expected,
            )
        )
        return False
    return True


# ------------------------------------------------------------------------------ units


_UNIT_RULES = {
    "unknown": "unit-unknown",
    "ambiguous": "unit-ambiguous",
    "other-province": "unit-outside-province",
}


def _unit_finding(parsed: ParsedFile, found: UnitFinding, sheet: str, reg: Registry) -> Finding:
    ref = parsed.ref
    where = ref.where(
        sheet=sheet, cell=found.cell, unit_name=found.unit.display_name if found.unit else None
    )
    rule = _UNIT_RULES[found.status]
    if rule == "unit-unknown":
        detail = (
            f": “{found.written}” không có trong danh mục đơn vị hành chính"
            if found.written
            else ""
        )
        return make_finding(rule, where, value_raw=found.written or None, detail=detail)
    if rule == "unit-ambiguous":
        names = ", ".join(f"{u.name} ({u.code})" for u in found.candidates)
        return make_finding(rule, where, value_raw=found.written, candidates=names)
    assert found.unit is not None
    return make_finding(
        rule,
        where,
        value_raw=found.written,
        unit_code=found.unit.code,
        other_province=reg.provinces[found.unit.province_code].display_name,
        province_name=reg.provinces[ref.province_code].display_name,
    )


# ------------------------------------------------------------------------------ forms


def _observation(
    parsed: ParsedFile,
    report: int,
    indicator: Indicator,
    sheet: Sheet,
    r: int,
    c: int,
    where: Where,
    cfg: Config,
    notes: bool = False,
) -> None:
    """Read one indicator cell; a formula with no calculated value is computed when it is a
    plain SUM over cells of the sheet, otherwise reported, never read as 0. `notes`: the
    row is a form's, so a note beside a blank 0/1 cell is read (SPEC §4)."""
    value = sheet.value(r, c)
    cell = a1(r, c)
    if isinstance(value, Formula):
        total = evaluate_sum(sheet, value)
        # Status "formula" (no value) becomes formula-without-value in the validate stage.
        result = Parsed("ok", total) if total is not None else Parsed("formula")
        parsed.observations.append(
            Observation(report, indicator.code, value.text, result, sheet.name, cell)
        )
        return
    raw = cell_text(value) if value is not None else None
    result = parse_value(
        value,
        indicator.value_type,
        indicator,
        fraction=indicator.code in cfg.catalog.part_codes,
        units=cfg.labels.unit_words,
    )
    if notes and result.status == "blank" and indicator.value_type == "binary":
        result = _blank_with_note(sheet, r, c) or result
    parsed.observations.append(
        Observation(report, indicator.code, raw or None, result, sheet.name, cell)
    )


NOTE_SPAN = 3  # columns right of a form's figure where its note ("Ghi chú") may sit


def _blank_with_note(sheet: Sheet, r: int, c: int) -> Parsed | None:
    """A 0/1 figure left blank with a note beside it ("Chưa được công nhận") is 0, as the
    catalog says; a note that itself says "Đạt" is no such answer, and stays unread."""
    for col in range(c + 1, c + 1 + NOTE_SPAN):
        note = sheet.value(r, col)
        if isinstance(note, str) and any(ch.isalpha() for ch in note):
            said = parse_value(note, "binary")
            return Parsed("ok", 0.0) if said.status != "ok" or said.value == 0 else None
    return None


def evaluate_sum(sheet: Sheet, formula: Formula, depth: int = 0) -> float | None:
    """The value Excel would show for "=SUM(D10:D15)": numbers summed, text and blanks
    ignored; None for any other formula or a range holding an uncomputable formula."""
    ranges = sum_formula_ranges(formula.text)
    if ranges is None or depth > 8:
        return None
    total = 0.0
    for first, last in ranges:
        start, end = parse_a1(first), parse_a1(last)
        if start is None or end is None:
            return None
        (r0, r1), (c0, c1) = sorted((start[0], end[0])), sorted((start[1], end[1]))
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_SUM_CELLS:
            return None
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                value = sheet.value(r, c)
                if isinstance(value, Formula):
                    value = evaluate_sum(sheet, value, depth + 1)
                    if value is None:
                        return None
                if isinstance(value, int | float) and not isinstance(value, bool):
                    total += value
    return total


def _read_form(
    parsed: ParsedFile, sheet: Sheet, layout: FormLayout, title: list[TitleCell], cfg: Config
) -> None:
    ref, reg = parsed.ref, cfg.registry
    stem = ref.file_name.rsplit(".", 1)[0]
    found = find_form_unit(cfg, title, ref.province_code, stem, writes_marks(sheet))
    if found.status != "ok" or found.unit is None:
        parsed.findings.append(_unit_finding(parsed, found, sheet.name, reg))
        return
    unit = found.unit
    parsed.unit_code, parsed.unit_level, parsed.unit_name = unit.code, unit.level, unit.display_name
    where = _form_report(parsed, unit, sheet.name, a1(layout.first_row, layout.label_col))
    for indicator in cfg.catalog.for_level(unit.level):
        rows = layout.rows.get(indicator.code, ())
        if not rows:
            continue
        row = _single_row(parsed, sheet, layout.value_col, indicator, rows, where)
        if row is not None:
            _observation(parsed, 0, indicator, sheet, row, layout.value_col, where, cfg, notes=True)
    for hit in layout.weak_rows:
        _unknown_label(parsed, hit, where, a1(hit.row, layout.value_col), cfg)


def _single_row(
    parsed: ParsedFile,
    sheet: Sheet,
    col: int,
    indicator: Indicator,
    rows: tuple[int, ...],
    where: Where,
) -> int | None:
    """The one row holding an indicator in column `col`; two rows with different figures
    are not guessed between."""
    filled = [r for r in rows if sheet.value(r, col) is not None]
    if len(filled) <= 1:
        return (filled or list(rows))[0]
    values = {cell_text(sheet.value(r, col)) for r in filled}
    if len(values) == 1:
        return filled[0]
    cells = ", ".join(a1(r, col) for r in filled)
    parsed.findings.append(
        make_finding(
            "duplicate-label",
            replace(where, cell=a1(filled[0], col)),
            indicator=indicator.code,
            value_raw=" / ".join(sorted(values)),
            cells=cells,
        )
    )
    return None


def _unknown_label(parsed: ParsedFile, hit: Hit, where: Where, cell: str, cfg: Config) -> None:
    labels = [cfg.catalog.label(code) for code, _ in hit.match.candidates[:2]]
    hint = f" (có phải “{'” hoặc “'.join(labels)}”?)" if labels else ""
    parsed.findings.append(
        make_finding(
            "unknown-label",
            replace(where, cell=cell),
            value_raw=hit.text,
            candidates=hint,
        )
    )


# ------------------------------------------------------------------------------ tables


def _is_total_row(view: SheetView, r: int, first_ind: int, cfg: Config) -> bool:
    return any(cfg.layouts.total_labels.equals(view.own_text(r, c)) for c in range(first_ind))


def _is_numbering_row(sheet: Sheet, r: int, columns: list[int]) -> bool:
    """The "(1) (2) (3)" or "A | B | 1 | 2 | 3" row printed under many headers: column
    numbers, not figures. Every cell of the row is a column number or a column letter,
    and the numbers over the figure columns run on by one; a unit's row always names its
    unit, so a commune whose figures happen to be 5, 6, 7 is never taken for one."""
    numbers = []
    for c in range(0, max(columns) + 1):
        text = cell_text(sheet.value(r, c)).strip("() ")
        if not text:
            continue
        if text.isdigit():
            numbers.append(int(text))
        elif not (len(text) <= 2 and text.isalpha()):
            return False
    return len(numbers) >= 3 and all(b - a == 1 for a, b in zip(numbers, numbers[1:], strict=False))


def _row_unit(
    parsed: ParsedFile,
    sheet: Sheet,
    view: SheetView,
    layout: TableLayout,
    r: int,
    reg: Registry,
    marks: bool | None = None,
) -> UnitFinding | None:
    ref = parsed.ref
    if layout.code_col is not None:
        raw = sheet.value(r, layout.code_col)
        code = normalize_code(raw, 5)
        if code:
            cell = a1(r, layout.code_col)
            unit = reg.communes.get(code)
            if unit is None:
                return UnitFinding("unknown", None, cell_text(raw), cell)
            status = "ok" if unit.province_code == ref.province_code else "other-province"
            return UnitFinding(status, unit, cell_text(raw), cell)  # type: ignore[arg-type]
    name_cols = [layout.name_col] if layout.name_col is not None else range(min(layout.columns))
    for c in name_cols:
        text = view.own_text(r, c)
        if text and any(ch.isalpha() for ch in text):
            return resolve_commune_name(reg, text, a1(r, c), ref.province_code, marks)
    return None


def _province_title_ok(
    parsed: ParsedFile, title: list[TitleCell], sheet: Sheet, cfg: Config
) -> bool:
    """A province table whose title names another province is not filed under this one."""
    named = find_form_unit(
        cfg,
        [c for c in title if "tinh" in fold(c.text) or "thanh pho" in fold(c.text)],
        parsed.ref.province_code,
        "",
    )
    if (
        named.status == "other-province"
        and named.unit is not None
        and named.unit.level == "province"
    ):
        parsed.findings.append(_unit_finding(parsed, named, sheet.name, cfg.registry))
        return False
    return True


def _read_table(
    parsed: ParsedFile,
    sheet: Sheet,
    view: SheetView,
    layout: TableLayout,
    title: list[TitleCell],
    cfg: Config,
) -> None:
    ref, reg = parsed.ref, cfg.registry
    province = reg.provinces[ref.province_code]
    if not _province_title_ok(parsed, title, sheet, cfg):
        return
    parsed.unit_code, parsed.unit_level, parsed.unit_name = (
        province.code,
        "province",
        province.display_name,
    )
    columns = list(layout.columns)
    first_ind = min(columns)
    units = cfg.labels.unit_words
    base_where = ref.where(sheet=sheet.name)
    for code, cols in layout.ambiguous_columns:
        parsed.findings.append(
            make_finding(
                "duplicate-label",
                replace(base_where, cell=a1(layout.header_row, cols[0])),
                indicator=code,
                value_raw=view.text(layout.header_row, cols[0]),
                cells=", ".join(a1(layout.header_row, c) for c in cols),
            )
        )
    unit_rows: list[int] = []
    unread_rows = 0
    marks = writes_marks(sheet)
    last_named = _last_named_row(sheet, view, layout)
    total_row: int | None = None
    seen_units: dict[str, int] = {}
    for r in range(layout.header_row + 1, sheet.n_rows):
        if r in sheet.hidden_rows:
            continue
        values = [sheet.value(r, c) for c in columns]
        if all(v is None for v in values):
            continue
        if _is_numbering_row(sheet, r, columns):
            named = _row_unit(parsed, sheet, view, layout, r, reg, marks)
            if named is None or named.status != "ok":
                continue
        if _is_total_row(view, r, first_ind, cfg):
            total_row = r
            _add_table_report(
                parsed,
                sheet,
                layout,
                r,
                province.code,
                "province",
                province.display_name,
                "table-total",
                cfg,
            )
            continue
        has_numbers = any(
            parse_value(v, "integer", units=units).status in ("ok", "approximate") for v in values
        )
        found = _row_unit(parsed, sheet, view, layout, r, reg, marks)
        if found is None and has_numbers and r < last_named:
            # A row of figures among the communes' rows that names no unit: said, not
            # dropped (below the last commune are notes and signatures).
            parsed.findings.append(
                make_finding(
                    "row-without-unit",
                    ref.where(sheet=sheet.name, cell=a1(r, first_ind)),
                    value_raw=cell_text(values[0]) if values[0] is not None else None,
                    row=r + 1,
                )
            )
            unread_rows += 1
            continue
        if found is None or not has_numbers:
            continue
        if found.status != "ok" or found.unit is None:
            parsed.findings.append(_unit_finding(parsed, found, sheet.name, reg))
            unread_rows += 1
            continue
        if found.unit.level != "commune":
            continue
        if found.unit.code in seen_units:
            parsed.findings.append(
                make_finding(
                    "duplicate-row",
                    ref.where(
                        sheet=sheet.name,
                        cell=found.cell,
                        unit_code=found.unit.code,
                        unit_name=found.unit.display_name,
                    ),
                    value_raw=found.written,
                    first_row=seen_units[found.unit.code] + 1,
                )
            )
            continue
        seen_units[found.unit.code] = r
        unit_rows.append(r)
        _add_table_report(
            parsed,
            sheet,
            layout,
            r,
            found.unit.code,
            "commune",
            found.unit.display_name,
            "table-row",
            cfg,
            found.cell,
        )
    for hit in layout.weak_columns:
        if any(sheet.value(r, hit.col) is not None for r in unit_rows):
            _unknown_label(parsed, hit, base_where, a1(hit.row, hit.col), cfg)
    if total_row is not None:
        # With a row not read (its unit unsure), the rows' sum says nothing of the total.
        _mark_total_checkable(parsed, sheet.name, not unread_rows)
        _province_block(parsed, sheet, view, layout, max([total_row, *unit_rows]), cfg)


def _read_cross(
    parsed: ParsedFile,
    sheet: Sheet,
    view: SheetView,
    layout: CrossLayout,
    title: list[TitleCell],
    cfg: Config,
) -> None:
    """A province's table with its communes as columns: one report per unit column, the
    total column as the province's own."""
    ref, reg = parsed.ref, cfg.registry
    if not _province_title_ok(parsed, title, sheet, cfg):
        return
    province = reg.provinces[ref.province_code]
    parsed.unit_code, parsed.unit_level, parsed.unit_name = (
        province.code,
        "province",
        province.display_name,
    )
    columns: list[tuple[int, str, str, str, str]] = []  # col, unit, level, name, kind
    unread_columns = 0
    for c in layout.unit_cols:
        found = resolve_commune_name(
            reg,
            view.own_text(layout.header_row, c),
            a1(layout.header_row, c),
            ref.province_code,
            writes_marks(sheet),
        )
        if found.status != "ok" or found.unit is None:
            parsed.findings.append(_unit_finding(parsed, found, sheet.name, reg))
            unread_columns += 1
            continue
        columns.append((c, found.unit.code, "commune", found.unit.display_name, "table-row"))
    if layout.total_col is not None:
        columns.append(
            (layout.total_col, province.code, "province", province.display_name, "table-total")
        )
    for c, unit_code, level, name, kind in columns:
        index = len(parsed.reports)
        parsed.reports.append(
            Report(
                index,
                unit_code,
                level,
                name,
                kind,
                sheet.name,
                a1(layout.header_row, c),
                rows_all_read=kind == "table-total" and not unread_columns,
            )
        )
        where = ref.where(unit_code=unit_code, unit_name=name, sheet=sheet.name)
        for indicator in cfg.catalog.for_level(level):  # type: ignore[arg-type]
            rows = layout.rows.get(indicator.code, ())
            row = _single_row(parsed, sheet, c, indicator, rows, where) if rows else None
            if row is not None:
                _observation(parsed, index, indicator, sheet, row, c, where, cfg)
    base = ref.where(sheet=sheet.name)
    for hit in layout.weak_rows:
        _unknown_label(parsed, hit, base, a1(hit.row, hit.col), cfg)


def _last_named_row(sheet: Sheet, view: SheetView, layout: TableLayout) -> int:
    """The last row of the table that names a unit or says it is the total."""
    cols = [layout.name_col] if layout.name_col is not None else range(min(layout.columns))
    last = layout.header_row
    for r in range(layout.header_row + 1, sheet.n_rows):
        if (
            any(any(ch.isalpha() for ch in view.own_text(r, c)) for c in cols)
            or layout.code_col is not None
            and normalize_code(sheet.value(r, layout.code_col), 5)
        ):
            last = r
    return last


def _province_block(
    parsed: ParsedFile,
    sheet: Sheet,
    view: SheetView,
    layout: TableLayout,
    last_row: int,
    cfg: Config,
) -> None:
    """The province's own figures printed as a small form under its table of communes
    ("- Số văn bản chỉ đạo ban hành | 11"): read into the province's report, each only
    when its label surely names a province-only indicator the table has no column for."""
    total = next((rep for rep in parsed.reports if rep.kind == "table-total"), None)
    if total is None:
        return
    taken = set(layout.columns.values())
    units = cfg.labels.unit_words
    where = parsed.ref.where(unit_code=total.unit_code, unit_name=total.unit_name, sheet=sheet.name)
    for r in range(last_row + 1, min(sheet.n_rows, last_row + 13)):
        for c in range(view.n_cols):
            text = view.own_text(r, c)
            if len(text) < 4 or not any(ch.isalpha() for ch in text):
                continue
            match = cfg.labels.match(text)
            indicator = cfg.catalog.indicator(match.code) if match.status == "ok" else None
            if indicator is None or indicator.code in taken or not indicator.province_only:
                break
            figure = next(
                (c2 for c2 in range(c + 1, view.n_cols) if sheet.value(r, c2) is not None), None
            )
            if (
                figure is not None
                and parse_value(sheet.value(r, figure), "integer", units=units).status == "ok"
            ):
                _observation(parsed, total.index, indicator, sheet, r, figure, where, cfg)
                taken.add(indicator.code)
            break


def _add_table_report(
    parsed: ParsedFile,
    sheet: Sheet,
    layout: TableLayout,
    r: int,
    unit_code: str,
    level,
    name: str,
    kind,
    cfg: Config,
    anchor: str | None = None,
) -> None:
    index = len(parsed.reports)
    parsed.reports.append(
        Report(index, unit_code, level, name, kind, sheet.name, anchor or a1(r, 0))
    )
    where = parsed.ref.where(unit_code=unit_code, unit_name=name, sheet=sheet.name)
    for c, code in layout.columns.items():
        indicator = cfg.catalog.indicator(code)
        if level not in indicator.levels:
            continue
        _observation(parsed, index, indicator, sheet, r, c, where, cfg)


def _mark_total_checkable(parsed: ParsedFile, sheet_name: str, all_read: bool) -> None:
    for i, report in enumerate(parsed.reports):
        if report.kind == "table-total" and report.sheet == sheet_name:
            parsed.reports[i] = replace(report, rows_all_read=all_read)
