"""A progress table in the office layout (序号 | 项目内容 | 进展情况 | 责任单位, a title
``…进展情况表(截至9月底)``): one row per item or target, its progress said in text. Its
rows are matched to the plan's items and targets, and the plain figures of the text are
turned into the rows of a progress file (plan, target, as_of, value, qualifier, forecast,
note), which then go through the check every reading goes through. What cannot be read is
listed with its reason. Documented in docs/exchange-format.md ("Office progress tables").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.plan import ItemInfo, PlanStructure, TargetInfo
from pledgetrack.domain.progress_text import (
    NoDate,
    ProgressText,
    TargetFigure,
    figure_for,
    read_progress_text,
    title_date,
)
from pledgetrack.domain.target_text import split_targets
from pledgetrack.domain.works_progress import works_percent_in
from pledgetrack.exchange.cells import parse_ordinal
from pledgetrack.exchange.header_map import (
    OFFICE_PROGRESS_COLUMNS,
    OFFICE_PROGRESS_REQUIRED,
    OFFICE_TITLED_REQUIRED,
    OFFICE_VALUE_REQUIRED,
)
from pledgetrack.exchange.office_plan import numbered_title
from pledgetrack.exchange.table_body import Notice, Row, TitleLine
from pledgetrack.exchange.tables import read_table


@dataclass(frozen=True)
class OfficeTable:
    """An office progress table as read: its rows, the lines above its header, its header."""

    name: str
    rows: list[Row]
    titles: list[TitleLine]
    header: list[str]


def read_office_progress(
    path: Path, *, sheet: str | None = None, notice: Notice | None = None
) -> OfficeTable:
    """The rows of an office progress table (CSV or .xlsx), by the office headers
    (header_map.OFFICE_PROGRESS_ALIASES), with the lines above its header and the header."""

    def read(required: tuple[str, ...]) -> OfficeTable:
        titles: list[TitleLine] = []
        header: list[str] = []
        rows = read_table(
            path,
            required,
            table="office_progress",
            filled=("item",),
            free_text=("item_title", "target_name", "note"),
            checked_later=("progress", "value", "rate"),
            documented=OFFICE_PROGRESS_COLUMNS,
            titles=titles,
            header_cells=header,
            sheet=sheet,
            notice=notice,
        )
        return OfficeTable(str(path), rows, titles, header)

    try:
        return read(OFFICE_PROGRESS_REQUIRED)
    except ImportRejected as text_missing:
        # No progress text: a completion table (序号 | 目标任务 | 1-7月实际完成情况 | 完成率);
        # no 序号: numbered headings (一、就业促进行动(6项指标) | 年度目标任务 | 完成进度).
        for required in (OFFICE_VALUE_REQUIRED, OFFICE_TITLED_REQUIRED):
            try:
                return read(required)
            except ImportRejected:
                continue
        raise text_missing from None


def table_date(table: OfficeTable, as_of: date | None, plan_year: int | None) -> tuple[date, str]:
    """The date the table is as of and where it was read: *as_of* (``--as-of``), else
    ``截至9月底`` in a title row or the progress column's header; refused naming the file
    when neither gives a date."""
    if as_of is not None:
        return as_of, "--as-of"
    titles = [t.text for t in table.titles]
    try:
        found, where = title_date(titles, plan_year), "in the title"
        if found is None:
            # 截至9月底完成 as the progress column's header; the year may be the title's.
            found, where = title_date([*table.header, *titles], plan_year), "in the header"
    except NoDate as exc:
        raise ImportRejected([CellError(table.name, 1, "as_of", str(exc))]) from None
    if found is None:
        raise ImportRejected(
            [
                CellError(
                    table.name,
                    1,
                    "as_of",
                    "no date: neither a title row nor the header says 截至X月底 or 截至X月X日; "
                    "give the date with --as-of",
                )
            ]
        )
    day, text = found
    return day, f"{text!r} {where}"


@dataclass(frozen=True)
class NotRead:
    """A cell, or a target in it, that says nothing readable: shown, never guessed."""

    row: int
    column: str
    text: str
    reason: str
    target: str = ""

    def __str__(self) -> str:
        about = f"{self.target}: " if self.target else ""
        return f"{about}{self.text!r}: {self.reason}"


@dataclass
class OfficeReadings:
    """What an office progress table says: progress-file rows to check and store, and
    what could not be read."""

    rows: list[Row] = field(default_factory=list)
    not_read: list[NotRead] = field(default_factory=list)


def office_readings(
    table: OfficeTable, structure: PlanStructure, as_of: date, entered_on: date | None = None
) -> OfficeReadings:
    """Match each row of *table* to its item and targets in *structure* and read its
    progress text (domain.progress_text); rows that match no item or target are refused
    (ImportRejected, every one named), what the text does not say plainly is listed. Each
    reading is *entered_on* that day, when given (a table typed in after the fact)."""
    errors: list[CellError] = []
    out = OfficeReadings()
    placed: list[tuple[Row, ItemInfo]] = []
    for row in table.rows:
        item = _item_of(row, structure, table.name, errors)
        if item is not None:
            placed.append((row, item))
    rows_of_item: dict[int, int] = {}
    for _, item in placed:
        rows_of_item[item.no] = rows_of_item.get(item.no, 0) + 1
    for row, item in placed:
        targets = _targets_of(row, item, rows_of_item[item.no] == 1)
        if not targets:
            errors.append(
                CellError(
                    table.name,
                    row.number,
                    "target_name",
                    f"{row.get('target_name')!r} names no target of item {item.no} "
                    f"({', '.join(f'{t.key} {t.name}' for t in item.targets)}), and the table "
                    f"has {rows_of_item[item.no]} rows for that item",
                )
            )
            continue
        text = row.get("progress") or row.get("value") or row.get("note")
        if not text and not row.get("rate"):
            out.not_read.append(NotRead(row.number, "progress", text, "no progress text"))
            continue
        read = read_progress_text(text)
        units = [t.unit for t in targets]
        for target in targets:
            cells = {
                "plan": structure.code,
                "target": target.key,
                "as_of": as_of.isoformat(),
                "note": row.get("note") if row.get("value") else text,
            }
            if read.forecast is not None:
                cells["forecast"] = read.forecast.on(as_of.year).isoformat()
            if entered_on is not None:
                cells["entered_on"] = entered_on.isoformat()
            if target.rule.kind.value == "milestone":
                if not read.done:
                    reason = (
                        "says no milestone done (works progress is for count targets)"
                        if read.works
                        else "says no milestone done"
                    )
                    out.not_read.append(NotRead(row.number, "progress", text, reason, target.key))
                    continue
                cells["done"] = "yes"
            else:
                found = _figure_of(row, read, target, units.count(target.unit))
                works = works_percent_in(text)
                if found.value is None and works is None:
                    reason = found.reason
                    if read.vague_forecast:
                        reason += f"; {read.vague_forecast!r} names no day"
                    if row.get("rate"):
                        reason += (
                            f"; the table's {row.get('rate')!r} is a share of the target, "
                            "from which no figure is made"
                        )
                    out.not_read.append(
                        NotRead(row.number, "progress", text or row.get("rate"), reason, target.key)
                    )
                    continue
                differs = _rate_differs(_rate_of(row, text), found.value, target)
                if differs:
                    out.not_read.append(NotRead(row.number, "rate", text, differs, target.key))
                    continue
                if found.value is not None:
                    cells["value"] = format_number(found.value)
                    if found.qualifier is not None:
                        cells["qualifier"] = found.qualifier.value
                if works is not None:
                    # "正在施工中(90%)": works progress (形象进度) of the count target.
                    cells["works_percent"] = format_number(works)
            out.rows.append(Row(row.number, cells))
    if errors:
        raise ImportRejected(errors)
    return out


_BARE_NUMBER = re.compile(r"\s*(\d+(?:\.\d+)?)\s*")
_RATE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*")


def _figure_of(row: Row, read: ProgressText, target: TargetInfo, sharing: int) -> TargetFigure:
    """A target's figure: a bare number in a figure column (完成数, ``3321``) is in the
    target's unit; any other text is read for a figure in that unit (domain.progress_text)."""
    bare = _BARE_NUMBER.fullmatch(row.get("value"))
    if bare:
        return TargetFigure(float(bare.group(1)))
    return figure_for(read, target.unit, sharing=sharing)


#: The office's share said in the progress text: ``完成9个,完成率100%``.
_TEXT_RATE = re.compile(r"完成率(?:达|为|达到)?\s*(\d+(?:\.\d+)?\s*%)")


def _rate_of(row: Row, text: str) -> str:
    """The office's 完成率 for a row: its rate column, else ``完成率N%`` in its text."""
    said = _TEXT_RATE.search(text)
    return row.get("rate") or (said.group(1) if said else "")


def _rate_differs(rate: str, value: float | None, target: TargetInfo) -> str:
    """Why a figure is not taken: the table's own 完成率 says another share of the target
    (more than a point apart, as the office rounds); empty when it agrees or cannot say."""
    found = _RATE.fullmatch(rate)
    goal = target.rule.target_value
    if not found or value is None or not goal:
        return ""
    share, said = value / goal * 100, float(found.group(1))
    if abs(share - said) <= 1 or (said == 100 and share >= 100):
        return ""  # rounded as offices round; a met standard (不低于…) is written 100%
    return (
        f"the table's 完成率 {rate!r} is not {format_number(value)} of "
        f"{format_number(goal)} ({share:.1f}%): which is right?"
    )


def _item_of(
    row: Row, structure: PlanStructure, name: str, errors: list[CellError]
) -> ItemInfo | None:
    """The plan item of a row: by its 序号 / item number; its title, if the table has one,
    must be that item's."""
    text = row.get("item")
    numbered = None if text else numbered_title(row.get("item_title"))
    if numbered is not None:
        # No 序号 column: the heading 一、就业促进行动(6项指标) numbers and titles the item.
        text, row.cells["item_title"] = str(numbered[0]), numbered[1]
    elif not text:
        errors.append(
            CellError(
                name,
                row.number,
                "item",
                f"no 序号, and the 项目名称 {row.get('item_title')!r} is not numbered "
                "(一、… or 1.…): add a 序号 column",
            )
        )
        return None
    try:
        no = parse_ordinal(text)
    except ValueError:
        errors.append(CellError(name, row.number, "item", f"{text!r} is not an item number"))
        return None
    item = next((i for i in structure.items if i.no == no), None)
    if item is None:
        errors.append(
            CellError(
                name,
                row.number,
                "item",
                f"plan {structure.code} has no item {text} (its items are "
                f"{structure.items[0].no}…{structure.items[-1].no})"
                if structure.items
                else f"plan {structure.code} has no items",
            )
        )
        return None
    title = row.get("item_title")
    if title and _plain(title) != _plain(item.title):
        errors.append(
            CellError(
                name,
                row.number,
                "item_title",
                f"{title!r} is not the title of item {item.no} in plan {structure.code} "
                f"({item.title!r}): is this table of another list?",
            )
        )
        return None
    return item


_PUNCTUATION = re.compile(r"[\s。.;；,，、:：]+")


def _plain(text: str) -> str:
    return _PUNCTUATION.sub("", text)


def _targets_of(row: Row, item: ItemInfo, only_row: bool) -> list[TargetInfo]:
    """The targets of *item* a row is about: those its 项目内容 names (by the figure and
    unit of its sentence, or by name); every target of the item when the row is the item's
    only one and names none in particular."""
    text = row.get("target_name")
    if text:
        stated = split_targets(text).targets
        by_figure = [
            t
            for t in item.targets
            if any(p.value == t.rule.target_value and p.unit == t.unit for p in stated)
        ]
        if by_figure:
            return by_figure
        plain = _plain(text)
        by_name = [t for t in item.targets if _plain(t.name) == plain]
        by_name = by_name or [t for t in item.targets if _plain(t.name) and _plain(t.name) in plain]
        if by_name:
            return by_name
    return list(item.targets) if only_row else []
