"""Table cells as rich Text: bars, status lights, dates (no markup parsing of data)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.dom import DOMNode

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Status, TargetKind
from pledgetrack.domain.numbers import format_number, format_percent
from pledgetrack.domain.qualifier import qualified
from pledgetrack.domain.text import one_line
from pledgetrack.i18n import status_label, t

if TYPE_CHECKING:
    from pledgetrack.domain.model import StoredReading
    from pledgetrack.domain.plan import TargetInfo
    from pledgetrack.services.evidence import EvidenceLine

BAR_CELLS = 10
BAR_FULL = "▇"
BAR_EMPTY = "░"

#: The light of each status (by its value, so that a status added to the model has a
#: place here: "ahead", clearly ahead of schedule, sits between achieved and on track).
#: Achieved and on track are both "green" in the government's lights, but a reader must
#: tell them apart at a glance: achieved is green, on track cyan. The app.tcss rules of
#: the counters (.achieved, .on_track …) follow the same colours.
STATUS_COLOURS = {
    "achieved": "green",
    "ahead": "dodger_blue1",
    "on_track": "cyan",
    "behind": "yellow",
    "overdue": "red",
    "not_reported": "bright_black",
}
STATUS_COLOUR = {status: STATUS_COLOURS.get(status.value, "") for status in Status}


def cell(text: str, style: str = "") -> Text:
    """Plain text, one line, cut with an ellipsis when the column is narrower; markup is not
    read, control characters and escape sequences are not shown (domain.text)."""
    return Text(one_line(text), style=style, no_wrap=True, overflow="ellipsis")


def bar(completion: float | None, status: Status) -> Text:
    """``▇▇▇▇▇▇▇▇░░ 83.3%`` — ten cells, full at 100% and above."""
    if completion is None:
        return cell("—", "bright_black")
    filled = round(max(0.0, min(completion, 100.0)) / 100 * BAR_CELLS)
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(BAR_FULL * filled, style=STATUS_COLOUR[status])
    text.append(BAR_EMPTY * (BAR_CELLS - filled), style="bright_black")
    text.append(" " + format_percent(completion))
    return text


def light(status: Status, lang: str) -> Text:
    """``● 已完成`` with the light in the status colour."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append("● ", style=STATUS_COLOUR[status])
    text.append(status_label(status, lang))
    return text


def day(value: date | None, lang: str) -> Text:
    return cell(date_label(value, lang) if value else "—")


def goal_text(target: TargetInfo, lang: str) -> str:
    """The target value as a person reads it: ``300000``, ``≥500``, ``完成`` for a milestone."""
    rule = target.rule
    if rule.kind is TargetKind.MILESTONE:
        return t("tui.goal.milestone", lang)
    if rule.target_value is None:
        return "—"
    value = format_number(rule.target_value)
    return t("tui.goal.at_least", lang, value=value) if rule.at_least else value


def reading_text(value: float | None, done: bool | None, lang: str) -> str:
    """A figure without its unit: ``64``, 已完成 / 未完成 for a milestone, ``—`` for none."""
    if value is not None:
        return format_number(value)
    if done is not None:
        return t("tui.done.yes" if done else "tui.done.no", lang)
    return "—"


def history_figure(entry: StoredReading, per_period: bool, lang: str, unit: str = "") -> str:
    """A stored reading's figure as it was given (``约19500``, with *unit* when the table
    has no unit column: ``约19500人``): a per-period target's amount said to be its
    period's, and works progress (形象进度) beside the figure or alone."""
    figure = "" if entry.value is None and entry.works is not None else None
    if figure is None:
        if entry.value is None:
            figure = reading_text(entry.value, entry.done, lang)
        else:
            figure = qualified(format_number(entry.value), unit, entry.qualifier, lang)
        if per_period and entry.value is not None:
            figure = t("reading.per_period", lang, amount=figure)
    if entry.works is None:
        return figure
    works = t("reading.works", lang, percent=format_number(entry.works))
    return t("reading.with_works", lang, figure=figure, works=works) if figure else works


def evidence_cell(files: Sequence[EvidenceLine]) -> Text:
    """``📎2 照片.jpg、验收单.pdf``: how many files are attached to a reading, and their names."""
    if not files:
        return cell("")
    return cell(f"📎{len(files)} " + "、".join(f.file_name for f in files), "cyan")


def localize_bindings(nodes: Iterable[DOMNode], lang: str) -> None:
    """Give the footer descriptions of *nodes*' bindings in *lang* (key ``key.<action>``)."""
    for node in nodes:
        for key, bindings in node._bindings.key_to_bindings.items():
            node._bindings.key_to_bindings[key] = [
                replace(b, description=t(f"tui.key.{b.action}", lang))
                if b.show or b.action == "command_palette"
                else b
                for b in bindings
            ]
        node.refresh_bindings()
