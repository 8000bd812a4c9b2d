"""Queries that return domain objects. Keyword-only ``(*, session, ...)`` throughout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, func, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from pledgetrack.domain.model import (
    ReviewInfo,
    StoredReading,
)
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.storage.latest import RETURNED, SUBMITTED, latest_decision
from pledgetrack.storage.rule_cache import current_generation, stored_plan_rules
from pledgetrack.storage.status_rows import no_plan_yet, no_such_plan, structure_from_rows
from pledgetrack.storage.tables import (
    Department,
    Item,
    ItemDepartment,
    Plan,
    Pledge,
    Review,
    Snapshot,
    Target,
)


def list_plans(*, session: Session) -> list[Plan]:
    """Every plan, newest period first."""
    return list(session.exec(select(Plan).order_by(Plan.start.desc(), Plan.code)))  # type: ignore[attr-defined]


def find_plan(*, session: Session, code: str | None) -> Plan:
    """The plan with *code*, or the newest plan when *code* is None."""
    if code:
        plan = session.exec(select(Plan).where(Plan.code == code)).first()
        if plan is None:
            raise no_such_plan(code, [p.code for p in list_plans(session=session)])
        return plan
    plans = list_plans(session=session)
    if not plans:
        raise no_plan_yet()
    return plans[0]


def department_item_ids(*, session: Session, plan_id: int, department: str) -> set[int]:
    """The items of a plan that *department* leads or co-operates on."""
    link = ItemDepartment.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(link.item_id)
        .join(Department.__table__, Department.id == link.department_id)  # type: ignore[attr-defined]
        .join(Item.__table__, Item.id == link.item_id)  # type: ignore[attr-defined]
        .where(col(Department.name) == department, col(Item.plan_id) == plan_id)
    )
    return {item_id for (item_id,) in rows}


def plan_departments(*, session: Session, plan_id: int) -> list[str]:
    """The departments that lead or co-operate on any item of a plan, by name."""
    link = ItemDepartment.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(col(Department.name))
        .join(ItemDepartment.__table__, Department.id == link.department_id)  # type: ignore[attr-defined]
        .join(Item.__table__, Item.id == link.item_id)  # type: ignore[attr-defined]
        .where(col(Item.plan_id) == plan_id)
        .distinct()
        .order_by(Department.name)
    )
    return [name for (name,) in rows]


def load_structure(
    *, session: Session, code: str | None = None, first_items: int | None = None
) -> PlanStructure:
    """A plan with its pledges, items, departments and targets: four queries, any size.

    With *first_items*, only that many items in list order (and their targets): what a
    screen shows first while the whole plan loads.

    Plain Core rows, not ORM objects, and dates and JSON read raw and converted once
    per distinct value: a province plan has 100k targets (see docs/PERFORMANCE.md).
    """
    plan = find_plan(session=session, code=code)
    assert plan.id is not None
    conn = session.connection()
    # Read before the targets: the stored rule columns are used only if no plan change
    # was committed since (see below).
    generation = current_generation(session=session) if first_items is None else None
    pledges = session.exec(
        select(Pledge).where(Pledge.plan_id == plan.id).order_by(col(Pledge.no))
    ).all()
    item_table, dept_table = Item.__table__, Department.__table__  # type: ignore[attr-defined]
    link_table = ItemDepartment.__table__  # type: ignore[attr-defined]
    i, d, link = item_table.c, dept_table.c, link_table.c
    item_query = (
        sa_select(i.id, i.no, i.title, i.pledge_id).where(i.plan_id == plan.id).order_by(i.no)
    )
    if first_items is not None:
        item_query = item_query.limit(first_items)
    items = conn.execute(item_query).all()
    # Only the loaded items' departments and targets (all of them without a limit).
    if first_items is None:
        of_items = i.plan_id == plan.id
    else:
        of_items = i.id.in_([row[0] for row in items])
    dept_rows = conn.execute(
        sa_select(link.item_id, d.name)
        .select_from(link_table)
        .join(dept_table, d.id == link.department_id)
        .join(item_table, i.id == link.item_id)
        .where(of_items)
        .order_by(link.item_id, link.position)
    ).all()
    t = Target.__table__.c  # type: ignore[attr-defined]
    target_rows = conn.execute(
        sa_select(
            t.id, t.key, t.item_id, t.name, t.unit, t.note, t.kind,
            type_coerce(t.deadline, String), t.assessed, t.target_value, t.baseline,
            t.at_least, cast(t.schedule, String), cast(t.stages, String), t.per_period,
        )
        .where(
            t.plan_id == plan.id,
            t.parent_id.is_(None),  # a unit's share is not a target of its item
            *(() if first_items is None else (t.item_id.in_([row[0] for row in items]),)),
        )
        .order_by(t.item_id, t.position)
    ).all()  # fmt: skip
    pledge_rows = []
    for pledge in pledges:
        assert pledge.id is not None  # read from the database
        pledge_rows.append((pledge.id, pledge.no, pledge.title))
    structure = structure_from_rows(plan, pledge_rows, items, dept_rows, target_rows)
    if generation is not None:
        # The whole plan: its rules as stored columns, if current and unchanged since the
        # targets were read (saves making them from 100k targets on the first evaluation).
        stored = stored_plan_rules(session=session, plan_id=plan.id, generation=generation)
        if stored is not None:
            with suppress(ValueError):  # not the same targets: made from them instead
                structure.use_rule_columns(stored.rules)
    return structure


def target_history(*, session: Session, target_id: int, key: str = "") -> list[StoredReading]:
    """Every reading of a target, oldest first, corrections marked."""
    snaps = session.exec(
        select(Snapshot)
        .where(Snapshot.target_id == target_id)
        .order_by(Snapshot.as_of, Snapshot.id)  # type: ignore[arg-type]
    ).all()
    corrected = {s.supersedes_id for s in snaps if s.supersedes_id is not None}
    reviews = latest_reviews(session=session, snapshot_ids=[s.id for s in snaps if s.id])
    return [
        stored_reading(s, key, superseded=s.id in corrected, review=reviews.get(s.id or 0))
        for s in snaps
    ]


def stored_reading(
    snap: Snapshot, key: str, *, superseded: bool = False, review: ReviewInfo | None = None
) -> StoredReading:
    """A snapshot row as the one shape of a stored reading."""
    return StoredReading(
        target_id=snap.target_id,
        key=key,
        as_of=snap.as_of,
        value=snap.value,
        done=snap.done,
        note=snap.note or "",
        entered_by=snap.entered_by or "",
        entered_at=snap.entered_at,
        supersedes_id=snap.supersedes_id,
        id=snap.id,
        superseded=superseded,
        review=review,
        qualifier=snap.qualifier or "",
        forecast=snap.forecast_done_by,
        works=snap.works_percent,
    )


def current_snapshots_on(
    *, session: Session, target_ids: list[int], as_of: date
) -> dict[int, Snapshot]:
    """The current (not superseded) snapshot per target for exactly *as_of*."""
    if not target_ids:
        return {}
    rows = session.exec(
        select(Snapshot)
        .where(Snapshot.target_id.in_(target_ids), Snapshot.as_of == as_of)  # type: ignore[attr-defined]
        .order_by(Snapshot.id)  # type: ignore[arg-type]
    ).all()
    current: dict[int, Snapshot] = {}
    for snap in rows:
        current[snap.target_id] = snap  # later ids win
    return current


#: Rows fetched from the database at a time when a whole plan's readings are streamed.
STREAM_ROWS = 2000


def plan_snapshot_rows(*, session: Session, plan_id: int, history: bool = True) -> Iterator[Any]:
    """Every snapshot of a plan in entry order (for export), streamed :data:`STREAM_ROWS`
    at a time (a province holds over a million: never held whole): its target's key and
    kind, then ``as_of, value, done, note, entered_by, entered_at, qualifier,
    forecast_done_by, works_percent``. Without *history*, a reading a correction
    superseded is left out. A split target's units' readings come under their own keys,
    not a ``sum`` target's totals (made again from them on import)."""
    s = Snapshot.__table__.c  # type: ignore[attr-defined]
    t = Target.__table__.c  # type: ignore[attr-defined]
    query = (
        sa_select(
            t.key, t.kind, s.as_of, s.value, s.done, s.note, s.entered_by, s.entered_at,
            s.qualifier, s.forecast_done_by, s.works_percent,
        )
        .join_from(Snapshot.__table__, Target.__table__, t.id == s.target_id)  # type: ignore[attr-defined]
        .where(t.plan_id == plan_id, t.rollup.is_distinct_from("sum"))
        .order_by(s.id)
    )  # fmt: skip
    if not history:
        later = Snapshot.__table__.alias("later")  # type: ignore[attr-defined]
        query = query.where(~sa_select(later.c.id).where(later.c.supersedes_id == s.id).exists())
    connection = session.connection().execution_options(yield_per=STREAM_ROWS)
    yield from connection.execute(query)


def first_entries(*, session: Session, plan_id: int, start: date, end: date) -> dict[int, datetime]:
    """When each of the plan's targets (not units' shares) had its first reading dated
    within [start, end] entered (one query)."""
    rows = session.exec(
        select(Snapshot.target_id, func.min(Snapshot.entered_at))
        .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
        .where(
            Target.plan_id == plan_id,
            Target.parent_id.is_(None),  # type: ignore[union-attr]
            Snapshot.as_of >= start,
            Snapshot.as_of <= end,
        )
        .group_by(col(Snapshot.target_id))
    ).all()
    return {target_id: entered for target_id, entered in rows}


def plan_history(
    *, session: Session, plan_id: int, until: date, since: date | None = None
) -> list[StoredReading]:
    """Every reading of a plan dated in [since, until], with its target key, by target and
    date, corrections marked: read as Core rows (a province report lists tens of
    thousands)."""
    s = Snapshot.__table__.c  # type: ignore[attr-defined]
    t = Target.__table__.c  # type: ignore[attr-defined]
    rows = session.connection().execute(
        sa_select(
            s.target_id, t.key, s.as_of, s.value, s.done, s.note, s.entered_by, s.entered_at,
            s.supersedes_id, s.id, s.qualifier, s.forecast_done_by, s.works_percent,
        )
        .join_from(Snapshot.__table__, Target.__table__, t.id == s.target_id)  # type: ignore[attr-defined]
        .where(t.plan_id == plan_id, s.as_of <= until, s.as_of >= (since or date.min))
        .order_by(t.item_id, t.position, s.as_of, s.id)
    )  # fmt: skip
    # Repeated texts and dates kept once (a province's month: 100k–300k rows, a handful
    # of people and dates).
    texts: dict[str, str] = {}
    days: dict[date, date] = {}
    text, day = texts.setdefault, days.setdefault
    readings = [
        StoredReading(
            tid, key, day(as_of, as_of), value, done, text(note or "", note or ""),
            text(by or "", by or ""), at, sup, sid, qualifier=text(q or "", q or ""),
            forecast=forecast, works=works,
        )
        for tid, key, as_of, value, done, note, by, at, sup, sid, q, forecast, works in rows
    ]  # fmt: skip
    del texts, days
    corrected = {r.supersedes_id for r in readings if r.supersedes_id is not None}
    if not corrected:
        return readings
    return [replace(r, superseded=True) if r.id in corrected else r for r in readings]


# ---- review ---------------------------------------------------------------------------


def latest_reviews(*, session: Session, snapshot_ids: list[int]) -> dict[int, ReviewInfo]:
    """The latest review of each of these snapshots that has one (a query per 500)."""
    out: dict[int, ReviewInfo] = {}
    ids = sorted(set(snapshot_ids))
    for start in range(0, len(ids), 500):
        rows = session.exec(
            select(Review)
            .where(Review.snapshot_id.in_(ids[start : start + 500]))  # type: ignore[attr-defined]
            .order_by(Review.id)  # type: ignore[arg-type]
        ).all()
        for review in rows:  # later ids win
            out[review.snapshot_id] = ReviewInfo(
                review.decision, review.comment, review.reviewed_by, review.reviewed_at
            )
    return out


def review_queue(
    *,
    session: Session,
    plan_id: int,
    states: tuple[str, ...] = (SUBMITTED, RETURNED),
    target_ids: list[int] | None = None,
) -> list[StoredReading]:
    """Current readings of a plan (not superseded by a correction) in the given review
    states, by target and date (:func:`stream_review_queue`, held whole)."""
    return list(
        stream_review_queue(session=session, plan_id=plan_id, states=states, target_ids=target_ids)
    )


def stream_review_queue(
    *,
    session: Session,
    plan_id: int,
    states: tuple[str, ...] = (SUBMITTED, RETURNED),
    target_ids: list[int] | None = None,
) -> Iterator[StoredReading]:
    """Current readings of a plan (not superseded by a correction) in the given review
    states, by target and date — a unit's share after its target (migration 0011), a
    ``sum`` target's totals never (written by its units' saves, they follow the units'
    reviews: services.review) — : one query, read :data:`STREAM_ROWS` rows at a time (a
    province's ``--status all`` is over a million), and for each batch one for the
    reviews' comments."""
    correction = aliased(Snapshot)
    parent = aliased(Target)
    decision = func.coalesce(latest_decision(), SUBMITTED)
    query = (
        select(  # type: ignore[call-overload, misc]
            Snapshot.target_id, Target.key, Snapshot.as_of, Snapshot.value, Snapshot.done,
            Snapshot.note, Snapshot.entered_by, Snapshot.entered_at, Snapshot.supersedes_id,
            Snapshot.id, Snapshot.qualifier, Snapshot.forecast_done_by, Snapshot.works_percent,
            decision,
        )
        .join(Target, Target.id == Snapshot.target_id)
        .outerjoin(parent, parent.id == Target.parent_id)
        .where(
            Target.plan_id == plan_id,
            func.coalesce(Target.rollup, "") != "sum",
            ~select(correction.id).where(correction.supersedes_id == Snapshot.id).exists(),
            decision.in_(states),
        )
        .order_by(
            Target.item_id, func.coalesce(parent.position, Target.position),
            func.coalesce(parent.id, Target.id), func.coalesce(Target.parent_id, 0),
            Target.position, Snapshot.as_of, Snapshot.id,
        )
    )  # fmt: skip
    if target_ids is not None:
        query = query.where(Snapshot.target_id.in_(target_ids))  # type: ignore[attr-defined]
    rows = session.exec(query.execution_options(yield_per=STREAM_ROWS))
    for batch in rows.partitions():
        reviews = latest_reviews(
            session=session, snapshot_ids=[row[9] for row in batch if row[13] != SUBMITTED]
        )
        for tid, key, as_of, value, done, note, by, at, sup, sid, q, forecast, works, _ in batch:
            yield StoredReading(
                tid, key, as_of, value, done, note or "", by or "", at, sup, sid,
                review=reviews.get(sid), qualifier=q or "", forecast=forecast, works=works,
            )  # fmt: skip
