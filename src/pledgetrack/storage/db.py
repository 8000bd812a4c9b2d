"""Engine and sessions. SQLite is the embedded default; a URL points elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from pledgetrack.storage import tables as _tables  # noqa: F401  (registers the tables)


def normalise_url(url: str) -> str:
    """A plain ``postgresql://`` (or ``postgres://``) URL uses psycopg 3; others are unchanged."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


#: Seconds a command waits for a lock another program holds (the lock_wait setting).
DEFAULT_LOCK_WAIT = 30.0


def make_engine(url: str, *, echo: bool = False, lock_wait: float = DEFAULT_LOCK_WAIT) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys on and a busy timeout of *lock_wait*
    seconds; a ``postgresql://`` URL is opened with psycopg 3 and a lock_timeout of
    *lock_wait* seconds."""
    url = normalise_url(url)
    wait_ms = max(1, round(lock_wait * 1000))
    if url.startswith("sqlite"):
        engine = create_engine(url, echo=echo, connect_args={"timeout": lock_wait})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
            if ":memory:" not in url and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        return engine
    engine = create_engine(url, echo=echo, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _pg_lock_timeout(dbapi_conn, _record):
            with dbapi_conn.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = {wait_ms}")
            dbapi_conn.commit()  # a SET in a transaction rolled back would be undone

    return engine


def close_engine(engine: Engine) -> None:
    """Close the engine's connections; on SQLite first copy the write-ahead log into the
    database file and empty it, so the file alone holds every committed change (copying
    it is a backup). Another program reading at that moment keeps the log in use: then
    it is left for the last one to close, as SQLite does. Never raises: this runs after
    a command, whatever became of it."""
    try:
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                # Not waiting: a reader in the way is not worth holding the command up.
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except DBAPIError:  # read-only, damaged, busy: the log stays, nothing is lost
        pass
    finally:
        engine.dispose()


def create_schema(engine: Engine) -> None:
    """Bring the database to this program's schema through the shipped migrations."""
    from pledgetrack.storage.schema import upgrade

    upgrade(engine)


@contextmanager
def session_scope(engine: Engine, *, commit: bool = True) -> Iterator[Session]:
    """A short-lived session committed on success and rolled back on error.

    Without *commit* it is rolled back in any case: a dry run does everything a save
    does, the database's triggers included, and keeps none of it.
    """
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            if commit:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise


def server_checked_password(connection: Connection) -> bool:
    """PostgreSQL: whether the server asked this connection for its password (False when
    pg_hba.conf lets it in by ``trust``, or by ``peer`` or a certificate)."""
    raw = connection.connection.dbapi_connection
    return bool(getattr(getattr(raw, "pgconn", None), "used_password", False))


def encrypted_password(connection: Connection, login: str, password: str) -> str:
    """PostgreSQL: *password* of role *login* as the server stores it (a SCRAM verifier,
    by the server's ``password_encryption``), computed here by libpq: ``ALTER ROLE …
    PASSWORD`` then never sends the password itself (nor writes it to a server log)."""
    raw = connection.connection.dbapi_connection
    pgconn = raw.pgconn  # type: ignore[union-attr]
    return bytes(pgconn.encrypt_password(password.encode(), login.encode())).decode()
