"""Opening the database: where it is, whether it is one, and whether its schema fits.

Every front end opens the database here, so a file that is not a database, a
directory given as the database, or a schema from another version of the program
is one clear sentence (DatabaseUnavailable, SchemaBehind, SchemaAhead) wherever
it is met, never an error from the driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pledgetrack.services.backup import SQLITE_MAGIC, sqlite_path
from pledgetrack.storage.db import create_schema, make_engine
from pledgetrack.storage.schema import check_schema, current_revision, head_revision, is_empty
from pledgetrack.storage.schema import upgrade as upgrade_schema


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened; the message says why, in one line."""


@dataclass(frozen=True)
class Revision:
    """The schema revision a database is at, and the one this program needs."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


def open_database(url: str, *, create: bool = False) -> Engine:
    """The database at *url*, at this program's schema.

    Only *create* (imports) may set up a new, empty database; a database whose
    schema is behind raises SchemaBehind naming ``pledgetrack db upgrade``, one
    made by a newer program SchemaAhead.
    """
    engine = _connect(url, must_exist=not create)
    with _driver_errors(engine):
        if create and is_empty(engine):
            create_schema(engine)
        check_schema(engine)
    return engine


def database_revision(url: str) -> Revision:
    """The schema revision of the database at *url* (None: not set up by pledgetrack)."""
    engine = _connect(url, must_exist=False)
    with _driver_errors(engine):
        return Revision(current_revision(engine), head_revision())


def upgrade_database(url: str) -> tuple[Revision, Revision]:
    """Migrate the database at *url* to this program's schema (creating it when empty);
    the revisions before and after."""
    engine = _connect(url, must_exist=False)
    with _driver_errors(engine):
        before = Revision(current_revision(engine), head_revision())
        upgrade_schema(engine)
        return before, Revision(current_revision(engine), before.head)


def program_revision() -> str:
    """The schema revision this program's code expects."""
    return head_revision()


def _connect(url: str, *, must_exist: bool) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path, must_exist=must_exist)
    return make_engine(url)


def _check_sqlite_file(path: Path, *, must_exist: bool) -> None:
    """Refuse what SQLite would fail on with a driver error (or silently create)."""
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a directory, not a database file")
    if not path.exists():
        if must_exist:
            raise DatabaseUnavailable(
                f"no database at {path}: import a plan first "
                "('pledgetrack import plan FILE') or pass --db"
            )
        if not path.parent.is_dir():
            raise DatabaseUnavailable(f"directory {path.parent} does not exist")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseUnavailable(f"cannot read {path}: {exc.strerror or exc}") from None
    if head and head != SQLITE_MAGIC:  # an empty file is a new, empty database
        raise DatabaseUnavailable(f"{path} is not a SQLite database")


@contextmanager
def _driver_errors(engine: Engine) -> Iterator[None]:
    """Turn a driver error (cannot connect, not a database, locked) into one line."""
    try:
        yield
    except DBAPIError as exc:
        shown = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(f"cannot open the database {shown}: {exc.orig}") from None
