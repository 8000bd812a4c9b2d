"""Readings from the text of an office progress table (进展情况 / 完成情况 / 截至9月底完成):
``完成农村公路大中修50公里`` is 50 for the 公里 target, ``约11890人`` is 11890 about,
``预计10月底前全部完成`` is a forecast. Only plain figures are read; everything else is
said back with a reason, never guessed (docs/exchange-format.md, "Office progress tables").

The rules:

- a figure is a number with the unit right after it (``50公里``, ``6800个``, ``10111例``),
  with a 万/亿 and a qualifier as readings write them (``约``, ``近``, ``超过`` before it;
  ``余``/``多``, ``以上`` after it); dates (``9月底``, ``2022年``) are no figures;
- a figure is matched to a target by its unit: the target's unit as written (``万人`` takes
  ``41.58万人``), or the bare unit with the 万/亿 applied (``1.2万例`` for a target in 例);
- a figure after a word of plan or remainder in its clause (``计划``, ``目标``, ``剩余``,
  ``预计`` …) is no progress: ``剩余50公里预计11月底前完成`` reads nothing as done;
- a percentage for a target not counted in % is no figure of it: works progress (形象进度)
  is read by domain.works_progress where the words say so (``正在施工中(90%)``);
- two different figures in a target's unit are ambiguous: neither is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pledgetrack.domain.dates import month_end
from pledgetrack.domain.qualifier import Qualifier
from pledgetrack.domain.target_text import MULTIPLIERS, NUMBER, UNIT

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％（）", "0123456789.,%()")
_FIGURE = re.compile(
    r"(?P<before>大约|约|将近|近|超过)?"
    + NUMBER
    + r"(?P<multiplier>[万亿])?(?P<more>余|多)?"
    + UNIT
    + r"(?P<after>以上)?"
)
_DATE = re.compile(
    r"((19|20)\d{2}年)?\d{1,2}月(\d{1,2}日)?(底|份|末|初|上旬|中旬|下旬)?|\d{1,2}日"
    r"|(19|20)\d{2}年|\d{1,2}季度|第\d+|\d{1,2}:\d{2}"
)
_CLAUSE_END = re.compile(r"[，；;。\n]|(?<!\d),|,(?!\d{3}(?!\d))")
#: Words before a figure in its clause that make it a plan or a remainder, not progress.
_NOT_PROGRESS = re.compile(r"计划|目标|任务数|剩余|尚余|尚有|还有|还剩|预计|力争|争取|拟")
#: Words that say a work is under way (形象进度) rather than counted.
_WORKS = re.compile(r"形象进度|工程量|施工|在建|进场|主体|完成率|进度")
_FORECAST = re.compile(
    r"预计(?:于|在)?\s*(?:(?P<year>(?:19|20)\d{2})年)?(?P<month>\d{1,2})月"
    r"(?:(?P<day>\d{1,2})日|(?P<end>底|末)|(?P<vague>上旬|中旬|下旬|初))?前?"
    r"[^，,；;。]{0,8}?(?:完成|建成|完工|竣工|投用|投入使用|开通|上线)"
)
_DONE = re.compile(
    r"(?<![未没尚])(?:已全部完成|已完成|全面完成|已建成|已投用|已投入使用|已开通|已上线)"
)
_TITLE_DATE = re.compile(
    r"截[至止]\s*(?:(?P<year>(?:19|20)\d{2})年)?(?P<month>\d{1,2})月"
    r"(?:(?P<day>\d{1,2})日|(?P<end>底|末))?"
)
#: The months a cumulative table covers, from January: ``1-7月``, ``1—10月``, ``1至7月``.
_PERIOD_DATE = re.compile(r"(?<![\d.])1\s*[-—–~至]\s*(?P<month>\d{1,2})\s*月(?!\d{1,2}日)")
#: The month a monthly table reports on: ``2023年3月份…进展情况表`` (its last day).
_REPORT_MONTH = re.compile(r"(?:(?P<year>(?:19|20)\d{2})\s*年)?(?<![\d.])(?P<month>\d{1,2})\s*月份")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")


@dataclass(frozen=True)
class Figure:
    """A figure in progress text: the number as written, its 万/亿, unit and qualifier."""

    number: float
    multiplier: str
    unit: str
    qualifier: Qualifier | None
    #: The figure as written (``约11890人``) and its clause, for messages.
    written: str
    clause: str
    #: After a word of plan or remainder (``剩余``, ``预计``): not progress.
    planned: bool

    def value_in(self, unit: str) -> float | None:
        """The figure in *unit* (a target's), or None when it is not in that unit."""
        if not unit or not self.unit:
            return None
        if self.multiplier and self.multiplier + self.unit == unit:
            return self.number
        if self.unit == unit:
            factor = float(MULTIPLIERS[self.multiplier]) if self.multiplier else 1.0
            return self.number * factor
        return None


@dataclass(frozen=True)
class Forecast:
    """``预计10月底前全部完成``: the day (a month's end unless a day is named)."""

    year: int | None
    month: int
    day: int | None
    written: str

    def on(self, year: int) -> date:
        y = self.year or year
        return date(y, self.month, self.day) if self.day else month_end(y, self.month)


@dataclass(frozen=True)
class ProgressText:
    """What a progress cell says that can be read."""

    figures: tuple[Figure, ...]
    forecast: Forecast | None
    #: A forecast said too vaguely to be a date (``预计10月中旬``).
    vague_forecast: str
    done: bool
    works: bool


def read_progress_text(text: str) -> ProgressText:
    """The figures, forecast and done words of one progress cell (module docstring)."""
    plain = text.translate(_FULLWIDTH)
    figures: list[Figure] = []
    for clause in _CLAUSE_END.split(plain):
        dates = [m.span() for m in _DATE.finditer(clause)]
        for m in _FIGURE.finditer(clause):
            if any(start <= m.start("number") < end for start, end in dates):
                continue
            qualifier = _qualifier(m)
            figures.append(
                Figure(
                    float(m.group("number").replace(",", "")),
                    m.group("multiplier") or "",
                    m.group("unit") or "",
                    qualifier,
                    m.group(0),
                    clause.strip(),
                    bool(_NOT_PROGRESS.search(clause[: m.start()])),
                )
            )
    found = _FORECAST.search(plain)
    forecast = None
    vague = ""
    if found and found.group("vague"):
        vague = found.group(0)
    elif found:
        forecast = Forecast(
            int(found.group("year")) if found.group("year") else None,
            int(found.group("month")),
            int(found.group("day")) if found.group("day") else None,
            found.group(0),
        )
    works = any(f.unit == "%" for f in figures) or bool(_WORKS.search(plain))
    return ProgressText(tuple(figures), forecast, vague, bool(_DONE.search(plain)), works)


def _qualifier(m: re.Match[str]) -> Qualifier | None:
    before = m.group("before")
    if before in ("约", "大约"):
        return Qualifier.APPROX
    if before in ("近", "将近"):
        return Qualifier.NEAR
    if before == "超过":
        return Qualifier.OVER
    if m.group("more"):
        return Qualifier.MORE
    if m.group("after"):
        return Qualifier.ABOVE
    return None


@dataclass(frozen=True)
class TargetFigure:
    """What a progress cell says of one target: a value (with its qualifier), or why not."""

    value: float | None
    qualifier: Qualifier | None = None
    figure: Figure | None = None
    reason: str = ""


def figure_for(read: ProgressText, unit: str, *, sharing: int = 1) -> TargetFigure:
    """The figure of *read* for a target in *unit*, or the reason there is none.

    *sharing*: how many targets of the same row are in this unit (a figure matched to two
    targets by its unit is ambiguous)."""
    if not unit:
        return TargetFigure(None, reason="the target has no unit, and figures are matched by unit")
    matching = [f for f in read.figures if f.value_in(unit) is not None]
    progress = [f for f in matching if not f.planned]
    if not progress:
        if matching:
            shown = ", ".join(repr(f.written) for f in matching)
            return TargetFigure(
                None, reason=f"{shown} is a planned or remaining figure, not progress"
            )
        if read.works and unit != "%":
            return TargetFigure(
                None,
                reason=f"no figure in {unit}, and a percentage not said to be works progress "
                "(形象进度/工程进度 …%, 施工中(…%))",
            )
        if read.done:
            return TargetFigure(None, reason=f"says done but gives no figure in {unit}")
        return TargetFigure(None, reason=f"no figure in {unit}")
    values = {(f.value_in(unit), f.qualifier) for f in progress}
    if len(values) > 1:
        shown = ", ".join(repr(f.written) for f in progress)
        return TargetFigure(None, reason=f"ambiguous: {len(progress)} figures in {unit} ({shown})")
    if sharing > 1:
        return TargetFigure(
            None,
            reason=f"ambiguous: {progress[0].written!r} is in {unit}, the unit of "
            f"{sharing} targets of this row",
        )
    figure = progress[0]
    return TargetFigure(figure.value_in(unit), figure.qualifier, figure)


class NoDate(ValueError):
    """A title that names no 截至 date, or one without a year to put it in."""


def title_date(lines: list[str], plan_year: int | None) -> tuple[date, str] | None:
    """The date a progress table is as of, from ``截至9月底`` / ``截至2022年9月30日`` (or
    the months a cumulative table covers, ``1-7月``: 31 July; the month a monthly table
    reports on, ``2023年3月份``: 31 March) in *lines* (title rows, then
    the header of the progress column), and the text it was read from; the year from the date itself, else the title, else *plan_year*. None when no
    line names a 截至 date; NoDate when one does but no year can be had."""
    for line in lines:
        found = _TITLE_DATE.search(line.translate(_FULLWIDTH))
        found = found or _PERIOD_DATE.search(line.translate(_FULLWIDTH))
        found = found or _REPORT_MONTH.search(line.translate(_FULLWIDTH))
        if not found:
            continue
        in_title = next((_YEAR.search(t) for t in lines if _YEAR.search(t)), None)
        year = (
            int(found.group("year"))
            if "year" in found.re.groupindex and found.group("year")
            else int(in_title.group(1))
            if in_title
            else plan_year
        )
        if year is None:
            raise NoDate(
                f"{found.group(0)!r} names no year, and neither does the title or the plan"
            )
        month = int(found.group("month"))
        day = (
            int(found.group("day")) if "day" in found.re.groupindex and found.group("day") else None
        )
        try:
            return (date(year, month, day) if day else month_end(year, month)), found.group(0)
        except ValueError as exc:
            raise NoDate(f"{found.group(0)!r} is not a real date ({exc})") from None
    return None
