"""Evidence with every figure (佐证材料): files attached to readings, stored in the database.

- ``evidence_blob``: one row per distinct content (photos, PDFs, scans, office documents),
  keyed by its SHA-256: the same file attached to ten readings is stored once. Its size
  and media type (sniffed from the content, else the file name) beside it. On
  PostgreSQL a check constraint holds ``sha256`` and ``size`` to the content itself.
- ``evidence``: a reading ↔ blob link with the file name as given, who attached it
  (``attached_by``, as claimed: the user an admin acted for), who really stored it
  (``recorded_by``; on PostgreSQL stamped from ``session_user`` by a trigger) and when.
  A content is linked to a reading once.

Both are append-only, like readings (a trigger refuses updates and deletes), and each
link is audited by the database (``evidence.attach``, an ``AFTER INSERT`` trigger as
for readings in 0004): a file attached by any program is in the trail. On
PostgreSQL (see 0005) everyone reads them; staff and admins insert blobs; a link is
inserted by an admin, or by staff for a reading of their own department's target,
attached by themselves; supervisors attach nothing.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("evidence_blob", "evidence")
STAFF, SUPERVISOR, ADMIN = "pledgetrack_staff", "pledgetrack_supervisor", "pledgetrack_admin"


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "evidence_blob",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", text(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("media_type", text(length=100), nullable=False),
        sa.Column("stored_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("sha256"),
    )
    op.create_table(
        "evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("snapshot_id", sa.Integer(), sa.ForeignKey("snapshot.id"), nullable=False),
        sa.Column("blob_id", sa.Integer(), sa.ForeignKey("evidence_blob.id"), nullable=False),
        sa.Column("file_name", text(length=255), nullable=False),
        sa.Column("attached_by", text(length=100), nullable=False),
        sa.Column("recorded_by", text(length=100), nullable=False),
        sa.Column("attached_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("snapshot_id", "blob_id", name="uq_evidence_snapshot_blob"),
    )
    op.create_index("ix_evidence_snapshot", "evidence", ["snapshot_id", "id"])
    op.create_index("ix_evidence_blob_id", "evidence", ["blob_id"])
    if op.get_context().dialect.name == "postgresql":
        _postgresql()
    else:
        op.execute(
            "CREATE TRIGGER evidence_audit AFTER INSERT ON evidence BEGIN "
            "INSERT INTO audit (at, user_login, action, entity, entity_id, target_key, "
            "before, after, acting_for, db_user) SELECT NEW.attached_at, NEW.recorded_by, "
            "'evidence.attach', 'evidence', NEW.id, t.key, NULL, json_object("
            f"{_AUDIT_STATE}), "
            "CASE WHEN NEW.attached_by != NEW.recorded_by THEN NEW.attached_by END, NULL "
            f"{_AUDIT_FROM}; END"
        )
        for table in TABLES:
            for event in ("update", "delete"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event} BEFORE {event.upper()} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: rows are never "
                    "changed or deleted'); END"
                )


#: What the audit keeps of an attachment, from the link (NEW), its reading and its blob.
_AUDIT_STATE = (
    "'as_of', s.as_of, 'reading', s.id, 'file', NEW.file_name, 'sha256', b.sha256, "
    "'size', b.size, 'media_type', b.media_type"
)
_AUDIT_FROM = (
    "FROM snapshot s JOIN target t ON t.id = s.target_id, evidence_blob b "
    "WHERE s.id = NEW.snapshot_id AND b.id = NEW.blob_id"
)


def _postgresql() -> None:
    op.execute(
        "ALTER TABLE evidence_blob ADD CONSTRAINT ck_evidence_blob_content CHECK "
        "(sha256 = encode(sha256(content), 'hex') AND size = octet_length(content))"
    )
    # Append-only (0004's function) and stamped like readings: who stored it, when.
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION pledgetrack_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION pledgetrack_append_only()"
        )
    op.execute(
        "CREATE FUNCTION pledgetrack_stamp_evidence() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF pledgetrack_person() THEN NEW.recorded_by := session_user; "
        "NEW.attached_at := now(); END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER evidence_stamp BEFORE INSERT ON evidence FOR EACH ROW "
        "EXECUTE FUNCTION pledgetrack_stamp_evidence()"
    )
    op.execute(
        "CREATE FUNCTION pledgetrack_audit_evidence() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN INSERT INTO audit (at, user_login, action, entity, entity_id, target_key, "
        "before, after, acting_for, db_user) SELECT NEW.attached_at, NEW.recorded_by, "
        "'evidence.attach', 'evidence', NEW.id, t.key, NULL, "
        f"jsonb_build_object({_AUDIT_STATE}), "
        "CASE WHEN NEW.attached_by <> NEW.recorded_by THEN NEW.attached_by END, session_user "
        f"{_AUDIT_FROM}; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER evidence_audit AFTER INSERT ON evidence FOR EACH ROW "
        "EXECUTE FUNCTION pledgetrack_audit_evidence()"
    )
    everyone = f"{STAFF}, {SUPERVISOR}, {ADMIN}"
    op.execute(f"GRANT SELECT ON evidence_blob, evidence TO {everyone}")
    op.execute(f"GRANT INSERT ON evidence_blob, evidence TO {STAFF}, {ADMIN}")
    op.execute(f"GRANT USAGE, SELECT ON evidence_blob_id_seq, evidence_id_seq TO {everyone}")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY pledgetrack_read ON {table} FOR SELECT USING (true)")
    op.execute(
        "CREATE POLICY pledgetrack_store ON evidence_blob FOR INSERT "
        "WITH CHECK (pledgetrack_my_role() IN ('staff', 'admin'))"
    )
    op.execute(
        "CREATE POLICY pledgetrack_attach ON evidence FOR INSERT WITH CHECK ("
        "pledgetrack_my_role() = 'admin' OR (pledgetrack_my_role() = 'staff' "
        "AND attached_by = session_user AND pledgetrack_may_enter("
        "(SELECT s.target_id FROM snapshot s WHERE s.id = snapshot_id))))"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TABLE evidence")
        op.execute("DROP TABLE evidence_blob")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_stamp_evidence()")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_audit_evidence()")
        return
    op.drop_index("ix_evidence_blob_id", table_name="evidence")
    op.drop_index("ix_evidence_snapshot", table_name="evidence")
    op.drop_table("evidence")
    op.drop_table("evidence_blob")
