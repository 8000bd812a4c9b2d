"""The year-end forecast on the item detail screen: the flag under the chart caption,
the pace it follows, the department's own forecast beside it, and the projection drawn
on the chart (zh and en)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.services.progress import record
from pledgetrack.tui.chart import FORECAST_LEGEND
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.item_detail import ItemDetailScreen, TargetChart
from tests.conftest import TODAY
from tests.tui_support import SIZE, make_app, open_item, settle, text_of

ANSI = re.compile(r"\x1b\[[0-9;]*m")


async def open_item_28(app, pilot) -> ItemDetailScreen:  # type: ignore[no-untyped-def]
    return await open_item(pilot, app, 28)


@pytest.mark.parametrize(
    ("lang", "flag", "pace", "department"),
    [
        ("zh", "有风险：按当前进度，截止时预计完成71.9%", "近2次填报月均增加3.93处",
         "单位预计：12月底前完成"),
        ("en", "at risk: projected 71.9% at the deadline", "last 2 readings: 3.93 处 a month",
         "department expects it done by the end of December"),
    ],
)  # fmt: skip
async def test_item_detail_flags_a_target_projected_short_of_its_target(
    engine: Engine, lang: str, flag: str, pace: str, department: str
) -> None:
    # 28.1 书亭: 60 in September, 64 of 100 in October (its department says: by December).
    record(engine, target_key="28.1", value="60", as_of="2020-09-30", entered_by="t",
           today=TODAY, confirm=True)  # fmt: skip
    record(engine, target_key="28.1", value="64", as_of="2020-10-31", entered_by="t",
           today=TODAY, confirm=True, forecast="2020-12")  # fmt: skip
    app = make_app(engine, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item_28(app, pilot)
        line = text_of(app, "#chart-forecast")
        assert flag in line and pace in line and department in line
        assert detail.query_one("#chart-forecast").has_class("at-risk")
        chart = detail.query_one("#chart", TargetChart)
        assert chart.projection and chart.projection[-1][1] == pytest.approx(64 + 4 / 31 * 61)
        assert FORECAST_LEGEND in ANSI.sub("", str(chart.render()))
        # 28.2 书屋 has one reading: no projection, and it says why.
        await pilot.press("down")
        await settle(pilot)
        expected = "填报不足两次，暂无研判" if lang == "zh" else "fewer than two readings"
        assert expected in text_of(app, "#chart-forecast")
        assert not detail.query_one("#chart-forecast").has_class("at-risk")
        assert chart.projection == []


async def test_an_achieved_target_says_so_and_draws_no_projection(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item_28(app, pilot)
        await pilot.press("down", "down")  # 28.3 朗读亭: 30 of 30
        await settle(pilot)
        assert text_of(app, "#chart-forecast") == "already achieved"
        assert detail.query_one("#chart", TargetChart).projection == []


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("zh", "按当前进度，预计年底仍有1项难以完成：28.全民阅读设施建设（预计完成71.9%）"),
        ("en", "At the current pace, 1 item will likely not be achieved by the deadline: "
               "28. 全民阅读设施建设 (projected 71.9%)"),
    ],
)  # fmt: skip
async def test_the_attention_board_says_which_items_will_likely_fall_short(
    engine: Engine, lang: str, sentence: str
) -> None:
    from pledgetrack.tui.screens.attention import AttentionScreen

    record(engine, target_key="28.1", value="60", as_of="2020-09-30", entered_by="t",
           today=TODAY, confirm=True)  # fmt: skip
    app = make_app(engine, lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, DashboardScreen) and board.evaluation is not None
        screen = AttentionScreen(board.evaluation)
        await app.push_screen(screen)
        await settle(pilot, until=lambda: screen.forecast is not None)
        assert text_of(app, "#attention-forecast") == sentence
        assert screen.query_one("#attention-forecast").has_class("at-risk")
