"""Writes: saving a plan (upsert by its keys) and appending snapshots in bulk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, delete, select

from pledgetrack.domain.model import StoredReading
from pledgetrack.domain.plan_draft import PlanDraft
from pledgetrack.storage.tables import (
    Department,
    Item,
    ItemDepartment,
    Plan,
    Pledge,
    Snapshot,
    Target,
)


@dataclass(frozen=True)
class Change:
    """One change for the audit trail: an action on an entity, its state before and after."""

    action: str
    entity: str
    entity_id: int | None
    target_key: str | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class PlanSaved:
    """What saving a plan changed."""

    code: str
    created: bool
    items: int
    targets_added: int
    targets_updated: int
    #: Targets in the database that the file no longer lists (kept, with their history).
    targets_not_in_file: list[str]
    #: For the audit trail: the plan, and every item and target added or changed.
    changes: list[Change] = field(default_factory=list)
    #: Pledges (件) in the file.
    pledges: int = 0

    def count(self, action: str) -> int:
        """How many of the changes are *action* (``item.add``, ``target.change`` …)."""
        return sum(change.action == action for change in self.changes)


def save_plan(*, session: Session, draft: PlanDraft) -> PlanSaved:
    """Create or update a plan from a checked draft, matching pledges, items and targets by key."""
    plan = session.exec(select(Plan).where(Plan.code == draft.code)).first()
    created = plan is None
    plan_before = _plan_state(plan) if plan is not None else None
    if plan is None:
        plan = Plan(
            code=draft.code, title=draft.title, start=draft.start, end=draft.end, flat=draft.flat
        )
    else:
        plan.title, plan.start, plan.end = draft.title, draft.start, draft.end
        plan.flat = draft.flat
    session.add(plan)
    session.flush()
    assert plan.id is not None

    pledges = {p.no: p for p in session.exec(select(Pledge).where(Pledge.plan_id == plan.id))}
    for no, title in draft.pledges.items():
        pledge = pledges.get(no) or Pledge(plan_id=plan.id, no=no, title=title)
        pledge.title = title
        session.add(pledge)
        pledges[no] = pledge
    departments = {d.name: d for d in session.exec(select(Department))}
    items = {i.no: i for i in session.exec(select(Item).where(Item.plan_id == plan.id))}
    targets = {
        t.key: t
        for t in session.exec(
            select(Target).where(Target.plan_id == plan.id, Target.parent_id.is_(None))  # type: ignore[union-attr]
        )
    }
    session.flush()
    item_before = _item_states(session, plan.id, items, pledges)
    item_no = {i.id: no for no, i in items.items()}
    target_before = {key: _target_state(t, item_no) for key, t in targets.items()}

    added = updated = 0
    for item_draft in draft.items.values():
        item = items.get(item_draft.no) or Item(
            plan_id=plan.id, no=item_draft.no, title="", pledge_id=0
        )
        item.title = item_draft.title
        item.pledge_id = pledges[item_draft.pledge_no].id or 0
        session.add(item)
        session.flush()
        assert item.id is not None
        items[item_draft.no] = item
        session.exec(delete(ItemDepartment).where(ItemDepartment.item_id == item.id))  # type: ignore[call-overload]
        for position, name in enumerate(item_draft.departments):
            department = departments.get(name)
            if department is None:
                department = Department(name=name)
                session.add(department)
                session.flush()
                departments[name] = department
            session.add(
                ItemDepartment(item_id=item.id, department_id=department.id or 0, position=position)
            )
        for position, t in enumerate(item_draft.targets):
            target = targets.get(t.key)
            if target is None:
                target = Target(
                    plan_id=plan.id, item_id=item.id, key=t.key, name=t.name, kind=t.kind.value
                )
                added += 1
            else:
                updated += 1
            target.item_id = item.id
            target.position = position
            target.name = t.name
            target.kind = t.kind.value
            target.target_value = t.target_value
            target.at_least = t.at_least
            target.unit = t.unit
            target.baseline = t.baseline
            target.deadline = t.deadline
            target.assessed = t.assessed
            target.schedule = [{"on": n.on.isoformat(), "value": n.value} for n in t.schedule]
            target.stages = [
                {"name": s.name, "planned": s.planned.isoformat() if s.planned else None}
                for s in t.stages
            ]
            target.note = t.note
            target.per_period = t.per_period
            session.add(target)
            targets[t.key] = target
    session.flush()
    in_file = {t.key for i in draft.items.values() for t in i.targets}
    changes = [
        Change(
            "plan.import" if plan_before is None else "plan.update",
            "plan",
            plan.id,
            before=plan_before,
            after={**_plan_state(plan), "targets": len(set(targets) | in_file)},
        )
    ]
    if plan_before is not None:
        plan_before["targets"] = len(target_before)
    item_after = _item_states(session, plan.id, items, pledges)
    for no, state in item_after.items():
        if item_before.get(no) != state:
            action = "item.add" if no not in item_before else "item.change"
            changes.append(Change(action, "item", items[no].id, None, item_before.get(no), state))
    item_no = {i.id: no for no, i in items.items()}
    for key in sorted(in_file, key=_key_order):
        state = _target_state(targets[key], item_no)
        if target_before.get(key) != state:
            action = "target.add" if key not in target_before else "target.change"
            changes.append(
                Change(action, "target", targets[key].id, key, target_before.get(key), state)
            )
    return PlanSaved(
        code=draft.code,
        created=created,
        items=len(draft.items),
        pledges=0 if draft.flat else len(draft.pledges),  # a flat list counts no 件
        targets_added=added,
        targets_updated=updated,
        targets_not_in_file=sorted(k for k in targets if k not in in_file),
        changes=changes,
    )


def _key_order(key: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in key.split("."))


def _plan_state(plan: Plan) -> dict[str, Any]:
    return {
        "code": plan.code,
        "title": plan.title,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        # Said only of a flat list, so that the trail of every other plan reads as before.
        **({"flat": True} if plan.flat else {}),
    }


def _item_states(
    session: Session, plan_id: int, items: dict[int, Item], pledges: dict[int, Pledge]
) -> dict[int, dict[str, Any]]:
    """Each item as the audit trail records it, with its departments (lead first)."""
    pledge_no = {p.id: no for no, p in pledges.items()}
    departments: dict[int, list[str]] = {}
    for item_id, name in session.exec(
        select(ItemDepartment.item_id, Department.name)
        .join(Department, Department.id == ItemDepartment.department_id)  # type: ignore[arg-type]
        .join(Item, Item.id == ItemDepartment.item_id)  # type: ignore[arg-type]
        .where(Item.plan_id == plan_id)
        .order_by(ItemDepartment.item_id, ItemDepartment.position)
    ).all():
        departments.setdefault(item_id, []).append(name)
    return {
        no: {
            "no": no,
            "title": item.title,
            "pledge": pledge_no.get(item.pledge_id),
            "departments": departments.get(item.id or 0, []),
        }
        for no, item in items.items()
    }


def _target_state(target: Target, item_no: Mapping[int | None, int]) -> dict[str, Any]:
    """A target as the audit trail records it."""
    return {
        "item": item_no.get(target.item_id),
        "name": target.name,
        "kind": target.kind,
        "target_value": target.target_value,
        "at_least": target.at_least,
        "unit": target.unit,
        "baseline": target.baseline,
        "deadline": target.deadline.isoformat() if target.deadline else None,
        "assessed": target.assessed,
        "schedule": list(target.schedule or []),
        "stages": list(target.stages or []),
        "note": target.note,
        # Only when set: the trail of targets from before per-period targets is unchanged.
        **({"per_period": True} if target.per_period else {}),
    }


def append_snapshots(
    *,
    session: Session,
    rows: Sequence[StoredReading],
    recorded_by: str = "",
    recorded_at: datetime | None = None,
) -> list[int]:
    """Append snapshots: one executemany INSERT for the whole batch; returns their ids
    in the order of *rows*. *recorded_by* / *recorded_at*: who really stores them and
    when (default: each row's ``entered_by`` / ``entered_at``); the database's triggers
    write their audit entries (migration 0004).

    Rows that supersede a snapshot written in the same call carry
    ``supersedes_id = -(index + 1)`` of that earlier row. Only then (a history
    of corrections imported into an empty date, which is rare) are rows inserted
    one by one, because the earlier row's id is needed.
    """
    if not rows:
        return []

    def values(row: StoredReading, supersedes: int | None) -> dict[str, object]:
        return {
            "target_id": row.target_id,
            "as_of": row.as_of,
            "value": row.value,
            "done": row.done,
            "note": row.note,
            "entered_by": row.entered_by,
            "entered_at": row.entered_at,
            "recorded_by": recorded_by or row.entered_by,
            "recorded_at": recorded_at or row.entered_at,
            "supersedes_id": supersedes,
            "qualifier": row.qualifier or None,
            "forecast_done_by": row.forecast,
            "works_percent": row.works,
        }

    if all(r.supersedes_id is None or r.supersedes_id >= 0 for r in rows):
        # Core insert on the session's connection: no ORM bookkeeping per row.
        table = Snapshot.__table__  # type: ignore[attr-defined]
        conn = session.connection()
        if conn.dialect.name == "sqlite":
            # RETURNING in parameter order makes SQLAlchemy send SQLite one statement per
            # row, slow for a bulk import. A plain executemany instead: this transaction
            # holds SQLite's only write lock from its first insert, so the rows get the
            # consecutive ids that end at the largest id right after the insert.
            conn.execute(insert(table), [values(r, r.supersedes_id) for r in rows])
            last = conn.execute(select(func.max(table.c.id))).scalar_one()
            return list(range(last - len(rows) + 1, last + 1))
        result = conn.execute(
            insert(table).returning(table.c.id, sort_by_parameter_order=True),
            [values(r, r.supersedes_id) for r in rows],
        )
        return [int(i) for i in result.scalars().all()]
    ids: list[int] = []
    for row in rows:
        supersedes = row.supersedes_id
        if supersedes is not None and supersedes < 0:
            supersedes = ids[-supersedes - 1]
        result = session.execute(insert(Snapshot).values(**values(row, supersedes)))
        ids.append(int(result.inserted_primary_key[0]))  # type: ignore[attr-defined]
    return ids
