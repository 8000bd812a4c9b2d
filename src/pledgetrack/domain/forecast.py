"""The year-end forecast (研判): where a quantity target will stand at its deadline if it
keeps the pace of its last readings. Pure: no I/O; the TUI, the CLI, the attention board
and every report call these functions (docs/FORECAST.md states the method and how well
it did on past data).

The method, for one quantity target with a target figure, as of a day:

1. **Points.** The target's readings dated on or before the day that carry a figure, one
   per date (of corrections of a date, the one entered last, as the status rules read
   them), as the rules read them: a per-period target's figure is the running total of
   its periods (domain.per_period).
2. **Pace.** The average gain per day over the last :data:`WINDOW` (3) points: (latest
   figure − oldest figure of the window) / days between their dates. With two points,
   over those two. Said per month as the gain over :data:`DAYS_PER_MONTH` days.
3. **Projection.** The latest figure plus the pace times the days from the latest
   reading's date to the target's deadline (Target.deadline, which is the plan's end
   unless the list gives an earlier one). A pace that goes away from the target (a
   figure corrected downwards) counts as no gain: the projection is never behind the
   latest reading (for a falling target, "behind" is above it). Nothing caps it upwards:
   a list's targets are exceeded (138.6 %), and the flag below is about falling short.
4. **At risk.** The projected figure would not achieve the target by the engine's own
   rule (domain.progress.measure, column by column in domain.columns): "at risk:
   projected 82.3 % at the deadline". An at-least target ("30万人以上") is a floor and
   read the same way; a per-period target by the total of its periods.

No projection, with the reason (:class:`Outlook`): a milestone or a reference figure
without a target (not a quantity); a target already achieved (nothing left to forecast);
a deadline already passed (its status says overdue); fewer than two readings with a
figure (no pace to extrapolate).

A department's own forecast ("预计10月底前完成", Reading.forecast) is shown beside this one,
never mixed into it.

Whole plans go through :func:`forecast_columns` (numpy, one pass over every target);
:func:`forecast_target` is the same function for one target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from pledgetrack.domain.columns import ReadingColumns, RuleColumns, measure_columns, rule_columns
from pledgetrack.domain.model import Reading, TargetRule
from pledgetrack.domain.per_period import period_total

#: How many of the latest readings the pace is taken over.
WINDOW = 3
#: Days in an average month: a pace per day said per month.
DAYS_PER_MONTH = 365.25 / 12

Point = tuple[date, float]
Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


class Outlook(StrEnum):
    """What the forecast says of a target."""

    #: The projection falls short of the target at the deadline.
    AT_RISK = "at_risk"
    #: The projection reaches the target by the deadline.
    ON_COURSE = "on_course"
    #: Already achieved: nothing to forecast.
    ACHIEVED = "achieved"
    #: Fewer than two readings with a figure: no pace.
    FEW_READINGS = "few_readings"
    #: The deadline has passed without the target achieved (overdue).
    PAST_DEADLINE = "past_deadline"
    #: A milestone or a reference figure without a target: no figure to project.
    NOT_QUANTITY = "not_quantity"


#: Outlooks by code (the order of :class:`Outlook`); columns hold codes.
OUTLOOK_BY_CODE: tuple[Outlook, ...] = tuple(Outlook)
_CODE = {outlook: code for code, outlook in enumerate(OUTLOOK_BY_CODE)}


@dataclass(frozen=True, eq=False)
class WindowColumns:
    """The readings the forecast reads, per target (same order as its RuleColumns):
    how many points it has, and the oldest and latest point of its window (dates as
    ordinals, 0 and NaN where there is none)."""

    count: Ints
    first_day: Ints
    first_value: Floats
    last_day: Ints
    last_value: Floats


@dataclass(frozen=True, eq=False)
class ForecastColumns:
    """Every target's forecast: outlook code (:data:`OUTLOOK_BY_CODE`), the projected
    figure and completion (percent) at the deadline, the pace per month, the latest
    figure's completion (NaN: none)."""

    outlook: Ints
    value: Floats
    completion: Floats
    pace: Floats
    latest_completion: Floats

    def at_risk(self) -> Bools:
        return self.outlook == _CODE[Outlook.AT_RISK]


@dataclass(frozen=True, slots=True)
class TargetForecast:
    """One target's forecast as of a day."""

    outlook: Outlook
    #: The projected figure and completion (percent, not rounded) at the deadline.
    value: float | None
    completion: float | None
    #: Gain per month over the window (in the target's unit).
    pace: float | None
    #: Dates of the oldest and latest reading of the window.
    since: date | None
    last: date | None
    deadline: date
    #: Readings with a figure up to the day.
    readings: int

    @property
    def at_risk(self) -> bool:
        return self.outlook is Outlook.AT_RISK

    def path(self) -> list[Point]:
        """The projection as a line: from the latest reading to the deadline (empty
        without a projection)."""
        if self.value is None or self.last is None or self.outlook is Outlook.ACHIEVED:
            return []
        assert self.pace is not None
        start = self.value - self.pace / DAYS_PER_MONTH * max((self.deadline - self.last).days, 0)
        return [(self.last, start), (max(self.deadline, self.last), self.value)]


def forecast_columns(rules: RuleColumns, window: WindowColumns, on: date) -> ForecastColumns:
    """The forecast of every target of *rules* as of *on*, from its window of readings
    (the method in this module's docstring)."""
    n = len(rules)
    quantity = ~rules.milestone & ~np.isnan(rules.target)
    zeros = np.zeros(n, dtype=bool)
    latest = ReadingColumns(window.count >= 1, window.last_value, zeros, window.last_day)
    latest_completion, achieved = measure_columns(rules, latest)
    paced = quantity & (window.count >= 2)
    with np.errstate(all="ignore"):
        days = (window.last_day - window.first_day).astype(np.float64)
        gain = np.where(paced & (days > 0), (window.last_value - window.first_value) / days, 0.0)
        # Towards the target only: a cumulative figure does not go back.
        towards = np.where(rules.target >= rules.baseline, gain > 0, gain < 0)
        gain = np.where(towards, gain, 0.0)
        horizon = np.maximum(rules.deadline - window.last_day, 0).astype(np.float64)
        projected = window.last_value + gain * horizon
    at_deadline = ReadingColumns(paced, projected, zeros, window.last_day)
    completion, reaches = measure_columns(rules, at_deadline)
    outlook = np.where(reaches, _CODE[Outlook.ON_COURSE], _CODE[Outlook.AT_RISK])
    # Later assignments win: the reverse of the order of precedence.
    outlook[~paced] = _CODE[Outlook.FEW_READINGS]
    outlook[on.toordinal() > rules.deadline] = _CODE[Outlook.PAST_DEADLINE]
    outlook[achieved] = _CODE[Outlook.ACHIEVED]
    outlook[~quantity] = _CODE[Outlook.NOT_QUANTITY]
    return ForecastColumns(
        outlook=outlook.astype(np.int64),
        value=np.where(paced, projected, np.nan),
        completion=np.where(paced, completion, np.nan),
        pace=np.where(paced, gain * DAYS_PER_MONTH, np.nan),
        latest_completion=latest_completion,
    )


def reading_points(rule: TargetRule, readings: Iterable[Reading]) -> list[Point]:
    """The points of *readings* (current ones, oldest first): each reading with a figure
    as the rules read it — for a per-period *rule*, the total of its periods as of that
    reading (domain.per_period). Several on one date: the last of them."""
    current = list(readings)
    points: dict[date, float] = {}
    for i, reading in enumerate(current):
        if reading.value is None:
            points.pop(reading.as_of, None)
            continue
        if rule.per_period:
            total = period_total(rule, current[: i + 1])
            if total is None or total.value is None:
                continue
            points[reading.as_of] = total.value
        else:
            points[reading.as_of] = reading.value
    return sorted(points.items())


def forecast_target(rule: TargetRule, points: Sequence[Point], on: date) -> TargetForecast:
    """One target's forecast as of *on* from its points (:func:`reading_points`; points
    after *on* are left out): :func:`forecast_columns` for one target."""
    kept = sorted((d, v) for d, v in points if d <= on)
    count, first, last = len(kept), kept[-WINDOW:][0] if kept else None, kept[-1] if kept else None
    window = WindowColumns(
        count=np.array([count], dtype=np.int64),
        first_day=np.array([first[0].toordinal() if first else 0], dtype=np.int64),
        first_value=np.array([first[1] if first else np.nan]),
        last_day=np.array([last[0].toordinal() if last else 0], dtype=np.int64),
        last_value=np.array([last[1] if last else np.nan]),
    )
    columns = forecast_columns(rule_columns([0], [rule], [0], 1), window, on)
    value, completion, pace = (
        None if x != x else x
        for x in (
            float(columns.value[0]),
            float(columns.completion[0]),
            float(columns.pace[0]),
        )
    )
    return TargetForecast(
        outlook=OUTLOOK_BY_CODE[int(columns.outlook[0])],
        value=value,
        completion=completion,
        pace=pace,
        since=first[0] if first and count >= 2 else None,
        last=last[0] if last else None,
        deadline=rule.deadline,
        readings=count,
    )


def window_columns(
    rules: RuleColumns,
    target_id: Ints,
    day: Ints,
    value: Floats,
    *,
    per_period: Mapping[int, TargetRule] | None = None,
) -> WindowColumns:
    """The window of every target of *rules* from its stored readings as of the day:
    columns sorted by target id, date and entry (id), a value NaN where a reading has no
    figure. Of several on one date the last entered counts; a per-period target's points
    are the running totals of its periods (*per_period*: the rules of those targets by
    id; their few readings go through :func:`reading_points`)."""
    n = len(rules)
    count = np.zeros(n, dtype=np.int64)
    first_day = np.zeros(n, dtype=np.int64)
    last_day = np.zeros(n, dtype=np.int64)
    first_value = np.full(n, np.nan)
    last_value = np.full(n, np.nan)
    if len(target_id):
        # The last entered of each (target, date), then those with a figure.
        last_of_day = np.ones(len(target_id), dtype=bool)
        last_of_day[:-1] = (target_id[1:] != target_id[:-1]) | (day[1:] != day[:-1])
        keep = last_of_day & ~np.isnan(value)
        tid, days, values = target_id[keep], day[keep], value[keep]
        if len(tid):
            starts = np.flatnonzero(np.r_[True, tid[1:] != tid[:-1]])
            ends = np.r_[starts[1:], len(tid)] - 1
            first = np.maximum(starts, ends - (WINDOW - 1))
            at, known = _positions(rules, tid[starts])
            count[at] = (ends - starts + 1)[known]
            first_day[at], first_value[at] = days[first][known], values[first][known]
            last_day[at], last_value[at] = days[ends][known], values[ends][known]
    for target, rule in (per_period or {}).items():
        at, known = _positions(rules, np.array([target], dtype=np.int64))
        if not known.all():
            continue
        lo, hi = np.searchsorted(target_id, [target, target + 1])
        readings = [
            Reading(date.fromordinal(d), None if v != v else v)
            for d, v in zip(day[lo:hi].tolist(), value[lo:hi].tolist(), strict=True)
        ]
        points = reading_points(rule, readings)
        i = int(at[0])
        count[i] = len(points)
        (d0, v0), (d1, v1) = (points[-WINDOW:][0], points[-1]) if points else ((None, np.nan),) * 2
        first_day[i], first_value[i] = d0.toordinal() if d0 else 0, v0
        last_day[i], last_value[i] = d1.toordinal() if d1 else 0, v1
    return WindowColumns(count, first_day, first_value, last_day, last_value)


def _positions(rules: RuleColumns, ids: Ints) -> tuple[Ints, Bools]:
    """Positions in *rules* of the target *ids* (those *rules* hold), and which are held."""
    order = rules.id_order
    sorted_ids = rules.target_id[order]
    found = np.minimum(np.searchsorted(sorted_ids, ids), max(len(rules) - 1, 0))
    known = sorted_ids[found] == ids if len(rules) else np.zeros(len(ids), dtype=bool)
    return order[found[known]], known
