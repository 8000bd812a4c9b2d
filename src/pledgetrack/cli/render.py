"""What the commands print: Rich tables, JSON documents, summary lines, the progress line.

Functions here shape values the services returned; they query nothing and decide
nothing. Types from services and domain modules that import SQLAlchemy or numpy
are named for the type checker only, so importing this module stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.measure import Measurement
from rich.table import Column, Table
from rich.text import Text

from pledgetrack.cli.app import err

# What `status --summary` and `--json` print lives apart (no rich there); named here too.
from pledgetrack.cli.status_text import (  # noqa: F401
    number_ranges,
    status_json_head,
    summary_json,
    summary_lines,
    write_status_json,
)
from pledgetrack.domain.column_fit import ColumnSpec, fit_columns
from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import format_number, format_percent, pledge_heading, round_percent
from pledgetrack.domain.text import one_line, shown
from pledgetrack.i18n import status_label, t

if TYPE_CHECKING:
    from datetime import date

    from rich.progress import Progress

    from pledgetrack.domain.breakdown import UnitStatus
    from pledgetrack.domain.evaluation import PlanEvaluation
    from pledgetrack.domain.model import Reading, TargetResult
    from pledgetrack.domain.plan import TargetInfo
    from pledgetrack.services.access import UserInfo
    from pledgetrack.services.audit import AuditEntry
    from pledgetrack.services.review import ReviewLine
    from pledgetrack.services.status import StatusSummary

STATUS_STYLE = {
    Status.ACHIEVED: "bold green",
    Status.AHEAD: "cyan",
    Status.ON_TRACK: "green",
    Status.BEHIND: "yellow",
    Status.OVERDUE: "bold red",
    Status.NOT_REPORTED: "bright_black",
}


def plain(text: str, style: str = "") -> Text:
    """A table cell or title from stored text: shown as it reads (``[/]`` is not markup),
    without control characters or escape sequences (domain.text)."""
    return Text(one_line(text), style=style)


def progress_line() -> Progress:
    """A progress line on stderr, shown only on a terminal (nothing in pipes and CI logs)."""
    # Imported here: only imports and reports show one, and rich.progress is not light.
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err.console,
        transient=True,
        disable=not err.is_terminal,
    )


# ---- printing a table -----------------------------------------------------------------


def print_table(
    table: Table, gives_way: Sequence[str] = (), console: Console | None = None
) -> None:
    """Print *table* on stdout with every line whole.

    On a terminal the table fits its width (domain.column_fit, in cells): the columns
    headed *gives_way* leave it, the first first, until the others fit at their widths
    (a column that wraps counts at its ``min_width``, and wraps). To a file or a pipe it is
    printed as wide as its widest row, so no line is cut at the 80 columns rich would
    assume and every border is there.
    """
    console = console or Console()
    if console.is_terminal:
        kept = fit_columns(_column_specs(table, gives_way), console.width - 1, padding=3)
        table.columns[:] = [c for i, c in enumerate(table.columns) if str(i) in kept]
    else:
        lines = plain_table_lines(table) if console.encoding.startswith("utf") else None
        if lines is not None:
            console.file.write("".join(f"{line}\n" for line in lines))
            return
        wide = Console(width=10**5)
        width = Measurement.get(wide, wide.options, table).maximum
        console = Console(width=max(1, width), soft_wrap=False)
    console.print(table)


def plain_table_lines(table: Table) -> list[str] | None:
    """*table* as rich prints it, without colour, on a console exactly as wide as its
    widest row (a file or a pipe: every cell on one line) — or None when the table is
    not one this knows how to lay out the same (then rich prints it).

    Rich measures every cell three times and renders each through several layers:
    about 0.08 s for the sample's 36 items, a fifth of the whole `status` (issue 15).
    The lines are the same, character for character (tests/test_plain_table.py)."""
    if not _plain_form(table):
        return None
    columns = []
    for column in table.columns:
        cells = [_plain_cell(column.header), *(_plain_cell(c) for c in column.cells)]
        if None in cells:
            return None
        width = _plain_width(column, max(cell_len(c) for c in cells))  # type: ignore[arg-type]
        if width is None:
            return None
        columns.append((width, column.justify, cells))
    if not columns:
        return None
    total = sum(width for width, _, _ in columns) + 3 * len(columns) + 1
    fit = _plain_fit

    def rule(left: str, line: str, cross: str, right: str) -> str:
        return left + cross.join(line * (width + 2) for width, _, _ in columns) + right

    def row(edge: str, at: int) -> str:
        inner = (f" {fit(cells[at] or '', width, justify)} " for width, justify, cells in columns)
        return edge + edge.join(inner) + edge

    lines = []
    body = object()  # the table itself, between its title and caption (either may be None)
    for annotation in (table.title, body, table.caption):
        if annotation is body:
            lines += [rule("┏", "━", "┳", "┓"), row("┃", 0), rule("┡", "━", "╇", "┩")]
            lines += [row("│", at) for at in range(1, table.row_count + 1)]
            lines.append(rule("└", "─", "┴", "┘"))
            continue
        if not annotation:
            continue
        text = _plain_cell(annotation)
        if text is None or cell_len(text.rstrip()) > total:
            return None  # rich would wrap it
        text = text.rstrip()
        left = (total - cell_len(text)) // 2
        lines.append(" " * left + text + " " * (total - left - cell_len(text)))
    return lines


def _plain_form(table: Table) -> bool:
    """Whether *table* is drawn as :func:`plain_table_lines` knows how: rich's default box,
    header and edge, no footer, no lines between rows, no fixed width."""
    from rich import box

    return not (
        table.box is not box.HEAVY_HEAD
        or not (table.show_header and table.show_edge)
        or table.show_footer
        or table.show_lines
        or table.padding != (0, 1, 0, 1)
        or table.width is not None
        or table.expand
        or table.leading
    )


def _plain_width(column: Column, widest: int) -> int | None:
    """The width rich gives *column* whose widest cell takes *widest* cells on a line,
    or None when rich would do more than cut its cells (wrap them, fix its width)."""
    if column.width is not None or column.justify not in ("left", "right"):
        return None
    width = max(widest, column.min_width or 0)
    if column.max_width is not None and width > column.max_width:
        width = column.max_width
        if not column.no_wrap or column.overflow != "ellipsis":
            return None  # rich would wrap these cells
    return width


def _plain_fit(text: str, width: int, justify: str) -> str:
    """*text* in a cell *width* wide, cut with … as rich cuts it."""
    from rich.cells import set_cell_size

    if justify == "right":
        text = text.rstrip()
    size = cell_len(text)
    if size > width:
        text, size = set_cell_size(text, width - 1) + "…", width
    return text + " " * (width - size) if justify == "left" else " " * (width - size) + text


def streamed_table_lines(
    head: Table, rows: Callable[[], Iterable[Sequence[str]]]
) -> Iterator[list[str]] | None:
    """The lines :func:`plain_table_lines` makes of *head* (its columns; no title,
    caption or rows) holding every row *rows* gives, as the plain text rich prints of each
    cell (one line, no markup), a few hundred lines at a time, never the whole table:
    *rows* is read twice, first for the widths, then for the lines. None when *head* is
    not laid out so (then rich prints it whole). Rows that grew between the two readings
    are cut to the widths of the first."""
    heads = list(head.columns)
    titles = [_plain_cell(column.header) for column in heads]
    if not heads or not _plain_form(head) or head.title or head.caption or None in titles:
        return None
    widest = [cell_len(text) for text in titles]  # type: ignore[arg-type]
    for texts in rows():
        for i, text in enumerate(texts):
            size = cell_len(text)
            if size > widest[i]:
                widest[i] = size
    layout: list[tuple[int, str]] = []
    for column, most in zip(heads, widest, strict=True):
        width = _plain_width(column, most)
        if width is None:
            return None
        layout.append((width, column.justify))

    def rule(left: str, line: str, cross: str, right: str) -> str:
        return left + cross.join(line * (width + 2) for width, _ in layout) + right

    def row(edge: str, cells: Sequence[str]) -> str:
        inner = (f" {_plain_fit(c, w, j)} " for c, (w, j) in zip(cells, layout, strict=True))
        return edge + edge.join(inner) + edge

    def lines() -> Iterator[list[str]]:
        yield [rule("┏", "━", "┳", "┓"), row("┃", titles), rule("┡", "━", "╇", "┩")]  # type: ignore[arg-type]
        part: list[str] = []
        for texts in rows():
            part.append(row("│", texts))
            if len(part) >= 500:
                yield part
                part = []
        yield [*part, rule("└", "─", "┴", "┘")]

    return lines()


def print_streamed_table(
    head: Table,
    rows: Callable[[], Iterable[Sequence[str]]],
    whole: Callable[[], Table],
    gives_way: Sequence[str] = (),
) -> None:
    """:func:`print_table` of the table *whole* makes: to a file or a pipe written as it
    is read, from *head*'s columns and the plain texts *rows* gives
    (:func:`streamed_table_lines`), never made whole; on a terminal (or where it cannot
    be laid out so) *whole* is made and printed by rich."""
    console = Console()
    lines = None
    if not console.is_terminal and console.encoding.startswith("utf"):
        lines = streamed_table_lines(head, rows)
    if lines is None:
        print_table(whole(), gives_way, console)
        return
    for part in lines:
        console.file.write("".join(f"{line}\n" for line in part))


def _plain_cell(cell: object) -> str | None:
    """A cell's text as rich prints it, or None when rich would do more with it than
    print its characters (markup, emoji codes, several lines, tabs, other renderables)."""
    if isinstance(cell, Text):
        text = cell.plain
        if cell.justify not in (None, "default") or cell.end != "\n":
            return None
    elif isinstance(cell, str):
        text = cell
        if "[" in text or ":" in text:
            return None
    else:
        return None
    return None if any(c in text for c in "\n\r\t") else text


def _column_specs(table: Table, gives_way: Sequence[str]) -> list[ColumnSpec]:
    """Each column of *table* (keyed by its index) as wide as its widest cell or heading,
    a wrapping one as its min_width; the ones headed *gives_way* give way, the first first."""
    specs = []
    for i, column in enumerate(table.columns):
        widest = max(_cells(column.header), *(_cells(cell) for cell in column.cells))
        if column.max_width is not None:
            widest = min(widest, column.max_width)
        width = widest if column.no_wrap else min(widest, column.min_width or widest)
        rank = len(gives_way) - gives_way.index(column.header) if column.header in gives_way else 0
        specs.append(ColumnSpec(str(i), width, gives_way=rank))
    return specs


def _cells(renderable: object) -> int:
    """Cells a table cell takes on one line (a CJK character is two)."""
    return renderable.cell_len if isinstance(renderable, Text) else cell_len(str(renderable))


# ---- status ---------------------------------------------------------------------------


# ---- status of a unit (区市, 街道): its shares of split targets -------------------------


def unit_label(unit: UnitStatus, lang: str) -> str:
    """``市南区（区市）``, or the name alone for a unit without a level."""
    if not unit.level:
        return unit.unit
    return t("status.unit.level", lang, unit=unit.unit, level=unit.level)


def unit_summary_json(unit: UnitStatus) -> dict[str, Any]:
    """The counts of a unit's shares per status and the keys of each (README)."""
    counts = unit.counts()
    return {
        "total": unit.total,
        "counts": {s.value: n for s, n in counts.items()},
        "shares": {s.value: unit.keys(s) for s in counts},
    }


def unit_json(unit: UnitStatus, *, items: bool = True) -> dict[str, Any]:
    """The ``"unit"`` member of `status --json` for a unit (README): its name and level,
    its shares under their items (*items*; else an empty list, written apart), and their
    summary."""
    return {
        "name": unit.unit,
        "level": unit.level,
        "items": unit_items_json(unit) if items else [],
        "summary": unit_summary_json(unit),
    }


def unit_items_json(unit: UnitStatus) -> list[dict[str, Any]]:
    """A unit's items, each with the unit's shares of its targets (as `status --json`
    lists an item's targets, with the key of the target each is a share of)."""
    out = []
    evaluation = unit.evaluation
    flat = evaluation.structure.flat
    for row in evaluation.items:
        item = row.info
        out.append({
            "no": item.no,
            "title": item.title,
            "pledge": None if flat else item.pledge_no,
            "pledge_title": None if flat else evaluation.structure.pledge(item.pledge_no).title,
            "targets": [_share_json(unit, s.info, s.result) for s in row.targets],
        })  # fmt: skip
    return out


def _share_json(unit: UnitStatus, info: TargetInfo, result: TargetResult) -> dict[str, Any]:
    rule, reading = info.rule, result.reading
    return {
        "key": info.key,
        "share_of": unit.share_of[info.id],
        "name": info.name,
        "unit": info.unit,
        "target": rule.target_value,
        "at_least": rule.at_least,
        "value": None if reading is None else reading.value,
        "done": None if reading is None else reading.done,
        "as_of": None if reading is None else reading.as_of.isoformat(),
        "completion": _rounded(result.completion),
        "expected": _rounded(result.expected),
        "assessed": rule.assessed,
        "kind": rule.kind.value,
        "status": result.status.value,
        "deadline": rule.deadline.isoformat(),
        "works": None if reading is None else reading.works,
        "per_period": rule.per_period,
    }


def _rounded(percent: float | None) -> float | None:
    return None if percent is None else round_percent(percent)


def unit_summary_document(
    found: StatusSummary | None, on: date, unit: UnitStatus
) -> dict[str, Any]:
    """`status --summary --json` for a unit (README): the items' summary of the department
    of that name (*found*; None: it answers for no item, every count 0), then ``"unit"``:
    its name, level and the summary of its shares."""
    from pledgetrack.domain.model import STATUS_ORDER

    if found is not None:
        document = summary_json(found, on)
    else:
        plan = unit.evaluation.structure
        document = {
            "plan": plan.code,
            "plan_title": plan.title,
            "as_of": on.isoformat(),
            "total": 0,
            "counts": {s.value: 0 for s in STATUS_ORDER},
            "items": {s.value: [] for s in STATUS_ORDER},
        }
    document["unit"] = {"name": unit.unit, "level": unit.level, **unit_summary_json(unit)}
    return document


def unit_summary_lines(unit: UnitStatus, on: date, lang: str) -> list[str]:
    """`status --summary` of a unit: a title, the counts of its shares, then the keys of
    the shares of each status but on track."""
    counts = unit.counts()
    plan = unit.evaluation.structure.title
    lines = [
        t("status.unit.title", lang, plan=one_line(plan), unit=one_line(unit_label(unit, lang)),
          date=date_label(on, lang)),
        t("status.unit.summary", lang, total=unit.total, **{s.value: n for s, n in counts.items()}),
    ]  # fmt: skip
    for status_ in counts:
        if status_ is not Status.ON_TRACK and counts[status_]:
            keys = ("、" if lang == "zh" else ", ").join(map(one_line, unit.keys(status_)))
            lines.append(f"{status_label(status_, lang)}{':' if lang == 'zh' else ': '}{keys}")
    return lines


def unit_gives_way(lang: str) -> list[str]:
    """The unit table's columns that leave a narrow terminal, the first first."""
    return [t(key, lang) for key in ("col.last_report", "col.expected", "col.value", "col.goal")]


def unit_status_table(unit: UnitStatus, lang: str) -> Table:
    """A unit's shares for the terminal, under their items: key (``3.4/市南区``), target,
    the unit's share, its latest figure, completion, expected, status, last report."""
    evaluation = unit.evaluation
    counts = unit.counts()
    table = Table(
        title=plain(
            t("status.unit.title", lang, plan=evaluation.structure.title,
              unit=unit_label(unit, lang), date=date_label(evaluation.as_of, lang))
        ),
        caption=Text(
            t("status.unit.summary", lang, total=unit.total,
              **{s.value: n for s, n in counts.items()})
        ),
        show_lines=False,
    )  # fmt: skip
    table.add_column(t("col.no", lang), no_wrap=True)
    table.add_column(t("col.target", lang), min_width=16, ratio=3)
    table.add_column(t("col.goal", lang), justify="right", no_wrap=True)
    table.add_column(t("col.value", lang), justify="right", no_wrap=True)
    table.add_column(t("col.completion", lang), justify="right", no_wrap=True)
    table.add_column(t("col.expected", lang), justify="right", no_wrap=True)
    table.add_column(t("col.status", lang), no_wrap=True)
    table.add_column(t("col.last_report", lang), no_wrap=True)
    for row in evaluation.items:
        heading = f"{row.info.no} {row.info.title}"
        table.add_row("", Text(one_line(heading), style="bold", no_wrap=True, overflow="ellipsis"))
        for share in row.targets:
            info, result = share.info, share.result
            reading = result.reading
            table.add_row(
                plain(info.key),
                plain(info.name),
                plain(_share_goal(info, lang)),
                plain(_share_figure(info, reading, lang)),
                format_percent(result.completion),
                format_percent(result.expected),
                Text("● " + status_label(result.status, lang), style=STATUS_STYLE[result.status]),
                reading.as_of.isoformat() if reading else "—",
            )
    return table


def _share_goal(info: TargetInfo, lang: str) -> str:
    """The unit's share as read: ``40处``, ``≥40处``, ``完成`` for a milestone."""
    from pledgetrack.domain.model import TargetKind

    rule = info.rule
    if rule.kind is TargetKind.MILESTONE:
        return t("tui.goal.milestone", lang)
    if rule.target_value is None:
        return "—"
    value = f"{format_number(rule.target_value)}{info.unit}"
    return t("tui.goal.at_least", lang, value=value) if rule.at_least else value


def _share_figure(info: TargetInfo, reading: Reading | None, lang: str) -> str:
    """A share's latest figure: ``38处``, 已完成 / 未完成 for a milestone, — for none."""
    if reading is None:
        return "—"
    if reading.value is not None:
        return f"{format_number(reading.value)}{info.unit}"
    if reading.done is not None:
        return t("tui.done.yes" if reading.done else "tui.done.no", lang)
    return "—"


def status_gives_way(lang: str) -> list[str]:
    """The status table's columns that leave a narrow terminal, the first first: 序号, 事项,
    完成率 and 状态 stay."""
    return [t(key, lang) for key in ("col.last_report", "col.department", "col.expected")]


def status_table(evaluation: PlanEvaluation, lang: str) -> Table:
    """The completion table for the terminal, items grouped under their pledges (a flat
    list: items only, no pledge heading)."""
    counts = evaluation.counts()
    table = Table(
        title=plain(
            t(
                "status.title",
                lang,
                plan=evaluation.structure.title,
                date=date_label(evaluation.as_of, lang),
            )
        ),
        caption=Text(
            t(
                "status.summary",
                lang,
                total=len(evaluation.items),
                **{s.value: n for s, n in counts.items()},
            )
        ),
        show_lines=False,
    )
    table.add_column(t("col.no", lang), justify="right", no_wrap=True)
    table.add_column(t("col.item", lang), min_width=16, ratio=3)
    table.add_column(t("col.department", lang), max_width=14, no_wrap=True, overflow="ellipsis")
    table.add_column(t("col.completion", lang), justify="right", no_wrap=True)
    table.add_column(t("col.expected", lang), justify="right", no_wrap=True)
    table.add_column(t("col.status", lang), no_wrap=True)
    table.add_column(t("col.last_report", lang), no_wrap=True)
    flat = evaluation.structure.flat
    for no, rows in evaluation.by_pledge():
        if not flat:
            heading = f"{pledge_heading(no, lang)}{evaluation.structure.pledge(no).title}"
            table.add_row(
                "", Text(one_line(heading), style="bold", no_wrap=True, overflow="ellipsis")
            )
        for row in rows:
            style = STATUS_STYLE[row.result.status]
            table.add_row(
                str(row.info.no),
                plain(row.info.title),
                plain(row.info.lead),
                format_percent(row.result.completion),
                format_percent(row.result.expected),
                Text("● " + status_label(row.result.status, lang), style=style),
                row.last_report.isoformat() if row.last_report else "—",
            )
    return table


# ---- people, review, audit ------------------------------------------------------------


def users_table(users: Sequence[UserInfo]) -> Table:
    """`user list`: one row per user, active or not."""
    table = Table()
    for column in ("login", "name", "role", "department", "active"):
        table.add_column(column)
    for u in users:
        table.add_row(
            plain(u.login),
            plain(u.display_name),
            u.role.value,
            plain(u.department or ""),
            "yes" if u.active else "no",
        )
    return table


def review_json(lines: Sequence[ReviewLine]) -> list[dict[str, Any]]:
    """`review list --json`: each figure with its target, item and review state."""
    return [review_json_item(line) for line in lines]


def review_json_item(line: ReviewLine) -> dict[str, Any]:
    """One figure of `review list --json`."""
    return {
        "id": line.reading.id,
        "target": line.target.key,
        "name": line.target.name,
        "item": line.item.no,
        "departments": list(line.item.departments),
        "share_of": line.unit or None,
        "as_of": line.reading.as_of.isoformat(),
        "value": line.reading.value,
        "done": line.reading.done,
        "unit": line.target.unit,
        "note": line.reading.note,
        "entered_by": line.reading.entered_by,
        "status": line.state,
        "comment": line.comment,
        "reviewed_by": line.reading.review.reviewed_by if line.reading.review else None,
    }


def json_list_chunks(items: Iterable[Any], batch: int = 500) -> Iterator[str]:
    """The text of ``json.dumps(list(items), ensure_ascii=False, indent=2)``, in pieces of
    *batch* items, made as *items* come (a list of a million is never held whole)."""
    import json

    encode = json.JSONEncoder(ensure_ascii=False, indent=2).encode
    pending: list[str] = []
    opened = False
    for item in items:
        # An item indented one level deeper: each of its lines two more spaces (a string
        # holds no raw line break: json escapes it).
        pending.append("  " + encode(item).replace("\n", "\n  "))
        if len(pending) >= batch:
            yield ("[\n" if not opened else ",\n") + ",\n".join(pending)
            opened, pending = True, []
    if pending:
        yield ("[\n" if not opened else ",\n") + ",\n".join(pending)
        opened = True
    yield "\n]" if opened else "[]"


#: The review table's columns that leave a narrow terminal, the first first.
REVIEW_GIVES_WAY = ("entered by", "as of", "name")


def review_table(lines: Sequence[ReviewLine]) -> Table:
    """`review list`: id, target, value and review state of each figure."""
    table = Table()
    for column in ("id", "target", "name", "as of", "value", "entered by", "status", "comment"):
        table.add_column(column, justify="right" if column in ("id", "value") else "left")
    style = {"submitted": "", "approved": "green", "returned": "yellow"}
    for line in lines:
        key, name, as_of, value, by, state, comment = review_texts(line)[1:]
        table.add_row(
            str(line.reading.id),
            Text(key),
            Text(name),
            as_of,
            Text(value),
            Text(by),
            Text(state, style=style[state]),
            Text(comment),
        )
    return table


def review_texts(line: ReviewLine) -> tuple[str, ...]:
    """A figure's cells in the `review list` table, as the plain text printed."""
    r = line.reading
    value = (
        f"{format_number(r.value)}{line.target.unit}"
        if r.value is not None
        else ("done" if r.done else "not done")
    )
    return (
        str(r.id),
        one_line(line.target.key),
        one_line(line.target.name),
        r.as_of.isoformat(),
        one_line(value),
        one_line(r.entered_by),
        line.state,
        one_line(line.comment),
    )


def audit_table(entries: Sequence[AuditEntry]) -> Table:
    """`audit`: when, who, what, and the change in words."""
    from pledgetrack.services.audit import describe, local_time, who

    table = Table()
    for column in ("when", "who", "action", "target", "change"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(
            local_time(e.at),
            plain(who(e)),
            e.action,
            plain(e.target_key or f"{e.entity} {e.entity_id or ''}".strip()),
            Text(shown(describe(e))),
        )
    return table
