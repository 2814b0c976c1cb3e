"""Normalize stage: a read workbook becomes reports and observations with provenance.

Every observation keeps the sheet and A1 cell it came from; every doubt becomes a finding.
File-level problems (no layout, unknown unit, wrong period) reject the whole file; a
problem of one table row holds back only that row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from antq.cells import a1, column_letter, parse_a1
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
from antq.tasks.normalize.evidence import shifted_form, shifted_table
from antq.tasks.normalize.layout import (
    MIN_INDICATORS,
    Ambiguous,
    CrossLayout,
    FormLayout,
    Hit,
    SheetView,
    TableLayout,
    detect_form,
    detect_layout,
    detect_table,
    indicators_named,
    is_number_cell,
    label_hits,
)
from antq.tasks.normalize.model import FileRef, Observation, ParsedFile, Report
from antq.tasks.normalize.template import KnownForm, known_form
from antq.tasks.normalize.title import (
    TitleCell,
    UnitFinding,
    find_form_unit,
    find_period,
    looks_like_unit_name,
    resolve_commune_name,
    title_cells,
    writes_marks,
)
from antq.tasks.normalize.totals import Derived, Line, TotalLabel, Totals, reconcile, total_label
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
    chosen = _report_sheet(book, ref, cfg)
    if chosen is None:
        parsed.findings.append(
            make_finding("layout-unknown", ref.where(), detail="không thấy tên các chỉ tiêu")
        )
        return parsed
    (sheet, view, hits), others = chosen
    layout = detect_layout(view, hits, _unit_test(ref.province_code, cfg.registry))
    parsed.found_layout = layout
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
    parsed.layout = "form" if isinstance(layout, FormLayout | Ambiguous) else "table"
    title = title_cells(sheet, layout.title_end)
    parts = _continued(parsed, sheet, layout, title, others, cfg)
    if parts:
        # The title block may be on the form's first sheet only.
        title = [*title, *(cell for part in parts for cell in part.title)]
    if not _period_ok(parsed, title, sheet, cfg):
        if isinstance(layout, FormLayout | Ambiguous):
            _name_the_sender(parsed, sheet, title, cfg)
        return parsed
    if isinstance(layout, Ambiguous):
        _name_the_sender(parsed, sheet, title, cfg)
        parsed.findings.append(_ambiguous(parsed, sheet.name, layout))
    elif isinstance(layout, FormLayout):
        _read_form(parsed, sheet, layout, title, cfg)
        for part in parts:
            _read_part(parsed, part, cfg)
        taken = {sheet.name, *(part.sheet.name for part in parts)}
        _forms_of_other_units(parsed, book, [o for o in others if o[0].name not in taken], cfg)
        rows = {code: rows[0] for code, rows in layout.rows.items()}
        read = {
            o.indicator: o.parsed.value
            for o in parsed.observations
            if o.parsed.status == "ok" and o.parsed.value is not None
        }
        misread = shifted_form(sheet, rows, layout.label_col, layout.value_col, read, cfg)
        if misread is not None and parsed.reports:
            _withdraw(parsed, sheet.name, misread)
    elif isinstance(layout, CrossLayout):
        _read_cross(parsed, sheet, view, layout, title, cfg)
    else:
        blocks = _stacked_tables(sheet, layout, ref, cfg)
        if len(blocks) > 1:
            for part, part_view, part_layout in blocks:
                own = ParsedFile(ref, format=book.format)
                _read_table(own, part, part_view, part_layout, title, cfg)
                _merge_units(parsed, own)
        else:
            _read_table(parsed, sheet, view, layout, title, cfg)
        _forms_of_other_units(parsed, book, others, cfg)
    return parsed


def _stacked_tables(
    sheet: Sheet, layout: TableLayout, ref: FileRef, cfg: Config
) -> list[tuple[Sheet, SheetView, TableLayout]]:
    """Tables stacked down one sheet ("Biểu 01", "Biểu 02"…, "PHẦN A", "PHẦN B"), each
    under a header of its own naming other indicators, each listing the units again:
    the sheet cut into one part per table, each cell keeping its place."""
    tops = [(0, layout)]
    start = layout.header_row + 1
    while len(tops) < 8:
        found = _next_table(sheet, start, ref, cfg)
        if found is None:
            break
        tops.append((found.header_top, found))
        start = found.header_row + 1
    if len(tops) == 1:
        return []
    parts = []
    for i, (top, part_layout) in enumerate(tops):
        end = tops[i + 1][0] if i + 1 < len(tops) else sheet.n_rows
        part = replace(sheet, rows=[[] for _ in range(top)] + sheet.rows[top:end])
        if i == 0:
            part = replace(sheet, rows=sheet.rows[:end])
        parts.append((part, SheetView(part, cfg, ref.period), part_layout))
    return parts


def _next_table(sheet: Sheet, start: int, ref: FileRef, cfg: Config) -> TableLayout | None:
    """The first table header below row `start`: the best one, then any above it."""
    end, first = sheet.n_rows, None
    while start < end:
        masked = replace(sheet, rows=[[] for _ in range(start)] + sheet.rows[start:end])
        found = detect_table(SheetView(masked, cfg, ref.period))
        if found is None:
            return first
        words = cfg.labels.figure_words
        if found.header_top <= start or any(
            is_number_cell(sheet.value(found.header_row, c), words) for c in found.columns
        ):
            # What is left of the header above, or a row of figures written with their
            # unit ("12 mô hình | 3 tổ"): no table's header.
            start = found.header_row + 1
            continue
        first, end = found, found.header_top
    return first


def _merge_units(parsed: ParsedFile, own: ParsedFile) -> None:
    """The reports another part of the workbook read (a stacked table, another unit's
    sheet), joined to the same units' reports read before (a unit's figures may be spread
    over the tables). A figure read
    twice for one unit with two values is said, and neither is taken."""
    if parsed.unit_code is None:
        parsed.unit_code, parsed.unit_level, parsed.unit_name = (
            own.unit_code,
            own.unit_level,
            own.unit_name,
        )
        parsed.sheet, parsed.layout = own.sheet, own.layout
    index = {(rep.unit_code, rep.kind): rep.index for rep in parsed.reports}
    moved: dict[int, int] = {}
    for rep in own.reports:
        key = (rep.unit_code, rep.kind)
        if key not in index:
            index[key] = len(parsed.reports)
            parsed.reports.append(replace(rep, index=index[key]))
        moved[rep.index] = index[key]
    seen = {(o.report, o.indicator): o for o in parsed.observations}
    for obs in own.observations:
        obs = replace(obs, report=moved[obs.report])
        before = seen.get((obs.report, obs.indicator))
        if before is None:
            parsed.observations.append(obs)
            seen[(obs.report, obs.indicator)] = obs
        elif before.parsed.value != obs.parsed.value:
            parsed.findings.append(
                make_finding(
                    "duplicate-label",
                    parsed.ref.where(sheet=obs.sheet, cell=before.cell),
                    indicator=obs.indicator,
                    value_raw=obs.value_raw,
                    cells=f"{before.cell}, {obs.cell}",
                )
            )
            parsed.observations.remove(before)
    parsed.findings += own.findings
    parsed.notes += own.notes


def _forms_of_other_units(
    parsed: ParsedFile, book: Workbook, others: list[_Labelled], cfg: Config
) -> None:
    """A workbook with a commune's form on each sheet ("Xã Tam Tiến", "Xã Bố Hạ"…), or a
    province's table of communes with the province's own form on another sheet ("Phụ
    lục 01"): a sheet whose own title names another unit and the run's month is that
    unit's report, read and proven as a file of its own. A sheet that names no other
    unit (a district's sum, instructions, last month's form) is not read here."""
    if not parsed.reports:
        return
    most = max((indicators_named(hits) for _, _, hits in others), default=0)
    units = {rep.unit_code for rep in parsed.reports}
    for sheet, _view, hits in others:
        if not holds_a_report(indicators_named(hits), most):
            continue
        own = normalize_workbook(replace(book, sheets=(sheet,)), parsed.ref, cfg)
        if (
            own.layout != "form"
            or not own.reports
            or any(f.rule.startswith(("period-", "unit-", "layout-")) for f in own.findings)
        ):
            continue
        if {rep.unit_code for rep in own.reports} & units:
            if parsed.layout == "form" and _figures(own) != _figures(parsed):
                # Two sheets of the month with the same unit's form, the figures not the
                # same ("T10-2026" and its copy "T10-2026 (2)"): which is final is not told.
                first = parsed.sheet or ""
                _withdraw(
                    parsed,
                    first,
                    Ambiguous(
                        f"trang nào là báo cáo {_month_vi(parsed)} (hai trang cùng là báo "
                        "cáo của đơn vị trong tháng, số liệu khác nhau)",
                        ((f"{first}!A1", first), (f"{sheet.name}!A1", sheet.name)),
                        f"xoá trang thừa, chỉ giữ một trang báo cáo {_month_vi(parsed)}",
                    ),
                )
                return
            continue
        own.notes = [f"Trang “{sheet.name}”: {note}" for note in own.notes]
        own.notes.append(f"Trang “{sheet.name}” là báo cáo của {own.unit_name}.")
        _merge_units(parsed, own)  # units of its own: its reports are added as they are
        units |= {rep.unit_code for rep in own.reports}


def _figures(parsed: ParsedFile) -> dict[tuple[str, str], float | None]:
    units = {rep.index: rep.unit_code for rep in parsed.reports}
    return {(units[o.report], o.indicator): o.parsed.value for o in parsed.observations}


def _month_vi(parsed: ParsedFile) -> str:
    year, month = parsed.ref.period.split("-")
    return f"tháng {int(month)}/{year}"


def _ambiguous(parsed: ParsedFile, sheet: str, found: Ambiguous) -> Finding:
    listed = ", ".join(f"{cell} (“{text}”)" if text else cell for cell, text in found.candidates)
    return make_finding(
        "layout-ambiguous",
        parsed.ref.where(
            sheet=sheet,
            cell=found.candidates[0][0],
            unit_code=parsed.unit_code,
            unit_name=parsed.unit_name,
        ),
        value_raw=found.candidates[0][1] or None,
        part=found.part,
        candidates=f"có thể là {listed}",
        how=found.how,
    )


@dataclass(frozen=True)
class _Part:
    """A sheet that continues a form ("Biểu 2", "Phần 2", "(Tiếp theo)")."""

    sheet: Sheet
    layout: FormLayout
    title: list[TitleCell]


def _continued(
    parsed: ParsedFile,
    sheet: Sheet,
    layout: object,
    title: list[TitleCell],
    others: list[_Labelled],
    cfg: Config,
) -> list[_Part]:
    """The other sheets of the workbook that carry on the same form: each lists further
    indicators of the catalog (none the form already has), names no other month and no
    other unit. A sheet of last month or of another commune repeats the same indicators
    or says whose and when it is, so it is never taken for the rest of this form."""
    if not isinstance(layout, FormLayout):
        return []
    ref = parsed.ref
    stem = ref.file_name.rsplit(".", 1)[0]
    taken = set(layout.rows)
    parts: list[_Part] = []
    main_unit = None
    for other, view, hits in others:
        found = detect_form(view, hits, min_indicators=1) if other.visible else None
        if not isinstance(found, FormLayout) or set(found.rows) & taken:
            continue
        own_title = title_cells(other, found.title_end)
        when = find_period(own_title, other.name, "", cfg.periods)
        if when.period is not None and not when.period.matches(ref.period):
            continue
        whose = find_form_unit(cfg, own_title, ref.province_code, "", writes_marks(other))
        if whose.unit is not None and main_unit is None:
            main_unit = find_form_unit(
                cfg, title, ref.province_code, stem, writes_marks(sheet)
            ).unit
        if whose.status not in ("ok", "unknown") or (
            whose.unit is not None and main_unit is not None and whose.unit != main_unit
        ):
            continue
        taken |= set(found.rows)
        parts.append(_Part(other, found, own_title))
        parsed.notes.append(
            f"Trang “{other.name}” nối tiếp biểu của trang “{sheet.name}”: thêm "
            f"{len(found.rows)} chỉ tiêu, không trùng chỉ tiêu nào, không ghi kỳ hay đơn vị khác"
        )
    return parts


def _read_part(parsed: ParsedFile, part: _Part, cfg: Config) -> None:
    """The figures of a form's continuation sheet, into the form's one report."""
    if not parsed.reports:
        return
    report = parsed.reports[0]
    sheet, layout = part.sheet, part.layout
    where = parsed.ref.where(
        unit_code=report.unit_code, unit_name=report.unit_name, sheet=sheet.name
    )
    _form_figures(parsed, sheet, layout, report.unit_level, where, cfg)


def _withdraw(parsed: ParsedFile, sheet: str, found: Ambiguous) -> None:
    """Nothing of a reading the file's own rules contradict is kept: one finding says
    which cells compete."""
    parsed.reports.clear()
    parsed.observations.clear()
    parsed.findings.append(_ambiguous(parsed, sheet, found))
    parsed.notes.append(f"Không nhận số liệu: {found.part} không chắc ({found.candidates[1][1]})")


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
    period_ok = _period_ok(parsed, title_cells(sheet, form_template.HEADER_ROW), sheet, cfg)
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
        return _names_a_unit(reg, province_code, text)

    return is_unit


@lru_cache(maxsize=32768)
def _names_a_unit(reg: Registry, province_code: str, text: str) -> bool:
    return reg.match_commune(text, province_code).status == "ok" or (
        reg.match_commune(text, None).status == "ok"
    )


def holds_a_report(named: int, most: int) -> bool:
    """Whether a sheet naming `named` indicators is a full report, when the richest sheet
    of its workbook names `most` (a cover sheet or a notes sheet is not)."""
    return named >= max(MIN_INDICATORS, most // 2)


_Labelled = tuple[Sheet, SheetView, list[Hit]]


def _report_sheet(
    book: Workbook, ref: FileRef, cfg: Config
) -> tuple[_Labelled, list[_Labelled]] | None:
    """The sheet holding the run's report. Officers copy last month's sheet and add this
    month's ("T8", "T9", "T10"): among the sheets that hold a report, the one whose
    period is the run's wins; without one, the sheet naming the most indicators (visible
    before hidden) is read, and its period is the error."""
    scored = []
    for index, sheet in enumerate(book.sheets):
        view = SheetView(sheet, cfg, ref.period)
        hits = label_hits(view)
        named = indicators_named(hits)
        if named:
            scored.append(((named, sheet.visible, -index), sheet, view, hits))
    if not scored:
        return None
    in_order = [item[1:] for item in scored]
    scored.sort(key=lambda item: item[0], reverse=True)
    best = scored[0]
    reports = [item for item in scored if holds_a_report(item[0][0], best[0][0])]
    chosen = best[1:]
    if len(reports) > 1:
        # The sheet that names the month itself (title, date, sheet name) wins over one
        # whose month only the file's name gives ("Dữ liệu" beside its print sheet "In").
        own: list = []
        named: list = []
        for item in reports:
            _, sheet, _, hits = item
            first_row = _first_label_row(hits)
            found = find_period(
                title_cells(sheet, first_row), sheet.name, ref.original_path, cfg.periods
            )
            if found.period is not None and found.period.matches(ref.period):
                (named if found.source in ("file", "folder") else own).append(item)
        if own or named:
            chosen = (own or named)[0][1:]
    return chosen, [item for item in in_order if item[0] is not chosen[0]]


def _first_label_row(hits: list[Hit]) -> int:
    """Where a sheet's labels begin: the first sure label with another right under it. A
    title line alone ("KẾT QUẢ PHONG TRÀO TOÀN DÂN BẢO VỆ ANTQ") reads like a label but
    belongs to the title block above the table."""
    rows = sorted({h.row for h in hits if h.match.status == "ok"})
    return next((r for r, after in zip(rows, rows[1:], strict=False) if after - r <= 2), rows[0])


def _vi_period(period: WrittenPeriod) -> str:
    return f"{period.month}/{period.year}" if period.year else f"{period.month}"


def _period_ok(parsed: ParsedFile, title: list[TitleCell], sheet: Sheet, cfg: Config) -> bool:
    ref = parsed.ref
    found = find_period(title, sheet.name, ref.original_path, cfg.periods)
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
    result = _parse_for(value, indicator, cfg)
    if result.status == "invalid" and isinstance(value, str):
        result = _without_footnote(value, sheet, indicator, cfg) or result
    if notes and result.status == "blank" and indicator.value_type == "binary":
        result = _blank_with_note(sheet, r, c) or result
    parsed.observations.append(
        Observation(report, indicator.code, raw or None, result, sheet.name, cell)
    )


# A footnote's mark after a figure: "27(*)", "0*", "12²", "14.000.000 (3)".
_FOOTNOTE = re.compile(
    r"^(?P<figure>.*?\S)\s*(?P<mark>\(\s*\*+\s*\)|\*+|[¹²³⁴-⁹⁰]+|\(\s*\d{1,2}\s*\))$"
)
_FOOTNOTE_LINE = re.compile(r"^\s*(\(\s*\d{1,2}\s*\))\s*:?\s*\w")
_footnotes: dict[int, tuple[Sheet, frozenset[str]]] = {}


def _footnote_lines(sheet: Sheet) -> frozenset[str]:
    """The numbered footnotes the sheet writes out ("(2) Có 2 khu dân cư mới công nhận…"),
    by their mark with no spaces: "(2)"."""
    known = _footnotes.get(id(sheet))
    if known is not None and known[0] is sheet:
        return known[1]
    marks = frozenset(
        "".join(m.group(1).split())
        for row in sheet.rows
        for v in row
        if isinstance(v, str) and len(v) >= 12 and (m := _FOOTNOTE_LINE.match(v))
    )
    if len(_footnotes) > 16:
        _footnotes.clear()
    _footnotes[id(sheet)] = (sheet, marks)
    return marks


def _without_footnote(text: str, sheet: Sheet, indicator: Indicator, cfg: Config) -> Parsed | None:
    """A figure with a footnote's mark is the figure: "27(*)" is 27. A mark in brackets
    with a number ("42(2)") only when the sheet writes that footnote out: otherwise the
    bracket may say something else of the figure, and the cell stays not a number."""
    found = _FOOTNOTE.match(text.strip())
    if found is None:
        return None
    mark = "".join(found["mark"].split())
    if mark[0] == "(" and mark[1].isdigit() and mark not in _footnote_lines(sheet):
        return None
    result = _parse_for(found["figure"], indicator, cfg)
    return result if result.status == "ok" else None


def _parse_for(value: object, indicator: Indicator, cfg: Config) -> Parsed:
    """What a cell says as a figure of `indicator`: its type, its parts ("27/27"), the
    words its figures may carry ("12 mô hình")."""
    return parse_value(
        value,
        indicator.value_type,
        indicator,
        fraction=indicator.code in cfg.catalog.part_codes,
        units=cfg.labels.units_for(indicator.code),
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
    _form_figures(parsed, sheet, layout, unit.level, where, cfg)


def _form_figures(
    parsed: ParsedFile, sheet: Sheet, layout: FormLayout, level, where: Where, cfg: Config
) -> None:
    """Each indicator's figure of a form (or of its part on another sheet) into the
    file's one report; a label not sure is said at its figure's cell."""
    for indicator in cfg.catalog.for_level(level):
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


@dataclass(frozen=True)
class _TableRow:
    """A row of a wide table under its header, as the reader first sees it."""

    r: int
    label: TotalLabel | None  # what a total-like label in the unit's columns claims
    found: UnitFinding | None  # the unit it names, when it claims no total
    has_numbers: bool
    not_a_unit: bool  # "Cùng kỳ năm 2025", "Tỷ lệ (%)", an indicator's label: no unit's row


def _table_rows(
    parsed: ParsedFile, sheet: Sheet, view: SheetView, layout: TableLayout, cfg: Config
) -> list[_TableRow]:
    columns = list(layout.columns)
    first_ind = min(columns)
    units = cfg.labels.unit_words
    marks = writes_marks(sheet)
    rows = []
    for r in range(layout.header_row + 1, sheet.n_rows):
        if r in sheet.hidden_rows:
            continue
        values = [sheet.value(r, c) for c in columns]
        if all(v is None for v in values):
            continue
        found = _row_unit(parsed, sheet, view, layout, r, cfg.registry, marks)
        if _is_numbering_row(sheet, r, columns) and (found is None or found.status != "ok"):
            continue
        named = found is not None and found.status == "ok"
        label = _row_total_label(view, r, first_ind, cfg)
        if named and label == "group":
            label = None  # a commune's name that reads like a group's total
        rows.append(
            _TableRow(
                r,
                label,
                None if label is not None else found,
                any(is_number_cell(v, units) for v in values),
                label is None and not named and _names_no_unit(view, r, first_ind, cfg),
            )
        )
    return rows


def _row_total_label(view: SheetView, r: int, first_ind: int, cfg: Config) -> TotalLabel | None:
    """What the row's unit columns (name, code or STT) say of it being a total."""
    for c in range(first_ind):
        label = total_label(view.own_text(r, c), cfg.layouts)
        if label is not None:
            return label
    return None


def _names_no_unit(view: SheetView, r: int, first_ind: int, cfg: Config) -> bool:
    """A row that names another period or another kind of figure ("Cùng kỳ năm 2025",
    "Tỷ lệ so với kế hoạch (%)"), or an indicator (the province's own figures listed under
    its table: "Số hội nghị sơ kết, tổng kết | 3"), rather than a unit: its figures are
    no unit's report."""
    texts = [t for c in range(first_ind) if len(t := view.own_text(r, c)) >= 4]
    return any(
        cfg.layouts.ignored_headers.found_in(text) or cfg.labels.match(text).status == "ok"
        for text in texts
    )


def _row_lines(sheet: Sheet, layout: TableLayout, rows: list[_TableRow], cfg: Config) -> list[Line]:
    """The rows with figures as lines for `reconcile`: the figures of every column whose
    indicator adds up over communes (not 0/1 marks, not categories)."""
    compared = [
        (c, code) for c, code in layout.columns.items() if _adds_up(cfg.catalog.indicator(code))
    ]
    lines = []
    for row in rows:
        if row.not_a_unit or not (row.has_numbers or row.label):
            continue
        figures = tuple(_figure(sheet, row.r, c, code, cfg) for c, code in compared)
        names_unit = row.found is not None and row.found.status == "ok"
        lines.append(Line(row.r, figures, row.label, names_unit))
    return lines


def _adds_up(indicator: Indicator) -> bool:
    return indicator.is_count and "commune" in indicator.levels


def _figure(sheet: Sheet, r: int, c: int, code: str, cfg: Config) -> float | None:
    """The number a cell holds for `code`, for arithmetic only (None: not a number)."""
    value = sheet.value(r, c)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, Formula):
        return evaluate_sum(sheet, value)
    parsed = parse_value(value, "integer", units=cfg.labels.units_for(code))
    return parsed.value if parsed.status in ("ok", "approximate") else None


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
    rows = _table_rows(parsed, sheet, view, layout, cfg)
    totals = reconcile(_row_lines(sheet, layout, rows, cfg))
    parsed.notes.extend(_totals_notes(totals, "dòng", lambda r: str(r + 1)))
    if _commune_of_parts(parsed, sheet, layout, rows, totals, title, cfg):
        return
    unit_rows: list[int] = []
    unread_rows = 0
    last_named = _last_named_row(sheet, view, layout)
    named = [row.r for row in rows if row.found is not None and row.found.status == "ok"]
    # Under the total that closes the table are notes and the province's own figures:
    # a line there that names no unit is no unknown unit.
    closed = (
        totals.total if totals.total is not None and named and totals.total > max(named) else None
    )
    seen_units: dict[str, int] = {}
    beside = _beside_table(sheet, view, layout, rows, reg, ref.province_code)
    full = layout
    split = beside is not None and _names_others(rows, beside[1])
    if split:
        # The rows of the table on the right name their own units: each of its figures
        # goes to the unit named on its own side of the row, never to the left's unit.
        layout = replace(layout, columns={c: k for c, k in layout.columns.items() if c < beside[0]})
    for row in rows:
        r, found = row.r, row.found
        if r == totals.total:
            _add_table_report(
                parsed,
                sheet,
                full,
                r,
                province.code,
                "province",
                province.display_name,
                "table-total",
                cfg,
            )
            continue
        if r in totals.derived:
            _derived_unit(parsed, sheet.name, row.found, totals.derived[r], rows, a1(r, first_ind))
            continue
        if row.label is not None or row.not_a_unit:
            continue
        if found is None and row.has_numbers and r < last_named:
            # A row of figures among the communes' rows that names no unit: said, not
            # dropped (below the last commune are notes and signatures).
            first = sheet.value(r, first_ind)
            parsed.findings.append(
                make_finding(
                    "row-without-unit",
                    ref.where(sheet=sheet.name, cell=a1(r, first_ind)),
                    value_raw=cell_text(first) if first is not None else None,
                    row=r + 1,
                )
            )
            unread_rows += 1
            continue
        if found is None or not row.has_numbers:
            continue
        if found.status != "ok" or found.unit is None:
            if closed is not None and r > closed and not looks_like_unit_name(found.written):
                continue
            if named and r > max(named) and cfg.labels.match(found.written).status != "none":
                continue  # under the last commune, an indicator's label: the province's own
            parsed.findings.append(_unit_finding(parsed, found, sheet.name, reg))
            unread_rows += 1
            continue
        if found.unit.level != "commune":
            continue
        if found.unit.code in seen_units:
            parsed.findings.append(_duplicate_row(parsed, sheet.name, found, seen_units))
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
    if split:
        unread_rows += _read_beside(parsed, sheet, full, beside, unit_rows, cfg)  # type: ignore[arg-type]
        layout = full
    if totals.candidates:
        labels = [_label_cell(view, r, first_ind) for r in totals.candidates]
        parsed.findings.append(_ambiguous_total(parsed, sheet.name, labels, "dòng"))
    misread = shifted_table(
        sheet, layout.columns, unit_rows, _read_by_row(parsed), layout.header_row, cfg
    )
    if misread is not None:
        _withdraw(parsed, sheet.name, misread)
        return
    beside_cols = _beside_header(sheet, layout, beside[0], unit_rows) if beside else set()
    for hit in layout.weak_columns:
        if hit.col in beside_cols:
            continue
        if any(sheet.value(r, hit.col) is not None for r in unit_rows):
            _unknown_label(parsed, hit, base_where, a1(hit.row, hit.col), cfg)
    if totals.total is not None:
        # With a row not read (its unit unsure), the rows' sum says nothing of the total.
        _mark_total_checkable(parsed, sheet.name, not unread_rows)
        _province_block(parsed, sheet, view, layout, max([totals.total, *unit_rows]), cfg)


def _commune_of_parts(
    parsed: ParsedFile,
    sheet: Sheet,
    layout: TableLayout,
    rows: list[_TableRow],
    totals: Totals,
    title: list[TitleCell],
    cfg: Config,
) -> bool:
    """A commune's own table of its villages or residential groups ("Khu 1", "Thôn Hòa
    Bình"…) closed by a row that sums every one of them ("Tổng cộng toàn xã"): no row
    names a unit, the title names the commune, and the sum proves the closing row is the
    commune's report. The village rows are its parts, not units to look up."""
    if any(row.found is not None and row.found.status == "ok" for row in rows):
        return False
    figures = [row.r for row in rows if row.has_numbers and row.label is None]
    # The one row that sums every row of figures above it, and nothing below it counts.
    grand = [
        d.pos
        for d in totals.derived.values()
        if set(d.members) == {r for r in figures if r < d.pos}
        and not any(r > d.pos for r in figures)
    ]
    whole = totals.total if totals.total is not None and totals.proven else None
    if whole is None and len(grand) == 1:
        whole = grand[0]
    if whole is None:
        return False
    ref = parsed.ref
    stem = ref.file_name.rsplit(".", 1)[0]
    found = find_form_unit(cfg, title, ref.province_code, stem, writes_marks(sheet))
    if found.status != "ok" or found.unit is None or found.unit.level != "commune":
        return False
    unit = found.unit
    parsed.unit_code, parsed.unit_level, parsed.unit_name = unit.code, unit.level, unit.display_name
    parsed.layout = "table"
    _add_table_report(
        parsed, sheet, layout, whole, unit.code, "commune", unit.display_name, "form", cfg,
        a1(whole, min(layout.columns)),
    )  # fmt: skip
    parsed.notes.append(
        f"Bảng các thôn, tổ dân phố của {unit.display_name}: dòng {whole + 1} bằng tổng mọi "
        "dòng trên nó, là báo cáo của xã"
    )
    return True


def _beside_table(
    sheet: Sheet,
    view: SheetView,
    layout: TableLayout,
    rows: list[_TableRow],
    reg: Registry,
    province_code: str,
) -> tuple[int, dict[int, UnitFinding]] | None:
    """A second table set beside the first on the same rows ("BẢNG 1 | BẢNG 2"), with a
    column of unit names of its own: that column and, for each row, the unit it names."""
    named = [row for row in rows if row.found is not None and row.found.status == "ok"]
    keys = [c for c in (layout.name_col, layout.code_col) if c is not None]
    if len(named) < 2 or not keys:
        return None
    marks = writes_marks(sheet)
    for c in range(max(keys) + 1, max(layout.columns)):
        if c in layout.columns:
            continue
        found: dict[int, UnitFinding] = {}
        for row in named:
            text = view.own_text(row.r, c)
            if text and any(ch.isalpha() for ch in text):
                found[row.r] = resolve_commune_name(reg, text, a1(row.r, c), province_code, marks)
        ok = {r: f for r, f in found.items() if f.status == "ok" and f.unit is not None}
        if len(found) < 0.8 * len(named) or len(ok) < 0.8 * len(found):
            continue
        return c, found
    return None


def _names_others(rows: list[_TableRow], found: dict[int, UnitFinding]) -> bool:
    """Whether the table beside names, on some row, another unit than the row's own."""
    own = {row.r: row.found.unit.code for row in rows if row.found and row.found.unit}
    return any(f.unit is not None and f.unit.code != own.get(r) for r, f in found.items())


def _beside_header(sheet: Sheet, layout: TableLayout, col: int, unit_rows: list[int]) -> set[int]:
    """The name column of a table beside the first and its numbering column ("TT"): no
    indicator's columns, so no unknown label either."""
    cols = {col}
    numbers = [sheet.value(r, col - 1) for r in unit_rows]
    if col - 1 not in layout.columns and all(
        isinstance(v, int | float) or (isinstance(v, str) and v.strip().isdigit()) for v in numbers
    ):
        cols.add(col - 1)
    return cols


def _read_beside(
    parsed: ParsedFile,
    sheet: Sheet,
    full: TableLayout,
    beside: tuple[int, dict[int, UnitFinding]],
    unit_rows: list[int],
    cfg: Config,
) -> int:
    """The figures of the table beside the first, each into the report of the unit its
    own name column names on that row. Returns the rows it could not read."""
    col, found = beside
    right = replace(full, columns={c: k for c, k in full.columns.items() if c > col})
    reports = {
        rep.unit_code: rep.index
        for rep in parsed.reports
        if rep.kind == "table-row" and rep.sheet == sheet.name
    }
    seen: dict[str, int] = {}
    unread = 0
    for r in unit_rows:
        unit_found = found.get(r)
        if unit_found is None:
            continue
        if unit_found.status != "ok" or unit_found.unit is None:
            parsed.findings.append(_unit_finding(parsed, unit_found, sheet.name, cfg.registry))
            unread += 1
            continue
        unit = unit_found.unit
        if unit.code in seen:
            parsed.findings.append(_duplicate_row(parsed, sheet.name, unit_found, seen))
            continue
        seen[unit.code] = r
        if unit.code not in reports:
            _add_table_report(
                parsed, sheet, replace(right, columns={}), r, unit.code, "commune",
                unit.display_name, "table-row", cfg, unit_found.cell,
            )  # fmt: skip
            reports[unit.code] = len(parsed.reports) - 1
        index = reports[unit.code]
        where = parsed.ref.where(unit_code=unit.code, unit_name=unit.display_name, sheet=sheet.name)
        for c, code in right.columns.items():
            indicator = cfg.catalog.indicator(code)
            if "commune" in indicator.levels:
                _observation(parsed, index, indicator, sheet, r, c, where, cfg)
    return unread


def _duplicate_row(
    parsed: ParsedFile, sheet: str, found: UnitFinding, seen: dict[str, int]
) -> Finding:
    """A unit named on a second row of a table (`seen`: its first row, by unit code)."""
    unit = found.unit
    assert unit is not None
    return make_finding(
        "duplicate-row",
        parsed.ref.where(
            sheet=sheet, cell=found.cell, unit_code=unit.code, unit_name=unit.display_name
        ),
        value_raw=found.written,
        first_row=seen[unit.code] + 1,
    )


def _read_by_row(parsed: ParsedFile) -> dict[int, dict[str, float]]:
    """The figures read for each commune row of a table, by the row's index."""
    rows = {r.index: parse_a1(r.anchor_cell) for r in parsed.reports if r.kind == "table-row"}
    out: dict[int, dict[str, float]] = {}
    for obs in parsed.observations:
        at = rows.get(obs.report)
        if at is not None and obs.parsed.status == "ok" and obs.parsed.value is not None:
            out.setdefault(at[0], {})[obs.indicator] = obs.parsed.value
    return out


def _derived_unit(
    parsed: ParsedFile,
    sheet: str,
    found: UnitFinding | None,
    derived: Derived,
    rows: list[_TableRow],
    cell: str,
) -> None:
    """A line naming a commune whose figures are the sum of other lines is a group's
    total whose name happens to be a commune's ("Thái Bình" over the city's wards): not
    that commune's report. When the commune has no line of its own, the file does not
    say which it is."""
    if found is None or found.status != "ok" or found.unit is None:
        return
    unit = found.unit
    if any(
        row.found is not None and row.found.unit == unit and row.r not in (derived.pos,)
        for row in rows
    ):
        return
    members = derived.members
    parsed.findings.append(
        make_finding(
            "layout-ambiguous",
            parsed.ref.where(
                sheet=sheet,
                cell=found.cell or cell,
                unit_code=unit.code,
                unit_name=unit.display_name,
            ),
            value_raw=found.written,
            part=f"dòng {derived.pos + 1} là số liệu của {unit.display_name} hay là dòng cộng",
            candidates=(
                f"dòng này ghi “{found.written}” nhưng mọi số liệu của nó bằng tổng các dòng "
                f"{members[0] + 1}–{members[-1] + 1}"
            ),
            how=(
                f"Nếu dòng {derived.pos + 1} là dòng cộng của một nhóm, ghi rõ “Cộng …” ở cột "
                f"tên; nếu là số liệu của {unit.display_name}, kiểm tra lại từng số của dòng."
            ),
        )
    )


def _label_cell(view: SheetView, r: int, first_ind: int) -> tuple[str, str]:
    """The cell and text of a row's label (in its unit columns)."""
    for c in range(first_ind):
        text = view.own_text(r, c)
        if any(ch.isalpha() for ch in text):
            return a1(r, c), text
    return a1(r, first_ind), ""


def _ambiguous_total(
    parsed: ParsedFile, sheet: str, labels: list[tuple[str, str]], line: str
) -> Finding:
    """Two lines claim to be the province's total and the figures prove neither."""
    listed = ", ".join(f"{cell} (“{text}”)" if text else cell for cell, text in labels)
    return make_finding(
        "layout-ambiguous",
        parsed.ref.where(sheet=sheet, cell=labels[0][0]),
        value_raw=labels[0][1] or None,
        part=f"{line} tổng cộng của tỉnh",
        candidates=(
            f"các {line} {listed} đều ghi là tổng cộng, số liệu khác nhau và không {line} nào "
            "bằng tổng các xã, phường"
        ),
        how=(
            f"Chỉ giữ một {line} tổng cộng toàn tỉnh, sửa cho bằng tổng các xã, phường "
            f"(hoặc dùng công thức SUM) và xóa {line} cộng trùng."
        ),
    )


def _totals_notes(totals: Totals, line: str, name: Callable[[int], str]) -> list[str]:
    """How the table's totals were proven, for `antq inspect`."""
    notes = []
    for pos, derived in sorted(totals.derived.items()):
        first, last = name(derived.members[0]), name(derived.members[-1])
        what = "tổng cộng của mọi đơn vị" if derived.grand else "dòng cộng của nhóm"
        notes.append(
            f"{line.capitalize()} {name(pos)}: {what} (bằng tổng các {line} {first}–{last}, "
            f"{len(derived.members)} {line})"
        )
    if totals.total is not None:
        how = "đã kiểm chứng bằng phép cộng" if totals.proven else "theo nhãn, chưa khớp phép cộng"
        notes.append(f"Báo cáo của tỉnh: {line} {name(totals.total)} ({how})")
    elif totals.candidates:
        listed = ", ".join(name(pos) for pos in totals.candidates)
        notes.append(f"Không chọn {line} tổng nào: các {line} {listed} đều có thể là tổng")
    return notes


def _read_cross(
    parsed: ParsedFile,
    sheet: Sheet,
    view: SheetView,
    layout: CrossLayout,
    title: list[TitleCell],
    cfg: Config,
) -> None:
    """A province's table with its communes as columns: one report per unit column, the
    total column (proven by the columns' sum, or the one column saying so) as the
    province's own; a sub-total column is no unit's."""
    ref, reg = parsed.ref, cfg.registry
    if not _province_title_ok(parsed, title, sheet, cfg):
        return
    province = reg.provinces[ref.province_code]
    parsed.unit_code, parsed.unit_level, parsed.unit_name = (
        province.code,
        "province",
        province.display_name,
    )
    figure_rows = sorted({r for rows in layout.rows.values() for r in rows})
    units = cfg.labels.unit_words
    codes = _code_row(sheet, layout, ref.province_code, reg)
    found: dict[int, UnitFinding] = {}
    summed = [
        (rows[0], code)
        for code, rows in layout.rows.items()
        if _adds_up(cfg.catalog.indicator(code))
    ]
    lines = []
    for c in layout.value_cols:
        if c in layout.total_cols:
            header = view.text(layout.header_row, c) or view.text(layout.header_row - 1, c)
            label = total_label(header, cfg.layouts)
        else:
            label = None
            if not any(is_number_cell(sheet.value(r, c), units) for r in figure_rows):
                continue
            found[c] = _column_unit(sheet, view, layout, c, codes, ref.province_code, reg)
        figures = tuple(_figure(sheet, r, c, code, cfg) for r, code in summed)
        named = c in found and found[c].status == "ok"
        lines.append(Line(c, figures, label, named))
    totals = reconcile(lines)
    parsed.notes.extend(_totals_notes(totals, "cột", column_letter))
    columns: list[tuple[int, str, str, str, str]] = []  # col, unit, level, name, kind
    unread_columns = 0
    for line in lines:
        c = line.pos
        if c == totals.total:
            columns.append((c, province.code, "province", province.display_name, "table-total"))
            continue
        if c in totals.derived:
            _derived_unit(
                parsed, sheet.name, found.get(c), totals.derived[c], [], a1(layout.header_row, c)
            )
            continue
        if line.label is not None:
            continue
        unit = found[c]
        if unit.status != "ok" or unit.unit is None:
            parsed.findings.append(_unit_finding(parsed, unit, sheet.name, reg))
            unread_columns += 1
            continue
        if unit.unit.level == "commune":
            columns.append((c, unit.unit.code, "commune", unit.unit.display_name, "table-row"))
    if totals.candidates:
        labels = [
            (a1(layout.header_row, c), view.text(layout.header_row, c)) for c in totals.candidates
        ]
        parsed.findings.append(_ambiguous_total(parsed, sheet.name, labels, "cột"))
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
            if row is None:
                continue
            at = c
            if indicator.province_only and sheet.value(row, c) is None:
                at = _lone_figure(sheet, row, layout) or c
            _observation(parsed, index, indicator, sheet, row, at, where, cfg)
    base = ref.where(sheet=sheet.name)
    for hit in layout.weak_rows:
        if hit.row != codes:
            _unknown_label(parsed, hit, base, a1(hit.row, hit.col), cfg)


def _lone_figure(sheet: Sheet, r: int, layout: CrossLayout) -> int | None:
    """The one cell holding a figure in a province-only indicator's row of a table of
    units as columns ("Số văn bản chỉ đạo | 11" under the table): no commune reports
    that indicator, so its only figure is the province's, wherever the row puts it."""
    filled = [c for c in range(layout.label_col + 1, sheet.n_cols) if sheet.value(r, c) is not None]
    figures = [c for c in filled if parse_value(sheet.value(r, c), "integer").status == "ok"]
    return figures[0] if len(figures) == 1 and len(filled) <= 2 else None


def _code_row(sheet: Sheet, layout: CrossLayout, province: str, reg: Registry) -> int | None:
    """A row of unit codes under the units' names ("00070 | 00082 | …"): most of its
    codes are communes of the province, and they are no run of column numbers."""
    for r in range(layout.header_row + 1, layout.first_row):
        written = [sheet.value(r, c) for c in layout.unit_cols]
        codes = [normalize_code(v, 5) for v in written]
        known = [
            code
            for code in codes
            if code and (u := reg.communes.get(code)) and u.province_code == province
        ]
        numbers = [int(code) for code in codes if code]
        counting = len(numbers) > 1 and all(
            b - a == 1 for a, b in zip(numbers, numbers[1:], strict=False)
        )
        if 2 * len(known) >= len(layout.unit_cols) and not counting:
            return r
    return None


def _column_unit(
    sheet: Sheet,
    view: SheetView,
    layout: CrossLayout,
    c: int,
    code_row: int | None,
    province: str,
    reg: Registry,
) -> UnitFinding:
    """The unit a column reports: its code under the names when there is one (a code
    wins over a name), else its name."""
    if code_row is not None:
        raw = sheet.value(code_row, c)
        code = normalize_code(raw, 5)
        if code:
            cell = a1(code_row, c)
            unit = reg.communes.get(code)
            if unit is None:
                return UnitFinding("unknown", None, cell_text(raw), cell)
            status = "ok" if unit.province_code == province else "other-province"
            return UnitFinding(status, unit, cell_text(raw), cell)  # type: ignore[arg-type]
    return resolve_commune_name(
        reg,
        view.own_text(layout.header_row, c),
        a1(layout.header_row, c),
        province,
        writes_marks(sheet),
    )


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
            if match.status != "ok":
                # Under a province's table only its own indicators are listed: a label is
                # read among those not yet read ("Tổ chức hội nghị sơ kết (số hội nghị)").
                own = frozenset(i.code for i in cfg.catalog.indicators if i.province_only)
                match = cfg.labels.match_in_context(text, own - taken) or match
            indicator = cfg.catalog.indicator(match.code) if match.status == "ok" else None
            if indicator is None or indicator.code in taken or not indicator.province_only:
                break
            # The first figure right of the label: its unit ("Văn bản") may stand between.
            figure = next(
                (
                    c2
                    for c2 in range(c + 1, view.n_cols)
                    if is_number_cell(sheet.value(r, c2), units)
                ),
                None,
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
