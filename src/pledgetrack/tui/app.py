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
from typing import TYPE_CHECKING, ClassVar, TypeVar, cast

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
        engine: Engine,
        *,
        lang: str,
        policy: Policy,
        as_of: date | None = None,
        today: date | None = None,
        user: Actor | str = "",
    ) -> None:
        super().__init__()
        self.engine = engine
        self.policy = policy
        #: "Today" (tests fix it); entries may not be dated after it.
        self.today = today or date.today()
        if not user:
            from pledgetrack.services.access import resolve_identity

            user = resolve_identity(engine)
        #: Who is acting (the person, or the user an admin acts for with --user); what
        #: they may do is checked by the services when they save (services.access).
        self.actor: Actor | str = user
        #: The login figures are entered as.
        self.user: str = user if isinstance(user, str) else user.login
        #: The date the dashboard shows; None = today, at most the plan end (set on first load).
        self.as_of = as_of
        self.set_reactive(PledgeApp.lang, lang if lang in ("zh", "en") else "zh")
        #: The dashboard's first page, loading while Textual starts (taken once).
        self._first_page: Future[PlanEvaluation] | None = in_thread(
            self._load_first_page, "first page"
        )

    def _load_first_page(self) -> PlanEvaluation:
        from pledgetrack.services.dashboard import load_first_page

        return load_first_page(
            self.engine, on=self.as_of, policy=self.policy, page=PAGE, today=self.today
        )

    def take_first_page(self) -> Future[PlanEvaluation] | None:
        """The first page started with the app (None once taken: later loads query)."""
        first, self._first_page = self._first_page, None
        return first

    def notify(  # type: ignore[override]
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
        self.push_screen(DashboardScreen())

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
        """The palette, with a placeholder in the UI language."""
        from pledgetrack.i18n import t

        if self.use_command_palette and not CommandPalette.is_open(cast(App[object], self)):
            self.push_screen(
                CommandPalette(
                    placeholder=t("tui.palette.placeholder", self.lang), id="--command-palette"
                )
            )

    def action_toggle_lang(self) -> None:
        self.lang = "en" if self.lang == "zh" else "zh"


def create_app(
    engine: Engine,
    *,
    lang: str,
    policy: Policy,
    as_of: date | None = None,
    today: date | None = None,
    user: Actor | str = "",
) -> PledgeApp:
    """Build the app (tests pass a fixed *as_of*, *today* and *user*)."""
    return PledgeApp(engine, lang=lang, policy=policy, as_of=as_of, today=today, user=user)


def run_tui(engine: Engine, *, lang: str, policy: Policy, user: Actor | str = "") -> None:
    """Open the terminal UI on *engine* (called by ``pledgetrack`` without a command) as
    *user* (default: the person, services.access.resolve_identity; the CLI passes the actor it accepted)."""
    create_app(engine, lang=lang, policy=policy, user=user).run()
