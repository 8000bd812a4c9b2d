"""Screens that show the month-end report model (report preview, department scorecard).

The model is built once in a thread worker and posted back; screens redraw from it
(a language switch re-renders without rebuilding).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, TypeVar, cast

from textual import on, work
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.i18n import t
from pledgetrack.services.month_report import MonthReport, build_month_report
from pledgetrack.tui.messages import ReportBuilt

if TYPE_CHECKING:
    from pledgetrack.domain.plan import PlanStructure
    from pledgetrack.tui.app import PledgeApp

ResultT = TypeVar("ResultT")


class MonthReportScreen(Screen[ResultT]):
    """Holds ``plan_code``, ``as_of`` and the built ``report``; subclasses implement _draw.

    *structure*: the plan's whole structure when the caller holds it (the dashboard),
    so building the report does not load the plan again.
    """

    def __init__(
        self, plan_code: str, as_of: date, *, structure: PlanStructure | None = None
    ) -> None:
        super().__init__()
        self.plan_code = plan_code
        self.as_of = as_of
        self.structure = structure
        #: The report model, built once; the language toggle only re-renders it.
        self.report: MonthReport | None = None

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    @property
    def lang(self) -> str:
        return self.pledge_app.lang

    def _draw(self) -> None:  # pragma: no cover - every subclass draws
        raise NotImplementedError

    @work(thread=True, exclusive=True, exit_on_error=False, group="report", description="build")
    def _build(self) -> None:
        app = self.pledge_app
        report = build_month_report(
            app.engine,
            month=self.as_of,
            plan=self.plan_code,
            structure=self.structure,
            policy=app.policy,
        )
        if not get_current_worker().is_cancelled:
            self.post_message(ReportBuilt(report))

    @on(ReportBuilt)
    def _built(self, message: ReportBuilt) -> None:
        self.report = message.report
        self._draw()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(t("tui.error.load", self.lang, error=event.worker.error), severity="error")
