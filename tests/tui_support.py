"""Helpers shared by the TUI tests: the app on a copy of the shipped database, and waiting.

The tests wait on the app's own state, never on time: `settle` lets the app run until
every worker is done, every screen on the stack holds what it loads, and every table
shows its rows at their measured widths. CI is a loaded two-core machine, so the overall
timeout is generous; reaching it is a failure, not a pass.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from time import monotonic

from rich.measure import Measurement
from rich.text import Text
from sqlalchemy.engine import Engine
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable

from pledgetrack.domain.model import Policy
from pledgetrack.tui.app import PledgeApp, create_app
from pledgetrack.tui.screens.attention import AttentionScreen
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.entry import EntryScreen
from pledgetrack.tui.screens.item_detail import ItemDetailScreen
from pledgetrack.tui.screens.month_report import MonthReportScreen
from pledgetrack.tui.screens.report import SaveReportScreen
from pledgetrack.tui.screens.review import ReviewScreen

DB = Path(__file__).resolve().parents[1] / "data" / "pledges.sqlite"
SIZE = (120, 40)
OCTOBER = date(2020, 10, 31)
#: "Today" for the TUI tests: after the plan, so every 2020 month can be entered.
TODAY = date(2026, 11, 25)
#: Seconds a wait may take before the test fails (minutes of CPU load included).
TIMEOUT = 60.0


def make_app(engine: Engine, lang: str = "zh", as_of: date | None = OCTOBER) -> PledgeApp:
    app = create_app(engine, lang=lang, policy=Policy(), as_of=as_of, today=TODAY, user="tester")
    _record_notifications(app)
    return app


def _record_notifications(app: PledgeApp) -> None:
    """Keep (message, severity) of every notification, in order, as `app.notified`: the
    tests read what the app said without Textual's private notification store."""
    notified: list[tuple[str, str]] = []
    notify = app.notify

    def recording(message: str, **kwargs: object) -> None:
        notified.append((message, str(kwargs.get("severity", "information"))))
        notify(message, **kwargs)  # type: ignore[arg-type]

    app.notify = recording  # type: ignore[method-assign]
    app.notified = notified  # type: ignore[attr-defined]


def notifications(app: App[object]) -> list[tuple[str, str]]:
    """(message, severity) of every notification the app has shown, oldest first."""
    return list(app.notified)  # type: ignore[attr-defined]


async def wait_until(
    pilot: Pilot[object], predicate: Callable[[], object], *, timeout: float = TIMEOUT
) -> None:
    """Let the app process its messages until *predicate()* holds; fail after *timeout*."""
    deadline = monotonic() + timeout
    while not predicate():
        if monotonic() > deadline:
            raise AssertionError(f"the app did not get there in {timeout:.0f} s: {predicate}")
        await pilot.pause()


async def settle(
    pilot: Pilot[object],
    until: Callable[[], object] | None = None,
    *,
    timeout: float = TIMEOUT,
) -> None:
    """Wait until the app is at rest (and *until()* holds, if given): no worker pending or
    running, every screen on the stack has what it loads, and every table on screen has
    measured its rows and draws them at those widths."""
    app = pilot.app
    deadline = monotonic() + timeout
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if at_rest(app) and (until is None or until()):
            stale = [table for table in app.screen.query(DataTable) if not shown_as_drawn(table)]
            if not stale:
                return
            # Measured and drawn, but the screen still holds lines from before the widths
            # changed (Textual repaints them on its next layout): repaint them now.
            for table in stale:
                table.refresh()
        if monotonic() > deadline:
            raise AssertionError(f"the app did not come to rest in {timeout:.0f} s")


def at_rest(app: App[object]) -> bool:
    """Nothing left to load or draw: see `settle`."""
    return (
        all(worker.is_finished for worker in app.workers)
        and all(loaded(screen) for screen in app.screen_stack)
        and all(table_drawn(table) for table in app.screen.query(DataTable))
    )


def loaded(screen: Screen[object]) -> bool:
    """The screen holds the data it loads in a worker (public attributes the screens set)."""
    if isinstance(screen, DashboardScreen):
        return (
            screen.evaluation is not None
            and not screen.evaluation.partial
            and screen.reminders_settled
        )
    if isinstance(screen, ItemDetailScreen):
        return screen.target_id is None or screen.target_id in screen.history
    if isinstance(screen, EntryScreen):
        sheet = screen.sheet
        return sheet is not None and (sheet.department, sheet.month) == (
            screen.department,
            screen.month,
        )
    if isinstance(screen, MonthReportScreen):
        return screen.report is not None
    if isinstance(screen, AttentionScreen):
        return screen.evaluation.partial or screen.forecast is not None
    if isinstance(screen, ReviewScreen):
        board = screen.board
        return board is not None and board.department == screen.department and not screen.busy
    return True


def table_drawn(table: DataTable[object]) -> bool:
    """The table has measured its rows (each auto-width column as wide as its widest cell)
    and draws its header at those widths.

    Textual measures new rows when the table is idle and redraws at the new widths only
    after the next layout; a screenshot in between shows label-wide columns.
    """
    console = table.app.console
    for column in table.ordered_columns:
        if not column.auto_width:
            continue
        for value in table.get_column(column.key):
            cell = Text.from_markup(value) if isinstance(value, str) else value
            if Measurement.get(console, console.options, cell).maximum > column.content_width:
                return False
    if not table.show_header or not table.columns or table.size.width == 0:
        return True
    header = table.render_line(0)
    x = -round(table.scroll_x)
    for column in table.ordered_columns:
        width = column.get_render_width(table)
        fits = column.label.cell_len <= width - 2 * table.cell_padding
        if fits and 0 <= x and x + width <= table.size.width:
            shown = header.crop(x, x + width).text.strip()
            if shown != column.label.plain.strip():
                return False
        x += width
    return True


def shown_as_drawn(table: DataTable[object]) -> bool:
    """What the screen shows of the table's header (the widget's cached lines, as a
    screenshot takes them) is what the table draws now."""
    if not table.show_header or not table.columns or table.size.width == 0:
        return True
    [shown] = table.render_lines(Region(0, 0, table.size.width, 1))
    return shown.text == table.render_line(0).text


def text_of(app: PledgeApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def open_save_dialog(pilot: Pilot[object]) -> SaveReportScreen:
    """From the dashboard: open the month's report (r), then its save dialog (s)."""
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SaveReportScreen)
    return screen


async def open_item(pilot: Pilot[object], app: PledgeApp, no: int) -> ItemDetailScreen:
    """From the dashboard: item *no*'s detail, as the palette opens it, with the history
    of its first target loaded."""
    await settle(pilot)
    board = app.screen
    assert isinstance(board, DashboardScreen) and board.evaluation is not None
    board.open_item(no)
    await settle(pilot, until=lambda: isinstance(app.screen, ItemDetailScreen))
    detail = app.screen
    assert isinstance(detail, ItemDetailScreen)
    await settle(pilot, until=lambda: detail.target_id in detail.history)
    return detail
