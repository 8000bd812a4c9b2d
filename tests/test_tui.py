"""Terminal UI: pilot tests and snapshots on a copy of the shipped database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable

from pledgetrack.domain.model import Status
from pledgetrack.i18n import t
from pledgetrack.tui.app import PledgeApp
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.item_detail import ItemDetailScreen
from pledgetrack.tui.widgets.fitted_table import CELL_PADDING
from tests.tui_support import (
    OCTOBER,
    SIZE,
    make_app,
    settle,
    table_drawn,
    text_of,
    wait_until,
)


def palette_offers(app: PledgeApp, text: str) -> Callable[[], bool]:
    """The command palette lists its hits for what was typed: the first one names *text*."""

    def offers() -> bool:
        if not isinstance(app.screen, CommandPalette):
            return False
        hits = app.screen.query_one(CommandList)
        return hits.option_count > 0 and text in str(hits.get_option_at_index(0).prompt)

    return offers


def dashboard(app: PledgeApp) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


async def test_dashboard_shows_every_item_and_counters(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        assert len(screen.item_keys()) == 36
        assert screen.evaluation is not None
        assert screen.evaluation.counts()[Status.ACHIEVED] == 18
        assert text_of(app, "#count-achieved") == "已完成 18/36"
        assert "2020年10月31日" in text_of(app, "#header")
        # 12 pledge headings above their items
        table = screen.query_one("#items")
        assert sum(1 for k in table.rows if str(k.value).startswith("pledge-")) == 12


async def test_time_travel_by_month(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert app.as_of == date(2020, 9, 30)
        assert "2020-09-30" in text_of(app, "#header")
        assert text_of(app, "#count-achieved") == "achieved 0 of 36"
        assert text_of(app, "#count-not_reported") == "not reported 36 of 36"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.as_of == OCTOBER
        assert text_of(app, "#count-achieved") == "achieved 18 of 36"
        # p / n do the same
        await pilot.press("p")
        await settle(pilot)
        assert app.as_of == date(2020, 9, 30)
        await pilot.press("n", "n", "n")
        await settle(pilot)
        assert app.as_of == date(2020, 12, 31)  # clipped to the plan end
        await pilot.press("n")
        await settle(pilot)
        assert app.as_of == date(2020, 12, 31)


async def test_filter_and_search_reduce_rows(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        await pilot.press("f")  # achieved
        assert len(screen.item_keys()) == 18
        assert "已完成" in text_of(app, "#filter")
        await pilot.press("f")  # ahead
        assert screen.item_keys() == ["item-9", "item-32"]
        assert "超前推进" in text_of(app, "#filter")
        await pilot.press("f")  # on track
        assert len(screen.item_keys()) == 10
        await pilot.press("f")  # behind
        assert len(screen.item_keys()) == 6
        await pilot.press("f", "f", "f")  # overdue, not reported, all
        assert len(screen.item_keys()) == 36
        await pilot.press("slash")
        assert screen.query_one("#search").has_focus
        await pilot.press("就", "业")
        keys = screen.item_keys()
        assert "item-1" in keys and 0 < len(keys) < 36
        for key in keys:
            row = screen._item(int(key.removeprefix("item-")))
            assert row is not None and "就业" in row.info.title
        await pilot.press("escape")
        assert screen.query_one("#items").has_focus
        screen.query_one("#search").value = "12"
        await settle(pilot, until=lambda: screen.query_text == "12")
        assert screen.item_keys() == ["item-12"]


async def test_enter_opens_item_detail(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down")  # from the first pledge heading to item 1
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ItemDetailScreen)
        assert detail.row.info.no == 1
        targets = detail.query_one("#targets")
        rows = [[str(c) for c in targets.get_row_at(i)] for i in range(targets.row_count)]
        first = rows[0]
        assert first[0] == "1.1" and "138.6%" in first
        assert [r[0] for r in rows] == ["1.1", "1.2", "1.3"]
        history = detail.query_one("#history")
        assert history.row_count >= 1
        assert any("41.58" in str(c) for c in history.get_row_at(history.row_count - 1))
        await pilot.press("down")
        await settle(pilot)
        assert detail.target_id == detail.row.targets[1].info.id
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_language_toggle(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = dashboard(app).query_one("#items")
        assert str(table.columns["completion"].label) == "完成率"
        assert "截至2020年10月31日" in text_of(app, "#header")
        await pilot.press("l")
        await settle(pilot)
        assert app.lang == "en"
        assert str(table.columns["completion"].label) == "Done"
        assert "as of 2020-10-31" in text_of(app, "#header")
        assert text_of(app, "#count-achieved") == "achieved 18 of 36"
        await pilot.press("l")
        await settle(pilot)
        assert text_of(app, "#count-achieved") == "已完成 18/36"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dashboard_snapshot(snap_compare, engine: Engine, lang: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(engine, lang=lang), terminal_size=SIZE, run_before=settle)


async def test_department_filter_and_sort(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(*"农业农村", "enter")
        await settle(pilot)
        assert screen.department_filter == "市农业农村局"
        assert screen.item_keys() == ["item-19", "item-20", "item-21", "item-33"]
        assert "市农业农村局" in text_of(app, "#filter")
        # Sort: list order → number → title → department → completion (ascending: worst first).
        await pilot.press("s", "s", "s", "s")
        assert screen.sort_column == "completion"
        assert screen.item_keys()[0] == "item-33"  # 50%, the others 100%
        assert not [k for k in screen.query_one("#items").rows if str(k.value).startswith("p")]
        await pilot.press("S")
        assert screen.item_keys()[-1] == "item-33"
        # Back to all departments; sort by status puts the worst first.
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("enter")  # first option: all departments
        await settle(pilot)
        assert screen.department_filter is None and len(screen.item_keys()) == 36
        screen.sort_column, screen.sort_reverse = "status", False
        screen.refresh_view()
        first = screen._item(int(screen.item_keys()[0].removeprefix("item-")))
        assert first is not None and first.result.status is Status.BEHIND


async def test_clicking_a_heading_sorts(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        # The department heading: past the columns before it (each with its padding).
        widths = list(screen.table.widths.items())
        x = sum(w + CELL_PADDING for _, w in widths[: [k for k, _ in widths].index("lead")]) + 1
        await pilot.click("#items", offset=(x, 0))
        await settle(pilot)
        assert screen.sort_column == "lead"
        await pilot.click("#items", offset=(x, 0))
        assert screen.sort_reverse is True


async def test_command_palette_jumps_to_an_item(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press("2", "8")
        await settle(pilot, until=palette_offers(app, "28"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ItemDetailScreen)
        assert app.screen.row.info.no == 28
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"关注清单")
        await settle(pilot, until=palette_offers(app, "关注清单"))
        await pilot.press("enter")
        await settle(pilot)
        from pledgetrack.tui.screens.attention import AttentionScreen

        assert isinstance(app.screen, AttentionScreen)


async def test_a_province_sized_list_is_added_to_the_table_page_by_page(engine: Engine) -> None:
    """Filtering, sorting or stepping a month never builds more than a page of rows."""
    import dataclasses

    from pledgetrack.domain.evaluation import PlanEvaluation
    from pledgetrack.tui.messages import EvaluationLoaded
    from pledgetrack.tui.screens.dashboard import PAGE

    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        small = screen.evaluation
        assert small is not None
        items = [
            dataclasses.replace(r, info=dataclasses.replace(r.info, no=k * 36 + r.info.no))
            for k in range(300)
            for r in small.items
        ]
        screen.sort_column = "no"  # one flat list (the copies repeat pledge numbers)
        screen._loaded(EvaluationLoaded(PlanEvaluation(small.structure, small.as_of, tuple(items))))
        await settle(pilot)
        table = screen.query_one("#items", DataTable)
        assert len(items) == 10_800
        assert table.row_count == PAGE
        assert "10800" in text_of(app, "#shown")
        await pilot.press("f")  # achieved only: still one page
        assert table.row_count == PAGE
        table.move_cursor(row=table.row_count - 1)
        await settle(pilot, until=lambda: table.row_count > PAGE)
        assert table.row_count == 2 * PAGE  # moving near the end adds the next page
        assert screen.item_keys()[PAGE] == f"item-{table._pending[PAGE].info.no}"


@pytest.mark.slow
async def test_a_big_plan_shows_its_first_page_while_the_rest_loads(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A province plan: the first page of items is on screen at once, counters wait for the
    whole plan, and actions that need the whole plan say it is still loading."""
    import threading

    import pledgetrack.services.dashboard as dashboard_module
    from pledgetrack.config import sqlite_url
    from pledgetrack.storage.db import make_engine
    from pledgetrack.tui.screens.dashboard import PAGE
    from tests.test_reference import generator

    engine = make_engine(sqlite_url(tmp_path / "big.sqlite"))
    counts = generator().generate(engine, targets=900, months=3, seed=3)
    assert counts["items"] > PAGE + 1
    gate = threading.Event()
    real = dashboard_module.load_evaluation

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        assert gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_module, "load_evaluation", held)
    try:
        app = make_app(engine, as_of=date(2020, 3, 31))
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(
                pilot, lambda: isinstance(app.screen, DashboardScreen) and app.screen.evaluation
            )
            screen = dashboard(app)
            first = screen.evaluation
            assert first is not None and first.partial
            assert [r.info.no for r in first.items] == list(range(1, PAGE + 2))
            assert screen.structure is None  # a partial structure is never reused
            await wait_until(pilot, lambda: table_drawn(screen.query_one("#items", DataTable)))
            assert screen.query_one("#items", DataTable).row_count > PAGE
            assert "…" in text_of(app, "#count-achieved")
            assert text_of(app, "#shown") == t("tui.shown.loading", "zh")
            await pilot.press("e")  # entry needs every department: not yet
            assert isinstance(app.screen, DashboardScreen)
            gate.set()
            await settle(pilot)
            whole = screen.evaluation
            assert whole is not None and not whole.partial
            assert len(whole.items) == counts["items"]
            assert screen.structure is whole.structure
            achieved = whole.counts()[Status.ACHIEVED]
            assert f"{achieved}/{counts['items']}" in text_of(app, "#count-achieved")
            # The first page agrees with the whole plan, row by row.
            assert [r.result for r in first.items] == [r.result for r in whole.items[: PAGE + 1]]
    finally:
        gate.set()
        engine.dispose()


@pytest.mark.slow
async def test_a_new_month_of_a_big_plan_shows_its_first_page_while_the_month_computes(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Stepping a month on a province plan: the new month's first page is on screen at once
    (list order, cursor on that page); the counters and the attention board wait for the
    whole month. A sorted view waits for the whole month instead: its first page is not
    the list's."""
    import threading

    import pledgetrack.services.dashboard as dashboard_module
    from pledgetrack.config import sqlite_url
    from pledgetrack.storage.db import make_engine
    from pledgetrack.tui.screens.attention import AttentionScreen
    from pledgetrack.tui.screens.dashboard import PAGE
    from tests.test_reference import generator

    engine = make_engine(sqlite_url(tmp_path / "big.sqlite"))
    counts = generator().generate(engine, targets=900, months=3, seed=3)
    assert counts["items"] > PAGE + 1
    gate = threading.Event()
    gate.set()
    waiting = threading.Event()  # set when a load reaches the gate
    real = dashboard_module.load_evaluation

    def held(*args, **kwargs):  # type: ignore[no-untyped-def]
        waiting.set()
        assert gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard_module, "load_evaluation", held)
    try:
        app = make_app(engine, as_of=date(2020, 3, 31))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = dashboard(app)
            march = screen.evaluation
            assert march is not None and not march.partial
            structure = screen.structure
            gate.clear()
            await pilot.press("left_square_bracket")
            await wait_until(pilot, lambda: screen.evaluation.as_of == date(2020, 2, 29))  # type: ignore[union-attr]
            first = screen.evaluation
            assert first is not None and first.partial
            assert [r.info.no for r in first.items] == list(range(1, PAGE + 2))
            assert screen.structure is structure  # the whole structure is kept for the next step
            await wait_until(pilot, lambda: table_drawn(screen.query_one("#items", DataTable)))
            assert "…" in text_of(app, "#count-achieved")
            await pilot.press("a")  # the attention board needs the whole month
            assert not isinstance(app.screen, AttentionScreen)
            gate.set()
            await settle(pilot)
            whole = screen.evaluation
            assert whole is not None and not whole.partial and whole.as_of == date(2020, 2, 29)
            assert len(whole.items) == counts["items"]
            assert [r.result for r in first.items] == [r.result for r in whole.items[: PAGE + 1]]
            achieved = whole.counts()[Status.ACHIEVED]
            assert f"{achieved}/{counts['items']}" in text_of(app, "#count-achieved")
            # Sorted by completion: no first page, the whole month at once.
            screen.sort_column = "completion"
            screen.refresh_view()
            gate.clear()
            waiting.clear()
            await pilot.press("right_square_bracket")
            # The load is held at the gate: whatever it posted before is handled by then.
            await wait_until(pilot, waiting.is_set)
            await pilot.pause()
            assert screen.evaluation is whole  # nothing partial shown meanwhile
            gate.set()
            await settle(pilot)
            assert screen.evaluation is not None and not screen.evaluation.partial
            assert screen.evaluation.as_of == date(2020, 3, 31)
    finally:
        gate.set()
        engine.dispose()
