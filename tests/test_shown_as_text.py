"""What people type is shown as text: brackets are not markup, escape characters do not
reach the terminal — in the CLI's one-line refusals and on the entry screen."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Input
from typer.testing import CliRunner

from pledgetrack.cli import app as cli_app
from pledgetrack.tui.screens.entry import EntryScreen
from tests.conftest import DATA
from tests.tui_support import SIZE, make_app, notifications, settle

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", path)
    return path


@pytest.mark.parametrize("typed", ["[/]", "70[bold]", "[red]1[/red]"])
def test_brackets_in_a_refused_figure_are_shown_as_typed(db: Path, typed: str) -> None:
    result = runner.invoke(
        cli_app, ["--db", str(db), "--lang", "en", "record", "28.1", typed, "--as-of", "2020-11"]
    )
    assert result.exit_code == 2
    assert f"error: 28.1: {typed!r} is not a number" in result.output
    assert "Traceback" not in result.output


def test_an_escape_character_never_reaches_the_terminal(db: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        cli_app, ["--db", str(db), "--lang", "zh", "record", "28.1", "7\x1b[31m0"]
    )
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "\\x1b[31m" in result.output
    bad = tmp_path / "p.csv"
    bad.write_text("plan,target,as_of,value\nqingdao-2020,28.1,2020-11-30,\x1b[2J\n")
    result = runner.invoke(cli_app, ["--db", str(db), "import", "progress", str(bad)])
    assert result.exit_code == 2
    assert "\x1b" not in result.output and "p.csv:2:value" in result.output


async def test_brackets_typed_on_the_entry_screen_are_shown_not_parsed(engine: Engine) -> None:
    app = make_app(engine, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        row = screen.grid.rows()[0]
        field = screen.query_one(f"#value-{row.line.target.id}", Input)
        field.focus()
        await pilot.press(*"[/]")
        await settle(pilot)
        assert str(row.query_one(".e-check").render()) == "✗ “[/]”不是数字"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "“[/]”不是数字" in str(screen.query_one("#entry-help").render())
        assert notifications(app)[-1][1] == "error"
