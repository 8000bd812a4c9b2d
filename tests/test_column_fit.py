"""Which columns a table of a given width shows, and how wide (domain/column_fit.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pledgetrack.domain.column_fit import ColumnSpec, fit_columns

#: The dashboard's shape: number, title (grows), department, completion bar, expected,
#: status, last report. The bar narrows to its percentage; the others leave.
DASHBOARD = [
    ColumnSpec("no", 4),
    ColumnSpec("item", 16, grow=3, limit=60, floor=8),
    ColumnSpec("lead", 20, gives_way=3, grow=1, limit=20),
    ColumnSpec("completion", 17, minimum=6, gives_way=2),
    ColumnSpec("expected", 6, gives_way=1),
    ColumnSpec("status", 10),
    ColumnSpec("last", 14, gives_way=4),
]


def used(widths: dict[str, int], padding: int = 2) -> int:
    return sum(widths.values()) + padding * len(widths)


def test_at_80_columns_number_title_completion_and_status_stay() -> None:
    widths = fit_columns(DASHBOARD, 78, padding=2)
    assert {"no", "item", "completion", "status"} <= widths.keys()
    assert "last" not in widths and "lead" not in widths
    assert used(widths) <= 78


def test_the_date_gives_way_before_the_department_and_the_bar_narrows_last() -> None:
    # Room for everything but the date: the department stays, the bar keeps its width.
    widths = fit_columns(DASHBOARD, 100, padding=2)
    assert "last" not in widths and widths["lead"] == 20 and widths["completion"] == 17
    # Narrower: the bar leaves its percentage; the number, title and status still stay.
    narrow = fit_columns(DASHBOARD, 50, padding=2)
    assert narrow["completion"] == 6 and "lead" not in narrow
    assert used(narrow) <= 50


def test_a_wide_screen_shows_every_column_and_grows_the_title_to_its_text() -> None:
    widths = fit_columns(DASHBOARD, 200, padding=2)
    assert list(widths) == [spec.key for spec in DASHBOARD]
    assert widths["item"] == 60  # its limit: the longest title, not more
    assert used(widths) <= 200


def test_spare_cells_are_shared_by_the_growing_columns_by_their_shares() -> None:
    specs = [ColumnSpec("name", 10, grow=1), ColumnSpec("note", 10, grow=3)]
    widths = fit_columns(specs, 60)
    assert widths == {"name": 20, "note": 40}


def test_too_narrow_for_the_staying_columns_squeezes_the_title_down_to_its_floor() -> None:
    # 40 cells: the title gives up what is missing (16 → 12), no more.
    assert fit_columns(DASHBOARD, 40, padding=2)["item"] == 12
    # Narrower than the staying columns at their floor: the title stops at 8 cells (the
    # table scrolls sideways rather than lose a column that stays).
    widths = fit_columns(DASHBOARD, 30, padding=2)
    assert widths["item"] == 8 and widths["completion"] == 6
    assert list(widths) == ["no", "item", "completion", "status"]


@given(st.integers(min_value=0, max_value=400))
def test_the_columns_never_take_more_than_the_width_once_the_staying_ones_fit(
    width: int,
) -> None:
    widths = fit_columns(DASHBOARD, width, padding=2)
    staying_at_floor = 4 + 8 + 6 + 10 + 2 * 4
    assert {"no", "item", "completion", "status"} <= widths.keys()
    if width >= staying_at_floor:
        assert used(widths) <= width
    assert list(widths) == [s.key for s in DASHBOARD if s.key in widths]
