"""What went wrong with the database or the disk, said in one line.

A driver error (SQLite's ``database is locked``, psycopg's ``terminating connection
due to administrator command``) or an OSError met anywhere in a command is turned
here into one sentence naming the database and what to do; every front end asks
:func:`explain` instead of showing the driver's text (or a traceback).

Each write of pledgetrack is one transaction, so whatever the fault, a write it
interrupted is rolled back: the messages say so.
"""

from __future__ import annotations

import errno
import sqlite3

from pledgetrack.storage.sqlite_file import plain_sqlite_file

#: SQLite primary result codes (sqlite3.h) a command can meet.
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_READONLY, _SQLITE_IOERR = 5, 6, 8, 10
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_CANTOPEN, _SQLITE_NOTADB = 11, 13, 14, 26

#: The same faults by the words of SQLite's message, for an error without a code.
_SQLITE_WORDS = {
    "database is locked": _SQLITE_BUSY,
    "database table is locked": _SQLITE_LOCKED,
    "readonly database": _SQLITE_READONLY,
    "disk i/o error": _SQLITE_IOERR,
    "malformed": _SQLITE_CORRUPT,
    "database or disk is full": _SQLITE_FULL,
    "unable to open database file": _SQLITE_CANTOPEN,
    "not a database": _SQLITE_NOTADB,
}

#: PostgreSQL SQLSTATEs (classes by their first two characters).
_PG_LOCKED = {"55P03", "40P01"}  # lock_not_available (lock_timeout), deadlock_detected
_PG_DISK_FULL = {"53100"}
_PG_READ_ONLY = {"25006"}
_PG_GONE = {"57P01", "57P02", "57P03"}  # admin / crash shutdown, cannot connect now

NOT_SAVED = "nothing of this command was saved"


def database_label(url: str) -> str:
    """The database as a person would name it: a SQLite file's path, else the URL without
    its password."""
    path = plain_sqlite_file(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    from pledgetrack.storage.db import normalise_url

    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.set(drivername=parsed.get_backend_name()).render_as_string(hide_password=True)


def explain(exc: BaseException, *, url: str, lock_wait: float) -> str | None:
    """One line for a database or disk fault *exc*, or None when it is not one."""
    where = database_label(url)
    if isinstance(exc, sqlite3.Error):  # read with the standard library (a status)
        return _driver_fault(exc, where, lock_wait, statement=True, invalidated=False)
    from sqlalchemy.exc import DBAPIError

    if isinstance(exc, DBAPIError):
        return _driver_fault(
            exc.orig if exc.orig is not None else exc,
            where,
            lock_wait,
            statement=exc.statement is not None,
            invalidated=exc.connection_invalidated,
        )
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        name = f" writing {exc.filename}" if exc.filename else ""
        return f"the disk is full{name}: {NOT_SAVED}; free some space and run it again"
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        name = f" {exc.filename}" if exc.filename else ""
        return f"the file system{name} is read-only: {NOT_SAVED}"
    return None


def _driver_fault(
    orig: BaseException, where: str, lock_wait: float, *, statement: bool, invalidated: bool
) -> str:
    """*orig*: the driver's error; *statement*: met running a statement (not connecting);
    *invalidated*: the connection was lost."""
    said = _first_line(orig)
    code = _sqlite_code(orig)
    state = str(getattr(orig, "sqlstate", "") or "")
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or state in _PG_LOCKED:
        return (
            f"the database {where} is locked by another program; waited {lock_wait:g} s "
            f"(lock_wait): {NOT_SAVED}; try again when the other program is done"
        )
    if code == _SQLITE_FULL or state in _PG_DISK_FULL:
        return (
            f"the disk holding the database {where} is full ({said}): {NOT_SAVED}; "
            "free some space and run it again"
        )
    if code == _SQLITE_READONLY or state in _PG_READ_ONLY:
        return f"the database {where} is read-only ({said}): {NOT_SAVED}"
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return (
            f"the database {where} is damaged ({said}): run 'pledgetrack db check', "
            "then restore a backup"
        )
    if code == _SQLITE_IOERR:
        return (
            f"cannot write the database {where} ({said}; is the disk full or failing?): {NOT_SAVED}"
        )
    if code == _SQLITE_CANTOPEN:
        return f"cannot open the database {where} ({said}): check the file and its folder"
    if not statement and not invalidated and not state:
        return f"cannot connect to the database {where}: {said}"
    if invalidated or state in _PG_GONE or state.startswith("08"):
        return (
            f"the connection to the database {where} was lost ({said}): "
            "a write it interrupted is rolled back; run the command again"
        )
    return f"the database {where} refused the command: {said}"


def _sqlite_code(orig: BaseException | None) -> int | None:
    """The primary SQLite result code of *orig*, or None when it is no SQLite error."""
    if orig is None or type(orig).__module__ != "sqlite3":
        return None
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    text = str(orig).lower()
    return next((c for words, c in _SQLITE_WORDS.items() if words in text), None)


def _first_line(exc: BaseException) -> str:
    """The first line of a driver's message (psycopg's go on with hints and context)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__
