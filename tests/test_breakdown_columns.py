"""A month report's unit lines, measured as columns (services.breakdown.unit_lines_as_of),
say what the rule engine says of every share one by one (results_as_of): on a generated
plan split to units, as of several dates, with and without reviews, on both engines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.model import Policy
from pledgetrack.domain.numbers import round_percent
from pledgetrack.services.breakdown import (
    ShareSpec,
    breakdowns,
    results_as_of,
    set_breakdown,
    unit_lines_as_of,
)
from pledgetrack.services.month_report import build_month_report
from pledgetrack.services.progress import record
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.queries import load_structure
from tests.backends import BOTH, empty_database
from tests.conftest import DATA, TODAY
from tests.test_reference import generator

Line = tuple[str, str, float | None, bool]


def by_objects(engine: Engine, on: date, approved_only: bool) -> dict[int, tuple[Line, ...]]:
    """Each split target's units as the engine judges every share as a target."""
    with Session(engine) as session:
        structure = load_structure(session=session)
        splits = breakdowns(session, structure)
        results = results_as_of(
            session, structure, splits, on, Policy(), approved_only=approved_only
        )
    return {
        tid: tuple(
            (
                r.unit,
                r.share.level,
                None
                if r.result.reading is None or r.result.completion is None
                else round_percent(r.result.completion),
                r.result.achieved,
            )
            for r in units
        )
        for tid, units in results.items()
        if units
    }


def by_columns(engine: Engine, on: date, approved_only: bool) -> dict[int, tuple[Line, ...]]:
    with Session(engine) as session:
        structure = load_structure(session=session)
        lines = unit_lines_as_of(session, structure, on, approved_only=approved_only)
    return {
        tid: tuple((u.unit, u.level, u.completion, u.achieved) for u in units)
        for tid, units in lines.items()
    }


@pytest.mark.slow
@BOTH
def test_unit_lines_as_columns_equal_the_engines_judgement_of_each_share(
    backend: str, tmp_path: Path
) -> None:
    with empty_database(backend, tmp_path) as engine:
        generator().generate(engine, targets=400, months=10, seed=11, split=0.5, units=4)
        with engine.begin() as conn:
            # Some figures reviewed: approved, returned, approved then returned.
            conn.execute(
                text(
                    "INSERT INTO review (snapshot_id, decision, comment, reviewed_by,"
                    " reviewed_at, recorded_by) SELECT id, CASE WHEN id % 5 = 0 THEN"
                    " 'returned' ELSE 'approved' END, '', 'sup', :at, 'sup' FROM snapshot"
                    " WHERE id % 3 <> 0"
                ),
                {"at": TODAY},
            )
            conn.execute(
                text(
                    "INSERT INTO review (snapshot_id, decision, comment, reviewed_by,"
                    " reviewed_at, recorded_by) SELECT id, 'returned', '', 'sup', :at, 'sup'"
                    " FROM snapshot WHERE id % 7 = 1"
                ),
                {"at": TODAY},
            )
            # Some shares count an amount per period (their value the periods' total).
            conn.execute(
                text(
                    "UPDATE target SET per_period = TRUE, schedule = (SELECT p.schedule FROM"
                    " target p WHERE p.id = target.parent_id) WHERE parent_id IN (SELECT id"
                    " FROM target WHERE schedule IS NOT NULL AND CAST(schedule AS TEXT) <> '[]' AND id % 2 = 0)"
                )
            )
            periodic = conn.execute(text("SELECT count(*) FROM target WHERE per_period")).one()[0]
            assert periodic > 20
        compared, states = 0, set()
        for on in (date(2020, 2, 29), date(2020, 6, 30), date(2020, 10, 31), date(2020, 12, 31)):
            for approved_only in (False, True):
                expected = by_objects(engine, on, approved_only)
                assert by_columns(engine, on, approved_only) == expected, (on, approved_only)
                compared += sum(len(units) for units in expected.values())
                states |= {(c is None, done) for us in expected.values() for *_, c, done in us}
        assert compared > 3000
        # No figure, lagging and achieved units all among them.
        assert states == {(True, False), (False, False), (False, True)}


KEY = "3.4"


@BOTH
def test_a_milestone_split_with_its_own_rule_reports_each_units_milestone(
    backend: str, tmp_path: Path
) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        with Session(engine) as session:
            structure = load_structure(session=session)
            milestone = next(t for t in structure.targets() if t.kind.value == "milestone")
        units = [ShareSpec("市南区", None, "区市"), ShareSpec("市北区", None, "区市")]
        set_breakdown(engine, target_key=milestone.key, rule="own", shares=units)
        record(
            engine, target_key=f"{milestone.key}/市南区", value=None, done=True, as_of=date(2020, 10, 20),
            entered_by="x", today=TODAY, confirm=True,
        )  # fmt: skip
        on = date(2020, 10, 31)
        assert by_columns(engine, on, False) == by_objects(engine, on, False)
        report = build_month_report(engine, month=on)
        line = next(t for section in report.pledges for item in section.items for t in item.targets if t.key == milestone.key)
        assert [(u.unit, u.completion, u.achieved) for u in line.units] == [
            ("市南区", 100.0, True),
            ("市北区", None, False),
        ]
