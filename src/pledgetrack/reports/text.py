"""Plain-text and Markdown renderers of the month-end report, in the seed's structure."""

from __future__ import annotations

from datetime import date
from html import escape

from pledgetrack.domain.dates import date_label, forecast_label, month_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import format_number, format_percent, pledge_heading
from pledgetrack.domain.qualifier import qualified
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.model import ItemLine, MonthReport, TargetLine


def target_phrase(line: TargetLine, lang: str, plan_end: date | None = None) -> str:
    """One target as the seed words it: 城镇新增就业41.58万人，占年计划的138.6%."""
    if line.kind == "milestone":
        if line.done:
            text = t("report.milestone.done", lang, name=line.name)
        elif line.stage:
            text = t(
                "report.milestone.stage",
                lang,
                name=line.name,
                stage=line.stage,
                k=line.stage_no,
                n=line.stage_count,
            )
        elif line.as_of is None:
            text = t("report.no_reading", lang, name=line.name)
        else:
            text = t("report.milestone.open", lang, name=line.name)
        if line.note and line.note not in line.name:
            text += t("report.note", lang, note=line.note)
    elif line.value is None:
        if line.works is not None:
            text = t("report.works.only", lang, name=line.name, percent=format_number(line.works))
        else:
            text = t("report.no_reading", lang, name=line.name)
    else:
        sep = "" if lang == "zh" else " "
        figure = qualified(format_number(line.value), line.unit, line.qualifier, lang, sep=sep)
        text = f"{line.name}{sep}{figure}"
        if line.target_value is not None:
            pct = format_percent(line.completion)
            if line.at_least:
                text += t(
                    "report.share.floor",
                    lang,
                    pct=pct,
                    target=format_number(line.target_value),
                    unit=line.unit,
                )
            else:
                text += t("report.share", lang, pct=pct)
        if line.works is not None:
            text += t("report.works", lang, percent=format_number(line.works))
    if line.deadline != plan_end:
        text += t("report.deadline", lang, date=date_label(line.deadline, lang))
    if line.forecast is not None and line.status is not Status.ACHIEVED:
        when = forecast_label(line.forecast, lang, year=line.deadline.year)
        text += t("report.forecast", lang, when=when)
    return text


def forecast_lines(report: MonthReport, lang: str) -> list[str]:
    """One warning line per target expected done only after its deadline."""
    return [
        t(
            "report.forecast.late",
            lang,
            no=f.item_no,
            title=f.item_title,
            name=f.name,
            when=forecast_label(f.forecast, lang, year=f.deadline.year),
            deadline=date_label(f.deadline, lang),
            department=t("report.list.sep", lang).join(f.departments),
        )
        for f in report.late_forecasts
    ]


def item_paragraph(line: ItemLine, lang: str, plan_end: date | None = None) -> str:
    """``1.就业方面，…；…。【已完成】``"""
    clauses = t("report.clause.sep", lang).join(
        target_phrase(tl, lang, plan_end) for tl in line.targets
    )
    status = t("report.item.status", lang, status=status_label(line.status, lang))
    return t("report.item", lang, no=line.no, title=line.title, clauses=clauses, status=status)


def headline(report: MonthReport, lang: str) -> str:
    """截至2020年10月底，…36项中的18项已实现年度目标，包括…；其余18项中，12项正常推进，6项进度滞后。"""
    items = {i.no: i for s in report.pledges for i in s.items}
    names = [
        f"{items[no].title}{t('report.item.suffix', lang)}"
        if lang == "zh"
        else f"{no} {items[no].title}"
        for no in report.achieved
    ]
    which = (
        t("report.headline.which", lang, names=t("report.list.sep", lang).join(names))
        if names
        else ""
    )
    text = t(
        "report.headline",
        lang,
        date=month_label(report.as_of, lang),
        plan=report.plan_title,
        pledges=report.pledge_count,
        total=report.item_count,
        achieved=len(report.achieved),
        which=which,
    )
    rest = report.item_count - len(report.achieved)
    parts = [
        t("report.rest.part", lang, n=n, status=status_label(status, lang))
        for status, n in report.counts.items()
        if n and status is not Status.ACHIEVED
    ]
    if rest and parts:
        sep = t("sep.comma", lang)
        text += t("report.headline.rest", lang, rest=rest, parts=sep.join(parts))
    else:
        text += t("report.headline.all", lang)
    return text


def attention_lines(report: MonthReport, lang: str) -> list[str]:
    """One line per item needing attention, naming the assessed targets that hold it back."""
    return [
        t(
            "report.attention.line",
            lang,
            no=line.no,
            title=line.title,
            department=t("report.list.sep", lang).join(line.departments),
            status=status_label(line.status, lang),
            targets=t("report.clause.sep", lang).join(
                attention_target(tl, lang)
                for tl in line.targets
                if tl.assessed and tl.status is line.status
            ),
        )
        for line in report.attention
    ]


def attention_target(line: TargetLine, lang: str) -> str:
    if line.status is Status.NOT_REPORTED:
        if line.as_of is None:
            return t("report.attention.never", lang, name=line.name)
        return t(
            "report.attention.missing", lang, name=line.name, date=date_label(line.as_of, lang)
        )
    if line.status is Status.OVERDUE:
        due = date_label(line.deadline, lang)
        return t(
            "report.attention.overdue",
            lang,
            name=line.name,
            date=due,
            completion=format_percent(line.completion),
        )
    if line.works is not None:  # weighed by its works progress (README, "The rules")
        return t(
            "report.attention.works",
            lang,
            name=line.name,
            percent=format_number(line.works),
            expected=format_percent(line.expected),
        )
    return t(
        "report.attention.target",
        lang,
        name=line.name,
        completion=format_percent(line.completion),
        expected=format_percent(line.expected),
    )


def change_lines(report: MonthReport, lang: str) -> list[str]:
    changes = report.changes
    previous = month_label(changes.previous_as_of, lang)
    if not changes.previous_has_data:
        return [t("report.changes.no_data", lang, date=previous)]
    items = {i.no: i for s in report.pledges for i in s.items}
    sep = t("report.list.sep", lang)
    out = []
    if changes.newly_achieved:
        names = sep.join(f"{no}.{items[no].title}" for no in changes.newly_achieved)
        out.append(t("report.changes.newly", lang, names=names))
    else:
        out.append(t("report.changes.newly.none", lang))
    if changes.status_changes:
        described = sep.join(
            t(
                "report.changes.status.one",
                lang,
                no=c.no,
                title=c.title,
                old=status_label(c.old, lang),
                new=status_label(c.new, lang),
            )
            for c in changes.status_changes
        )
        out.append(t("report.changes.status", lang, changes=described))
    if changes.movers:
        described = sep.join(
            t(
                "report.changes.mover",
                lang,
                name=m.name,
                old="—" if m.old is None else format_number(m.old),
                new="—"
                if m.new is None
                else qualified(format_number(m.new), "", m.new_qualifier, lang),
                unit=m.unit,
                delta=format_number(m.delta_points),
            )
            for m in changes.movers
        )
        out.append(t("report.changes.movers", lang, movers=described))
    if changes.no_new_figure:
        names = sep.join(f"{no}.{items[no].title}" for no in changes.no_new_figure)
        out.append(t("report.changes.stale", lang, names=names))
    return out


def render_text(report: MonthReport, lang: str) -> str:
    """The report as plain text."""
    return "\n".join(_blocks(report, lang, markdown=False)) + "\n"


def render_markdown(report: MonthReport, lang: str) -> str:
    """The report as Markdown. ``&``, ``<`` and ``>`` are escaped, so text people typed
    (``<script>``, ``<img onerror=…>``) is shown, never run, where Markdown becomes HTML;
    the catalog's own wording holds none of them (tests/test_shown_as_text.py)."""
    return escape("\n".join(_blocks(report, lang, markdown=True)) + "\n", quote=False)


def _blocks(report: MonthReport, lang: str, *, markdown: bool) -> list[str]:
    title = t("report.title", lang, plan=report.plan_title) + t(
        "report.as_of", lang, date=month_label(report.as_of, lang)
    )
    h1, h2, bullet = ("# ", "## ", "- ") if markdown else ("", "", "  ")
    out = [h1 + title]
    if report.department:
        out += ["", t("report.department", lang, name=report.department)]
    out += ["", headline(report, lang)]
    for section in report.pledges:
        heading = (
            f"{pledge_heading(section.no, lang)}{section.title}"
            if lang == "zh"
            else (f"{section.no}. {section.title}")
        )
        out += ["", h2 + heading if markdown else heading]
        for line in section.items:
            out += ["", item_paragraph(line, lang, report.plan_end)]
    out += ["", h2 + t("report.attention", lang)]
    lines = attention_lines(report, lang) + forecast_lines(report, lang)
    out += [""] + ([bullet + x for x in lines] if lines else [t("report.attention.none", lang)])
    out += [
        "",
        h2 + t("report.changes", lang, date=month_label(report.changes.previous_as_of, lang)),
        "",
    ]
    out += [bullet + x for x in change_lines(report, lang)]
    out += ["", h2 + t("score.title", lang), ""]
    out += [bullet + x for x in scorecard_lines(report, lang)]
    out += ["", t("score.late.note", lang, date=date_label(report.reporting_deadline, lang))]
    return out


def scorecard_lines(report: MonthReport, lang: str) -> list[str]:
    """One sentence per department: items, statuses that occur, late reports."""
    lines = []
    sep = t("report.list.sep", lang)
    for score in report.departments:
        parts = sep.join(
            t("score.part", lang, status=status_label(status, lang), n=n)
            for status, n in score.counts.items()
            if n
        )
        lines.append(
            t(
                "score.line",
                lang,
                name=score.name,
                items=score.items,
                lead=score.lead_items,
                parts=parts,
                late=score.late_reports,
            )
        )
    return lines
