"""Building the month-end report model from two evaluations (this and last month end).

The renderers in :mod:`pledgetrack.reports` only lay the model out; everything a
report says is decided here. A caller that already holds the plan's structure
(the dashboard) passes it, so the report does not load the plan again.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.dates import add_months, end_of_month, month_start
from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation, TargetRow, evaluate_plan
from pledgetrack.domain.model import Policy, Status, StoredReading, TargetKind
from pledgetrack.domain.numbers import round_percent
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.progress import count_statuses, reporting_deadline
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.exchange.files import write_atomically
from pledgetrack.reports.model import (
    Changes,
    DepartmentScore,
    HistoryLine,
    ItemLine,
    LateForecast,
    MonthReport,
    Mover,
    PledgeSection,
    StatusChange,
    TargetLine,
)
from pledgetrack.reports.render import Progress, render_string, write_stream
from pledgetrack.services.breakdown import attach_units, unit_lines_as_of
from pledgetrack.services.forecast import at_risk_items, forecast_from_window
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.storage.breakdown_rows import share_parents
from pledgetrack.storage.forecast_rows import forecast_window
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import first_entries, load_structure, plan_history

#: How many targets the "biggest movers" list names.
MOVERS = 5


def render_report(report: MonthReport, fmt: ReportFormat, lang: str) -> str:
    """The report as text, Markdown or one HTML page (the Office formats go to a file)."""
    return render_string(report, fmt, lang)


def write_report(
    report: MonthReport,
    fmt: ReportFormat,
    lang: str,
    path: Path,
    progress: Progress | None = None,
    *,
    replace: bool = True,
) -> None:
    """Write the report to *path* in *fmt*: whole, or not at all (the file as it was).

    The file is created as ``open()`` would (0666 less the umask). Raises OSError
    when it cannot be written (IsADirectoryError for a directory), OutputRefused when
    a file appeared at *path* and *replace* is not given. Which paths a person may
    name is services.output.check_output_file, asked before the report is built.
    """
    write_atomically(
        path, lambda out: write_stream(report, fmt, lang, out, progress), replace=replace
    )


def build_month_report(
    engine: Engine,
    *,
    month: date,
    plan: str | None = None,
    structure: PlanStructure | None = None,
    department: str | None = None,
    policy: Policy | None = None,
    with_history: bool = False,
    approved_only: bool = False,
    grouped: bool = False,
) -> MonthReport:
    """The report for the month containing *month*, as of its last day.

    *structure*: the plan's whole structure when the caller already holds it (it is
    then not loaded again, and *plan* is ignored); otherwise the plan *plan* (default:
    the newest) is loaded. A partial structure (only a plan's first items) must not
    be passed: the report would cover only those items.
    *with_history* adds every record dated in the month, corrections included (the
    XLSX history sheet; the whole history is ``pledgetrack export progress --history``).
    *approved_only* builds it from approved figures only: per target the latest
    reading a supervisor approved (services.review), not figures still submitted
    or returned. *grouped*: the body groups the items as bulletins do (完成全年目标 /
    超额完成节点目标 / 按计划推进 / 滞后 …) instead of under their pledges. Raises
    PlanNotFound for an unknown *plan*.
    """
    with gc_paused():  # ~1M short-lived objects for a province plan, no cycles
        report = _build(
            engine, month, plan, structure, department, policy, with_history, approved_only
        )
    report.grouped = grouped
    return report


def _build(
    engine: Engine,
    month: date,
    plan: str | None,
    structure: PlanStructure | None,
    department: str | None,
    policy: Policy | None,
    with_history: bool,
    approved_only: bool,
) -> MonthReport:
    policy = policy or Policy()
    as_of = end_of_month(month)
    previous = add_months(as_of, -1)
    with Session(engine) as session:
        if structure is None:
            structure = load_structure(session=session, code=plan)
        now = latest_readings(
            session=session, plan_id=structure.id, on=as_of, approved_only=approved_only
        )
        before = latest_readings(
            session=session, plan_id=structure.id, on=previous, approved_only=approved_only
        )
        entered = first_entries(
            session=session, plan_id=structure.id, start=month_start(as_of), end=as_of
        )
        # The year-end forecast reads every figure up to the month end (an approved-only
        # report: every approved one).
        window = forecast_window(
            session=session, structure=structure, on=as_of, approved_only=approved_only
        )
        units = unit_lines_as_of(session, structure, as_of, approved_only=approved_only)
        deadline = reporting_deadline(as_of, policy)
        late = {tid for tid, at in entered.items() if _entered_on(at) > deadline}
        current = evaluate_plan(structure, now, as_of, policy).filtered(department=department)
        earlier = evaluate_plan(structure, before, previous, policy).filtered(department=department)
        report = report_from_evaluations(
            current,
            earlier,
            department=department,
            previous_has_data=bool(before),
            late_targets=late,
            policy=policy,
        )
        report.at_risk = at_risk_items(forecast_from_window(current, window))
        del current, earlier, now, before, window
        if units:
            attach_units(report, structure, units)
        # Read last, in the same transaction: a province's month is 100k readings, not
        # held beside the evaluations.
        if with_history:
            plan_id = structure.id
            item_no = {
                t.id: item.no
                for item in structure.items
                if not department or department in item.departments
                for t in item.targets
            }
            # The structure is let go before the month's readings come in (unless the
            # caller holds it): a split province's month is 300k readings.
            del structure
            history = plan_history(
                session=session, plan_id=plan_id, since=month_start(as_of), until=as_of
            )
            parents = share_parents(
                session=session,
                share_ids={r.target_id for r in history if r.target_id not in item_no},
            )
            report.history = _history_lines(history, item_no, parents)
    return report


def _entered_on(at: datetime) -> date:
    """The local calendar day of an entry time (stored in UTC)."""
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at).astimezone().date()


def _history_lines(
    rows: list[StoredReading], item_no: Mapping[int, int], parents: Mapping[int, int]
) -> list[HistoryLine]:
    """The rows of the targets of *item_no* (target id → its item's number) under their
    items; *parents*: a unit share's id → its target's, for the shares among *rows* (a
    unit's readings are its target's item's, services.breakdown)."""
    lines = []
    for row in rows:
        no = item_no.get(parents.get(row.target_id, row.target_id))
        if no is not None:
            lines.append(HistoryLine(item_no=no, reading=row))
    return lines


def report_from_evaluations(
    current: PlanEvaluation,
    earlier: PlanEvaluation,
    *,
    department: str | None = None,
    previous_has_data: bool = True,
    late_targets: AbstractSet[int] = frozenset(),
    policy: Policy | None = None,
) -> MonthReport:
    """Assemble the report from evaluations already made (pure).

    *late_targets*: ids of targets whose figure for the month came in after
    the reporting deadline.
    """
    policy = policy or Policy()
    structure = current.structure
    earlier_status = {row.info.no: row.result.status for row in earlier.items}
    # Per target only its completion and figure (the movers): a province's month before
    # is 100k results, made here and let go.
    earlier_targets = {
        info.id: (result.completion, result.reading.value if result.reading else None)
        for info, result in earlier.target_results()
    }
    month_first = month_start(current.as_of)
    lines = {
        row.info.no: _item_line(row, current, earlier_status, month_first, late_targets)
        for row in current.items
    }
    sections = [
        PledgeSection(
            no=no, title=structure.pledge(no).title, items=[lines[r.info.no] for r in rows]
        )
        for no, rows in current.by_pledge()
    ]
    attention = sorted(
        (line for line in lines.values() if line.status in _ATTENTION),
        key=lambda line: (-line.status.severity, line.no),
    )
    return MonthReport(
        plan_code=structure.code,
        plan_title=structure.title,
        month=f"{current.as_of.year}-{current.as_of.month:02d}",
        as_of=current.as_of,
        plan_end=structure.period.end,
        department=department,
        pledge_count=0 if structure.flat else len(sections),
        item_count=len(current.items),
        counts=current.counts(),
        achieved=[row.info.no for row in current.achieved_items()],
        flat=structure.flat,
        targeted_counts=count_statuses(
            row.result.status for row in current.items if row.info.has_annual_target
        ),
        targetless=[row.info.no for row in current.items if not row.info.has_annual_target],
        pledges=sections,
        attention=attention,
        changes=_changes(
            current, earlier, earlier_status, earlier_targets, previous_has_data, lines
        ),
        reporting_deadline=reporting_deadline(current.as_of, policy),
        departments=_scorecard(current, late_targets, department),
        late_forecasts=[
            LateForecast(
                item_no=line.no,
                item_title=line.title,
                name=tl.name,
                forecast=tl.forecast,
                deadline=tl.deadline,
                departments=line.departments,
            )
            for line in lines.values()
            for tl in line.targets
            if tl.forecast_late and tl.forecast is not None
        ],
    )


def _scorecard(
    current: PlanEvaluation, late_targets: AbstractSet[int], department: str | None
) -> list[DepartmentScore]:
    """Per department, over the items it leads or co-operates on (pure)."""
    rows_of: dict[str, list[ItemRow]] = {}
    for row in current.items:
        for name in row.info.departments:
            if not department or name == department:
                rows_of.setdefault(name, []).append(row)
    scores = []
    for name, rows in rows_of.items():
        rollup = current.rollup(name, rows)
        scores.append(
            DepartmentScore(
                name=name,
                items=rollup.items,
                lead_items=sum(1 for r in rows if r.info.lead == name),
                counts=rollup.counts,
                late_reports=sum(1 for r in rows for t in r.info.targets if t.id in late_targets),
                completion=_rounded(rollup.completion),
            )
        )
    return scores


_ATTENTION = (Status.OVERDUE, Status.NOT_REPORTED, Status.BEHIND)


def _item_line(
    row: ItemRow,
    current: PlanEvaluation,
    earlier_status: dict[int, Status],
    month_first: date,
    late_targets: AbstractSet[int],
) -> ItemLine:
    targets = row.passing_targets()
    return ItemLine(
        no=row.info.no,
        title=row.info.title,
        pledge_no=row.info.pledge_no,
        departments=list(row.info.departments),
        status=row.result.status,
        completion=_rounded(row.result.completion),
        expected=_rounded(row.result.expected),
        targets=[_target_line(t, current, t.info.id in late_targets) for t in targets],
        previous_status=earlier_status.get(row.info.no),
        last_report=row.last_report,
        annual_target=row.info.has_annual_target,
        reported_this_month=any(
            t.result.reading is not None and t.result.reading.as_of >= month_first for t in targets
        ),
    )


def _target_line(row: TargetRow, current: PlanEvaluation, late: bool) -> TargetLine:
    rule = row.info.rule
    reading = row.result.reading
    forecast = reading.forecast if reading else None
    stage_no = None
    stage = None
    if rule.kind is TargetKind.MILESTONE and rule.stages and reading and reading.value:
        stage_no = int(reading.value)
        stage = rule.stages[min(stage_no, len(rule.stages)) - 1].name
    return TargetLine(
        key=row.info.key,
        name=row.info.name,
        unit=row.info.unit,
        kind=rule.kind.value,
        assessed=rule.assessed,
        target_value=rule.target_value,
        at_least=rule.at_least,
        deadline=rule.deadline,
        value=reading.value if reading else None,
        done=reading.done if reading else None,
        stage=stage,
        stage_no=stage_no,
        stage_count=len(rule.stages),
        completion=_rounded(row.result.completion),
        expected=_rounded(row.result.expected),
        status=row.result.status,
        note=reading.note if reading else "",
        as_of=reading.as_of if reading else None,
        entered_late=late,
        qualifier=reading.qualifier if reading else "",
        forecast=forecast,
        forecast_late=forecast is not None and forecast > rule.deadline and not row.result.achieved,
        works=reading.works if reading else None,
        per_period=rule.per_period,
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round_percent(value)


def _changes(
    current: PlanEvaluation,
    earlier: PlanEvaluation,
    earlier_status: dict[int, Status],
    earlier_targets: dict[int, tuple[float | None, float | None]],
    previous_has_data: bool,
    lines: dict[int, ItemLine],
) -> Changes:
    newly = [
        row.info.no
        for row in current.items
        if row.result.achieved and earlier_status.get(row.info.no) is not Status.ACHIEVED
    ]
    changes = [
        StatusChange(
            no=row.info.no,
            title=row.info.title,
            old=earlier_status[row.info.no],
            new=row.result.status,
        )
        for row in current.items
        if row.info.no in earlier_status and earlier_status[row.info.no] is not row.result.status
    ]
    movers: list[Mover] = []
    for row in current.items:
        for target in row.passing_targets():
            old_pct, old_value = earlier_targets.get(target.info.id, (None, None))
            new_pct = target.result.completion
            if new_pct is None or target.info.rule.kind is TargetKind.MILESTONE:
                continue
            delta = new_pct - (old_pct or 0.0)
            if delta > 0:
                movers.append(
                    Mover(
                        key=target.info.key,
                        name=target.info.name,
                        unit=target.info.unit,
                        item_no=row.info.no,
                        old=old_value,
                        new=target.result.reading.value if target.result.reading else None,
                        delta_points=round_percent(delta),
                        new_qualifier=target.result.reading.qualifier
                        if target.result.reading
                        else "",
                    )
                )
    movers.sort(key=lambda m: (-m.delta_points, m.key))
    return Changes(
        previous_as_of=earlier.as_of,
        previous_has_data=previous_has_data,
        newly_achieved=newly,
        status_changes=changes,
        movers=movers[:MOVERS],
        no_new_figure=[no for no, line in lines.items() if not line.reported_this_month],
    )
