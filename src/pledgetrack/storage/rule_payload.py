"""A plan's target rules as columns, made from the target table's rows, and their stored
form (``rule_cache.payload``): no SQLAlchemy here, so the status read with the standard
library's sqlite3 (storage.sqlite_status) makes and reads the very same copy as
storage.rule_cache."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from pledgetrack.domain.columns import RuleColumns
from pledgetrack.domain.model import ScheduleNode, Stage, TargetKind, TargetRule
from pledgetrack.storage.rule_json import json_list, schedule_nodes, stage_tuple
from pledgetrack.storage.status_rows import as_date

#: Bump when the payload's layout changes: older payloads are then read as misses.
FORMAT = 2

#: The number the triggers raise on every change of a plan, item or target.
GENERATION_SQL = "SELECT value FROM rule_generation WHERE id = 1"
#: Keep a copy (``:plan``, ``:generation``, ``:payload``) only if *generation* is current.
STORE_SQL = (
    "INSERT INTO rule_cache (plan_id, generation, payload) "
    "SELECT :plan, :generation, :payload FROM rule_generation "
    "WHERE id = 1 AND value = :generation "
    "ON CONFLICT (plan_id) DO UPDATE "
    "SET generation = excluded.generation, payload = excluded.payload"
)


def stored_sql(generation: int | None) -> str:
    """The stored copy of plan ``:plan`` if current (with *generation*: and if that is the
    current generation, bound as ``:generation``)."""
    where = " AND g.value = :generation" if generation is not None else ""
    return (
        "SELECT c.payload FROM rule_cache c JOIN rule_generation g "
        f"ON g.id = 1 AND c.generation = g.value WHERE c.plan_id = :plan{where}"
    )


@dataclass(frozen=True, eq=False)
class PlanRules:
    """The rules of a plan's targets in list order, and its items' ids and numbers."""

    rules: RuleColumns
    item_id: list[int]
    item_no: list[int]


def rules_from_rows(rows: Sequence[Any], item_ids: list[int], plan_end: date) -> RuleColumns:
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


_ARRAYS = (
    "target_id", "item_of", "milestone", "deadline", "assessed", "target", "baseline",
    "stage_count", "special_at", "special_rule",
)  # fmt: skip


def encode(plan: PlanRules) -> bytes:
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


def decode(payload: bytes) -> PlanRules | None:
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
