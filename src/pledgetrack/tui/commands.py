"""The command palette (ctrl+p): jump to any item by number or name, or to a screen."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from pledgetrack.i18n import t

if TYPE_CHECKING:
    from pledgetrack.domain.evaluation import ItemRow
    from pledgetrack.tui.app import PledgeApp
    from pledgetrack.tui.screens.dashboard import DashboardScreen

#: Screens reachable from the palette: dashboard action → catalog key of its name.
SCREEN_COMMANDS = {
    "entry": "tui.palette.entry",
    "attention": "tui.palette.attention",
    "report": "tui.palette.report",
    "department": "tui.palette.department",
    "scorecard": "tui.palette.scorecard",
    "review": "tui.palette.review",
}


class ItemCommands(Provider):
    """Items of the plan on the dashboard, and the dashboard's screens."""

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    def _dashboard(self) -> DashboardScreen | None:
        from pledgetrack.tui.screens.dashboard import DashboardScreen

        return next((s for s in self.app.screen_stack if isinstance(s, DashboardScreen)), None)

    def _rows(self) -> list[ItemRow]:
        dashboard = self._dashboard()
        if dashboard is None or dashboard.evaluation is None:
            return []
        return list(dashboard.evaluation.items)

    def _open(self, no: int) -> None:
        dashboard = self._dashboard()
        if dashboard is not None:
            dashboard.open_item(no)

    def _run(self, action: str) -> None:
        dashboard = self._dashboard()
        if dashboard is None:
            return
        while self.app.screen is not dashboard and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
        getattr(dashboard, f"action_{action}")()

    async def discover(self) -> Hits:
        lang = self.pledge_app.lang
        for action, key in SCREEN_COMMANDS.items():
            yield DiscoveryHit(t(key, lang), partial(self._run, action))
        for row in self._rows():
            yield DiscoveryHit(
                f"{row.info.no}. {row.info.title}", partial(self._open, row.info.no), row.info.lead
            )

    async def search(self, query: str) -> Hits:
        lang = self.pledge_app.lang
        matcher = self.matcher(query)
        text = query.strip()
        for action, key in SCREEN_COMMANDS.items():
            name = t(key, lang)
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), partial(self._run, action))
        for row in self._rows():
            label = f"{row.info.no}. {row.info.title}"
            # A number typed is that item first, exactly.
            score = 1.0 if text == str(row.info.no) else matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self._open, row.info.no),
                    help=row.info.lead,
                )
