"""What holds an item back: its lagging target — the assessed target furthest below its
expected progress — with the figure it has and the figure it should have by now
("18.3 完工7处，应达9处"). The attention board orders by this gap, worst first (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pledgetrack.domain.model import TargetKind

if TYPE_CHECKING:
    from pledgetrack.domain.evaluation import ItemRow
    from pledgetrack.domain.plan import TargetInfo


@dataclass(frozen=True, slots=True)
class Lag:
    """An item's lagging target as of the evaluation's date."""

    target: TargetInfo
    #: Points below expected progress (expected − completion; a target without a
    #: figure counts as 0 % complete).
    gap: float
    #: The figure reported (None: nothing yet); for a milestone, whether it is done.
    value: float | None
    done: bool
    #: The figure expected by now in the target's unit (None for a milestone).
    expected_value: float | None


def lagging_target(row: ItemRow) -> Lag | None:
    """The assessed target of *row* furthest below its expected progress, if any is
    below it (None: no assessed target with an expectation lags)."""
    worst: Lag | None = None
    for target in row.targets:
        info, result = target.info, target.result
        rule = info.rule
        if not rule.assessed or result.expected is None or result.achieved:
            continue
        gap = result.expected - (result.completion or 0.0)
        if gap <= 0 or (worst is not None and gap <= worst.gap):
            continue
        reading = result.reading
        expected_value = None
        if rule.kind is not TargetKind.MILESTONE and rule.target_value is not None:
            share = result.expected / 100
            expected_value = rule.baseline + share * (rule.target_value - rule.baseline)
        worst = Lag(
            target=info,
            gap=gap,
            value=reading.value if reading is not None else None,
            done=bool(reading is not None and reading.done),
            expected_value=expected_value,
        )
    return worst


def attention_gap(row: ItemRow) -> float:
    """How far the item is behind, in points of its lagging target (0: none lags)."""
    lag = lagging_target(row)
    return lag.gap if lag is not None else 0.0
