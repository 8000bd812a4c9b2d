"""The dashboard's item table: items under their pledge headings, or sorted by a column,
added to the table a page at a time as the cursor or the scroll nears the end."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

from pledgetrack.domain.column_fit import ColumnSpec
from pledgetrack.domain.dates import date_label
from pledgetrack.domain.model import STATUS_ORDER, ItemResult
from pledgetrack.domain.names import pinyin_key
from pledgetrack.domain.numbers import format_percent, pledge_heading
from pledgetrack.i18n import status_label, t
from pledgetrack.tui.cells import BAR_CELLS, bar, cell, day, light
from pledgetrack.tui.widgets.fitted_table import FittedTable, longest

if TYPE_CHECKING:
    from pledgetrack.domain.evaluation import ItemRow

#: The table's columns: key → catalog key of the heading, and fixed width.
COLUMN_LABELS = {
    "no": "col.no",
    "item": "col.item",
    "lead": "col.department",
    "completion": "col.completion",
    "expected": "col.expected",
    "status": "col.status",
    "last": "col.last_report",
}
#: The completion column with its bar (``▇▇▇▇▇▇▇▇░░ 83.3%``); narrower, the percentage alone.
BAR_WIDTH = BAR_CELLS + 1 + len("100.0%")
#: Cells the item title gets at least, and when the screen is too narrow for anything else.
TITLE_WIDTH, TITLE_FLOOR = 16, 8


def item_columns(lang: str, *, titles: int, numbers: int) -> dict[str, ColumnSpec]:
    """The columns an item table shares (dashboard, attention board), in cells: 序号, 事项,
    完成率 and 状态 stay; the date of the last report gives way first (4), the bar next
    (2: its percentage stays), then the expected figure (1); the title grows up to *titles*
    cells. *numbers*: cells of the widest text in the number column (the largest item
    number, a pledge heading such as 十一、)."""

    def head(key: str) -> int:
        return cell_len(t(COLUMN_LABELS[key], lang))

    status = longest("● " + status_label(s, lang) for s in STATUS_ORDER)
    last = cell_len(date_label(date(2020, 12, 31), lang))
    return {
        "no": ColumnSpec("no", max(head("no"), numbers)),
        "item": ColumnSpec("item", max(head("item"), TITLE_WIDTH), grow=3,
                           limit=max(titles, TITLE_WIDTH), floor=TITLE_FLOOR),
        "completion": ColumnSpec("completion", max(head("completion"), BAR_WIDTH),
                                 minimum=max(head("completion"), len("100.0%")), gives_way=2),
        "expected": ColumnSpec("expected", max(head("expected"), len("100.0%")), gives_way=1),
        "status": ColumnSpec("status", max(head("status"), status)),
        "last": ColumnSpec("last", max(head("last"), last), gives_way=4),
    }  # fmt: skip


def department_column(key: str, heading: str, names: Iterable[str]) -> ColumnSpec:
    """A column of department names: gives way after the date (3), grows to the longest."""
    widest = max(longest(names), cell_len(heading))
    return ColumnSpec(key, min(widest, 20), gives_way=3, grow=1, limit=widest)


def completion_cell(result: ItemResult, width: int) -> Text:
    """The completion with its bar when the column is wide enough, else the percentage."""
    if width >= BAR_WIDTH:
        return bar(result.completion, result.status)
    return cell(format_percent(result.completion))


def column_specs(rows: list[ItemRow], pledges: dict[int, str], lang: str) -> list[ColumnSpec]:
    """The dashboard's columns (item_columns, and the lead department's); the title grows
    to the longest title or pledge heading."""
    titles = max(
        longest(r.info.title for r in rows),
        longest(pledge_heading(n, lang) + title for n, title in pledges.items()),
    )
    numbers = max(
        len(str(max((r.info.no for r in rows), default=0))),
        longest(pledge_heading(n, lang) for n in pledges),
    )
    shared = item_columns(lang, titles=titles, numbers=numbers)
    lead = department_column("lead", t(COLUMN_LABELS["lead"], lang), (r.info.lead for r in rows))
    return [shared["no"], shared["item"], lead, *(shared[k] for k in ("completion", "expected",
            "status", "last"))]  # fmt: skip


#: Rows added to the table at a time; more are added when the cursor or scroll nears the end.
PAGE = 200
LOOKAHEAD = 20

#: Sortable columns: table column key → sort key of an item row (missing values last).
SORT_KEYS: dict[str, Callable[[ItemRow], tuple[object, ...]]] = {
    "no": lambda r: (r.info.no,),
    # Names by pinyin, as a Chinese index is (domain.names).
    "item": lambda r: (pinyin_key(r.info.title), r.info.no),
    "lead": lambda r: (pinyin_key(r.info.lead), r.info.no),
    "completion": lambda r: (r.result.completion is None, r.result.completion or 0.0, r.info.no),
    "expected": lambda r: (r.result.expected is None, r.result.expected or 0.0, r.info.no),
    "status": lambda r: (-r.result.status.severity, r.info.no),
    "last": lambda r: (r.last_report is None, r.last_report or date.min, r.info.no),
}
#: What "s" steps through: list order (grouped under pledges), then each column.
SORT_CYCLE: tuple[str | None, ...] = (None, *SORT_KEYS)


def item_no(row_key: object) -> int | None:
    """The item number of an item row's key; None for a pledge heading."""
    key = str(row_key)
    return int(key.removeprefix("item-")) if key.startswith("item-") else None


def pledge_no(row_key: object) -> int | None:
    """The pledge number of a pledge heading's key; None for an item row."""
    key = str(row_key)
    return int(key.removeprefix("pledge-")) if key.startswith("pledge-") else None


class ItemTable(FittedTable):
    """The item table; "enter" opens the highlighted item (shown in the footer)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select_cursor", "open")]

    class Sorted(Message):
        """A column heading was clicked: the table is sorted by another column or reversed."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        #: Column the table is sorted by (None = list order under pledge headings).
        self.sort_column: str | None = None
        self.sort_reverse = False
        self._lang = "zh"
        #: The rows shown, in list order (sorted when they are put in the table).
        self._rows: list[ItemRow] | None = None
        self._pledge_titles: dict[int, str] = {}
        #: Rows in table order; the first _shown_rows are in the table.
        self._pending: list[ItemRow] = []
        self._shown_rows = 0
        self._last_pledge: int | None = None

    def on_mount(self) -> None:
        self.watch(self, "scroll_y", self._near_end, init=False)

    # ---- sorting ------------------------------------------------------------

    @property
    def in_list_order(self) -> bool:
        """Whether the rows are in list order (what a plan's first page holds)."""
        return self.sort_column in (None, "no") and not self.sort_reverse

    def cycle_sort(self) -> None:
        """Sort by the next column ("s"), ascending; after the last, list order again."""
        index = SORT_CYCLE.index(self.sort_column)
        self.sort_column = SORT_CYCLE[(index + 1) % len(SORT_CYCLE)]
        self.sort_reverse = False

    def reverse_sort(self) -> None:
        """Reverse the order ("S"); list order reversed is by number, descending."""
        if self.sort_column is None:
            self.sort_column = "no"
        self.sort_reverse = not self.sort_reverse

    def sort_label(self, lang: str) -> str:
        """The sort as the toolbar says it ("sorted by completion ↑"); "" in list order."""
        if self.sort_column is None:
            return ""
        column = t(COLUMN_LABELS[self.sort_column], lang)
        return t("tui.sort", lang, column=column, arrow=self.sort_arrow())

    def sort_arrow(self) -> str:
        """▲ ascending, ▼ descending: beside the sorted column's heading and in the toolbar."""
        return "▼" if self.sort_reverse else "▲"

    def heading(self, key: str, lang: str) -> str:
        """A column's heading, with the sort arrow when the table is sorted by it."""
        label = t(COLUMN_LABELS[key], lang)
        return f"{label} {self.sort_arrow()}" if key == self.sort_column else label

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        """Click a heading to sort by it; click it again to reverse."""
        column = str(event.column_key.value)
        if column not in SORT_KEYS:
            return
        if self.sort_column == column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, False
        self.post_message(self.Sorted())

    # ---- rows ---------------------------------------------------------------

    def show_rows(self, rows: list[ItemRow] | None, pledges: dict[int, str], lang: str) -> None:
        """Put *rows* (in list order; None: nothing loaded yet) in the table, sorted, the
        first page at once, under the headings of *pledges* (number → title) when in list
        order (none: a flat list, no headings); the cursor stays on the row it was on."""
        self._rows, self._pledge_titles, self._lang = rows, pledges, lang
        keep = None
        if self.row_count:
            keep = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        # Nothing pending while the table is rebuilt (clearing scrolls, which adds pages).
        self._pending, self._shown_rows = [], 0
        self.clear(columns=True)
        # Fixed widths: rows arrive after the columns, so auto widths would follow the headers.
        self.add_fitted_columns(
            column_specs(list(rows or ()), pledges, lang),
            {key: self.heading(key, lang) for key in COLUMN_LABELS},
        )
        ordered = list(rows or ())
        if self.sort_column is not None:
            ordered.sort(key=SORT_KEYS[self.sort_column], reverse=self.sort_reverse)
        self._pending = ordered
        self._shown_rows = 0
        self._last_pledge = None
        if rows is None:
            return
        self._append_page()
        if keep is not None and keep in self.rows:
            self.move_cursor(row=self.get_row_index(keep), animate=False)

    def refit(self) -> None:
        """Another width changed what fits: the same rows, laid out again."""
        self.show_rows(self._rows, self._pledge_titles, self._lang)

    def _append_page(self) -> None:
        """Add the next PAGE of rows to the table (rows are added as you scroll)."""
        if self._rows is None or self._shown_rows >= len(self._pending):
            return
        lang = self._lang
        pledges = self._pledge_titles
        grouped = self.sort_column is None and bool(pledges)  # no pledges: a flat list
        end = min(self._shown_rows + PAGE, len(self._pending))
        for row in self._pending[self._shown_rows : end]:
            if grouped and row.info.pledge_no != self._last_pledge:
                self._last_pledge = row.info.pledge_no
                # The whole heading in the wide column: 十一、 is wider than the number column.
                heading = pledge_heading(row.info.pledge_no, lang) + pledges[row.info.pledge_no]
                self.add_row(cell(""), cell(heading, "bold"), key=f"pledge-{row.info.pledge_no}")
            result = row.result
            cells = {
                "no": cell(str(row.info.no)),
                "item": cell(row.info.title),
                "lead": cell(row.info.lead),
                "completion": completion_cell(result, self.widths["completion"]),
                "expected": cell(format_percent(result.expected)),
                "status": light(result.status, lang),
                "last": day(row.last_report, lang),
            }
            self.add_fitted_row(cells, key=f"item-{row.info.no}")
        self._shown_rows = end

    def _near_end(self, *_args: object) -> None:
        """Scrolled or moved close to the last rows added: add the next page."""
        if self._shown_rows < len(self._pending) and (
            self.cursor_row >= self.row_count - LOOKAHEAD
            or self.scroll_y >= self.max_scroll_y - LOOKAHEAD
        ):
            self._append_page()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        # Rows just added are measured when the table is next idle: until then the scroll
        # extent is stale and every row would look near the end (as DataTable does it).
        if self._require_update_dimensions:
            self.call_after_refresh(self._near_end)
        else:
            self._near_end()

    def item_keys(self) -> list[str]:
        """Keys of the item rows in the table (tests count them)."""
        return [str(k.value) for k in self.rows if str(k.value).startswith("item-")]

    def highlighted_item_no(self) -> int | None:
        """The number of the highlighted item; on a pledge heading, of the item below it."""
        if not self.row_count:
            return None
        no = item_no(self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value)
        if no is not None:
            return no
        index = self.cursor_row + 1
        if index < self.row_count:
            return item_no(self.coordinate_to_cell_key(Coordinate(index, 0)).row_key.value)
        return None
