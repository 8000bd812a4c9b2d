"""Ask for the path of a file to attach as evidence (佐证材料) to a figure."""

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


class EvidencePathScreen(ModalScreen[str | None]):
    """Dismisses with the path typed (Enter), or None (Esc). *figure* says which figure
    the file goes to ("28.1 2020-10-31")."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", key_display="esc"),
    ]

    def __init__(self, figure: str) -> None:
        super().__init__()
        self.figure = figure

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        with Vertical(id="evidence-dialog"):
            yield Plain(t("evidence.attach.title", self.lang, figure=self.figure),
                        id="evidence-title")  # fmt: skip
            yield Input(placeholder=t("evidence.attach.placeholder", self.lang), id="evidence-path")
            yield Plain(t("evidence.attach.hint", self.lang), id="evidence-hint")

    def on_mount(self) -> None:
        path = self.query_one("#evidence-path", Input)
        path.cursor_blink = False
        path.focus()

    @on(Input.Submitted, "#evidence-path")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
