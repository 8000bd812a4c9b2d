"""The DOCX month-end report: the text report's sentences, laid out as a 公文 通报."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Length, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from sqlalchemy.engine import Engine

from pledgetrack.domain.dates import date_label, month_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.report_format import ReportFormat, format_for
from pledgetrack.i18n import t
from pledgetrack.reports.docx import (
    STYLE_BODY,
    STYLE_DATE,
    STYLE_HEADING,
    STYLE_TITLE,
    write_docx,
)
from pledgetrack.reports.model import MonthReport
from pledgetrack.reports.text import (
    attention_lines,
    change_lines,
    headline,
    item_paragraph,
    pledge_heading,
)
from pledgetrack.services.month_report import build_month_report, write_report

#: Word documents built and re-read: seconds in all (`pytest -m "not slow"` leaves them out).
pytestmark = pytest.mark.slow

OCTOBER = date(2020, 10, 1)
BEHIND_IN_OCTOBER = [8, 15, 18, 26, 28, 30]
CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def report(qingdao: Engine) -> MonthReport:
    return build_month_report(qingdao, month=OCTOBER)


def _docx_bytes(report: MonthReport, lang: str) -> bytes:
    out = BytesIO()
    write_docx(report, lang, out)
    return out.getvalue()


def _open(report: MonthReport, lang: str) -> Document:
    return docx.Document(BytesIO(_docx_bytes(report, lang)))


def _styled(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def _heading(no: int, title: str, lang: str) -> str:
    return f"{pledge_heading(no, lang)}{title}" if lang == "zh" else f"{no}. {title}"


def _expected_body(report: MonthReport, lang: str) -> list[str]:
    """Every body paragraph, in order: what the text report says, sentence for sentence."""
    items = [
        item_paragraph(line, lang, report.plan_end)
        for section in report.pledges
        for line in section.items
    ]
    return [
        headline(report, lang),
        *items,
        *attention_lines(report, lang),
        *change_lines(report, lang),
        t("score.late.note", lang, date=date_label(report.reporting_deadline, lang)),
    ]


def _tables(document: Document) -> list[Table]:
    return list(document.tables)


def _cells(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_it_is_a_word_package_with_the_report_title(report: MonthReport, lang: str) -> None:
    data = _docx_bytes(report, lang)
    with zipfile.ZipFile(BytesIO(data)) as package:
        assert package.testzip() is None
        names = package.namelist()
    assert "word/document.xml" in names and "[Content_Types].xml" in names
    assert "docProps/thumbnail.jpeg" not in names  # the template's picture of an empty page

    document = docx.Document(BytesIO(data))
    title = t("report.title", lang, plan=report.plan_title)
    assert _styled(document, STYLE_TITLE) == [title]
    assert document.paragraphs[0].text == title
    assert document.core_properties.title == title + t(
        "report.as_of", lang, date=month_label(report.as_of, lang)
    )
    assert document.core_properties.language == ("zh-CN" if lang == "zh" else "en-US")
    assert document.core_properties.author == ""


def test_the_chinese_report_says_what_the_text_report_says(report: MonthReport) -> None:
    document = _open(report, "zh")
    assert document.paragraphs[0].text == "2020年青岛市市办实事进展情况"
    assert _styled(document, STYLE_DATE) == ["（截至2020年10月31日）"]
    body = _styled(document, STYLE_BODY)
    assert body[0] == headline(report, "zh")
    assert body[0].startswith(
        "截至2020年10月底，2020年青岛市市办实事12件36项中的18项已实现年度目标"
    )
    assert body == _expected_body(report, "zh")
    assert body[1].startswith("1.就业方面，城镇新增就业41.58万人，占年计划的138.6%")

    headings = _styled(document, STYLE_HEADING)
    assert len(report.pledges) == 12
    assert headings[:12] == [_heading(s.no, s.title, "zh") for s in report.pledges]
    assert headings[0].startswith("一、促进城乡就业创业")
    assert headings[11].startswith("十二、提高政务服务水平")
    assert headings[12:] == ["需关注事项", "与2020年9月底相比", "各责任单位情况"]


def test_items_follow_their_pledge_heading(report: MonthReport) -> None:
    """The body in document order: each pledge heading, then exactly its items."""
    document = _open(report, "zh")
    sequence = [
        block.text if isinstance(block, Paragraph) else "<table>"
        for block in document.iter_inner_content()
    ]
    for section in report.pledges:
        at = sequence.index(_heading(section.no, section.title, "zh"))
        expected = [item_paragraph(line, "zh", report.plan_end) for line in section.items]
        assert sequence[at + 1 : at + 1 + len(expected)] == expected
    # Tables come after the attention and scorecard headings.
    assert sequence[sequence.index("需关注事项") + 1] == "<table>"
    assert sequence[sequence.index("各责任单位情况") + 1] == "<table>"
    assert sequence.count("<table>") == 2


def test_the_attention_table_lists_octobers_behind_items(report: MonthReport) -> None:
    attention, _ = _tables(_open(report, "zh"))
    rows = _cells(attention)
    assert rows[0] == ["序号", "事项", "状态", "完成率", "应达", "责任单位"]
    assert len(rows) == 1 + 6
    assert [int(r[0]) for r in rows[1:]] == BEHIND_IN_OCTOBER
    assert all(r[2] == "进度滞后" for r in rows[1:])
    assert rows[1] == ["8", "节能保暖改造", "进度滞后", "63.5%", "83.3%", "市住房城乡建设局"]
    assert rows[2][5] == "市卫生健康委、市红十字会"
    # The header row repeats on every page; the table has borders.
    assert attention.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert attention.style is not None and attention.style.name == "Table Grid"


def test_the_scorecard_table_has_a_row_per_department(report: MonthReport) -> None:
    _, scorecard = _tables(_open(report, "zh"))
    rows = _cells(scorecard)
    assert rows[0] == ["责任单位", "负责事项", "牵头", "事项状态", "平均完成率", "迟报指标"]
    assert [r[0] for r in rows[1:]] == [s.name for s in report.departments]
    culture = next(r for r in rows if r[0] == "市文化和旅游局")
    assert culture == ["市文化和旅游局", "2", "2", "已完成1项、进度滞后1项", "85.7%", "6"]
    assert scorecard.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def _runs(document: Document) -> list:
    parts = [document.element.body]
    parts += [s.footer._element for s in document.sections]
    return [r for part in parts for r in part.iter(qn("w:r"))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_run_with_chinese_names_its_east_asian_font(report: MonthReport, lang: str) -> None:
    document = _open(report, lang)
    cjk_runs = 0
    for run in _runs(document):
        text = "".join(x.text or "" for x in run.iter(qn("w:t")))
        if not CJK.search(text):
            continue
        cjk_runs += 1
        fonts = run.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None, text
        assert fonts.get(qn("w:eastAsia")), text
        assert fonts.get(qn("w:ascii")) == "Times New Roman"
    # Titles, items and every table cell that holds Chinese.
    assert cjk_runs > 36 + 2 * 6


def test_the_defaults_and_normal_style_name_the_east_asian_font(report: MonthReport) -> None:
    document = _open(report, "zh")
    normal = document.styles["Normal"]
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.name == "Times New Roman"

    defaults = document.styles.element.find(qn("w:docDefaults"))
    default_fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert default_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    # Theme fonts would win over the named ones.
    assert default_fonts.get(qn("w:eastAsiaTheme")) is None
    language = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    assert language.get(qn("w:eastAsia")) == "zh-CN"


def test_the_chinese_styles_follow_the_official_document_norms(report: MonthReport) -> None:
    document = _open(report, "zh")

    def east_asian(name: str) -> str:
        return document.styles[name].element.rPr.rFonts.get(qn("w:eastAsia"))

    title = document.styles[STYLE_TITLE]
    assert east_asian(STYLE_TITLE) == "方正小标宋简体"
    assert title.font.size == Pt(22) and title.font.bold
    assert title.paragraph_format.alignment == WD_PARAGRAPH_ALIGNMENT.CENTER

    heading = document.styles[STYLE_HEADING]
    assert east_asian(STYLE_HEADING) == "黑体"
    assert heading.font.size == Pt(16)
    assert heading.element.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == "0"

    body = document.styles[STYLE_BODY]
    assert east_asian(STYLE_BODY) == "仿宋_GB2312"
    assert body.font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.element.pPr.ind.get(qn("w:firstLineChars")) == "200"
    # Inherited from Normal: exactly 28 pt lines.
    normal = document.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.line_spacing == Pt(28)

    # Fonts a reader may lack name their stand-ins.
    font_table = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    ).blob.decode("utf-8")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>', font_table)
    assert re.search(r'w:name="方正小标宋简体"><w:altName w:val="宋体"/>', font_table)


def test_the_page_is_a4_with_official_margins_and_page_numbers(report: MonthReport) -> None:
    document = _open(report, "zh")
    section = document.sections[0]

    def mm(*lengths: Length | None) -> list[float]:
        return [round(x.mm, 1) if x is not None else -1 for x in lengths]

    # Stored in twentieths of a point: exact to a tenth of a millimetre.
    assert mm(section.page_width, section.page_height) == [210, 297]
    assert mm(section.top_margin, section.bottom_margin) == [37, 35]
    assert mm(section.left_margin, section.right_margin) == [28, 26]
    footer = section.footer._element
    instructions = [x.text for x in footer.iter(qn("w:instrText"))]
    assert instructions == [" PAGE "]
    assert section.footer.paragraphs[0].text == "— 1 —"


def test_the_english_report_says_what_the_english_text_report_says(report: MonthReport) -> None:
    document = _open(report, "en")
    assert document.paragraphs[0].text == "2020年青岛市市办实事: progress report"
    assert _styled(document, STYLE_DATE) == ["(as of 2020-10-31)"]
    body = _styled(document, STYLE_BODY)
    assert body == _expected_body(report, "en")
    assert body[0].startswith("As of the end of October 2020, 18 of the 36 items")

    headings = _styled(document, STYLE_HEADING)
    assert headings[:12] == [_heading(s.no, s.title, "en") for s in report.pledges]
    assert headings[0].startswith("1. 促进城乡就业创业")
    assert headings[12:] == [
        "Needs attention",
        "Changes since the end of September 2020",
        "Departments",
    ]

    attention, scorecard = _tables(document)
    rows = _cells(attention)
    assert rows[0] == ["No.", "Item", "Status", "Done", "Expected", "Department"]
    assert [int(r[0]) for r in rows[1:]] == BEHIND_IN_OCTOBER
    assert all(r[2] == "behind" for r in rows[1:])
    score_rows = _cells(scorecard)
    assert score_rows[0][0] == "Department"
    assert len(score_rows) == 1 + len(report.departments)
    culture = next(r for r in score_rows if r[0] == "市文化和旅游局")
    assert culture[3] == "1 achieved; 1 behind"

    body_style = document.styles[STYLE_BODY]
    assert body_style.font.name == "Times New Roman"
    assert body_style.paragraph_format.first_line_indent in (None, 0)
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "宋体"


def test_a_department_report_with_nothing_behind_says_so(qingdao: Engine) -> None:
    report = build_month_report(qingdao, month=OCTOBER, department="市民政局")
    assert not report.attention
    assert all(line.status is Status.ACHIEVED for s in report.pledges for line in s.items)
    document = _open(report, "zh")
    assert _styled(document, STYLE_DATE) == ["（截至2020年10月31日）", "责任单位：市民政局"]
    body = _styled(document, STYLE_BODY)
    assert t("report.attention.none", "zh") in body
    assert len(document.tables) == 1  # the scorecard only


def test_write_report_picks_docx_from_the_file_name(report: MonthReport, tmp_path: Path) -> None:
    path = tmp_path / "2020-10.docx"
    fmt = format_for(path)
    assert fmt is ReportFormat.docx
    write_report(report, fmt, "zh", path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text == "2020年青岛市市办实事进展情况"
