"""Per-period targets: an amount per period, not a running total (README, "The rules").

"计划二季度完成公益惠民演出20场,实际完成27场": a target marked ``per_period`` has a schedule
of period amounts — each node the amount planned for the period ending on its date —
and each reading is the amount done in the period its date falls in (the period ending
on the first node on or after that date; after the last node, the period ending on the
deadline). The rules read such a target as the cumulative target it amounts to:

- its annual total is its target value, or, when none is given, the sum of the planned
  amounts;
- expected progress follows the running total of the planned amounts;
- its figure as of a date is the sum, over the periods so far, of the latest reading of
  each period; completion, achieved and status then follow the ordinary rules.

Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from itertools import accumulate

from pledgetrack.domain.model import Reading, ScheduleNode, TargetRule


def annual_total(schedule: Iterable[ScheduleNode]) -> float:
    """The sum of a per-period schedule's planned amounts."""
    return sum(node.value for node in schedule)


def cumulative_schedule(schedule: Iterable[ScheduleNode]) -> tuple[ScheduleNode, ...]:
    """The running total of the planned amounts, by date: what a cumulative target's
    schedule would say."""
    nodes = sorted(schedule, key=lambda n: n.on)
    totals = accumulate(n.value for n in nodes)
    return tuple(ScheduleNode(n.on, total) for n, total in zip(nodes, totals, strict=True))


def period_end(rule: TargetRule, day: date) -> date:
    """The end of the period *day* falls in: the first schedule node on or after it, else
    the target's deadline."""
    ends = sorted(n.on for n in rule.schedule if n.on >= day)
    return ends[0] if ends else max(day, rule.deadline)


def period_total(rule: TargetRule, readings: Iterable[Reading]) -> Reading | None:
    """The reading the rules use for a per-period target: the latest of *readings*, with
    its value the sum of the latest value of each period (*readings* as of the date
    evaluated, oldest first; a later one of the same period replaces an earlier one).
    A reading without a value (works progress only) is a report but adds nothing."""
    latest: Reading | None = None
    amounts: dict[date, float] = {}
    for reading in readings:
        latest = reading
        if reading.value is not None:
            amounts[period_end(rule, reading.as_of)] = reading.value
    if latest is None:
        return None
    if not amounts:
        return latest
    return replace(latest, value=sum(amounts[end] for end in sorted(amounts)))
