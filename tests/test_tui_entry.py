"""The monthly entry screen: the whole flow on a copy of the shipped database."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import Checkbox, Input, Select

from pledgetrack.domain.model import Status
from pledgetrack.storage.tables import Snapshot, Target
from pledgetrack.tui.app import PledgeApp
from pledgetrack.tui.screens.confirm import ConfirmScreen
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.entry import EntryRow, EntryScreen
from tests.tui_support import OCTOBER, SIZE, make_app, settle, text_of, wait_until

NOVEMBER_END = date(2020, 11, 30)
CULTURE = "市文化和旅游局"


def target_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {t.key: t.id for t in session.exec(select(Target)).all()}  # type: ignore[misc]


def november(engine: Engine) -> list[Snapshot]:
    with Session(engine) as session:
        return list(session.exec(select(Snapshot).where(Snapshot.as_of == NOVEMBER_END)).all())


async def open_entry_on_item_28(pilot) -> EntryScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    dash = pilot.app.screen
    assert isinstance(dash, DashboardScreen)
    dash.query_one("#search", Input).value = "28"
    await settle(pilot, until=lambda: dash.query_text == "28")
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EntryScreen)
    return screen


def status_of(app: PledgeApp, no: int) -> Status:
    dash = app.screen
    assert isinstance(dash, DashboardScreen) and dash.evaluation is not None
    return next(r for r in dash.evaluation.items if r.info.no == no).result.status


async def type_into(pilot, widget: Input, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.focus()
    await wait_until(pilot, lambda: widget.has_focus)
    await pilot.press(*text)


async def test_enter_november_for_item_28_save_and_travel_back(engine: Engine) -> None:
    app = make_app(engine)
    ids = target_ids(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert status_of(app, 28) is Status.BEHIND
        screen = await open_entry_on_item_28(pilot)
        # The lead department of item 28, the month after October.
        assert screen.query_one("#entry-department", Select).value == CULTURE
        assert screen.query_one("#entry-month", Select).value == date(2020, 11, 1)
        keys = [row.line.target.key for row in screen.rows()]
        assert keys == ["28.1", "28.2", "28.3", "29.1", "29.2", "29.3"]
        row = next(r for r in screen.rows() if r.line.target.key == "28.1")
        assert (
            str(row.query_one(".e-prev").render()) == "64 10/31"
        )  # the figure and the day it is of
        # The first value field has the focus; type, Enter moves on to the note.
        first = screen.query_one(f"#value-{ids['28.1']}", Input)
        assert first.has_focus
        await pilot.press("1", "0", "0", "enter")
        assert screen.query_one(f"#note-{ids['28.1']}", Input).has_focus
        await pilot.press(*"书亭全部建成", "enter")
        assert screen.query_one(f"#value-{ids['28.2']}", Input).has_focus
        await pilot.press("2", "0")
        assert "已改2" in text_of(app, "#entry-summary")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Back on the dashboard, now as of the month just entered.
        assert isinstance(app.screen, DashboardScreen)
        assert app.as_of == NOVEMBER_END
        assert status_of(app, 28) is Status.ACHIEVED
        stored = sorted((s.target_id, s.value, s.note, s.entered_by) for s in november(engine))
        assert stored == sorted(
            [
                (ids["28.1"], 100.0, "书亭全部建成", "tester"),
                (ids["28.2"], 20.0, "", "tester"),
            ]
        )
        # Time travel back to October: the old state.
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.as_of == OCTOBER
        assert status_of(app, 28) is Status.BEHIND


async def test_live_validation_blocks_save(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    ids = target_ids(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        value = screen.query_one(f"#value-{ids['28.1']}", Input)
        row = next(r for r in screen.rows() if r.line.target.key == "28.1")
        await type_into(pilot, value, "abc")
        assert "not a number" in str(row.query_one(".e-check").render())
        value.value = ""
        await type_into(pilot, value, "-3")
        assert "negative" in str(row.query_one(".e-check").render())
        value.value = ""
        await type_into(pilot, value, "50")  # last month 64
        assert "lower than the last figure (64)" in str(row.query_one(".e-check").render())
        await pilot.press("ctrl+s")  # a warning: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)  # not confirmed, nothing stored
        assert november(engine) == []
        await type_into(pilot, screen.query_one(f"#note-{ids['28.1']}", Input), "recount")
        assert "ready" in str(row.query_one(".e-check").render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert [(s.value, s.note) for s in november(engine)] == [(50.0, "recount")]


async def test_more_than_three_times_the_target_asks_first(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    ids = target_ids(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        await type_into(pilot, screen.query_one(f"#value-{ids['28.3']}", Input), "1000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "over 3×" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and november(engine) == []
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert [s.value for s in november(engine)] == [1000.0]


async def test_unsaved_entries_are_never_dropped_silently(engine: Engine) -> None:
    app = make_app(engine)
    ids = target_ids(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        await type_into(pilot, screen.query_one(f"#value-{ids['28.1']}", Input), "90")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one(f"#value-{ids['28.1']}", Input).value == "90"
        # Switching department asks too, and "no" keeps the sheet and the choice.
        select = screen.query_one("#entry-department", Select)
        select.value = "市民政局"
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert select.value == CULTURE and screen.department == CULTURE
        assert screen.query_one(f"#value-{ids['28.1']}", Input).value == "90"
        # Quitting asks.
        await app.action_quit()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and app.is_running
        # Leaving and saying yes drops them, and nothing was stored.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert november(engine) == []


async def test_switching_department_and_milestone_toggle(engine: Engine) -> None:
    app = make_app(engine)
    ids = target_ids(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        box = screen.query_one(f"#done-{ids['29.1']}", Checkbox)
        assert box.value is True  # done in October
        box.focus()
        await pilot.press("space")
        row = next(r for r in screen.rows() if r.line.target.key == "29.1")
        assert row.check.error is None and row.check.warning is not None
        assert row.check.warning.code == "undone_needs_note"
        await pilot.press("space")
        assert not screen.has_unsaved()
        screen.query_one("#entry-department", Select).value = "市商务局"
        await settle(pilot)
        assert [r.line.target.key for r in screen.rows()][:1] == ["31.1"]
        assert all(isinstance(r, EntryRow) for r in screen.rows())


async def _entry_with_checks(pilot) -> None:  # type: ignore[no-untyped-def]
    """Item 28's department: one good figure, one lower than last month, one large."""
    screen = await open_entry_on_item_28(pilot)
    ids = target_ids(pilot.app.engine)
    await type_into(pilot, screen.query_one(f"#value-{ids['28.1']}", Input), "100")
    await type_into(pilot, screen.query_one(f"#value-{ids['28.2']}", Input), "8")
    await type_into(pilot, screen.query_one(f"#value-{ids['28.3']}", Input), "95")
    await type_into(pilot, screen.query_one(f"#note-{ids['28.1']}", Input), "")
    # A steady cursor: a blinking one is on or off depending on when the picture is taken.
    for field in screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_entry_snapshot(snap_compare, engine: Engine, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(engine, lang=lang), terminal_size=SIZE, run_before=_entry_with_checks
    )


@pytest.mark.slow
async def test_a_long_sheet_comes_in_pages_and_saves_what_was_typed_on_each(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A department of a province plan has hundreds of lines: the sheet shows a page at a
    time (PgDn / PgUp). What was typed on a page is kept when it goes; saving checks and
    stores every page's changes, and a refused save turns back to the first error."""
    import pledgetrack.tui.widgets.entry_grid as entry_grid

    monkeypatch.setattr(entry_grid, "LINES_PER_PAGE", 2)
    app = make_app(engine)
    ids = target_ids(engine)

    def keys(screen: EntryScreen) -> list[str]:
        return [row.line.target.key for row in screen.rows()]

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        assert keys(screen) == ["28.1", "28.2"]
        assert "第1/3页（第1–2行" in text_of(app, "#entry-summary")
        await type_into(pilot, screen.query_one(f"#value-{ids['28.1']}", Input), "abc")
        await pilot.press("pagedown")
        await settle(pilot)
        assert keys(screen) == ["28.3", "29.1"]
        assert screen.query_one(f"#value-{ids['28.3']}", Input).has_focus
        assert "第2/3页" in text_of(app, "#entry-summary")
        assert "已改1 · 错误1" in text_of(app, "#entry-summary")  # page 1's line counts
        await type_into(pilot, screen.query_one(f"#value-{ids['28.3']}", Input), "31")
        await pilot.press("pagedown")
        await settle(pilot)
        assert keys(screen) == ["29.2", "29.3"]
        await pilot.press("pagedown")  # no page 4
        await settle(pilot)
        assert keys(screen) == ["29.2", "29.3"]
        # Saving is refused (28.1 reads "abc"): back on page 1, the error's field focused.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen) and november(engine) == []
        assert keys(screen) == ["28.1", "28.2"]
        first = screen.query_one(f"#value-{ids['28.1']}", Input)
        assert first.value == "abc" and first.has_focus
        first.value = ""
        await type_into(pilot, first, "100")
        await pilot.press("pageup")  # no page 0
        await settle(pilot)
        assert screen.query_one(f"#value-{ids['28.1']}", Input).value == "100"
        assert "已改2 · 错误0" in text_of(app, "#entry-summary")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        stored = sorted((s.target_id, s.value) for s in november(engine))
        assert stored == sorted([(ids["28.1"], 100.0), (ids["28.3"], 31.0)])
