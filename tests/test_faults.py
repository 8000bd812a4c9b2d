"""Faults end in a message, and data stays whole: a locked, full, read-only, damaged or
unreachable database, or one from a newer pledgetrack, is one line and exit 2 — never a
traceback, never figures read from a damaged file — and a write it interrupts leaves
nothing behind. After a command the SQLite file alone holds the data."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import Pool
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.config import sqlite_url
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.db import make_engine
from tests.backends import NO_PG, PG_URL, database_url
from tests.conftest import DATA, PLAN_CSV, PROGRESS_CSV

runner = CliRunner()
#: The lock wait the tests give (seconds): a lock held longer is a refusal.
WAIT = "0.2"
NEWER = "ffff_from_a_newer_pledgetrack"


@pytest.fixture(autouse=True)
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    monkeypatch.setenv("PLEDGETRACK_LOCK_WAIT", WAIT)


@contextmanager
def sample(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of the shipped sample on *backend*: a copy of data/pledges.sqlite, or the
    same data loaded into a fresh PostgreSQL schema."""
    if backend == "sqlite":
        copy = tmp_path / "pledges.sqlite"
        shutil.copy(DATA / "pledges.sqlite", copy)
        yield sqlite_url(copy)
        return
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        load_sample(engine, DATA)
        engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The sample on each engine (the PostgreSQL half needs PLEDGETRACK_TEST_DATABASE_URL)."""
    with sample(request.param, tmp_path) as sample_url:
        yield sample_url


#: A write every database fault refuses.
RECORD = ("record", "2.1", "23.4", "--as-of", "2020-11-30")


def run(url: str, *args: str):
    return runner.invoke(app, ["--db", url, *args])


def refused(url: str, *args: str) -> str:
    """Run the command; assert it exits 2 with one line on stderr and nothing on stdout
    (no figures), and return that line."""
    result = run(url, *args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.stdout == "", result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


def readings(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM snapshot")).scalar_one()
    finally:
        engine.dispose()


def shown(url: str) -> str:
    """The database as the messages name it."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(parsed.database)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=True)


@contextmanager
def on_every_connection(*sql: str) -> Iterator[None]:
    """Run *sql* on every new database connection while inside (a fault to set up); a
    ``{}`` in a statement is the first column of the previous statement's first row."""

    def run_sql(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_conn.cursor()
        found = None
        for statement in sql:
            cursor.execute(statement.format(found))
            row = cursor.fetchone()
            found = row[0] if row else None
        cursor.close()

    event.listen(Pool, "connect", run_sql)
    try:
        yield
    finally:
        event.remove(Pool, "connect", run_sql)


@contextmanager
def before_statement(starting: str, act) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Call *act(cursor)* before the first statement starting with *starting*."""
    done: list[bool] = []

    def hook(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not done and statement.lstrip().upper().startswith(starting):
            done.append(True)
            act(cursor)
        return statement, parameters

    event.listen(Engine, "before_cursor_execute", hook, retval=True)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", hook)
    assert done, f"no statement started with {starting}"


def november_progress(tmp_path: Path) -> Path:
    """The October figures again as of November: 91 new readings to import."""
    path = tmp_path / "november.csv"
    path.write_text(PROGRESS_CSV.read_text("utf-8").replace("2020-10-31", "2020-11-30"), "utf-8")
    return path


# ---- locked ---------------------------------------------------------------------------


@contextmanager
def locked(url: str) -> Iterator[None]:
    """Another program holds the database locked for writing (SQLite: BEGIN EXCLUSIVE;
    PostgreSQL: the readings table locked)."""
    if make_url(url).get_backend_name() == "sqlite":
        other = sqlite3.connect(make_url(url).database, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.rollback()
            other.close()
        return
    engine = create_engine(make_url(url))
    try:
        with engine.connect() as other:
            other.exec_driver_sql("LOCK TABLE snapshot IN ACCESS EXCLUSIVE MODE")
            yield
            other.rollback()
    finally:
        engine.dispose()


def test_a_database_locked_longer_than_the_wait_is_one_line_saying_how_long(
    url: str, tmp_path: Path
) -> None:
    before = readings(url)
    with locked(url):
        line = refused(url, *RECORD)
    assert line == (
        f"error: the database {shown(url)} is locked by another program; waited {WAIT} s "
        "(lock_wait): nothing of this command was saved; try again when the other "
        "program is done"
    )
    assert readings(url) == before
    # Once the other program is done, the same command goes through.
    assert run(url, *RECORD).exit_code == 0
    assert readings(url) == before + 1


def test_the_lock_wait_is_a_setting_checked_like_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGETRACK_LOCK_WAIT", "0")
    with sample("sqlite", tmp_path) as url:
        result = run(url, "status")
    assert result.exit_code == 2
    assert "PLEDGETRACK_LOCK_WAIT" in result.stderr and "greater than 0" in result.stderr


# ---- disk full ------------------------------------------------------------------------


def test_a_disk_full_during_an_import_is_one_line_and_leaves_nothing_half_written(
    url: str, tmp_path: Path
) -> None:
    """SQLite: a real SQLITE_FULL — the database may not grow by a page (max_page_count),
    as on a full disk. PostgreSQL: a server's disk full (SQLSTATE 53100) is raised by the
    driver before the first reading is inserted (a full disk needs a mount we cannot make)."""
    november = november_progress(tmp_path)
    before = readings(url)
    if make_url(url).get_backend_name() == "sqlite":
        fault = on_every_connection("PRAGMA page_count", "PRAGMA max_page_count = {}")
    else:
        from psycopg.errors import DiskFull

        def disk_full(_cursor) -> None:  # type: ignore[no-untyped-def]
            raise DiskFull("could not extend file: No space left on device")

        fault = before_statement("INSERT INTO SNAPSHOT", disk_full)
    with fault:
        line = refused(url, "import", "progress", str(november))
    assert line.startswith(f"error: the disk holding the database {shown(url)} is full (")
    assert line.endswith("): nothing of this command was saved; free some space and run it again")
    assert readings(url) == before
    assert run(url, "db", "check").exit_code == 0
    # With room again, the same import stores every reading.
    assert run(url, "import", "progress", str(november)).exit_code == 0
    assert readings(url) == before + 91


def test_a_disk_full_while_writing_an_export_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    out = tmp_path / "out"
    out.mkdir()
    with sample("sqlite", tmp_path) as url:
        monkeypatch.setattr("pledgetrack.exchange.files.os.fsync", no_space)
        line = refused(url, "export", "progress", str(out / "progress.csv"))
    assert line == f"error: cannot write {out / 'progress.csv'}: No space left on device"
    assert list(out.iterdir()) == []


def test_a_disk_full_anywhere_in_a_command_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "/var/tmp/x")

    with sample("sqlite", tmp_path) as url:
        monkeypatch.setattr("pledgetrack.services.progress_import._check_and_store", no_space)
        line = refused(url, "import", "progress", str(november_progress(tmp_path)))
    assert line == (
        "error: the disk is full writing /var/tmp/x: nothing of this command was saved; "
        "free some space and run it again"
    )


# ---- read-only ------------------------------------------------------------------------


@contextmanager
def read_only(url: str) -> Iterator[str]:
    """The database as a program may not write to it. SQLite: every connection
    query_only — the tests run as root, for whom a file's mode stops nothing (the real
    mode bits are tested in a process of another user below). PostgreSQL: the session
    read-only, as a standby server or a read-only role gives it."""
    if make_url(url).get_backend_name() == "sqlite":
        with on_every_connection("PRAGMA query_only = ON"):
            yield url
        return
    parsed = make_url(url)
    options = f"{parsed.query.get('options', '')} -cdefault_transaction_read_only=on".strip()
    yield parsed.update_query_dict({"options": options}).render_as_string(hide_password=False)


def test_a_read_only_database_refuses_writes_in_one_line_and_still_reads(
    url: str, tmp_path: Path
) -> None:
    before = readings(url)
    with read_only(url) as url_ro:
        line = refused(url_ro, *RECORD)
        assert line.startswith(f"error: the database {shown(url_ro)} is read-only (")
        assert line.endswith("): nothing of this command was saved")
        status = run(url_ro, "status", "--as-of", "2020-10-31", "--summary")
        assert status.exit_code == 0 and "18" in status.stdout
    assert readings(url) == before


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0,
    reason="root writes to a file whatever its mode: the query_only test above stands in",
)
def test_a_database_file_without_write_permission_refuses_writes_in_one_line(
    tmp_path: Path,
) -> None:
    with sample("sqlite", tmp_path) as url:
        path = Path(make_url(url).database)
        before = digest(path)
        path.chmod(0o444)
        try:
            line = refused(url, *RECORD)
        finally:
            path.chmod(0o644)
    assert f"the database {path} is read-only" in line, line
    assert digest(path) == before


# ---- newer revision -------------------------------------------------------------------


def stamp(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_a_database_from_a_newer_pledgetrack_is_refused_and_left_as_it_is(
    url: str, tmp_path: Path
) -> None:
    from pledgetrack.services.database import program_revision

    head = program_revision()
    stamp(url, NEWER)
    newer = (
        f"error: the database schema {NEWER} is newer than this program ({head}): "
        "upgrade pledgetrack"
    )
    assert refused(url, "status") == newer
    assert refused(url, *RECORD) == newer
    assert refused(url, "db", "upgrade") == (
        f"error: the database schema {NEWER} is newer than this program ({head}): "
        "nothing was changed; upgrade pledgetrack instead"
    )
    # `db current` answers the question it is asked: exit 0, and says so.
    current = run(url, "db", "current")
    assert current.exit_code == 0
    assert (
        current.stdout == f"{NEWER} (head {head}): newer than this program: upgrade pledgetrack\n"
    )
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).all() == [
            (NEWER,)
        ]
    engine.dispose()


# ---- PostgreSQL: the connection ---------------------------------------------------------


def test_a_connection_dropped_in_the_middle_of_a_write_is_one_line_and_saves_nothing(
    tmp_path: Path,
) -> None:
    """The server ends the session (pg_terminate_backend from another connection) just
    before the reading is inserted."""
    if not PG_URL:
        pytest.skip(NO_PG)
    with sample("postgresql", tmp_path) as url:
        before = readings(url)
        admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")

        def terminate(cursor) -> None:  # type: ignore[no-untyped-def]
            pid = cursor.connection.info.backend_pid
            with admin.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
                # Wait on the state: until the server has ended that session.
                while other.execute(
                    text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}
                ).scalar_one():
                    pass

        try:
            with before_statement("INSERT INTO SNAPSHOT", terminate):
                line = refused(url, *RECORD)
        finally:
            admin.dispose()
        assert line.startswith(f"error: the connection to the database {shown(url)} was lost (")
        assert line.endswith("): a write it interrupted is rolled back; run the command again")
        assert readings(url) == before


def test_a_server_that_does_not_answer_is_one_line() -> None:
    if not PG_URL:
        pytest.skip(NO_PG)
    closed = make_url(PG_URL).set(port=1, drivername="postgresql")
    url = closed.render_as_string(hide_password=False)
    line = refused(url, "status")
    assert line.startswith(f"error: cannot connect to the database {shown(url)}: ")
    assert "Connection refused" in line


# ---- SQLite: a damaged file -----------------------------------------------------------


def damaged_copy(tmp_path: Path, *, offset: int = 2048) -> Path:
    """The sample with 8 KiB of garbage written *offset* bytes into a page: page-aligned
    (0) into its middle page, it leaves the file too damaged for the check to run at
    all; half a page in, into the first page from the middle on whose damage SQLite's
    check can list (found by trying: the sample's layout changes when it is rebuilt)."""
    copy = tmp_path / "damaged.sqlite"
    original = (DATA / "pledges.sqlite").read_bytes()
    page = 4096
    pages = len(original) // page
    garbage = hashlib.sha256(b"garbage").digest() * (2 * page // 32)
    for number in range(pages // 2, pages - 2):
        data = bytearray(original)
        start = number * page + offset
        data[start : start + len(garbage)] = garbage
        copy.write_bytes(bytes(data))
        if offset == 0 or _listed_problems(copy):
            return copy
    raise AssertionError("no page of the sample gives a listable damage")  # pragma: no cover


def _listed_problems(path: Path) -> bool:
    conn = sqlite3.connect(path)
    try:
        found = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return any("btreeInitPage" in row[0] for row in found)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("offset", "found"),
    [
        (2048, ": btreeInitPage() returns error code 11"),
        (0, "database disk image is malformed"),
    ],
)
def test_db_check_reports_what_sqlite_found_in_a_damaged_file(
    tmp_path: Path, offset: int, found: str
) -> None:
    damaged = damaged_copy(tmp_path, offset=offset)
    result = run(str(damaged), "db", "check")
    assert result.exit_code == 2
    listed = result.stdout.splitlines()
    assert any(found in line for line in listed), result.stdout
    n = len(listed)
    counted = {
        1: "1 problem (listed)",
        20: "20 problems or more (the first 20 are listed)",  # SQLite stops at 20 here
    }.get(n, f"{n} problems (listed)")
    assert result.stderr.splitlines() == [
        f"error: the database {damaged} is damaged: SQLite's integrity_check found {counted}; "
        "do not write to it, restore a backup"
    ]


def test_db_check_says_a_whole_file_is_whole(tmp_path: Path) -> None:
    with sample("sqlite", tmp_path) as url:
        result = run(url, "db", "check")
    assert result.exit_code == 0
    assert result.stdout == (
        f"{shown(url)}: integrity_check found nothing wrong; schema up to date\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["status", "--as-of", "2020-10-31"],
        ["status", "--summary", "--json"],
        ["report", "--month", "2020-10"],
        ["record", "2.1", "23.4", "--as-of", "2020-11-30"],
        ["import", "progress", "NOVEMBER"],
        ["db", "upgrade"],
        ["user", "add", "zhao", "--role", "admin"],
    ],
)
def test_a_damaged_file_is_neither_read_nor_written(tmp_path: Path, command: list[str]) -> None:
    damaged = damaged_copy(tmp_path)
    before = digest(damaged)
    args = [str(november_progress(tmp_path)) if a == "NOVEMBER" else a for a in command]
    line = refused(str(damaged), *args)
    assert line.startswith(f"error: the database {damaged} is damaged (SQLite's quick_check: ")
    assert line.endswith(
        "): nothing was read or written; run 'pledgetrack db check', then restore a backup"
    )
    assert digest(damaged) == before
    assert not Path(f"{damaged}-wal").exists() or Path(f"{damaged}-wal").stat().st_size == 0


def test_a_file_with_a_sqlite_header_and_nothing_else_is_one_line(tmp_path: Path) -> None:
    fake = tmp_path / "fake.sqlite"
    fake.write_bytes((DATA / "pledges.sqlite").read_bytes()[:100] + b"\x00" * 4000)
    for command in (["status"], ["record", "2.1", "23.4"], ["import", "plan", str(PLAN_CSV)]):
        line = refused(str(fake), *command)
        assert line.startswith(f"error: the database {fake} is damaged (SQLite's quick_check: ")
    checked = run(str(fake), "db", "check")
    assert checked.exit_code == 2 and f"the database {fake} is damaged" in checked.stderr
    assert fake.stat().st_size == 4100


# ---- SQLite: the file alone holds the data ----------------------------------------------


def test_after_a_write_the_database_file_alone_holds_it(tmp_path: Path) -> None:
    with sample("sqlite", tmp_path) as url:
        path = Path(make_url(url).database)
        assert run(url, *RECORD).exit_code == 0
        wal = Path(f"{path}-wal")
        assert not wal.exists() or wal.stat().st_size == 0
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        shutil.copy(path, elsewhere / "copy.sqlite")
    copy = sqlite3.connect(elsewhere / "copy.sqlite")
    try:
        stored = copy.execute(
            "SELECT s.value FROM snapshot s JOIN target t ON t.id = s.target_id "
            "WHERE t.key = '2.1' AND s.as_of = '2020-11-30'"
        ).fetchall()
    finally:
        copy.close()
    assert stored == [(23.4,)]
