"""Backing up and restoring the database.

SQLite: SQLite's online backup API (``sqlite3.Connection.backup``) copies the
database in one step inside one read transaction, so the copy is consistent
while others keep writing (WAL lets them). A backup is written to a temporary
file and renamed into place; a restore replaces the configured database through
the same API (other connections see the old or the new database, never a mix)
after keeping a copy of the replaced one. PostgreSQL: pg_dump / pg_restore do
this better than a program can; the commands say how.
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from pledgetrack.services.access import Actor, PermissionDenied, acting
from pledgetrack.storage.db import make_engine, normalise_url
from pledgetrack.storage.sqlite_file import SQLITE_MAGIC

#: Tables every pledgetrack database has, at any schema revision.
CORE_TABLES = {"plan", "pledge", "item", "target", "snapshot"}


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why (and what to do)."""


@dataclass(frozen=True)
class BackupDone:
    """A backup written."""

    source: Path
    path: Path
    revision: str
    snapshots: int


@dataclass(frozen=True)
class RestoreDone:
    """A database replaced by a backup."""

    database: Path
    source: Path
    revision: str
    snapshots: int
    #: The database as it was before the restore (None: there was none).
    kept: Path | None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database (or an in-memory one)."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def postgres_help(url: str, file: Path, *, restore: bool) -> str:
    """How to back up or restore a PostgreSQL database with its own tools."""
    parsed = make_url(normalise_url(url)).set(drivername="postgresql")
    shown = parsed.render_as_string(hide_password=True)
    if restore:
        what = "restore works on SQLite files; restore a PostgreSQL database with pg_restore"
        command = (
            "pg_restore --clean --if-exists --no-owner "
            f"--dbname {shlex.quote(shown)} {shlex.quote(str(file))}"
        )
    else:
        what = "backup works on SQLite files; back up a PostgreSQL database with pg_dump"
        command = f"pg_dump --format=custom --file {shlex.quote(str(file))} {shlex.quote(shown)}"
    password = " (give the password with PGPASSWORD or ~/.pgpass)" if parsed.password else ""
    return f"{what}:\n  {command}{password}"


def _database_of(url: str, file: Path, *, restore: bool) -> Path:
    path = sqlite_path(url)
    if path is None:
        if make_url(normalise_url(url)).get_backend_name() == "postgresql":
            raise BackupError(postgres_help(url, file, restore=restore))
        raise BackupError(f"cannot {'restore' if restore else 'back up'} {url}: not a SQLite file")
    return path


def _copy(source: Path, target: Path) -> None:
    """Copy the SQLite database *source* into *target* (a new or empty file) with the
    backup API, as one self-contained file (rollback journal, no -wal beside it)."""
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            # pages=-1: every page in one step, inside one read transaction of the source:
            # a consistent state however much others write meanwhile.
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(dst, target)
        finally:
            dst.close()
    finally:
        src.close()


def _check_integrity(conn: sqlite3.Connection, path: Path) -> None:
    result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise BackupError(f"{path} failed the integrity check: {'; '.join(result[:3])}")


def _fsync_dir(directory: Path) -> None:
    if os.name != "posix":  # pragma: no cover
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def backup_database(url: str, file: Path, *, force: bool = False) -> BackupDone:
    """Write a consistent copy of the database at *url* to *file*, atomically.

    Refuses to replace an existing *file* unless *force*; on any error *file*
    is left as it was and no temporary file remains.
    """
    source = _database_of(url, file, restore=False)
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    if file.is_dir():
        raise BackupError(f"{file} is a directory: name the backup file in it")
    if file.exists():
        if not force:
            raise BackupError(f"{file} exists: pass --force to replace it")
        if file.resolve() == source.resolve():
            raise BackupError(f"{file} is the database itself")
    if not file.parent.is_dir():
        raise BackupError(f"directory {file.parent} does not exist: create it first")
    fd, name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        _copy(source, tmp)
        with open(tmp, "rb+") as out:
            os.fsync(out.fileno())
        revision, snapshots = _describe(tmp)
        os.replace(tmp, file)
        _fsync_dir(file.parent)
    except sqlite3.Error as exc:
        _remove_sqlite_files(tmp)
        raise BackupError(f"cannot back up {source}: {exc}") from exc
    except BaseException:
        _remove_sqlite_files(tmp)
        raise
    return BackupDone(source, file, revision, snapshots)


def check_backup_file(file: Path) -> str:
    """The schema revision of a pledgetrack database file, or BackupError saying why it is
    not one (not SQLite, not pledgetrack's, a revision this program does not know, damaged)."""
    from pledgetrack.storage.schema import revisions

    if file.is_dir():
        raise BackupError(f"{file} is a directory, not a backup file")
    if not file.is_file():
        raise BackupError(f"no file {file}")
    with open(file, "rb") as head:
        if head.read(16) != SQLITE_MAGIC:
            raise BackupError(f"{file} is not a SQLite database")
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if not CORE_TABLES <= tables:
                raise BackupError(f"{file} is not a pledgetrack database (no plan/snapshot tables)")
            if "alembic_version" not in tables:
                raise BackupError(f"{file} is not a pledgetrack database with a schema version")
            found = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
            known = revisions()
            if len(found) != 1 or found[0] not in known:
                raise BackupError(
                    f"{file} is at schema revision {', '.join(found) or 'none'}, which this "
                    f"pledgetrack does not know (known: {', '.join(known)})"
                )
            _check_integrity(conn, file)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise BackupError(f"{file} cannot be read as a SQLite database: {exc}") from exc
    return found[0]


def _describe(file: Path) -> tuple[str, int]:
    """The schema revision and the number of readings of a database file."""
    conn = sqlite3.connect(file, timeout=30)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        revision = ""
        if "alembic_version" in tables:
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        snapshots = 0
        if "snapshot" in tables:
            snapshots = conn.execute("SELECT count(*) FROM snapshot").fetchone()[0]
        return revision, snapshots
    finally:
        conn.close()


def restore_database(
    url: str, file: Path, *, actor: Actor | str | None = None, now: datetime | None = None
) -> RestoreDone:
    """Replace the database at *url* by the pledgetrack backup *file* — an admin's action
    (anyone's while the database has no users, or cannot be read at all: then the file's
    permissions are the boundary, as always on SQLite).

    The database as it was is first copied to ``<db>.before-restore-<timestamp>``
    so nothing is lost; then the backup API writes *file* into the database in one
    transaction (others who have it open see the old or the new state). The restored
    database's audit trail gets a ``database.restore`` entry: by whom, from which file,
    what was replaced (its readings and where it is kept).
    """
    database = _database_of(url, file, restore=True)
    revision = check_backup_file(file)
    if database.exists() and database.resolve() == file.resolve():
        raise BackupError(f"{file} is the database itself")
    me = _restorer(url, database, actor)
    replaced = _describe(database)[1] if database.exists() and me is not None else None
    if not database.parent.is_dir():
        raise BackupError(f"directory {database.parent} does not exist")
    kept: Path | None = None
    try:
        if database.exists():
            stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
            kept = database.with_name(f"{database.name}.before-restore-{stamp}")
            n = 1
            while kept.exists():
                n += 1
                kept = database.with_name(f"{database.name}.before-restore-{stamp}-{n}")
            try:
                _copy(database, kept)
            except BaseException:
                _remove_sqlite_files(kept)
                kept = None
                raise
        src = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(database, timeout=30)
            try:
                src.backup(dst)
                _check_integrity(dst, database)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.Error as exc:
        where = f"; the database as it was is in {kept}" if kept else ""
        raise BackupError(f"cannot restore {file} into {database}: {exc}{where}") from exc
    _, snapshots = _describe(database)
    _audit_restore(database, me, file, kept, replaced, snapshots, now)
    return RestoreDone(database, file, revision, snapshots, kept)


def _restorer(url: str, database: Path, actor: Actor | str | None) -> Actor | None:
    """Who restores, checked against the database being replaced: an admin (or anyone
    in a database without users). None when that database cannot be read."""
    if not database.exists():
        return None
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            me = acting(session, actor)
    except SQLAlchemyError:
        return None  # not a pledgetrack database, or damaged: nothing to ask
    finally:
        engine.dispose()
    try:
        me.require_admin("restore the database")
    except PermissionDenied as exc:
        raise BackupError(exc.message) from None
    return me


def _audit_restore(
    database: Path,
    me: Actor | None,
    file: Path,
    kept: Path | None,
    replaced: int | None,
    snapshots: int,
    now: datetime | None,
) -> None:
    """The ``database.restore`` entry, written into the restored database (whose audit
    table has the columns of its revision: from 0002 on)."""
    import json

    from pledgetrack.services.access import os_account

    conn = sqlite3.connect(database, timeout=30)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(audit)")}
        if not columns:
            return  # a backup from before the audit trail (revision 0001)
        values = {
            "at": (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S.%f"),
            "user_login": me.recorder if me is not None else os_account(),
            "action": "database.restore",
            "entity": "database",
            "before": json.dumps(
                {"readings": replaced, "kept": str(kept) if kept else None}, ensure_ascii=False
            ),
            "after": json.dumps(
                {"file": str(file.resolve()), "readings": snapshots}, ensure_ascii=False
            ),
        }
        if "acting_for" in columns and me is not None:
            values["acting_for"] = me.acting_for  # type: ignore[assignment]
        marks = ", ".join("?" for _ in values)
        with conn:
            conn.execute(
                f"INSERT INTO audit ({', '.join(values)}) VALUES ({marks})", list(values.values())
            )
    finally:
        conn.close()
