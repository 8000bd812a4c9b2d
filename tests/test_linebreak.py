"""Breaking report lines to a terminal width (domain.linebreak): Chinese flows character by
character, numbers and Latin words stay whole, no line starts with 、 or 。 (避头尾), and
no character is lost or added."""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.linebreak import CLOSING, OPENING, break_line, wrap_line
from tests.conftest import DATA

#: The brief's 避头尾 lists: what the typesetting rule names, at the least.
NEVER_FIRST = "、。，．：；！？）」』】〕…%"
NEVER_LAST = "（「『【〔"

#: A figure as the reports write it: 41.58万, 1,234.5万, 138.6%, 2020.
FIGURE = re.compile(r"\d[\d,.]*\d(?:[万亿])?%?|\d(?:[万亿])?%?")


def wrap(line: str, width: int) -> list[str]:
    return wrap_line(line, width, cell_width=cell_len)


def pieces(line: str, width: int) -> tuple[list[str], int]:
    """The line's pieces without the hanging indentation, and that indentation."""
    breaks = break_line(line, width, cell_width=cell_len)
    bounds = [0, *breaks.offsets, len(line)]
    return [line[a:b] for a, b in pairwise(bounds)], breaks.hang


def visible_width(piece: str) -> int:
    return cell_len(piece.rstrip(" "))


def kinsoku_bad(line: str, p: int) -> bool:
    """A break before line[p] starts a line with closing or ends one with opening
    punctuation (the oracle reads the text, not the module's tables of what may break)."""
    before = line[:p].rstrip(" ")
    return line[p] in CLOSING or (before != "" and before[-1] in OPENING)


def test_the_brief_s_punctuation_is_in_the_tables() -> None:
    assert set(NEVER_FIRST) <= CLOSING
    assert set(NEVER_LAST) <= OPENING


# ---- properties -------------------------------------------------------------------------

CJK = st.sampled_from("就业方面城镇新增占年计划的万人项已完成推进")
LATIN = st.sampled_from("abcXYZ")
DIGIT = st.sampled_from("0123456789")
PUNCT = st.sampled_from("、。，：；！？）」』】…%（「『【,.;:()“”")
CHARS = st.one_of(CJK, CJK, LATIN, DIGIT, DIGIT, PUNCT, st.just(" "), st.just("\u0301"))
LINES = st.lists(CHARS, max_size=120).map("".join)
WIDTHS = st.integers(min_value=1, max_value=50)


@given(LINES, WIDTHS)
def test_no_character_is_lost_or_added_apart_from_the_breaks(line: str, width: int) -> None:
    parts, hang = pieces(line, width)
    assert "".join(parts) == line
    assert all(parts) or line == "", "no empty line"
    shown = wrap(line, width)
    assert shown[0] == parts[0]
    assert shown[1:] == [" " * hang + part for part in parts[1:]]


@given(LINES, WIDTHS)
def test_every_line_fits_unless_it_is_one_character_wider_than_the_line(
    line: str, width: int
) -> None:
    parts, hang = pieces(line, width)
    for index, part in enumerate(parts):
        available = width if index == 0 else width - hang
        if visible_width(part) > available:
            assert len(part.rstrip(" ").rstrip("\u0301")) == 1, (part, available)


@given(LINES, st.integers(min_value=2, max_value=50))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation_where_avoidable(
    line: str, width: int
) -> None:
    breaks = break_line(line, width, cell_width=cell_len)
    starts = [0, *breaks.offsets]
    for start, cut in zip(starts, breaks.offsets, strict=False):
        if kinsoku_bad(line, cut):
            # unavoidable: breaking anywhere earlier on that line would be as bad (or would
            # part a combining mark from its letter)
            assert all(
                kinsoku_bad(line, q) or cell_len(line[q]) == 0 or line[q] == " "
                for q in range(start + 1, cut)
            ), (line, cut)


@given(
    st.lists(CJK, max_size=30).map("".join),
    st.from_regex(r"\A(\d{1,3}(,\d{3})*|\d{1,6})(\.\d{1,2})?[万亿%]?\Z"),
    st.lists(CJK, max_size=30).map("".join),
    st.integers(min_value=1, max_value=40),
)
def test_a_figure_stays_whole_unless_it_is_wider_than_the_line(
    before: str, figure: str, after: str, width: int
) -> None:
    line = before + figure + after
    start, end = len(before), len(before) + len(figure)
    offsets = break_line(line, width, cell_width=cell_len).offsets
    inside = [cut for cut in offsets if start < cut < end]
    if cell_len(figure) <= width:
        assert inside == [], (line, width, offsets)


@given(
    st.lists(st.from_regex(r"\A[A-Za-z]{1,12}[,.;:]?\Z"), min_size=1, max_size=20),
    st.integers(min_value=14, max_value=60),
)
def test_english_breaks_at_spaces_never_inside_a_word(words: list[str], width: int) -> None:
    line = " ".join(words)
    parts, _hang = pieces(line, width)
    assert [w for part in parts for w in part.split()] == words
    assert all(part.endswith(" ") for part in parts[:-1])


@given(st.integers(min_value=1, max_value=8), LINES, st.integers(min_value=16, max_value=50))
def test_an_indented_line_hangs_its_continuations_as_deep(
    indent: int, text: str, width: int
) -> None:
    line = " " * indent + "市住房城乡建设局" + text
    shown = wrap(line, width)
    for continuation in shown[1:]:
        assert continuation.startswith(" " * indent)
        assert visible_width(continuation) <= width or len(continuation.strip()) == 1


def test_indentation_deeper_than_half_the_width_does_not_hang() -> None:
    line = " " * 6 + "一二三四五六七八九十"
    assert break_line(line, 10, cell_width=cell_len).hang == 0
    assert "".join(wrap(line, 10)) == line


def test_a_width_of_zero_or_an_empty_line_does_not_break() -> None:
    assert break_line("就业方面", 0, cell_width=cell_len).offsets == ()
    assert wrap("", 10) == [""]


def test_a_number_in_full_width_digits_stays_whole() -> None:
    assert wrap("截至２０２０年１．５万人", 10) == ["截至", "２０２０年", "１．５万人"]


def test_a_character_wider_than_the_line_gets_a_line_of_its_own() -> None:
    assert wrap("就业", 1) == ["就", "业"]


def test_a_run_longer_than_the_line_is_cut_where_punctuation_allows() -> None:
    # no break inside 'abcdefgh)' fits 8 cells: cut before 'h', not before ')'
    assert wrap("abcdefgh)", 8) == ["abcdefg", "h)"]
    assert wrap("1234567890123", 5) == ["12345", "67890", "123"]


def test_a_run_of_closing_punctuation_longer_than_the_line_is_cut_all_the_same() -> None:
    assert wrap("，，，，", 4) == ["，，", "，，"]


# ---- the month-end report of October 2020 ----------------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """``pledgetrack report --month 2020-10`` on a copy of data/pledges.sqlite."""
    copy = Path(tmp_path_factory.mktemp("db")) / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    texts = {}
    for lang in ("zh", "en"):
        args = ["--db", f"sqlite:///{copy}", "report", "--month", "2020-10", "--lang", lang]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        texts[lang] = result.stdout
    return texts


#: 80, 100 and 120 columns, less the report's padding, scrollbar and cursor cell.
SCREEN_WIDTHS = [76, 96, 116]


@pytest.mark.parametrize("width", SCREEN_WIDTHS)
def test_the_chinese_report_starts_no_line_with_closing_punctuation(
    reports: dict[str, str], width: int
) -> None:
    lines = reports["zh"].splitlines()
    shown = [row for line in lines for row in wrap(line, width)]
    assert len(shown) > len(lines), "long lines do break"
    assert [row for row in shown if row.strip() and row.strip()[0] in NEVER_FIRST] == []
    assert [row for row in shown if row.strip() and row.rstrip()[-1] in NEVER_LAST] == []
    assert all(cell_len(row.rstrip()) <= width for row in shown)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", SCREEN_WIDTHS)
def test_every_figure_of_the_report_stays_whole(
    reports: dict[str, str], lang: str, width: int
) -> None:
    for line in reports[lang].splitlines():
        parts, _hang = pieces(line, width)
        figures = {m.group() for m in FIGURE.finditer(line)}
        on_rows = {m.group() for part in parts for m in FIGURE.finditer(part)}
        assert figures == on_rows, line


def test_the_english_report_breaks_only_at_spaces_or_beside_chinese(
    reports: dict[str, str],
) -> None:
    for line in reports["en"].splitlines():
        for cut in break_line(line, 76, cell_width=cell_len).offsets:
            left, right = line[cut - 1], line[cut]
            assert left == " " or cell_len(left) == 2 or cell_len(right) == 2, (line, cut)


def test_the_items_figures_break_before_a_figure_not_inside_it(
    reports: dict[str, str],
) -> None:
    # Textual's own soft wrap broke lines of this report inside '138.' / '6%' and before
    # '，'; here a line that cannot take the whole of '112.1%' ends before it
    line = next(line for line in reports["zh"].splitlines() if line.startswith("6.安居提升工程"))
    rows = wrap(line, 76)
    assert rows[1].endswith("占年计划的") and rows[2].startswith("112.1%；")
    assert "".join(rows) == line


def test_the_departments_list_hangs_under_its_indentation(reports: dict[str, str]) -> None:
    line = next(line for line in reports["zh"].splitlines() if "市卫生健康委：负责" in line)
    assert line.startswith("  ")
    rows = wrap(line, 76)
    assert len(rows) == 2 and rows[1].startswith("  ") and not rows[1].startswith("   ")
    assert rows[1].strip() == "报指标3个。"


@pytest.mark.parametrize(
    ("line", "whole"),
    [
        ("其余18项中，2项超前推进", "2项"),
        ("技能提升5万人，占年计划的102.6%", "5万人"),
        ("天然气管网完工197公里，占年计划的98.5%", "197公里"),
        ("新建成口袋公园20余个", "20余个"),
        ("建筑面积227万平方米", "227万平方米"),
    ],
)
def test_a_number_keeps_its_measure_word(line: str, whole: str) -> None:
    """At every width that lets the figure fit, no line ends with the number and the
    next starts with its measure word or unit (``2`` / ``项``, ``197公`` / ``里``)."""
    for width in range(cell_len(whole) + 2, cell_len(line) + 1):
        lines = wrap(line, width)
        assert "".join(lines) == line
        assert any(whole in piece for piece in lines), (width, lines)
