"""A large SQLite file is checked whole once, and again only after something wrote to it
(storage.check_record): the note of a whole check never hides damage written since."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import pledgetrack.services.database as database
from pledgetrack.cli import app
from pledgetrack.storage import check_record, sqlite_status
from tests.conftest import DATA

runner = CliRunner()


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Path]:
    """Every quick_check run, by file; notes kept under tmp_path; the sample counts as large."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(check_record, "SMALL_FILE", 0)
    seen: list[Path] = []
    real = database.integrity_problems

    def counted(engine, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Path(engine.url.database))
        return real(engine, **kwargs)

    monkeypatch.setattr(database, "integrity_problems", counted)
    # `status` reads a SQLite file with the standard library (storage.sqlite_status).
    real_quick = sqlite_status.quick_check

    def counted_quick(conn):  # type: ignore[no-untyped-def]
        seen.append(Path(conn.execute("PRAGMA database_list").fetchone()[2]))
        return real_quick(conn)

    monkeypatch.setattr(sqlite_status, "quick_check", counted_quick)
    return seen


def sample_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return copy


def summary(db: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), "status", "--summary", "--as-of", "2020-10-31"])


def settled(db: Path, checks: list[Path]) -> None:
    """Run until a command leaves the file as it found it (the first status may store the
    plan's rule columns, a write), so the next one finds the note current."""
    for _ in range(3):
        before = check_record.file_identity(db)
        assert summary(db).exit_code == 0
        if check_record.file_identity(db) == before:
            return
    raise AssertionError("the status kept writing to the file")


def test_a_large_file_found_whole_and_unchanged_is_not_read_again(
    tmp_path: Path, checks: list[Path]
) -> None:
    db = sample_copy(tmp_path)
    settled(db, checks)
    assert checks and checks == [db] * len(checks)  # checked until it was left as found
    count = len(checks)
    shown = summary(db)
    again = summary(db)
    assert shown.exit_code == again.exit_code == 0
    assert shown.stdout == again.stdout
    assert len(checks) == count
    assert len(list((tmp_path / "cache" / "pledgetrack" / "checked").iterdir())) == 1


def test_damage_written_after_the_check_is_found(tmp_path: Path, checks: list[Path]) -> None:
    db = sample_copy(tmp_path)
    settled(db, checks)
    count = len(checks)
    data = bytearray(db.read_bytes())
    page = 4096
    garbage = hashlib.sha256(b"garbage").digest() * (2 * page // 32)
    middle = (len(data) // page // 2) * page + 2048
    data[middle : middle + len(garbage)] = garbage
    with db.open("r+b") as handle:  # the same file, the same size: only its times change
        handle.write(bytes(data))
    result = summary(db)
    assert len(checks) == count + 1
    assert result.exit_code == 2
    assert "is damaged (SQLite's quick_check: " in result.stderr
    assert result.stdout == ""


def test_a_note_older_than_a_day_is_not_trusted(
    tmp_path: Path, checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sample_copy(tmp_path)
    settled(db, checks)
    monkeypatch.setattr(check_record, "TRUSTED_FOR", 0.0)
    count = len(checks)
    assert summary(db).exit_code == 0
    assert len(checks) == count + 1


def test_a_small_file_is_checked_before_every_command(
    tmp_path: Path, checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check_record, "SMALL_FILE", 16 * 1024 * 1024)
    db = sample_copy(tmp_path)
    for _ in range(3):
        assert summary(db).exit_code == 0
    assert checks == [db] * 3
    assert not (tmp_path / "cache").exists()


def test_changes_still_in_the_write_ahead_log_mean_a_check(
    tmp_path: Path, checks: list[Path]
) -> None:
    db = sample_copy(tmp_path)
    settled(db, checks)
    writer = sqlite3.connect(db)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("UPDATE target SET note = note WHERE id = 1")
        writer.commit()
        assert Path(f"{db}-wal").stat().st_size > 0
        assert check_record.file_identity(db) is None
        count = len(checks)
        assert summary(db).exit_code == 0
        assert len(checks) == count + 1
    finally:
        writer.close()


def test_an_unwritable_cache_directory_only_means_checking_again(
    tmp_path: Path, checks: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    db = sample_copy(tmp_path)
    for _ in range(3):
        assert summary(db).exit_code == 0
    assert len(checks) == 3
