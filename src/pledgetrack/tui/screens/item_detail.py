"""One item: its targets, and the reading history of the highlighted target."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState, get_current_worker

from pledgetrack.domain.breakdown import RollupRule, UnitResult
from pledgetrack.domain.dates import date_label
from pledgetrack.domain.evaluation import ItemRow, TargetRow
from pledgetrack.domain.forecast import TargetForecast, forecast_target, reading_points
from pledgetrack.domain.model import PlanPeriod, StoredReading, TargetKind
from pledgetrack.domain.numbers import format_number, format_percent
from pledgetrack.i18n import status_label, t
from pledgetrack.services.breakdown import target_units
from pledgetrack.services.forecast_text import (
    department_forecast_text,
    forecast_sentence,
    pace_text,
)
from pledgetrack.services.history import target_history
from pledgetrack.tui.cells import (
    cell,
    day,
    evidence_cell,
    goal_text,
    history_figure,
    light,
    localize_bindings,
    reading_text,
)
from pledgetrack.tui.chart import (
    FALLBACK_SIZE,
    actual_points,
    chartable,
    expected_path,
    render_chart,
)
from pledgetrack.tui.messages import HistoryLoaded
from pledgetrack.tui.screens.item_evidence import EvidenceActions
from pledgetrack.tui.widgets.fitted_table import FittedTable, measured
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.services.evidence import EvidenceLine
    from pledgetrack.tui.app import PledgeApp


def review_cell(entry: StoredReading, lang: str) -> Text:
    """Submitted (awaiting review), approved, or returned with the supervisor's comment."""
    review = entry.review
    if review is None:
        return cell(t("review.submitted", lang), "bright_black")
    if review.decision == "returned":
        return cell(t("review.returned.comment", lang, comment=review.comment), "bold red")
    return cell(t("review.approved", lang), "green")


#: The columns of the targets and history tables: column key → (gives way, grows). A column
#: that gives way leaves the table on a narrow screen, the highest first; names and notes
#: grow on a wide one (widgets/fitted_table.py).
TARGET_COLUMNS = {
    "col.no": (0, 0),
    "col.target": (0, 1),
    "col.goal": (1, 0),
    "col.value": (0, 0),
    "col.unit": (0, 0),
    "col.completion": (0, 0),
    "col.expected": (2, 0),
    "col.assessed": (3, 0),
    "col.deadline": (4, 0),
    "col.status": (0, 0),
}
UNIT_COLUMNS = {
    "col.unit": (0, 1),
    "col.share": (0, 0),
    "col.value": (0, 0),
    "col.completion": (0, 0),
    "col.expected": (1, 0),
    "col.status": (0, 0),
}
HISTORY_COLUMNS = {
    "col.date": (0, 0),
    "col.value": (0, 0),
    "col.change": (1, 0),
    "col.note": (0, 2),
    "col.entered_by": (3, 0),
    "col.corrected": (2, 0),
    "col.review": (4, 1),
}
#: The history's column of attached files (佐证材料), shown when the target has any.
EVIDENCE_COLUMN = {"col.evidence": (5, 1)}


def fit(
    table: FittedTable,
    rows: list[tuple[dict[str, Text], str | None]],
    lang: str,
    columns: dict[str, tuple[int, int]],
) -> None:
    """Put *rows* (cells by column key, row key) in *table*, the columns measured on them
    and fitted to its width."""
    specs = [
        measured(key, t(key, lang), (cells[key] for cells, _ in rows), gives_way=g, grow=w)
        for key, (g, w) in columns.items()
    ]
    table.add_fitted_columns(specs, {key: t(key, lang) for key in columns})
    for cells, key in rows:
        table.add_fitted_row(cells, key=key)


def changes(entries: list[StoredReading]) -> list[str]:
    """Change of each reading since the previous current (not corrected) one."""
    out: list[str] = []
    previous: float | None = None
    for entry in entries:
        if entry.value is None or previous is None:
            out.append("—")
        else:
            delta = entry.value - previous
            out.append(("+" if delta >= 0 else "") + format_number(round(delta, 6)))
        if not entry.superseded and entry.value is not None:
            previous = entry.value
    return out


class TargetChart(Static):
    """The plotext chart of one target, redrawn to the widget's size."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target: TargetRow | None = None
        self.period: PlanPeriod | None = None
        self.entries: list[StoredReading] = []
        #: The year-end forecast's line (domain.forecast), none when there is no projection.
        self.projection: list[tuple[date, float]] = []
        self._drawn: tuple[object, ...] | None = None

    def show(
        self,
        target: TargetRow | None,
        period: PlanPeriod,
        entries: list[StoredReading],
        projection: list[tuple[date, float]] | None = None,
    ) -> None:
        self.target, self.period, self.entries = target, period, entries
        self.projection = projection or []
        self.redraw()

    def redraw(self) -> None:
        target, period = self.target, self.period
        if target is None or period is None or not chartable(target.info.rule):
            self._drawn = None
            self.update("")
            return
        width, height = self.content_size
        if width <= 0 or height <= 0:
            width, height = FALLBACK_SIZE
        points = actual_points(self.entries, target.info.rule)
        rule = target.info.rule
        lang = cast("PledgeApp", self.app).lang
        key = (target.info.id, rule, period, tuple(points), tuple(self.projection), width,
               height, lang)  # fmt: skip
        if key == self._drawn:
            return
        self._drawn = key
        assert rule.target_value is not None
        chart = render_chart(
            points,
            rule.target_value,
            expected_path(rule, period.start),
            width,
            height,
            start=period.start,
            end=rule.deadline,
            lang=lang,
            projection=self.projection,
        )
        self.update(Text.from_ansi(chart, no_wrap=True, overflow="crop"))

    def on_resize(self, _event: events.Resize) -> None:
        self.redraw()


class ItemDetailScreen(EvidenceActions, Screen[None]):
    """Targets of one item; history and chart of the highlighted target below. The
    evidence keys (a, o, w) are item_evidence.EvidenceActions'."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back", key_display="esc"),
        Binding("a", "attach", "attach"),
        Binding("o", "open_evidence", "open_evidence"),
        Binding("w", "withdraw_evidence", "withdraw_evidence"),
    ]

    def __init__(self, row: ItemRow, as_of: date, period: PlanPeriod) -> None:
        super().__init__()
        self.row = row
        self.as_of = as_of
        self.period = period
        self.history: dict[int, list[StoredReading]] = {}
        #: Attached files by target id, then reading id.
        self.evidence: dict[int, dict[int, list[EvidenceLine]]] = {}
        #: A split target's rule and units as of the screen's date (None: not split).
        self.units: dict[int, tuple[RollupRule, list[UnitResult]] | None] = {}
        self.target_id: int | None = row.targets[0].info.id if row.targets else None

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        yield Plain(id="detail-title")
        yield Plain(id="detail-departments")
        yield Plain(id="detail-status")
        yield FittedTable(id="targets", cursor_type="row", zebra_stripes=True)
        yield Plain(id="units-title")
        yield FittedTable(id="units", cursor_type="row", zebra_stripes=True)
        yield Plain(id="history-title")
        yield FittedTable(id="history", cursor_type="row", zebra_stripes=True)
        yield Plain(id="chart-caption")
        yield Plain(id="chart-forecast")
        yield TargetChart(id="chart")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)
        self._draw()
        self.query_one("#targets", DataTable).focus()
        if self.target_id is not None:
            self._load_history(self.target_id)

    def _lang_changed(self, _lang: str) -> None:
        self._draw()
        self.query_one(TargetChart).redraw()

    def _draw(self) -> None:
        lang = self.lang
        localize_bindings([self], lang)
        info, result = self.row.info, self.row.result
        self.query_one("#detail-title", Static).update(
            t("tui.detail.title", lang, no=info.no, title=info.title)
        )
        others = info.departments[1:]
        self.query_one("#detail-departments", Static).update(
            t(
                "tui.detail.departments",
                lang,
                lead=info.lead,
                others=t("tui.detail.others", lang, names="、".join(others)) if others else "",
            )
        )
        self.query_one("#detail-status", Static).update(
            t(
                "tui.detail.status",
                lang,
                status=status_label(result.status, lang),
                completion=format_percent(result.completion),
                expected=format_percent(result.expected),
                date=date_label(self.as_of, lang),
            )
        )
        self.query_one("#detail-status", Static).set_classes(result.status.value)
        self._fill_targets()
        self._fill_history()

    def _fill_units(self, target: TargetRow | None) -> None:
        """The highlighted target's units (share, figure, completion, status), if split."""
        lang = self.lang
        title = self.query_one("#units-title", Static)
        table = self.query_one("#units", FittedTable)
        table.clear(columns=True)
        found = self.units.get(target.info.id) if target is not None else None
        title.display = table.display = found is not None
        if target is None or found is None:
            return
        rule, results = found
        said = t("tui.detail.units.sum" if rule is RollupRule.SUM else "tui.detail.units.own", lang)
        title.update(t("tui.detail.units", lang, key=target.info.key, n=len(results), rule=said))
        rows: list[tuple[dict[str, Text], str | None]] = []
        for r in results:
            reading = r.result.reading
            share = r.share.target.rule.target_value
            cells = {
                "col.unit": cell(r.unit),
                "col.share": cell("—" if share is None else format_number(share)),
                "col.value": cell(reading_text(reading.value, reading.done, lang) if reading else "—"),
                "col.completion": cell(format_percent(r.result.completion)),
                "col.expected": cell(format_percent(r.result.expected)),
                "col.status": light(r.result.status, lang),
            }  # fmt: skip
            rows.append((cells, str(r.share.target.id)))
        fit(table, rows, lang, UNIT_COLUMNS)

    def _fill_targets(self) -> None:
        lang = self.lang
        table = self.query_one("#targets", FittedTable)
        cursor = table.cursor_row
        table.clear(columns=True)
        rows: list[tuple[dict[str, Text], str | None]] = []
        for target in self.row.targets:
            t_info, t_result = target.info, target.result
            reading = t_result.reading
            cells = {
                "col.no": cell(t_info.key),
                "col.target": cell(t_info.name),
                "col.goal": cell(goal_text(t_info, lang)),
                "col.value": cell(reading_text(reading.value, reading.done, lang) if reading else "—"),
                "col.unit": cell(t_info.unit),
                "col.completion": cell(format_percent(t_result.completion)),
                "col.expected": cell(format_percent(t_result.expected)),
                "col.assessed": cell(t("assessed.yes" if t_info.rule.assessed else "assessed.no", lang)),
                "col.deadline": day(t_info.rule.deadline, lang),
                "col.status": light(t_result.status, lang),
            }  # fmt: skip
            rows.append((cells, str(t_info.id)))
        # At 80 columns the deadline gives way first, then assessed, expected, target value.
        fit(table, rows, lang, TARGET_COLUMNS)
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor, animate=False)

    def _fill_history(self) -> None:
        lang = self.lang
        title = self.query_one("#history-title", Static)
        table = self.query_one("#history", FittedTable)
        table.clear(columns=True)
        target = next((t for t in self.row.targets if t.info.id == self.target_id), None)
        self._fill_chart(target)
        self._fill_units(target)
        if target is None:
            title.update("")
            return
        entries = self.history.get(target.info.id)
        split = self.units.get(target.info.id)
        # A sum target's readings since its split are its units' totals, written when a
        # unit saves (by that unit's person): said above them, not left to be misread.
        heading = (
            "tui.detail.history.sum"
            if split is not None and split[0] is RollupRule.SUM
            else "tui.detail.history"
        )
        title.update(t(heading, lang, key=target.info.key, name=target.info.name))
        rows: list[tuple[dict[str, Text], str | None]] = []
        if entries is not None and not entries:
            empty = cell(t("tui.detail.history.empty", lang), "bright_black")
            rows.append(({key: empty if key == "col.date" else cell("") for key in HISTORY_COLUMNS},
                         None))  # fmt: skip
        evidence = self.evidence.get(target.info.id, {})
        columns = {**HISTORY_COLUMNS, **EVIDENCE_COLUMN} if evidence else HISTORY_COLUMNS
        for entry, change in zip(entries or [], changes(entries or []), strict=True):
            style = "bright_black strike" if entry.superseded else ""
            cells = {
                "col.date": day(entry.as_of, lang),
                "col.value": cell(history_figure(entry, target.info.rule.per_period, lang), style),
                "col.change": cell(change, style),
                "col.note": cell(entry.note, style),
                "col.entered_by": cell(entry.entered_by),
                "col.corrected": cell(t("tui.detail.corrected", lang) if entry.superseded else "",
                                      "yellow"),
                "col.review": review_cell(entry, lang),
                "col.evidence": evidence_cell(evidence.get(entry.id or 0, [])),
            }  # fmt: skip
            rows.append((cells, str(entry.id)))
        fit(table, rows, lang, columns)

    def _fill_chart(self, target: TargetRow | None) -> None:
        """Caption and chart of *target*: a one-line note instead for milestones and figures."""
        lang = self.lang
        caption = self.query_one("#chart-caption", Static)
        chart = self.query_one("#chart", TargetChart)
        rule = target.info.rule if target is not None else None
        if target is None or rule is None:
            caption.update("")
        elif rule.kind is TargetKind.MILESTONE:
            caption.update(t("tui.chart.milestone", lang))
        elif rule.target_value is None:
            caption.update(t("tui.chart.no_target", lang))
        elif target.info.unit:
            caption.update(t("tui.chart.caption", lang, unit=target.info.unit))
        else:
            caption.update(t("tui.chart.caption.nounit", lang))
        chart.display = rule is not None and chartable(rule)
        entries = self.history.get(target.info.id, []) if target is not None else []
        found = self._forecast(target)
        chart.show(target, self.period, entries, found.path() if found is not None else None)

    def _forecast(self, target: TargetRow | None) -> TargetForecast | None:
        """The year-end forecast of a chartable *target* from its history up to the
        screen's date, said under the caption with the department's own forecast beside
        it (None: no chart, or its history not loaded yet)."""
        line = self.query_one("#chart-forecast", Static)
        line.set_class(False, "at-risk")
        entries = self.history.get(target.info.id) if target is not None else None
        if target is None or entries is None or not chartable(target.info.rule):
            line.update("")
            return None
        lang, rule = self.lang, target.info.rule
        current = [e.reading for e in entries if not e.superseded and e.as_of <= self.as_of]
        found = forecast_target(rule, reading_points(rule, current), self.as_of)
        reading = target.result.reading
        parts = [
            forecast_sentence(found, lang),
            pace_text(found, target.info.unit, lang),
            department_forecast_text(reading.forecast if reading else None, rule.deadline, lang),
        ]
        line.update(t("sep.comma", lang).join(p for p in parts if p))
        line.set_class(found.at_risk, "at-risk")
        return found

    @work(thread=True, exclusive=True, exit_on_error=False, group="history", description="history")
    def _load_history(self, target_id: int) -> None:
        self._post_history(target_id)

    def _post_history(self, target_id: int) -> None:
        """Load a target's readings, their attached files and, when it is split, its
        units (in a worker) and post them."""
        from pledgetrack.services.evidence import evidence_by_reading

        app = cast("PledgeApp", self.app)
        entries = target_history(app.engine, target_id)
        evidence = evidence_by_reading(app.engine, target_id)
        target = next((t for t in self.row.targets if t.info.id == target_id), None)
        units = (
            target_units(app.engine, target.info, period=self.period, on=self.as_of,
                         policy=app.policy)
            if target is not None
            else None
        )  # fmt: skip
        if not get_current_worker().is_cancelled:
            self.post_message(HistoryLoaded(target_id, entries, evidence, units))

    @on(HistoryLoaded)
    def _history_loaded(self, message: HistoryLoaded) -> None:
        self.history[message.target_id] = message.entries
        self.evidence[message.target_id] = message.evidence
        self.units[message.target_id] = cast(
            "tuple[RollupRule, list[UnitResult]] | None", message.units
        )
        if message.target_id == self.target_id:
            self._fill_history()

    @on(FittedTable.Refit, "#targets")
    def _refit_targets(self) -> None:
        self._fill_targets()

    @on(FittedTable.Refit, "#history")
    def _refit_history(self) -> None:
        self._fill_history()

    @on(DataTable.RowHighlighted, "#targets")
    def _target_highlighted(self, event: DataTable.RowHighlighted) -> None:
        target_id = int(str(event.row_key.value))
        if target_id == self.target_id:
            return
        self.target_id = target_id
        self._fill_history()
        if target_id not in self.history:
            self._load_history(target_id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.notify(t("tui.error.load", self.lang, error=event.worker.error), severity="error")

    def action_back(self) -> None:
        self.dismiss()
