"""The cached rule columns (storage/rule_cache.py): used while current, never stale.

Any change to a plan, item or target, by pledgetrack or by hand in SQL, makes the
cached copy stale (triggers of migration 0003); a copy read before such a change is
never stored after it; a database that cannot be written still gives the status."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.evaluation import evaluate_plan
from pledgetrack.domain.model import Status
from pledgetrack.services.sample import load_sample
from pledgetrack.services.status import plan_status, status_summary
from pledgetrack.storage import rule_cache
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.queries import load_structure
from tests.backends import BOTH, drop_append_only_triggers, empty_database

DATA = Path(__file__).resolve().parents[1] / "data"
OCTOBER = date(2020, 10, 31)


def cached(engine: Engine) -> list[tuple[int, int]]:
    """(plan id, generation) of each stored copy, and the current generation last."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT plan_id, generation FROM rule_cache")).all()
        current = conn.execute(text("SELECT value FROM rule_generation")).scalar_one()
    return [(plan_id, generation) for plan_id, generation in rows] + [(-1, current)]


def achieved(engine: Engine) -> list[int]:
    return status_summary(engine, on=OCTOBER).items(Status.ACHIEVED)


@BOTH
def test_the_rules_are_stored_once_and_read_back(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        first = status_summary(engine, on=OCTOBER)
        (plan_id, generation), (_, current) = cached(engine)
        assert generation == current
        again = status_summary(engine, on=OCTOBER)
        assert cached(engine) == [(plan_id, generation), (-1, current)]
        assert (
            again.counts()
            == first.counts()
            == {
                Status.ACHIEVED: 18,
                Status.AHEAD: 2,
                Status.ON_TRACK: 10,
                Status.BEHIND: 6,
                Status.OVERDUE: 0,
                Status.NOT_REPORTED: 0,
            }
        )
        with Session(engine) as session:
            stored = rule_cache.plan_rules(session=session, plan_id=plan_id, plan_end=date.max)
            read = rule_cache.read_plan_rules(session.connection(), plan_id, date(2020, 12, 31))
        for name in ("target_id", "item_of", "deadline", "assessed", "stage_count"):
            assert getattr(stored.rules, name).tolist() == getattr(read.rules, name).tolist()
        assert stored.rules.special_rules == read.rules.special_rules
        assert stored.item_no == read.item_no == list(range(1, 37))


@BOTH
def test_a_target_changed_by_hand_in_sql_is_seen_at_once(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        assert 1 in achieved(engine)
        with engine.begin() as conn:
            # Item 1's new-jobs target raised far beyond what was reached.
            conn.execute(text("UPDATE target SET target_value = 1000 WHERE key = '1.1'"))
        assert 1 not in achieved(engine)
        assert achieved(engine) == [
            r.info.no for r in plan_status(engine, on=OCTOBER).achieved_items()
        ]


@BOTH
@pytest.mark.parametrize(
    "change",
    [
        "UPDATE item SET no = no + 100 WHERE no = 1",
        "UPDATE plan SET \"end\" = '2020-06-30'",
        "DELETE FROM target WHERE key = '36.1'",
    ],
)
def test_every_kind_of_plan_change_makes_the_copy_stale(
    backend: str, change: str, tmp_path: Path
) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        status_summary(engine, on=OCTOBER)
        before = cached(engine)[-1][1]
        with engine.begin() as conn:
            # The owner (who can drop the append-only triggers) removes a target with
            # its readings.
            drop_append_only_triggers(conn)
            conn.execute(text("DELETE FROM review"))  # so a target can go with its readings
            conn.execute(
                text(
                    "DELETE FROM snapshot WHERE target_id IN (SELECT id FROM target WHERE key = '36.1')"
                )
            )
            conn.execute(text(change))
        assert cached(engine)[-1][1] > before
        summary = status_summary(engine, on=OCTOBER)
        evaluation = plan_status(engine, on=OCTOBER)
        assert summary.counts() == evaluation.counts()
        assert summary.item_no == [row.info.no for row in evaluation.items]


@BOTH
def test_a_copy_read_before_a_plan_change_is_not_stored(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        read = rule_cache.read_plan_rules

        def read_then_someone_edits(conn, plan_id, plan_end):  # type: ignore[no-untyped-def]
            rules = read(conn, plan_id, plan_end)
            with engine.begin() as other:
                other.execute(text("UPDATE target SET target_value = 1000 WHERE key = '1.1'"))
            return rules

        monkeypatch.setattr(rule_cache, "read_plan_rules", read_then_someone_edits)
        status_summary(engine, on=OCTOBER)
        assert [plan for plan, _ in cached(engine)] == [-1]  # nothing stored
        monkeypatch.setattr(rule_cache, "read_plan_rules", read)
        assert 1 not in achieved(engine)


def test_a_read_only_database_still_gives_the_status(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    load_sample(engine, DATA)
    engine.dispose()
    read_only = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert len(achieved(read_only)) == 18
    assert [plan for plan, _ in cached(read_only)] == [-1]  # could not be stored


def test_a_busy_database_is_not_waited_for(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    load_sample(engine, DATA)
    other = make_engine(f"sqlite:///{tmp_path / 'busy.sqlite'}")
    with other.connect() as writer:
        writer.exec_driver_sql("BEGIN IMMEDIATE")  # another writer holds the lock
        summary = status_summary(engine, on=OCTOBER)  # would wait 30 s if it waited
        writer.rollback()
    assert summary.counts()[Status.ACHIEVED] == 18
    assert [plan for plan, _ in cached(engine)] == [-1]


@BOTH
def test_a_loaded_structure_takes_the_stored_rules_only_while_they_are_current(
    backend: str, tmp_path: Path
) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        with Session(engine) as session:
            made = load_structure(session=session)
        assert "rule_columns" not in made.__dict__  # nothing stored yet
        status_summary(engine, on=OCTOBER)  # stores them
        with Session(engine) as session:
            taken = load_structure(session=session)
        assert "rule_columns" in taken.__dict__
        for name in ("target_id", "item_of", "deadline", "target", "baseline", "stage_count"):
            assert np.array_equal(
                getattr(taken.rule_columns, name), getattr(made.rule_columns, name), equal_nan=True
            ), name
        now, before = (evaluate_plan(s, {}, OCTOBER) for s in (taken, made))
        assert [r.result.status for r in now.items] == [r.result.status for r in before.items]
        with engine.begin() as conn:
            conn.execute(text("UPDATE target SET target_value = 1000 WHERE key = '1.1'"))
        with Session(engine) as session:
            stale = load_structure(session=session)
        assert "rule_columns" not in stale.__dict__


def test_rule_columns_of_another_structure_are_refused() -> None:
    from pledgetrack.domain.columns import rule_columns
    from pledgetrack.domain.model import PlanPeriod, TargetKind, TargetRule
    from pledgetrack.domain.plan import ItemInfo, PlanStructure, PledgeInfo, TargetInfo

    rule = TargetRule(TargetKind.QUANTITY, date(2020, 12, 31), target_value=1.0)
    item = ItemInfo(1, 1, "i", 1, (), (TargetInfo(7, "1.1", 1, "t", "", rule),))
    period = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
    structure = PlanStructure(1, "p", "p", period, (PledgeInfo(1, "一"),), (item,))
    with pytest.raises(ValueError, match="not this plan"):
        structure.use_rule_columns(rule_columns([8], [rule], [0], 1))
    structure.use_rule_columns(rule_columns([7], [rule], [0], 1))


def test_without_its_generation_row_nothing_is_stored_or_taken(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'g.sqlite'}")
    load_sample(engine, DATA)
    status_summary(engine, on=OCTOBER)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM rule_generation"))
        conn.execute(text("UPDATE target SET target_value = 1000 WHERE key = '1.1'"))
    assert 1 not in achieved(engine)  # the stored copy is not taken
    with Session(engine) as session:
        assert "rule_columns" not in load_structure(session=session).__dict__


@BOTH
def test_the_summary_from_approved_figures_only_is_the_tables(backend: str, tmp_path: Path) -> None:
    from pledgetrack.services.progress import record
    from tests.conftest import TODAY

    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        # A correction not yet approved: item 1 falls below its target in the live
        # figures, stays achieved in the approved ones.
        record(
            engine,
            target_key="1.1",
            value="3",
            as_of="2020-10-31",
            entered_by="x",
            today=TODAY,
            confirm=True,  # it changes an approved figure
        )
        live = status_summary(engine, on=OCTOBER)
        approved = status_summary(engine, on=OCTOBER, approved_only=True)
        assert 1 not in live.items(Status.ACHIEVED) and 1 in approved.items(Status.ACHIEVED)
        table = plan_status(engine, on=OCTOBER, approved_only=True)
        assert approved.counts() == table.counts()
        assert approved.items(Status.ACHIEVED) == [r.info.no for r in table.achieved_items()]
