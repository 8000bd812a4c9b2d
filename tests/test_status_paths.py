"""`pledgetrack status` on a SQLite file reads it with the standard library's sqlite3
(storage.sqlite_status), every other front end through SQLAlchemy: both paths give the
same status — the same JSON text, summary, table and default date — on generated
plans, on several dates, approved figures only, per department, with per-period
targets and works progress; and refuse the same files with the same words."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from pledgetrack.cli.render import summary_json, write_status_json
from pledgetrack.config import sqlite_url
from pledgetrack.domain.errors import PlanNotFound, SchemaBehind
from pledgetrack.domain.model import Policy
from pledgetrack.services.database import open_database
from pledgetrack.services.status import (
    DatabaseUnavailable,
    SqliteStatus,
    UnknownDepartment,
    default_as_of,
    open_sqlite_status,
    plan_status,
    status_listing,
    status_summary,
)
from pledgetrack.storage.db import create_schema, make_engine
from tests.test_reference import generator
from tests.test_status_json_stream import reference_document


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """600 targets, 8 months of figures, about a third of them reviewed (approved or
    returned, some more than once)."""
    path = tmp_path_factory.mktemp("paths") / "generated.sqlite"
    engine = make_engine(sqlite_url(path))
    generator().generate(engine, targets=600, months=8, seed=11)
    rng = random.Random(5)
    with engine.begin() as conn:
        ids = [row[0] for row in conn.execute(text("SELECT id FROM snapshot"))]
        reviews = [
            {"s": sid, "d": rng.choice(["approved", "approved", "returned"]), "at": f"2020-09-{n % 28 + 1:02d} 10:00:00"}
            for n, sid in enumerate(rng.sample(ids, len(ids) // 3) + rng.sample(ids, len(ids) // 10))
        ]  # fmt: skip
        conn.execute(
            text(
                "INSERT INTO review (snapshot_id, decision, comment, reviewed_by, reviewed_at, "
                "recorded_by) VALUES (:s, :d, '', 'sup', :at, 'sup')"
            ),
            reviews,
        )
    engine.dispose()
    return path


@contextmanager
def both(path: Path) -> Iterator[tuple[Engine, SqliteStatus]]:
    engine = make_engine(sqlite_url(path))
    raw = open_sqlite_status(sqlite_url(path), lock_wait=5)
    assert raw is not None
    try:
        yield engine, raw
    finally:
        raw.close()
        engine.dispose()


def streamed(db: object, **chosen: object) -> str:
    out = StringIO()
    with status_listing(db, **chosen) as listing:  # type: ignore[arg-type]
        write_status_json(listing, out.write)
    return out.getvalue()


DAYS = [date(2020, 1, 31), date(2020, 3, 15), date(2020, 6, 30), date(2020, 8, 31),
        date(2020, 12, 31)]  # fmt: skip


@pytest.mark.parametrize("on", DAYS)
@pytest.mark.parametrize("approved_only", [False, True])
def test_both_paths_give_the_same_status(generated: Path, on: date, approved_only: bool) -> None:
    policy = Policy()
    with both(generated) as (engine, raw):
        chosen = {"on": on, "policy": policy, "approved_only": approved_only}
        text_sa, text_raw = streamed(engine, **chosen), streamed(raw, **chosen)
        assert text_raw == text_sa
        # ... and is what the table's evaluation (the TUI's, the reports') says.
        import json

        assert json.loads(text_raw) == reference_document(plan_status(engine, **chosen))  # type: ignore[arg-type]
        assert summary_json(status_summary(raw, **chosen), on) == summary_json(  # type: ignore[arg-type]
            status_summary(engine, **chosen),
            on,  # type: ignore[arg-type]
        )
        a, b = plan_status(engine, **chosen), plan_status(raw, **chosen)  # type: ignore[arg-type]
        assert reference_document(a) == reference_document(b)


def test_both_paths_filter_a_department_alike(generated: Path) -> None:
    with both(generated) as (engine, raw):
        departments = plan_status(engine, on=DAYS[2]).structure.departments()
        for department in departments[:6]:
            for approved_only in (False, True):
                chosen = {"on": DAYS[2], "department": department, "approved_only": approved_only}
                assert streamed(raw, **chosen) == streamed(engine, **chosen)
                assert summary_json(status_summary(raw, **chosen), DAYS[2]) == summary_json(  # type: ignore[arg-type]
                    status_summary(engine, **chosen),
                    DAYS[2],  # type: ignore[arg-type]
                )
        with pytest.raises(UnknownDepartment) as by_table:
            plan_status(engine, on=DAYS[2], department="市不存在局")
        for db in (engine, raw):
            with pytest.raises(UnknownDepartment) as refused:
                streamed(db, on=DAYS[2], department="市不存在局")
            assert str(refused.value) == str(by_table.value)
        assert str(by_table.value).startswith("no items for department '市不存在局' (departments: ")


def test_both_paths_agree_on_the_default_date_and_a_missing_plan(generated: Path) -> None:
    with both(generated) as (engine, raw):
        for today in (date(2019, 6, 1), date(2020, 5, 5), date(2021, 3, 1)):
            assert default_as_of(raw, today=today) == default_as_of(engine, today=today)
        messages = []
        for db in (engine, raw):
            with pytest.raises(PlanNotFound) as missing:
                status_summary(db, on=DAYS[0], plan="nope-2020")
            messages.append(str(missing.value))
        assert messages[0] == messages[1]


def test_per_period_targets_and_works_progress_read_alike(tmp_path: Path) -> None:
    from tests.test_works_and_periods import town

    with town("sqlite", tmp_path) as engine:
        path = Path(engine.url.database or "")
        for on in (date(2020, 7, 31), date(2020, 10, 3), date(2020, 12, 31)):
            for approved_only in (False, True):
                chosen = {"on": on, "plan": "town-2020", "approved_only": approved_only}
                raw = open_sqlite_status(sqlite_url(path), lock_wait=5)
                assert raw is not None
                try:
                    assert streamed(raw, **chosen) == streamed(engine, **chosen)
                    assert reference_document(plan_status(raw, **chosen)) == reference_document(  # type: ignore[arg-type]
                        plan_status(engine, **chosen)  # type: ignore[arg-type]
                    )
                finally:
                    raw.close()


def test_the_sample_reads_alike(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("the standard-library path is SQLite's")
    path = Path(engine.url.database or "")
    for on in (date(2020, 4, 30), date(2020, 10, 31)):
        raw = open_sqlite_status(sqlite_url(path), lock_wait=5)
        assert raw is not None
        try:
            assert streamed(raw, on=on) == streamed(engine, on=on)
        finally:
            raw.close()


def refusal(url: str) -> str:
    with pytest.raises((DatabaseUnavailable, SchemaBehind)) as refused:
        open_sqlite_status(url, lock_wait=1)
    return str(refused.value)


def test_the_same_files_are_refused_with_the_same_words(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.sqlite"
    not_sqlite.write_text("not a database", encoding="utf-8")
    empty_schema = tmp_path / "bare.sqlite"
    make_engine(sqlite_url(empty_schema)).dispose()
    import sqlite3

    sqlite3.connect(empty_schema).execute("CREATE TABLE other (x)").connection.close()
    for path in (tmp_path, tmp_path / "missing.sqlite", not_sqlite, empty_schema):
        url = sqlite_url(path)
        with pytest.raises((DatabaseUnavailable, SchemaBehind)) as by_sqlalchemy:
            open_database(url)
        assert refusal(url) == str(by_sqlalchemy.value), path


def test_only_a_plain_sqlite_file_takes_the_standard_library_path(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite"
    engine = make_engine(sqlite_url(path))
    create_schema(engine)
    engine.dispose()
    assert open_sqlite_status("postgresql://nobody@127.0.0.1/none", lock_wait=1) is None
    assert open_sqlite_status(f"sqlite:///{path}?timeout=3", lock_wait=1) is None
    assert open_sqlite_status("sqlite://", lock_wait=1) is None
    opened = open_sqlite_status(f"sqlite:///{path}", lock_wait=1)
    assert opened is not None
    opened.close()


def test_a_plan_with_targets_split_to_units_reads_alike(tmp_path: Path) -> None:
    """Units' shares are never counted as targets of their items, on either path; the
    split targets' totals are what both read."""
    path = tmp_path / "split.sqlite"
    engine = make_engine(sqlite_url(path))
    generator().generate(engine, targets=300, months=8, seed=3, split=0.4, units=5)
    engine.dispose()
    with both(path) as (engine, raw):
        for on in (DAYS[1], DAYS[3]):
            for approved_only in (False, True):
                chosen = {"on": on, "approved_only": approved_only}
                assert streamed(raw, **chosen) == streamed(engine, **chosen)
                assert summary_json(status_summary(raw, **chosen), on) == summary_json(  # type: ignore[arg-type]
                    status_summary(engine, **chosen),
                    on,  # type: ignore[arg-type]
                )
        status = plan_status(engine, on=DAYS[3])
        assert len(status.structure.targets()) == 300
        assert not any("/" in t.key for t in status.structure.targets())


def test_both_paths_give_a_units_shares_alike_and_refuse_it_as_a_department(
    tmp_path: Path,
) -> None:
    """`status --department <unit>` reads the same shares, figures and verdicts with
    sqlite3 alone as through SQLAlchemy (every unit, dates, approved figures only); the
    views by item say alike that a unit answers for no item."""
    import json

    from pledgetrack.cli.render import unit_json
    from pledgetrack.services.status import UnitNotDepartment, unit_status
    from pledgetrack.storage.status_rows import UNIT_NAMES_SQL

    path = tmp_path / "split.sqlite"
    engine = make_engine(sqlite_url(path))
    generator().generate(engine, targets=300, months=8, seed=3, split=0.4, units=5)
    with engine.begin() as conn:
        units = [name for (name,) in conn.execute(text(UNIT_NAMES_SQL), {"plan": 1})]
        conn.execute(
            text(
                "INSERT INTO review (snapshot_id, decision, comment, reviewed_by, reviewed_at,"
                " recorded_by) SELECT id, 'approved', '', 'sup', '2020-09-01 10:00:00', 'sup'"
                " FROM snapshot WHERE id % 3 = 0"
            )
        )
    engine.dispose()
    assert len(units) == 5
    with both(path) as (engine, raw):
        for on in (DAYS[1], DAYS[3]):
            for approved_only in (False, True):
                chosen = {"on": on, "approved_only": approved_only}
                for unit in units:
                    a = unit_status(engine, unit=unit, **chosen)  # type: ignore[arg-type]
                    b = unit_status(raw, unit=unit, **chosen)  # type: ignore[arg-type]
                    assert a is not None and b is not None
                    assert json.dumps(unit_json(a)) == json.dumps(unit_json(b))
                    assert a.total > 10
        said = set()
        for db in (engine, raw):
            assert unit_status(db, on=DAYS[1], unit="no such unit") is None  # type: ignore[arg-type]
            chosen = {"on": DAYS[1], "department": units[0]}
            for view in (plan_status, status_summary, streamed):
                with pytest.raises(UnitNotDepartment) as refused:
                    view(db, **chosen)  # type: ignore[operator]
                said.add(str(refused.value))
        assert len(said) == 1
        assert f"see its shares with 'pledgetrack status --department {units[0]}'" in said.pop()
