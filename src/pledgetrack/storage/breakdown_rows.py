"""The units' shares of split targets (migration 0011): child rows of ``target``.

Keyword-only ``(*, session, ...)`` as storage.queries. Every other listing of a plan's
targets takes ``parent_id IS NULL``; these are the queries that read the shares.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Date, bindparam, text
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


@dataclass(frozen=True, eq=False)
class ShareColumns:
    """Every unit share of a plan with its latest reading as of a date, one array entry
    per share, by target and position (what a month report says of units, without an
    object per share: a province has 200k)."""

    share_id: NDArray[np.int64]
    parent_id: NDArray[np.int64]
    unit_id: NDArray[np.int64]
    #: The unit's share of the target (NaN: none given).
    share: NDArray[np.float64]
    #: False where the share has no reading as of the date.
    present: NDArray[np.bool_]
    #: NaN where there is no reading or it has no value.
    value: NDArray[np.float64]
    done: NDArray[np.bool_]
    per_period: NDArray[np.bool_]
    #: Unit id → (name, level).
    units: dict[int, tuple[str, str]]


_DECIDED = (
    " AND (SELECT r.decision FROM review r WHERE r.snapshot_id = s2.id"
    " ORDER BY r.id DESC LIMIT 1) = 'approved'"
)
_SHARES_LATEST = """
SELECT t.id, t.parent_id, t.unit_id, t.target_value, s.id, s.value, s.done, t.per_period
FROM target t
LEFT JOIN snapshot s ON s.id = (
    SELECT s2.id FROM snapshot s2 WHERE s2.target_id = t.id AND s2.as_of <= :on{decided}
    ORDER BY s2.as_of DESC, s2.id DESC LIMIT 1)
WHERE t.plan_id = :plan AND t.parent_id IS NOT NULL
ORDER BY t.parent_id, t.position, t.id
"""


def share_columns(
    *, session: Session, plan_id: int, on: date, approved_only: bool = False
) -> ShareColumns:
    """Every unit share of the plan and its latest reading as of *on* (with
    *approved_only*, its latest approved one), in one statement on either engine (the
    latest row of each share found through the ``(target_id, as_of, id)`` index), read
    row by row into arrays. A per-period share's value is its own period's amount, as
    stored (the caller totals those few)."""
    statement = text(_SHARES_LATEST.format(decided=_DECIDED if approved_only else "")).bindparams(
        bindparam("on", type_=Date), bindparam("plan")
    )
    ids, parents, unit_ids = array("q"), array("q"), array("q")
    shares, values = array("d"), array("d")
    present, done, per_period = bytearray(), bytearray(), bytearray()
    nan = float("nan")
    for sid, parent, unit, share, snap, value, is_done, periodic in session.connection().execute(
        statement, {"on": on, "plan": plan_id}
    ):
        ids.append(sid)
        parents.append(parent)
        unit_ids.append(unit)
        shares.append(nan if share is None else share)
        present.append(snap is not None)
        values.append(nan if value is None else value)
        done.append(bool(is_done))
        per_period.append(bool(periodic))
    d = Department.__table__.c  # type: ignore[attr-defined]
    wanted = sorted(set(unit_ids))
    units: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), 500):
        rows = session.connection().execute(
            sa_select(d.id, d.name, d.level).where(d.id.in_(wanted[start : start + 500]))
        )
        units.update((uid, (name, level or "")) for uid, name, level in rows)
    return ShareColumns(
        np.frombuffer(ids, dtype=np.int64),
        np.frombuffer(parents, dtype=np.int64),
        np.frombuffer(unit_ids, dtype=np.int64),
        np.frombuffer(shares, dtype=np.float64),
        np.frombuffer(present, dtype=np.bool_),
        np.frombuffer(values, dtype=np.float64),
        np.frombuffer(done, dtype=np.bool_),
        np.frombuffer(per_period, dtype=np.bool_),
        units,
    )


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


def share_parents(*, session: Session, share_ids: Iterable[int]) -> dict[int, int]:
    """Share id → its target's id, for the unit shares among *share_ids*."""
    ids = sorted(share_ids)
    t = Target.__table__.c  # type: ignore[attr-defined]
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        rows = session.connection().execute(
            sa_select(t.id, t.parent_id).where(
                t.id.in_(ids[start : start + 500]), t.parent_id.is_not(None)
            )
        )
        out.update((sid, parent) for sid, parent in rows)
    return out


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
