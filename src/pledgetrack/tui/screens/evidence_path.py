"""Ask for one line of text about an evidence file (佐证材料): the path of a file to
attach to a figure, or why an attached file is withdrawn."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input

from pledgetrack.i18n import t
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


class AskLineScreen(ModalScreen[str | None]):
    """Dismisses with the line typed (Enter; stripped, None when empty), or None (Esc).
    The title, placeholder and hint are i18n keys, the title formatted with *fields*."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", key_display="esc"),
    ]

    def __init__(self, keys: tuple[str, str, str], **fields: object) -> None:
        super().__init__()
        self.keys = keys
        self.fields = fields

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        title, placeholder, hint = self.keys
        with Vertical(id="evidence-dialog"):
            yield Plain(t(title, self.lang, **self.fields), id="evidence-title")
            yield Input(placeholder=t(placeholder, self.lang), id="evidence-path")
            yield Plain(t(hint, self.lang), id="evidence-hint")

    def on_mount(self) -> None:
        line = self.query_one("#evidence-path", Input)
        line.cursor_blink = False
        line.focus()

    @on(Input.Submitted, "#evidence-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class EvidencePathScreen(AskLineScreen):
    """The path of a file to attach; *figure* says which figure it goes to
    ("28.1 2020-10-31")."""

    def __init__(self, figure: str) -> None:
        super().__init__(
            ("evidence.attach.title", "evidence.attach.placeholder", "evidence.attach.hint"),
            figure=figure,
        )


class WithdrawReasonScreen(AskLineScreen):
    """Why the attached file *name* of *figure* is withdrawn (required: empty is Esc)."""

    def __init__(self, figure: str, name: str) -> None:
        super().__init__(
            ("evidence.withdraw.title", "evidence.withdraw.placeholder",
             "evidence.withdraw.hint"),
            figure=figure,
            name=name,
        )  # fmt: skip
