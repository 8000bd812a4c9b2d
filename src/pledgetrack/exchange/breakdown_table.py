"""Breakdown tables (任务分解表): how a target is split to districts or streets.

Two layouts (docs/exchange-format.md, "Breakdown file"):

- the office layout, as offices keep it: one row per target, one column per unit,
  ``序号 | 指标 | 合计 | 市南区 | 市北区 | …`` under any title rows;
- the exchange layout: one row per target and unit, ``plan,target,rule,unit,level,
  target_value``.

This module reads and writes cells only; what they mean (which target, whether the
figures add up) is checked by services.breakdown_files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.text import from_formula_safe, text_problem
from pledgetrack.exchange.csv_encoding import decode_csv
from pledgetrack.exchange.csv_records import read_records
from pledgetrack.exchange.tables import (
    MAX_CSV_BYTES,
    OLD_EXCEL_SUFFIXES,
    XLSX_SUFFIXES,
    write_table,
)

#: Header cells of the office layout, by what they hold (compared without spaces, any case).
KEY_HEADERS = ("序号", "指标编号", "指标代码", "编号", "target", "target key", "no", "no.")
NAME_HEADERS = ("指标", "指标名称", "目标任务", "年度目标", "项目", "target name", "name")
TOTAL_HEADERS = ("合计", "总计", "全市", "目标值", "total", "target value")
RULE_HEADERS = ("汇总方式", "计算方式", "rule", "rollup")
#: Columns of the exchange layout, in order; the first four must be in the header.
EXCHANGE_COLUMNS = ("plan", "target", "rule", "unit", "level", "target_value")
EXCHANGE_REQUIRED = ("target", "unit", "target_value")
#: The sheet a workbook's breakdown is read from by default (else the first).
SHEET = "breakdown"


@dataclass(slots=True)
class OfficeRow:
    """A target's row of an office breakdown table: cells as typed."""

    row: int
    key: str
    name: str
    total: str
    rule: str
    #: (unit, cell text) in column order, blank cells included.
    shares: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class ExchangeRow:
    """A row of the exchange layout: cells as typed, by column."""

    row: int
    cells: dict[str, str]


@dataclass(slots=True)
class BreakdownTable:
    """A breakdown file as read: which layout, its units (office layout: by column
    header, with the column's letter-free position), and its rows."""

    name: str
    layout: str
    header_row: int
    units: list[tuple[int, str]]
    office: list[OfficeRow]
    exchange: list[ExchangeRow]


def _norm(text: str) -> str:
    return "".join(text.split()).casefold()


def _records(path: Path, sheet: str | None) -> list[tuple[int, list[str]]]:
    name = str(path)
    suffix = path.suffix.lower()
    if suffix in OLD_EXCEL_SUFFIXES:
        from pledgetrack.exchange.xlsx import OLD_EXCEL

        raise ImportRejected([CellError(name, 0, "-", OLD_EXCEL)])
    if suffix in XLSX_SUFFIXES:
        from pledgetrack.exchange.xlsx import sheet_records

        return sheet_records(path, SHEET, sheet)
    if sheet:
        raise ImportRejected(
            [CellError(name, 0, "-", "a CSV file has no sheets: --sheet is for .xlsx files")]
        )
    try:
        if path.stat().st_size > MAX_CSV_BYTES:
            raise ImportRejected(
                [CellError(name, 0, "-", "the file is too large for a breakdown table")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([CellError(name, 0, "-", f"cannot open: {exc.strerror}")]) from None
    return read_records(decode_csv(data, name), name, _is_header)


def _column(cells: Sequence[str], names: Sequence[str]) -> int | None:
    wanted = {_norm(n) for n in names}
    return next((i for i, c in enumerate(cells) if _norm(c or "") in wanted), None)


def _is_header(cells: Sequence[str]) -> bool:
    if _column(cells, KEY_HEADERS) is None:
        return False
    return (
        _column(cells, ("unit",)) is not None
        or _column(cells, (*NAME_HEADERS, *TOTAL_HEADERS)) is not None
    )


def read_breakdown_table(path: Path, *, sheet: str | None = None) -> BreakdownTable:
    """The breakdown table in *path* (CSV or .xlsx), in either layout, found under any
    title rows; ImportRejected naming the file, row and column of anything unreadable."""
    name = str(path)
    records = [
        (n, [from_formula_safe(c or "") for c in cells]) for n, cells in _records(path, sheet)
    ]
    header = next(((n, cells) for n, cells in records if _is_header(cells)), None)
    if header is None:
        raise ImportRejected(
            [
                CellError(
                    name, 1, "-",
                    "no header row: the office layout needs 序号 (or 指标编号) and 指标 or 合计 "
                    "beside the units' columns; the exchange layout target, unit, target_value",
                )
            ]
        )  # fmt: skip
    number, cells = header
    body = [(n, c) for n, c in records if n > number and any((x or "").strip() for x in c)]
    errors: list[CellError] = []
    for n, row in body:
        for i, text in enumerate(row):
            problem = text_problem(text.strip())
            if problem is not None:
                errors.append(
                    CellError(name, n, cells[i] if i < len(cells) else str(i + 1), problem)
                )
    if errors:
        raise ImportRejected(errors)
    if _column(cells, ("unit",)) is not None:
        return _exchange(name, number, cells, body)
    return _office(name, number, cells, body)


def _exchange(
    name: str, number: int, header: list[str], body: list[tuple[int, list[str]]]
) -> BreakdownTable:
    index = {_norm(c): i for i, c in enumerate(header)}
    missing = [c for c in EXCHANGE_REQUIRED if _norm(c) not in index]
    if missing:
        raise ImportRejected(
            [
                CellError(name, number, c, "required column is missing from the header")
                for c in missing
            ]
        )
    rows = [
        ExchangeRow(
            n,
            {
                c: (
                    cells[index[_norm(c)]].strip()
                    if index.get(_norm(c), len(cells)) < len(cells)
                    else ""
                )
                for c in EXCHANGE_COLUMNS
                if _norm(c) in index
            },
        )
        for n, cells in body
    ]
    return BreakdownTable(name, "exchange", number, [], [], rows)


def _office(
    name: str, number: int, header: list[str], body: list[tuple[int, list[str]]]
) -> BreakdownTable:
    key = _column(header, KEY_HEADERS)
    named = _column(header, NAME_HEADERS)
    total = _column(header, TOTAL_HEADERS)
    rule = _column(header, RULE_HEADERS)
    fixed = {key, named, total, rule}
    units = [(i, c.strip()) for i, c in enumerate(header) if i not in fixed and c.strip()]
    if not units:
        raise ImportRejected(
            [CellError(name, number, "-", "no unit columns: one column per unit after 合计")]
        )
    seen: dict[str, int] = {}
    errors = []
    for i, unit in units:
        if unit in seen:
            errors.append(
                CellError(
                    name,
                    number,
                    unit,
                    f"unit column named twice (columns {seen[unit] + 1} and {i + 1})",
                )
            )
        seen[unit] = i
    if errors:
        raise ImportRejected(errors)

    def cell(cells: list[str], i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    rows = [
        OfficeRow(
            n,
            cell(cells, key),
            cell(cells, named),
            cell(cells, total),
            cell(cells, rule),
            [(unit, cell(cells, i)) for i, unit in units],
        )
        for n, cells in body
        if not _is_total_row(cell(cells, key), cell(cells, named))
    ]
    return BreakdownTable(name, "office", number, units, rows, [])


def _is_total_row(key: str, name: str) -> bool:
    """A 合计 row under the table sums the units' columns: not a target."""
    return _norm(key) in {"合计", "总计", "total"} or (
        not key and _norm(name) in {"合计", "总计", "total"}
    )


def office_header(units: Sequence[str], lang: str) -> list[str]:
    """``序号 | 指标 | 合计 | 汇总方式 | 市南区 | …`` (zh), or the English names."""
    fixed = (
        ["序号", "指标", "合计", "汇总方式"]
        if lang == "zh"
        else ["target", "target name", "total", "rule"]
    )
    return [*fixed, *units]


def write_breakdown_table(
    path: Path, header: list[str], rows: list[list[str]], *, numbers: Sequence[str] = ()
) -> None:
    """Write a breakdown table (CSV, or .xlsx by suffix), replacing the file atomically."""
    write_table(path, header, rows, sheet=SHEET, numbers=numbers)
