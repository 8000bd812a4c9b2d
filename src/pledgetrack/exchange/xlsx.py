"""Plan and progress tables as Excel workbooks (.xlsx), with the CSV files' columns and rules.

Reading takes the sheet named by the user, else the one named like the table
(``plan`` / ``progress``, any case), else the first sheet; a hidden sheet only
when named (exchange/workbook_file.py checks the file and chooses the sheet first). The
header is the first row naming the required columns, under any title rows
(exchange/header_map.py); row numbers in errors are the row numbers Excel shows.
What Excel typed as numbers, dates, percentages or TRUE/FALSE is turned into
the text the CSV parser expects, so both formats go through the same checks.

Merged cells are the value on every row they span (exchange/merged_cells.py); a
merge whose meaning is unclear, and a group's cells typed on its first row only
("ditto" blanks, not merged), are refused with the row and column named.

Writing puts every cell as text, exactly as the CSV writer would, so an
export re-imports to the same state.

The helpers at the bottom (display widths, fonts, header style) are shared
with the XLSX month-end report.
"""

from __future__ import annotations

import math
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from defusedxml.common import DefusedXmlException

from pledgetrack.domain.errors import CellError, ImportRejected
from pledgetrack.domain.text import shown
from pledgetrack.exchange.files import write_atomically
from pledgetrack.exchange.header_map import HeaderRules
from pledgetrack.exchange.merged_cells import fill_merged, indicator_header
from pledgetrack.exchange.table_body import Notice, Row, TitleLine, body_rows, find_header
from pledgetrack.exchange.workbook_file import NOT_A_WORKBOOK, check_workbook, refuse

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font

#: The reason given for a blank cell under a filled one.
REPEAT_EVERY_ROW = "repeat the value on every row, or merge the cells over the rows it is for"

# ---------------------------------------------------------------- reading


def read_xlsx(
    path: Path,
    required: tuple[str, ...],
    *,
    table: str,
    rules: HeaderRules,
    filled: tuple[str, ...] | None = None,
    sheet: str | None = None,
    on_sheet: Callable[[str, int], object] | None = None,
    notice: Notice | None = None,
    titles: list[TitleLine] | None = None,
    header_cells: list[str] | None = None,
) -> list[Row]:
    """Data rows of an .xlsx table whose header has every *required* column.

    The header is found by *rules* (exchange/header_map.py). *filled* are the columns
    that must have a value on every row (default: *required*): one left blank under a
    filled one is refused. Merged cells are filled in over the rows they span, or
    refused where their meaning is unclear (exchange/merged_cells.py). The sheet read is
    *sheet* if given, else the one named *table* (``plan``, ``progress``), else
    the first; a hidden one only when named (exchange/workbook_file.py), and
    *on_sheet* is told its title and the number of worksheets. Blank rows, total rows
    and notes under the table are left out as in CSV files (*notice* hears of them);
    *titles* is given the rows above the header, *header_cells* the header's cells.
    """
    name = str(path)
    _refuse_old_excel(path, name)
    chosen, sheets = check_workbook(path, table.removeprefix("office_"), sheet)
    if on_sheet is not None:
        on_sheet(chosen.title, sheets)
    workbook = _open(path, name)
    try:
        return _read_rows(
            path,
            workbook,
            workbook[chosen.title],
            name,
            required,
            rules,
            filled,
            notice,
            titles,
            header_cells,
        )
    except _DAMAGED as exc:
        raise _unreadable(name, exc) from None
    finally:
        workbook.close()


#: What parsing a damaged or hostile part raises: ElementTree's and lxml's parse errors
#: (SyntaxError), defusedxml's refusal of entity declarations, a bad CRC or inflation.
_DAMAGED = (SyntaxError, DefusedXmlException, zipfile.BadZipFile, zlib.error, EOFError)


def _unreadable(name: str, exc: BaseException) -> ImportRejected:
    """One line for a workbook openpyxl could not read, by the cause (openpyxl wraps
    the parser's error in its own ValueError)."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return refuse(
                name,
                f"{NOT_A_WORKBOOK}: it declares XML entities, which are refused "
                "(a workbook Excel or WPS saves has none)",
            )
        if isinstance(cause, SyntaxError):
            return refuse(name, f"{NOT_A_WORKBOOK}: its XML is malformed ({cause})")
        if isinstance(cause, zipfile.BadZipFile | zlib.error | EOFError):
            return refuse(name, f"{NOT_A_WORKBOOK}: a part of it is damaged ({cause})")
        cause = cause.__cause__ or cause.__context__
    return refuse(name, f"{NOT_A_WORKBOOK} ({str(exc).splitlines()[0]})")


def _read_rows(
    path: Path,
    workbook: Workbook,
    ws: Any,
    name: str,
    required: tuple[str, ...],
    rules: HeaderRules,
    filled: tuple[str, ...] | None,
    notice: Notice | None,
    titles: list[TitleLine] | None = None,
    header_cells: list[str] | None = None,
) -> list[Row]:
    ranges = _merged_ranges(path, workbook, ws)
    ws.reset_dimensions()  # some writers store a wrong size; read every row there is
    records = [
        (number, [_text(c) for c in cells])
        for number, cells in enumerate(ws.iter_rows(min_row=1), start=1)
    ]
    if not any(any(t.strip() for t in texts) for _, texts in records):
        raise ImportRejected([CellError(name, 1, "-", "the sheet is empty")])
    header_row, header = find_header(records, rules, required, name, titles, header_cells)
    columns = rules.columns_of(header)
    if ranges:
        ranges = indicator_header(ranges, header_row, columns)
        fill_merged(records, ranges, header_row, columns, name)
    rows = body_rows(records[header_row:], columns, name, notice)
    _refuse_ditto_blanks(rows, required if filled is None else filled, name)
    return rows


def _refuse_ditto_blanks(rows: list[Row], must_fill: tuple[str, ...], name: str) -> None:
    """A required cell left blank under a filled one (a group's cells typed on its first
    row only) is refused: merged cells say "this value for these rows", a blank does not."""
    last_filled: dict[str, int] = {}
    errors: list[CellError] = []
    for row in rows:
        for column in must_fill:
            if row.get(column):
                last_filled[column] = row.number
            elif column in last_filled and column in row.cells:
                errors.append(
                    CellError(
                        name,
                        row.number,
                        column,
                        f"blank (filled on row {last_filled[column]} above) — " + REPEAT_EVERY_ROW,
                    )
                )
    if errors:
        raise ImportRejected(errors)


def _refuse_old_excel(path: Path, name: str) -> None:
    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise refuse(name, f"cannot open: {exc.strerror}") from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise refuse(name, OLD_EXCEL)


def _open(path: Path, name: str) -> Workbook:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # Read-only (streaming) mode: a province's progress file has 100k rows.
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, *_DAMAGED) as exc:
        raise _unreadable(name, exc) from None


#: Said of an old binary Excel file (.xls), whatever it is called.
OLD_EXCEL = (
    "this is an old Excel 97–2003 workbook (.xls), which cannot be read: "
    "open it in Excel or WPS and save it as .xlsx (Excel Workbook) or as CSV"
)


_MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+[0-9]+:[A-Za-z]+[0-9]+)"')


def _merged_ranges(path: Path, workbook: Workbook, ws: Any) -> list[str]:
    """The merged ranges of a sheet, e.g. ``["B2:B4"]``.

    Read-only worksheets do not load them, so the sheet's XML is scanned for its
    ``<mergeCell ref=…>`` elements (they follow the cell data), in chunks.
    """
    part = getattr(ws, "_worksheet_path", None)
    if part is None:  # another openpyxl: load the sheet whole instead
        from openpyxl import load_workbook

        full = load_workbook(path)
        try:
            return [r.coord for r in full[ws.title].merged_cells.ranges]
        finally:
            full.close()
    found: list[str] = []
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            # The last element may be cut off: scan up to it, keep it for the next chunk.
            cut = data.rfind(b"<")
            if cut < 0:
                cut = len(data)
            found += (m.group(1).decode() for m in _MERGE_CELL.finditer(data, 0, cut))
            tail = data[cut:]
        found += (m.group(1).decode() for m in _MERGE_CELL.finditer(tail))
    return found


def _text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return cell_text(value, getattr(cell, "number_format", None) or "General")


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell's value as the text a CSV file would hold.

    Whole numbers lose Excel's ``.0`` (``30``, not ``30.0``); other numbers are
    written without float noise (``41.58``); a cell formatted as a percentage
    reads as a percentage (0.85 shown as 85% → ``85%``); dates are ISO
    (``2020-10-31``), and a date formatted without a day (what Excel makes of
    ``2020-10``) is the month (``2020-10``, i.e. its end); TRUE/FALSE are yes/no.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return _date_text(value.date(), number_format)
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return _date_text(value, number_format)
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int | float):
        if "%" in _QUOTED.sub("", number_format):
            scaled = Decimal(repr(value)) * 100 if isinstance(value, float) else value * 100
            return number_text(float(scaled)) + "%"
        return number_text(value)
    return str(value)


def number_text(value: float) -> str:
    """``30`` for 30.0, ``41.58`` for 41.580000000000005, never an exponent."""
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    text = format(value, ".15g")
    if "e" in text:
        text = format(Decimal(text), "f")
    return text


def _date_text(day: date, number_format: str) -> str:
    shown = _QUOTED.sub("", number_format).lower()
    if "d" not in shown and "y" in shown and "m" in shown:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


# ---------------------------------------------------------------- writing


def write_xlsx_table(
    target: Path | IO[bytes],
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    sheet_title: str,
    *,
    replace: bool = True,
) -> None:
    """Write one table as text cells (as the CSV writer would), header bold, frozen, filtered.

    A path is written atomically (an existing one kept without *replace*); a stream is
    written as is.
    """

    def save(out: IO[bytes]) -> None:
        _table_workbook(header, rows, sheet_title).save(out)

    if isinstance(target, Path):
        write_atomically(target, save, replace=replace)
    else:
        save(target)


def _table_workbook(
    header: Sequence[str], rows: Iterable[Sequence[str]], sheet_title: str
) -> Workbook:
    """The workbook of :func:`write_xlsx_table`; *rows* are written to the write-only
    sheet as they come (only the first ones, measured for the widths, are held)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    wb = new_workbook("zh")
    ws = wb.create_sheet(sheet_title)
    rows = iter(rows)
    first = list(islice(rows, WIDTH_SAMPLE - 1))  # the header is measured too
    set_column_widths(ws, column_widths([header, *first], limit=WIDTH_SAMPLE))
    ws.freeze_panes = "A2"
    bold = header_font(wb)
    head = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    count = 0
    for values in chain(first, rows):
        ws.append([_text_value(ws, WriteOnlyCell, v) for v in values])
        count += 1
    last = get_column_letter(max(len(header), 1))
    ws.auto_filter.ref = f"A1:{last}{count + 1}"
    return wb


#: What openpyxl would store as an error value rather than text.
_ERROR_CODES = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"))


def _text_value(ws: Any, make: Callable[..., Any], value: str) -> Any:
    """*value* as a text cell, also when it reads ``=1+1`` or ``#N/A`` (a note may).

    Control characters a worksheet cannot hold are dropped (domain.text.shown).
    """
    if not value:
        return None
    value = shown(value)
    if value.startswith("=") or value in _ERROR_CODES:
        cell = make(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


# ---------------------------------------------------------------- shared helpers

#: The Chinese font of the workbooks: Excel's default for Chinese since Office 2016,
#: with the GB2312 character set, so that Excel or WPS falls back to another Chinese
#: font (宋体) where 等线 is missing. English workbooks keep Excel's Calibri.
CJK_FONT = "等线"
GB2312_CHARSET = 134

#: Widths in Excel "characters": East Asian wide characters count 2.
MIN_WIDTH, MAX_WIDTH = 6, 60
#: Rows of a table measured for its column widths (a province file has 100k rows).
WIDTH_SAMPLE = 5000


def base_font(lang: str) -> Font:
    from openpyxl.styles import Font

    if lang == "zh":
        return Font(name=CJK_FONT, sz=11, family=2, charset=GB2312_CHARSET)
    return Font(name="Calibri", sz=11, family=2, scheme="minor")


def new_workbook(lang: str) -> Workbook:
    """A write-only workbook whose default font suits *lang* (every unstyled cell uses it)."""
    from openpyxl import Workbook
    from openpyxl.utils.indexed_list import IndexedList

    wb = Workbook(write_only=True)
    font = base_font(lang)
    # Font 0 is the workbook default (the "Normal" style); openpyxl offers no public setter.
    wb._fonts = IndexedList([font])
    wb._named_styles["Normal"].font = font
    return wb


def header_font(wb: Workbook) -> Font:
    """The default font of *wb*, bold."""
    from copy import copy

    font = copy(wb._fonts[0])
    font.b = True
    return font


def display_width(text: str) -> int:
    """Columns *text* takes in a spreadsheet cell: wide (CJK) characters count 2."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(rows: Iterable[Sequence[object]], *, limit: int | None = None) -> list[float]:
    """A width per column fitting its longest value (the first *limit* rows only, if given)."""
    widths: list[int] = []
    measured: dict[str, int] = {}
    for n, row in enumerate(rows):
        if limit is not None and n >= limit:
            break
        for i, value in enumerate(row):
            if i >= len(widths):
                widths.append(0)
            if value is None or value == "":
                continue
            text = value if isinstance(value, str) else _shown(value)
            width = measured.get(text)
            if width is None:
                width = measured[text] = max(display_width(line) for line in text.split("\n"))
            if width > widths[i]:
                widths[i] = width
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def _shown(value: object) -> str:
    if isinstance(value, datetime):
        return "2020-10-31 00:00:00"
    if isinstance(value, date):
        return "2020-10-31"
    if isinstance(value, float):
        return number_text(value)
    return str(value)


def set_column_widths(ws: Any, widths: Sequence[float]) -> None:
    """Set column widths (before the first row of a write-only sheet)."""
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def sheet_records(path: Path, table: str, sheet: str | None = None) -> list[tuple[int, list[str]]]:
    """(row number, cell texts) of every row of a workbook's sheet (chosen as
    :func:`read_xlsx` chooses it), for a table whose columns are not fixed (a breakdown
    table: one column per unit, exchange/breakdown_table.py). Merged cells are not
    filled in."""
    name = str(path)
    _refuse_old_excel(path, name)
    chosen, _ = check_workbook(path, table, sheet)
    workbook = _open(path, name)
    try:
        ws = workbook[chosen.title]
        ws.reset_dimensions()
        return [
            (number, [_text(c) for c in cells])
            for number, cells in enumerate(ws.iter_rows(min_row=1), start=1)
        ]
    except _DAMAGED as exc:
        raise _unreadable(name, exc) from None
    finally:
        workbook.close()
