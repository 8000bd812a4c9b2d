"""Every file the command line reads or writes is what it says it is, and every refusal
is one line with exit status 2 — never a traceback."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pledgetrack.cli import app
from tests.conftest import DATA, PLAN_CSV, PROGRESS_CSV, ROOT

runner = CliRunner()


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


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def refused(db: Path | str, *args: str) -> str:
    """Run the command; assert it exits 2 with exactly one line, and return that line."""
    result = runner.invoke(app, ["--db", str(db), *args])
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


def written(db: Path, *args: str) -> None:
    result = runner.invoke(app, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- the database ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["status"], ["db", "current"], ["db", "upgrade"], ["import", "plan", str(PLAN_CSV)], []],
)
def test_a_file_that_is_not_a_database_is_one_line(command: list[str]) -> None:
    line = refused(ROOT / "README.md", *command)
    assert line == f"error: {ROOT / 'README.md'} is not a SQLite database"


@pytest.mark.parametrize(
    "command", [["status"], ["db", "current"], ["db", "upgrade"], ["import", "plan", str(PLAN_CSV)]]
)
def test_a_directory_given_as_the_database_is_one_line(tmp_path: Path, command: list[str]) -> None:
    assert refused(tmp_path, *command) == f"error: {tmp_path} is a directory, not a database file"
    assert list(tmp_path.iterdir()) == []  # nothing created in it


def test_a_new_database_in_a_missing_directory_is_one_line(tmp_path: Path) -> None:
    where = tmp_path / "no" / "such" / "pledges.sqlite"
    line = refused(where, "import", "plan", str(PLAN_CSV))
    assert "does not exist" in line and not where.parent.exists()


# ---- reports --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--out", "oct.pdf"], "oct.pdf: .pdf is not a report format"),
        (["--out", "oct.doc"], ".doc is not a report format"),
        (["--format", "md", "--out", "x.html"], "x.html is named as html, not md: name it x.md"),
        (["--format", "docx", "--out", "x.xlsx"], "name it x.docx"),
        (["--format", "text", "--out", "x.md"], "name it x.txt"),
    ],
)
def test_a_report_suffix_that_does_not_match_a_format_is_refused(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], says: str
) -> None:
    monkeypatch.chdir(tmp_path)
    line = refused(db, "report", "--month", "2020-10", *args)
    assert line.startswith("error: --out: ") and says in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pledges.sqlite"]


@pytest.mark.parametrize(
    ("args", "name", "starts"),
    [
        (["--format", "html"], "oct.htm", b"<!DOCTYPE html>"),
        (["--format", "text"], "oct.txt", "2020年青岛市市办实事".encode()),
        (["--format", "md"], "oct", b"# "),  # no suffix claims nothing
        (["--format", "docx"], "OCT.DOCX", b"PK"),
    ],
)
def test_a_suffix_that_matches_the_format_is_written(
    db: Path, tmp_path: Path, args: list[str], name: str, starts: bytes
) -> None:
    out = tmp_path / name
    written(db, "report", "--month", "2020-10", *args, "--out", str(out))
    assert out.read_bytes().startswith(starts)


def test_a_directory_given_as_the_report_file_is_one_line(db: Path, tmp_path: Path) -> None:
    assert refused(db, "report", "--month", "2020-10", "--out", str(tmp_path)) == (
        f"error: --out: {tmp_path} is a directory, not a file"
    )


@pytest.mark.parametrize("name", ["oct.txt", "oct.md", "oct.html", "oct.xlsx", "oct.docx"])
def test_reports_are_written_readable_by_all_as_the_umask_allows(
    db: Path, tmp_path: Path, umask_022: None, name: str
) -> None:
    out = tmp_path / name
    written(db, "report", "--month", "2020-10", "--out", str(out))
    assert mode(out) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# ---- exports and imports --------------------------------------------------------------


@pytest.mark.parametrize("what", ["plan", "progress"])
@pytest.mark.parametrize("name", ["out.csv", "out.xlsx"])
def test_exports_are_written_readable_by_all_as_the_umask_allows(
    db: Path, tmp_path: Path, umask_022: None, what: str, name: str
) -> None:
    out = tmp_path / name
    written(db, "export", what, str(out))
    assert mode(out) == 0o644
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.parametrize("what", ["plan", "progress"])
def test_a_directory_given_as_the_export_file_is_one_line(
    db: Path, tmp_path: Path, what: str
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    assert refused(db, "export", what, str(folder)) == f"error: {folder} is a directory, not a file"
    assert list(folder.iterdir()) == []
    assert not list(tmp_path.glob(".exports*"))


@pytest.mark.parametrize("name", ["plan.pdf", "plan.txt"])
def test_an_export_suffix_that_is_not_csv_or_xlsx_is_refused(
    db: Path, tmp_path: Path, name: str
) -> None:
    line = refused(db, "export", "plan", str(tmp_path / name))
    assert name in line and "use .xlsx or .csv" in line
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize(("what", "good"), [("plan", PLAN_CSV), ("progress", PROGRESS_CSV)])
def test_a_directory_or_a_missing_file_to_import_is_one_line(
    db: Path, tmp_path: Path, what: str, good: Path
) -> None:
    assert refused(db, "import", what, str(tmp_path)) == (
        f"error: {tmp_path} is a directory, not a {what} file"
    )
    missing = tmp_path / "missing.csv"
    assert refused(db, "import", what, str(missing)) == f"error: no {what} file {missing}"


# ---- backups --------------------------------------------------------------------------


def test_a_backup_into_a_missing_folder_says_so(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    line = refused(db, "backup", "nonexistent/dir/x.sqlite")
    assert line == "error: directory nonexistent/dir does not exist: create it first"
    assert not (tmp_path / "nonexistent").exists()


def test_a_directory_given_as_the_backup_or_the_restore_file_is_one_line(
    db: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    assert refused(db, "backup", str(folder)) == (
        f"error: {folder} is a directory: name the backup file in it"
    )
    assert refused(db, "backup", str(folder), "--force") == (
        f"error: {folder} is a directory: name the backup file in it"
    )
    assert refused(db, "restore", str(folder)) == (
        f"error: {folder} is a directory, not a backup file"
    )
    assert list(folder.iterdir()) == []


# ---- as the user runs it --------------------------------------------------------------


@pytest.mark.slow  # a real process each: the interpreter's start-up
@pytest.mark.parametrize(
    "args",
    [
        ["--db", "README.md", "status"],
        ["--db", "README.md"],  # the TUI is not opened
        ["--db", "/", "status"],
        ["--db", "data/pledges.sqlite", "report", "--month", "2020-10", "--out", "/"],
        ["--db", "data/pledges.sqlite", "import", "progress", "/"],
    ],
)
def test_the_program_prints_one_line_and_no_traceback(tmp_path: Path, args: list[str]) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PLEDGETRACK_DATABASE_URL", "PLEDGETRACK_CONFIG")
    }
    env["XDG_CONFIG_HOME"] = str(tmp_path / "no-config")
    code = "from pledgetrack.cli import main; main()"
    work = tmp_path / "work"
    shutil.copytree(DATA, work / "data")
    shutil.copy(ROOT / "README.md", work / "README.md")
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=work
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr
