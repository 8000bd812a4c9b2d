"""The year-end forecast (研判, domain.forecast): a quantity target projected to its
deadline at the pace of its last three readings, flagged at risk when it falls short."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgetrack.domain.columns import rule_columns
from pledgetrack.domain.forecast import (
    DAYS_PER_MONTH,
    OUTLOOK_BY_CODE,
    Outlook,
    forecast_columns,
    forecast_target,
    reading_points,
    window_columns,
)
from pledgetrack.domain.model import Reading, ScheduleNode, Stage, TargetKind, TargetRule

END = date(2020, 12, 31)
AUG, SEP, OCT = date(2020, 8, 31), date(2020, 9, 30), date(2020, 10, 31)


def quantity(target: float = 120.0, **kw: object) -> TargetRule:
    return TargetRule(TargetKind.QUANTITY, kw.pop("deadline", END), target_value=target, **kw)  # type: ignore[arg-type]


def test_a_target_keeping_its_pace_reaches_its_target_on_course() -> None:
    # +10 a month from August to October: 100 on 31 October, 120 by the year end.
    found = forecast_target(quantity(), [(AUG, 80.0), (SEP, 90.0), (OCT, 100.0)], OCT)
    assert found.outlook is Outlook.ON_COURSE and not found.at_risk
    assert found.value == pytest.approx(120.0)
    assert found.completion == pytest.approx(100.0)
    assert found.pace == pytest.approx(20 / 61 * DAYS_PER_MONTH)
    assert (found.since, found.last, found.readings) == (AUG, OCT, 3)


def test_a_target_short_at_its_pace_is_at_risk_with_its_projected_share() -> None:
    found = forecast_target(quantity(), [(AUG, 50.0), (SEP, 55.0), (OCT, 60.0)], OCT)
    assert found.outlook is Outlook.AT_RISK and found.at_risk
    assert found.value == pytest.approx(70.0)
    assert found.completion == pytest.approx(70.0 / 120.0 * 100.0)


def test_the_pace_is_that_of_the_last_three_readings_only() -> None:
    # A fast spring, then nothing since August: the projection stays where it is.
    points = [(date(2020, m + 1, 1) - timedelta(days=1), 20.0 * m) for m in range(2, 6)]
    points += [(AUG, 90.0), (SEP, 90.0), (OCT, 90.0)]
    found = forecast_target(quantity(), points, OCT)
    assert found.pace == 0.0 and found.value == 90.0 and found.at_risk
    assert found.readings == 7 and found.since == AUG


def test_two_readings_give_a_pace_and_one_does_not() -> None:
    two = forecast_target(quantity(), [(SEP, 80.0), (OCT, 100.0)], OCT)
    assert two.outlook is Outlook.ON_COURSE and two.since == SEP
    one = forecast_target(quantity(), [(OCT, 100.0)], OCT)
    assert one.outlook is Outlook.FEW_READINGS
    assert (one.value, one.completion, one.pace, one.readings) == (None, None, None, 1)
    assert forecast_target(quantity(), [], OCT).outlook is Outlook.FEW_READINGS
    assert one.path() == []


def test_an_achieved_target_is_never_at_risk() -> None:
    found = forecast_target(quantity(), [(SEP, 130.0), (OCT, 125.0)], OCT)
    assert found.outlook is Outlook.ACHIEVED and not found.at_risk
    assert found.path() == []


def test_milestones_and_reference_figures_get_no_projection() -> None:
    milestone = TargetRule(TargetKind.MILESTONE, END, stages=(Stage("立项"), Stage("完工")))
    reference = TargetRule(TargetKind.QUANTITY, END, assessed=False)
    for rule in (milestone, reference):
        found = forecast_target(rule, [(SEP, 1.0), (OCT, 2.0)], OCT)
        assert found.outlook is Outlook.NOT_QUANTITY and found.value is None


def test_a_passed_deadline_is_not_forecast() -> None:
    rule = quantity(deadline=date(2020, 9, 30))
    found = forecast_target(rule, [(AUG, 50.0), (SEP, 60.0)], OCT)
    assert found.outlook is Outlook.PAST_DEADLINE and not found.at_risk


def test_a_deadline_inside_the_year_is_projected_to_that_deadline() -> None:
    rule = quantity(deadline=date(2020, 11, 30))
    found = forecast_target(rule, [(AUG, 80.0), (SEP, 90.0), (OCT, 100.0)], OCT)
    assert found.value == pytest.approx(100.0 + 20 / 61 * 30)
    assert found.at_risk
    assert found.path()[-1] == (date(2020, 11, 30), pytest.approx(found.value))


def test_a_figure_corrected_downwards_projects_the_latest_figure() -> None:
    found = forecast_target(quantity(), [(AUG, 100.0), (SEP, 90.0), (OCT, 95.0)], OCT)
    assert found.pace == 0.0 and found.value == 95.0 and found.at_risk


def test_a_falling_target_is_projected_downwards() -> None:
    # Waiting days from 10 down to 5: 8, 7.5, 7 at a half day a month is 6 by the year end.
    rule = quantity(target=5.0, baseline=10.0)
    found = forecast_target(rule, [(AUG, 8.0), (SEP, 7.5), (OCT, 7.0)], OCT)
    assert found.value == pytest.approx(7.0 - 1.0 / 61 * 61)
    assert found.at_risk and found.completion == pytest.approx(80.0)


def test_an_at_least_target_is_a_floor_reached_or_not() -> None:
    rule = quantity(target=30.0, at_least=True)
    assert forecast_target(rule, [(SEP, 25.0), (OCT, 28.0)], OCT).outlook is Outlook.ON_COURSE
    assert forecast_target(rule, [(SEP, 25.0), (OCT, 25.5)], OCT).at_risk


def test_a_per_period_target_is_projected_from_the_total_of_its_periods() -> None:
    # 20 shows a quarter; 18 done in Q2, 19 in Q3: 37 by September, 56 by the year end.
    rule = quantity(
        target=80.0,
        per_period=True,
        schedule=tuple(
            ScheduleNode(date(2020, m, 30 if m in (6, 9) else 31), 20.0) for m in (3, 6, 9, 12)
        ),
    )
    readings = [Reading(date(2020, 3, 31), 15.0), Reading(date(2020, 6, 30), 18.0),
                Reading(SEP, 19.0)]  # fmt: skip
    points = reading_points(rule, readings)
    assert points == [(date(2020, 3, 31), 15.0), (date(2020, 6, 30), 33.0), (SEP, 52.0)]
    found = forecast_target(rule, points, OCT)
    assert found.value == pytest.approx(52.0 + 37.0 / 183 * 92)
    assert found.at_risk


def test_readings_after_the_day_are_not_read() -> None:
    points = [(AUG, 50.0), (SEP, 55.0), (OCT, 60.0), (date(2020, 11, 30), 200.0)]
    assert forecast_target(quantity(), points, OCT).value == pytest.approx(70.0)


def test_a_later_reading_of_the_same_date_replaces_the_earlier() -> None:
    readings = [Reading(SEP, 50.0), Reading(OCT, 80.0), Reading(OCT, 60.0)]
    assert reading_points(quantity(), readings) == [(SEP, 50.0), (OCT, 60.0)]


# ---- properties -----------------------------------------------------------------------

DAYS = st.integers(min_value=0, max_value=364).map(lambda d: date(2020, 1, 1) + timedelta(days=d))
FIGURES = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    points=st.lists(st.tuples(DAYS, FIGURES), max_size=8, unique_by=lambda p: p[0]),
    target=st.floats(min_value=1, max_value=1e6),
    on=DAYS,
)
def test_the_projection_is_never_below_the_latest_cumulative_reading(
    points: list[tuple[date, float]], target: float, on: date
) -> None:
    found = forecast_target(quantity(target=target), points, on)
    kept = sorted(p for p in points if p[0] <= on)
    if found.value is not None:
        assert found.value >= kept[-1][1]
        assert found.at_risk == (found.value < target * (1 - 1e-9))


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 4), DAYS, st.one_of(st.none(), FIGURES)), max_size=40),
    on=DAYS,
)
def test_a_whole_plan_in_columns_says_what_each_target_alone_says(
    rows: list[tuple[int, date, float | None]], on: date
) -> None:
    """Stored rows (corrections of a date included, in entry order) cut into windows
    with numpy give every target the forecast forecast_target gives it alone."""
    rules = [quantity(target=100.0 * (k + 1)) for k in range(5)]
    columns = rule_columns([10 + k for k in range(5)], rules, list(range(5)), 5)
    kept = sorted(
        ((k, d, i, v) for i, (k, d, v) in enumerate(rows) if d <= on), key=lambda r: r[:3]
    )
    window = window_columns(
        columns,
        np.array([10 + k for k, *_ in kept], dtype=np.int64),
        np.array([d.toordinal() for _, d, _, _ in kept], dtype=np.int64),
        np.array([np.nan if v is None else v for *_, v in kept], dtype=np.float64),
    )
    whole = forecast_columns(columns, window, on)
    for k, rule in enumerate(rules):
        readings = [Reading(d, v) for kk, d, _, v in kept if kk == k]
        alone = forecast_target(rule, reading_points(rule, readings), on)
        assert OUTLOOK_BY_CODE[int(whole.outlook[k])] is alone.outlook
        value = float(whole.value[k])
        assert (alone.value is None and value != value) or value == pytest.approx(alone.value)


def test_a_per_period_target_in_a_whole_plan_reads_the_total_of_its_periods() -> None:
    rule = quantity(
        target=80.0,
        per_period=True,
        schedule=(ScheduleNode(date(2020, 6, 30), 40.0), ScheduleNode(END, 40.0)),
    )
    columns = rule_columns([7], [rule], [0], 1)
    rows = [(date(2020, 3, 31), 10.0), (date(2020, 6, 30), 30.0), (SEP, 15.0), (OCT, 25.0)]
    window = window_columns(
        columns,
        np.array([7] * len(rows), dtype=np.int64),
        np.array([d.toordinal() for d, _ in rows], dtype=np.int64),
        np.array([v for _, v in rows], dtype=np.float64),
        per_period={7: rule},
    )
    # Points 30 (June), 45 (September: 30 + 15), 55 (October: 30 + 25).
    assert (int(window.count[0]), float(window.first_value[0]), float(window.last_value[0])) == (
        4,
        30.0,
        55.0,
    )
    alone = forecast_target(rule, reading_points(rule, [Reading(d, v) for d, v in rows]), OCT)
    assert float(forecast_columns(columns, window, OCT).value[0]) == pytest.approx(alone.value)
