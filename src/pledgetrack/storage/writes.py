"""Writes: saving a plan (upsert by its keys) and appending snapshots in bulk."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection, CursorResult, Result
from sqlmodel import Session

from pledgetrack.domain.model import StoredReading
from pledgetrack.domain.plan_draft import PlanDraft, TargetDraft
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
    #: How many changes of each action (``item.add``, ``target.change`` …) went to the
    #: audit trail: the plan, and every item and target added or changed.
    counts: Mapping[str, int] = field(default_factory=dict)
    #: Pledges (件) in the file.
    pledges: int = 0

    def count(self, action: str) -> int:
        """How many of the changes are *action* (``item.add``, ``target.change`` …)."""
        return self.counts.get(action, 0)


#: Audit changes are handed on this many at a time (a province plan has 100,000 targets).
CHANGE_BATCH = 2_000

#: Told each batch of audit changes of a saved plan, the plan's own change first.
ChangeSink = Callable[[list[Change]], object]


def save_plan(*, session: Session, draft: PlanDraft, audit: ChangeSink) -> PlanSaved:
    """Create or update a plan from a checked draft, matching pledges, items and targets by
    key; *audit* is handed the changes for the audit trail (the plan, and every item and
    target added or changed), :data:`CHANGE_BATCH` at a time.

    Written with Core statements on the session's connection, a few per table whatever
    the size of the plan: a province plan has 100,000 targets, and an ORM object each (with
    a flush and a bulk delete per item) made the import quadratic. Only what differs is
    inserted or updated; the stored plan is the same as if every row were written."""
    conn = session.connection()
    plans, pledge_t = _table(Plan), _table(Pledge)
    item_t, dept_t, link_t, target_t = (
        _table(Item), _table(Department), _table(ItemDepartment), _table(Target)
    )  # fmt: skip

    # The plan.
    found = conn.execute(
        select(plans.c.id, plans.c.code, plans.c.title, plans.c.start, plans.c.end, plans.c.flat)
        .where(plans.c.code == draft.code)
    ).first()  # fmt: skip
    wanted = {"title": draft.title, "start": draft.start, "end": draft.end, "flat": draft.flat}
    plan_before: dict[str, Any] | None = None
    if found is None:
        plan_id = _new_id(conn.execute(insert(plans).values(code=draft.code, **wanted)))
    else:
        plan_id = found.id
        plan_before = _plan_state(found)
        if any(getattr(found, k) != v for k, v in wanted.items()):
            conn.execute(update(plans).where(plans.c.id == plan_id).values(**wanted))
    plan_after = _plan_state(SimpleNamespace(code=draft.code, **wanted))

    # Pledges: matched by number.
    pledges = {
        no: (pid, title)
        for pid, no, title in conn.execute(
            select(pledge_t.c.id, pledge_t.c.no, pledge_t.c.title).where(
                pledge_t.c.plan_id == plan_id
            )
        )
    }
    _insert(conn, pledge_t, [
        {"plan_id": plan_id, "no": no, "title": title}
        for no, title in draft.pledges.items() if no not in pledges
    ])  # fmt: skip
    _update(conn, pledge_t, ("title",), [
        {"id_": pledges[no][0], "title": title}
        for no, title in draft.pledges.items() if no in pledges and pledges[no][1] != title
    ])  # fmt: skip
    pledge_id = {
        no: pid
        for pid, no in conn.execute(
            select(pledge_t.c.id, pledge_t.c.no).where(pledge_t.c.plan_id == plan_id)
        )
    }
    pledge_no = {pid: no for no, pid in pledge_id.items()}

    # Departments: by name, made in the order the file first names them.
    departments = dict(conn.execute(select(dept_t.c.name, dept_t.c.id)).all())
    named = dict.fromkeys(d for i in draft.items.values() for d in i.departments)
    _insert(conn, dept_t, [{"name": name} for name in named if name not in departments])
    if any(name not in departments for name in named):
        departments = dict(conn.execute(select(dept_t.c.name, dept_t.c.id)).all())

    # Items: matched by number; the audit's before and after of each, with departments.
    stored_items = conn.execute(
        select(item_t.c.id, item_t.c.no, item_t.c.title, item_t.c.pledge_id)
        .where(item_t.c.plan_id == plan_id)
        .order_by(item_t.c.id)
    ).all()  # fmt: skip
    links = _item_departments(conn, plan_id)
    item_before = {
        i.no: _item_state(i.no, i.title, pledge_no.get(i.pledge_id), links.get(i.id, []))
        for i in stored_items
    }
    item_id = {i.no: i.id for i in stored_items}
    new_items, changed_items = [], []
    for it in draft.items.values():
        pid = pledge_id[it.pledge_no]
        if it.no not in item_id:
            new_items.append({"plan_id": plan_id, "no": it.no, "title": it.title, "pledge_id": pid})
        elif (item_before[it.no]["title"], item_before[it.no]["pledge"]) != (
            it.title,
            it.pledge_no,
        ):
            changed_items.append({"id_": item_id[it.no], "title": it.title, "pledge_id": pid})
    _insert(conn, item_t, new_items)
    _update(conn, item_t, ("title", "pledge_id"), changed_items)
    if new_items:
        item_id = dict(
            conn.execute(select(item_t.c.no, item_t.c.id).where(item_t.c.plan_id == plan_id)).all()
        )
    relinked = [
        it for it in draft.items.values()
        if it.no not in item_before or item_before[it.no]["departments"] != it.departments
    ]  # fmt: skip
    _delete_links(conn, link_t, [item_id[it.no] for it in relinked if it.no in item_before])
    _insert(conn, link_t, [
        {"item_id": item_id[it.no], "department_id": departments[name], "position": position}
        for it in relinked for position, name in enumerate(it.departments)
    ])  # fmt: skip
    item_after = dict(item_before)
    for it in draft.items.values():
        item_after[it.no] = _item_state(it.no, it.title, it.pledge_no, list(it.departments))

    # Targets: matched by key among the plan's own (a unit's share is not in a plan file).
    columns = [target_t.c[name] for name in _TARGET_COLUMNS]
    stored = {
        row.key: row
        for row in conn.execute(
            select(
                target_t.c.id, target_t.c.key, target_t.c.item_id, target_t.c.position, *columns
            ).where(target_t.c.plan_id == plan_id, target_t.c.parent_id.is_(None))
        )
    }
    item_no_before = {i.id: i.no for i in stored_items}
    added = updated = 0
    new_targets: list[dict[str, Any]] = []
    changed_targets: list[dict[str, Any]] = []
    names = ("item_id", "position", *_TARGET_COLUMNS)
    for it in draft.items.values():
        for position, t in enumerate(it.targets):
            values = _target_values(t, item_id[it.no], position)
            row = stored.get(t.key)
            if row is None:
                added += 1
                new_targets.append({"plan_id": plan_id, "key": t.key, **values})
            else:
                updated += 1
                if any(getattr(row, name) != value for name, value in values.items()):
                    changed_targets.append({"id_": row.id, **values})
            # Written a batch at a time: the rows of a province plan are 100 MB as dicts.
            if len(new_targets) >= CHANGE_BATCH:
                _insert(conn, target_t, new_targets)
                new_targets = []
            if len(changed_targets) >= CHANGE_BATCH:
                _update(conn, target_t, names, changed_targets)
                changed_targets = []
    _insert(conn, target_t, new_targets)
    _update(conn, target_t, names, changed_targets)
    target_id = {
        key: tid
        for key, tid in conn.execute(
            select(target_t.c.key, target_t.c.id).where(
                target_t.c.plan_id == plan_id, target_t.c.parent_id.is_(None)
            )
        )
    }
    in_file = {t.key: (t, it.no) for it in draft.items.values() for t in it.targets}

    # The audit trail, a batch at a time.
    counts: dict[str, int] = {}
    batch: list[Change] = []

    def emit(change: Change) -> None:
        counts[change.action] = counts.get(change.action, 0) + 1
        batch.append(change)
        if len(batch) >= CHANGE_BATCH:
            audit(batch[:])
            batch.clear()

    if plan_before is not None:
        plan_before["targets"] = len(stored)
    emit(
        Change(
            "plan.import" if plan_before is None else "plan.update",
            "plan",
            plan_id,
            before=plan_before,
            after={**plan_after, "targets": len(set(stored) | set(in_file))},
        )
    )
    for no, state in item_after.items():
        if item_before.get(no) != state:
            action = "item.add" if no not in item_before else "item.change"
            emit(Change(action, "item", item_id[no], None, item_before.get(no), state))
    for key in sorted(in_file, key=_key_order):
        t, no = in_file[key]
        state = _draft_state(t, no)
        row = stored.get(key)
        before = None if row is None else _row_state(row, item_no_before)
        if before != state:
            action = "target.add" if row is None else "target.change"
            emit(Change(action, "target", target_id[key], key, before, state))
    if batch:
        audit(batch)
    return PlanSaved(
        code=draft.code,
        created=found is None,
        items=len(draft.items),
        pledges=0 if draft.flat else len(draft.pledges),  # a flat list counts no 件
        targets_added=added,
        targets_updated=updated,
        targets_not_in_file=sorted(k for k in stored if k not in in_file),
        counts=counts,
    )


#: The columns of a target a plan file sets (beside its item, key and position).
_TARGET_COLUMNS = (
    "name", "kind", "target_value", "at_least", "unit", "baseline", "deadline", "assessed",
    "schedule", "stages", "note", "per_period",
)  # fmt: skip


def _table(model: Any) -> Table:
    return model.__table__


def _new_id(result: Result[Any]) -> int:
    """The id the INSERT of one row that gave *result* gave that row."""
    # Session.execute is typed to return a Result; for an INSERT it is a CursorResult,
    # whose key is None only where no row was inserted.
    assert isinstance(result, CursorResult)
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany INSERT of *rows* (nothing for none)."""
    if rows:
        conn.execute(insert(table), rows)


def _update(
    conn: Connection, table: Table, names: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """One executemany UPDATE of the columns *names* of each row by its ``id_``."""
    if rows:
        statement = (
            update(table)
            .where(table.c.id == bindparam("id_"))
            .values({name: bindparam(name) for name in names})
        )
        conn.execute(statement, rows)


def _delete_links(conn: Connection, table: Table, item_ids: list[int]) -> None:
    """The department links of these items, deleted 500 items at a time."""
    for start in range(0, len(item_ids), 500):
        conn.execute(delete(table).where(table.c.item_id.in_(item_ids[start : start + 500])))


def _item_departments(conn: Connection, plan_id: int) -> dict[int, list[str]]:
    """Item id → its departments' names, lead first, for every item of the plan."""
    link_t, dept_t, item_t = _table(ItemDepartment), _table(Department), _table(Item)
    departments: dict[int, list[str]] = {}
    for item_id, name in conn.execute(
        select(link_t.c.item_id, dept_t.c.name)
        .join(dept_t, dept_t.c.id == link_t.c.department_id)
        .join(item_t, item_t.c.id == link_t.c.item_id)
        .where(item_t.c.plan_id == plan_id)
        .order_by(link_t.c.item_id, link_t.c.position)
    ):
        departments.setdefault(item_id, []).append(name)
    return departments


def _item_state(no: int, title: str, pledge: int | None, departments: list[str]) -> dict[str, Any]:
    """An item as the audit trail records it, with its departments (lead first)."""
    return {"no": no, "title": title, "pledge": pledge, "departments": departments}


def _target_values(t: TargetDraft, item_id: int, position: int) -> dict[str, Any]:
    """The stored columns of a target from its draft."""
    return {
        "item_id": item_id,
        "position": position,
        "name": t.name,
        "kind": t.kind.value,
        "target_value": t.target_value,
        "at_least": t.at_least,
        "unit": t.unit,
        "baseline": t.baseline,
        "deadline": t.deadline,
        "assessed": t.assessed,
        "schedule": [{"on": n.on.isoformat(), "value": n.value} for n in t.schedule],
        "stages": [
            {"name": s.name, "planned": s.planned.isoformat() if s.planned else None}
            for s in t.stages
        ],
        "note": t.note,
        "per_period": t.per_period,
    }


def _draft_state(t: TargetDraft, item_no: int) -> dict[str, Any]:
    """A target from the file as the audit trail records it."""
    values = _target_values(t, 0, 0)
    return _target_state(SimpleNamespace(**values), {0: item_no})


def _row_state(row: Any, item_no: Mapping[int | None, int]) -> dict[str, Any]:
    """A stored target as the audit trail records it."""
    return _target_state(row, item_no)


def _key_order(key: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in key.split("."))


def _plan_state(plan: Any) -> dict[str, Any]:
    return {
        "code": plan.code,
        "title": plan.title,
        "start": plan.start.isoformat(),
        "end": plan.end.isoformat(),
        # Said only of a flat list, so that the trail of every other plan reads as before.
        **({"flat": True} if plan.flat else {}),
    }


def _target_state(target: Any, item_no: Mapping[int | None, int]) -> dict[str, Any]:
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
        table = _table(Snapshot)
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
        ids.append(_new_id(session.execute(insert(Snapshot).values(**values(row, supersedes)))))
    return ids
