"""Ask why a figure is returned to its department (the review screen's r)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input

from pledgetrack.i18n import t
from pledgetrack.services.review import ReviewRefused, return_comment
from pledgetrack.tui.refusals import review_refusal_text
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


@dataclass(frozen=True)
class ReturnReason:
    """What the reviewer typed, and whether the figure lacks evidence (佐证材料)."""

    comment: str
    missing_evidence: bool


class ReturnReasonScreen(ModalScreen[ReturnReason | None]):
    """Dismisses with the reason (enter), or None (escape). A reason is required, as the
    service requires it (services.review.return_comment): without one the dialog stays
    and says so."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "cancel", key_display="esc"),
    ]

    def __init__(self, figure: str) -> None:
        super().__init__()
        #: Which figure, as the title names it (``28.1 城市书房 2020年11月30日``).
        self.figure = figure

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="return-dialog"):
            yield Plain(self.figure, id="return-title")
            yield Input(placeholder=t("tui.review.return.placeholder", lang), id="return-reason")
            yield Checkbox(
                t("tui.review.return.missing_evidence", lang),
                id="return-missing-evidence",
                compact=True,
            )
            yield Plain(id="return-message")
            yield Plain(t("tui.review.return.hint", lang), id="return-hint")

    def on_mount(self) -> None:
        reason = self.query_one("#return-reason", Input)
        reason.cursor_blink = False
        reason.focus()
        self.query_one("#return-message").display = False

    @on(Input.Submitted, "#return-reason")
    def _submitted(self, event: Input.Submitted) -> None:
        missing = self.query_one("#return-missing-evidence", Checkbox).value
        try:
            return_comment(event.value, missing_evidence=missing)
        except ReviewRefused as exc:
            message = self.query_one("#return-message", Plain)
            message.update(review_refusal_text(exc, self.lang))
            message.display = True
            return
        self.dismiss(ReturnReason(event.value.strip(), missing))

    def action_cancel(self) -> None:
        self.dismiss(None)
