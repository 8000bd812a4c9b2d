"""The Textual app: a thin shell holding the engine, language, policy and date.

Start-up (docs/PERFORMANCE.md, "TUI first paint"): importing this module loads Textual
and what the dashboard draws, not SQLAlchemy, numpy or the services (they load in the
workers); the dashboard's first page is loaded in a thread while Textual starts, so the
first paint already shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import date
from time import monotonic
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from pledgetrack.domain.model import Policy
from pledgetrack.tui.cells import localize_bindings
from pledgetrack.tui.commands import ItemCommands
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.widgets.item_table import PAGE

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from pledgetrack.domain.evaluation import PlanEvaluation
    from pledgetrack.services.access import Actor
    from pledgetrack.services.login import LoggedIn, LoginRules

T = TypeVar("T")


def in_thread(load: Callable[[], T], name: str) -> Future[T]:
    """Run *load* in a thread of its own at once; its result (or error) in the future."""
    future: Future[T] = Future()

    def run() -> None:
        if future.set_running_or_notify_cancel():
            try:
                future.set_result(load())
            except BaseException as exc:  # handed to whoever takes the result
                future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


class PledgeApp(App[None]):
    """pledgetrack's terminal UI (dashboard → item detail)."""

    TITLE = "pledgetrack"
    CSS_PATH = "app.tcss"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ItemCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "toggle_lang", "toggle_lang"),
        Binding("q", "quit", "quit"),
    ]

    #: UI language, "zh" or "en"; screens watch it and redraw from what they hold.
    lang: reactive[str] = reactive("zh", init=False)

    def __init__(
        self,
        engine: Engine | Callable[[], tuple[Engine, Actor | str]],
        *,
        lang: str,
        policy: Policy,
        as_of: date | None = None,
        today: date | None = None,
        user: Actor | str = "",
        first_page: PlanEvaluation | None = None,
        login: LoginRules | None = None,
    ) -> None:
        """*engine*: the database, or how to open it (with who acts) when the dashboard's
        *first_page* was read without it (the CLI on a SQLite file): it is opened after
        the first paint, or when something needs it first. With *login* the app opens on
        a login screen held to those rules, and acts for nobody until a login succeeds."""
        super().__init__()
        self._engine: Engine | None = None
        self._actor: Actor | str = ""
        self._open: Callable[[], tuple[Engine, Actor | str]] | None = None
        self._opening = threading.Lock()
        if callable(engine):
            self._open = engine
        else:
            self._engine, self._actor = engine, user
        #: The database as opened (the server's configured connection), which checks
        #: logins and counts their failures; on PostgreSQL the session works through
        #: the person's own connection after a login (``engine``).
        self.gate = self._engine
        #: With a login screen (``pledgetrack --login``): its rules; None without one.
        self.login_rules = login
        #: When the last key or mouse event came (time.monotonic); for the idle timeout.
        self.last_input = monotonic()
        #: Set when the session ended for want of activity.
        self.timed_out = False
        self.policy = policy
        #: "Today" (tests fix it); entries may not be dated after it.
        self.today = today or date.today()
        #: The date the dashboard shows; None = today, at most the plan end (set on first load).
        self.as_of = as_of
        self.set_reactive(PledgeApp.lang, lang if lang in ("zh", "en") else "zh")
        #: The dashboard's first page: read already, or loading while Textual starts
        #: (taken once).
        self._first_page: Future[PlanEvaluation] | None
        #: What waits for the first frame to be on the screen (None once it is).
        self._after_paint: list[Callable[[], object]] | None = []
        if first_page is not None:
            self._first_page = Future()
            self._first_page.set_result(first_page)
        elif login is not None:
            self._first_page = None  # read after the login, as the person who logged in
        else:
            self._first_page = in_thread(self._load_first_page, "first page")

    @property
    def engine(self) -> Engine:
        """The database (opened here on first use when the app was given how to open it)."""
        if self._engine is None:
            with self._opening:
                if self._engine is None and self._open is not None:
                    self._engine, self._actor = self._open()
        assert self._engine is not None
        return self._engine

    @property
    def actor(self) -> Actor | str:
        """Who is acting (the person, or the user an admin acts for with --user); what
        they may do is checked by the services when they save (services.access)."""
        engine = self.engine
        if not self._actor and self.login_rules is None:
            from pledgetrack.services.access import resolve_identity

            self._actor = resolve_identity(engine)
        return self._actor

    @property
    def user(self) -> str:
        """The login figures are entered as."""
        actor = self.actor
        return actor if isinstance(actor, str) else actor.login

    @property
    def logged_out(self) -> bool:
        """Behind a login screen, before a login succeeds."""
        return self.login_rules is not None and not self._actor

    def after_first_paint(self, callback: Callable[[], object]) -> None:
        """Call *callback* (on the UI thread) once the first frame is on the screen, so
        that work not needed for it does not compete with it; at once if it is."""
        if self._after_paint is None:
            callback()
        else:
            self._after_paint.append(callback)

    def on_ready(self) -> None:
        # Ready: the DOM is ready and the first frame displayed; after that refresh, the
        # frame with the dashboard's first page is written (docs/PERFORMANCE.md).
        self.call_after_refresh(self._first_paint_done)

    def _first_paint_done(self) -> None:
        waiting, self._after_paint = self._after_paint or [], None
        for callback in waiting:
            callback()

    def open_database_soon(self) -> None:
        """Open the database in a thread now (after the first paint), so that what needs
        it next (a month step, a sheet) does not wait for SQLAlchemy to be imported."""
        if self._engine is None:
            in_thread(lambda: self.engine, "open the database")

    def _load_first_page(self) -> PlanEvaluation:
        from pledgetrack.services.dashboard import load_first_page

        return load_first_page(
            self.engine, on=self.as_of, policy=self.policy, page=PAGE, today=self.today
        )

    def take_first_page(self) -> Future[PlanEvaluation] | None:
        """The first page started with the app (None once taken: later loads query)."""
        first, self._first_page = self._first_page, None
        return first

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """A notification is text: names, keys and figures in it are shown as typed (a
        screen's ``self.notify`` passes ``markup=True`` by default; it is ignored)."""
        if timeout is None:
            super().notify(message, title=title, severity=severity, markup=False)
        else:
            super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def on_mount(self) -> None:
        localize_bindings([self], self.lang)
        # Pushed once the app is mounted, not while it mounts: Textual lays out and
        # renders a screen pushed during its start-up batch and throws that frame away
        # (a whole cold render, about a third of the dashboard's first paint).
        if self.login_rules is None:
            self.call_later(self.push_screen, DashboardScreen())
            return
        from pledgetrack.tui.screens.login import LoginScreen

        self.call_later(self.push_screen, LoginScreen())
        timeout = self.login_rules.idle_timeout
        if timeout > 0:
            # Checked four times per timeout (at most every 15 s): it ends within 25 %.
            self.set_interval(min(timeout / 4, 15.0), self._check_idle, name="idle timeout")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.last_input = monotonic()
        await super().on_event(event)

    def _check_idle(self) -> None:
        """End the session after the idle timeout without a key or a mouse event. The app
        exits (under ``pledgetrack serve`` that ends the browser session's process):
        nothing of the session stays in memory; entries not saved are not saved."""
        from pledgetrack.i18n import t

        rules = self.login_rules
        if rules is None or self.timed_out or monotonic() - self.last_input < rules.idle_timeout:
            return
        self.timed_out = True
        minutes = float(f"{rules.idle_timeout / 60:.2g}")
        shown = int(minutes) if minutes.is_integer() else minutes
        self.exit(message=t("tui.login.timed_out", self.lang, minutes=shown))

    def logged_in(self, done: LoggedIn) -> None:
        """A login succeeded: the session acts as that user, through their connection
        (PostgreSQL), and the dashboard replaces the login screen."""
        self._engine = done.engine
        self._actor = done.actor
        self.sub_title = done.actor.label()
        self.switch_screen(DashboardScreen())

    def close_session(self) -> None:
        """Close the person's own connection (PostgreSQL, after a login), if any."""
        if self._engine is not None and self._engine is not self.gate:
            from pledgetrack.services.database import close_database

            close_database(self._engine)
            self._engine = self.gate

    def watch_lang(self, lang: str) -> None:
        localize_bindings([self], lang)

    async def action_quit(self) -> None:
        """Quit, but never drop unsaved entries silently."""
        from pledgetrack.i18n import t
        from pledgetrack.tui.screens.confirm import ConfirmScreen
        from pledgetrack.tui.screens.entry import EntryScreen

        entry = next((s for s in self.screen_stack if isinstance(s, EntryScreen)), None)
        pending = len(entry.pending()) if entry is not None else 0
        if not pending:
            self.exit()
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(
            ConfirmScreen(
                t("tui.confirm.quit", self.lang, n=pending),
                t("tui.confirm.yes", self.lang),
                t("tui.confirm.no", self.lang),
            ),
            answer,
        )

    def action_command_palette(self) -> None:
        """The palette, with a placeholder in the UI language; none before a login (its
        system commands would act for nobody)."""
        from pledgetrack.i18n import t

        if self.logged_out:
            return
        if self.use_command_palette and not CommandPalette.is_open(cast(App[object], self)):
            self.push_screen(
                CommandPalette(
                    placeholder=t("tui.palette.placeholder", self.lang), id="--command-palette"
                )
            )

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"


def create_app(
    engine: Engine | Callable[[], tuple[Engine, Actor | str]],
    *,
    lang: str,
    policy: Policy,
    as_of: date | None = None,
    today: date | None = None,
    user: Actor | str = "",
    first_page: PlanEvaluation | None = None,
    login: LoginRules | None = None,
) -> PledgeApp:
    """Build the app (tests pass a fixed *as_of*, *today* and *user*)."""
    return PledgeApp(
        engine,
        lang=lang,
        policy=policy,
        as_of=as_of,
        today=today,
        user=user,
        first_page=first_page,
        login=login,
    )


def run_tui(
    engine: Engine | Callable[[], tuple[Engine, Actor | str]],
    *,
    lang: str,
    policy: Policy,
    user: Actor | str = "",
    first_page: PlanEvaluation | None = None,
    login: LoginRules | None = None,
) -> None:
    """Open the terminal UI on *engine* (called by ``pledgetrack`` without a command) as
    *user* (default: the person, services.access.resolve_identity; the CLI passes the
    actor it accepted). With *first_page* (read from a SQLite file with sqlite3),
    *engine* is how to open the database (and who acts), done after the first paint.
    With *login*, behind a login screen held to those rules."""
    app = create_app(
        engine, lang=lang, policy=policy, user=user, first_page=first_page, login=login
    )
    try:
        app.run()
    finally:
        app.close_session()
