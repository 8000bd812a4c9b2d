"""`pledgetrack user`: people and their roles (staff, supervisor, admin)."""

import json
from enum import StrEnum
from typing import Annotated

import typer

from pledgetrack.cli.app import app, engine_for, fail, state, sub_app

user_app = sub_app("People and roles (staff, supervisor, admin): add, list, change.")
app.add_typer(user_app, name="user")


class RoleName(StrEnum):
    staff = "staff"
    supervisor = "supervisor"
    admin = "admin"


@user_app.command("add")
def user_add(
    login: Annotated[
        str,
        typer.Argument(help="The person's login: their OS account (SQLite) or PostgreSQL login."),
    ],
    role: Annotated[RoleName, typer.Option("--role", help="staff, supervisor or admin.")] = (
        RoleName.staff
    ),
    name: Annotated[str, typer.Option("--name", help="Display name, e.g. 王芳.")] = "",
    department: Annotated[
        str | None,
        typer.Option("--department", help="Their department (required for staff)."),
    ] = None,
    password: Annotated[
        bool,
        typer.Option(
            "--password",
            help="PostgreSQL: ask for a password for the new database login (read from "
            "the terminal, or the first line of standard input).",
        ),
    ] = False,
) -> None:
    """Add a user (admins). The first user of a database must be an admin: from then on
    roles apply. On PostgreSQL the person also gets their own database login (created
    when the server has none of that name) in the group role of their role."""
    from pledgetrack.services.access import InvalidUser, PermissionDenied, add_user, list_users

    engine = engine_for()
    postgresql = engine.dialect.name == "postgresql"
    if password and not postgresql:
        fail("--password: only a PostgreSQL database has logins of its own")
    secret = _read_password() if password else None
    try:
        info = add_user(
            engine,
            login=login,
            role=role.value,
            display_name=name,
            department=department,
            actor=state.actor,
            database_roles=postgresql,
            password=secret,
        )
    except (PermissionDenied, InvalidUser) as exc:
        fail(str(exc))
    where = f", {info.department}" if info.department else ""
    typer.echo(f"added {info.login} ({info.role.value}{where})")
    me = state.actor.recorder if state.actor is not None else info.login
    if me != info.login and [u.login for u in list_users(engine)] == [info.login]:
        typer.echo(
            f"note: the database now has users, and you ({me}) are not one of them: "
            f"from now on you can only read; {info.login} adds the others"
        )


@user_app.command("set")
def user_set(
    login: Annotated[str, typer.Argument(help="The user's login.")],
    role: Annotated[RoleName | None, typer.Option("--role", help="New role.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="New display name.")] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", help='New department ("" to clear).'),
    ] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Reactivate, or deactivate (never deleted)."),
    ] = None,
) -> None:
    """Change a user's role, name, department or whether they are active (admins)."""
    from pledgetrack.services.access import UNSET, InvalidUser, PermissionDenied, set_user

    engine = engine_for()
    try:
        info = set_user(
            engine,
            login,
            role=role.value if role else None,
            display_name=name,
            department=UNSET if department is None else department,
            active=active,
            actor=state.actor,
            database_roles=engine.dialect.name == "postgresql",
        )
    except (PermissionDenied, InvalidUser) as exc:
        fail(str(exc))
    where = f", {info.department}" if info.department else ""
    typer.echo(f"{info.login}: {info.role.value}{where}" + ("" if info.active else " (inactive)"))


@user_app.command("list")
def user_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every user, active or not."""
    from pledgetrack.cli.render import print_table, users_table
    from pledgetrack.services.access import list_users

    engine = engine_for()
    users = list_users(engine)
    if as_json:
        typer.echo(json.dumps([u.as_dict() for u in users], ensure_ascii=False, indent=2))
        return
    if not users:
        typer.echo("no users: single-user mode, anyone may do anything")
        return
    print_table(users_table(users))


@user_app.command("set-password")
def user_set_password(
    login: Annotated[str, typer.Argument(help="The user's login.")],
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from the first line of standard input (for scripts), "
            "instead of asking twice at the terminal.",
        ),
    ] = False,
) -> None:
    """Set a user's login password, for 'pledgetrack --login' (the user themselves, or an
    admin). SQLite stores a salted Argon2id hash, never the password; PostgreSQL sets the
    password of the person's database login. Typed without echo."""
    from pledgetrack.services.access import InvalidUser, PermissionDenied, require_known
    from pledgetrack.services.login import set_password

    engine = engine_for()
    try:
        require_known(engine, login)  # before asking for a password
        secret = _read_password(from_stdin=password_stdin)
        set_password(engine, login, secret, actor=state.actor)
    except (PermissionDenied, InvalidUser) as exc:
        fail(str(exc))
    typer.echo(f"password set for {login}")


def _read_password(*, from_stdin: bool | None = None) -> str:
    """A new password: typed twice without echo, or the first line of standard input
    (*from_stdin*; None: when standard input is not a terminal). Refused when empty,
    too short, holding control characters, or typed differently the second time."""
    import sys

    from pledgetrack.services.access import InvalidUser
    from pledgetrack.services.login import checked_password

    if from_stdin is None:
        from_stdin = not sys.stdin.isatty()
    if from_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = str(typer.prompt("password", hide_input=True, default="", show_default=False))
        again = str(typer.prompt("again", hide_input=True, default="", show_default=False))
        if again != secret:
            fail("the two passwords differ: nothing was changed")
    try:
        return checked_password(secret)
    except InvalidUser as exc:
        fail(f"{exc}: nothing was changed")
