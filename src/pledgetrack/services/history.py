"""The reading history of one target, as the item detail shows it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.model import StoredReading
from pledgetrack.storage import queries


def target_history(engine: Engine, target_id: int, key: str = "") -> list[StoredReading]:
    """Every reading of one target, oldest first, corrections marked, with its latest
    review."""
    with Session(engine) as session:
        return queries.target_history(session=session, target_id=target_id, key=key)
