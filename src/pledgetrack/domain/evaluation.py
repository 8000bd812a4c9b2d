"""A whole plan evaluated as of a date, and its roll-ups — pure, from structure and readings."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from pledgetrack.domain.columns import (
    STATUS_BY_CODE,
    RuleColumns,
    TargetColumns,
    evaluate_plan_columns,
)
from pledgetrack.domain.model import ItemResult, Policy, Reading, Status, TargetResult
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo
from pledgetrack.domain.progress import count_statuses, mean_completion
from pledgetrack.domain.readings import LatestReadings

#: Statuses that need attention (the attention board and the report's list).
ATTENTION_STATUSES = frozenset({Status.OVERDUE, Status.BEHIND, Status.NOT_REPORTED})


@dataclass(slots=True)
class TargetRow:
    info: TargetInfo
    result: TargetResult


@dataclass(slots=True)
class ItemRow:
    info: ItemInfo
    result: ItemResult
    #: The date of the item's most recent reading (None: nothing reported yet).
    last_report: date | None = None
    # Paired up on first use: an evaluation of 100k targets need not make 100k rows.
    _targets: tuple[TargetRow, ...] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @property
    def targets(self) -> tuple[TargetRow, ...]:
        """Each target with its result, in list order."""
        if self._targets is None:
            self._targets = tuple(map(TargetRow, self.info.targets, self.result.targets))
        return self._targets

    def passing_targets(self) -> tuple[TargetRow, ...]:
        """:attr:`targets`, made for the caller and not kept on the row unless they already
        are (a month report reads a province's 100k targets, and need not hold them all
        at once)."""
        if self._targets is not None:
            return self._targets
        result = self.result
        if result._targets is None and result._source is not None:
            source, begin, end = result._source
            return tuple(map(TargetRow, self.info.targets, source.results(begin, end)))
        return tuple(map(TargetRow, self.info.targets, result.targets))


@dataclass(frozen=True)
class Rollup:
    """Counts and average completion of a group of items (pledge, department, plan)."""

    name: str
    items: int
    counts: dict[Status, int]
    completion: float | None

    @property
    def achieved(self) -> int:
        return self.counts[Status.ACHIEVED]


@dataclass(frozen=True)
class PlanEvaluation:
    """Every item of a plan as of a date."""

    structure: PlanStructure
    as_of: date
    items: tuple[ItemRow, ...]
    #: Only the first items of the plan (a screen shows them while the whole plan loads);
    #: counts and roll-ups of a partial evaluation are not the plan's.
    partial: bool = False

    def target_results(self) -> Iterator[tuple[TargetInfo, TargetResult]]:
        """Every target with its result, in list order, made as they are read and not kept
        on the item rows (a report reads the 100k targets of a province's month before
        once)."""
        for row in self.items:
            result = row.result
            if result._targets is None and result._source is not None:
                source, begin, end = result._source
                yield from zip(row.info.targets, source.results(begin, end), strict=True)
            else:
                yield from zip(row.info.targets, result.targets, strict=True)

    def achieved_items(self) -> list[ItemRow]:
        return [row for row in self.items if row.result.achieved]

    def counts(self) -> dict[Status, int]:
        return count_statuses(row.result.status for row in self.items)

    def by_pledge(self) -> list[tuple[int, list[ItemRow]]]:
        groups: dict[int, list[ItemRow]] = {}
        for row in self.items:
            groups.setdefault(row.info.pledge_no, []).append(row)
        return list(groups.items())

    def rollup(self, name: str, rows: list[ItemRow]) -> Rollup:
        return Rollup(
            name=name,
            items=len(rows),
            counts=count_statuses(r.result.status for r in rows),
            completion=mean_completion(r.result.completion for r in rows),
        )

    def attention_by_department(self) -> list[tuple[str, list[ItemRow]]]:
        """Overdue, behind and not-reported items, grouped under their lead department.

        Worst first: items within a group by severity, then by the gap of their lagging
        target (points below expected, domain.lagging), then number; groups by their
        worst item the same way, then the larger group, then by name.
        """
        from pledgetrack.domain.lagging import attention_gap

        groups: dict[str, list[ItemRow]] = {}
        gaps: dict[int, float] = {}
        for row in self.items:
            if row.result.status in ATTENTION_STATUSES:
                groups.setdefault(row.info.lead, []).append(row)
                gaps[row.info.no] = attention_gap(row)
        for rows in groups.values():
            rows.sort(key=lambda r: (-r.result.status.severity, -gaps[r.info.no], r.info.no))
        return sorted(
            groups.items(),
            key=lambda g: (
                -g[1][0].result.status.severity,
                -gaps[g[1][0].info.no],
                -len(g[1]),
                g[0],
            ),
        )

    def filtered(self, *, department: str | None = None) -> PlanEvaluation:
        """Only the items a department leads or co-operates on."""
        if not department:
            return self
        rows = tuple(r for r in self.items if department in r.info.departments)
        return PlanEvaluation(self.structure, self.as_of, rows, self.partial)


def evaluate_plan(
    structure: PlanStructure,
    readings: Mapping[int, Reading],
    on: date,
    policy: Policy | None = None,
    *,
    partial: bool = False,
) -> PlanEvaluation:
    """Evaluate every target and item of a plan from the latest reading per target id
    (*partial*: the structure holds only the plan's first items).

    The rules run over whole columns (:mod:`pledgetrack.domain.columns`). Each item
    gets its result at once; its targets' results are made when first asked for."""
    latest = LatestReadings.of(readings)
    rules = structure.rule_columns
    plan = evaluate_plan_columns(
        rules, latest.columns(rules), period=structure.period, on=on, policy=policy or Policy()
    )
    items = plan.items
    source = _TargetResults(rules, plan.targets, latest)
    ends = np.cumsum(np.bincount(rules.item_of, minlength=rules.items)).tolist()
    # Each distinct date made once (a month's reports share a handful of dates).
    days, day_of = np.unique(items.last_report, return_inverse=True)
    dates = [date.fromordinal(d) if d else None for d in days.tolist()]
    rows = [
        ItemRow(
            item,
            ItemResult(status, completion, expected, achieved, None, (source, begin, end)),
            dates[day],
        )
        for item, status, completion, expected, achieved, day, begin, end in zip(
            structure.items,
            map(STATUS_BY_CODE.__getitem__, items.status.tolist()),
            _floats(items.completion, items.completion_known),
            _floats(items.expected, items.expected_known),
            items.achieved.tolist(),
            day_of.tolist(),
            [0, *ends],
            ends,
            strict=False,  # [0, *ends] is one longer
        )
    ]
    return PlanEvaluation(structure, on, tuple(rows), partial)


class _TargetResults:
    """The targets' results of one evaluation, made per item on first use."""

    __slots__ = ("_columns", "_lists", "_readings", "_rules")

    def __init__(self, rules: RuleColumns, columns: TargetColumns, readings: LatestReadings):
        self._rules = rules
        self._columns = columns
        self._readings = readings
        self._lists: tuple[list[Any], ...] | None = None

    def results(self, begin: int, end: int) -> tuple[TargetResult, ...]:
        if self._lists is None:
            c = self._columns
            self._lists = (
                list(map(STATUS_BY_CODE.__getitem__, c.status.tolist())),
                _floats(c.completion),
                _floats(c.expected),
                c.achieved.tolist(),
                self._rules.target_id.tolist(),
            )
        status, completion, expected, achieved, ids = self._lists
        get = self._readings.get
        return tuple(
            TargetResult(status[i], completion[i], expected[i], achieved[i], get(ids[i]))
            for i in range(begin, end)
        )


def _floats(
    column: NDArray[np.float64], known: NDArray[np.bool_] | None = None
) -> list[float | None]:
    """A float column as Python floats: None where not *known* (default: where NaN)."""
    if known is None:
        return [None if x != x else x for x in column.tolist()]
    return [x if k else None for x, k in zip(column.tolist(), known.tolist(), strict=True)]
