"""The Textual app: a thin shell holding the engine, language, policy and date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import ClassVar, cast

from sqlalchemy.engine import Engine
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.notifications import SeverityLevel
from textual.reactive import reactive

from pledgetrack.domain.model import Policy
from pledgetrack.services.access import Actor, resolve_identity
from pledgetrack.tui.cells import localize_bindings
from pledgetrack.tui.commands import ItemCommands
from pledgetrack.tui.screens.dashboard import DashboardScreen


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
        #: Who is acting (the person, or the user an admin acts for with --user); what
        #: they may do is checked by the services when they save (services.access).
        self.actor: Actor | str = user or resolve_identity(engine)
        #: The login figures are entered as.
        self.user = self.actor.login if isinstance(self.actor, Actor) else self.actor
        #: The date the dashboard shows; None = today, at most the plan end (set on first load).
        self.as_of = as_of
        self.set_reactive(PledgeApp.lang, lang if lang in ("zh", "en") else "zh")

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
