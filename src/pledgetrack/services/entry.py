"""Monthly entry: one department's targets for one reporting month, checked and saved together.

The TUI's entry screen is a view of an :class:`EntrySheet`. Each changed line is checked
by services.reading_check, the one check of ``record`` and the progress import too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.dates import add_months, end_of_month, month_start
from pledgetrack.domain.model import (
    PlanPeriod,
    Policy,
    Reading,
    ReviewInfo,
    StoredReading,
    TargetKind,
)
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo
from pledgetrack.domain.progress_text import read_progress_text
from pledgetrack.domain.text import shown
from pledgetrack.domain.works_progress import works_percent_in
from pledgetrack.services.access import Actor, EntryRefusal, Role
from pledgetrack.services.breakdown import sheet_targets
from pledgetrack.services.progress import SaveOutcome, save_entries, to_store
from pledgetrack.services.reading_check import (
    Problem,
    ReadingCheck,
    ReadingContext,
    ReadingRefused,
    check_reading,
)
from pledgetrack.storage.latest import latest_readings, latest_snapshots
from pledgetrack.storage.queries import latest_reviews, load_structure

#: Up to this many targets a sheet's readings are asked for by id (an IN list; SQLite
#: takes up to 32,766 parameters); beyond it, for the whole plan.
MAX_LISTED_TARGETS = 10_000


@dataclass(frozen=True)
class SheetLine:
    """One target on the sheet, with what the department reported before."""

    item: ItemInfo
    target: TargetInfo
    #: The latest reading before the month (shown beside the field).
    previous: Reading | None
    #: A reading already entered within the month (the field starts with it).
    current: Reading | None
    #: The id of the current snapshot dated the sheet's as-of date (None: there is none):
    #: saving checks nobody has saved this target and date since (see SaveConflict).
    base: int | None = None
    #: The latest review of ``current`` (None: not reviewed yet, or nothing entered):
    #: a returned figure shows the supervisor's comment.
    review: ReviewInfo | None = None

    @property
    def kind(self) -> TargetKind:
        return self.target.rule.kind

    @property
    def staged(self) -> bool:
        return bool(self.target.rule.stages)

    def initial_text(self) -> str:
        """What the value field shows before anyone types."""
        if self.current is None or self.current.value is None:
            return ""
        return format_number(self.current.value)

    def initial_done(self) -> bool:
        """A milestone's box starts as last reported (ticking it is the change)."""
        latest = self.current or self.previous
        return bool(latest is not None and latest.done)

    def initial_note(self) -> str:
        """The stored note, as it can be shown and saved again (domain.text.shown: a
        control character stored before the check existed is left out)."""
        return shown(self.current.note) if self.current is not None else ""

    def initial_input(self) -> LineInput:
        """The line as the sheet first shows it (unchanged = nothing to save)."""
        return LineInput(self.initial_text(), self.initial_done(), self.initial_note())


@dataclass(frozen=True)
class EntrySheet:
    """Every target a department answers for (lead or co-operating), for one month."""

    plan_code: str
    plan_title: str
    period: PlanPeriod
    department: str
    month: date
    #: The date the readings are stored under: the month end, or today in the running month.
    as_of: date
    lines: tuple[SheetLine, ...]
    #: The day the sheet was loaded: its month was offered as reportable on that day.
    today: date | None = None
    #: Why the person who loaded the sheet may not enter its figures (None: they may):
    #: the sheet is then read only (saving would be refused by services.access anyway).
    refusal: EntryRefusal | None = None

    @property
    def read_only(self) -> bool:
        return self.refusal is not None


@dataclass(frozen=True)
class LineInput:
    """What a person typed for one target."""

    value: str = ""
    done: bool = False
    note: str = ""


# ---- choosing the month -----------------------------------------------------


def entry_months(period: PlanPeriod, today: date) -> list[date]:
    """First days of the months that can be reported: in the plan, not in the future."""
    months: list[date] = []
    month = month_start(period.start)
    while month <= period.end and month <= today:
        months.append(month)
        month = month_start(add_months(month, 1))
    return months


def default_entry_month(
    viewing: date, period: PlanPeriod, policy: Policy, today: date
) -> date | None:
    """The month staff most likely want to report, given the date the dashboard shows.

    Looking back at a past month end → the month after it (the next report).
    Looking at today → last month until its reporting day has passed, then this month.
    """
    months = entry_months(period, today)
    if not months:
        return None
    if viewing == end_of_month(viewing) and viewing < today:
        wanted = month_start(viewing + timedelta(days=1))
    elif today.day <= policy.reporting_day:
        wanted = month_start(add_months(today, -1))
    else:
        wanted = month_start(today)
    return min(max(wanted, months[0]), months[-1])


def sheet_as_of(month: date, today: date) -> date:
    """Readings of a month are dated its last day, or today while the month runs."""
    return min(end_of_month(month), today)


def own_department(actor: Actor, departments: list[str]) -> str | None:
    """The department a staff member's sheet opens on: their own, when the plan has it
    (None: not staff, or their department answers for nothing in this plan)."""
    if actor.role is Role.STAFF and actor.department in departments:
        return actor.department
    return None


# ---- loading ------------------------------------------------------------------


def load_sheet(
    engine: Engine,
    *,
    department: str,
    month: date,
    today: date,
    plan: str | None = None,
    structure: PlanStructure | None = None,
    actor: Actor | None = None,
) -> EntrySheet:
    """The sheet of *department* for the month containing *month* (four queries); read
    only when *actor* (as :meth:`Actor.resolve` loaded them) may not enter its figures.

    The latest readings are read for the department's targets only: a province plan has
    100k targets, a department a few hundred.
    """
    with Session(engine) as session:
        if structure is None:
            structure = load_structure(session=session, code=plan)
        first = month_start(month)
        as_of = sheet_as_of(first, today)
        # A unit's shares of split targets are its own lines; a sum target is nobody's.
        shares, totals = sheet_targets(session, structure, department)
        wanted = [
            (i, t)
            for i in structure.items
            if department in i.departments
            for t in i.targets
            if t.id not in totals
        ] + shares
        mine = [t.id for _, t in wanted]
        only = mine if len(mine) <= MAX_LISTED_TARGETS else None
        # Beside the field, a per-period target's last amount as entered, not its total.
        before: Mapping[int, Reading] = latest_readings(
            session=session,
            plan_id=structure.id,
            on=first - timedelta(days=1),
            target_ids=only,
            period_totals=False,
        )
        now = latest_snapshots(session=session, plan_id=structure.id, on=as_of, target_ids=only)
        if only is None and shares:  # the plan-wide forms read the plan's own targets only
            ids = [t.id for _, t in shares]
            before = {**before, **latest_readings(session=session, plan_id=structure.id,
                      on=first - timedelta(days=1), target_ids=ids, period_totals=False)}  # fmt: skip
            now = {**now, **latest_snapshots(session=session, plan_id=structure.id, on=as_of,
                   target_ids=ids)}  # fmt: skip
        reviews = latest_reviews(
            session=session,
            snapshot_ids=[now[t][0] for t in mine if t in now and now[t][1].as_of >= first],
        )
    lines: list[SheetLine] = []
    for item, target in wanted:
        base, current = now.get(target.id, (None, None))
        if current is not None and current.as_of < first:
            current = None
        if current is None or current.as_of != as_of:
            base = None
        review = reviews.get(now[target.id][0]) if current is not None else None
        lines.append(SheetLine(item, target, before.get(target.id), current, base, review))
    return EntrySheet(
        plan_code=structure.code,
        plan_title=structure.title,
        period=structure.period,
        department=department,
        month=first,
        as_of=as_of,
        lines=tuple(lines),
        today=today,
        refusal=actor.entry_refusal(department) if actor is not None else None,
    )


# ---- checking -----------------------------------------------------------------


def is_changed(line: SheetLine, given: LineInput) -> bool:
    """Whether the person changed the line from what it showed at first."""
    if line.kind is TargetKind.MILESTONE and not line.staged:
        changed = given.done != line.initial_done()
    else:
        changed = given.value.strip() != line.initial_text()
    return changed or given.note.strip() != line.initial_note()


def line_context(line: SheetLine, as_of: date) -> ReadingContext:
    """What a line's new reading is checked against: last month's figure, and the
    figure already stored for the sheet's date (and whether it is approved)."""
    current = line.current if line.current is not None and line.current.as_of == as_of else None
    approved = (
        current is not None and line.review is not None and line.review.decision == "approved"
    )
    return ReadingContext(previous=line.previous, current=current, current_approved=approved)


def check_line(sheet: EntrySheet, line: SheetLine, given: LineInput) -> ReadingCheck:
    """Check one line as typed (services.reading_check). An untouched line is no reading."""
    if not is_changed(line, given):
        return ReadingCheck()
    plain_milestone = line.kind is TargetKind.MILESTONE and not line.staged
    works, forecast = stated_in_note(line, given.note, sheet.as_of)
    return check_reading(
        line.target,
        sheet.period,
        as_of=sheet.as_of,
        value=None if plain_milestone else given.value,
        done=given.done if plain_milestone else None,
        note=given.note,
        today=sheet.today or date.today(),
        context=line_context(line, sheet.as_of),
        forecast=forecast,
        works=works,
    )


def stated_in_note(line: SheetLine, note: str, as_of: date) -> tuple[str | None, date | None]:
    """What a note says besides its words, read as an office progress cell is: works
    progress of a count target ("正在施工中(90%)", domain.works_progress) and a forecast
    ("预计11月底前全部完成", domain.progress_text). Both are kept with the reading and
    said back; nothing else in a note is read."""
    if not note:
        return None, None
    works = works_percent_in(note) if line.kind is TargetKind.QUANTITY else None
    found = read_progress_text(note).forecast
    return (
        None if works is None else format_number(works),
        None if found is None else found.on(as_of.year),
    )


def check_sheet(sheet: EntrySheet, inputs: Mapping[int, LineInput]) -> dict[int, ReadingCheck]:
    """Checks of the lines the person changed, by target id."""
    out: dict[int, ReadingCheck] = {}
    for line in sheet.lines:
        given = inputs.get(line.target.id)
        if given is not None and is_changed(line, given):
            out[line.target.id] = check_line(sheet, line, given)
    return out


# ---- saving -------------------------------------------------------------------


def save_sheet(
    engine: Engine,
    sheet: EntrySheet,
    inputs: Mapping[int, LineInput],
    *,
    entered_by: str,
    actor: Actor | str | None = None,
    confirm: bool = False,
    now: datetime | None = None,
) -> SaveOutcome:
    """Store every changed line in one transaction, or raise ReadingRefused and store
    nothing (an error anywhere, or a warning not confirmed).

    Raises SaveConflict (nothing stored) when someone saved one of the changed
    targets for this date after the sheet was loaded, and PermissionDenied when
    *entered_by* may not enter figures for one of them (services.access).
    """
    checks = check_sheet(sheet, inputs)
    problems: dict[str, tuple[Problem, ...]] = {}
    by_id = {line.target.id: line for line in sheet.lines}
    entries: list[StoredReading] = []
    for target_id, check in checks.items():
        line = by_id[target_id]
        if check.reading is None or not check.storable(confirmed=confirm):
            problems[line.target.key] = check.errors or check.warnings
        else:
            entries.append(
                # supersedes_id: the reading the person saw, checked on save.
                to_store(line.target, check.reading, entered_by, supersedes_id=line.base)
            )
    if problems:
        raise ReadingRefused(problems)
    return save_entries(
        engine, entries, now=now, check_base=True, actor=actor if actor else entered_by
    )
