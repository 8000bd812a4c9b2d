"""The rows of a table under its header, as offices lay them out: blank spacer rows
skipped, a 合计 (total) row skipped and said so, and notes under the table ("注:…")
ending it. Shared by CSV and XLSX reading."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.exchange.header_map import HeaderRules


@dataclass(frozen=True)
class Row:
    """A data row: its number as Excel shows it (header = 1) and its cells by column."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()


@dataclass(frozen=True)
class TitleLine:
    """A non-empty row above the header (a title, a unit line): its number and first text."""

    number: int
    text: str


def lines_above(records: Iterable[tuple[int, Sequence[str]]], header_row: int) -> list[TitleLine]:
    """The rows above the header row *header_row*, by the first non-empty cell of each."""
    lines = []
    for number, cells in records:
        if number >= header_row:
            break
        text = next((c.strip() for c in cells if c and c.strip()), "")
        if text:
            lines.append(TitleLine(number, text))
    return lines


#: Told one line about what was skipped (a title, a total row, notes under the table).
Notice = Callable[[str], object]

#: A row holding one of these words in a cell is a total, not a target or a reading.
TOTAL_WORDS = frozenset(("合计", "总计", "小计", "total", "subtotal", "grandtotal"))
_SPACE = re.compile(r"\s+")
#: A lone first cell like this is a number (an item whose other cells are merged), not a note.
_NUMBER_ONLY = re.compile(r"[\d一二三四五六七八九十百]+[.、．]?")


def find_header(
    records: Sequence[tuple[int, Sequence[str]]],
    rules: HeaderRules,
    required: tuple[str, ...],
    name: str,
    titles: list[TitleLine] | None = None,
    header_cells: list[str] | None = None,
) -> tuple[int, list[str]]:
    """The header row (its number and cells): the first that names every *required*
    column; else ImportRejected naming what the likeliest row lacks. *titles* is given
    the rows above it (:func:`lines_above`), *header_cells* the header's cells."""
    best: tuple[int, int, list[str]] | None = None  # (named, row, cells)
    for number, cells in records:
        texts = [c or "" for c in cells]
        if not any(t.strip() for t in texts):
            continue
        if rules.is_header(texts, required):
            if rules.user_map:
                rules.check_map(texts, name, number)
            if titles is not None:
                titles += lines_above(records, number)
            if header_cells is not None:
                header_cells += texts
            return number, texts
        named = set(rules.columns_of(texts).values())
        count = sum(c in named for c in required)
        if best is None or count > best[0]:
            best = (count, number, texts)
    if best is None:
        raise ImportRejected([CellError(name, 1, "-", "the file is empty")])
    _, row, texts = best
    if rules.user_map:
        rules.check_map(texts, name, row)
    named = set(rules.columns_of(texts).values())
    raise ImportRejected(
        [
            CellError(name, row, c, "required column is missing from the header")
            for c in rules.required_of(texts, required)
            if c not in named
        ]
    )


def body_rows(
    records: Iterable[tuple[int, Sequence[str]]],
    columns: dict[int, str],
    name: str,
    notice: Notice | None = None,
) -> list[Row]:
    """Data rows under the header, by documented column (*columns*: cell index → column)."""
    return list(iter_body_rows(records, columns, name, notice))


def iter_body_rows(
    records: Iterable[tuple[int, Sequence[str]]],
    columns: dict[int, str],
    name: str,
    notice: Notice | None = None,
) -> Iterator[Row]:
    """:func:`body_rows` one at a time, as *records* come: a row under the note that
    ends the table is refused (ImportRejected) once the records are all read."""
    rows = False  # whether a data row came yet
    ended_by = 0
    errors: list[CellError] = []
    pairs = sorted(columns.items())
    for number, cells in records:
        texts = [c.strip() if c else "" for c in cells]
        filled = sum(1 for t in texts if t)
        if not filled:
            continue
        lone_note = filled == 1 and bool(texts[0]) and not _NUMBER_ONLY.fullmatch(texts[0])
        if ended_by:
            if not lone_note:
                errors.append(
                    CellError(
                        name,
                        number,
                        "-",
                        f"a row under the note on row {ended_by}, which ends the table: "
                        "move the note below the table, or delete it",
                    )
                )
            continue
        total = next((t for t in texts if _is_total(t)), None)
        if total is not None:
            _tell(notice, f"{name}:{number}: skipped the total row ({total})")
            continue
        if lone_note and rows:
            ended_by = number
            _tell(notice, f"{name}:{number}: the table ends at the note {_short(texts[0])!r}")
            continue
        width = len(cells)
        rows = True
        yield Row(number, {col: (cells[i] or "") if i < width else "" for i, col in pairs})
    if errors:
        raise ImportRejected(errors)


def _is_total(text: str) -> bool:
    # Cheap test first: a province file has 100k rows of cells that are no total.
    return ("计" in text or "otal" in text or "OTAL" in text) and _SPACE.sub(
        "", text
    ).lower() in TOTAL_WORDS


def _tell(notice: Notice | None, line: str) -> None:
    if notice is not None:
        notice(line)


def _short(text: str) -> str:
    line = text.splitlines()[0] if text else ""
    return line if len(line) <= 30 else line[:30] + "…"
