"""Plan and progress tables as Excel workbooks (.xlsx), with the CSV files' columns and rules.

Reading takes the sheet named like the table (``plan`` / ``progress``, any case)
if the workbook has one, else the first sheet. The header is the first
non-empty row; row numbers in errors are the row numbers Excel shows.
What Excel typed as numbers, dates, percentages or TRUE/FALSE is turned into
the text the CSV parser expects, so both formats go through the same checks.

Merged cells, and the habit they come from (a group's pledge / item cells
filled on its first row only), are refused with the row and column named:
every row of a plan file stands alone.

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
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from pledgetrack.exchange.errors import CellError, ImportRejected
from pledgetrack.exchange.files import write_atomically
from pledgetrack.exchange.tables import Row

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.worksheet import Worksheet

#: The reason given for a blank cell under a filled one, or a merged cell.
REPEAT_EVERY_ROW = "repeat the value on every row (merged cells are not supported)"

# ---------------------------------------------------------------- reading


def read_xlsx(
    path: Path,
    required: tuple[str, ...],
    *,
    filled: tuple[str, ...] | None = None,
    sheet: str | None = None,
) -> list[Row]:
    """Data rows of an .xlsx table whose header has every *required* column.

    *filled* are the columns that must have a value on every row (default:
    *required*): one left blank under a filled one is refused as a merged-looking
    group. Merged cells anywhere in the table are refused. *sheet* names the
    sheet to prefer (``plan``, ``progress``); otherwise the first sheet is read.
    Blank rows are skipped, as in CSV files.
    """
    name = str(path)
    workbook = _open(path, name)
    try:
        ws = _pick_sheet(workbook, sheet)
        merged = _merged_cells(ws)
        rows_iter = ws.iter_rows()
        header: list[str] = []
        header_row = 0
        for cells in rows_iter:
            texts = [_text(c) for c in cells]
            if any(texts):
                header = [x.strip().lower() for x in texts]
                header_row = cells[0].row
                break
        if not header:
            raise ImportRejected([CellError(name, 1, "-", "the sheet is empty")])
        missing = [c for c in required if c not in header]
        if missing:
            raise ImportRejected(
                [
                    CellError(name, header_row, c, "required column is missing from the header")
                    for c in missing
                ]
            )
        columns = [(i, h) for i, h in enumerate(header) if h]
        must_fill = set(required if filled is None else filled)
        last_filled: dict[str, int] = {}
        errors: list[CellError] = []
        reported: set[tuple[str, str]] = set()
        rows: list[Row] = []
        for cells in rows_iter:
            values = {
                column: _text(cells[index]) if index < len(cells) else ""
                for index, column in columns
            }
            if not any(v.strip() for v in values.values()):
                continue
            number = cells[0].row
            for index, column in columns:
                span = merged.get((number, index + 1))
                if span is not None:
                    if (span, column) not in reported:
                        reported.add((span, column))
                        errors.append(
                            CellError(
                                name,
                                number,
                                column,
                                f"part of merged cells {span} — {REPEAT_EVERY_ROW}",
                            )
                        )
                elif column in must_fill:
                    if values[column].strip():
                        last_filled[column] = number
                    elif column in last_filled:
                        errors.append(
                            CellError(
                                name,
                                number,
                                column,
                                f"blank (filled on row {last_filled[column]} above) — "
                                + REPEAT_EVERY_ROW,
                            )
                        )
            rows.append(Row(number, values))
        if errors:
            raise ImportRejected(errors)
        return rows
    finally:
        workbook.close()


def _open(path: Path, name: str) -> Workbook:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with path.open("rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise ImportRejected([CellError(name, 0, "-", f"cannot open: {exc.strerror}")]) from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected([CellError(name, 0, "-", OLD_EXCEL)])
    try:
        return load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError) as exc:
        raise ImportRejected(
            [CellError(name, 0, "-", f"not a readable .xlsx workbook ({exc})")]
        ) from None


#: Said of an old binary Excel file (.xls), whatever it is called.
OLD_EXCEL = (
    "this is an old Excel 97–2003 workbook (.xls), which cannot be read: "
    "open it in Excel or WPS and save it as .xlsx (Excel Workbook) or as CSV"
)


def _pick_sheet(workbook: Workbook, wanted: str | None) -> Worksheet:
    if wanted:
        for ws in workbook.worksheets:
            if ws.title.strip().lower() == wanted.lower():
                return ws
    return workbook.worksheets[0]


def _merged_cells(ws: Worksheet) -> dict[tuple[int, int], str]:
    """(row, column) of every cell hidden under a merge → the merged range, e.g. ``B2:B4``."""
    hidden: dict[tuple[int, int], str] = {}
    for span in ws.merged_cells.ranges:
        ref = span.coord
        for row in range(span.min_row, span.max_row + 1):
            for col in range(span.min_col, span.max_col + 1):
                if (row, col) != (span.min_row, span.min_col):
                    hidden[row, col] = ref
    return hidden


def _text(cell: Any) -> str:
    return cell_text(cell.value, getattr(cell, "number_format", "General") or "General")


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
    rows: Sequence[Sequence[str]],
    sheet_title: str,
) -> None:
    """Write one table as text cells (as the CSV writer would), header bold, frozen, filtered.

    A path is replaced atomically; a stream is written as is.
    """

    def save(out: IO[bytes]) -> None:
        _table_workbook(header, rows, sheet_title).save(out)

    if isinstance(target, Path):
        write_atomically(target, save)
    else:
        save(target)


def _table_workbook(
    header: Sequence[str], rows: Sequence[Sequence[str]], sheet_title: str
) -> Workbook:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.utils import get_column_letter

    wb = new_workbook("zh")
    ws = wb.create_sheet(sheet_title)
    set_column_widths(ws, column_widths([header, *rows]))
    ws.freeze_panes = "A2"
    bold = header_font(wb)
    head = []
    for name in header:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    for values in rows:
        ws.append([_text_cell(ws, WriteOnlyCell, v) for v in values])
    last = get_column_letter(max(len(header), 1))
    ws.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    return wb


_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def _text_cell(ws: Any, make: Callable[..., Any], value: str) -> Any:
    """A cell that stays text even if it reads ``=1+1`` or ``#N/A`` (a note may)."""
    if not value:
        return None
    cell = make(ws, value=_ILLEGAL.sub("", value))
    cell.data_type = "s"
    return cell


# ---------------------------------------------------------------- shared helpers

#: The Chinese font of the workbooks: Excel's default for Chinese since Office 2016,
#: with the GB2312 character set, so that Excel or WPS falls back to another Chinese
#: font (宋体) where 等线 is missing. English workbooks keep Excel's Calibri.
CJK_FONT = "等线"
GB2312_CHARSET = 134

#: Widths in Excel "characters": East Asian wide characters count 2.
MIN_WIDTH, MAX_WIDTH = 6, 60


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
        return "2020-10-31 00:00"
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
