"""An .xlsx file checked before openpyxl reads it: a zip archive with a workbook, parts
within the size bounds, and a sheet to read that is not in doubt.

The bounds keep the memory of an import bounded whatever the file claims. The sizes
are the ones the zip directory declares: Python's zipfile inflates no more than the
declared size of a part (a part that would inflate further fails its CRC check), so a
zip bomb is refused from its directory, before anything is inflated. Entity
declarations (a "billion laughs" workbook) are refused by defusedxml, which openpyxl
uses for its streamed parsing when it is installed (a dependency); the parts it reads
whole go through lxml with entity resolution off.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from pledgetrack.domain.errors import CellError, ImportRejected

MB = 1024 * 1024
#: The sheet read, streamed row by row (a province's 100k-row progress sheet is ~30 MB).
MAX_SHEET_BYTES = 200 * MB
#: The shared strings, which openpyxl holds in memory whole: their XML …
MAX_SHARED_STRINGS_BYTES = 100 * MB
#: … and their number (each costs about 100 bytes beyond its text).
MAX_SHARED_STRINGS = 500_000
#: Any other XML part (workbook, styles, relationships…), parsed whole.
MAX_PART_BYTES = 20 * MB

#: What a file that cannot be read as a workbook is told.
NOT_A_WORKBOOK = "not a readable .xlsx workbook"
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>/]")


@dataclass(frozen=True)
class SheetEntry:
    """A worksheet as the workbook lists it, in tab order."""

    title: str
    #: ``visible``, ``hidden`` or ``veryHidden`` (hidden from Excel's Unhide list).
    state: str
    #: Its XML part in the archive, e.g. ``xl/worksheets/sheet1.xml``.
    part: str

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


def check_workbook(path: Path, table: str, named: str | None) -> tuple[SheetEntry, int]:
    """The sheet to read and how many worksheets there are, or ImportRejected: the file
    is not a workbook, a part is over its bound, or the sheet to read is in doubt."""
    name = str(path)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(archive, name)
            sheets = _sheets(archive, name)
            sheet = choose_sheet(sheets, table, named, name)
            _check_part(archive, sheet.part, MAX_SHEET_BYTES, name, f"the sheet {sheet.title!r}")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise ImportRejected(
            [
                CellError(
                    name,
                    0,
                    "-",
                    f"{NOT_A_WORKBOOK}: it is not a zip archive, or it is cut short "
                    "(save it again from Excel or WPS)",
                )
            ]
        ) from None
    except OSError as exc:
        raise ImportRejected([CellError(name, 0, "-", f"cannot open: {exc.strerror}")]) from None
    return sheet, len(sheets)


def refuse(name: str, reason: str) -> ImportRejected:
    return ImportRejected([CellError(name, 0, "-", reason)])


def _check_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """Every XML part openpyxl parses whole, and the shared strings, within bounds."""
    for info in archive.infolist():
        part = info.filename
        if "worksheets/" in part or not part.endswith((".xml", ".rels", ".vml")):
            continue  # a sheet is checked when chosen; pictures are not read
        if part.endswith("sharedStrings.xml"):
            _check_part(archive, part, MAX_SHARED_STRINGS_BYTES, name, "the shared strings")
            _count_shared_strings(archive, part, name)
        else:
            _check_part(archive, part, MAX_PART_BYTES, name, part)


def _check_part(archive: zipfile.ZipFile, part: str, bound: int, name: str, what: str) -> None:
    size = archive.getinfo(part).file_size
    if size > bound:
        raise refuse(
            name,
            f"{what} would take {size / MB:,.0f} MB unpacked, more than the {bound // MB} MB "
            "a workbook part may take here: split the file, or save it as CSV",
        )


def _count_shared_strings(archive: zipfile.ZipFile, part: str, name: str) -> None:
    """Refuse more than MAX_SHARED_STRINGS entries, counted as the XML streams by (the
    count the file states may be wrong)."""
    count = 0
    tail = b""
    with archive.open(part) as xml:
        while chunk := xml.read(1 << 20):
            data = tail + chunk
            cut = max(len(data) - 16, 0)  # a tag cut by the chunk's end is counted next time
            count += sum(1 for m in _SHARED_STRING.finditer(data) if m.start() < cut)
            tail = data[cut:]
            if count > MAX_SHARED_STRINGS:
                raise refuse(
                    name,
                    f"the workbook holds more than {MAX_SHARED_STRINGS:,} different texts, "
                    "the most an import reads: split the file, or save it as CSV",
                )


def _sheets(archive: zipfile.ZipFile, name: str) -> list[SheetEntry]:
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.reader.excel import _find_workbook_part
    from openpyxl.reader.workbook import WorkbookParser
    from openpyxl.xml.constants import ARC_CONTENT_TYPES
    from openpyxl.xml.functions import fromstring

    try:
        package = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
        parser = WorkbookParser(archive, _find_workbook_part(package).PartName[1:])
        parser.parse()
        sheets = [
            SheetEntry(sheet.name, sheet.state or "visible", rel.target)
            for sheet, rel in parser.find_sheets()
            if rel.Type.endswith("/worksheet") and rel.target in archive.namelist()
        ]
    except (KeyError, OSError, SyntaxError, ValueError, TypeError, AttributeError) as exc:
        raise refuse(name, f"{NOT_A_WORKBOOK}: it holds no workbook ({exc})") from None
    if not sheets:
        raise refuse(name, f"{NOT_A_WORKBOOK}: it has no worksheet")
    return sheets


def choose_sheet(sheets: list[SheetEntry], table: str, named: str | None, name: str) -> SheetEntry:
    """The sheet *named* (any case), else the visible one named like *table* (``plan``,
    ``progress``), else the first sheet if it is visible. A hidden sheet is read only
    when named: otherwise what Excel shows and what would be imported could differ."""

    def listed() -> str:
        return ", ".join(f"{s.title!r}" + (" (hidden)" if s.hidden else "") for s in sheets)

    def find(title: str) -> SheetEntry | None:
        return next((s for s in sheets if s.title.strip().lower() == title.lower()), None)

    if named:
        sheet = find(named.strip())
        if sheet is None:
            raise refuse(name, f"the workbook has no sheet {named!r}: its sheets are {listed()}")
        return sheet
    sheet = find(table)
    if sheet is None:
        sheet = sheets[0]
        if not sheet.hidden:
            return sheet
        why = f"its first sheet {sheet.title!r} is hidden"
    elif sheet.hidden:
        why = f"its sheet {sheet.title!r} is hidden"
    else:
        return sheet
    raise refuse(
        name,
        f"{why}, so which sheet to read is unclear: name it with --sheet "
        f"(the sheets are {listed()})",
    )
