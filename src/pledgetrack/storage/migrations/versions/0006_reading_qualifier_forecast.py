"""Approximate readings and forecasts: ``snapshot.qualifier`` and ``snapshot.forecast_done_by``.

- ``qualifier``: how a figure is approximate, a code of domain.qualifier.Qualifier
  (``approx`` 约, ``more`` 余, ``near`` 近, ``above`` 以上, ``over`` 超过), NULL for an
  exact figure;
- ``forecast_done_by``: the date a department expects the target done by
  ("预计10月底前全部完成"), NULL when none was given.

Both nullable, so existing readings stay exactly as they were. Plain ADD COLUMN, as in
0004 (a batch copy would drop ``snapshot``, which ``review`` refers to). The audit
triggers of 0004 are left alone: a reading's audit entry keeps its value, done, note
and who; the qualifier and forecast are in the (append-only) row itself.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("snapshot", sa.Column("qualifier", sa.String(length=10), nullable=True))
    op.add_column("snapshot", sa.Column("forecast_done_by", sa.Date(), nullable=True))


def downgrade() -> None:
    # DROP COLUMN in place (SQLite 3.35+), not a table copy, as in upgrade.
    op.execute("ALTER TABLE snapshot DROP COLUMN forecast_done_by")
    op.execute("ALTER TABLE snapshot DROP COLUMN qualifier")
