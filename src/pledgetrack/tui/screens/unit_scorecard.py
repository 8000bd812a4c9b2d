"""The unit scorecard of the month: each district's (street's) shares of split targets —
how many achieved, lagging, not reported, and the mean completion."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from pledgetrack.domain.column_fit import ColumnSpec
from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import format_percent
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.i18n import status_label, t
from pledgetrack.services.breakdown import unit_scores
from pledgetrack.tui.cells import STATUS_COLOUR, cell, localize_bindings
from pledgetrack.tui.screens.month_report import MonthReportScreen
from pledgetrack.tui.widgets.fitted_table import FittedTable, longest
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.services.month_report import MonthReport


class UnitScorecardScreen(MonthReportScreen[None]):
    """Units by mean completion; escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "back", key_display="esc")]

    def __init__(
        self,
        plan_code: str,
        as_of: date,
        *,
        structure: PlanStructure | None = None,
        report: MonthReport | None = None,
    ) -> None:
        super().__init__(plan_code, as_of, structure=structure)
        self.report = report

    def compose(self) -> ComposeResult:
        yield Plain(id="units-header")
        yield FittedTable(id="unit-scorecard", cursor_type="row", zebra_stripes=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self._draw(), init=False)
        self.query_one("#unit-scorecard", FittedTable).focus()
        self._draw()
        if self.report is None:
            self._build()

    def _draw(self) -> None:
        lang = self.lang
        table = self.query_one("#unit-scorecard", FittedTable)
        localize_bindings([self, table], lang)
        header = self.query_one("#units-header", Static)
        report = self.report
        if report is None:
            header.update(t("tui.loading", lang))
            return
        scores = unit_scores(report)
        header.update(
            t("tui.units.header", lang, plan=report.plan_title, date=date_label(report.as_of, lang))
            if scores
            else t("tui.units.none", lang)
        )
        table.clear(columns=True)
        labels = {
            "unit": t("col.unit", lang),
            "level": t("col.level", lang),
            "shares": t("col.shares", lang),
            "achieved": status_label(Status.ACHIEVED, lang),
            "lagging": t("col.units.lagging", lang),
            "not_reported": status_label(Status.NOT_REPORTED, lang),
            "completion": t("score.col.completion", lang),
        }
        widest = longest(s.unit for s in scores)
        specs = [
            ColumnSpec("unit", min(max(widest, 8), 12), grow=1, limit=max(widest, 12), floor=6)
        ]
        specs += [
            ColumnSpec(key, max(len(label) * 2, 6), gives_way=1 if key == "level" else 0)
            for key, label in labels.items()
            if key != "unit"
        ]
        table.add_fitted_columns(specs, labels)
        for s in scores:
            table.add_fitted_row(
                {
                    "unit": cell(s.unit),
                    "level": cell(s.level),
                    "shares": cell(str(s.shares)),
                    "achieved": cell(str(s.achieved), "green" if s.achieved else ""),
                    "lagging": cell(
                        str(s.lagging), STATUS_COLOUR[Status.BEHIND] if s.lagging else ""
                    ),
                    "not_reported": cell(
                        str(s.not_reported),
                        STATUS_COLOUR[Status.NOT_REPORTED] if s.not_reported else "",
                    ),
                    "completion": cell(format_percent(s.completion)),
                },
                key=s.unit,
            )

    def on_fitted_table_refit(self, _event: FittedTable.Refit) -> None:
        self._draw()

    def action_back(self) -> None:
        self.dismiss(None)
