"""Merged cells of a worksheet read as the office means them: a 件 or 项 number, its
title or its 责任单位 merged down over the rows of its targets is that value on each of
those rows. What a merge leaves in doubt is refused, naming the row and column: a header
cell merged over several columns or down into the rows below, and a merge across data
columns of different meaning."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from pledgetrack.domain.errors import CellError, ImportRejected

if TYPE_CHECKING:
    from openpyxl.worksheet.cell_range import CellRange


def fill_merged(
    records: list[tuple[int, list[str]]],
    ranges: Sequence[str],
    header_row: int,
    columns: dict[int, str],
    name: str,
) -> None:
    """Write each merged range's value into every cell it covers below the header, in
    place (*records*: every row of the sheet, from row 1; *columns*: cell index → column).

    Ranges wholly above the header (a title over the table) are left alone, and so are
    rows left wholly blank (spacers), which stay blank.
    """
    from openpyxl.worksheet.cell_range import CellRange

    errors: list[CellError] = []
    blank = {n for n, cells in records if n > header_row and not any(c.strip() for c in cells)}
    for ref in ranges:
        r = CellRange(ref.upper())
        if r.max_row < header_row:
            continue
        indexes = range(r.min_col - 1, r.max_col)
        named = [columns[i] for i in indexes if i in columns]
        if r.min_row <= header_row:
            if named and (r.max_col > r.min_col or r.max_row > header_row):
                errors.append(
                    CellError(
                        name,
                        header_row,
                        named[0],
                        f"the header cell is merged over {r.coord}: which column, and which "
                        "row, is the header is unclear — unmerge it (one header row, one "
                        "cell per column)",
                    )
                )
            continue
        value = _cell(records, r.min_row, r.min_col - 1)
        if len(set(named)) > 1:
            if not _lone_first_cell(records, r):
                errors.append(
                    CellError(
                        name,
                        r.min_row,
                        named[0],
                        f"merged cells {r.coord} span the columns {' and '.join(named)}: "
                        "which one the value is for is unclear — unmerge them",
                    )
                )
            continue
        for number in range(r.min_row, min(r.max_row, len(records)) + 1):
            cells = records[number - 1][1]
            if number in blank:
                continue  # a spacer row under a merge stays a spacer
            for index in indexes:
                if index in columns:
                    if len(cells) <= index:
                        cells.extend([""] * (index + 1 - len(cells)))
                    cells[index] = value
    if errors:
        raise ImportRejected(sorted(errors, key=lambda e: e.row))


def indicator_header(ranges: Sequence[str], header_row: int, columns: dict[int, str]) -> list[str]:
    """*ranges* without a 指标 header over two columns (``考核指标`` over B:C, the item
    and, under it, its indicators): in a table naming no item title otherwise, the left
    column is the item's title and the right the target's name (*columns* is changed in
    place). Every other range is returned as it is, for ``fill_merged`` to read or refuse."""
    from openpyxl.worksheet.cell_range import CellRange

    out = []
    for ref in ranges:
        r = CellRange(ref.upper())
        left = r.min_col - 1
        if (
            r.min_row == r.max_row == header_row
            and r.max_col == r.min_col + 1
            and columns.get(left) == "target_name"
            and r.max_col - 1 not in columns
            and "item_title" not in columns.values()
        ):
            columns[left], columns[left + 1] = "item_title", "target_name"
            continue
        out.append(ref)
    return out


def _cell(records: list[tuple[int, list[str]]], row: int, index: int) -> str:
    cells = records[row - 1][1]
    return cells[index] if index < len(cells) else ""


def _lone_first_cell(records: list[tuple[int, list[str]]], r: CellRange) -> bool:
    """A one-row merge from column A over a row that is otherwise empty: a note under the
    table ("注:…", read as such by exchange/table_body.py), not data."""
    if r.min_row != r.max_row or r.min_col != 1:
        return False
    cells = records[r.min_row - 1][1]
    return not any((c or "").strip() for c in cells[1:])
