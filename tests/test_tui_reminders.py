"""The dashboard's reminder line (issue 17 §3): the days left to the reporting day of the
month being collected on the shown date, or how late it is, and the departments still
missing; `m` lists them with their targets as `pledgetrack remind` prints them."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from pledgetrack.domain.model import Policy
from pledgetrack.reports.reminder_text import reminder_lines
from pledgetrack.services.remind import build_reminders
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.phone_list import PhoneListScreen
from tests.tui_support import SIZE, make_app, settle, text_of


async def test_a_month_fully_reported_says_so_and_names_no_lateness(engine: Engine) -> None:
    app = make_app(engine)  # 2020-10-31: September's figures were due 2020-10-05
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app, "#reminder") == ("2020年9月进展：2020年10月5日截止 · 已全部报送")


async def test_before_the_reporting_day_a_reported_month_says_its_day(engine: Engine) -> None:
    app = make_app(engine, lang="en", as_of=date(2020, 11, 3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        line = text_of(app, "#reminder")
        assert line.startswith("October 2020 progress: ")
        assert line == "October 2020 progress: due 2020-11-05 · all reported"


async def test_the_departments_still_missing_are_named_and_listed_on_m(engine: Engine) -> None:
    may = date(2020, 5, 31)
    expected = build_reminders(engine, on=may, policy=Policy())
    assert expected.departments  # the sample's May: figures for April still missing
    app = make_app(engine, as_of=may)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = "、".join(d.department for d in expected.departments)
        assert text_of(app, "#reminder") == (
            f"2020年4月进展：{len(expected.departments)}个单位未报"
            f"（2020年5月5日截止，已逾期26天；m 查看）：{names}"
        )
        await pilot.press("m")
        await settle(pilot, until=lambda: isinstance(app.screen, PhoneListScreen))
        listing = app.screen
        assert isinstance(listing, PhoneListScreen)
        # The same lines as `pledgetrack remind --as-of 2020-05-31`, ready to send.
        assert listing.text == "\n".join(reminder_lines(expected, "zh"))
        first = expected.departments[0]
        assert f"{first.department}：{len(first.targets)}项指标未报送2020年4月进展" in listing.text
        assert copied == [listing.text]
        await pilot.press("escape")
        await settle(pilot, until=lambda: isinstance(app.screen, DashboardScreen))


async def test_a_month_step_moves_the_line_to_the_month_collected_then(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot, until=lambda: app.as_of == date(2020, 9, 30))
        assert text_of(app, "#reminder").startswith("August 2020 progress: ")
        await pilot.press("l")  # the line follows the language
        await settle(pilot)
        assert text_of(app, "#reminder").startswith("2020年8月进展：")


async def test_units_that_owe_their_shares_are_named_in_the_line(engine: Engine) -> None:
    from pledgetrack.services.breakdown import ShareSpec, set_breakdown

    set_breakdown(engine, target_key="3.4", rule="sum",
                  shares=[ShareSpec("市南区", 60, "区市"), ShareSpec("市北区", 40, "区市")])  # fmt: skip
    november = date(2020, 11, 3)  # October's figures: nothing from the districts yet
    expected = build_reminders(engine, on=november, policy=Policy())
    assert [d.department for d in expected.departments][-2:] == ["市南区", "市北区"]
    app = make_app(engine, as_of=november)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app, "#reminder").endswith(
            "、".join(d.department for d in expected.departments)
        )
        assert "市南区、市北区" in text_of(app, "#reminder")
