"""The footer of every screen, fitted to the terminal's width: closer together below
COMPACT_BELOW columns, and when the keys still do not fit, the least needed leave the
footer (they stay on their keys and in the command palette, which always shows)."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Below this many columns the keys are shown compact (one space less around each).
COMPACT_BELOW = 120


class FittingFooter(Footer):
    """A Footer that shows the keys that fit, the screen's ``FOOTER_KEEP`` actions first
    (in that order), then the others in the order of the screen's bindings."""

    #: A recompose is asked for and not yet done.
    _recompose_pending = False

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        self._fit()

    def bindings_changed(self, screen: Screen) -> None:
        """As Footer's, but the changes of one moment (a screen opened, the focus set, the
        bindings put in the UI's language: several at start-up) rebuild the keys once,
        not once each (docs/PERFORMANCE.md, "TUI first paint")."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._recompose_pending:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False
        await self.recompose()

    async def recompose(self) -> None:
        await super().recompose()
        self._fit()

    def _key_width(self, key: FooterKey) -> int:
        """Cells *key* takes in the footer (FooterKey's padding and the footer's margins)."""
        return cell_len(key.key_display) + cell_len(key.description) + (2 if self.compact else 3)

    def _fit(self) -> None:
        if not self.is_attached:  # its screen closed while a recompose was pending
            return
        keys = list(self.query(FooterKey))
        palette = [key for key in keys if key.has_class("-command-palette")]
        keys = [key for key in keys if key not in palette]
        # The palette key is docked right, with a border before it.
        room = self.size.width - sum(self._key_width(key) + 1 for key in palette)
        keep: tuple[str, ...] = getattr(self.screen, "FOOTER_KEEP", ())
        order = sorted(
            range(len(keys)),
            key=lambda i: (keep.index(keys[i].action) if keys[i].action in keep else len(keep), i),
        )
        used, fits = 0, True
        for i in order:
            width = self._key_width(keys[i])
            fits = fits and used + width <= room
            used += width if fits else 0
            keys[i].display = fits
