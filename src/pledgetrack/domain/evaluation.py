"""A whole plan evaluated as of a date, and its roll-ups — pure, from structure and readings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from pledgetrack.domain.model import ItemResult, Policy, Reading, Status, TargetResult
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo
from pledgetrack.domain.progress import (
    count_statuses,
    due_month_start,
    evaluate_target,
    item_status,
    mean_completion,
)

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

    @property
    def last_report(self) -> date | None:
        dates = [r.reading.as_of for r in self.result.targets if r.reading is not None]
        return max(dates) if dates else None


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

    def plan_rollup(self) -> Rollup:
        return self.rollup(self.structure.title, list(self.items))

    def pledge_rollups(self) -> list[Rollup]:
        return [self.rollup(self.structure.pledge(no).title, rows) for no, rows in self.by_pledge()]

    def department_rollups(self) -> list[Rollup]:
        """Per department, over the items it leads or co-operates on."""
        groups: dict[str, list[ItemRow]] = {}
        for row in self.items:
            for name in row.info.departments:
                groups.setdefault(name, []).append(row)
        return [self.rollup(name, rows) for name, rows in groups.items()]

    def attention_by_department(self) -> list[tuple[str, list[ItemRow]]]:
        """Overdue, behind and not-reported items, grouped under their lead department.

        Groups come most severe first (by their worst item), then the larger group,
        then by name; items within a group by severity, then number.
        """
        groups: dict[str, list[ItemRow]] = {}
        for row in self.items:
            if row.result.status in ATTENTION_STATUSES:
                groups.setdefault(row.info.lead, []).append(row)
        for rows in groups.values():
            rows.sort(key=lambda r: (-r.result.status.severity, r.info.no))
        return sorted(
            groups.items(),
            key=lambda g: (-g[1][0].result.status.severity, -len(g[1]), g[0]),
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
    (*partial*: the structure holds only the plan's first items)."""
    policy = policy or Policy()
    start = structure.period.start
    due_start = due_month_start(on, structure.period, policy)
    tolerance = policy.tolerance
    cache: dict[tuple[object, ...], float | None] = {}
    get = readings.get
    rows = []
    append = rows.append
    for item in structure.items:
        targets = item.targets
        results = [
            evaluate_target(t.rule, get(t.id), start, on, tolerance, due_start, cache)
            for t in targets
        ]
        result = item_status([t.rule for t in targets], results)
        append(ItemRow(item, result))
    return PlanEvaluation(structure, on, tuple(rows), partial)
