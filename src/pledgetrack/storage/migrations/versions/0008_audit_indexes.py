"""Two audit indexes fewer: ``ix_audit_at`` and ``ix_audit_user`` are dropped.

Since 0004 the database writes an audit row for every reading, imports included, from a
trigger. Measured on SQLite (docs/PERFORMANCE.md, "Audit indexes"): inserting readings
with the three audit indexes took about 3× as long as with only ``ix_audit_target``, and
those two were the cost (keys that start with the same value on every row of an import:
its time and its user). No query of the program used them: ``audit --user`` matches
``user_login`` *or* ``acting_for`` and ``audit --since`` reads newest first by id, both
scans whatever the indexes (EXPLAIN QUERY PLAN: ``SCAN audit``). ``ix_audit_target``
stays: ``audit --target`` uses it.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_audit_user", table_name="audit")
    op.drop_index("ix_audit_at", table_name="audit")


def downgrade() -> None:
    op.create_index("ix_audit_at", "audit", ["at"])
    op.create_index("ix_audit_user", "audit", ["user_login", "at"])
