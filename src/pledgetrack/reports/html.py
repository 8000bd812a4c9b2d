"""The month-end report as one self-contained HTML page.

Everything the page needs is inside it: inline CSS, charts drawn as inline SVG,
system fonts only. It makes no request of any kind (no URL appears in it), reads
well on a phone (one column, tables scroll sideways) and prints on A4.

Like every renderer it reads the :class:`MonthReport` and computes nothing: the
sentences come from :mod:`pledgetrack.reports.text`, the figures from the model.
Only drawing arithmetic (bar lengths, positions) happens here. The output is
deterministic, so tests can compare it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from html import escape

from pledgetrack.domain.dates import date_label, month_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import format_percent
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.model import ItemLine, MonthReport
from pledgetrack.reports.text import (
    attention_target,
    change_lines,
    forecast_lines,
    headline,
    item_paragraph,
    no_evidence_lines,
    report_sections,
)

#: Traffic lights: two greens, amber, red, grey; blue for ahead of plan.
COLOURS: dict[Status, str] = {
    Status.ACHIEVED: "#1e7b34",
    Status.AHEAD: "#2b7bb9",
    Status.ON_TRACK: "#6cbf5a",
    Status.BEHIND: "#f0a202",
    Status.OVERDUE: "#d63031",
    Status.NOT_REPORTED: "#9aa0a6",
}
#: Each status as text on white (the badge after an item's paragraph).
_TEXT: dict[Status, str] = {
    Status.ACHIEVED: "#1e7b34",
    Status.AHEAD: "#1f5f91",
    Status.ON_TRACK: "#3b8a2a",
    Status.BEHIND: "#a66a00",
    Status.OVERDUE: "#c0392b",
    Status.NOT_REPORTED: "#6b7075",
}
#: Text drawn on top of each colour.
_INK: dict[Status, str] = {
    Status.ACHIEVED: "#ffffff",
    Status.AHEAD: "#ffffff",
    Status.ON_TRACK: "#10300a",
    Status.BEHIND: "#3a2800",
    Status.OVERDUE: "#ffffff",
    Status.NOT_REPORTED: "#202124",
}

_FONTS = (
    '"PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", system-ui, -apple-system, "Segoe UI", '
    "Roboto, Arial, sans-serif"
)

_CSS = """
:root { color-scheme: light; --ink: #1f2328; --muted: #5f6368; --line: #d8dde3;
  --paper: #ffffff; --ground: #f3f5f7; --accent: #1f4e79; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; background: var(--ground); color: var(--ink); font-family: FONTS;
  font-size: 16px; line-height: 1.65; }
.page { max-width: 1040px; margin: 0 auto; padding: 24px 20px 40px; }
header.top { background: var(--accent); color: #fff; border-radius: 10px; padding: 20px 24px;
  margin-bottom: 16px; }
header.top h1 { margin: 0 0 4px; font-size: 1.6rem; line-height: 1.35; }
header.top p { margin: 0; opacity: .92; }
nav.toc { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 0 0 16px; font-size: .92rem; }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
section.card { background: var(--paper); border-radius: 10px; padding: 18px 22px;
  margin: 0 0 16px; box-shadow: 0 1px 3px rgba(0, 0, 0, .08); }
h2 { font-size: 1.25rem; margin: 0 0 12px; color: var(--accent); line-height: 1.4; }
h3 { font-size: 1.05rem; margin: 18px 0 8px; line-height: 1.5; }
p { margin: 0 0 10px; }
.headline { font-size: 1.02rem; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; list-style: none; padding: 0; margin: 14px 0 0; }
.counts li { flex: 1 1 120px; border: 1px solid var(--line); border-top: 5px solid var(--c);
  border-radius: 8px; padding: 8px 12px; background: var(--paper); }
.counts .n { display: block; font-size: 1.7rem; font-weight: 700; line-height: 1.2; }
.counts .l { color: var(--muted); font-size: .9rem; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 28px; }
.charts figure { margin: 0; min-width: 0; }
.charts figure.wide { grid-column: 1 / -1; }
figcaption { font-weight: 600; margin: 0 0 6px; }
figure .note { color: var(--muted); font-size: .85rem; margin: 6px 0 0; }
svg.chart { display: block; width: 100%; height: auto; font-family: FONTS; }
svg.strip { display: block; width: 100%; height: 36px; border-radius: 4px; font-family: FONTS; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0;
  margin: 8px 0 0; font-size: .88rem; color: var(--muted); }
.legend i, .dot { display: inline-block; width: .8em; height: .8em; border-radius: 2px;
  background: var(--c); margin-right: 5px; vertical-align: -1px; }
.pledge + .pledge { border-top: 1px solid var(--line); }
.pledge h3 { margin-top: 14px; }
article.item { border-left: 5px solid var(--c); background: #fafbfc; border-radius: 0 6px 6px 0;
  padding: 8px 12px; margin: 0 0 10px; }
article.item p { margin: 0; }
.badge { font-weight: 700; color: var(--t); white-space: nowrap; }
.pill { display: inline-block; padding: 1px 9px; border-radius: 999px; background: var(--c);
  color: var(--t); font-size: .86rem; font-weight: 600; white-space: nowrap; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; font-size: .93rem; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left;
  vertical-align: top; }
th { background: #eef2f6; white-space: nowrap; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.zero { color: #b0b5ba; }
td.nowrap { white-space: nowrap; }
table.attention { min-width: 680px; }
table.attention td:first-child { min-width: 9em; }
table.attention td:last-child { min-width: 16em; }
table.attention td:first-child a { color: inherit; }
ul.changes { margin: 0; padding-left: 1.2em; }
ul.changes li { margin: 0 0 6px; }
.muted { color: var(--muted); font-size: .9rem; }
footer { color: var(--muted); font-size: .85rem; text-align: center; margin-top: 8px; }
@media (max-width: 700px) {
  body { font-size: 15px; }
  .page { padding: 10px 10px 28px; }
  header.top { padding: 14px 16px; border-radius: 8px; }
  header.top h1 { font-size: 1.3rem; }
  section.card { padding: 14px 14px; border-radius: 8px; }
  .charts { grid-template-columns: 1fr; }
  .counts li { flex-basis: 40%; padding: 6px 10px; }
  .counts .n { font-size: 1.4rem; }
  table { font-size: .88rem; }
}
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  body { background: #fff; font-size: 10.5pt; line-height: 1.5; }
  .page { max-width: none; padding: 0; }
  nav.toc { display: none; }
  header.top { background: none; color: var(--ink); border-bottom: 2px solid var(--ink);
    border-radius: 0; padding: 0 0 6px; }
  section.card { box-shadow: none; border-radius: 0; padding: 0; margin: 0 0 14pt; }
  article.item { background: none; break-inside: avoid; page-break-inside: avoid; }
  figure, .counts li, tr { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; break-inside: avoid; }
  .charts { display: flex; flex-wrap: wrap; gap: 0 6mm; }
  .charts figure { flex: 1 1 0; margin-bottom: 8pt; }
  .charts figure.wide { flex: 1 1 100%; }
  svg.chart { max-height: 235mm; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  th { background: none; border-bottom: 1.5px solid var(--ink); }
  a { color: inherit; text-decoration: none; }
  .pill, .counts li, article.item, .legend i, .dot {
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".replace("FONTS", _FONTS)


def render_html(report: MonthReport, lang: str) -> str:
    """The report as one self-contained HTML5 page (UTF-8, no external resources)."""
    return "".join(html_pieces(report, lang))


def html_pieces(report: MonthReport, lang: str) -> Iterator[str]:
    """The text of :func:`render_html` piece by piece, the items made as they are written
    (a province's page is tens of megabytes: held whole, several times over)."""
    title = t("report.title", lang, plan=report.plan_title) + t(
        "report.as_of", lang, date=month_label(report.as_of, lang)
    )
    parts: list[str | Callable[[], str]] = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<div class="page">',
        _header(report, lang, title),
        _nav(report, lang),
        "<main>",
        lambda: _summary(report, lang),
        lambda: _charts(report, lang),
        _PLEDGES,
        lambda: _attention(report, lang),
        lambda: _changes(report, lang),
        lambda: _no_evidence(report, lang),
        lambda: _scorecard(report, lang),
        "</main>",
        f"<footer>{_e(report.plan_code)} · {_e(report.month)}</footer>",
        "</div>",
        "</body>",
        "</html>",
    ]
    for part in parts:  # a section is made when it is reached, and let go once written
        if part is _PLEDGES:
            yield from _pledge_pieces(report, lang)
        else:
            yield part() if callable(part) else part
        yield "\n"


#: Where the pledges and their items go among the parts of the page.
_PLEDGES = "<pledges>"


# --- page sections ---------------------------------------------------------------


def _header(report: MonthReport, lang: str, title: str) -> str:
    lines = [
        t(
            "html.as_of",
            lang,
            date=date_label(report.as_of, lang),
            deadline=date_label(report.reporting_deadline, lang),
        )
    ]
    if report.department:
        lines.append(t("report.department", lang, name=report.department))
    body = "".join(f"<p>{_e(line)}</p>" for line in lines)
    return f'<header class="top"><h1>{_e(title)}</h1>{body}</header>'


def _nav(report: MonthReport, lang: str) -> str:
    links = [
        ("summary", t("html.summary", lang)),
        ("charts", t("html.charts", lang)),
        ("pledges", t("html.pledges", lang)),
        ("attention", t("report.attention", lang)),
        (
            "changes",
            t("report.changes", lang, date=month_label(report.changes.previous_as_of, lang)),
        ),
        *([("evidence", t("report.no_evidence", lang))] if report.no_evidence is not None else []),
        ("departments", t("score.title", lang)),
    ]
    inner = "".join(f'<a href="#{anchor}">{_e(label)}</a>' for anchor, label in links)
    return f'<nav class="toc" aria-label="{_e(t("html.contents", lang))}">{inner}</nav>'


def _summary(report: MonthReport, lang: str) -> str:
    cards = [
        f'<li class="total" style="--c:#1f4e79"><span class="n">{report.item_count}</span>'
        f'<span class="l">{_e(_scope(report, lang))}'
        "</span></li>"
    ]
    for status, n in report.counts.items():
        cards.append(
            f'<li class="s-{status.value}" style="{_vars(status)}"><span class="n">{n}</span>'
            f'<span class="l">{_e(status_label(status, lang))}</span></li>'
        )
    return (
        f'<section class="card" id="summary"><h2>{_e(t("html.summary", lang))}</h2>'
        f'<p class="headline">{_e(headline(report, lang))}</p>'
        f'<ul class="counts">{"".join(cards)}</ul></section>'
    )


def _charts(report: MonthReport, lang: str) -> str:
    figures = [
        _figure(
            t("html.chart.status", lang),
            _status_chart(report, lang),
            _legend(lang),
            wide=True,
        ),
        _figure(
            t("html.chart.items", lang),
            _items_chart(report, lang),
            f'<p class="note">{_e(t("html.chart.items.note", lang))}</p>',
        ),
    ]
    if report.departments:
        figures.append(
            _figure(
                t("html.chart.departments", lang),
                _departments_chart(report, lang),
                f'<p class="note">{_e(t("html.chart.departments.note", lang))}</p>',
            )
        )
    return (
        f'<section class="card" id="charts"><h2>{_e(t("html.charts", lang))}</h2>'
        f'<div class="charts">{"".join(figures)}</div></section>'
    )


def _figure(caption: str, svg: str, after: str = "", *, wide: bool = False) -> str:
    cls = ' class="wide"' if wide else ""
    return f"<figure{cls}><figcaption>{_e(caption)}</figcaption>{svg}{after}</figure>"


def _legend(lang: str) -> str:
    entries = "".join(
        f'<li><i style="{_vars(status)}"></i>{_e(status_label(status, lang))}</li>'
        for status in Status
    )
    return f'<ul class="legend">{entries}</ul>'


def _scope(report: MonthReport, lang: str) -> str:
    """``12件36项`` under the item count; a flat list counts no 件."""
    if report.flat:
        return t("html.scope.flat", lang, items=report.item_count)
    return t("html.scope", lang, pledges=report.pledge_count, items=report.item_count)


def _pledge_pieces(report: MonthReport, lang: str) -> Iterator[str]:
    yield f'<section class="card" id="pledges"><h2>{_e(t("html.pledges", lang))}</h2>'
    for n, (heading, lines) in enumerate(report_sections(report, lang), 1):
        title = "" if heading is None else f"<h3>{_e(heading)}</h3>"
        yield f'<section class="pledge" id="pledge-{n}">{title}'
        yield from (_item(line, report, lang) for line in lines)
        yield "</section>"
    yield "</section>"


def _item(line: ItemLine, report: MonthReport, lang: str) -> str:
    """The item's paragraph as the text report words it, its 【status】 as a coloured badge."""
    text = item_paragraph(line, lang, report.plan_end)
    suffix = t("report.item.status", lang, status=status_label(line.status, lang))
    body, badge = (text[: -len(suffix)], suffix) if text.endswith(suffix) else (text, "")
    lead = " " if badge.startswith(" ") else ""
    badge_html = f'{lead}<span class="badge">{_e(badge.strip())}</span>' if badge else ""
    return (
        f'<article class="item s-{line.status.value}" id="item-{line.no}" '
        f'style="{_vars(line.status)}"><p>{_e(body)}{badge_html}</p></article>'
    )


def _attention(report: MonthReport, lang: str) -> str:
    head = f'<section class="card" id="attention"><h2>{_e(t("report.attention", lang))}</h2>'
    late = "".join(f"<li>{_e(line)}</li>" for line in forecast_lines(report, lang))
    forecasts = f'<ul class="forecasts">{late}</ul>' if late else ""
    if not report.attention:
        return f"{head}<p>{_e(t('report.attention.none', lang))}</p>{forecasts}</section>"
    columns = [
        ("col.item", ""),
        ("col.status", ""),
        ("col.completion", "num"),
        ("col.expected", "num"),
        ("col.department", ""),
        ("html.col.details", ""),
    ]
    rows = []
    for line in report.attention:
        details = t("report.clause.sep", lang).join(
            attention_target(tl, lang)
            for tl in line.targets
            if tl.assessed and tl.status is line.status
        )
        cells = [
            f'<td><a href="#item-{line.no}">{_e(_item_name(line, lang))}</a></td>',
            f"<td>{_pill(line.status, lang)}</td>",
            f'<td class="num">{_e(format_percent(line.completion))}</td>',
            f'<td class="num">{_e(format_percent(line.expected))}</td>',
            f"<td>{_e(t('report.list.sep', lang).join(line.departments))}</td>",
            f"<td>{_e(details)}</td>",
        ]
        rows.append(f'<tr class="s-{line.status.value}">{"".join(cells)}</tr>')
    return head + _table("attention", columns, rows, lang) + forecasts + "</section>"


def _changes(report: MonthReport, lang: str) -> str:
    title = t("report.changes", lang, date=month_label(report.changes.previous_as_of, lang))
    lines = "".join(f"<li>{_e(line)}</li>" for line in change_lines(report, lang))
    return (
        f'<section class="card" id="changes"><h2>{_e(title)}</h2>'
        f'<ul class="changes">{lines}</ul></section>'
    )


def _no_evidence(report: MonthReport, lang: str) -> str:
    """The targets whose latest figure has no evidence (``report --evidence``); nothing
    when not asked for."""
    if report.no_evidence is None:
        return ""
    lines = "".join(f"<li>{_e(line)}</li>" for line in no_evidence_lines(report, lang))
    return (
        f'<section class="card" id="evidence"><h2>{_e(t("report.no_evidence", lang))}</h2>'
        f'<ul class="changes">{lines}</ul></section>'
    )


def _scorecard(report: MonthReport, lang: str) -> str:
    head = f'<section class="card" id="departments"><h2>{_e(t("score.title", lang))}</h2>'
    note = (
        f'<p class="muted late-note">'
        f"{_e(t('score.late.note', lang, date=date_label(report.reporting_deadline, lang)))}</p>"
    )
    if not report.departments:
        return head + note + "</section>"
    columns = [
        ("col.department", ""),
        ("score.col.items", "num"),
        ("score.col.lead", "num"),
        *((f"status.{status.value}", "num") for status in Status),
        ("score.col.late", "num"),
        ("score.col.completion", "num"),
    ]
    rows = []
    for score in report.departments:
        cells = [
            f'<td class="nowrap">{_e(score.name)}</td>',
            f'<td class="num">{score.items}</td>',
            f'<td class="num">{score.lead_items}</td>',
        ]
        for status in Status:
            n = score.counts.get(status, 0)
            cells.append(f'<td class="num{"" if n else " zero"}">{n}</td>')
        cells.append(
            f'<td class="num{"" if score.late_reports else " zero"}">{score.late_reports}</td>'
        )
        cells.append(f'<td class="num">{_e(format_percent(score.completion))}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return head + _table("scorecard", columns, rows, lang) + note + "</section>"


def _table(cls: str, columns: list[tuple[str, str]], rows: list[str], lang: str) -> str:
    heads = []
    for key, align in columns:
        label = t(key, lang)
        dot = ""
        if key.startswith("status."):
            dot = f'<i class="dot" style="{_vars(Status(key.removeprefix("status.")))}"></i>'
        heads.append(f'<th scope="col"{_cls(align)}>{dot}{_e(label)}</th>')
    return (
        f'<div class="table-wrap"><table class="{cls}"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


# --- charts ----------------------------------------------------------------------

_W = 360.0
"""Width of the charts' coordinate system; the SVG scales to its container, so at 12 units
the text reads at about 12 px on a phone and a little larger in a desktop column."""


def _status_chart(report: MonthReport, lang: str) -> str:
    """One stacked bar of the items by status, the count in each segment.

    Drawn in percent of the page width at a fixed height, so it stays a slim bar with
    readable numbers from a phone to a wide screen.
    """
    total = sum(report.counts.values())
    label = (
        t("html.chart.status", lang)
        + ": "
        + t("report.list.sep", lang).join(
            f"{status_label(s, lang)} {n}" for s, n in report.counts.items()
        )
    )
    shapes = ['<rect x="0" y="0" width="100%" height="100%" fill="#eef1f4"/>']
    x = 0.0
    for status, n in report.counts.items():
        if not n or not total:
            continue
        w = 100.0 * n / total
        tip = f"{status_label(status, lang)}: {n}"
        shapes.append(
            f'<g><title>{_e(tip)}</title><rect x="{_f(x, 2)}%" y="0" width="{_f(w, 2)}%" '
            f'height="100%" fill="{COLOURS[status]}"/>'
            f'<text x="{_f(x + w / 2, 2)}%" y="50%" dy=".35em" text-anchor="middle" '
            f'font-size="15" font-weight="700" fill="{_INK[status]}">{n}</text></g>'
        )
        x += w
    return (
        f'<svg class="strip" width="100%" height="36" role="img" aria-label="{_e(label)}">'
        f"{''.join(shapes)}</svg>"
    )


def _items_chart(report: MonthReport, lang: str) -> str:
    """Each item's completion as a bar in its status colour, grouped by pledge; a tick at the
    progress expected by now."""
    label_w, value_w, row_h, group_h, bar_h = 138.0, 42.0, 19.0, 22.0, 12.0
    bar_x = label_w
    bar_w = _W - label_w - value_w
    shapes = []
    y = 0.0
    for heading, lines in report_sections(report, lang):
        if heading is not None:
            y += group_h
            shapes.append(
                f'<text x="0" y="{_f(y - 6)}" font-size="12.5" font-weight="700" fill="#1f4e79">'
                f"<title>{_e(heading)}</title>{_e(_clip(heading, _W))}</text>"
            )
        for line in lines:
            mid = y + row_h / 2
            name = _item_name(line, lang)
            tip = f"{name}: {format_percent(line.completion)} ({status_label(line.status, lang)})"
            shapes.append(f"<g><title>{_e(tip)}</title>")
            shapes.append(
                f'<text x="{_f(label_w - 6)}" y="{_f(mid + 4)}" text-anchor="end" font-size="12" '
                f'fill="#1f2328">{_e(_clip(name, label_w - 8, 12))}</text>'
            )
            shapes.append(
                f'<rect x="{_f(bar_x)}" y="{_f(mid - bar_h / 2)}" width="{_f(bar_w)}" '
                f'height="{_f(bar_h)}" fill="#eef1f4"/>'
            )
            if line.completion is not None:
                w = bar_w * _share(line.completion)
                shapes.append(
                    f'<rect x="{_f(bar_x)}" y="{_f(mid - bar_h / 2)}" width="{_f(w)}" '
                    f'height="{_f(bar_h)}" fill="{COLOURS[line.status]}"/>'
                )
            if line.expected is not None and line.expected > 0:
                ex = bar_x + bar_w * _share(line.expected)
                shapes.append(
                    f'<line x1="{_f(ex)}" x2="{_f(ex)}" y1="{_f(mid - bar_h / 2 - 3)}" '
                    f'y2="{_f(mid + bar_h / 2 + 3)}" stroke="#1f2328" stroke-width="2"/>'
                )
            shapes.append(
                f'<text x="{_f(bar_x + bar_w + 5)}" y="{_f(mid + 4)}" font-size="12" '
                f'fill="#1f2328">{_e(format_percent(line.completion))}</text></g>'
            )
            y += row_h
    label = t("html.chart.items", lang)
    return _svg(_W, y + 4, label, "".join(shapes))


def _departments_chart(report: MonthReport, lang: str) -> str:
    """Per department a stacked bar of its items by status, one unit per item."""
    label_w, total_w, row_h, bar_h = 130.0, 20.0, 22.0, 15.0
    bar_w = _W - label_w - total_w
    most = max((d.items for d in report.departments), default=0) or 1
    unit = bar_w / most
    shapes = []
    y = 0.0
    for score in report.departments:
        mid = y + row_h / 2
        tip = f"{score.name}: " + t("report.list.sep", lang).join(
            f"{status_label(s, lang)} {n}" for s, n in score.counts.items() if n
        )
        shapes.append(f"<g><title>{_e(tip)}</title>")
        shapes.append(
            f'<text x="{_f(label_w - 6)}" y="{_f(mid + 4)}" text-anchor="end" font-size="12" '
            f'fill="#1f2328">{_e(_clip(score.name, label_w - 8, 12))}</text>'
        )
        x = label_w
        for status in Status:
            n = score.counts.get(status, 0)
            if not n:
                continue
            w = unit * n
            shapes.append(
                f'<rect x="{_f(x)}" y="{_f(mid - bar_h / 2)}" width="{_f(w)}" '
                f'height="{_f(bar_h)}" fill="{COLOURS[status]}" stroke="#ffffff" '
                f'stroke-width="1"/>'
            )
            if w >= 16:
                shapes.append(
                    f'<text x="{_f(x + w / 2)}" y="{_f(mid + 4)}" text-anchor="middle" '
                    f'font-size="11" font-weight="700" fill="{_INK[status]}">{n}</text>'
                )
            x += w
        shapes.append(
            f'<text x="{_f(x + 5)}" y="{_f(mid + 4)}" font-size="12" fill="#5f6368">'
            f"{score.items}</text></g>"
        )
        y += row_h
    return _svg(_W, y + 2, t("html.chart.departments", lang), "".join(shapes))


def _svg(width: float, height: float, label: str, body: str) -> str:
    # No xmlns: inline SVG in HTML5 needs none, and the page then holds no URL at all.
    return (
        f'<svg class="chart" viewBox="0 0 {_f(width)} {_f(height)}" role="img" '
        f'aria-label="{_e(label)}" preserveAspectRatio="xMinYMin meet">{body}</svg>'
    )


# --- helpers ---------------------------------------------------------------------


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _f(value: float, digits: int = 1) -> str:
    """A coordinate, short and deterministic."""
    text = f"{value:.{digits}f}".rstrip("0")
    return text.rstrip(".")


def _cls(name: str) -> str:
    return f' class="{name}"' if name else ""


def _vars(status: Status) -> str:
    """CSS custom properties for a status: its colour and the ink on it."""
    return f"--c:{COLOURS[status]};--t:{_TEXT[status]}"


def _pill(status: Status, lang: str) -> str:
    style = f"--c:{COLOURS[status]};--t:{_INK[status]}"
    return f'<span class="pill s-{status.value}" style="{style}">{_e(status_label(status, lang))}</span>'


def _item_name(line: ItemLine, lang: str) -> str:
    return f"{line.no}.{line.title}" if lang == "zh" else f"{line.no}. {line.title}"


def _share(percent: float) -> float:
    """A percentage as a fraction of a bar, held inside the bar."""
    return min(max(percent, 0.0), 100.0) / 100.0


def _text_width(text: str, size: float) -> float:
    """Rough width of *text* at font *size*: wide (CJK) characters 1 em, others 0.58 em."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.58 for ch in text)


def _clip(text: str, width: float, size: float = 12.5) -> str:
    """*text* shortened with … to fit *width* (the full text is in the element's title)."""
    if _text_width(text, size) <= width:
        return text
    kept = ""
    for ch in text:
        if _text_width(kept + ch + "…", size) > width:
            break
        kept += ch
    return kept + "…"
