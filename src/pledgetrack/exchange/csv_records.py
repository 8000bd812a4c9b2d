"""CSV records read strictly: a quote that never closes, text after a closing quote, a
cell over the size limit, a quote that swallows whole rows and a row with more cells
than the header are refused, naming the row and column, instead of being read as
something else than the file says (the next rows inside a note, ``6,800`` as 6)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.exchange.csv_encoding import column_name

QUOTE_ADVICE = 'quote the whole cell and double every quote inside it ("")'
_UNQUOTED = re.compile(r"[^,\r\n]*")
_LEADING_DIGITS = re.compile(r"[+-]?\d{1,3}")
_THOUSANDS = re.compile(r"\d{3}(?:\.\d*)?%?")


def read_records(
    text: str, name: str, is_header: Callable[[list[str]], bool] | None = None
) -> list[tuple[int, list[str]]]:
    """(row number, cells) of every record (row 1 first, as Excel numbers rows).

    The header is the first record *is_header* accepts (default: the first record); rows
    above it (titles) are not held to its width.
    """

    def refusal(row: int, line: int, header: list[str], exc: csv.Error) -> CellError:
        return _syntax_error(text, name, row, line, header, exc)

    return list(_checked_records(io.StringIO(text, newline=""), name, is_header, refusal))


def stream_records(
    lines: Iterable[str],
    name: str,
    is_header: Callable[[list[str]], bool],
    on_syntax_error: Callable[[], object],
) -> Iterator[tuple[int, list[str]]]:
    """:func:`read_records` one record at a time from *lines* (a text file opened with
    ``newline=""``), with the same checks: a record wider than the header, or a quoted
    cell holding lines that look like rows, is refused once the records are all read.

    A record the strict reader cannot read (a quote never closed …) is located in the
    whole text, which this stream does not keep: *on_syntax_error* is called to raise the
    refusal (read_records on the whole file says the row and column).
    """

    def refusal(row: int, line: int, header: list[str], exc: csv.Error) -> CellError:
        on_syntax_error()
        return CellError(name, row, "-", str(exc))

    return _checked_records(lines, name, is_header, refusal)


def _checked_records(
    lines: Iterable[str],
    name: str,
    is_header: Callable[[list[str]], bool] | None,
    refusal: Callable[[int, int, list[str], csv.Error], CellError],
) -> Iterator[tuple[int, list[str]]]:
    """The records of *lines* as the strict reader reads them, each checked against the
    header once the header is found; the shape errors are raised together at the end.
    A record the reader cannot read is refused with ``refusal(row, first physical line
    (0-based), header, error)``."""
    reader = csv.reader(lines, strict=True)
    errors: list[CellError] = []
    header: list[str] = []
    found = False
    width = 0
    start = 0  # the physical line (0-based) where the next record starts
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not found:  # rows above the header (titles) have widths of their own
                if is_header is None or is_header(cells):
                    found = True
                    header = [h.strip().lower() for h in cells]
                    width = len(header)
            # Only a record over several lines or wider than the header needs a look.
            elif (reader.line_num - start > 1 or len(cells) > width) and (
                error := _shape_error(name, number, cells, header)
            ):
                errors.append(error)
            start = reader.line_num
            yield number, cells
    except csv.Error as exc:
        raise ImportRejected([refusal(number + 1, start, header, exc)]) from None
    if errors:
        raise ImportRejected(errors)


def _syntax_error(
    text: str, name: str, row: int, line: int, header: list[str], exc: csv.Error
) -> CellError:
    """The strict reader's complaint about the record starting at physical *line*."""
    rest = "".join(io.StringIO(text, newline="").readlines()[line:])
    index, fault = _fault(rest, csv.field_size_limit())
    reasons = {
        "open": "a quote opened in this cell is never closed, so the rest of the file would "
        f"be read into it: close it, or {QUOTE_ADVICE}",
        "after": f"text after its closing quote: {QUOTE_ADVICE}",
        "size": f"the cell is longer than {csv.field_size_limit():,} characters, the limit "
        "for a CSV cell: is a closing quote missing?",
    }
    return CellError(name, row, column_name(header, index), reasons.get(fault, str(exc)))


def _fault(text: str, limit: int) -> tuple[int, str]:
    """(cell index, what) of the first fault of the record at the start of *text*:
    ``open`` (a quote never closed), ``after`` (text after a closing quote) or ``size``."""
    index, pos, end = 0, 0, len(text)
    while pos < end:
        if text[pos] == '"':
            close = pos + 1
            while (close := text.find('"', close)) >= 0 and text.startswith('""', close):
                close += 2
            if close < 0:
                return index, "open"
            if close - pos > limit:
                return index, "size"
            pos = close + 1
            if pos < end and text[pos] not in ",\r\n":
                return index, "after"
        else:
            cell = _UNQUOTED.match(text, pos)
            assert cell is not None  # the pattern matches the empty string
            if cell.end() - pos > limit:
                return index, "size"
            pos = cell.end()
        if pos >= end or text[pos] in "\r\n":
            break
        pos += 1
        index += 1
    return index, ""


def _shape_error(name: str, row: int, cells: list[str], header: list[str]) -> CellError | None:
    """A row with more cells than the header (unless the extra ones are empty), or one
    whose quoted cell holds lines that look like rows (a closing quote misplaced)."""
    commas = len(header) - 1
    for index, cell in enumerate(cells):
        if "\n" not in cell and "\r" not in cell:
            continue
        lines = cell.splitlines()[1:]
        if commas > 0 and any(line.count(",") >= commas for line in lines):
            return CellError(
                name,
                row,
                column_name(header, index),
                f"this quoted cell runs over {len(lines) + 1} lines that look like rows "
                "of the file: is its closing quote missing or misplaced?",
            )
    if len(cells) <= len(header):
        return None
    counted = f"row {row} has {len(cells)} cells, the header {len(header)}"
    for index in range(min(len(header), len(cells) - 1)):
        first, second = cells[index].strip(), cells[index + 1].strip()
        if _LEADING_DIGITS.fullmatch(first) and _THOUSANDS.fullmatch(second):
            figure = f"{first},{second}"
            return CellError(
                name,
                row,
                column_name(header, index),
                f"{counted}: an unquoted thousands separator like {figure}? "
                f'quote the figure ("{figure}") or remove the comma',
            )
    extra = next((i for i in range(len(header), len(cells)) if cells[i].strip()), None)
    if extra is None:
        return None  # empty cells past the header: trailing commas
    return CellError(
        name,
        row,
        column_name(header, extra),
        f"{counted}: a cell holds an unquoted comma? quote that cell, or delete the cells "
        "past the header",
    )
