"""Entering progress: one reading from the command line, or a whole progress file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from pledgetrack.domain.dates import DateFormatError, month_start, parse_date
from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.model import Reading, StoredReading, TargetKind
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.plan import PlanStructure, TargetInfo
from pledgetrack.domain.works_progress import works_percent_in
from pledgetrack.exchange.cells import parse_bool
from pledgetrack.exchange.tables import Notice, Row, SheetNotice, read_table, write_table
from pledgetrack.i18n import t
from pledgetrack.services.access import (
    Actor,
    PermissionDenied,
    Role,
    acting,
    require_entry_for_targets,
)
from pledgetrack.services.audit import Change, write_audit
from pledgetrack.services.breakdown import refuse_totals, roll_up, share_targets
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.services.output import check_output_file
from pledgetrack.services.reading_check import (
    NO_CONTEXT,
    ReadingCheck,
    ReadingContext,
    ReadingRefused,
    check_reading,
    unknown_plan,
    unknown_target,
)
from pledgetrack.storage.db import session_scope
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import (
    current_snapshots_on,
    find_plan,
    latest_reviews,
    load_structure,
    plan_snapshot_rows,
    stored_reading,
)
from pledgetrack.storage.tables import Snapshot, Target
from pledgetrack.storage.writes import append_snapshots

PROGRESS_COLUMNS = ("plan", "target", "as_of", "value", "done", "note", "entered_by")
#: Every column a progress file may have.
PROGRESS_FILE_COLUMNS = (
    *PROGRESS_COLUMNS,
    "entered_at",
    "entered_on",
    "qualifier",
    "forecast",
    "works_percent",
    "confirm",
)
REQUIRED = ("plan", "target", "as_of", "value")
#: Columns with a value on every row (``value`` may be blank for a milestone).
FILLED = ("plan", "target", "as_of")


@dataclass(frozen=True)
class SaveOutcome:
    """What storing a batch of entries did."""

    added: int
    corrections: int
    unchanged: int


class SaveConflict(RuntimeError):
    """Someone saved the same target and date since it was read: nothing was stored.

    ``conflicts`` holds, per target, the reading that won (value, done, note, who);
    *units* the unit of each of their targets, by target id, for the message.
    """

    def __init__(self, conflicts: Sequence[StoredReading], units: Mapping[int, str]):
        self.conflicts = list(conflicts)
        listing = "; ".join(
            f"{c.key} ({c.as_of}) was saved by {c.entered_by or 'someone'} as "
            f"{_figure(c, units.get(c.target_id, ''))}"
            for c in self.conflicts
        )
        super().__init__(f"saved by someone else meanwhile: {listing}; nothing was saved")


def _figure(reading: StoredReading, unit: str) -> str:
    """A figure as a person reads it: ``64万人``, ``done``, ``not done``."""
    if reading.value is None:
        if reading.works is not None:
            return f"works {format_number(reading.works)}%"
        return "done" if reading.done else "not done"
    return f"{format_number(reading.value)}{unit}"


def save_entries(
    engine: Engine,
    entries: Sequence[StoredReading],
    *,
    now: datetime | None = None,
    check_base: bool = False,
    actor: Actor | str | None = None,
    source: str | None = None,
    dry_run: bool = False,
) -> SaveOutcome:
    """Store entries in one transaction, appending only (with *dry_run*, everything but
    the commit: the outcome says what would be stored, and nothing is).

    *actor* (a login or Actor; default the OS account) must be allowed to enter
    figures for every target (services.access: PermissionDenied, nothing stored), and
    only an admin stores entries whose ``entered_by`` names someone else. Each row
    records who really stored it (``recorded_by``, the actor's recorder) beside the
    ``entered_by`` it claims; the database's triggers write each new reading and
    correction to the audit trail in the same transaction. A bulk import (*source*
    names the file) adds one ``progress.import`` entry: the file, counts and the range
    of snapshot ids.

    An entry identical to the current reading of its target and date is
    skipped (re-importing a file adds nothing). A different one for a date
    that already has a reading is stored as a correction superseding it.
    Several entries for one target and date are a sequence: the last one wins.

    With *check_base* (a person saving what they saw: the TUI, ``record``), a
    target and date whose current reading is no longer the entry's ``base``
    raises :class:`SaveConflict` and nothing is stored. Two saves racing between
    the read and the insert are caught by the unique indexes of ``snapshot``:
    the loser gets the same SaveConflict, naming the winner's reading.
    """
    with gc_paused():  # a bulk import makes ~10 objects per row, no cycles
        return _save_entries(engine, entries, now, check_base, actor, source, dry_run)


def _save_entries(
    engine: Engine,
    entries: Sequence[StoredReading],
    now: datetime | None,
    check_base: bool,
    actor: Actor | str | None,
    source: str | None,
    dry_run: bool,
) -> SaveOutcome:
    now = now or datetime.now(UTC)
    groups: dict[tuple[int, date], list[StoredReading]] = {}
    for entry in entries:
        groups.setdefault((entry.target_id, entry.as_of), []).append(entry)
    with session_scope(engine, commit=not dry_run) as session:
        me = acting(session, actor)
        keys = {entry.target_id: entry.key for entry in entries}
        require_entry_for_targets(session, me, keys)
        _require_own_entries(me, entries)
        refuse_totals(session, entries)
        current = _current_for(session, list(groups))
        if check_base:
            _check_bases(session, groups, current)
        rows, added, corrections, unchanged = _to_append(groups, current, me.login, now)
        ids = append_or_conflict(
            session,
            rows,
            groups,
            current,
            recorder=me.recorder,
            now=now,
            # A split target's total follows its units' figures (services.breakdown).
            then=lambda: roll_up(session, rows, entered_by=me.login, recorder=me.recorder, now=now),
        )
        # Each reading's own audit entry is written by the database (migration 0004's
        # triggers); an import adds one entry saying where its readings came from.
        changes = import_changes(
            source, added, corrections, unchanged, min(ids) if ids else None,
            max(ids) if ids else None,
        )  # fmt: skip
        write_audit(session, user=me.recorder, acting_for=me.acting_for, at=now, changes=changes)
    return SaveOutcome(added, corrections, unchanged)


def _to_append(
    groups: Mapping[tuple[int, date], list[StoredReading]],
    current: Mapping[tuple[int, date], Snapshot],
    login: str,
    now: datetime,
) -> tuple[list[StoredReading], int, int, int]:
    """The rows to append for *groups* (entries by target and date, in file order) over
    the *current* readings, and how many are added, corrections and unchanged."""
    added = corrections = unchanged = 0
    rows: list[StoredReading] = []
    for key, group in groups.items():
        existing = current.get(key)
        if existing is not None and _same(existing, group[-1]):
            unchanged += len(group)
            continue
        # Into an empty date the whole sequence goes (history kept); onto an
        # existing reading only the final figure, as one correction.
        sequence = group if existing is None else group[-1:]
        unchanged += len(group) - len(sequence)
        previous: int | None = existing.id if existing is not None else None
        for entry in sequence:
            # Made anew rather than with dataclasses.replace: several times cheaper, and
            # a province import makes one per row.
            rows.append(
                StoredReading(
                    entry.target_id,
                    entry.key,
                    entry.as_of,
                    entry.value,
                    entry.done,
                    entry.note,
                    entry.entered_by or login,  # a file that names no one: the importer
                    entry.entered_at or now,
                    previous,
                    qualifier=entry.qualifier,
                    forecast=entry.forecast,
                    works=entry.works,
                )
            )
            if previous is None:
                added += 1
            else:
                corrections += 1
            previous = -len(rows)
    return rows, added, corrections, unchanged


def _require_own_entries(me: Actor, entries: Sequence[StoredReading]) -> None:
    """Only an admin (or anyone in a database without users) stores figures entered by
    someone else: a file whose ``entered_by`` names another user, say."""
    if me.single_user or (me.is_user and me.role is Role.ADMIN):
        return
    for entry in entries:
        if entry.entered_by and entry.entered_by != me.login:
            raise PermissionDenied(
                f"{entry.key} ({entry.as_of}) is entered by {entry.entered_by}, and "
                f"{me.label()} may store only figures they entered themselves: only an "
                "admin imports figures on behalf of others (leave entered_by empty, or "
                "give your own login)"
            )


def _current_for(
    session: Session, keys: list[tuple[int, date]]
) -> dict[tuple[int, date], Snapshot]:
    """The current snapshot of each (target, date), fetched in chunks of targets."""
    current: dict[tuple[int, date], Snapshot] = {}
    wanted = set(keys)
    target_ids = sorted({t for t, _ in keys})
    dates = sorted({d for _, d in keys})
    for start in range(0, len(target_ids), 500):
        chunk = target_ids[start : start + 500]
        rows = session.exec(
            select(Snapshot)
            .where(Snapshot.target_id.in_(chunk), Snapshot.as_of.in_(dates))  # type: ignore[attr-defined]
            .order_by(Snapshot.id)  # type: ignore[arg-type]
        ).all()
        for snap in rows:
            if (snap.target_id, snap.as_of) in wanted:
                current[snap.target_id, snap.as_of] = snap
    return current


def append_or_conflict(
    session: Session,
    rows: list[Any],
    groups: dict[tuple[int, date], list[StoredReading]],
    current: dict[tuple[int, date], Snapshot],
    *,
    recorder: str,
    now: datetime,
    then: Callable[[], object] | None = None,
) -> list[int]:
    """Append *rows* (and do *then* in the same transaction); when another save of the
    same target and date committed between reading *current* and this insert, nothing is
    kept and SaveConflict says who won (the whole-file save and the batched import)."""
    try:
        ids = append_snapshots(session=session, rows=rows, recorded_by=recorder, recorded_at=now)
        if then is not None:
            then()
    except IntegrityError as exc:
        seen = {key: snap.id for key, snap in current.items()}
        session.rollback()
        winners = _changed_since(session, groups, seen)
        if not winners:
            raise
        raise _save_conflict(session, winners) from exc
    return ids


def _save_conflict(session: Session, winners: list[StoredReading]) -> SaveConflict:
    """The conflict naming the winners' figures with their targets' units."""
    ids = sorted({w.target_id for w in winners})
    rows = session.exec(select(Target.id, Target.unit).where(Target.id.in_(ids))).all()  # type: ignore[union-attr]
    return SaveConflict(winners, {target_id: unit for target_id, unit in rows if target_id})


def _check_bases(
    session: Session,
    groups: dict[tuple[int, date], list[StoredReading]],
    current: dict[tuple[int, date], Snapshot],
) -> None:
    """Raise SaveConflict for every target and date whose current reading is not the one
    the person saw (the ``supersedes_id`` of their entry)."""
    conflicts = [
        stored_reading(snap, group[0].key)
        for key, group in groups.items()
        if (snap := current.get(key)) is not None and snap.id != group[0].supersedes_id
    ]
    if conflicts:
        raise _save_conflict(session, conflicts)


def _changed_since(
    session: Session,
    groups: dict[tuple[int, date], list[StoredReading]],
    seen: dict[tuple[int, date], int | None],
) -> list[StoredReading]:
    """The readings stored by others since the ids *seen* were read (after losing a race)."""
    now = _current_for(session, list(groups))
    conflicts: list[StoredReading] = []
    for key, group in groups.items():
        snap = now.get(key)
        if snap is not None and snap.id != seen.get(key):
            conflicts.append(stored_reading(snap, group[0].key))
    return conflicts


def _same(snap: Snapshot, entry: StoredReading) -> bool:
    return (
        snap.value == entry.value
        and bool(snap.done) == bool(entry.done)
        and (snap.note or "") == entry.note
        and (snap.qualifier or "") == entry.qualifier
        and snap.forecast_done_by == entry.forecast
        and snap.works_percent == entry.works
    )


def reading_contexts(
    engine: Engine, plan_id: int, keys: Sequence[tuple[int, date]]
) -> dict[tuple[int, date], ReadingContext]:
    """What readings for these (target id, date) pairs are checked against: the latest
    figure before each date's month, the reading already stored for the date, and
    whether that one is approved. A few statements, whatever the number of keys.

    A key with nothing stored before or on its date is left out: its context is
    :data:`~pledgetrack.services.reading_check.NO_CONTEXT`.
    """
    first_of: dict[date, date] = {}  # a file has few distinct dates and many rows
    months: dict[date, set[int]] = {}
    for target_id, day in keys:
        first = first_of.get(day) or first_of.setdefault(day, month_start(day))
        months.setdefault(first, set()).add(target_id)
    with Session(engine) as session:
        current = _current_for(session, list(keys))
        reviews = latest_reviews(
            session=session, snapshot_ids=[snap.id for snap in current.values() if snap.id]
        )
        before: dict[date, Mapping[int, Reading]] = {}
        for first, target_ids in months.items():
            wanted = sorted(target_ids)
            before[first] = latest_readings(
                session=session,
                plan_id=plan_id,
                on=first - timedelta(days=1),
                target_ids=wanted if len(wanted) <= MAX_LISTED_TARGETS else None,
                period_totals=False,  # a per-period figure is checked against its own kind
            )
    out: dict[tuple[int, date], ReadingContext] = {}
    for key in keys:
        target_id, day = key
        previous = before[first_of[day]].get(target_id)
        snap = current.get(key)
        if previous is None and snap is None:
            continue
        review = reviews.get(snap.id) if snap is not None and snap.id else None
        out[key] = ReadingContext(
            previous=previous,
            current=None if snap is None else stored_reading(snap, "").reading,
            current_approved=review is not None and review.decision == "approved",
        )
    return out


#: Up to this many targets, latest readings are asked for by id (an IN list).
MAX_LISTED_TARGETS = 10_000


def record(
    engine: Engine,
    *,
    target_key: str,
    value: str | None,
    as_of: str | date,
    plan: str | None = None,
    note: str = "",
    done: bool | None = None,
    entered_by: str,
    today: date | None = None,
    actor: Actor | str | None = None,
    confirm: bool = False,
    lang: str = "en",
    qualifier: str | None = None,
    forecast: str | date | None = None,
    works: str | None = None,
) -> tuple[TargetInfo, StoredReading, SaveOutcome]:
    """Check and store one reading (``pledgetrack record``) with services.reading_check.

    *value* may carry its qualifier as typed (``约11890``), or *qualifier* names it;
    *forecast* is the date (or month) the target is expected done by; *works* the works
    progress (形象进度) in percent, with or without a value.

    Raises ReadingRefused for an error, or for a warning unless *confirm*; SaveConflict
    if someone saved the same target and date at the same moment.
    """
    today = today or date.today()
    who = actor if actor is not None else entered_by
    with Session(engine) as session:
        structure = load_structure(session=session, code=plan)
        target = _target_by_key(structure, session).get(target_key)
        if target is None:
            raise ReadingRefused({target_key: (unknown_target(target_key, structure.code),)}, lang)
        # Someone who may not enter this target is told so, whatever the figure.
        require_entry_for_targets(session, acting(session, who), {target.id: target.key})

    def checked(day: str | date, context: ReadingContext = NO_CONTEXT) -> ReadingCheck:
        return check_reading(
            target, structure.period, as_of=day, value=value, done=done, note=note,
            today=today, context=context, qualifier=qualifier, forecast=forecast, works=works,
        )  # fmt: skip

    check = checked(as_of)
    if check.reading is not None:
        key = (target.id, check.reading.as_of)
        context = reading_contexts(engine, structure.id, [key]).get(key, NO_CONTEXT)
        check = checked(check.reading.as_of, context)
    if check.reading is None or not check.storable(confirmed=confirm):
        raise ReadingRefused({target.key: check.errors or check.warnings}, lang)
    reading = check.reading
    # The reading this one replaces, as of now: another save before ours is a conflict.
    with Session(engine) as session:
        seen = current_snapshots_on(session=session, target_ids=[target.id], as_of=reading.as_of)
    base = seen[target.id].id if target.id in seen else None
    entry = to_store(target, reading, entered_by, supersedes_id=base)
    return target, entry, save_entries(engine, [entry], check_base=True, actor=who)


def to_store(
    target: TargetInfo,
    reading: Reading,
    entered_by: str,
    entered_at: datetime | None = None,
    *,
    supersedes_id: int | None = None,
) -> StoredReading:
    """A checked reading of *target*, to store (no id yet)."""
    return StoredReading(
        target.id,
        target.key,
        reading.as_of,
        reading.value,
        reading.done,
        reading.note,
        entered_by,
        entered_at,
        supersedes_id,
        qualifier=reading.qualifier,
        forecast=reading.forecast,
        works=reading.works,
    )


def _target_by_key(structure: PlanStructure, session: Session) -> dict[str, TargetInfo]:
    """The plan's targets by key, and its units' shares (``12.3/市南区``)."""
    return {**share_targets(session, structure), **{t.key: t for t in structure.targets()}}


def read_progress_file(
    engine: Engine,
    path: Path,
    *,
    today: date | None = None,
    confirm: bool = False,
    lang: str = "en",
    sheet: str | None = None,
    on_sheet: SheetNotice | None = None,
    columns: Path | None = None,
    notice: Notice | None = None,
) -> list[StoredReading]:
    """Parse and check every row of a progress file (CSV, or .xlsx by suffix) against the
    database, or raise ImportRejected. A workbook's *sheet* may be named; *on_sheet*
    hears which one is read (read_table)."""
    with gc_paused():  # a province file: 100k rows of short-lived objects
        rows = read_table(
            path,
            REQUIRED,
            table="progress",
            filled=FILLED,
            sheet=sheet,
            on_sheet=on_sheet,
            checked_later=("note",),
            documented=PROGRESS_FILE_COLUMNS,
            columns=columns,
            notice=notice,
        )
        return parse_progress_rows(engine, rows, str(path), today=today, confirm=confirm, lang=lang)


@dataclass(slots=True)
class _Pending:
    """A progress row whose plan and target are known, waiting for its check."""

    row: Row
    structure: PlanStructure
    target: TargetInfo
    day: date | None
    entered_at: datetime | None


def parse_progress_rows(
    engine: Engine,
    rows: list[Row],
    name: str,
    *,
    today: date | None = None,
    confirm: bool = False,
    lang: str = "en",
) -> list[StoredReading]:
    """Check progress rows (from CSV or XLSX) with services.reading_check, the check of the
    entry screen and ``record``; every problem is reported as ``file:row:column``, and
    nothing is stored while an error remains or a warning is not confirmed (*confirm*, or
    ``yes`` in the row's ``confirm`` column).

    "The last figure" a row is checked against is the later of the database's latest
    reading before the row's month and the file's own last row of an earlier month.
    """
    today = today or date.today()
    errors: list[CellError] = []
    if not rows:
        raise ImportRejected([CellError(name, 2, "-", "the file has no data rows")])
    pending = _resolve_rows(engine, rows, name, errors, lang)
    contexts: dict[tuple[int, date], ReadingContext] = {}
    by_plan: dict[int, list[tuple[int, date]]] = {}
    for p in pending:
        if p.day is not None:
            by_plan.setdefault(p.structure.id, []).append((p.target.id, p.day))
    for plan_id, keys in by_plan.items():
        contexts.update(reading_contexts(engine, plan_id, list(dict.fromkeys(keys))))
    # In date order per target, so a row is checked against the file's earlier months too.
    pending.sort(key=lambda p: (p.target.id, p.day or date.min, p.row.number))
    last_month: dict[int, Reading] = {}  # per target: the file's latest reading of a month
    entries: list[tuple[int, StoredReading]] = []
    unconfirmed = 0
    first_days: dict[date, date] = {}  # a file has few distinct dates and many rows
    for p in pending:
        unconfirmed += _check_row(
            p, contexts, last_month, first_days, entries, errors, name, today, confirm, lang
        )
    if errors:
        errors.sort(key=lambda e: e.row)
        hint = t("check.confirm_hint.import", lang) if unconfirmed == len(errors) else ""
        raise ImportRejected(errors, hint)
    entries.sort(key=lambda pair: pair[0])  # file order: a date's corrections in sequence
    return [entry for _, entry in entries]


def _check_row(
    p: _Pending,
    contexts: Mapping[tuple[int, date], ReadingContext],
    last_month: dict[int, Reading],
    first_days: dict[date, date],
    entries: list[tuple[int, StoredReading]],
    errors: list[CellError],
    name: str,
    today: date,
    confirm: bool,
    lang: str,
) -> int:
    """Check one row, the rows before it of its target checked already (in date order):
    its entry goes to *entries*, its problems to *errors*; returns how many of those
    are warnings not confirmed. *last_month*: per target, the file's latest reading."""
    context = contexts.get((p.target.id, p.day), NO_CONTEXT) if p.day else NO_CONTEXT
    if p.day is not None:
        earlier = last_month.get(p.target.id)
        first = first_days.get(p.day) or first_days.setdefault(p.day, month_start(p.day))
        if earlier is not None and earlier.as_of < first:
            if context.previous is None or earlier.as_of > context.previous.as_of:
                context = ReadingContext(earlier, context.current, context.current_approved)
    cells = p.row.cells
    check = check_reading(
        p.target,
        p.structure.period,
        as_of=p.day if p.day is not None else p.row.get("as_of"),
        value=cells.get("value"),
        done=cells.get("done") or None,
        note=cells.get("note") or "",
        today=today,
        context=context,
        qualifier=cells.get("qualifier"),
        forecast=cells.get("forecast"),
        works=_works_cell(p.target, cells),
    )
    unconfirmed = 0
    confirmed = _row_confirms(p.row, name, errors, lang) or confirm
    if check.problems:
        for problem in check.errors or (() if confirmed else check.warnings):
            errors.append(
                CellError(name, p.row.number, problem.field, problem.message(lang), problem.code)
            )
            unconfirmed += not problem.is_error
    reading = check.reading
    if reading is not None:
        last_month[p.target.id] = reading
        entered_by = (cells.get("entered_by") or "").strip()
        entries.append((p.row.number, to_store(p.target, reading, entered_by, p.entered_at)))
    return unconfirmed


def _works_cell(target: TargetInfo, cells: Mapping[str, str]) -> str | None:
    """A row's works progress: its ``works_percent`` cell, else, for a count target, what
    its note (完成情况) says ("正在施工中(90%)", "已完成总工程量的85%": domain.works_progress)."""
    given = cells.get("works_percent")
    if given or target.kind is not TargetKind.QUANTITY:
        return given
    stated = works_percent_in(cells.get("note") or "")
    return None if stated is None else format_number(stated)


def _resolve_rows(
    engine: Engine, rows: list[Row], name: str, errors: list[CellError], lang: str
) -> list[_Pending]:
    """Each row's plan and target (unknown ones are errors), its date if it reads as one,
    and its entry time."""
    resolve = _Resolver(engine, name, errors, lang)
    return [p for row in rows if (p := resolve(row)) is not None]


class _Resolver:
    """A row's plan and target (unknown ones are errors in *errors*), its date if it
    reads as one, and its entry time; each plan loaded once."""

    def __init__(self, engine: Engine, name: str, errors: list[CellError], lang: str):
        self.engine, self.name, self.errors, self.lang = engine, name, errors, lang
        self.structures: dict[str, PlanStructure | None] = {}
        # Built once per plan, not per row: a province file has 100k rows.
        self.targets_by_plan: dict[str, dict[str, TargetInfo]] = {}
        #: The ids of the units' shares among them (services.breakdown).
        self.shares: set[int] = set()

    def __call__(self, row: Row) -> _Pending | None:
        name, errors, lang = self.name, self.errors, self.lang
        code = row.get("plan")
        structures = self.structures
        if code not in structures:
            with Session(self.engine) as session:
                try:
                    structures[code] = load_structure(session=session, code=code) if code else None
                except LookupError:
                    structures[code] = None
        structure = structures[code]
        if structure is None:
            problem = unknown_plan(code)
            errors.append(CellError(name, row.number, "plan", problem.message(lang), problem.code))
            return None
        if code not in self.targets_by_plan:
            with Session(self.engine) as session:
                shares = share_targets(session, structure)
                self.shares.update(t.id for t in shares.values())
                self.targets_by_plan[code] = {**shares, **{t.key: t for t in structure.targets()}}
        target = self.targets_by_plan[code].get(row.get("target"))
        if target is None:
            problem = unknown_target(row.get("target"), code)
            errors.append(
                CellError(name, row.number, "target", problem.message(lang), problem.code)
            )
            return None
        entered_at = _entered_at(row, name, errors)
        try:
            day: date | None = parse_date(row.get("as_of"))
        except DateFormatError:
            day = None
        if day is not None and not structure.period.contains(day):
            day = None  # the check says why
        return _Pending(row, structure, target, day, entered_at)


def _entered_at(row: Row, name: str, errors: list[CellError]) -> datetime | None:
    """When a row was entered, if the file says: ``entered_at`` (a date and time) or
    ``entered_on`` (a day: history typed in after the fact, so not late). A time without
    a zone is local; a day is its local noon (its own day in any zone near here)."""
    at, on = row.get("entered_at"), row.get("entered_on")
    try:
        if at:
            entered = datetime.fromisoformat(at)
        elif on:
            entered = datetime.combine(parse_date(on), time(12))
        else:
            return None
    except (ValueError, DateFormatError):
        column, text = ("entered_at", at) if at else ("entered_on", on)
        kind = "a date and time" if at else "a date"
        errors.append(CellError(name, row.number, column, f"not {kind}: {text!r}"))
        return None
    # A time typed by a person is local.
    return entered.astimezone() if entered.tzinfo is None else entered


def _row_confirms(row: Row, name: str, errors: list[CellError], lang: str) -> bool:
    """A ``confirm`` column: yes confirms the row's warnings; anything but yes/no is refused."""
    text = row.cells.get("confirm")
    if not text:
        return False
    text = text.strip()
    try:
        return parse_bool(text)
    except ValueError:
        reason = t("check.bad_done", lang, text=text)
        errors.append(CellError(name, row.number, "confirm", reason, "bad_done"))
        return False


def export_progress(
    engine: Engine,
    path: Path,
    *,
    plan: str | None = None,
    history: bool = False,
    force: bool = False,
) -> int:
    """Write the current readings of a plan (with ``history``, every record) as a progress file
    (CSV, or .xlsx by suffix). An existing *path* is replaced only with *force*, the
    database's own files never (OutputRefused, services.output)."""
    check_output_file(engine, path, force=force)
    header = [*PROGRESS_COLUMNS, "entered_at", "qualifier", "forecast", "works_percent"]
    written = 0

    def rows(code: str, snaps: Iterable[Sequence[Any]]) -> Iterator[list[str]]:
        # Made as they are written: a province has over a million readings.
        nonlocal written
        quantity = TargetKind.QUANTITY.value
        for key, kind, as_of, value, done, note, by, at, qualifier, forecast, works in snaps:
            written += 1
            yield [
                code,
                key,
                as_of.isoformat(),
                "" if value is None else format_number(value),
                "" if kind == quantity else ("yes" if done else "no"),
                note,
                by,
                at.isoformat(timespec="seconds"),
                qualifier or "",
                forecast.isoformat() if forecast else "",
                "" if works is None else format_number(works),
            ]

    with Session(engine) as session:
        plan_row = find_plan(session=session, code=plan)
        assert plan_row.id is not None
        snaps = plan_snapshot_rows(session=session, plan_id=plan_row.id, history=history)
        write_table(
            path,
            header,
            rows(plan_row.code, snaps),
            sheet="progress",
            numbers=("value", "works_percent"),
            replace=force,
        )
    return written


def import_changes(
    source: str | None,
    added: int,
    corrections: int,
    unchanged: int,
    first_id: int | None,
    last_id: int | None,
) -> list[Change]:
    """The audit entry an import adds beside its readings' own (written by the database,
    migration 0004): where they came from and the range of snapshot ids; none for a
    save that is not an import (*source* None)."""
    if source is None:
        return []
    counts = {"added": added, "corrections": corrections, "unchanged": unchanged}
    return [
        Change(
            "progress.import", "snapshot", None, None, None,
            {"source": source, **counts, "first_id": first_id, "last_id": last_id},
        )
    ]  # fmt: skip
