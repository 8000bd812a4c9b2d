"""The dashboard: every item of the plan as of a date, grouped under its pledge."""

from __future__ import annotations

from concurrent.futures import wait
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.domain.dates import add_months, date_label, end_of_month
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.domain.numbers import pledge_heading
from pledgetrack.i18n import status_label, t
from pledgetrack.tui.cells import localize_bindings
from pledgetrack.tui.messages import EvaluationLoaded, RemindersLoaded
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.item_table import (
    PAGE,
    ItemTable,
    item_no,
    pledge_no,
)
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from concurrent.futures import Future

    from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
    from pledgetrack.domain.plan import PlanStructure
    from pledgetrack.domain.reminders import Reminders
    from pledgetrack.tui.app import PledgeApp

#: Cells between two counters (app.tcss), and when they are shown short.
COUNTER_GAP, COUNTER_GAP_COMPACT = 3, 2

#: Seconds the dashboard's first paint waits for the first page loading since the app
#: started; a slower database shows the table empty (loading) first.
FIRST_PAINT_WAIT = 1.0

#: Filter cycle: all, then each status in display order.
FILTERS: tuple[Status | None, ...] = (None, *STATUS_ORDER)


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
        # Not in the footer: the search field says "（/）" itself.
        Binding("slash", "search", "search", key_display="/", show=False),
        Binding("e", "entry", "entry"),
        Binding("a", "attention", "attention"),
        Binding("r", "report", "report"),
        Binding("c", "scorecard", "scorecard"),
        Binding("m", "reminders", "reminders"),
        Binding("v", "review", "review"),
    ]
    #: The keys the footer keeps first on a narrow terminal (widgets/fitting_footer.py).
    FOOTER_KEEP: ClassVar[tuple[str, ...]] = (
        "select_cursor",
        "prev_month",
        "next_month",
        "entry",
        "report",
        "attention",
        "cycle_filter",
    )

    def __init__(self) -> None:
        super().__init__()
        self.evaluation: PlanEvaluation | None = None
        self.structure: PlanStructure | None = None
        self.status_filter: Status | None = None
        self.department_filter: str | None = None
        self.query_text = ""
        #: Who still owes figures for the month collected on the shown date (None: loading).
        self.reminders: Reminders | None = None
        #: The reminders for the shown date are on screen (or could not be worked out).
        self.reminders_settled = False
        self._by_no: dict[int, ItemRow] = {}
        self._pledges: dict[int, str] = {}
        self._counts: dict[Status, int] = {}
        #: Each counter in words and short (``已完成 18/36``), as the width allows.
        self._counter_texts: dict[Status, tuple[str, str]] = {}

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    @property
    def lang(self) -> str:
        return self.pledge_app.lang

    @property
    def table(self) -> ItemTable:
        return self.query_one("#items", ItemTable)

    @property
    def sort_column(self) -> str | None:
        """Column the table is sorted by (None = list order under pledge headings)."""
        return self.table.sort_column

    @sort_column.setter
    def sort_column(self, column: str | None) -> None:
        self.table.sort_column = column

    @property
    def sort_reverse(self) -> bool:
        return self.table.sort_reverse

    @sort_reverse.setter
    def sort_reverse(self, reverse: bool) -> None:
        self.table.sort_reverse = reverse

    # ---- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Plain(id="header")
        with Horizontal(id="counters"):
            for status in STATUS_ORDER:
                yield Plain(id=f"count-{status.value}", classes=f"counter {status.value}")
        with Horizontal(id="toolbar"):
            yield Input(id="search")
            yield Plain(id="filter")
            yield Plain(id="shown")
        yield ItemTable(id="items")
        yield Plain(id="reminder")
        yield Plain(id="context")
        yield FittingFooter()

    def on_mount(self) -> None:
        search = self.query_one("#search", Input)
        search.cursor_blink = False
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self._apply_language()
        self.table.focus()
        first = self.pledge_app.take_first_page()
        if first is not None:
            # Loading since the app started: wait for it (a moment) rather than paint an
            # empty table and then paint again (docs/PERFORMANCE.md, "TUI first paint").
            wait([first], timeout=FIRST_PAINT_WAIT)
        if first is not None and first.done() and first.exception() is None:
            page = first.result()
            self._loaded(EvaluationLoaded(page))
            # The whole plan, or the database for what comes next: after the first paint,
            # not competing with it.
            if page.partial:
                self.pledge_app.after_first_paint(
                    lambda: self._load(page.as_of, None, rest_only=True)
                )
            else:
                self.pledge_app.after_first_paint(self.pledge_app.open_database_soon)
            return
        self._load(self.pledge_app.as_of, None, first_page=first)

    def _lang_changed(self, _lang: str) -> None:
        self._apply_language()

    def _apply_language(self) -> None:
        localize_bindings([self, self.table], self.lang)
        self.query_one("#search", Input).placeholder = t("tui.search.placeholder", self.lang)
        self.refresh_view()
        self._show_reminders()

    # ---- loading (thread worker → message → UI thread) ----------------------

    def load(self, on: date | None) -> None:
        structure = self.structure
        # A new month of a big plan: its first page first, when the view is in list order
        # (a sort or filter needs the whole month to know what comes first) and the cursor
        # is on that page (it stays where it is).
        first_page = (
            structure is not None
            and len(structure.items) > PAGE + 1
            and self.table.cursor_row < PAGE
            and self.table.in_list_order
            and self.status_filter is None
            and not self.department_filter
            and not self.query_text
        )
        self._load(on, structure, first_page)

    # description: without one Textual builds it from repr() of the arguments (a whole
    # province plan structure, which stalls the UI thread).
    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="evaluation",
        description="evaluate the plan",
    )
    def _load(
        self,
        on: date | None,
        structure: PlanStructure | None,
        first_page: bool | Future[PlanEvaluation] | None = False,
        rest_only: bool = False,
    ) -> None:
        """Load the month *on* (None: the date views open on). With a loaded *structure*
        and *first_page*, the month's first page first. Without a structure (the first
        load): the first page (*first_page*: the one the app started loading), then the
        whole plan; *rest_only*: the first page is on screen, only the whole plan."""
        from pledgetrack.services import dashboard as service  # SQLAlchemy: off the UI thread

        app = self.pledge_app
        worker = get_current_worker()
        if structure is not None and first_page and on is not None:
            first = service.load_first_items(
                app.engine, on=on, policy=app.policy, items=PAGE + 1, structure=structure
            )
            if worker.is_cancelled:
                return
            self.post_message(EvaluationLoaded(first))
        elif structure is None and not rest_only:
            # First load: the first page of items at once, then the whole plan (a province
            # plan takes a while; docs/PERFORMANCE.md).
            if first_page and not isinstance(first_page, bool):
                first = first_page.result()
            else:
                first = service.load_first_page(
                    app.engine, on=on, policy=app.policy, page=PAGE, today=app.today
                )
            if worker.is_cancelled:
                return
            self.post_message(EvaluationLoaded(first))
            if not first.partial:  # that was the whole plan
                return
            on = first.as_of
        evaluation = service.load_evaluation(
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
        structure = message.evaluation.structure
        # A flat list has no 件: no pledge heading rows.
        self._pledges = {} if structure.flat else {p.no: p.title for p in structure.pledges}
        self._counts = self.evaluation.counts()
        self.pledge_app.as_of = message.evaluation.as_of
        self.refresh_view()
        if not message.evaluation.partial:
            evaluation = message.evaluation
            self.reminders_settled = False
            self.pledge_app.after_first_paint(
                lambda: self._load_reminders(evaluation.as_of, evaluation.structure)
            )

    # ---- reminders (services.remind): the month collected on the shown date -------

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="reminders",
        description="who still owes figures",
    )
    def _load_reminders(self, on: date, structure: PlanStructure) -> None:
        """Who still owes figures for the month collected on *on* (the shown date): the
        days left to its reporting day, and the departments still missing."""
        from pledgetrack.services.remind import build_reminders  # SQLAlchemy: off the UI thread

        app = self.pledge_app
        reminders = build_reminders(
            app.engine, on=on, plan=structure.code, policy=app.policy, structure=structure
        )
        if not get_current_worker().is_cancelled:
            self.post_message(RemindersLoaded(reminders))

    @on(RemindersLoaded)
    def _reminders_loaded(self, message: RemindersLoaded) -> None:
        if self.evaluation is not None and message.reminders.timing.on != self.evaluation.as_of:
            return  # an older month's, overtaken by a step
        self.reminders = message.reminders
        self.reminders_settled = True
        self._show_reminders()

    def _show_reminders(self) -> None:
        strip = self.query_one("#reminder", Static)
        if self.reminders is None:
            strip.update(t("remind.strip.loading", self.lang))
        else:
            # Imported by the worker that loaded them (nothing more at the first paint).
            from pledgetrack.services.remind import reminder_strip

            strip.update(reminder_strip(self.reminders, self.lang))

    def action_reminders(self) -> None:
        """The departments still missing and their targets, as the ``remind`` command
        prints them, over the board (copied to the clipboard, ready to send)."""
        from pledgetrack.services.remind import reminder_lines, reminder_strip
        from pledgetrack.tui.screens.phone_list import PhoneListScreen

        if self.reminders is None:
            self.notify(t("remind.strip.loading", self.lang))
            return
        title = reminder_strip(self.reminders, self.lang)
        self.app.push_screen(
            PhoneListScreen(title, "\n".join(reminder_lines(self.reminders, self.lang)))
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "reminders":
            self.reminders_settled = True  # the board works without them; say why
            self.query_one("#reminder", Static).update(
                t("remind.strip.failed", self.lang, error=event.worker.error)
            )
            return
        if event.state is WorkerState.ERROR:
            self.notify(t("tui.error.load", self.lang, error=event.worker.error), severity="error")

    # ---- drawing (from the loaded evaluation only; no queries) -------------

    def visible_items(self) -> list[ItemRow]:
        """The items passing the filters and the search, in list order (the table sorts)."""
        if self.evaluation is None:
            return []
        return [
            r
            for r in self.evaluation.items
            if matches(r, self.status_filter, self.query_text, self.department_filter)
        ]

    def refresh_view(self) -> None:
        lang = self.lang
        evaluation = self.evaluation
        header = self.query_one("#header", Static)
        if evaluation is None:
            header.update(t("tui.loading", lang))
        else:
            header.update(
                t(
                    "tui.header",
                    lang,
                    plan=evaluation.structure.title,
                    date=date_label(evaluation.as_of, lang),
                )
            )
            counts = self._counts
            total = len(evaluation.items)
            self._counter_texts = {
                status: (
                    t("tui.counter.loading", lang, label=label)
                    if evaluation.partial
                    else t("tui.counter", lang, label=label, n=counts[status], total=total),
                    t("tui.counter.loading", lang, label=label)
                    if evaluation.partial
                    else t("tui.counter.short", lang, label=label, n=counts[status], total=total),
                )
                for status in STATUS_ORDER
                for label in [status_label(status, lang)]
            }
            self._fit_counters()
        label = (
            t("tui.filter.all", lang)
            if self.status_filter is None
            else status_label(self.status_filter, lang)
        )
        parts = [t("tui.filter", lang, status=label)]
        if self.department_filter:
            parts.append(self.department_filter)
        sort = self.table.sort_label(lang)
        if sort:
            parts.append(sort)
        self.query_one("#filter", Static).update(" · ".join(parts))
        self._fill_table()

    def on_resize(self, _event: events.Resize) -> None:
        self._fit_counters()

    def _fit_counters(self) -> None:
        """The counters in words when they fit the width, as ``18/36`` closer together when
        only that fits, and on two lines when not even that does."""
        if not self._counter_texts:
            return
        row = self.query_one("#counters")
        width = row.content_region.width or self.app.size.width - 2

        def need(texts: list[str], gap: int) -> int:
            return sum(cell_len(text) + gap for text in texts)

        full = [texts[0] for texts in self._counter_texts.values()]
        short = [texts[1] for texts in self._counter_texts.values()]
        fits = need(full, COUNTER_GAP) <= width
        row.set_class(not fits, "-compact")
        row.set_class(need(short, COUNTER_GAP_COMPACT) > width, "-wrap")
        for status, texts in self._counter_texts.items():
            self.query_one(f"#count-{status.value}", Static).update(texts[0 if fits else 1])

    def _fill_table(self) -> None:
        lang = self.lang
        rows = self.visible_items()
        shown = ""
        if self.evaluation is not None:
            partial = self.evaluation.partial
            shown = t("tui.shown.loading", lang) if partial else t("tui.shown", lang, n=len(rows))
            if not rows and not partial:
                # Nothing highlighted to describe: the line under the table says why it is empty.
                self.query_one("#context", Static).update(t("tui.shown.none", lang))
        self.query_one("#shown", Static).update(shown)
        self.table.show_rows(rows if self.evaluation is not None else None, self._pledges, lang)

    def item_keys(self) -> list[str]:
        """Keys of the item rows on screen (tests count them)."""
        return self.table.item_keys()

    @on(DataTable.RowHighlighted, "#items")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        context = self.query_one("#context", Static)
        pledge = pledge_no(event.row_key.value)
        if self.evaluation is None:
            context.update("")
        elif pledge is not None:
            context.update(pledge_heading(pledge, self.lang) + self._pledges[pledge])
        else:
            no = item_no(event.row_key.value)
            row = self._item(no) if no is not None else None
            departments = "、".join(row.info.departments) if row else ""
            context.update(
                f"{row.info.no}. {row.info.title}" + (f" — {departments}" if departments else "")
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
            return
        # At either end of the plan: say so, rather than do nothing.
        key = "tui.month.first" if months < 0 else "tui.month.last"
        self.notify(t(key, self.lang, date=date_label(on, self.lang)))

    def action_prev_month(self) -> None:
        self._step(-1)

    def action_next_month(self) -> None:
        self._step(1)

    def action_cycle_filter(self) -> None:
        self.status_filter = FILTERS[(FILTERS.index(self.status_filter) + 1) % len(FILTERS)]
        self.refresh_view()

    def action_department(self) -> None:
        """Pick a department to show only the items it leads or co-operates on."""
        evaluation = self.evaluation
        if self._still_loading() or evaluation is None:
            return
        from pledgetrack.tui.screens.pick import PickScreen

        lang = self.lang
        counts: dict[str, int] = {}
        for row in evaluation.items:
            for name in row.info.departments:
                counts[name] = counts.get(name, 0) + 1
        options: list[tuple[str, str]] = [(t("tui.department.all", lang), "")]
        options += [
            (t("tui.department.option", lang, name=name, n=n), name) for name, n in counts.items()
        ]

        def chosen(name: str | None) -> None:
            if name is not None:
                self.department_filter = name or None
                self.refresh_view()

        self.app.push_screen(
            PickScreen(
                t("tui.department.title", lang), t("tui.department.placeholder", lang), options
            ),
            chosen,
        )

    def action_cycle_sort(self) -> None:
        self.table.cycle_sort()
        self.refresh_view()

    def action_reverse_sort(self) -> None:
        self.table.reverse_sort()
        self.refresh_view()

    @on(ItemTable.Sorted)
    def _sorted(self) -> None:
        self.refresh_view()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._fill_table()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.table.focus()

    def key_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            self.table.focus()

    @on(DataTable.RowSelected, "#items")
    def _open(self, event: DataTable.RowSelected) -> None:
        """Enter on an item opens it; on a pledge heading, the pledge's first item."""
        no = item_no(event.row_key.value)
        if no is None:
            no = self.table.highlighted_item_no()
        if no is None or self.evaluation is None:
            return
        self.open_item(no)

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

        self.app.push_screen(
            ReportScreen(
                self.evaluation.structure.code, self.evaluation.as_of, structure=self.structure
            )
        )

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
            self.notify(t("entry.no_month", self.lang), severity="warning")
            return
        row = self._highlighted_item()
        departments = structure.departments()
        department = row.info.lead if row is not None and row.info.lead else departments[0]
        self.app.push_screen(EntryScreen(structure, department, month), self._entry_done)

    def _still_loading(self) -> bool:
        """True (and says so) while only the first page of a big plan is loaded."""
        if self.evaluation is None or self.evaluation.partial:
            self.notify(t("tui.still_loading", self.lang))
            return True
        return False

    def _entry_done(self, saved_as_of: date | None) -> None:
        """After a save, show the month just entered (the figures are in the table at once)."""
        if saved_as_of is not None:
            self.load(saved_as_of)

    def _highlighted_item(self) -> ItemRow | None:
        no = self.table.highlighted_item_no()
        return self._item(no) if no is not None else None

    def action_review(self) -> None:
        """The figures waiting for review, of the department shown here (or all): a
        supervisor approves or returns them (the services say who may)."""
        if self.evaluation is None or self._still_loading():
            return
        from pledgetrack.tui.screens.review import ReviewScreen

        structure = self.structure or self.evaluation.structure
        self.app.push_screen(ReviewScreen(structure, self.department_filter or ""))

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
            ScorecardScreen(
                self.evaluation.structure.code, self.evaluation.as_of, structure=self.structure
            ),
            chosen,
        )
