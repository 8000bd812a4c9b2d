"""The formats a month-end report is written in, and which file names say which format.

A file is what its name says it is: ``oct.docx`` is a Word document, ``oct.pdf``
is refused (no renderer writes PDF), and ``--format md`` with ``x.html`` is
refused rather than writing Markdown into a file that claims to be a web page.
A name without a suffix claims nothing and takes the format asked for.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pledgetrack.domain.errors import UnsupportedFileType


class ReportFormat(StrEnum):
    text = "text"
    md = "md"
    html = "html"
    xlsx = "xlsx"
    docx = "docx"

    @property
    def binary(self) -> bool:
        return self in (ReportFormat.xlsx, ReportFormat.docx)

    @property
    def needs_history(self) -> bool:
        """The XLSX workbook has a sheet of every reading."""
        return self is ReportFormat.xlsx

    @property
    def suffix(self) -> str:
        """The usual file suffix (``.txt`` for text)."""
        return ".txt" if self is ReportFormat.text else f".{self.value}"


#: Every suffix a report is written under, and its format.
SUFFIXES: dict[str, ReportFormat] = {
    ".txt": ReportFormat.text,
    ".text": ReportFormat.text,
    ".md": ReportFormat.md,
    ".htm": ReportFormat.html,
    ".html": ReportFormat.html,
    ".xlsx": ReportFormat.xlsx,
    ".docx": ReportFormat.docx,
}


def format_for(path: Path) -> ReportFormat | None:
    """The format a file name asks for (``.txt`` → text, ``.md``, ``.html``, ``.xlsx``,
    ``.docx``); None for any other suffix, or none."""
    return SUFFIXES.get(path.suffix.lower())


def report_format(requested: ReportFormat | None, path: Path | None) -> ReportFormat:
    """The format to write: *requested*, else the one *path*'s suffix names, else text.

    Raises UnsupportedFileType when the suffix is not a report format, or names
    another format than *requested*.
    """
    if path is None or not path.suffix:
        return requested or ReportFormat.text
    named = format_for(path)
    if named is None:
        known = ", ".join(f.suffix for f in ReportFormat)
        raise UnsupportedFileType(
            f"{path.name}: {path.suffix} is not a report format (use {known})"
        )
    if requested is not None and requested is not named:
        raise UnsupportedFileType(
            f"{path.name} is named as {named.value}, not {requested.value}: "
            f"name it {path.stem}{requested.suffix}, or ask for {named.value}"
        )
    return named
