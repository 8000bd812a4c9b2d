"""The plan as the dashboard loads it: its first items at once, then the whole plan.

Called from the TUI's thread workers, never on the UI thread. The first page may come
from a SQLite file opened with the standard library (services.status.open_sqlite_status):
``pledgetrack`` then shows it before SQLAlchemy is even imported (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from pledgetrack.domain.evaluation import PlanEvaluation
from pledgetrack.domain.model import Policy
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.services.status import default_as_of, evaluate_structure, first_items_status

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from pledgetrack.services.status import SqliteStatus


def load_evaluation(
    engine: Engine,
    *,
    on: date | None,
    policy: Policy,
    structure: PlanStructure | None = None,
    today: date | None = None,
) -> PlanEvaluation:
    """The plan as of *on* (default: the same date the CLI opens on, see
    ``services.status.default_as_of``); the structure is loaded once and reused
    when time-travelling."""
    if structure is None:
        from sqlmodel import Session

        from pledgetrack.storage.queries import load_structure

        with gc_paused(), Session(engine) as session:
            structure = load_structure(session=session)
    if on is None:
        on = default_as_of(engine, plan=structure.code, today=today)
    return evaluate_structure(engine, structure, on=on, policy=policy)


def load_first_items(
    engine: Engine,
    *,
    on: date,
    policy: Policy,
    items: int,
    structure: PlanStructure | None = None,
) -> PlanEvaluation:
    """The plan's first *items* items as of *on*, marked partial: shown while the whole
    plan loads, or (with the *structure* already loaded) while a new month is computed."""
    if structure is not None:
        return evaluate_structure(engine, structure, on=on, policy=policy, first_items=items)
    return first_items_status(engine, on=on, items=items, policy=policy)


def load_first_page(
    db: Engine | SqliteStatus,
    *,
    on: date | None,
    policy: Policy,
    page: int,
    today: date | None = None,
) -> PlanEvaluation:
    """What the dashboard opens on: the plan's first *page* + 1 items as of *on* (None:
    ``default_as_of``), marked partial, or the whole plan (not partial) when it has at
    most *page* items. *db*: the engine, or the SQLite file read with sqlite3."""
    if on is None:
        on = default_as_of(db, today=today)
    first = first_items_status(db, on=on, items=page + 1, policy=policy)
    return first if len(first.items) > page else replace(first, partial=False)
