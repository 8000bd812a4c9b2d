"""A plan written as offices lay their lists out (``export plan --layout office``): a title
row, Chinese headers (or English), 件 and 项 cells merged over their targets' rows, borders,
widths for Chinese text, a CJK font and a print setup (landscape, fit to the page width,
title and header repeated on every page). It re-imports with ``import plan`` to the same
plan: the columns are the office aliases of the plan file's (exchange/header_map.py), the
plan code is the file's name (exchange/office_plan.py), its title the title row."""

from __future__ import annotations

import re
from copy import copy
from datetime import date
from pathlib import Path
from typing import IO, Any

from pledgetrack.domain.dates import month_end
from pledgetrack.domain.numbers import NumberFormatError, parse_number
from pledgetrack.domain.plan_draft import PlanDraft
from pledgetrack.domain.text import shown
from pledgetrack.exchange.files import write_atomically
from pledgetrack.exchange.plan_file import plan_file_rows
from pledgetrack.exchange.xlsx import CJK_FONT, GB2312_CHARSET, column_widths

#: The columns of the office layout: documented column → (Chinese header, English header).
#: Each header is one the import reads as that column (header_map.PLAN_ALIASES).
OFFICE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("pledge", "件", "Pledge No"),
    ("pledge_title", "件名称", "Pledge Title"),
    ("item", "序号", "No."),
    ("item_title", "实事项目", "Item Title"),
    ("target", "指标编号", "Target Key"),
    ("target_name", "目标任务", "Target Name"),
    ("target_value", "目标值", "Annual Target"),
    ("unit", "单位", "Unit of Measure"),
    ("baseline", "基数", "Baseline"),
    ("deadline", "完成时限", "Deadline"),
    ("assessed", "是否考核", "Assessed"),
    ("kind", "指标类型", "Kind"),
    ("schedule", "节点安排", "Schedule"),
    ("department", "责任单位", "Responsible Unit"),
    ("note", "备注", "Remarks"),
)
#: Merged down over an item's rows, and over a pledge's.
_ITEM_COLUMNS = ("item", "item_title", "department")
_PLEDGE_COLUMNS = ("pledge", "pledge_title")
#: Text columns wrapped in narrower cells rather than made as wide as their longest text.
_WRAPPED = {"pledge_title": 24, "item_title": 24, "target_name": 36, "schedule": 24, "note": 24}
_ZH_WORDS = {"yes": "是", "no": "否", "quantity": "数量", "milestone": "里程碑"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def is_flat(plan: PlanDraft) -> bool:
    """A list without 件: each item filed as its own pledge of the same number and title
    (how an office table without a 件 column is imported)."""
    return all(
        item.pledge_no == item.no and plan.pledges.get(item.no) == item.title
        for item in plan.items.values()
    ) and len(plan.pledges) == len(plan.items)


def office_plan_table(plan: PlanDraft, lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    """The header, the rows (text, as the plan file has them) and the documented column of
    each, in the office layout. The plan's period is written (plan_start, plan_end) only
    when it is not the calendar year its code names, which the import would take."""
    header, rows = plan_file_rows(plan)
    index = {name: n for n, name in enumerate(header)}
    columns = [c for c in OFFICE_COLUMNS if not (is_flat(plan) and c[0] in _PLEDGE_COLUMNS)]
    names = [c[0] for c in columns]
    titles = [zh if lang == "zh" else en for _, zh, en in columns]
    year = _YEAR.search(plan.code)
    if year is None or (plan.start, plan.end) != (
        date(int(year.group(1)), 1, 1),
        month_end(int(year.group(1)), 12),
    ):
        names += ["plan_start", "plan_end"]
        titles += ["plan_start", "plan_end"]
    out = []
    for row in rows:
        cells = [row[index[name]] for name in names]
        for n, name in enumerate(names):
            if name == "deadline" and cells[n]:
                cells[n] = _deadline(cells[n], lang)
            elif name in ("assessed", "kind") and lang == "zh":
                cells[n] = _ZH_WORDS.get(cells[n], cells[n])
        out.append(cells)
    return titles, out, names


def _deadline(iso: str, lang: str) -> str:
    """``2020-11-30`` as offices write it: ``2020年11月底`` (a month's end) or
    ``2020年11月15日``; English keeps the ISO date."""
    day = date.fromisoformat(iso)
    if lang != "zh":
        return iso
    if day == month_end(day.year, day.month):
        return f"{day.year}年{day.month}月底"
    return f"{day.year}年{day.month}月{day.day}日"


def write_office_plan(
    target: Path | IO[bytes], plan: PlanDraft, *, lang: str = "zh", replace: bool = True
) -> int:
    """Write *plan* in the office layout (module docstring) as an .xlsx workbook; the number
    of targets written. A path is replaced atomically, an existing one only with *replace*."""
    header, rows, names = office_plan_table(plan, lang)

    def save(out: IO[bytes]) -> None:
        _workbook(plan.title, header, rows, names, lang).save(out)

    if isinstance(target, Path):
        write_atomically(target, save, replace=replace)
    else:
        save(target)
    return len(rows)


def _workbook(title: str, header: list[str], rows: list[list[str]], names: list[str], lang: str):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.merge import MergedCellRange

    font_name = CJK_FONT if lang == "zh" else "Calibri"
    charset = GB2312_CHARSET if lang == "zh" else None

    def font(size: float = 11, bold: bool = False) -> Font:
        return Font(name=font_name, sz=size, b=bold, charset=charset, family=2)

    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wb = Workbook()
    ws = wb.active
    ws.title = "实事项目" if lang == "zh" else "plan"
    last = get_column_letter(len(header))
    ws.append([shown(title)])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = font(16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.append(header)
    for cell in ws[2]:
        cell.font = font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = border
    groups = _groups(rows, names)
    covered = {(column, r) for column, first, last in groups for r in range(first + 1, last + 1)}
    # One styled cell per column, its style array copied to the others: setting font,
    # border and alignment on every cell hashes them each time (slow for a province plan).
    styles = []
    for c, name in enumerate(names, start=1):
        template = ws.cell(row=3, column=c)
        template.font = Font(name=font_name, sz=11, charset=charset, family=2)
        template.border = border
        template.alignment = Alignment(
            horizontal="left" if name in _WRAPPED else "center", vertical="center", wrap_text=True
        )
        styles.append(copy(template._style))
    for r, values in enumerate(rows):
        for c, (name, value) in enumerate(zip(names, values, strict=True)):
            # A merged group's value stands in its first cell only, as Excel keeps it.
            shown_value = None if (c, r) in covered else _cell_value(name, value)
            cell = ws.cell(row=r + 3, column=c + 1, value=shown_value)
            cell._style = copy(styles[c])
    for column, first, last in groups:
        letter = get_column_letter(column + 1)
        # Added as ranges: Worksheet.merge_cells checks each against every other (quadratic)
        # and restyles the cells, which already have their borders.
        ws.merged_cells.ranges.add(MergedCellRange(ws, f"{letter}{first + 3}:{letter}{last + 3}"))
    widths = column_widths([header, *rows])
    for n, (name, width) in enumerate(zip(names, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(n)].width = min(width, _WRAPPED.get(name, width))
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    return wb


def _cell_value(name: str, value: str) -> Any:
    """Numbers where the office types numbers (序号, 件, 目标值, 基数), text elsewhere."""
    if not value:
        return None
    if name in ("item", "pledge", "target_value", "baseline"):
        try:
            number = parse_number(value).value
        except NumberFormatError:
            return value
        if str(value).replace(".", "", 1).isdigit():
            return int(number) if number == int(number) else number
    return shown(value)


def _groups(rows: list[list[str]], names: list[str]) -> list[tuple[int, int, int]]:
    """The cells to merge, as (column, first row, last row) from 0: 序号, 实事项目 and 责任单位
    over each item's rows, 件 and 件名称 over each pledge's."""
    groups = []
    for columns, key in ((_ITEM_COLUMNS, "item"), (_PLEDGE_COLUMNS, "pledge")):
        if key not in names:
            continue
        at = names.index(key)
        start = 0
        for n in range(1, len(rows) + 1):
            if n < len(rows) and rows[n][at] == rows[start][at]:
                continue
            if n - start > 1:
                groups += [(names.index(column), start, n - 1) for column in columns]
            start = n
    return groups
