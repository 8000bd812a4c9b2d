"""Plan and progress tables as offices keep them: title rows, Chinese headers, merged
cells, 序号 columns, spacer and total rows, notes under the table; and --dry-run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from pledgetrack.domain.errors import ImportRejected
from pledgetrack.domain.model import Policy, Status
from pledgetrack.exchange.office_plan import list_title, office_plan_code
from pledgetrack.exchange.table_body import TitleLine
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.services.status import plan_status
from pledgetrack.storage.db import create_schema
from pledgetrack.storage.queries import load_structure
from tests.backends import BOTH, empty_database
from tests.conftest import TODAY, write

TITLE = "2022年区政府民生实事项目计划表"
ZH_HEADER = "序号,计划代码,件,件名称,项,项目名称,责任单位,配合单位,指标编号,目标任务,目标值,单位,完成时限,是否考核,指标类型,备注"
ZH_ROWS = [
    "1,demo-2022,1,教育,1,学校建设,教育局,住建局;财政局,1.1,新建成中小学幼儿园,7,所,2022-11-30,是,数量,",
    "2,demo-2022,1,教育,1,学校建设,教育局,住建局;财政局,1.2,新增公办学位,6800,个,,是,数量,",
    "3,demo-2022,2,交通,2,农村公路,交通运输局,,2.1,农村公路大中修,100,公里,,是,数量,",
]


def _errors(exc: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.reason) for e in exc.value.errors]


def _structure(engine: Engine, code: str = "demo-2022"):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return load_structure(session=session, code=code)


# ------------------------------------------------------------------ header detection


def test_the_header_is_found_under_title_rows_and_a_unit_line(empty_engine, tmp_path) -> None:
    text = "\n".join([f"{TITLE},,,", "单位:个,,,", ",,,", ZH_HEADER, *ZH_ROWS]) + "\n"
    import_plan(empty_engine, write(tmp_path / "plan.csv", text))
    structure = _structure(empty_engine)
    assert [(t.key, t.rule.target_value, t.unit) for t in structure.targets()] == [
        ("1.1", 7, "所"),
        ("1.2", 6800, "个"),
        ("2.1", 100, "公里"),
    ]
    assert structure.items[0].departments == ("教育局", "住建局", "财政局")


def test_errors_name_the_rows_of_the_file_after_title_rows(empty_engine, tmp_path) -> None:
    bad = ZH_ROWS[1].replace(",6800,", ",六千八,")
    text = "\n".join([TITLE, "单位:个", ZH_HEADER, ZH_ROWS[0], bad]) + "\n"
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, write(tmp_path / "plan.csv", text))
    assert {(row, column) for row, column, _ in _errors(refused)} == {(5, "target_value")}
    assert str(refused.value.errors[0]).startswith(f"{tmp_path / 'plan.csv'}:5:target_value: ")


def test_english_headers_in_any_case_and_aliases_are_read(empty_engine, tmp_path) -> None:
    header = (
        "No.,Plan,Pledge,Pledge Title,Item,Item Title,Responsible unit,Target,Target Name,"
        "Annual target,Unit,Assessed,Kind,Remarks"
    )
    row = "1,demo-2022,1,Education,1,Schools,Education Bureau,1.1,New schools,7,schools,yes,quantity,typed"
    import_plan(empty_engine, write(tmp_path / "plan.csv", f"Plan for 2022\n{header}\n{row}\n"))
    (target,) = _structure(empty_engine).targets()
    assert (target.rule.target_value, target.note) == (7, "typed")


def test_a_missing_column_is_named_on_the_likeliest_header_row(empty_engine, tmp_path) -> None:
    header = ZH_HEADER.replace("指标编号", "编号")
    text = "\n".join([TITLE, header, *ZH_ROWS]) + "\n"
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, write(tmp_path / "plan.csv", text))
    assert [(row, column) for row, column, _ in _errors(refused)] == [(2, "target")]


def test_a_serial_number_column_is_ignored(empty_engine, tmp_path) -> None:
    text = "\n".join([ZH_HEADER, *ZH_ROWS]) + "\n"
    import_plan(empty_engine, write(tmp_path / "plan.csv", text))
    assert len(list(_structure(empty_engine).targets())) == 3


def test_an_office_table_without_codes_gets_keys_kinds_and_the_plan_from_its_name(
    empty_engine, tmp_path
) -> None:
    text = (
        f"{TITLE}\n"
        "序号,件,项目名称,目标任务,目标值,单位,责任单位,完成时限\n"
        "1,一、教育,学校建设,新建学校,7,所,教育局,11月底\n"
        "1,一、教育,学校建设,新增学位,6800,个,教育局,\n"
        "2,二、服务,政策平台,政策平台上线,,,大数据局,\n"
    )
    import_plan(empty_engine, write(tmp_path / "demo-2022-plan.csv", text))
    structure = _structure(empty_engine)
    assert [(p.no, p.title) for p in structure.pledges] == [(1, "教育"), (2, "服务")]
    assert [
        (t.key, t.rule.kind.value, t.rule.assessed, t.rule.deadline) for t in structure.targets()
    ] == [
        ("1.1", "quantity", True, date(2022, 11, 30)),
        ("1.2", "quantity", True, date(2022, 12, 31)),
        ("2.1", "milestone", True, date(2022, 12, 31)),
    ]


OFFICE_HEADER = "序号,实事项目,目标任务,目标值,单位,责任单位,完成时限"
OFFICE_ROWS = ["1,学校建设,新建学校,7,所,教育局,11月底", "2,政策平台,政策平台上线,,,大数据局,"]


def _office_table(path: Path, *above: str) -> Path:
    return write(path, "\n".join([*above, OFFICE_HEADER, *OFFICE_ROWS]) + "\n")


def test_an_office_table_is_titled_by_its_title_row_and_says_so(empty_engine, tmp_path) -> None:
    heard = []
    path = _office_table(
        tmp_path / "demo-2022-plan-office.csv",
        "附件1",
        "临安区2022年民生实事项目进展情况表(截至9月底),,",
        "单位:个",
    )
    (saved,) = import_plan(empty_engine, path, on_guesses=heard.append)
    structure = _structure(empty_engine, "demo-2022")
    assert (saved.code, structure.title) == ("demo-2022", "临安区2022年民生实事项目")
    assert (structure.period.start, structure.period.end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert structure.targets()[0].rule.deadline == date(2022, 11, 30)
    assert heard[0].lines[:3] == [
        "plan code 'demo-2022': the file's name without '-plan-office' "
        "(the table has no plan column)",
        "plan title '临安区2022年民生实事项目': the title row 2 "
        "('临安区2022年民生实事项目进展情况表(截至9月底)')",
        "plan period 2022-01-01 … 2022-12-31: the year 2022 in the file name",
    ]


def test_an_office_table_without_a_title_row_is_titled_by_its_code(empty_engine, tmp_path) -> None:
    heard = []
    import_plan(empty_engine, _office_table(tmp_path / "demo-2022.csv"), on_guesses=heard.append)
    assert _structure(empty_engine).title == "demo-2022"
    assert "plan title 'demo-2022': the code (no title row above the header)" in heard[0].lines


def test_the_year_of_the_title_gives_the_period_when_the_file_name_has_none(
    empty_engine, tmp_path
) -> None:
    heard = []
    path = _office_table(tmp_path / "民生实事计划表.csv", "2023年区政府民生实事项目一览表")
    import_plan(empty_engine, path, on_guesses=heard.append)
    structure = _structure(empty_engine, "民生实事")
    assert structure.title == "2023年区政府民生实事项目"
    assert (structure.period.start, structure.period.end) == (date(2023, 1, 1), date(2023, 12, 31))
    assert structure.targets()[0].rule.deadline == date(2023, 11, 30)
    assert "plan period 2023-01-01 … 2023-12-31: the year 2023 in the title" in heard[0].lines


def test_a_title_naming_another_year_than_the_file_name_is_refused(empty_engine, tmp_path) -> None:
    path = _office_table(tmp_path / "demo-2022-plan.csv", "", "2021年民生实事项目")
    with pytest.raises(ImportRejected) as exc:
        import_plan(empty_engine, path)
    assert _errors(exc) == [
        (
            2,
            "plan_title",
            "the title names 2021年 but the file name 2022: rename the file, "
            "or add plan_start and plan_end columns",
        )
    ]


def test_a_title_row_with_a_refused_character_is_named(empty_engine, tmp_path) -> None:
    path = _office_table(tmp_path / "demo-2022-plan.csv", "2022年\x1b[31m民生实事")
    with pytest.raises(ImportRejected) as exc:
        import_plan(empty_engine, path)
    ((row, column, reason),) = _errors(exc)
    assert (row, column) == (1, "plan_title")
    assert "not allowed" in reason


def test_a_plan_title_column_wins_over_the_title_row(empty_engine, tmp_path) -> None:
    text = "\n".join(
        [
            "2022年民生实事项目进展情况表",
            "计划名称," + OFFICE_HEADER,
            *(f"区政府实事,{row}" for row in OFFICE_ROWS),
        ]
    )
    heard = []
    import_plan(
        empty_engine, write(tmp_path / "demo-2022.csv", text + "\n"), on_guesses=heard.append
    )
    assert _structure(empty_engine).title == "区政府实事"
    assert not any(line.startswith("plan title") for line in heard[0].lines)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (["临安区2022年民生实事项目进展情况表"], "临安区2022年民生实事项目"),
        (["2022年区政府民生实事项目(截至9月底)"], "2022年区政府民生实事项目"),
        (["2022年区政府民生实事项目完成情况表（截至2022年9月30日）"], "2022年区政府民生实事项目"),
        (["2022年民生实事项目一览表"], "2022年民生实事项目"),
        # 计划表 → 计划: "the plan" reads naturally, "the plan table" names the file.
        (["表1 2022年民生实事项目计划表"], "2022年民生实事项目计划"),
        (["附件2:", "2022年十大民生实事\n（截至11月底）"], "2022年十大民生实事"),
        (["单位:万元", "2022年民生实事"], "2022年民生实事"),
        (["单位:个"], None),
        ([], None),
    ],
)
def test_the_title_row_gives_the_list_title_without_date_notes_and_table_words(
    lines: list[str], title: str | None
) -> None:
    found = list_title([TitleLine(n, text) for n, text in enumerate(lines, start=1)])
    assert (found[1] if found else None) == title


@pytest.mark.parametrize(
    ("name", "code", "dropped"),
    [
        ("linan-2022-plan.xlsx", "linan-2022", "-plan"),
        ("linan-2022-plan-office.xlsx", "linan-2022", "-plan-office"),
        ("linan-2022-office_plan.csv", "linan-2022", "-office_plan"),
        ("linan-2022-progress.csv", "linan-2022", "-progress"),
        ("临安2022计划表.xlsx", "临安2022", "计划表"),
        ("临安2022-进展情况表.xlsx", "临安2022", "-进展情况表"),
        ("demo-2022.csv", "demo-2022", ""),
        ("plan.csv", "plan", ""),
        ("explain.csv", "explain", ""),
    ],
)
def test_the_code_is_the_file_name_without_words_for_the_file(
    name: str, code: str, dropped: str
) -> None:
    assert office_plan_code(Path(name)) == (code, dropped)


# ------------------------------------------------------------------ --columns


def test_a_columns_map_names_headers_the_aliases_do_not_know(empty_engine, tmp_path) -> None:
    header = ZH_HEADER.replace("目标值", "2022年目标").replace("责任单位", "主办")
    text = "\n".join([TITLE, header, *ZH_ROWS]) + "\n"
    columns = write(tmp_path / "map.toml", 'target_value = "2022年目标"\ndepartment = "主办"\n')
    import_plan(empty_engine, write(tmp_path / "plan.csv", text), columns=columns)
    assert [t.rule.target_value for t in _structure(empty_engine).targets()] == [7, 6800, 100]


def test_a_columns_map_naming_a_header_the_file_lacks_is_refused(empty_engine, tmp_path) -> None:
    text = "\n".join([TITLE, ZH_HEADER, *ZH_ROWS]) + "\n"
    columns = write(tmp_path / "map.toml", 'target_value = "年度计划数"\n')
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, write(tmp_path / "plan.csv", text), columns=columns)
    (error,) = refused.value.errors
    assert (error.file, error.column) == (str(columns), "target_value")
    assert "'年度计划数', which" in error.reason and "its header is row 2" in error.reason


def test_a_columns_map_with_an_unknown_column_or_bad_toml_is_refused(
    empty_engine, tmp_path
) -> None:
    plan = write(tmp_path / "plan.csv", "\n".join([ZH_HEADER, *ZH_ROWS]) + "\n")
    with pytest.raises(ImportRejected, match="'target_valu' is not a column"):
        import_plan(empty_engine, plan, columns=write(tmp_path / "a.toml", 'target_valu = "x"\n'))
    with pytest.raises(ImportRejected, match="not a TOML column map"):
        import_plan(empty_engine, plan, columns=write(tmp_path / "b.toml", "target_value = \n"))


# ------------------------------------------------------------------ merged cells (XLSX)

XLSX_HEADER = [
    "序号",
    "计划代码",
    "件",
    "件名称",
    "项",
    "项目名称",
    "责任单位",
    "指标编号",
    "目标任务",
    "目标值",
    "单位",
    "是否考核",
    "指标类型",
]


def _office_workbook(path: Path, *, extra: list[list[object]] = (), merges=()) -> Path:  # type: ignore[assignment]
    """Title row merged over the table, header on row 3, items merged down over their targets."""
    wb = Workbook()
    ws = wb.active
    ws.append([TITLE])
    ws.merge_cells("A1:M1")
    ws.append(["单位:个"])
    ws.append(XLSX_HEADER)
    ws.append(
        [
            1,
            "demo-2022",
            1,
            "教育",
            1,
            "学校建设",
            "教育局",
            "1.1",
            "新建学校",
            7,
            "所",
            "是",
            "数量",
        ]
    )
    ws.append(
        [None, None, None, None, None, None, None, "1.2", "新增学位", 6800, "个", "是", "数量"]
    )
    ws.append([])  # a spacer row
    ws.append(
        [
            2,
            "demo-2022",
            2,
            "交通",
            2,
            "农村公路",
            "交通运输局",
            "2.1",
            "大中修",
            100,
            "公里",
            "是",
            "数量",
        ]
    )
    for row in extra:
        ws.append(row)
    for ref in ("A4:A5", "B4:B7", "C4:C5", "D4:D5", "E4:E5", "F4:F5", "G4:G5", *merges):
        ws.merge_cells(ref)
    wb.save(path)
    return path


def test_merged_cells_are_filled_down_over_the_rows_they_span(empty_engine, tmp_path) -> None:
    import_plan(empty_engine, _office_workbook(tmp_path / "plan.xlsx"))
    structure = _structure(empty_engine)
    assert [(i.no, i.title, i.departments, len(i.targets)) for i in structure.items] == [
        (1, "学校建设", ("教育局",), 2),
        (2, "农村公路", ("交通运输局",), 1),
    ]


def test_a_merge_across_data_columns_of_different_meaning_is_refused(
    empty_engine, tmp_path
) -> None:
    path = _office_workbook(tmp_path / "plan.xlsx", merges=("I7:J7",))
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, path)
    ((row, column, reason),) = _errors(refused)
    assert (row, column) == (7, "target_name")
    assert "I7:J7 span the columns target_name and target_value" in reason


def test_a_header_cell_merged_over_two_columns_is_refused(empty_engine, tmp_path) -> None:
    path = _office_workbook(tmp_path / "plan.xlsx", merges=("J3:K3",))
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, path)
    ((row, column, reason),) = _errors(refused)
    assert (row, column) == (3, "target_value")
    assert "merged over J3:K3" in reason


def test_a_total_row_is_skipped_and_said_and_a_note_ends_the_table(empty_engine, tmp_path) -> None:
    heard: list[str] = []
    extra = [
        ["合计", None, None, None, None, None, None, None, None, 6907],
        ["注:目标值以年度计划为准。"],
    ]
    path = _office_workbook(tmp_path / "plan.xlsx", extra=extra, merges=("A9:M9",))
    import_plan(empty_engine, path, notice=heard.append)
    assert len(list(_structure(empty_engine).targets())) == 3
    assert heard == [
        f"{path}:8: skipped the total row (合计)",
        f"{path}:9: the table ends at the note '注:目标值以年度计划为准。'",
    ]


def test_a_data_row_under_the_note_is_refused(empty_engine, tmp_path) -> None:
    text = "\n".join([ZH_HEADER, ZH_ROWS[0], "注:见附件", ZH_ROWS[1]]) + "\n"
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, write(tmp_path / "plan.csv", text))
    ((row, _, reason),) = _errors(refused)
    assert row == 4 and "under the note on row 3" in reason


# ------------------------------------------------------------------ progress headers


def test_a_progress_table_with_office_headers_imports(empty_engine, tmp_path) -> None:
    import_plan(empty_engine, write(tmp_path / "plan.csv", "\n".join([ZH_HEADER, *ZH_ROWS]) + "\n"))
    text = (
        "2022年民生实事项目进展情况表(截至9月底)\n"
        "序号,计划代码,指标编号,截至日期,截至9月底完成,完成率,进展情况\n"
        "1,demo-2022,1.1,2022-09-30,5,71%,主体完工\n"
        "2,demo-2022,2.1,2022-09-30,50,50%,剩余预计11月底前完成\n"
    )
    entries = read_progress_file(empty_engine, write(tmp_path / "p.csv", text), today=TODAY)
    assert [(e.key, e.value, e.note) for e in entries] == [
        ("1.1", 5, "主体完工"),
        ("2.1", 50, "剩余预计11月底前完成"),
    ]


# ------------------------------------------------------------------ --dry-run


@pytest.fixture
def both(backend: str, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(backend, tmp_path) as engine:
        create_schema(engine)
        yield engine


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in SQLModel.metadata.sorted_tables
        }


@BOTH
def test_a_dry_run_plan_import_says_what_it_would_do_and_writes_nothing(both, tmp_path) -> None:
    plan = write(tmp_path / "plan.csv", "\n".join([ZH_HEADER, *ZH_ROWS]) + "\n")
    before = _counts(both)
    (saved,) = import_plan(both, plan, dry_run=True)
    assert (saved.created, saved.pledges, saved.items) == (True, 2, 2)
    assert (saved.count("target.add"), saved.count("target.change")) == (3, 0)
    assert _counts(both) == before
    import_plan(both, plan)
    changed = write(
        tmp_path / "plan2.csv", "\n".join([ZH_HEADER, *ZH_ROWS]).replace(",7,所", ",8,所") + "\n"
    )
    after_import = _counts(both)
    (saved,) = import_plan(both, changed, dry_run=True)
    assert (saved.created, saved.count("target.add"), saved.count("target.change")) == (False, 0, 1)
    assert _counts(both) == after_import
    assert _structure(both).targets()[0].rule.target_value == 7


@BOTH
def test_a_dry_run_progress_import_counts_and_writes_nothing(both, tmp_path) -> None:
    import_plan(both, write(tmp_path / "plan.csv", "\n".join([ZH_HEADER, *ZH_ROWS]) + "\n"))
    first = write(tmp_path / "p1.csv", "plan,target,as_of,value\ndemo-2022,1.1,2022-09-30,5\n")
    save_entries(both, read_progress_file(both, first, today=TODAY))
    before = _counts(both)
    text = "plan,target,as_of,value\ndemo-2022,1.1,2022-09-30,6\ndemo-2022,2.1,2022-09-30,50\n"
    entries = read_progress_file(both, write(tmp_path / "p2.csv", text), today=TODAY)
    outcome = save_entries(both, entries, source="p2.csv", dry_run=True)
    assert (outcome.added, outcome.corrections, outcome.unchanged) == (1, 1, 0)
    assert _counts(both) == before


def test_a_bad_columns_map_on_the_command_line_is_one_line_and_exit_2(
    cli_db: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from pledgetrack.cli import app

    plan = write(tmp_path / "plan.csv", "\n".join([ZH_HEADER, *ZH_ROWS]) + "\n")
    columns = write(tmp_path / "map.toml", 'unit = "计量"\n')
    args = ["--db", str(cli_db), "import", "plan", str(plan), "--columns", str(columns)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "map.toml:0:unit: maps unit to the header '计量'" in result.output
    assert "Traceback" not in result.output


def test_the_dry_run_on_the_command_line_leaves_the_file_as_it_was(
    cli_db: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from pledgetrack.cli import app

    plan = write(tmp_path / "plan.csv", "\n".join([TITLE, ZH_HEADER, *ZH_ROWS]) + "\n")
    before = cli_db.read_bytes()
    result = CliRunner().invoke(
        app, ["--db", str(cli_db), "import", "plan", str(plan), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "plan demo-2022 would be created: 2 pledges, 2 items (2 added, 0 changed)" in result.output
    )
    assert "dry run: nothing was written" in result.output
    assert cli_db.read_bytes() == before


# ------------------------------------------------------------------ a real published list

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def test_the_linan_2022_list_imports_as_the_office_lays_it_out(empty_engine, tmp_path) -> None:
    """临安区 2022 (data/examples/README.md): the workbook the script writes is the one
    shipped, and it imports unchanged; the September figures read as the district's table."""
    from scripts.make_example_lists import LINAN_2022, write_office_plan

    made = write_office_plan(tmp_path / "linan-2022-plan.xlsx", LINAN_2022)
    import_plan(empty_engine, EXAMPLES / "linan-2022-plan.xlsx")
    (saved,) = import_plan(empty_engine, made, dry_run=True)
    assert (saved.created, saved.count("target.change"), saved.count("item.change")) == (
        False,
        0,
        0,
    )
    structure = _structure(empty_engine, "linan-2022")
    assert [(i.no, i.departments, len(i.targets)) for i in structure.items] == [
        (1, ("教育局",), 2),
        (2, ("卫生健康局",), 3),
        (3, ("交通运输局",), 3),
    ]
    screening = next(t for t in structure.targets() if t.key == "2.3")
    assert (screening.rule.target_value, screening.rule.at_least, screening.unit) == (
        10000,
        True,
        "例",
    )
    entries = read_progress_file(empty_engine, EXAMPLES / "linan-2022-progress.csv", today=TODAY)
    save_entries(empty_engine, entries)
    status = plan_status(empty_engine, on=date(2022, 9, 30), plan="linan-2022", policy=Policy())
    assert [(row.info.no, row.result.status) for row in status.items] == [
        (1, Status.ACHIEVED),
        (2, Status.ACHIEVED),
        (3, Status.BEHIND),  # 50 of 100 km of rural roads at the end of September
    ]


def test_every_header_alias_is_documented() -> None:
    from pledgetrack.exchange.header_map import PLAN_ALIASES, PROGRESS_ALIASES

    doc = (Path(__file__).resolve().parents[1] / "docs" / "exchange-format.md").read_text()
    office = doc[doc.index("## Office tables") :]
    plan_part, progress_part = office.split("\nProgress file:\n", 1)
    for aliases, part in ((PLAN_ALIASES, plan_part), (PROGRESS_ALIASES, progress_part)):
        for column, names in aliases.items():
            row = next(line for line in part.splitlines() if line.startswith(f"| `{column}` |"))
            assert all(name in row for name in names), column


def test_status_of_the_imported_linan_list_shows_its_title(cli_db) -> None:
    """The list's own title, read from its title row, heads `status`, not the plan code."""
    from typer.testing import CliRunner

    from pledgetrack.cli import app

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["--db", str(cli_db), *args])
        assert result.exit_code == 0, result.output
        return result.output

    shown = run("import", "plan", str(EXAMPLES / "linan-2022-plan.xlsx"), "--dry-run")
    assert (
        "guessed: plan title '2022年区政府民生实事项目': the title row 1 ('2022年区政府民生实事项目')"
    ) in shown.splitlines()
    run("import", "plan", str(EXAMPLES / "linan-2022-plan.xlsx"))
    status = run("status", "--plan", "linan-2022", "--as-of", "2022-09-30")
    assert "2022年区政府民生实事项目 — status as of 2022-09-30" in status
    assert "linan-2022 —" not in status
