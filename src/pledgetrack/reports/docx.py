"""The month-end report as a Word document, in the register of a government 通报.

The Chinese version follows the 公文 norms the October 2020 report was set in:
A4 with 37/35/28/26 mm margins, the title in 方正小标宋简体 二号, headings in 黑体
三号 numbered 一、二、…, the body in 仿宋_GB2312 三号 with a two-character first-line
indent and 28 pt lines, page numbers “— 1 —” in the footer. The English version
has the same structure in Times New Roman.

Every sentence comes from :mod:`pledgetrack.reports.text`, so the document says
exactly what the text report says; this module only lays it out. python-docx sets
only the Latin font of a run, so each run, each style and the document defaults
also get ``w:eastAsia`` — without it Word sets the Chinese in whatever its default
East Asian font is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length, Mm, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Row
from docx.text.paragraph import Paragraph

from pledgetrack.domain.dates import date_label, month_label
from pledgetrack.domain.numbers import format_percent
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.model import MonthReport
from pledgetrack.reports.text import (
    attention_lines,
    change_lines,
    forecast_lines,
    headline,
    item_paragraph,
    no_evidence_lines,
    report_sections,
)

#: The paragraph styles the document is built from (stable names, for reflowing and tests).
STYLE_TITLE = "PT Title"
STYLE_DATE = "PT Date"
STYLE_HEADING = "PT Heading"
STYLE_BODY = "PT Body"
STYLE_TABLE = "PT Table Text"
STYLE_TABLE_HEADER = "PT Table Header"
STYLE_FOOTER = "PT Footer"

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: What XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

#: Fonts a reader may not have, with what Word should use instead (the font table's altName).
_FALLBACK = {
    "方正小标宋简体": "宋体",
    "仿宋_GB2312": "仿宋",
    "楷体_GB2312": "楷体",
    "黑体": "SimHei",
    "宋体": "SimSun",
}


@dataclass(frozen=True)
class _Face:
    """One paragraph style: East Asian font, size in points, bold."""

    east_asian: str
    size: float
    bold: bool = False


@dataclass(frozen=True)
class Look:
    latin: str
    title: _Face
    date: _Face
    heading: _Face
    body: _Face
    table: _Face
    table_header: _Face
    footer: _Face
    line: float | None
    """Exact line spacing in points (the 公文 28 pt); None for 1.15 lines."""
    indent_chars: int
    """First-line indent of body paragraphs, in characters."""
    after: float
    """Space after a body paragraph, in points."""
    margins_mm: tuple[float, float, float, float]
    """Top, bottom, left, right."""
    lang: str
    """w:lang of the Latin text; the East Asian text is always zh-CN."""
    core_language: str


_LOOKS = {
    "zh": Look(
        latin="Times New Roman",
        title=_Face("方正小标宋简体", 22, bold=True),
        date=_Face("楷体_GB2312", 16),
        heading=_Face("黑体", 16),
        body=_Face("仿宋_GB2312", 16),
        table=_Face("仿宋_GB2312", 12),
        table_header=_Face("黑体", 12),
        footer=_Face("宋体", 14),
        line=28,
        indent_chars=2,
        after=0,
        margins_mm=(37, 35, 28, 26),
        lang="en-US",
        core_language="zh-CN",
    ),
    "en": Look(
        latin="Times New Roman",
        title=_Face("宋体", 18, bold=True),
        date=_Face("宋体", 12),
        heading=_Face("黑体", 14, bold=True),
        body=_Face("宋体", 12),
        table=_Face("宋体", 10),
        table_header=_Face("黑体", 10, bold=True),
        footer=_Face("宋体", 10),
        line=None,
        indent_chars=0,
        after=6,
        margins_mm=(25.4, 25.4, 25.4, 25.4),
        lang="en-US",
        core_language="en-US",
    ),
}


@dataclass(frozen=True, slots=True)
class Para:
    """A paragraph of one run of *text* in the paragraph style *style*."""

    text: str
    style: str


#: A table column: header, share of the text width in per cent (Chinese, English), centred.
Column = tuple[str, tuple[float, float], bool]


@dataclass(frozen=True, slots=True)
class Grid:
    """A bordered table (see :func:`add_table`), its *rows* read once, in order."""

    columns: list[Column]
    rows: Iterable[list[str]]


Block = Para | Grid


def write_docx(report: MonthReport, lang: str, out: BinaryIO) -> None:
    """Write the report as a .docx to the binary stream *out*.

    The body is written as XML while it is made (reports.docx_stream): a province's
    report as a python-docx tree took 1.1 GB. :func:`report_document` builds the same
    document as a tree.
    """
    from pledgetrack.reports.docx_stream import write_document

    document, look = _report_frame(report, lang)
    write_document(document, look, report_blocks(report, lang), out)


def report_document(report: MonthReport, lang: str) -> DocumentObject:
    """The report as a python-docx document, the whole body in memory (what
    :func:`write_docx` writes, for small reports and for checking it)."""
    document, look = _report_frame(report, lang)
    for block in report_blocks(report, lang):
        add_block(document, look, block)
    return document


def _report_frame(report: MonthReport, lang: str) -> tuple[DocumentObject, Look]:
    title = t("report.title", lang, plan=report.plan_title)
    return new_document(
        lang,
        title=title + t("report.as_of", lang, date=month_label(report.as_of, lang)),
        subject=report.plan_title,
    )


def report_blocks(report: MonthReport, lang: str) -> Iterator[Block]:
    """The report's body, block by block, made as it is read."""
    yield Para(t("report.title", lang, plan=report.plan_title), STYLE_TITLE)
    yield Para(t("docx.as_of", lang, date=date_label(report.as_of, lang)), STYLE_DATE)
    if report.department:
        yield Para(t("report.department", lang, name=report.department), STYLE_DATE)
    yield Para(headline(report, lang), STYLE_BODY)

    for heading, lines in report_sections(report, lang):
        if heading is not None:
            yield Para(heading, STYLE_HEADING)
        for line in lines:
            yield Para(item_paragraph(line, lang, report.plan_end), STYLE_BODY)

    yield Para(t("report.attention", lang), STYLE_HEADING)
    sep = t("report.list.sep", lang)
    if report.attention:
        yield Grid(
            [
                (t("col.no", lang), (7, 7), True),
                (t("col.item", lang), (31, 31), False),
                (t("col.status", lang), (13, 12), True),
                (t("col.completion", lang), (11.5, 10), True),
                (t("col.expected", lang), (9.5, 12), True),
                (t("col.department", lang), (28, 28), False),
            ],
            (
                [
                    str(line.no),
                    line.title,
                    status_label(line.status, lang),
                    format_percent(line.completion),
                    format_percent(line.expected),
                    sep.join(line.departments),
                ]
                for line in report.attention
            ),
        )
        for text in attention_lines(report, lang):
            yield Para(text, STYLE_BODY)
    else:
        yield Para(t("report.attention.none", lang), STYLE_BODY)
    for text in forecast_lines(report, lang):
        yield Para(text, STYLE_BODY)

    previous = month_label(report.changes.previous_as_of, lang)
    yield Para(t("report.changes", lang, date=previous), STYLE_HEADING)
    for text in change_lines(report, lang):
        yield Para(text, STYLE_BODY)

    if report.no_evidence is not None:  # report --evidence
        yield Para(t("report.no_evidence", lang), STYLE_HEADING)
        for text in no_evidence_lines(report, lang):
            yield Para(text, STYLE_BODY)

    yield Para(t("score.title", lang), STYLE_HEADING)
    if report.departments:
        yield Grid(
            [
                (t("col.department", lang), (28.5, 28), False),
                (t("score.col.items", lang), (12.5, 9), True),
                (t("score.col.lead", lang), (7, 8), True),
                (t("docx.score.col.status", lang), (24.5, 25), False),
                (t("score.col.completion", lang), (15, 18), True),
                (t("score.col.late", lang), (12.5, 12), True),
            ],
            (
                [
                    score.name,
                    str(score.items),
                    str(score.lead_items),
                    sep.join(
                        t("score.part", lang, status=status_label(status, lang), n=n)
                        for status, n in score.counts.items()
                        if n
                    ),
                    format_percent(score.completion),
                    str(score.late_reports),
                ]
                for score in report.departments
            ),
        )
    note = t("score.late.note", lang, date=date_label(report.reporting_deadline, lang))
    yield Para(note, STYLE_BODY)


def add_block(document: DocumentObject, look: Look, block: Block) -> None:
    """Add *block* to the end of *document*'s body."""
    if isinstance(block, Para):
        add_paragraph(document, block.text, block.style, look)
    else:
        add_table(document, look, block.columns, block.rows)


# -- layout -------------------------------------------------------------------------------------


def new_document(lang: str, *, title: str, subject: str) -> tuple[DocumentObject, Look]:
    """An empty A4 document in the register of *lang* (公文 norms in Chinese), its styles
    set up, titled *title*: what every document this program writes starts from."""
    look = _LOOKS["zh" if lang == "zh" else "en"]
    document = Document()
    _set_up(document, look)
    props = document.core_properties
    props.title = title
    props.subject = subject
    props.language = look.core_language
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.revision = 1
    # The template was made in 2013: date the document now.
    props.created = props.modified = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
    return document, look


def _set_up(document: DocumentObject, look: Look) -> None:
    """Page, default fonts and language, the paragraph styles, the footer."""
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, bottom, left, right = look.margins_mm
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(15), Mm(23 if look.line else 12.7)

    styles = document.styles
    # The document defaults name theme fonts, which win over explicit ones: replace them.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        r_pr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if r_pr is not None:
            fonts = r_pr.find(qn("w:rFonts"))
            if fonts is not None:
                for name in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                    fonts.attrib.pop(qn(f"w:{name}"), None)
                _set_fonts(fonts, look.latin, look.body.east_asian)
            language = r_pr.find(qn("w:lang"))
            if language is not None:
                language.set(qn("w:val"), look.lang)
                language.set(qn("w:eastAsia"), "zh-CN")

    normal = styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _style_face(normal, look, look.body)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    _line_spacing(normal, look)
    fmt.widow_control = True

    def add(
        name: str,
        face: _Face,
        align: WD_PARAGRAPH_ALIGNMENT | None = None,
        indent: bool = False,
    ) -> ParagraphStyle:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        style.base_style = normal
        style.quick_style = True
        _style_face(style, look, face)
        if align is not None:
            style.paragraph_format.alignment = align
        if indent and look.indent_chars:
            style.paragraph_format.first_line_indent = Pt(face.size * look.indent_chars)
            # Word prefers the indent in characters: it follows the font size.
            ind = style.element.get_or_add_pPr().get_or_add_ind()
            ind.set(qn("w:firstLineChars"), str(look.indent_chars * 100))
        return style

    center = WD_PARAGRAPH_ALIGNMENT.CENTER
    title = add(STYLE_TITLE, look.title, center)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    title.paragraph_format.space_before = Pt(look.title.size if look.line else 0)
    title.paragraph_format.keep_with_next = True
    date = add(STYLE_DATE, look.date, center)
    date.paragraph_format.keep_with_next = True
    date.paragraph_format.space_after = Pt(look.body.size if look.line else look.after * 2)
    body = add(STYLE_BODY, look.body, WD_PARAGRAPH_ALIGNMENT.JUSTIFY, indent=True)
    body.paragraph_format.space_after = Pt(look.after)
    heading = add(STYLE_HEADING, look.heading, indent=bool(look.line))
    heading.paragraph_format.keep_with_next = True
    heading.paragraph_format.space_before = Pt(0 if look.line else 12)
    heading.paragraph_format.space_after = Pt(look.after)
    heading.element.get_or_add_pPr().insert_element_before(
        parse_xml(f'<w:outlineLvl xmlns:w="{_W}" w:val="0"/>'),
        "w:divId",
        "w:cnfStyle",
        "w:rPr",
        "w:sectPr",
        "w:pPrChange",
    )
    for name, face in ((STYLE_TABLE, look.table), (STYLE_TABLE_HEADER, look.table_header)):
        style = add(name, face)
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        style.paragraph_format.space_after = Pt(0)
        style.paragraph_format.widow_control = False
    footer_style = add(STYLE_FOOTER, look.footer, center)
    footer_style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    _font_table(document)
    _page_numbers(document, look)
    # The template's thumbnail is a picture of an empty page: file browsers would show it.
    rels = document.part.package.rels
    for r_id in [r_id for r_id, rel in rels.items() if rel.reltype == RT.THUMBNAIL]:
        del rels[r_id]


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _style_face(style: ParagraphStyle, look: Look, face: _Face) -> None:
    style.font.name = look.latin
    style.font.size = Pt(face.size)
    style.font.bold = face.bold
    r_pr = style.element.get_or_add_rPr()
    _set_fonts(r_pr.get_or_add_rFonts(), look.latin, face.east_asian)


def _line_spacing(style: ParagraphStyle, look: Look) -> None:
    fmt = style.paragraph_format
    if look.line:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(look.line)
    else:
        fmt.line_spacing = 1.15


def _set_fonts(fonts: BaseOxmlElement, latin: str, east_asian: str) -> None:
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asian)


def face_for(style_name: str, look: Look) -> _Face:
    """The font face of the paragraph style *style_name*."""
    return {
        STYLE_TITLE: look.title,
        STYLE_DATE: look.date,
        STYLE_HEADING: look.heading,
        STYLE_BODY: look.body,
        STYLE_TABLE: look.table,
        STYLE_TABLE_HEADER: look.table_header,
        STYLE_FOOTER: look.footer,
    }[style_name]


def add_paragraph(document: DocumentObject, text: str, style: str, look: Look) -> Paragraph:
    """A new paragraph of one run in *style*."""
    paragraph = _new_paragraph(document)
    paragraph._p.style = style_id(document, style)
    _run(paragraph, text, face_for(style, look), look)
    return paragraph


def _new_paragraph(document: DocumentObject) -> Paragraph:
    """``document.add_paragraph()`` without its search of the whole body for the section
    properties it goes before, on every paragraph: quadratic, ten minutes and more for a
    province's report (30,000 paragraphs). The section properties are found once."""
    body = document.element.body
    found: dict[str, BaseOxmlElement | None] = document.__dict__.setdefault("_sect_pr", {})
    if "end" not in found:
        found["end"] = body.sectPr
    p = OxmlElement("w:p")
    end = found["end"]
    if end is not None and end.getparent() is body:
        end.addprevious(p)
    else:
        body.append(p)
    return Paragraph(p, document._body)


def style_id(document: DocumentObject, name: str) -> str:
    """The id of the style *name*, looked up once per document: python-docx finds a style
    by scanning every style each time one is set by name (a 催报通知 for 500 departments
    spent three quarters of its time there)."""
    ids: dict[str, str] = document.__dict__.setdefault("_style_ids", {})
    if name not in ids:
        ids[name] = document.styles[name].style_id
    return ids[name]


def _fill(
    document: DocumentObject, paragraph: Paragraph, text: str, style: str, look: Look
) -> None:
    """Put *text* into an existing (empty) paragraph, such as a table cell's."""
    paragraph._p.style = style_id(document, style)
    _run(paragraph, text, face_for(style, look), look)


def xml_text(text: str) -> str:
    """*text* without the characters XML 1.0 cannot hold (lxml refuses them; a control
    character pasted into a title would otherwise stop the report)."""
    return _NOT_XML.sub("", text)


def has_cjk(text: str) -> bool:
    """Whether *text* holds Chinese, Japanese or full-width characters (its run is hinted
    to the East Asian font)."""
    return _CJK.search(text) is not None


def _run(paragraph: Paragraph, text: str, face: _Face, look: Look) -> None:
    text = xml_text(text)
    run = paragraph.add_run(text)
    run.font.name = look.latin
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.get_or_add_rFonts()
    _set_fonts(fonts, look.latin, face.east_asian)
    if has_cjk(text):
        # Quotes, dashes and the like are shared by both scripts: set them in the CJK font.
        fonts.set(qn("w:hint"), "eastAsia")


def column_widths(look: Look, columns: list[Column]) -> list[Length]:
    """The widths of *columns*: their shares of the text width in the language of *look*."""
    _, _, left, right = look.margins_mm
    width = Mm(210 - left - right)
    pick = 0 if look.core_language == "zh-CN" else 1
    return [Length(int(width * shares[pick] / 100)) for _, shares, _ in columns]


def add_table(
    document: DocumentObject,
    look: Look,
    columns: list[Column],
    rows: Iterable[list[str]],
) -> Table:
    """A bordered table whose header row repeats on every page.

    *columns* are (header, share of the text width in per cent in Chinese and in English,
    centred): the English headers are wider and break only between words.
    """
    widths = column_widths(look, columns)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Narrow cell margins (2.85 pt a side): 公文 tables are set tight.
    table._tbl.tblPr.insert_element_before(
        parse_xml(
            f'<w:tblCellMar xmlns:w="{_W}"><w:left w:w="57" w:type="dxa"/>'
            '<w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        ),
        "w:tblLook",
        "w:tblCaption",
        "w:tblDescription",
        "w:tblPrChange",
    )
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width

    header = table.rows[0]
    tr_pr = header._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f'<w:tblHeader xmlns:w="{_W}"/>'))
    for cell, (text, _, _) in zip(header.cells, columns, strict=True):
        _fill(document, cell.paragraphs[0], text, STYLE_TABLE_HEADER, look)
        cell.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER

    # table.add_row() looks up the grid again for every row: slow for thousands of rows.
    grid = [column.w for column in table._tbl.tblGrid.gridCol_lst]
    for values in rows:
        row = _new_row(table, grid)
        row._tr.get_or_add_trPr().append(parse_xml(f'<w:cantSplit xmlns:w="{_W}"/>'))
        for cell, text, (_, _, centred) in zip(row.cells, values, columns, strict=True):
            _fill(document, cell.paragraphs[0], text, STYLE_TABLE, look)
            if centred:
                cell.paragraphs[0].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER

    for row in table.rows:
        for cell, column_width in zip(row.cells, widths, strict=True):
            cell.width = column_width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    # A little air between the table and the paragraph after it.
    spacer = document.add_paragraph()
    spacer._p.style = style_id(document, STYLE_TABLE)
    spacer.paragraph_format.space_after = Pt(look.after)
    return table


def _new_row(table: Table, grid: list[Length | None]) -> _Row:
    """``table.add_row()`` for a table whose column widths *grid* are read once."""
    tr = table._tbl.add_tr()
    for width in grid:
        tc = tr.add_tc()
        if width is not None:
            tc.width = width
    return _Row(tr, table)


def _page_numbers(document: DocumentObject, look: Look) -> None:
    """“— 1 —”: a PAGE field between dashes, centred in the footer."""
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.style = STYLE_FOOTER
    face = look.footer
    _run(paragraph, "— ", face, look)
    for kind in ("begin", None, "separate", "1", "end"):
        run = paragraph.add_run()
        run.font.name = look.latin
        _set_fonts(run._element.get_or_add_rPr().get_or_add_rFonts(), look.latin, face.east_asian)
        if kind is None:
            instr = parse_xml(
                f'<w:instrText xmlns:w="{_W}" xml:space="preserve"> PAGE </w:instrText>'
            )
            run._element.append(instr)
        elif kind == "1":
            run.text = "1"
        else:
            run._element.append(parse_xml(f'<w:fldChar xmlns:w="{_W}" w:fldCharType="{kind}"/>'))
    _run(paragraph, " —", face, look)


def _font_table(document: DocumentObject) -> None:
    """Declare the 公文 fonts with their stand-ins (altName) and the GB2312 character set."""
    part = next(
        (p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"),
        None,
    )
    if part is None or type(part) is not Part:
        return
    fonts = parse_xml(part.blob)
    present = {f.get(qn("w:name")) for f in fonts.findall(qn("w:font"))}
    for name, alt in _FALLBACK.items():
        if name in present:
            continue
        fonts.append(
            parse_xml(
                f'<w:font xmlns:w="{_W}" w:name="{name}">'
                f'<w:altName w:val="{alt}"/><w:charset w:val="86"/>'
                '<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
            )
        )
    part._blob = serialize_part_xml(fonts)
