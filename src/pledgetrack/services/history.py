"""The reading history of one target, as the item detail shows it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.storage import queries
from pledgetrack.storage.queries import HistoryEntry

__all__ = ["HistoryEntry", "target_history"]


def target_history(engine: Engine, target_id: int) -> list[HistoryEntry]:
    """Every reading of one target, oldest first, corrections marked, with its latest
    review."""
    with Session(engine) as session:
        return queries.target_history(session=session, target_id=target_id)
