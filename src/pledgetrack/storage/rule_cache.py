"""A plan's target rules as columns, kept in the database between runs.

The status of every target needs each target's rule (kind, deadline, target, baseline,
schedule, stages) beside its latest reading. Reading 100k rules from the target table
costs about as much again as finding the 100k latest readings, although rules change
only when a plan is imported or edited. So the rules are read once, as numpy columns
(:class:`~pledgetrack.domain.columns.RuleColumns`), and stored in ``rule_cache``.

Staleness is the database's business, not the program's: triggers (migration 0003)
raise ``rule_generation`` on every insert, update or delete of a plan, item or target,
whoever makes it. A cached copy counts only while its generation is the current one.
A copy is stored only if the generation it was read under is still current when it is
written, so a plan change committed in between can never be hidden by it.

Storing is best effort: a read-only database, or one another writer holds at that
moment, just goes without (the rules are read again next time); a status never waits.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import String, cast, inspect, text, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from pledgetrack.storage.rule_payload import (
    GENERATION_SQL,
    STORE_SQL,
    PlanRules,
    decode,
    encode,
    rules_from_rows,
    stored_sql,
)
from pledgetrack.storage.tables import Item, Target

__all__ = ["PlanRules", "current_generation", "plan_rules", "read_plan_rules", "stored_plan_rules"]


def plan_rules(*, session: Session, plan_id: int, plan_end: date) -> PlanRules:
    """The rules of every target of a plan: the cached copy if it is current, else read
    from the target table (and cached for next time)."""
    generation = current_generation(session=session)
    if generation is not None:
        found = stored_plan_rules(session=session, plan_id=plan_id, generation=generation)
        if found is not None:
            return found
    built = read_plan_rules(session.connection(), plan_id, plan_end)
    if generation is not None:
        _store(session, plan_id, generation, encode(built))
    return built


def current_generation(*, session: Session) -> int | None:
    """The number the triggers raise on every change of a plan, item or target (None:
    a database at a schema revision before 0003, read while being upgraded, or one
    whose generation row was deleted: nothing is then stored or taken)."""
    conn = session.connection()
    if not inspect(conn).has_table("rule_generation"):
        return None
    value = conn.execute(text(GENERATION_SQL)).scalar()
    return None if value is None else int(value)  # its row deleted by hand: no copies


def stored_plan_rules(
    *, session: Session, plan_id: int, generation: int | None = None
) -> PlanRules | None:
    """The stored copy of a plan's rules if it is current (and, with *generation*, if
    nothing has changed since that generation was read); else None."""
    cached = (
        session.connection()
        .execute(text(stored_sql(generation)), {"plan": plan_id, "generation": generation})
        .scalar()
    )
    return None if cached is None else decode(bytes(cached))


def read_plan_rules(conn: Connection, plan_id: int, plan_end: date) -> PlanRules:
    """The rules of every target of a plan, read from the target table."""
    i = Item.__table__.c  # type: ignore[attr-defined]
    items = conn.execute(sa_select(i.id, i.no).where(i.plan_id == plan_id).order_by(i.no)).all()
    t = Target.__table__.c  # type: ignore[attr-defined]
    rows = conn.execute(
        sa_select(
            t.id, t.item_id, t.position, t.kind, type_coerce(t.deadline, String), t.assessed,
            # As text on both engines (psycopg would decode JSON): equal rules are
            # recognised by their text.
            t.target_value, t.baseline, cast(t.schedule, String), cast(t.stages, String),
            t.per_period,
        ).where(t.plan_id == plan_id, t.parent_id.is_(None))
    ).all()  # fmt: skip
    item_id = [row[0] for row in items]
    return PlanRules(rules_from_rows(rows, item_id, plan_end), item_id, [row[1] for row in items])


def _store(session: Session, plan_id: int, generation: int, payload: bytes) -> None:
    """Keep the copy if *generation* is still the current one; never wait for a lock."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    statement = text(STORE_SQL)
    params = {"plan": plan_id, "generation": generation, "payload": payload}
    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                waits = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
                conn.exec_driver_sql("PRAGMA busy_timeout=0")
            else:
                conn.exec_driver_sql("SET LOCAL lock_timeout = '200ms'")
            try:
                conn.execute(statement, params)
                conn.commit()
            finally:
                conn.rollback()
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={waits}")
                    conn.commit()
    except DBAPIError:
        pass  # read-only, or busy: the rules are read again next time
