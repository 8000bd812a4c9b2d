"""The completion table of a plan as of a date."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.evaluation import PlanEvaluation, evaluate_plan
from pledgetrack.domain.model import Policy
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.storage.queries import latest_readings, load_structure


def plan_status(
    engine: Engine,
    *,
    on: date,
    plan: str | None = None,
    department: str | None = None,
    policy: Policy | None = None,
) -> PlanEvaluation:
    """Evaluate a plan as of *on*: one query for the structure, one for all latest readings."""
    with Session(engine) as session:
        structure = load_structure(session=session, code=plan)
        readings = latest_readings(session=session, plan_id=structure.id, on=on)
    return evaluate_plan(structure, readings, on, policy).filtered(department=department)


def evaluate_structure(
    engine: Engine, structure: PlanStructure, *, on: date, policy: Policy | None = None
) -> PlanEvaluation:
    """Evaluate an already loaded structure as of another date (time travel, month-over-month)."""
    with Session(engine) as session:
        readings = latest_readings(session=session, plan_id=structure.id, on=on)
    return evaluate_plan(structure, readings, on, policy)
