"""The TUI's first page, read from a SQLite file with the standard library's sqlite3
before SQLAlchemy is imported (cli/tui.py, docs/PERFORMANCE.md "TUI first paint"): the
same page as through the engine, the same opening date, the engine opened after the
first paint, and the whole plan loaded through it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from pledgetrack.config import sqlite_url
from pledgetrack.domain.model import Policy, Status
from pledgetrack.services.dashboard import load_first_page
from pledgetrack.services.status import SqliteStatus, default_as_of, open_sqlite_status
from pledgetrack.storage.db import close_engine, make_engine
from pledgetrack.tui.app import PAGE, create_app
from pledgetrack.tui.screens.dashboard import DashboardScreen
from tests.test_reference import generator
from tests.tui_support import DB, SIZE, TODAY, settle, text_of, wait_until

ROOT = Path(__file__).resolve().parents[1]


def opened(path: Path) -> SqliteStatus:
    found = open_sqlite_status(sqlite_url(path), lock_wait=5.0)
    assert found is not None
    return found


@pytest.fixture
def big(tmp_path: Path) -> Path:
    """A generated plan of more than a page of items, figures January to March 2020."""
    path = tmp_path / "big.sqlite"
    engine = make_engine(sqlite_url(path))
    counts = generator().generate(engine, targets=900, months=3, seed=3)
    assert counts["items"] > PAGE + 1
    close_engine(engine)
    return path


@pytest.mark.parametrize("on", [None, date(2020, 2, 29), date(2020, 3, 31)])
def test_the_first_page_read_with_sqlite3_is_the_engines(big: Path, on: date | None) -> None:
    engine = make_engine(sqlite_url(big))
    db = opened(big)
    try:
        mine = load_first_page(db, on=on, policy=Policy(), page=PAGE, today=TODAY)
        theirs = load_first_page(engine, on=on, policy=Policy(), page=PAGE, today=TODAY)
    finally:
        db.close()
        close_engine(engine)
    assert mine.partial and theirs.partial
    assert len(mine.items) == PAGE + 1
    assert mine.as_of == theirs.as_of
    assert mine.structure == theirs.structure
    assert mine.items == theirs.items


def test_a_plan_of_one_page_is_whole(tmp_path: Path) -> None:
    """The shipped sample (36 items): the first page is the whole plan, as October."""
    db = opened(DB)
    try:
        first = load_first_page(db, on=None, policy=Policy(), page=PAGE, today=TODAY)
    finally:
        db.close()
    assert not first.partial
    assert len(first.items) == 36
    assert first.as_of == date(2020, 10, 31)
    assert first.counts()[Status.ACHIEVED] == 18


def test_a_finished_plan_opens_on_the_month_of_its_last_figures(big: Path, tmp_path: Path) -> None:
    """Figures up to March: March's end; a figure in December (the plan's last month,
    found by one index look-up): the plan's end; on either reader."""
    engine = make_engine(sqlite_url(big))
    try:
        for reader in (engine, "sqlite3"):
            db = opened(big) if reader == "sqlite3" else engine
            try:
                assert default_as_of(db, today=TODAY) == date(2020, 3, 31)
                assert default_as_of(db, today=date(2020, 6, 1)) == date(2020, 6, 1)
            finally:
                if isinstance(db, SqliteStatus):
                    db.close()
        with engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO snapshot (target_id, as_of, value, done, note, entered_by, "
                "entered_at) SELECT target_id, '2020-12-05', value, done, note, entered_by, "
                "entered_at FROM snapshot WHERE id = (SELECT max(id) FROM snapshot)"
            )
        db = opened(big)
        try:
            assert default_as_of(db, today=TODAY) == date(2020, 12, 31)
        finally:
            db.close()
        assert default_as_of(engine, today=TODAY) == date(2020, 12, 31)
    finally:
        close_engine(engine)


def test_pledgetrack_opens_the_tui_with_its_first_page_and_no_sqlalchemy(
    cli_db: Path,
) -> None:
    """`pledgetrack` on a SQLite file: the TUI starts with the first page read, SQLAlchemy
    not imported, and how to open the engine for later (run_tui replaced, in a process
    of its own)."""
    code = (
        "import sys\n"
        "import pledgetrack.tui.app as tui\n"
        "def run_tui(engine, *, lang, policy, user='', first_page=None):\n"
        "    print(callable(engine), 'sqlalchemy' in sys.modules, len(first_page.items),\n"
        "          first_page.partial, first_page.as_of)\n"
        "tui.run_tui = run_tui\n"
        "from pledgetrack.cli import app\n"
        f"app(['--db', {str(cli_db)!r}], standalone_mode=False)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.split() == ["True", "False", "36", "False", "2020-10-31"]


async def test_the_engine_opens_after_the_first_paint(cli_db: Path) -> None:
    """An app given its first page and how to open the engine: rows at once, the engine
    opened after the first paint (not before), and the figures the same."""
    calls: list[str] = []
    engine = make_engine(sqlite_url(cli_db))
    db = opened(cli_db)
    first = load_first_page(db, on=None, policy=Policy(), page=PAGE, today=TODAY)
    db.close()

    def open_engine():  # type: ignore[no-untyped-def]
        calls.append("opened")
        return engine, "tester"

    app = create_app(
        open_engine, lang="en", policy=Policy(), today=TODAY, user="tester", first_page=first
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: isinstance(app.screen, DashboardScreen))
            screen = app.screen
            assert isinstance(screen, DashboardScreen)
            assert screen.evaluation is first  # on the first paint, no query
            await wait_until(pilot, lambda: calls)  # then the engine, in a thread
            assert calls == ["opened"]
            assert app.engine is engine and app.user == "tester"
            await pilot.press("left_square_bracket")  # September, through the engine
            await settle(pilot, lambda: screen.evaluation.as_of == date(2020, 9, 30))  # type: ignore[union-attr]
            assert "36" in text_of(app, "#count-achieved")
    finally:
        close_engine(engine)


async def test_a_big_plan_loads_the_rest_through_the_engine_opened_later(big: Path) -> None:
    engine = make_engine(sqlite_url(big))
    db = opened(big)
    first = load_first_page(db, on=None, policy=Policy(), page=PAGE, today=TODAY)
    db.close()
    app = create_app(
        lambda: (engine, "tester"), lang="zh", policy=Policy(), today=TODAY, first_page=first
    )
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, DashboardScreen)
            whole = screen.evaluation
            assert whole is not None and not whole.partial and len(whole.items) > PAGE + 1
            assert [r.result for r in whole.items[: PAGE + 1]] == [r.result for r in first.items]
    finally:
        close_engine(engine)
