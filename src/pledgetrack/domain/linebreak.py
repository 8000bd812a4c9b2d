"""Where a line of mixed Chinese and Latin text breaks to fit a width in terminal cells.

A line may break:

* between two characters when either is wide (a CJK character or full-width punctuation,
  two cells), so Chinese flows character by character;
* after a run of spaces (the spaces end the line they follow, as in English).

It never breaks inside a run of narrow characters (a Latin word, ``138.6%``,
``1,234.5``, ``第1/3阶段``'s ``1/3``), inside a number written in full-width digits
(``２０２０``, ``１．５``), nor between a number and the 万 or 亿 that scales it
(``1,234.5万`` stays whole), nor between a number and the measure word or unit that
follows it (``2项``, ``5万人``, ``197公里``, ``20余个``: :data:`MEASURE`), unless that run
alone is wider than the line: then it is cut where it reaches the width.

避头尾 (kinsoku): no line starts with closing punctuation (、。，：；！？）」』】… and
their ASCII kin ``,.;:!?)]}``, and ``%``) and none ends with opening punctuation
(（「『【〔 ``([{`` “ ‘ 《), wherever the line can break elsewhere.

Indentation hangs: the continuation lines of a line that starts with spaces are
indented as far, so an indented list entry stays visibly one entry (unless the
indentation takes more than half the width).

Widths come from the caller's *cell_width* (rich's ``cell_len`` in the TUI): this
module only counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

#: Never at the start of a line (避头). ASCII kin included: reports mix both.
CLOSING = frozenset("、。，．：；！？）」』】〕〉》〗〙〛…‥％‰%,.:;!?)]}”’·・ー々〜～")
#: Never at the end of a line (避尾).
OPENING = frozenset("（「『【〔〈《〖〘〚([{“‘")
#: Scale words kept with the number before them: ``41.58万`` is one figure.
NUMBER_SCALES = frozenset("万亿")
#: A measure word or unit right after a number stays with it (``2项``, ``5万人``,
#: ``197公里``, ``20余个``): a line ending ``…占年计划的2`` with ``项`` on the next misreads.
MEASURE = re.compile(
    r"(?<=[0-9０-９])[万亿]?[余多]?"
    r"(?:平方米|立方米|公里|千米|公顷|千瓦|人次|户次|"
    r"[个项件所处家座条名人户次台辆张套间场期元吨米亩株只批类支部组万亿])"
)
#: Between digits, these belong to the number (``1,234``, ``１．５``: that point is wide).
NUMBER_MARKS = frozenset(".,．")

CellWidth = Callable[[str], int]


@dataclass(frozen=True)
class LineBreaks:
    """Where one line breaks: the character offsets each continuation starts at, and the
    spaces its continuation lines are indented by (``hang``)."""

    offsets: tuple[int, ...]
    hang: int = 0


class _Line:
    """One line with its characters' widths."""

    def __init__(self, text: str, widths: list[int]) -> None:
        self.text = text
        self.widths = widths
        #: Positions no line starts at: inside a number's measure word (:data:`MEASURE`).
        self.glued = {p for m in MEASURE.finditer(text) for p in range(m.start(), m.end())}

    def kinsoku_forbids(self, p: int) -> bool:
        """A break before ``text[p]`` would start a line with closing punctuation or end
        one with opening punctuation (looking through the spaces before it)."""
        text = self.text
        if text[p] in CLOSING:
            return True
        q = p - 1
        while q >= 0 and text[q] == " ":
            q -= 1
        return q >= 0 and text[q] in OPENING

    def may_break(self, p: int, indent: int) -> bool:
        """May the line break before ``text[p]`` (0 < p < len(text))?"""
        a, b = self.text[p - 1], self.text[p]
        widths = self.widths
        if p <= indent or b == " " or widths[p] == 0 or self.kinsoku_forbids(p):
            return False
        if a == " ":
            return True
        if self.inside_number(p) or p in self.glued:
            return False
        return widths[p - 1] >= 2 or widths[p] >= 2

    def inside_number(self, p: int) -> bool:
        """Is ``text[p]`` the next digit, decimal point or scale of a number, full-width
        digits (２０２０) included?"""  # narrow runs are whole anyway; wide ones need this
        a, b = self.text[p - 1], self.text[p]
        if a.isdecimal():
            return b.isdecimal() or b in NUMBER_SCALES
        return a in NUMBER_MARKS and b.isdecimal() and p >= 2 and self.text[p - 2].isdecimal()

    def fold(self, start: int, p: int) -> int:
        """Cut a run with no break in it before ``text[p]``, the first character that does
        not fit, or a little earlier where :meth:`may_fold` allows it."""
        widths = self.widths
        if p == start:  # one character wider than the line: it gets a line of its own
            p += 1
            while p < len(widths) and widths[p] == 0:
                p += 1
            return p
        cut = p
        while cut > start + 1 and not self.may_fold(cut):
            cut -= 1
        # nowhere better: p itself is no space and wider than zero, since it did not fit
        return cut if self.may_fold(cut) else p

    def may_fold(self, p: int) -> bool:
        """May a run be cut before ``text[p]`` without bad punctuation at either end, a
        line starting with a space or a combining mark parted from its letter?"""
        return self.widths[p] != 0 and self.text[p] != " " and not self.kinsoku_forbids(p)


def _leading_spaces(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def break_line(line: str, width: int, *, cell_width: CellWidth, hanging: bool = True) -> LineBreaks:
    """Where *line* (no line break in it) breaks to fit *width* cells.

    Each resulting line is at most *width* cells (its continuation lines at most
    ``width - hang``) not counting the spaces it ends with, except a single character
    wider than that. Greedy: each line takes as much as fits.
    """
    n = len(line)
    if width <= 0 or n == 0:
        return LineBreaks(())
    widths = [cell_width(ch) for ch in line]
    if sum(widths) <= width:
        return LineBreaks(())
    measured = _Line(line, widths)
    indent = _leading_spaces(line)
    hang = indent if hanging and indent < n and indent * 2 <= width else 0
    offsets: list[int] = []
    start, available = 0, width
    while True:
        used, p = 0, start
        while p < n and (line[p] == " " or used + widths[p] <= available):
            used += widths[p]
            p += 1
        if p >= n:
            break
        # the last place the line may break, up to the character that does not fit
        cut = p
        while cut > start and not measured.may_break(cut, indent):
            cut -= 1
        if cut == start:  # one run from the start: it is longer than the line
            cut = measured.fold(start, p)
        if cut >= n:  # only zero-width characters were left
            break
        offsets.append(cut)
        start, available = cut, width - hang
    return LineBreaks(tuple(offsets), hang)


def wrap_line(line: str, width: int, *, cell_width: CellWidth, hanging: bool = True) -> list[str]:
    """*line* as the lines it is shown in at *width* cells, continuation lines indented by
    the hang (see :func:`break_line`)."""
    breaks = break_line(line, width, cell_width=cell_width, hanging=hanging)
    bounds = [0, *breaks.offsets, len(line)]
    pieces = [line[a:b] for a, b in pairwise(bounds)]
    return pieces[:1] + [" " * breaks.hang + piece for piece in pieces[1:]]
