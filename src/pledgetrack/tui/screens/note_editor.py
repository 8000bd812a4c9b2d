"""The note of one entry line, whole and across the screen: the grid's note field is narrow
(a few cells on an 80-column terminal), so F2 opens it here."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import TextArea

from pledgetrack.i18n import t
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


class NoteArea(TextArea):
    """A TextArea for a one-line note: Enter keeps it (Submitted) instead of breaking the
    line, and a pasted line break becomes a space (visible here before it is kept), as the
    grid's note field holds one line."""

    class Submitted(Message):
        """Enter was pressed: keep the note."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted())
            return
        await super()._on_key(event)

    async def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        if not self.read_only:
            self.replace(" ".join(event.text.splitlines()), *self.selection)


class NoteEditorScreen(ModalScreen[str | None]):
    """Edit *note* (of the line *label*); dismisses with the note to keep (Enter or ctrl+s),
    or None (Esc: the field keeps what it had)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", key_display="esc"),
        Binding("ctrl+s", "keep", "keep", key_display="^s"),
    ]

    def __init__(self, note: str, label: str) -> None:
        super().__init__()
        self.note = note
        self.label = label

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Plain(t("entry.note.title", self.lang, line=self.label), id="note-title")
            yield NoteArea(self.note, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Plain(t("entry.note.hint", self.lang), id="note-hint")

    def on_mount(self) -> None:
        area = self.query_one("#note-text", NoteArea)
        area.cursor_blink = False
        area.move_cursor(area.document.end)
        area.focus()

    @on(NoteArea.Submitted)
    def action_keep(self) -> None:
        self.dismiss(self.query_one("#note-text", NoteArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
