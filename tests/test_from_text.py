"""`import plan --from-text`: an office table's targets read from its 目标任务 sentences,
shown by --dry-run, stored only when asked for (exchange/sentence_rows.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.services.plans import import_plan
from pledgetrack.storage.queries import load_structure
from tests.conftest import write

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
HEADER = "序号,实事项目,目标任务,责任单位"
SENTENCES = [
    '1,学校建设,"新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个",教育局',
    "2,托育,新增托位300个以上,卫生健康局",
    "3,市民中心,建成市民中心,机关事务局",
]


def _table(tmp_path: Path, *rows: str) -> Path:
    return write(tmp_path / "demo-2022-plan.csv", "\n".join([HEADER, *rows]) + "\n")


def _targets(engine, code: str = "demo-2022"):  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        structure = load_structure(session=session, code=code)
    return [
        (t.key, t.name, t.rule.kind.value, t.rule.target_value, t.rule.at_least, t.unit)
        for t in structure.targets()
    ]


def test_with_from_text_each_sentence_becomes_its_targets(empty_engine, tmp_path) -> None:
    heard = []
    import_plan(empty_engine, _table(tmp_path, *SENTENCES), from_text=True, on_guesses=heard.append)
    assert _targets(empty_engine) == [
        ("1.1", "新建成公办中小学、幼儿园", "quantity", 7, False, "所"),
        ("1.2", "新增中小学、幼儿园公办学位", "quantity", 6800, False, "个"),
        ("2.1", "新增托位", "quantity", 300, True, "个"),
        ("3.1", "建成市民中心", "milestone", None, False, ""),
    ]
    (guesses,) = heard
    assert [(p.key, p.row.number, p.proposal.clause) for p in guesses.proposed][:2] == [
        ("1.1", 2, "新建成公办中小学、幼儿园7所"),
        ("1.2", 2, "新增中小学、幼儿园公办学位6800个"),
    ]
    assert (
        "plan code 'demo-2022': the file's name without '-plan' (the table has no plan column)"
        in guesses.lines
    )


def test_a_sentence_only_table_is_refused_without_from_text(empty_engine, tmp_path) -> None:
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, _table(tmp_path, SENTENCES[2], *SENTENCES[:2]))
    ((error),) = refused.value.errors
    assert (error.row, error.column) == (3, "target_name")
    assert "--from-text --dry-run" in error.reason


def test_a_table_of_milestones_without_figures_still_imports_without_from_text(
    empty_engine, tmp_path
) -> None:
    import_plan(empty_engine, _table(tmp_path, SENTENCES[2]))
    assert [t[2] for t in _targets(empty_engine)] == ["milestone"]


def test_every_sentence_that_cannot_be_read_is_named_and_nothing_is_stored(
    empty_engine, tmp_path
) -> None:
    path = _table(
        tmp_path,
        SENTENCES[0],
        "2,疗休养,组织425名劳模和5000名职工疗休养,总工会",
        "3,基站,建设5G基站,工信局",
    )
    with pytest.raises(ImportRejected) as refused:
        import_plan(empty_engine, path, from_text=True)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (3, "target_name"),
        (4, "target_name"),
    ]
    assert "has 2 figures ('425名', '5000名')" in refused.value.errors[0].reason
    assert str(refused.value.errors[1]).startswith(f"{path}:4:target_name: '建设5G基站' has digits")


def test_a_row_with_its_own_target_value_is_taken_as_it_is(empty_engine, tmp_path) -> None:
    text = "序号,实事项目,目标任务,目标值,单位,责任单位\n1,学校,新建学校7所,8,所,教育局\n2,托育,新增托位300个,,,卫生健康局\n"
    import_plan(empty_engine, write(tmp_path / "demo-2022-plan.csv", text), from_text=True)
    assert [(t[0], t[1], t[3]) for t in _targets(empty_engine)] == [
        ("1.1", "新建学校7所", 8),
        ("2.1", "新增托位", 300),
    ]


def test_from_text_on_a_plan_file_with_codes_is_refused(empty_engine, tmp_path) -> None:
    text = (
        "plan,pledge,pledge_title,item,item_title,department,target,target_name,assessed,kind\n"
        "demo-2022,1,教育,1,学校,教育局,1.1,新建学校7所,yes,milestone\n"
    )
    with pytest.raises(ImportRejected, match="--from-text reads office tables"):
        import_plan(empty_engine, write(tmp_path / "plan.csv", text), from_text=True)


def test_the_dry_run_shows_the_proposal_by_item_and_writes_nothing(cli_db, tmp_path) -> None:
    path = _table(tmp_path, *SENTENCES)
    before = cli_db.read_bytes()
    args = ["--db", str(cli_db), "import", "plan", str(path), "--from-text", "--dry-run"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert cli_db.read_bytes() == before
    lines = result.output.splitlines()
    start = lines.index("targets read from the 目标任务 sentences:")
    assert lines[start + 1 : start + 7] == [
        "  item 1 学校建设",
        "    1.1 新建成公办中小学、幼儿园: 7 所  ← '新建成公办中小学、幼儿园7所' (row 2)",
        "    1.2 新增中小学、幼儿园公办学位: 6800 个  ← '新增中小学、幼儿园公办学位6800个' (row 2)",
        "  item 2 托育",
        "    2.1 新增托位: 300 个 以上  ← '新增托位300个以上' (row 3)",
        "  item 3 市民中心",
    ]
    assert "guessed: every target is assessed (no 是否考核 column)" in lines
    assert lines[-1] == "dry run: nothing was written"


def test_a_first_dry_run_needs_no_database_and_leaves_none(tmp_path) -> None:
    """A new user's first step: the dry run of a plan before any database exists."""
    path = _table(tmp_path, *SENTENCES)
    database = tmp_path / "new" / "pledges.sqlite"
    database.parent.mkdir()
    args = ["--db", str(database), "import", "plan", str(path), "--from-text", "--dry-run"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert f"no database at {database} yet: the plan is checked as a first import" in (
        result.output
    )
    assert "would be created" in result.output
    assert list(database.parent.iterdir()) == []


def test_without_from_text_the_command_line_says_to_look_at_the_proposal(cli_db, tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["--db", str(cli_db), "import", "plan", str(_table(tmp_path, *SENTENCES))]
    )
    assert result.exit_code == 2
    assert "demo-2022-plan.csv:2:target_name: " in result.output
    assert "see what `import plan FILE --from-text --dry-run` reads" in result.output
    assert "Traceback" not in result.output


def test_the_linan_office_table_from_text_gives_the_targets_of_the_explicit_table(
    empty_engine, tmp_path
) -> None:
    """临安区 2022 as the office publishes it (sentences only) reads as the table with
    目标值 and 单位 added by hand; the script writes the shipped workbook."""
    from openpyxl import load_workbook
    from scripts.make_example_lists import LINAN_2022, write_office_plan

    shipped = EXAMPLES / "linan-2022-plan-office.xlsx"
    made = write_office_plan(tmp_path / shipped.name, LINAN_2022, sentences=True)
    assert [list(r) for r in load_workbook(made).active.iter_rows(values_only=True)] == [
        list(r) for r in load_workbook(shipped).active.iter_rows(values_only=True)
    ]
    import_plan(empty_engine, EXAMPLES / "linan-2022-plan.xlsx")
    explicit = _targets(empty_engine, "linan-2022")
    # The same list in the office's layout: linan-2022-plan-office.xlsx is plan linan-2022
    # too, so importing it updates that plan: the same targets, named without the figure.
    (saved,) = import_plan(empty_engine, shipped, from_text=True)
    assert (saved.code, saved.created, saved.targets_added) == ("linan-2022", False, 0)
    assert saved.targets_not_in_file == []
    from_text = _targets(empty_engine, "linan-2022")
    assert [t[:1] + t[2:] for t in from_text] == [t[:1] + t[2:] for t in explicit]
    assert len(from_text) == 8
    assert all(e[1].startswith(f[1]) for e, f in zip(explicit, from_text, strict=True))
    renamed = sum(e[1] != f[1] for e, f in zip(explicit, from_text, strict=True))
    assert saved.targets_updated == saved.count("target.change") == renamed
