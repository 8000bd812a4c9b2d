"""What the program imports before it answers: ``pledgetrack --help`` and a refused option
answer at once (issue 15: under 0.3 s as the whole process), so they import none of the
libraries only a command's work needs. Measured with ``python -X importtime`` in a
fresh process, which lists every module the process imported — deterministic, unlike a
timing. docs/PERFORMANCE.md ("Start-up") has the times."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: Never imported to show help or refuse an option, with what each is for and what it
#: costs to import on the reference machine (idle, whole process).
HEAVY = {
    "sqlalchemy": "the database layer (~0.1 s); only a command that opens a database",
    "sqlmodel": "the tables, over SQLAlchemy and pydantic",
    "numpy": "the rules over whole columns (~0.1 s); status, reports, the TUI",
    "textual": "the terminal UI (~0.3 s); only `pledgetrack` with no command",
    "pydantic_settings": "the settings (~0.1 s); read when a command first needs them",
    "openpyxl": "xlsx import and reports",
    "docx": "docx reports",
    "alembic": "migrations; `db upgrade` and a new database",
    "plotext": "the TUI's chart",
    "psycopg": "the PostgreSQL driver",
}
#: Typer builds a pydantic adapter for every option it converts, so a command's option
#: error imports pydantic (not pydantic-settings); `pledgetrack --help` converts none.
HELP_ONLY = {"pydantic": "Typer's option conversion; no option is converted for --help"}


def imported_by(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages a fresh ``python -m pledgetrack ARGS`` imports."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGETRACK_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pledgetrack", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    names = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in run.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "pledgetrack" in names  # the -X importtime listing was read
    return names, run


def heavy_in(names: set[str], heavy: dict[str, str]) -> list[str]:
    return sorted(f"{m}: {heavy[m]}" for m in names & heavy.keys())


def test_help_imports_no_heavy_library() -> None:
    names, run = imported_by("--help")
    assert run.returncode == 0
    assert "Usage" in run.stdout
    assert heavy_in(names, HEAVY | HELP_ONLY) == []


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--help"],
        ["report", "--help"],
        ["import", "progress", "--help"],
    ],
)
def test_a_command_help_imports_no_heavy_library(args: list[str]) -> None:
    names, run = imported_by(*args)
    assert run.returncode == 0
    assert "Usage" in run.stdout
    assert heavy_in(names, HEAVY) == []


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--no-such-option"],
        ["status", "--on", "1", "--as-of"],
        ["report", "--format"],
        ["no-such-command"],
    ],
)
def test_a_refused_option_imports_no_heavy_library(args: list[str]) -> None:
    names, run = imported_by(*args)
    assert run.returncode == 2
    assert heavy_in(names, HEAVY) == []


def test_the_test_sees_a_heavy_import() -> None:
    """The check is live: a command that opens the database does import SQLAlchemy."""
    names, run = imported_by("--db", "/nonexistent/dir/x.sqlite", "status")
    assert run.returncode == 2
    assert "sqlalchemy" in names
