"""The review screen (v): the figures waiting for review, as ``pledgetrack review list``
lists them; a supervisor approves one (a) or returns it with a reason (r).

Who may review is the services' to say (services.access, services.review): the screen
sends every approval and return, and shows a refusal in the UI's language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.errors import PlanNotFound
from pledgetrack.domain.text import one_line
from pledgetrack.i18n import t
from pledgetrack.services.access import PermissionDenied
from pledgetrack.services.breakdown import plan_units
from pledgetrack.services.review import APPROVED, RETURNED, ReviewLine, ReviewRefused, review
from pledgetrack.services.review_board import ReviewBoard, load_review_board
from pledgetrack.tui.cells import cell, evidence_cell, history_figure, localize_bindings
from pledgetrack.tui.messages import ReviewBoardLoaded, ReviewFailed, ReviewRecorded
from pledgetrack.tui.refusals import review_refusal_text
from pledgetrack.tui.screens.return_reason import ReturnReason, ReturnReasonScreen
from pledgetrack.tui.widgets.fitted_table import FittedTable, measured
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.domain.plan import PlanStructure
    from pledgetrack.tui.app import PledgeApp


#: The table's columns: key → (heading, gives way, grows). At 80 columns the item's title
#: leaves first (the line under the table names it), then who entered the figure; the
#: target, figure, date, evidence and note stay.
COLUMNS = {
    "key": ("col.target", 0, 0),
    "name": ("entry.col.name", 0, 2),
    "item": ("col.item", 4, 1),
    "value": ("col.value", 0, 0),
    "date": ("col.date", 0, 0),
    "by": ("col.entered_by", 3, 0),
    "evidence": ("col.evidence", 0, 1),
    "note": ("col.note", 0, 2),
}


class ReviewTable(FittedTable):
    """The figures waiting for review, one row each (row key: the reading's id)."""


class ReviewScreen(Screen[None]):
    """The plan's submitted figures, of one department or all (d)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back", key_display="esc"),
        Binding("a", "approve", "approve"),
        Binding("r", "return_figure", "return_figure"),
        Binding("d", "department", "department"),
    ]
    #: The keys the footer keeps first on a narrow terminal (widgets/fitting_footer.py).
    FOOTER_KEEP: ClassVar[tuple[str, ...]] = ("approve", "return_figure", "department", "back")

    def __init__(self, structure: PlanStructure, department: str = "") -> None:
        super().__init__()
        self.structure = structure
        #: The department shown ("": every department).
        self.department = department
        #: The figures on screen (None: loading).
        self.board: ReviewBoard | None = None
        #: A review is being recorded, or the list read again after it: the keys wait (a
        #: figure just reviewed is not offered again).
        self.busy = False
        #: The units the plan's targets are split to (None: not read yet).
        self._units: list[str] | None = None

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    @property
    def lang(self) -> str:
        return self.pledge_app.lang

    @property
    def table(self) -> ReviewTable:
        return self.query_one("#review", ReviewTable)

    def compose(self) -> ComposeResult:
        yield Plain(id="review-header")
        yield Plain(id="review-summary")
        yield Plain(id="review-empty")
        yield ReviewTable(id="review", cursor_type="row", zebra_stripes=True)
        yield Plain(id="review-context")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", lambda _lang: self._draw(), init=False)
        self.table.focus()
        self._draw()
        self._load(self.department)

    # ---- loading (thread worker → message → UI thread) ----------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="review-board",
          description="figures waiting for review")  # fmt: skip
    def _load(self, department: str) -> None:
        engine = self.pledge_app.engine
        units = self._units if self._units is not None else plan_units(engine, self.structure.id)
        board = load_review_board(engine, structure=self.structure, department=department)
        if not get_current_worker().is_cancelled:
            self.post_message(ReviewBoardLoaded(board, units))

    @on(ReviewBoardLoaded)
    def _loaded(self, message: ReviewBoardLoaded) -> None:
        if message.board.department != self.department:
            return  # a department left meanwhile
        self.board = message.board
        self._units = message.units
        self.busy = False  # the figures on screen are the database's again
        self._draw()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.busy = False
            self.notify(t("tui.error.load", self.lang, error=event.worker.error), severity="error")

    # ---- drawing (from the loaded board only; no queries) ---------------------------

    def _department_label(self) -> str:
        return self.department or t("tui.department.all", self.lang)

    def _draw(self) -> None:
        lang = self.lang
        localize_bindings([self, self.table], lang)
        self.query_one("#review-header", Static).update(
            t("tui.review.header", lang, plan=self.structure.title)
        )
        board = self.board
        summary = self.query_one("#review-summary", Static)
        empty = self.query_one("#review-empty", Static)
        if board is None:
            summary.update(t("tui.loading", lang))
            empty.display = False
            return
        summary.update(
            t("tui.review.summary", lang, department=self._department_label(), n=len(board.lines))
        )
        empty.display = not board.lines
        empty.update(
            t("tui.review.empty.department", lang, department=self.department)
            if self.department
            else t("tui.review.empty", lang)
        )
        self.table.display = bool(board.lines)
        self._fill_table()

    @on(FittedTable.Refit, "#review")
    def _refit(self) -> None:
        self._fill_table()

    def _cells(self, line: ReviewLine) -> dict[str, Text]:
        lang = self.lang
        reading, target = line.reading, line.target
        assert self.board is not None
        files = self.board.files(line)
        return {
            "key": cell(target.key),
            "name": cell(target.name),
            "item": cell(f"{line.item.no}. {line.item.title}"),
            "value": cell(history_figure(reading, target.rule.per_period, lang, target.unit)),
            "date": cell(date_label(reading.as_of, lang)),
            "by": cell(reading.entered_by),
            "evidence": evidence_cell(files)
            if files
            else cell(t("tui.review.no_evidence", lang), "yellow"),
            "note": cell(reading.note),
        }

    def _fill_table(self) -> None:
        board = self.board
        table = self.table
        cursor = table.cursor_row if table.row_count else 0
        table.clear(columns=True)
        if board is None or not board.lines:
            self._show_context()
            return
        rows = [(self._cells(line), str(line.reading.id)) for line in board.lines]
        specs = [
            measured(
                key,
                t(heading, self.lang),
                (cells[key] for cells, _ in rows),
                gives_way=gives_way,
                grow=grow,
            )
            for key, (heading, gives_way, grow) in COLUMNS.items()
        ]
        table.add_fitted_columns(specs, {key: t(h, self.lang) for key, (h, *_) in COLUMNS.items()})
        for cells, key in rows:
            table.add_fitted_row(cells, key=key)
        table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)
        self._show_context()

    @on(DataTable.RowHighlighted, "#review")
    def _highlighted(self) -> None:
        self._show_context()

    def _show_context(self) -> None:
        """Under the table: the highlighted figure's item, departments and who entered it,
        then its note and files whole (the columns cut them on a narrow terminal)."""
        line = self.highlighted()
        text = ""
        if line is not None and self.board is not None:
            lang = self.lang
            reading = line.reading
            lines = [
                t(
                    "tui.review.context",
                    lang,
                    no=line.item.no,
                    title=line.item.title,
                    departments=line.unit or "、".join(line.item.departments),
                    by=reading.entered_by,
                )
            ]
            files = "、".join(f.file_name for f in self.board.files(line))
            details = [one_line(part) for part in (reading.note, files) if part]
            if details:
                lines.append(" · ".join(details))
            text = "\n".join(lines)
        self.query_one("#review-context", Static).update(text)

    # ---- what tests look at ------------------------------------------------------

    def highlighted(self) -> ReviewLine | None:
        """The figure under the cursor (None: the list is empty or loading)."""
        board, table = self.board, self.table
        if board is None or not board.lines or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((line for line in board.lines if str(line.reading.id) == key), None)

    def row_keys(self) -> list[str]:
        """The rows on screen: each figure's reading id."""
        return [str(key.value) for key in self.table.rows]

    # ---- actions ----------------------------------------------------------------------

    def action_approve(self) -> None:
        line = self._ready()
        if line is not None:
            self.busy = True
            self._record(line, APPROVED, ReturnReason("", missing_evidence=False))

    def action_return_figure(self) -> None:
        line = self._ready()
        if line is None:
            return
        lang = self.lang
        title = t("tui.review.return.title", lang, key=line.target.key, name=line.target.name,
                  date=date_label(line.reading.as_of, lang))  # fmt: skip

        def given(reason: ReturnReason | None) -> None:
            if reason is not None and not self.busy:
                self.busy = True
                self._record(line, RETURNED, reason)

        self.app.push_screen(ReturnReasonScreen(title), given)

    def _ready(self) -> ReviewLine | None:
        """The highlighted figure, when one can be reviewed now (else says why not)."""
        if self.busy or self.board is None:
            return None
        line = self.highlighted()
        if line is None:
            self.notify(t("tui.review.empty", self.lang))
        return line

    @work(thread=True, exclusive=True, exit_on_error=False, group="review",
          description="record a review")  # fmt: skip
    def _record(self, line: ReviewLine, decision: str, reason: ReturnReason) -> None:
        app = self.pledge_app
        try:
            done = review(
                app.engine,
                decision=decision,
                comment=reason.comment,
                missing_evidence=reason.missing_evidence,
                snapshot_id=line.reading.id,
                actor=app.actor,
            )
        except (PermissionDenied, ReviewRefused, PlanNotFound) as exc:
            self.post_message(ReviewFailed(exc))
            return
        self.post_message(ReviewRecorded(done))

    @on(ReviewRecorded)
    def _recorded(self, message: ReviewRecorded) -> None:
        lang = self.lang
        done = message.reviewed
        values = {"key": done.key, "date": date_label(done.as_of, lang), "comment": done.comment}
        said = "tui.review.approved" if done.decision == APPROVED else "tui.review.returned"
        self.notify(t(said, lang, **values))
        self._load(self.department)

    @on(ReviewFailed)
    def _failed(self, message: ReviewFailed) -> None:
        self.notify(review_refusal_text(message.refusal, self.lang), severity="error", timeout=15)
        # What refused it may have changed the list (approved or corrected meanwhile).
        self._load(self.department)

    def action_department(self) -> None:
        """Show one department's figures (the items it leads or co-operates on, and its
        shares of split targets), or all."""
        from pledgetrack.tui.screens.pick import PickScreen

        lang = self.lang
        names = [*self.structure.departments(), *(self._units or [])]
        options = [(t("tui.department.all", lang), ""), *((name, name) for name in names)]

        def chosen(name: str | None) -> None:
            if name is not None and name != self.department:
                self.department = name
                self.board = None
                self._draw()
                self._load(name)

        self.app.push_screen(
            PickScreen(
                t("tui.department.title", lang), t("tui.department.placeholder", lang), options
            ),
            chosen,
        )

    def action_back(self) -> None:
        self.dismiss(None)
