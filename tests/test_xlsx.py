"""Excel: the month-end workbook read back cell by cell, and plan/progress files as .xlsx."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from pledgetrack.config import sqlite_url
from pledgetrack.domain.errors import ImportRejected, UnsupportedFileType
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.exchange.xlsx import cell_text, display_width
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.model import MonthReport
from pledgetrack.reports.text import headline
from pledgetrack.reports.xlsx import PERCENT_FORMAT, STATUS_FILLS, local
from pledgetrack.services.month_report import build_month_report, write_report
from pledgetrack.services.plans import export_plan, import_plan
from pledgetrack.services.progress import (
    export_progress,
    read_progress_file,
    record,
    save_entries,
)
from pledgetrack.services.status import plan_status
from pledgetrack.storage.db import create_schema, make_engine
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.tables import Plan, Snapshot
from tests.conftest import TODAY, write

SHEETS = {
    "zh": ["汇总", "事项", "指标", "需关注", "各单位", "填报记录"],
    "en": ["Summary", "Items", "Targets", "Attention", "Departments", "History"],
}


# ------------------------------------------------------------------ the month-end workbook


@pytest.fixture
def report(qingdao, tmp_path) -> MonthReport:
    # A correction, so that the history has a superseded and a correcting record.
    path = write(
        tmp_path / "fix.csv",
        "plan,target,as_of,value,done,note,entered_by\nqingdao-2020,2.1,2020-10-31,21.6,,修正,\n",
    )
    save_entries(qingdao, read_progress_file(qingdao, path, today=TODAY))
    return build_month_report(qingdao, month=date(2020, 10, 1), with_history=True)


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def _fill(cell) -> str:
    return cell.fill.fgColor.rgb[-6:] if cell.fill.fill_type == "solid" else ""


def _pct(cell, expected: float | None) -> None:
    if expected is None:
        assert cell.value is None, cell.coordinate
        return
    assert cell.value == pytest.approx(expected / 100, abs=1e-12), cell.coordinate
    assert round(cell.value * 100, 1) == expected
    assert cell.number_format == PERCENT_FORMAT


def _check_table(ws, header_cells: int, rows: int) -> None:
    assert ws.freeze_panes == "A2"
    last = ws.cell(1, header_cells).column_letter
    assert ws.auto_filter.ref == f"A1:{last}{rows + 1}"
    assert all(ws.cell(1, c).font.b for c in range(1, header_cells + 1))
    assert ws.max_row == rows + 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_report_workbook_matches_the_model_cell_by_cell(report, tmp_path, lang) -> None:
    path = tmp_path / f"report-{lang}.xlsx"
    calls: list[tuple[int, int]] = []
    write_report(report, ReportFormat.xlsx, lang, path, progress=lambda d, n: calls.append((d, n)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    wb = load_workbook(path)
    assert wb.sheetnames == SHEETS[lang]
    summary, items_ws, targets_ws, attention_ws, departments_ws, history_ws = wb.worksheets
    yes, no = t("xlsx.yes", lang), t("xlsx.no", lang)

    # The font suits the language.
    assert items_ws["B2"].font.name == ("等线" if lang == "zh" else "Calibri")

    # Summary: title, as-of date, headline, counts with the achieved item numbers.
    assert report.plan_title in summary["A1"].value
    assert _day(summary["B2"].value) == report.as_of
    texts = [c.value for row in summary.iter_rows() for c in row if isinstance(c.value, str)]
    assert headline(report, lang) in texts
    by_label = {row[0].value: row for row in summary.iter_rows() if isinstance(row[0].value, str)}
    for status in STATUS_ORDER:
        row = by_label[status_label(status, lang)]
        assert row[1].value == report.counts[status]
        assert _fill(row[0]) == STATUS_FILLS[status]
    titles = {line.no: line.title for s in report.pledges for line in s.items}
    assert by_label[status_label(Status.ACHIEVED, lang)][2].value == t(
        "report.list.sep", lang
    ).join(f"{no}.{titles[no]}" for no in report.achieved)
    # No September figures: the month-over-month block says so.
    assert not report.changes.previous_has_data
    assert any("2020" in x and ("尚无" in x or "no figures" in x) for x in texts)

    # Items: one row per item, in list order.
    items = [(s, line) for s in report.pledges for line in s.items]
    _check_table(items_ws, 11, len(items))
    for r, (section, line) in enumerate(items, start=2):
        row = items_ws[r]
        assert row[0].value == line.no and row[1].value == section.no
        assert row[2].value == section.title and row[3].value == line.title
        assert row[4].value == line.departments[0]
        assert (row[5].value or "") == t("report.list.sep", lang).join(line.departments[1:])
        assert row[6].value == status_label(line.status, lang)
        assert _fill(row[6]) == STATUS_FILLS[line.status]
        _pct(row[7], line.completion)
        _pct(row[8], line.expected)
        last = max(tl.as_of for tl in line.targets if tl.as_of)
        assert _day(row[9].value) == last and row[9].number_format == "yyyy-mm-dd"
        assert row[10].value == status_label(line.previous_status, lang)

    # Targets: one row per target.
    targets = [(line, tl) for _, line in items for tl in line.targets]
    assert len(targets) == 91
    _check_table(targets_ws, 19, len(targets))
    for r, (line, tl) in enumerate(targets, start=2):
        row = [c.value for c in targets_ws[r]]
        assert row[:5] == [tl.key, line.no, line.title, tl.name, tl.unit or None]
        assert row[5] == tl.target_value
        if tl.target_value is not None:
            assert row[6] == (yes if tl.at_least else no)
        if tl.kind == "quantity":
            assert row[7] == tl.value and row[8] is None
        else:
            assert row[7] is None and row[8] == (
                None if tl.done is None else yes if tl.done else no
            )
            assert (row[9] is not None) == (tl.stage is not None)
        _pct(targets_ws.cell(r, 11), tl.completion)
        _pct(targets_ws.cell(r, 12), tl.expected)
        assert row[12] == t("assessed.yes" if tl.assessed else "assessed.no", lang)
        assert _day(row[13]) == tl.deadline
        assert row[14] == status_label(tl.status, lang)
        assert _fill(targets_ws.cell(r, 15)) == STATUS_FILLS[tl.status]
        assert _day(row[15]) == tl.as_of
        assert row[16] == (yes if tl.entered_late else no)
        assert (row[17] or "") == tl.note
        _pct(targets_ws.cell(r, 19), tl.works)
    jobs = targets_ws[2]
    assert (jobs[0].value, jobs[7].value, jobs[10].value) == ("1.1", 41.58, 1.386)

    # Attention, scorecard, history.
    _check_table(attention_ws, 8, len(report.attention))
    assert report.attention
    for r, line in enumerate(report.attention, start=2):
        row = attention_ws[r]
        assert (row[0].value, row[1].value) == (line.no, line.title)
        assert row[2].value == status_label(line.status, lang)
        assert _fill(row[2]) == STATUS_FILLS[line.status]
        _pct(row[3], line.completion)
        assert row[5].value == line.departments[0]
        assert line.title in row[7].value

    _check_table(departments_ws, 11, len(report.departments))
    for r, score in enumerate(report.departments, start=2):
        row = [c.value for c in departments_ws[r]]
        assert row[:3] == [score.name, score.items, score.lead_items]
        assert row[3:9] == [score.counts[s] for s in STATUS_ORDER]
        assert row[9] == score.late_reports
        _pct(departments_ws.cell(r, 11), score.completion)

    assert len(report.history) == 92
    _check_table(history_ws, 11, len(report.history))
    for r, line in enumerate(report.history, start=2):
        row = [c.value for c in history_ws[r]]
        h = line.reading
        assert row[:4] == [
            h.key,
            line.item_no,
            datetime(h.as_of.year, h.as_of.month, h.as_of.day),
            h.value,
        ]
        assert abs((row[7] - local(h.entered_at)).total_seconds()) < 0.001
        assert row[8:10] == [yes if h.correction else no, yes if h.superseded else no]
        _pct(history_ws.cell(r, 11), h.works)
    assert sum(1 for h in report.history if h.reading.superseded) == 1

    # Columns fit their text, wide (CJK) characters counting double.
    title_width = items_ws.column_dimensions["D"].width
    longest = max(display_width(line.title) for _, line in items)
    assert title_width == min(longest + 2, 60)
    assert items_ws.column_dimensions["A"].width < title_width


def test_summary_lists_the_month_over_month_facts(qingdao, tmp_path) -> None:
    record(qingdao, target_key="2.1", value="26", as_of="2020-11-30", entered_by="t", today=TODAY)
    report = build_month_report(qingdao, month=date(2020, 11, 1))
    changes = report.changes
    assert changes.previous_has_data and changes.newly_achieved == [2] and changes.movers
    path = tmp_path / "november.xlsx"
    write_report(report, ReportFormat.xlsx, "en", path)
    rows = [[c.value for c in row] for row in load_workbook(path)["Summary"].iter_rows()]
    first = {row[0]: row for row in rows if isinstance(row[0], str)}
    titles = {line.no: line.title for s in report.pledges for line in s.items}
    assert first["Newly achieved"][1:3] == [1, "2.引才聚才"]
    assert first["No new figure this month"][1] == len(changes.no_new_figure) == 35
    assert first["Status changes"][1] == len(changes.status_changes)
    at = rows.index(first["Status changes"]) + 2  # below its header row
    assert [tuple(r[:4]) for r in rows[at : at + len(changes.status_changes)]] == [
        (c.no, titles[c.no], status_label(c.old, "en"), status_label(c.new, "en"))
        for c in changes.status_changes
    ]
    at = rows.index(first["Biggest movers"]) + 2
    assert [tuple(r[:6]) for r in rows[at : at + len(changes.movers)]] == [
        (m.key, m.name, m.old, m.new, m.unit, m.delta_points) for m in changes.movers
    ]
    # Nothing is read back from the history sheet unless it was asked for.
    assert load_workbook(path)["History"].max_row == 1


def test_display_width_counts_wide_characters_double() -> None:
    assert display_width("就业") == 4
    assert display_width("1.1 就业(万人)") == 4 + 4 + 4 + 2  # full-width brackets are wide
    assert display_width("abc") == 3


# ------------------------------------------------------------------ plan and progress as .xlsx


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


@pytest.fixture
def other_engine(tmp_path: Path) -> Engine:
    """A second, empty database (``qingdao`` is ``empty_engine`` filled)."""
    engine = make_engine(sqlite_url(tmp_path / "other.sqlite"))
    create_schema(engine)
    yield engine
    engine.dispose()


def test_xlsx_export_then_import_gives_the_same_state(qingdao, other_engine, tmp_path) -> None:
    empty_engine = other_engine
    fix = write(
        tmp_path / "fix.csv",
        "plan,target,as_of,value,done,note,entered_by\nqingdao-2020,2.1,2020-10-31,21.6,,=修正,\n",
    )
    save_entries(qingdao, read_progress_file(qingdao, fix, today=TODAY))
    plan_x, progress_x = tmp_path / "plan.xlsx", tmp_path / "progress.xlsx"
    assert export_plan(qingdao, plan_x) == 91
    assert export_progress(qingdao, progress_x, history=True) == 92

    wb = load_workbook(plan_x)
    assert wb.sheetnames == ["plan"]
    ws = wb["plan"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == f"A1:S{91 + 1}"
    assert ws["A1"].value == "plan" and ws["A1"].font.b
    assert {c.data_type for row in ws.iter_rows(min_row=2) for c in row if c.value} == {"s"}
    assert load_workbook(progress_x).sheetnames == ["progress"]

    import_plan(empty_engine, plan_x)
    outcome = save_entries(empty_engine, read_progress_file(empty_engine, progress_x, today=TODAY))
    assert outcome.corrections == 1
    assert count(empty_engine, Snapshot) == count(qingdao, Snapshot) == 92

    # The same state: both databases export the same CSV files (the plan byte for byte; the
    # history in storage order, which puts a re-imported correction next to what it corrects).
    for name, engine in (("a", qingdao), ("b", empty_engine)):
        export_plan(engine, tmp_path / f"plan-{name}.csv")
        export_progress(engine, tmp_path / f"progress-{name}.csv", history=True)
    assert (tmp_path / "plan-a.csv").read_bytes() == (tmp_path / "plan-b.csv").read_bytes()
    a_rows, b_rows = (
        (tmp_path / f"progress-{x}.csv").read_text(encoding="utf-8-sig").splitlines() for x in "ab"
    )
    assert a_rows[0] == b_rows[0] and sorted(a_rows) == sorted(b_rows)
    assert any(",'=修正," in row for row in a_rows)  # a formula quote in CSV (domain.text)
    a = plan_status(qingdao, on=date(2020, 10, 31))
    b = plan_status(empty_engine, on=date(2020, 10, 31))
    assert [(r.info.no, r.result.status, r.result.completion) for r in a.items] == [
        (r.info.no, r.result.status, r.result.completion) for r in b.items
    ]
    # Re-importing the workbooks into the original adds nothing.
    import_plan(qingdao, plan_x)
    again = save_entries(qingdao, read_progress_file(qingdao, progress_x, today=TODAY))
    assert again.added == again.corrections == 0


PLAN_HEADER = [
    "plan",
    "pledge",
    "pledge_title",
    "item",
    "item_title",
    "department",
    "target",
    "target_name",
    "target_value",
    "unit",
    "deadline",
    "assessed",
    "kind",
    "schedule",
]


def _workbook(path: Path, rows: list[list[object]], *, title: str = "Sheet") -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _rejected(engine, path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as info:
        import_plan(engine, path)
    assert count(engine, Plan) == 0
    assert all(e.file == str(path) for e in info.value.errors)
    return [(e.row, e.column, e.reason) for e in info.value.errors]


def test_a_plan_typed_with_ditto_blanks_is_refused_naming_row_and_column(
    empty_engine, tmp_path
) -> None:
    # The way a department types it: the group's cells only on its first row.
    path = _workbook(
        tmp_path / "plan.xlsx",
        [
            PLAN_HEADER,
            [
                "demo-2021",
                1,
                "促进就业",
                1,
                "就业",
                "市人社局",
                "1.1",
                "城镇新增就业",
                30,
                "万人",
                None,
                "yes",
                "quantity",
            ],
            [
                None,
                None,
                None,
                None,
                None,
                None,
                "1.2",
                "引才",
                25,
                "万人",
                None,
                "yes",
                "quantity",
            ],
            [
                "demo-2021",
                2,
                "政务服务",
                2,
                "政策通",
                "市民营经济局",
                "2.1",
                "政策通二期",
                None,
                None,
                None,
                "yes",
                "milestone",
            ],
        ],
    )
    errors = _rejected(empty_engine, path)
    assert [(row, col) for row, col, _ in errors] == [
        (3, "plan"),
        (3, "pledge"),
        (3, "pledge_title"),
        (3, "item"),
        (3, "item_title"),
        (3, "department"),
    ]
    assert all("blank (filled on row 2 above)" in reason for _, _, reason in errors)
    assert all(
        "repeat the value on every row, or merge the cells over the rows it is for" in reason
        for _, _, reason in errors
    )


def test_merged_cells_are_the_value_on_each_row_they_span(empty_engine, tmp_path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(PLAN_HEADER)
    ws.append(
        [
            "demo-2021",
            1,
            "促进就业",
            1,
            "就业",
            "市人社局",
            "1.1",
            "就业",
            30,
            "万人",
            None,
            "yes",
            "quantity",
        ]
    )
    ws.append(
        [
            "demo-2021",
            1,
            "促进就业",
            1,
            "就业",
            "市人社局",
            "1.2",
            "引才",
            25,
            "万人",
            None,
            "yes",
            "quantity",
        ]
    )
    ws.append(
        [
            "demo-2021",
            1,
            "促进就业",
            1,
            "就业",
            "市人社局",
            "1.3",
            "创业",
            5,
            "万人",
            None,
            "yes",
            "quantity",
        ]
    )
    ws.merge_cells("C2:C4")  # pledge_title over three rows
    ws["K3"] = "2021-06-30"
    ws.merge_cells("K3:K4")  # deadline of 1.2 and 1.3
    path = tmp_path / "merged.xlsx"
    wb.save(path)
    import_plan(empty_engine, path)
    with Session(empty_engine) as session:
        structure = load_structure(session=session, code="demo-2021")
    assert structure.pledges[0].title == "促进就业"
    deadlines = {t.key: t.rule.deadline for t in structure.targets()}
    assert deadlines["1.2"] == deadlines["1.3"] == date(2021, 6, 30)
    assert deadlines["1.1"] == date(2021, 12, 31)


def test_a_typed_workbook_imports_numbers_and_dates_as_excel_holds_them(
    empty_engine, tmp_path
) -> None:
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    notes.append(["填表说明:每行一个指标"])
    ws = wb.create_sheet("Plan")  # preferred over the first sheet
    ws.append([])  # a blank first row: the header is the first non-empty row
    ws.append([*PLAN_HEADER, "plan_start", "plan_end"])
    ws.append(
        [
            "demo-2021",
            1,
            "促进就业",
            1,
            "就业",
            "市人社局",
            1.1,
            "城镇新增就业",
            30,
            "万人",
            None,
            True,
            "quantity",
            None,
            datetime(2021, 1, 1),
            datetime(2021, 12, 31),
        ]
    )
    ws.append(
        [
            "demo-2021",
            1,
            "促进就业",
            1,
            "就业",
            "市人社局",
            1.2,
            "政策性扶持创业",
            1.5,
            "万人",
            datetime(2021, 11, 30),
            True,
            "quantity",
            None,
            datetime(2021, 1, 1),
            datetime(2021, 12, 31),
        ]
    )
    ws.append(
        [
            "demo-2021",
            1,
            "促进就业",
            2,
            "达标率",
            "市人社局",
            "2.1",
            "达标率",
            0.95,
            "%",
            None,
            "是",
            "数量",
            None,
            datetime(2021, 1, 1),
            datetime(2021, 12, 31),
        ]
    )
    ws["I5"].number_format = "0%"  # typed as 95%
    path = tmp_path / "typed.xlsx"
    wb.save(path)
    (saved,) = import_plan(empty_engine, path)
    assert saved.items == 2 and saved.targets_added == 3
    structure = plan_status(empty_engine, on=date(2021, 3, 31)).structure
    rules = {tg.key: tg.rule for item in structure.items for tg in item.targets}
    assert set(rules) == {"1.1", "1.2", "2.1"}
    assert rules["1.2"].target_value == 1.5 and rules["1.2"].deadline == date(2021, 11, 30)
    assert rules["2.1"].target_value == 95

    progress = Workbook()
    sheet = progress.active
    sheet.append(["plan", "target", "as_of", "value", "done", "note", "entered_by"])
    sheet.append(["demo-2021", 1.1, datetime(2021, 10, 31), 41.58, None, None, "张三"])
    sheet.append(["demo-2021", 1.2, datetime(2021, 9, 1), 0.1 + 0.2, None, None, None])
    sheet["C3"].number_format = 'yyyy"年"m"月"'  # what Excel makes of a typed 2021年9月
    ppath = tmp_path / "progress.xlsx"
    progress.save(ppath)
    entries = read_progress_file(empty_engine, ppath, today=TODAY)
    assert [(e.key, e.as_of, e.value) for e in entries] == [
        ("1.1", date(2021, 10, 31), 41.58),
        ("1.2", date(2021, 9, 30), 0.3),
    ]


def test_progress_workbook_errors_name_excel_rows(qingdao, tmp_path) -> None:
    path = _workbook(
        tmp_path / "progress.xlsx",
        [
            [],
            [],
            ["plan", "target", "as_of", "value", "done"],
            ["qingdao-2020", "1.1", datetime(2020, 11, 30), "abc", None],
            ["qingdao-2020", "29.1", datetime(2020, 11, 30), None, True],  # a milestone: no value
            [None, "1.2", datetime(2020, 11, 30), 5, None],
        ],
    )
    with pytest.raises(ImportRejected) as info:
        read_progress_file(qingdao, path, today=TODAY)
    assert [(e.row, e.column) for e in info.value.errors] == [(6, "plan")]
    path = _workbook(
        tmp_path / "progress2.xlsx",
        [
            [],
            ["plan", "target", "as_of", "value", "done"],
            ["qingdao-2020", "1.1", datetime(2020, 11, 30), "abc", None],
            ["qingdao-2020", "29.1", datetime(2020, 11, 30), None, True],  # a milestone: no value
        ],
    )
    with pytest.raises(ImportRejected) as info:
        read_progress_file(qingdao, path, today=TODAY)
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "value")]


def test_an_old_xls_file_is_refused_with_advice(other_engine, qingdao, tmp_path) -> None:
    empty_engine = other_engine
    for path in (tmp_path / "plan.xls", tmp_path / "renamed.xlsx"):
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
        (error,) = [r for _, _, r in _rejected(empty_engine, path)]
        assert ".xls" in error and "save it as .xlsx" in error
    with pytest.raises(ImportRejected, match=r"save it as \.xlsx"):
        read_progress_file(qingdao, tmp_path / "plan.xls", today=TODAY)
    with pytest.raises(UnsupportedFileType, match=r"use \.xlsx or \.csv"):
        export_plan(qingdao, tmp_path / "out.xls")
    assert not (tmp_path / "out.xls").exists()
    broken = write(tmp_path / "broken.xlsx", "plan,pledge\n")
    assert "not a readable .xlsx" in _rejected(empty_engine, broken)[0][2]


def test_missing_columns_are_named_on_the_header_row(empty_engine, tmp_path) -> None:
    path = _workbook(tmp_path / "p.xlsx", [[None], ["plan", "pledge", "item"], ["x-2020", 1, 1]])
    errors = _rejected(empty_engine, path)
    assert (2, "target", "required column is missing from the header") in errors
    assert "empty" in _rejected(empty_engine, _workbook(tmp_path / "e.xlsx", []))[0][2]


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (30, "General", "30"),
        (30.0, "General", "30"),
        (41.580000000000005, "General", "41.58"),
        (0.1 + 0.2, "General", "0.3"),
        (1.5e-7, "General", "0.00000015"),
        (True, "General", "yes"),
        (False, "General", "no"),
        (datetime(2020, 10, 31), "yyyy-mm-dd", "2020-10-31"),
        (datetime(2020, 10, 1), "mmm-yy", "2020-10"),
        (datetime(2020, 10, 1), 'yyyy"年"m"月"', "2020-10"),
        (datetime(2020, 10, 1), 'yyyy"年"m"月"d"日"', "2020-10-01"),
        (datetime(2020, 11, 2, 9, 30), "yyyy-mm-dd h:mm", "2020-11-02 09:30:00"),
        (0.85, "0%", "85%"),
        (0.07, "0.0%", "7%"),
        (1, '0.00"%"', "1"),  # a literal % sign, not a percentage format
        ("  文本 ", "General", "  文本 "),
        (None, "General", ""),
    ],
)
def test_cell_text_is_what_a_csv_would_hold(value, number_format, text) -> None:
    assert cell_text(value, number_format) == text
