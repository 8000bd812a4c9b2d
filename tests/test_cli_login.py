"""The command line of logins: ``user set-password`` (SQLite; PostgreSQL's is in
tests/test_login.py's server), and ``--login``, which takes who acts from the login
screen alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.config import sqlite_url
from pledgetrack.services.access import add_user, os_account
from pledgetrack.services.login import LoginRules, log_in
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.tables import User

runner = CliRunner()
CIVIL = "市民政局"


@pytest.fixture
def staffed(cli_db: Path) -> Path:
    """The shipped database with users: the OS account running the tests is the admin,
    li and wang are staff."""
    engine = make_engine(sqlite_url(cli_db))
    me = os_account()
    add_user(engine, login=me, role="admin", actor=me)
    add_user(engine, login="li", role="staff", department=CIVIL, actor=me)
    add_user(engine, login="wang", role="staff", department=CIVIL, actor=me)
    engine.dispose()
    return cli_db


def run(db: Path, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), *args], input=stdin)


def stored_hash(db: Path, login: str) -> str | None:
    engine = make_engine(sqlite_url(db))
    with Session(engine) as session:
        found = session.exec(select(User.password_hash).where(User.login == login)).one()
    engine.dispose()
    return found


def test_set_password_from_standard_input_stores_a_hash_that_logs_in(staffed: Path) -> None:
    result = run(staffed, "user", "set-password", "li", "--password-stdin", stdin="long-enough-1\n")
    assert result.exit_code == 0, result.output
    assert result.output == "password set for li\n"
    assert (stored_hash(staffed, "li") or "").startswith("$argon2id$")
    engine = make_engine(sqlite_url(staffed))
    assert log_in(engine, "li", "long-enough-1").actor.login == "li"
    engine.dispose()


def test_set_password_asks_twice_without_echo(staffed: Path) -> None:
    result = run(staffed, "user", "set-password", "li", stdin="typed-twice-1\ntyped-twice-1\n")
    assert result.exit_code == 0, result.output
    assert "typed-twice-1" not in result.output
    assert "password set for li" in result.output
    assert stored_hash(staffed, "li") is not None


@pytest.mark.parametrize(
    ("stdin", "said"),
    [
        ("first-typing-1\nsecond-typing-2\n", "the two passwords differ: nothing was changed"),
        ("\n\n", "the password is empty: nothing was changed"),
        ("short\nshort\n", "the password is too short: at least 8 characters"),
    ],
)
def test_set_password_refuses_a_mismatch_an_empty_or_a_short_password(
    staffed: Path, stdin: str, said: str
) -> None:
    result = run(staffed, "user", "set-password", "li", stdin=stdin)
    assert result.exit_code == 2
    assert said in result.output
    assert stored_hash(staffed, "li") is None


def test_set_password_refuses_an_empty_or_controlled_line_on_standard_input(
    staffed: Path,
) -> None:
    for stdin, said in (("\n", "the password is empty"), ("tab\there-123\n", "control characters")):
        result = run(staffed, "user", "set-password", "li", "--password-stdin", stdin=stdin)
        assert result.exit_code == 2
        assert said in result.output
    assert stored_hash(staffed, "li") is None


def test_set_password_of_an_unknown_user_is_refused_before_asking(staffed: Path) -> None:
    result = run(staffed, "user", "set-password", "nobody", stdin="long-enough-1\nlong-enough-1\n")
    assert result.exit_code == 2
    users = ", ".join(sorted(["li", "wang", os_account()]))
    assert f"no user 'nobody' (users: {users})" in result.output
    assert "password:" not in result.output  # not asked


def test_staff_set_their_own_password_not_anothers(
    staffed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: "li")
    own = run(staffed, "user", "set-password", "li", "--password-stdin", stdin="my-own-pass-1\n")
    assert own.exit_code == 0, own.output
    other = run(staffed, "user", "set-password", "wang", "--password-stdin", stdin="not-mine-12\n")
    assert other.exit_code == 2
    assert "li (staff, 市民政局) cannot set wang's password: only they or an admin may" in (
        other.output
    )
    assert stored_hash(staffed, "wang") is None


# ---- --login --------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What `run_tui` was called with, instead of opening the TUI."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        "pledgetrack.tui.app.run_tui", lambda engine, **kwargs: calls.append(kwargs)
    )
    return calls


def test_login_opens_the_tui_behind_a_login_screen_whatever_pledgetrack_user_says(
    staffed: Path, opened: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # li is no admin, so PLEDGETRACK_USER=wang would be refused (test_access); with
    # --login it is not read at all: the login screen says who acts.
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: "li")
    monkeypatch.setenv("PLEDGETRACK_USER", "wang")
    monkeypatch.setenv("PLEDGETRACK_SESSION_TIMEOUT", "5")
    result = run(staffed, "--login")
    assert result.exit_code == 0, result.output
    [call] = opened
    rules = call["login"]
    assert isinstance(rules, LoginRules)
    assert rules.idle_timeout == 300
    assert (rules.limit.failures, rules.limit.window.total_seconds()) == (5, 15 * 60)
    assert call.get("user", "") == ""


def test_login_refuses_user_and_a_command(staffed: Path, opened: list[dict[str, Any]]) -> None:
    with_user = run(staffed, "--login", "--user", "li")
    assert with_user.exit_code == 2
    assert "--login and --user: the login says who you are" in with_user.output
    command = run(staffed, "--login", "status")
    assert command.exit_code == 2
    assert "--login opens the terminal UI behind a login screen; it takes no command" in (
        command.output
    )
    assert opened == []


def test_a_negative_session_timeout_is_refused(
    staffed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLEDGETRACK_SESSION_TIMEOUT", "-1")
    result = run(staffed, "--login")
    assert result.exit_code == 2
    assert "PLEDGETRACK_SESSION_TIMEOUT" in result.output
