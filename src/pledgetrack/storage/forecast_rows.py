"""The readings a year-end forecast reads (domain.forecast): every figure of a plan's
targets up to a date, in one statement, as columns.

A province plan has about 1M readings by October. They come back from the driver's own
cursor as plain numbers (target id, date as a proleptic ordinal, value), in the order of
the (target_id, as_of, id) index, straight into numpy; SQLAlchemy's rows would cost
more than the query (docs/FORECAST.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import Date, Integer, cast, func, literal, select
from sqlmodel import Session

from pledgetrack.domain.forecast import WindowColumns, window_columns
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.storage.tables import Snapshot, Target

#: SQLite's Julian day number of the proleptic ordinal 0 (``date.toordinal``), at noon.
_JULIAN_OF_ORDINAL_ZERO = 1721424.5


def forecast_window(*, session: Session, structure: PlanStructure, on: date) -> WindowColumns:
    """The forecast window of every target of *structure* from its readings dated on or
    before *on* (corrections included: the window keeps the last entered of a date)."""
    connection = session.connection()
    dialect = connection.dialect
    snapshots, targets = Snapshot.__table__, Target.__table__  # type: ignore[attr-defined]
    s, t = snapshots.c, targets.c
    if dialect.name == "sqlite":
        ordinal: Any = cast(func.julianday(s.as_of) - _JULIAN_OF_ORDINAL_ZERO, Integer)
    else:
        ordinal = s.as_of - cast(literal(date(1, 1, 1)), Date) + 1
    statement = (
        select(s.target_id, ordinal, s.value)
        .select_from(targets)
        .join(snapshots, s.target_id == t.id)
        .where(t.plan_id == structure.id, s.as_of <= on)
        .order_by(t.id, s.as_of, s.id)
    )
    # Literal values: an id and a date, never text from anyone.
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 3)
    finally:
        cursor.close()
    per_period = {
        target.id: target.rule
        for item in structure.items
        for target in item.targets
        if target.rule.per_period
    }
    return window_columns(
        structure.rule_columns,
        rows[:, 0].astype(np.int64),
        rows[:, 1].astype(np.int64),
        rows[:, 2],
        per_period=per_period,
    )
