"""The login screen (``pledgetrack --login``): a user name and a password, checked by
services.login; only a successful login opens the dashboard, as that user."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, cast

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input

from pledgetrack.i18n import t
from pledgetrack.services.login import (
    LoggedIn,
    LoginRefused,
    LoginUnavailable,
    Refusal,
    log_in,
)
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


#: The catalog key of each refusal.
REFUSAL_WORDS = {
    Refusal.EMPTY: "tui.login.empty",
    Refusal.WRONG: "tui.login.wrong",
    Refusal.LOCKED: "tui.login.locked",
    Refusal.DEACTIVATED: "tui.login.deactivated",
    Refusal.NOT_USER: "tui.login.not_user",
    Refusal.UNCHECKED: "tui.login.unchecked",
}


class LoginScreen(Screen[None]):
    """Name and password; Enter in the name goes to the password, Enter there logs in.
    The password is masked and cleared after every attempt."""

    def __init__(self) -> None:
        super().__init__()
        #: What the screen last said (tests read it): "" or a refusal's words.
        self.said = ""
        #: The last refusal's reason (tests read it), None before any.
        self.refusal: Refusal | None = None
        self._retry_at: datetime | None = None
        #: Why the database could not be reached ("" when it could).
        self._unavailable = ""
        #: A check is running (a second Enter meanwhile is ignored).
        self.checking = False

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Plain("", id="login-title")
            yield Plain("", id="login-name-label", classes="login-label")
            yield Input(id="login-name", max_length=100)
            yield Plain("", id="login-password-label", classes="login-label")
            yield Input(id="login-password", password=True)
            with Horizontal(id="login-buttons"):
                yield Button("", id="login-submit", variant="primary")
                yield Button("", id="login-lang")
            yield Plain("", id="login-message")

    def on_mount(self) -> None:
        self._draw()
        self.watch(self.pledge_app, "lang", self._draw, init=False)
        self.query_one("#login-name", Input).focus()

    def _draw(self, _lang: str | None = None) -> None:
        lang = self.pledge_app.lang
        self.query_one("#login-title", Plain).update(t("tui.login.title", lang))
        self._label_fields()
        self.query_one("#login-submit", Button).label = t("tui.login.submit", lang)
        self.query_one("#login-lang", Button).label = t("tui.key.toggle_lang", lang)
        self._say(self.refusal_words())

    def _label_fields(self) -> None:
        """The fields' labels, the one being typed into marked ``›`` (seen in any
        terminal, colours or not, and by the browser tests before they type on)."""
        lang = self.pledge_app.lang
        for field, key in (("name", "tui.login.name"), ("password", "tui.login.password")):
            typing = self.query_one(f"#login-{field}", Input).has_focus
            label = ("› " if typing else "  ") + t(key, lang)
            self.query_one(f"#login-{field}-label", Plain).update(label)

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        self._label_fields()

    def on_descendant_blur(self, _event: events.DescendantBlur) -> None:
        self._label_fields()

    @on(Input.Submitted, "#login-name")
    def _to_password(self) -> None:
        self.query_one("#login-password", Input).focus()

    @on(Input.Submitted, "#login-password")
    @on(Button.Pressed, "#login-submit")
    def _submit(self) -> None:
        if self.checking:
            return
        name = self.query_one("#login-name", Input).value
        field = self.query_one("#login-password", Input)
        password, field.value = field.value, ""
        self.checking = True
        self._say(t("tui.login.checking", self.pledge_app.lang))
        self._check(name, password)

    @on(Button.Pressed, "#login-lang")
    def _toggle_lang(self) -> None:
        self.pledge_app.action_toggle_lang()

    # An error other than these ends the app (not a screen left checking for ever).
    @work(thread=True, exclusive=True, group="login", description="log in")
    def _check(self, name: str, password: str) -> None:
        app = self.pledge_app
        rules, gate = app.login_rules, app.gate
        assert rules is not None and gate is not None  # a login app is given its database
        try:
            done = log_in(gate, name, password, limit=rules.limit, lock_wait=rules.lock_wait)
        except LoginRefused as refused:
            app.call_from_thread(self._refused, refused, "")
        except LoginUnavailable as exc:
            app.call_from_thread(self._refused, None, str(exc))
        else:
            app.call_from_thread(self._logged_in, done)

    def _logged_in(self, done: LoggedIn) -> None:
        self.checking = False
        self.pledge_app.logged_in(done)

    def _refused(self, refused: LoginRefused | None, unavailable: str) -> None:
        self.checking = False
        self.refusal = refused.reason if refused is not None else None
        self._retry_at = refused.retry_at if refused is not None else None
        self._unavailable = unavailable
        self._say(self.refusal_words())
        name = self.query_one("#login-name", Input)
        (name if not name.value.strip() else self.query_one("#login-password", Input)).focus()

    def refusal_words(self) -> str:
        """The last refusal in the UI language ("" before any)."""
        lang = self.pledge_app.lang
        if self._unavailable:
            return t("tui.login.unavailable", lang, reason=self._unavailable)
        if self.refusal is None:
            return ""
        if self._retry_at is not None:
            return t("tui.login.locked", lang, time=local_time(self._retry_at))
        return t(REFUSAL_WORDS[self.refusal], lang)

    def _say(self, words: str) -> None:
        self.said = words
        self.query_one("#login-message", Plain).update(words)


def local_time(at: datetime) -> str:
    """``14:05``, or ``2026-11-26 14:05`` when not today (local time)."""
    local = at.astimezone()
    if local.date() == datetime.now(UTC).astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M")
