"""Works progress (形象进度) as progress tables write it in their 完成情况 text.

"6个老旧小区改造正在施工中(90%)", "已完成总工程量的85%", "形象进度达60%": the share of the
works done on a count target that is not finished yet. A percentage is read only where
the words say it is the works' (施工, 工程, 工程量, 形象进度 …): "占年计划的138.6%" is a
completion, not works progress, and is left alone. Pure: no I/O.
"""

from __future__ import annotations

import re
import unicodedata

_NUMBER = r"(\d+(?:\.\d+)?)\s*%"

#: "形象进度90%", "工程进度达到85%", "已完成总工程量的85%", "施工进度约70%".
_NAMED = re.compile(r"(?:形象进度|工程进度|施工进度|建设进度|工程量)[^0-9%,;。]{0,6}?" + _NUMBER)
#: "正在施工中(90%)", "主体施工(60%)", "改造中(75%)": a percentage in brackets after works.
_BRACKETED = re.compile(r"(?:施工|建设|改造|装修|推进|在建)中?\s*\(\s*" + _NUMBER + r"\s*\)")


def works_percent_in(text: str) -> float | None:
    """The works percentage a progress sentence states, or None if it states none.

    The number is returned as written (a "形象进度120%" gives 120.0): whether it can be
    stored is the reading check's business, which refuses it with a reason.
    """
    if not text or ("%" not in text and "％" not in text):
        return None  # most notes state no percentage: a province import reads 100k of them
    # NFKC: full-width digits, brackets and percent signs as their ASCII forms.
    plain = unicodedata.normalize("NFKC", text or "")
    for pattern in (_NAMED, _BRACKETED):
        found = pattern.search(plain)
        if found is not None:
            return float(found.group(1))
    return None
