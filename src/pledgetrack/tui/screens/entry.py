"""Monthly entry: one department's targets for one month in one grid, checked as you type."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Footer, Input, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Reading, TargetKind
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.i18n import t
from pledgetrack.services.access import PermissionDenied
from pledgetrack.services.entry import (
    EntrySheet,
    LineInput,
    SheetLine,
    check_line,
    entry_months,
    is_changed,
    load_sheet,
    save_sheet,
)
from pledgetrack.services.progress import Conflict, SaveConflict
from pledgetrack.services.reading_check import Problem, ReadingCheck, ReadingRefused
from pledgetrack.tui.cells import goal_text, localize_bindings
from pledgetrack.tui.messages import SheetDenied, SheetLoaded, SheetSaved
from pledgetrack.tui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp

#: Lines on screen at a time. A department of a province plan has hundreds of lines, and
#: Textual mounts a row of fields in about 10 ms: all 415 lines of one took 3.2 s to
#: open; a page of 40 opens at once (docs/PERFORMANCE.md). PgDn / PgUp turn the page.
LINES_PER_PAGE = 40

#: Column headings of the sheet: the heading widget's key → its catalog key.
HEADINGS = {
    "key": "col.target",
    "name": "entry.col.name",
    "unit": "col.unit",
    "goal": "entry.col.goal",
    "prev": "entry.col.prev",
    "value": "entry.col.value",
    "note": "col.note",
    "check": "entry.col.check",
}


def month_option(month: date, lang: str) -> str:
    return t("entry.month", lang, year=month.year, month=month.month,
              name=calendar.month_name[month.month])  # fmt: skip


def problem_text(problem: Problem, lang: str) -> str:
    return problem.message(lang)


def returned(line: SheetLine) -> bool:
    return line.review is not None and line.review.decision == "returned"


def review_text(line: SheetLine, lang: str) -> str:
    """The review state of the month's figure: returned with the comment, approved,
    or waiting for review; nothing when no figure was entered this month."""
    if line.current is None:
        return ""
    if line.review is None:
        return t("review.submitted", lang)
    if returned(line):
        return t("review.returned.comment", lang, comment=line.review.comment)
    return t("review.approved", lang)


def previous_text(line: SheetLine, lang: str) -> str:
    """Last month's figure as the field beside it shows it."""
    reading: Reading | None = line.previous
    if reading is None:
        return "—"
    return figure_text(line, reading.value, reading.done, lang)


def figure_text(line: SheetLine, value: float | None, done: bool | None, lang: str) -> str:
    """A stored figure of the line's target: a number, a stage, or done / not done."""
    if line.kind is TargetKind.MILESTONE and not line.staged:
        return t("tui.done.yes" if done else "tui.done.no", lang)
    if value is None:
        return "—"
    if line.staged:
        stages = line.target.rule.stages
        n = int(value)
        return f"{n} {stages[n - 1].name}" if 0 < n <= len(stages) else str(n)
    return format_number(value)


def conflict_values(line: SheetLine, conflict: Conflict, lang: str) -> dict[str, str]:
    """Who saved the target meanwhile and what, for the conflict strings."""
    return {
        "key": line.target.key,
        "name": line.target.name,
        "who": conflict.entered_by or t("entry.conflict.someone", lang),
        "figure": figure_text(line, conflict.value, conflict.done, lang),
    }


class SheetConflicted(Message):
    """Saving a sheet lost to someone who saved the same targets first: nothing stored."""

    def __init__(
        self, sheet: EntrySheet, typed: dict[int, LineInput], conflict: SaveConflict
    ) -> None:
        super().__init__()
        self.sheet = sheet
        #: What the person had changed, by target id: kept over the reloaded sheet.
        self.typed = typed
        self.conflict = conflict


class EntryRow(Horizontal):
    """One target: what it is, last month's figure, the fields, the verdict."""

    def __init__(
        self, line: SheetLine, typed: LineInput | None = None, conflict: Conflict | None = None
    ) -> None:
        super().__init__(id=f"row-{line.target.id}", classes="entry-row")
        self.line = line
        self.check = ReadingCheck()
        #: What the person had typed before a save conflict reloaded the sheet.
        self.typed = typed
        #: The reading someone else saved meanwhile (shown until the screen is left).
        self.conflict = conflict

    def compose(self) -> ComposeResult:
        line, tid = self.line, self.line.target.id
        start = self.typed or line.initial_input()
        yield Static(line.target.key, classes="e-key")
        yield Static(line.target.name, classes="e-name")
        yield Static(line.target.unit, classes="e-unit")
        yield Static(classes="e-goal")
        yield Static(classes="e-prev")
        if line.kind is TargetKind.MILESTONE and not line.staged:
            yield Checkbox(value=start.done, id=f"done-{tid}", classes="e-value",
                           compact=True)  # fmt: skip
        else:
            yield Input(start.value, id=f"value-{tid}", classes="e-value", compact=True,
                        select_on_focus=False)  # fmt: skip
        yield Input(start.note, id=f"note-{tid}", classes="e-note", compact=True,
                    select_on_focus=False)  # fmt: skip
        yield Static(classes="e-check")

    def given(self) -> LineInput:
        tid = self.line.target.id
        note = self.query_one(f"#note-{tid}", Input).value
        if self.line.kind is TargetKind.MILESTONE and not self.line.staged:
            return LineInput(done=self.query_one(f"#done-{tid}", Checkbox).value, note=note)
        return LineInput(self.query_one(f"#value-{tid}", Input).value, note=note)

    def changed(self) -> bool:
        return is_changed(self.line, self.given())

    def recheck(self, sheet: EntrySheet) -> None:
        self.check = check_line(sheet, self.line, self.given())

    def draw(self, lang: str) -> None:
        line = self.line
        self.query_one(".e-goal", Static).update(goal_text(line.target, lang))
        self.query_one(".e-prev", Static).update(previous_text(line, lang))
        value = self.query(".e-value").first()
        if isinstance(value, Input):
            value.placeholder = (
                t("entry.stage.placeholder", lang, max=len(line.target.rule.stages))
                if line.staged
                else ""
            )
        elif isinstance(value, Checkbox):
            value.label = t("tui.goal.milestone", lang)
        self.query_one(".e-note", Input).placeholder = t("entry.note.placeholder", lang)
        verdict = self.query_one(".e-check", Static)
        self.set_class(self.check.error is not None, "-error")
        self.set_class(
            self.check.error is None
            and (self.check.warning is not None or self.conflict is not None),
            "-warning",
        )
        if self.check.error is not None:
            text = "✗ " + problem_text(self.check.error, lang)
        elif self.check.warning is not None:
            text = "! " + problem_text(self.check.warning, lang)
        elif self.check.reading is not None:
            text = "✓ " + t("entry.ok", lang)
        else:
            text = review_text(line, lang)
        unchecked = self.check.reading is None and self.check.error is None
        self.set_class(unchecked and returned(line), "-returned")
        self.set_class(unchecked and line.current is not None and line.review is None, "-pending")
        if self.conflict is not None and self.check.error is None:
            # Who saved what meanwhile matters more than "ready" (an error still comes first).
            text = "⚠ " + self.conflict_text(lang)
        verdict.update(text)

    def conflict_text(self, lang: str) -> str:
        """What someone saved meanwhile ("wang saved 64 meanwhile"); "" if nobody did."""
        if self.conflict is None:
            return ""
        return t("entry.conflict.mark", lang, **conflict_values(self.line, self.conflict, lang))


class EntryScreen(Screen[date | None]):
    """Enter a month's figures for a department; dismisses with the saved as-of date."""

    #: The first value field takes the focus once the sheet is loaded.
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "save", key_display="^s"),
        Binding("escape", "back", "back", key_display="esc"),
        Binding("pagedown", "turn_page(1)", show=False),
        Binding("pageup", "turn_page(-1)", show=False),
    ]

    def __init__(self, structure: PlanStructure, department: str, month: date) -> None:
        super().__init__()
        self.structure = structure
        self.department = department
        self.month = month
        self.sheet: EntrySheet | None = None
        self._reverting = False
        self._saving = False
        #: After a save conflict: what was typed, and who saved what meanwhile, by target id.
        self._typed: dict[int, LineInput] = {}
        self._conflicts: dict[int, Conflict] = {}
        #: The page of lines on screen, and what was changed on the other pages (with its
        #: check), by target id; the conflicts of the sheet on screen.
        self._page = 0
        self._held: dict[int, LineInput] = {}
        self._held_checks: dict[int, ReadingCheck] = {}
        self._sheet_conflicts: dict[int, Conflict] = {}

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    @property
    def lang(self) -> str:
        return self.pledge_app.lang

    # ---- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(id="entry-title")
        with Horizontal(id="entry-bar"):
            yield Static(id="entry-department-label", classes="entry-label")
            yield Select(
                [(name, name) for name in self.structure.departments()],
                value=self.department,
                allow_blank=False,
                id="entry-department",
                compact=True,
            )
            yield Static(id="entry-month-label", classes="entry-label")
            yield Select(
                [
                    (month_option(m, lang), m)
                    for m in entry_months(self.structure.period, self.pledge_app.today)
                ],
                value=self.month,
                allow_blank=False,
                id="entry-month",
                compact=True,
            )
        yield Static(id="entry-summary")
        with Horizontal(id="entry-head"):
            for key in HEADINGS:
                yield Static(id=f"head-{key}", classes=f"e-{key}")
        yield VerticalScroll(id="entry-grid")
        yield Static(id="entry-help")
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self._draw_labels()
        self._load()

    def _lang_changed(self, _lang: str) -> None:
        self._draw_labels()
        for row in self.rows():
            row.draw(self.lang)

    def _draw_labels(self) -> None:
        lang = self.lang
        localize_bindings([self], lang)
        self.query_one("#entry-title", Static).update(
            t("entry.title", lang, plan=self.structure.title)
        )
        self.query_one("#entry-department-label", Static).update(t("col.department", lang))
        self.query_one("#entry-month-label", Static).update(t("entry.month.label", lang))
        for key, label in HEADINGS.items():
            self.query_one(f"#head-{key}", Static).update(t(label, lang))
        self._draw_summary()

    def rows(self) -> list[EntryRow]:
        """The rows of the page on screen."""
        return list(self.query(EntryRow))

    def pages(self) -> int:
        return max(1, -(-len(self.sheet.lines) // LINES_PER_PAGE)) if self.sheet else 1

    # ---- loading --------------------------------------------------------------

    def _load(self) -> None:
        self.sheet = None
        self._draw_summary()
        self._load_sheet(self.department, self.month)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sheet", description="load sheet")
    def _load_sheet(self, department: str, month: date) -> None:
        app = self.pledge_app
        sheet = load_sheet(
            app.engine, department=department, month=month, today=app.today,
            structure=self.structure,
        )  # fmt: skip
        if not get_current_worker().is_cancelled:
            self.post_message(SheetLoaded(sheet))

    @on(SheetLoaded)
    async def _sheet_loaded(self, message: SheetLoaded) -> None:
        sheet = message.sheet
        if (sheet.department, sheet.month) != (self.department, self.month):
            return
        self.sheet = sheet
        lines = {line.target.id: line for line in sheet.lines}
        # What was typed before a save conflict reloaded the sheet, and who saved meanwhile.
        typed, self._typed = self._typed, {}
        self._held = {tid: given for tid, given in typed.items() if tid in lines}
        self._held_checks = {
            tid: check_line(sheet, lines[tid], given) for tid, given in self._held.items()
        }
        self._sheet_conflicts, self._conflicts = self._conflicts, {}
        self._page = 0
        await self._show_page(focus=True)

    async def _show_page(self, *, focus: bool) -> None:
        """Mount the rows of the page ``self._page``; what was held for them goes back
        into their fields."""
        sheet = self.sheet
        assert sheet is not None
        grid = self.query_one("#entry-grid", VerticalScroll)
        await grid.remove_children()
        widgets: list[Static | EntryRow] = []
        item_no = None
        start = self._page * LINES_PER_PAGE
        for line in sheet.lines[start : start + LINES_PER_PAGE]:
            if line.item.no != item_no:
                item_no = line.item.no
                widgets.append(Static(f"{line.item.no}. {line.item.title}", classes="entry-item"))
            tid = line.target.id
            self._held_checks.pop(tid, None)
            widgets.append(
                EntryRow(line, self._held.pop(tid, None), self._sheet_conflicts.get(tid))
            )
        if not sheet.lines:
            widgets.append(Static(t("entry.empty", self.lang), classes="entry-item"))
        await grid.mount_all(widgets)
        for row in self.rows():
            if row.typed is not None:
                row.recheck(sheet)
            row.draw(self.lang)
        self._draw_summary()
        first = self.query(".entry-row .e-value").first() if sheet.lines else None
        if focus and first is not None:
            first.focus()

    def _hold_page(self) -> None:
        """Keep what was changed on the page on screen before it goes."""
        for row in self.rows():
            if row.changed():
                self._held[row.line.target.id] = row.given()
                self._held_checks[row.line.target.id] = row.check

    async def action_turn_page(self, step: int) -> None:
        """PgDn / PgUp: the next or previous page of lines."""
        page = self._page + step
        if self.sheet is None or not 0 <= page < self.pages():
            return
        self._hold_page()
        self._page = page
        await self._show_page(focus=True)

    async def _show_line(self, line: SheetLine) -> EntryRow | None:
        """Turn to the page holding *line*; its row."""
        assert self.sheet is not None
        page = self.sheet.lines.index(line) // LINES_PER_PAGE
        if page != self._page:
            self._hold_page()
            self._page = page
            await self._show_page(focus=False)
        return next((r for r in self.rows() if r.line.target.id == line.target.id), None)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._saving = False
            self.notify(t("tui.error.load", self.lang, error=event.worker.error), severity="error")

    # ---- live checking --------------------------------------------------------

    def _row_of(self, widget: object) -> EntryRow | None:
        node = getattr(widget, "parent", None)
        return node if isinstance(node, EntryRow) else None

    @on(Input.Changed, ".e-value, .e-note")
    @on(Checkbox.Changed, ".e-value")
    def _field_changed(self, event: Input.Changed | Checkbox.Changed) -> None:
        row = self._row_of(event.control)
        if row is None or self.sheet is None:
            return
        row.recheck(self.sheet)
        row.draw(self.lang)
        self._draw_summary()
        self._show_help(row)

    @on(Input.Submitted, ".e-value, .e-note")
    def _field_submitted(self) -> None:
        self.focus_next()

    def on_descendant_focus(self, event: object) -> None:
        row = self._row_of(getattr(event, "widget", None))
        if row is not None:
            self._show_help(row)

    def _show_help(self, row: EntryRow) -> None:
        lang = self.lang
        line = row.line
        parts = [f"{line.item.no}. {line.item.title} · {line.target.key} {line.target.name}"]
        if line.staged:
            names = " / ".join(
                f"{i} {s.name}" for i, s in enumerate(line.target.rule.stages, start=1)
            )
            parts.append(t("entry.stages", lang, stages=names))
        if row.conflict is not None:
            parts.append(row.conflict_text(lang))
        problem = row.check.error or row.check.warning
        if problem is not None:
            parts.append(problem_text(problem, lang))
        self.query_one("#entry-help", Static).update(" · ".join(parts))

    def pending(self) -> list[tuple[SheetLine, ReadingCheck]]:
        """Lines changed and not saved, on every page, in sheet order, with their checks."""
        if self.sheet is None:
            return []
        changed = {row.line.target.id: row.check for row in self.rows() if row.changed()}
        changed.update(self._held_checks)
        return [
            (line, changed[line.target.id])
            for line in self.sheet.lines
            if line.target.id in changed
        ]

    def has_unsaved(self) -> bool:
        return bool(self.pending())

    def _draw_summary(self) -> None:
        lang = self.lang
        summary = self.query_one("#entry-summary", Static)
        if self.sheet is None:
            summary.update(t("tui.loading", lang))
            return
        pending = self.pending()
        errors = sum(1 for _, check in pending if check.error is not None)
        warnings = sum(
            1 for _, check in pending if check.error is None and check.warning is not None
        )
        text = t(
            "entry.summary",
            lang,
            date=date_label(self.sheet.as_of, lang),
            n=len(self.sheet.lines),
            changed=len(pending),
            errors=errors,
            warnings=warnings,
        )
        if self.pages() > 1:
            first = self._page * LINES_PER_PAGE + 1
            last = min(first + LINES_PER_PAGE - 1, len(self.sheet.lines))
            text += " · " + t(
                "entry.page", lang, page=self._page + 1, pages=self.pages(), first=first, last=last
            )
        summary.update(text)

    # ---- changing department or month -----------------------------------------

    @on(Select.Changed, "#entry-department, #entry-month")
    def _choice_changed(self, event: Select.Changed) -> None:
        if self._reverting:
            self._reverting = False
            return
        department = self.query_one("#entry-department", Select).value
        month = self.query_one("#entry-month", Select).value
        if (department, month) == (self.department, self.month):
            return

        def switch(go: bool | None) -> None:
            if go:
                self.department = cast(str, department)
                self.month = cast(date, month)
                self._load()
            else:
                self._reverting = True
                select = cast("Select[object]", event.select)
                select.value = self.department if select.id == "entry-department" else self.month

        if self.has_unsaved():
            self._ask(t("entry.confirm.discard", self.lang, n=len(self.pending())), switch)
        else:
            switch(True)

    def _ask(self, question: str, then: Callable[[bool | None], None]) -> None:
        lang = self.lang
        self.app.push_screen(
            ConfirmScreen(question, t("tui.confirm.yes", lang), t("tui.confirm.no", lang)), then
        )

    # ---- saving and leaving -----------------------------------------------------

    def inputs(self) -> dict[int, LineInput]:
        """What each line holds: the fields on screen, and what was changed on other pages."""
        return {**self._held, **{row.line.target.id: row.given() for row in self.rows()}}

    async def action_save(self) -> None:
        if self.sheet is None or self._saving:
            return
        lang = self.lang
        if not self.pending():
            self.notify(t("entry.nothing", lang))
            return
        sheet = self.sheet
        for row in self.rows():
            if row.changed():
                row.recheck(sheet)
                row.draw(lang)
        lines = {line.target.id: line for line in sheet.lines}
        for tid, given in self._held.items():
            self._held_checks[tid] = check_line(sheet, lines[tid], given)
        self._draw_summary()
        pending = self.pending()
        errors = [line for line, check in pending if check.error is not None]
        if errors:
            self.notify(
                t(
                    "entry.fix",
                    lang,
                    n=len(errors),
                    keys="、".join(line.target.key for line in errors),
                ),
                severity="error",
            )
            row = await self._show_line(errors[0])
            if row is not None:
                row.query(".e-value").first().focus()
            return
        warned = [(line, check) for line, check in pending if check.warnings]
        if warned:
            listing = "\n".join(
                f"{line.target.key} {line.target.name}: {problem_text(problem, lang)}"
                for line, check in warned
                for problem in check.warnings
            )

            def confirmed(yes: bool | None) -> None:
                if yes:
                    self._save(confirm=True)

            self._ask(t("entry.confirm.warnings", lang, n=len(warned), list=listing), confirmed)
            return
        self._save(confirm=False)

    def _save(self, *, confirm: bool) -> None:
        assert self.sheet is not None
        self._saving = True
        self._save_sheet(self.sheet, self.inputs(), confirm)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save", description="save sheet")
    def _save_sheet(self, sheet: EntrySheet, inputs: dict[int, LineInput], confirm: bool) -> None:
        app = self.pledge_app
        try:
            outcome = save_sheet(app.engine, sheet, inputs, entered_by=app.user, confirm=confirm)
        except ReadingRefused as exc:
            self.post_message(SheetSaved(sheet, None, exc))
            return
        except PermissionDenied as exc:
            self.post_message(SheetDenied(exc.message))
            return
        except SaveConflict as exc:
            lines = {line.target.id: line for line in sheet.lines}
            typed = {
                tid: given
                for tid, given in inputs.items()
                if tid in lines and is_changed(lines[tid], given)
            }
            self.post_message(SheetConflicted(sheet, typed, exc))
            return
        self.post_message(SheetSaved(sheet, outcome, None))

    @on(SheetDenied)
    def _denied(self, message: SheetDenied) -> None:
        """The user may not enter these figures (services.access): say why and whom to ask."""
        self._saving = False
        self.notify(
            t("entry.denied", self.lang, reason=message.reason), severity="error", timeout=15
        )

    @on(SheetConflicted)
    def _conflicted(self, message: SheetConflicted) -> None:
        """Someone saved first: tell who and what, reload the sheet, keep what was typed."""
        self._saving = False
        lang = self.lang
        lines = {line.target.id: line for line in message.sheet.lines}
        conflicts = {c.target.id: c for c in message.conflict.conflicts if c.target.id in lines}
        listing = "\n".join(
            t("entry.conflict.item", lang, **conflict_values(lines[tid], c, lang))
            for tid, c in conflicts.items()
        )
        self.notify(
            t("entry.conflict", lang, n=len(conflicts), list=listing),
            severity="warning",
            timeout=20,
        )
        if (message.sheet.department, message.sheet.month) != (self.department, self.month):
            return
        self._typed = dict(message.typed)
        self._conflicts = conflicts
        self._load()

    @on(SheetSaved)
    def _saved(self, message: SheetSaved) -> None:
        self._saving = False
        lang = self.lang
        if message.outcome is None:
            rejected = cast(ReadingRefused, message.rejected)
            self.notify(
                t("entry.rejected", lang, keys="、".join(sorted(rejected.problems))),
                severity="error",
            )
            return
        outcome = message.outcome
        self.notify(
            t(
                "entry.saved",
                lang,
                added=outcome.added,
                corrections=outcome.corrections,
                date=date_label(message.sheet.as_of, lang),
            )
        )
        self.dismiss(message.sheet.as_of)

    def action_back(self) -> None:
        if not self.has_unsaved():
            self.dismiss(None)
            return

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self._ask(t("entry.confirm.discard", self.lang, n=len(self.pending())), leave)
