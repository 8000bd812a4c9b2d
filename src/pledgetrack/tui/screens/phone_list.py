"""A department's attention list as plain lines to read out on the phone, shown over the
board and copied to the clipboard (the terminal's, by OSC 52) as it opens."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen

from pledgetrack.tui.widgets.plain import Plain
from pledgetrack.tui.widgets.reading_text import ReadingTextArea


class PhoneListScreen(ModalScreen[None]):
    """The text, selectable; escape closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", show=False),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        #: The lines as copied to the clipboard (tests read them).
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(id="phone-box"):
            yield Plain(self.title_text, id="phone-title")
            # broken as the report is: whole figures, no line starting with 、 or 。
            yield ReadingTextArea(self.text, id="phone-text")

    def on_mount(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.query_one("#phone-text", ReadingTextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)
