"""Breakdown files in and out: the office table (one row per target, one column per
unit) and the exchange layout (one row per target and unit), exchange/breakdown_table.py.

An import is checked whole and stored in one transaction, or refused naming file, row
and column: an unknown target, an unknown unit column (unless new units are allowed),
a figure that is not a number, units that do not add up to the target under rule
``sum``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.breakdown import SUM_TOLERANCE, RollupRule
from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.model import TargetKind
from pledgetrack.domain.numbers import NumberFormatError, format_number, parse_number
from pledgetrack.domain.plan import PlanStructure, TargetInfo
from pledgetrack.exchange.breakdown_table import (
    EXCHANGE_COLUMNS,
    BreakdownTable,
    office_header,
    read_breakdown_table,
    write_breakdown_table,
)
from pledgetrack.services.access import Actor, acting
from pledgetrack.services.breakdown import (
    BreakdownRefused,
    BreakdownSaved,
    ShareSpec,
    apply_breakdown,
    breakdowns,
)
from pledgetrack.services.output import check_output_file
from pledgetrack.storage.db import session_scope
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.tables import Department

#: How a rule may be written in a cell.
RULE_WORDS = {
    "sum": RollupRule.SUM, "求和": RollupRule.SUM, "合计": RollupRule.SUM, "加总": RollupRule.SUM,
    "own": RollupRule.OWN, "自报": RollupRule.OWN, "单独": RollupRule.OWN, "单独填报": RollupRule.OWN,
}  # fmt: skip


@dataclass(slots=True)
class _Split:
    """A checked row (or the rows of one target): what to store."""

    row: int
    target: TargetInfo
    rule: RollupRule
    shares: list[ShareSpec]


def import_breakdown(
    engine: Engine,
    path: Path,
    *,
    plan: str | None = None,
    sheet: str | None = None,
    add_units: bool = False,
    level: str = "",
    actor: Actor | str | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
) -> list[BreakdownSaved]:
    """Split the targets a breakdown file names (admins only). Units not yet known are
    refused unless *add_units* (they become departments of *level*, e.g. 区市)."""
    table = read_breakdown_table(path, sheet=sheet)
    now = now or datetime.now(UTC)
    with session_scope(engine, commit=not dry_run) as session:
        me = acting(session, actor)
        me.require_admin("split targets to units")
        if plan is None and table.exchange:
            plan = next((r.cells.get("plan") for r in table.exchange if r.cells.get("plan")), None)
        structure = load_structure(session=session, code=plan)
        known = set(session.exec(select(Department.name)).all())
        errors: list[CellError] = []
        splits = (
            _office_splits(table, structure, known, add_units, level, errors)
            if table.layout == "office"
            else _exchange_splits(table, structure, known, add_units, level, errors)
        )
        if errors:
            raise ImportRejected(errors)
        saved = []
        for split in splits:
            try:
                saved.append(
                    apply_breakdown(
                        session, structure, split.target.key, split.rule, split.shares, me, now
                    )
                )
            except BreakdownRefused as exc:
                errors.append(CellError(table.name, split.row, "-", str(exc)))
        if errors:
            raise ImportRejected(errors)
        return saved


def _resolve(key: str, name: str, structure: PlanStructure) -> TargetInfo | None:
    """The target a row names: its key (1.1); an item number whose item has one target
    (序号 5); else its name (指标)."""
    targets = structure.targets()
    found = next((t for t in targets if t.key == key), None) if key else None
    if found is None and key.isdigit():
        of_item = [t for t in targets if t.item_no == int(key)]
        found = of_item[0] if len(of_item) == 1 else None
    if found is None and name:
        named = [t for t in targets if t.name == name]
        found = named[0] if len(named) == 1 else None
    return found


def _rule(text: str, target: TargetInfo) -> RollupRule | None:
    if not text:
        return RollupRule.SUM if target.kind is TargetKind.QUANTITY else RollupRule.OWN
    return RULE_WORDS.get(text.strip().casefold())


def _number(text: str) -> float:
    return parse_number(text).value


def _check_unit(
    unit: str,
    known: set[str],
    add_units: bool,
    where: tuple[str, int, str],
    errors: list[CellError],
) -> bool:
    if unit in known or add_units:
        return True
    name, row, column = where
    errors.append(
        CellError(
            name, row, column,
            f"unknown unit {unit}: not a department of this database (check the spelling, "
            "or import with --add-units to add it)",
        )
    )  # fmt: skip
    return False


def _check_split(
    name: str, row: int, target: TargetInfo, rule: RollupRule, shares: list[ShareSpec],
    total: float | None, total_column: str, errors: list[CellError],
) -> None:  # fmt: skip
    """Units that do not add up to the target (rule sum), or a 合计 that is not it."""
    wanted = target.rule.target_value
    if rule is RollupRule.SUM and target.kind is not TargetKind.QUANTITY:
        errors.append(
            CellError(
                name, row, "rule", f"{target.key} is a milestone: its rule is 'own', not 'sum'"
            )
        )
        return
    if (
        total is not None
        and wanted is not None
        and abs(total - wanted) > SUM_TOLERANCE * max(1.0, abs(wanted))
    ):
        errors.append(
            CellError(
                name, row, total_column,
                f"{format_number(total)} is not target {target.key}'s {format_number(wanted)}{target.unit}",
            )
        )  # fmt: skip
    if rule is RollupRule.SUM and all(s.value is not None for s in shares):
        units = sum(s.value or 0.0 for s in shares)
        against = wanted if wanted is not None else total
        if against is not None and abs(units - against) > SUM_TOLERANCE * max(1.0, abs(against)):
            errors.append(
                CellError(
                    name, row, total_column,
                    f"the units' figures add up to {format_number(units)}, not "
                    f"{format_number(against)}{target.unit} (rule sum: each unit's share of "
                    f"{target.key}; correct a unit's figure, or write 'own' in 汇总方式)",
                )
            )  # fmt: skip


def _office_splits(
    table: BreakdownTable, structure: PlanStructure, known: set[str], add_units: bool,
    level: str, errors: list[CellError],
) -> list[_Split]:  # fmt: skip
    name = table.name
    for _, unit in table.units:
        _check_unit(unit, known, add_units, (name, table.header_row, unit), errors)
    splits = []
    seen: dict[str, int] = {}
    for line in table.office:
        target = _resolve(line.key, line.name, structure)
        if target is None:
            errors.append(
                CellError(
                    name, line.row, "序号",
                    f"no target {line.key or line.name!r} in plan {structure.code} "
                    "(序号 is a target key such as 3.4, or an item number with one target)",
                )
            )  # fmt: skip
            continue
        if target.key in seen:
            errors.append(
                CellError(
                    name,
                    line.row,
                    "序号",
                    f"{target.key} is split on row {seen[target.key]} already",
                )
            )
            continue
        seen[target.key] = line.row
        rule = _rule(line.rule, target)
        if rule is None:
            errors.append(
                CellError(
                    name, line.row, "汇总方式", f"{line.rule!r}: write sum (求和) or own (自报)"
                )
            )
            continue
        shares = []
        before = len(errors)
        for unit, text in line.shares:
            if not text:
                continue  # not a unit of this target
            try:
                shares.append(ShareSpec(unit, _number(text), level))
            except NumberFormatError as exc:
                errors.append(CellError(name, line.row, unit, str(exc)))
        total = None
        if line.total:
            try:
                total = _number(line.total)
            except NumberFormatError as exc:
                errors.append(CellError(name, line.row, "合计", str(exc)))
        if not shares or len(errors) > before:
            continue  # a target the office has not split, or a figure not read
        _check_split(name, line.row, target, rule, shares, total, "合计", errors)
        splits.append(_Split(line.row, target, rule, shares))
    return splits


def _exchange_splits(
    table: BreakdownTable, structure: PlanStructure, known: set[str], add_units: bool,
    level: str, errors: list[CellError],
) -> list[_Split]:  # fmt: skip
    name = table.name
    by_key: dict[str, _Split] = {}
    for row in table.exchange:
        cells = row.cells
        code = cells.get("plan", "")
        if code and code != structure.code:
            errors.append(
                CellError(
                    name, row.row, "plan", f"{code}: not plan {structure.code} (one plan per file)"
                )
            )
            continue
        target = _resolve(cells.get("target", ""), "", structure)
        if target is None:
            errors.append(
                CellError(
                    name,
                    row.row,
                    "target",
                    f"no target {cells.get('target')!r} in plan {structure.code}",
                )
            )
            continue
        unit = cells.get("unit", "")
        if not unit:
            errors.append(CellError(name, row.row, "unit", "every row names its unit"))
            continue
        if not _check_unit(unit, known, add_units, (name, row.row, "unit"), errors):
            continue
        rule = _rule(cells.get("rule", ""), target)
        if rule is None:
            errors.append(
                CellError(name, row.row, "rule", f"{cells.get('rule')!r}: write sum or own")
            )
            continue
        text = cells.get("target_value", "")
        try:
            value = _number(text) if text else None
        except NumberFormatError as exc:
            errors.append(CellError(name, row.row, "target_value", str(exc)))
            continue
        split = by_key.setdefault(target.key, _Split(row.row, target, rule, []))
        if split.rule is not rule:
            errors.append(
                CellError(
                    name, row.row, "rule", f"{target.key} is '{split.rule}' on row {split.row}"
                )
            )
        split.shares.append(ShareSpec(unit, value, cells.get("level", "") or level))
    for split in by_key.values():
        _check_split(
            name, split.row, split.target, split.rule, split.shares, None, "target_value", errors
        )
    return list(by_key.values())


def export_breakdown(
    engine: Engine,
    path: Path,
    *,
    plan: str | None = None,
    layout: str = "office",
    lang: str = "zh",
    force: bool = False,
) -> int:
    """Write every split target of a plan as a breakdown file (CSV, or .xlsx by suffix)
    in the *layout* ``office`` or ``exchange``; an import of it gives the same splits.
    Returns the number of split targets."""
    check_output_file(engine, path, force=force)
    with Session(engine) as session:
        structure = load_structure(session=session, code=plan)
        splits = list(breakdowns(session, structure).values())
    order = {t.id: i for i, t in enumerate(structure.targets())}
    splits.sort(key=lambda s: order[s.target.id])

    def figure(value: float | None) -> str:
        return "" if value is None else format_number(value)

    if layout == "exchange":
        rows = [
            [
                structure.code,
                s.target.key,
                s.rule.value,
                share.unit,
                share.level,
                figure(share.target.rule.target_value),
            ]
            for s in splits
            for share in s.shares
        ]
        write_breakdown_table(path, list(EXCHANGE_COLUMNS), rows, numbers=("target_value",))
        return len(splits)
    units = list(dict.fromkeys(share.unit for s in splits for share in s.shares))
    header = office_header(units, lang)
    rows = []
    for s in splits:
        values = {share.unit: figure(share.target.rule.target_value) for share in s.shares}
        rows.append(
            [s.target.key, s.target.name, figure(s.target.rule.target_value), s.rule.value]
            + [values.get(unit, "") for unit in units]
        )
    write_breakdown_table(path, header, rows, numbers=(header[2], *units))
    return len(splits)


__all__ = ["export_breakdown", "import_breakdown"]
