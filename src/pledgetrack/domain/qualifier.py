"""Approximate readings as real lists write them: 约11890人, 24500余人, 近万人次, 70%以上,
超过9300家. The number counts (completion, status); the qualifier is kept and said back.

A qualifier is stored as a code from a closed set, not as the text typed: ``多`` and
``余`` are one code, said back as ``余`` (the register of the bulletins).
"""

from __future__ import annotations

from enum import StrEnum

from pledgetrack.domain.numbers import MULTIPLIERS, NumberFormatError, ParsedNumber, parse_number


class Qualifier(StrEnum):
    """How a figure is approximate. Values are the stored codes."""

    APPROX = "approx"  # 约11890人 — about
    MORE = "more"  # 24500余人, 1100多人 — more than (a round figure and some)
    NEAR = "near"  # 近万人次 — nearly
    ABOVE = "above"  # 70%以上 — at least
    OVER = "over"  # 超过9300家 — over


#: Words written before the figure, longest first (大约 before 约).
_PREFIXES = (
    ("大约", Qualifier.APPROX),
    ("约", Qualifier.APPROX),
    ("将近", Qualifier.NEAR),
    ("近", Qualifier.NEAR),
    ("超过", Qualifier.OVER),
)
#: Words written after the figure (after its %, 万 or 亿).
_SUFFIXES = (
    ("以上", Qualifier.ABOVE),
    ("余", Qualifier.MORE),
    ("多", Qualifier.MORE),
)
#: Every word a ``qualifier`` cell may hold, with the codes and English names.
_WORDS = {
    **{word: q for word, q in _PREFIXES},
    **{word: q for word, q in _SUFFIXES},
    **{q.value: q for q in Qualifier},
    "about": Qualifier.APPROX,
    "more than": Qualifier.MORE,
    "nearly": Qualifier.NEAR,
    "at least": Qualifier.ABOVE,
}


def parse_qualifier(text: str) -> Qualifier | None:
    """A ``qualifier`` cell: a code (``approx``), a word (``约``, ``余``, ``以上``) or
    blank (None). Raises ValueError for anything else."""
    word = text.strip().lower()
    if not word:
        return None
    try:
        return _WORDS[word]
    except KeyError:
        known = "、".join(["约", "余", "近", "以上", "超过"])
        codes = ", ".join(q.value for q in Qualifier)
        raise ValueError(f"not a qualifier: {text!r} (one of {known}, or {codes})") from None


def parse_qualified(text: str) -> tuple[ParsedNumber, Qualifier | None]:
    """Read a reading's figure with its qualifier: ``约11890`` → (11890, approx),
    ``1.1万余`` → (11000, more), ``近万`` → (10000, near), ``70%以上`` → (70, above).

    Raises NumberFormatError when what is left is not a number. The floor words of plan
    targets other than 以上 (不少于, 至少) are not readings' words and stay errors.
    """
    raw = text.strip()
    qualifier: Qualifier | None = None
    for word, q in _PREFIXES:
        if raw.startswith(word):
            raw, qualifier = raw[len(word) :].strip(), q
            break
    for word, q in _SUFFIXES:
        if raw.endswith(word):
            if qualifier is not None:
                raise NumberFormatError(f"{text!r}: two qualifiers")
            raw, qualifier = raw[: -len(word)].strip(), q
            break
    if qualifier is not None and raw in MULTIPLIERS:
        raw = "1" + raw  # 近万: nearly ten thousand
    return parse_number(raw), qualifier


def qualified(number: str, unit: str, qualifier: str | None, lang: str, *, sep: str = "") -> str:
    """A figure with its unit, said as it was given: ``约11890人``, ``24500余人``,
    ``70%以上``, ``超过9300家``; in English ``about 11890 people``-style prefixes.

    *number* is already formatted; *sep* goes between the number and the unit.
    """
    figure = f"{number}{sep}{unit}" if unit else number
    if not qualifier:
        return figure
    q = Qualifier(qualifier)
    if lang != "zh":
        return f"{_ENGLISH[q]} {figure}"
    if q is Qualifier.MORE:
        return f"{number}余{sep}{unit}"
    if q is Qualifier.ABOVE:
        return f"{figure}以上"
    return f"{_CHINESE_PREFIX[q]}{figure}"


_ENGLISH = {
    Qualifier.APPROX: "about",
    Qualifier.MORE: "more than",
    Qualifier.NEAR: "nearly",
    Qualifier.ABOVE: "at least",
    Qualifier.OVER: "over",
}
_CHINESE_PREFIX = {Qualifier.APPROX: "约", Qualifier.NEAR: "近", Qualifier.OVER: "超过"}
