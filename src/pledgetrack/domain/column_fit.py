"""Which columns of a table a screen of a given width shows, and how wide each is.

Every table that meets a terminal (the TUI's tables, the CLI's) is described as a list of
:class:`ColumnSpec` and laid out by :func:`fit_columns`: the columns that must stay
(序号, 事项, 完成率, 状态) stay; the others give way one by one, the least needed first,
by narrowing to their ``minimum`` (the completion bar leaves its percentage) or, when
they have no narrower form, by leaving the table; the spare cells of a wide screen go
to the columns that grow (titles, notes), up to what their text needs.

Widths are terminal cells (a CJK character is two), measured by the caller (rich's
``cell_len``): this module only counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a table, in cells, without the padding the table adds around it.

    ``width``: what it wants on a screen of ordinary width (for a growing column, the
    least it is comfortable with). ``minimum``: what it narrows to when it gives way
    (``width`` when it has no narrower form: then it leaves the table instead).
    ``gives_way``: 0 for a column that always stays; otherwise the higher, the sooner it
    gives way. ``grow``: the column's share of spare cells (0: it does not grow), up to
    ``limit`` (None: no limit). ``floor``: the least a staying growing column is squeezed
    to on a screen too narrow for every staying column at its width.
    """

    key: str
    width: int
    minimum: int | None = None
    gives_way: int = 0
    grow: int = 0
    limit: int | None = None
    floor: int | None = None

    @property
    def narrowest(self) -> int:
        return self.width if self.minimum is None else self.minimum


def fit_columns(specs: Sequence[ColumnSpec], available: int, padding: int = 0) -> dict[str, int]:
    """Key → width of the columns shown in *available* cells, in the order of *specs*;
    a column that gave way entirely is absent. *padding*: cells the table adds to each
    column (a DataTable's cell padding, a rich table's borders)."""
    widths = {spec.key: spec.width for spec in specs}
    by_key = {spec.key: spec for spec in specs}

    def used() -> int:
        return sum(widths.values()) + padding * len(widths)

    # Give way, least needed first (a column that can narrow does so before leaving).
    for spec in sorted((s for s in specs if s.gives_way), key=lambda s: -s.gives_way):
        if used() <= available:
            break
        if spec.narrowest < spec.width:
            widths[spec.key] = spec.narrowest
        else:
            del widths[spec.key]
    # Still too wide: squeeze the growing columns down to their floors.
    for key in list(widths):
        spec = by_key[key]
        over = used() - available
        if over <= 0:
            break
        if spec.grow:
            floor = spec.floor if spec.floor is not None else spec.width
            widths[key] -= min(over, max(0, widths[key] - floor))
    _share_spare(widths, by_key, available - used())
    return {spec.key: widths[spec.key] for spec in specs if spec.key in widths}


def _share_spare(widths: dict[str, int], by_key: dict[str, ColumnSpec], spare: int) -> None:
    """Give *spare* cells to the growing columns by their shares, none past its limit."""
    while spare > 0:
        growing = [
            key
            for key in widths
            if by_key[key].grow and (by_key[key].limit is None or widths[key] < by_key[key].limit)  # type: ignore[operator]
        ]
        if not growing:
            return
        shares = sum(by_key[key].grow for key in growing)
        given = 0
        for key in growing:
            spec = by_key[key]
            room = spare * spec.grow // shares or 1
            if spec.limit is not None:
                room = min(room, spec.limit - widths[key])
            room = min(room, spare - given)
            widths[key] += room
            given += room
            if given >= spare:
                break
        if given == 0:
            return
        spare -= given
