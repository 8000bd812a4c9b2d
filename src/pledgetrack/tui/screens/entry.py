"""Monthly entry: one department's targets for one month in one grid, checked as you type."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import StoredReading
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.i18n import t
from pledgetrack.services.access import Actor, EntryRefusal, PermissionDenied
from pledgetrack.services.breakdown import plan_units
from pledgetrack.services.entry import (
    EntrySheet,
    LineInput,
    SheetLine,
    entry_months,
    is_changed,
    load_sheet,
    own_department,
    save_sheet,
)
from pledgetrack.services.progress import SaveConflict
from pledgetrack.services.reading_check import ReadingCheck, ReadingRefused
from pledgetrack.tui.cells import localize_bindings
from pledgetrack.tui.messages import SheetDenied, SheetLoaded, SheetSaved
from pledgetrack.tui.refusals import entry_refusal_text
from pledgetrack.tui.screens.confirm import ConfirmScreen
from pledgetrack.tui.screens.note_editor import NoteEditorScreen
from pledgetrack.tui.widgets.entry_grid import (
    EntryGrid,
    EntryRow,
    FieldRefused,
    conflict_values,
    previous_help,
    problem_text,
    row_of,
)
from pledgetrack.tui.widgets.fields import FieldSelect
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


#: The grid's column headings: the shared column names where there is one.
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


#: Why a sheet is read only (EntryRefusal.reason) → what the screen says.
READ_ONLY_REASONS = {
    "not_user": "entry.readonly.not_user",
    "deactivated": "entry.readonly.deactivated",
    "supervisor": "entry.readonly.supervisor",
    "no_department": "entry.readonly.no_department",
    "other_department": "entry.readonly.other_department",
}


def refusal_text(refusal: EntryRefusal, lang: str) -> str:
    """Why the sheet is read only, in the UI's language."""
    admins = t("sep.comma", lang).join(refusal.admins) or t("entry.readonly.no_admin", lang)
    return t(
        READ_ONLY_REASONS[refusal.reason],
        lang,
        login=refusal.login,
        own=refusal.own or "",
        department=refusal.department,
        admins=admins,
    )


def month_option(month: date, lang: str) -> str:
    return t("entry.month", lang, year=month.year, month=month.month,
              name=calendar.month_name[month.month])  # fmt: skip


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


class EntryScreen(Screen[date | None]):
    """Enter a month's figures for a department; dismisses with the saved as-of date."""

    #: The first value field takes the focus once the sheet is loaded.
    AUTO_FOCUS = None
    #: Column widths by screen width (app.tcss): the check column stays on screen at 80.
    #: Not a ClassVar: Textual declares it ``ClassVar[...] | None``, which type checkers
    #: read as an instance attribute, and a ClassVar may not override one.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-narrow"),
        (110, "-normal"),
        (170, "-wide"),
    ]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "save", key_display="^s"),
        Binding("escape", "back", "back", key_display="esc"),
        Binding("f2", "edit_note", "edit_note", key_display="F2"),
        Binding("pagedown", "turn_page(1)", show=False),
        Binding("pageup", "turn_page(-1)", show=False),
    ]

    def __init__(
        self, structure: PlanStructure, department: str, month: date, *, own: bool = True
    ) -> None:
        """*department*: the sheet to open, unless *own* and the person is staff of a
        department of the plan: then their own department's sheet opens."""
        super().__init__()
        self.structure = structure
        self.department = department
        self.month = month
        #: Open on the person's own department (decided when the sheet first loads).
        self._open_own = own
        self.sheet: EntrySheet | None = None
        self._reverting = False
        self._saving = False
        #: After a save conflict: what was typed, and who saved what meanwhile, by target id.
        self._typed: dict[int, LineInput] = {}
        self._conflicts: dict[int, StoredReading] = {}
        #: The field a refusal was last said for (said again for another field).
        self._refused_at: object = None
        #: Units the plan's targets are split to (read with the first sheet): their staff
        #: enter their shares on a sheet of their own (services.breakdown).
        self._units: list[str] | None = None
        self._units_listed = False

    @property
    def pledge_app(self) -> PledgeApp:
        return cast("PledgeApp", self.app)

    @property
    def lang(self) -> str:
        return self.pledge_app.lang

    @property
    def grid(self) -> EntryGrid:
        return self.query_one("#entry-grid", EntryGrid)

    # ---- layout -------------------------------------------------------------

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Plain(id="entry-title")
        with Horizontal(id="entry-bar"):
            yield Plain(id="entry-department-label", classes="entry-label")
            yield FieldSelect(
                [(name, name) for name in self.structure.departments()],
                value=self.department,
                allow_blank=False,
                id="entry-department",
                compact=True,
            )
            yield Plain(id="entry-month-label", classes="entry-label")
            yield FieldSelect(
                [
                    (month_option(m, lang), m)
                    for m in entry_months(self.structure.period, self.pledge_app.today)
                ],
                value=self.month,
                allow_blank=False,
                id="entry-month",
                compact=True,
            )
        yield Plain(id="entry-summary")
        yield Plain(id="entry-readonly")
        with Horizontal(id="entry-head"):
            for key in HEADINGS:
                yield Plain(id=f"head-{key}", classes=f"e-{key}")
        yield EntryGrid(id="entry-grid")
        yield Plain(id="entry-help")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self._draw_labels()
        self._load()

    def _lang_changed(self, _lang: str) -> None:
        self._draw_labels()
        self.grid.draw(self.lang)

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
        return self.grid.rows()

    # ---- loading --------------------------------------------------------------

    def _load(self) -> None:
        self.sheet = None
        self._draw_summary()
        self._load_sheet(self.department, self.month)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sheet", description="load sheet")
    def _load_sheet(self, department: str, month: date) -> None:
        app = self.pledge_app
        # The person's role and department, read again at each load (an admin may change them).
        actor = Actor.resolve(app.engine, app.user)
        if self._units is None:
            self._units = plan_units(app.engine, self.structure.id)
        if self._open_own:
            choices = [*self.structure.departments(), *self._units]
            department = own_department(actor, choices) or department
        sheet = load_sheet(
            app.engine, department=department, month=month, today=app.today,
            structure=self.structure, actor=actor,
        )  # fmt: skip
        if not get_current_worker().is_cancelled:
            self.post_message(SheetLoaded(sheet))

    @on(SheetLoaded)
    async def _sheet_loaded(self, message: SheetLoaded) -> None:
        sheet = message.sheet
        select = self.query_one("#entry-department", Select)
        if self._units and not self._units_listed:  # the units join the choices, once
            self._units_listed = True
            names = [*self.structure.departments(), *self._units]
            select.set_options([(name, name) for name in names])
            select.value = self.department
        if self._open_own and sheet.month == self.month:
            # The first sheet: the person's own department's, where they have one.
            self._open_own = False
            if sheet.department != self.department:
                self.department = sheet.department  # so the select's change is no switch
                self.query_one("#entry-department", Select).value = sheet.department
        if (sheet.department, sheet.month) != (self.department, self.month):
            return
        # What was typed before a save conflict reloaded the sheet, and who saved meanwhile.
        typed, self._typed = self._typed, {}
        conflicts, self._conflicts = self._conflicts, {}
        await self.grid.show_sheet(sheet, typed, conflicts)
        # The screen has the sheet once its rows are on screen (tests wait for it).
        self.sheet = sheet
        self._draw_summary()

    @on(FieldRefused)
    def _field_refused(self) -> None:
        """Typing into a read-only sheet: say why (once per field, not per key)."""
        focused = self.focused
        if self.sheet is None or self.sheet.refusal is None or focused is self._refused_at:
            return
        self._refused_at = focused
        self.notify(refusal_text(self.sheet.refusal, self.lang), severity="warning", timeout=8)

    async def action_turn_page(self, step: int) -> None:
        """PgDn / PgUp: the next or previous page of lines."""
        await self.grid.turn_page(step)
        self._draw_summary()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._saving = False
            self.notify(t("tui.error.load", self.lang, error=event.worker.error), severity="error")

    # ---- live checking --------------------------------------------------------

    @on(EntryGrid.LineChecked)
    def _line_checked(self, message: EntryGrid.LineChecked) -> None:
        self._draw_summary()
        self._show_help(message.row)

    def on_descendant_focus(self, event: object) -> None:
        row = row_of(getattr(event, "widget", None))
        if row is not None:
            self._show_help(row)

    def _show_help(self, row: EntryRow) -> None:
        lang = self.lang
        line = row.line
        parts = [
            f"{line.item.no}. {line.item.title} · {line.target.key} {line.target.name}",
            previous_help(line, lang),
        ]
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

    def action_edit_note(self) -> None:
        """The focused line's note, whole, in an editor across the screen (F2)."""
        row = row_of(self.focused)
        if row is None:
            self.app.bell()
            return
        field = row.query_one(".e-note", Input)
        label = f"{row.line.target.key} {row.line.target.name}"

        def keep(note: str | None) -> None:
            if note is not None:
                field.value = note  # Input.Changed checks the line again

        self.app.push_screen(NoteEditorScreen(field.value, label), keep)

    def pending(self) -> list[tuple[SheetLine, ReadingCheck]]:
        """Lines changed and not saved, on every page, in sheet order, with their checks."""
        if self.sheet is None:
            return []
        return self.grid.pending()

    def has_unsaved(self) -> bool:
        return bool(self.pending())

    def _draw_summary(self) -> None:
        lang = self.lang
        summary = self.query_one("#entry-summary", Static)
        banner = self.query_one("#entry-readonly", Static)
        refusal = self.sheet.refusal if self.sheet is not None else None
        banner.display = refusal is not None
        banner.update(refusal_text(refusal, lang) if refusal is not None else "")
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
        page = self.grid.page_label(lang)
        if page:
            text += " · " + page
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

    async def action_save(self) -> None:
        if self.sheet is None or self._saving:
            return
        lang = self.lang
        if self.sheet.refusal is not None:
            self.notify(refusal_text(self.sheet.refusal, lang), severity="warning", timeout=8)
            return
        if not self.pending():
            self.notify(t("entry.nothing", lang))
            return
        self.grid.check_all()
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
            row = await self.grid.show_line(errors[0])
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
        self._save_sheet(self.sheet, self.grid.inputs(), confirm)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save", description="save sheet")
    def _save_sheet(self, sheet: EntrySheet, inputs: dict[int, LineInput], confirm: bool) -> None:
        app = self.pledge_app
        try:
            outcome = save_sheet(
                app.engine, sheet, inputs, entered_by=app.user, actor=app.actor, confirm=confirm
            )
        except ReadingRefused as exc:
            self.post_message(SheetSaved(sheet, None, exc))
            return
        except PermissionDenied as exc:
            self.post_message(SheetDenied(entry_refusal_text(exc, self.lang)))
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
        conflicts = {c.target_id: c for c in message.conflict.conflicts if c.target_id in lines}
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
