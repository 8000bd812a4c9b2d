"""Helpers shared by the TUI tests: the app on a copy of the shipped database, and settling."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from textual.widgets import DataTable

from pledgetrack.domain.model import Policy
from pledgetrack.tui.app import PledgeApp, create_app

DB = Path(__file__).resolve().parents[1] / "data" / "pledges.sqlite"
SIZE = (120, 40)
OCTOBER = date(2020, 10, 31)
#: "Today" for the TUI tests: after the plan, so every 2020 month can be entered.
TODAY = date(2026, 11, 25)


def make_app(engine: Engine, lang: str = "zh", as_of: date | None = OCTOBER) -> PledgeApp:
    return create_app(engine, lang=lang, policy=Policy(), as_of=as_of, today=TODAY, user="tester")


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the thread workers finish and their messages reach the UI thread."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    # DataTable measures new rows when idle; wait for that before looking at the screen.
    for _ in range(50):
        tables = pilot.app.screen.query(DataTable)
        if not any(t._require_update_dimensions for t in tables):
            break
        await pilot.pause(0.01)
    await pilot.pause()


def text_of(app: PledgeApp, selector: str) -> str:
    return str(app.screen.query_one(selector).render())
