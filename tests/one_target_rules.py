"""The rules for one target and one item, stated plainly: the test oracle.

The product evaluates whole plans column by column (pledgetrack.domain.columns); these
are the same rules written for one target at a time, readable next to README.md's "The rules".
tests/test_engine.py states the rules against them, and tests/test_columns.py checks,
with hypothesis, that the column engine gives the same results to the last bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pledgetrack.domain.model import (
    SEVERITY,
    ItemResult,
    PlanPeriod,
    Policy,
    Reading,
    Status,
    TargetResult,
    TargetRule,
)
from pledgetrack.domain.progress import (
    due_month_start,
    expected_completion,
    measure,
    weighed_progress,
)

_ACHIEVED = Status.ACHIEVED
_AHEAD = Status.AHEAD
_ON_TRACK = Status.ON_TRACK
_BEHIND = Status.BEHIND
_OVERDUE = Status.OVERDUE
_NOT_REPORTED = Status.NOT_REPORTED


def target_status(
    rule: TargetRule,
    reading: Reading | None,
    *,
    period: PlanPeriod,
    on: date,
    policy: Policy | None = None,
) -> TargetResult:
    """Evaluate one target as of *on* from its latest reading as of that date.

    Order of precedence: achieved; overdue (deadline passed); not reported
    (nothing for the month that is due); behind (below expected by more than
    the tolerance: works progress where the reading carries it, else completion);
    ahead (its completion above expected by more than the ahead margin, on a target
    whose expected progress follows a path; works progress never makes it ahead);
    on track.
    """
    policy = policy or Policy()
    due_start = due_month_start(on, period, policy)
    done_pct, achieved = measure(rule, reading)
    expected = expected_completion(rule, period.start, on)
    if achieved:
        status = _ACHIEVED
    elif rule.has_target and on > rule.deadline:
        status = _OVERDUE
    elif due_start is not None and (reading is None or reading.as_of < due_start):
        status = _NOT_REPORTED
    elif (
        expected is not None
        and reading is not None
        and weighed_progress(done_pct, achieved, reading) < expected - policy.tolerance
    ):
        status = _BEHIND
    elif (
        expected is not None
        and reading is not None
        and rule.paced
        and (done_pct or 0.0) > expected + policy.ahead_margin
    ):
        status = _AHEAD
    else:
        status = _ON_TRACK
    return TargetResult(status, done_pct, expected, achieved, reading)


def item_status(rules: Sequence[TargetRule], results: Sequence[TargetResult]) -> ItemResult:
    """An item is achieved when every assessed target is; otherwise its worst assessed status.

    Completion and expected are averages over assessed targets, completion
    capped at 100 % so one overshoot cannot hide another shortfall.
    """
    worst: Status | None = None
    worst_severity = -1
    assessed = 0
    completion_sum = expected_sum = 0.0
    expected_n = 0
    for rule, res in zip(rules, results, strict=True):
        if not rule.assessed:
            continue
        assessed += 1
        if not res.achieved:
            severity = SEVERITY[res.status]
            if severity > worst_severity:
                worst, worst_severity = res.status, severity
        done = res.completion
        if done is not None:
            completion_sum += 100.0 if done > 100.0 else done
        if res.expected is not None:
            expected_sum += res.expected
            expected_n += 1
    if not assessed:
        # Nothing is promised: the item is judged on its reference figures' reporting.
        unreported = any(r.status is _NOT_REPORTED for r in results)
        status = _NOT_REPORTED if unreported else _ON_TRACK
        return ItemResult(status, None, None, False, tuple(results))
    return ItemResult(
        _ACHIEVED if worst is None else worst,
        completion_sum / assessed,
        expected_sum / expected_n if expected_n else None,
        worst is None,
        tuple(results),
    )
