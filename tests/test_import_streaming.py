"""The progress import a batch at a time (services.progress_import, issue 15): the same
readings, refusals and audit as the whole-file path (read_progress_file + save_entries),
across batch boundaries; and the plan import with its audit handed on in batches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from pledgetrack.domain.errors import ImportRejected
from pledgetrack.exchange.tables import iter_table, read_table
from pledgetrack.services import progress_import
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import (
    FILLED,
    PROGRESS_FILE_COLUMNS,
    REQUIRED,
    read_progress_file,
    save_entries,
)
from pledgetrack.services.progress_import import import_progress_file
from pledgetrack.storage import writes
from pledgetrack.storage.db import create_schema
from pledgetrack.storage.tables import AuditEntry, Snapshot
from tests.backends import DEFAULT_BACKEND, empty_database
from tests.conftest import PLAN_CSV, PROGRESS_CSV, TODAY, write

HEADER = "plan,target,as_of,value,done,note,entered_by\n"


def snapshots(engine) -> list[tuple]:
    """Every reading, without ids (the two paths append in different orders)."""
    with Session(engine) as session:
        rows = session.exec(select(Snapshot)).all()
        by_id = {s.id: s for s in rows}
        return sorted(
            (
                s.target_id, s.as_of, s.value, s.done, s.note, s.entered_by, s.qualifier,
                s.works_percent,
                None if s.supersedes_id is None else by_id[s.supersedes_id].value,
            )
            for s in rows
        )  # fmt: skip


@contextmanager
def qingdao_again(tmp_path: Path) -> Iterator[Engine]:
    """A second database holding what the qingdao fixture holds (the whole path)."""
    (tmp_path / "other").mkdir()
    with empty_database(DEFAULT_BACKEND, tmp_path / "other") as other:
        create_schema(other)
        import_plan(other, PLAN_CSV)
        save_entries(other, read_progress_file(other, PROGRESS_CSV, today=TODAY))
        yield other


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 3 rows (whole targets): every file here spans several."""
    monkeypatch.setattr(progress_import, "BATCH_ROWS", 3)


def test_the_shipped_progress_file_in_batches_stores_what_the_whole_path_stores(
    empty_engine, tmp_path, small_batches
) -> None:
    import_plan(empty_engine, PLAN_CSV)
    outcome = import_progress_file(empty_engine, PROGRESS_CSV, today=TODAY, source="p.csv")
    assert (outcome.added, outcome.corrections, outcome.unchanged) == (91, 0, 0)
    streamed = snapshots(empty_engine)
    # Again: nothing added, as the whole path does.
    again = import_progress_file(empty_engine, PROGRESS_CSV, today=TODAY)
    assert (again.added, again.corrections, again.unchanged) == (0, 0, 91)
    # The whole path on a second database gives the same readings.
    (tmp_path / "other").mkdir()
    with empty_database(DEFAULT_BACKEND, tmp_path / "other") as other:
        create_schema(other)
        import_plan(other, PLAN_CSV)
        save_entries(other, read_progress_file(other, PROGRESS_CSV, today=TODAY))
        assert snapshots(other) == streamed


def test_corrections_and_the_files_own_earlier_months_across_batches(
    qingdao, tmp_path, small_batches
) -> None:
    before = snapshots(qingdao)
    path = write(
        tmp_path / "p.csv",
        HEADER
        + "qingdao-2020,1.1,2020-11-30,50,,,\n"  # 2
        + "qingdao-2020,2.1,2020-10-31,21.6,,修正,\n"  # 3 a correction of October
        + "qingdao-2020,1.1,2020-12-31,40,,,\n"  # 4 lower than the file's November
        + "qingdao-2020,1.1,2020-11-30,51,,,\n",  # 5 the same date again: a sequence
        "utf-8",
    )
    with pytest.raises(ImportRejected) as info:
        import_progress_file(qingdao, path, today=TODAY)
    assert [(e.row, e.column) for e in info.value.errors] == [(4, "note")]
    with pytest.raises(ImportRejected) as whole:
        read_progress_file(qingdao, path, today=TODAY)
    assert [str(e) for e in info.value.errors] == [str(e) for e in whole.value.errors]
    assert snapshots(qingdao) == before
    outcome = import_progress_file(qingdao, path, today=TODAY, confirm=True)
    with qingdao_again(tmp_path) as other:
        whole = save_entries(other, read_progress_file(other, path, today=TODAY, confirm=True))
        assert outcome == whole
        assert snapshots(qingdao) == snapshots(other)
    assert outcome.added + outcome.corrections == 4


def test_an_error_on_the_last_row_of_a_long_file_refuses_every_row(
    qingdao, tmp_path, small_batches
) -> None:
    """Batches before it were appended in the transaction: all rolled back, row named."""
    before = count(qingdao, Snapshot)
    audit = count(qingdao, AuditEntry)
    good = "".join(
        f"qingdao-2020,{key},2020-11-30,{value},,,\n"
        for key, value in [("1.1", 50), ("1.2", 5), ("1.3", 6), ("2.1", 22), ("3.2", 12)]
    )
    path = write(tmp_path / "p.csv", HEADER + good * 1 + "qingdao-2020,1.1,2020-12-31,abc,,,\n")
    with pytest.raises(ImportRejected) as info:
        import_progress_file(qingdao, path, today=TODAY, confirm=True, source="p.csv")
    assert [(e.row, e.column) for e in info.value.errors] == [(7, "value")]
    assert str(info.value.errors[0]).startswith(f"{path}:7:value: ")
    assert count(qingdao, Snapshot) == before
    assert count(qingdao, AuditEntry) == audit


def test_a_dry_run_writes_nothing(qingdao, tmp_path, small_batches) -> None:
    before = count(qingdao, Snapshot)
    path = write(tmp_path / "p.csv", HEADER + "qingdao-2020,1.1,2020-12-31,60,,,\n", "utf-8")
    outcome = import_progress_file(qingdao, path, today=TODAY, dry_run=True)
    assert outcome.added == 1
    assert count(qingdao, Snapshot) == before


@pytest.mark.parametrize(
    "body",
    [
        'qingdao-2020,1.1,2020-11-30,"50,,,\nqingdao-2020,2.1,2020-11-30,1,,,\n',  # open quote
        "qingdao-2020,1.1,2020-11-30,6,800,,,\n",  # an unquoted thousands separator
        "qingdao-2020,1.1,2020-11-30,50,,\x1b[31m,\n",  # an escape sequence
        "qingdao-2020,1.1,2020-11-30,50,,,\n合计,,,,,,\n注:说明\nqingdao-2020,2.1,2020-11-30,1,,,\n",
    ],
)
def test_the_streamed_csv_reads_and_refuses_as_the_whole_file(tmp_path, body) -> None:
    path = write(tmp_path / "p.csv", "标题\n" + HEADER + body, "utf-8")
    options = dict(
        table="progress", filled=FILLED, checked_later=("note",), documented=PROGRESS_FILE_COLUMNS
    )

    def outcome(read) -> object:
        try:
            return list(read(path, REQUIRED, **options))
        except ImportRejected as exc:
            return [str(e) for e in exc.errors]

    assert outcome(iter_table) == outcome(read_table)


def test_a_gb18030_file_is_streamed_as_read_whole(tmp_path) -> None:
    path = write(
        tmp_path / "p.csv", HEADER + "qingdao-2020,1.1,2020-11-30,50,,进展顺利,\n", "gb18030"
    )
    options = dict(table="progress", documented=PROGRESS_FILE_COLUMNS)
    rows = list(iter_table(path, REQUIRED, **options))
    assert rows == read_table(path, REQUIRED, **options)
    assert rows[0].cells["note"] == "进展顺利"


def test_a_plan_audited_in_batches_says_every_change_and_its_file(
    empty_engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writes, "CHANGE_BATCH", 4)
    (saved,) = import_plan(empty_engine, PLAN_CSV)
    with Session(empty_engine) as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries]
    assert actions[0] == "plan.import"
    assert entries[0].after["file"] == PLAN_CSV.name
    assert sum(e.action == "plan.import" for e in entries) == 1
    assert actions.count("target.add") == saved.count("target.add") == saved.targets_added
    assert actions.count("item.add") == saved.count("item.add") == saved.items
    # Imported again: nothing changed, one plan.update entry only.
    (again,) = import_plan(empty_engine, PLAN_CSV)
    assert (again.count("target.change"), again.count("item.change")) == (0, 0)
    assert again.targets_updated == saved.targets_added
    with Session(empty_engine) as session:
        assert count(empty_engine, AuditEntry) == len(entries) + 1
