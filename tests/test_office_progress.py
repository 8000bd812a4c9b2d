"""Progress tables in the office layout (序号 | 项目内容 | 进展情况 | 责任单位, a title
…(截至9月底)): `import progress` reads their plain figures, matched to the plan's items
and targets, and lists everything else with its reason — through the command line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.progress_text import figure_for, read_progress_text
from pledgetrack.domain.qualifier import Qualifier
from tests.conftest import write

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

PLAN = """plan,pledge,pledge_title,item,item_title,department,target,target_name,target_value,unit,assessed,kind
demo-2022,1,民生,1,就业,人社局,1.1,城镇新增就业,12000,人,yes,quantity
demo-2022,1,民生,2,道路,交通局,2.1,农村公路大中修,100,公里,yes,quantity
demo-2022,1,民生,2,道路,交通局,2.2,新增公交线路,3,条,yes,quantity
demo-2022,1,民生,2,道路,交通局,2.3,优化调整公交线路,20,条,yes,quantity
demo-2022,1,民生,3,平台,数据局,3.1,政务平台上线,,,yes,milestone
demo-2022,1,民生,4,学校,教育局,4.1,新建学校,5,所,yes,quantity
"""
TITLE = "2022年民生实事项目进展情况表(截至10月底)"
HEADER = "序号,项目内容,进展情况,责任单位"
ROWS = [
    "1,城镇新增就业12000人,约11890人,人社局",
    '2,农村公路大中修100公里,"完成农村公路大中修50公里,预计11月底前全部完成",交通局',
    "2,新增公交线路3条,已新增公交线路4条,交通局",
    "2,优化调整公交线路20条,正在优化调整中,交通局",
    "3,政务平台上线,已完成,数据局",
    "4,新建学校5所,正在施工中(90%),教育局",
]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The command line on a new database holding plan demo-2022."""
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    db = tmp_path / "office.sqlite"

    def invoke(*args: str, code: int = 0) -> str:
        result = CliRunner().invoke(app, ["--db", str(db), "--lang", "en", *args])
        assert result.exit_code == code, result.output
        return result.output

    invoke("import", "plan", str(write(tmp_path / "demo-2022-plan.csv", PLAN)))
    return invoke


def _table(tmp_path: Path, *rows: str, title: str = TITLE, name: str = "demo-2022-progress.csv"):  # type: ignore[no-untyped-def]
    return write(tmp_path / name, "\n".join([title, HEADER, *rows]) + "\n")


def _readings(run, tmp_path: Path, name: str) -> list[tuple[str, ...]]:  # type: ignore[no-untyped-def]
    out = tmp_path / name
    run("export", "progress", str(out), "--plan", "demo-2022")
    with out.open(encoding="utf-8-sig") as f:
        return [
            (r["target"], r["as_of"], r["value"], r["done"], r["qualifier"], r["forecast"])
            for r in csv.DictReader(f)
        ]


# ------------------------------------------------------------------ the happy path


def test_plain_figures_are_read_and_the_rest_is_listed_with_its_reason(run, tmp_path) -> None:
    shown = run("import", "progress", str(_table(tmp_path, *ROWS)))
    assert (
        "office progress table: plan demo-2022, as of 2022-10-31 ('截至10月底' in the title)"
        in shown
    )
    assert "5 readings added, 0 corrections, 0 already present, 1 not read" in shown
    name = tmp_path / "demo-2022-progress.csv"
    assert f"not read: {name}:6:progress: 2.3: '正在优化调整中': no figure in 条" in shown
    assert _readings(run, tmp_path, "out.csv") == [
        ("1.1", "2022-10-31", "11890", "", "approx", ""),
        ("2.1", "2022-10-31", "50", "", "", "2022-11-30"),
        ("2.2", "2022-10-31", "4", "", "", ""),
        ("3.1", "2022-10-31", "", "yes", "", ""),
        # '正在施工中(90%)': no count, works progress 90% (形象进度).
        ("4.1", "2022-10-31", "", "", "", ""),
    ]
    with (tmp_path / "out.csv").open(encoding="utf-8-sig") as f:
        works = {r["target"]: r["works_percent"] for r in csv.DictReader(f)}
    assert works["4.1"] == "90" and works["1.1"] == ""


def test_dry_run_shows_what_would_be_stored_and_stores_nothing(run, tmp_path) -> None:
    shown = run("import", "progress", str(_table(tmp_path, *ROWS)), "--dry-run")
    assert "  would store 1.1: about 11890人" in shown
    assert "  would store 2.1: 50公里, expected done by 2022-11-30" in shown
    assert "  would store 3.1: done" in shown
    assert "5 readings would be added, 0 corrections, 0 already present, 1 not read" in shown
    assert "  would store 4.1: works 90% complete" in shown
    assert "dry run: nothing was written" in shown
    assert _readings(run, tmp_path, "out.csv") == []


def test_a_row_for_a_whole_item_reads_each_target_by_its_unit(run, tmp_path) -> None:
    """One row for item 2, three targets: 公里 read, the two 条 targets share one unit."""
    row = '2,道路,"完成农村公路大中修60公里,新增公交线路2条",交通局'
    shown = run("import", "progress", str(_table(tmp_path, row)))
    assert "1 reading added" in shown
    assert (
        "2.2: '完成农村公路大中修60公里,新增公交线路2条': ambiguous: '2条' is in 条, the unit of 2 targets of this row"
        in shown
    )
    assert _readings(run, tmp_path, "out.csv") == [("2.1", "2022-10-31", "60", "", "", "")]


def test_the_date_comes_from_as_of_or_the_header_of_the_progress_column(run, tmp_path) -> None:
    header_dated = write(
        tmp_path / "demo-2022-progress.csv",
        "序号,项目内容,截至9月底完成,责任单位\n1,城镇新增就业12000人,城镇新增就业9000人,人社局\n",
    )
    shown = run("import", "progress", str(header_dated))
    assert "as of 2022-09-30 ('截至9月底' in the header)" in shown  # year: the plan's
    shown = run("import", "progress", str(_table(tmp_path, ROWS[0])), "--as-of", "2022-08-31")
    assert "as of 2022-08-31 (--as-of)" in shown


def test_the_linan_office_table_imports_to_the_readings_of_the_typed_csv(
    tmp_path, monkeypatch
) -> None:
    """data/examples/linan-2022-progress-office.xlsx (the table as the district lays it out)
    gives the same readings as data/examples/linan-2022-progress.csv; the script writes it."""
    from scripts.make_example_lists import (
        LINAN_2022_PROGRESS,
        PROGRESS_HEADER,
        PROGRESS_TITLE,
        write_office_progress,
    )

    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))

    def readings(progress: Path, db: str) -> list[tuple[str, ...]]:
        def invoke(*args: str) -> str:
            result = CliRunner().invoke(app, ["--db", str(tmp_path / db), *args])
            assert result.exit_code == 0, result.output
            return result.output

        invoke("import", "plan", str(EXAMPLES / "linan-2022-plan.xlsx"))
        shown = invoke("import", "progress", str(progress))
        assert "8 readings added" in shown
        out = tmp_path / f"{db}.csv"
        invoke("export", "progress", str(out), "--plan", "linan-2022")
        with out.open(encoding="utf-8-sig") as f:
            return [
                (r["target"], r["as_of"], r["value"], r["done"], r["qualifier"], r["forecast"])
                for r in csv.DictReader(f)
            ]

    office = EXAMPLES / "linan-2022-progress-office.xlsx"
    typed = readings(EXAMPLES / "linan-2022-progress.csv", "typed.sqlite")
    assert readings(office, "office.sqlite") == typed
    assert ("3.1", "2022-09-30", "50", "", "", "2022-11-30") in typed
    made = write_office_progress(
        tmp_path / "linan-2022-progress-office.xlsx",
        PROGRESS_TITLE,
        PROGRESS_HEADER,
        LINAN_2022_PROGRESS,
    )
    assert readings(made, "made.sqlite") == typed


# ------------------------------------------------------------------ error paths


def test_a_table_without_a_date_is_refused_naming_the_file(run, tmp_path) -> None:
    table = _table(tmp_path, *ROWS, title="2022年民生实事项目进展情况表")
    shown = run("import", "progress", str(table), code=2)
    assert f"{table}:1:as_of: no date: neither a title row nor the header says 截至X月底" in shown
    assert "nothing was imported" in shown


def test_a_date_without_a_year_anywhere_is_refused(run, tmp_path) -> None:
    """A plan of two years gives no year to a 截至9月底 without one."""
    two_years = "plan,plan_start,plan_end,pledge,pledge_title,item,item_title,department,target,target_name,target_value,unit,assessed,kind\n"
    two_years += (
        "span,2022-01-01,2023-12-31,1,民生,1,就业,人社局,1.1,城镇新增就业,12000,人,yes,quantity\n"
    )
    run("import", "plan", str(write(tmp_path / "span.csv", two_years)))
    table = _table(
        tmp_path, ROWS[0], title="民生实事项目进展情况表(截至9月底)", name="span-progress.csv"
    )
    shown = run("import", "progress", str(table), code=2)
    assert (
        f"{table}:1:as_of: '截至9月底' names no year, and neither does the title or the plan"
        in shown
    )


def test_rows_matching_no_item_or_target_are_refused_and_nothing_is_stored(run, tmp_path) -> None:
    table = _table(
        tmp_path,
        ROWS[0],
        "9,新建公园3个,已建成3个,园林局",
        "2,新建停车场5处,已建成2处,交通局",
        "2,新增公交线路3条,已新增公交线路4条,交通局",
    )
    shown = run("import", "progress", str(table), code=2)
    assert f"{table}:4:item: plan demo-2022 has no item 9 (its items are 1…4)" in shown
    assert f"{table}:5:target_name: '新建停车场5处' names no target of item 2" in shown
    assert "2 problems found; nothing was imported" in shown
    assert _readings(run, tmp_path, "out.csv") == []


def test_an_item_title_of_another_list_is_refused(run, tmp_path) -> None:
    table = write(
        tmp_path / "demo-2022-progress.csv",
        f"{TITLE}\n序号,实事项目,进展情况\n1,老旧小区改造,已改造12个\n",
    )
    shown = run("import", "progress", str(table), code=2)
    assert "'老旧小区改造' is not the title of item 1 in plan demo-2022 ('就业')" in shown


def test_unreadable_and_ambiguous_text_is_listed_never_guessed(run, tmp_path) -> None:
    table = _table(
        tmp_path,
        "1,城镇新增就业12000人,已全部完成,人社局",
        '2,农村公路大中修100公里,"完成大中修60公里,其中新建20公里",交通局',
        "2,新增公交线路3条,计划新增3条,交通局",
        "3,政务平台上线,正在开发,数据局",
    )
    shown = run("import", "progress", str(table))
    assert "0 readings added, 0 corrections, 0 already present, 4 not read" in shown
    assert "1.1: '已全部完成': says done but gives no figure in 人" in shown
    assert (
        "2.1: '完成大中修60公里,其中新建20公里': ambiguous: 2 figures in 公里 ('60公里', '20公里')"
        in shown
    )
    assert "2.2: '计划新增3条': '3条' is a planned or remaining figure, not progress" in shown
    assert "3.1: '正在开发': says no milestone done" in shown


def test_a_reading_the_check_refuses_names_its_row(run, tmp_path) -> None:
    """The figures read go through the check every reading goes through."""
    shown = run(
        "import", "progress", str(_table(tmp_path, ROWS[0])), "--as-of", "2023-01-31", code=2
    )
    assert f"{tmp_path / 'demo-2022-progress.csv'}:3:as_of:" in shown


def test_plan_and_as_of_are_refused_for_a_documented_progress_file(run, tmp_path) -> None:
    documented = write(
        tmp_path / "p.csv", "plan,target,as_of,value\ndemo-2022,1.1,2022-10-31,100\n"
    )
    shown = run("import", "progress", str(documented), "--as-of", "2022-10-31", code=2)
    assert "--plan, --as-of and --entered-on are for an office progress table" in shown
    shown = run("import", "progress", str(documented), "--entered-on", "2022-11-02", code=2)
    assert "--plan, --as-of and --entered-on are for an office progress table" in shown


def test_an_office_table_of_no_known_plan_is_refused(run, tmp_path) -> None:
    table = _table(tmp_path, *ROWS, name="other-2022-progress.csv")
    shown = run("import", "progress", str(table), code=2)
    assert "no plan 'other-2022' (named by the file's name)" in shown
    assert "2 readings" not in run("import", "progress", str(table), "--plan", "demo-2022")


def test_a_file_of_neither_layout_says_what_the_documented_one_lacks(run, tmp_path) -> None:
    shown = run("import", "progress", str(write(tmp_path / "x.csv", "a,b\n1,2\n")), code=2)
    assert "required column is missing from the header" in shown


# ------------------------------------------------------------------ the text rules


@pytest.mark.parametrize(
    ("text", "unit", "value", "qualifier"),
    [
        ("完成农村公路大中修50公里", "公里", 50, None),
        ("约11890人", "人", 11890, Qualifier.APPROX),
        ("累计完成24500余人", "人", 24500, Qualifier.MORE),
        ("已新增1.2万例", "例", 12000, None),
        ("城镇新增就业41.58万人", "万人", 41.58, None),
        ("截至9月底,完成3所", "所", 3, None),
    ],
)
def test_plain_figures(text: str, unit: str, value: float, qualifier: Qualifier | None) -> None:
    found = figure_for(read_progress_text(text), unit)
    assert (found.value, found.qualifier) == (value, qualifier)


def test_a_forecast_is_a_month_end_and_a_vague_one_is_none() -> None:
    assert read_progress_text("预计10月底前全部完成").forecast.on(2022).isoformat() == "2022-10-31"  # type: ignore[union-attr]
    vague = read_progress_text("预计10月中旬完成")
    assert (vague.forecast, vague.vague_forecast) == (None, "预计10月中旬完成")


# ------------------------------------------------------------------ a second real list


def _cells(path: Path) -> tuple[list[tuple[object, ...]], set[str]]:
    from openpyxl import load_workbook

    ws = load_workbook(path).active
    return list(ws.iter_rows(values_only=True)), {str(r) for r in ws.merged_cells.ranges}


def test_the_cangnan_2022_list_imports_as_published_and_reads_right(tmp_path, monkeypatch) -> None:
    """苍南县 2022 (data/examples/README.md): the shipped workbook is the script's; it
    imports as a plan with --from-text, its 当前进度 percentages are works progress that
    `import progress` lists as not read, and status and report say nothing invented."""
    from scripts.make_example_lists import write_cangnan_2022

    shipped = EXAMPLES / "cangnan-2022-office.xlsx"
    assert _cells(write_cangnan_2022(tmp_path / "made.xlsx")) == _cells(shipped)
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    db = tmp_path / "cangnan.sqlite"

    def invoke(*args: str) -> str:
        result = CliRunner().invoke(app, ["--db", str(db), *args])
        assert result.exit_code == 0, result.output
        return result.output

    shown = invoke("import", "plan", str(shipped), "--from-text")
    assert "plan cangnan-2022 created: 12 items, 15 targets added" in shown
    assert (
        "guessed: no 实事项目 column: each item is titled by the 项目内容 of its first row" in shown
    )
    assert "    9.2 新增学位: 3800 位  ← '新增学位3800位' (row 11)" in shown
    progress = invoke("import", "progress", str(shipped))
    assert "as of 2022-10-31 ('截至10月31日' in the title)" in progress
    assert "0 readings added, 0 corrections, 0 already present, 15 not read" in progress
    assert (
        f"{shipped}:10:progress: 8.1: '22%(严重滞后)': says no milestone done (works progress is "
        "for count targets)"
    ) in progress
    status = invoke("--lang", "en", "status", "--plan", "cangnan-2022", "--as-of", "2022-10-31")
    assert "2022年度市县民生实事未完成项目 — status as of 2022-10-31" in status
    assert (
        "12 items: 0 achieved, 0 ahead, 0 on track, 0 behind, 0 overdue, 12 not reported" in status
    )
    assert "县文广旅体局" in status
    report = invoke("--lang", "zh", "report", "--plan", "cangnan-2022", "--month", "2022-10")
    assert "截至2022年10月底" in report and "中的0项已实现年度目标" in report
    assert "其余12项均未填报" in report
    assert "占年计划" not in report  # no figure was read, none is said
