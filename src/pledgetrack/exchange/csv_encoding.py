"""Which encoding a CSV file is in — one for the whole file, or a refusal naming the row.

Excel writes UTF-8 (with or without a BOM) or, on a Chinese Windows, GB18030. A file
pasted together from both is the danger: GB18030 decodes almost any byte string, so
UTF-8 rows in a GB18030 file would be stored as mojibake (进展顺利 as 杩涘睍椤哄埄)
without an error. So strict UTF-8 is tried first; when it fails, every line is
classed — ASCII (either), valid UTF-8, not UTF-8 — and a file with lines of both
kinds is refused, naming the first row of the kind fewer lines have (a BOM says
UTF-8 whatever the count). Chinese text in GB18030 is valid UTF-8 by chance very
rarely (none of the shipped files' lines is), and then the refusal asks for UTF-8,
which is safe.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable

from pledgetrack.domain.errors import CellError, ImportRejected

SAVE_IN_ONE = "save the whole file again in one encoding (UTF-8: Excel's “CSV UTF-8”)"


def decode_csv(data: bytes, name: str) -> str:
    """The text of a CSV file in UTF-8 (BOM or not) or GB18030, or ImportRejected
    naming the first row (and cell) that is in another encoding than the file."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = _lines(data)
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(lines):
        if not line.isascii():
            (utf8 if _is_utf8(line) else other).append(number)
    marked = data.startswith(codecs.BOM_UTF8)
    if marked or (utf8 and len(utf8) >= len(other)):
        bad, reason = other[0], _not_utf8(lines[other[0]], marked)
        return _refuse(data, name, bad, lambda cell: not _is_utf8(cell), reason)
    if utf8:
        reason = (
            "this row is UTF-8 text, but most of the file is GB18030 "
            f"(read as GB18030 it would be stored garbled): {SAVE_IN_ONE}"
        )
        return _refuse(data, name, utf8[0], lambda cell: not cell.isascii(), reason)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        bad = next(n for n, line in enumerate(lines) if not _is_gb18030(line))
        reason = "cannot read this row: it is neither UTF-8 nor GB18030 text"
        return _refuse(data, name, bad, lambda cell: not _is_gb18030(cell), reason)


def _lines(data: bytes) -> list[bytes]:
    """The file's physical lines as the csv module counts them (\\n, \\r\\n or \\r);
    neither encoding has a line end byte inside a character."""
    return data.splitlines()


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8(raw: bytes) -> bool:
    return _decodes(raw, "utf-8")


def _is_gb18030(raw: bytes) -> bool:
    return _decodes(raw, "gb18030")


def _not_utf8(line: bytes, marked: bool) -> str:
    why = "the file starts with a UTF-8 mark" if marked else "the rest of the file is UTF-8"
    seems = "it seems to be GB18030" if _is_gb18030(line) else "nor is it GB18030"
    return f"this row is not UTF-8 text ({why}); {seems}: {SAVE_IN_ONE}"


def _refuse(data: bytes, name: str, line: int, wrong: Callable[[bytes], bool], reason: str) -> str:
    """Raise for the row holding physical *line*, naming its first cell that is *wrong*."""
    row, column = _cell_of_line(data, line, wrong)
    raise ImportRejected([CellError(name, row, column, reason)])


def _cell_of_line(data: bytes, line: int, wrong: Callable[[bytes], bool]) -> tuple[int, str]:
    """(row, column) of the first *wrong* cell of the row that holds physical *line*.

    The file is parsed as Latin-1, which keeps every byte and the CSV structure
    (commas, quotes and line ends are ASCII, never inside a UTF-8 or GB18030 character).
    """
    reader = csv.reader(io.StringIO(data.decode("latin-1"), newline=""))
    header: list[str] = []
    for row, cells in enumerate(reader, start=1):
        raw = [cell.encode("latin-1") for cell in cells]
        if row == 1:
            header = [_header_name(cell) for cell in raw]
        if reader.line_num > line:
            index = next((i for i, cell in enumerate(raw) if wrong(cell)), 0)
            return row, column_name(header, index)
    return 1, "-"  # pragma: no cover - the line is in the file


def _header_name(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding).strip().lower()
        except UnicodeDecodeError:
            continue
    return ""


def column_name(header: list[str], index: int) -> str:
    """The header's name for column *index* (0-based), else ``column H`` as Excel shows it."""
    if index < len(header) and header[index]:
        return header[index]
    letters = ""
    number = index + 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"column {letters}"
