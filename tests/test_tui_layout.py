"""Screens fit the terminal: at 80 columns the columns that matter stay (序号, 事项, 完成率,
状态; the entry sheet's check), the counters and footer fit; on a wide terminal titles and
notes use the room; the entry sheet's note opens whole in an editor (F2)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from sqlalchemy.engine import Engine
from textual import events
from textual.widgets import Input
from textual.widgets._footer import FooterKey

from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.entry import EntryScreen
from pledgetrack.tui.screens.note_editor import NoteEditorScreen
from pledgetrack.tui.widgets.fitted_table import CELL_PADDING, FittedTable
from tests.test_tui_entry import _entry_with_checks, open_entry_on_item_28, target_ids
from tests.tui_support import make_app, settle

NARROW, WIDE = (80, 24), (200, 50)
STAYING = {"no", "item", "completion", "status"}


def dashboard(app) -> DashboardScreen:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def table_cells(table: FittedTable) -> int:
    """Cells the table's columns take, padding included."""
    return sum(w + CELL_PADDING for w in table.widths.values())


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_dashboard_at_80_columns_keeps_what_matters_and_fits(
    engine: Engine, lang: str
) -> None:
    app = make_app(engine, lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        # The footer lists its keys once the screen's bindings are in (after a refresh).
        await settle(pilot, until=lambda: any(k.display for k in app.screen.query(FooterKey)))
        screen = dashboard(app)
        table = screen.table
        assert STAYING <= table.widths.keys()
        assert "last" not in table.widths and "lead" not in table.widths
        assert table_cells(table) <= table.size.width - table.styles.scrollbar_size_vertical
        assert table.max_scroll_x == 0, "nothing to scroll sideways to"
        # The counters fit on the screen, every one whole.
        for counter in screen.query(".counter"):
            assert counter.region.right <= NARROW[0]
            assert cell_len(str(counter.render())) <= counter.region.width
        # The footer shows the keys that matter, inside the screen.
        shown = {k.action: k for k in screen.query(FooterKey) if k.display}
        for action in ("select_cursor", "prev_month", "next_month", "entry", "report"):
            assert action in shown, action
            assert shown[action].region.right <= NARROW[0]
        assert "command_palette" in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_dashboard_on_a_wide_terminal_shows_every_column_and_whole_titles(
    engine: Engine, lang: str
) -> None:
    app = make_app(engine, lang=lang)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        table = screen.table
        assert list(table.widths) == ["no", "item", "lead", "completion", "expected", "status",
                                      "last"]  # fmt: skip
        assert screen.evaluation is not None
        longest = max(cell_len(r.info.title) for r in screen.evaluation.items)
        assert table.widths["item"] >= longest
        # Counters in words on one line.
        assert "-compact" not in screen.query_one("#counters").classes


async def test_the_columns_are_laid_out_again_when_the_terminal_narrows(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot)
        table = dashboard(app).table
        table.move_cursor(row=5)
        kept = table.cursor_row
        await pilot.resize_terminal(*NARROW)
        await settle(pilot, until=lambda: "last" not in table.widths)
        assert STAYING <= table.widths.keys()
        assert table.cursor_row == kept, "the cursor stays on its row"
        assert len(table.item_keys()) == 36


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_entry_sheet_at_80_columns_shows_the_check(engine: Engine, lang: str) -> None:
    app = make_app(engine, lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        await _entry_with_checks(pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        for row in screen.rows():
            check = row.query_one(".e-check")
            assert check.region.width >= 10 and check.region.right <= NARROW[0]
            assert row.query_one(".e-note").region.width >= 4
        # The heading of the check column sits above the checks.
        head = screen.query_one("#head-check")
        assert head.region.x == screen.rows()[0].query_one(".e-check").region.x


async def test_entry_sheet_on_a_wide_terminal_gives_the_name_and_note_room(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=WIDE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        row = screen.rows()[0]
        assert row.query_one(".e-note").region.width >= 40
        assert row.query_one(".e-name").region.width >= 30


async def test_f2_opens_the_note_whole_and_enter_keeps_it(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_entry_on_item_28(pilot)
        tid = target_ids(app.engine)["28.1"]
        screen.query_one(f"#value-{tid}", Input).focus()
        await pilot.press("f2")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditorScreen)
        assert editor.query_one("#note-dialog").region.width == NARROW[0]
        await pilot.press(*"library count from the district", "enter")
        await settle(pilot)
        assert app.screen is screen
        note = screen.query_one(f"#note-{tid}", Input)
        assert note.value == "library count from the district"
        row = next(r for r in screen.rows() if r.line.target.id == tid)
        assert row.given().note == "library count from the district" and row.changed()
        # ctrl+s keeps as well; what was there is in the editor to be added to.
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press(*" (checked)", "ctrl+s")
        await settle(pilot)
        assert note.value == "library count from the district (checked)"


async def test_esc_in_the_note_editor_keeps_the_note_as_it_was(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_entry_on_item_28(pilot)
        tid = target_ids(app.engine)["28.2"]
        note = screen.query_one(f"#note-{tid}", Input)
        before = note.value
        note.focus()
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditorScreen)
        await pilot.press(*"不要", "escape")
        await settle(pilot)
        assert app.screen is screen and note.value == before
        assert not screen.has_unsaved()


async def test_the_note_editor_turns_a_pasted_line_break_into_a_space(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_entry_on_item_28(pilot)
        tid = target_ids(app.engine)["28.1"]
        screen.query_one(f"#value-{tid}", Input).focus()
        await pilot.press("f2")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditorScreen)
        editor.query_one("#note-text").post_message(events.Paste("第一行\n第二行"))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query_one(f"#note-{tid}", Input).value == "第一行 第二行"


@pytest.mark.parametrize("key", ["a", "c"])
async def test_attention_board_and_scorecard_fit_80_columns(engine: Engine, key: str) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        table = app.screen.query_one(FittedTable)
        assert table_cells(table) <= table.size.width - table.styles.scrollbar_size_vertical
        if key == "a":
            assert STAYING <= table.widths.keys()
        else:
            assert {"department", "items", "behind", "overdue", "late", "completion"} <= set(
                table.widths
            )


async def test_item_detail_keeps_the_status_at_80_columns(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=(80, 40)) as pilot:
        await settle(pilot)
        dashboard(app).open_item(1)
        await settle(pilot)
        targets = app.screen.query_one("#targets", FittedTable)
        assert {"col.no", "col.target", "col.value", "col.completion", "col.status"} <= set(
            targets.widths
        )
        assert table_cells(targets) <= targets.size.width - targets.styles.scrollbar_size_vertical
        history = app.screen.query_one("#history", FittedTable)
        assert {"col.date", "col.value", "col.note"} <= set(history.widths)


# ---- snapshots: 80×24 and 200×50 (120×40 is in test_tui.py and test_tui_entry.py) ----


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "200x50"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_layout_snapshot(snap_compare, engine: Engine, lang: str, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(engine, lang=lang), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", [NARROW, WIDE], ids=["80x24", "200x50"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_entry_layout_snapshot(snap_compare, engine: Engine, lang: str, size) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(engine, lang=lang), terminal_size=size, run_before=_entry_with_checks
    )
