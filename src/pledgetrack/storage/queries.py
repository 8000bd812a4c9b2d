"""Queries that return domain objects. Keyword-only ``(*, session, ...)`` throughout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func
from sqlmodel import Session, select

from pledgetrack.domain.model import (
    PlanPeriod,
    Reading,
    ScheduleNode,
    Stage,
    TargetKind,
    TargetRule,
)
from pledgetrack.domain.plan import ItemInfo, PlanStructure, PledgeInfo, TargetInfo
from pledgetrack.storage.tables import (
    Department,
    Item,
    ItemDepartment,
    Plan,
    Pledge,
    Snapshot,
    Target,
)


class PlanNotFound(LookupError):
    """No plan with that code, or no plan at all."""


def list_plans(*, session: Session) -> list[Plan]:
    """Every plan, newest period first."""
    return list(session.exec(select(Plan).order_by(Plan.start.desc(), Plan.code)))  # type: ignore[attr-defined]


def find_plan(*, session: Session, code: str | None) -> Plan:
    """The plan with *code*, or the newest plan when *code* is None."""
    if code:
        plan = session.exec(select(Plan).where(Plan.code == code)).first()
        if plan is None:
            known = ", ".join(p.code for p in list_plans(session=session)) or "none"
            raise PlanNotFound(f"no plan {code!r} (plans in this database: {known})")
        return plan
    plans = list_plans(session=session)
    if not plans:
        raise PlanNotFound(
            "the database has no plan yet: import one with 'pledgetrack import plan FILE'"
        )
    return plans[0]


def target_rule(target: Target, plan_end: date) -> TargetRule:
    """The engine's view of a stored target."""
    return TargetRule(
        kind=TargetKind(target.kind),
        deadline=target.deadline or plan_end,
        assessed=target.assessed,
        target_value=target.target_value,
        baseline=target.baseline or 0.0,
        at_least=target.at_least,
        schedule=tuple(
            ScheduleNode(date.fromisoformat(str(n["on"])), float(n["value"]))  # type: ignore[arg-type]
            for n in (target.schedule or [])
        ),
        stages=tuple(
            Stage(
                str(s["name"]), date.fromisoformat(str(s["planned"])) if s.get("planned") else None
            )
            for s in (target.stages or [])
        ),
    )


def load_structure(*, session: Session, code: str | None = None) -> PlanStructure:
    """A plan with its pledges, items, departments and targets: four queries, any size."""
    plan = find_plan(session=session, code=code)
    assert plan.id is not None
    pledges = session.exec(
        select(Pledge).where(Pledge.plan_id == plan.id).order_by(Pledge.no)
    ).all()
    pledge_no = {p.id: p.no for p in pledges}
    items = session.exec(select(Item).where(Item.plan_id == plan.id).order_by(Item.no)).all()
    dept_rows = session.exec(
        select(ItemDepartment.item_id, Department.name)
        .join(Department, Department.id == ItemDepartment.department_id)  # type: ignore[arg-type]
        .join(Item, Item.id == ItemDepartment.item_id)  # type: ignore[arg-type]
        .where(Item.plan_id == plan.id)
        .order_by(ItemDepartment.item_id, ItemDepartment.position)
    ).all()
    departments: dict[int, list[str]] = {}
    for item_id, name in dept_rows:
        departments.setdefault(item_id, []).append(name)
    targets = session.exec(
        select(Target).where(Target.plan_id == plan.id).order_by(Target.item_id, Target.position)
    ).all()
    item_no = {i.id: i.no for i in items}
    by_item: dict[int, list[TargetInfo]] = {}
    for t in targets:
        assert t.id is not None
        by_item.setdefault(t.item_id, []).append(
            TargetInfo(
                id=t.id,
                key=t.key,
                item_no=item_no[t.item_id],
                name=t.name,
                unit=t.unit,
                rule=target_rule(t, plan.end),
                note=t.note,
            )
        )
    return PlanStructure(
        id=plan.id,
        code=plan.code,
        title=plan.title,
        period=PlanPeriod(plan.start, plan.end),
        pledges=tuple(PledgeInfo(p.no, p.title) for p in pledges),
        items=tuple(
            ItemInfo(
                id=i.id or 0,
                no=i.no,
                title=i.title,
                pledge_no=pledge_no[i.pledge_id],
                departments=tuple(departments.get(i.id or 0, ())),
                targets=tuple(by_item.get(i.id or 0, ())),
            )
            for i in items
        ),
    )


def latest_readings(*, session: Session, plan_id: int, on: date) -> dict[int, Reading]:
    """The latest reading of every target of a plan as of *on*, in one SQL statement.

    Latest = greatest ``as_of`` not after *on*; among corrections of that date,
    the last entered (greatest id).
    """
    latest_date = (
        select(Snapshot.target_id, func.max(Snapshot.as_of).label("as_of"))
        .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
        .where(Target.plan_id == plan_id, Snapshot.as_of <= on)
        .group_by(Snapshot.target_id)
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
        .group_by(Snapshot.target_id)
    )
    rows = session.exec(
        select(
            Snapshot.target_id, Snapshot.as_of, Snapshot.value, Snapshot.done, Snapshot.note
        ).where(
            Snapshot.id.in_(latest_id)  # type: ignore[union-attr]
        )
    ).all()
    return {tid: Reading(as_of, value, done, note or "") for tid, as_of, value, done, note in rows}


@dataclass(frozen=True)
class HistoryEntry:
    """One stored reading as the history shows it."""

    id: int
    as_of: date
    value: float | None
    done: bool | None
    note: str
    entered_by: str
    entered_at: datetime
    supersedes_id: int | None
    #: True when a later record corrects this one.
    superseded: bool


def target_history(*, session: Session, target_id: int) -> list[HistoryEntry]:
    """Every reading of a target, oldest first, corrections marked."""
    snaps = session.exec(
        select(Snapshot)
        .where(Snapshot.target_id == target_id)
        .order_by(Snapshot.as_of, Snapshot.id)  # type: ignore[arg-type]
    ).all()
    corrected = {s.supersedes_id for s in snaps if s.supersedes_id is not None}
    return [
        HistoryEntry(
            id=s.id or 0,
            as_of=s.as_of,
            value=s.value,
            done=s.done,
            note=s.note,
            entered_by=s.entered_by,
            entered_at=s.entered_at,
            supersedes_id=s.supersedes_id,
            superseded=s.id in corrected,
        )
        for s in snaps
    ]


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


def all_snapshots(*, session: Session, plan_id: int) -> list[tuple[str, Snapshot]]:
    """Every snapshot of a plan with its target key, in entry order (for export)."""
    rows = session.exec(
        select(Target.key, Snapshot)
        .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
        .where(Target.plan_id == plan_id)
        .order_by(Snapshot.id)  # type: ignore[arg-type]
    ).all()
    return [(key, snap) for key, snap in rows]


def first_entries(*, session: Session, plan_id: int, start: date, end: date) -> dict[int, datetime]:
    """When each target's first reading dated within [start, end] was entered (one query)."""
    rows = session.exec(
        select(Snapshot.target_id, func.min(Snapshot.entered_at))
        .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
        .where(Target.plan_id == plan_id, Snapshot.as_of >= start, Snapshot.as_of <= end)
        .group_by(Snapshot.target_id)
    ).all()
    return {target_id: entered for target_id, entered in rows}


def plan_history(*, session: Session, plan_id: int, until: date) -> list[tuple[str, Snapshot]]:
    """Every reading of a plan dated up to *until*, with its target key, by target and date."""
    rows = session.exec(
        select(Target.key, Snapshot)
        .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
        .where(Target.plan_id == plan_id, Snapshot.as_of <= until)
        .order_by(Target.item_id, Target.position, Snapshot.as_of, Snapshot.id)  # type: ignore[arg-type]
    ).all()
    return [(key, snap) for key, snap in rows]
