"""The attention board: overdue, behind and not-reported items by lead department."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import get_current_worker

from pledgetrack.domain.column_fit import ColumnSpec
from pledgetrack.domain.dates import date_label
from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.model import STATUS_ORDER
from pledgetrack.domain.numbers import format_percent
from pledgetrack.i18n import status_label, t
from pledgetrack.services.attention import item_lag_text, phone_list
from pledgetrack.services.forecast import PlanForecast, evaluation_forecast
from pledgetrack.services.forecast_text import items_at_risk_text
from pledgetrack.tui.cells import cell, day, light, localize_bindings
from pledgetrack.tui.widgets.fitted_table import FittedTable, longest
from pledgetrack.tui.widgets.fitting_footer import FittingFooter
from pledgetrack.tui.widgets.item_table import (
    COLUMN_LABELS,
    completion_cell,
    item_columns,
)
from pledgetrack.tui.widgets.plain import Plain

if TYPE_CHECKING:
    from pledgetrack.tui.app import PledgeApp


class AttentionTable(FittedTable):
    """The board; "enter" opens the highlighted item (shown in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "open")]


class ForecastLoaded(Message):
    """The year-end forecast of the board's evaluation, made in a worker."""

    def __init__(self, forecast: PlanForecast) -> None:
        super().__init__()
        self.forecast = forecast


class AttentionScreen(Screen[None]):
    """Items needing attention in the evaluated month, grouped by lead department."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "back", key_display="esc"),
        Binding("t", "phone_list", "phone_list"),
    ]

    def __init__(self, evaluation: PlanEvaluation) -> None:
        super().__init__()
        self.evaluation = evaluation
        #: (lead department, rows), most severe first (see PlanEvaluation.attention_by_department).
        self.groups = evaluation.attention_by_department()
        self._rows = {row.info.no: row for _, rows in self.groups for row in rows}
        #: The year-end forecast (services.forecast), once loaded: which items will likely
        #: not be achieved by their deadline, said under the summary.
        self.forecast: PlanForecast | None = None

    @property
    def lang(self) -> str:
        return cast("PledgeApp", self.app).lang

    def compose(self) -> ComposeResult:
        yield Plain(id="attention-header")
        yield Plain(id="attention-summary")
        yield Plain(id="attention-forecast")
        yield Plain(id="attention-empty")
        yield AttentionTable(id="attention", cursor_type="row")
        yield Plain(id="attention-context")
        yield FittingFooter()

    def on_mount(self) -> None:
        self.watch(self.app, "lang", self._lang_changed, init=False)
        empty = not self.groups
        self.query_one("#attention-empty").display = empty
        self.query_one("#attention-summary").display = not empty
        table = self.query_one("#attention", AttentionTable)
        table.display = not empty
        self._draw()
        if not empty:
            table.focus()
            table.move_cursor(row=1, animate=False)  # the first item, below its department
        if not self.evaluation.partial:
            self._load_forecast()

    @work(
        thread=True, exclusive=True, exit_on_error=False, group="forecast", description="forecast"
    )
    def _load_forecast(self) -> None:
        found = evaluation_forecast(cast("PledgeApp", self.app).engine, self.evaluation)
        if not get_current_worker().is_cancelled:
            self.post_message(ForecastLoaded(found))

    @on(ForecastLoaded)
    def _forecast_loaded(self, message: ForecastLoaded) -> None:
        self.forecast = message.forecast
        self._draw_forecast()

    def _draw_forecast(self) -> None:
        line = self.query_one("#attention-forecast", Static)
        found = self.forecast
        line.update(items_at_risk_text(found, self.lang) if found is not None else "")
        line.set_class(found is not None and bool(found.items_at_risk()), "at-risk")

    def _lang_changed(self, _lang: str) -> None:
        self._draw()

    @on(FittedTable.Refit, "#attention")
    def _refit(self) -> None:
        self._fill_table()

    def _draw(self) -> None:
        lang = self.lang
        evaluation = self.evaluation
        localize_bindings([self, self.query_one("#attention", AttentionTable)], lang)
        self.query_one("#attention-header", Static).update(
            t(
                "tui.attention.header",
                lang,
                plan=evaluation.structure.title,
                date=date_label(evaluation.as_of, lang),
            )
        )
        self.query_one("#attention-empty", Static).update(t("tui.attention.empty", lang))
        rows = self.item_rows()
        counts = [
            t("tui.attention.count", lang, label=status_label(status, lang), n=n)
            for status in STATUS_ORDER
            if (n := sum(1 for r in rows if r.result.status is status))
        ]
        self.query_one("#attention-summary", Static).update(
            t(
                "tui.attention.summary",
                lang,
                n=len(rows),
                d=len(self.groups),
                counts=t("sep.comma", lang).join(counts),
            )
        )
        self._draw_forecast()
        self._fill_table()

    def _fill_table(self) -> None:
        lang = self.lang
        table = self.query_one("#attention", AttentionTable)
        cursor = table.cursor_row if table.row_count else None
        table.clear(columns=True)
        # Fixed widths (rows arrive after the columns), fitted to the width: the item column
        # also holds the department headings, 市公安局交通警察支队（1项）.
        rows = self.item_rows()
        headings = [
            t("tui.attention.group", lang, name=department, n=len(group))
            for department, group in self.groups
        ]
        lagging = {row.info.no: item_lag_text(row, lang) for row in rows}
        shared = item_columns(
            lang,
            titles=max(longest(r.info.title for r in rows), longest(headings)),
            numbers=len(str(max((r.info.no for r in rows), default=0))),
        )
        specs = [shared[k] for k in ("no", "item", "status", "completion", "expected", "last")]
        # What holds the item back (services.attention): gives way after the date, grows to
        # the longest; co-operating units are under the table, with the highlighted item.
        heading = t("col.lagging", lang)
        widest = max(longest(lagging.values()), longest([heading]))
        specs.append(ColumnSpec("lagging", min(widest, 24), gives_way=3, grow=2, limit=widest))
        labels = {key: t(label, lang) for key, label in COLUMN_LABELS.items()}
        widths = table.add_fitted_columns(specs, {**labels, "lagging": heading})
        for index, (rows_heading, (_department, group)) in enumerate(
            zip(headings, self.groups, strict=True)
        ):
            table.add_row(cell(""), cell(rows_heading, "bold"), key=f"dept-{index}")
            for row in group:
                result = row.result
                table.add_fitted_row(
                    {
                        "no": cell(str(row.info.no)),
                        "item": cell(row.info.title),
                        "status": light(result.status, lang),
                        "completion": completion_cell(result, widths["completion"]),
                        "expected": cell(format_percent(result.expected)),
                        "last": day(row.last_report, lang),
                        "lagging": cell(lagging[row.info.no]),
                    },
                    key=f"item-{row.info.no}",
                )
        if cursor is not None and cursor < table.row_count:
            table.move_cursor(row=cursor, animate=False)

    @on(DataTable.RowHighlighted, "#attention")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Under the table: the highlighted item's departments and what holds it back."""
        lang = self.lang
        key = str(event.row_key.value)
        row = self._rows.get(int(key.removeprefix("item-"))) if key.startswith("item-") else None
        text = ""
        if row is not None:
            parts = [f"{row.info.no}. {row.info.title} — {row.info.lead}"]
            cooperating = t("tui.attention.dept.sep", lang).join(row.info.departments[1:])
            if cooperating:
                parts.append(t("col.cooperating", lang) + t("sep.colon", lang) + cooperating)
            parts.append(item_lag_text(row, lang))
            text = " · ".join(parts)
        self.query_one("#attention-context", Static).update(text)

    def highlighted_department(self) -> str | None:
        """The department of the highlighted heading or item (None: the board is empty)."""
        table = self.query_one("#attention", AttentionTable)
        if not table.row_count:
            return None
        key = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        if key.startswith("dept-"):
            return self.groups[int(key.removeprefix("dept-"))][0]
        row = self._rows.get(int(key.removeprefix("item-")))
        return row.info.lead if row is not None else None

    def action_phone_list(self) -> None:
        """The highlighted department's items as lines to read out, copied as shown."""
        lang = self.lang
        department = self.highlighted_department()
        if department is None:
            self.notify(t("tui.attention.phone.none", lang))
            return
        from pledgetrack.tui.screens.phone_list import PhoneListScreen

        self.app.push_screen(
            PhoneListScreen(
                t("tui.attention.phone.title", lang, department=department),
                phone_list(self.evaluation, department, lang),
            )
        )

    # ---- what tests look at --------------------------------------------------

    def item_rows(self) -> list[ItemRow]:
        """The items on the board, in board order."""
        return [row for _, rows in self.groups for row in rows]

    def row_keys(self) -> list[str]:
        """Keys of the table rows, headings (``dept-N``) and items (``item-N``)."""
        table = self.query_one("#attention", AttentionTable)
        return [str(k.value) for k in table.rows]

    # ---- actions --------------------------------------------------------------

    @on(DataTable.RowSelected, "#attention")
    def _open(self, event: DataTable.RowSelected) -> None:
        key = str(event.row_key.value)
        if not key.startswith("item-"):
            return
        row = self._rows.get(int(key.removeprefix("item-")))
        if row is not None:
            from pledgetrack.tui.screens.item_detail import ItemDetailScreen

            evaluation = self.evaluation
            self.app.push_screen(
                ItemDetailScreen(row, evaluation.as_of, evaluation.structure.period)
            )

    def action_back(self) -> None:
        self.dismiss()
