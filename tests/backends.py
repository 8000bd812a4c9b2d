"""Databases for tests: SQLite files, and PostgreSQL schemas when a server is configured.

PLEDGETRACK_TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
enables the PostgreSQL half of the tests that name both engines; with
PLEDGETRACK_TEST_BACKEND=postgresql every database fixture of the suite is
PostgreSQL (`.ci/run` runs the suite both ways). Each test gets its own schema,
dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

from pledgetrack.config import sqlite_url
from pledgetrack.storage.db import make_engine

PG_URL = os.environ.get("PLEDGETRACK_TEST_DATABASE_URL", "")
DEFAULT_BACKEND = os.environ.get("PLEDGETRACK_TEST_BACKEND", "sqlite")
NO_PG = "PLEDGETRACK_TEST_DATABASE_URL is not set: PostgreSQL half skipped"

if DEFAULT_BACKEND not in ("sqlite", "postgresql"):  # pragma: no cover
    raise RuntimeError(
        f"PLEDGETRACK_TEST_BACKEND must be sqlite or postgresql, not {DEFAULT_BACKEND}"
    )
if DEFAULT_BACKEND == "postgresql" and not PG_URL:  # pragma: no cover
    raise RuntimeError("PLEDGETRACK_TEST_BACKEND=postgresql needs PLEDGETRACK_TEST_DATABASE_URL")


def pg_url() -> str:
    """The server URL with the psycopg 3 driver."""
    url = make_url(PG_URL)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@contextmanager
def pg_schema_url() -> Iterator[str]:
    """A URL whose connections live in a fresh schema, dropped on exit."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_url()).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@contextmanager
def database_url(backend: str, tmp_path: Path, name: str = "test.sqlite") -> Iterator[str]:
    """A URL of an empty database on *backend*."""
    if backend == "postgresql":
        if not PG_URL:
            pytest.skip(NO_PG)
        with pg_schema_url() as url:
            yield url
    else:
        yield sqlite_url(tmp_path / name)


@contextmanager
def empty_database(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty database (no schema yet)."""
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


BOTH = pytest.mark.parametrize("backend", ["sqlite", "postgresql"])


def drop_append_only_triggers(conn: Connection) -> None:
    """What the schema's owner can do (docs/SECURITY.md): drop the triggers that keep
    readings, reviews and the audit append-only — for tests that tamper by hand."""
    for table in ("snapshot", "review", "audit"):
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
        else:
            for event in ("update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{event}"))
