"""Every output format of the month-end report, behind one function.

Renderers read the MonthReport and compute nothing; the text formats return a
string, every format can be written to a stream. Which file it goes to, and
writing that file whole, is the caller's (``services.month_report.write_report``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import IO, BinaryIO

from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.reports.model import MonthReport

#: Called with (done, total) while a long export runs.
Progress = Callable[[int, int], None]


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
    elif fmt is ReportFormat.html:
        from pledgetrack.reports.html import html_pieces

        write_pieces(html_pieces(report, lang), out)
    else:
        out.write(render_string(report, fmt, lang).encode("utf-8"))


#: Characters encoded and written at a time.
_CHUNK = 1 << 20


def write_pieces(pieces: Iterable[str], out: IO[bytes]) -> None:
    """Text made piece by piece, written as UTF-8 as it comes, about :data:`_CHUNK`
    characters at a time (a long piece, a province's chart, in slices)."""
    batch: list[str] = []
    size = 0
    for piece in pieces:
        if len(piece) >= _CHUNK:
            out.write("".join(batch).encode("utf-8"))
            batch, size = [], 0
            for start in range(0, len(piece), _CHUNK):
                out.write(piece[start : start + _CHUNK].encode("utf-8"))
            continue
        batch.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            out.write("".join(batch).encode("utf-8"))
            batch, size = [], 0
    out.write("".join(batch).encode("utf-8"))
