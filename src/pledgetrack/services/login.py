"""Logging in (``pledgetrack --login``): who the person at the login screen is.

The identity comes from a password checked here or by the database server, never
from the environment (``PLEDGETRACK_USER``, ``--user``) or the OS account:

- **SQLite**: the user's password, which ``pledgetrack user set-password`` stores as an
  Argon2id hash (argon2-cffi's PasswordHasher: a random salt and the cost parameters
  inside the string) in ``app_user.password_hash``. The password itself is never
  stored, logged or written to the audit trail.
- **PostgreSQL**: the person's own database login and password. The session connects
  as that login (the server's configured URL with their name and password), so the
  server checks the password and the database's own rules (grants, row-level security,
  docs/SECURITY.md) hold for everything the session does. A server that lets the login
  in without asking for its password (pg_hba.conf ``trust``) proves nothing: such a
  login is refused.

Either way the login must be an active user of this database (``app_user``).

Failed logins are counted in the database (``login_attempt``, migration 0009), so the
limit holds across every app process on it (``pledgetrack serve`` runs one per browser
session): after *failures* failed logins of one name within *window*, counted since
that name's last successful login, the name is refused until the oldest of them is
*window* old. Attempts made meanwhile are refused without looking at the password and
are not counted. The counter is kept by the connection the login screen runs on: the
SQLite file, or on PostgreSQL the server's configured URL (the owner's login: no person
may read or clear it). Every attempt is audited: ``login.ok``, ``login.failed`` with the
reason, never a password.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session, col, select

from pledgetrack.services.access import (
    Actor,
    InvalidUser,
    PermissionDenied,
    Role,
    acting,
    unknown_user,
)
from pledgetrack.services.audit import Change, write_audit
from pledgetrack.services.faults import database_label, explain
from pledgetrack.storage.db import (
    DEFAULT_LOCK_WAIT,
    encrypted_password,
    make_engine,
    server_checked_password,
    session_scope,
)
from pledgetrack.storage.tables import LoginAttempt, User

if TYPE_CHECKING:
    from argon2 import PasswordHasher

#: Failed logins of one name within WINDOW before it is refused for a while.
FAILURES = 5
WINDOW = timedelta(minutes=15)
#: The shortest password ``set-password`` takes.
MIN_LENGTH = 8


class Refusal(StrEnum):
    """Why a login was refused (stored in ``login_attempt.reason`` and the audit)."""

    #: No name or no password typed: nothing is checked, counted or audited.
    EMPTY = "empty"
    #: An unknown name or a wrong password (one answer for both).
    WRONG = "wrong"
    #: Too many failures of this name lately: refused without looking at the password.
    LOCKED = "locked"
    #: The password is right, but the user is deactivated.
    DEACTIVATED = "deactivated"
    #: PostgreSQL: the server's login is right, but it is not a user of this database.
    NOT_USER = "not_user"
    #: PostgreSQL: the server let the login in without checking its password.
    UNCHECKED = "unchecked"


#: ``login_attempt.reason`` of an attempt still being checked: counted as a failure (an
#: app process that dies while checking leaves one), so concurrent tries cannot pass the
#: limit together.
PENDING = "pending"
#: ``login_attempt.reason`` of an attempt the database could not check (server down).
UNCHECKABLE = "error"
#: The reasons that count towards the limit.
COUNTED = (Refusal.WRONG.value, PENDING)


class LoginRefused(Exception):
    """A refused login; a front end words *reason* in the person's language. For a
    locked name (or the failure that locked it), *retry_at* says when to try again."""

    def __init__(self, reason: Refusal, login: str, *, retry_at: datetime | None = None) -> None:
        when = f"; try again after {retry_at.isoformat(timespec='minutes')}" if retry_at else ""
        super().__init__(f"login {login!r} refused: {reason.value}{when}")
        self.reason = reason
        self.login = login
        self.retry_at = retry_at


class LoginUnavailable(RuntimeError):
    """The database cannot be reached to check a login (one line: why)."""


@dataclass(frozen=True)
class LoggedIn:
    """A successful login: who, and the engine the session works through (on
    PostgreSQL a connection as the person, which the caller closes when done)."""

    actor: Actor
    engine: Engine


@dataclass(frozen=True)
class Limit:
    """How many failures of one name, within how long, lock it."""

    failures: int = FAILURES
    window: timedelta = WINDOW


@dataclass(frozen=True)
class LoginRules:
    """What a login session is held to (the settings login_failures, login_window,
    session_timeout and lock_wait)."""

    limit: Limit = Limit()
    lock_wait: float = DEFAULT_LOCK_WAIT
    #: Seconds without a key or a mouse event before the session ends; 0: never.
    idle_timeout: float = 0.0


# ---- logging in -----------------------------------------------------------------


def log_in(
    gate: Engine,
    login: str,
    password: str,
    *,
    limit: Limit = Limit(),
    now: datetime | None = None,
    lock_wait: float = DEFAULT_LOCK_WAIT,
) -> LoggedIn:
    """Check *login* and *password* on the database of *gate* (the server's configured
    connection); :class:`LoginRefused` with the reason, :class:`LoginUnavailable` when the
    database cannot be reached or refuses the check (on PostgreSQL a *gate* that is not
    the owner's may not read ``login_attempt``). Every attempt is recorded and audited
    (not an empty one)."""
    name = login.strip()[:100]
    if not name or not password:
        raise LoginRefused(Refusal.EMPTY, name)
    try:
        return _log_in(gate, name, password, limit, now or datetime.now(UTC), lock_wait)
    except DBAPIError as exc:
        url = gate.url.render_as_string(hide_password=False)
        raise LoginUnavailable(
            explain(exc, url=url, lock_wait=lock_wait) or str(exc).splitlines()[0]
        ) from None


def _log_in(
    gate: Engine, name: str, password: str, limit: Limit, now: datetime, lock_wait: float
) -> LoggedIn:
    attempt, retry_at = _reserve(gate, name, now, limit)
    if retry_at is not None:
        raise LoginRefused(Refusal.LOCKED, name, retry_at=retry_at)
    try:
        if gate.dialect.name == "postgresql":
            done = _check_server(gate, name, password, lock_wait)
        else:
            done = LoggedIn(_check_stored(gate, name, password), gate)
    except LoginRefused as refused:
        _settle(gate, attempt, name, now, refused.reason.value)
        if refused.reason is Refusal.WRONG:
            refused.retry_at = locked_until(gate, name, now=now, limit=limit)
        raise
    except BaseException:
        _settle(gate, attempt, name, now, UNCHECKABLE)
        raise
    _settle(gate, attempt, name, now, "")
    return done


def locked_until(
    engine: Engine,
    login: str,
    *,
    now: datetime | None = None,
    limit: Limit = Limit(),
) -> datetime | None:
    """When *login* may try again, or None when it is not locked now."""
    with Session(engine) as session:
        return _locked_until(session, login, now or datetime.now(UTC), limit)


def _reserve(gate: Engine, name: str, now: datetime, limit: Limit) -> tuple[int, datetime | None]:
    """Record the attempt as pending, and say when the name may try again when it is
    locked (the attempt is then recorded and audited as locked). The insert comes first:
    on SQLite it takes the write lock, on PostgreSQL an advisory lock on the name does,
    so concurrent app processes count one another's attempts."""
    with session_scope(gate) as session:
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext('pledgetrack login ' || :n))"),
                {"n": name},
            )
        attempt = LoginAttempt(login=name, at=now, ok=False, reason=PENDING)
        session.add(attempt)
        session.flush()
        assert attempt.id is not None
        retry_at = _locked_until(session, name, now, limit, besides=attempt.id)
        if retry_at is not None:
            attempt.reason = Refusal.LOCKED.value
            session.add(attempt)
            _audit(session, name, now, attempt.id, Refusal.LOCKED.value)
    return attempt.id, retry_at


def _settle(gate: Engine, attempt: int, name: str, now: datetime, reason: str) -> None:
    """The attempt's outcome ("" = success), in the table and the audit trail."""
    with session_scope(gate) as session:
        row = session.get(LoginAttempt, attempt)
        if row is not None:
            row.ok = not reason
            row.reason = reason
            session.add(row)
        _audit(session, name, now, attempt, reason)


def _audit(session: Session, name: str, now: datetime, attempt: int, reason: str) -> None:
    change = (
        Change("login.ok", "login", attempt)
        if not reason
        else Change("login.failed", "login", attempt, after={"reason": reason})
    )
    write_audit(session, user=name, at=now, changes=[change])


def _locked_until(
    session: Session, name: str, now: datetime, limit: Limit, *, besides: int | None = None
) -> datetime | None:
    """The failures of *name* within the window since its last success: when the oldest
    of the last *limit.failures* of them leaves the window, if there are that many."""
    since = now - limit.window
    last_ok = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.login == name,
            LoginAttempt.ok == True,  # noqa: E712
        )
    ).one()
    if last_ok is not None:
        since = max(since, _utc(last_ok))
    query = (
        select(LoginAttempt.at)
        .where(
            LoginAttempt.login == name,
            LoginAttempt.at > since,
            col(LoginAttempt.reason).in_(COUNTED),
        )
        .order_by(col(LoginAttempt.at).desc())
        .limit(limit.failures)
    )
    if besides is not None:
        query = query.where(LoginAttempt.id != besides)
    failed = session.exec(query).all()
    if len(failed) < limit.failures:
        return None
    return _utc(failed[-1]) + limit.window


def _check_stored(gate: Engine, name: str, password: str) -> Actor:
    """SQLite: the user whose stored hash *password* matches (LoginRefused otherwise)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    with Session(gate) as session:
        user = session.exec(select(User).where(User.login == name)).first()
    hasher = _hasher()
    stored = user.password_hash if user is not None else None
    try:
        # An unknown name costs the same time as a wrong password: it tells nothing.
        hasher.verify(stored or _decoy(), password)
    except (VerificationError, InvalidHashError):
        raise LoginRefused(Refusal.WRONG, name) from None
    if user is None or stored is None:
        raise LoginRefused(Refusal.WRONG, name)
    if not user.active:
        raise LoginRefused(Refusal.DEACTIVATED, name)
    if hasher.check_needs_rehash(stored):  # the parameters of this library version
        with session_scope(gate) as session:
            fresh = session.get(User, user.id)
            if fresh is not None:
                fresh.password_hash = hasher.hash(password)
                session.add(fresh)
    return Actor.resolve(gate, name)


def _check_server(gate: Engine, name: str, password: str, lock_wait: float) -> LoggedIn:
    """PostgreSQL: connect as *name* with *password*; the server says whether they fit."""
    person = gate.url.set(username=name, password=password)
    engine = make_engine(person.render_as_string(hide_password=False), lock_wait=lock_wait)
    try:
        with engine.connect() as conn:
            if not server_checked_password(conn):
                raise LoginRefused(Refusal.UNCHECKED, name)
        actor = Actor.resolve(engine, name)
    except OperationalError as exc:
        engine.dispose()
        if _authentication_failed(exc):
            raise LoginRefused(Refusal.WRONG, name) from None
        url = gate.url.render_as_string(hide_password=False)
        raise LoginUnavailable(
            explain(exc, url=url, lock_wait=lock_wait) or f"cannot connect to {database_label(url)}"
        ) from None
    except BaseException:
        engine.dispose()
        raise
    if not actor.is_user:
        engine.dispose()
        reason = Refusal.DEACTIVATED if actor.role is not None else Refusal.NOT_USER
        raise LoginRefused(reason, name)
    return LoggedIn(actor, engine)


#: SQLSTATEs of a refused login: invalid_password, invalid_authorization_specification.
_AUTH_STATES = {"28P01", "28000"}


def _authentication_failed(exc: DBAPIError) -> bool:
    state = str(getattr(exc.orig, "sqlstate", "") or "")
    if state:
        return state in _AUTH_STATES
    # libpq's connection errors carry no SQLSTATE: the server's words say it.
    said = str(exc.orig).lower()
    if 'role "' in said and "does not exist" in said:  # a server that says so (trust)
        return True
    return "authentication failed" in said or "no pg_hba.conf entry" in said


# ---- passwords ------------------------------------------------------------------


@cache
def _hasher() -> PasswordHasher:
    """Argon2id with the library's recommended parameters (RFC 9106's second choice)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _decoy() -> str:
    """A hash no password typed at the login screen is checked against for real."""
    return _hasher().hash("pledgetrack: no such user")


def checked_password(password: str) -> str:
    """*password* if it can be one (InvalidUser naming why not)."""
    if not password:
        raise InvalidUser("the password is empty")
    if not password.isprintable():
        raise InvalidUser("the password holds control characters (a tab, a line break, …)")
    if len(password) < MIN_LENGTH:
        raise InvalidUser(f"the password is too short: at least {MIN_LENGTH} characters")
    return password


def hash_password(password: str) -> str:
    """The Argon2id hash of *password* as stored (salt and parameters included)."""
    return _hasher().hash(checked_password(password))


def set_password(
    engine: Engine,
    login: str,
    password: str,
    *,
    actor: Actor | str | None = None,
    now: datetime | None = None,
) -> None:
    """Set *login*'s login password: the user themselves, or an admin. SQLite stores its
    Argon2id hash; PostgreSQL sets the password of their database login (``ALTER ROLE``
    with the verifier computed here, so the password never reaches the server's logs).
    The audit trail says who set whose password, never the password or its hash."""
    password = checked_password(password)
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        me = acting(session, actor)
        user = session.exec(select(User).where(User.login == login)).first()
        if user is None:
            raise unknown_user(session, login)
        me.require_user()
        admin = me.single_user or me.role is Role.ADMIN or bool(me.acting_for)
        if not admin and me.login != login:
            raise PermissionDenied(
                f"{me.label()} cannot set {login}'s password: only they or an admin may "
                f"({me._admins()})"
            )
        conn = session.connection()
        if conn.dialect.name == "postgresql":
            _set_server_password(session, login, password)
        else:
            user.password_hash = hash_password(password)
            session.add(user)
        write_audit(
            session,
            user=me.recorder,
            acting_for=me.acting_for,
            at=now,
            changes=[Change("user.password", "user", user.id, after={"login": login})],
        )


def _set_server_password(session: Session, login: str, password: str) -> None:
    conn = session.connection()
    if (
        conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}).first()
        is None
    ):
        raise InvalidUser(
            f"the server has no login {login!r}: 'pledgetrack user add' makes one on "
            "PostgreSQL (or CREATE ROLE … LOGIN, by the owner)"
        )
    quoted = conn.dialect.identifier_preparer.quote(login)
    verifier = encrypted_password(conn, login, password).replace("'", "''")
    try:
        with conn.begin_nested():
            conn.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD '{verifier}'")
    except DBAPIError as exc:
        said = str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc)
        raise PermissionDenied(f"the server refused to set {login}'s password: {said}") from None


def _utc(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at
