"""Every write attributed truly, and audited by the database itself.

- ``snapshot.recorded_by`` / ``recorded_at``: who really stored a reading and when,
  beside ``entered_by`` / ``entered_at`` (what an imported file claims, or the user an
  admin acted for). ``review.recorded_by`` likewise beside ``reviewed_by``.
- ``audit.acting_for`` (the user an admin acted for, or whom an imported row names) and
  ``audit.db_user`` (the database login that wrote the row; on PostgreSQL set by a
  trigger from ``session_user``, so it cannot be claimed).
- The audit entries of readings (``snapshot.add``, ``snapshot.correct``) and reviews
  (``review.approve``, ``review.return``) are written by triggers, in the transaction of
  the insert: a reading stored by any program, ``psql`` or ``sqlite3`` included, is in
  the trail. Readings, reviews and the trail are append-only: updating or deleting a
  row is refused by a trigger (the schema's owner can drop triggers; see
  docs/SECURITY.md).

Existing rows keep everything: ``recorded_by``/``recorded_at`` are filled from
``entered_by``/``entered_at`` (and ``reviewed_by``), which is all an older database knew.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("snapshot", "review", "audit")


def upgrade() -> None:
    # Plain ADD COLUMN (no table copy: SQLite would have to drop ``snapshot``, which
    # ``review`` refers to).
    def recorded_by() -> sa.Column[str]:
        return sa.Column("recorded_by", sa.String(length=100), nullable=False, server_default="")

    op.add_column("snapshot", recorded_by())
    op.add_column("snapshot", sa.Column("recorded_at", UTCDateTime(), nullable=True))
    op.add_column("review", recorded_by())
    op.add_column("audit", sa.Column("acting_for", sa.String(length=100), nullable=True))
    op.add_column("audit", sa.Column("db_user", sa.String(length=100), nullable=True))
    op.execute("UPDATE snapshot SET recorded_by = entered_by, recorded_at = entered_at")
    op.execute("UPDATE review SET recorded_by = reviewed_by")
    if op.get_context().dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS snapshot_audit ON snapshot")
        op.execute("DROP TRIGGER IF EXISTS review_audit ON review")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_audit_snapshot()")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_audit_review()")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_append_only()")
    else:
        for name in ("snapshot_audit_add", "snapshot_audit_correct", "review_audit"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    # DROP COLUMN in place (SQLite 3.35+), not a table copy, as in upgrade.
    for table, column in (
        ("audit", "db_user"),
        ("audit", "acting_for"),
        ("review", "recorded_by"),
        ("snapshot", "recorded_at"),
        ("snapshot", "recorded_by"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


# ---- SQLite ---------------------------------------------------------------------


def _sqlite_state(row: str) -> str:
    """A reading's state as the JSON object the audit keeps (as services.progress did)."""
    return (
        f"json_object('as_of', {row}.as_of, 'value', {row}.value, 'done', "
        f"CASE {row}.done WHEN 1 THEN json('true') WHEN 0 THEN json('false') END, "
        f"'note', coalesce({row}.note, ''), 'entered_by', coalesce({row}.entered_by, ''))"
    )


_SQLITE_AUDIT_ROW = (
    "INSERT INTO audit (at, user_login, action, entity, entity_id, target_key, before, "
    "after, acting_for, db_user) VALUES ("
)


def _sqlite_triggers() -> None:
    acting_for = (
        "CASE WHEN NEW.entered_by != '' AND NEW.entered_by != NEW.recorded_by "
        "THEN NEW.entered_by END"
    )
    key = "(SELECT key FROM target WHERE target.id = NEW.target_id)"
    at = "coalesce(NEW.recorded_at, NEW.entered_at)"
    op.execute(
        "CREATE TRIGGER snapshot_audit_add AFTER INSERT ON snapshot "
        "WHEN NEW.supersedes_id IS NULL BEGIN "
        f"{_SQLITE_AUDIT_ROW}{at}, NEW.recorded_by, 'snapshot.add', 'snapshot', NEW.id, "
        f"{key}, NULL, {_sqlite_state('NEW')}, {acting_for}, NULL); END"
    )
    op.execute(
        "CREATE TRIGGER snapshot_audit_correct AFTER INSERT ON snapshot "
        "WHEN NEW.supersedes_id IS NOT NULL BEGIN "
        f"{_SQLITE_AUDIT_ROW}{at}, NEW.recorded_by, 'snapshot.correct', 'snapshot', NEW.id, "
        f"{key}, (SELECT json_set({_sqlite_state('prior')}, '$.id', prior.id) FROM snapshot prior "
        "WHERE prior.id = NEW.supersedes_id), "
        f"json_set({_sqlite_state('NEW')}, '$.id', NEW.id), {acting_for}, NULL); END"
    )
    previous = (
        "(SELECT {col} FROM review p WHERE p.snapshot_id = NEW.snapshot_id AND p.id < NEW.id "
        "ORDER BY p.id DESC LIMIT 1)"
    )
    state = (
        "'as_of', s.as_of, 'value', s.value, 'done', "
        "CASE s.done WHEN 1 THEN json('true') WHEN 0 THEN json('false') END, "
        "'note', coalesce(s.note, '')"
    )
    op.execute(
        "CREATE TRIGGER review_audit AFTER INSERT ON review BEGIN "
        f"{_SQLITE_AUDIT_ROW}NEW.reviewed_at, NEW.recorded_by, "
        "CASE NEW.decision WHEN 'approved' THEN 'review.approve' ELSE 'review.return' END, "
        "'snapshot', NEW.snapshot_id, "
        "(SELECT t.key FROM snapshot s JOIN target t ON t.id = s.target_id "
        "WHERE s.id = NEW.snapshot_id), "
        f"(SELECT json_object({state}, "
        f"'review', coalesce({previous.format(col='decision')}, 'submitted'), "
        f"'comment', coalesce({previous.format(col='comment')}, '')) "
        "FROM snapshot s WHERE s.id = NEW.snapshot_id), "
        f"(SELECT json_object({state}, 'review', NEW.decision, 'comment', NEW.comment) "
        "FROM snapshot s WHERE s.id = NEW.snapshot_id), "
        "CASE WHEN NEW.reviewed_by != NEW.recorded_by THEN NEW.reviewed_by END, "
        "NULL); END"
    )
    for table in APPEND_ONLY:
        for event in ("update", "delete"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} BEGIN "
                f"SELECT RAISE(ABORT, '{table} is append-only: rows are never changed or "
                "deleted'); END"
            )


# ---- PostgreSQL -----------------------------------------------------------------


def _pg_state(row: str) -> str:
    return (
        f"jsonb_build_object('as_of', {row}.as_of, 'value', {row}.value, 'done', {row}.done, "
        f"'note', coalesce({row}.note, ''), 'entered_by', coalesce({row}.entered_by, ''))"
    )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION pledgetrack_audit_snapshot() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE before_state jsonb; BEGIN "
        "IF NEW.supersedes_id IS NOT NULL THEN "
        f"  SELECT {_pg_state('prior')} || jsonb_build_object('id', prior.id) INTO before_state "
        "  FROM snapshot prior WHERE prior.id = NEW.supersedes_id; "
        "END IF; "
        "INSERT INTO audit (at, user_login, action, entity, entity_id, target_key, before, "
        "after, acting_for, db_user) VALUES ("
        "  coalesce(NEW.recorded_at, NEW.entered_at), NEW.recorded_by, "
        "  CASE WHEN NEW.supersedes_id IS NULL THEN 'snapshot.add' ELSE 'snapshot.correct' END, "
        "  'snapshot', NEW.id, (SELECT key FROM target WHERE target.id = NEW.target_id), "
        "  before_state, "
        f"  CASE WHEN NEW.supersedes_id IS NULL THEN {_pg_state('NEW')} "
        f"  ELSE {_pg_state('NEW')} || jsonb_build_object('id', NEW.id) END, "
        "  CASE WHEN NEW.entered_by <> '' AND NEW.entered_by <> NEW.recorded_by "
        "  THEN NEW.entered_by END, session_user); "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER snapshot_audit AFTER INSERT ON snapshot FOR EACH ROW "
        "EXECUTE FUNCTION pledgetrack_audit_snapshot()"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_audit_review() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE state jsonb; previous review%ROWTYPE; key text; BEGIN "
        "SELECT jsonb_build_object('as_of', s.as_of, 'value', s.value, 'done', s.done, "
        "  'note', coalesce(s.note, '')), t.key INTO state, key "
        "  FROM snapshot s JOIN target t ON t.id = s.target_id WHERE s.id = NEW.snapshot_id; "
        "SELECT * INTO previous FROM review p WHERE p.snapshot_id = NEW.snapshot_id "
        "  AND p.id < NEW.id ORDER BY p.id DESC LIMIT 1; "
        "INSERT INTO audit (at, user_login, action, entity, entity_id, target_key, before, "
        "after, acting_for, db_user) VALUES ("
        "  NEW.reviewed_at, NEW.recorded_by, "
        "  CASE NEW.decision WHEN 'approved' THEN 'review.approve' ELSE 'review.return' END, "
        "  'snapshot', NEW.snapshot_id, key, "
        "  state || jsonb_build_object('review', coalesce(previous.decision, 'submitted'), "
        "    'comment', coalesce(previous.comment, '')), "
        "  state || jsonb_build_object('review', NEW.decision, 'comment', NEW.comment), "
        "  CASE WHEN NEW.reviewed_by <> NEW.recorded_by THEN NEW.reviewed_by END, "
        "  session_user); "
        "RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER review_audit AFTER INSERT ON review FOR EACH ROW "
        "EXECUTE FUNCTION pledgetrack_audit_review()"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% is append-only: rows are never changed or deleted', "
        "TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pledgetrack_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION pledgetrack_append_only()"
        )
