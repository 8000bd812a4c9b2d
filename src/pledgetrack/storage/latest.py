"""The latest reading of every target as of a date: the query behind every status.

Latest = greatest ``as_of`` not after the date; among corrections of that date, the last
entered (greatest id). With *approved_only*, only readings whose latest review approves
them count.

A province plan asks this of 100k targets on every status, month step and report, so
each engine gets its fast form (see docs/PERFORMANCE.md):

- PostgreSQL: ``DISTINCT ON (target_id) … ORDER BY target_id, as_of DESC, id DESC``;
- SQLite: a correlated ``ORDER BY as_of DESC, id DESC LIMIT 1`` per target, which walks
  the (target_id, as_of, id) index (faster than the portable MAX(as_of) / MAX(id)
  form).

Both statements are built and compiled once per process, with bind parameters, and run
as SQL text: no SQLAlchemy type processing per row, each distinct date parsed once.
Building a statement per call would also leave reference cycles that
services.gc_pause freezes for good.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from sqlalchemy import Date, ScalarSelect, String, and_, bindparam, cast, func, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from pledgetrack.domain.model import Reading
from pledgetrack.domain.readings import LatestReadings
from pledgetrack.storage.status_rows import as_date, readings_from_rows
from pledgetrack.storage.tables import Review, Snapshot, Target

__all__ = ["APPROVED", "RETURNED", "SUBMITTED", "as_date", "latest_readings", "latest_snapshots"]

#: Review states of a reading: no review yet, or the decision of its latest review.
SUBMITTED = "submitted"
APPROVED = "approved"
RETURNED = "returned"

#: What a latest-reading query returns, in this order.
LATEST_COLUMNS = (
    Snapshot.id,
    Snapshot.target_id,
    Snapshot.as_of,
    Snapshot.value,
    Snapshot.done,
    Snapshot.note,
    Snapshot.qualifier,
    Snapshot.forecast_done_by,
    Snapshot.works_percent,
    Target.per_period,
)

#: How :func:`latest_snapshots` finds the latest rows: each engine's fast form by default.
LatestForm = Literal["auto", "generic", "distinct_on", "correlated"]


def latest_decision() -> ScalarSelect[str]:
    """The decision of the latest review of the enclosing query's snapshot (NULL: none).

    A correlated lookup on ``ix_review_snapshot (snapshot_id, id)``.
    """
    return (
        select(Review.decision)
        .where(Review.snapshot_id == Snapshot.id)
        .order_by(Review.id.desc())  # type: ignore[union-attr]
        .limit(1)
        .scalar_subquery()
    )


def latest_readings(
    *,
    session: Session,
    plan_id: int,
    on: date,
    form: LatestForm = "auto",
    approved_only: bool = False,
    target_ids: list[int] | None = None,
    period_totals: bool = True,
) -> LatestReadings:
    """The latest reading of every target of a plan as of *on*, in one SQL statement
    (with *target_ids*, only those targets of the plan), kept as columns: a reading is
    made when it is looked up.

    A per-period target's reading is, with *period_totals*, the one the rules use: its
    value the sum of the latest amount of each period so far (domain.per_period, one more
    statement for those targets only); without, the amount of its own period, as stored
    (what an entry sheet shows beside the field)."""
    rows = _latest_rows(session, plan_id, on, form, approved_only, target_ids)

    def period_rows(ids: list[int]) -> tuple[Any, Any]:
        approved = (latest_decision() == APPROVED,) if approved_only else ()
        t = Target.__table__.c  # type: ignore[attr-defined]
        schedules = session.connection().execute(
            select(t.id, type_coerce(t.deadline, String), cast(t.schedule, String)).where(
                t.id.in_(ids)
            )
        )
        history = session.connection().execute(
            select(Snapshot.target_id, Snapshot.as_of, Snapshot.value)  # type: ignore[call-overload]
            .where(Snapshot.target_id.in_(ids), Snapshot.as_of <= on, *approved)  # type: ignore[attr-defined]
            .order_by(Snapshot.target_id, Snapshot.as_of, Snapshot.id)
        )
        return schedules, history

    return readings_from_rows(rows, period_rows if period_totals else None)


def latest_snapshots(
    *,
    session: Session,
    plan_id: int,
    on: date,
    form: LatestForm = "auto",
    approved_only: bool = False,
    target_ids: list[int] | None = None,
) -> dict[int, tuple[int, Reading]]:
    """Like :func:`latest_readings`, with the id of each snapshot. All forms give the
    same rows (*form* forces one, for the tests)."""
    rows = _latest_rows(session, plan_id, on, form, approved_only, target_ids)
    return {tid: (sid, reading) for tid, sid, reading in _readings(rows)}


def _latest_rows(
    session: Session,
    plan_id: int,
    on: date,
    form: LatestForm,
    approved_only: bool,
    target_ids: list[int] | None,
) -> Sequence[Any]:
    """Rows of (snapshot id, target id, as_of, value, done, note, qualifier, forecast,
    works, per_period); a target without a reading has none, or (SQLite's outer join) one whose snapshot id is NULL."""
    dialect = session.get_bind().dialect
    if form == "auto":
        if dialect.name == "postgresql":
            form = "distinct_on"
        else:
            form = "generic" if approved_only else "correlated"
    if form == "correlated" and approved_only:
        raise ValueError("the correlated form does not filter reviews: use 'generic'")
    params: dict[str, Any] = {"plan_id": plan_id, "on": on}
    if form == "generic":
        statement = _generic_latest(plan_id, on, approved_only, target_ids)
        return session.connection().execute(statement).all()
    statement = _cached_latest(form, approved_only=approved_only, with_ids=target_ids is not None)
    if target_ids is not None:
        # An expanding IN list is compiled per call: a first page or a department's sheet.
        params["target_ids"] = list(target_ids)
        return session.connection().execute(statement, params).all()
    return _driver_rows(session, dialect, statement, params)


def _readings(rows: Sequence[Any]) -> Iterator[tuple[int, int, Reading]]:
    """(target id, snapshot id, reading) of each row with a reading. SQLite hands dates
    over as ISO text and booleans as 0/1, psycopg as dates and booleans: each distinct
    date is converted once."""
    days: dict[object, date] = {}
    for sid, tid, as_of, value, done, note, qualifier, forecast, works, _per_period in rows:
        if sid is None:
            continue
        day = days.get(as_of)
        if day is None:
            day = days[as_of] = as_date(as_of)
        yield (
            tid,
            sid,
            Reading(
                day,
                value,
                None if done is None else bool(done),
                note or "",
                qualifier or "",
                None if forecast is None else as_date(forecast),
                works,
            ),
        )


def _driver_rows(
    session: Session, dialect: Dialect, statement: Any, params: dict[str, Any]
) -> Sequence[Any]:
    """Run a cached statement as compiled SQL text: rows come back as the driver gives
    them, converted by the caller (engine events and echo still see the statement)."""
    sql, names, positional, literals = _compiled(statement, dialect)
    values = {**literals, **params}
    conn = session.connection()
    if positional:
        # SQLite: dates are stored as ISO text (SQLAlchemy's bind processor writes them
        # so; sqlite3's own date adapter is deprecated).
        args = tuple(v.isoformat() if isinstance(v := values[n], date) else v for n in names)
        return conn.exec_driver_sql(sql, args).all()
    return conn.exec_driver_sql(sql, values).all()


@lru_cache(maxsize=16)
def _compiled(
    statement: Any, dialect: Dialect
) -> tuple[str, tuple[str, ...], bool, dict[str, Any]]:
    """SQL text, parameter order (positional styles), and the literal values the
    statement carries (such as LIMIT 1)."""
    compiled = statement.compile(dialect=dialect)
    literals = {
        name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required
    }
    return (
        compiled.string,
        tuple(compiled.positiontup or ()),
        bool(compiled.positional),
        literals,
    )


@lru_cache(maxsize=8)
def _cached_latest(form: LatestForm, *, approved_only: bool, with_ids: bool) -> Any:
    """The engine's fast form, built once per process, with bind parameters ``plan_id``,
    ``on`` and (*with_ids*) ``target_ids``."""
    where = [Target.plan_id == bindparam("plan_id")]
    if not with_ids:
        # The plan's targets; units' shares are asked for by id (services.breakdown).
        where.append(Target.parent_id.is_(None))  # type: ignore[union-attr]
    if with_ids:
        where.append(Target.id.in_(bindparam("target_ids", expanding=True)))  # type: ignore[union-attr]
    on = bindparam("on", type_=Date)
    if form == "distinct_on":
        # Imported here: SQLAlchemy's PostgreSQL dialect loads every driver's module.
        from sqlalchemy.dialects.postgresql import distinct_on

        approved = (latest_decision() == APPROVED,) if approved_only else ()
        return (
            select(*LATEST_COLUMNS)  # type: ignore[call-overload]
            .join(Target, Target.id == Snapshot.target_id)
            .where(*where, Snapshot.as_of <= on, *approved)
            .ext(distinct_on(Snapshot.target_id))  # type: ignore[arg-type]
            .order_by(Snapshot.target_id, Snapshot.as_of.desc(), Snapshot.id.desc())  # type: ignore[attr-defined,union-attr]
        )
    # The correlated LIMIT 1 form. An outer join keeps SQLite's planner on the target
    # table first (an inner join lets it start from snapshot, which is slower).
    newest = aliased(Snapshot)
    newest_id = (
        select(newest.id)
        .where(newest.target_id == Target.id, newest.as_of <= on)
        .order_by(col(newest.as_of).desc(), col(newest.id).desc())
        .limit(1)
        .correlate(Target)
        .scalar_subquery()
    )
    columns = (Snapshot.id, Target.id, *LATEST_COLUMNS[2:])
    return (
        select(*columns)  # type: ignore[call-overload]
        .select_from(Target)
        .outerjoin(Snapshot, Snapshot.id == newest_id)
        .where(*where)
    )


def _generic_latest(
    plan_id: int, on: date, approved_only: bool, target_ids: list[int] | None
) -> Any:
    """The portable form: the greatest date per target, then the greatest id of that date
    (SQLite's approved-only status, and the tests' reference)."""
    approved = (latest_decision() == APPROVED,) if approved_only else ()
    only = (
        (Target.parent_id.is_(None),)  # type: ignore[union-attr]
        if target_ids is None
        else (Target.id.in_(target_ids),)  # type: ignore[union-attr]
    )
    latest_date = (
        select(Snapshot.target_id, func.max(Snapshot.as_of).label("as_of"))
        .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
        .where(Target.plan_id == plan_id, Snapshot.as_of <= on, *approved, *only)
        .group_by(col(Snapshot.target_id))
        .subquery()
    )
    latest_id = (
        select(func.max(Snapshot.id))
        .join(
            latest_date,
            and_(
                Snapshot.target_id == latest_date.c.target_id,  # type: ignore[arg-type]
                Snapshot.as_of == latest_date.c.as_of,  # type: ignore[arg-type]
            ),
        )
        .where(*approved)
        .group_by(col(Snapshot.target_id))
    )
    return (
        select(*LATEST_COLUMNS)  # type: ignore[call-overload]
        .join(Target, Target.id == Snapshot.target_id)
        .where(Snapshot.id.in_(latest_id))  # type: ignore[union-attr]
    )
