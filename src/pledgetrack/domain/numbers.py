"""Numbers as they appear in pledge lists: 6,800 · 1.5万 · 100% · 40以上."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，％－", "0123456789.,%-")
#: Chinese multipliers a figure may end with (1.5万 = 15000).
MULTIPLIERS = {"万": 10_000.0, "亿": 100_000_000.0, "千": 1_000.0}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_FLOOR_SUFFIXES = ("以上", "及以上")
_FLOOR_PREFIXES = ("不少于", "不低于", "至少", "≥", ">=")


class NumberFormatError(ValueError):
    """A numeric cell that cannot be read as a number."""


@dataclass(frozen=True)
class ParsedNumber:
    """A number read from a cell, and whether it was written as a floor."""

    value: float
    at_least: bool = False
    #: The multiplier the figure was written with (``万`` in ``1.5万``), or "".
    multiplier: str = ""


#: A plain decimal in ASCII, the common case, read by float() alone.
_PLAIN = re.compile(r"\d+(\.\d+)?\Z")


def parse_number(text: str, *, allow_floor: bool = False) -> ParsedNumber:
    """Read ``6,800``, ``1万``, ``1.5万``, ``100%``, ``40以上`` (a floor).

    ``100%`` reads as 100 (a percentage value in the unit ``%``). A floor
    marker (``以上``, ``不少于``) is accepted only where *allow_floor* is set,
    i.e. on target values.
    """
    if _PLAIN.match(text):  # most cells of a province import: 1234 or 56.78
        value = float(text)
        if math.isfinite(value):
            return ParsedNumber(value)
    raw = text.strip().translate(_FULLWIDTH).replace(" ", "")
    if not raw:
        raise NumberFormatError("empty number")
    at_least = False
    for prefix in _FLOOR_PREFIXES:
        if raw.startswith(prefix):
            raw, at_least = raw[len(prefix) :], True
    for suffix in _FLOOR_SUFFIXES:
        if raw.endswith(suffix):
            raw, at_least = raw[: -len(suffix)], True
    if at_least and not allow_floor:
        raise NumberFormatError(f"{text!r}: '以上' (at least) is allowed only on target values")
    if raw.endswith("%"):
        raw = raw[:-1]
    factor = 1.0
    multiplier = ""
    if raw and raw[-1] in MULTIPLIERS:
        multiplier = raw[-1]
        factor = MULTIPLIERS[multiplier]
        raw = raw[:-1]
    if "," in raw:
        # Thousands separators only: 6,800 or 1,234,567.5
        if not re.match(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$", raw):
            raise NumberFormatError(f"not a number: {text!r} (misplaced comma)")
        raw = raw.replace(",", "")
    if not _NUMBER.match(raw):
        raise NumberFormatError(f"not a number: {text!r}")
    value = float(raw) * factor
    if not math.isfinite(value):
        raise NumberFormatError(f"not a finite number: {text!r}")
    # 1.5万 must be exactly 15000, not 15000.000000000002
    value = float(Decimal(raw) * Decimal(str(factor))) if factor != 1.0 else value
    return ParsedNumber(value, at_least, multiplier)


def round_percent(value: float) -> float:
    """Round a percentage to one decimal, half up, as the government does (138.6): the
    figure as it is written (its shortest repr), a second decimal of 5 or more rounding
    away from zero (:func:`round_percent_decimal` says it plainly).

    That costs about 6 µs a figure through Decimal, and a province's ``status --json``
    rounds 200k of them (issue 15). Python's ``round(value, 1)`` rounds the binary value
    correctly and agrees with it except when the written figure ends exactly in a 5 at
    the second decimal (12.25, 0.35): for any figure under a million in size, no other
    written figure with two decimals lies within rounding error of it. Those, and
    anything larger, not finite or close to a tie, go the plain way.
    tests/test_numbers.py holds the two equal (hypothesis)."""
    if -1e6 < value < 1e6:  # False for nan
        hundredths = value * 100.0
        nearest = round(hundredths)
        if nearest % 10 != 5 or abs(hundredths - nearest) > 1e-6:
            return round(value, 1)
    return round_percent_decimal(value)


def round_percents(values: Any) -> Any:
    """:func:`round_percent` of each of *values* (a float array; NaN stays NaN), over
    the whole array at once: a province's ``status --json`` rounds 530k figures
    (issue 15).

    ``rint(x * 10) / 10`` is Python's ``round(x, 1)`` wherever ``x * 10`` lies clearly
    off a half (for figures under a million in size ``x * 10`` is off by at most 1e-9,
    and ``k / 10`` is the double nearest to k/10, as ``round`` returns); the figures near
    a half, and larger ones, go through :func:`round_percent` one by one.
    tests/test_numbers.py holds the two equal (hypothesis)."""
    import numpy as np

    x = np.asarray(values, dtype=np.float64)
    scaled = x * 10.0
    out = np.rint(scaled) / 10.0
    with np.errstate(invalid="ignore"):
        plain = (np.abs(scaled - np.floor(scaled) - 0.5) > 1e-6) & (np.abs(x) < 1e6)
    for j in np.flatnonzero(~plain & ~np.isnan(x)).tolist():
        out[j] = round_percent(float(x[j]))
    return out


def round_percent_decimal(value: float) -> float:
    """:func:`round_percent` through Decimal."""
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def format_number(value: float) -> str:
    """A figure as the list writes it: 41.58, 16595, 514.3 (no float noise)."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    text = format(Decimal(repr(value)).normalize(), "f")
    return text


def format_percent(value: float | None) -> str:
    """``138.6%`` — rounded half up to one decimal, trailing .0 dropped like the seed (100%)."""
    if value is None:
        return "—"
    return f"{format_number(round_percent(value))}%"


_ZH_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """一 … 十 … 十二 … 二十 … 一百零五 … 三千四百二十 (positive integers below 10 000)."""
    if not 0 < n < 10_000:
        return str(n)
    if n < 20:
        return ("十" if n >= 10 else "") + (_ZH_NUMERALS[n % 10 - 1] if n % 10 else "") or "十"
    digits = [(n // 1000, "千"), (n // 100 % 10, "百"), (n // 10 % 10, "十"), (n % 10, "")]
    out = ""
    zero = False
    for digit, unit in digits:
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _ZH_NUMERALS[digit - 1] + unit
    return out


def pledge_heading(no: int, lang: str) -> str:
    """一、 … 十二、 … 一百零五、 in Chinese; 1. in English."""
    if lang != "zh":
        return f"{no}."
    return chinese_number(no) + "、"
