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

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from sqlalchemy import String, cast, inspect, text, type_coerce
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from pledgetrack.domain.columns import RuleColumns
from pledgetrack.domain.model import ScheduleNode, Stage, TargetKind, TargetRule
from pledgetrack.storage.latest import as_date
from pledgetrack.storage.rule_json import json_list, schedule_nodes, stage_tuple
from pledgetrack.storage.tables import Item, Target

#: Bump when the payload's layout changes: older payloads are then read as misses.
FORMAT = 2


@dataclass(frozen=True, eq=False)
class PlanRules:
    """The rules of a plan's targets in list order, and its items' ids and numbers."""

    rules: RuleColumns
    item_id: list[int]
    item_no: list[int]


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
        _store(session, plan_id, generation, _encode(built))
    return built


def current_generation(*, session: Session) -> int | None:
    """The number the triggers raise on every change of a plan, item or target (None:
    a database at a schema revision before 0003, read while being upgraded, or one
    whose generation row was deleted: nothing is then stored or taken)."""
    conn = session.connection()
    if not inspect(conn).has_table("rule_generation"):
        return None
    value = conn.execute(text("SELECT value FROM rule_generation WHERE id = 1")).scalar()
    return None if value is None else int(value)  # its row deleted by hand: no copies


def stored_plan_rules(
    *, session: Session, plan_id: int, generation: int | None = None
) -> PlanRules | None:
    """The stored copy of a plan's rules if it is current (and, with *generation*, if
    nothing has changed since that generation was read); else None."""
    where = " AND g.value = :generation" if generation is not None else ""
    cached = (
        session.connection()
        .execute(
            text(
                "SELECT c.payload FROM rule_cache c JOIN rule_generation g "
                f"ON g.id = 1 AND c.generation = g.value WHERE c.plan_id = :plan{where}"
            ),
            {"plan": plan_id, "generation": generation},
        )
        .scalar()
    )
    return None if cached is None else _decode(bytes(cached))


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
        ).where(t.plan_id == plan_id)
    ).all()  # fmt: skip
    item_id = [row[0] for row in items]
    return PlanRules(_columns(rows, item_id, plan_end), item_id, [row[1] for row in items])


def _columns(rows: Sequence[Any], item_ids: list[int], plan_end: date) -> RuleColumns:
    """Rule rows (in any order) to columns in list order: item by item, by position."""
    n = len(rows)
    empty: tuple[Any, ...] = ()
    tid, item_id, position, kind, deadline, assessed, target, baseline, schedule, stages, per = (
        zip(*rows, strict=True) if n else (empty,) * 11
    )
    ids = np.asarray(item_ids, dtype=np.int64)
    by_id = np.argsort(ids, kind="stable")
    item_pos = by_id[np.searchsorted(ids[by_id], np.fromiter(item_id, np.int64, n))]
    order = np.lexsort((np.fromiter(position, np.int64, n), item_pos))
    days = {d: (as_date(d) if d is not None else plan_end).toordinal() for d in set(deadline)}
    groups, special_rules = _special_groups(
        kind, deadline, target, baseline, schedule, stages, per, plan_end
    )
    group_of = groups[order]
    special_at = np.flatnonzero(group_of >= 0)
    stage_count = np.zeros(n, dtype=np.int64)
    stage_count[special_at] = [len(special_rules[g].stages) for g in group_of[special_at]]
    return RuleColumns(
        target_id=np.fromiter(tid, np.int64, n)[order],
        item_of=item_pos[order],
        items=len(item_ids),
        milestone=np.fromiter((k == TargetKind.MILESTONE for k in kind), bool, n)[order],
        deadline=np.fromiter(map(days.__getitem__, deadline), np.int64, n)[order],
        assessed=np.fromiter(map(bool, assessed), bool, n)[order],
        target=np.array(target, dtype=np.float64)[order],
        baseline=np.array([b or 0.0 for b in baseline], dtype=np.float64)[order],
        stage_count=stage_count,
        special_at=special_at,
        special_rule=group_of[special_at],
        special_rules=special_rules,
    )


def _special_groups(
    kind: tuple[Any, ...],
    deadline: tuple[Any, ...],
    target: tuple[Any, ...],
    baseline: tuple[Any, ...],
    schedule: tuple[Any, ...],
    stages: tuple[Any, ...],
    per_period: tuple[Any, ...],
    plan_end: date,
) -> tuple[Any, tuple[TargetRule, ...]]:
    """For each row, the distinct schedule-or-stages rule it follows (−1: none), and those
    rules; a province list repeats a few quarterly schedules, each read once."""
    blank = {None, "", "[]", "null"}
    keys: dict[tuple[Any, ...], int] = {}
    rules: list[TargetRule] = []
    group = np.full(len(kind), -1, dtype=np.int64)
    for i, (plan, stage_list) in enumerate(zip(schedule, stages, strict=True)):
        if plan in blank and stage_list in blank:
            continue
        key = (kind[i], deadline[i], target[i], baseline[i], plan, stage_list, bool(per_period[i]))
        found = keys.get(key)
        if found is None:
            found = keys[key] = len(rules)
            rules.append(
                TargetRule(
                    TargetKind(kind[i]),
                    as_date(deadline[i]) if deadline[i] is not None else plan_end,
                    True,
                    target[i],
                    baseline[i] or 0.0,
                    False,
                    schedule_nodes(json_list(plan)),
                    stage_tuple(json_list(stage_list)),
                    bool(per_period[i]),
                )
            )
        group[i] = found
    return group, tuple(rules)


# ---- the stored copy ---------------------------------------------------------------------

_ARRAYS = (
    "target_id", "item_of", "milestone", "deadline", "assessed", "target", "baseline",
    "stage_count", "special_at", "special_rule",
)  # fmt: skip


def _encode(plan: PlanRules) -> bytes:
    r = plan.rules
    special = [
        [
            rule.kind.value,
            rule.deadline.isoformat(),
            rule.target_value,
            rule.baseline,
            [[n.on.isoformat(), n.value] for n in rule.schedule],
            [[s.name, s.planned.isoformat() if s.planned else None] for s in rule.stages],
            rule.per_period,
        ]
        for rule in r.special_rules
    ]
    meta = {"format": FORMAT, "items": r.items, "special": special}
    buffer = io.BytesIO()
    np.savez(
        buffer,
        meta=np.array(json.dumps(meta, ensure_ascii=False)),
        item_id=np.asarray(plan.item_id, dtype=np.int64),
        item_no=np.asarray(plan.item_no, dtype=np.int64),
        **{name: getattr(r, name) for name in _ARRAYS},
    )
    return buffer.getvalue()


def _decode(payload: bytes) -> PlanRules | None:
    """The stored copy, or None if it is of another format."""
    with np.load(io.BytesIO(payload), allow_pickle=False) as stored:
        meta = json.loads(str(stored["meta"]))
        if meta.get("format") != FORMAT:
            return None
        arrays = {name: stored[name] for name in _ARRAYS}
        item_id, item_no = stored["item_id"].tolist(), stored["item_no"].tolist()
    special = tuple(
        TargetRule(
            TargetKind(kind),
            date.fromisoformat(deadline),
            True,
            target,
            baseline,
            False,
            tuple(ScheduleNode(date.fromisoformat(on), value) for on, value in schedule),
            tuple(Stage(name, date.fromisoformat(p) if p else None) for name, p in stages),
            per_period,
        )
        for kind, deadline, target, baseline, schedule, stages, per_period in meta["special"]
    )
    rules = RuleColumns(items=meta["items"], special_rules=special, **arrays)
    return PlanRules(rules, item_id, item_no)


def _store(session: Session, plan_id: int, generation: int, payload: bytes) -> None:
    """Keep the copy if *generation* is still the current one; never wait for a lock."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    statement = text(
        "INSERT INTO rule_cache (plan_id, generation, payload) "
        "SELECT :plan, :generation, :payload FROM rule_generation "
        "WHERE id = 1 AND value = :generation "
        "ON CONFLICT (plan_id) DO UPDATE "
        "SET generation = excluded.generation, payload = excluded.payload"
    )
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
