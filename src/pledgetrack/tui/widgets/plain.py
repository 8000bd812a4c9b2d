"""Text on screen is text: titles, names, notes and figures come from people and files,
and a ``[/]`` or ``[bold]`` in them is shown as typed, never read as markup."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static


class Plain(Static):
    """A Static that never reads markup (the app's own strings use none)."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, markup=False, **kwargs)
