"""The readings a year-end forecast reads (domain.forecast): every figure of a plan's
targets up to a date, in one statement, as columns.

A province plan has about 1M readings by October. They come back from the driver's own
cursor as plain numbers (target id, date as a proleptic ordinal, value), in the order of
the (target_id, as_of, id) index, straight into numpy; SQLAlchemy's rows would cost
more than the query (docs/FORECAST.md). A SQLite file may be read with the standard
library's sqlite3 alone (as `status` reads it: no SQLAlchemy to import); any database
through a SQLAlchemy session.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING, Any

import numpy as np

from pledgetrack.domain.forecast import WindowColumns, window_columns
from pledgetrack.domain.plan import PlanStructure

if TYPE_CHECKING:
    from sqlmodel import Session

#: Every figure of a plan's targets up to a date, SQLite's form: a date as its proleptic
#: ordinal (its Julian day number less that of the ordinal 0, at noon).
SQLITE_WINDOW_ROWS = (
    "SELECT s.target_id, CAST(julianday(s.as_of) - 1721424.5 AS INTEGER), s.value "
    "FROM target t JOIN snapshot s ON s.target_id = t.id "
    "WHERE t.plan_id = ? AND t.parent_id IS NULL AND s.as_of <= ?{approved} "
    "ORDER BY t.id, s.as_of, s.id"
)

#: Only figures whose latest review approves them (an approved-only forecast).
APPROVED = (
    " AND (SELECT r.decision FROM review r WHERE r.snapshot_id = s.id"
    " ORDER BY r.id DESC LIMIT 1) = 'approved'"
)


def sqlite_window_rows(approved_only: bool) -> str:
    """:data:`SQLITE_WINDOW_ROWS`, of every figure or of approved ones only."""
    return SQLITE_WINDOW_ROWS.format(approved=APPROVED if approved_only else "")


#: Rows turned into numbers per fetch: a province's million rows are never held as tuples.
FETCH_ROWS = 50_000


def forecast_window(
    *, session: Session, structure: PlanStructure, on: date, approved_only: bool = False
) -> WindowColumns:
    """The forecast window of every target of *structure* from its readings dated on or
    before *on* (corrections included: the window keeps the last entered of a date; with
    *approved_only*, of the readings a supervisor approved only)."""
    connection = session.connection()
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if connection.dialect.name == "sqlite":
            cursor.execute(sqlite_window_rows(approved_only), (structure.id, on.isoformat()))
        else:
            cursor.execute(_compiled_rows(connection.dialect, structure.id, on, approved_only))
        columns = _fetched(cursor)
    finally:
        cursor.close()
    return _window(structure, on, columns)


def sqlite_forecast_window(
    conn: sqlite3.Connection, structure: PlanStructure, on: date, approved_only: bool = False
) -> WindowColumns:
    """:func:`forecast_window` from a SQLite file opened with sqlite3."""
    cursor = conn.execute(sqlite_window_rows(approved_only), (structure.id, on.isoformat()))
    try:
        return _window(structure, on, _fetched(cursor))
    finally:
        cursor.close()


def _fetched(cursor: Any) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The rows of *cursor* as an (n, 3) array, read :data:`FETCH_ROWS` at a time."""
    chunks = [np.empty((0, 3))]
    while rows := cursor.fetchmany(FETCH_ROWS):
        chunks.append(np.array(rows, dtype=np.float64).reshape(-1, 3))
    return np.concatenate(chunks)


def _compiled_rows(dialect: Any, plan_id: int, on: date, approved_only: bool) -> str:
    """The statement of :data:`SQLITE_WINDOW_ROWS` for another database (PostgreSQL), as
    SQL text with its two values written in: an id and a date, never text from anyone."""
    from sqlalchemy import Date, cast, literal, select

    from pledgetrack.storage.tables import Review, Snapshot, Target

    snapshots, targets = Snapshot.__table__, Target.__table__  # type: ignore[attr-defined]
    s, t, r = snapshots.c, targets.c, Review.__table__.c  # type: ignore[attr-defined]
    approved = (
        (
            select(r.decision)
            .where(r.snapshot_id == s.id)
            .order_by(r.id.desc())
            .limit(1)
            .scalar_subquery()
            == "approved",
        )
        if approved_only
        else ()
    )
    statement = (
        select(s.target_id, s.as_of - cast(literal(date(1, 1, 1)), Date) + 1, s.value)
        .select_from(targets)
        .join(snapshots, s.target_id == t.id)
        .where(t.plan_id == plan_id, t.parent_id.is_(None), s.as_of <= on, *approved)
        .order_by(t.id, s.as_of, s.id)
    )
    return str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _window(
    structure: PlanStructure, on: date, columns: np.ndarray[Any, np.dtype[np.float64]]
) -> WindowColumns:
    per_period = {
        target.id: target.rule
        for item in structure.items
        for target in item.targets
        if target.rule.per_period
    }
    return window_columns(
        structure.rule_columns,
        columns[:, 0].astype(np.int64),
        columns[:, 1].astype(np.int64),
        columns[:, 2],
        per_period=per_period,
    )
