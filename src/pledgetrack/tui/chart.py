"""The item detail chart: cumulative value against the target and the expected path.

Drawn with plotext, which keeps its figure in module-level state: every plotext
call lives in :func:`render_chart`, under a lock, and takes plain values only,
so the output depends on its arguments alone (no clock, no terminal size).
The legend is in the view's language (plotext counts a CJK character as two
columns, so its box stays square); tick labels are ASCII.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import plotext as plt

from pledgetrack.domain.dates import add_months, end_of_month
from pledgetrack.domain.forecast import reading_points
from pledgetrack.domain.model import StoredReading, TargetKind, TargetRule
from pledgetrack.domain.progress import expected_completion
from pledgetrack.i18n import t

Point = tuple[date, float]

#: Used when the widget has not been laid out yet.
FALLBACK_SIZE = (100, 12)
#: Below this plotext has no room for a frame, ticks and legend.
MIN_WIDTH, MIN_HEIGHT = 30, 6

# 256-colour indices (the first 16 follow the terminal's ANSI palette).
_ACTUAL_COLOR = 12
_TARGET_COLOR = 10
_EXPECTED_COLOR = 11
_FORECAST_COLOR = 9

#: The projection's legend: ASCII in both languages (a CJK legend entry added to
#: plotext's box beside the others breaks its layout).
FORECAST_LEGEND = "forecast"

#: Columns from one x tick to the next: a 7-character label and room around it.
_X_LABEL_SPACING = 9

_LOCK = threading.Lock()


def chartable(rule: TargetRule) -> bool:
    """Quantity targets with a target value get a chart; milestones and reference figures do not."""
    return rule.kind is not TargetKind.MILESTONE and rule.target_value is not None


def actual_points(entries: Iterable[StoredReading], rule: TargetRule | None = None) -> list[Point]:
    """Current (not corrected) readings with a value, oldest first; with *rule*, as the
    rules read them (domain.forecast.reading_points: a per-period target's total of its
    periods as of each reading)."""
    current = sorted((e for e in entries if not e.superseded), key=lambda e: e.as_of)
    if rule is not None:
        return reading_points(rule, [e.reading for e in current])
    return [(e.as_of, e.value) for e in current if e.value is not None]


def expected_path(rule: TargetRule, plan_start: date) -> list[Point]:
    """Expected value at the start, at every month end up to the deadline, and at the deadline.

    Converts :func:`expected_completion` back to a value the way
    :func:`~pledgetrack.domain.progress.completion` reads one:
    ``baseline + (target − baseline) × percent / 100``.
    """
    if rule.target_value is None:
        return []
    span = rule.target_value - rule.baseline

    def value(on: date) -> float:
        pct = expected_completion(rule, plan_start, on) or 0.0
        return rule.baseline + span * pct / 100.0

    # The plan begins at the end of the day before its start.
    days = [plan_start - timedelta(days=1)]
    on = end_of_month(plan_start)
    while on < rule.deadline:
        days.append(on)
        on = end_of_month(add_months(on, 1))
    if rule.deadline >= plan_start:
        days.append(rule.deadline)
    return [(d, value(d)) for d in days]


def render_chart(
    points: Sequence[Point],
    target_value: float,
    expected: Sequence[Point],
    width: int,
    height: int,
    *,
    start: date,
    end: date,
    lang: str = "en",
    projection: Sequence[Point] = (),
) -> str:
    """The chart as ANSI text, *height* lines of *width* cells ("" when too small).

    *points* are the actual cumulative readings, *expected* the expected path,
    both ``(date, value)``, *projection* the year-end forecast's line from the latest
    reading to the deadline (domain.forecast); the x axis runs from the end of the day before
    *start* to the end of *end* (widened to hold every point); the legend is in *lang*.
    """
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        return ""

    def x_of(day: date) -> int:
        return (day - start).days + 1

    x_max = max([x_of(end), 1, *(x_of(d) for d, _ in [*points, *projection])])
    x_min = min([0, *(x_of(d) for d, _ in points)])
    values = [target_value, *(v for _, v in [*points, *expected, *projection])]
    y_ticks, y_labels = _y_ticks(min(values), max(values), height)
    y_label_width = max(len(label) for label in y_labels)
    canvas_width = width - y_label_width - 3
    x_ticks, x_labels = _x_ticks(start, x_min, x_max, canvas_width)

    with _LOCK:
        plt.terminal.limit(False, False)
        fig = plt.figure
        fig.clear()
        fig.plot_size(width, height)
        fig.theme("simple")
        if expected:
            path = fig.signal(
                [x_of(d) for d, _ in expected],
                [v for _, v in expected],
                marker=_marker("hd", _EXPECTED_COLOR),
            )
            fig.draw(path.label(t("tui.chart.expected", lang)).lines())
        goal = fig.signal(
            [x_min, x_max], [target_value, target_value], marker=_marker("─", _TARGET_COLOR)
        )
        fig.draw(goal.label(t("tui.chart.target", lang)).lines())
        if points:
            xs, ys = [x_of(d) for d, _ in points], [v for _, v in points]
            fig.draw(fig.signal(xs, ys, marker=_marker("hd", _ACTUAL_COLOR)).lines())
            fig.draw(
                fig.signal(xs, ys, marker=_marker("●", _ACTUAL_COLOR)).label(
                    t("tui.chart.actual", lang)
                )
            )
        if projection:
            line = fig.signal(
                [x_of(d) for d, _ in projection],
                [v for _, v in projection],
                marker=_marker("hd", _FORECAST_COLOR),
            )
            fig.draw(line.label(FORECAST_LEGEND).lines())
        fig.ruler("x").lim(x_min, x_max)
        fig.ruler("x").ticks(x_ticks, x_labels)
        fig.ruler("y").lim(y_ticks[0], y_ticks[-1])
        fig.ruler("y").ticks(y_ticks, y_labels)
        labelled = 1 + bool(expected) + bool(points) + bool(projection)
        if _legend_height(labelled) > height - 3:
            # plotext would draw it over the frame (or drop it): leave it out.
            fig.legend(active=False)
        elif expected and expected[0][1] > target_value:
            # A falling target starts high on the left: keep the legend out of its way.
            fig.legend(y=height - 4, va="bottom")
        text: str = fig.build().string()
        fig.clear()
    return text


def _legend_height(entries: int) -> int:
    """Rows of plotext's framed legend: one per entry, a blank between, two of frame each side."""
    return 2 * entries - 1 + 4


def _marker(symbol: str, color: int) -> plt.marker:
    return plt.marker(symbol, pixel=plt.pixel(foreground=color))


def _x_ticks(start: date, x_min: int, x_max: int, canvas_width: int) -> tuple[list[int], list[str]]:
    """Month starts labelled ``YYYY-MM``, every *step* months so the labels keep apart."""
    columns_per_month = canvas_width * 30.44 / max(x_max - x_min, 1)
    step = next((s for s in (1, 2, 3, 4, 6) if s * columns_per_month >= _X_LABEL_SPACING), 12)
    origin = start.year * 12 + start.month - 1  # months since year 0 of the plan's first month
    first = start + timedelta(days=x_min)
    index = first.year * 12 + first.month - 1 + (first.day > 1)
    # Align the labelled months on the plan's months (Jan, Apr, Jul, Oct for a step of 3).
    index += (origin - index) % step
    ticks: list[int] = []
    labels: list[str] = []
    while (x := (date(index // 12, index % 12 + 1, 1) - start).days) < x_max:
        ticks.append(x)
        labels.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
        index += step
    return ticks, labels


def _y_ticks(low: float, high: float, height: int) -> tuple[list[float], list[str]]:
    """Round tick values covering [*low*, *high*], at most about one every other row."""
    if high - low < 1e-9:
        low, high = low - 1.0, high + 1.0
    most = max(3, min(6, (height - 1) // 2))
    magnitude = 10.0 ** math.floor(math.log10((high - low) / most))
    for step in (m * magnitude for m in (1, 2, 2.5, 5, 10, 20, 25, 50, 100)):
        first = math.floor(low / step + 1e-9) * step
        last = math.ceil(high / step - 1e-9) * step
        count = round((last - first) / step) + 1
        if count <= most:
            break
    ticks = [first + i * step for i in range(count)]
    decimals = len(f"{step:.6f}".rstrip("0").partition(".")[2])
    return ticks, [_number(t, decimals) for t in ticks]


def _number(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return "0" if text.strip("-0.,") == "" else text
