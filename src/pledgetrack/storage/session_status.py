"""What a status reads, through a SQLAlchemy session (PostgreSQL, and SQLite for every
front end but `pledgetrack status`): the same methods as storage.sqlite_status's
SqliteStatus, so services.status states each view once."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Date, String, bindparam, func, text, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from pledgetrack.domain.columns import ReadingColumns, RuleColumns
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.readings import LatestReadings
from pledgetrack.storage import queries
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.rule_cache import PlanRules, plan_rules
from pledgetrack.storage.status_rows import (
    TARGET_COLUMNS,
    UNIT_NAMES_SQL,
    UNIT_PERIOD_TARGETS_SQL,
    UNIT_SHARES_SQL,
    UNIT_TARGETS_SQL,
    ListingRows,
    UnitRows,
    readings_from_rows,
    unit_latest_sql,
    unit_period_history_sql,
    unit_rows_of,
    unit_targets_of,
)
from pledgetrack.storage.tables import (
    Department,
    Item,
    ItemDepartment,
    Plan,
    Pledge,
    Snapshot,
    Target,
)


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

    def unit_targets(self, plan_id: int, name: str) -> tuple[str, list[str]] | None:
        return unit_targets_of(
            self.session.connection().execute(
                text(UNIT_TARGETS_SQL), {"plan": plan_id, "name": name}
            )
        )

    def unit_names(self, plan_id: int) -> list[str]:
        rows = self.session.connection().execute(text(UNIT_NAMES_SQL), {"plan": plan_id})
        return [name for (name,) in rows]

    def unit_shares(self, plan: Plan, name: str) -> UnitRows | None:
        return unit_rows_of(
            plan,
            self.session.connection().execute(
                text(UNIT_SHARES_SQL), {"plan": plan.id, "name": name}
            ),
        )

    def unit_readings(
        self, plan_id: int, name: str, on: date, approved_only: bool
    ) -> LatestReadings:
        conn = self.session.connection()
        params = {"plan": plan_id, "name": name, "on": on}

        def run(sql: str) -> Any:
            statement = text(sql)
            if ":on" in sql:
                statement = statement.bindparams(bindparam("on", type_=Date))
            return conn.execute(statement, params)

        rows = run(unit_latest_sql(approved_only)).all()

        def period_rows(_ids: list[int]) -> tuple[Any, Any]:
            schedules = run(UNIT_PERIOD_TARGETS_SQL).all()
            return schedules, run(unit_period_history_sql(approved_only)).all()

        return readings_from_rows(rows, period_rows)

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

    def latest_columns(
        self, plan_id: int, on: date, approved_only: bool, rules: RuleColumns
    ) -> ReadingColumns:
        return self.latest_readings(plan_id, on, approved_only).columns(rules)

    def load_structure(self, plan: Plan, *, first_items: int | None = None) -> PlanStructure:
        return queries.load_structure(session=self.session, code=plan.code, first_items=first_items)

    def listing_rows(self, plan: Plan) -> ListingRows:
        p, i = Pledge.__table__.c, Item.__table__.c  # type: ignore[attr-defined]
        link, d = ItemDepartment.__table__.c, Department.__table__.c  # type: ignore[attr-defined]
        conn = self.session.connection()
        pledges = conn.execute(
            sa_select(p.id, p.no, p.title).where(p.plan_id == plan.id).order_by(p.no)
        ).all()
        items = conn.execute(
            sa_select(i.id, i.no, i.title, i.pledge_id).where(i.plan_id == plan.id).order_by(i.no)
        ).all()
        departments = conn.execute(
            sa_select(link.item_id, d.name)
            .join_from(ItemDepartment.__table__, Department.__table__, d.id == link.department_id)  # type: ignore[attr-defined]
            .join(Item.__table__, i.id == link.item_id)  # type: ignore[attr-defined]
            .where(i.plan_id == plan.id)
            .order_by(link.item_id, link.position)
        ).all()
        return ListingRows(pledges, items, departments)

    def target_rows(self, plan: Plan) -> Iterator[Any]:
        t, i = Target.__table__.c, Item.__table__.c  # type: ignore[attr-defined]
        columns = [
            type_coerce(t.deadline, String) if name == "deadline" else t[name]
            for name in TARGET_COLUMNS
        ]
        result = self.session.connection().execute(
            sa_select(*columns)
            .join_from(Target.__table__, Item.__table__, i.id == t.item_id)  # type: ignore[attr-defined]
            .where(t.plan_id == plan.id, t.parent_id.is_(None))
            .order_by(i.no, t.position, t.id)
            .execution_options(yield_per=2000)
        )
        return iter(result)
