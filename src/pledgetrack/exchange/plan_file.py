"""The plan file: one row per target. Parsed and checked whole before anything is written."""

from __future__ import annotations

import re
from datetime import date
from functools import partial

from pledgetrack.domain.dates import DateFormatError, month_end, parse_date
from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.model import ScheduleNode, Stage, TargetKind
from pledgetrack.domain.numbers import NumberFormatError, format_number, parse_number
from pledgetrack.domain.per_period import annual_total
from pledgetrack.domain.plan_draft import ItemDraft, PlanDraft, TargetDraft
from pledgetrack.exchange.cells import (
    parse_bool,
    parse_kind,
    parse_ordinal,
    parse_schedule,
    parse_stages,
    split_list,
)
from pledgetrack.exchange.tables import Row

PLAN_COLUMNS = (
    "plan",
    "pledge",
    "pledge_title",
    "item",
    "item_title",
    "department",
    "target",
    "target_name",
    "target_value",
    "unit",
    "baseline",
    "deadline",
    "assessed",
    "kind",
    "schedule",
    "note",
)
OPTIONAL_PLAN_COLUMNS = ("plan_title", "plan_start", "plan_end")
#: Every column a plan file may have: co-operating units (配合单位) may stand in a column of
#: their own, added after the lead department.
PLAN_FILE_COLUMNS = (*PLAN_COLUMNS, *OPTIONAL_PLAN_COLUMNS, "co_departments", "per_period")
#: Columns that may hold tabs and line breaks (Alt+Enter in an Excel cell); every other
#: cell is a name, code, figure or date on one line (domain.text).
FREE_TEXT = ("plan_title", "pledge_title", "item_title", "target_name", "note")
#: Columns holding figures: written to CSV as they are, never given a formula quote.
NUMBER_COLUMNS = ("target_value", "baseline")
#: Every plan file names these; ``pledge`` and ``pledge_title`` too unless the list is
#: flat (no 件 level: a file without a ``pledge`` column). A file without a ``department``
#: column names no responsible department (some published tables do not).
REQUIRED = (
    "plan",
    "item",
    "item_title",
    "target",
    "target_name",
    "assessed",
    "kind",
)

#: Cells every row must fill where the file has the column (a blank under a filled cell
#: of a workbook is a "ditto", refused): the required columns and the optional group ones.
MUST_FILL = (
    "plan",
    "pledge",
    "pledge_title",
    "item",
    "item_title",
    "department",
    "target",
    "target_name",
    "assessed",
    "kind",
)

#: A 目标值 cell saying there is no annual target (不设年度目标，常态化开展): the target is a
#: reference figure without a target, whatever the assessed cell says.
NO_ANNUAL_TARGET = frozenset({"常态化开展", "常态化", "不设年度目标", "不设目标"})


class _Collector:
    """Gathers every problem of a file instead of stopping at the first."""

    def __init__(self, name: str):
        self.name = name
        self.errors: list[CellError] = []

    def add(self, row: int, column: str, reason: str) -> None:
        self.errors.append(CellError(self.name, row, column, reason))


def parse_plan_rows(rows: list[Row], name: str) -> list[PlanDraft]:
    """Check plan rows (from CSV or XLSX) and build drafts, or raise with every problem."""
    errors = _Collector(name)
    if not rows:
        raise ImportRejected([CellError(name, 2, "-", "the file has no data rows")])
    plans: dict[str, PlanDraft] = {}
    # No 件 column: a flat list. Each item is stored as its own pledge (numbered and
    # titled as the item); the plan says it is flat, so nothing shows that pledge.
    flat = "pledge" not in rows[0].cells
    if not flat and "pledge_title" not in rows[0].cells:
        raise ImportRejected(
            [
                CellError(
                    name, rows[0].number, "pledge_title", "missing column (the file has pledge)"
                )
            ]
        )
    first_row_of: dict[tuple[str, str, object], tuple[int, str]] = {}
    keys_seen: dict[tuple[str, str], int] = {}

    def consistent(plan: str, column: str, owner: object, value: str, row: int) -> None:
        """Repeated cells (pledge title, item title, department) must agree down the file."""
        key = (plan, column, owner)
        if key not in first_row_of:
            first_row_of[key] = (row, value)
        elif first_row_of[key][1] != value:
            first, seen = first_row_of[key]
            errors.add(row, column, f"{value!r} differs from {seen!r} given on row {first}")

    for row in rows:
        n = row.number
        code = row.get("plan")
        if not code:
            errors.add(n, "plan", "plan code is empty")
            continue
        plan = plans.get(code)
        if plan is None:
            plan = _new_plan(code, row, errors)
            if plan is None:
                continue
            plan.flat = flat
            plans[code] = plan
        for column in OPTIONAL_PLAN_COLUMNS:
            if row.get(column):
                consistent(code, column, None, row.get(column), n)

        item_no = _cell(errors, row, "item", parse_ordinal)
        if flat:
            pledge_no, pledge_title = item_no, row.get("item_title")
        else:
            pledge_no, pledge_title = (
                _cell(errors, row, "pledge", parse_ordinal),
                row.get("pledge_title"),
            )
            if not pledge_title:
                errors.add(n, "pledge_title", "must not be empty")
        named = ("item_title", "target", "target_name")
        for column in (*named, "department") if "department" in row.cells else named:
            if not row.get(column):
                errors.add(n, column, "must not be empty")
        kind = _cell(errors, row, "kind", parse_kind)
        assessed = _cell(errors, row, "assessed", parse_bool) if row.get("assessed") else None
        if not row.get("assessed"):
            errors.add(n, "assessed", "must not be empty (yes or no)")
        departments = split_list(row.get("department"))
        departments += [d for d in split_list(row.get("co_departments")) if d not in departments]

        target_value = None
        at_least = False
        if row.get("target_value") in NO_ANNUAL_TARGET:
            assessed = False
        elif row.get("target_value"):
            try:
                parsed = parse_number(row.get("target_value"), allow_floor=True)
                target_value, at_least = parsed.value, parsed.at_least
                if target_value < 0:
                    errors.add(n, "target_value", "must not be negative")
            except NumberFormatError as exc:
                errors.add(n, "target_value", str(exc))
        baseline = 0.0
        if row.get("baseline"):
            try:
                baseline = parse_number(row.get("baseline")).value
            except NumberFormatError as exc:
                errors.add(n, "baseline", str(exc))
        deadline = None
        if row.get("deadline"):
            try:
                deadline = parse_date(row.get("deadline"))
                if not plan.start <= deadline <= plan.end:
                    errors.add(
                        n,
                        "deadline",
                        f"{deadline} is outside the plan period {plan.start} … {plan.end}",
                    )
            except DateFormatError as exc:
                errors.add(n, "deadline", str(exc))

        per_period = bool(
            row.get("per_period") and _cell(errors, row, "per_period", parse_bool, default=False)
        )
        if per_period and kind is TargetKind.MILESTONE:
            errors.add(n, "per_period", "a milestone has no amount per period")
        schedule: list[ScheduleNode] = []
        stages: list[Stage] = []
        if kind is TargetKind.MILESTONE:
            if target_value is not None:
                errors.add(
                    n,
                    "target_value",
                    "a milestone has no target value (say the scope in target_name)",
                )
            stages = _cell(errors, row, "schedule", parse_stages, default=[])
        elif kind is TargetKind.QUANTITY:
            parse = partial(parse_schedule, per_period=per_period)
            schedule = _cell(errors, row, "schedule", parse, default=[])
            if per_period:
                target_value = _per_period_total(errors, n, schedule, target_value, baseline)
            if assessed and target_value is None:
                errors.add(
                    n,
                    "target_value",
                    "an assessed quantity needs a target value "
                    "(a figure without a target is assessed=no)",
                )
            if target_value is not None and target_value == baseline:
                errors.add(n, "baseline", "baseline equals the target value")
            for node in schedule:
                if not plan.start <= node.on <= plan.end:
                    errors.add(n, "schedule", f"node {node.on} is outside the plan period")
                if (
                    target_value is not None
                    and node.value > target_value
                    and not at_least
                    and not per_period
                ):
                    errors.add(
                        n,
                        "schedule",
                        f"node {node.on}={format_number(node.value)} exceeds the target value",
                    )

        key = row.get("target")
        if key:
            if (code, key) in keys_seen:
                errors.add(
                    n, "target", f"target {key!r} already defined on row {keys_seen[code, key]}"
                )
            else:
                keys_seen[code, key] = n
        if pledge_no is not None and not flat:
            consistent(code, "pledge_title", pledge_no, pledge_title, n)
        if item_no is not None:
            consistent(code, "pledge", ("item", item_no), str(pledge_no), n)
            consistent(code, "item_title", item_no, row.get("item_title"), n)
            consistent(code, "department", item_no, ";".join(departments), n)
        if pledge_no is None or item_no is None or kind is None or assessed is None:
            continue
        plan.pledges.setdefault(pledge_no, pledge_title)
        item = plan.items.setdefault(
            item_no, ItemDraft(item_no, row.get("item_title"), pledge_no, departments, n)
        )
        item.targets.append(
            TargetDraft(
                key=key,
                name=row.get("target_name"),
                kind=kind,
                target_value=target_value,
                at_least=at_least,
                unit=row.get("unit"),
                baseline=baseline,
                deadline=deadline,
                assessed=assessed,
                schedule=schedule,
                stages=stages,
                note=row.get("note"),
                row=n,
                per_period=per_period,
            )
        )
    # An item whose targets are all assessed=no has no annual target (不设年度目标，常态化
    # 开展): it is tracked and reported, and not counted among the items that can be achieved.
    if errors.errors:
        raise ImportRejected(errors.errors)
    return list(plans.values())


def _new_plan(code: str, row: Row, errors: _Collector) -> PlanDraft | None:
    start = end = None
    for column in ("plan_start", "plan_end"):
        if row.get(column):
            try:
                value = parse_date(row.get(column))
            except DateFormatError as exc:
                errors.add(row.number, column, str(exc))
                return None
            if column == "plan_start":
                start = value
            else:
                end = value
    if start is None or end is None:
        year = re.search(r"(19|20)\d{2}", code)
        if year is None:
            errors.add(
                row.number,
                "plan",
                f"cannot tell the period of plan {code!r}: add plan_start and plan_end columns "
                "or put the year in the code",
            )
            return None
        y = int(year.group(0))
        start = start or date(y, 1, 1)
        end = end or month_end(y, 12)
    if end < start:
        errors.add(row.number, "plan_end", f"plan ends ({end}) before it starts ({start})")
        return None
    return PlanDraft(code=code, title=row.get("plan_title") or code, start=start, end=end)


def _cell(errors: _Collector, row: Row, column: str, parse, default=None):
    """Parse one cell with *parse*, recording a problem and returning *default* on failure."""
    text = row.get(column)
    if not text and default is not None:
        return default
    try:
        return parse(text)
    except ValueError as exc:
        errors.add(row.number, column, str(exc) if text else "must not be empty")
        return default


def _per_period_total(
    errors: _Collector, row: int, schedule: list[ScheduleNode], target: float | None, base: float
) -> float | None:
    """The annual total of a per-period target: its target value, else the sum of its
    period amounts (domain.per_period); a schedule is what makes it per-period."""
    if not schedule:
        errors.add(row, "per_period", "a per-period target needs its period amounts in schedule")
        return target
    if base:
        errors.add(row, "baseline", "a per-period target counts from 0: it has no baseline")
    planned = annual_total(schedule)
    if target is not None and planned > target:
        errors.add(
            row,
            "schedule",
            f"the period amounts add up to {format_number(planned)}, "
            f"more than the target value {format_number(target)}",
        )
    return planned if target is None else target


def plan_file_rows(plan: PlanDraft) -> tuple[list[str], list[list[str]]]:
    """A draft (e.g. read back from the database) as plan-file rows, for export; a
    ``per_period`` column only when a target of the plan is per-period. A flat
    plan is written without the ``pledge`` and ``pledge_title`` columns, so that it
    imports flat again; a plan no item of which names a department (a published table
    that names none) without the ``department`` column, so that it imports again."""
    per_period = any(t.per_period for item in plan.items.values() for t in item.targets)
    header = ["plan", "plan_title", "plan_start", "plan_end", *PLAN_COLUMNS[1:]]
    if per_period:
        header.append("per_period")
    out = []
    for item in sorted(plan.items.values(), key=lambda i: i.no):
        for t in item.targets:
            value = "" if t.target_value is None else format_number(t.target_value)
            if value and t.at_least:
                value += "以上"
            if t.kind is TargetKind.MILESTONE:
                schedule = ";".join(
                    f"{s.name}={s.planned.isoformat()}" if s.planned else s.name for s in t.stages
                )
            else:
                schedule = "; ".join(
                    f"{n.on.isoformat()}={format_number(n.value)}" for n in t.schedule
                )
            out.append(
                [
                    plan.code,
                    plan.title,
                    plan.start.isoformat(),
                    plan.end.isoformat(),
                    str(item.pledge_no),
                    plan.pledges[item.pledge_no],
                    str(item.no),
                    item.title,
                    ";".join(item.departments),
                    t.key,
                    t.name,
                    value,
                    t.unit,
                    format_number(t.baseline) if t.baseline else "",
                    t.deadline.isoformat() if t.deadline else "",
                    "yes" if t.assessed else "no",
                    t.kind.value,
                    schedule,
                    t.note,
                    *((("yes" if t.per_period else "no"),) if per_period else ()),
                ]
            )
    drop: set[int] = set()
    if plan.flat:
        drop |= {header.index("pledge"), header.index("pledge_title")}
    if not any(item.departments for item in plan.items.values()):
        drop.add(header.index("department"))
    if drop:
        header = [h for i, h in enumerate(header) if i not in drop]
        out = [[c for i, c in enumerate(row) if i not in drop] for row in out]
    return header, out
