"""A CSV file that would be read as something other than what it says is refused, naming
the row and column: mixed encodings, an unterminated quote, more cells than the header
(an unquoted ``6,800``), a cell over the size limit. Nothing is written."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.storage.tables import Plan, Snapshot
from tests.conftest import PROGRESS_CSV, TODAY

PROGRESS_HEADER = "plan,target,as_of,value,done,note,entered_by\n"
PLAN_HEADER = (
    "plan,pledge,pledge_title,item,item_title,department,target,target_name,"
    "target_value,unit,baseline,deadline,assessed,kind,schedule,note\n"
)
PLAN_ROWS = [
    "demo-2021,1,促进就业,1,就业,市人社局,1.1,城镇新增就业,30,万人,,,yes,quantity,,\n",
    "demo-2021,1,促进就业,1,就业,市人社局,1.2,引才,25,万人,,,是,数量,,\n",
    "demo-2021,2,政务服务,2,政策通,市民营经济局,2.1,政策通二期,,,,,yes,milestone,开发;正式运行,\n",
]
#: Notes of real progress rows; "进展顺利" in UTF-8 reads as GB18030 without an error
#: (as mojibake: 杩涘睍椤哄埄), which is what makes a mixed file dangerous.
NOTES = ["进展顺利", "按计划推进", "已完成招标", "完成"]


def progress_row(note: str, value: str = "45") -> str:
    return f"qingdao-2020,1.1,2020-11-30,{value},,{note},\n"


def rows_in(*parts: tuple[str, str]) -> bytes:
    """Lines each in its own encoding: (text, encoding)."""
    return b"".join(text.encode(encoding) for text, encoding in parts)


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def progress_refused(engine, path: Path) -> list[tuple[int, str, str]]:
    before = count(engine, Snapshot)
    with pytest.raises(ImportRejected) as info:
        save_entries(engine, read_progress_file(engine, path, today=TODAY))
    assert count(engine, Snapshot) == before, "a refused import wrote something"
    assert all(e.file == str(path) for e in info.value.errors)
    return [(e.row, e.column, e.reason) for e in info.value.errors]


def plan_refused(engine, path: Path) -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRejected) as info:
        import_plan(engine, path)
    assert count(engine, Plan) == 0, "a refused import wrote something"
    return [(e.row, e.column, e.reason) for e in info.value.errors]


# ---- encodings ---------------------------------------------------------------------


def test_a_utf8_file_with_one_row_saved_as_gb18030_is_refused_at_that_row(
    qingdao, tmp_path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        rows_in(
            (PROGRESS_HEADER, "utf-8"),
            (progress_row(NOTES[0]), "utf-8"),
            (progress_row(NOTES[1]), "utf-8"),
            (progress_row(NOTES[2]), "gb18030"),  # row 4
            (progress_row(NOTES[3]), "utf-8"),
        )
    )
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (4, "note")
    assert "not UTF-8" in reason and "GB18030" in reason and "one encoding" in reason


def test_a_gb18030_file_with_one_row_in_utf8_is_refused_not_stored_as_mojibake(
    qingdao, tmp_path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        rows_in(
            (PROGRESS_HEADER, "gb18030"),
            (progress_row(NOTES[1]), "gb18030"),
            (progress_row(NOTES[0]), "utf-8"),  # row 3: reads as GB18030 without an error
            (progress_row(NOTES[2]), "gb18030"),
        )
    )
    assert "杩涘睍椤哄埄" in path.read_bytes().decode("gb18030")  # what would be stored
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (3, "note")
    assert "UTF-8" in reason and "GB18030" in reason and "one encoding" in reason


def test_a_file_marked_utf8_with_a_gb18030_row_is_refused(qingdao, tmp_path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(
        rows_in(
            (PROGRESS_HEADER, "utf-8-sig"),
            (progress_row(NOTES[2]), "gb18030"),  # the only Chinese row: the BOM decides
        )
    )
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (2, "note")
    assert "not UTF-8" in reason and "UTF-8 mark" in reason


def test_a_plan_with_mixed_encodings_is_refused(empty_engine, tmp_path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(
        rows_in(
            (PLAN_HEADER, "utf-8"),
            (PLAN_ROWS[0], "utf-8"),
            (PLAN_ROWS[1], "gb18030"),
            (PLAN_ROWS[2], "utf-8"),
        )
    )
    ((row, column, reason),) = plan_refused(empty_engine, path)
    assert (row, column) == (3, "pledge_title")
    assert "GB18030" in reason


def test_a_row_that_is_neither_encoding_is_named(empty_engine, tmp_path) -> None:
    path = tmp_path / "plan.csv"
    path.write_bytes(
        rows_in((PLAN_HEADER, "gb18030"), (PLAN_ROWS[0], "gb18030"))
        + b"demo-2021,1,\xff\xfe,1,x,y,1.3,z,1,,,,yes,quantity,,\n"
    )
    ((row, column, reason),) = plan_refused(empty_engine, path)
    assert (row, column) == (3, "pledge_title")
    assert "neither UTF-8 nor GB18030" in reason


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_the_shipped_progress_file_still_imports_in_every_encoding(
    qingdao, tmp_path, encoding
) -> None:
    path = tmp_path / "progress.csv"
    path.write_bytes(PROGRESS_CSV.read_text(encoding="utf-8").encode(encoding))
    assert len(read_progress_file(qingdao, path, today=TODAY)) == 91


# ---- quotes, cells, sizes ------------------------------------------------------------


def test_an_unterminated_quote_is_refused_at_the_row_it_opened(qingdao, tmp_path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        PROGRESS_HEADER
        + progress_row("进展顺利")
        + 'qingdao-2020,2.1,2020-11-30,20,,"按计划推进,\n'  # row 3: the quote never closes
        + progress_row("完成"),
        encoding="utf-8",
    )
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (3, "note")
    assert "quote" in reason and "never closed" in reason


def test_a_quote_that_closes_rows_later_is_refused(empty_engine, tmp_path) -> None:
    """The quote opened in row 3 swallows row 4 whole, then closes in row 5's note."""
    path = tmp_path / "plan.csv"
    path.write_text(
        PLAN_HEADER
        + PLAN_ROWS[0]
        + PLAN_ROWS[1].replace(",,\n", ',,"说明\n')
        + PLAN_ROWS[2]
        + 'demo-2021,2,政务服务,2,政策通,市民营经济局,2.2,网站,,,,,no,milestone,,结束"\n',
        encoding="utf-8",
    )
    errors = plan_refused(empty_engine, path)
    assert (3, "note") == errors[0][:2]
    assert "quote" in errors[0][2] and "rows" in errors[0][2]


def test_a_note_over_several_lines_is_still_read(qingdao, tmp_path) -> None:
    path = tmp_path / "lines.csv"
    path.write_text(
        PROGRESS_HEADER + 'qingdao-2020,1.1,2020-11-30,45,,"第一行,\n第二行",\n', encoding="utf-8"
    )
    (entry,) = read_progress_file(qingdao, path, today=TODAY)
    assert entry.reading.note == "第一行,\n第二行"


def test_text_after_a_closing_quote_is_refused(qingdao, tmp_path) -> None:
    path = tmp_path / "after.csv"
    path.write_text(PROGRESS_HEADER + 'qingdao-2020,1.1,2020-11-30,"45"0,,,\n', encoding="utf-8")
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (2, "value")
    assert "after its closing quote" in reason


def test_more_cells_than_the_header_are_refused(empty_engine, tmp_path) -> None:
    path = tmp_path / "plan.csv"
    path.write_text(
        PLAN_HEADER + PLAN_ROWS[0] + PLAN_ROWS[1].replace(",,\n", ",,说明,多余\n"),
        encoding="utf-8",
    )
    ((row, column, reason),) = plan_refused(empty_engine, path)
    assert (row, column) == (3, "column Q")
    assert "17 cells" in reason and "the header 16" in reason


def test_empty_cells_past_the_header_are_fine(qingdao, tmp_path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text(PROGRESS_HEADER + progress_row("完成").replace("\n", ",,\n"), "utf-8")
    assert len(read_progress_file(qingdao, path, today=TODAY)) == 1


def test_an_unquoted_thousands_separator_is_refused_with_advice(qingdao, tmp_path) -> None:
    path = tmp_path / "comma.csv"
    path.write_text(
        PROGRESS_HEADER
        + progress_row("进展顺利")
        + "qingdao-2020,1.1,2020-12-31,6,800,,完成,\n",  # row 3: 6,800 unquoted
        encoding="utf-8",
    )
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (3, "value")
    assert reason == (
        "row 3 has 8 cells, the header 7: an unquoted thousands separator like 6,800? "
        'quote the figure ("6,800") or remove the comma'
    )


def test_a_cell_over_the_csv_limit_is_one_line(qingdao, tmp_path) -> None:
    path = tmp_path / "big.csv"
    limit = csv.field_size_limit()
    path.write_text(
        PROGRESS_HEADER + progress_row("完成") + progress_row("长" * (limit + 1)), "utf-8"
    )
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (3, "note")
    assert f"longer than {limit:,} characters" in reason


def test_a_csv_file_over_the_size_bound_is_refused_before_it_is_read(
    qingdao, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr("pledgetrack.exchange.tables.MAX_CSV_BYTES", 100)
    path = tmp_path / "large.csv"
    path.write_text(PROGRESS_HEADER + progress_row("完成") * 3, "utf-8")
    ((row, column, reason),) = progress_refused(qingdao, path)
    assert (row, column) == (0, "-")
    assert "larger than" in reason


# ---- the command line --------------------------------------------------------------


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (
            rows_in(
                (PROGRESS_HEADER, "utf-8"),
                (progress_row(NOTES[1]), "utf-8"),
                (progress_row(NOTES[2]), "gb18030"),
            ),
            ":3:note: ",
        ),
        ((PROGRESS_HEADER + 'qingdao-2020,1.1,2020-11-30,45,,"未闭合,\n').encode(), ":2:note: "),
        ((PROGRESS_HEADER + "qingdao-2020,1.1,2020-11-30,6,800,,,\n").encode(), ":2:value: "),
    ],
    ids=["mixed-encoding", "unterminated-quote", "thousands-separator"],
)
def test_the_cli_refusal_is_file_row_column_reason_and_changes_nothing(
    cli_db: Path, tmp_path: Path, content: bytes, where: str
) -> None:
    path = tmp_path / "progress.csv"
    path.write_bytes(content)
    before = digest(cli_db)
    result = CliRunner().invoke(app, ["--db", str(cli_db), "import", "progress", str(path)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{path}{where}"), lines
    assert lines[-1] == "error: 1 problem found; nothing was imported"
    assert len(lines) == 2
    assert digest(cli_db) == before
