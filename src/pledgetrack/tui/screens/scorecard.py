"""The department scorecard of the month on screen: items, statuses, late reports per department."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from pledgetrack.domain.column_fit import ColumnSpec
from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.domain.numbers import format_percent
from pledgetrack.i18n import status_label, t
from pledgetrack.tui.cells import STATUS_COLOUR, cell, localize_bindings
from pledgetrack.tui.screens.month_report import MonthReportScreen
from pledgetrack.tui.widgets.fitted_table import FittedTable, longest
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    pass


#: The order the scorecard's columns give way on a narrow screen (first gives way first):
#: the department, its items, the statuses that need action, late reports and the mean stay.
GIVES_WAY = ("lead", Status.ON_TRACK.value, Status.ACHIEVED.value, Status.NOT_REPORTED.value)


def score_columns(labels: dict[str, str], names: Iterable[str]) -> list[ColumnSpec]:
    """The scorecard's columns in cells: each as wide as its heading (at least six), the
    department's growing to the longest of *names*."""
    widest = longest(names)
    specs = [ColumnSpec("department", min(max(widest, 8), 12), grow=1,
                        limit=max(widest, 12), floor=8)]  # fmt: skip
    for key, label in labels.items():
        if key != "department":
            rank = len(GIVES_WAY) - GIVES_WAY.index(key) if key in GIVES_WAY else 0
            specs.append(ColumnSpec(key, max(cell_len(label), 6), gives_way=rank))
    return specs


class ScoreTable(FittedTable):
    """The scorecard; "enter" shows the department's items on the dashboard."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "open")]


class ScorecardScreen(MonthReportScreen[str | None]):
    """Dismisses with the department chosen (enter), or None (escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back", key_display="esc"),
        Binding("u", "units", "units"),
    ]

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
        labels = {
            "department": t("col.department", lang),
            "items": t("score.col.items", lang),
            "lead": t("score.col.lead", lang),
            **{status.value: status_label(status, lang) for status in STATUS_ORDER},
            "late": t("score.col.late", lang),
            "completion": t("score.col.completion", lang),
        }
        table.add_fitted_columns(
            score_columns(labels, (d.name for d in report.departments)), labels
        )
        for score in report.departments:
            table.add_fitted_row(
                {
                    "department": cell(score.name),
                    "items": cell(str(score.items)),
                    "lead": cell(str(score.lead_items)),
                    **{s.value: _count(score.counts[s], s) for s in STATUS_ORDER},
                    "late": cell(str(score.late_reports), "yellow" if score.late_reports else ""),
                    "completion": cell(format_percent(score.completion)),
                },
                key=score.name,
            )
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor, animate=False)

    @on(FittedTable.Refit, "#scorecard")
    def _refit(self) -> None:
        self._draw()

    @on(DataTable.RowSelected, "#scorecard")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        self.dismiss(str(event.row_key.value))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_units(self) -> None:
        """The units' scorecard (targets split to districts or streets), same month."""
        from pledgetrack.tui.screens.unit_scorecard import UnitScorecardScreen

        self.app.push_screen(
            UnitScorecardScreen(
                self.plan_code, self.as_of, structure=self.structure, report=self.report
            )
        )


def _count(n: int, status: Status):
    """A status count, coloured when it is not zero."""
    return cell(str(n), STATUS_COLOUR[status] if n and status is not Status.ON_TRACK else "")
