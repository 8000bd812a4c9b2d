"""`pledgetrack status` on a SQLite file with the standard library's sqlite3 alone.

Importing SQLAlchemy and SQLModel and building the table classes costs about 0.3 s, more
than the whole status of the sample takes (issue 15). `status` only reads, and on SQLite
every statement it needs is short, so this module states them as SQL text and hands the
rows to the same code the SQLAlchemy path uses (storage.status_rows for the structure and
the readings, storage.rule_payload for the rules and their stored copy); the rules
themselves are domain.columns and domain.evaluation on both paths. tests/
test_status_paths.py holds the two paths equal (generated plans, dates, approved-only,
departments); PostgreSQL keeps the SQLAlchemy path.

The statements mirror storage.latest (the correlated ``LIMIT 1`` form for the latest
reading, the portable form for approved figures), storage.queries and
storage.rule_cache. Opening does what services.database does for a SQLite file: the file
checks, SQLite's quick_check (not repeated on a large file noted whole, storage.
check_record), the schema revision; closing checkpoints the write-ahead log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from pledgetrack.domain.columns import ReadingColumns, RuleColumns
from pledgetrack.domain.errors import PlanNotFound
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.readings import LatestReadings, reading_columns
from pledgetrack.storage.check_record import file_identity, known_whole, note_whole
from pledgetrack.storage.rule_payload import (
    GENERATION_SQL,
    STORE_SQL,
    PlanRules,
    decode,
    encode,
    rules_from_rows,
    stored_sql,
)
from pledgetrack.storage.schema import VERSION_TABLE, check_revision, one_revision
from pledgetrack.storage.sqlite_file import check_sqlite_file, damaged, quick_check
from pledgetrack.storage.status_rows import (
    TARGET_COLUMNS,
    UNIT_NAMES_SQL,
    UNIT_PERIOD_TARGETS_SQL,
    UNIT_SHARES_SQL,
    UNIT_TARGETS_SQL,
    ListingRows,
    PlanLike,
    PlanRow,
    UnitRows,
    as_date,
    no_plan_yet,
    no_such_plan,
    readings_from_rows,
    structure_from_rows,
    unit_latest_sql,
    unit_period_history_sql,
    unit_rows_of,
    unit_targets_of,
)

#: The decision of the latest review of snapshot ``s`` (NULL: none), as storage.latest's
#: latest_decision().
_DECISION = (
    "(SELECT r.decision FROM review r WHERE r.snapshot_id = {s}.id ORDER BY r.id DESC LIMIT 1)"
)

_LATEST_COLUMNS = (
    "s.id, t.id, s.as_of, s.value, s.done, s.note, s.qualifier, s.forecast_done_by, "
    "s.works_percent, t.per_period"
)

#: The latest reading of every target of a plan: the correlated LIMIT 1 form, which
#: walks the (target_id, as_of, id) index; the outer join keeps the planner on target.
LATEST_SQL = f"""
SELECT {_LATEST_COLUMNS}
FROM target t LEFT OUTER JOIN snapshot s ON s.id = (
    SELECT n.id FROM snapshot n WHERE n.target_id = t.id AND n.as_of <= :on
    ORDER BY n.as_of DESC, n.id DESC LIMIT 1)
WHERE t.plan_id = :plan AND t.parent_id IS NULL
"""

#: The latest approved reading of every target: the greatest date with an approved
#: figure, then the greatest id of that date among approved ones.
LATEST_APPROVED_SQL = f"""
SELECT {_LATEST_COLUMNS}
FROM snapshot s JOIN target t ON t.id = s.target_id
WHERE s.id IN (
    SELECT max(s2.id) FROM snapshot s2 JOIN (
        SELECT s3.target_id AS target_id, max(s3.as_of) AS as_of
        FROM snapshot s3 JOIN target t3 ON t3.id = s3.target_id
        WHERE t3.plan_id = :plan AND t3.parent_id IS NULL AND s3.as_of <= :on AND {_DECISION.format(s="s3")} = 'approved'
        GROUP BY s3.target_id) d ON s2.target_id = d.target_id AND s2.as_of = d.as_of
    WHERE {_DECISION.format(s="s2")} = 'approved'
    GROUP BY s2.target_id)
"""

_PER_PERIOD_TARGETS = (
    "SELECT id FROM target WHERE plan_id = :plan AND parent_id IS NULL AND per_period"
)

#: The figures of the latest readings only, dates as day numbers (``date.toordinal``),
#: for the rules over columns: (target id, snapshot id, day, value, done, works).
_FIGURES = (
    "t.id, s.id, CAST(julianday(s.as_of) - 1721424.5 AS INTEGER), s.value, s.done, s.works_percent"
)
LATEST_FIGURES_SQL = LATEST_SQL.replace(_LATEST_COLUMNS, _FIGURES, 1)
LATEST_APPROVED_FIGURES_SQL = LATEST_APPROVED_SQL.replace(_LATEST_COLUMNS, _FIGURES, 1)

#: The targets of a plan in list order (items by number, targets by position), as
#: :data:`~pledgetrack.storage.status_rows.TARGET_COLUMNS`.
TARGETS_SQL = f"""
SELECT {", ".join(f't."{c}"' for c in TARGET_COLUMNS)}
FROM target t JOIN item i ON i.id = t.item_id
WHERE t.plan_id = ? AND t.parent_id IS NULL ORDER BY i.no, t.position, t.id
"""

#: The plan's first :first items in list order: what the dashboard shows first
#: (``first_items`` below, as storage.queries.load_structure's).
_FIRST_ITEMS = "SELECT id FROM item WHERE plan_id = :plan ORDER BY no LIMIT :first"


def _of_first_items(column: str, first_items: int | None) -> str:
    """`` AND column IN (the first items)``, or nothing for the whole plan."""
    return "" if first_items is None else f" AND {column} IN ({_FIRST_ITEMS})"


class SqliteStatus:
    """An open SQLite database, read for a status. Use :meth:`open`; :meth:`close` after."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path, *, lock_wait: float) -> SqliteStatus:
        """The database in *path*, checked as services.database.open_database checks a
        SQLite file (DatabaseUnavailable, DatabaseDamaged, SchemaBehind, SchemaAhead; a
        driver error is the caller's to word)."""
        check_sqlite_file(path, must_exist=True)
        conn = sqlite3.connect(path, timeout=lock_wait, isolation_level=None)
        opened = cls(conn, path)
        try:
            conn.execute(f"PRAGMA busy_timeout={max(1, round(lock_wait * 1000))}")
            opened._refuse_damaged()
            check_revision(opened.revision(), opened.is_empty)
        except BaseException:
            conn.close()
            raise
        return opened

    def _refuse_damaged(self) -> None:
        if known_whole(self.path):
            return
        identity = file_identity(self.path)
        problems = quick_check(self.conn)
        if problems:
            raise damaged(str(self.path), problems)
        note_whole(self.path, identity)

    def close(self) -> None:
        """Close; the file then holds every committed change (as storage.db.close_engine)."""
        try:
            self.conn.execute("PRAGMA busy_timeout=0")
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass  # read-only, damaged, busy: the log stays, nothing is lost
        finally:
            self.conn.close()

    # ---- the schema ------------------------------------------------------------------

    def _tables(self) -> set[str]:
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite~_%' ESCAPE '~'"
        )
        return {name for (name,) in rows}

    def revision(self) -> str | None:
        if VERSION_TABLE not in self._tables():
            return None
        rows = self.conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall()
        return one_revision([version for (version,) in rows])

    def is_empty(self) -> bool:
        return not self._tables()

    # ---- who acts ----------------------------------------------------------------------

    def user_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM app_user").fetchone()[0])

    def user_role(self, login: str) -> tuple[str, bool] | None:
        """(role, active) of the user *login*, None if there is none."""
        row = self.conn.execute(
            "SELECT role, active FROM app_user WHERE login = ?", (login,)
        ).fetchone()
        return None if row is None else (row[0], bool(row[1]))

    def active_admins(self) -> list[str]:
        rows = self.conn.execute(
            "SELECT login FROM app_user WHERE active AND role = 'admin' ORDER BY login"
        )
        return [login for (login,) in rows]

    # ---- the plan ----------------------------------------------------------------------

    def _plans(self, where: str = "", params: tuple[Any, ...] = ()) -> list[PlanRow]:
        rows = self.conn.execute(
            f'SELECT id, code, title, start, "end", flat FROM plan {where} '
            "ORDER BY start DESC, code",
            params,
        )
        return [
            PlanRow(pid, code, title, as_date(start), as_date(end), bool(flat))
            for pid, code, title, start, end, flat in rows
        ]

    def find_plan(self, code: str | None) -> PlanRow:
        """The plan with *code*, or the newest (as storage.queries.find_plan)."""
        if code:
            found = self._plans("WHERE code = ?", (code,))
            if not found:
                raise no_such_plan(code, [p.code for p in self._plans()])
            return found[0]
        plans = self._plans()
        if not plans:
            raise no_plan_yet()
        return plans[0]

    def latest_day(self, plan_id: int) -> date | None:
        """The date of the plan's latest reading (None: none)."""
        (day,) = self.conn.execute(
            "SELECT max(s.as_of) FROM snapshot s JOIN target t ON t.id = s.target_id "
            "WHERE t.plan_id = ?",
            (plan_id,),
        ).fetchone()
        return None if day is None else as_date(day)

    def reading_since(self, plan_id: int, day: date) -> bool:
        """Whether any target of the plan has a reading dated *day* or later."""
        found = self.conn.execute(
            "SELECT 1 FROM target t JOIN snapshot s ON s.target_id = t.id "
            "WHERE t.plan_id = ? AND s.as_of >= ? LIMIT 1",
            (plan_id, day.isoformat()),
        ).fetchone()
        return found is not None

    def department_item_ids(self, plan_id: int, department: str) -> set[int]:
        rows = self.conn.execute(
            "SELECT l.item_id FROM itemdepartment l "
            "JOIN department d ON d.id = l.department_id JOIN item i ON i.id = l.item_id "
            "WHERE d.name = ? AND i.plan_id = ?",
            (department, plan_id),
        )
        return {item_id for (item_id,) in rows}

    def unit_targets(self, plan_id: int, name: str) -> tuple[str, list[str]] | None:
        """The level of the unit *name* and the keys of the plan's targets split to it
        (None: no target of the plan is split to it)."""
        return unit_targets_of(self.conn.execute(UNIT_TARGETS_SQL, {"plan": plan_id, "name": name}))

    def unit_names(self, plan_id: int) -> list[str]:
        """The units the plan's targets are split to, by name."""
        return [name for (name,) in self.conn.execute(UNIT_NAMES_SQL, {"plan": plan_id})]

    def unit_shares(self, plan: PlanLike, name: str) -> UnitRows | None:
        """The unit *name*'s shares of the plan's targets (None: not a unit of it)."""
        return unit_rows_of(
            plan, self.conn.execute(UNIT_SHARES_SQL, {"plan": plan.id, "name": name})
        )

    def unit_readings(
        self, plan_id: int, name: str, on: date, approved_only: bool
    ) -> LatestReadings:
        """The latest reading as of *on* of each of the unit *name*'s shares (approved
        ones only, with *approved_only*); a per-period share's value is its periods'
        total so far."""
        params = {"plan": plan_id, "name": name, "on": on.isoformat()}
        rows = self.conn.execute(unit_latest_sql(approved_only), params).fetchall()

        def period_rows(_ids: list[int]) -> tuple[Any, Any]:
            schedules = self.conn.execute(UNIT_PERIOD_TARGETS_SQL, params).fetchall()
            history = self.conn.execute(unit_period_history_sql(approved_only), params)
            return schedules, history.fetchall()

        return readings_from_rows(rows, period_rows)

    def plan_departments(self, plan_id: int) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT d.name FROM department d "
            "JOIN itemdepartment l ON d.id = l.department_id JOIN item i ON i.id = l.item_id "
            "WHERE i.plan_id = ? ORDER BY d.name",
            (plan_id,),
        )
        return [name for (name,) in rows]

    # ---- rules and readings ------------------------------------------------------------

    def _generation(self) -> int | None:
        if "rule_generation" not in self._tables():
            return None
        row = self.conn.execute(GENERATION_SQL).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def _stored_rules(self, plan_id: int, generation: int) -> PlanRules | None:
        row = self.conn.execute(
            stored_sql(generation), {"plan": plan_id, "generation": generation}
        ).fetchone()
        return None if row is None else decode(bytes(row[0]))

    def plan_rules(self, plan: PlanRow) -> PlanRules:
        """The rules of every target of *plan*: the stored copy if current, else read
        from the target table and stored (as storage.rule_cache.plan_rules)."""
        generation = self._generation()
        if generation is not None:
            found = self._stored_rules(plan.id, generation)
            if found is not None:
                return found
        items = self.conn.execute(
            "SELECT id, no FROM item WHERE plan_id = ? ORDER BY no", (plan.id,)
        ).fetchall()
        rows = self.conn.execute(
            "SELECT id, item_id, position, kind, deadline, assessed, target_value, baseline, "
            "schedule, stages, per_period FROM target WHERE plan_id = ? AND parent_id IS NULL",
            (plan.id,),
        ).fetchall()
        item_id = [row[0] for row in items]
        built = PlanRules(rules_from_rows(rows, item_id, plan.end), item_id, [r[1] for r in items])
        if generation is not None:
            self._store(plan.id, generation, encode(built))
        return built

    def _store(self, plan_id: int, generation: int, payload: bytes) -> None:
        """Keep the copy if *generation* is still current; never wait for a lock."""
        (waits,) = self.conn.execute("PRAGMA busy_timeout").fetchone()
        try:
            self.conn.execute("PRAGMA busy_timeout=0")
            self.conn.execute(
                STORE_SQL, {"plan": plan_id, "generation": generation, "payload": payload}
            )
        except sqlite3.Error:
            pass  # read-only, or busy: the rules are read again next time
        finally:
            self.conn.execute(f"PRAGMA busy_timeout={int(waits)}")

    def latest_readings(
        self,
        plan_id: int,
        on: date,
        approved_only: bool,
        *,
        target_ids: Sequence[int] | None = None,
    ) -> LatestReadings:
        """The latest reading of every target of the plan as of *on* (approved figures
        only, with *approved_only*); a per-period target's value is the total of its
        periods so far (as storage.latest.latest_readings). With *target_ids*, only
        those targets of the plan (the latest figures: a first page, not approved)."""
        if target_ids is not None and approved_only:
            raise ValueError("readings of some targets are the latest, not the approved")
        ids = None if target_ids is None else json.dumps(list(target_ids))
        params = {"plan": plan_id, "on": on.isoformat(), "ids": ids}
        only = "" if ids is None else " AND t.id IN (SELECT value FROM json_each(:ids))"
        sql = (LATEST_APPROVED_SQL if approved_only else LATEST_SQL) + only
        per_period = _PER_PERIOD_TARGETS.replace("FROM target", "FROM target t") + only
        rows = self.conn.execute(sql, params).fetchall()

        def period_rows(_ids: list[int]) -> tuple[Any, Any]:
            approved = f" AND {_DECISION.format(s='s')} = 'approved'" if approved_only else ""
            schedules = self.conn.execute(
                f"SELECT id, deadline, schedule FROM target WHERE id IN ({per_period})",
                params,
            ).fetchall()
            history = self.conn.execute(
                "SELECT s.target_id, s.as_of, s.value FROM snapshot s "
                f"WHERE s.target_id IN ({per_period}) AND s.as_of <= :on{approved} "
                "ORDER BY s.target_id, s.as_of, s.id",
                params,
            ).fetchall()
            return schedules, history

        return readings_from_rows(rows, period_rows)

    def listing_rows(self, plan: PlanLike, *, first_items: int | None = None) -> ListingRows:
        """The plan's pledges (id, no, title) by number, items (id, no, title, pledge id)
        by number, and (item id, department) by item and position. With *first_items*,
        only that many items in list order and their departments."""
        q = self.conn.execute
        params = {"plan": plan.id, "first": first_items}
        pledges = q("SELECT id, no, title FROM pledge WHERE plan_id = :plan ORDER BY no", params)
        items = q(
            "SELECT id, no, title, pledge_id FROM item WHERE plan_id = :plan ORDER BY no"
            + ("" if first_items is None else " LIMIT :first"),
            params,
        )
        departments = q(
            "SELECT l.item_id, d.name FROM itemdepartment l "
            "JOIN department d ON d.id = l.department_id JOIN item i ON i.id = l.item_id "
            f"WHERE i.plan_id = :plan{_of_first_items('i.id', first_items)} "
            "ORDER BY l.item_id, l.position",
            params,
        )
        return ListingRows(pledges.fetchall(), items.fetchall(), departments.fetchall())

    def target_rows(self, plan: PlanLike) -> Iterator[tuple[Any, ...]]:
        """The plan's targets in list order, as :data:`TARGET_COLUMNS`, read as they are
        used (a province's 100k are never held at once)."""
        return self.conn.execute(TARGETS_SQL, (plan.id,))

    def latest_columns(
        self, plan_id: int, on: date, approved_only: bool, rules: RuleColumns
    ) -> ReadingColumns:
        """:meth:`latest_readings` lined up with *rules*, as columns: the figures only,
        turned into arrays in one step (a province has 100k). A plan with per-period
        targets (their totals are summed in Python) goes through the readings."""
        params = {"plan": plan_id, "on": on.isoformat()}
        per_period = self.conn.execute(f"SELECT EXISTS ({_PER_PERIOD_TARGETS})", params)
        if not per_period.fetchone()[0]:
            sql = LATEST_APPROVED_FIGURES_SQL if approved_only else LATEST_FIGURES_SQL
            rows = self.conn.execute(sql, params).fetchall()
            table = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
            table = table[~np.isnan(table[:, 1])]  # targets without a reading
            if not np.isnan(table[:, 2]).any():  # else a date SQLite cannot read: below
                works = table[:, 5]
                return reading_columns(
                    rules,
                    table[:, 0].astype(np.int64),
                    table[:, 2].astype(np.int64),
                    table[:, 3],
                    table[:, 4],
                    None if np.isnan(works).all() else works,
                )
        return self.latest_readings(plan_id, on, approved_only).columns(rules)

    def load_structure(self, plan: PlanRow, *, first_items: int | None = None) -> PlanStructure:
        """The plan's pledges, items, departments and targets (as
        storage.queries.load_structure), with the stored rule columns when current. With
        *first_items*, only that many items in list order and their targets."""
        generation = self._generation() if first_items is None else None
        listing = self.listing_rows(plan, first_items=first_items)
        params = {"plan": plan.id, "first": first_items}
        targets = self.conn.execute(
            'SELECT id, "key", item_id, name, unit, note, kind, deadline, assessed, '
            "target_value, baseline, at_least, schedule, stages, per_period "
            # The first items' targets through the item index (plan_id's would read all).
            "FROM target WHERE "
            + ("plan_id = :plan" if first_items is None else f"item_id IN ({_FIRST_ITEMS})")
            + " AND parent_id IS NULL"
            + " ORDER BY item_id, position",
            params,
        )
        structure = structure_from_rows(
            plan, listing.pledges, listing.items, listing.departments, targets
        )
        if generation is not None:
            stored = self._stored_rules(plan.id, generation)
            if stored is not None:
                try:
                    structure.use_rule_columns(stored.rules)
                except ValueError:
                    pass  # not the same targets: made from them instead
        return structure


__all__ = ["PlanNotFound", "SqliteStatus"]
