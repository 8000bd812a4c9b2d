"""The TUI shows a split target's units under it (item detail) and the units' scorecard."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from pledgetrack.services.breakdown import ShareSpec, set_breakdown
from pledgetrack.services.progress import record
from pledgetrack.tui.screens.scorecard import ScorecardScreen
from pledgetrack.tui.screens.unit_scorecard import UnitScorecardScreen
from pledgetrack.tui.widgets.fitted_table import FittedTable
from tests.conftest import TODAY
from tests.tui_support import SIZE, make_app, open_item, settle, text_of, wait_until

OCTOBER = date(2020, 10, 31)


def split_3_4(engine: Engine) -> None:
    """3.4 寒暑假爱心托管驿站 (100 处) split to three districts, two of them reporting."""
    shares = [ShareSpec("市南区", 40, "区市"), ShareSpec("市北区", 35, "区市"),
              ShareSpec("崂山区", 25, "区市")]  # fmt: skip
    set_breakdown(engine, target_key="3.4", rule="sum", shares=shares)
    for key, value in (("3.4/市南区", "40"), ("3.4/市北区", "20")):
        record(engine, target_key=key, value=value, as_of=OCTOBER, entered_by="x", today=TODAY)


def rows(table: FittedTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_item_detail_shows_a_split_targets_units(engine: Engine) -> None:
    split_3_4(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item(pilot, app, 3)
        units = detail.query_one("#units", FittedTable)
        assert not units.display  # 3.1 is not split
        for _ in range(3):
            await pilot.press("down")
        await wait_until(pilot, lambda: units.display and units.row_count == 3)
        assert text_of(app, "#units-title") == "3.4 分解到3个单位（合计为各单位之和）"
        shown = rows(units)
        assert shown[0][:4] == ["市南区", "40", "40", "100%"]
        assert shown[1][:4] == ["市北区", "35", "20", "57.1%"]
        assert shown[2][:3] == ["崂山区", "25", "—"]
        targets = rows(detail.query_one("#targets", FittedTable))
        assert next(r for r in targets if r[0] == "3.4")[3] == "60"  # the units' total
        # Its history says whose figures these are (not the person who saved a unit's).
        assert text_of(app, "#history-title").startswith(
            "3.4 寒暑假爱心托管驿站 填报记录（分解后为各单位之和"
        )
        await pilot.press("up")
        await wait_until(pilot, lambda: not units.display)
        assert text_of(app, "#history-title") == "3.3 职工心理健康服务站点 填报记录"


async def test_the_unit_scorecard_lists_each_units_shares(engine: Engine) -> None:
    split_3_4(engine)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ScorecardScreen)
                         and app.screen.report is not None)  # fmt: skip
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, UnitScorecardScreen))
        await settle(pilot)
        table = app.screen.query_one("#unit-scorecard", FittedTable)
        assert [r[:7] for r in rows(table)] == [
            ["市南区", "区市", "1", "1", "0", "0", "100%"],
            ["市北区", "区市", "1", "0", "1", "0", "57.1%"],
            ["崂山区", "区市", "1", "0", "0", "1", "—"],
        ]
        assert "各区市（单位）分解任务完成情况" in text_of(app, "#units-header")
        await pilot.press("l")
        await settle(pilot)
        assert "units' shares as of" in text_of(app, "#units-header")


async def test_a_units_staff_open_the_entry_screen_on_their_units_shares(engine: Engine) -> None:
    from pledgetrack.domain.model import Policy
    from pledgetrack.services.access import add_user
    from pledgetrack.tui.app import create_app
    from pledgetrack.tui.screens.entry import EntryScreen

    split_3_4(engine)
    add_user(engine, login="zhao", role="admin", actor="whoever")
    add_user(engine, login="nan", role="staff", department="市南区", actor="zhao")
    app = create_app(engine, lang="zh", policy=Policy(), as_of=OCTOBER, today=TODAY, user="nan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, EntryScreen)
                         and app.screen.sheet is not None)  # fmt: skip
        await settle(pilot)
        sheet = app.screen.sheet
        assert sheet is not None and sheet.department == "市南区" and not sheet.read_only
        assert [line.target.key for line in sheet.lines] == ["3.4/市南区"]
