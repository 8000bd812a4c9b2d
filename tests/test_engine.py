"""The progress rules (README.md, "The rules"), as unit tests and hypothesis properties."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pledgetrack.domain.model import (
    PlanPeriod,
    Policy,
    Reading,
    ScheduleNode,
    Stage,
    Status,
    TargetKind,
    TargetRule,
)
from pledgetrack.domain.progress import completion, expected_completion, reporting_due_month
from tests.one_target_rules import item_status, target_status

YEAR = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
END = YEAR.end


def quantity(target: float = 30, **kw) -> TargetRule:
    return TargetRule(
        kind=TargetKind.QUANTITY, deadline=kw.pop("deadline", END), target_value=target, **kw
    )


def reading(
    value: float | None, on: date = date(2020, 10, 31), done: bool | None = None
) -> Reading:
    return Reading(on, value, done)


def status(rule: TargetRule, r: Reading | None, on: date = date(2020, 10, 31), **kw) -> Status:
    return target_status(rule, r, period=YEAR, on=on, policy=Policy(**kw)).status


def test_completion_is_not_capped() -> None:
    assert round(completion(quantity(30), reading(41.58)), 1) == 138.6


def test_completion_counts_from_the_baseline() -> None:
    assert completion(quantity(200, baseline=100), reading(150)) == 50


def test_reference_figure_has_no_completion() -> None:
    rule = TargetRule(kind=TargetKind.QUANTITY, deadline=END, target_value=None, assessed=False)
    assert completion(rule, reading(21.21)) is None


def test_expected_progress_is_linear_to_the_deadline() -> None:
    assert round(expected_completion(quantity(), YEAR.start, date(2020, 10, 31)), 1) == 83.3
    own = quantity(deadline=date(2020, 11, 30))
    assert expected_completion(own, YEAR.start, date(2020, 11, 30)) == 100


def test_expected_progress_follows_the_planned_schedule() -> None:
    rule = quantity(
        9,
        schedule=(
            ScheduleNode(date(2020, 3, 31), 2),
            ScheduleNode(date(2020, 6, 30), 4),
            ScheduleNode(date(2020, 9, 30), 7),
        ),
    )
    assert round(expected_completion(rule, YEAR.start, date(2020, 6, 30)) * 9 / 100, 6) == 4
    assert round(expected_completion(rule, YEAR.start, date(2020, 9, 30)) * 9 / 100, 6) == 7
    between = expected_completion(rule, YEAR.start, date(2020, 8, 15)) * 9 / 100
    assert 4 < between < 7


def test_milestone_without_planned_stages_is_not_behind_before_its_deadline() -> None:
    rule = TargetRule(kind=TargetKind.MILESTONE, deadline=END)
    assert status(rule, reading(None, done=False)) is Status.ON_TRACK
    assert status(rule, reading(None, done=True)) is Status.ACHIEVED


def test_milestone_with_planned_stage_is_behind_when_the_stage_is_late() -> None:
    rule = TargetRule(
        kind=TargetKind.MILESTONE,
        deadline=END,
        stages=(
            Stage("开发"),
            Stage("试运行", date(2020, 6, 30)),
            Stage("正式运行", date(2020, 9, 30)),
        ),
    )
    assert status(rule, reading(1, done=False)) is Status.BEHIND
    assert status(rule, reading(3)) is Status.ACHIEVED


def test_quantity_below_expected_by_more_than_the_tolerance_is_behind() -> None:
    assert status(quantity(100), reading(70)) is Status.BEHIND  # 70 < 83.3 - 10
    assert status(quantity(100), reading(75)) is Status.ON_TRACK
    assert status(quantity(100), reading(75), tolerance=5) is Status.BEHIND


def test_deadline_passed_without_achievement_is_overdue() -> None:
    rule = quantity(300, deadline=date(2020, 11, 30))
    assert status(rule, reading(200), on=date(2020, 12, 1)) is Status.OVERDUE
    assert status(rule, reading(300), on=date(2020, 12, 1)) is Status.ACHIEVED


def test_not_reported_once_the_reporting_deadline_has_passed() -> None:
    rule = quantity(100)
    october = reading(90, on=date(2020, 10, 31))
    # November figures are due by 5 December.
    assert status(rule, october, on=date(2020, 12, 5)) is Status.ON_TRACK
    assert status(rule, october, on=date(2020, 12, 6)) is Status.NOT_REPORTED
    assert status(rule, october, on=date(2020, 12, 10), reporting_day=10) is Status.ON_TRACK
    assert status(rule, None, on=date(2020, 1, 20)) is Status.ON_TRACK  # nothing due yet


def test_reporting_due_month() -> None:
    assert reporting_due_month(date(2020, 10, 31), YEAR, Policy()) == date(2020, 9, 30)
    assert reporting_due_month(date(2020, 11, 5), YEAR, Policy()) == date(2020, 9, 30)
    assert reporting_due_month(date(2020, 11, 6), YEAR, Policy()) == date(2020, 10, 31)
    assert reporting_due_month(date(2020, 2, 1), YEAR, Policy()) is None


def _results(rules, readings, on=date(2020, 10, 31)):
    return [target_status(r, x, period=YEAR, on=on) for r, x in zip(rules, readings, strict=True)]


def test_item_with_reference_figure_below_target_is_still_achieved() -> None:
    # Item 6: 2741 of 2000 planned (assessed), only 1722 of 2000 started (reference).
    rules = [quantity(2000), quantity(2000, assessed=False)]
    readings = [reading(2741), reading(1722)]
    assert item_status(rules, _results(rules, readings)).status is Status.ACHIEVED


def test_item_with_assessed_target_below_100_is_not_achieved() -> None:
    # Item 8: 514.3 of 500 started (reference), 317.3 of 500 finished (assessed).
    rules = [quantity(500, assessed=False), quantity(500)]
    readings = [reading(514.3), reading(317.3)]
    result = item_status(rules, _results(rules, readings))
    assert not result.achieved
    assert result.status is Status.BEHIND


def test_item_status_is_its_worst_assessed_target() -> None:
    rules = [quantity(100), quantity(100, deadline=date(2020, 9, 30))]
    readings = [reading(50), reading(90)]
    assert item_status(rules, _results(rules, readings)).status is Status.OVERDUE


values = st.floats(min_value=0, max_value=1e7, allow_nan=False)
targets = st.floats(min_value=1, max_value=1e7, allow_nan=False)


@given(target=targets, a=values, b=values)
def test_completion_is_monotone_in_value(target: float, a: float, b: float) -> None:
    low, high = sorted((a, b))
    rule = quantity(target)
    assert completion(rule, reading(low)) <= completion(rule, reading(high))


@given(target=targets, value=values, days=st.integers(min_value=0, max_value=365))
def test_achieved_iff_value_reaches_target(target: float, value: float, days: int) -> None:
    on = YEAR.start + timedelta(days=days)
    res = target_status(quantity(target), reading(value, on=on), period=YEAR, on=on)
    assert res.achieved == (value >= target * (1 - 1e-9) or value >= target - 1e-9 * target)


@given(
    specs=st.lists(st.tuples(targets, values, st.booleans()), min_size=1, max_size=6).filter(
        lambda xs: any(assessed for _, _, assessed in xs)
    )
)
def test_item_never_achieved_while_an_assessed_target_is_below_100(specs) -> None:
    rules = [quantity(t, assessed=a) for t, _, a in specs]
    readings = [reading(v) for _, v, _ in specs]
    results = _results(rules, readings)
    item = item_status(rules, results)
    below = any(r.assessed and not res.achieved for r, res in zip(rules, results, strict=True))
    assert item.achieved is (not below)
    if item.achieved:
        assert all(
            res.completion >= 100 - 1e-6
            for r, res in zip(rules, results, strict=True)
            if r.assessed
        )


@given(days=st.lists(st.integers(min_value=0, max_value=365), min_size=2, max_size=2))
def test_expected_progress_never_falls_over_time(days: list[int]) -> None:
    early, late = sorted(YEAR.start + timedelta(days=d) for d in days)
    rule = quantity(100)
    assert expected_completion(rule, YEAR.start, early) <= expected_completion(
        rule, YEAR.start, late
    )


# ---- ahead (超额完成节点目标) -------------------------------------------------------------


def test_quantity_above_expected_by_more_than_the_margin_is_ahead() -> None:
    # 31 October: 83.3 % expected; 28 of 30 is 93.3 % (10 points: not more), 29 is 96.7 %.
    assert status(quantity(), reading(28)) is Status.ON_TRACK
    assert status(quantity(), reading(29)) is Status.AHEAD
    assert status(quantity(), reading(29), ahead_margin=15) is Status.ON_TRACK
    assert status(quantity(), reading(30)) is Status.ACHIEVED  # achieved ranks first


def test_ahead_of_a_schedule_node_follows_the_node_not_the_calendar() -> None:
    # 4 by the end of June, 7 by September: 31 July expects about 5 of 10 (the calendar
    # would expect 58 %).
    nodes = (ScheduleNode(date(2020, 6, 30), 4), ScheduleNode(date(2020, 9, 30), 7))
    rule = quantity(10, schedule=nodes)
    on = date(2020, 7, 31)
    assert status(rule, reading(6.5, on), on) is Status.AHEAD
    assert status(rule, reading(6.5, on), on, ahead_margin=20) is Status.ON_TRACK
    assert status(quantity(10), reading(6.5, on), on) is Status.ON_TRACK


def test_milestone_is_ahead_only_of_fully_dated_stages() -> None:
    dated = tuple(
        Stage(n, d) for n, d in (("立项", date(2020, 6, 30)), ("开工", date(2020, 11, 30)))
    )
    undated = (Stage("开发"), Stage("试运行", date(2020, 11, 15)), Stage("正式运行"))
    rule = TargetRule(kind=TargetKind.MILESTONE, deadline=END, stages=dated)
    # Both stages reached by October: 100 % of the stages, 50 % planned; yet not done.
    assert status(rule, Reading(date(2020, 10, 31), 1.0, False)) is Status.ON_TRACK
    assert status(rule, Reading(date(2020, 10, 31), 2.0, False)) is Status.ACHIEVED
    three = TargetRule(kind=TargetKind.MILESTONE, deadline=END, stages=(*dated, Stage("验收", END)))
    assert status(three, Reading(date(2020, 10, 31), 2.0, False)) is Status.AHEAD
    loose = TargetRule(kind=TargetKind.MILESTONE, deadline=END, stages=undated)
    assert status(loose, Reading(date(2020, 10, 31), 1.0, False)) is Status.ON_TRACK


def test_a_milestone_without_stages_or_a_reference_figure_is_never_ahead() -> None:
    plain = TargetRule(kind=TargetKind.MILESTONE, deadline=END)
    assert status(plain, Reading(date(2020, 10, 31), None, False)) is Status.ON_TRACK
    reference = TargetRule(kind=TargetKind.QUANTITY, deadline=END, assessed=False)
    assert status(reference, reading(1e6)) is Status.ON_TRACK


def test_an_item_is_ahead_when_its_worst_assessed_target_is_ahead() -> None:
    rules = [quantity(), quantity(), quantity(10, assessed=False)]
    results = [
        target_status(r, reading(v), period=YEAR, on=date(2020, 10, 31))
        for r, v in zip(rules, (30, 29, 1), strict=True)
    ]
    assert [r.status for r in results] == [Status.ACHIEVED, Status.AHEAD, Status.BEHIND]
    item = item_status(rules, results)
    assert item.status is Status.AHEAD and not item.achieved
