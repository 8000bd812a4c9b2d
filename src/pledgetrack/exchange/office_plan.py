"""An office plan table (no ``plan`` column) completed with what the plan file needs and
the office's table leaves unsaid: the plan's code from the file name, its title from the
title row above the header, its period from the year either names, target keys, kinds.
Documented in docs/exchange-format.md ("Office tables"); every fill-in is said as a guess."""

from __future__ import annotations

import re
from pathlib import Path

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.target_text import figure_only
from pledgetrack.domain.text import text_problem
from pledgetrack.exchange.cells import parse_ordinal
from pledgetrack.exchange.table_body import Row, TitleLine

_NUMBERED_TITLE = re.compile(r"([一二三四五六七八九十]+|\d+)\s*[、.．]\s*(.+)", re.S)
_MONTH_ONLY = re.compile(r"\d{1,2}月")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")

#: Trailing words of a file name that describe the file, not the list: ``-plan``,
#: ``-office``, ``-progress`` …, or 计划, 表, 进展情况 … (in any order, any number).
_FILE_WORD = re.compile(
    r"(?:[-_ .]+(?:plan|office|progress|table|list|draft|final)"
    r"|[-_ .]*(?:计划|进展|进度|情况|完成|汇总|一览|清单|表))$",
    re.I,
)
#: A date note closing a title: ``(截至9月底)``, ``（截止2022年9月30日）``.
_DATE_NOTE = re.compile(r"\s*[(（]\s*截[至止][^()（）]*[)）]\s*$")
#: A title's closing word for the table rather than the list: 表, 一览表, 进展情况表 ….
_TABLE_WORD = re.compile(r"(?:(?:进展|完成|推进|落实)情况表?|(?:进度|一览|汇总|明细)?表)$")
#: The months a progress table covers, which are the table's and not the list's:
#: ``2019年1-7月``, ``1—10月``.
_PERIOD = re.compile(r"(?<!\d)1\s*[-—–~至]\s*\d{1,2}\s*月份?|(?<=年)\d{1,2}\s*月份")
#: A leading table number: ``表1``, ``表一:``, ``附件2:``, ``附表1``.
_TABLE_NUMBER = re.compile(r"^(?:表|附表|附件)\s*[\d一二三四五六七八九十]*\s*[:：、.．]?\s*")
#: A labelled line above the header is no title: ``单位:个``, ``填报单位:区府办``.
_LABEL = re.compile(r"^[^:：]{1,6}[:：]")
_SPACES = re.compile(r"\s+")


def office_plan_code(path: Path) -> tuple[str, str]:
    """The plan code an office table without one is imported under, and the words it drops:
    the file's name without trailing words that describe the file (``linan-2022-plan.xlsx``
    and ``linan-2022-plan-office.xlsx`` → ``linan-2022``)."""
    code = path.stem
    while (found := _FILE_WORD.search(code)) and found.start() > 0:
        code = code[: found.start()]
    return code, path.stem[len(code) :]


def list_title(lines: list[TitleLine]) -> tuple[TitleLine, str] | None:
    """The first title row above the header and the plan title it gives: without a closing
    ``(截至…)`` date note, a leading table number (``表1``) or a closing 表 / 一览表 /
    进展情况表; labelled lines (``单位:个``) are passed over. None when there is none."""
    for line in lines:
        text = _SPACES.sub(" ", line.text).strip()
        text = _TABLE_NUMBER.sub("", text)
        if not text or _LABEL.match(text):
            continue
        title = _DATE_NOTE.sub("", text)
        shorter = _TABLE_WORD.sub("", _PERIOD.sub("", title)).strip()
        return line, (shorter if len(shorter) >= 2 else title)
    return None


def item_titles_from_content(rows: list[Row], guesses: list[str]) -> list[Row]:
    """An office table with no item title column (序号 | 项目内容 | 牵头单位, as progress
    tables are kept) titles each item by the 项目内容 of its first row, said as a guess;
    other tables are returned as they are."""
    if not rows or "plan" in rows[0].cells or "item_title" in rows[0].cells:
        return rows
    guesses.append("no 实事项目 column: each item is titled by the 项目内容 of its first row")
    first: dict[str, str] = {}
    for row in rows:
        row.cells["item_title"] = first.setdefault(row.get("item"), row.get("target_name"))
    return rows


#: An item title that carries its number and the count of its rows, as a heading over
#: them: ``一、就业促进行动(6项指标)``.
_COUNTED_TITLE = re.compile(
    r"\s*(?P<no>[一二三四五六七八九十百]+|\d+)\s*[、.．]\s*(?P<title>.+?)\s*"
    r"(?:[(（]\s*(?P<count>\d+)\s*项(?:指标|任务)?\s*[)）])?\s*",
    re.S,
)


def numbered_title(text: str) -> tuple[int, str, int | None] | None:
    """``一、就业促进行动(6项指标)`` → (1, '就业促进行动', 6); None for a title without a
    leading number."""
    found = _COUNTED_TITLE.fullmatch(text)
    if not found:
        return None
    try:
        no = parse_ordinal(found.group("no"))
    except ValueError:
        return None
    count = found.group("count")
    return no, found.group("title").strip(), int(count) if count else None


def items_from_numbered_titles(rows: list[Row], name: str, guesses: list[str]) -> list[Row]:
    """An office table with no 序号 column whose 项目名称 cells are numbered headings
    (``一、就业促进行动(6项指标)`` merged over the action's rows): the item is that number,
    its title the heading without the number and count, and the count, where given, must
    be the item's number of rows (else refused, naming the row). Other tables as they are."""
    if not rows or "plan" in rows[0].cells or "item" in rows[0].cells:
        return rows
    errors: list[CellError] = []
    counted: dict[int, tuple[int, int, int | None]] = {}  # item → first row, rows, count
    for row in rows:
        found = numbered_title(row.get("item_title"))
        if found is None:
            errors.append(
                CellError(
                    name,
                    row.number,
                    "item",
                    f"no 序号 column, and the 项目名称 {row.get('item_title')!r} is not numbered "
                    "(一、… or 1.…): add a 序号 column",
                )
            )
            continue
        no, title, count = found
        row.cells["item"], row.cells["item_title"] = str(no), title
        first, seen, _ = counted.get(no, (row.number, 0, count))
        counted[no] = (first, seen + 1, count)
    errors += [
        CellError(
            name,
            first,
            "item_title",
            f"item {no} says it has {count} rows ({count}项) but the table has {seen}",
        )
        for no, (first, seen, count) in counted.items()
        if count is not None and count != seen
    ]
    if errors:
        raise ImportRejected(errors)
    guesses.append(
        "no 序号 column: each item's number and title are its numbered 项目名称 "
        "('一、就业促进行动(6项指标)' is item 1 就业促进行动, its count of rows checked)"
    )
    return rows


def figure_targets(rows: list[Row], guesses: list[str]) -> list[Row]:
    """An office table whose 目标任务 cell is only a figure (``8950人`` under 项目名称
    新增城镇就业, as progress tables are kept) states the target's value and unit there: the
    target is named by its item's title. Said as a guess; rows with a 目标值, plan files
    and other cells are left as they are."""
    if not rows or "plan" in rows[0].cells:
        return rows
    read = 0
    for row in rows:
        proposal = None if row.get("target_value") else figure_only(row.get("target_name"))
        if proposal is None or proposal.value is None or not row.get("item_title"):
            continue
        value = format_number(proposal.value) + ("以上" if proposal.at_least else "")
        row.cells.update(
            target_name=row.get("item_title"),
            target_value=value,
            unit=proposal.unit if "unit" not in row.cells else row.get("unit") or proposal.unit,
        )
        read += 1
    if read:
        guesses.append(
            f"a 目标任务 that is only a figure ('8950人') is the target's value and unit, the "
            f"target named by its item's title ({read} rows)"
        )
    return rows


def office_plan_rows(
    rows: list[Row],
    path: Path,
    titles: list[TitleLine] | None = None,
    guesses: list[str] | None = None,
) -> list[Row]:
    """Rows of an office table (no ``plan`` column), completed with what the plan file
    needs and the office's table leaves unsaid; rows of a plan file are returned as
    they are. Documented in docs/exchange-format.md ("Office tables"):

    - the plan is the file name's code (:func:`office_plan_code`), titled by the title
      row above the header (:func:`list_title`; default the code), its period the
      calendar year the file name or else the title names;
    - a target's key is ``<item>.<n>``, its n-th row;
    - a target with a ``target_value`` is an assessed quantity, one without an assessed
      milestone (unless the table has ``kind`` / ``assessed`` columns);
    - ``一、促进就业`` in a ``pledge`` column with no ``pledge_title`` column is pledge 一
      titled 促进就业; a table with no 件 column is a flat list (exchange/plan_file.py
      files each item as its own pledge and marks the plan flat);
    - a deadline of ``11月底`` is in the plan's year.

    Each of these that applies is said in *guesses* (for ``--dry-run``).
    """
    if not rows or "plan" in rows[0].cells:
        return rows
    said = guesses if guesses is not None else []
    columns = rows[0].cells
    code, dropped = office_plan_code(path)
    plan_cells = {"plan": code}
    said.append(
        f"plan code {code!r}: the file's name"
        + (f" without {dropped!r}" if dropped else "")
        + " (the table has no plan column)"
    )
    if "plan_title" not in columns:
        plan_cells["plan_title"] = _title(titles or [], code, str(path), said)
    year = _year(code, plan_cells.get("plan_title", ""), titles or [], str(path))
    if year is not None and not ("plan_start" in columns or "plan_end" in columns):
        plan_cells["plan_start"], plan_cells["plan_end"] = f"{year}-01-01", f"{year}-12-31"
        where = "file name" if _YEAR.search(code) else "title"
        said.append(f"plan period {year}-01-01 … {year}-12-31: the year {year} in the {where}")
    _say_office_guesses(columns, said)
    seen: dict[str, int] = {}
    for row in rows:
        cells = row.cells
        cells.update(plan_cells)
        item = row.get("item")
        if "pledge" in cells and "pledge_title" not in cells:
            numbered = _NUMBERED_TITLE.fullmatch(row.get("pledge"))
            if numbered:
                cells["pledge"], cells["pledge_title"] = numbered.group(1), numbered.group(2)
        if "target" not in cells and item:
            seen[item] = seen.get(item, 0) + 1
            cells["target"] = f"{item}.{seen[item]}"
        if "kind" not in cells:
            cells["kind"] = "quantity" if row.get("target_value") else "milestone"
        if "assessed" not in cells:
            cells["assessed"] = "yes"
        if year is not None and _MONTH_ONLY.match(row.get("deadline")):
            cells["deadline"] = f"{year}年{row.get('deadline')}"
    return rows


def _title(titles: list[TitleLine], code: str, name: str, guesses: list[str]) -> str:
    found = list_title(titles)
    if found is None:
        guesses.append(f"plan title {code!r}: the code (no title row above the header)")
        return code
    line, title = found
    problem = text_problem(title, free=True)
    if problem is not None:
        raise ImportRejected([CellError(name, line.number, "plan_title", problem)])
    guesses.append(f"plan title {title!r}: the title row {line.number} ({line.text!r})")
    return title


def _year(code: str, title: str, titles: list[TitleLine], name: str) -> int | None:
    """The year of the plan: the one the file name names, else the title's; a title naming
    another year than the file name is refused (one of them is not this list)."""
    in_code = _YEAR.search(code)
    in_title = _TITLE_YEAR.search(title)
    if in_code and in_title and in_code.group(1) != in_title.group(1):
        line = list_title(titles)
        raise ImportRejected(
            [
                CellError(
                    name,
                    line[0].number if line else 1,
                    "plan_title",
                    f"the title names {in_title.group(1)}年 but the file name {in_code.group(1)}: "
                    "rename the file, or add plan_start and plan_end columns",
                )
            ]
        )
    found = in_code or in_title
    return int(found.group(1)) if found else None


def _say_office_guesses(columns: dict[str, str], guesses: list[str]) -> None:
    if "pledge" not in columns:
        guesses.append("no 件 column: a flat list (items numbered directly under the plan)")
    if "target" not in columns:
        guesses.append("target keys <item>.<n>: the n-th target of each item")
    if "kind" not in columns:
        guesses.append("a target with a 目标值 is a quantity, one without a milestone")
    if "assessed" not in columns:
        guesses.append("every target is assessed (no 是否考核 column)")
