"""The progress rules applied to a whole plan at once, column by column (numpy).

A province plan has 100k targets; applying the rules one target at a time in Python
costs more than the database needs to find the readings (docs/PERFORMANCE.md). Here
each rule is a handful of array operations over every target, and the item roll-up a
few more over every item.

These are the rules of :mod:`pledgetrack.domain.progress` and, for status, of
tests/one_target_rules.py, which state them for one target and stay the readable
reference: the same operations in the same order, so the results are identical to the
last bit, not merely close. tests/test_columns.py holds the two equal on generated
plans (hypothesis).

What cannot be put in columns is expected progress along a planned schedule or along
dated stages: those targets (``RuleColumns.special_*``) go through
:func:`~pledgetrack.domain.progress.expected_completion`, once per distinct rule, not
once per target (a province list repeats a few quarterly schedules).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

from pledgetrack.domain.model import (
    SEVERITY,
    PlanPeriod,
    Policy,
    Status,
    TargetKind,
    TargetRule,
)
from pledgetrack.domain.progress import EPSILON, due_month_start, expected_completion

#: Status by code; a code is the status's severity, so an item's worst is a maximum.
STATUS_BY_CODE: tuple[Status, ...] = tuple(sorted(SEVERITY, key=SEVERITY.__getitem__))
_ACHIEVED, _AHEAD, _ON_TRACK, _BEHIND, _NOT_REPORTED, _OVERDUE = (
    SEVERITY[s]
    for s in (
        Status.ACHIEVED,
        Status.AHEAD,
        Status.ON_TRACK,
        Status.BEHIND,
        Status.NOT_REPORTED,
        Status.OVERDUE,
    )
)

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class RuleColumns:
    """The rules of a plan's targets, one array entry per target, targets of an item
    together and in list order (``item_of`` numbers the items 0 … items − 1)."""

    target_id: Ints
    item_of: Ints
    items: int
    milestone: Bools
    #: Deadlines as proleptic ordinals (``date.toordinal``).
    deadline: Ints
    assessed: Bools
    #: NaN where a reference figure has no target.
    target: Floats
    baseline: Floats
    stage_count: Ints
    #: Positions of the targets whose expected progress follows a schedule or stage dates,
    #: the distinct rule each follows, and those rules (one target's rule standing for
    #: all with the same kind, deadline, target, baseline, schedule, stages and
    #: per-period flag: the fields expected progress depends on; nothing else is read
    #: from them).
    special_at: Ints
    special_rule: Ints
    special_rules: tuple[TargetRule, ...]

    def __len__(self) -> int:
        return len(self.milestone)

    @cached_property
    def id_order(self) -> Ints:
        """Positions that sort ``target_id`` (to line readings up by id)."""
        return np.argsort(self.target_id, kind="stable")


def rule_columns(
    target_ids: Sequence[int], rules: Sequence[TargetRule], item_of: Sequence[int], items: int
) -> RuleColumns:
    """Columns of the rules of a plan's targets (in list order), with their ids and the
    number of the item each belongs to."""
    specials: dict[Hashable, int] = {}
    special_at: list[int] = []
    special_rule: list[int] = []
    for position, rule in enumerate(rules):
        if rule.schedule or rule.stages:
            key = (
                rule.kind,
                rule.deadline,
                rule.target_value,
                rule.baseline,
                rule.schedule,
                rule.stages,
                rule.per_period,
            )
            special_at.append(position)
            special_rule.append(specials.setdefault(key, len(specials)))
    distinct: dict[int, TargetRule] = {}
    for position, index in zip(special_at, special_rule, strict=True):
        distinct.setdefault(index, rules[position])
    milestone = TargetKind.MILESTONE
    ids = np.asarray(target_ids, dtype=np.int64)
    return RuleColumns(
        target_id=ids,
        item_of=np.asarray(item_of, dtype=np.int64),
        items=items,
        milestone=np.fromiter((r.kind is milestone for r in rules), bool, len(rules)),
        deadline=np.fromiter((r.deadline.toordinal() for r in rules), np.int64, len(rules)),
        assessed=np.fromiter((r.assessed for r in rules), bool, len(rules)),
        target=np.array([r.target_value for r in rules], dtype=np.float64),
        baseline=np.fromiter((r.baseline for r in rules), np.float64, len(rules)),
        stage_count=np.fromiter((len(r.stages) for r in rules), np.int64, len(rules)),
        special_at=np.asarray(special_at, dtype=np.int64),
        special_rule=np.asarray(special_rule, dtype=np.int64),
        special_rules=tuple(distinct[i] for i in range(len(specials))),
    )


@dataclass(frozen=True, eq=False)
class ReadingColumns:
    """The latest reading of each target (same order as its :class:`RuleColumns`)."""

    #: False where a target has no reading as of the date.
    present: Bools
    #: NaN where a reading has no value.
    value: Floats
    done: Bools
    #: Dates of the readings as ordinals (0 where there is none).
    as_of: Ints
    #: Works progress in percent (NaN: none given); None when no reading has any.
    works: Floats | None = None
    #: Where a reading says done or not done (False: it says nothing, as a figure's
    #: reading does); None when not known.
    done_given: Bools | None = None


@dataclass(frozen=True, eq=False)
class TargetColumns:
    """Every target evaluated: status code (see :data:`STATUS_BY_CODE`), completion and
    expected in percent (NaN: none), achieved."""

    status: Ints
    completion: Floats
    expected: Floats
    achieved: Bools


@dataclass(frozen=True, eq=False)
class ItemColumns:
    """Every item rolled up from its targets, as the one-item rule (tests/one_target_rules.py)."""

    status: Ints
    #: NaN where there is none (no assessed target; no assessed target with an expected
    #: value) — and, where ``*_known`` says so, NaN as the arithmetic gave it (+inf and
    #: −inf expected values of two targets average to NaN, as in the one-item rule).
    completion: Floats
    expected: Floats
    achieved: Bools
    #: The date of the item's most recent reading, as an ordinal (0: none).
    last_report: Ints
    completion_known: Bools
    expected_known: Bools


@dataclass(frozen=True, eq=False)
class PlanColumns:
    """A whole plan evaluated as of a date, in columns: the status, completion and
    expected progress of every target and item, without the names a screen shows."""

    as_of: date
    rules: RuleColumns
    readings: ReadingColumns
    targets: TargetColumns
    items: ItemColumns


def evaluate_plan_columns(
    rules: RuleColumns,
    readings: ReadingColumns,
    *,
    period: PlanPeriod,
    on: date,
    policy: Policy,
) -> PlanColumns:
    """Every target and item of a plan as of *on*: the engine's rules over whole columns."""
    targets = evaluate_columns(
        rules,
        readings,
        plan_start=period.start,
        on=on,
        tolerance=policy.tolerance,
        ahead_margin=policy.ahead_margin,
        due_start=due_month_start(on, period, policy),
    )
    return PlanColumns(on, rules, readings, targets, rollup_columns(rules, targets, readings))


def evaluate_columns(
    rules: RuleColumns,
    readings: ReadingColumns,
    *,
    plan_start: date,
    on: date,
    tolerance: float,
    due_start: date | None,
    ahead_margin: float,
) -> TargetColumns:
    """Completion, expected progress and status of every target as of *on*
    (the one-target rule in tests/one_target_rules.py, column by column)."""
    completion, achieved = measure_columns(rules, readings)
    expected = _expected(rules, plan_start, on)
    present = readings.present
    has_target = rules.milestone | ~np.isnan(rules.target)
    weighed = _nan_as_zero(completion)
    if readings.works is not None:
        # Works progress stands for completion while the target is not achieved.
        works = readings.works
        weighed = np.where(~achieved & ~np.isnan(works), works, weighed)
    with np.errstate(all="ignore"):
        behind = present & (weighed < expected - tolerance)
        # Ahead is said of the figure itself: works progress keeps a target from being
        # called behind, it does not make it ahead of plan.
        ahead = present & _paced(rules) & (_nan_as_zero(completion) > expected + ahead_margin)
    status = np.full(len(rules), _ON_TRACK, dtype=np.int64)
    # Later assignments win: the reverse of the order of precedence.
    status[ahead] = _AHEAD
    status[behind] = _BEHIND
    if due_start is not None:
        status[unreported(readings, due_start)] = _NOT_REPORTED
    status[has_target & (on.toordinal() > rules.deadline)] = _OVERDUE
    status[achieved] = _ACHIEVED
    return TargetColumns(status, completion, expected, achieved)


def unreported(readings: ReadingColumns, month: date) -> Bools:
    """The targets with nothing reported for the month starting *month* (未填报): no
    reading, or the latest dated before that month. A reading dated in the month or
    later counts, whenever it was entered (a late report is a report). Status says
    未填报 of them once the month's reporting day has passed; reminders
    (domain.reminders) ask for their figures before and after it."""
    return ~readings.present | (readings.as_of < month.toordinal())


def _paced(rules: RuleColumns) -> Bools:
    """:attr:`~pledgetrack.domain.model.TargetRule.paced` of every target: quantities with
    a target, and milestones with every stage dated (all among the special rules)."""
    paced = ~rules.milestone & ~np.isnan(rules.target)
    if len(rules.special_at):
        dated = np.fromiter((r.paced for r in rules.special_rules), bool, len(rules.special_rules))
        paced[rules.special_at] |= dated[rules.special_rule]
    return paced


def measure_columns(rules: RuleColumns, readings: ReadingColumns) -> tuple[Floats, Bools]:
    """:func:`~pledgetrack.domain.progress.measure` of every target."""
    return measure_arrays(
        rules.milestone,
        rules.target,
        rules.baseline,
        rules.stage_count,
        readings.present,
        readings.value,
        readings.done,
    )


def measure_arrays(
    milestone: Bools,
    target: Floats,
    baseline: Floats,
    stage_count: Ints,
    present: Bools,
    value: Floats,
    done: Bools,
) -> tuple[Floats, Bools]:
    """Completion in percent (NaN: none) and achieved, from the columns measuring needs
    and no others (units' shares are measured so: services.breakdown)."""
    n = len(milestone)
    completion = np.full(n, np.nan)
    achieved = np.zeros(n, dtype=bool)
    with np.errstate(all="ignore"):
        # Milestones: done; else the share of the stages reached; else 0.
        m = present & milestone
        m_done = m & done
        staged = m & ~done & (stage_count > 0) & ~np.isnan(value)
        stages = stage_count.astype(np.float64)
        completion[m] = 0.0
        completion[m_done] = 100.0
        achieved[m_done] = True
        completion[staged] = np.minimum(value[staged], stages[staged]) / stages[staged] * 100.0
        achieved[staged] = value[staged] >= stages[staged]
        # Quantities with a target and a value.
        q = present & ~milestone & ~np.isnan(target) & ~np.isnan(value)
        tq, bq, vq = target[q], baseline[q], value[q]
        tol = EPSILON * np.maximum(1.0, np.abs(tq))
        achieved[q] = np.where(tq >= bq, vq >= tq - tol, vq <= tq + tol)
        span = tq - bq
        completion[q] = np.where(
            span == 0, np.where(vq >= tq, 100.0, 0.0), (vq - bq) / span * 100.0
        )
    return completion, achieved


def _expected(rules: RuleColumns, plan_start: date, on: date) -> Floats:
    """:func:`~pledgetrack.domain.progress.expected_completion` of every target."""
    day = on.toordinal()
    start = plan_start.toordinal()
    deadline = rules.deadline
    total = deadline - start + 1
    with np.errstate(all="ignore"):
        share = np.minimum(np.maximum((day - start + 1) / total, 0.0), 1.0)
    # A milestone is expected only at its deadline (dated stages: the specials below).
    expected = np.where(rules.milestone, 0.0, np.where(total <= 0, 0.0, share) * 100.0)
    expected[day >= deadline] = 100.0
    expected[~rules.milestone & np.isnan(rules.target)] = np.nan
    if len(rules.special_at):
        distinct = np.array(
            [_nan_if_none(expected_completion(r, plan_start, on)) for r in rules.special_rules],
            dtype=np.float64,
        )
        expected[rules.special_at] = distinct[rules.special_rule]
    return expected


def _nan_as_zero(column: Floats) -> Floats:
    """NaN (no figure) as 0; infinities stay (np.nan_to_num would make them finite)."""
    return np.where(np.isnan(column), 0.0, column)


def _nan_if_none(value: float | None) -> float:
    return np.nan if value is None else value


def rollup_columns(
    rules: RuleColumns, targets: TargetColumns, readings: ReadingColumns
) -> ItemColumns:
    """Every item from its targets (the one-item rule (tests/one_target_rules.py)):
    achieved when every assessed target is, else its worst assessed status; completion
    (each capped at 100 %) and expected averaged over assessed targets."""
    items, item_of, assessed = rules.items, rules.item_of, rules.assessed
    a_item = item_of[assessed]
    count = np.bincount(a_item, minlength=items)
    worst = np.zeros(items, dtype=np.int64)
    np.maximum.at(worst, a_item, targets.status[assessed])
    # bincount adds in array order, as the one-target rule's running sum does.
    done = np.minimum(targets.completion[assessed], 100.0)
    done_sum = np.bincount(a_item, _nan_as_zero(done), minlength=items)
    exp = targets.expected[assessed]
    has_exp = ~np.isnan(exp)
    exp_sum = np.bincount(a_item[has_exp], exp[has_exp], minlength=items)
    exp_n = np.bincount(a_item[has_exp], minlength=items)
    with np.errstate(all="ignore"):
        completion = np.where(count > 0, done_sum / count, np.nan)
        expected = np.where(exp_n > 0, exp_sum / exp_n, np.nan)
    # Nothing promised: judged on the reporting of its reference figures.
    unreported = np.bincount(item_of[targets.status == _NOT_REPORTED], minlength=items).astype(bool)
    none = count == 0
    status = np.where(none, np.where(unreported, _NOT_REPORTED, _ON_TRACK), worst)
    last_report = np.zeros(items, dtype=np.int64)
    np.maximum.at(last_report, item_of, readings.as_of)
    return ItemColumns(
        status,
        completion,
        expected,
        (worst == _ACHIEVED) & ~none,
        last_report,
        count > 0,
        exp_n > 0,
    )
