"""A cache of each plan's target rules as columns, kept in step by triggers.

``rule_generation`` holds one number; a trigger raises it whenever a plan, an item or a
target is inserted, changed or deleted, by pledgetrack or by anything else writing to
the database. A cached copy (``rule_cache``) counts only while its generation is the
current one (storage/rule_cache.py).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel  # noqa: F401  (Alembic's template imports it in every revision)
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The tables whose changes make a cached copy of the rules stale.
WATCHED = ("plan", "item", "target")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.create_table(
        "rule_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO rule_generation (id, value) VALUES (1, 0)")
    op.create_table(
        "rule_cache",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"]),
        sa.PrimaryKeyConstraint("plan_id"),
    )
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION pledgetrack_rules_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN UPDATE rule_generation SET value = value + 1; RETURN NULL; END $$"
        )
        for table in WATCHED:
            # Once per statement: a plan import of 100k targets raises it once.
            op.execute(
                f"CREATE TRIGGER {table}_rules_changed AFTER INSERT OR UPDATE OR DELETE "
                f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                "EXECUTE FUNCTION pledgetrack_rules_changed()"
            )
        return
    # SQLite has row triggers only, one event each.
    for table in WATCHED:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_rules_{event.lower()} AFTER {event} ON {table} "
                "BEGIN UPDATE rule_generation SET value = value + 1; END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_rules_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS pledgetrack_rules_changed()")
    else:
        for table in WATCHED:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_rules_{event.lower()}")
    op.drop_table("rule_cache")
    op.drop_table("rule_generation")
