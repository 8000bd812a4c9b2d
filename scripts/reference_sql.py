"""A hand-written reference: the latest reading and completion of every target, in one SQL
statement. It is the lower bound scripts/bench.py compares the engine with, and a test
checks the engine gives the same numbers (tests/test_reference.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the SQL text is read without SQLAlchemy (scripts/bench_process.py)
    from sqlalchemy.engine import Connection

_COMPLETION = """
  CASE WHEN t.kind = 'quantity' AND t.target_value IS NOT NULL AND t.target_value <> t.baseline
       THEN (s.value - t.baseline) * 100.0 / (t.target_value - t.baseline) END"""

#: SQLite: the newest reading per target through the (target_id, as_of, id) index.
SQLITE = f"""
SELECT t.id, {_COMPLETION} AS completion, s.done, s.as_of
FROM target t
LEFT JOIN snapshot s ON s.id = (
    SELECT s2.id FROM snapshot s2
    WHERE s2.target_id = t.id AND s2.as_of <= :on
    ORDER BY s2.as_of DESC, s2.id DESC LIMIT 1)
WHERE t.plan_id = :plan
"""

#: PostgreSQL: DISTINCT ON, the engine's own fast form.
POSTGRESQL = f"""
SELECT t.id, {_COMPLETION} AS completion, s.done, s.as_of
FROM target t
LEFT JOIN (
    SELECT DISTINCT ON (target_id) target_id, value, done, as_of
    FROM snapshot WHERE as_of <= :on
    ORDER BY target_id, as_of DESC, id DESC) s ON s.target_id = t.id
WHERE t.plan_id = :plan
"""


def reference_status(
    conn: Connection, plan_id: int, on: date
) -> dict[int, tuple[float | None, bool | None, date | None]]:
    """target id → (completion %, done, date of the reading) as of *on*."""
    from sqlalchemy import text

    sql = POSTGRESQL if conn.dialect.name == "postgresql" else SQLITE
    rows = conn.execute(text(sql), {"plan": plan_id, "on": on}).all()
    return {
        tid: (completion, done, as_of if as_of is None or isinstance(as_of, date) else date.fromisoformat(str(as_of)))
        for tid, completion, done, as_of in rows
    }  # fmt: skip
