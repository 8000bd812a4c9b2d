"""The completion table of a plan as of a date.

The views here (:func:`plan_status`, :func:`status_summary`, :func:`default_as_of`,
:func:`check_in_period`) take either a SQLAlchemy engine or a SQLite file opened by
:func:`open_sqlite_status` — `pledgetrack status` reads a SQLite file with the standard
library's sqlite3 alone and never imports SQLAlchemy (issue 15: 0.3 s of its start-up).
Both give their rows to the same code and the same rules; tests/test_status_paths.py
holds them equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from pledgetrack.domain.breakdown import UnitStatus
from pledgetrack.domain.breakdown import unit_status as _unit_status
from pledgetrack.domain.columns import PlanColumns, evaluate_plan_columns
from pledgetrack.domain.evaluation import PlanEvaluation, evaluate_plan
from pledgetrack.domain.model import STATUS_ORDER, PlanPeriod, Policy, Status
from pledgetrack.services import person as _person
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.storage.rule_payload import PlanRules
from pledgetrack.storage.sqlite_file import DatabaseUnavailable, plain_sqlite_file
from pledgetrack.storage.sqlite_status import SqliteStatus
from pledgetrack.storage.status_rows import as_date

__all__ = [
    "DatabaseUnavailable",
    "SqliteStatus",
    "UnitStatus",
    "open_sqlite_status",
    "plan_status",
    "unit_status",
]

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from pledgetrack.domain.plan import PlanStructure


def open_sqlite_status(
    url: str, *, lock_wait: float, requested_user: str | None = None
) -> SqliteStatus | None:
    """The database at *url* opened for a status with the standard library's sqlite3, when
    it is a plain SQLite file (else None: open it with SQLAlchemy). Checked as
    services.database.open_database checks it (DatabaseUnavailable, DatabaseDamaged,
    SchemaBehind, SchemaAhead); *requested_user* (--user) refused unless the person may
    act for others, as services.access.resolve_identity (PermissionDenied). A driver
    error (locked, unreadable) is sqlite3.Error: :func:`sqlite_fault` words it."""
    path = plain_sqlite_file(url)
    if path is None:
        return None
    db = SqliteStatus.open(path, lock_wait=lock_wait)
    try:
        person = _person.os_account()
        if requested_user and requested_user != person:
            single_user = db.user_count() == 0
            role, active = db.user_role(person) or (None, False)
            if not _person.may_act_for_others(single_user=single_user, role=role, active=active):
                raise _person.acting_refused(requested_user, person, db.active_admins())
    except BaseException:
        db.close()
        raise
    return db


def sqlite_fault(exc: BaseException, url: str, lock_wait: float) -> str | None:
    """One line for a sqlite3 error met reading a status (as services.faults words it)."""
    from pledgetrack.services.faults import explain

    return explain(exc, url=url, lock_wait=lock_wait)


@contextmanager
def _reading(db: Any) -> Iterator[Any]:
    """The reads of one view: the SQLite file itself, or a session of the engine."""
    if isinstance(db, SqliteStatus):
        yield db
        return
    from sqlmodel import Session

    from pledgetrack.storage.session_status import SessionStatus

    with Session(db) as session:
        yield SessionStatus(session)


def plan_status(
    engine: Engine | SqliteStatus,
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
    with gc_paused(), _reading(engine) as db:
        structure = db.load_structure(db.find_plan(plan))
        if department and department not in structure.departments():
            raise _not_a_department(db, structure.id, department, structure.departments())
        readings = db.latest_readings(structure.id, on, approved_only)
        evaluation = evaluate_plan(structure, readings, on, policy)
    return evaluation.filtered(department=department)


class UnknownDepartment(LookupError):
    """No item of the plan names that department."""

    @classmethod
    def of(cls, department: str, known: list[str]) -> UnknownDepartment:
        return cls(f"no items for department {department!r} (departments: {'、'.join(known)})")


class UnitNotDepartment(UnknownDepartment):
    """The name asked for as a department is a unit that targets are split to (区市,
    街道) and answers for no item: a view by item has nothing of it. Its shares are
    :func:`unit_status`'s (what `pledgetrack status --department` shows for a unit); the
    message says where they are shown."""

    @classmethod
    def of_unit(cls, unit: str, level: str, keys: list[str]) -> UnitNotDepartment:
        kind = f"a unit ({level})" if level else "a unit"
        return cls(
            f"{unit} is {kind} that targets are split to ({', '.join(keys)}), not a "
            f"department answering for items: see its shares with 'pledgetrack status "
            f"--department {unit}' or 'pledgetrack breakdown show {keys[0]}', what it still "
            f"owes with 'pledgetrack remind --department {unit}', or the unit scorecard in "
            "the TUI (c, then u)"
        )


def _not_a_department(
    db: Any, plan_id: int, department: str, known: list[str]
) -> UnknownDepartment:
    """Why *department* has no items: a unit (:class:`UnitNotDepartment`), or unknown
    (the message names the departments, then the units)."""
    unit = db.unit_targets(plan_id, department)
    if unit is None:
        units = [name for name in db.unit_names(plan_id) if name not in known]
        return UnknownDepartment.of(department, [*known, *units])
    return UnitNotDepartment.of_unit(department, *unit)


def unit_status(
    engine: Engine | SqliteStatus,
    *,
    on: date,
    unit: str,
    plan: str | None = None,
    policy: Policy | None = None,
    approved_only: bool = False,
) -> UnitStatus | None:
    """The status of the unit *unit* (区市, 街道: targets are split to it) as of *on*: each
    of its shares judged by the rules of any target, under their items (with
    *approved_only*, from the latest approved figures). Two statements: the shares with
    the targets they are shares of, and the shares' latest readings. None: no target of
    the plan is split to *unit*."""
    with gc_paused(), _reading(engine) as db:
        found = db.find_plan(plan)
        rows = db.unit_shares(found, unit)
        if rows is None:
            return None
        readings = db.unit_readings(found.id, unit, on, approved_only)
    return _unit_status(unit, rows.level, rows.targets, rows.shares, readings, on, policy)


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
    engine: Engine | SqliteStatus,
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
    with _reading(engine) as db:
        found = db.find_plan(plan)
        stored, columns = _evaluated(db, found, on, policy, approved_only)
        counted = list(range(len(stored.item_id)))
        if department:
            mine = db.department_item_ids(found.id, department)
            if not mine:
                raise _not_a_department(db, found.id, department, db.plan_departments(found.id))
            counted = [i for i, item_id in enumerate(stored.item_id) if item_id in mine]
    item_no = stored.item_no
    return StatusSummary(found.code, found.title, on, columns, item_no, counted)


@dataclass(frozen=True)
class StatusListing:
    """What `status --json` prints, in columns: every target and item of a plan evaluated
    as of a date (the rules over whole columns, as :func:`status_summary`), the names a
    listing shows, and the targets' own fields, read in list order while they are
    written (:meth:`targets`): a province's 100k targets are never objects at once."""

    plan: Any
    as_of: date
    columns: PlanColumns
    #: Every item of the plan (id, no, title, pledge no), in list order.
    items: list[tuple[int, int, str, int]]
    pledge_titles: dict[int, str]
    #: Item id → the departments answering for it, the lead first.
    departments: dict[int, list[str]]
    #: The positions of the items listed (all, or a department's), in list order.
    counted: list[int]
    #: The targets' rows (storage.status_rows.TARGET_COLUMNS), in list order.
    target_rows: Iterable[Sequence[Any]]
    _deadlines: dict[object, str] = field(default_factory=dict, repr=False, compare=False)

    def counts(self) -> dict[Status, int]:
        """Items listed per status, every status present, in display order."""
        codes = self.columns.items.status[self.counted]
        return {s: int(np.count_nonzero(codes == s.severity)) for s in STATUS_ORDER}

    def assessed_per_item(self) -> list[int]:
        """How many assessed targets each item has (none: no annual target)."""
        rules = self.columns.rules
        return np.bincount(rules.item_of[rules.assessed], minlength=rules.items).tolist()

    @cached_property
    def per_item(self) -> list[int]:
        """How many targets each item has."""
        rules = self.columns.rules
        return np.bincount(rules.item_of, minlength=rules.items).tolist()

    def deadline(self, raw: object) -> str:
        """A target's deadline as read (None: the plan's end), as ISO text."""
        made = self._deadlines.get(raw)
        if made is None:
            made = self._deadlines[raw] = (
                self.plan.end if raw is None else as_date(raw)
            ).isoformat()
        return made

    def target_batches(self, items: int) -> Iterator[tuple[int, int, int, list[Sequence[Any]]]]:
        """The target rows of *items* items at a time, in list order: (first item, item
        after the last, first target's position, rows). A plan changed while it was read
        (the rows are not the evaluated targets) is refused (:class:`PlanChanged`)."""
        ids = self.columns.rules.target_id.tolist()
        rows = iter(self.target_rows)
        begin = 0
        for first in range(0, len(self.items), items):
            last = min(first + items, len(self.items))
            count = sum(self.per_item[first:last])
            batch = list(islice(rows, count))
            if [row[0] for row in batch] != ids[begin : begin + count]:
                raise PlanChanged()
            yield first, last, begin, batch
            begin += count
        if next(rows, None) is not None:
            raise PlanChanged()


class PlanChanged(RuntimeError):
    """The plan was changed while a status was read from it."""

    def __init__(self) -> None:
        super().__init__("the plan was changed while it was read: run the command again")


@contextmanager
def status_listing(
    engine: Engine | SqliteStatus,
    *,
    on: date,
    plan: str | None = None,
    department: str | None = None,
    policy: Policy | None = None,
    approved_only: bool = False,
) -> Iterator[StatusListing]:
    """The status of every target and item of a plan as of *on*, in columns, with what a
    listing shows (`status --json`); the target rows are read while the listing is used,
    inside this context. *department*: only the items it leads or co-operates on
    (:class:`UnknownDepartment` if none)."""
    with _reading(engine) as db:
        found = db.find_plan(plan)
        stored, columns = _evaluated(db, found, on, policy, approved_only)
        rows = db.listing_rows(found)
        items = [(item_id, no, title, pledge_id) for item_id, no, title, pledge_id in rows.items]
        if [item_id for item_id, *_ in items] != stored.item_id:
            raise PlanChanged()
        pledge_no = {pledge_id: no for pledge_id, no, _title in rows.pledges}
        departments: dict[int, list[str]] = {}
        for item_id, name in rows.departments:
            departments.setdefault(item_id, []).append(name)
        counted = list(range(len(items)))
        if department:
            counted = [i for i in counted if department in departments.get(items[i][0], ())]
            if not counted:
                known = dict.fromkeys(n for item in items for n in departments.get(item[0], ()))
                raise _not_a_department(db, found.id, department, list(known))
        yield StatusListing(
            plan=found,
            as_of=on,
            columns=columns,
            items=[(item_id, no, title, pledge_no[p]) for item_id, no, title, p in items],
            pledge_titles={no: title for _pid, no, title in rows.pledges},
            departments=departments,
            counted=counted,
            target_rows=db.target_rows(found),
        )


def _evaluated(
    db: Any, found: Any, on: date, policy: Policy | None, approved_only: bool
) -> tuple[PlanRules, PlanColumns]:
    """The plan's rules (the stored copy when current) and every target and item
    evaluated as of *on* over whole columns."""
    stored = db.plan_rules(found)
    columns = evaluate_plan_columns(
        stored.rules,
        db.latest_columns(found.id, on, approved_only, stored.rules),
        period=PlanPeriod(found.start, found.end),
        on=on,
        policy=policy or Policy(),
    )
    return stored, columns


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
        from sqlmodel import Session

        from pledgetrack.storage.latest import latest_readings

        with Session(engine) as session:
            readings = latest_readings(session=session, plan_id=structure.id, on=on, target_ids=ids)
        return evaluate_plan(structure, readings, on, policy, partial=first_items is not None)


def first_items_status(
    engine: Engine | SqliteStatus,
    *,
    on: date,
    items: int,
    plan: str | None = None,
    policy: Policy | None = None,
) -> PlanEvaluation:
    """The first *items* items of a plan evaluated as of *on*, marked partial: what the
    dashboard shows at once while the whole plan (100k targets in a province) loads (the
    TUI reads it from a SQLite file with sqlite3, before SQLAlchemy is imported)."""
    with gc_paused():
        with _reading(engine) as db:
            structure = db.load_structure(db.find_plan(plan), first_items=items)
            ids = [t.id for item in structure.items for t in item.targets]
            readings = db.latest_readings(structure.id, on, False, target_ids=ids)
        return evaluate_plan(structure, readings, on, policy, partial=True)


def check_in_period(
    engine: Engine | SqliteStatus, *, plan: str | None, day: date, month: bool = False
) -> None:
    """Raise OutsidePlan unless *day* (with *month*: any day of its month) lies in the
    period of the plan *plan* (default: the newest). A view of a day before a plan
    starts or after it ends shows nothing anyone reported for it, so it is refused."""
    from pledgetrack.domain.dates import end_of_month
    from pledgetrack.domain.errors import OutsidePlan

    with _reading(engine) as db:
        found = db.find_plan(plan)
    first, last = (day.replace(day=1), end_of_month(day)) if month else (day, day)
    if last < found.start or first > found.end:
        asked = f"{day:%Y-%m}" if month else day.isoformat()
        raise OutsidePlan(
            f"{asked} is outside the plan period {found.start} … {found.end} "
            f"({found.code}): pick a {'month' if month else 'date'} in it"
        )


def default_as_of(
    engine: Engine | SqliteStatus, *, plan: str | None = None, today: date | None = None
) -> date:
    """The date views open on: today while the plan runs; for a finished plan, the
    month end of its latest reading (the last state anyone reported), else its end."""
    from pledgetrack.domain.dates import end_of_month, month_start

    today = today or date.today()
    with _reading(engine) as db:
        found = db.find_plan(plan)
        if found.start <= today <= found.end:
            return today
        if today < found.start:
            return found.start
        # A figure in the plan's last month makes it the plan's end: one index look-up,
        # where the greatest date reads every figure of the plan (0.2 s on a province).
        if db.reading_since(found.id, month_start(found.end)):
            return found.end
        latest = db.latest_day(found.id)
    if latest is None:
        return found.end
    return min(end_of_month(latest), found.end)
