"""The units' shares of split targets (migration 0011): child rows of ``target``.

Keyword-only ``(*, session, ...)`` as storage.queries. Every other listing of a plan's
targets takes ``parent_id IS NULL``; these are the queries that read the shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from pledgetrack.storage.status_rows import as_date
from pledgetrack.storage.tables import Department, Snapshot, Target


@dataclass(frozen=True, slots=True)
class ShareRow:
    """A unit's share as stored: its own target row, and its unit."""

    id: int
    key: str
    parent_id: int
    unit: str
    level: str
    target_value: float | None
    position: int


def share_rows(
    *, session: Session, plan_id: int | None, parent_ids: Sequence[int] | None = None
) -> list[ShareRow]:
    """The units' shares of a plan's split targets (or of *parent_ids*; *plan_id* None:
    of any plan), by target and position."""
    t, d = Target.__table__.c, Department.__table__.c  # type: ignore[attr-defined]
    query = (
        sa_select(t.id, t.key, t.parent_id, d.name, d.level, t.target_value, t.position)
        .join_from(Target.__table__, Department.__table__, d.id == t.unit_id)  # type: ignore[attr-defined]
        .where(t.parent_id.is_not(None))
        .order_by(t.parent_id, t.position, t.id)
    )
    if plan_id is not None:
        query = query.where(t.plan_id == plan_id)
    if parent_ids is not None:
        query = query.where(t.parent_id.in_(list(parent_ids)))
    return [
        ShareRow(sid, key, parent, unit, level or "", value, position)
        for sid, key, parent, unit, level, value, position in session.connection()
        .execute(query)
        .all()
    ]


def unit_names(*, session: Session, plan_id: int) -> list[str]:
    """The units a plan's targets are split to, by name."""
    t, d = Target.__table__.c, Department.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(d.name)
        .join_from(Target.__table__, Department.__table__, d.id == t.unit_id)  # type: ignore[attr-defined]
        .where(t.plan_id == plan_id, t.parent_id.is_not(None))
        .distinct()
        .order_by(d.name)
    )
    return [name for (name,) in rows]


def rule_of(*, session: Session, target_id: int) -> str | None:
    """The rollup rule of one target (None: not split)."""
    return session.exec(select(Target.rollup).where(Target.id == target_id)).first()


def split_rules(*, session: Session, plan_id: int) -> dict[int, str]:
    """Target id → rollup rule (``sum``/``own``) of a plan's split targets."""
    rows = session.exec(
        select(Target.id, Target.rollup).where(
            Target.plan_id == plan_id,
            col(Target.rollup).is_not(None),
        )
    ).all()
    return {tid: rule for tid, rule in rows if tid is not None and rule}


def sum_parents(*, session: Session, share_ids: Sequence[int]) -> dict[int, int]:
    """Share id → its target's id, for the shares (of *share_ids*) of ``sum`` targets."""
    if not share_ids:
        return {}
    child, t = Target.__table__.alias("child"), Target.__table__  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(child.c.id, child.c.parent_id)
        .join(t, t.c.id == child.c.parent_id)
        .where(child.c.id.in_(list(share_ids)), t.c.rollup == "sum")
    )
    return {sid: parent for sid, parent in rows}


def units_of(*, session: Session, target_ids: Sequence[int]) -> dict[int, str]:
    """Target id → unit name, for the shares among *target_ids*."""
    ids = list(target_ids)
    out: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        rows = session.exec(
            select(Target.id, Department.name)
            .join(Department, col(Department.id) == Target.unit_id)
            .where(col(Target.id).in_(ids[start : start + 500]))
        ).all()
        out.update((tid, name) for tid, name in rows if tid is not None)
    return out


def current_readings(
    *, session: Session, target_ids: Sequence[int]
) -> dict[int, list[tuple[date, float | None, int]]]:
    """Per target, its current reading of each date (the last correction), oldest first:
    (date, value, snapshot id)."""
    out: dict[int, dict[date, tuple[float | None, int]]] = {tid: {} for tid in target_ids}
    if not target_ids:
        return {}
    s = Snapshot.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(s.target_id, s.as_of, s.value, s.id)
        .where(s.target_id.in_(list(target_ids)))
        .order_by(s.target_id, s.as_of, s.id)
    )
    for tid, as_of, value, sid in rows:
        out[tid][as_date(as_of)] = (value, sid or 0)  # later ids win
    return {
        tid: [(day, value, sid) for day, (value, sid) in sorted(days.items())]
        for tid, days in out.items()
    }


def has_readings(*, session: Session, target_id: int) -> bool:
    return (
        session.exec(select(Snapshot.id).where(Snapshot.target_id == target_id)).first() is not None
    )
