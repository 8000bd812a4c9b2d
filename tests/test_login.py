"""Logging in (``pledgetrack --login``): the login screen, passwords, the limit on failed
logins across app processes, the audit of attempts, and the idle timeout.

Each test runs on SQLite and on PostgreSQL. The PostgreSQL half runs on a server of the
tests' own that checks passwords (tests/password_server.py): the shared test server lets
every login in (``trust``), and there a login is refused as unchecked (the last test).
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select
from textual.widgets import Input, Select

from pledgetrack.config import sqlite_url
from pledgetrack.domain.model import Policy
from pledgetrack.services.access import Role, add_user, set_user
from pledgetrack.services.audit import audit_json, list_audit
from pledgetrack.services.login import (
    Limit,
    LoggedIn,
    LoginRefused,
    LoginRules,
    LoginUnavailable,
    Refusal,
    locked_until,
    log_in,
    set_password,
)
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.tables import LoginAttempt, User
from pledgetrack.tui.app import PledgeApp, create_app
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.login import LoginScreen
from tests.backends import PG_URL, pg_schema_url, pg_url
from tests.conftest import DATA
from tests.password_server import password_server
from tests.test_tui_clerk import open_entry
from tests.tui_support import OCTOBER, SIZE, TODAY, settle, text_of, wait_until

CIVIL = "市民政局"
CULTURE = "市文化和旅游局"
PASSWORD = "correct-horse-1"


@dataclass
class Site:
    """A database with users who have passwords; *gate* is the server's configured
    connection (the owner's on PostgreSQL), which the login screen runs on."""

    backend: str
    gate: Engine
    tag: str

    def name(self, who: str) -> str:
        """The login of *who* (admin zhao, staff li of 市民政局, staff wang of
        市文化和旅游局, old: a deactivated staff member)."""
        return f"{who}_{self.tag}"

    def other_gate(self) -> Engine:
        """A second connection to the same database, as a second app process has."""
        return make_engine(self.gate.url.render_as_string(hide_password=False))


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    with password_server() as url:
        yield url


def _people(site: Site, *, database_roles: bool) -> None:
    gate, name = site.gate, site.name
    roles = dict(database_roles=database_roles, password=PASSWORD if database_roles else None)
    add_user(gate, login=name("zhao"), role="admin", actor="owner", **roles)  # type: ignore[arg-type]
    more = dict(actor=name("zhao"), **roles)
    add_user(gate, login=name("li"), role="staff", department=CIVIL, **more)  # type: ignore[arg-type]
    add_user(gate, login=name("wang"), role="staff", department=CULTURE, **more)  # type: ignore[arg-type]
    add_user(gate, login=name("old"), role="staff", department=CIVIL, **more)  # type: ignore[arg-type]
    set_user(gate, name("old"), active=False, actor=name("zhao"), database_roles=database_roles)
    if not database_roles:
        for who in ("zhao", "li", "wang", "old"):
            set_password(gate, name(who), PASSWORD, actor=name("zhao"))


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    tag = uuid.uuid4().hex[:6]
    if request.param == "sqlite":
        copy = tmp_path / "pledges.sqlite"
        shutil.copy(DATA / "pledges.sqlite", copy)
        gate = make_engine(sqlite_url(copy))
        site = Site("sqlite", gate, tag)
        _people(site, database_roles=False)
        yield site
        gate.dispose()
        return
    server = request.getfixturevalue("pg_server")
    owner = create_engine(server, isolation_level="AUTOCOMMIT")
    with owner.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "d_{tag}"'))
    gate = make_engine(make_url(server).set(database=f"d_{tag}").render_as_string(False))
    try:
        load_sample(gate, DATA)
        site = Site("postgresql", gate, tag)
        _people(site, database_roles=True)
        yield site
    finally:
        gate.dispose()
        with owner.connect() as conn:
            conn.execute(text(f'DROP DATABASE "d_{tag}" WITH (FORCE)'))
        owner.dispose()


def login_app(gate: Engine, *, lang: str = "zh", idle_timeout: float = 0) -> PledgeApp:
    return create_app(
        gate,
        lang=lang,
        policy=Policy(),
        as_of=OCTOBER,
        today=TODAY,
        login=LoginRules(idle_timeout=idle_timeout),
    )


async def type_login(pilot, name: str, password: str) -> LoginScreen:  # type: ignore[no-untyped-def]
    """Type *name*, Enter, *password*, Enter on the login screen; wait for the answer."""
    screen = pilot.app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#login-name", Input).value = name
    screen.query_one("#login-name", Input).focus()
    await pilot.press("enter")
    assert screen.query_one("#login-password", Input).has_focus
    screen.query_one("#login-password", Input).value = password
    await pilot.press("enter")
    await settle(pilot, until=lambda: not screen.checking)
    return screen


def close(done: LoggedIn, site: Site) -> None:
    """Close the person's connection of a login (PostgreSQL)."""
    if done.engine is not site.gate:
        done.engine.dispose()


# ---- the login screen -----------------------------------------------------------


async def test_a_good_login_opens_the_dashboard_as_that_user(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The OS account and PLEDGETRACK_USER say someone else: the login decides.
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: site.name("zhao"))
    monkeypatch.setenv("PLEDGETRACK_USER", site.name("zhao"))
    app = login_app(site.gate)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert app.user == "" and app.actor == ""
        password = screen.query_one("#login-password", Input)
        assert password.password  # masked
        assert text_of(app, "#login-title") == "pledgetrack 登录"
        await pilot.press("ctrl+p")  # no command palette before a login
        await settle(pilot)
        assert app.screen is screen
        await type_login(pilot, site.name("li"), PASSWORD)
        await settle(pilot, until=lambda: isinstance(app.screen, DashboardScreen))
        assert app.user == site.name("li")
        assert app.actor.role is Role.STAFF and app.actor.department == CIVIL  # type: ignore[union-attr]
        assert app.sub_title == f"{site.name('li')} (staff, {CIVIL})"
        if site.backend == "postgresql":
            # The session works through the person's own database login.
            with app.engine.connect() as conn:
                assert conn.execute(text("SELECT session_user")).scalar_one() == site.name("li")
    app.close_session()


async def test_a_wrong_password_is_refused_with_a_message(site: Site) -> None:
    app = login_app(site.gate)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await type_login(pilot, site.name("li"), "not-the-password")
        assert isinstance(app.screen, LoginScreen)
        assert screen.refusal is Refusal.WRONG
        assert text_of(app, "#login-message") == "用户名或密码错误。"
        assert screen.query_one("#login-password", Input).value == ""  # cleared
        # An unknown name gets the same answer.
        await type_login(pilot, "nobody", PASSWORD)
        assert text_of(app, "#login-message") == "用户名或密码错误。"
        # A deactivated user with the right password is told so; in English too.
        await type_login(pilot, site.name("old"), PASSWORD)
        assert screen.refusal is Refusal.DEACTIVATED
        await pilot.click("#login-lang")
        await settle(pilot)
        assert app.lang == "en"
        assert text_of(app, "#login-message") == "This user is deactivated: ask an admin."
        assert text_of(app, "#login-title") == "pledgetrack — log in"
        assert app.user == ""


async def test_failed_logins_lock_the_name_across_two_app_processes(site: Site) -> None:
    """Two apps on one database, as two browser sessions of `pledgetrack serve`: five
    failures between them lock the name in both, the right password included."""
    second_gate = site.other_gate()
    first, second = login_app(site.gate), login_app(second_gate, lang="en")
    li = site.name("li")
    try:
        async with first.run_test(size=SIZE) as one, second.run_test(size=SIZE) as two:
            await settle(one)
            await settle(two)
            for pilot in (one, two, one, two):
                screen = await type_login(pilot, li, "wrong-password")
                assert screen.refusal is Refusal.WRONG
                assert "Too many" not in screen.said and "次数过多" not in screen.said
            screen = await type_login(one, li, "wrong-password")  # the fifth
            assert screen.said.startswith("登录失败次数过多，该用户名暂不能登录，请于")
            screen = await type_login(two, li, PASSWORD)
            assert screen.refusal is Refusal.LOCKED
            assert screen.said.startswith("Too many failed logins for this name: try again after ")
            assert isinstance(second.screen, LoginScreen) and second.user == ""
            # Another name is not locked.
            await type_login(two, site.name("wang"), PASSWORD)
            await settle(two, until=lambda: isinstance(second.screen, DashboardScreen))
            assert second.user == site.name("wang")
        second.close_session()
    finally:
        second_gate.dispose()
    with Session(site.gate) as session:
        attempts = session.exec(
            select(LoginAttempt.reason).where(LoginAttempt.login == li).order_by(LoginAttempt.id)
        ).all()
    assert attempts == ["wrong"] * 5 + ["locked"]


async def test_staff_who_log_in_enter_only_their_own_departments_figures(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: site.name("zhao"))
    app = login_app(site.gate)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_login(pilot, site.name("li"), PASSWORD)
        await settle(pilot, until=lambda: isinstance(app.screen, DashboardScreen))
        screen = await open_entry(pilot, "28")  # 28 is 市文化和旅游局's: li's own opens
        assert screen.department == CIVIL
        assert screen.sheet is not None and not screen.sheet.read_only
        screen.query_one("#entry-department", Select).value = CULTURE
        await settle(pilot, until=lambda: screen.sheet is not None and screen.sheet.read_only)
        assert screen.sheet.refusal is not None
        assert screen.sheet.refusal.reason == "other_department"
        assert screen.query_one("#entry-readonly").display
    app.close_session()


async def test_the_session_ends_after_the_idle_timeout(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    # A key is activity: it restarts the wait.
    app = login_app(site.gate, idle_timeout=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.last_input
        await pilot.press("x")
        assert app.last_input > before
        assert not app.timed_out
    # Without one the app exits: on the login screen too.
    app = login_app(site.gate, idle_timeout=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.timed_out)
    assert app.timed_out
    assert app.return_code == 0
    # Said once it has exited.
    assert "0.0033分钟无操作，已退出登录。" in capsys.readouterr().err


async def test_the_idle_timeout_ends_a_logged_in_session_too(site: Site) -> None:
    app = login_app(site.gate, lang="en", idle_timeout=3600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_login(pilot, site.name("zhao"), PASSWORD)
        await settle(pilot, until=lambda: isinstance(app.screen, DashboardScreen))
        assert not app.timed_out
        # An hour without a key (not waited for: the clock of the last input is set back).
        app.last_input -= 3600
        app._check_idle()
        await wait_until(pilot, lambda: app.timed_out)
    app.close_session()
    assert app.engine is app.gate  # the person's connection is closed


# ---- the service: counting, lifting, auditing -----------------------------------


def test_a_locked_name_may_try_again_when_the_oldest_failure_leaves_the_window(
    site: Site,
) -> None:
    li = site.name("li")
    limit = Limit(failures=3, window=timedelta(minutes=15))
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    for minute in range(3):
        with pytest.raises(LoginRefused) as refused:
            log_in(site.gate, li, "wrong-password", limit=limit, now=start.replace(minute=minute))
        assert refused.value.reason is Refusal.WRONG
    # The third failure says when: the first failure's time plus the window.
    assert refused.value.retry_at == start + timedelta(minutes=15)
    assert locked_until(site.gate, li, now=start.replace(minute=5), limit=limit) == (
        start + timedelta(minutes=15)
    )
    with pytest.raises(LoginRefused) as refused:
        log_in(site.gate, li, PASSWORD, limit=limit, now=start.replace(minute=14))
    assert refused.value.reason is Refusal.LOCKED
    # Attempts while locked are not counted: at 09:15 the first failure has left.
    done = log_in(site.gate, li, PASSWORD, limit=limit, now=start.replace(minute=15))
    close(done, site)
    assert done.actor.login == li
    # A success starts the count again.
    for minute in (16, 17):
        with pytest.raises(LoginRefused):
            log_in(site.gate, li, "wrong-password", limit=limit, now=start.replace(minute=minute))
    assert locked_until(site.gate, li, now=start.replace(minute=18), limit=limit) is None


def test_every_attempt_is_audited_without_the_password(site: Site) -> None:
    li = site.name("li")
    with pytest.raises(LoginRefused):
        log_in(site.gate, li, "wrong-password-123")
    done = log_in(site.gate, li, PASSWORD)
    close(done, site)
    with pytest.raises(LoginRefused):
        log_in(site.gate, "  ", PASSWORD)  # empty: nothing checked, nothing recorded
    entries = [audit_json(e) for e in list_audit(site.gate) if e.entity == "login"]
    assert [(e["user"], e["action"], e["after"]) for e in entries] == [
        (li, "login.failed", {"reason": "wrong"}),
        (li, "login.ok", None),
    ]
    every = str([audit_json(e) for e in list_audit(site.gate)])
    assert "wrong-password-123" not in every and PASSWORD not in every


def test_a_user_changes_their_own_password_through_their_own_session(site: Site) -> None:
    """SQLite stores a new hash; PostgreSQL changes the person's database login (ALTER
    ROLE, connected as that person)."""
    li = site.name("li")
    done = log_in(site.gate, li, PASSWORD)
    set_password(done.engine, li, "a-new-password-2", actor=done.actor)
    close(done, site)
    with pytest.raises(LoginRefused) as refused:
        log_in(site.gate, li, PASSWORD)
    assert refused.value.reason is Refusal.WRONG
    done = log_in(site.gate, li, "a-new-password-2")
    assert done.actor.login == li
    close(done, site)
    [entry] = [
        e
        for e in list_audit(site.gate)
        if e.action == "user.password" and e.after == {"login": li} and e.user_login == li
    ]
    assert entry.acting_for is None


def test_on_postgresql_the_login_screen_needs_the_owners_connection(site: Site) -> None:
    """A person's login cannot read or clear the failed-login counter: as the gate it
    checks no login, and says why."""
    if site.backend != "postgresql":
        pytest.skip("PostgreSQL: SQLite has no logins of its own")
    li = site.name("li")
    url = site.gate.url.set(username=li, password=PASSWORD)
    as_li = make_engine(url.render_as_string(hide_password=False))
    try:
        with pytest.raises(LoginUnavailable, match="permission denied for table login_attempt"):
            log_in(as_li, site.name("wang"), PASSWORD)
        with as_li.connect() as conn, pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("DELETE FROM login_attempt"))
    finally:
        as_li.dispose()


def test_passwords_are_stored_as_argon2_hashes_and_set_by_the_user_or_an_admin(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    gate = make_engine(sqlite_url(copy))
    site = Site("sqlite", gate, "t")
    _people(site, database_roles=False)
    with Session(gate) as session:
        hashes = session.exec(select(User.password_hash)).all()
    assert all(h and h.startswith("$argon2id$") for h in hashes)
    assert len(set(hashes)) == len(hashes)  # salted: one password, four hashes
    # li sets their own; li may not set wang's.
    set_password(gate, "li_t", "another-pass-2", actor="li_t")
    from pledgetrack.services.access import PermissionDenied

    with pytest.raises(PermissionDenied, match="only they or an admin"):
        set_password(gate, "wang_t", "another-pass-2", actor="li_t")
    gate.dispose()
    assert b"another-pass-2" not in copy.read_bytes()
    assert PASSWORD.encode() not in copy.read_bytes()


@pytest.mark.skipif(not PG_URL, reason="needs PLEDGETRACK_TEST_DATABASE_URL")
def test_a_server_that_does_not_check_passwords_lets_nobody_log_in() -> None:
    """The shared test server lets every login in (trust): a login there proves nothing
    and is refused, whatever the password."""
    tag = uuid.uuid4().hex[:6]
    admin = f"zhao_{tag}"
    with pg_schema_url() as url:
        gate = make_engine(url)
        try:
            load_sample(gate, DATA)
            add_user(gate, login=admin, role=Role.ADMIN, actor="owner", database_roles=True)
            for password in (PASSWORD, "anything-at-all"):
                with pytest.raises(LoginRefused) as refused:
                    log_in(gate, admin, password)
                assert refused.value.reason is Refusal.UNCHECKED
        finally:
            gate.dispose()
    server = create_engine(pg_url(), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{admin}"'))
    server.dispose()
