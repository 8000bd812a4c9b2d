"""Several people saving at once, on SQLite and PostgreSQL.

Two people saving the same target's month: one wins, the other is told the
winner's figure (SaveConflict) and nothing of theirs is stored — whether the
second read came after the first save (the base check) or both read before
either wrote (the unique indexes of ``snapshot``). Twenty processes entering
different targets at once lose nothing.
"""

from __future__ import annotations

import csv
import multiprocessing
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.model import Reading
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.services import progress
from pledgetrack.services.entry import LineInput, load_sheet, save_sheet
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import SaveConflict, save_entries, to_store
from pledgetrack.storage.db import create_schema, make_engine
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.tables import Snapshot, Target
from tests.backends import BOTH, database_url
from tests.conftest import PLAN_CSV, PROGRESS_CSV, TODAY

#: Separate processes and threads racing for the same rows: seconds each (`pytest -m "not slow"`
#: leaves them out; .ci/run runs them).
pytestmark = pytest.mark.slow

NOVEMBER = date(2020, 11, 1)
CULTURE = "市文化和旅游局"
SPAWN = multiprocessing.get_context("spawn")

# ---- databases ------------------------------------------------------------------


@contextmanager
def qingdao_url(backend: str, tmp_path: Path) -> Iterator[tuple[str, Engine]]:
    """The Qingdao list with its October figures on *backend*: its URL and an engine."""
    from pledgetrack.services.progress import read_progress_file

    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            create_schema(engine)
            import_plan(engine, PLAN_CSV)
            save_entries(engine, read_progress_file(engine, PROGRESS_CSV, today=TODAY))
            yield url, engine
        finally:
            engine.dispose()


def synthetic_key(i: int, per_item: int = 10) -> str:
    return f"{i // per_item + 1}.{i % per_item + 1}"


def write_synthetic_plan(path: Path, targets: int, *, per_item: int = 10) -> Path:
    """A SYNTHETIC plan ``synth`` (2020): *targets* quantity targets, *per_item* per item."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["plan", "plan_title", "plan_start", "plan_end", "pledge", "pledge_title",
                         "item", "item_title", "department", "target", "target_name",
                         "target_value", "unit", "baseline", "deadline", "assessed", "kind",
                         "schedule", "note"])  # fmt: skip
        for i in range(targets):
            item = i // per_item + 1
            pledge = (item - 1) // 10 + 1
            writer.writerow(["synth", "合成数据(测试)", "2020-01-01", "2020-12-31", pledge,
                             f"合成第{pledge}件", item, f"合成事项{item}", f"合成单位{item % 20}",
                             synthetic_key(i, per_item), f"合成指标{i}", "1000", "个", "", "",
                             "yes", "quantity", "", ""])  # fmt: skip
    return path


@contextmanager
def synthetic_url(backend: str, tmp_path: Path, targets: int) -> Iterator[tuple[str, Engine]]:
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        try:
            create_schema(engine)
            import_plan(engine, write_synthetic_plan(tmp_path / "plan.csv", targets))
            yield url, engine
        finally:
            engine.dispose()


def target_ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {t.key: t.id for t in session.exec(select(Target)).all()}  # type: ignore[misc]


def snapshots_on(engine: Engine, as_of: date) -> list[Snapshot]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(Snapshot).where(Snapshot.as_of == as_of).order_by(Snapshot.id)  # type: ignore[arg-type]
            ).all()
        )


# ---- (a) the second of two people who read the same sheet --------------------------


@BOTH
def test_second_save_of_a_sheet_read_together_is_told_the_first_figure(
    backend: str, tmp_path: Path
) -> None:
    with qingdao_url(backend, tmp_path) as (_, engine):
        ids = target_ids(engine)
        mine = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        theirs = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        first = save_sheet(engine, theirs, {ids["28.1"]: LineInput("100")}, entered_by="王五")
        assert first.added == 1
        with pytest.raises(SaveConflict) as caught:
            save_sheet(
                engine,
                mine,
                {ids["28.1"]: LineInput("90"), ids["28.2"]: LineInput("20")},
                entered_by="李四",
            )
        [conflict] = caught.value.conflicts
        assert (conflict.key, conflict.value, conflict.entered_by) == ("28.1", 100, "王五")
        assert conflict.as_of == date(2020, 11, 30)
        assert "28.1" in str(caught.value) and "王五" in str(caught.value)
        # Nothing of the loser's sheet is stored, not even the line nobody else touched.
        stored = snapshots_on(engine, date(2020, 11, 30))
        assert [(s.target_id, s.value, s.entered_by) for s in stored] == [
            (ids["28.1"], 100, "王五")
        ]
        # Reloaded, the sheet shows the winner's figure; saving now is a deliberate correction.
        again = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        line = next(x for x in again.lines if x.target.key == "28.1")
        assert line.initial_text() == "100" and line.base == stored[0].id
        outcome = save_sheet(
            engine,
            again,
            {ids["28.1"]: LineInput("90", note="核减"), ids["28.2"]: LineInput("20")},
            entered_by="李四",
        )
        assert (outcome.added, outcome.corrections) == (1, 1)


@BOTH
def test_two_corrections_of_the_same_reading_the_second_is_refused(
    backend: str, tmp_path: Path
) -> None:
    """October already has a figure: both people correct it; the later one is told."""
    with qingdao_url(backend, tmp_path) as (_, engine):
        ids = target_ids(engine)
        october = date(2020, 10, 1)
        mine = load_sheet(engine, department=CULTURE, month=october, today=TODAY)
        theirs = load_sheet(engine, department=CULTURE, month=october, today=TODAY)
        save_sheet(engine, theirs, {ids["28.1"]: LineInput("65", note="补报")}, entered_by="王五")
        with pytest.raises(SaveConflict) as caught:
            save_sheet(engine, mine, {ids["28.1"]: LineInput("66", note="补报")}, entered_by="李四")
        assert [(c.value, c.entered_by) for c in caught.value.conflicts] == [(65, "王五")]
        with Session(engine) as session:
            latest = latest_readings(session=session, plan_id=1, on=date(2020, 10, 31))
        assert latest[ids["28.1"]].value == 65


def test_import_keeps_its_idempotent_semantics(qingdao: Engine) -> None:
    """The file import checks no base: the same file again adds nothing, a new figure corrects."""
    from pledgetrack.services.progress import read_progress_file

    again = save_entries(qingdao, read_progress_file(qingdao, PROGRESS_CSV, today=TODAY))
    assert (again.added, again.corrections, again.unchanged) == (0, 0, 91)


# ---- (b) both read before either writes: the race -------------------------------------


def _save_sheet_line(url: str, key: str, value: str, who: str) -> Any:
    """Load the culture department's November sheet and save one line (in a thread)."""
    engine = make_engine(url)
    try:
        sheet = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        line = next(x for x in sheet.lines if x.target.key == key)
        return save_sheet(engine, sheet, {line.target.id: LineInput(value)}, entered_by=who)
    except SaveConflict as exc:
        return exc
    finally:
        engine.dispose()


@BOTH
def test_race_between_read_and_insert_one_wins_one_is_told(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both threads have read (no November figure) before either inserts: the unique index
    refuses the second insert, which becomes the same SaveConflict naming the winner."""
    barrier = threading.Barrier(2)
    real_append = progress.append_snapshots

    def append_together(**kwargs: Any) -> Any:
        barrier.wait(timeout=30)  # both are past their read, neither has inserted
        return real_append(**kwargs)

    with qingdao_url(backend, tmp_path) as (url, engine):
        monkeypatch.setattr(progress, "append_snapshots", append_together)
        results: dict[str, Any] = {}

        def run(who: str, value: str) -> None:
            results[who] = _save_sheet_line(url, "28.1", value, who)

        threads = [
            threading.Thread(target=run, args=("王五", "100")),
            threading.Thread(target=run, args=("李四", "90")),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        conflicts = [r for r in results.values() if isinstance(r, SaveConflict)]
        saved = [who for who, r in results.items() if not isinstance(r, SaveConflict)]
        assert len(conflicts) == 1 and len(saved) == 1, results
        stored = snapshots_on(engine, date(2020, 11, 30))
        assert len(stored) == 1 and stored[0].entered_by == saved[0]
        [conflict] = conflicts[0].conflicts
        assert (conflict.entered_by, conflict.value) == (saved[0], stored[0].value)


def _sheet_process(url: str, key: str, value: str, who: str, barrier: Any, out: Any) -> None:
    """A person in their own process: load the sheet, wait for the other, save."""
    engine = make_engine(url)
    try:
        sheet = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        line = next(x for x in sheet.lines if x.target.key == key)
        barrier.wait(timeout=60)
        try:
            save_sheet(engine, sheet, {line.target.id: LineInput(value)}, entered_by=who)
            out.put((who, "saved", None))
        except SaveConflict as exc:
            [c] = exc.conflicts
            out.put((who, "conflict", (c.entered_by, c.value)))
    except BaseException as exc:  # pragma: no cover - reported by the test
        out.put((who, "error", repr(exc)))
    finally:
        engine.dispose()


@BOTH
def test_two_processes_saving_the_same_month_at_the_same_moment(
    backend: str, tmp_path: Path
) -> None:
    with qingdao_url(backend, tmp_path) as (url, engine):
        barrier = SPAWN.Barrier(2)
        out = SPAWN.Queue()
        people = [("王五", "100"), ("李四", "90")]
        procs = [
            SPAWN.Process(target=_sheet_process, args=(url, "28.1", v, who, barrier, out))
            for who, v in people
        ]
        for proc in procs:
            proc.start()
        results = [out.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        outcomes = sorted(r[1] for r in results)
        assert outcomes == ["conflict", "saved"], results
        winner = next(r[0] for r in results if r[1] == "saved")
        loser = next(r for r in results if r[1] == "conflict")
        stored = snapshots_on(engine, date(2020, 11, 30))
        assert [(s.entered_by, s.value) for s in stored] == [(winner, float(dict(people)[winner]))]
        assert loser[2] == (winner, float(dict(people)[winner]))


# ---- (c) twenty processes, different targets ------------------------------------------

PROCESSES = 20
TARGETS = 2000
MONTH_ENDS = [date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31)]


def value_of(i: int, month: int) -> float:
    return float(i * 10 + month)


def _enter_targets(
    url: str, n: int, mine: list[tuple[int, TargetInfo]], barrier: Any, out: Any
) -> None:
    """Process *n* enters its targets (number, target), one batch per month end."""
    engine = make_engine(url)
    try:
        barrier.wait(timeout=120)
        added = 0
        for as_of in MONTH_ENDS:
            entries = [
                to_store(target, Reading(as_of, value_of(i, as_of.month)), f"p{n}")
                for i, target in mine
            ]
            added += save_entries(engine, entries, check_base=True).added
        out.put((n, added, None))
    except BaseException as exc:  # pragma: no cover - reported by the test
        out.put((n, 0, repr(exc)))
    finally:
        engine.dispose()


@BOTH
def test_twenty_processes_entering_different_targets_lose_nothing(
    backend: str, tmp_path: Path
) -> None:
    with synthetic_url(backend, tmp_path, TARGETS) as (url, engine):
        with Session(engine) as session:
            by_key = {t.key: t for t in load_structure(session=session, code="synth").targets()}
        barrier = SPAWN.Barrier(PROCESSES)
        out = SPAWN.Queue()
        procs = [
            SPAWN.Process(
                target=_enter_targets,
                args=(
                    url,
                    n,
                    [(i, by_key[synthetic_key(i)]) for i in range(n, TARGETS, PROCESSES)],
                    barrier,
                    out,
                ),
            )
            for n in range(PROCESSES)
        ]
        started = time.monotonic()
        for proc in procs:
            proc.start()
        results = [out.get(timeout=300) for _ in procs]
        for proc in procs:
            proc.join(timeout=60)
        elapsed = time.monotonic() - started
        errors = [r for r in results if r[2] is not None]
        assert not errors, errors
        attempted = TARGETS * len(MONTH_ENDS)
        assert sum(r[1] for r in results) == attempted
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(Snapshot)).one() == attempted
            latest = latest_readings(session=session, plan_id=1, on=MONTH_ENDS[-1])
            keys = {t.id: t.key for t in session.exec(select(Target)).all()}
            per_target = dict(
                session.exec(
                    select(Snapshot.target_id, func.count()).group_by(Snapshot.target_id)
                ).all()
            )
        assert len(latest) == TARGETS
        expected = {synthetic_key(i): value_of(i, MONTH_ENDS[-1].month) for i in range(TARGETS)}
        assert {keys[t]: r.value for t, r in latest.items()} == expected
        assert set(per_target.values()) == {len(MONTH_ENDS)}
        print(f"{backend}: {PROCESSES} processes, {attempted} readings in {elapsed:.1f} s")


# ---- the command line and the terminal UI -----------------------------------------------


def test_record_reports_a_conflict_with_the_winners_figure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone saves 2.1 for the same date between `record` reading it and saving: exit 2."""
    import shutil

    from typer.testing import CliRunner

    from pledgetrack.cli import app
    from tests.conftest import DATA

    db = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", db)
    real_read = progress.current_snapshots_on

    def read_then_someone_saves(**kwargs: Any) -> Any:
        seen = real_read(**kwargs)
        engine = make_engine(f"sqlite:///{db}")
        with Session(engine) as session:
            target = load_structure(session=session).targets()
        info = next(t for t in target if t.key == "2.1")
        save_entries(engine, [to_store(info, Reading(date(2020, 10, 31), 23.0), "王五")])
        engine.dispose()
        return seen

    monkeypatch.setattr(progress, "current_snapshots_on", read_then_someone_saves)
    result = CliRunner().invoke(
        app, ["--db", str(db), "record", "2.1", "22", "--as-of", "2020-10-31", "--confirm"]
    )
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert "王五" in message and "23万人" in message and "nothing was saved" in message
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as session:
        values = session.exec(
            select(Snapshot.value)
            .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
            .where(Target.key == "2.1")
            .order_by(Snapshot.id)  # type: ignore[arg-type]
        ).all()
    engine.dispose()
    assert values == [21.49, 23.0]  # the 22 was not stored over 王五's 23


async def test_entry_screen_shows_the_conflict_and_keeps_what_was_typed(engine: Engine) -> None:
    from textual.widgets import Input

    from pledgetrack.tui.screens.entry import EntryScreen
    from tests.test_tui_entry import open_entry_on_item_28, type_into
    from tests.tui_support import make_app, notifications, settle

    app = make_app(engine)
    ids = target_ids(engine)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_entry_on_item_28(pilot)
        # Meanwhile 王五 saves 28.1 for November from another terminal.
        other = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        save_sheet(engine, other, {ids["28.1"]: LineInput("64")}, entered_by="王五")
        await type_into(pilot, screen.query_one(f"#value-{ids['28.1']}", Input), "100")
        await type_into(pilot, screen.query_one(f"#value-{ids['28.2']}", Input), "20")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, EntryScreen)  # not saved, still entering
        message, severity = notifications(app)[-1]
        assert severity == "warning"
        assert "未保存" in message and "28.1" in message and "王五已保存为64" in message
        # The sheet is reloaded: what was typed is kept, the row says who saved what.
        row = next(r for r in screen.rows() if r.line.target.key == "28.1")
        assert row.line.initial_text() == "64"
        assert screen.query_one(f"#value-{ids['28.1']}", Input).value == "100"
        assert screen.query_one(f"#value-{ids['28.2']}", Input).value == "20"
        assert "已被王五保存为64，请核对" in str(row.query_one(".e-check").render())
        assert row.has_class("-warning")
        assert len(screen.pending()) == 2
        assert [(s.value, s.entered_by) for s in snapshots_on(engine, date(2020, 11, 30))] == [
            (64, "王五")
        ]
        # Saving again now corrects 王五's figure, knowingly.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EntryScreen)
        stored = [(s.value, s.entered_by) for s in snapshots_on(engine, date(2020, 11, 30))]
        assert sorted(stored, key=str) == sorted(
            [(64, "王五"), (100, "tester"), (20, "tester")], key=str
        )


async def test_entry_conflict_in_english(engine: Engine) -> None:
    from textual.widgets import Input

    from tests.test_tui_entry import open_entry_on_item_28, type_into
    from tests.tui_support import make_app, notifications, settle

    app = make_app(engine, lang="en")
    ids = target_ids(engine)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_entry_on_item_28(pilot)
        other = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
        save_sheet(engine, other, {ids["28.1"]: LineInput("64")}, entered_by="wang")
        await type_into(pilot, screen.query_one(f"#value-{ids['28.1']}", Input), "100")
        await pilot.press("ctrl+s")
        await settle(pilot)
        message, _ = notifications(app)[-1]
        assert "Not saved" in message and "saved by wang as 64" in message
        row = next(r for r in screen.rows() if r.line.target.key == "28.1")
        assert "wang saved 64 meanwhile" in str(row.query_one(".e-check").render())
