"""Targets split to units (任务分解): districts, streets or any named level.

"新建幼儿园50所" is 8 in 市南区, 6 in 市北区 …: each unit has its own figure and its own
readings, entered by that unit's staff.

- ``department.level``: what kind of unit a department is (区市, 街道 …), NULL for an
  ordinary responsible department. A unit *is* a department: its staff already belong to
  it through ``app_user.department_id``, so who may enter what reuses services/access.py
  and the PostgreSQL row policies instead of a second permission model.
- ``target.parent_id`` / ``target.unit_id``: a unit's share is a child row of the
  target table (same plan and item, key ``<parent key>/<unit>``). Its readings are
  ordinary snapshots, so corrections, reviews, audit, history and time travel need no
  new code. Every listing of a plan's targets takes ``parent_id IS NULL`` only: a
  share is never counted as a target of its item.
- ``target.rollup`` on a split target: ``sum`` (counts: the target's reading is the sum
  of its units' latest readings) or ``own`` (rates and milestones: the target keeps its
  own reading; the units' are shown beside it). NULL: not split.

A ``sum`` target's reading is *materialised*: when a unit's reading is saved, the
service writes the target's total as of that date (and of each later date a unit
reported) in the same transaction, as an ordinary snapshot (a correction when the date
already had one). Chosen over summing at read time because every read path — the
SQLite status fast path, the session path, the rule columns, reports, exports, the TUI —
then reads the target as before, time travel included, at no cost to a province's
status; the price is one more row per unit save, and a total entered by hand would be
overwritten by the next unit save (the services refuse entering a ``sum`` target).

PostgreSQL: ``pledgetrack_may_enter`` now says a share is entered by its unit's staff
(not the item's departments), and a ``sum`` target's total by the staff of any of its
units (whose save writes it).

Plain ADD COLUMN (nullable, so every existing row stays as it was), as in 0007.
Self-contained: it reads nothing another migration of the same number adds.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MAY_ENTER_0005 = (
    "SELECT EXISTS (SELECT 1 FROM target t JOIN itemdepartment d ON d.item_id = t.item_id "
    "JOIN app_user u ON u.department_id = d.department_id "
    "WHERE t.id = target AND u.login = session_user AND u.active)"
)

#: A share: its unit's staff. A sum target: the staff of any of its units. Any other
#: target: the staff of its item's departments (as 0005).
_MAY_ENTER_0011 = (
    "SELECT EXISTS (SELECT 1 FROM target t JOIN app_user u ON u.login = session_user "
    "AND u.active WHERE t.id = target AND ("
    "(t.unit_id IS NOT NULL AND u.department_id = t.unit_id) "
    "OR (t.unit_id IS NULL AND EXISTS (SELECT 1 FROM itemdepartment d "
    "WHERE d.item_id = t.item_id AND d.department_id = u.department_id)) "
    "OR (t.rollup = 'sum' AND EXISTS (SELECT 1 FROM target c "
    "WHERE c.parent_id = t.id AND c.unit_id = u.department_id))))"
)


def _may_enter(body: str) -> None:
    schema = op.get_bind().exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(
        "CREATE OR REPLACE FUNCTION pledgetrack_may_enter(target integer) RETURNS boolean "
        f'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = "{schema}", pg_temp '
        f"AS $$ {body} $$"
    )


def upgrade() -> None:
    # Inline REFERENCES: the same statement on both engines (SQLite cannot add a foreign
    # key to an existing table any other way without copying it).
    op.execute("ALTER TABLE department ADD COLUMN level VARCHAR(20)")
    op.execute("ALTER TABLE target ADD COLUMN parent_id INTEGER REFERENCES target (id)")
    op.execute("ALTER TABLE target ADD COLUMN unit_id INTEGER REFERENCES department (id)")
    op.execute("ALTER TABLE target ADD COLUMN rollup VARCHAR(10)")
    op.create_index("ix_target_parent_id", "target", ["parent_id"])
    if op.get_context().dialect.name == "postgresql":
        _may_enter(_MAY_ENTER_0011)


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        _may_enter(_MAY_ENTER_0005)
    op.drop_index("ix_target_parent_id", table_name="target")
    op.execute("ALTER TABLE target DROP COLUMN rollup")
    op.execute("ALTER TABLE target DROP COLUMN unit_id")
    op.execute("ALTER TABLE target DROP COLUMN parent_id")
    op.execute("ALTER TABLE department DROP COLUMN level")
