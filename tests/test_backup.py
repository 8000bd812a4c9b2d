"""Backup and restore (SQLite online backup API), the PostgreSQL advice, and kill -9 in the
middle of a large import leaving the database as it was."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.config import sqlite_url
from pledgetrack.domain.model import Reading
from pledgetrack.services import backup as backup_service
from pledgetrack.services.backup import BackupError, backup_database
from pledgetrack.services.progress import export_progress, save_entries, to_store
from pledgetrack.storage.db import create_schema, make_engine
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.schema import check_schema
from pledgetrack.storage.tables import Snapshot
from tests.backends import BOTH, database_url, pg_url
from tests.conftest import DATA
from tests.test_concurrency import synthetic_key, write_synthetic_plan

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return copy


def run(db: Path | str, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), *args])


def sqlite_state(path: Path) -> tuple[int, list[tuple]]:
    """The readings of a database file, read with plain sqlite3."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute(
            "SELECT id, target_id, as_of, value, note, entered_by, supersedes_id "
            "FROM snapshot ORDER BY id"
        ).fetchall()
        return len(rows), rows
    finally:
        conn.close()


def export_of(engine: Engine, path: Path) -> bytes:
    export_progress(engine, path, history=True)
    return path.read_bytes()


# ---- backup ---------------------------------------------------------------------------


def test_backup_writes_a_self_contained_database(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups" / "monday.sqlite"
    out.parent.mkdir()
    result = run(db, "backup", str(out))
    assert result.exit_code == 0, result.output
    assert "91 readings" in result.stdout
    assert sqlite_state(out) == sqlite_state(db)
    # One file: no -wal beside it, no temporary file left, rollback journal mode.
    assert sorted(p.name for p in out.parent.iterdir()) == ["monday.sqlite"]
    conn = sqlite3.connect(out)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    # pledgetrack opens it as it is.
    engine = make_engine(sqlite_url(out))
    check_schema(engine)
    engine.dispose()
    result = run(out, "status", "--as-of", "2020-10", "--json")
    assert result.exit_code == 0, result.output


def test_backup_refuses_to_overwrite_unless_forced(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "backup.sqlite"
    out.write_bytes(b"precious")
    result = run(db, "backup", str(out))
    assert result.exit_code == 2
    assert "--force" in result.output and out.read_bytes() == b"precious"
    result = run(db, "backup", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert sqlite_state(out) == sqlite_state(db)


def test_a_failed_backup_leaves_the_file_as_it_was(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "backup.sqlite"
    out.write_bytes(b"yesterday's backup")

    def broken(conn, path):  # type: ignore[no-untyped-def]
        raise BackupError(f"{path} failed the integrity check: simulated")

    monkeypatch.setattr(backup_service, "_check_integrity", broken)
    result = run(db, "backup", str(out), "--force")
    assert result.exit_code == 2 and "simulated" in result.output
    assert out.read_bytes() == b"yesterday's backup"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".backup.sqlite.")]


def test_backup_of_a_missing_database_or_into_a_missing_directory(db: Path, tmp_path: Path) -> None:
    result = run(tmp_path / "nothing.sqlite", "backup", str(tmp_path / "b.sqlite"))
    assert result.exit_code == 2 and "no database" in result.output
    result = run(db, "backup", str(tmp_path / "no" / "such" / "dir.sqlite"))
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.slow
def test_backup_while_someone_keeps_writing_is_consistent(tmp_path: Path) -> None:
    """A writer appends a whole day of readings per transaction while backups run: every
    backup opens, passes the integrity check and holds whole transactions only."""
    path = tmp_path / "live.sqlite"
    shutil.copy(DATA / "pledges.sqlite", path)
    url = sqlite_url(path)
    engine = make_engine(url)
    with Session(engine) as session:
        targets = load_structure(session=session).targets()
    engine.dispose()
    stop = threading.Event()
    written: list[date] = []
    failures: list[BaseException] = []

    def writer() -> None:
        eng = make_engine(url)
        day = date(2020, 1, 1)
        try:
            while not stop.is_set() and day < date(2020, 10, 31):
                entries = [to_store(t, Reading(day, float(len(written))), "w") for t in targets]
                save_entries(eng, entries)
                written.append(day)
                day += timedelta(days=1)
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            eng.dispose()

    thread = threading.Thread(target=writer)
    thread.start()
    counts: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(written) < 3 and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(written) >= 3, failures
        for n in range(6):
            out = tmp_path / f"b{n}.sqlite"
            backup_database(url, out)
            conn = sqlite3.connect(out)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            per_day = dict(conn.execute("SELECT as_of, count(*) FROM snapshot GROUP BY as_of"))
            conn.close()
            # Whole transactions: every day has all 91 readings, and the days are those the
            # writer had committed, without a gap.
            assert set(per_day.values()) == {91}
            days = sorted(date.fromisoformat(d) for d in per_day if d != "2020-10-31")
            assert days == [date(2020, 1, 1) + timedelta(days=i) for i in range(len(days))]
            counts.append(sum(per_day.values()))
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=60)
    assert not failures, failures
    assert counts == sorted(counts) and counts[-1] > counts[0]  # the writer kept writing


# ---- restore --------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_the_replaced_database(
    db: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.sqlite"
    assert run(db, "backup", str(saved)).exit_code == 0
    before = sqlite_state(db)
    result = run(db, "record", "2.1", "23", "--as-of", "2020-11-30")
    assert result.exit_code == 0, result.output
    after_record = sqlite_state(db)
    assert after_record != before
    # Someone has the database open while it is restored.
    other = make_engine(sqlite_url(db))
    with other.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Snapshot)).scalar() == 92
    result = run(db, "restore", str(saved))
    assert result.exit_code == 0, result.output
    assert sqlite_state(db) == before
    with other.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Snapshot)).scalar() == 91
    other.dispose()
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("pledges.sqlite.before-restore-")]
    assert len(kept) == 1 and str(kept[0]) in " ".join(result.stdout.split())
    assert sqlite_state(kept[0]) == after_record


def test_restore_into_a_new_database(tmp_path: Path, db: Path) -> None:
    target = tmp_path / "fresh" / "pledges.sqlite"
    target.parent.mkdir()
    result = run(target, "restore", str(db))
    assert result.exit_code == 0, result.output
    assert "kept" not in result.stdout
    assert sqlite_state(target) == sqlite_state(db)


def test_restore_refuses_what_is_not_a_pledgetrack_database(db: Path, tmp_path: Path) -> None:
    before = sqlite_state(db)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    unknown = tmp_path / "future.sqlite"
    shutil.copy(DATA / "pledges.sqlite", unknown)
    conn = sqlite3.connect(unknown)
    conn.execute("UPDATE alembic_version SET version_num = 'ffffffff'")
    conn.commit()
    conn.close()
    cases = [
        (ROOT / "README.md", "not a SQLite database"),
        (other, "not a pledgetrack database"),
        (unknown, "schema revision ffffffff"),
        (tmp_path / "missing.sqlite", "no file"),
    ]
    for source, reason in cases:
        result = run(db, "restore", str(source))
        assert result.exit_code == 2, (source, result.output)
        assert reason in " ".join(result.output.split())
    assert sqlite_state(db) == before
    assert not [p for p in tmp_path.iterdir() if "before-restore" in p.name]


def test_postgresql_backup_and_restore_say_how_to_use_pg_dump(tmp_path: Path) -> None:
    url = "postgresql://clerk:secret@db.example:5432/pledges"
    result = run(url, "backup", str(tmp_path / "pledges.dump"))
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "pg_dump --format=custom --file" in out and "pledges.dump" in out
    assert "postgresql://clerk:***@db.example:5432/pledges" in out and "secret" not in out
    result = run(url, "restore", str(tmp_path / "pledges.dump"))
    assert result.exit_code == 2
    out = " ".join(result.output.split())
    assert "pg_restore" in out and "postgresql://clerk:***@db.example:5432/pledges" in out


# ---- kill -9 in the middle of a large import ---------------------------------------------

TARGETS = 1000


def write_progress(path: Path, days: int) -> int:
    """Readings of every synthetic target for *days* days from February on."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["plan", "target", "as_of", "value", "done", "note", "entered_by"])
        for d in range(days):
            day = (date(2020, 2, 1) + timedelta(days=d)).isoformat()
            for i in range(TARGETS):
                writer.writerow(["synth", synthetic_key(i), day, d + 1, "", "", "导入"])
    return days * TARGETS


def prepare(engine: Engine, tmp_path: Path) -> None:
    """The synthetic plan with January's readings."""
    from pledgetrack.services.plans import import_plan

    create_schema(engine)
    import_plan(engine, write_synthetic_plan(tmp_path / "plan.csv", TARGETS))
    with Session(engine) as session:
        targets = load_structure(session=session).targets()
    save_entries(engine, [to_store(t, Reading(date(2020, 1, 31), 1.0), "") for t in targets])


def snapshot_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Snapshot)).one()


def start_import(url: str, progress_file: Path, tmp_path: Path) -> subprocess.Popen[bytes]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PLEDGETRACK_DATABASE_URL", "PLEDGETRACK_CONFIG")
    }
    env["XDG_CONFIG_HOME"] = str(tmp_path / "no-config")
    code = "from pledgetrack.cli import main; main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "--db", url, "import", "progress", str(progress_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )


def in_write_transaction_sqlite(path: Path):  # type: ignore[no-untyped-def]
    """True once the import's transaction has spilled pages to the -wal file."""
    wal = Path(f"{path}-wal")

    def check() -> bool:
        try:
            return wal.stat().st_size > 256 * 1024
        except FileNotFoundError:
            return False

    return check


def in_write_transaction_pg(app_name: str):  # type: ignore[no-untyped-def]
    """True once the import's connection has a transaction id (it has written a row)."""
    admin = create_engine(pg_url(), isolation_level="AUTOCOMMIT")

    def check() -> bool:
        with admin.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE application_name = :name AND backend_xid IS NOT NULL"
                    ),
                    {"name": app_name},
                ).scalar()
            )

    check.admin = admin  # type: ignore[attr-defined]
    return check


def wait_until_gone_pg(check, app_name: str) -> None:  # type: ignore[no-untyped-def]
    """The server notices the killed client and rolls its transaction back."""
    deadline = time.monotonic() + 30
    with check.admin.connect() as conn:
        while time.monotonic() < deadline:
            left = conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": app_name},
            ).scalar()
            if not left:
                return
            time.sleep(0.05)
    raise AssertionError("the killed import's server process did not go away")


@pytest.mark.slow
@BOTH
def test_kill_9_in_the_middle_of_a_large_import_leaves_the_database_as_it_was(
    backend: str, tmp_path: Path
) -> None:
    days = 30  # 30,000 readings; doubled if the import ends before it can be killed
    for _attempt in range(4):
        attempt_dir = tmp_path / f"attempt-{_attempt}"
        attempt_dir.mkdir()
        progress_file = attempt_dir / "progress.csv"
        rows = write_progress(progress_file, days)
        with database_url(backend, attempt_dir) as url:
            app_name = f"pt-kill-{uuid.uuid4().hex[:8]}"
            if backend == "postgresql":
                url = (
                    make_url(url)
                    .update_query_dict({"application_name": app_name})
                    .render_as_string(hide_password=False)
                )
            engine = make_engine(url)
            prepare(engine, attempt_dir)
            before_count = snapshot_count(engine)
            before_export = export_of(engine, attempt_dir / "before.csv")
            engine.dispose()  # SQLite: the -wal is checkpointed and removed
            if backend == "sqlite":
                db_path = Path(make_url(url).database or "")
                inside = in_write_transaction_sqlite(db_path)
            else:
                inside = in_write_transaction_pg(app_name)
            started = time.monotonic()
            proc = start_import(url, progress_file, attempt_dir)
            killed = False
            while proc.poll() is None:
                if inside():
                    assert proc.poll() is None
                    os.kill(proc.pid, signal.SIGKILL)
                    killed = True
                    break
                time.sleep(0.002)
            stdout, stderr = proc.communicate(timeout=60)
            elapsed = time.monotonic() - started
            if backend == "postgresql":
                wait_until_gone_pg(inside, app_name)
                inside.admin.dispose()
            engine = make_engine(url)
            try:
                count = snapshot_count(engine)
                if not killed or count == before_count + rows:
                    # The import finished before it could be killed: a bigger file.
                    assert proc.returncode in (0, -signal.SIGKILL), stderr.decode()
                    days *= 2
                    continue
                assert proc.returncode == -signal.SIGKILL
                assert b"readings added" not in stdout
                if backend == "sqlite":
                    conn = sqlite3.connect(db_path)
                    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                    conn.close()
                assert count == before_count
                assert export_of(engine, attempt_dir / "after.csv") == before_export
                check_schema(engine)
                print(f"{backend}: killed {elapsed:.1f} s into importing {rows} readings")
                return
            finally:
                engine.dispose()
    pytest.fail("the import always finished before it could be killed")


def test_restore_is_an_admins_action_and_is_audited(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = tmp_path / "saved.sqlite"
    assert run(db, "backup", str(saved)).exit_code == 0
    login = {"who": "zhao"}
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: login["who"])
    assert run(db, "user", "add", "zhao", "--role", "admin").exit_code == 0
    added = run(db, "user", "add", "li", "--role", "staff", "--department", "市文化和旅游局")
    assert added.exit_code == 0, added.output
    before = sqlite_state(db)
    # Staff may not; nor may an OS account that is not a user, whatever LOGNAME says.
    for who, why in (
        ("li", "li (staff, 市文化和旅游局) cannot restore the database: only admins do"),
        ("mallory", "mallory is not a pledgetrack user"),
    ):
        login["who"] = who
        monkeypatch.setenv("LOGNAME", "zhao")
        refused = run(db, "restore", str(saved))
        assert refused.exit_code == 2
        assert why in refused.output
        assert sqlite_state(db) == before
        assert not [p for p in tmp_path.iterdir() if ".before-restore-" in p.name]
    login["who"] = "zhao"
    done = run(db, "restore", str(saved))
    assert done.exit_code == 0, done.output
    trail = run(db, "audit", "--json")
    entry = json.loads(trail.stdout)[-1]
    kept = next(p for p in tmp_path.iterdir() if ".before-restore-" in p.name)
    assert (entry["user"], entry["action"]) == ("zhao", "database.restore")
    assert entry["before"] == {"readings": 91, "kept": str(kept)}
    assert entry["after"] == {"file": str(saved.resolve()), "readings": 91}
