"""Targets split to units (任务分解): set a split, read it, and keep a ``sum`` target's
figure the total of its units' readings.

A unit is a department (``department.level`` 区市, 街道 …); its share a child row of the
target table (migration 0011 says why), entered by that unit's staff through the usual
saves (services.progress), which call :func:`roll_up` in their transaction: a ``sum``
target's total is written as an ordinary reading as of every date a unit reported from
the saved date on, so every view reads it as before, time travel included.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pledgetrack.domain.breakdown import (
    RollupRule,
    UnitResult,
    UnitShare,
    measure_shares,
    share_info,
    share_key,
    share_rule,
    shares_problem,
    totals_by_date,
    unit_results,
    units_results,
)
from pledgetrack.domain.model import PlanPeriod, Policy, Reading, StoredReading
from pledgetrack.domain.numbers import round_percent
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo
from pledgetrack.domain.text import shown
from pledgetrack.reports.model import MonthReport, UnitLine
from pledgetrack.services.access import Actor, PermissionDenied, acting
from pledgetrack.services.audit import Change, write_audit
from pledgetrack.storage.breakdown_rows import (
    ShareRow,
    current_readings,
    has_readings,
    rule_of,
    share_columns,
    share_rows,
    split_rules,
    sum_parents,
    unit_names,
)
from pledgetrack.storage.db import session_scope
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.tables import Department, Target
from pledgetrack.storage.writes import append_snapshots


class BreakdownRefused(ValueError):
    """A split that cannot be stored; the message names the target and why."""


@dataclass(slots=True)
class Breakdown:
    """A split target: its rule and its units' shares in list order."""

    target: TargetInfo
    rule: RollupRule
    shares: list[UnitShare]


@dataclass(frozen=True, slots=True)
class ShareSpec:
    """A unit's share as given: the unit, its level (区市, 街道; "" keeps it), its figure."""

    unit: str
    value: float | None
    level: str = ""


def breakdowns(session: Session, structure: PlanStructure) -> dict[int, Breakdown]:
    """Target id → its breakdown, for every split target of the plan (two queries)."""
    rules = split_rules(session=session, plan_id=structure.id)
    if not rules:
        return {}
    by_id = {t.id: t for t in structure.targets() if t.id in rules}
    out = {tid: Breakdown(target, RollupRule(rules[tid]), []) for tid, target in by_id.items()}
    for row in share_rows(session=session, plan_id=structure.id, parent_ids=sorted(out)):
        split = out[row.parent_id]
        split.shares.append(UnitShare(row.unit, row.level, _share_info(split.target, row)))
    return out


def _share_info(parent: TargetInfo, row: ShareRow) -> TargetInfo:
    return share_info(parent, row.id, row.key, row.target_value, row.unit)


def sheet_targets(
    session: Session, structure: PlanStructure, department: str
) -> tuple[list[tuple[ItemInfo, TargetInfo]], set[int]]:
    """What a department's entry sheet holds beyond its items' targets: the shares of the
    unit *department* (with their targets' items), and the ids of ``sum`` targets, whose
    figure nobody enters (their units' total)."""
    splits = breakdowns(session, structure)
    if not splits:
        return [], set()
    item_of = {t.id: item for item in structure.items for t in item.targets}
    shares = [
        (item_of[tid], share.target)
        for tid, split in splits.items()
        for share in split.shares
        if share.unit == department
    ]
    return shares, {tid for tid, split in splits.items() if split.rule is RollupRule.SUM}


def plan_units(engine: Engine, plan_id: int) -> list[str]:
    """The units a plan's targets are split to (an entry sheet's choices besides the
    departments)."""
    with Session(engine) as session:
        return unit_names(session=session, plan_id=plan_id)


def share_targets(session: Session, structure: PlanStructure) -> dict[str, TargetInfo]:
    """Key → the unit share, for every share of the plan (what ``record`` and a progress
    file name a unit's figure by: ``12.3/市南区``)."""
    return {
        share.target.key: share.target
        for split in breakdowns(session, structure).values()
        for share in split.shares
    }


def results_as_of(
    session: Session,
    structure: PlanStructure,
    splits: Mapping[int, Breakdown],
    on: date,
    policy: Policy | None = None,
    *,
    approved_only: bool = False,
) -> dict[int, list[UnitResult]]:
    """Target id → each unit's status and completion as of *on* (one query for all)."""
    if not any(split.shares for split in splits.values()):
        return {}
    readings = share_readings(session, structure, splits, on, approved_only=approved_only)
    results = units_results(
        [split.shares for split in splits.values()],
        readings,
        period=structure.period,
        on=on,
        policy=policy,
    )
    return dict(zip(splits, results, strict=True))


def unit_lines_as_of(
    session: Session, structure: PlanStructure, on: date, *, approved_only: bool = False
) -> dict[int, tuple[UnitLine, ...]]:
    """Target id → its units' lines in a month report as of *on* (name, level, completion
    and whether achieved), for every split target of the plan: the shares read and
    measured as columns (storage.breakdown_rows.share_columns, domain.breakdown.
    measure_shares), not as a rule and a result each, so that a province split to 10
    units per target reports within the memory an unsplit one takes."""
    cols = share_columns(session=session, plan_id=structure.id, on=on, approved_only=approved_only)
    if not len(cols.share_id):
        return {}
    parents = {t.id: t.rule for t in structure.targets()}
    value, present = cols.value, cols.present
    if cols.per_period.any():
        # A per-period share's figure is its periods' total (storage.latest says how):
        # the few such shares are read again the usual way.
        value, present = value.copy(), present.copy()
        at = np.flatnonzero(cols.per_period)
        ids = cols.share_id[at].tolist()
        totals = _latest_of(session, structure, ids, on, approved_only)
        for position, sid in zip(at.tolist(), ids, strict=True):
            reading = totals.get(sid)
            present[position] = reading is not None
            value[position] = np.nan if reading is None or reading.value is None else reading.value
    completion, achieved = measure_shares(
        parents, cols.parent_id, cols.share, present, value, cols.done
    )
    # One shown name per unit; equal lines shared (most units are done or at one figure).
    named = {uid: (shown(name), shown(level)) for uid, (name, level) in cols.units.items()}
    lines: dict[tuple[int, float | None, bool], UnitLine] = {}
    out: dict[int, list[UnitLine]] = {}
    for parent, uid, has, percent, done in zip(
        cols.parent_id.tolist(),
        cols.unit_id.tolist(),
        present.tolist(),
        completion.tolist(),
        achieved.tolist(),
        strict=True,
    ):
        rounded = None if not has or percent != percent else round_percent(percent)
        key = (uid, rounded, done)
        line = lines.get(key)
        if line is None:
            line = lines[key] = UnitLine(*named[uid], rounded, done)
        out.setdefault(parent, []).append(line)
    return {tid: tuple(units) for tid, units in out.items()}


def share_readings(
    session: Session,
    structure: PlanStructure,
    splits: Mapping[int, Breakdown],
    on: date,
    *,
    approved_only: bool = False,
) -> dict[int, Reading]:
    """Share id → its latest reading as of *on*, for every unit share of *splits*."""
    ids = [s.target.id for split in splits.values() for s in split.shares]
    return _latest_of(session, structure, ids, on, approved_only)


def _latest_of(
    session: Session, structure: PlanStructure, ids: list[int], on: date, approved_only: bool
) -> dict[int, Reading]:
    """Target id → its latest reading as of *on*, for the targets (shares) *ids*."""
    readings: dict[int, Reading] = {}
    for start in range(0, len(ids), MAX_IDS):  # a statement's bound parameters are few
        readings.update(
            latest_readings(
                session=session,
                plan_id=structure.id,
                on=on,
                approved_only=approved_only,
                target_ids=ids[start : start + MAX_IDS],
            )
        )
    return readings


#: Units' shares asked for by id per statement (SQLite allows 32,766 bound parameters).
MAX_IDS = 10_000


def attach_units(
    report: MonthReport, structure: PlanStructure, units: Mapping[int, tuple[UnitLine, ...]]
) -> None:
    """Give each split target's line in *report* its units (*units*: target id → its
    units' lines, :func:`unit_lines_as_of`; reports.breakdown_text says which lag)."""
    by_key = {t.key: units[t.id] for t in structure.targets() if t.id in units}
    for section in report.pledges:
        for item in section.items:
            for line in item.targets:
                if line.key in by_key:
                    line.units = by_key[line.key]


def target_units(
    engine: Engine,
    target: TargetInfo,
    *,
    period: PlanPeriod,
    on: date,
    policy: Policy | None = None,
) -> tuple[RollupRule, list[UnitResult]] | None:
    """A target's rule and its units' results as of *on* (None: not split): what an item's
    screen shows under the highlighted target, three small queries."""
    with Session(engine) as session:
        rule = rule_of(session=session, target_id=target.id)
        if not rule:
            return None
        rows = share_rows(session=session, plan_id=None, parent_ids=[target.id])
        shares = [UnitShare(r.unit, r.level, _share_info(target, r)) for r in rows]
        readings = latest_readings(
            session=session,
            plan_id=_plan_of(session, target.id),
            on=on,
            target_ids=[s.target.id for s in shares],
        )
    return RollupRule(rule), unit_results(shares, readings, period=period, on=on, policy=policy)


def _plan_of(session: Session, target_id: int) -> int:
    return session.exec(select(Target.plan_id).where(Target.id == target_id)).one()


@dataclass(slots=True)
class UnitScore:
    """A unit's month across every target split to it (the unit scorecard)."""

    unit: str
    level: str
    shares: int = 0
    achieved: int = 0
    lagging: int = 0
    not_reported: int = 0
    #: Mean completion of its shares with a figure, each capped at 100 % (as items are
    #: averaged); None: no figure yet.
    completion: float | None = None


def unit_scores(report: MonthReport) -> list[UnitScore]:
    """Each unit's shares of the report's split targets: how many achieved, lagging, not
    reported, and the mean completion — from the report's own unit lines, so the
    scorecard and the month text say the same (units by name)."""
    scores: dict[str, UnitScore] = {}
    done: dict[str, list[float]] = {}
    for section in report.pledges:
        for item in section.items:
            for line in item.targets:
                for unit in line.units:
                    score = scores.setdefault(unit.unit, UnitScore(unit.unit, unit.level))
                    score.shares += 1
                    if unit.achieved:
                        score.achieved += 1
                    elif unit.completion is None:
                        score.not_reported += 1
                    else:
                        score.lagging += 1
                    if unit.completion is not None:
                        done.setdefault(unit.unit, []).append(min(unit.completion, 100.0))
    for name, values in done.items():
        scores[name].completion = round_percent(sum(values) / len(values))
    return sorted(
        scores.values(), key=lambda s: (s.completion is None, -(s.completion or 0), s.unit)
    )


def breakdown_as_of(
    engine: Engine,
    *,
    target_key: str,
    on: date,
    plan: str | None = None,
    policy: Policy | None = None,
    structure: PlanStructure | None = None,
) -> tuple[Breakdown, list[UnitResult]] | None:
    """A target's breakdown and its units' results as of *on* (None: not split)."""
    with Session(engine) as session:
        structure = structure or load_structure(session=session, code=plan)
        splits = {
            tid: split
            for tid, split in breakdowns(session, structure).items()
            if split.target.key == target_key
        }
        if not splits:
            return None
        results = results_as_of(session, structure, splits, on, policy)
    ((tid, split),) = splits.items()
    return split, results[tid]


# ---- setting a split -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreakdownSaved:
    key: str
    rule: RollupRule
    added: int
    changed: int
    removed: int


def set_breakdown(
    engine: Engine,
    *,
    target_key: str,
    rule: RollupRule | str,
    shares: Sequence[ShareSpec],
    plan: str | None = None,
    actor: Actor | str | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> BreakdownSaved:
    """Split a target to units (admins only, as any plan change): each unit gets its own
    share (a unit not yet known becomes a department of *level*); units of an earlier
    split left out are removed if they have no readings (else refused). With rule
    ``sum``, the shares must add up to the target. Audited as ``target.breakdown``."""
    now = now or datetime.now(UTC)
    try:
        rollup = RollupRule(rule)
    except ValueError:
        raise BreakdownRefused(f"{target_key}: rule {rule!r} is neither 'sum' nor 'own'") from None
    with session_scope(engine, commit=not dry_run) as session:
        me = acting(session, actor)
        me.require_admin("split targets to units")
        structure = load_structure(session=session, code=plan)
        return apply_breakdown(session, structure, target_key, rollup, shares, me, now)


def apply_breakdown(
    session: Session,
    structure: PlanStructure,
    target_key: str,
    rollup: RollupRule,
    shares: Sequence[ShareSpec],
    me: Actor,
    now: datetime,
) -> BreakdownSaved:
    """:func:`set_breakdown` in the caller's session (a file of many splits: one
    transaction); *me* is already known to be an admin."""
    info = next((t for t in structure.targets() if t.key == target_key), None)
    if info is None:
        raise BreakdownRefused(f"{target_key}: no such target in plan {structure.code}")
    names = [s.unit.strip() for s in shares]
    if not shares or any(not n for n in names):
        raise BreakdownRefused(f"{target_key}: every unit needs a name")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BreakdownRefused(f"{target_key}: unit {'、'.join(twice)} is named twice")
    problem = shares_problem(rollup, info.kind, info.rule.target_value, [s.value for s in shares])
    if problem:
        raise BreakdownRefused(f"{target_key}: {problem}")
    parent = session.get(Target, info.id)
    assert parent is not None and parent.id is not None
    existing = {
        row.unit: row
        for row in share_rows(session=session, plan_id=structure.id, parent_ids=[parent.id])
    }
    departments = {
        d.name: d
        for d in session.exec(select(Department).where(col(Department.name).in_(names))).all()
    }
    before = {row.unit: row.target_value for row in existing.values()}
    added = changed = 0
    for position, (name, spec) in enumerate(zip(names, shares, strict=True)):
        department = departments.get(name)
        if department is None:
            department = Department(name=name, level=spec.level or None)
            session.add(department)
            session.flush()
        elif spec.level and department.level != spec.level:
            department.level = spec.level
            session.add(department)
        row = existing.get(name)
        child = session.get(Target, row.id) if row is not None else None
        if child is None:
            child = Target(
                plan_id=parent.plan_id,
                item_id=parent.item_id,
                key=share_key(parent.key, name),
                name=parent.name,
                kind=parent.kind,
                parent_id=parent.id,
                unit_id=department.id,
            )
            added += 1
        elif child.target_value != spec.value or child.position != position:
            changed += 1
        rule = share_rule(info.rule, spec.value)
        child.position = position
        child.target_value = spec.value
        child.unit, child.deadline, child.assessed = parent.unit, parent.deadline, parent.assessed
        child.at_least, child.kind, child.per_period = (
            parent.at_least,
            parent.kind,
            parent.per_period,
        )
        child.baseline = rule.baseline
        child.schedule = [{"on": n.on.isoformat(), "value": n.value} for n in rule.schedule]
        child.stages = list(parent.stages)
        child.note = ""
        session.add(child)
    removed = 0
    for name, row in existing.items():
        if name in names:
            continue
        if has_readings(session=session, target_id=row.id):
            raise BreakdownRefused(
                f"{target_key}: unit {name} has readings and cannot be left out of the split"
            )
        doomed = session.get(Target, row.id)
        session.delete(doomed)
        removed += 1
    parent.rollup = rollup.value
    session.add(parent)
    session.flush()
    after = dict(zip(names, (s.value for s in shares), strict=True))
    write_audit(
        session,
        user=me.recorder,
        acting_for=me.acting_for,
        at=now,
        changes=[
            Change(
                "target.breakdown",
                "target",
                parent.id,
                target_key,
                {"units": before} if before else None,
                {"rule": rollup.value, "units": after},
            )
        ],
    )
    return BreakdownSaved(target_key, rollup, added, changed, removed)


# ---- saving unit readings --------------------------------------------------------------


def refuse_totals(session: Session, entries: Sequence[StoredReading]) -> None:
    """Nobody enters a ``sum`` target's figure: it is its units' total."""
    ids = sorted({e.target_id for e in entries})
    sums: set[int] = set()
    for start in range(0, len(ids), 500):
        sums.update(
            tid or 0
            for tid in session.exec(
                select(Target.id).where(
                    col(Target.id).in_(ids[start : start + 500]), Target.rollup == "sum"
                )
            ).all()
        )
    keys = sorted({e.key for e in entries if e.target_id in sums})
    if keys:
        raise PermissionDenied(
            f"{', '.join(keys)}: the figure is the total of its units' figures: enter each "
            "unit's figure (key <target>/<unit>) instead"
        )


#: The ``sum`` totals touched by some unit readings: from which date each (the earliest
#: reading's), each total's shares, and the current readings of totals and shares
#: (storage.breakdown_rows.current_readings: per target, (date, value, reading id)).
SumFamilies = tuple[
    dict[int, date], dict[int, list[int]], dict[int, list[tuple[date, float | None, int]]]
]


def sum_families(session: Session, readings: Sequence[tuple[int, date]]) -> SumFamilies | None:
    """The ``sum`` totals whose units' figures *readings* (target id, date) are, from the
    earliest of those dates each, their shares and the current readings of both — what
    making totals (:func:`roll_up`) and reviewing them (services.review) both start from.
    None: no reading is a unit's share of a ``sum`` target."""
    parents = sum_parents(session=session, share_ids=sorted({tid for tid, _ in readings}))
    if not parents:
        return None
    since: dict[int, date] = {}
    for target_id, day in readings:
        parent = parents.get(target_id)
        if parent is not None and (parent not in since or day < since[parent]):
            since[parent] = day
    children: dict[int, list[int]] = {}
    for share_id, parent_id in session.exec(
        select(Target.id, Target.parent_id).where(col(Target.parent_id).in_(sorted(since)))
    ).all():
        children.setdefault(parent_id or 0, []).append(share_id or 0)
    history = current_readings(
        session=session, target_ids=sorted({*since, *(c for ids in children.values() for c in ids)})
    )
    return since, children, history


def roll_up(
    session: Session,
    saved: Sequence[StoredReading],
    *,
    entered_by: str,
    recorder: str,
    now: datetime,
) -> int:
    """Write each ``sum`` target's total as of every date from the earliest saved unit
    reading on (a correction where a date has a total already): in the caller's
    transaction, before its commit. Returns the number of totals written."""
    families = sum_families(session, [(r.target_id, r.as_of) for r in saved])
    if families is None:
        return 0
    since, children, history = families
    keys = dict(
        session.exec(select(Target.id, Target.key).where(col(Target.id).in_(sorted(since)))).all()
    )
    rows: list[StoredReading] = []
    for parent, day in since.items():
        units = {c: [(d, v) for d, v, _ in history.get(c, [])] for c in children.get(parent, [])}
        current = {d: (v, sid) for d, v, sid in history.get(parent, [])}
        for on, total in totals_by_date(units, day).items():
            value, sid = current.get(on, (None, None))
            if total is None or (sid is not None and value == total):
                continue
            rows.append(
                StoredReading(
                    parent, keys.get(parent, ""), on, total, None, "", entered_by, now, sid
                )
            )
    append_snapshots(session=session, rows=rows, recorded_by=recorder, recorded_at=now)
    return len(rows)
