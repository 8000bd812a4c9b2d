"""Form fields that take letter keys themselves: while one has the focus, the app's and
the screen's single-letter keys (``q`` quit, ``l`` language …) do not act, as they do
not in a text field. ``ctrl+q`` still quits."""

from __future__ import annotations

from typing import Any

from textual.widgets import Checkbox, Select


def takes_key(character: str | None) -> bool:
    """A printable key: a field keeps it from the bindings of the screen and the app."""
    return character is not None and character.isprintable()


class FieldCheckbox(Checkbox):
    """A checkbox in a form: letters do not reach the app's bindings."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return takes_key(character)


class FieldSelect(Select[Any]):
    """A drop-down in a form: letters do not reach the app's bindings."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return takes_key(character)
