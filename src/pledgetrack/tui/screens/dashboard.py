"""The dashboard: every item of the plan as of a date, grouped under its pledge."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.domain.dates import add_months, date_label, end_of_month
from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.domain.numbers import format_percent, pledge_heading
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.i18n import status_label
from pledgetrack.services.dashboard import load_evaluation, load_first_items
from pledgetrack.services.status import default_as_of
from pledgetrack.tui.cells import bar, cell, day, light, localize_bindings
from pledgetrack.tui.messages import EvaluationLoaded
from pledgetrack.tui.strings import ui

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp

#: The table's columns: key → catalog key of the heading, and fixed width.
COLUMN_LABELS = {
    "no": "col.no",
    "item": "col.item",
    "lead": "col.department",
    "completion": "col.completion",
    "expected": "col.expected",
    "status": "col.status",
    "last": "col.last_report",
}
COLUMN_WIDTHS = {
    "no": 4,
    "item": 25,
    "lead": 20,
    "completion": 18,
    "expected": 8,
    "status": 14,
    "last": 15,
}

#: Rows added to the table at a time; more are added when the cursor or scroll nears the end.
PAGE = 200
LOOKAHEAD = 20

#: Filter cycle: all, then each status in display order.
FILTERS: tuple[Status | None, ...] = (None, *STATUS_ORDER)


class ItemTable(DataTable[object]):
    """The item table; "enter" opens the highlighted item (shown in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "open")]


#: Sortable columns: table column key → sort key of an item row (missing values last).
SORT_KEYS: dict[str, Callable[[ItemRow], tuple[object, ...]]] = {
    "no": lambda r: (r.info.no,),
    "item": lambda r: (r.info.title, r.info.no),
    "lead": lambda r: (r.info.lead, r.info.no),
    "completion": lambda r: (r.result.completion is None, r.result.completion or 0.0, r.info.no),
    "expected": lambda r: (r.result.expected is None, r.result.expected or 0.0, r.info.no),
    "status": lambda r: (-r.result.status.severity, r.info.no),
    "last": lambda r: (r.last_report is None, r.last_report or date.min, r.info.no),
}
#: What "s" steps through: list order (grouped under pledges), then each column.
SORT_CYCLE: tuple[str | None, ...] = (None, *SORT_KEYS)


def matches(row: ItemRow, status: Status | None, query: str, department: str | None = None) -> bool:
    """Whether an item passes the status and department filters and the search text."""
    if status is not None and row.result.status is not status:
        return False
    if department and department not in row.info.departments:
        return False
    query = query.strip().casefold()
    if not query:
        return True
    return query == str(row.info.no) or query in row.info.title.casefold()


class DashboardScreen(Screen[None]):
    """Counters, the item table, time travel by month, filter and search."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left_square_bracket", "prev_month", "prev_month", key_display="["),
        Binding("right_square_bracket", "next_month", "next_month", key_display="]"),
        Binding("p", "prev_month", "prev_month", show=False),
        Binding("n", "next_month", "next_month", show=False),
        Binding("f", "cycle_filter", "cycle_filter"),
        Binding("d", "department", "department"),
        Binding("s", "cycle_sort", "cycle_sort"),
        Binding("S", "reverse_sort", "reverse_sort", show=False),
        # Not in the footer: the search field says "(/)" itself.
        Binding("slash", "search", "search", key_display="/", show=False),
        Binding("e", "entry", "entry"),
        Binding("a", "attention", "attention"),
        Binding("r", "report", "report"),
        Binding("c", "scorecard", "scorecard"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.evaluation: PlanEvaluation | None = None
        self.structure: PlanStructure | None = None
        self.status_filter: Status | None = None
        self.department_filter: str | None = None
        self.query_text = ""
        #: Column the table is sorted by (None = list order under pledge headings).
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._by_no: dict[int, ItemRow] = {}
        self._pledges: dict[int, str] = {}
        self._counts: dict[Status, int] = {}
        #: Rows matching the filters, in table order; the first _shown_rows are in the table.
        self._pending: list[ItemRow] = []
        self._shown_rows = 0
        self._last_pledge: int | None = None

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    @property
    def lang(self) -> str:
        return self.pledge_app.lang

    # ---- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="header")
        with Horizontal(id="counters"):
            for status in STATUS_ORDER:
                yield Static(id=f"count-{status.value}", classes=f"counter {status.value}")
        with Horizontal(id="toolbar"):
            yield Input(id="search")
            yield Static(id="filter")
            yield Static(id="shown")
        table = ItemTable(id="items", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="context")
        yield Footer()

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = False
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self._apply_language()
        table = self.query_one("#items", ItemTable)
        table.focus()
        self.watch(table, "scroll_y", self._near_end, init=False)
        self.load(self.pledge_app.as_of)

    def _lang_changed(self, _lang: str) -> None:
        self._apply_language()

    def _apply_language(self) -> None:
        localize_bindings([self, self.query_one("#items", ItemTable)], self.lang)
        self.query_one("#search", Input).placeholder = ui("search.placeholder", self.lang)
        self.refresh_view()

    # ---- loading (thread worker → message → UI thread) ----------------------

    def load(self, on: date | None) -> None:
        structure = self.structure
        # A new month of a big plan: its first page first, when the view is in list order
        # (a sort or filter needs the whole month to know what comes first) and the cursor
        # is on that page (it stays where it is).
        first_page = (
            structure is not None
            and len(structure.items) > PAGE + 1
            and self.query_one("#items", ItemTable).cursor_row < PAGE
            and self.sort_column in (None, "no")
            and not self.sort_reverse
            and self.status_filter is None
            and not self.department_filter
            and not self.query_text
        )
        self._load(on, structure, first_page)

    # description: without one Textual builds it from repr() of the arguments (a whole
    # province plan structure took 1.7 s on the UI thread).
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="evaluation",
        description="evaluate the plan",
    )
    def _load(
        self, on: date | None, structure: PlanStructure | None, first_page: bool = False
    ) -> None:
        app = self.pledge_app
        worker = get_current_worker()
        if structure is not None and first_page and on is not None:
            first = load_first_items(
                app.engine, on=on, policy=app.policy, items=PAGE + 1, structure=structure
            )
            if worker.is_cancelled:
                return
            self.post_message(EvaluationLoaded(first))
        elif structure is None:
            # First load: the first page of items at once, then the whole plan (a province
            # plan takes a second or two; docs/PERFORMANCE.md).
            if on is None:
                on = default_as_of(app.engine, today=app.today)
            first = load_first_items(app.engine, on=on, policy=app.policy, items=PAGE + 1)
            if worker.is_cancelled:
                return
            if len(first.items) <= PAGE:  # that was the whole plan
                self.post_message(EvaluationLoaded(replace(first, partial=False)))
                return
            self.post_message(EvaluationLoaded(first))
        evaluation = load_evaluation(
            app.engine, on=on, policy=app.policy, structure=structure, today=app.today
        )
        if not worker.is_cancelled:
            self.post_message(EvaluationLoaded(evaluation))

    @on(EvaluationLoaded)
    def _loaded(self, message: EvaluationLoaded) -> None:
        self.evaluation = message.evaluation
        if not message.evaluation.partial:  # a partial structure is not kept for reloads
            self.structure = message.evaluation.structure
        # Look-ups by number, made once per evaluation (no scan per keypress).
        self._by_no = {row.info.no: row for row in self.evaluation.items}
        self._pledges = {p.no: p.title for p in message.evaluation.structure.pledges}
        self._counts = self.evaluation.counts()
        self.pledge_app.as_of = message.evaluation.as_of
        self.refresh_view()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(ui("error.load", self.lang, error=event.worker.error), severity="error")

    # ---- drawing (from the loaded evaluation only; no queries) -------------

    def visible_items(self) -> list[ItemRow]:
        if self.evaluation is None:
            return []
        rows = [
            r
            for r in self.evaluation.items
            if matches(r, self.status_filter, self.query_text, self.department_filter)
        ]
        if self.sort_column is not None:
            rows.sort(key=SORT_KEYS[self.sort_column], reverse=self.sort_reverse)
        return rows

    def refresh_view(self) -> None:
        lang = self.lang
        evaluation = self.evaluation
        header = self.query_one("#header", Static)
        if evaluation is None:
            header.update(ui("header.loading", lang))
        else:
            header.update(
                ui(
                    "header",
                    lang,
                    plan=evaluation.structure.title,
                    date=date_label(evaluation.as_of, lang),
                )
            )
            counts = self._counts
            total = len(evaluation.items)
            for status in STATUS_ORDER:
                label = status_label(status, lang)
                self.query_one(f"#count-{status.value}", Static).update(
                    ui("counter.loading", lang, label=label)
                    if evaluation.partial
                    else ui("counter", lang, label=label, n=counts[status], total=total)
                )
        label = (
            ui("filter.all", lang)
            if self.status_filter is None
            else status_label(self.status_filter, lang)
        )
        parts = [ui("filter", lang, status=label)]
        if self.department_filter:
            parts.append(self.department_filter)
        if self.sort_column is not None:
            parts.append(
                ui(
                    "sort",
                    lang,
                    column=ui(COLUMN_LABELS[self.sort_column], lang),
                    arrow="↓" if self.sort_reverse else "↑",
                )
            )
        self.query_one("#filter", Static).update(" · ".join(parts))
        self._fill_table()

    def _fill_table(self) -> None:
        lang = self.lang
        table = self.query_one("#items", ItemTable)
        keep = None
        if table.row_count:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        # Nothing pending while the table is rebuilt (clearing scrolls, which adds pages).
        self._pending, self._shown_rows = [], 0
        table.clear(columns=True)
        # Fixed widths: rows arrive after the columns, so auto widths would follow the headers.
        for key, width in COLUMN_WIDTHS.items():
            table.add_column(ui(COLUMN_LABELS[key], lang), key=key, width=width)
        rows = self.visible_items()
        shown = ""
        if self.evaluation is not None:
            partial = self.evaluation.partial
            shown = ui("shown.loading", lang) if partial else ui("shown", lang, n=len(rows))
        self.query_one("#shown", Static).update(shown)
        self._pending = rows
        self._shown_rows = 0
        self._last_pledge = None
        if self.evaluation is None:
            return
        self._append_page()
        if keep is not None and keep in table.rows:
            table.move_cursor(row=table.get_row_index(keep), animate=False)

    def _append_page(self) -> None:
        """Add the next PAGE of matching rows to the table (rows are added as you scroll)."""
        if self.evaluation is None or self._shown_rows >= len(self._pending):
            return
        lang = self.lang
        table = self.query_one("#items", ItemTable)
        grouped = self.sort_column is None
        pledges = self._pledges
        end = min(self._shown_rows + PAGE, len(self._pending))
        for row in self._pending[self._shown_rows : end]:
            if grouped and row.info.pledge_no != self._last_pledge:
                self._last_pledge = row.info.pledge_no
                table.add_row(
                    cell(pledge_heading(row.info.pledge_no, lang), "bold"),
                    cell(pledges[row.info.pledge_no], "bold"),
                    key=f"pledge-{row.info.pledge_no}",
                )
            result = row.result
            table.add_row(
                cell(str(row.info.no)),
                cell(row.info.title),
                cell(row.info.lead),
                bar(result.completion, result.status),
                cell(format_percent(result.expected)),
                light(result.status, lang),
                day(row.last_report, lang),
                key=f"item-{row.info.no}",
            )
        self._shown_rows = end

    def _near_end(self, *_args: object) -> None:
        """Scrolled or moved close to the last rows added: add the next page."""
        table = self.query_one("#items", ItemTable)
        if self._shown_rows < len(self._pending) and (
            table.cursor_row >= table.row_count - LOOKAHEAD
            or table.scroll_y >= table.max_scroll_y - LOOKAHEAD
        ):
            self._append_page()

    def item_keys(self) -> list[str]:
        """Keys of the item rows on screen (tests count them)."""
        table = self.query_one("#items", ItemTable)
        return [str(k.value) for k in table.rows if str(k.value).startswith("item-")]

    @on(DataTable.RowHighlighted, "#items")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._near_end()
        context = self.query_one("#context", Static)
        key = str(event.row_key.value)
        if self.evaluation is None:
            context.update("")
        elif key.startswith("pledge-"):
            no = int(key.removeprefix("pledge-"))
            context.update(pledge_heading(no, self.lang) + self._pledges[no])
        else:
            row = self._item(int(key.removeprefix("item-")))
            context.update(
                f"{row.info.no}. {row.info.title} — {'、'.join(row.info.departments)}"
                if row
                else ""
            )

    def _item(self, no: int) -> ItemRow | None:
        return self._by_no.get(no)

    # ---- actions ------------------------------------------------------------

    def _step(self, months: int) -> None:
        if self.evaluation is None:
            return
        period = self.evaluation.structure.period
        on = add_months(self.evaluation.as_of, months)
        on = max(min(on, period.end), end_of_month(period.start))
        if on != self.evaluation.as_of:
            self.load(on)

    def action_prev_month(self) -> None:
        self._step(-1)

    def action_next_month(self) -> None:
        self._step(1)

    def action_cycle_filter(self) -> None:
        self.status_filter = FILTERS[(FILTERS.index(self.status_filter) + 1) % len(FILTERS)]
        self.refresh_view()

    def action_department(self) -> None:
        """Pick a department to show only the items it leads or co-operates on."""
        if self._still_loading():
            return
        from pledgetrack.tui.screens.pick import PickScreen

        lang = self.lang
        counts: dict[str, int] = {}
        for row in self.evaluation.items:
            for name in row.info.departments:
                counts[name] = counts.get(name, 0) + 1
        options: list[tuple[str, str]] = [(ui("department.all", lang), "")]
        options += [
            (ui("department.option", lang, name=name, n=n), name) for name, n in counts.items()
        ]

        def chosen(name: str | None) -> None:
            if name is not None:
                self.department_filter = name or None
                self.refresh_view()

        self.app.push_screen(
            PickScreen(ui("department.title", lang), ui("department.placeholder", lang), options),
            chosen,
        )

    def action_cycle_sort(self) -> None:
        index = SORT_CYCLE.index(self.sort_column)
        self.sort_column = SORT_CYCLE[(index + 1) % len(SORT_CYCLE)]
        self.sort_reverse = False
        self.refresh_view()

    def action_reverse_sort(self) -> None:
        if self.sort_column is None:
            self.sort_column = "no"
        self.sort_reverse = not self.sort_reverse
        self.refresh_view()

    @on(DataTable.HeaderSelected, "#items")
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        """Click a heading to sort by it; click it again to reverse."""
        column = str(event.column_key.value)
        if column not in SORT_KEYS:
            return
        if self.sort_column == column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self.refresh_view()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._fill_table()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.query_one("#items", ItemTable).focus()

    def key_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.query_one("#items", ItemTable).focus()

    @on(DataTable.RowSelected, "#items")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if not key.startswith("item-") or self.evaluation is None:
            return
        self.open_item(int(key.removeprefix("item-")))

    def open_item(self, no: int) -> None:
        """The detail of item *no* as of the date on screen (also from the command palette)."""
        row = self._item(no)
        if row is None or self.evaluation is None:
            return
        from pledgetrack.tui.screens.item_detail import ItemDetailScreen

        self.app.push_screen(
            ItemDetailScreen(row, self.evaluation.as_of, self.evaluation.structure.period)
        )

    def action_attention(self) -> None:
        """The attention board for the month on screen (the whole plan: not while only its
        first page is in)."""
        if self.evaluation is None or self._still_loading():
            return
        from pledgetrack.tui.screens.attention import AttentionScreen

        self.app.push_screen(AttentionScreen(self.evaluation))

    def action_report(self) -> None:
        """The month-end report of the month on screen."""
        if self.evaluation is None:
            return
        from pledgetrack.tui.screens.report import ReportScreen

        self.app.push_screen(ReportScreen(self.evaluation.structure.code, self.evaluation.as_of))

    def action_entry(self) -> None:
        """Monthly entry for the highlighted item's lead department, the next month to report."""
        evaluation = self.evaluation
        if evaluation is None or self._still_loading():
            return
        from pledgetrack.services.entry import default_entry_month
        from pledgetrack.tui.screens.entry import EntryScreen

        app = self.pledge_app
        structure = evaluation.structure
        month = default_entry_month(evaluation.as_of, structure.period, app.policy, app.today)
        if month is None:
            self.notify(ui("entry.no_month", self.lang), severity="warning")
            return
        row = self._highlighted_item()
        departments = structure.departments()
        department = row.info.lead if row is not None and row.info.lead else departments[0]
        self.app.push_screen(EntryScreen(structure, department, month), self._entry_done)

    def _still_loading(self) -> bool:
        """True (and says so) while only the first page of a big plan is loaded."""
        if self.evaluation is None or self.evaluation.partial:
            self.notify(ui("still_loading", self.lang))
            return True
        return False

    def _entry_done(self, saved_as_of: date | None) -> None:
        """After a save, show the month just entered (the figures are in the table at once)."""
        if saved_as_of is not None:
            self.load(saved_as_of)

    def _highlighted_item(self) -> ItemRow | None:
        table = self.query_one("#items", ItemTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if key.startswith("item-"):
            return self._item(int(key.removeprefix("item-")))
        # On a pledge heading: its first item on screen.
        index = table.cursor_row + 1
        if index < table.row_count:
            below = str(table.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value)
            if below.startswith("item-"):
                return self._item(int(below.removeprefix("item-")))
        return None

    def action_scorecard(self) -> None:
        """The department scorecard of the month on screen; enter shows that department here."""
        if self.evaluation is None:
            return
        from pledgetrack.tui.screens.scorecard import ScorecardScreen

        def chosen(name: str | None) -> None:
            if name:
                self.department_filter = name
                self.refresh_view()

        self.app.push_screen(
            ScorecardScreen(self.evaluation.structure.code, self.evaluation.as_of), chosen
        )
