"""`review list` is written as the figures are read (a province's ``--status all`` lists
over a million): the JSON text is the one the whole list made, and so are the table's
lines to a file or a pipe."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.table import Table
from rich.text import Text
from typer.testing import CliRunner

from pledgetrack.cli import app, render
from pledgetrack.cli.render import (
    json_list_chunks,
    plain,
    plain_table_lines,
    review_json,
    review_table,
    streamed_table_lines,
)
from pledgetrack.config import sqlite_url
from pledgetrack.services.review import STATES, review_list
from pledgetrack.storage import queries
from pledgetrack.storage.db import make_engine
from tests.conftest import DATA

runner = CliRunner()

leaves = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
values = st.recursive(
    leaves,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(items=st.lists(values, max_size=12), batch=st.integers(1, 5))
def test_the_pieces_make_the_text_json_makes_of_the_whole_list(items, batch) -> None:
    text = "".join(json_list_chunks(iter(items), batch=batch))
    assert text == json.dumps(items, ensure_ascii=False, indent=2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return copy


def run(db: Path, *args: str):
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_review_list_json_is_the_whole_lists_text(db, monkeypatch) -> None:
    run(db, "record", "28.1", "100", "--as-of", "2020-11-30")
    run(db, "record", "28.2", "20", "--as-of", "2020-11-30")
    run(db, "review", "return", "28.1", "--as-of", "2020-11", "--comment", "请附清单\n两份")
    run(db, "review", "approve", "28.2", "--as-of", "2020-11")
    monkeypatch.setattr(queries, "STREAM_ROWS", 4)  # reviews read batch by batch
    engine = make_engine(sqlite_url(db))
    for states, args in (
        (STATES, ("--status", "all")),
        (("returned",), ("--status", "returned")),
        (("submitted", "returned"), ()),
    ):
        whole = review_json(review_list(engine, states=states))
        expected = json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
        assert run(db, "review", "list", *args, "--json") == expected
    engine.dispose()
    listed = json.loads(run(db, "review", "list", "--status", "all", "--json"))
    assert len(listed) == 93
    november = {
        r["target"]: (r["status"], r["comment"]) for r in listed if r["as_of"] == "2020-11-30"
    }
    assert november == {"28.1": ("returned", "请附清单\n两份"), "28.2": ("approved", "")}


def test_no_figures_in_a_state_is_an_empty_json_list(db) -> None:
    assert run(db, "review", "list", "--status", "returned", "--json") == "[]\n"


def test_review_list_table_to_a_pipe_is_the_whole_tables_lines(db) -> None:
    run(db, "review", "return", "28.1", "--as-of", "2020-10", "--comment", "[请附清单]: 两份")
    engine = make_engine(sqlite_url(db))
    whole = plain_table_lines(review_table(review_list(engine, states=STATES)))
    engine.dispose()
    assert whole is not None
    assert run(db, "review", "list", "--status", "all") == "".join(f"{line}\n" for line in whole)


def table(rows: list[tuple[str, ...]]) -> Table:
    made = Table()
    made.add_column("id", justify="right")
    made.add_column("名称")
    made.add_column("status", max_width=8, no_wrap=True, overflow="ellipsis")
    for row in rows:
        made.add_row(row[0], plain(row[1]), Text(row[2], style="green"))
    return made


rows = st.lists(
    st.tuples(
        st.from_regex(r"[0-9]{1,6}", fullmatch=True),
        st.text(alphabet="ab市政府 办", max_size=12),
        st.text(alphabet="approvedé青", max_size=12),
    ),
    min_size=1,
    max_size=20,
)


@given(rows=rows, more=st.integers(0, 600))
def test_a_table_of_rows_read_as_they_come_has_the_lines_of_the_whole_table(rows, more) -> None:
    rows = (rows * (more // len(rows) + 1))[: len(rows) + more]  # past a part of 500 lines
    lines = streamed_table_lines(table([]), lambda: iter(rows))
    assert lines is not None
    assert [line for part in lines for line in part] == plain_table_lines(table(rows))


def test_a_table_not_laid_out_by_hand_is_printed_whole_by_rich(monkeypatch, capsys) -> None:
    made = [("1", "a", "x"), ("22", "bb", "approved"), ("333", "市政府", "y")]
    monkeypatch.setattr(render, "streamed_table_lines", lambda head, rows: None)
    render.print_streamed_table(table([]), lambda: iter(made), lambda: table(made))
    streamed = capsys.readouterr().out
    render.print_table(table(made))
    assert streamed == capsys.readouterr().out and "市政府" in streamed
