"""The latest reading per target as of a date: one SQL statement, corrections win.

PostgreSQL uses DISTINCT ON, SQLite a correlated LIMIT 1 per target; all forms
give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.model import StoredReading
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, record, save_entries
from pledgetrack.storage.db import create_schema
from pledgetrack.storage.latest import latest_readings, latest_snapshots
from pledgetrack.storage.queries import target_history
from pledgetrack.storage.tables import Snapshot, Target
from pledgetrack.storage.writes import append_snapshots
from tests.backends import BOTH, empty_database
from tests.conftest import PLAN_CSV, PROGRESS_CSV, TODAY


@contextmanager
def qingdao_on(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The Qingdao list with its October figures on *backend*."""
    with empty_database(backend, tmp_path) as engine:
        create_schema(engine)
        import_plan(engine, PLAN_CSV)
        save_entries(engine, read_progress_file(engine, PROGRESS_CSV, today=TODAY))
        yield engine


def statements_of(engine: Engine, run) -> list[str]:  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return [s for s in statements if "snapshot" in s.lower()]


@BOTH
def test_latest_readings_is_one_statement_for_the_whole_plan(backend: str, tmp_path) -> None:
    with qingdao_on(backend, tmp_path) as engine, Session(engine) as session:
        found: dict = {}
        statements = statements_of(
            engine,
            lambda: found.update(
                latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))
            ),
        )
    assert len(found) == 91
    assert len(statements) == 1
    # Each engine's fast form.
    assert ("DISTINCT ON" in statements[0]) == (backend == "postgresql")


def scramble(engine: Engine, seed: int = 5) -> None:
    """Many dates per target, corrections (also of corrections), some targets never read."""
    rng = random.Random(seed)
    with Session(engine) as session:
        targets = list(session.exec(select(Target.id)).all())
        at = datetime(2020, 12, 1, tzinfo=UTC)
        for target_id in targets[:80]:
            days = sorted(rng.sample(range(0, 300), rng.randint(1, 6)))
            for day in days:
                as_of = date(2020, 1, 1) + timedelta(days=day)
                rows = [StoredReading(target_id, "", as_of, float(day), None, "", "x", at)]
                append_snapshots(session=session, rows=rows)
                for _ in range(rng.randint(0, 2)):  # corrections of the current reading
                    current = session.exec(
                        select(Snapshot.id)
                        .where(Snapshot.target_id == target_id, Snapshot.as_of == as_of)
                        .order_by(Snapshot.id.desc())  # type: ignore[union-attr]
                    ).first()
                    value = float(rng.randint(0, 1000))
                    rows = [StoredReading(target_id, "", as_of, value, None, "c", "y", at, current)]
                    append_snapshots(session=session, rows=rows)
        session.commit()


@BOTH
def test_both_forms_give_the_same_rows(backend: str, tmp_path) -> None:
    """On PostgreSQL the DISTINCT ON form and the generic form are run on the same data;
    on SQLite the generic form is checked against a plain Python reading of the table."""
    with qingdao_on(backend, tmp_path) as engine:
        scramble(engine)
        with Session(engine) as session:
            snaps = list(session.exec(select(Snapshot)).all())
            for on in [date(2020, 1, 1), date(2020, 3, 31), date(2020, 7, 15), date(2020, 10, 31),
                       date(2020, 12, 31)]:  # fmt: skip
                generic = latest_snapshots(session=session, plan_id=1, on=on, form="generic")
                expected: dict[int, tuple] = {}
                for s in snaps:
                    if s.as_of <= on:
                        best = expected.get(s.target_id)
                        if best is None or (s.as_of, s.id) > best:
                            expected[s.target_id] = (s.as_of, s.id)
                assert {t: (r.as_of, i) for t, (i, r) in generic.items()} == expected
                auto = latest_snapshots(session=session, plan_id=1, on=on)
                assert auto == generic
                if backend == "postgresql":
                    fast = latest_snapshots(session=session, plan_id=1, on=on, form="distinct_on")
                    assert fast == generic
                correlated = latest_snapshots(session=session, plan_id=1, on=on, form="correlated")
                assert correlated == generic
                assert latest_readings(session=session, plan_id=1, on=on) == {
                    t: r for t, (_, r) in generic.items()
                }


def test_a_correction_supersedes_and_both_stay_in_history(qingdao) -> None:
    today = date(2026, 1, 1)
    record(
        qingdao,
        target_key="2.1",
        value="22",
        as_of="2020-10-31",
        entered_by="a",
        today=today,
        note="修正",
    )
    with Session(qingdao) as session:
        target_id = session.exec(select(Target.id).where(Target.key == "2.1")).one()
        assert (
            latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))[target_id].value
            == 22
        )
        history = target_history(session=session, target_id=target_id)
    assert [h.value for h in history] == [21.49, 22]
    assert history[0].superseded and not history[1].superseded
    assert history[1].supersedes_id == history[0].id


def test_time_travel_sees_the_month_as_it_was(qingdao) -> None:
    today = date(2026, 1, 1)
    record(qingdao, target_key="2.1", value="24", as_of="2020-11-30", entered_by="a", today=today)
    with Session(qingdao) as session:
        target_id = session.exec(select(Target.id).where(Target.key == "2.1")).one()
        october = latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))
        november = latest_readings(session=session, plan_id=1, on=date(2020, 11, 30))
        september = latest_readings(session=session, plan_id=1, on=date(2020, 9, 30))
    assert october[target_id].value == 21.49
    assert november[target_id].value == 24
    assert target_id not in september


@BOTH
def test_the_first_items_and_their_targets_alone_agree_with_the_whole_plan(
    backend: str, tmp_path: Path
) -> None:
    """What the dashboard shows first (services.status.first_items_status) is the whole
    plan's evaluation cut to its first items, on every engine."""
    from pledgetrack.domain.model import Policy
    from pledgetrack.services.status import first_items_status, plan_status
    from pledgetrack.storage.queries import load_structure

    on = date(2020, 10, 31)
    with qingdao_on(backend, tmp_path) as engine:
        whole = plan_status(engine, on=on, policy=Policy())
        first = first_items_status(engine, on=on, items=5, policy=Policy())
        assert first.partial and not whole.partial
        assert first.items == whole.items[:5]
        with Session(engine) as session:
            part = load_structure(session=session, first_items=5)
            ids = [t.id for item in part.items for t in item.targets]
            assert part.pledges == whole.structure.pledges
            assert part.items == whole.structure.items[:5]
            for form in ("generic", "distinct_on", "correlated"):
                if form == "distinct_on" and backend != "postgresql":
                    continue
                some = latest_readings(
                    session=session, plan_id=part.id, on=on, form=form, target_ids=ids
                )
                every = latest_readings(session=session, plan_id=part.id, on=on, form=form)
                assert some == {tid: r for tid, r in every.items() if tid in ids}, form
                assert some  # the first items of the list have October figures


@BOTH
def test_appended_snapshots_get_back_their_own_ids_in_order(backend: str, tmp_path: Path) -> None:
    """The ids append_snapshots returns are those of the rows it wrote, row for row (the
    audit trail and corrections rely on them; SQLite takes them from its write lock)."""
    with qingdao_on(backend, tmp_path) as engine:
        with Session(engine) as session:
            targets = session.exec(select(Target).order_by(Target.id)).all()  # type: ignore[arg-type]
            stamp = datetime(2020, 12, 1, tzinfo=UTC)
            rows = [
                StoredReading(
                    t.id or 0,
                    t.key,
                    date(2020, 11, day),
                    float(n),
                    None,
                    f"row {day}-{n}",
                    "t",
                    stamp,
                )
                for day in (28, 29, 30)
                for n, t in enumerate(targets)
            ]
            ids = append_snapshots(session=session, rows=rows)
            session.commit()
            stored = {
                s.id: s for s in session.exec(select(Snapshot).where(Snapshot.note.like("row %")))
            }  # type: ignore[attr-defined]
        assert len(ids) == len(set(ids)) == len(rows) == len(stored)
        for snapshot_id, row in zip(ids, rows, strict=True):
            assert (stored[snapshot_id].target_id, stored[snapshot_id].note) == (
                row.target_id,
                row.note,
            )
