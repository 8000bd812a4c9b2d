"""Plain-text and Markdown renderers of the month-end report, in the seed's structure."""

from __future__ import annotations

import re
from datetime import date
from html import escape

from pledgetrack.domain.dates import date_label, forecast_label, month_label
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.domain.numbers import format_number, format_percent, pledge_heading
from pledgetrack.domain.qualifier import qualified
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.breakdown_text import units_phrase
from pledgetrack.reports.model import AtRiskItem, ItemLine, MonthReport, TargetLine

#: Units of a target that is itself a percentage: its completion would repeat the figure.
_PERCENT_UNITS = frozenset({"%", "％"})
#: A name ending in a Latin letter or a digit runs into the figure after it without a space
#: ("安装AED100台" reads as one code).
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
#: A title's closing punctuation, dropped before 方面 or a heading's end.
_TITLE_END = "。.；;，,、 "

#: The bulletin groups of ``report --grouped``, in the bulletins' order (完成全年目标,
#: 超额完成节点目标, 按计划推进, 滞后 …): the order statuses are shown in everywhere.
GROUP_ORDER = STATUS_ORDER


def item_title(line: ItemLine) -> str:
    """The item's title without closing punctuation (a list's title may be a sentence)."""
    return line.title.rstrip(_TITLE_END) or line.title


def _figure(line: TargetLine, lang: str) -> str:
    """``城镇新增就业41.58万人``; ``安装AED 100台``; English ``new jobs 41.58 万人``."""
    assert line.value is not None
    unit_sep = "" if lang == "zh" or line.unit in _PERCENT_UNITS else " "
    figure = qualified(format_number(line.value), line.unit, line.qualifier, lang, sep=unit_sep)
    name = line.name.rstrip(_TITLE_END) or line.name
    name_sep = " " if lang != "zh" or _LATIN_END.search(name) else ""
    return f"{name}{name_sep}{figure}"


def _share(line: TargetLine, lang: str, plan_end: date | None) -> str:
    """``，占年计划的138.6%`` — only where it says something: a target figure that is not a
    percentage itself; a target due before the plan's end is a node, not the year's plan."""
    if line.target_value is None:
        return ""
    pct = format_percent(line.completion)
    target = format_number(line.target_value)
    if line.unit in _PERCENT_UNITS:
        # 工程进度93%: the share would repeat the figure; a target other than 100% is said.
        if line.target_value == 100:
            return ""
        return t("report.share.percent", lang, target=target, unit=line.unit)
    if line.at_least:
        return t("report.share.floor", lang, pct=pct, target=target, unit=line.unit)
    if plan_end is not None and line.deadline < plan_end:
        return t("report.share.node", lang, pct=pct)
    return t("report.share", lang, pct=pct)


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
        text = _figure(line, lang) + _share(line, lang, plan_end)
        if line.works is not None:
            text += t("report.works", lang, percent=format_number(line.works))
    if line.units:
        text += units_phrase(line.units, lang)
    if line.deadline != plan_end:
        text += t("report.deadline", lang, date=date_label(line.deadline, lang))
    if line.forecast is not None and line.status is not Status.ACHIEVED:
        when = forecast_label(line.forecast, lang, year=line.deadline.year)
        text += t("report.forecast", lang, when=when)
    return text


def forecast_lines(report: MonthReport, lang: str) -> list[str]:
    """The year-end forecast's sentence (按当前进度，预计年底仍有N项难以完成：…) when it finds
    items at risk, then one warning line per target its department expects done only
    after its deadline."""
    return at_risk_lines(report, lang) + [
        t(
            "report.forecast.late",
            lang,
            no=f.item_no,
            title=f.item_title,
            name=f.name,
            when=forecast_label(f.forecast, lang, year=f.deadline.year),
            deadline=date_label(f.deadline, lang),
            department=departments_said(f.departments, lang),
        )
        for f in report.late_forecasts
    ]


def at_risk_lines(report: MonthReport, lang: str) -> list[str]:
    """The year-end forecast's sentence when it finds items at risk (none: no line)."""
    return [at_risk_sentence(report.at_risk, lang)] if report.at_risk else []


#: Items the forecast's sentence names at most: past that, the furthest behind, then
#: "等N项" (a province finds thousands; `pledgetrack forecast --at-risk` lists them all).
AT_RISK_NAMED = 10


def at_risk_sentence(items: list[AtRiskItem], lang: str, limit: int = AT_RISK_NAMED) -> str:
    """``按当前进度，预计年底仍有2项难以完成：5.…（预计完成82.3%）、…``: what the report, the
    attention board and `pledgetrack forecast` say of the items at risk. Of more than
    *limit* items, the *limit* with the lowest projected completion are named, in list
    order, and the sentence says how many more there are."""
    named = items
    if len(items) > limit:
        worst = sorted(range(len(items)), key=lambda i: (items[i].completion, i))[:limit]
        named = [items[i] for i in sorted(worst)]
    names = t("report.list.sep", lang).join(
        t("forecast.items.one", lang, no=a.item_no, title=a.item_title.rstrip(_TITLE_END),
          pct=format_percent(a.completion))
        for a in named
    )  # fmt: skip
    if len(named) < len(items):
        names += t("forecast.items.more", lang, n=len(items) - len(named))
    return t("forecast.items", lang, n=len(items), names=names)


def item_paragraph(line: ItemLine, lang: str, plan_end: date | None = None) -> str:
    """``1.就业方面，…；…。【已完成】``"""
    clauses = t("report.clause.sep", lang).join(
        target_phrase(tl, lang, plan_end) for tl in line.targets
    )
    status = (
        t("report.item.status", lang, status=status_label(line.status, lang))
        if line.annual_target
        else t("report.item.status", lang, status=t("report.targetless.status", lang))
    )
    return t(
        "report.item", lang, no=line.no, title=item_title(line), clauses=clauses, status=status
    )


def headline(report: MonthReport, lang: str) -> str:
    """截至2020年10月底，…36项中的18项已实现年度目标，包括…；其余18项中，12项正常推进，6项进度滞后。

    A flat list names no 件; with items without an annual target the headline counts the
    items that have one (``…30项中，27项设年度目标，已完成19项``) and says the others in
    a sentence of their own."""
    items = {i.no: i for s in report.pledges for i in s.items}
    sep = t("report.list.sep", lang)
    names = [_item_name(items[no], lang) for no in report.achieved]
    which = t("report.headline.which", lang, names=sep.join(names)) if names else ""
    scope = (
        t("report.scope.flat", lang, plan=report.plan_title, total=report.item_count)
        if report.flat
        else t(
            "report.scope",
            lang,
            plan=report.plan_title,
            pledges=report.pledge_count,
            total=report.item_count,
        )
    )
    targeted = report.targeted_count
    text = t(
        "report.headline.targeted" if report.targetless else "report.headline",
        lang,
        date=month_label(report.as_of, lang),
        scope=scope,
        targeted=targeted,
        achieved=len(report.achieved),
        which=which,
    )
    counts = report.targeted_counts or report.counts
    rest = targeted - len(report.achieved)
    parts = [(status, n) for status, n in counts.items() if n and status is not Status.ACHIEVED]
    if rest and len(parts) == 1 and parts[0][1] == rest:
        key = "report.headline.rest.one" if rest == 1 else "report.headline.rest.all"
        text += t(key, lang, rest=rest, status=status_label(parts[0][0], lang))
    elif rest and parts:
        described = t("sep.comma", lang).join(
            t("report.rest.part", lang, n=n, status=status_label(status, lang))
            for status, n in parts
        )
        text += t("report.headline.rest", lang, rest=rest, parts=described)
    else:
        text += t("report.headline.all", lang)
    if report.targetless:
        text += t(
            "report.headline.targetless",
            lang,
            n=len(report.targetless),
            names=sep.join(_item_name(items[no], lang) for no in report.targetless),
        )
    return text


def _item_name(line: ItemLine, lang: str) -> str:
    """An item as the headline names it: ``就业方面`` / ``1 就业``."""
    if lang == "zh":
        return f"{item_title(line)}{t('report.item.suffix', lang)}"
    return f"{line.no} {item_title(line)}"


def report_sections(report: MonthReport, lang: str) -> list[tuple[str | None, list[ItemLine]]]:
    """The report's body: each heading (None: none) with its items. Under their pledges
    (``一、促进就业``); a flat list's items without a heading; with ``--grouped``, as the
    bulletins group them (完成全年目标 / 超额完成节点目标 / 按计划推进 / 滞后 …, then the
    items without an annual target), a group only where it has items."""
    if report.grouped:
        every = [i for s in report.pledges for i in s.items]
        groups = [
            (status, [i for i in every if i.annual_target and i.status is status])
            for status in GROUP_ORDER
        ]
        out: list[tuple[str | None, list[ItemLine]]] = [
            (t(f"report.group.{status.value}", lang, n=len(rows)), rows)
            for status, rows in groups
            if rows
        ]
        targetless = [i for i in every if not i.annual_target]
        if targetless:
            out.append((t("report.group.targetless", lang, n=len(targetless)), targetless))
        return out
    if report.flat:
        return [(None, [i for s in report.pledges for i in s.items])]
    return [
        (
            f"{pledge_heading(s.no, lang)}{s.title}" if lang == "zh" else f"{s.no}. {s.title}",
            s.items,
        )
        for s in report.pledges
    ]


def attention_lines(report: MonthReport, lang: str) -> list[str]:
    """One line per item needing attention, naming the assessed targets that hold it back."""
    return [
        t(
            "report.attention.line",
            lang,
            no=line.no,
            title=item_title(line),
            department=departments_said(line.departments, lang),
            status=status_label(line.status, lang),
            targets=t("report.clause.sep", lang).join(
                attention_target(tl, lang)
                for tl in line.targets
                if tl.assessed and tl.status is line.status
            ),
        )
        for line in report.attention
    ]


def departments_said(names: list[str], lang: str) -> str:
    """``（市人社局、市财政局）`` after an item; nothing for an item no department answers for
    (a published table that names none): no placeholder is made up."""
    if not names:
        return ""
    return t("report.departments", lang, names=t("report.list.sep", lang).join(names))


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
    for heading, items in report_sections(report, lang):
        if heading is not None:
            out += ["", h2 + heading if markdown else heading]
        for item in items:
            out += ["", item_paragraph(item, lang, report.plan_end)]
    out += ["", h2 + t("report.attention", lang)]
    lines = attention_lines(report, lang) + forecast_lines(report, lang)
    out += [""] + ([bullet + x for x in lines] if lines else [t("report.attention.none", lang)])
    out += [
        "",
        h2 + t("report.changes", lang, date=month_label(report.changes.previous_as_of, lang)),
        "",
    ]
    out += [bullet + x for x in change_lines(report, lang)]
    if report.no_evidence is not None:
        out += ["", h2 + t("report.no_evidence", lang), ""]
        out += [bullet + x for x in no_evidence_lines(report, lang)]
    if report.departments:  # a list that names no department has no scorecard
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


def no_evidence_lines(report: MonthReport, lang: str) -> list[str]:
    """One line per target whose latest figure has no evidence attached."""
    missing = report.no_evidence or []
    if not missing:
        return [t("report.no_evidence.none", lang)]
    return [
        t(
            "report.no_evidence.line",
            lang,
            key=m.key,
            name=m.name,
            date=date_label(m.as_of, lang),
            department=departments_said(m.departments, lang),
        )
        for m in missing
    ]
