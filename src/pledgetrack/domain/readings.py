"""The latest reading of every target of a plan, kept as the columns the database
returned: a :class:`~pledgetrack.domain.model.Reading` is made only for a target someone
looks at (a province plan has 100k targets; a screen shows a few dozen)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from pledgetrack.domain.columns import ReadingColumns, RuleColumns
from pledgetrack.domain.model import Reading


class LatestReadings(Mapping[int, Reading]):
    """Target id → its latest reading as of a date (targets without one are absent)."""

    __slots__ = (
        "_as_of",
        "_done",
        "_forecast",
        "_index",
        "_note",
        "_qualifier",
        "_target_id",
        "_value",
        "_works",
    )

    def __init__(
        self,
        target_id: Sequence[int],
        as_of: Sequence[date],
        value: Sequence[float | None],
        done: Sequence[object],
        note: Sequence[str | None],
        qualifier: Sequence[str | None] | None = None,
        forecast: Sequence[object] | None = None,
        works: Sequence[float | None] | None = None,
    ) -> None:
        self._target_id = target_id
        #: Works progress of each reading (None: none of them has any).
        self._works = works if works is not None and any(w is not None for w in works) else None
        #: How each figure is approximate, and its forecast (None: none of them has one).
        self._qualifier = qualifier
        self._forecast = forecast
        self._as_of = as_of
        self._value = value
        self._done = done
        self._note = note
        self._index: dict[int, int] | None = None

    @classmethod
    def of(cls, readings: Mapping[int, Reading]) -> LatestReadings:
        """The same readings in columns (a plain mapping, as tests and small plans make)."""
        if isinstance(readings, LatestReadings):
            return readings
        pairs = list(readings.items())
        return cls(
            [tid for tid, _ in pairs],
            [r.as_of for _, r in pairs],
            [r.value for _, r in pairs],
            [r.done for _, r in pairs],
            [r.note for _, r in pairs],
            [r.qualifier for _, r in pairs],
            [r.forecast for _, r in pairs],
            [r.works for _, r in pairs],
        )

    def _positions(self) -> dict[int, int]:
        if self._index is None:
            self._index = dict(zip(self._target_id, range(len(self._target_id)), strict=True))
        return self._index

    def __getitem__(self, target_id: int) -> Reading:
        i = self._positions()[target_id]
        done = self._done[i]
        forecast = self._forecast[i] if self._forecast is not None else None
        return Reading(
            self._as_of[i],
            self._value[i],
            None if done is None else bool(done),
            self._note[i] or "",
            (self._qualifier[i] or "") if self._qualifier is not None else "",
            # SQLite hands a date over as ISO text.
            forecast if forecast is None or isinstance(forecast, date) else _day(forecast),
            self._works[i] if self._works is not None else None,
        )

    def __contains__(self, target_id: object) -> bool:
        return target_id in self._positions()

    def __iter__(self) -> Iterator[int]:
        return iter(self._target_id)

    def __len__(self) -> int:
        return len(self._target_id)

    def columns(self, rules: RuleColumns) -> ReadingColumns:
        """The readings lined up with *rules* (a target of the readings that *rules* do
        not hold is left out; a target of *rules* without a reading is not present)."""
        ordinals = {d: d.toordinal() for d in set(self._as_of)}
        n = len(self._target_id)
        return reading_columns(
            rules,
            np.fromiter(self._target_id, np.int64, n),
            np.fromiter(map(ordinals.__getitem__, self._as_of), np.int64, n),
            np.array(self._value, dtype=np.float64),
            np.array(self._done, dtype=np.float64),
            None if self._works is None else np.array(self._works, dtype=np.float64),
        )


def reading_columns(
    rules: RuleColumns,
    target_id: NDArray[np.int64],
    as_of: NDArray[np.int64],
    value: NDArray[np.float64],
    done: NDArray[np.float64],
    works: NDArray[np.float64] | None,
) -> ReadingColumns:
    """Latest readings given as columns in any order — target ids, dates as ordinals,
    values, done as 1/0 (NaN: not said), works progress (NaN: none; None: none at all) —
    lined up with *rules* (a target *rules* do not hold is left out)."""
    n = len(rules)
    order = rules.id_order
    sorted_ids = rules.target_id[order]
    found = np.minimum(np.searchsorted(sorted_ids, target_id), max(n - 1, 0))
    known = sorted_ids[found] == target_id if n else np.zeros(len(target_id), dtype=bool)
    at = order[found[known]]
    dates = np.zeros(n, dtype=np.int64)
    dates[at] = as_of[known]
    values = np.full(n, np.nan)
    values[at] = value[known]
    said = np.zeros(n, dtype=bool)
    given = np.zeros(n, dtype=bool)
    said[at] = done[known] == 1.0
    given[at] = ~np.isnan(done[known])
    progress = None
    if works is not None:
        progress = np.full(n, np.nan)
        progress[at] = works[known]
    return ReadingColumns(
        present=dates > 0,
        value=values,
        done=said,
        as_of=dates,
        works=progress,
        done_given=given,
    )


def _day(raw: object) -> date:
    return date.fromisoformat(str(raw))
