"""The month-end report as an Excel workbook: a summary sheet and five filterable tables.

Sheets: Summary (汇总), Items (事项), Targets (指标), Attention (需关注),
Departments (各单位) and History (填报记录, every reading up to the report date).
Every value comes from the MonthReport; percentages are percent cells (the
model's 138.6 is stored as 1.386, shown ``138.6%``), dates are date cells,
status cells carry a traffic-light fill. Tables have a bold frozen header and
an autofilter. The workbook is written in openpyxl's write-only (streaming)
mode, so a province-scale history sheet does not have to fit in memory as cells.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain
from math import ceil
from types import SimpleNamespace
from typing import Any, BinaryIO

from openpyxl.cell import Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from pledgetrack.domain.dates import date_label, month_label
from pledgetrack.domain.model import STATUS_ORDER, Status
from pledgetrack.exchange.xlsx import (
    WIDTH_SAMPLE,
    column_widths,
    display_width,
    header_font,
    new_workbook,
    set_column_widths,
)
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.model import HistoryLine, ItemLine, MonthReport, TargetLine
from pledgetrack.reports.text import attention_lines, forecast_lines, headline

#: Called with (rows written, rows in all) while the workbook is written.
Progress = Callable[[int, int], None]

#: Traffic-light fills of status cells (RGB).
STATUS_FILLS = {
    Status.ACHIEVED: "C6EFCE",
    Status.AHEAD: "BDD7EE",
    Status.ON_TRACK: "C6EFCE",
    Status.BEHIND: "FFEB9C",
    Status.OVERDUE: "FFC7CE",
    Status.NOT_REPORTED: "D9D9D9",
}
HEADER_FILL = "DDEBF7"
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "yyyy-mm-dd"
#: Rows between two progress calls.
PROGRESS_EVERY = 2000


def write_xlsx(
    report: MonthReport, lang: str, out: BinaryIO, progress: Progress | None = None
) -> None:
    """Write the report as an .xlsx workbook to the binary stream *out*."""
    _Writer(report, lang, progress).write(out)


@dataclass(frozen=True)
class _Col:
    title: str
    kind: str = "text"
    """text · number · percent · date · datetime · status"""


class _Writer:
    def __init__(self, report: MonthReport, lang: str, progress: Progress | None):
        self.report = report
        self.lang = lang
        self.progress = progress
        self.wb: Workbook = new_workbook(lang)
        self.items = [line for section in report.pledges for line in section.items]
        self.total = (
            len(self.items)
            + sum(len(line.targets) for line in self.items)
            + len(report.attention)
            + len(report.departments)
            + len(report.history)
        )
        self.done = 0
        self._styles()

    # ------------------------------------------------------------ styles

    def _styles(self) -> None:
        probe = SimpleNamespace(parent=self.wb)  # a cell's styles live in its sheet's workbook
        bold = header_font(self.wb)

        def style(**attrs: Any) -> StyleArray:
            cell = Cell(probe, row=1, column=1)
            for name, value in attrs.items():
                setattr(cell, name, value)
            return StyleArray(cell._style)

        self.header_style = style(
            font=bold,
            fill=_fill(HEADER_FILL),
            alignment=Alignment(vertical="center", wrap_text=True),
        )
        self.label_style = style(font=bold)
        title = copy(bold)
        title.sz = 14
        self.title_style = style(font=title)
        self.wrap_style = style(alignment=Alignment(wrap_text=True, vertical="top"))
        self.percent_style = style(number_format=PERCENT_FORMAT)
        self.date_style = style(number_format=DATE_FORMAT)
        self.status_styles = {s: style(fill=_fill(rgb)) for s, rgb in STATUS_FILLS.items()}

    def cell(self, ws: Any, value: object, style: StyleArray) -> Cell:
        return Cell(ws, row=1, column=1, value=value, style_array=style)

    # ------------------------------------------------------------ sheets

    def write(self, out: BinaryIO) -> None:
        r, lang = self.report, self.lang
        self._summary()
        # A flat list has no 件: no pledge columns.
        pledge_cols = (
            []
            if r.flat
            else [
                _Col(t("xlsx.col.pledge", lang), "number"),
                _Col(t("xlsx.col.pledge_title", lang)),
            ]
        )
        self._table(
            t("xlsx.sheet.items", lang),
            [
                _Col(t("col.no", lang), "number"),
                *pledge_cols,
                _Col(t("col.item", lang)),
                _Col(t("xlsx.col.lead", lang)),
                _Col(t("xlsx.col.partners", lang)),
                _Col(t("col.status", lang), "status"),
                _Col(t("col.completion", lang), "percent"),
                _Col(t("col.expected", lang), "percent"),
                _Col(t("col.last_report", lang), "date"),
                _Col(t("xlsx.col.previous", lang), "status"),
            ],
            lambda: (
                [
                    line.no,
                    *(() if r.flat else (section.no, section.title)),
                    line.title,
                    *self._departments(line),
                    line.status,
                    line.completion,
                    line.expected,
                    line.last_report,
                    line.previous_status,
                ]
                for section in r.pledges
                for line in section.items
            ),
        )
        self._table(
            t("xlsx.sheet.targets", lang),
            [
                _Col(t("xlsx.col.key", lang)),
                _Col(t("xlsx.col.item_no", lang), "number"),
                _Col(t("col.item", lang)),
                _Col(t("col.target", lang)),
                _Col(t("col.unit", lang)),
                _Col(t("col.goal", lang), "number"),
                _Col(t("xlsx.col.at_least", lang)),
                _Col(t("col.value", lang), "number"),
                _Col(t("xlsx.col.done", lang)),
                _Col(t("xlsx.col.stage", lang)),
                _Col(t("col.completion", lang), "percent"),
                _Col(t("col.expected", lang), "percent"),
                _Col(t("col.assessed", lang)),
                _Col(t("col.deadline", lang), "date"),
                _Col(t("col.status", lang), "status"),
                _Col(t("xlsx.col.as_of", lang), "date"),
                _Col(t("xlsx.col.late", lang)),
                _Col(t("xlsx.col.note", lang)),
                _Col(t("col.works", lang), "percent"),
            ],
            lambda: (self._target_row(line, tl) for line in self.items for tl in line.targets),
        )
        details = attention_lines(r, lang)
        self._table(
            t("xlsx.sheet.attention", lang),
            [
                _Col(t("col.no", lang), "number"),
                _Col(t("col.item", lang)),
                _Col(t("col.status", lang), "status"),
                _Col(t("col.completion", lang), "percent"),
                _Col(t("col.expected", lang), "percent"),
                _Col(t("xlsx.col.lead", lang)),
                _Col(t("xlsx.col.partners", lang)),
                _Col(t("xlsx.col.details", lang)),
            ],
            lambda: (
                [
                    line.no,
                    line.title,
                    line.status,
                    line.completion,
                    line.expected,
                    *self._departments(line),
                    text,
                ]
                for line, text in zip(r.attention, details, strict=True)
            ),
        )
        self._table(
            t("xlsx.sheet.departments", lang),
            [
                _Col(t("col.department", lang)),
                _Col(t("score.col.items", lang), "number"),
                _Col(t("score.col.lead", lang), "number"),
                *(_Col(status_label(s, lang), "number") for s in STATUS_ORDER),
                _Col(t("score.col.late", lang), "number"),
                _Col(t("score.col.completion", lang), "percent"),
            ],
            lambda: (
                [
                    score.name,
                    score.items,
                    score.lead_items,
                    *(score.counts.get(s, 0) for s in STATUS_ORDER),
                    score.late_reports,
                    score.completion,
                ]
                for score in r.departments
            ),
        )
        if r.no_evidence is not None:  # report --evidence
            self._table(
                t("xlsx.sheet.no_evidence", lang),
                [
                    _Col(t("xlsx.col.key", lang)),
                    _Col(t("xlsx.col.item_no", lang), "number"),
                    _Col(t("col.target", lang)),
                    _Col(t("xlsx.col.as_of", lang), "date"),
                    _Col(t("xlsx.col.lead", lang)),
                    _Col(t("xlsx.col.partners", lang)),
                ],
                lambda: (
                    [m.key, m.item_no, m.name, m.as_of, *self._lead_and_partners(m.departments)]
                    for m in r.no_evidence or []
                ),
            )
        self._table(
            t("xlsx.sheet.history", lang),
            [
                _Col(t("xlsx.col.key", lang)),
                _Col(t("xlsx.col.item_no", lang), "number"),
                _Col(t("xlsx.col.as_of", lang), "date"),
                _Col(t("col.value", lang), "number"),
                _Col(t("xlsx.col.done", lang)),
                _Col(t("xlsx.col.note", lang)),
                _Col(t("col.entered_by", lang)),
                _Col(t("xlsx.col.entered_at", lang), "datetime"),
                _Col(t("xlsx.col.correction", lang)),
                _Col(t("xlsx.col.superseded", lang)),
                _Col(t("col.works", lang), "percent"),
            ],
            lambda: (self._history_row(h) for h in r.history),
        )
        if self.progress:
            self.progress(self.total, self.total)
        self.wb.save(out)

    def _summary(self) -> None:
        r, lang = self.report, self.lang
        ws = self.wb.create_sheet(t("xlsx.sheet.summary", lang))
        widths = [24, 12, 40, 16, 16, 14]
        set_column_widths(ws, widths)
        rows: list[list[object]] = []

        def add(*values: object, height: float | None = None) -> None:
            rows.append(list(values))
            if height:
                ws.row_dimensions[len(rows)].height = height

        def label(text: str) -> Cell:
            return self.cell(ws, text, self.label_style)

        def long_text(text: str) -> None:
            """A sentence across the sheet's width, wrapped, in one merged row."""
            lines = ceil(display_width(text) / (sum(widths) - 2)) or 1
            add(self.cell(ws, text, self.wrap_style), height=15 * lines + 3)
            row = len(rows)
            ws.merged_cells.add(f"A{row}:{get_column_letter(len(widths))}{row}")

        sep = t("report.list.sep", lang)
        titles = {line.no: line.title for line in self.items}

        def named(numbers: Iterable[int]) -> str:
            return sep.join(f"{no}.{titles[no]}" for no in numbers)

        add(
            self.cell(
                ws,
                t("report.title", lang, plan=r.plan_title)
                + t("report.as_of", lang, date=month_label(r.as_of, lang)),
                self.title_style,
            ),
            height=22,
        )
        add(label(t("xlsx.summary.as_of", lang)), self.cell(ws, r.as_of, self.date_style))
        add(label(t("xlsx.summary.plan", lang)), _text(ws, r.plan_code), _text(ws, r.plan_title))
        if r.department:
            add(label(t("col.department", lang)), _text(ws, r.department))
        add(
            label(t("xlsx.summary.deadline", lang)),
            self.cell(ws, r.reporting_deadline, self.date_style),
        )
        add()
        long_text(headline(r, lang))
        add()
        add(
            *(
                self.cell(ws, x, self.header_style)
                for x in (
                    t("col.status", lang),
                    t("xlsx.col.count", lang),
                    t("xlsx.col.numbers", lang),
                )
            )
        )
        for status in STATUS_ORDER:
            numbers = (
                r.achieved
                if status is Status.ACHIEVED
                else [line.no for line in self.items if line.status is status]
            )
            add(
                self.cell(ws, status_label(status, lang), self.status_styles[status]),
                r.counts.get(status, 0),
                _text(ws, named(numbers)),
            )
        add(label(t("xlsx.summary.total", lang)), r.item_count)
        add(
            label(t("report.attention", lang)),
            len(r.attention),
            _text(ws, named(line.no for line in r.attention)),
        )
        for text in forecast_lines(r, lang):
            long_text(text)
        add()
        changes = r.changes
        add(
            self.cell(
                ws,
                t("report.changes", lang, date=month_label(changes.previous_as_of, lang)),
                self.label_style,
            )
        )
        if not changes.previous_has_data:
            add(
                _text(
                    ws,
                    t(
                        "report.changes.no_data",
                        lang,
                        date=month_label(changes.previous_as_of, lang),
                    ),
                )
            )
        else:
            add(
                label(t("xlsx.summary.newly", lang)),
                len(changes.newly_achieved),
                _text(ws, named(changes.newly_achieved)),
            )
            add(
                label(t("xlsx.summary.stale", lang)),
                len(changes.no_new_figure),
                _text(ws, named(changes.no_new_figure)),
            )
            add(label(t("xlsx.summary.status_changes", lang)), len(changes.status_changes))
            if changes.status_changes:
                add(
                    *(
                        self.cell(ws, x, self.header_style)
                        for x in (
                            t("col.no", lang),
                            t("col.item", lang),
                            t("xlsx.col.old", lang),
                            t("xlsx.col.new", lang),
                        )
                    )
                )
                for change in changes.status_changes:
                    add(
                        change.no,
                        _text(ws, change.title),
                        self.cell(
                            ws, status_label(change.old, lang), self.status_styles[change.old]
                        ),
                        self.cell(
                            ws, status_label(change.new, lang), self.status_styles[change.new]
                        ),
                    )
            add(label(t("xlsx.summary.movers", lang)), len(changes.movers))
            if changes.movers:
                add(
                    *(
                        self.cell(ws, x, self.header_style)
                        for x in (
                            t("xlsx.col.key", lang),
                            t("col.target", lang),
                            t("xlsx.col.old_value", lang),
                            t("xlsx.col.new_value", lang),
                            t("col.unit", lang),
                            t("xlsx.col.delta", lang),
                        )
                    )
                )
                for mover in changes.movers:
                    add(
                        _text(ws, mover.key),
                        _text(ws, mover.name),
                        mover.old,
                        mover.new,
                        _text(ws, mover.unit),
                        mover.delta_points,
                    )
        add()
        add(
            _text(
                ws,
                t("score.late.note", lang, date=date_label(r.reporting_deadline, lang)),
            )
        )
        for row in rows:
            ws.append(row)

    def _table(
        self,
        title: str,
        columns: Sequence[_Col],
        rows: Callable[[], Iterable[list[Any]]],
        *,
        sample: int = WIDTH_SAMPLE,
    ) -> None:
        """A sheet holding one table: bold frozen header, autofilter, fitted columns."""
        ws = self.wb.create_sheet(title)
        header = [c.title for c in columns]
        shown = (self._shown(columns, row) for row in rows())
        set_column_widths(ws, column_widths(chain([header], shown), limit=sample))
        ws.freeze_panes = "A2"
        ws.append([self.cell(ws, x, self.header_style) for x in header])
        count = 0
        convert = [self._converter(ws, c.kind) for c in columns]
        for row in rows():
            ws.append([f(v) for f, v in zip(convert, row, strict=True)])
            count += 1
            self.done += 1
            if self.progress and self.done % PROGRESS_EVERY == 0:
                self.progress(self.done, self.total)
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"

    def _converter(self, ws: Any, kind: str) -> Callable[[Any], Any]:
        if kind == "percent":
            return self._styled(ws, self.percent_style, percent)
        if kind == "date":
            return self._styled(ws, self.date_style)
        if kind == "datetime":
            return lambda v: None if v is None else local(v)
        if kind == "status":
            labels = {s: status_label(s, self.lang) for s in Status}
            styles = {s: self._styled(ws, self.status_styles[s], labels.get) for s in Status}
            return lambda v: None if v is None else styles[v](v)
        if kind == "number":
            return lambda v: v
        return lambda v: _text(ws, v)

    def _styled(
        self, ws: Any, style: StyleArray, shown: Callable[[Any], Any] | None = None
    ) -> Callable[[Any], Cell | None]:
        """A styled cell per distinct value, made once and reused on every row: a write-only
        sheet writes each cell as it is appended, so one object can stand in every row
        (making and binding a styled cell is not cheap; a province report has 300k)."""
        made: dict[Any, Cell] = {}

        def convert(value: Any) -> Cell | None:
            if value is None:
                return None
            cell = made.get(value)
            if cell is None:
                shown_value = shown(value) if shown is not None else value
                cell = made[value] = self.cell(ws, shown_value, style)
            return cell

        return convert

    def _shown(self, columns: Sequence[_Col], row: list[Any]) -> list[object]:
        """Values as wide as they will look, for column widths."""
        return [
            None
            if value is None
            else status_label(value, self.lang)
            if col.kind == "status"
            else f"{value:.1f}%"
            if col.kind == "percent"
            else value
            for col, value in zip(columns, row, strict=True)
        ]

    # ------------------------------------------------------------ rows

    def _departments(self, line: ItemLine) -> tuple[str, str]:
        return self._lead_and_partners(line.departments)

    def _lead_and_partners(self, departments: Sequence[str]) -> tuple[str, str]:
        lead = departments[0] if departments else ""
        return lead, t("report.list.sep", self.lang).join(departments[1:])

    def _yes_no(self, flag: bool | None) -> str | None:
        if flag is None:
            return None
        return t("xlsx.yes" if flag else "xlsx.no", self.lang)

    def _target_row(self, item: ItemLine, line: TargetLine) -> list[Any]:
        lang = self.lang
        quantity = line.kind == "quantity"
        stage = (
            t("xlsx.stage", lang, stage=line.stage, k=line.stage_no, n=line.stage_count)
            if line.stage
            else None
        )
        return [
            line.key,
            item.no,
            item.title,
            line.name,
            line.unit,
            line.target_value,
            self._yes_no(line.at_least) if line.target_value is not None else None,
            line.value if quantity else None,
            None if quantity else self._yes_no(line.done),
            stage,
            line.completion,
            line.expected,
            t("assessed.yes" if line.assessed else "assessed.no", lang),
            line.deadline,
            line.status,
            line.as_of,
            self._yes_no(line.entered_late),
            line.note,
            line.works,
        ]

    def _history_row(self, line: HistoryLine) -> list[Any]:
        h = line.reading
        return [
            h.key,
            line.item_no,
            h.as_of,
            h.value,
            self._yes_no(h.done),
            h.note,
            h.entered_by,
            h.entered_at,
            self._yes_no(h.correction),
            self._yes_no(h.superseded),
            h.works,
        ]


# ------------------------------------------------------------ values


def percent(value: float) -> float:
    """The model's 138.6 as the fraction Excel formats as 138.6% (1.386, without float noise)."""
    return float(Decimal(repr(value)) / 100)


def local(at: datetime) -> datetime:
    """An entry time (stored in UTC) as local time without a zone: Excel has no time zones."""
    aware = at.replace(tzinfo=UTC) if at.tzinfo is None else at
    return aware.astimezone().replace(tzinfo=None)


def _text(ws: Any, value: str | None) -> Any:
    """Text stays text, even a note reading ``=…`` or ``#N/A``."""
    if not value:
        return None
    if value[0] in "=#":
        cell = Cell(ws, row=1, column=1, value=value)
        cell.data_type = "s"
        return cell
    return value


def _fill(rgb: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)
