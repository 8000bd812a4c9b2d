"""Reading CSV tables: encodings Excel writes, header checks, numbered rows.

``read_table`` / ``write_table`` choose CSV or XLSX (exchange/xlsx.py) by the file suffix.
Every cell read, CSV or XLSX, passes one check (domain.text): no control characters,
escape sequences or bidi overrides. Text cells written to CSV are kept from being read as
formulas by a leading ``'``, which reading drops again.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from pledgetrack.domain.errors import CellError, ImportRejected, UnsupportedFileType
from pledgetrack.domain.text import as_formula_safe, from_formula_safe, text_problem
from pledgetrack.exchange.csv_encoding import decode_csv
from pledgetrack.exchange.csv_records import read_records, stream_records
from pledgetrack.exchange.files import write_atomically
from pledgetrack.exchange.header_map import HeaderRules, rules_for
from pledgetrack.exchange.table_body import (
    Notice,
    Row,
    TitleLine,
    body_rows,
    find_header,
    iter_body_rows,
)

__all__ = ["Notice", "Row", "TitleLine", "iter_table", "read_table", "write_table"]

#: Larger CSV files are refused before they are read: read whole (read_csv), a file's
#: text and rows take about six times its size in memory (see docs/exchange-format.md);
#: streamed (iter_csv, a progress file), a UTF-8 file is never held whole.
MAX_CSV_BYTES = 200 * 1024 * 1024


def read_csv(
    path: Path,
    required: tuple[str, ...],
    rules: HeaderRules,
    notice: Notice | None = None,
    titles: list[TitleLine] | None = None,
    header_cells: list[str] | None = None,
) -> list[Row]:
    """Rows of a CSV file under its header, the first row naming every *required* column
    (exchange/header_map.py), by documented column; blank rows, total rows and notes
    under the table left out (exchange/table_body.py).

    The file must be in one encoding and its quotes and cells must line up with the
    header; anything that would be read as something else is refused
    (exchange/csv_encoding.py, exchange/csv_records.py).
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ImportRejected(
                [CellError(name, 0, "-", f"the file is larger than {_megabytes(MAX_CSV_BYTES)}")]
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([CellError(name, 0, "-", f"cannot open: {exc.strerror}")]) from None
    text = decode_csv(data, name)
    del data  # a province's plan file: its bytes, text and records are 3 copies of it
    records = read_records(text, name, lambda cells: rules.is_header(cells, required))
    del text
    header_row, header = find_header(records, rules, required, name, titles, header_cells)
    return body_rows(_handed_on(records, header_row), rules.columns_of(header), name, notice)


def _handed_on(records: list[tuple[int, list[str]]], start: int) -> Iterator[tuple[int, list[str]]]:
    """*records* from index *start*, each let go as it is handed on (made into a row)."""
    for index in range(start, len(records)):
        record = records[index]
        records[index] = None  # type: ignore[call-overload]
        yield record


def iter_csv(
    path: Path,
    required: tuple[str, ...],
    rules: HeaderRules,
    notice: Notice | None = None,
) -> Iterator[Row]:
    """:func:`read_csv` a row at a time, for a file too large to hold as rows (a
    province's progress file: over a million rows): the same rows and the same refusals,
    each refusal raised once the rows before it are all read. A UTF-8 file is read as a
    stream; any other (GB18030, or two encodings) whole, as read_csv reads it."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            raise ImportRejected(
                [CellError(name, 0, "-", f"the file is larger than {_megabytes(MAX_CSV_BYTES)}")]
            )
        utf8 = _is_utf8_file(path)
        handle = path.open("rb")
    except OSError as exc:
        raise ImportRejected([CellError(name, 0, "-", f"cannot open: {exc.strerror}")]) from None
    if not utf8:
        handle.close()
        yield from read_csv(path, required, rules, notice)
        return

    def is_header(cells: list[str]) -> bool:
        return rules.is_header(cells, required)

    def refuse_whole() -> None:
        # The strict reader stopped: read_records on the whole text names the cell.
        read_records(decode_csv(path.read_bytes(), name), name, is_header)

    with handle, io.TextIOWrapper(handle, encoding="utf-8-sig", newline="") as text:
        records = stream_records(text, name, is_header, refuse_whole)
        head: list[tuple[int, list[str]]] = []
        for record in records:
            head.append(record)
            if is_header([c or "" for c in record[1]]):
                break
        header_row, header = find_header(head, rules, required, name)
        yield from iter_body_rows(
            chain(head[header_row:], records), rules.columns_of(header), name, notice
        )


def _is_utf8_file(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8, read a megabyte at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _megabytes(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numbers: Collection[str] = (),
    replace: bool = True,
) -> None:
    """Write UTF-8 with BOM (Excel opens it as Unicode), replacing the file atomically;
    *rows* are written as they come (an iterator is never held whole).

    Text cells that a spreadsheet would run as a formula (``=…``, ``+…``, ``-…``, ``@…``)
    are written with a leading ``'`` (domain.text.as_formula_safe); the columns named in
    *numbers* hold figures this program wrote (``-5`` stays a number) and are left as they are.
    """
    text_columns = [i for i, name in enumerate(header) if name not in numbers]

    def safe(row: Sequence[str]) -> Sequence[str]:
        if not any(row[i][:1] in _RISKY_FIRST for i in text_columns):
            return row
        row = list(row)
        for i in text_columns:
            row[i] = as_formula_safe(row[i])
        return row

    def write(out: BinaryIO) -> None:
        handle = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(safe(row) for row in rows)
        handle.flush()
        handle.detach()  # the caller syncs and closes the file

    write_atomically(path, write, replace=replace)


#: First characters of a cell that may need a formula quote (domain.text.FORMULA_STARTS, and
#: the quote itself).
_RISKY_FIRST = frozenset("=+-@\t\r'")


def as_given(
    rows: list[Row],
    name: str,
    *,
    free_text: Collection[str] = (),
    checked_later: Collection[str] = (),
) -> list[Row]:
    """*rows* with each cell as its writer meant it (a formula quote dropped), or
    ImportRejected naming every cell that holds a refused character (domain.text).

    *free_text* are the columns that may hold tabs and line breaks (notes, titles);
    *checked_later* those a later check refuses in its own words (a progress note:
    services.reading_check, as on every path that stores a reading).
    """
    errors: list[CellError] = []
    for row in rows:
        _given(row, name, free_text, checked_later, errors)
    if errors:
        raise ImportRejected(errors)
    return rows


def iter_given(
    rows: Iterable[Row],
    name: str,
    *,
    free_text: Collection[str] = (),
    checked_later: Collection[str] = (),
) -> Iterator[Row]:
    """:func:`as_given` a row at a time: the refused cells are raised once *rows* are
    all read."""
    errors: list[CellError] = []
    for row in rows:
        _given(row, name, free_text, checked_later, errors)
        yield row
    if errors:
        raise ImportRejected(errors)


def _given(
    row: Row,
    name: str,
    free_text: Collection[str],
    checked_later: Collection[str],
    errors: list[CellError],
) -> None:
    """One row of :func:`as_given`: its cells as meant, its refused cells in *errors*."""
    cells = row.cells
    joined = "".join(cells.values())
    if joined.isprintable() and "'" not in joined:
        return  # nearly every row
    for column, text in cells.items():
        if text[:1] == "'":
            cells[column] = text = from_formula_safe(text)
        problem = text_problem(text.strip(), free=column in free_text)
        if problem is not None and column not in checked_later:
            errors.append(CellError(name, row.number, column, problem))


#: Told the title of the sheet a workbook import reads and how many worksheets it has.
SheetNotice = Callable[[str, int], object]

#: Suffixes read and written as Excel workbooks; everything else is CSV.
XLSX_SUFFIXES = (".xlsx", ".xlsm")
#: Old binary Excel files, refused with a hint to save as .xlsx.
OLD_EXCEL_SUFFIXES = (".xls", ".xlt", ".et")


def read_table(
    path: Path,
    required: tuple[str, ...],
    *,
    table: str,
    filled: tuple[str, ...] | None = None,
    sheet: str | None = None,
    free_text: Collection[str] = (),
    checked_later: Collection[str] = (),
    on_sheet: SheetNotice | None = None,
    documented: tuple[str, ...] = (),
    columns: Path | None = None,
    notice: Notice | None = None,
    titles: list[TitleLine] | None = None,
    header_cells: list[str] | None = None,
) -> list[Row]:
    """Rows of a CSV or .xlsx table (by suffix), by *documented* column; an old .xls is
    refused with advice.

    The header is found under any title rows and office headers are read by their
    aliases, or by the ``--columns`` map in *columns* (exchange/header_map.py);
    *notice* hears what was skipped (a total row, notes under the table), *titles* is
    given the rows above the header (table_body.lines_above), *header_cells* the header's
    cells. *table*
    (``plan``, ``progress``) names the aliases, and for workbooks the sheet; *filled*,
    *sheet* and *on_sheet* apply to workbooks only (see ``exchange.xlsx.read_xlsx``); a
    CSV file named with a *sheet* is refused, since it has none. Every cell passes
    :func:`as_given` (*free_text*, *checked_later* as there).
    """
    rules = rules_for(table, documented or required, columns)
    suffix = path.suffix.lower()
    if suffix in OLD_EXCEL_SUFFIXES:
        from pledgetrack.exchange.xlsx import OLD_EXCEL

        raise ImportRejected([CellError(str(path), 0, "-", OLD_EXCEL)])
    if suffix in XLSX_SUFFIXES:
        from pledgetrack.exchange.xlsx import read_xlsx

        rows = read_xlsx(
            path,
            required,
            table=table,
            rules=rules,
            filled=filled,
            sheet=sheet,
            on_sheet=on_sheet,
            notice=notice,
            titles=titles,
            header_cells=header_cells,
        )
    elif sheet:
        raise ImportRejected(
            [CellError(str(path), 0, "-", "a CSV file has no sheets: --sheet is for .xlsx files")]
        )
    else:
        rows = read_csv(path, required, rules, notice, titles, header_cells)
    return as_given(rows, str(path), free_text=free_text, checked_later=checked_later)


def iter_table(
    path: Path,
    required: tuple[str, ...],
    *,
    table: str,
    filled: tuple[str, ...] | None = None,
    sheet: str | None = None,
    free_text: Collection[str] = (),
    checked_later: Collection[str] = (),
    on_sheet: SheetNotice | None = None,
    documented: tuple[str, ...] = (),
    columns: Path | None = None,
    notice: Notice | None = None,
) -> Iterator[Row]:
    """:func:`read_table` a row at a time: a CSV file is read as a stream (iter_csv),
    so that a file of a million rows is never held as rows; a workbook is read whole
    first (read_table). The same rows and refusals; a refusal of the file's rows (more
    cells than the header, a refused character …) is raised when the rows are all read,
    the header's at once."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES or suffix in OLD_EXCEL_SUFFIXES or sheet:
        yield from read_table(
            path, required, table=table, filled=filled, sheet=sheet, free_text=free_text,
            checked_later=checked_later, on_sheet=on_sheet, documented=documented,
            columns=columns, notice=notice,
        )  # fmt: skip
        return
    rules = rules_for(table, documented or required, columns)
    yield from iter_given(
        iter_csv(path, required, rules, notice),
        str(path),
        free_text=free_text,
        checked_later=checked_later,
    )


def write_table(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    sheet: str,
    numbers: Collection[str] = (),
    replace: bool = True,
) -> None:
    """Write a CSV (UTF-8 with BOM) or, for ``.xlsx``, a workbook with one sheet *sheet*.

    *rows* may be an iterator: each row is written as it comes. A name without a suffix
    gets CSV; any other suffix is refused (UnsupportedFileType),
    so that a file is what its name says it is. *numbers*: the columns holding figures,
    which are not given a formula quote in CSV (see :func:`write_csv`); in a workbook every
    cell is stored as text, which a spreadsheet never runs. Without *replace* an existing
    file is kept (OutputRefused).
    """
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from pledgetrack.exchange.xlsx import write_xlsx_table

        write_xlsx_table(path, header, rows, sheet, replace=replace)
    elif suffix in ("", ".csv"):
        write_csv(path, header, rows, numbers=numbers, replace=replace)
    else:
        raise UnsupportedFileType(
            f"cannot write {path.name}: {suffix} is not supported — use .xlsx or .csv"
        )
