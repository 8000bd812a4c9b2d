"""What a status reads, through a SQLAlchemy session (PostgreSQL, and SQLite for every
front end but `pledgetrack status`): the same methods as storage.sqlite_status's
SqliteStatus, so services.status states each view once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.readings import LatestReadings
from pledgetrack.storage import queries
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.rule_cache import PlanRules, plan_rules
from pledgetrack.storage.tables import Plan, Snapshot, Target


class SessionStatus:
    """A status's reads within *session*."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def find_plan(self, code: str | None) -> Plan:
        return queries.find_plan(session=self.session, code=code)

    def latest_day(self, plan_id: int) -> date | None:
        return self.session.exec(
            select(func.max(Snapshot.as_of))
            .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
            .where(Target.plan_id == plan_id)
        ).one()

    def reading_since(self, plan_id: int, day: date) -> bool:
        found = self.session.exec(
            select(Snapshot.id)
            .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
            .where(Target.plan_id == plan_id, Snapshot.as_of >= day)
            .limit(1)
        ).first()
        return found is not None

    def department_item_ids(self, plan_id: int, department: str) -> set[int]:
        return queries.department_item_ids(
            session=self.session, plan_id=plan_id, department=department
        )

    def plan_departments(self, plan_id: int) -> list[str]:
        return queries.plan_departments(session=self.session, plan_id=plan_id)

    def plan_rules(self, plan: Plan) -> PlanRules:
        assert plan.id is not None
        return plan_rules(session=self.session, plan_id=plan.id, plan_end=plan.end)

    def latest_readings(
        self,
        plan_id: int,
        on: date,
        approved_only: bool,
        *,
        target_ids: Sequence[int] | None = None,
    ) -> LatestReadings:
        return latest_readings(
            session=self.session,
            plan_id=plan_id,
            on=on,
            approved_only=approved_only,
            target_ids=None if target_ids is None else list(target_ids),
        )

    def load_structure(self, plan: Plan, *, first_items: int | None = None) -> PlanStructure:
        return queries.load_structure(session=self.session, code=plan.code, first_items=first_items)
