"""`pledgetrack user`: people and their roles (staff, supervisor, admin)."""

import json
from enum import StrEnum
from typing import Annotated

import typer

from pledgetrack.cli.app import app, engine_for, fail, state

user_app = typer.Typer(help="People and roles (staff, supervisor, admin): add, list, change.")
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


def _read_password() -> str:
    """A password typed twice at the terminal, or the first line of a pipe."""
    import sys

    if sys.stdin.isatty():
        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    else:
        secret = sys.stdin.readline().rstrip("\r\n")
    if not secret or not secret.isprintable():
        fail("--password: the password is empty or holds control characters")
    return str(secret)
