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

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pledgetrack.domain.errors import SchemaAhead
from pledgetrack.services.backup import sqlite_path
from pledgetrack.services.faults import database_label, explain
from pledgetrack.storage.check_record import file_identity, known_whole, note_whole
from pledgetrack.storage.db import DEFAULT_LOCK_WAIT, close_engine, create_schema, make_engine
from pledgetrack.storage.integrity import PROBLEMS_SHOWN, integrity_problems
from pledgetrack.storage.schema import (
    check_schema,
    current_revision,
    head_revision,
    is_empty,
    revisions,
)
from pledgetrack.storage.schema import upgrade as upgrade_schema
from pledgetrack.storage.sqlite_file import (
    DatabaseDamaged,  # noqa: F401  (raised here; callers catch it from this module)
    DatabaseUnavailable,
    check_sqlite_file,
    damaged,
)


@dataclass(frozen=True)
class Revision:
    """The schema revision a database is at, and the one this program needs."""

    current: str | None
    head: str

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def ahead(self) -> bool:
        """Set by a newer pledgetrack: a revision this program does not know."""
        return self.current is not None and self.current not in revisions()

    def state(self) -> str:
        """Where the schema stands, for a person."""
        if self.up_to_date:
            return "up to date"
        if self.ahead:
            return "newer than this program: upgrade pledgetrack"
        return "behind: run 'pledgetrack db upgrade'"


@dataclass(frozen=True)
class Health:
    """What ``pledgetrack db check`` found."""

    database: str
    engine: str
    #: SQLite's integrity_check findings; empty when the file is whole (or not SQLite).
    problems: list[str]
    revision: Revision | None

    def findings(self) -> str:
        """How many problems the check listed, for a person."""
        n = len(self.problems)
        if n >= PROBLEMS_SHOWN:
            return f"{n} problems or more (the first {n} are listed)"
        return "1 problem (listed)" if n == 1 else f"{n} problems (listed)"


def open_database(
    url: str, *, create: bool = False, lock_wait: float = DEFAULT_LOCK_WAIT
) -> Engine:
    """The database at *url*, at this program's schema, checked whole.

    Only *create* (imports) may set up a new, empty database; a database whose
    schema is behind raises SchemaBehind naming ``pledgetrack db upgrade``, one
    made by a newer program SchemaAhead; a SQLite file its quick_check finds damaged
    DatabaseDamaged, before anything is read from it or written to it. A lock held
    longer than *lock_wait* seconds, later, is a driver error :func:`explain` words.
    """
    engine = _connect(url, must_exist=not create, lock_wait=lock_wait)
    with _driver_errors(engine, lock_wait):
        _refuse_damaged(engine, url)
        if create and is_empty(engine):
            create_schema(engine)
        check_schema(engine)
    return engine


def _refuse_damaged(engine: Engine, url: str) -> None:
    """Raise DatabaseDamaged when SQLite's quick_check finds the file damaged. A large
    file found whole before and not written to since (by any program) is not read
    again (storage.check_record says when, and what that gives up)."""
    path = sqlite_path(url)
    if path is not None and known_whole(path):
        return
    identity = file_identity(path) if path is not None else None
    problems = integrity_problems(engine)
    if not problems:
        if path is not None:
            note_whole(path, identity)
        return
    close_engine(engine)
    raise damaged(database_label(url), problems)


def close_database(engine: Engine) -> None:
    """Close *engine*; on SQLite the file alone then holds every committed change."""
    close_engine(engine)


def database_revision(url: str) -> Revision:
    """The schema revision of the database at *url* (None: not set up by pledgetrack)."""
    engine = _connect(url, must_exist=False)
    try:
        with _driver_errors(engine):
            return Revision(current_revision(engine), head_revision())
    finally:
        close_engine(engine)


def check_database(url: str) -> Health:
    """SQLite's integrity_check of the database file, and its schema revision (None when
    the file is too damaged to read it)."""
    engine = _connect(url, must_exist=True)
    try:
        with _driver_errors(engine):
            problems = integrity_problems(engine, thorough=True)
            revision = None if problems else Revision(current_revision(engine), head_revision())
        return Health(database_label(url), engine.dialect.name, problems, revision)
    finally:
        close_engine(engine)


def upgrade_database(url: str) -> tuple[Revision, Revision]:
    """Migrate the database at *url* to this program's schema (creating it when empty);
    the revisions before and after. A schema from a newer program is refused untouched."""
    engine = _connect(url, must_exist=False)
    try:
        with _driver_errors(engine):
            _refuse_damaged(engine, url)
            before = Revision(current_revision(engine), head_revision())
            if before.ahead:
                raise SchemaAhead(
                    f"the database schema {before.current} is newer than this program "
                    f"({before.head}): nothing was changed; upgrade pledgetrack instead"
                )
            upgrade_schema(engine)
            return before, Revision(current_revision(engine), before.head)
    finally:
        close_engine(engine)


def program_revision() -> str:
    """The schema revision this program's code expects."""
    return head_revision()


def _connect(url: str, *, must_exist: bool, lock_wait: float = DEFAULT_LOCK_WAIT) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        check_sqlite_file(path, must_exist=must_exist)
    return make_engine(url, lock_wait=lock_wait)


@contextmanager
def _driver_errors(engine: Engine, lock_wait: float = DEFAULT_LOCK_WAIT) -> Iterator[None]:
    """Turn a driver error (cannot connect, not a database, locked) into one line."""
    try:
        yield
    except DBAPIError as exc:
        close_engine(engine)
        url = engine.url.render_as_string(hide_password=False)
        raise DatabaseUnavailable(explain(exc, url=url, lock_wait=lock_wait)) from None
