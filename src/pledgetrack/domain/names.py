"""The order of names and titles as Chinese readers look them up: by pinyin (市民政局 →
shi min zheng ju), the way a department list or an index is sorted, not by code point."""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=65_536)
def pinyin_key(name: str) -> tuple[str, ...]:
    """The sort key of *name*: each Chinese character's pinyin with its tone number
    (``shi4``), other text as it is, case-folded; names sort by these in order."""
    # Imported on first use: pypinyin's dictionaries take most of a second to load, and
    # only a sort by name needs them.
    from pypinyin import Style, lazy_pinyin

    return tuple(
        part.casefold()
        for part in lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True)
    )
