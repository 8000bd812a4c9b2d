"""Reminders to report (临近提醒, 到期催报): which targets still owe a figure for a
reporting month, per department, and where the month's reporting day stands — pure rules.

Progress for month M is due by the reporting day of month M+1 (Policy.reporting_day,
domain.progress.reporting_deadline). Until that day a reminder is a heads-up (N days
left); after it, the targets are overdue (N days late). A target owes a figure when
nothing is reported for the month (columns.unreported, the rule status calls 未填报)
and it is not achieved yet: a kept promise has nothing more to report.

Targets split to units (domain.breakdown): a unit's share owes a figure by the same
rule, and is asked of that unit alone (its staff enter it), listed under the unit's name
like a department's targets (``3.4/市南区 …（市南区份额）``). A ``sum`` target owes
nothing by hand: its figure is the total of its units' (written when a unit saves; nobody
may enter it), so its item's departments are not reminded of it — its units are, of
their shares. An ``own`` target keeps its own figure, entered by its item's departments:
they owe it as any target, and its units owe their shares beside it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from pledgetrack.domain.breakdown import UnitShare
from pledgetrack.domain.columns import (
    Bools,
    ReadingColumns,
    RuleColumns,
    evaluate_columns,
    rule_columns,
    unreported,
)
from pledgetrack.domain.dates import add_months, month_start
from pledgetrack.domain.model import PlanPeriod, Policy
from pledgetrack.domain.plan import ItemInfo
from pledgetrack.domain.progress import reporting_deadline


@dataclass(frozen=True)
class ReminderTiming:
    """A reporting month seen from the day a reminder is written."""

    #: First day of the reporting month.
    month: date
    #: The last day its figures are on time.
    deadline: date
    #: The day the reminder is written (readings dated after it are not seen).
    on: date

    @property
    def overdue(self) -> bool:
        """The reporting day has passed: a 催报, no longer a heads-up."""
        return self.on > self.deadline

    @property
    def days(self) -> int:
        """Days left to the reporting day (0: it is today), or days late once overdue."""
        return abs((self.deadline - self.on).days)


def reminder_timing(month: date, on: date, policy: Policy) -> ReminderTiming:
    """Where the reporting day of the month containing *month* stands on *on*."""
    return ReminderTiming(month_start(month), reporting_deadline(month, policy), on)


def collected_month(on: date, period: PlanPeriod) -> date:
    """First day of the month whose figures are being collected on *on*: the month before
    (figures for M are due in M+1), kept inside the plan period."""
    wanted = month_start(add_months(month_start(on), -1))
    return min(max(wanted, month_start(period.start)), month_start(period.end))


def owing_targets(
    rules: RuleColumns,
    readings: ReadingColumns,
    *,
    month: date,
    on: date,
    period: PlanPeriod,
    policy: Policy,
) -> Bools:
    """The targets that owe a figure for the month starting *month*, as of *on*: nothing
    reported for that month (:func:`~pledgetrack.domain.columns.unreported`) and not
    achieved by their latest reading."""
    achieved = evaluate_columns(
        rules,
        readings,
        plan_start=period.start,
        on=on,
        tolerance=policy.tolerance,
        ahead_margin=policy.ahead_margin,
        due_start=None,
    ).achieved
    return unreported(readings, month) & ~achieved


@dataclass(frozen=True)
class OwedTarget:
    """A target whose figure for the month is missing."""

    key: str
    name: str
    item_no: int
    item_title: str
    #: The item's lead department (another one than the reminded department: it
    #: co-operates on the item).
    lead: str
    #: The date of its latest reading (None: never reported).
    last_report: date | None
    #: The unit whose share of the target this is ("": the target itself).
    unit: str = ""


@dataclass(frozen=True)
class DepartmentReminder:
    """What one department still owes for the month, in list order."""

    department: str
    targets: tuple[OwedTarget, ...]

    def leads(self, target: OwedTarget) -> bool:
        """It leads the target's item, or the target is its own share (else it
        co-operates on it)."""
        return target.lead == self.department

    @property
    def unit(self) -> bool:
        """It owes shares of split targets only: a unit (区市, 街道 …)."""
        return all(t.unit for t in self.targets)


@dataclass(frozen=True)
class Reminders:
    """Every department that owes figures for a month, in the list order of its first owed target."""

    plan: str
    plan_title: str
    timing: ReminderTiming
    departments: tuple[DepartmentReminder, ...]
    #: The one department asked about (None: all).
    department: str | None = None

    @property
    def target_count(self) -> int:
        """Distinct targets owed (a target of an item with two departments counts once)."""
        return len({t.key for d in self.departments for t in d.targets})


def reminders_by_department(
    items: Sequence[ItemInfo],
    owing: Sequence[bool],
    last_report: Sequence[date | None],
    *,
    department: str | None = None,
) -> tuple[DepartmentReminder, ...]:
    """Group the owed targets under every department of their item, lead and co-operating
    alike (staff of either may enter the figures): *owing* and *last_report* run over the
    targets of *items* in list order. *department*: that one only."""
    owed: dict[str, list[OwedTarget]] = {}
    position = 0
    for item in items:
        for target in item.targets:
            if owing[position]:
                entry = OwedTarget(
                    target.key, target.name, item.no, item.title, item.lead, last_report[position]
                )
                for name in item.departments:
                    if department is None or name == department:
                        owed.setdefault(name, []).append(entry)
            position += 1
    return tuple(DepartmentReminder(name, tuple(targets)) for name, targets in owed.items())


def without_totals(owing: Bools, rules: RuleColumns, totals: Collection[int]) -> Bools:
    """*owing* less the ``sum`` targets among *totals* (ids): their figure is their units'
    total, owed by the units (:func:`reminders_by_unit`), not by hand."""
    if not totals:
        return owing
    return owing & ~np.isin(rules.target_id, np.fromiter(totals, np.int64, len(totals)))


def share_rule_columns(shares: Sequence[tuple[ItemInfo, UnitShare]]) -> RuleColumns:
    """The rules of units' shares as columns (each share an item of its own), for
    :func:`owing_targets` over the shares."""
    return rule_columns(
        [s.target.id for _, s in shares],
        [s.target.rule for _, s in shares],
        list(range(len(shares))),
        len(shares),
    )


def reminders_by_unit(
    shares: Sequence[tuple[ItemInfo, UnitShare]],
    owing: Sequence[bool],
    last_report: Sequence[date | None],
    *,
    department: str | None = None,
) -> tuple[DepartmentReminder, ...]:
    """Group the owed shares (with the item of their target) under their unit, which
    alone enters them: *owing* and *last_report* run over *shares*. *department*: that
    unit only."""
    owed: dict[str, list[OwedTarget]] = {}
    for (item, share), owes, last in zip(shares, owing, last_report, strict=True):
        if owes and (department is None or share.unit == department):
            target = share.target
            entry = OwedTarget(
                target.key, target.name, item.no, item.title, share.unit, last, share.unit
            )
            owed.setdefault(share.unit, []).append(entry)
    return tuple(DepartmentReminder(name, tuple(targets)) for name, targets in owed.items())


def merged_reminders(
    *groups: Sequence[DepartmentReminder],
) -> tuple[DepartmentReminder, ...]:
    """The departments' reminders, then the units' (a name in both: one reminder)."""
    owed: dict[str, list[OwedTarget]] = {}
    for group in groups:
        for reminder in group:
            owed.setdefault(reminder.department, []).extend(reminder.targets)
    return tuple(DepartmentReminder(name, tuple(targets)) for name, targets in owed.items())


def last_report_dates(readings: ReadingColumns) -> list[date | None]:
    """The date of each target's latest reading (None where there is none)."""
    days = np.where(readings.present, readings.as_of, 0).tolist()
    return [date.fromordinal(d) if d else None for d in days]
