"""Importing a progress file in the documented layout at any size, a batch at a time.

A province's progress file has over a million rows: held as rows, checked readings and
rows to insert it took 2.5 GB. Here it is never held whole, and every promise of the
import stands — every row is checked with the one reading check
(services.reading_check), every problem is named as ``file:row:column``, and nothing is
stored unless no error is left and the warnings are confirmed:

1. The file is read as a stream (exchange.tables.iter_table). Each row's plan, target,
   date and entry time are resolved as it comes (services.progress._Resolver), and the
   cells the check needs are spilled to a temporary SQLite file of the standard library
   (deleted when the import ends).
2. The rows are read back in the order the check needs them — by target, date and row
   number, so that a row is checked against the file's own earlier months — a batch of
   whole targets at a time: each batch's contexts (the readings stored before, one query
   per month for the batch's targets), its checks, then its readings appended in the
   import's one transaction. Once a problem is found nothing more is appended, but every
   row is still checked; at the end a problem, or a permission refused, rolls the whole
   transaction back (a dry run always does).

The same checks, in the same words, as parse_progress_rows and save_entries, which the
office tables (small) still go through whole.
"""

from __future__ import annotations

import gc
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.model import Reading, StoredReading
from pledgetrack.domain.plan import PlanStructure, TargetInfo
from pledgetrack.exchange.tables import Notice, Row, SheetNotice, iter_table
from pledgetrack.i18n import t
from pledgetrack.services.access import (
    Actor,
    PermissionDenied,
    Role,
    acting,
    require_entry_for_targets,
)
from pledgetrack.services.audit import write_audit
from pledgetrack.services.breakdown import refuse_totals, roll_up
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.services.progress import (
    FILLED,
    PROGRESS_FILE_COLUMNS,
    REQUIRED,
    SaveOutcome,
    _check_row,
    _current_for,
    _Pending,
    _Resolver,
    _to_append,
    append_or_conflict,
    import_changes,
    reading_contexts,
)
from pledgetrack.storage.db import session_scope

#: Rows checked and appended at a time (whole targets: a batch ends with its last target).
BATCH_ROWS = 20_000

#: The cells of a row the check reads, spilled in this order.
_CELLS = (
    "as_of", "value", "done", "note", "qualifier", "forecast", "works_percent", "entered_by",
    "confirm",
)  # fmt: skip


@dataclass(frozen=True)
class _Key:
    """What refuse_totals reads of an entry."""

    target_id: int
    key: str


def import_progress_file(
    engine: Engine,
    path: Path,
    *,
    actor: Actor | str | None = None,
    source: str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    today: date | None = None,
    confirm: bool = False,
    lang: str = "en",
    sheet: str | None = None,
    on_sheet: SheetNotice | None = None,
    columns: Path | None = None,
    notice: Notice | None = None,
) -> SaveOutcome:
    """Check every row of a progress file in the documented layout and store its
    readings in one transaction (with *dry_run*, roll it back): what
    ``read_progress_file`` and ``save_entries`` do together, a batch at a time.

    Raises ImportRejected (every problem, or a header without the required columns: an
    office progress table is read by services.office_progress instead), PermissionDenied,
    or SaveConflict when another save of the same target and date won a race.
    """
    now = now or datetime.now(UTC)
    today = today or date.today()
    name = str(path)
    rows = iter_table(
        path, REQUIRED, table="progress", filled=FILLED, sheet=sheet, on_sheet=on_sheet,
        checked_later=("note",), documented=PROGRESS_FILE_COLUMNS, columns=columns,
        notice=notice,
    )  # fmt: skip
    errors: list[CellError] = []
    resolve = _Resolver(engine, name, errors, lang)
    with tempfile.TemporaryDirectory(prefix="pledgetrack-import-") as scratch:
        spill = sqlite3.connect(str(Path(scratch) / "rows.sqlite"))
        try:
            # A province file: a million rows of short-lived objects, no cycles (as
            # read_progress_file and save_entries, which pause the collector too).
            with gc_paused():
                try:
                    count, keys = _spill(rows, resolve, spill)
                except sqlite3.Error as exc:  # the temporary directory's disk is full …
                    reason = f"cannot set the rows aside in {scratch}: {exc}"
                    raise ImportRejected([CellError(name, 0, "-", reason)]) from None
                if not count and not errors:
                    raise ImportRejected([CellError(name, 2, "-", "the file has no data rows")])
                return _check_and_store(
                    engine, spill, resolve, keys, errors, name, actor=actor, source=source,
                    dry_run=dry_run, now=now, today=today, confirm=confirm, lang=lang,
                )  # fmt: skip
        finally:
            spill.close()


def _spill(
    rows: Iterator[Row], resolve: _Resolver, spill: sqlite3.Connection
) -> tuple[int, dict[int, str]]:
    """Resolve each row and spill it; returns the number of rows and each target's key."""
    spill.execute(
        "CREATE TABLE row (number INTEGER, target INTEGER, day INTEGER, entered_at TEXT, "
        + ", ".join(f"c_{c} TEXT" for c in _CELLS)
        + ")"
    )
    insert = f"INSERT INTO row VALUES (?, ?, ?, ?{', ?' * len(_CELLS)})"
    keys: dict[int, str] = {}
    batch: list[tuple[object, ...]] = []
    count = 0
    for row in rows:
        count += 1
        p = resolve(row)
        if p is None:
            continue
        keys[p.target.id] = p.target.key
        cells = row.cells
        batch.append(
            (
                row.number,
                p.target.id,
                p.day.toordinal() if p.day is not None else 0,
                p.entered_at.isoformat() if p.entered_at is not None else None,
                *(cells.get(c) for c in _CELLS),
            )
        )
        if len(batch) >= 5_000:
            spill.executemany(insert, batch)
            batch = []
    spill.executemany(insert, batch)
    spill.execute("CREATE INDEX row_order ON row (target, day, number)")
    return count, keys


def _batches(spill: sqlite3.Connection, resolve: _Resolver) -> Iterator[list[_Pending]]:
    """The spilled rows as pending checks, by target, date and row number, in batches of
    whole targets."""
    targets: dict[int, tuple[PlanStructure, TargetInfo]] = {}
    for code, by_key in resolve.targets_by_plan.items():
        structure = resolve.structures[code]
        assert structure is not None
        for target in by_key.values():
            targets[target.id] = (structure, target)
    cursor = spill.execute("SELECT * FROM row ORDER BY target, day, number")
    batch: list[_Pending] = []
    while chunk := cursor.fetchmany(2_000):
        for number, target_id, day, entered_at, *cells in chunk:
            if len(batch) >= BATCH_ROWS and batch[-1].target.id != target_id:
                yield batch
                batch = []
            structure, target = targets[target_id]
            row = Row(number, {c: v for c, v in zip(_CELLS, cells, strict=True) if v is not None})
            batch.append(
                _Pending(
                    row,
                    structure,
                    target,
                    date.fromordinal(day) if day else None,
                    datetime.fromisoformat(entered_at) if entered_at else None,
                )
            )
    if batch:
        yield batch


def _check_and_store(
    engine: Engine,
    spill: sqlite3.Connection,
    resolve: _Resolver,
    keys: dict[int, str],
    errors: list[CellError],
    name: str,
    *,
    actor: Actor | str | None,
    source: str | None,
    dry_run: bool,
    now: datetime,
    today: date,
    confirm: bool,
    lang: str,
) -> SaveOutcome:
    added = corrections = unchanged = unconfirmed = 0
    first_id: int | None = None
    last_id: int | None = None
    shares: list[StoredReading] = []  # a unit's readings: its total is rolled up at the end
    foreign: tuple[int, StoredReading] | None = None  # the first row entered by someone else
    first_days: dict[date, date] = {}
    with session_scope(engine, commit=not dry_run) as session:
        me = acting(session, actor)
        denied: PermissionDenied | None = None
        try:
            require_entry_for_targets(session, me, keys)
        except PermissionDenied as exc:
            denied = exc  # said once the file is checked: its problems come first
        others_allowed = me.single_user or (me.is_user and me.role is Role.ADMIN)
        for batch in _batches(spill, resolve):
            # The last batch's ORM snapshots held reference cycles, which the paused
            # collector leaves: the young generations only, what it made (cheap).
            gc.collect(1)
            contexts = {}
            by_plan: dict[int, list[tuple[int, date]]] = {}
            for p in batch:
                if p.day is not None:
                    by_plan.setdefault(p.structure.id, []).append((p.target.id, p.day))
            for plan_id, plan_keys in by_plan.items():
                contexts.update(reading_contexts(engine, plan_id, list(dict.fromkeys(plan_keys))))
            last_month: dict[int, Reading] = {}
            entries: list[tuple[int, StoredReading]] = []
            for p in batch:
                unconfirmed += _check_row(
                    p, contexts, last_month, first_days, entries, errors, name, today,
                    confirm, lang,
                )  # fmt: skip
            del batch, contexts
            if not others_allowed:
                for number, entry in entries:
                    if entry.entered_by and entry.entered_by != me.login:
                        if foreign is None or number < foreign[0]:
                            foreign = (number, entry)
            if errors or denied is not None or foreign is not None:
                continue  # checked on, stored no more: the transaction is rolled back
            entries.sort(key=lambda pair: pair[0])  # file order: a date's corrections in turn
            groups: dict[tuple[int, date], list[StoredReading]] = {}
            for _, entry in entries:
                groups.setdefault((entry.target_id, entry.as_of), []).append(entry)
            del entries
            current = _current_for(session, list(groups))
            rows, add, fix, same = _to_append(groups, current, me.login, now)
            added, corrections, unchanged = added + add, corrections + fix, unchanged + same
            ids = append_or_conflict(session, rows, groups, current, recorder=me.recorder, now=now)
            if ids:
                low, high = min(ids), max(ids)
                first_id = low if first_id is None else min(first_id, low)
                last_id = high if last_id is None else max(last_id, high)
            shares += [r for r in rows if r.target_id in resolve.shares]
            del rows, current, groups
        if errors:
            errors.sort(key=lambda e: e.row)
            hint = t("check.confirm_hint.import", lang) if unconfirmed == len(errors) else ""
            raise ImportRejected(errors, hint)
        if denied is not None:
            raise denied
        if foreign is not None:
            entry = foreign[1]
            raise PermissionDenied(
                f"{entry.key} ({entry.as_of}) is entered by {entry.entered_by}, and "
                f"{me.label()} may store only figures they entered themselves: only an "
                "admin imports figures on behalf of others (leave entered_by empty, or "
                "give your own login)"
            )
        refuse_totals(session, [_Key(tid, key) for tid, key in keys.items()])  # type: ignore[misc]
        try:
            # A split target's total follows its units' figures (services.breakdown).
            roll_up(session, shares, entered_by=me.login, recorder=me.recorder, now=now)
        except IntegrityError:
            session.rollback()
            raise
        changes = import_changes(source, added, corrections, unchanged, first_id, last_id)
        write_audit(session, user=me.recorder, acting_for=me.acting_for, at=now, changes=changes)
    return SaveOutcome(added, corrections, unchanged)
