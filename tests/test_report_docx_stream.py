"""The DOCX report's body is written as XML while it is made (a province's report as a
python-docx tree took 1.1 GB): the file is the one python-docx builds, part for part."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.table import Table
from sqlalchemy.engine import Engine

from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.reports import docx as report_docx
from pledgetrack.reports.docx import (
    STYLE_BODY,
    STYLE_HEADING,
    STYLE_TITLE,
    Block,
    Grid,
    Para,
    add_block,
    new_document,
    report_document,
    write_docx,
)
from pledgetrack.reports.docx_stream import write_document
from pledgetrack.reports.model import MonthReport
from pledgetrack.services.month_report import build_month_report, write_report

OCTOBER = date(2020, 10, 1)

#: Text python-docx writes in more than one element, or escapes, or marks as spaced.
AWKWARD = [
    "",
    " leading and trailing spaces ",
    "\u3000全角空格开头",
    "a\ttab, a\nnew line and a\r\nWindows one",
    "\tstarts with a tab",
    "ends with a line break\n",
    "markup <b>bold</b> & \"quotes\" 'apostrophes' > less",
    "emoji 🎉 and 𠀀 beyond the basic plane",
    "「引号」——破折号…省略号",
    "Latin only, no hint",
]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(data)) as package:
        assert package.testzip() is None
        return {name: package.read(name) for name in package.namelist()}


def _streamed(report: MonthReport, lang: str) -> bytes:
    out = BytesIO()
    write_docx(report, lang, out)
    return out.getvalue()


def _tree_built(report: MonthReport, lang: str) -> bytes:
    out = BytesIO()
    report_document(report, lang).save(out)
    return out.getvalue()


def _blocks_both_ways(blocks: list[Block], lang: str = "zh") -> tuple[bytes, bytes]:
    """*blocks* written streamed and built as a python-docx tree."""
    streamed, tree = BytesIO(), BytesIO()
    document, look = new_document(lang, title="t", subject="s")
    write_document(document, look, iter(blocks), streamed)
    document, look = new_document(lang, title="t", subject="s")
    for block in blocks:
        add_block(document, look, block)
    document.save(tree)
    return streamed.getvalue(), tree.getvalue()


def _content(document: Document) -> list[tuple[str, str] | list[list[str]]]:
    """The body in order: (style, text) per paragraph, the cells of each table."""
    return [
        [[cell.text for cell in row.cells] for row in block.rows]
        if isinstance(block, Table)
        else (block.style.name if block.style is not None else "", block.text)
        for block in document.iter_inner_content()
    ]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("department", [None, "市民政局"])
def test_the_streamed_report_is_the_python_docx_one_part_for_part(
    qingdao: Engine, lang: str, department: str | None
) -> None:
    report = build_month_report(qingdao, month=OCTOBER, department=department)
    streamed, tree = _parts(_streamed(report, lang)), _parts(_tree_built(report, lang))
    assert list(streamed) == list(tree)
    # The creation time may fall in the next second; everything else is the same bytes.
    changed = [name for name in tree if streamed[name] != tree[name]]
    assert changed in ([], ["docProps/core.xml"])
    assert streamed["word/document.xml"] == tree["word/document.xml"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_streamed_report_reads_as_the_python_docx_one(qingdao: Engine, lang: str) -> None:
    report = build_month_report(qingdao, month=OCTOBER)
    streamed = docx.Document(BytesIO(_streamed(report, lang)))
    tree = docx.Document(BytesIO(_tree_built(report, lang)))
    content = _content(streamed)
    assert content == _content(tree)
    assert sum(isinstance(block, list) for block in content) == 2  # attention, scorecard
    assert streamed.core_properties.title == tree.core_properties.title
    assert streamed.sections[0].footer.paragraphs[0].text == "— 1 —"


def test_hundreds_of_items_and_rows_are_written_as_python_docx_writes_them() -> None:
    columns = [("序号", (10, 10), True), ("事项", (60, 60), False), ("单位", (30, 30), True)]
    blocks: list[Block] = [Para("标题", STYLE_TITLE)]
    for no in range(300):
        blocks.append(Para(f"{no}. " + AWKWARD[no % len(AWKWARD)], STYLE_BODY))
        if no % 50 == 0:
            blocks.append(Para(f"第{no}组", STYLE_HEADING))
    rows = [[str(no), AWKWARD[no % len(AWKWARD)], "市民政局"] for no in range(300)]
    blocks.append(Grid(columns, rows))
    blocks.append(Grid(columns, []))  # a table with its header only
    for lang in ("zh", "en"):
        streamed, tree = _blocks_both_ways(blocks, lang)
        assert _parts(streamed)["word/document.xml"] == _parts(tree)["word/document.xml"]
        document = docx.Document(BytesIO(streamed))
        assert len(document.tables) == 2
        assert len(document.tables[0].rows) == 301


def test_characters_xml_cannot_hold_are_left_out_not_fatal() -> None:
    text = "进度\x00滞后\x07\x1b[0m\ufffe\ud800 ok"
    streamed, tree = _blocks_both_ways(
        [Para(text, STYLE_BODY), Grid([("列\x0b", (100, 100), False)], [[text]])]
    )
    assert _parts(streamed)["word/document.xml"] == _parts(tree)["word/document.xml"]
    document = docx.Document(BytesIO(streamed))
    assert document.paragraphs[0].text == "进度滞后[0m ok"
    assert [cell.text for cell in document.tables[0].column_cells(0)] == ["列", "进度滞后[0m ok"]


def test_a_report_failing_part_way_leaves_the_earlier_file(
    qingdao: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "2020-10.docx"
    path.write_bytes(b"the earlier report")
    report = build_month_report(qingdao, month=OCTOBER)

    def failing(report: MonthReport, lang: str) -> Iterator[Block]:
        yield Para("第一段", STYLE_BODY)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(report_docx, "report_blocks", failing)
    with pytest.raises(OSError, match="No space left"):
        write_report(report, ReportFormat.docx, "zh", path)
    assert path.read_bytes() == b"the earlier report"
    assert list(path.parent.iterdir()) == [path]  # no temporary file left


def test_only_an_empty_body_is_filled() -> None:
    document, look = new_document("zh", title="t", subject="s")
    add_block(document, look, Para("已有的段落", STYLE_BODY))
    with pytest.raises(ValueError, match="body must hold only"):
        write_document(document, look, [], BytesIO())
