"""Logins: a password hash for SQLite users, and the login attempts.

- ``app_user.password_hash``: the Argon2id hash (argon2-cffi's PasswordHasher, salt and
  parameters inside the string) of a SQLite user's login password, set by ``pledgetrack
  user set-password``; NULL: no password, the user cannot log in with ``--login``. On
  PostgreSQL it stays NULL: people log in with their own database login and password,
  which the server checks.
- ``login_attempt``: one row per login tried with ``pledgetrack --login`` (the name as
  typed, when, whether it succeeded, and why not), so the limit on failed logins holds
  across every app process on one database (services/login.py). Never a password.
  On PostgreSQL no group role is granted anything on it: only the owner's connection (the
  server's configured URL, which runs the login screen) reads and writes it, so a person
  can neither clear their own failures nor read who tried what.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, as in 0007 (a batch copy of app_user would lose its policies).
    op.add_column(
        "app_user",
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    )
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    )
    op.create_index("ix_login_attempt_login", "login_attempt", ["login", "at"])


def downgrade() -> None:
    op.drop_index("ix_login_attempt_login", table_name="login_attempt")
    op.drop_table("login_attempt")
    op.execute("ALTER TABLE app_user DROP COLUMN password_hash")
