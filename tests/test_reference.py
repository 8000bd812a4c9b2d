"""The engine and the hand-written reference SQL agree on a generated database (not timed)."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
from scripts.reference_sql import reference_status

from pledgetrack.domain.columns import STATUS_BY_CODE
from pledgetrack.domain.model import Policy, TargetKind
from pledgetrack.services.status import plan_status, status_summary
from tests.backends import BOTH, empty_database

ROOT = Path(__file__).resolve().parents[1]


def generator():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "gen_synthetic", ROOT / "scripts" / "gen_synthetic.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@BOTH
@pytest.mark.parametrize("on", [date(2020, 3, 15), date(2020, 9, 30), date(2020, 12, 31)])
def test_engine_matches_the_reference_sql(backend: str, on: date, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as engine:
        counts = generator().generate(engine, targets=2000, months=10, seed=7)
        assert counts["targets"] == 2000 and counts["snapshots"] > 15_000
        evaluation = plan_status(engine, on=on, policy=Policy())
        with engine.connect() as conn:
            reference = reference_status(conn, evaluation.structure.id, on)
        targets = [t for row in evaluation.items for t in row.targets]
        assert len(targets) == len(reference) == 2000
        compared = 0
        for target in targets:
            completion, done, as_of = reference[target.info.id]
            reading = target.result.reading
            assert (reading.as_of if reading else None) == as_of, target.info.key
            if target.info.rule.kind is TargetKind.MILESTONE:
                assert (reading.done if reading else None) == done
            elif target.info.rule.target_value is not None and completion is not None:
                assert target.result.completion == pytest.approx(completion, rel=1e-12)
                compared += 1
            else:
                assert target.result.completion is None or completion is None
        assert compared > 1000
        # The status summary (cached rule columns, one latest-reading statement) agrees.
        summary = status_summary(engine, on=on, policy=Policy())
        again = status_summary(engine, on=on, policy=Policy())  # from the stored copy
        columns = summary.columns
        by_id = dict(zip(columns.rules.target_id.tolist(), range(2000), strict=True))
        for target in targets:
            completion, done, as_of = reference[target.info.id]
            i = by_id[target.info.id]
            got = columns.targets.completion[i]
            assert (None if got != got else float(got)) == target.result.completion
            assert STATUS_BY_CODE[columns.targets.status[i]] is target.result.status
            day = columns.readings.as_of[i]
            assert (date.fromordinal(day) if day else None) == as_of
        assert summary.counts() == again.counts() == evaluation.counts()
