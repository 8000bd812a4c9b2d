"""What real lists say: flat lists, per-period targets, works progress.

- ``plan.flat``: the list numbers its items directly, with no 件 level. Storage keeps one
  pledge per item (as imports did before), but screens and reports show no 件 level and
  never count pledges for such a plan.
- ``target.per_period``: the target is an amount per period of its schedule ("计划二季度
  完成公益惠民演出20场"): a reading is the amount for its period, not a cumulative figure.
- ``snapshot.works_percent``: works progress (形象进度) of a count target that is not
  finished yet ("正在施工中(90%)", "已完成总工程量的85%"), 0–100, NULL when none was given.

All with defaults or nullable, so existing plans and readings stay exactly as they were.
Plain ADD COLUMN, as in 0004 and 0006 (a batch copy would drop ``snapshot``, which
``review`` refers to, and the triggers on it).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "plan", sa.Column("flat", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column(
        "target",
        sa.Column("per_period", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("snapshot", sa.Column("works_percent", sa.Float(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), not a table copy, as in upgrade.
    op.execute("ALTER TABLE snapshot DROP COLUMN works_percent")
    op.execute("ALTER TABLE target DROP COLUMN per_period")
    op.execute("ALTER TABLE plan DROP COLUMN flat")
