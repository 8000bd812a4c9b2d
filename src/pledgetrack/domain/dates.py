"""Dates as the users write them, and the month arithmetic the rules need."""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta

_FULLWIDTH = str.maketrans("０１２３４５６７８９－／．", "0123456789-/.")

_ISO_DAY = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_ISO_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_ZH_DAY = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_ZH_MONTH = re.compile(r"^(\d{4})年(\d{1,2})月(底|末)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


class DateFormatError(ValueError):
    """A date cell or argument that is not one of the accepted forms."""


@lru_cache(maxsize=4096)
def month_end(year: int, month: int) -> date:
    """The last day of a month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def month_start(day: date) -> date:
    """The first day of the month containing *day*."""
    return day.replace(day=1)


def end_of_month(day: date) -> date:
    """The last day of the month containing *day*."""
    return month_end(day.year, day.month)


@lru_cache(maxsize=4096)
def add_months(day: date, months: int) -> date:
    """Shift a month end by whole months, landing on the month end again."""
    shifted = day + relativedelta(months=months)
    return end_of_month(shifted)


@lru_cache(maxsize=1024)  # a province import repeats a few dates 100k times
def parse_date(text: str) -> date:
    """Parse the date forms users write.

    Accepted: ``2020-10-31``, ``2020/10/31``, ``20201031``, ``2020-10`` (the
    month end), ``2020年10月31日``, ``2020年10月底`` and ``2020年10月`` (both the
    month end).
    """
    raw = text.strip().translate(_FULLWIDTH)
    if not raw:
        raise DateFormatError("empty date")
    # Excel and pandas sometimes write "2020-10-31 00:00:00".
    if " " in raw and raw.endswith("00:00:00"):
        raw = raw.split(" ", 1)[0]
    try:
        for pattern in (_ISO_DAY, _ZH_DAY, _COMPACT):
            match = pattern.match(raw)
            if match:
                year, month, day = (int(g) for g in match.groups())
                return date(year, month, day)
        for pattern in (_ISO_MONTH, _ZH_MONTH):
            match = pattern.match(raw)
            if match:
                return month_end(int(match.group(1)), int(match.group(2)))
    except ValueError as exc:  # e.g. 2020-02-31
        raise DateFormatError(f"not a real date: {text!r} ({exc})") from None
    raise DateFormatError(
        f"not a date: {text!r} (use 2020-10-31, 2020-10, 2020年10月31日 or 2020年10月底)"
    )


def parse_month(text: str) -> date:
    """Parse a reporting month (``2020-10``, ``2020年10月``) to its month end."""
    return end_of_month(parse_date(text))


def month_label(day: date, lang: str) -> str:
    """``2020年10月底`` / ``end of October 2020``."""
    if lang == "zh":
        return f"{day.year}年{day.month}月底"
    return f"end of {calendar.month_name[day.month]} {day.year}"


def month_name(day: date, lang: str) -> str:
    """``2020年10月`` / ``October 2020``: the month containing *day*."""
    if lang == "zh":
        return f"{day.year}年{day.month}月"
    return f"{calendar.month_name[day.month]} {day.year}"


def date_label(day: date, lang: str) -> str:
    """``2020年10月31日`` / ``2020-10-31``."""
    if lang == "zh":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def forecast_label(day: date, lang: str, *, year: int | None = None) -> str:
    """When a forecast says a target will be done: ``10月底`` / ``the end of October`` for a
    month end, ``11月15日`` / ``15 November`` otherwise; the year is named only when it is
    not *year* (the report's)."""
    at_end = day == month_end(day.year, day.month)
    named = day.year != year
    if lang == "zh":
        prefix = f"{day.year}年" if named else ""
        return f"{prefix}{day.month}月底" if at_end else f"{prefix}{day.month}月{day.day}日"
    suffix = f" {day.year}" if named else ""
    month = calendar.month_name[day.month]
    return f"the end of {month}{suffix}" if at_end else f"{day.day} {month}{suffix}"
