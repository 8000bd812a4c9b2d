"""SQLModel tables. Only storage classes are ``table=True``; the engine never sees them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, LargeBinary, UniqueConstraint, text
from sqlmodel import Field, SQLModel


class Plan(SQLModel, table=True):
    """One published list, e.g. 2020年青岛市市办实事."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(index=True, unique=True, max_length=100)
    title: str
    start: date
    end: date
    #: Items are numbered directly under the plan, with no 件 level (storage still keeps
    #: one pledge per item; screens and reports show no 件 level).
    flat: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


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
    #: A unit a target is split to (区市, 街道 …); None: an ordinary department (0011).
    level: str | None = Field(default=None, max_length=20)


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
    #: An amount per period of the schedule, not a cumulative figure (migration 0007).
    per_period: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})
    #: A unit's share of a split target: the target it is part of, and the unit (0011).
    parent_id: int | None = Field(default=None, foreign_key="target.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="department.id")
    #: A split target: "sum" (its reading is its units' total) or "own"; None: not split.
    rollup: str | None = Field(default=None, max_length=10)


class Snapshot(SQLModel, table=True):
    """A dated cumulative reading of a target. Append-only: a correction is a new row.

    Two unique indexes make concurrent saves safe without locks: one original
    reading per target and date, and a reading is corrected at most once — so of
    two people saving the same target's month at the same moment, one wins and
    the other's insert fails (see services.progress.SaveConflict).
    """

    __table_args__ = (
        Index("ix_snapshot_target_asof", "target_id", "as_of", "id"),
        Index(
            "uq_snapshot_original",
            "target_id",
            "as_of",
            unique=True,
            # Partial on both engines; migration 0002 creates it so. Only SQLite's clause
            # is declared here: naming a dialect's option loads that dialect, and
            # SQLAlchemy's PostgreSQL one brings every driver's module (a tenth of a
            # second) into each SQLite command. A PostgreSQL session loads it anyway.
            sqlite_where=text("supersedes_id IS NULL"),
        ),
        Index("uq_snapshot_supersedes", "supersedes_id", unique=True),
    )
    id: int | None = Field(default=None, primary_key=True)
    target_id: int = Field(foreign_key="target.id")
    as_of: date
    value: float | None = None
    done: bool | None = None
    note: str = ""
    #: Who entered it, as claimed: the user an admin acted for, or what an imported file
    #: says. ``recorded_by`` is who really stored it (on PostgreSQL forced by the database).
    entered_by: str = ""
    entered_at: datetime
    recorded_by: str = Field(default="", max_length=100)
    recorded_at: datetime | None = None
    #: The reading this one corrects (same target and date), if any.
    supersedes_id: int | None = Field(default=None, foreign_key="snapshot.id")
    #: How the figure is approximate (domain.qualifier.Qualifier code), None if exact.
    qualifier: str | None = Field(default=None, max_length=10)
    #: When the department expects the target done ("预计10月底前全部完成").
    forecast_done_by: date | None = None
    #: Works progress (形象进度) of an unfinished count target, 0–100 (migration 0007).
    works_percent: float | None = None


class User(SQLModel, table=True):
    """A person who may use the shared database: identity is the OS account (SQLite) or the PostgreSQL login."""

    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(unique=True, max_length=100)
    display_name: str = ""
    department_id: int | None = Field(default=None, foreign_key="department.id")
    #: staff, supervisor or admin
    role: str = Field(max_length=20)
    active: bool = True
    created_at: datetime
    #: SQLite: the Argon2id hash of the login password (``user set-password``; migration
    #: 0009); None: no password, no ``--login``. PostgreSQL: None, the server checks logins.
    password_hash: str | None = Field(default=None, max_length=200)


class LoginAttempt(SQLModel, table=True):
    """One login tried at the login screen (``pledgetrack --login``): the name as typed,
    when, whether it succeeded and why not (services.login). Never the password. Counted
    to refuse a name after too many failures, across every app process (migration 0009)."""

    __tablename__ = "login_attempt"
    __table_args__ = (Index("ix_login_attempt_login", "login", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=100)
    at: datetime
    ok: bool
    #: "" for a success; else services.login.Refusal's reason (wrong, locked, …).
    reason: str = Field(max_length=20)


class Review(SQLModel, table=True):
    """A supervisor's decision on a submitted reading. Append-only; the latest one counts."""

    __table_args__ = (Index("ix_review_snapshot", "snapshot_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshot.id")
    #: approved or returned
    decision: str = Field(max_length=20)
    comment: str = ""
    reviewed_by: str = ""
    reviewed_at: datetime
    #: Who really stored the review (differs from reviewed_by when an admin acted for them).
    recorded_by: str = Field(default="", max_length=100)


class AuditEntry(SQLModel, table=True):
    """Every write: who, when, what, before and after. Never updated, never deleted."""

    __tablename__ = "audit"
    __table_args__ = (
        # Only the target's: the others cost imports 3× and served no query (migration 0008).
        Index("ix_audit_target", "target_key", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime
    user_login: str = Field(max_length=100)
    #: e.g. snapshot.add, snapshot.correct, review.approve, review.return, plan.import, user.add
    action: str = Field(max_length=50)
    entity: str = Field(max_length=50)
    entity_id: int | None = None
    target_key: str | None = Field(default=None, max_length=50)
    before: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
    #: The user *user_login* acted for (an admin's --user, or the entered_by of an imported
    #: row), if any: shown as "zhao for li".
    acting_for: str | None = Field(default=None, max_length=100)
    #: The database login that wrote the row (PostgreSQL: session_user, set by the trigger).
    db_user: str | None = Field(default=None, max_length=100)


class RuleGeneration(SQLModel, table=True):
    """One row: a number that triggers raise on every change to plans, items and targets
    (migration 0003), so a cached copy of a plan's rules knows when it is stale."""

    __tablename__ = "rule_generation"
    id: int | None = Field(default=None, primary_key=True)
    value: int = 0


class RuleCache(SQLModel, table=True):
    """A plan's target rules as columns (storage.rule_cache), valid while its generation
    is the current one. Derived data: deleting every row loses nothing."""

    __tablename__ = "rule_cache"
    plan_id: int = Field(foreign_key="plan.id", primary_key=True)
    generation: int
    payload: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class EvidenceBlob(SQLModel, table=True):
    """The content of one evidence file (佐证材料), stored once however often it is
    attached: content-addressed by its SHA-256 (migration 0010)."""

    __tablename__ = "evidence_blob"
    id: int | None = Field(default=None, primary_key=True)
    #: Hex SHA-256 of *content*; on PostgreSQL a check constraint holds it to the content.
    sha256: str = Field(max_length=64, unique=True)
    size: int
    #: Sniffed from the content, else from the file name (domain.evidence_media).
    media_type: str = Field(max_length=100)
    stored_at: datetime
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class Evidence(SQLModel, table=True):
    """An evidence file attached to a reading: the file name as given, who attached it and
    when. Append-only, like readings (migration 0010)."""

    __tablename__ = "evidence"
    __table_args__ = (
        Index("ix_evidence_snapshot", "snapshot_id", "id"),
        # One content once per reading: attaching it again is not a second link.
        UniqueConstraint("snapshot_id", "blob_id", name="uq_evidence_snapshot_blob"),
    )
    id: int | None = Field(default=None, primary_key=True)
    snapshot_id: int = Field(foreign_key="snapshot.id")
    blob_id: int = Field(foreign_key="evidence_blob.id", index=True)
    file_name: str = Field(max_length=255)
    #: Who attached it, as claimed (the user an admin acted for); ``recorded_by`` is who
    #: really stored it (on PostgreSQL forced by the database).
    attached_by: str = Field(max_length=100)
    recorded_by: str = Field(default="", max_length=100)
    attached_at: datetime


class EvidenceWithdrawal(SQLModel, table=True):
    """An attached file withdrawn (a wrong photo, the wrong month): why, by whom, when.
    The attachment and its content stay; from then on the file is not listed or counted
    as the figure's evidence. Append-only; an attachment is withdrawn once (migration
    0012)."""

    __tablename__ = "evidence_withdrawal"
    __table_args__ = (UniqueConstraint("evidence_id", name="uq_evidence_withdrawal_evidence"),)
    id: int | None = Field(default=None, primary_key=True)
    evidence_id: int = Field(foreign_key="evidence.id")
    reason: str = Field(max_length=500)
    #: Who withdrew it, as claimed (the user an admin acted for); ``recorded_by`` is who
    #: really recorded it (on PostgreSQL forced by the database).
    withdrawn_by: str = Field(max_length=100)
    recorded_by: str = Field(default="", max_length=100)
    withdrawn_at: datetime
