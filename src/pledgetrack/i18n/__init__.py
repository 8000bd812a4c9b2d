"""The message catalog's lookup: one function for every string a user reads."""

from __future__ import annotations

import string

from pledgetrack.domain.model import Status
from pledgetrack.i18n.catalog import CATALOG

LANGS = ("zh", "en")


class _Formatter(string.Formatter):
    """``str.format`` plus English plurals: ``{n:item|items}`` is ``item`` when n is 1,
    else ``items`` (``{n} {n:entry is|entries are} not saved``)."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if value == 1 else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def t(key: str, lang: str, /, **values: object) -> str:
    """The message *key* in *lang* (``zh`` or ``en``), formatted with *values*."""
    text = CATALOG[key][lang]
    if not values:
        return text
    return _FORMATTER.format(text, **values) if "|" in text else text.format(**values)


def counted(n: int, one: str, many: str) -> str:
    """``1 item``, ``2 items``: *n* and the English noun that goes with it."""
    return f"{n} {one if n == 1 else many}"


def status_label(status: Status, lang: str) -> str:
    """已完成 / achieved …"""
    return t(f"status.{status.value}", lang)
