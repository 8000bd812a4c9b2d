"""Every output format of the month-end report, behind one function.

Renderers read the MonthReport and compute nothing; the text formats return a
string, the Office formats write a stream. Files are written atomically.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from pledgetrack.exchange.files import write_atomically
from pledgetrack.reports.model import MonthReport

#: Called with (done, total) while a long export runs.
Progress = Callable[[int, int], None]


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


def render_string(report: MonthReport, fmt: ReportFormat, lang: str) -> str:
    """The report as text, Markdown or a self-contained HTML page."""
    if fmt is ReportFormat.text:
        from pledgetrack.reports.text import render_text

        return render_text(report, lang)
    if fmt is ReportFormat.md:
        from pledgetrack.reports.text import render_markdown

        return render_markdown(report, lang)
    if fmt is ReportFormat.html:
        from pledgetrack.reports.html import render_html

        return render_html(report, lang)
    raise ValueError(f"{fmt} is written to a file, not returned as text")


def write_stream(
    report: MonthReport,
    fmt: ReportFormat,
    lang: str,
    out: BinaryIO,
    progress: Progress | None = None,
) -> None:
    """Write the report in *fmt* to a binary stream."""
    if fmt is ReportFormat.xlsx:
        from pledgetrack.reports.xlsx import write_xlsx

        write_xlsx(report, lang, out, progress=progress)
    elif fmt is ReportFormat.docx:
        from pledgetrack.reports.docx import write_docx

        write_docx(report, lang, out)
    else:
        out.write(render_string(report, fmt, lang).encode("utf-8"))


def write_report(
    report: MonthReport,
    fmt: ReportFormat,
    lang: str,
    path: Path,
    progress: Progress | None = None,
) -> None:
    """Write the report to *path*: complete, or not at all."""
    write_atomically(path, lambda out: write_stream(report, fmt, lang, out, progress))


def format_for(path: Path) -> ReportFormat | None:
    """The format a file name asks for (``.txt`` → text, ``.md``, ``.html``, ``.xlsx``, ``.docx``)."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("txt", "text"):
        return ReportFormat.text
    if suffix in ("htm", "html"):
        return ReportFormat.html
    try:
        return ReportFormat(suffix)
    except ValueError:
        return None
