"""The year-end forecast in words (zh / en): the flag the item detail shows, a target's
outlook, the department's own forecast beside the computed one. The month-end report
words its sentence from the report model (reports.text)."""

from __future__ import annotations

from datetime import date

from pledgetrack.domain.dates import forecast_label
from pledgetrack.domain.forecast import WINDOW, Outlook, TargetForecast
from pledgetrack.domain.numbers import format_number, format_percent
from pledgetrack.i18n import t
from pledgetrack.reports.text import at_risk_sentence
from pledgetrack.services.forecast import PlanForecast, at_risk_items

#: The catalog key of each outlook's label.
OUTLOOK_KEYS = {
    Outlook.AT_RISK: "forecast.outlook.at_risk",
    Outlook.ON_COURSE: "forecast.outlook.on_course",
    Outlook.ACHIEVED: "forecast.outlook.achieved",
    Outlook.FEW_READINGS: "forecast.outlook.few_readings",
    Outlook.PAST_DEADLINE: "forecast.outlook.past_deadline",
    Outlook.NOT_QUANTITY: "forecast.outlook.not_quantity",
}


def outlook_label(outlook: Outlook, lang: str) -> str:
    """有风险 / at risk …"""
    return t(OUTLOOK_KEYS[outlook], lang)


def forecast_sentence(forecast: TargetForecast, lang: str) -> str:
    """``有风险：按当前进度，截止时预计完成82.3%`` when it falls short; ``按当前进度，截止时
    预计完成104%`` when it reaches the target; else why there is no projection."""
    if forecast.outlook is Outlook.AT_RISK:
        return t("forecast.flag", lang, pct=format_percent(forecast.completion))
    if forecast.outlook is Outlook.ON_COURSE:
        return t("forecast.course", lang, pct=format_percent(forecast.completion))
    return outlook_label(forecast.outlook, lang)


def pace_text(forecast: TargetForecast, unit: str, lang: str) -> str:
    """``近3次填报月均增加2.1万人``: the pace the projection follows ("" without one)."""
    if forecast.pace is None:
        return ""
    n = min(forecast.readings, WINDOW)
    return t("forecast.pace", lang, n=n, pace=format_number(round(forecast.pace, 2)), unit=unit)


def department_forecast_text(forecast: date | None, deadline: date, lang: str) -> str:
    """``单位预计：10月底前完成``, the department's own forecast ("" when it gave none)."""
    if forecast is None:
        return ""
    return t("forecast.department", lang, when=forecast_label(forecast, lang, year=deadline.year))


def items_at_risk_text(found: PlanForecast, lang: str) -> str:
    """The items at risk in the month-end report's sentence, or that none of the targets
    that can be projected is at risk."""
    items = at_risk_items(found)
    return at_risk_sentence(items, lang) if items else t("forecast.none", lang)
