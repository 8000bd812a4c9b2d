"""The message catalog's lookup: one function for every string a user reads."""

from __future__ import annotations

from pledgetrack.domain.model import Status
from pledgetrack.i18n.catalog import CATALOG

LANGS = ("zh", "en")


def t(key: str, lang: str, /, **values: object) -> str:
    """The message *key* in *lang* (``zh`` or ``en``), formatted with *values*."""
    text = CATALOG[key][lang]
    return text.format(**values) if values else text


def status_label(status: Status, lang: str) -> str:
    """已完成 / achieved …"""
    return t(f"status.{status.value}", lang)
