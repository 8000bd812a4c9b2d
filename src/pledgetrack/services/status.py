"""The completion table of a plan as of a date."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.columns import PlanColumns, evaluate_plan_columns
from pledgetrack.domain.evaluation import PlanEvaluation, evaluate_plan
from pledgetrack.domain.model import STATUS_ORDER, PlanPeriod, Policy, Status
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import (
    department_item_ids,
    find_plan,
    load_structure,
    plan_departments,
)
from pledgetrack.storage.rule_cache import plan_rules


def plan_status(
    engine: Engine,
    *,
    on: date,
    plan: str | None = None,
    department: str | None = None,
    policy: Policy | None = None,
    approved_only: bool = False,
) -> PlanEvaluation:
    """Evaluate a plan as of *on*: one query for the structure, one for all latest readings
    (with *approved_only*, the latest approved reading of each target). *department*: only
    the items it leads or co-operates on (:class:`UnknownDepartment` if none)."""
    with gc_paused(), Session(engine) as session:
        structure = load_structure(session=session, code=plan)
        readings = latest_readings(
            session=session, plan_id=structure.id, on=on, approved_only=approved_only
        )
        evaluation = evaluate_plan(structure, readings, on, policy)
    mine = evaluation.filtered(department=department)
    if department and not mine.items:
        raise UnknownDepartment.of(department, structure.departments())
    return mine


class UnknownDepartment(LookupError):
    """No item of the plan names that department."""

    @classmethod
    def of(cls, department: str, known: list[str]) -> UnknownDepartment:
        return cls(f"no items for department {department!r} (departments: {'、'.join(known)})")


@dataclass(frozen=True)
class StatusSummary:
    """How many items of a plan have each status as of a date, and which (item numbers)."""

    plan: str
    plan_title: str
    as_of: date
    columns: PlanColumns
    #: Item numbers in list order, and the positions counted (all, or a department's).
    item_no: list[int]
    counted: list[int]

    @property
    def total(self) -> int:
        return len(self.counted)

    def counts(self) -> dict[Status, int]:
        """Items per status, every status present, in display order."""
        codes = self.columns.items.status[self.counted]
        return {s: int(np.count_nonzero(codes == s.severity)) for s in STATUS_ORDER}

    def items(self, status: Status) -> list[int]:
        """The numbers of the items with *status*, in list order."""
        codes = self.columns.items.status[self.counted]
        return [self.item_no[self.counted[i]] for i in np.flatnonzero(codes == status.severity)]


def status_summary(
    engine: Engine,
    *,
    on: date,
    plan: str | None = None,
    department: str | None = None,
    policy: Policy | None = None,
    approved_only: bool = False,
) -> StatusSummary:
    """The status of every target and item of a plan as of *on*, without loading the
    names a table shows: the plan's rules as columns (cached, storage.rule_cache), one
    statement for the latest reading of every target, the rules applied over whole
    columns. *department*: count only the items it leads or co-operates on
    (:class:`UnknownDepartment` if none)."""
    with Session(engine) as session:
        found = find_plan(session=session, code=plan)
        assert found.id is not None
        stored = plan_rules(session=session, plan_id=found.id, plan_end=found.end)
        readings = latest_readings(
            session=session, plan_id=found.id, on=on, approved_only=approved_only
        )
        counted = list(range(len(stored.item_id)))
        if department:
            mine = department_item_ids(session=session, plan_id=found.id, department=department)
            if not mine:
                known = plan_departments(session=session, plan_id=found.id)
                raise UnknownDepartment.of(department, known)
            counted = [i for i, item_id in enumerate(stored.item_id) if item_id in mine]
    columns = evaluate_plan_columns(
        stored.rules,
        readings.columns(stored.rules),
        period=PlanPeriod(found.start, found.end),
        on=on,
        policy=policy or Policy(),
    )
    item_no = stored.item_no
    return StatusSummary(found.code, found.title, on, columns, item_no, counted)


def evaluate_structure(
    engine: Engine,
    structure: PlanStructure,
    *,
    on: date,
    policy: Policy | None = None,
    first_items: int | None = None,
) -> PlanEvaluation:
    """Evaluate an already loaded structure as of another date (time travel, month-over-month).

    With *first_items*, only that many items in list order, marked partial: what the
    dashboard shows of a new month while the whole month is computed."""
    with gc_paused():
        ids = None
        if first_items is not None:
            structure = replace(structure, items=structure.items[:first_items])
            ids = [t.id for item in structure.items for t in item.targets]
        with Session(engine) as session:
            readings = latest_readings(session=session, plan_id=structure.id, on=on, target_ids=ids)
        return evaluate_plan(structure, readings, on, policy, partial=first_items is not None)


def first_items_status(
    engine: Engine,
    *,
    on: date,
    items: int,
    plan: str | None = None,
    policy: Policy | None = None,
) -> PlanEvaluation:
    """The first *items* items of a plan evaluated as of *on*, marked partial: what the
    dashboard shows at once while the whole plan (100k targets in a province) loads."""
    with gc_paused():
        with Session(engine) as session:
            structure = load_structure(session=session, code=plan, first_items=items)
            ids = [t.id for item in structure.items for t in item.targets]
            readings = latest_readings(session=session, plan_id=structure.id, on=on, target_ids=ids)
        return evaluate_plan(structure, readings, on, policy, partial=True)


def check_in_period(engine: Engine, *, plan: str | None, day: date, month: bool = False) -> None:
    """Raise OutsidePlan unless *day* (with *month*: any day of its month) lies in the
    period of the plan *plan* (default: the newest). A view of a day before a plan
    starts or after it ends shows nothing anyone reported for it, so it is refused."""
    from pledgetrack.domain.dates import end_of_month
    from pledgetrack.domain.errors import OutsidePlan

    with Session(engine) as session:
        found = find_plan(session=session, code=plan)
    first, last = (day.replace(day=1), end_of_month(day)) if month else (day, day)
    if last < found.start or first > found.end:
        asked = f"{day:%Y-%m}" if month else day.isoformat()
        raise OutsidePlan(
            f"{asked} is outside the plan period {found.start} … {found.end} "
            f"({found.code}): pick a {'month' if month else 'date'} in it"
        )


def default_as_of(engine: Engine, *, plan: str | None = None, today: date | None = None) -> date:
    """The date views open on: today while the plan runs; for a finished plan, the
    month end of its latest reading (the last state anyone reported), else its end."""
    from sqlalchemy import func
    from sqlmodel import select

    from pledgetrack.domain.dates import end_of_month
    from pledgetrack.storage.queries import find_plan
    from pledgetrack.storage.tables import Snapshot, Target

    today = today or date.today()
    with Session(engine) as session:
        found = find_plan(session=session, code=plan)
        if found.start <= today <= found.end:
            return today
        if today < found.start:
            return found.start
        latest = session.exec(
            select(func.max(Snapshot.as_of))
            .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
            .where(Target.plan_id == found.id)
        ).one()
    if latest is None:
        return found.end
    return min(end_of_month(latest), found.end)
