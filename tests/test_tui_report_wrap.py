"""The report screen breaks its lines as Chinese text is set (domain.linebreak): no row
starts with 、 or %, figures stay whole, indented entries hang; the text saved and copied
is the report's, byte for byte, as ``pledgetrack report`` prints it."""

from __future__ import annotations

import re
from pathlib import Path

from rich.cells import cell_len
from sqlalchemy.engine import Engine
from textual.pilot import Pilot
from typer.testing import CliRunner

from pledgetrack.cli import app as cli_app
from pledgetrack.tui.app import PledgeApp
from pledgetrack.tui.screens.report import ReportScreen
from pledgetrack.tui.widgets.reading_text import BrokenLinesDocument, ReadingTextArea
from tests.tui_support import make_app, settle

NEVER_FIRST = "、。，．：；！？）」』】〕…%"


def cli_report(engine: Engine, lang: str) -> str:
    """``pledgetrack report --month 2020-10`` on the test's database."""
    url = engine.url.render_as_string(hide_password=False)
    args = ["--db", url, "report", "--month", "2020-10", "--lang", lang]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    return result.stdout


async def open_report(pilot: Pilot[object], app: PledgeApp) -> ReadingTextArea:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, ReportScreen)
    return app.screen.query_one("#report", ReadingTextArea)


async def rows_on_screen(pilot: Pilot[object], area: ReadingTextArea) -> list[str]:
    """Every row the report shows, as drawn, scrolling a page at a time."""
    height, page = area.wrapped_document.height, area.size.height
    rows: list[str] = []
    for top in range(0, height, page):
        area.scroll_to(y=top, animate=False, immediate=True)
        await pilot.pause()
        shift = top - area.scroll_offset.y  # the last page stops at the end
        rows += [area.render_line(shift + y).text for y in range(min(page, height - top))]
    return rows


async def test_at_80_columns_no_row_starts_with_closing_punctuation(engine: Engine) -> None:
    app = make_app(engine, lang="zh")
    async with app.run_test(size=(80, 30)) as pilot:
        area = await open_report(pilot, app)
        text = cli_report(engine, "zh")
        assert area.text == text
        rows = await rows_on_screen(pilot, area)
        assert len(rows) > len(text.splitlines())  # long lines do break
        assert [row for row in rows if row.strip() and row.strip()[0] in NEVER_FIRST] == []
        width = area.scrollable_content_region.width
        assert all(cell_len(row.rstrip()) <= width for row in rows)
        # figures stay whole: each of the items' percentages is on one row
        figures = set(re.findall(r"占年计划的([\d.]+%)", text))
        assert "138.6%" in figures
        assert [f for f in figures if not any(f in row for row in rows)] == []
        # the departments' list hangs: its continuation rows are indented as deep
        wrapped = area.wrapped_document
        assert isinstance(wrapped, BrokenLinesDocument)
        hangs = [wrapped.hang_of_row(y) for y in range(len(rows))]
        hung = [row for row, hang in zip(rows, hangs, strict=True) if hang]
        assert set(hangs) == {0, 2} and any("报指标" in row for row in hung)
        assert all(row.startswith("  ") and row[2] != " " for row in hung)


async def test_the_rows_break_anew_when_the_terminal_is_resized(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=(80, 30)) as pilot:
        area = await open_report(pilot, app)
        narrow = await rows_on_screen(pilot, area)
        await pilot.resize_terminal(120, 30)
        await settle(pilot, until=lambda: area.size.width > 100)
        wide = await rows_on_screen(pilot, area)
        assert len(wide) < len(narrow)
        width = area.scrollable_content_region.width
        assert any(cell_len(row.rstrip()) > 90 for row in wide)
        assert all(cell_len(row.rstrip()) <= width for row in wide)
        # English breaks between words: every Latin word and figure is whole on some row
        words = {word for word in cli_report(engine, "en").split() if word.isascii()}
        assert words <= {word for row in wide for word in row.split()}


async def test_save_writes_what_the_cli_prints_not_the_rows(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "october.txt"
    app = make_app(engine, lang="zh")
    async with app.run_test(size=(80, 30)) as pilot:
        await open_report(pilot, app)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#save-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot, until=out.exists)
    assert out.read_bytes() == cli_report(engine, "zh").encode("utf-8")


async def test_copy_gives_the_report_s_text_without_the_breaks(engine: Engine) -> None:
    app = make_app(engine, lang="zh")
    async with app.run_test(size=(80, 30)) as pilot:
        area = await open_report(pilot, app)
        text = cli_report(engine, "zh")
        await pilot.press("f7")  # select all
        assert area.selected_text == text
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.clipboard == text


async def test_a_click_on_a_hanging_row_lands_on_the_character_drawn_there(
    engine: Engine,
) -> None:
    app = make_app(engine, lang="zh")
    async with app.run_test(size=(80, 30)) as pilot:
        area = await open_report(pilot, app)
        area.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        wrapped = area.wrapped_document
        assert isinstance(wrapped, BrokenLinesDocument)
        top = area.scroll_offset.y
        y = next(y for y in range(area.size.height) if wrapped.hang_of_row(top + y))
        row = area.render_line(y).text
        hang = wrapped.hang_of_row(top + y)
        assert row[:hang] == " " * hang and row[hang] != " "
        # the text area's left padding is one cell
        await pilot.click(area, offset=(1 + hang, y))
        line, column = area.cursor_location
        assert area.document[line][column] == row[hang]
        await pilot.click(area, offset=(1 + hang + 2, y))
        assert area.cursor_location == (line, column + 1)  # a CJK character is two cells
