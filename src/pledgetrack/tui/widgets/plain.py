"""Text on screen is text: titles, names, notes and figures come from people and files,
and a ``[/]`` or ``[bold]`` in them is shown as typed, never read as markup; a control
character or escape sequence stored in them is not shown at all (domain.text.shown)."""

from __future__ import annotations

from typing import Any

from textual.visual import VisualType
from textual.widgets import Static

from pledgetrack.domain.text import shown


class Plain(Static):
    """A Static that never reads markup (the app's own strings use none) and shows no
    control characters."""

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(
            shown(content) if isinstance(content, str) else content, markup=False, **kwargs
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(shown(content) if isinstance(content, str) else content, layout=layout)
