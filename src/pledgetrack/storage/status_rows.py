"""What the status queries return, made into domain values: the same code whichever way
the rows were read (SQLAlchemy on either engine, or the standard library's sqlite3 in
storage.sqlite_status). No SQLAlchemy here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from pledgetrack.domain.errors import PlanNotFound
from pledgetrack.domain.model import (
    PlanPeriod,
    Reading,
    ScheduleNode,
    Stage,
    TargetKind,
    TargetRule,
)
from pledgetrack.domain.per_period import period_total
from pledgetrack.domain.plan import ItemInfo, PlanStructure, PledgeInfo, TargetInfo
from pledgetrack.domain.readings import LatestReadings
from pledgetrack.storage.rule_json import json_list, schedule_nodes, stage_tuple

#: The targets of a plan split to the unit named :name (its level, and the key of each
#: split target, in list order): what a status says of a unit asked for as a department.
#: Named parameters, the same text through sqlite3 and SQLAlchemy's ``text``.
UNIT_TARGETS_SQL = (
    'SELECT d.level, p."key" FROM target t JOIN department d ON d.id = t.unit_id '
    "JOIN target p ON p.id = t.parent_id JOIN item i ON i.id = p.item_id "
    "WHERE t.plan_id = :plan AND d.name = :name ORDER BY i.no, p.position, p.id"
)


def unit_targets_of(rows: Iterable[Sequence[Any]]) -> tuple[str, list[str]] | None:
    """(level, split target keys) from :data:`UNIT_TARGETS_SQL`'s rows (None: no unit)."""
    found = [tuple(row) for row in rows]
    if not found:
        return None
    return found[0][0] or "", [key for _level, key in found]


#: The names of the units a plan's targets are split to, by name (what a refusal of an
#: unknown department names besides the departments).
UNIT_NAMES_SQL = (
    "SELECT DISTINCT d.name FROM target t JOIN department d ON d.id = t.unit_id "
    "WHERE t.plan_id = :plan AND t.parent_id IS NOT NULL ORDER BY d.name"
)

#: What picks the shares of the unit :name in the plan :plan (``t``: the share's row).
_UNIT_SHARES = (
    "t.plan_id = :plan AND t.parent_id IS NOT NULL "
    "AND t.unit_id IN (SELECT d.id FROM department d WHERE d.name = :name)"
)

#: The unit :name's shares in a plan, in list order (items by number, targets by
#: position), each with the target it is a share of as :func:`structure_from_rows` reads
#: a target, and that target's item and pledge: share id, share key, share figure, unit
#: level, the target's 15 columns, item no, title, pledge id, pledge no, pledge title.
#: Schedules and stages as text, the same statement through sqlite3 and SQLAlchemy's
#: ``text`` on either engine.
UNIT_SHARES_SQL = (
    'SELECT t.id, t."key", t.target_value, u.level, '
    'p.id, p."key", p.item_id, p.name, p.unit, p.note, p.kind, p.deadline, p.assessed, '
    "p.target_value, p.baseline, p.at_least, CAST(p.schedule AS TEXT), "
    "CAST(p.stages AS TEXT), p.per_period, i.no, i.title, i.pledge_id, g.no, g.title "
    "FROM target t JOIN department u ON u.id = t.unit_id JOIN target p ON p.id = t.parent_id "
    "JOIN item i ON i.id = p.item_id JOIN pledge g ON g.id = i.pledge_id "
    f"WHERE {_UNIT_SHARES} ORDER BY i.no, p.position, p.id"
)

#: The decision of the latest review of snapshot ``{s}`` is an approval.
_APPROVED = (
    " AND (SELECT r.decision FROM review r WHERE r.snapshot_id = {s}.id"
    " ORDER BY r.id DESC LIMIT 1) = 'approved'"
)


def unit_latest_sql(approved_only: bool) -> str:
    """The latest reading as of :on of each of the unit :name's shares in the plan :plan
    (with *approved_only*, its latest approved one), as storage.latest's rows: the
    correlated ``LIMIT 1`` form on the ``(target_id, as_of, id)`` index, portable."""
    approved = _APPROVED.format(s="n") if approved_only else ""
    return (
        "SELECT s.id, t.id, s.as_of, s.value, s.done, s.note, s.qualifier, "
        "s.forecast_done_by, s.works_percent, t.per_period FROM target t "
        "LEFT OUTER JOIN snapshot s ON s.id = (SELECT n.id FROM snapshot n "
        f"WHERE n.target_id = t.id AND n.as_of <= :on{approved} "
        f"ORDER BY n.as_of DESC, n.id DESC LIMIT 1) WHERE {_UNIT_SHARES}"
    )


#: The unit's per-period shares: (id, deadline, schedule as text), as
#: :data:`PeriodRows` reads them.
UNIT_PERIOD_TARGETS_SQL = (
    f"SELECT t.id, t.deadline, CAST(t.schedule AS TEXT) FROM target t WHERE {_UNIT_SHARES} "
    "AND t.per_period"
)


def unit_period_history_sql(approved_only: bool) -> str:
    """Every reading as of :on of the unit :name's per-period shares (approved ones only,
    with *approved_only*): (target id, as_of, value) by target, date and id."""
    approved = _APPROVED.format(s="s") if approved_only else ""
    return (
        "SELECT s.target_id, s.as_of, s.value FROM snapshot s JOIN target t "
        f"ON t.id = s.target_id WHERE {_UNIT_SHARES} AND t.per_period "
        f"AND s.as_of <= :on{approved} ORDER BY s.target_id, s.as_of, s.id"
    )


@dataclass(frozen=True)
class UnitRows:
    """A unit's shares as read (:data:`UNIT_SHARES_SQL`): the targets split to it under
    their items, and each one's share."""

    level: str
    #: The plan's targets split to the unit, under their items and pledges (only those).
    targets: PlanStructure
    #: Target id → (share id, share key, share figure).
    shares: dict[int, tuple[int, str, float | None]]


def unit_rows_of(plan: PlanLike, rows: Iterable[Sequence[Any]]) -> UnitRows | None:
    """:class:`UnitRows` from :data:`UNIT_SHARES_SQL`'s rows (None: no share, not a unit
    of the plan)."""
    found = [tuple(row) for row in rows]
    if not found:
        return None
    pledges: dict[int, tuple[int, int, str]] = {}
    items: dict[int, tuple[int, int, str, int]] = {}
    shares: dict[int, tuple[int, str, float | None]] = {}
    targets = []
    for row in found:
        sid, key, value, _level = row[:4]
        target = row[4:19]
        no, title, pledge_id, pledge_no, pledge_title = row[19:]
        pledges.setdefault(pledge_id, (pledge_id, pledge_no, pledge_title))
        items.setdefault(target[2], (target[2], no, title, pledge_id))
        shares[target[0]] = (sid, key, value)
        targets.append(target)
    structure = structure_from_rows(
        plan,
        sorted(pledges.values(), key=lambda p: p[1]),
        list(items.values()),
        (),
        targets,
    )
    return UnitRows(found[0][3] or "", structure, shares)


def as_date(raw: object) -> date:
    """A date column read raw: SQLite gives ISO text, PostgreSQL a date."""
    return raw if isinstance(raw, date) else date.fromisoformat(str(raw))


@dataclass(frozen=True)
class PlanRow:
    """A plan's own row (what ``storage.tables.Plan`` holds), read without SQLAlchemy."""

    id: int
    code: str
    title: str
    start: date
    end: date
    flat: bool = False


#: A plan as either kind of row gives it: id, code, title, start, end, flat.
PlanLike = Any


class ListingRows(NamedTuple):
    """A plan's pledges (id, no, title) by number, items (id, no, title, pledge id) by
    number, and (item id, department name) by item and position."""

    pledges: Sequence[tuple[int, int, str]]
    items: Sequence[tuple[int, int, str, int]]
    departments: Sequence[tuple[int, str]]


#: What `status --json` shows of each target (and its id), in this order.
TARGET_COLUMNS = (
    "id", "key", "name", "unit", "target_value", "at_least", "assessed", "kind", "deadline",
    "per_period",
)  # fmt: skip


def no_such_plan(code: str, known: list[str]) -> PlanNotFound:
    return PlanNotFound(f"no plan {code!r} (plans in this database: {', '.join(known) or 'none'})")


def no_plan_yet() -> PlanNotFound:
    return PlanNotFound(
        "the database has no plan yet: import one with 'pledgetrack import plan FILE'"
    )


def structure_from_rows(
    plan: PlanLike,
    pledges: Sequence[tuple[int, int, str]],
    items: Sequence[tuple[int, int, str, int]],
    departments: Iterable[tuple[int, str]],
    targets: Iterable[Sequence[Any]],
) -> PlanStructure:
    """A plan's structure from its rows: pledges (id, no, title) by number; items (id,
    no, title, pledge id) by number; (item id, department name) by item and position;
    targets (id, key, item id, name, unit, note, kind, deadline, assessed, target value,
    baseline, at least, schedule, stages, per period) by item and position, dates and
    JSON as text.

    Dates and JSON are converted once per distinct value: a province list repeats a few
    quarterly schedules and stage lists over thousands of targets."""
    pledge_no = {pid: no for pid, no, _title in pledges}
    pledge_infos = tuple(PledgeInfo(no, title) for _pid, no, title in pledges)
    by_item_departments: dict[int, list[str]] = {}
    for item_id, name in departments:
        by_item_departments.setdefault(item_id, []).append(name)
    item_no = {item_id: no for item_id, no, _title, _pledge in items}
    by_item: dict[int, list[TargetInfo]] = {}
    kinds = {k.value: k for k in TargetKind}
    deadlines: dict[object, date] = {None: plan.end}
    schedules: dict[str | None, tuple[ScheduleNode, ...]] = {None: (), "[]": ()}
    stage_lists: dict[str | None, tuple[Stage, ...]] = {None: (), "[]": ()}
    for (
        tid, key, item_id, name, unit, note, kind, deadline, assessed,
        target_value, baseline, at_least, schedule, stages, per_period,
    ) in targets:  # fmt: skip
        if deadline not in deadlines:
            deadlines[deadline] = as_date(deadline)
        rule = TargetRule(
            kinds[kind],
            deadlines[deadline],
            bool(assessed),
            target_value,
            baseline or 0.0,
            bool(at_least),
            schedules[schedule]
            if schedule in schedules
            else schedules.setdefault(schedule, schedule_nodes(json_list(schedule))),
            stage_lists[stages]
            if stages in stage_lists
            else stage_lists.setdefault(stages, stage_tuple(json_list(stages))),
            bool(per_period),
        )
        by_item.setdefault(item_id, []).append(
            TargetInfo(tid, key, item_no[item_id], name, unit, rule, note)
        )
    return PlanStructure(
        id=plan.id,
        code=plan.code,
        title=plan.title,
        period=PlanPeriod(plan.start, plan.end),
        flat=bool(plan.flat),
        pledges=pledge_infos,
        items=tuple(
            ItemInfo(
                item_id,
                no,
                title,
                pledge_no[pledge_id],
                tuple(by_item_departments.get(item_id, ())),
                tuple(by_item.get(item_id, ())),
            )
            for item_id, no, title, pledge_id in items
        ),
    )


#: What reads the rows a per-period total needs, given the targets' ids: (target id,
#: deadline, schedule as text) of each, and (target id, as_of, value) of every reading
#: of them as of the date, by target, date and id.
PeriodRows = Callable[[list[int]], tuple[Iterable[Sequence[Any]], Iterable[Sequence[Any]]]]


def readings_from_rows(
    rows: Iterable[Sequence[Any]], period_rows: PeriodRows | None = None
) -> LatestReadings:
    """The latest readings from the latest-reading rows (snapshot id, target id, as_of,
    value, done, note, qualifier, forecast, works, per period; a row whose snapshot id is
    None is a target without a reading). With *period_rows*, a per-period target's value
    is the total of its periods so far (domain.per_period), as the rules use it."""
    found = [row for row in rows if row[0] is not None]
    if not found:
        return LatestReadings((), (), (), (), ())
    _, target_id, raw_as_of, value, done, note, qualifier, forecast, works, per_period = zip(
        *found, strict=True
    )
    days = {raw: as_date(raw) for raw in set(raw_as_of)}
    values: Sequence[float | None] = value
    if period_rows is not None and any(per_period):
        values = period_totals(target_id, value, per_period, period_rows)
    return LatestReadings(
        target_id,
        list(map(days.__getitem__, raw_as_of)),
        values,
        done,
        note,
        qualifier,
        forecast,
        works,
    )


def period_totals(
    target_id: Sequence[int],
    value: Sequence[float | None],
    per_period: Sequence[object],
    period_rows: PeriodRows,
) -> list[float | None]:
    """*value* with each per-period target's replaced by the total of its periods so far."""
    at = {tid: i for i, (tid, flag) in enumerate(zip(target_id, per_period, strict=True)) if flag}
    schedules, history = period_rows(list(at))
    rules = {
        tid: TargetRule(
            TargetKind.QUANTITY,
            as_date(deadline) if deadline is not None else date.max,
            schedule=schedule_nodes(json_list(schedule)),
            per_period=True,
        )
        for tid, deadline, schedule in schedules
    }
    readings: dict[int, list[Reading]] = {}
    for tid, as_of, amount in history:
        readings.setdefault(tid, []).append(Reading(as_date(as_of), amount))
    totals = list(value)
    for tid, i in at.items():
        total = period_total(rules[tid], readings.get(tid, ()))
        if total is not None and total.value is not None:
            totals[i] = total.value
    return totals
