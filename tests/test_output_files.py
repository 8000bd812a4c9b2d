"""No file is destroyed by a typo: ``report --out`` and ``export`` never write over the live
database or its journal files, replace an existing file only with --force, and a write that
fails (disk full, Ctrl-C) leaves the old file as it was and no temporary file."""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from pledgetrack.cli import app as cli_app
from pledgetrack.domain.errors import OutputRefused
from pledgetrack.exchange.files import check_output, write_atomically, write_text_atomically
from pledgetrack.storage.db import make_engine
from pledgetrack.tui.screens.confirm import ConfirmScreen
from pledgetrack.tui.screens.report import ReportScreen
from tests.conftest import DATA
from tests.tui_support import SIZE, make_app, notifications, open_save_dialog, settle

runner = CliRunner()

#: Each command that writes a file a person names, with FILE where the name goes.
WRITERS = {
    "report": ["report", "--month", "2020-10", "--format", "text", "--out", "FILE"],
    "export plan": ["export", "plan", "FILE"],
    "export progress": ["export", "progress", "FILE"],
}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", path)
    return path


def run(db: Path, args: list[str], file: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(
        cli_app, ["--db", str(db), *[str(file) if a == "FILE" else a for a in args], *extra]
    )


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("command", ["export plan", "export progress"])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal"])
def test_no_export_writes_over_the_live_database_even_with_force(
    db: Path, command: str, suffix: str
) -> None:
    target = Path(f"{db}{suffix}")
    before = db.read_bytes()
    result = run(db, WRITERS[command], target, "--force")
    assert result.exit_code == 2
    assert "is the database's own file" in result.output
    assert db.read_bytes() == before
    assert not Path(f"{db}-journal").exists()  # nothing written under the journal's name
    assert leftovers(db.parent) == []


def test_no_report_writes_over_a_database_named_like_a_report(tmp_path: Path) -> None:
    """``report --out`` needs a report suffix, which a database file rarely has; one that
    has it is refused all the same."""
    db = tmp_path / "live.txt"
    shutil.copy(DATA / "pledges.sqlite", db)
    before = db.read_bytes()
    result = run(db, WRITERS["report"], db, "--force")
    assert result.exit_code == 2
    assert "is the database's own file" in result.output
    assert db.read_bytes() == before


def test_a_symbolic_link_to_the_database_is_refused(db: Path, tmp_path: Path) -> None:
    link = tmp_path / "report.csv"
    link.symlink_to(db)
    before = db.read_bytes()
    result = run(db, WRITERS["export progress"], link, "--force")
    assert result.exit_code == 2 and "database" in result.output
    assert db.read_bytes() == before


def test_a_wal_file_not_there_yet_is_refused_by_its_name(tmp_path: Path) -> None:
    database = tmp_path / "live.sqlite"
    with pytest.raises(OutputRefused):
        check_output(
            tmp_path / "live.sqlite-wal",
            force=True,
            protected=[database, Path(f"{database}-wal")],
        )


@pytest.mark.parametrize("command", list(WRITERS))
def test_an_existing_file_is_replaced_only_with_force(
    db: Path, tmp_path: Path, command: str
) -> None:
    target = tmp_path / "out.csv" if command != "report" else tmp_path / "out.txt"
    target.write_text("keep me", encoding="utf-8")
    refused = run(db, WRITERS[command], target)
    assert refused.exit_code == 2
    assert "exists: add --force to replace it" in refused.output
    assert target.read_text(encoding="utf-8") == "keep me"
    replaced = run(db, WRITERS[command], target, "--force")
    assert replaced.exit_code == 0, replaced.output
    assert target.read_text(encoding="utf-8-sig") != "keep me"


def test_a_full_disk_during_a_report_keeps_the_old_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "october.txt"
    target.write_text("last month's report", encoding="utf-8")

    def half_then_full(report, fmt, lang, out, progress=None) -> None:  # type: ignore[no-untyped-def]
        out.write(b"# half a report")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("pledgetrack.services.month_report.write_stream", half_then_full)
    result = run(db, WRITERS["report"], target, "--force")
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [f"error: --out: cannot write {target}: No space left on device"]
    assert target.read_text(encoding="utf-8") == "last month's report"
    assert leftovers(tmp_path) == []


def test_a_full_disk_during_an_export_keeps_the_old_file(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "progress.csv"
    target.write_text("old export", encoding="utf-8")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("pledgetrack.exchange.files.os.fsync", full)
    result = run(db, WRITERS["export progress"], target, "--force")
    assert result.exit_code == 2
    assert result.output.strip() == f"error: cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "old export"
    assert leftovers(tmp_path) == []


def test_ctrl_c_while_writing_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")

    def interrupted(out) -> None:  # type: ignore[no-untyped-def]
        out.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, interrupted)
    assert path.read_text(encoding="utf-8") == "old"
    assert leftovers(tmp_path) == []


def test_a_file_that_appears_while_writing_is_kept_without_force(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"

    def someone_else_writes(out) -> None:  # type: ignore[no-untyped-def]
        path.write_text("theirs", encoding="utf-8")
        out.write(b"ours")

    with pytest.raises(OutputRefused):
        write_atomically(path, someone_else_writes, replace=False)
    assert path.read_text(encoding="utf-8") == "theirs"
    assert leftovers(tmp_path) == []
    write_text_atomically(tmp_path / "new.txt", "ours", replace=False)
    assert (tmp_path / "new.txt").read_text(encoding="utf-8") == "ours"
    assert leftovers(tmp_path) == []


# ---- the TUI's save -----------------------------------------------------------------------


async def _save_as(app, pilot, path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = await open_save_dialog(pilot)
    dialog.query_one("#save-path").value = str(path)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("answer", ["n", "y"])
async def test_the_tui_asks_before_replacing_a_report(
    engine: Engine, tmp_path: Path, answer: str
) -> None:
    path = tmp_path / "october.txt"
    path.write_text("keep me", encoding="utf-8")
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _save_as(app, pilot, path)
        assert isinstance(app.screen, ConfirmScreen)
        assert "exists. Replace it?" in app.screen.question
        await pilot.press(answer)
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        if answer == "n":
            assert path.read_text(encoding="utf-8") == "keep me"
        else:
            assert path.read_text(encoding="utf-8") != "keep me"
            assert notifications(app)[-1][1] == "information"
        assert leftovers(tmp_path) == []


async def test_the_tui_refuses_to_save_over_the_database(tmp_path: Path) -> None:
    database = tmp_path / "live.md"
    shutil.copy(DATA / "pledges.sqlite", database)
    before = database.read_bytes()
    engine = make_engine(f"sqlite:///{database}")
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await _save_as(app, pilot, database)
        assert isinstance(app.screen, ReportScreen)
        message, severity = notifications(app)[-1]
        assert severity == "error" and "database itself" in message
    assert database.read_bytes() == before
