"""The entry screen's grid: one row per target of the sheet (what it is, last month's
figure, the fields, the live check of what was typed), a page of lines at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Input, Static

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Reading, StoredReading, TargetKind
from pledgetrack.domain.numbers import format_number
from pledgetrack.i18n import t
from pledgetrack.services.entry import (
    EntrySheet,
    LineInput,
    SheetLine,
    check_line,
    is_changed,
)
from pledgetrack.services.reading_check import Problem, ReadingCheck
from pledgetrack.tui.cells import goal_text
from pledgetrack.tui.widgets.fields import FieldCheckbox
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp

#: Lines on screen at a time. A department of a province plan has hundreds of lines, and
#: Textual is slow to mount a row of fields, so all the lines of one would hold the screen
#: up; a page of 40 opens at once (docs/PERFORMANCE.md). PgDn / PgUp turn the page.
LINES_PER_PAGE = 40


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


def previous_text(line: SheetLine, lang: str, *, year: int | None = None) -> str:
    """The latest figure before the month, and the day it is of (``16595 10/31``; the
    year too when it is not *year*): it may be older than last month."""
    reading: Reading | None = line.previous
    if reading is None:
        return "—"
    day = reading.as_of
    when = f"{day.month}/{day.day}" if day.year == year else f"{day.year}/{day.month}/{day.day}"
    return f"{figure_text(line, reading.value, reading.done, lang)} {when}"


def previous_help(line: SheetLine, lang: str) -> str:
    """The help line's words for the figure before the month and its full date."""
    reading = line.previous
    if reading is None:
        return t("entry.prev.none", lang)
    return t(
        "entry.prev.help",
        lang,
        figure=figure_text(line, reading.value, reading.done, lang),
        date=date_label(reading.as_of, lang),
    )


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


def conflict_values(line: SheetLine, conflict: StoredReading, lang: str) -> dict[str, str]:
    """Who saved the target meanwhile and what, for the conflict strings."""
    return {
        "key": line.target.key,
        "name": line.target.name,
        "who": conflict.entered_by or t("entry.conflict.someone", lang),
        "figure": figure_text(line, conflict.value, conflict.done, lang),
    }


class FieldRefused(Message):
    """A key or click that would change a field of a read-only sheet (the screen says why)."""


class SheetInput(Input):
    """A value or note field; on a read-only sheet (``locked``) typing is refused, not
    silently dropped: the screen is told, and says why."""

    locked = False

    async def _on_key(self, event: events.Key) -> None:
        if self.locked and event.is_printable:
            event.stop()
            event.prevent_default()
            self.post_message(FieldRefused())
            return
        await super()._on_key(event)

    def _on_paste(self, event: events.Paste) -> None:
        if self.locked:
            event.stop()
            self.post_message(FieldRefused())
            return
        super()._on_paste(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Deleting and cutting change nothing either (the banner above says why).
        if self.locked and action.startswith(("delete", "cut", "paste")):
            return False
        return super().check_action(action, parameters)


class SheetCheckbox(FieldCheckbox):
    """A milestone's box; on a read-only sheet ticking it is refused (see SheetInput)."""

    locked = False

    def action_toggle_button(self) -> None:
        if self.locked:
            self.post_message(FieldRefused())
            return
        super().action_toggle_button()

    async def _on_click(self, event: events.Click) -> None:
        if self.locked:
            event.stop()
            self.post_message(FieldRefused())
            return
        await super()._on_click(event)


class EntryRow(Horizontal):
    """One target: what it is, last month's figure, the fields, the verdict."""

    def __init__(
        self, line: SheetLine, typed: LineInput | None = None, conflict: StoredReading | None = None
    ) -> None:
        super().__init__(id=f"row-{line.target.id}", classes="entry-row")
        self.line = line
        self.check = ReadingCheck()
        #: What the person had typed before a save conflict reloaded the sheet.
        self.typed = typed
        #: The reading someone else saved meanwhile (shown until the screen is left).
        self.conflict = conflict
        #: The sheet is read only: the fields refuse changes.
        self.locked = False
        #: The sheet's year: dates in it are shown without the year.
        self.month_year: int | None = None

    def compose(self) -> ComposeResult:
        line, tid = self.line, self.line.target.id
        start = self.typed or line.initial_input()
        locked = self.locked
        yield Plain(line.target.key, classes="e-key")
        yield Plain(line.target.name, classes="e-name")
        yield Plain(line.target.unit, classes="e-unit")
        yield Plain(classes="e-goal")
        yield Plain(classes="e-prev")
        if line.kind is TargetKind.MILESTONE and not line.staged:
            box = SheetCheckbox(value=start.done, id=f"done-{tid}", classes="e-value",
                                compact=True)  # fmt: skip
            box.locked = locked
            yield box
        else:
            value = SheetInput(start.value, id=f"value-{tid}", classes="e-value", compact=True,
                               select_on_focus=False)  # fmt: skip
            value.locked = locked
            yield value
        note = SheetInput(start.note, id=f"note-{tid}", classes="e-note", compact=True,
                          select_on_focus=False)  # fmt: skip
        note.locked = locked
        yield note
        yield Plain(classes="e-check")

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
        self.query_one(".e-prev", Static).update(previous_text(line, lang, year=self.month_year))
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


def row_of(widget: object) -> EntryRow | None:
    """The row a field belongs to (None for anything else)."""
    node = getattr(widget, "parent", None)
    return node if isinstance(node, EntryRow) else None


class EntryGrid(VerticalScroll):
    """The lines of a sheet, LINES_PER_PAGE at a time under their items' titles; what was
    changed on a page is held (with its check) while another page is on screen."""

    class LineChecked(Message):
        """A field of a row changed and the row was checked again."""

        def __init__(self, row: EntryRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sheet: EntrySheet | None = None
        #: The page of lines on screen, and what was changed on the other pages (with its
        #: check), by target id; the conflicts of the sheet on screen.
        self._page = 0
        self._held: dict[int, LineInput] = {}
        self._held_checks: dict[int, ReadingCheck] = {}
        self._sheet_conflicts: dict[int, StoredReading] = {}

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def rows(self) -> list[EntryRow]:
        """The rows of the page on screen."""
        return list(self.query(EntryRow))

    def pages(self) -> int:
        return max(1, -(-len(self.sheet.lines) // LINES_PER_PAGE)) if self.sheet else 1

    def page_label(self, lang: str) -> str:
        """Which page is on screen and its lines ("page 2/3 (lines 41–80)"); "" when the
        sheet fits on one."""
        if self.sheet is None or self.pages() <= 1:
            return ""
        first = self._page * LINES_PER_PAGE + 1
        last = min(first + LINES_PER_PAGE - 1, len(self.sheet.lines))
        return t("entry.page", lang, page=self._page + 1, pages=self.pages(), first=first,
                  last=last)  # fmt: skip

    def draw(self, lang: str) -> None:
        """Redraw every row on screen (the language changed)."""
        for row in self.rows():
            row.draw(lang)

    # ---- pages ----------------------------------------------------------------

    async def show_sheet(
        self, sheet: EntrySheet, typed: dict[int, LineInput], conflicts: dict[int, StoredReading]
    ) -> None:
        """Show the first page of *sheet*, the first value field focused. *typed*: what
        was typed before a save conflict reloaded the sheet (kept over it); *conflicts*:
        who saved what meanwhile, by target id."""
        self.sheet = sheet
        lines = {line.target.id: line for line in sheet.lines}
        self._held = {tid: given for tid, given in typed.items() if tid in lines}
        self._held_checks = {
            tid: check_line(sheet, lines[tid], given) for tid, given in self._held.items()
        }
        self._sheet_conflicts = conflicts
        self._page = 0
        await self._show_page(focus=True)

    async def _show_page(self, *, focus: bool) -> None:
        """Mount the rows of the page ``self._page``; what was held for them goes back
        into their fields."""
        sheet = self.sheet
        assert sheet is not None
        await self.remove_children()
        widgets: list[Static | EntryRow] = []
        item_no = None
        start = self._page * LINES_PER_PAGE
        for line in sheet.lines[start : start + LINES_PER_PAGE]:
            if line.item.no != item_no:
                item_no = line.item.no
                widgets.append(Plain(f"{line.item.no}. {line.item.title}", classes="entry-item"))
            tid = line.target.id
            self._held_checks.pop(tid, None)
            row = EntryRow(line, self._held.pop(tid, None), self._sheet_conflicts.get(tid))
            row.locked = sheet.read_only
            row.month_year = sheet.month.year
            widgets.append(row)
        if not sheet.lines:
            widgets.append(Plain(t("entry.empty", self.lang), classes="entry-item"))
        await self.mount_all(widgets)
        for row in self.rows():
            if row.typed is not None:
                row.recheck(sheet)
            row.draw(self.lang)
        first = self.query(".entry-row .e-value").first() if sheet.lines else None
        if focus and first is not None:
            first.focus()

    def _hold_page(self) -> None:
        """Keep what was changed on the page on screen before it goes."""
        for row in self.rows():
            if row.changed():
                self._held[row.line.target.id] = row.given()
                self._held_checks[row.line.target.id] = row.check

    async def turn_page(self, step: int) -> None:
        """The next or previous page of lines (none past either end)."""
        page = self._page + step
        if self.sheet is None or not 0 <= page < self.pages():
            return
        self._hold_page()
        self._page = page
        await self._show_page(focus=True)

    async def show_line(self, line: SheetLine) -> EntryRow | None:
        """Turn to the page holding *line*; its row."""
        assert self.sheet is not None
        page = self.sheet.lines.index(line) // LINES_PER_PAGE
        if page != self._page:
            self._hold_page()
            self._page = page
            await self._show_page(focus=False)
        return next((r for r in self.rows() if r.line.target.id == line.target.id), None)

    # ---- live checking --------------------------------------------------------

    @on(Input.Changed, ".e-value, .e-note")
    @on(Checkbox.Changed, ".e-value")
    def _field_changed(self, event: Input.Changed | Checkbox.Changed) -> None:
        row = row_of(event.control)
        if row is None or self.sheet is None:
            return
        row.recheck(self.sheet)
        row.draw(self.lang)
        self.post_message(self.LineChecked(row))

    @on(Input.Submitted, ".e-value, .e-note")
    def _field_submitted(self) -> None:
        self.screen.focus_next()

    def check_all(self) -> None:
        """Check every changed line again, on every page (before saving)."""
        sheet = self.sheet
        assert sheet is not None
        for row in self.rows():
            if row.changed():
                row.recheck(sheet)
                row.draw(self.lang)
        lines = {line.target.id: line for line in sheet.lines}
        for tid, given in self._held.items():
            self._held_checks[tid] = check_line(sheet, lines[tid], given)

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

    def inputs(self) -> dict[int, LineInput]:
        """What each line holds: the fields on screen, and what was changed on other pages."""
        return {**self._held, **{row.line.target.id: row.given() for row in self.rows()}}
