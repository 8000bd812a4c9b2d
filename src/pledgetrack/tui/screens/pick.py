"""Pick one value from a long list by typing part of it (departments of a province)."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from pledgetrack.tui.widgets.plain import Plain

T = TypeVar("T")


class PickScreen(ModalScreen[T | None], Generic[T]):
    """Dismisses with the chosen value, or None on escape. Labels come from the caller."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("up", "move(-1)", show=False, priority=True),
    ]

    def __init__(self, title: str, placeholder: str, options: list[tuple[str, T]]) -> None:
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.options = options
        self.shown: list[tuple[str, T]] = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick-box"):
            yield Plain(self.title_text, id="pick-title")
            yield Input(placeholder=self.placeholder, id="pick-filter")
            yield OptionList(*self._options(), id="pick-list", markup=False)

    def on_mount(self) -> None:
        self.query_one("#pick-filter", Input).focus()
        self.query_one("#pick-list", OptionList).highlighted = 0 if self.shown else None

    def _options(self) -> list[Option]:
        return [Option(label, id=str(i)) for i, (label, _value) in enumerate(self.shown)]

    @on(Input.Changed, "#pick-filter")
    def _filter(self, event: Input.Changed) -> None:
        text = event.value.strip().casefold()
        self.shown = [(label, v) for label, v in self.options if text in label.casefold()]
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options(self._options())
        options.highlighted = 0 if self.shown else None

    def action_move(self, step: int) -> None:
        options = self.query_one("#pick-list", OptionList)
        if not self.shown:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.shown) - 1, current + step))

    @on(Input.Submitted, "#pick-filter")
    def _submitted(self) -> None:
        index = self.query_one("#pick-list", OptionList).highlighted
        if index is not None and index < len(self.shown):
            self.dismiss(self.shown[index][1])

    @on(OptionList.OptionSelected, "#pick-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.shown[event.option_index][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
