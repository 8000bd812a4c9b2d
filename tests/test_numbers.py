"""round_percent's fast path (Python's round) agrees with the plain rule (half up on the
written figure, through Decimal) for every figure."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pledgetrack.domain.numbers import round_percent, round_percent_decimal, round_percents


def same(value: float) -> None:
    assert repr(round_percent(value)) == repr(round_percent_decimal(value)), value


@given(st.floats(min_value=-1e15, max_value=1e15) | st.just(math.nan))
def test_any_figure(value: float) -> None:
    same(value)


@given(st.integers(min_value=-(10**9), max_value=10**9), st.sampled_from([10, 100, 1000, 10**4]))
def test_written_figures_with_few_decimals(numerator: int, denominator: int) -> None:
    """Ties as written (12.25, 0.35, -99.95) round away from zero, whatever the binary."""
    same(numerator / denominator)


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=1, max_value=10**6))
def test_completions(done: int, target: int) -> None:
    same(done / target * 100.0)


def test_ties_and_edges() -> None:
    for value in (0.25, 0.35, -0.05, -0.04, -0.0, 0.0, 12.25, 99.95, -99.95, 999999.95,
                  1e6 - 0.05, 5e-324, 1e-5, 1e16, 83.33333333333333):  # fmt: skip
        same(value)
    assert round_percent(0.35) == 0.4 and round_percent(-0.05) == -0.1
    assert math.isnan(round_percent(math.nan))


@given(
    arrays(
        np.float64,
        st.integers(min_value=0, max_value=50),
        elements=st.floats(min_value=-1e15, max_value=1e15)
        | st.just(math.nan)
        | st.integers(-(10**7), 10**7).map(lambda n: n / 100)
        | st.integers(0, 10**6).map(lambda n: n / 7 * 100),
    )
)
def test_whole_arrays_round_as_each_figure(values: np.ndarray) -> None:
    """round_percents (the whole column at once, `status --json`) is round_percent of
    each figure, ties, signs of zero and NaN included."""
    assert [repr(v) for v in round_percents(values).tolist()] == [
        repr(round_percent(v)) for v in values.tolist()
    ]


def test_whole_arrays_at_ties_and_edges() -> None:
    values = [0.25, 0.35, -0.05, -0.04, -0.0, 0.0, 12.25, 99.95, -99.95, 999999.95,
              1e6 - 0.05, 5e-324, 1e-5, 1e16, 83.33333333333333, math.nan]  # fmt: skip
    assert [repr(v) for v in round_percents(np.array(values)).tolist()] == [
        repr(round_percent(v)) for v in values
    ]
