"""A DataTable whose columns fit its width: the screen describes them as
domain.column_fit.ColumnSpec (in terminal cells), the table keeps the columns that fit, and
when a new width changes what fits it asks for its rows again (Refit)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.console import RenderableType
from rich.text import Text
from textual import events
from textual.message import Message
from textual.widgets import DataTable

from pledgetrack.domain.column_fit import ColumnSpec, fit_columns
from pledgetrack.domain.text import one_line

#: Cells a DataTable adds around each column (its cell padding, both sides).
CELL_PADDING = 2
#: Cells a growing column (a name, a note) is given before the others give way.
COMFORTABLE = 16


def longest(texts: Iterable[str]) -> int:
    """Cells the longest of *texts* takes on one line (CJK characters are two); 0 for none."""
    return max((cell_len(one_line(text)) for text in texts), default=0)


class FittedTable(DataTable[object]):
    """A DataTable with columns from ``add_fitted_columns`` and rows from ``add_fitted_row``."""

    class Refit(Message):
        """The table's width changed which columns fit, or how wide: fill it again."""

        def __init__(self, table: FittedTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> FittedTable:
            return self.table

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specs: list[ColumnSpec] = []
        #: Key → width of the columns shown, in order.
        self.widths: dict[str, int] = {}

    def _fit(self) -> dict[str, int]:
        """What fits the table's width now (the vertical scrollbar's room kept, so the
        columns do not change when it comes and goes)."""
        width = (self.size.width or self.app.size.width) - self.styles.scrollbar_size_vertical
        return fit_columns(self.specs, width, CELL_PADDING)

    def add_fitted_columns(
        self, specs: Sequence[ColumnSpec], labels: Mapping[str, str]
    ) -> dict[str, int]:
        """Add the columns of *specs* that fit (headings from *labels*); their widths."""
        self.specs = list(specs)
        self.widths = self._fit()
        for key, width in self.widths.items():
            self.add_column(labels[key], key=key, width=width)
        return self.widths

    def add_fitted_row(self, cells: Mapping[str, RenderableType], key: str | None = None) -> None:
        """Add a row from *cells* (column key → cell): the cells of the columns shown."""
        self.add_row(*(cells[k] for k in self.widths), key=key)

    def on_resize(self, _event: events.Resize) -> None:
        if self.specs and self._fit() != self.widths:
            self.refit()

    def refit(self) -> None:
        """Lay the columns out again: the owner fills the table again on Refit."""
        self.post_message(self.Refit(self))


def measured(
    key: str, heading: str, cells: Iterable[Text], *, gives_way: int = 0, grow: int = 0
) -> ColumnSpec:
    """A column as wide as its heading or its widest cell; a growing one (names, notes)
    starts at COMFORTABLE cells and grows to its widest."""
    widest = max([cell_len(heading), *(c.cell_len for c in cells)])
    if grow:
        return ColumnSpec(key, min(widest, COMFORTABLE), gives_way=gives_way, grow=grow,
                          limit=widest, floor=min(widest, 8))  # fmt: skip
    return ColumnSpec(key, widest, gives_way=gives_way)
