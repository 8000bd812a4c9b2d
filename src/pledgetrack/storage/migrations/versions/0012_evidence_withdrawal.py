"""Withdrawing an attached evidence file (佐证材料撤回): a wrong photo, the wrong month.

Evidence is append-only (0010), like readings, so a withdrawal is not a deletion but a
record of its own, ``evidence_withdrawal``: which attachment, why (required), who
withdrew it (``withdrawn_by``, as claimed: the user an admin acted for), who really
recorded it (``recorded_by``; on PostgreSQL stamped from ``session_user``) and when.
An attachment is withdrawn once. From then on the file is no longer listed, exported,
shown in the item history or counted as the figure's evidence; its content stays in the
database (a backup restores the same trail), and the audit says who withdrew what
(``evidence.withdraw``, written by the database's trigger, as attachments are).

Append-only in turn (a trigger refuses updates and deletes). On PostgreSQL everyone
reads it; a withdrawal is inserted by an admin, or by staff for a file on a reading of
their own department's target (who may attach may withdraw), withdrawn by themselves;
supervisors withdraw nothing (they return the figure instead).

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "evidence_withdrawal"
STAFF, SUPERVISOR, ADMIN = "pledgetrack_staff", "pledgetrack_supervisor", "pledgetrack_admin"

#: What the audit keeps of a withdrawal: why, and the attachment (its reading, file and
#: content), as ``evidence.attach`` kept it.
_AUDIT_STATE = (
    "'reason', NEW.reason, 'as_of', s.as_of, 'reading', s.id, 'file', e.file_name, "
    "'sha256', b.sha256, 'size', b.size, 'media_type', b.media_type, "
    "'attached_by', e.attached_by"
)
_AUDIT_FROM = (
    "FROM evidence e JOIN snapshot s ON s.id = e.snapshot_id "
    "JOIN target t ON t.id = s.target_id JOIN evidence_blob b ON b.id = e.blob_id "
    "WHERE e.id = NEW.evidence_id"
)


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("evidence_id", sa.Integer(), sa.ForeignKey("evidence.id"), nullable=False),
        sa.Column("reason", text(length=500), nullable=False),
        sa.Column("withdrawn_by", text(length=100), nullable=False),
        sa.Column("recorded_by", text(length=100), nullable=False),
        sa.Column("withdrawn_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("evidence_id", name="uq_evidence_withdrawal_evidence"),
    )
    if op.get_context().dialect.name == "postgresql":
        _postgresql()
        return
    op.execute(
        f"CREATE TRIGGER {TABLE}_audit AFTER INSERT ON {TABLE} BEGIN "
        "INSERT INTO audit (at, user_login, action, entity, entity_id, target_key, "
        "before, after, acting_for, db_user) SELECT NEW.withdrawn_at, NEW.recorded_by, "
        "'evidence.withdraw', 'evidence', NEW.evidence_id, t.key, NULL, "
        f"json_object({_AUDIT_STATE}), "
        "CASE WHEN NEW.withdrawn_by != NEW.recorded_by THEN NEW.withdrawn_by END, NULL "
        f"{_AUDIT_FROM}; END"
    )
    for event in ("update", "delete"):
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_{event} BEFORE {event.upper()} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only: rows are never "
            "changed or deleted'); END"
        )


def _postgresql() -> None:
    op.execute(
        f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION pledgetrack_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION pledgetrack_append_only()"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_stamp_withdrawal() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN IF pledgetrack_person() THEN NEW.recorded_by := session_user; "
        "NEW.withdrawn_at := now(); END IF; RETURN NEW; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_stamp BEFORE INSERT ON {TABLE} FOR EACH ROW "
        "EXECUTE FUNCTION pledgetrack_stamp_withdrawal()"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_audit_withdrawal() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN INSERT INTO audit (at, user_login, action, entity, entity_id, "
        "target_key, before, after, acting_for, db_user) SELECT NEW.withdrawn_at, "
        "NEW.recorded_by, 'evidence.withdraw', 'evidence', NEW.evidence_id, t.key, NULL, "
        f"jsonb_build_object({_AUDIT_STATE}), "
        "CASE WHEN NEW.withdrawn_by <> NEW.recorded_by THEN NEW.withdrawn_by END, "
        f"session_user {_AUDIT_FROM}; RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_audit AFTER INSERT ON {TABLE} FOR EACH ROW "
        "EXECUTE FUNCTION pledgetrack_audit_withdrawal()"
    )
    op.execute(f"GRANT SELECT ON {TABLE} TO {STAFF}, {SUPERVISOR}, {ADMIN}")
    op.execute(f"GRANT INSERT ON {TABLE} TO {STAFF}, {ADMIN}")
    op.execute(f"GRANT USAGE, SELECT ON {TABLE}_id_seq TO {STAFF}, {ADMIN}")
    op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY pledgetrack_read ON {TABLE} FOR SELECT USING (true)")
    op.execute(
        f"CREATE POLICY pledgetrack_withdraw ON {TABLE} FOR INSERT WITH CHECK ("
        "pledgetrack_my_role() = 'admin' OR (pledgetrack_my_role() = 'staff' "
        "AND withdrawn_by = session_user AND pledgetrack_may_enter("
        "(SELECT s.target_id FROM evidence e JOIN snapshot s ON s.id = e.snapshot_id "
        "WHERE e.id = evidence_id))))"
    )


def downgrade() -> None:
    op.drop_table(TABLE)
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_stamp_withdrawal()")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_audit_withdrawal()")
