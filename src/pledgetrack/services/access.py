"""People and roles: who may write what. Enforced here, for every front end.

Identity (:func:`resolve_identity`) is what the person cannot claim: on SQLite,
the OS account the process runs as (its real uid, never ``LOGNAME`` or ``USER``);
on PostgreSQL, the database login of the connection (``session_user``), unless that
login owns the tables (the deployment's owner, trusted with everything anyway), when
the OS account counts as on SQLite. The ``app_user`` table gives it a role — ``staff`` (enter and correct figures of their own department's
targets: items it leads or co-operates on), ``supervisor`` (see everything;
approve or return submitted figures; they do not enter figures) or ``admin``
(plans, users, and anything else). Everyone may read; a login that is not an
active user may only read.

A database without any user is in **single-user mode**: anyone may do
anything (the shipped sample, a personal database). The first user added must
be an admin; from then on the rules apply.

Services take ``actor`` as a login (or an :class:`Actor`, of which the login and
``by`` count): the role is read again inside the writing transaction, so a role
changed meanwhile takes effect at once. An admin acting for another user
(``--user li``) is an Actor with ``login="li", by="zhao"``: the figures are li's, the
writes are recorded as zhao's ("zhao for li").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import func, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from pledgetrack.domain.text import TextRefused, require_text
from pledgetrack.services.audit import Change, write_audit
from pledgetrack.services.person import (
    PermissionDenied,
    acting_refused,
    admins_text,
    may_act_for_others,
    os_account,
)
from pledgetrack.storage.breakdown_rows import units_of
from pledgetrack.storage.db import encrypted_password, session_scope
from pledgetrack.storage.tables import Department, ItemDepartment, Target, User


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class InvalidUser(ValueError):
    """A user change that makes no sense (unknown department, duplicate login, …)."""


@dataclass(frozen=True)
class EntryRefusal:
    """Why someone may not enter a department's figures; *reason* is one of
    ``not_user``, ``deactivated``, ``supervisor``, ``no_department``,
    ``other_department`` (their own department is *own*)."""

    reason: str
    login: str
    department: str
    own: str | None
    admins: tuple[str, ...]


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the database knows them."""

    login: str
    display_name: str = ""
    #: None: not a user (or deactivated) — read only.
    role: Role | None = None
    department: str | None = None
    department_id: int | None = None
    #: False for a deactivated user (role kept for the message).
    active: bool = False
    #: The database has no users: anyone may do anything.
    single_user: bool = False
    #: Active admins and supervisors, to say whom to ask.
    admins: tuple[str, ...] = ()
    supervisors: tuple[str, ...] = ()
    #: The person really acting when an admin acts for *login* ("": *login* itself).
    by: str = ""

    @property
    def recorder(self) -> str:
        """Who really writes: the admin acting for *login*, else *login*."""
        return self.by or self.login

    @property
    def acting_for(self) -> str | None:
        """The user acted for, when someone else really acts."""
        return self.login if self.by and self.by != self.login else None

    def shown(self) -> str:
        """``zhao for li``, or the login."""
        return f"{self.by} for {self.login}" if self.acting_for else self.login

    # ---- resolving ----------------------------------------------------------

    @classmethod
    def resolve(cls, engine: Engine, login: str | None = None) -> Actor:
        """The user *login* (default: the OS account), or an anonymous read-only actor."""
        with Session(engine) as session:
            return cls.load(session, login)

    @classmethod
    def load(cls, session: Session, login: str | None = None) -> Actor:
        """Like :meth:`resolve`, within an open session (the writing transaction)."""
        login = login or os_account()
        if session.exec(select(func.count()).select_from(User)).one() == 0:
            return cls(login=login, single_user=True)
        staffing = session.exec(
            select(User.login, User.role)
            .where(User.active == True, User.role != Role.STAFF.value)  # noqa: E712
            .order_by(User.login)
        ).all()
        admins = tuple(name for name, role in staffing if role == Role.ADMIN.value)
        supervisors = tuple(name for name, role in staffing if role == Role.SUPERVISOR.value)
        row = session.exec(
            select(User, Department.name)
            .join(Department, Department.id == User.department_id, isouter=True)  # type: ignore[arg-type]
            .where(User.login == login)
        ).first()
        if row is None:
            return cls(login=login, admins=admins, supervisors=supervisors)
        user, department = row
        return cls(
            login=login,
            display_name=user.display_name,
            role=Role(user.role),
            department=department,
            department_id=user.department_id,
            active=user.active,
            admins=admins,
            supervisors=supervisors,
        )

    # ---- what the actor is --------------------------------------------------

    @property
    def is_user(self) -> bool:
        """A known, active user."""
        return self.role is not None and self.active

    @property
    def can_write(self) -> bool:
        return self.single_user or self.is_user

    def may_review(self) -> bool:
        return self.single_user or (self.is_user and self.role in (Role.SUPERVISOR, Role.ADMIN))

    def may_enter_for(self, departments: Iterable[str]) -> bool:
        """Whether the actor may enter figures of an item answered for by *departments*."""
        if self.single_user or (self.is_user and self.role is Role.ADMIN):
            return True
        return (
            self.is_user
            and self.role is Role.STAFF
            and self.department is not None
            and self.department in departments
        )

    def entry_refusal(self, department: str) -> EntryRefusal | None:
        """Why the actor may not enter the figures of *department*'s sheet (None: they
        may): the same rules as :meth:`require_entry`, as a reason a front end words in
        the person's language."""
        if self.may_enter_for((department,)):
            return None
        if self.role is None:
            reason = "not_user"
        elif not self.active:
            reason = "deactivated"
        elif self.role is Role.SUPERVISOR:
            reason = "supervisor"
        elif self.department is None:
            reason = "no_department"
        else:
            reason = "other_department"
        return EntryRefusal(reason, self.login, department, self.department, self.admins)

    def label(self) -> str:
        """``li (staff, 市文化和旅游局)``."""
        if self.role is None:
            return self.login
        parts = [self.role.value] + ([self.department] if self.department else [])
        return f"{self.login} ({', '.join(parts)})"

    def _admins(self) -> str:
        return admins_text(self.admins)

    # ---- checks (raise PermissionDenied) ------------------------------------

    def require_user(self) -> None:
        """Any write at all: the actor must be an active user (or the database has none)."""
        if self.single_user or self.is_user:
            return
        if self.role is None:
            raise PermissionDenied(
                f"{self.login} is not a pledgetrack user: ask an admin ({self._admins()}) "
                "to add you; you can read but not write",
                reason="not_user",
                login=self.login,
                admins=self.admins,
            )
        raise PermissionDenied(
            f"{self.login} is deactivated: ask an admin ({self._admins()}) to reactivate you; "
            "you can read but not write",
            reason="deactivated",
            login=self.login,
            admins=self.admins,
        )

    def require_entry(self, departments_by_key: Mapping[str, Sequence[str]]) -> None:
        """Entering or correcting figures of these targets (key → departments of its item)."""
        self.require_user()
        refused = {
            key: depts for key, depts in departments_by_key.items() if not self.may_enter_for(depts)
        }
        if not refused:
            return
        keys = ", ".join(sorted(refused, key=_key_order))
        answer = "、".join(dict.fromkeys(d for depts in refused.values() for d in depts)) or "none"
        # The reasons and facts are EntryRefusal's (a front end words them, tui/refusals.py).
        facts = {"login": self.login, "department": answer, "own": self.department,
                 "admins": self.admins, "keys": keys}  # fmt: skip
        if self.role is Role.SUPERVISOR:
            raise PermissionDenied(
                f"{self.label()} cannot enter figures for {keys}: supervisors review figures, "
                f"they do not enter them; staff of {answer} enter them",
                reason="supervisor",
                **facts,
            )
        if self.department is None:
            raise PermissionDenied(
                f"{self.label()} has no department and cannot enter figures for {keys}: "
                f"ask an admin ({self._admins()}) to set your department",
                reason="no_department",
                **facts,
            )
        raise PermissionDenied(
            f"{self.label()} cannot enter figures for {keys}: not a target of "
            f"{self.department} (answered for by {answer}); ask staff of that department, "
            f"or an admin ({self._admins()}) if {self.department} should answer for it",
            reason="other_department",
            **facts,
        )

    def require_review(self) -> None:
        """Approving or returning figures: supervisors and admins."""
        self.require_user()
        if self.may_review():
            return
        supervisors = ", ".join(self.supervisors) or "none"
        raise PermissionDenied(
            f"{self.label()} cannot approve or return figures: only supervisors "
            f"(supervisors: {supervisors}) and admins ({self._admins()}) review figures",
            reason="not_reviewer",
            login=self.login,
            supervisors=self.supervisors,
            admins=self.admins,
        )

    def require_admin(self, what: str) -> None:
        """Plans and users: admins only. *what*, e.g. "import or change plans"."""
        self.require_user()
        if self.single_user or self.role is Role.ADMIN:
            return
        raise PermissionDenied(f"{self.label()} cannot {what}: only admins do ({self._admins()})")


def _key_order(key: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in key.split("."))


def acting(session: Session, actor: Actor | str | None) -> Actor:
    """The actor as the database knows them now (default: the OS account). An actor
    acting for another user (``by``) must still be an active admin."""
    login = actor.login if isinstance(actor, Actor) else actor
    by = actor.by if isinstance(actor, Actor) else ""
    me = Actor.load(session, login)
    if not by or by == me.login:
        return me
    real = Actor.load(session, by)
    if not (real.single_user or (real.is_user and real.role is Role.ADMIN)):
        raise PermissionDenied(
            f"{by} cannot act for {me.login}: only an active admin may ({real._admins()})"
        )
    return replace(me, by=by)


def require_entry_for_targets(session: Session, actor: Actor, targets: Mapping[int, str]) -> None:
    """Check *actor* may enter figures for these targets (id → key): one query per 500."""
    if actor.single_user or (actor.is_user and actor.role is Role.ADMIN):
        return
    actor.require_user()
    departments: dict[int, list[str]] = {tid: [] for tid in targets}
    ids = sorted(targets)
    for start in range(0, len(ids), 500):
        rows = session.exec(
            select(Target.id, Department.name)
            .join(ItemDepartment, ItemDepartment.item_id == Target.item_id)  # type: ignore[arg-type]
            .join(Department, Department.id == ItemDepartment.department_id)  # type: ignore[arg-type]
            .where(Target.id.in_(ids[start : start + 500]))  # type: ignore[union-attr]
            .order_by(col(Target.id), col(ItemDepartment.position))
        ).all()
        for tid, name in rows:
            departments[tid].append(name)  # type: ignore[index]
    # A unit's share of a split target is entered by that unit's staff (migration 0011).
    departments.update(
        (tid, [unit]) for tid, unit in units_of(session=session, target_ids=ids).items()
    )
    actor.require_entry({targets[tid]: depts for tid, depts in departments.items()})


def database_login(engine: Engine) -> str | None:
    """On PostgreSQL, the connection's login when it is a person (not a superuser, not
    the tables' owner); None on SQLite or for the owner."""
    if engine.dialect.name != "postgresql":
        return None
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT session_user, NOT (r.rolsuper OR pg_has_role(session_user, "
                "c.relowner, 'MEMBER')) FROM pg_roles r, pg_class c "
                "WHERE r.rolname = session_user AND c.oid = to_regclass('snapshot')"
            )
        ).first()
    if row is None or not row[1]:
        return None
    return str(row[0])


def resolve_identity(
    engine: Engine, *, os_login: str | None = None, requested: str | None = None
) -> Actor:
    """Who acts, as an actor spec for the services: the person (the PostgreSQL login of a
    person, else the OS account), or *requested* (``--user``, PLEDGETRACK_USER) acted
    for by them when they are an active admin or the database has no users yet."""
    person = database_login(engine) or os_login or os_account()
    if not requested or requested == person:
        return Actor(login=person)
    me = Actor.resolve(engine, person)
    role = me.role.value if me.role else None
    if may_act_for_others(single_user=me.single_user, role=role, active=me.active):
        return Actor(login=requested, by=person)
    raise acting_refused(requested, person, me.admins)


def identity(engine: Engine, *, os_login: str | None = None, requested: str | None = None) -> str:
    """The login the figures are entered as (see :func:`resolve_identity`)."""
    return resolve_identity(engine, os_login=os_login, requested=requested).login


# ---- managing users ------------------------------------------------------------


@dataclass(frozen=True)
class UserInfo:
    login: str
    display_name: str
    role: Role
    department: str | None
    active: bool
    created_at: datetime

    def as_dict(self) -> dict[str, object]:
        return {
            "login": self.login,
            "display_name": self.display_name,
            "role": self.role.value,
            "department": self.department,
            "active": self.active,
        }


class _Unset:
    pass


UNSET = _Unset()


def list_users(engine: Engine) -> list[UserInfo]:
    """Every user, active or not, by login."""
    with Session(engine) as session:
        rows = session.exec(
            select(User, Department.name)
            .join(Department, Department.id == User.department_id, isouter=True)  # type: ignore[arg-type]
            .order_by(User.login)
        ).all()
    return [_info(user, department) for user, department in rows]


def add_user(
    engine: Engine,
    *,
    login: str,
    role: Role | str,
    display_name: str = "",
    department: str | None = None,
    actor: Actor | str | None = None,
    now: datetime | None = None,
    database_roles: bool = False,
    password: str | None = None,
) -> UserInfo:
    """Add a user (admins; in a database without users, anyone adds the first — an admin).

    With *database_roles* (PostgreSQL; ``pledgetrack user add`` asks for it there) the
    person also gets their own database login (created if the server has none of that
    name, with *password* if given) and membership in the group role of their role.
    """
    now = now or datetime.now(UTC)
    role = _role(role)
    login = checked_login(login)
    display_name = _checked_name(display_name)
    with session_scope(engine) as session:
        me = acting(session, actor)
        me.require_admin("add users")
        if me.single_user and role is not Role.ADMIN:
            raise PermissionDenied(
                "the first user must be an admin (--role admin): once a database has users, "
                "only admins can add the others"
            )
        if session.exec(select(User).where(User.login == login)).first() is not None:
            raise InvalidUser(f"{login} is already a user: change them with 'pledgetrack user set'")
        department_id = _department_id(session, department)
        if role is Role.STAFF and department_id is None:
            raise InvalidUser("staff enter figures for a department: give --department")
        user = User(
            login=login,
            display_name=display_name,
            department_id=department_id,
            role=role.value,
            active=True,
            created_at=now,
        )
        session.add(user)
        session.flush()
        info = _info(user, department or None)
        write_audit(
            session,
            user=me.recorder,
            acting_for=me.acting_for,
            at=now,
            changes=[Change("user.add", "user", user.id, after=info.as_dict())],
        )
        if database_roles:
            grant_database_role(session, login, role, password=password)
    return info


def set_user(
    engine: Engine,
    login: str,
    *,
    role: Role | str | None = None,
    display_name: str | None = None,
    department: str | _Unset | None = UNSET,
    active: bool | None = None,
    actor: Actor | str | None = None,
    now: datetime | None = None,
    database_roles: bool = False,
) -> UserInfo:
    """Change a user's role, name, department (``None`` or ``""`` clears it) or active flag.
    Users are never deleted: deactivate them. The last active admin stays one."""
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        me = acting(session, actor)
        me.require_admin("change users")
        row = session.exec(
            select(User, Department.name)
            .join(Department, Department.id == User.department_id, isouter=True)  # type: ignore[arg-type]
            .where(User.login == login)
        ).first()
        if row is None:
            raise unknown_user(session, login)
        user, old_department = row
        before = _info(user, old_department)
        new_department: str | None = old_department
        if role is not None:
            user.role = _role(role).value
        if display_name is not None:
            user.display_name = _checked_name(display_name)
        if not isinstance(department, _Unset):
            user.department_id = _department_id(session, department)
            new_department = department or None
        if active is not None:
            user.active = active
        if user.role == Role.STAFF.value and user.department_id is None:
            raise InvalidUser(f"{login} is staff and needs a department: give --department")
        if (
            before.role is Role.ADMIN
            and before.active
            and not (user.role == Role.ADMIN.value and user.active)
        ):
            others = session.exec(
                select(func.count())
                .select_from(User)
                .where(
                    User.role == Role.ADMIN.value,
                    User.active == True,  # noqa: E712
                    User.login != login,
                )
            ).one()
            if others == 0:
                raise InvalidUser(
                    f"{login} is the last active admin: make another user an admin first"
                )
        session.add(user)
        session.flush()
        after = _info(user, new_department)
        if database_roles and after.role is not before.role:
            grant_database_role(session, login, after.role, revoke=before.role)
        if after.as_dict() != before.as_dict():
            write_audit(
                session,
                user=me.recorder,
                acting_for=me.acting_for,
                at=now,
                changes=[
                    Change(
                        "user.change",
                        "user",
                        user.id,
                        before=before.as_dict(),
                        after=after.as_dict(),
                    )
                ],
            )
    return after


def unknown_user(session: Session, login: str) -> InvalidUser:
    """The error for a login that is no user, naming the users there are."""
    known = ", ".join(session.exec(select(User.login).order_by(User.login)).all())
    return InvalidUser(f"no user {login!r} (users: {known or 'none'})")


def require_known(engine: Engine, login: str) -> None:
    """InvalidUser unless *login* is a user (active or not)."""
    with Session(engine) as session:
        if session.exec(select(User.id).where(User.login == login)).first() is None:
            raise unknown_user(session, login)


#: A login: letters (any script), digits, ``_ . @ -``; PostgreSQL's 63-byte limit.
_LOGIN = re.compile(r"[\w][\w.@-]*")


def checked_login(login: str) -> str:
    """*login* if it can be a login (and a PostgreSQL role name), else InvalidUser."""
    login = login.strip()
    if not login:
        raise InvalidUser("the login may not be empty")
    if not _LOGIN.fullmatch(login) or len(login.encode()) > 63:
        raise InvalidUser(
            f"login {login!r}: letters, digits and _ . @ - only, at most 63 bytes "
            "(it is also the PostgreSQL login)"
        )
    return login


def _checked_name(name: str) -> str:
    """A display name as typed, unless it holds control characters (InvalidUser)."""
    try:
        return require_text(name, "name")
    except TextRefused as exc:
        raise InvalidUser(str(exc)) from None


GROUP_ROLES = {
    Role.STAFF: "pledgetrack_staff",
    Role.SUPERVISOR: "pledgetrack_supervisor",
    Role.ADMIN: "pledgetrack_admin",
}


def grant_database_role(
    session: Session,
    login: str,
    role: Role,
    *,
    password: str | None = None,
    revoke: Role | None = None,
) -> None:
    """PostgreSQL: give *login* a database login (created when the server has none) and
    membership in its role's group role (migration 0005), revoking *revoke*'s. Admins
    get CREATEROLE and the group roles with ADMIN OPTION, so they can add people."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return
    quoted = conn.dialect.identifier_preparer.quote(login)
    # Roles belong to the whole server: one role change at a time, to the end of the
    # transaction (two deployments adding the same person at once would otherwise race).
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('pledgetrack roles'))"))
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}).first()
    if exists is None:
        create = f"CREATE ROLE {quoted} LOGIN"
        if password:
            # The server's verifier, computed here: the password never reaches its logs.
            literal = encrypted_password(conn, login, password).replace("'", "''")
            create += f" PASSWORD '{literal}'"
        conn.exec_driver_sql(create)
    elif password:
        raise InvalidUser(
            f"the server already has a login {login!r}: its password is not changed here "
            "(ALTER ROLE … PASSWORD, by its owner)"
        )
    if revoke is Role.ADMIN and role is not Role.ADMIN:
        conn.exec_driver_sql(f"REVOKE {', '.join(GROUP_ROLES.values())} FROM {quoted}")
        conn.exec_driver_sql(f"ALTER ROLE {quoted} NOCREATEROLE")
    elif revoke is not None and revoke is not role:
        conn.exec_driver_sql(f"REVOKE {GROUP_ROLES[revoke]} FROM {quoted}")
    conn.exec_driver_sql(f"GRANT {GROUP_ROLES[role]} TO {quoted}")
    if role is Role.ADMIN:
        conn.exec_driver_sql(f"ALTER ROLE {quoted} CREATEROLE")
        conn.exec_driver_sql(
            f"GRANT {', '.join(GROUP_ROLES.values())} TO {quoted} WITH ADMIN OPTION"
        )


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidUser(f"role {role!r}: one of {', '.join(r.value for r in Role)}") from None


def _department_id(session: Session, name: str | None) -> int | None:
    if not name:
        return None
    found = session.exec(select(Department.id).where(Department.name == name)).first()
    if found is None:
        known = "、".join(session.exec(select(Department.name).order_by(Department.name)).all())
        raise InvalidUser(
            f"no department {name!r} (departments come from the plans: {known or 'none yet'})"
        )
    return found


def _info(user: User, department: str | None) -> UserInfo:
    return UserInfo(
        login=user.login,
        display_name=user.display_name,
        role=Role(user.role),
        department=department,
        active=user.active,
        created_at=user.created_at,
    )
