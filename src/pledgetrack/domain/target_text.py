"""Targets read from the sentence a list states them in (its 目标任务 / 年度目标):
``新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个`` is two targets.

The rules (docs/exchange-format.md, "Targets from sentences"):

- the sentence is cut into clauses at ``,`` ``，`` ``;`` ``；`` ``。`` (a comma inside a
  figure, ``6,800``, is no cut); a clause is cut again at ``、`` only when every part
  has a figure of its own (``服务中心12处、服务站点103个``), so that ``中小学、幼儿园7所``
  stays one target;
- a clause with one figure is a quantity: the figure, the unit right after it, a floor
  (at least) for ``以上`` / ``及以上`` after it or ``不少于`` / ``不低于`` / ``至少`` /
  ``超过`` before it; its name is the clause without the figure
  (``城镇新增就业30万人`` → ``城镇新增就业``, 30, ``万人``);
- ``万`` / ``亿`` stays part of the unit where lists count in it (``万人``, ``万人次``,
  ``万户``, ``万元``, ``亿元``, ``万平方米``, ``万亩``, ``万吨`` …: their progress is
  reported in it, ``41.58万人``); before any other unit it is applied (``1万例`` →
  10000 例, as progress tables count cases: ``10111例``), and that is a guess said;
- a clause without a figure is a milestone (done or not done) named by the clause;
- dates (``2022年``, ``11月底``, ``15日``) are not figures.

What cannot be read without guessing wildly is a problem, never a target: a clause with
two figures (``组织425名劳模和5000名职工疗休养``), digits but no figure
(``建设5G基站``), a figure followed by a word that is no unit known here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

#: Units a figure in a list is followed by, longest first where one starts another.
UNITS = tuple(
    sorted(
        dict.fromkeys(
            (
                "个百分点 百分点 平方公里 平方米 立方米 千瓦时 千瓦 兆瓦 公里 千米 米 公顷 亩 公斤 千克 吨 "
                "人次 人日 人 户 元 个 所 家 处 座 条 张 例 套 辆 批次 批 次 场 名 项 台 只 株 棵 间 "
                "栋 幢 部 期 班 床 件 支 头 册 本 份 片 盏 根 口 眼 孔 趟 天 小时 门 类 种 块 组 卷 "
                "箱 宗 对 匹 艘 架 篇 节 课时 学时 位 %"
            ).split()
        ),
        key=len,
        reverse=True,
    )
)
#: Units lists count in 万 or 亿 of: the multiplier stays part of the unit.
COUNTED_IN_WAN = frozenset(
    "人 人次 人日 户 元 平方米 平方公里 立方米 亩 公顷 吨 千瓦 千瓦时 株 册 只 头".split()
)
MULTIPLIERS = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
#: A number as lists write it (6,800 / 41.58), not part of a longer number or a code;
#: shared with domain.progress_text, which reads progress sentences.
NUMBER = r"(?<![\d.])(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d.A-Za-z])"
#: One of UNITS, as a named group.
#: A unit may be per period or per head, as standards are stated (``3480元/年``, ``元/人/月``).
UNIT = (
    r"(?P<unit>(?:"
    + "|".join(re.escape(u) for u in UNITS)
    + r")(?:/(?:年|月|日|天|季度|人次|人|户|次))*)?"
)
_FIGURE = re.compile(
    # A floor may name whom and how often before its figure: 不低于每人每月60元.
    r"(?:(?P<before>不少于|不低于|至少|超过|多于)(?:每人|每户)?(?:每月|每年|每天)?)?"
    + NUMBER
    + r"(?P<multiplier>[万亿])?"
    + UNIT
    + r"(?P<after>及以上|以上)?"
)
_DATE = re.compile(
    r"(19|20)\d{2}年|\d{1,2}月(底|份|末|初|上旬|中旬|下旬)?|\d{1,2}日|\d{1,2}季度|第\d+"
    # An age says who, not how many: 6-9岁儿童, 60周岁以上老年人.
    r"|\d{1,3}\s*[-~—至]\s*\d{1,3}\s*周?岁|\d{1,3}\s*周?岁(?:及?以[上下])?"
)
#: A clause ends here; a comma between digits (6,800) does not.
_CLAUSE_END = re.compile(r"[，；;。\n]|(?<!\d),|,(?!\d{3}(?!\d))")
#: Words left dangling before a figure that was taken out of a name.
_DANGLING = re.compile(r"(至|到|达到|达|约|共计|共|累计|为|不少于|不低于)$")
_TRIM = " \t\u3000:：.、"


@dataclass(frozen=True)
class TargetProposal:
    """One target read from a sentence: a quantity (value set) or a milestone."""

    name: str
    value: float | None
    unit: str
    at_least: bool
    #: The clause it was read from, as written.
    clause: str
    #: What was guessed reading it, in words, for the preview.
    guesses: tuple[str, ...] = ()


@dataclass(frozen=True)
class SentenceSplit:
    """The targets a sentence states, or the problems that keep it from being read."""

    targets: tuple[TargetProposal, ...]
    problems: tuple[str, ...] = ()


def numbered_list(sentences: Sequence[str]) -> bool:
    """Whether an item's 目标任务 sentences are a numbered list: two or more, each
    starting with its own place and a point (``*1.…``, ``2.…``, ``3、…``). Only then is
    ``4.30%以上…`` on the 4th row list number 4 and 30 % (:func:`split_targets`'
    *row_no*); anywhere else ``2.3万户…`` states 2.3万, never list number 2 and 3万."""
    return len(sentences) >= 2 and all(
        re.match(rf"\*?\s*{n}\s*[.、．]", sentence.translate(_FULLWIDTH))
        for n, sentence in enumerate(sentences, start=1)
    )


def split_targets(sentence: str, row_no: int | None = None) -> SentenceSplit:
    """Split a 目标任务 sentence into target proposals (module docstring: the rules).
    *row_no*: the row's place in its item when the item's sentences are a
    :func:`numbered_list`; a sentence starting with that number and a point
    (``4.30%以上的…`` on the 4th row) then starts with its list number, not a figure."""
    targets: list[TargetProposal] = []
    problems: list[str] = []
    if row_no is not None:
        numbered = re.match(rf"(\*?)\s*{row_no}\s*[.、．]\s*", sentence.translate(_FULLWIDTH))
        if numbered:
            sentence = numbered.group(1) + sentence.translate(_FULLWIDTH)[numbered.end() :]
    for clause in _clauses(sentence):
        read = _read_clause(clause)
        if isinstance(read, str):
            problems.append(read)
        else:
            targets.append(read)
    if not targets and not problems:
        problems.append("states no target")
    return SentenceSplit(tuple(targets), tuple(problems))


def figure_only(text: str) -> TargetProposal | None:
    """The target a cell states when it is only a figure (``8950人``, ``11.2公里``, ``5``,
    ``不少于60个``), as offices write a 目标任务 under the item that names it; its name is
    empty (the item's title names it). None when the cell says anything else."""
    clause = text.translate(_FULLWIDTH).strip(_TRIM)
    figures = _figures(clause)
    if len(figures) != 1 or figures[0].span() != (0, len(clause)):
        return None
    figure = figures[0]
    value = Decimal(figure.group("number").replace(",", ""))
    unit = figure.group("unit") or ""
    multiplier = figure.group("multiplier") or ""
    guesses: tuple[str, ...] = ()
    if multiplier and unit in COUNTED_IN_WAN:
        unit = multiplier + unit
    elif multiplier:
        value *= MULTIPLIERS[multiplier]
        guesses = (f"{figure.group(0)} read as {_plain(value)} {unit}".rstrip(),)
    at_least = bool(figure.group("before") or figure.group("after"))
    return TargetProposal("", float(value), unit, at_least, clause, guesses)


def states_figures(sentence: str) -> bool:
    """Whether *sentence* states a figure (a target value) anywhere."""
    return any(_figures(clause) for clause in _clauses(sentence))


#: A list number the sentence starts with (``1.``, ``*4.``, ``2、``): the row's, not a
#: figure; a ``*`` mark before it is kept.
_LIST_NUMBER = re.compile(r"^(\*?)\s*\d{1,2}\s*[.、．](?!\d)\s*")
#: A clause that only links to the next (``其中,新增…``): read with it.
_LINKS = frozenset("其中 同时 另外 此外 并 并且".split())


def _clauses(sentence: str) -> list[str]:
    out = []
    pending = ""
    text = _LIST_NUMBER.sub(r"\1", sentence.translate(_FULLWIDTH).strip())
    for clause in _CLAUSE_END.split(text):
        clause = pending + clause.strip(_TRIM)
        pending = ""
        if clause.lstrip("*") in _LINKS:
            pending = clause
            continue
        if not clause:
            continue
        parts = [p.strip(_TRIM) for p in clause.split("、")]
        if len(parts) > 1 and all(_figures(p) for p in parts):
            out += parts
        else:
            out.append(clause)
    return out


def _figures(clause: str) -> list[re.Match[str]]:
    dates = [m.span() for m in _DATE.finditer(clause)]
    return [
        m
        for m in _FIGURE.finditer(clause)
        if not any(start <= m.start("number") < end for start, end in dates)
    ]


def _read_clause(clause: str) -> TargetProposal | str:
    figures = _figures(clause)
    if len(figures) > 1:
        shown = ", ".join(repr(m.group(0)) for m in figures)
        return f"{clause!r} has {len(figures)} figures ({shown}): one target per clause"
    if not figures:
        if re.search(r"\d", _DATE.sub("", clause)):
            return (
                f"{clause!r} has digits but no figure with a unit: "
                "state its target in 目标值 and 单位 columns"
            )
        return TargetProposal(
            clause, None, "", False, clause, ("no figure: a milestone (done or not done)",)
        )
    figure = figures[0]
    guesses: list[str] = []
    unit = figure.group("unit") or ""
    rest = clause[figure.end() :]
    if not unit and re.match(r"[\u4e00-\u9fff]", rest) and not rest.startswith("以上"):
        return (
            f"{clause!r}: {figure.group(0)!r} is followed by {rest[:4]!r}, which is no unit "
            "known here: state its target in 目标值 and 单位 columns"
        )
    if not unit:
        guesses.append(f"no unit after {figure.group('number')}")
    value = Decimal(figure.group("number").replace(",", ""))
    multiplier = figure.group("multiplier") or ""
    if multiplier and unit in COUNTED_IN_WAN:
        unit = multiplier + unit
    elif multiplier:
        value *= MULTIPLIERS[multiplier]
        written = figure.group("number") + multiplier + unit
        guesses.append(f"{written} read as {_plain(value)} {unit}".rstrip())
    if figure.group("before") == "超过":
        guesses.append("超过 (more than) read as at least")
    name = (clause[: figure.start()].rstrip(_TRIM) + rest).strip(_TRIM)
    name = _DANGLING.sub("", name).strip(_TRIM) if not rest.strip(_TRIM) else name
    if not name:
        return f"{clause!r} has a figure but names nothing"
    at_least = bool(figure.group("before") or figure.group("after"))
    return TargetProposal(name, float(value), unit, at_least, clause, tuple(guesses))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
