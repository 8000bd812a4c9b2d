"""What a supervisor says about the items that need attention: each item's lagging
target with its figure and the figure expected by now, and a department's list in
plain lines to read out on the phone (zh / en)."""

from __future__ import annotations

from pledgetrack.domain.dates import date_label
from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.lagging import Lag, lagging_target
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.text import one_line
from pledgetrack.i18n import status_label, t


def _figure(value: float) -> str:
    return format_number(round(value, 1))


def lag_text(lag: Lag, lang: str) -> str:
    """``18.3 农村生活垃圾镇级处置站完工7处，应达8.3处``: the target, its figure, the
    figure expected by now (a milestone: not done yet, expected done)."""
    target = lag.target
    values = {"key": target.key, "name": one_line(target.name), "unit": target.unit}
    if lag.expected_value is None:
        return t("attention.lag.milestone", lang, **values)
    expected = _figure(lag.expected_value)
    if lag.value is None:
        return t("attention.lag.none", lang, expected=expected, **values)
    return t("attention.lag.figure", lang, value=_figure(lag.value), expected=expected, **values)


def item_lag_text(row: ItemRow, lang: str) -> str:
    """The lagging target of *row* in words; "—" when none lags (not reported, say)."""
    lag = lagging_target(row)
    return lag_text(lag, lang) if lag is not None else "—"


def phone_list(evaluation: PlanEvaluation, department: str, lang: str) -> str:
    """The attention board's items led by *department*, as plain lines a supervisor
    reads out on the phone: a heading, then one line per item, worst first."""
    rows = next(
        (rows for name, rows in evaluation.attention_by_department() if name == department), []
    )
    when = date_label(evaluation.as_of, lang)
    lines = [t("attention.phone.header", lang, department=department, date=when, n=len(rows))]
    for index, row in enumerate(rows, start=1):
        last = (
            date_label(row.last_report, lang)
            if row.last_report
            else t("attention.phone.never", lang)
        )
        lines.append(
            t(
                "attention.phone.line",
                lang,
                index=index,
                no=row.info.no,
                title=one_line(row.info.title),
                status=status_label(row.result.status, lang),
                lag=item_lag_text(row, lang),
                last=last,
            )
        )
    return "\n".join(lines)
