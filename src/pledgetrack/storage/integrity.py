"""Whether a SQLite file is whole: SQLite's own page checks.

``quick_check`` reads every page and checks the b-tree structure (what a disk error or
bytes written over the file breaks); ``integrity_check`` also compares every index with
its table, about three times the work (docs/PERFORMANCE.md has both measured). A
PostgreSQL server checks its own pages, so there is nothing to run on it here.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from pledgetrack.storage.sqlite_file import DAMAGED_CODES, PROBLEMS_SHOWN, check_findings

__all__ = ["PROBLEMS_SHOWN", "integrity_problems"]


def integrity_problems(engine: Engine, *, thorough: bool = False) -> list[str]:
    """What SQLite finds wrong with the database file (empty: nothing), by ``quick_check``,
    or ``integrity_check`` when *thorough*. A file too damaged to check is one problem,
    SQLite's reason. Always empty for a database that is not SQLite."""
    if engine.dialect.name != "sqlite":
        return []
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(f"PRAGMA {pragma}({PROBLEMS_SHOWN})").all()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF not in DAMAGED_CODES:
            raise  # locked, unreadable …: not a finding about the pages
        return [str(exc.orig)]
    return check_findings([tuple(row) for row in rows])
