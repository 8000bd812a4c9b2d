"""The order of names and titles as Chinese readers look them up: by pinyin (市民政局 →
shi4 min2 zheng4 ju2), the way a department list or an index is sorted, not by code point."""

from __future__ import annotations

import unicodedata

#: Tone marks (combining, after NFD) → tone number.
_TONES = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}

#: Character → its sort syllable, filled on first use (pypinyin's table of 40,000
#: characters takes a while to load, and only a sort by name needs it).
_syllables: dict[str, str] = {}
_readings: dict[int, str] | None = None


def _syllable(char: str) -> str:
    """``shi4`` for 市: the character's most common reading, tone as a number (5:
    neutral); a character that is not Chinese, case-folded as it is."""
    global _readings
    known = _syllables.get(char)
    if known is not None:
        return known
    if _readings is None:
        from pypinyin.pinyin_dict import pinyin_dict

        _readings = pinyin_dict
    reading = _readings.get(ord(char))
    if reading is None:
        syllable = char.casefold()
    else:
        marked = unicodedata.normalize("NFD", reading.split(",")[0]).replace("u\u0308", "v")
        tone = next((_TONES[c] for c in marked if c in _TONES), "5")
        syllable = "".join(c for c in marked if not unicodedata.combining(c)) + tone
    _syllables[char] = syllable
    return syllable


def pinyin_key(name: str) -> tuple[str, ...]:
    """The sort key of *name*: each character's syllable (``shi4``), in order.

    One reading per character, its most common (a phrase-aware reading, as
    ``pypinyin.lazy_pinyin`` gives, costs milliseconds a name: minutes for a province's
    100,000 titles); a lookup per character sorts them in about a second."""
    return tuple(map(_syllable, name))
