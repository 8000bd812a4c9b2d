"""The column engine (domain/columns.py) gives exactly what the one-target rules of
domain/progress.py give: same statuses, and completion and expected equal to the bit."""

from __future__ import annotations

import struct
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgetrack.domain.evaluation import evaluate_plan
from pledgetrack.domain.model import (
    ItemResult,
    PlanPeriod,
    Policy,
    Reading,
    ScheduleNode,
    Stage,
    Status,
    TargetKind,
    TargetResult,
    TargetRule,
)
from pledgetrack.domain.plan import ItemInfo, PlanStructure, PledgeInfo, TargetInfo
from pledgetrack.domain.readings import LatestReadings
from tests.one_target_rules import item_status, target_status

PERIOD = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
days = st.integers(min_value=-40, max_value=400).map(lambda n: PERIOD.start + timedelta(days=n))
figures = st.one_of(
    st.floats(min_value=-50, max_value=1e6, allow_nan=False),
    st.sampled_from([0.0, 10.0, 30.0, 41.58, 100.0]),
)


@st.composite
def rules(draw: st.DrawFn) -> TargetRule:
    milestone = draw(st.booleans())
    deadline = draw(days)
    if milestone:
        stages = draw(
            st.lists(
                st.builds(Stage, st.sampled_from(["立项", "开工", "完工"]), st.none() | days),
                max_size=3,
            )
        )
        return TargetRule(TargetKind.MILESTONE, deadline, draw(st.booleans()), stages=tuple(stages))
    target = draw(st.none() | figures)
    baseline = draw(st.sampled_from([0.0, 0.0, 5.0]) | figures)
    schedule = draw(
        st.lists(st.builds(ScheduleNode, days, figures), max_size=3).map(tuple)
        if target is not None
        else st.just(())
    )
    return TargetRule(
        TargetKind.QUANTITY,
        deadline,
        draw(st.booleans()),
        target,
        baseline,
        schedule=schedule,
        # A per-period target's expected progress follows the running total of its amounts.
        per_period=bool(schedule) and draw(st.booleans()),
    )


readings = st.none() | st.builds(
    Reading,
    days,
    st.none() | figures | st.integers(0, 4).map(float),
    st.none() | st.booleans(),
    # Works progress (形象进度), weighed instead of completion while not achieved.
    works=st.none() | st.floats(min_value=0, max_value=100) | st.sampled_from([0.0, 90.0, 100.0]),
)


@st.composite
def plans(draw: st.DrawFn) -> tuple[PlanStructure, dict[int, Reading]]:
    items = []
    latest: dict[int, Reading] = {}
    next_id = 1
    for no in range(1, draw(st.integers(1, 6)) + 1):
        targets = []
        for _ in range(draw(st.integers(0, 4))):
            rule = draw(rules())
            targets.append(TargetInfo(next_id, f"{no}.{next_id}", no, "t", "", rule))
            reading = draw(readings)
            if reading is not None:
                latest[next_id] = reading
            next_id += 1
        items.append(ItemInfo(100 + no, no, f"item {no}", 1, ("单位",), tuple(targets)))
    structure = PlanStructure(1, "p", "plan", PERIOD, (PledgeInfo(1, "一"),), tuple(items))
    return structure, latest


def same(got: TargetResult | ItemResult, want: TargetResult | ItemResult) -> bool:
    """Equal status and flags, and equal figures to the bit (NaN equal to NaN: +inf and
    −inf expected values average to NaN in both)."""

    def key(r: TargetResult | ItemResult) -> tuple[object, ...]:
        def bits(x: float | None) -> object:
            if x is None or x != x:
                return x is None or "nan"
            return struct.pack("<d", x)

        return (r.status, bits(r.completion), bits(r.expected), r.achieved)

    return key(got) == key(want)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    plan=plans(),
    on=days,
    tolerance=st.sampled_from([0.0, 10.0, 25.5]),
    ahead_margin=st.sampled_from([0.0, 10.0, 30.0]),
)
def test_whole_plan_columns_equal_the_one_target_rules(
    plan: tuple[PlanStructure, dict[int, Reading]], on: date, tolerance: float, ahead_margin: float
) -> None:
    structure, latest = plan
    policy = Policy(tolerance=tolerance, ahead_margin=ahead_margin)
    evaluation = evaluate_plan(structure, latest, on, policy)
    for row in evaluation.items:
        expected_targets = [
            target_status(t.rule, latest.get(t.id), period=PERIOD, on=on, policy=policy)
            for t in row.info.targets
        ]
        for got, want in zip(row.result.targets, expected_targets, strict=True):
            assert same(got, want)
            assert got.reading == want.reading
        want_item = item_status([t.rule for t in row.info.targets], expected_targets)
        assert same(row.result, want_item)
        dates = [r.reading.as_of for r in expected_targets if r.reading is not None]
        assert row.last_report == (max(dates) if dates else None)


def test_target_results_are_made_only_when_asked_for() -> None:
    rule = TargetRule(TargetKind.QUANTITY, PERIOD.end, target_value=30.0)
    items = tuple(
        ItemInfo(i, i, f"item {i}", 1, (), (TargetInfo(i, f"{i}.1", i, "t", "", rule),))
        for i in range(1, 4)
    )
    structure = PlanStructure(1, "p", "plan", PERIOD, (PledgeInfo(1, "一"),), items)
    latest = {2: Reading(date(2020, 10, 31), 41.58)}
    evaluation = evaluate_plan(structure, latest, date(2020, 10, 31))
    second = evaluation.items[1].result
    assert second._targets is None  # nothing made yet
    assert second.status is Status.ACHIEVED and second.targets[0].completion == 138.6
    assert evaluation.items[0].result._targets is None  # only the item asked for


def test_latest_readings_in_columns_behave_as_a_mapping() -> None:
    october = Reading(date(2020, 10, 31), 41.58, None, "")
    done = Reading(date(2020, 9, 30), None, True, "试运行")
    latest = LatestReadings.of({7: october, 9: done})
    assert latest == {7: october, 9: done}
    assert 7 in latest and 8 not in latest and latest.get(8) is None
    assert sorted(latest) == [7, 9] and len(latest) == 2


def test_opposite_infinite_expected_values_average_to_nan_as_in_the_one_item_rule() -> None:
    # Subnormal spans (target within 5e-324 of the baseline) make expected ±inf.
    schedule = (ScheduleNode(date(2020, 6, 30), 1.0),)
    rules = [
        TargetRule(TargetKind.QUANTITY, PERIOD.end, True, value, 0.0, schedule=schedule)
        for value in (5e-324, -5e-324)
    ]
    targets = tuple(TargetInfo(i, f"1.{i}", 1, "t", "", r) for i, r in enumerate(rules, 1))
    structure = PlanStructure(
        1, "p", "plan", PERIOD, (PledgeInfo(1, "一"),), (ItemInfo(1, 1, "i", 1, (), targets),)
    )
    on = date(2020, 9, 30)
    row = evaluate_plan(structure, {}, on).items[0]
    results = [target_status(r, None, period=PERIOD, on=on) for r in rules]
    assert [r.expected for r in results] == [float("inf"), float("-inf")]
    assert same(row.result, item_status(rules, results))
    assert row.result.expected is not None and row.result.expected != row.result.expected
