"""A Word document whose body is written as XML while it is made.

python-docx keeps the whole document as an lxml tree until it is saved: a province's
month report (100,000 targets) took 1.1 GB that way. Here python-docx makes only the
frame — styles, page, footer, fonts, properties — with an empty body; the package is
then copied part by part into *out*, and the body's paragraphs and tables are written
into ``word/document.xml`` as they come, a megabyte of text at a time.

The XML is what python-docx writes for the same blocks (reports.docx: ``add_paragraph``,
``add_table``), character for character; tests/test_report_docx_stream.py compares the
two.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from io import BytesIO
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from docx.document import Document as DocumentObject
from docx.shared import Length, Pt

from pledgetrack.reports.docx import (
    STYLE_TABLE,
    STYLE_TABLE_HEADER,
    Block,
    Grid,
    Look,
    Para,
    column_widths,
    face_for,
    has_cjk,
    style_id,
    xml_text,
)
from pledgetrack.reports.render import write_pieces

#: Where the body's blocks go in the frame's document part: an empty body holds only
#: its section properties.
_EMPTY_BODY = "<w:body><w:sectPr"

#: The table properties python-docx gives a new table set as ``add_table`` sets them
#: (style, centred, fixed layout, narrow cell margins); ``{style}`` is the style's id.
_TABLE_PROPERTIES = (
    '<w:tblPr><w:tblStyle w:val={style}/><w:tblW w:type="auto" w:w="0"/>'
    '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/>'
    '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
    "</w:tblCellMar>"
    '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
    'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr>'
)


def write_document(
    document: DocumentObject, look: Look, blocks: Iterable[Block], out: BinaryIO
) -> None:
    """Write *document* (its body empty) with *blocks* as its body to *out*, a .docx."""
    if len(document.element.body) != 1 or document.element.body.sectPr is None:
        raise ValueError("the document's body must hold only its section properties")
    frame = BytesIO()
    document.save(frame)
    body_part = document.part.partname.lstrip("/")
    writer = _BodyWriter(document, look)
    with (
        zipfile.ZipFile(frame) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != body_part:
                target.writestr(info, source.read(info))
                continue
            xml = source.read(info).decode("utf-8")
            at = xml.index(_EMPTY_BODY) + len("<w:body>")
            entry = zipfile.ZipInfo(info.filename, info.date_time)
            entry.compress_type = info.compress_type
            entry.external_attr = info.external_attr
            with target.open(entry, "w") as part:
                write_pieces(_pieces(xml[:at], writer.pieces(blocks), xml[at:]), part)


def _pieces(head: str, body: Iterator[str], tail: str) -> Iterator[str]:
    yield head
    yield from body
    yield tail


class _BodyWriter:
    """The XML of blocks in one document: style ids and run properties found once."""

    def __init__(self, document: DocumentObject, look: Look) -> None:
        self._document = document
        self._look = look
        self._style_ids: dict[str, str] = {}
        self._fonts: dict[tuple[str, bool], str] = {}

    def pieces(self, blocks: Iterable[Block]) -> Iterator[str]:
        for block in blocks:
            if isinstance(block, Para):
                yield self._paragraph(block.text, block.style)
            else:
                yield from self._table(block)

    def _style_id(self, style: str) -> str:
        if style not in self._style_ids:
            self._style_ids[style] = quoteattr(style_id(self._document, style))
        return self._style_ids[style]

    def _paragraph(self, text: str, style: str, *, centred: bool = False) -> str:
        jc = '<w:jc w:val="center"/>' if centred else ""
        return (
            f"<w:p><w:pPr><w:pStyle w:val={self._style_id(style)}/>{jc}</w:pPr>"
            f"{self._run(xml_text(text), style)}</w:p>"
        )

    def _run(self, text: str, style: str) -> str:
        """One run as ``_run`` in reports.docx makes it: Latin and East Asian fonts
        named, hinted to the East Asian one when the text holds Chinese; tabs and line
        breaks as python-docx writes them."""
        hint = has_cjk(text)
        key = (style, hint)
        if key not in self._fonts:
            latin = quoteattr(self._look.latin)
            east_asian = quoteattr(face_for(style, self._look).east_asian)
            hinted = ' w:hint="eastAsia"' if hint else ""
            self._fonts[key] = (
                f"<w:rPr><w:rFonts w:ascii={latin} w:hAnsi={latin} w:cs={latin} "
                f"w:eastAsia={east_asian}{hinted}/></w:rPr>"
            )
        return f"<w:r>{self._fonts[key]}{_run_content(text)}</w:r>"

    def _table(self, grid: Grid) -> Iterator[str]:
        widths = [Length(w).twips for w in column_widths(self._look, grid.columns)]
        yield "<w:tbl>" + _TABLE_PROPERTIES.format(style=self._style_id("Table Grid"))
        yield "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths) + "</w:tblGrid>"
        header = [(text, True) for text, _, _ in grid.columns]
        yield self._row("<w:tblHeader/>", header, widths, STYLE_TABLE_HEADER)
        centred = [centre for _, _, centre in grid.columns]
        for values in grid.rows:
            cells = list(zip(values, centred, strict=True))
            yield self._row("<w:cantSplit/>", cells, widths, STYLE_TABLE)
        yield "</w:tbl>"
        # The spacer after the table (add_table's).
        after = Pt(self._look.after).twips
        yield (
            f"<w:p><w:pPr><w:pStyle w:val={self._style_id(STYLE_TABLE)}/>"
            f'<w:spacing w:after="{after}"/></w:pPr></w:p>'
        )

    def _row(
        self, properties: str, cells: list[tuple[str, bool]], widths: list[int], style: str
    ) -> str:
        return (
            f"<w:tr><w:trPr>{properties}</w:trPr>"
            + "".join(
                f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>'
                '<w:vAlign w:val="center"/></w:tcPr>'
                f"{self._paragraph(text, style, centred=centre)}</w:tc>"
                for (text, centre), width in zip(cells, widths, strict=True)
            )
            + "</w:tr>"
        )


def _run_content(text: str) -> str:
    """python-docx's run text: a tab is ``<w:tab/>``, a line break ``<w:br/>``, the
    rest ``<w:t>``, whose spaces are kept when it starts or ends with one."""
    if not text:
        return ""
    if "\t" not in text and "\n" not in text and "\r" not in text:
        return _t(text)
    pieces: list[str] = []
    start = 0
    for at, char in enumerate(text):
        if char in "\t\r\n":
            if at > start:
                pieces.append(_t(text[start:at]))
            pieces.append("<w:tab/>" if char == "\t" else "<w:br/>")
            start = at + 1
    if start < len(text):
        pieces.append(_t(text[start:]))
    return "".join(pieces)


def _t(text: str) -> str:
    if len(text.strip()) < len(text):
        return f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    return f"<w:t>{escape(text)}</w:t>"
