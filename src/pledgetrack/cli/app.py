"""The Typer app, its global options, and what every command shares: settings, the
database, who acts, one-line failures.

Commands live in one module per group beside this one; what they print is shaped
in :mod:`pledgetrack.cli.render`. Module-level imports stay light (no SQLAlchemy,
numpy or textual): ``pledgetrack --help`` and a failing option answer at once, and
each command imports what it needs.
"""

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from pledgetrack.domain.dates import DateFormatError, parse_date
from pledgetrack.domain.model import Policy

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.engine import Engine

    from pledgetrack.config import Settings
    from pledgetrack.services.access import Actor


class WholeHelpGroup(TyperGroup):
    """A command group whose ``--help`` lists each command with the first sentence of its
    help, whole and wrapped (click cuts it to the width left on one line, ending most in
    "..."), and whose options are converted without pydantic when plain (:func:`lighten`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        lighten(self, ctx)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None:
            lighten(command, ctx)
        return name, command, rest

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        rows = [
            (name, command.get_short_help_str(limit=10_000))
            for name in self.list_commands(ctx)
            for command in [self.get_command(ctx, name)]
            if command is not None and not command.hidden
        ]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def lighten(command: Any, ctx: Any) -> None:
    """Convert *command*'s text, choice and switch options (its ``--help`` too) without
    pydantic.

    Typer (0.29) converts every option's value — even an option left out, whose value
    is None — through a pydantic ``TypeAdapter`` it builds on first use: importing
    pydantic and building the adapters of the global options was about 0.1 s of every
    command and every refused option (issue 15). The conversion here answers what needs
    no conversion — None, text given as text, a choice named exactly — as the adapter
    would, and hands anything else (a number, a date, a path, a bad choice) to Typer's
    own adapter, built then, so values and error messages stay Typer's. A Typer without
    these internals is left as it is."""
    try:
        from typer._coercion import RuntimeParam
    except ImportError:  # pragma: no cover - another Typer
        return
    global _QuickParam
    if _QuickParam is None:
        _QuickParam = _quick_param_class(RuntimeParam)
    for param in command.get_params(ctx):
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", True) is not None:
            continue
        if descriptor.file_annotation is None and descriptor.parameter_info.parser is None:
            param._runtime_param = _QuickParam(
                parameter_info=descriptor.parameter_info, annotation=descriptor.annotation
            )


_QuickParam: Any = None


def _quick_param_class(base: Any) -> Any:
    from dataclasses import dataclass
    from enum import Enum

    from typer._coercion import build_runtime_param
    from typer._param_types import coerce_cli_choice

    @dataclass(frozen=True)
    class QuickParam(base):
        """Typer's conversion of one option, without pydantic for plain values."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            kind = self.annotation
            if kind is str and type(value) is str and _is_utf8(value):
                return value  # Typer: str(value), then pydantic's str check
            if kind is bool and type(value) is bool:
                return value
            if isinstance(kind, type) and issubclass(kind, Enum):
                try:
                    return coerce_cli_choice(
                        value,
                        choices=tuple(kind),
                        case_sensitive=self.parameter_info.case_sensitive,
                        ctx=ctx,
                    )
                except ValueError:
                    pass  # Typer's adapter words the refusal
            typer_own = build_runtime_param(param.type_descriptor)
            param._runtime_param = typer_own
            return typer_own._coerce_value(value, param=param, ctx=ctx)

    return QuickParam


def _is_utf8(text: str) -> bool:
    """*text* holds no lone surrogate (an argument not in the locale's encoding), which
    pydantic's string check refuses."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def sub_app(help: str) -> typer.Typer:
    """A command group under ``pledgetrack`` (``import``, ``user`` …)."""
    return typer.Typer(cls=WholeHelpGroup, help=help)


class CommandGroup(WholeHelpGroup):
    """Runs a command (or the TUI), then closes the database it opened; a database or
    disk fault met anywhere on the way (locked, disk full, read-only, connection lost)
    is one line and exit 2 (services.faults), never a traceback."""

    def invoke(self, ctx: Any) -> Any:  # Typer's own (vendored) click Context
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as exc:
            message = fault_message(exc)
            if message is None:
                raise
            fail(message)
        finally:
            close_opened()


app = typer.Typer(
    cls=CommandGroup,
    help="pledgetrack — progress of a government pledge list (市办实事). "
    "Without a command it opens the terminal UI.",
    no_args_is_help=False,
    add_completion=False,
    # Plain help and error text (click's formatter): Typer's rich formatter imports
    # rich.markdown and markdown-it, 0.07 s of every --help and every refused option.
    rich_markup_mode=None,
)


class State:
    """What the top-level options chose, for the sub-commands."""

    db: str | None = None
    lang: str | None = None
    #: --user as given (None: PLEDGETRACK_USER, else the person).
    user: str | None = None
    #: Who the command acts as, set by engine_for (see acting_login): the login figures
    #: are entered as, and the actor spec for the services (``by``: an admin acting).
    login: str = ""
    actor: "Actor | None" = None
    _settings: "Settings | None" = None

    @property
    def settings(self) -> "Settings":
        """The settings, read when a command first needs them (the config file and
        the environment): ``--help`` and a refused option never read them."""
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    #: The database the command opened (engine_for), closed when it ends.
    engine: "Engine | None" = None


state = State()


class Stderr:
    """rich's console on standard error, made when something is first printed there:
    importing rich costs a few hundredths of a second that ``--help`` and a refused
    option (Typer's plain formatter) never pay."""

    _console: "Console | None" = None

    @property
    def console(self) -> "Console":
        """The console itself, made now: for what wants a rich Console (a Progress)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.console, name)


err = Stderr()


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def as_text(message: str) -> str:
    """*message* safe to print: control characters (an escape typed into a figure or a
    file) written as ``\\x1b``, never sent to the terminal."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() or c in "\n\t" else repr(c)[1:-1] for c in message)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line reason and exit (2 = the input was refused). The message is text:
    brackets in what someone typed (``[/]``) are shown, not read as markup."""
    from rich.text import Text

    err.print(
        Text.assemble(("error:", "red"), " ", as_text(message)), highlight=False, soft_wrap=True
    )
    raise typer.Exit(code)


def os_reason(exc: OSError) -> str:
    """What the system says of a failed file operation: ``No space left on device``."""
    if exc.strerror:
        return exc.strerror
    if exc.errno:
        import os

        return os.strerror(exc.errno)
    return str(exc)


#: The --force option of every command that writes a file a person names.
Force = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]
#: The --plan option of every command that reads one plan.
PlanOption = Annotated[
    str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
]
#: The --as-of option of the views of a plan (status, forecast …).
ViewDate = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Date (2020-10-31, 2020-10, 2020年10月底); default today, or for a finished "
        "plan the month of its last figures.",
    ),
]
#: The --department option of the views of a plan.
DepartmentOption = Annotated[
    str | None,
    typer.Option("--department", help="Only items this department leads or co-operates on."),
]
#: The --approved-only option of the views of a plan.
ApprovedOnly = Annotated[
    bool,
    typer.Option(
        "--approved-only",
        help="From approved figures only (per target the latest approved reading).",
    ),
]


def load_settings() -> "Settings":
    """The settings, or exit 2 naming the config file or variable and the key at fault."""
    from pledgetrack.config import ConfigError, Settings, SettingsError

    try:
        return Settings()
    except (ConfigError, SettingsError) as exc:
        fail(str(exc))


def database_url() -> str:
    """The database the options, the environment or the config file name."""
    return state.settings.resolved_url(state.db)


def engine_for(*, create: bool = False, identify: bool = True) -> "Engine":
    """Open the configured database at this program's schema, and say who acts (not
    with *identify* False: the login screen says).

    Only imports (*create*) may set up a new, empty database; any database whose
    schema is behind is refused with the command that upgrades it, and one that
    cannot be opened (not a database, a directory) with the reason.
    """
    from pledgetrack.domain.errors import SchemaAhead, SchemaBehind
    from pledgetrack.services.database import DatabaseUnavailable, open_database

    try:
        engine = open_database(database_url(), create=create, lock_wait=state.settings.lock_wait)
    except (DatabaseUnavailable, SchemaBehind, SchemaAhead) as exc:
        fail(str(exc))
    state.engine = engine
    if identify:
        state.actor = acting_actor(engine)
        state.login = state.actor.login
    return engine


def close_opened() -> None:
    """Close the database the command opened: on SQLite its file then holds every change."""
    engine, state.engine = state.engine, None
    if engine is not None:
        from pledgetrack.services.database import close_database

        close_database(engine)


def fault_message(exc: Exception) -> str | None:
    """One line for a database or disk fault, or None for anything else."""
    import sys

    if "sqlalchemy" not in sys.modules and not isinstance(exc, OSError):
        return None  # no database was touched; not a driver error
    from pledgetrack.services.faults import explain

    return explain(exc, url=database_url(), lock_wait=state.settings.lock_wait)


def acting_actor(engine: "Engine") -> "Actor":
    """Who the command acts as: the person (PostgreSQL: their database login; else the
    OS account, never LOGNAME or USER); --user (or PLEDGETRACK_USER) only when that
    person is an admin, or the database has no users yet (services.access)."""
    from pledgetrack.services.access import PermissionDenied, resolve_identity

    try:
        return resolve_identity(engine, requested=state.user or state.settings.user)
    except PermissionDenied as exc:
        fail(exc.message)


def policy() -> Policy:
    settings = state.settings
    return Policy(
        tolerance=settings.tolerance,
        ahead_margin=settings.ahead_margin,
        reporting_day=settings.reporting_day,
    )


def lang_of(option: Lang | None) -> str:
    return state.settings.resolved_lang(option.value if option else state.lang)


def parse_date_option(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateFormatError as exc:
        fail(f"{name}: {exc}")


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL or SQLite file (env PLEDGETRACK_DATABASE_URL)."),
    ] = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="zh or en (default: the locale).")
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Act for this user (env PLEDGETRACK_USER): only an admin may, or anyone "
            "while the database has no users; recorded as 'you for USER'.",
        ),
    ] = None,
    login: Annotated[
        bool,
        typer.Option(
            "--login",
            help="Open the TUI on a login screen (user name and password): the dashboard "
            "opens as the user who logs in. SQLite: passwords set with 'user set-password'; "
            "PostgreSQL: the person's own database login. --user and PLEDGETRACK_USER do not "
            "apply; the session ends after session_timeout minutes idle.",
        ),
    ] = False,
) -> None:
    """Open the TUI when no command is given."""
    state._settings = None  # read again for this invocation (tests run several in one process)
    state.db = db
    state.lang = lang.value if lang else None
    state.user = user
    if login:
        open_login(ctx.invoked_subcommand)
        return
    if ctx.invoked_subcommand is None:
        from pledgetrack.cli.tui import open_tui

        open_tui()


def open_login(command: str | None) -> None:
    """``pledgetrack --login``: the TUI behind a login screen. Who acts comes from the
    login alone: --user is refused, PLEDGETRACK_USER (or ``user`` in the config file) is
    not read, and no identity is taken from the OS account."""
    if command is not None:
        fail(
            f"--login opens the terminal UI behind a login screen; it takes no command ({command})"
        )
    if state.user:
        fail(
            "--login and --user: the login says who you are (an admin acts for others without --login)"
        )
    from datetime import timedelta

    from pledgetrack.services.login import Limit, LoginRules
    from pledgetrack.tui.app import run_tui

    settings = state.settings
    engine = engine_for(identify=False)
    rules = LoginRules(
        limit=Limit(settings.login_failures, timedelta(minutes=settings.login_window)),
        lock_wait=settings.lock_wait,
        idle_timeout=settings.session_timeout * 60,
    )
    run_tui(engine, lang=settings.resolved_lang(state.lang), policy=policy(), login=rules)
