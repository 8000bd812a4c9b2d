"""The department scorecard of the month on screen: items, statuses, late reports per department."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.domain.numbers import format_percent
from pledgetrack.i18n import status_label, t
from pledgetrack.tui.cells import STATUS_COLOUR, cell, localize_bindings
from pledgetrack.tui.screens.month_report import MonthReportScreen
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    pass


class ScoreTable(DataTable[object]):
    """The scorecard; "enter" shows the department's items on the dashboard."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "open")]


class ScorecardScreen(MonthReportScreen[str | None]):
    """Dismisses with the department chosen (enter), or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "back", key_display="esc")]

    def compose(self) -> ComposeResult:
        yield Plain(id="score-header")
        yield ScoreTable(id="scorecard", cursor_type="row", zebra_stripes=True)
        yield Plain(id="score-note")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self._draw(), init=False)
        self.query_one("#scorecard", ScoreTable).focus()
        self._draw()
        self._build()

    def _draw(self) -> None:
        lang = self.pledge_app.lang
        table = self.query_one("#scorecard", ScoreTable)
        localize_bindings([self, table], lang)
        header = self.query_one("#score-header", Static)
        report = self.report
        if report is None:
            header.update(t("tui.loading", lang))
            return
        header.update(
            t(
                "tui.scorecard.header",
                lang,
                plan=report.plan_title,
                date=date_label(report.as_of, lang),
            )
        )
        self.query_one("#score-note", Static).update(
            t("score.late.note", lang, date=date_label(report.reporting_deadline, lang))
        )
        cursor = table.cursor_row
        table.clear(columns=True)
        table.add_column(t("col.department", lang), key="department", width=22)
        table.add_column(t("score.col.items", lang), key="items")
        table.add_column(t("score.col.lead", lang), key="lead")
        for status in STATUS_ORDER:
            table.add_column(status_label(status, lang), key=status.value)
        table.add_column(t("score.col.late", lang), key="late")
        table.add_column(t("score.col.completion", lang), key="completion")
        for score in report.departments:
            table.add_row(
                cell(score.name),
                cell(str(score.items)),
                cell(str(score.lead_items)),
                *(_count(score.counts[status], status) for status in STATUS_ORDER),
                cell(str(score.late_reports), "yellow" if score.late_reports else ""),
                cell(format_percent(score.completion)),
                key=score.name,
            )
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor, animate=False)

    @on(DataTable.RowSelected, "#scorecard")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_back(self) -> None:
        self.dismiss(None)


def _count(n: int, status: Status):  # type: ignore[no-untyped-def]
    """A status count, coloured when it is not zero."""
    return cell(str(n), STATUS_COLOUR[status] if n and status is not Status.ON_TRACK else "")
