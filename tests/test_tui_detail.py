"""Item detail chart: the plotext rendering, the widget, and snapshots at 120×40."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from textual.pilot import Pilot

from pledgetrack.domain.model import PlanPeriod, Reading, ScheduleNode, TargetKind, TargetRule
from pledgetrack.domain.progress import completion, expected_completion
from pledgetrack.tui.chart import expected_path, render_chart
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.item_detail import ItemDetailScreen, TargetChart
from tests.tui_support import SIZE, make_app, settle, text_of

START, END = date(2020, 1, 1), date(2020, 12, 31)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def test_render_chart_ascii_labels_and_size() -> None:
    rule = TargetRule(TargetKind.QUANTITY, END, target_value=30.0)
    out = render_chart(
        [(date(2020, 6, 30), 12.0), (date(2020, 10, 31), 41.58)],
        30.0,
        expected_path(rule, START),
        100,
        14,
        start=START,
        end=END,
    )
    text = plain(out)
    lines = text.splitlines()
    assert len(lines) == 14
    assert all(len(line) == 100 for line in lines)
    for label in ("actual", "target", "expected", "2020-01", "2020-11"):
        assert label in text
    assert not CJK.search(text)
    # Deterministic: the same input gives the same text, colour codes included.
    again = render_chart(
        [(date(2020, 6, 30), 12.0), (date(2020, 10, 31), 41.58)],
        30.0,
        expected_path(rule, START),
        100,
        14,
        start=START,
        end=END,
    )
    assert again == out


@pytest.mark.parametrize(("width", "height"), [(60, 10), (120, 20), (40, 12)])
def test_render_chart_sizes(width: int, height: int) -> None:
    """A falling target (10 down to 5) and no readings: no "actual" in the legend."""
    rule = TargetRule(TargetKind.QUANTITY, date(2020, 11, 30), target_value=5.0, baseline=10.0)
    out = plain(
        render_chart(
            [],
            5.0,
            expected_path(rule, START),
            width,
            height,
            start=START,
            end=rule.deadline,
        )
    )
    lines = out.splitlines()
    assert len(lines) == height
    assert max(len(line) for line in lines) == width
    assert "target" in out and "expected" in out and "actual" not in out


@pytest.mark.parametrize(("width", "height"), [(60, 14), (100, 16), (40, 14)])
def test_render_chart_legend_in_chinese_keeps_the_frame_square(width: int, height: int) -> None:
    """The legend goes through the catalog: 实际 / 目标 / 应达, each line still *width* cells."""
    from rich.cells import cell_len

    rule = TargetRule(TargetKind.QUANTITY, END, target_value=30.0)
    out = plain(
        render_chart(
            [(date(2020, 6, 30), 12.0), (date(2020, 10, 31), 41.58)],
            30.0,
            expected_path(rule, START),
            width,
            height,
            start=START,
            end=END,
            lang="zh",
        )
    )
    assert "实际" in out and "目标" in out and "应达" in out
    assert not re.search(r"actual|target|expected", out)
    assert {cell_len(line) for line in out.splitlines()} == {width}


def test_render_chart_small() -> None:
    """plotext leaves out a legend taller than the canvas; below the minimum, nothing is drawn."""
    out = plain(render_chart([], 1.0, [], 40, 7, start=START, end=END))
    assert len(out.splitlines()) == 7 and "target" not in out
    assert render_chart([], 1.0, [], 10, 3, start=START, end=END) == ""


def test_expected_path_matches_engine() -> None:
    """Month ends up to the deadline; values read back as the engine's expected percent."""
    rule = TargetRule(
        TargetKind.QUANTITY,
        END,
        target_value=110.0,
        baseline=10.0,
        schedule=(ScheduleNode(date(2020, 6, 30), 30.0),),
    )
    path = expected_path(rule, START)
    assert path[0] == (date(2019, 12, 31), 10.0)
    assert [d for d, _ in path[1:]] == [_month_end(m) for m in range(1, 13)]
    for day, value in path[1:]:
        pct = completion(rule, Reading(day, value=value))
        assert pct == pytest.approx(expected_completion(rule, START, day))
    assert path[-1][1] == pytest.approx(110.0)


def _month_end(month: int) -> date:
    nxt = date(2020 + month // 12, month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1)


async def open_item(pilot: Pilot, downs: int = 1) -> ItemDetailScreen:  # type: ignore[type-arg]
    await settle(pilot)
    for _ in range(downs):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ItemDetailScreen)
    return screen


def chart_text(screen: ItemDetailScreen) -> str:
    return str(screen.query_one("#chart", TargetChart).render())


async def test_chart_for_quantity_target_and_redraw(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item(pilot)
        assert detail.row.info.no == 1
        assert detail.period == PlanPeriod(START, END)
        chart = detail.query_one("#chart", TargetChart)
        assert chart.display
        first = chart_text(detail)
        assert "实际" in first and "目标" in first and "应达" in first  # the legend in zh
        assert "2020-10" in first
        assert len(first.splitlines()) == chart.content_size.height
        assert "累计值与目标、应达进度" in text_of(app, "#chart-caption")
        assert "万人" in text_of(app, "#chart-caption")
        await pilot.press("down")  # target 1.2, another scale
        await settle(pilot)
        second = chart_text(detail)
        assert chart.target is not None and chart.target.info.key == "1.2"
        assert second != first
        assert "实际" in second


async def test_chart_redraws_on_resize_and_language(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item(pilot)
        before = chart_text(detail)
        width = max(len(line) for line in before.splitlines())
        await pilot.resize_terminal(100, 40)
        await settle(pilot)
        after = chart_text(detail)
        assert max(len(line) for line in after.splitlines()) < width
        await pilot.press("l")
        await settle(pilot)
        assert app.lang == "en"
        assert "Cumulative value vs target and expected path" in text_of(app, "#chart-caption")
        legend = chart_text(detail)
        assert "actual" in legend and "expected" in legend and not CJK.search(legend)


async def test_milestone_and_reference_targets_show_caption_not_chart(engine: Engine) -> None:
    """Item 11: 11.1 a milestone, 11.2 a reference figure without target, 11.3 a quantity."""
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DashboardScreen) and board.evaluation is not None
        row = board._item(11)
        assert row is not None
        assert [t.info.key for t in row.targets] == ["11.1", "11.2", "11.3"]
        detail = ItemDetailScreen(row, board.evaluation.as_of, board.evaluation.structure.period)
        await app.push_screen(detail)
        await settle(pilot)
        chart = detail.query_one("#chart", TargetChart)
        assert text_of(app, "#chart-caption") == "里程碑目标无数值图表"
        assert not chart.display and chart_text(detail) == ""
        await pilot.press("l")
        await settle(pilot)
        assert text_of(app, "#chart-caption") == "Milestone target: no value chart"
        await pilot.press("down")
        await settle(pilot)
        assert text_of(app, "#chart-caption") == "No target value (reference figure): no chart"
        assert not chart.display
        await pilot.press("down")
        await settle(pilot)
        assert text_of(app, "#chart-caption").startswith("Cumulative value vs target")
        assert chart.display
        text = chart_text(detail)
        assert "target" in text and "expected" in text
        # Drawn to the size the chart got once shown, not the fallback size.
        assert len(text.splitlines()) == chart.content_size.height
        assert max(len(line) for line in text.splitlines()) == chart.content_size.width


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_item_detail_snapshot(snap_compare, engine: Engine, lang: str) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot) -> None:  # type: ignore[type-arg]
        await settle(pilot)
        await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(engine, lang=lang), terminal_size=SIZE, run_before=run_before)
