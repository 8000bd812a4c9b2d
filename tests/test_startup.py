"""What the program imports before it answers: ``pledgetrack --help`` and a refused option
answer at once (issue 15: under 0.3 s as the whole process), so they import none of the
libraries only a command's work needs. Measured with ``python -X importtime`` in a
fresh process, which lists every module the process imported — deterministic, unlike a
timing. docs/PERFORMANCE.md ("Start-up") has the times."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DATA

#: Never imported to show help or refuse an option, with what each is for and what it
#: costs to import on the reference machine (idle, whole process).
HEAVY = {
    "sqlalchemy": "the database layer (~0.1 s); only a command that opens a database",
    "sqlmodel": "the tables, over SQLAlchemy and pydantic",
    "numpy": "the rules over whole columns (~0.1 s); status, reports, the TUI",
    "textual": "the terminal UI (~0.3 s); only `pledgetrack` with no command",
    "pydantic_settings": "no longer used: the settings are read by config.py's own reader",
    "openpyxl": "xlsx import and reports",
    "docx": "docx reports",
    "alembic": "migrations; `db upgrade` and a new database",
    "plotext": "the TUI's chart",
    "psycopg": "the PostgreSQL driver",
    "rich": "the CLI's tables and messages (~0.04 s); help and option errors are plain text",
    "markdown_it": "Typer's rich help formatter (~0.05 s); the app uses the plain one",
    "pydantic": "Typer's option conversion (~0.06 s to import, more to build its adapters): "
    "text, choices and switches are converted without it (cli.app.lighten); only a value "
    "Typer must convert (a number, a bad choice) builds pydantic's adapter",
}


def imported_by(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages a fresh ``python -m pledgetrack ARGS`` imports."""
    modules, run = modules_imported_by(*args)
    return {name.split(".")[0] for name in modules}, run


def modules_imported_by(*args: str) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """Every module a fresh ``python -m pledgetrack ARGS`` imports, by its full name."""
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
        line.rsplit("|", 1)[1].strip()
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
    assert heavy_in(names, HEAVY) == []


@pytest.mark.parametrize(
    "args",
    [
        ["status", "--help"],
        ["report", "--help"],
        ["forecast", "--help"],
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
    names, run = imported_by("--db", "/nonexistent/dir/x.sqlite", "audit")
    assert run.returncode == 2
    assert "sqlalchemy" in names


@pytest.mark.parametrize(
    "args",
    [
        ["--lang", "xx", "status"],
        ["status", "--as-of"],
        ["forecast", "--as-of"],
        ["record"],
        ["audit", "--limit", "many"],
    ],
)
def test_an_argument_error_imports_no_heavy_library(args: list[str]) -> None:
    """Refused before a command runs: nothing a command's work needs is imported. A bad
    choice or number is worded by Typer's own (pydantic) conversion, as it always was."""
    names, run = imported_by(*args)
    assert run.returncode == 2
    worded_by_typer = {"xx", "many"} & set(args)
    assert heavy_in(names, HEAVY) == ([f"pydantic: {HEAVY['pydantic']}"] if worded_by_typer else [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "xx", "status"], "Invalid value for '--lang': Value error, 'xx' is not one of 'zh', 'en'."),
        (["audit", "--limit", "many"], "Invalid value for '--limit': Input should be a valid integer, unable to parse string as an integer"),
    ],
)  # fmt: skip
def test_a_value_typer_converts_is_refused_in_typers_words(args: list[str], message: str) -> None:
    _, run = imported_by(*args)
    assert run.returncode == 2
    assert message in " ".join(run.stderr.split())


def test_plain_options_are_typers_values() -> None:
    """cli.app.lighten gives what Typer's own conversion gives: text, a choice in any
    case Typer takes, a switch, nothing."""
    import typer.main

    from pledgetrack.cli import app
    from pledgetrack.cli.app import lighten

    def converted(quick: bool, args: list[str]) -> dict[str, object]:
        group = typer.main.get_command(app)
        command = group.commands["status"]
        ctx = group.make_context("pledgetrack", ["status"], resilient_parsing=True)
        if quick:
            lighten(command, ctx)
        sub = command.make_context("status", list(args), parent=ctx)
        return dict(sub.params)

    for args in (
        [],
        ["--as-of", "2020-10", "--plan", "P", "--department", "市教育局", "--lang", "en"],
        ["--json", "--summary", "--approved-only", "--lang", "zh"],
        ["--as-of", ""],
    ):
        assert converted(True, args) == converted(False, args), args


#: Not needed by a status on SQLite, with what it is for and costs.
NOT_FOR_STATUS = {
    "textual": "the terminal UI",
    "openpyxl": "xlsx import and reports",
    "docx": "docx reports",
    "alembic": "migrations; the schema check reads the revision lines instead",
    "plotext": "the TUI's chart",
    "psycopg": "the PostgreSQL driver",
    "mako": "Alembic's templates",
    "pledgetrack.reports": "the month report and its renderers",
    "pledgetrack.exchange": "file import and export",
    "pledgetrack.tui": "the terminal UI",
    "sqlalchemy.dialects.postgresql": "SQLAlchemy's PostgreSQL dialect loads every "
    "driver's module (~0.05–0.1 s); a SQLite session never needs it",
    "rich.progress": "the progress line of imports and reports",
    "sqlalchemy": "the database layer (~0.17 s idle): a status on a SQLite file reads it "
    "with the standard library's sqlite3 (storage.sqlite_status)",
    "sqlmodel": "the table classes' base (~0.07 s)",
    "pledgetrack.storage.tables": "building the table classes (~0.06 s)",
    "pledgetrack.storage.db": "the SQLAlchemy engine",
    "pydantic": "the settings (config.py reads them itself) and Typer's conversion of "
    "--db, --as-of and the switches (cli.app.lighten): ~0.1 s with pydantic-settings",
    "pydantic_settings": "no longer used",
}


@pytest.mark.parametrize("extra", [[], ["--summary"], ["--json"]])
def test_status_on_a_sqlite_file_imports_only_what_it_uses(
    tmp_path: Path, extra: list[str]
) -> None:
    db = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", db)
    modules, run = modules_imported_by("--db", str(db), "status", "--as-of", "2020-10-31", *extra)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip()
    not_needed = dict(NOT_FOR_STATUS)
    for other in ("report", "progress", "users", "review", "evidence", "breakdown", "serve"):
        not_needed[f"pledgetrack.cli.{other}"] = "another command's module (pledgetrack.entry)"
    if extra:  # the summary and the JSON are plain text: cli.status_text
        not_needed["rich"] = "the table's layout (cli.render); --summary and --json print text"
        not_needed["pledgetrack.cli.render"] = "the tables (rich)"
    unneeded = sorted(
        f"{m}: {why}"
        for m, why in not_needed.items()
        if m in modules or any(n.startswith(m + ".") for n in modules)
    )
    assert unneeded == []


def test_the_command_line_starts_numpy_with_one_blas_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """OpenBLAS's thread per core cost ~0.05 s of CPU at numpy's import; pledgetrack does
    no linear algebra. A value the person set is kept."""
    import pledgetrack.cli as cli
    import pledgetrack.entry as entry

    seen: list[str | None] = []
    monkeypatch.setattr(cli, "app", lambda: seen.append(os.environ.get("OPENBLAS_NUM_THREADS")))
    for main in (cli.main, entry.main):
        monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
        main()
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
        main()
    assert seen == ["1", "4", "1", "4"]


def test_the_entry_knows_which_module_registers_each_command() -> None:
    """pledgetrack.entry's table of commands is what the modules register."""
    from pledgetrack.cli import MODULES, app
    from pledgetrack.entry import COMMAND_MODULES

    registered = {
        (c.name or c.callback.__name__): c.callback.__module__  # type: ignore[union-attr]
        for c in app.registered_commands
    } | {
        g.name: g.typer_instance.registered_commands[0].callback.__module__  # type: ignore[union-attr]
        for g in app.registered_groups
    }
    assert {k: f"pledgetrack.cli.{v}" for k, v in COMMAND_MODULES.items()} == registered
    assert set(COMMAND_MODULES.values()) == set(MODULES)


@pytest.mark.parametrize(
    ("args", "module"),
    [
        (["status", "--summary"], "status"),
        (["--db", "x.sqlite", "--lang", "en", "status"], "status"),
        (["--db=x.sqlite", "--user", "li", "import", "progress", "f.csv"], "progress"),
        (["--login"], None),
        (["--help"], None),
        (["--db", "status"], None),  # --db's value, then no command: the TUI
        (["statuss"], None),
        ([], None),
        (["user", "list"], "users"),
    ],
)
def test_the_entry_reads_the_invoked_command(args: list[str], module: str | None) -> None:
    from pledgetrack.entry import command_module

    assert command_module(args) == module


def test_a_command_registers_only_its_module() -> None:
    """`pledgetrack audit` imports no other command's module; what it prints (help,
    refusals) is what it prints with every module registered."""
    modules, run = modules_imported_by("audit", "--limit", "x")
    assert run.returncode == 2
    assert "pledgetrack.cli.status" not in modules and "pledgetrack.cli.report" not in modules

    def as_run_by(entry: str, args: list[str]) -> tuple[int, str, str]:
        code = f"import sys; sys.argv[0] = 'pledgetrack'; from {entry} import main; main()"
        done = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
        )
        return done.returncode, done.stdout, done.stderr

    for args in (["audit", "--help"], ["audit", "--limit", "x"], ["statuss"], ["--help"]):
        assert as_run_by("pledgetrack.entry", args) == as_run_by("pledgetrack.cli", args), args
