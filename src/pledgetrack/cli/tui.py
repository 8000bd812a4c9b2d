"""``pledgetrack`` without a command: the terminal UI.

On a plain SQLite file the dashboard's first page is read as ``status`` reads the file,
with the standard library's sqlite3 (cli/status.py's status_database: the same checks
and refusals as every command), so its rows are on the screen before SQLAlchemy is
imported; the engine is opened after the first paint (engine_for, in a thread of the
app). Any other database is opened first, as for every command. See docs/PERFORMANCE.md,
"TUI first paint".
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pledgetrack.cli.app import engine_for, policy, state

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from pledgetrack.domain.evaluation import PlanEvaluation
    from pledgetrack.services.access import Actor


def open_tui() -> None:
    """Open the TUI on the configured database, its first page read first when it can be."""
    from pledgetrack.cli.status import status_database
    from pledgetrack.domain.errors import PlanNotFound
    from pledgetrack.services.dashboard import load_first_page
    from pledgetrack.services.status import SqliteStatus
    from pledgetrack.tui.app import PAGE, run_tui

    lang = state.settings.resolved_lang(state.lang)
    first: PlanEvaluation | None = None
    with status_database() as db:
        if not isinstance(db, SqliteStatus):  # opened by engine_for: who acts is known
            run_tui(db, lang=lang, policy=policy(), user=state.actor or "")
            return
        try:
            first = load_first_page(db, on=None, policy=policy(), page=PAGE)
        except PlanNotFound:
            pass  # no plan yet: the dashboard says so, as it loads through the engine
    run_tui(opened_later, lang=lang, policy=policy(), first_page=first)


def opened_later() -> tuple[Engine, Actor | str]:
    """The database and who acts, opened as every command opens them (engine_for),
    called by the app in a thread after its first paint. The checks were made moments
    before by status_database; should they fail now, engine_for's one line is printed
    and the app's load fails (its error notification)."""
    engine = engine_for()
    return engine, state.actor or ""
