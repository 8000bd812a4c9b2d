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

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

from pledgetrack.domain.errors import PlanNotFound
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.readings import LatestReadings
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
    PlanRow,
    as_date,
    no_plan_yet,
    no_such_plan,
    readings_from_rows,
    structure_from_rows,
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
WHERE t.plan_id = :plan
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
        WHERE t3.plan_id = :plan AND s3.as_of <= :on AND {_DECISION.format(s="s3")} = 'approved'
        GROUP BY s3.target_id) d ON s2.target_id = d.target_id AND s2.as_of = d.as_of
    WHERE {_DECISION.format(s="s2")} = 'approved'
    GROUP BY s2.target_id)
"""

_PER_PERIOD_TARGETS = "SELECT id FROM target WHERE plan_id = :plan AND per_period"


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

    def department_item_ids(self, plan_id: int, department: str) -> set[int]:
        rows = self.conn.execute(
            "SELECT l.item_id FROM itemdepartment l "
            "JOIN department d ON d.id = l.department_id JOIN item i ON i.id = l.item_id "
            "WHERE d.name = ? AND i.plan_id = ?",
            (department, plan_id),
        )
        return {item_id for (item_id,) in rows}

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
            "schedule, stages, per_period FROM target WHERE plan_id = ?",
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

    def latest_readings(self, plan_id: int, on: date, approved_only: bool) -> LatestReadings:
        """The latest reading of every target of the plan as of *on* (approved figures
        only, with *approved_only*); a per-period target's value is the total of its
        periods so far (as storage.latest.latest_readings)."""
        params = {"plan": plan_id, "on": on.isoformat()}
        sql = LATEST_APPROVED_SQL if approved_only else LATEST_SQL
        rows = self.conn.execute(sql, params).fetchall()

        def period_rows(_ids: list[int]) -> tuple[Any, Any]:
            approved = f" AND {_DECISION.format(s='s')} = 'approved'" if approved_only else ""
            schedules = self.conn.execute(
                f"SELECT id, deadline, schedule FROM target WHERE id IN ({_PER_PERIOD_TARGETS})",
                params,
            ).fetchall()
            history = self.conn.execute(
                "SELECT s.target_id, s.as_of, s.value FROM snapshot s "
                f"WHERE s.target_id IN ({_PER_PERIOD_TARGETS}) AND s.as_of <= :on{approved} "
                "ORDER BY s.target_id, s.as_of, s.id",
                params,
            ).fetchall()
            return schedules, history

        return readings_from_rows(rows, period_rows)

    def load_structure(self, plan: PlanRow) -> PlanStructure:
        """The plan's pledges, items, departments and targets (as
        storage.queries.load_structure), with the stored rule columns when current."""
        generation = self._generation()
        q = self.conn.execute
        pledges = q("SELECT id, no, title FROM pledge WHERE plan_id = ? ORDER BY no", (plan.id,))
        items = q(
            "SELECT id, no, title, pledge_id FROM item WHERE plan_id = ? ORDER BY no", (plan.id,)
        ).fetchall()
        departments = q(
            "SELECT l.item_id, d.name FROM itemdepartment l "
            "JOIN department d ON d.id = l.department_id JOIN item i ON i.id = l.item_id "
            "WHERE i.plan_id = ? ORDER BY l.item_id, l.position",
            (plan.id,),
        )
        targets = q(
            'SELECT id, "key", item_id, name, unit, note, kind, deadline, assessed, '
            "target_value, baseline, at_least, schedule, stages, per_period "
            "FROM target WHERE plan_id = ? ORDER BY item_id, position",
            (plan.id,),
        )
        structure = structure_from_rows(plan, pledges.fetchall(), items, departments, targets)
        if generation is not None:
            stored = self._stored_rules(plan.id, generation)
            if stored is not None:
                try:
                    structure.use_rule_columns(stored.rules)
                except ValueError:
                    pass  # not the same targets: made from them instead
        return structure


__all__ = ["PlanNotFound", "SqliteStatus"]
