"""The official 2020 verdict, computed from the transcribed data and the shipped database."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from sqlmodel import Session

from pledgetrack.config import sqlite_url
from pledgetrack.services.status import plan_status
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import load_structure
from tests.conftest import DATA

OFFICIAL_ACHIEVED = [1, 3, 4, 6, 7, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 27, 29, 34]


def test_the_seed_names_exactly_these_eighteen_items_as_achieved(qingdao) -> None:
    evaluation = plan_status(qingdao, on=date(2020, 10, 31))
    assert [row.info.no for row in evaluation.achieved_items()] == OFFICIAL_ACHIEVED
    assert len(evaluation.items) == 36
    assert len(evaluation.structure.pledges) == 12


def test_new_jobs_are_at_138_6_percent(qingdao) -> None:
    evaluation = plan_status(qingdao, on=date(2020, 10, 31))
    jobs = next(t for t in evaluation.items[0].targets if t.info.key == "1.1")
    assert jobs.info.unit == "万人"
    assert round(jobs.result.completion, 1) == 138.6


def test_every_published_share_is_reproduced(qingdao) -> None:
    """Spot checks of 占年计划的p% across the list (all 50 were checked when transcribing)."""
    from pledgetrack.domain.numbers import round_percent

    evaluation = plan_status(qingdao, on=date(2020, 10, 31))
    by_key = {t.info.key: t for row in evaluation.items for t in row.targets}
    published = {
        "2.1": 86,
        "3.6": 106.3,
        "5.1": 85.5,
        "6.1": 137.1,
        "8.2": 63.5,
        "9.3": 98.5,
        "32.1": 94.4,
    }
    for key, share in published.items():
        assert round_percent(by_key[key].result.completion) == share, key


def test_derived_targets_say_so(qingdao) -> None:
    with Session(qingdao) as session:
        structure = load_structure(session=session)
    target = next(t for t in structure.targets() if t.key == "5.1")
    assert "推算" in target.note


def test_shipped_database_matches_the_source_files(qingdao, tmp_path: Path) -> None:
    copy = tmp_path / "pledges.sqlite"  # the shipped file is never opened for writing
    shutil.copy(DATA / "pledges.sqlite", copy)
    shipped = make_engine(sqlite_url(copy))
    with Session(shipped) as a, Session(qingdao) as b:
        left, right = load_structure(session=a), load_structure(session=b)
        assert _comparable(left) == _comparable(right)
        for on in (date(2020, 9, 30), date(2020, 10, 31), date(2020, 12, 31)):
            mine = latest_readings(session=a, plan_id=left.id, on=on)
            theirs = latest_readings(session=b, plan_id=right.id, on=on)
            by_key_a = {t.key: mine.get(t.id) for t in left.targets()}
            by_key_b = {t.key: theirs.get(t.id) for t in right.targets()}
            assert by_key_a == by_key_b
    shipped.dispose()


def _comparable(structure):
    return (
        structure.code,
        structure.title,
        structure.period,
        structure.pledges,
        [
            (
                i.no,
                i.title,
                i.pledge_no,
                i.departments,
                [(t.key, t.name, t.unit, t.rule, t.note) for t in i.targets],
            )
            for i in structure.items
        ],
    )
