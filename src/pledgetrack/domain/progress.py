"""The progress rules for one target: completion, expected progress, when a report is
due — pure functions, the readable statement of the rules (README.md, "The rules").

Whole plans are evaluated by :mod:`pledgetrack.domain.columns`, which applies these
same rules to every target at once, and decides status there; tests/one_target_rules.py
states status for one target as the tests' oracle, and tests/test_columns.py holds the
two equal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache
from itertools import pairwise

from pledgetrack.domain.dates import add_months, end_of_month, month_start
from pledgetrack.domain.model import (
    STATUS_ORDER,
    PlanPeriod,
    Policy,
    Reading,
    Status,
    TargetKind,
    TargetRule,
)
from pledgetrack.domain.per_period import cumulative_schedule

# Float noise must not turn 30 万人 of 30 into "not achieved".
EPSILON = 1e-9

# Enum members as plain module names: ``Status.ACHIEVED`` costs an enum class attribute
# look-up, and the evaluation loop makes several per target (100k in a province).
_MILESTONE = TargetKind.MILESTONE


def completion(rule: TargetRule, reading: Reading | None) -> float | None:
    """Completion in percent, not capped (41.58 of 30 is 138.6 %).

    Quantity: (value − baseline) / (target − baseline) × 100. Milestone: 100 when
    done, else the share of its stages reached, else 0. ``None`` when there is
    nothing to compare: no reading, no value, or a reference figure without target.
    """
    return measure(rule, reading)[0]


def measure(rule: TargetRule, reading: Reading | None) -> tuple[float | None, bool]:
    """:func:`completion` of a reading and whether it achieves the target, worked out together."""
    if reading is None:
        return None, False
    value = reading.value
    if rule.kind is _MILESTONE:
        if reading.done:
            return 100.0, True
        stages = len(rule.stages)
        if stages and value is not None:
            return min(value, stages) / stages * 100.0, value >= stages
        return 0.0, False
    target = rule.target_value
    if target is None or value is None:
        return None, False
    baseline = rule.baseline
    tol = EPSILON * max(1.0, abs(target))
    # A falling target (e.g. reduce waiting days from 10 to 5) is met at or below it.
    achieved = value >= target - tol if target >= baseline else value <= target + tol
    span = target - baseline
    if span == 0:
        return (100.0 if value >= target else 0.0), achieved
    return (value - baseline) / span * 100.0, achieved


def weighed_progress(completion: float | None, achieved: bool, reading: Reading | None) -> float:
    """What is weighed against expected progress to tell behind from on track.

    A count target not achieved whose latest reading carries works progress (形象进度,
    "正在施工中(90%)") is weighed by that percentage; otherwise by its completion (none: 0).
    """
    if not achieved and reading is not None and reading.works is not None:
        return reading.works
    return completion or 0.0


def elapsed_share(start: date, end: date, on: date) -> float:
    """Share of the days from *start* to *end* (both inclusive) elapsed by the end of *on*."""
    total = (end - start).days + 1
    if total <= 0:
        return 1.0 if on >= end else 0.0
    done = (on - start).days + 1
    return min(max(done / total, 0.0), 1.0)


def expected_completion(rule: TargetRule, plan_start: date, on: date) -> float | None:
    """Where the target should be by *on*, in percent of the target.

    Quantity: linear from the plan start to the target's deadline, or
    interpolated along its planned schedule nodes (a per-period target: along the running
    total of its period amounts). Milestone: the share of its
    stages planned by *on* when stages carry dates, else 0 until the deadline
    and 100 from it (a yes/no promise is not "40 % done" in May).
    """
    if not rule.has_target:
        return None
    if on >= rule.deadline:
        return 100.0
    if rule.kind is TargetKind.MILESTONE:
        planned = [s for s in rule.stages if s.planned is not None]
        if not planned:
            return 0.0
        due = sum(1 for s in rule.stages if s.planned is not None and s.planned <= on)
        return due / len(rule.stages) * 100.0
    assert rule.target_value is not None
    if not rule.schedule:
        return elapsed_share(plan_start, rule.deadline, on) * 100.0
    span = rule.target_value - rule.baseline
    if span == 0:
        return 100.0
    # A per-period schedule plans amounts per period: its running total is the curve.
    nodes = cumulative_schedule(rule.schedule) if rule.per_period else rule.schedule
    # Piecewise linear through (start, baseline), the nodes, (deadline, target).
    # A point (d, v) means "v by the end of day d"; the plan begins at the end
    # of the day before its start.
    points: list[tuple[date, float]] = [(plan_start - timedelta(days=1), rule.baseline)]
    points += [(n.on, n.value) for n in sorted(nodes, key=lambda n: n.on)]
    if points[-1][0] < rule.deadline:
        points.append((rule.deadline, rule.target_value))
    planned_value = points[-1][1]
    for (d0, v0), (d1, v1) in pairwise(points):
        if on < d1:
            share = max((on - d0).days, 0) / max((d1 - d0).days, 1)
            planned_value = v0 + (v1 - v0) * share
            break
    return (planned_value - rule.baseline) / span * 100.0


def reporting_deadline(month: date, policy: Policy) -> date:
    """The last day on which figures for the month containing *month* are on time."""
    return add_months(end_of_month(month), 1).replace(day=policy.reporting_day)


@lru_cache(maxsize=1024)
def reporting_due_month(on: date, period: PlanPeriod, policy: Policy) -> date | None:
    """Month end of the latest reporting month whose deadline has passed by *on*.

    Progress for month M is due by ``policy.reporting_day`` of month M+1. Only
    months inside the plan period count. ``None`` when nothing is due yet.
    """
    candidate = end_of_month(on)
    for _ in range(3):
        if reporting_deadline(candidate, policy) < on:
            break
        candidate = add_months(candidate, -1)
    else:  # pragma: no cover - a reporting_day <= 28 always breaks within two steps
        return None
    last = end_of_month(period.end)
    if candidate > last:
        candidate = last
    if candidate < end_of_month(period.start):
        return None
    return candidate


def due_month_start(on: date, period: PlanPeriod, policy: Policy) -> date | None:
    """First day of the reporting month due by *on* (None: nothing due yet)."""
    due = reporting_due_month(on, period, policy)
    return month_start(due) if due is not None else None


def count_statuses(statuses: Iterable[Status]) -> dict[Status, int]:
    """Counts per status, every status present (zeros included), in display order."""
    counts = Counter(statuses)
    return {s: counts.get(s, 0) for s in STATUS_ORDER}


def mean_completion(values: Iterable[float | None]) -> float | None:
    """Average completion of items, each capped at 100 % (roll-ups per pledge, plan, department)."""
    capped = [min(v, 100.0) for v in values if v is not None]
    return sum(capped) / len(capped) if capped else None
