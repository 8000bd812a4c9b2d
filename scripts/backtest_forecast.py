"""Backtest of the year-end forecast (domain.forecast): how often its "at risk" flag was
right, replayed month by month on a database whose year is over.

    python scripts/backtest_forecast.py --db data/pledges.sqlite
    python scripts/gen_synthetic.py --targets 20000 --months 12 --out /tmp/synth.sqlite
    python scripts/backtest_forecast.py --db /tmp/synth.sqlite

For every month end M of the plan before its end (time travel: the readings dated on or
before M, as every view reads them), each assessed quantity target with a target figure
is forecast as the TUI, the CLI and the reports forecast it (services.forecast). Its
outcome is read at its own deadline: achieved by then, or missed (its figure for the
deadline's month is in and short); a target with no figure for its deadline's month and
not achieved has no known outcome and is not scored.

Printed per month: how many targets could be projected, the confusion table of the flag
against the outcome (flagged and missed = hit; flagged and achieved = false alarm; not
flagged and missed = miss), precision and recall — and, for comparison, the same for the
status rule's "behind" (进度滞后) as of M, which needs no forecast at all. The items'
sentence (按当前进度，预计年底仍有N项难以完成) is scored the same way per item: an item
flagged when one of its assessed targets is, missed when it is not achieved at the plan's
end. --markdown prints the tables as docs/FORECAST.md shows them.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlmodel import Session  # noqa: E402

from pledgetrack.config import sqlite_url  # noqa: E402
from pledgetrack.domain.dates import add_months, end_of_month, month_start  # noqa: E402
from pledgetrack.domain.evaluation import PlanEvaluation  # noqa: E402
from pledgetrack.domain.forecast import Outlook  # noqa: E402
from pledgetrack.domain.model import Status, TargetKind  # noqa: E402
from pledgetrack.services.forecast import forecast_of  # noqa: E402
from pledgetrack.services.status import default_as_of, plan_status  # noqa: E402
from pledgetrack.storage.db import make_engine  # noqa: E402


@dataclass
class Confusion:
    """Flag against outcome: hit (flagged, missed), false alarm (flagged, achieved), miss
    (not flagged, missed), correct rest (not flagged, achieved)."""

    hit: int = 0
    false_alarm: int = 0
    miss: int = 0
    rest: int = 0

    def add(self, flagged: bool, missed: bool) -> None:
        if flagged and missed:
            self.hit += 1
        elif flagged:
            self.false_alarm += 1
        elif missed:
            self.miss += 1
        else:
            self.rest += 1

    @property
    def precision(self) -> float | None:
        flagged = self.hit + self.false_alarm
        return self.hit / flagged if flagged else None

    @property
    def recall(self) -> float | None:
        missed = self.hit + self.miss
        return self.hit / missed if missed else None


@dataclass
class Month:
    on: date
    scored: int = 0
    unprojected: dict[str, int] = field(default_factory=dict)
    forecast: Confusion = field(default_factory=Confusion)
    behind: Confusion = field(default_factory=Confusion)
    items: Confusion = field(default_factory=Confusion)


def outcomes(engine, plan: str | None, evaluation: PlanEvaluation) -> dict[int, bool]:  # type: ignore[no-untyped-def]
    """Target id → missed (True) or achieved (False) at its own deadline, for the
    assessed quantity targets whose outcome is known."""
    deadlines = {
        t.info.rule.deadline
        for row in evaluation.items
        for t in row.targets
        if _scored_kind(t.info.rule)
    }
    known: dict[int, bool] = {}
    for deadline in sorted(deadlines):
        at = plan_status(engine, on=deadline, plan=plan)
        for row in at.items:
            for t in row.targets:
                if t.info.rule.deadline != deadline or not _scored_kind(t.info.rule):
                    continue
                reading = t.result.reading
                if t.result.achieved:
                    known[t.info.id] = False
                elif reading is not None and reading.as_of >= month_start(deadline):
                    known[t.info.id] = True
    return known


def _scored_kind(rule) -> bool:  # type: ignore[no-untyped-def]
    return rule.kind is TargetKind.QUANTITY and rule.target_value is not None and rule.assessed


def backtest(db: str, plan: str | None) -> tuple[list[Month], dict[str, int]]:
    engine = make_engine(db if "://" in db else sqlite_url(Path(db)))
    # The plan's period, from an evaluation on the day views open on for a finished plan.
    end_on = default_as_of(engine, plan=plan, today=date(9999, 1, 1))
    structure_eval = plan_status(engine, on=end_on, plan=plan)
    period = structure_eval.structure.period
    known = outcomes(engine, plan, structure_eval)
    # An item achieved at the plan's end is not missed; one with an assessed quantity
    # target known missed is; the others' outcome is not known (not scored).
    item_missed: dict[int, bool] = {}
    for row in plan_status(engine, on=period.end, plan=plan).items:
        if not row.info.has_annual_target:
            continue
        if row.result.achieved:
            item_missed[row.info.id] = False
        elif any(known.get(t.info.id) for t in row.targets if t.info.rule.assessed):
            item_missed[row.info.id] = True
    months: list[Month] = []
    on = end_of_month(period.start)
    while on < period.end:
        evaluation = plan_status(engine, on=on, plan=plan)
        with Session(engine) as session:
            found = forecast_of(session, evaluation)
        month = Month(on)
        flagged_items = {i.row.info.id for i in found.items_at_risk()}
        for row in evaluation.items:
            if row.info.id in item_missed and not row.result.achieved:
                month.items.add(row.info.id in flagged_items, item_missed[row.info.id])
            for t in row.targets:
                if t.info.id not in known or t.result.achieved or on > t.info.rule.deadline:
                    continue
                f = found.target(t.info)
                missed = known[t.info.id]
                if f.outlook in (Outlook.AT_RISK, Outlook.ON_COURSE):
                    month.scored += 1
                    month.forecast.add(f.at_risk, missed)
                else:
                    month.unprojected[f.outlook.value] = (
                        month.unprojected.get(f.outlook.value, 0) + 1
                    )
                month.behind.add(t.result.status is Status.BEHIND, missed)
        months.append(month)
        on = end_of_month(add_months(on, 1))
    base = {
        "targets with a known outcome": len(known),
        "missed": sum(known.values()),
        "items with a known outcome": len(item_missed),
        "missed ": sum(item_missed.values()),
    }
    engine.dispose()
    return months, base


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:.0f}%"


def table(months: list[Month], markdown: bool) -> list[str]:
    head = ("month", "projected", "no projection", "hit", "false alarm", "miss", "right 'on course'",
            "precision", "recall", "behind: precision", "behind: recall",
            "items: precision", "items: recall")  # fmt: skip
    rows = []
    for m in months:
        f, b, i = m.forecast, m.behind, m.items
        none = ", ".join(f"{k} {v}" for k, v in sorted(m.unprojected.items())) or "0"
        rows.append((f"{m.on:%Y-%m}", str(m.scored), none, str(f.hit), str(f.false_alarm),
                     str(f.miss), str(f.rest), _pct(f.precision), _pct(f.recall),
                     _pct(b.precision), _pct(b.recall), _pct(i.precision), _pct(i.recall)))  # fmt: skip
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return out + ["| " + " | ".join(r) + " |" for r in rows]
    widths = [max(len(h), *(len(r[k]) for r in rows)) for k, h in enumerate(head)]
    fmt = "  ".join(f"{{:>{w}}}" for w in widths)
    return [fmt.format(*head), *(fmt.format(*r) for r in rows)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", required=True, help="a SQLite file or a database URL")
    parser.add_argument("--plan", help="plan code (default: the newest)")
    parser.add_argument("--markdown", action="store_true", help="tables as Markdown")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    months, base = backtest(args.db, args.plan)
    print(", ".join(f"{k}: {v}" for k, v in base.items()))
    if not base["targets with a known outcome"]:
        print("no target has a known outcome (no figure for its deadline's month, not achieved):"
              " nothing to score")  # fmt: skip
    for line in table(months, args.markdown):
        print(line)
    print(f"({time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
