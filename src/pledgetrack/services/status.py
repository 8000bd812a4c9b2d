"""The completion table of a plan as of a date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.evaluation import PlanEvaluation, evaluate_plan
from pledgetrack.domain.model import Policy
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import load_structure


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
    (with *approved_only*, the latest approved reading of each target)."""
    with gc_paused(), Session(engine) as session:
        structure = load_structure(session=session, code=plan)
        readings = latest_readings(
            session=session, plan_id=structure.id, on=on, approved_only=approved_only
        )
        evaluation = evaluate_plan(structure, readings, on, policy)
    return evaluation.filtered(department=department)


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
