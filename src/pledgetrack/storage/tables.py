"""SQLModel tables. Only storage classes are ``table=True``; the engine never sees them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class Plan(SQLModel, table=True):
    """One published list, e.g. 2020年青岛市市办实事."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=100)
    title: str
    start: date
    end: date


class Pledge(SQLModel, table=True):
    """A numbered heading of the list (件)."""

    __table_args__ = (UniqueConstraint("plan_id", "no"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    no: int
    title: str


class Item(SQLModel, table=True):
    """The unit that is assessed and counted (项), numbered across the plan."""

    __table_args__ = (UniqueConstraint("plan_id", "no"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    pledge_id: int = Field(foreign_key="pledge.id", index=True)
    no: int
    title: str


class Department(SQLModel, table=True):
    """A responsible unit (责任单位)."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)


class ItemDepartment(SQLModel, table=True):
    """Who answers for an item: position 0 is the lead, the others co-operate."""

    item_id: int = Field(foreign_key="item.id", primary_key=True)
    department_id: int = Field(foreign_key="department.id", primary_key=True, index=True)
    position: int = 0


class Target(SQLModel, table=True):
    """One measurable promise of an item (指标)."""

    __table_args__ = (UniqueConstraint("plan_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    key: str = Field(max_length=50)
    position: int = 0
    name: str
    kind: str = Field(max_length=20)
    target_value: float | None = None
    at_least: bool = False
    unit: str = ""
    baseline: float = 0.0
    #: None means the plan end.
    deadline: date | None = None
    assessed: bool = True
    #: Quantity: [{"on": "2020-03-31", "value": 2}, ...]
    schedule: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON))
    #: Milestone: [{"name": "试运行", "planned": "2020-11-15" | null}, ...]
    stages: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON))
    note: str = ""


class Snapshot(SQLModel, table=True):
    """A dated cumulative reading of a target. Append-only: a correction is a new row."""

    __table_args__ = (Index("ix_snapshot_target_asof", "target_id", "as_of", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id")
    as_of: date
    value: float | None = None
    done: bool | None = None
    note: str = ""
    entered_by: str = ""
    entered_at: datetime
    #: The reading this one corrects (same target and date), if any.
    supersedes_id: int | None = Field(default=None, foreign_key="snapshot.id")
