"""A SQLite database file before anything is read from it: is it one, and is it whole.

Shared by the SQLAlchemy opening (services.database) and the status read with the
standard library's sqlite3 alone (storage.sqlite_status), so both refuse the same files
with the same sentence. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

#: The first 16 bytes of every SQLite database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: How many problems a check lists before it stops.
PROBLEMS_SHOWN = 20
#: SQLITE_CORRUPT and SQLITE_NOTADB: the file is too damaged for the check to run.
DAMAGED_CODES = {11, 26}


class DatabaseUnavailable(RuntimeError):
    """The database cannot be opened; the message says why, in one line."""


class DatabaseDamaged(DatabaseUnavailable):
    """SQLite's check found the file damaged; nothing is read from it or written to it."""


def plain_sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///PATH`` URL (what ``--db FILE`` and the default
    database give); None for anything else — another engine, a driver named in the
    scheme, query parameters, escapes, an in-memory database — which SQLAlchemy opens."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or any(c in url for c in "?%#"):
        return None
    path = url[len(prefix) :]
    if not path or path == ":memory:":
        return None
    return Path(path)


def check_sqlite_file(path: Path, *, must_exist: bool) -> None:
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


def damaged(label: str, problems: list[str]) -> DatabaseDamaged:
    """The refusal of a file SQLite's quick_check found *problems* in."""
    more = f"; {len(problems) - 1} more" if len(problems) > 1 else ""
    return DatabaseDamaged(
        f"the database {label} is damaged (SQLite's quick_check: "
        f"{problems[0]}{more}): nothing was read or written; run 'pledgetrack db check', "
        "then restore a backup"
    )


def check_findings(rows: list[tuple[object, ...]]) -> list[str]:
    """The problems a ``PRAGMA quick_check`` / ``integrity_check`` listed (empty: whole).
    SQLite may put several findings in one row, a line each, under a heading line naming
    the schema ("*** in database main ***")."""
    found = [
        line
        for row in rows
        for line in str(row[0]).splitlines()
        if line.strip() and not line.startswith("*** in database")
    ]
    return [] if found == ["ok"] else found


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """What SQLite's ``quick_check`` finds wrong with the file of *conn* (empty: nothing);
    a file too damaged to check is one problem, SQLite's reason."""
    try:
        rows = conn.execute(f"PRAGMA quick_check({PROBLEMS_SHOWN})").fetchall()
    except sqlite3.DatabaseError as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF not in DAMAGED_CODES:
            raise  # locked, unreadable …: not a finding about the pages
        return [str(exc)]
    return check_findings(rows)
