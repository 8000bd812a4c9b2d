"""Targets split to units (任务分解): "新建幼儿园50所" is 8 in 市南区, 6 in 市北区 ….

A split target has units (区市, 街道, any named level), each with its own share of the
target and its own readings. How the target's own figure relates to them is its
:class:`RollupRule`. A unit's share is judged by the very rules of any target
(domain.columns), with the share in place of the target's value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from functools import cached_property

import numpy as np

from pledgetrack.domain.columns import Bools, Floats, Ints, measure_arrays
from pledgetrack.domain.evaluation import PlanEvaluation, evaluate_plan
from pledgetrack.domain.model import (
    STATUS_ORDER,
    PlanPeriod,
    Policy,
    Reading,
    ScheduleNode,
    Status,
    TargetKind,
    TargetResult,
    TargetRule,
)
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo


class RollupRule(StrEnum):
    """How a split target's figure comes from its units'."""

    #: Counts: the target's reading is the sum of its units' latest readings.
    SUM = "sum"
    #: Rates and milestones: the target keeps its own reading.
    OWN = "own"


#: How close the units' shares must add up to the target (figures are typed decimals).
SUM_TOLERANCE = 1e-6


@dataclass(slots=True)
class UnitShare:
    """One unit's part of a split target, as a target of its own (key ``<key>/<unit>``)."""

    unit: str
    level: str
    target: TargetInfo


@dataclass(slots=True)
class UnitResult:
    """A unit's share evaluated as of a date."""

    share: UnitShare
    result: TargetResult

    @property
    def unit(self) -> str:
        return self.share.unit


def share_key(target_key: str, unit: str) -> str:
    """The key of *unit*'s share of the target *target_key*: ``12.3/市南区``."""
    return f"{target_key}/{unit}"


def share_rule(parent: TargetRule, value: float | None) -> TargetRule:
    """The rule of a unit's share *value* of a target: the target's kind, deadline and
    stages; its schedule and baseline scaled by the share (a unit with a fifth of the
    target is expected to do a fifth of each node)."""
    # Made directly, not with dataclasses.replace: a province has 200k shares.
    p = parent
    if p.kind is TargetKind.MILESTONE or value is None or not p.target_value:
        return TargetRule(p.kind, p.deadline, p.assessed, value, 0.0, p.at_least, (), p.stages,
                          p.per_period)  # fmt: skip
    ratio = value / p.target_value
    schedule = tuple(ScheduleNode(n.on, n.value * ratio) for n in p.schedule) if p.schedule else ()
    return TargetRule(p.kind, p.deadline, p.assessed, value, p.baseline * ratio, p.at_least,
                      schedule, p.stages, p.per_period)  # fmt: skip


def share_info(
    parent: TargetInfo, share_id: int, key: str, value: float | None, unit: str
) -> TargetInfo:
    """A unit's share *value* of the target *parent* as a target of its own: the
    target's name and unit, :func:`share_rule`'s rule, the unit's name as its note."""
    return TargetInfo(
        share_id,
        key,
        parent.item_no,
        parent.name,
        parent.unit,
        share_rule(parent.rule, value),
        unit,
    )


@dataclass(frozen=True)
class UnitStatus:
    """A unit's shares evaluated as of a date, as a status shows them: the targets split to
    the unit, each replaced by its share (:func:`share_info`), under their items and
    judged by the very rules of a plan (domain.evaluation). Its counts are of shares."""

    unit: str
    level: str
    evaluation: PlanEvaluation
    #: Share id → the key of the target it is a share of (``3.4``).
    share_of: Mapping[int, str]

    def shares(self) -> list[tuple[TargetInfo, TargetResult]]:
        """Every share with its result, in list order."""
        return list(self._shares)

    @cached_property
    def _shares(self) -> tuple[tuple[TargetInfo, TargetResult], ...]:
        return tuple(self.evaluation.target_results())

    @property
    def total(self) -> int:
        return sum(len(item.targets) for item in self.evaluation.structure.items)

    def counts(self) -> dict[Status, int]:
        """Shares per status, every status present, in display order."""
        found = dict.fromkeys(STATUS_ORDER, 0)
        for _info, result in self._shares:
            found[result.status] += 1
        return found

    def keys(self, status: Status) -> list[str]:
        """The keys of the shares with *status* (``3.4/市南区``), in list order."""
        return [info.key for info, result in self._shares if result.status is status]


def unit_status(
    unit: str,
    level: str,
    targets: PlanStructure,
    shares: Mapping[int, tuple[int, str, float | None]],
    readings: Mapping[int, Reading],
    on: date,
    policy: Policy | None = None,
) -> UnitStatus:
    """The status of the unit *unit* as of *on*: *targets* (the plan's targets split to
    it, under their items) each replaced by its share (*shares*: target id → share id,
    key, figure), evaluated from the shares' latest *readings* as any plan."""
    items = tuple(
        replace(
            item,
            departments=(),
            targets=tuple(share_info(t, *shares[t.id], unit) for t in item.targets),
        )
        for item in targets.items
    )
    plan = replace(targets, items=items)
    share_of = {shares[t.id][0]: t.key for t in targets.targets()}
    return UnitStatus(unit, level, evaluate_plan(plan, readings, on, policy), share_of)


def units_total(readings: Iterable[Reading | None]) -> float | None:
    """A ``sum`` target's figure from its units' latest readings: the sum of the values
    given (None when no unit has a figure yet)."""
    values = [r.value for r in readings if r is not None and r.value is not None]
    return sum(values) if values else None


def totals_by_date(
    history: Mapping[int, Sequence[tuple[date, float | None]]], since: date
) -> dict[date, float | None]:
    """A ``sum`` target's total as of every date one of its units reported, from *since*
    on. *history*: per unit share, its current readings (date, value) oldest first."""
    days = sorted({day for rows in history.values() for day, _ in rows if day >= since})
    out: dict[date, float | None] = {}
    for day in days:
        latest = []
        for rows in history.values():
            current = None
            for on, value in rows:
                if on > day:
                    break
                current = value
            latest.append(None if current is None else Reading(day, current))
        out[day] = units_total(latest)
    return out


def shares_problem(
    rule: RollupRule, kind: TargetKind, target_value: float | None, shares: Sequence[float | None]
) -> str | None:
    """Why these shares cannot split a target (None: they can)."""
    if rule is RollupRule.SUM and kind is not TargetKind.QUANTITY:
        return "only a count is the sum of its units: use the rule 'own' for a milestone"
    if rule is RollupRule.SUM and target_value is not None and all(s is not None for s in shares):
        total = sum(s for s in shares if s is not None)
        if abs(total - target_value) > SUM_TOLERANCE * max(1.0, abs(target_value)):
            return (
                f"the units' figures add up to {total:g}, not the target's {target_value:g} "
                "(rule 'sum')"
            )
    return None


def unit_results(
    shares: Sequence[UnitShare],
    readings: Mapping[int, Reading],
    *,
    period: PlanPeriod,
    on: date,
    policy: Policy | None = None,
) -> list[UnitResult]:
    """Each unit's status and completion as of *on* from its latest reading, by the rules
    of every target (the plan engine, over the units as one item's targets)."""
    return units_results([shares], readings, period=period, on=on, policy=policy)[0]


def units_results(
    splits: Sequence[Sequence[UnitShare]],
    readings: Mapping[int, Reading],
    *,
    period: PlanPeriod,
    on: date,
    policy: Policy | None = None,
) -> list[list[UnitResult]]:
    """:func:`unit_results` of many split targets in one evaluation (each split target's
    units as one item of a plan made for it): a province has tens of thousands."""
    items = tuple(
        ItemInfo(index, index, "", 0, (), tuple(s.target for s in shares))
        for index, shares in enumerate(splits)
    )
    if not any(item.targets for item in items):
        return [[] for _ in splits]
    structure = PlanStructure(0, "", "", period, (), items)
    rows = evaluate_plan(structure, readings, on, policy).items
    return [
        [UnitResult(s, r) for s, r in zip(shares, row.result.targets, strict=True)]
        for shares, row in zip(splits, rows, strict=True)
    ]


def measure_shares(
    parents: Mapping[int, TargetRule],
    parent_of: Ints,
    share: Floats,
    present: Bools,
    value: Floats,
    done: Bools,
) -> tuple[Floats, Bools]:
    """Completion (percent, NaN: none) and achieved of many units' shares at once: share
    *i* of the target ``parent_of[i]`` (a key of *parents*) with the figure ``share[i]``
    (NaN: none), and its latest reading (*present*, *value*, *done*). The rule of each
    share is :func:`share_rule`'s, in columns: a province's 200k shares are measured
    without a rule or a result object each (services.breakdown.unit_lines_as_of)."""
    ids = np.fromiter(parents, np.int64, len(parents))
    order = np.argsort(ids)
    ids = ids[order]
    rules = list(parents.values())
    milestone_p = np.fromiter((r.kind is TargetKind.MILESTONE for r in rules), bool, len(rules))
    target_p = np.array([r.target_value for r in rules], dtype=np.float64)
    baseline_p = np.fromiter((r.baseline for r in rules), np.float64, len(rules))
    stages_p = np.fromiter((len(r.stages) for r in rules), np.int64, len(rules))
    at = order[np.searchsorted(ids, parent_of)]
    if len(at) and not np.array_equal(ids[np.searchsorted(ids, parent_of)], parent_of):
        raise ValueError("a share's target is not among the targets given")
    milestone, parent_target = milestone_p[at], target_p[at]
    # share_rule: a quantity's baseline scaled by the share; none for a milestone, a share
    # without a figure or a target without one (or of 0).
    scaled = ~milestone & ~np.isnan(share) & ~np.isnan(parent_target) & (parent_target != 0)
    baseline = np.zeros(len(at))
    with np.errstate(all="ignore"):
        baseline[scaled] = baseline_p[at][scaled] * (share[scaled] / parent_target[scaled])
    return measure_arrays(milestone, share, baseline, stages_p[at], present, value, done)


def lagging_units(results: Sequence[UnitResult]) -> list[UnitResult]:
    """The units that have not achieved their share (in list order)."""
    return [r for r in results if not r.result.achieved]


#: A stored reading as a total's review needs it: (date, value, snapshot id).
DatedFigure = tuple[date, float | None, int]


def totals_to_review(
    totals: Sequence[DatedFigure],
    units: Mapping[int, Sequence[DatedFigure]],
    decided: Mapping[int, str],
    since: date,
) -> tuple[list[int], list[int]]:
    """Which of a ``sum`` target's current totals (dated *since* on) to approve and which
    to return, by their units' reviews: a total its units made (its value their latest
    figures' sum as of its date) is approved when each of those figures is (*decided*:
    snapshot id → its latest decision), and an approved one returned when one is not.
    *units*: each unit's current readings, oldest first. A total typed before the split
    is left as it is. Returns (to approve, to return), snapshot ids."""
    approve: list[int] = []
    withdraw: list[int] = []
    for day, value, total in totals:
        if day < since:
            continue
        parts = [
            latest[-1] for rows in units.values() if (latest := [r for r in rows if r[0] <= day])
        ]
        made = units_total(Reading(d, v) for d, v, _ in parts)
        if (
            not parts
            or value is None
            or made is None
            or abs(value - made) > SUM_TOLERANCE * max(1.0, abs(made))
        ):
            continue
        approved = all(decided.get(sid) == "approved" for _d, _v, sid in parts)
        state = decided.get(total)
        if approved and state != "approved":
            approve.append(total)
        elif not approved and state == "approved":
            withdraw.append(total)
    return approve, withdraw
