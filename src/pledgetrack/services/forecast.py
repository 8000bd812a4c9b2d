"""The year-end forecast (研判) of a plan as of a date: every quantity target projected to
its deadline at the pace of its last readings (domain.forecast states the method), and
the items that will likely not be achieved in time — what the CLI, the attention board
and the month-end report say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.forecast import (
    OUTLOOK_BY_CODE,
    ForecastColumns,
    Outlook,
    TargetForecast,
    WindowColumns,
    forecast_columns,
)
from pledgetrack.domain.model import Policy
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.storage.forecast_rows import forecast_window, sqlite_forecast_window
from pledgetrack.storage.sqlite_status import SqliteStatus

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from pledgetrack.reports.model import AtRiskItem


@dataclass(frozen=True)
class ItemOutlook:
    """An item that will likely not be achieved by its deadline: its assessed targets
    projected short of their target (keys), and the lowest of their projected
    completions (percent, not rounded)."""

    row: ItemRow
    keys: tuple[str, ...]
    completion: float


@dataclass(frozen=True, eq=False)
class PlanForecast:
    """Every target of a plan forecast as of the evaluation's date, beside the evaluation
    (which may hold one department's items only)."""

    evaluation: PlanEvaluation
    window: WindowColumns
    columns: ForecastColumns

    @cached_property
    def _position(self) -> dict[int, int]:
        ids = self.evaluation.structure.rule_columns.target_id.tolist()
        return dict(zip(ids, range(len(ids)), strict=True))

    def target(self, info: TargetInfo) -> TargetForecast:
        """One target's forecast (the same as domain.forecast.forecast_target gives)."""
        i = self._position[info.id]
        c, w = self.columns, self.window

        def known(x: float) -> float | None:
            return None if x != x else x

        count = int(w.count[i])
        return TargetForecast(
            outlook=OUTLOOK_BY_CODE[int(c.outlook[i])],
            value=known(float(c.value[i])),
            completion=known(float(c.completion[i])),
            pace=known(float(c.pace[i])),
            since=date.fromordinal(int(w.first_day[i])) if count >= 2 else None,
            last=date.fromordinal(int(w.last_day[i])) if count else None,
            deadline=info.rule.deadline,
            readings=count,
        )

    @cached_property
    def positions(self) -> NDArray[np.int64]:
        """Positions (in the plan's rule columns) of the evaluation's targets: all of
        them, or those of one department's items."""
        structure = self.evaluation.structure
        rules = structure.rule_columns
        if len(self.evaluation.items) == len(structure.items):
            return np.arange(len(rules), dtype=np.int64)
        index = {item.id: k for k, item in enumerate(structure.items)}
        mine = np.zeros(rules.items, dtype=bool)
        mine[[index[row.info.id] for row in self.evaluation.items]] = True
        return np.flatnonzero(mine[rules.item_of])

    def counts(self) -> dict[Outlook, int]:
        """How many of the evaluation's targets have each outlook (every outlook present,
        in :class:`Outlook` order)."""
        codes = np.bincount(self.columns.outlook[self.positions], minlength=len(OUTLOOK_BY_CODE))
        return {outlook: int(n) for outlook, n in zip(OUTLOOK_BY_CODE, codes, strict=True)}

    def items_at_risk(self) -> list[ItemOutlook]:
        """Items of the evaluation not achieved with an assessed target at risk, in list
        order."""
        structure = self.evaluation.structure
        rules = structure.rule_columns
        risky = self.columns.at_risk() & rules.assessed
        lowest = np.full(rules.items, np.inf)
        np.minimum.at(lowest, rules.item_of[risky], self.columns.completion[risky])
        begins = np.r_[0, np.cumsum(np.bincount(rules.item_of, minlength=rules.items))]
        index = {item.id: k for k, item in enumerate(structure.items)}
        flags = risky.tolist()
        out = []
        for row in self.evaluation.items:
            k = index[row.info.id]
            if row.result.achieved or not np.isfinite(lowest[k]):
                continue
            begin = int(begins[k])
            keys = tuple(t.key for j, t in enumerate(row.info.targets) if flags[begin + j])
            out.append(ItemOutlook(row, keys, float(lowest[k])))
        return out


def forecast_of(
    session: Session, evaluation: PlanEvaluation, *, approved_only: bool = False
) -> PlanForecast:
    """The forecast beside an evaluation already made (its structure whole, not partial;
    *approved_only*: from approved figures, as the evaluation was made)."""
    window = forecast_window(
        session=session,
        structure=evaluation.structure,
        on=evaluation.as_of,
        approved_only=approved_only,
    )
    return forecast_from_window(evaluation, window)


def forecast_from_window(evaluation: PlanEvaluation, window: WindowColumns) -> PlanForecast:
    """The forecast of an evaluation's plan from its window of readings as of the
    evaluation's date."""
    rules = evaluation.structure.rule_columns
    return PlanForecast(evaluation, window, forecast_columns(rules, window, evaluation.as_of))


def evaluation_forecast(
    engine: Engine, evaluation: PlanEvaluation, *, approved_only: bool = False
) -> PlanForecast:
    """:func:`forecast_of` in a session of its own (the attention board's worker)."""
    from sqlmodel import Session

    with Session(engine) as session:
        return forecast_of(session, evaluation, approved_only=approved_only)


def plan_forecast(
    engine: Engine | SqliteStatus,
    *,
    on: date,
    plan: str | None = None,
    department: str | None = None,
    policy: Policy | None = None,
    approved_only: bool = False,
) -> PlanForecast:
    """A plan evaluated and forecast as of *on* (*department*: only its items, as
    services.status.plan_status; raises what it raises; *approved_only*: from the
    figures a supervisor approved only, both the status and the readings projected). A
    SQLite file opened for a status (services.status.open_sqlite_status) is read with
    sqlite3 alone."""
    from pledgetrack.services.status import plan_status

    evaluation = plan_status(
        engine, on=on, plan=plan, department=department, policy=policy,
        approved_only=approved_only,
    )  # fmt: skip
    if not isinstance(engine, SqliteStatus):
        return evaluation_forecast(engine, evaluation, approved_only=approved_only)
    return forecast_from_window(
        evaluation, sqlite_forecast_window(engine.conn, evaluation.structure, on, approved_only)
    )


def at_risk_items(found: PlanForecast) -> list[AtRiskItem]:
    """The report model's lines of :meth:`PlanForecast.items_at_risk`."""
    from pledgetrack.domain.numbers import round_percent
    from pledgetrack.reports.model import AtRiskItem

    return [
        AtRiskItem(
            item_no=i.row.info.no,
            item_title=i.row.info.title,
            departments=list(i.row.info.departments),
            completion=round_percent(i.completion),
        )
        for i in found.items_at_risk()
    ]
