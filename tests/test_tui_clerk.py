"""A staff member's and a supervisor's month in the TUI: the entry sheet opens on the
person's own department, other departments are read only and say why, in the UI's
language; single-letter keys do not act while a field takes the keys."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import Checkbox, Input, Select

from pledgetrack.domain.model import Policy
from pledgetrack.services.access import add_user
from pledgetrack.storage.tables import Snapshot
from pledgetrack.tui.app import PledgeApp, create_app
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.entry import EntryScreen
from tests.test_tui_entry import target_ids, type_into
from tests.tui_support import OCTOBER, SIZE, TODAY, notifications, settle, text_of, wait_until

CIVIL = "市民政局"
CULTURE = "市文化和旅游局"
NOVEMBER_END = date(2020, 11, 30)


@pytest.fixture
def staffed(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The sample with an admin, li (staff of 市民政局) and zhang (a supervisor); the
    program runs as li's OS account."""
    add_user(engine, login="zhao", role="admin", display_name="赵敏")
    add_user(engine, login="li", role="staff", department=CIVIL, actor="zhao")
    add_user(engine, login="zhang", role="supervisor", actor="zhao")
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: "li")
    return engine


def app_as_os_account(engine: Engine, lang: str = "zh") -> PledgeApp:
    """The app as `pledgetrack` opens it: the person is the OS account (no --user)."""
    from tests.tui_support import _record_notifications

    app = create_app(engine, lang=lang, policy=Policy(), as_of=OCTOBER, today=TODAY)
    _record_notifications(app)
    return app


async def open_entry(pilot, item: str) -> EntryScreen:  # type: ignore[no-untyped-def]
    """From the dashboard, with item *item* highlighted, press e."""
    await settle(pilot)
    dash = pilot.app.screen
    assert isinstance(dash, DashboardScreen)
    dash.query_one("#search", Input).value = item
    await settle(pilot, until=lambda: dash.query_text == item)
    dash.table.focus()
    await pilot.press("e")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EntryScreen)
    return screen


def snapshots_on(engine: Engine, day: date) -> list[Snapshot]:
    with Session(engine) as session:
        return list(session.exec(select(Snapshot).where(Snapshot.as_of == day)).all())


async def test_staff_sheet_opens_on_own_department_refuses_others_and_saves_own(
    staffed: Engine,
) -> None:
    ids = target_ids(staffed)
    app = app_as_os_account(staffed)
    async with app.run_test(size=SIZE) as pilot:
        # Item 28 (市文化和旅游局) is highlighted, but li's own sheet opens.
        screen = await open_entry(pilot, "28")
        assert screen.department == CIVIL
        assert screen.query_one("#entry-department", Select).value == CIVIL
        assert {row.line.item.no for row in screen.rows()} == {22, 23, 25}
        assert not screen.query_one("#entry-readonly").display

        # Another department's sheet: read only, and it says why, in Chinese.
        screen.query_one("#entry-department", Select).value = CULTURE
        await settle(pilot, until=lambda: screen.sheet is not None and screen.sheet.read_only)
        banner = text_of(app, "#entry-readonly")
        assert screen.query_one("#entry-readonly").display
        assert banner == (
            "只读：li是市民政局的填报人员，只能填报本单位的指标；市文化和旅游局的指标由该单位填报"
        )
        field = screen.query_one(f"#value-{ids['28.1']}", Input)
        before = field.value
        await type_into(pilot, field, "99")
        await settle(pilot)
        assert field.value == before  # nothing typed in
        assert screen.pending() == []
        said = [m for m, severity in notifications(app) if severity == "warning"]
        assert said == [banner]  # once for the field, not once per key
        # A milestone's box is refused too, and ctrl+s saves nothing.
        box = screen.query_one(f"#done-{ids['29.1']}", Checkbox)
        ticked = box.value
        box.focus()
        await pilot.press("space")
        await settle(pilot)
        assert box.value == ticked
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert snapshots_on(staffed, NOVEMBER_END) == []

        # In English, the same reason in English.
        app.lang = "en"
        await settle(pilot)
        assert text_of(app, "#entry-readonly") == (
            "Read only: li enters figures for 市民政局 only; 市文化和旅游局's figures are "
            "entered by its own staff"
        )

        # Back on li's own department: typing and saving work.
        screen.query_one("#entry-department", Select).value = CIVIL
        await settle(pilot, until=lambda: screen.sheet is not None and not screen.sheet.read_only)
        assert not screen.query_one("#entry-readonly").display
        await type_into(pilot, screen.query_one(f"#value-{ids['23.1']}", Input), "17000")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot, until=lambda: isinstance(app.screen, DashboardScreen))
    stored = snapshots_on(staffed, NOVEMBER_END)
    assert [(s.target_id, s.value, s.entered_by) for s in stored] == [(ids["23.1"], 17000, "li")]


async def test_supervisor_sheet_is_read_only_and_says_supervisors_review(
    staffed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: "zhang")
    app = app_as_os_account(staffed, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry(pilot, "28")
        # A supervisor has no department: the highlighted item's sheet, read only.
        assert screen.department == CULTURE
        assert text_of(app, "#entry-readonly") == (
            "Read only: supervisors review figures, they do not enter them; "
            "市文化和旅游局's staff enter them"
        )


async def test_unknown_login_sheet_is_read_only_and_names_the_admins(
    staffed: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pledgetrack.services.access.os_account", lambda: "wang")
    app = app_as_os_account(staffed)
    async with app.run_test(size=SIZE) as pilot:
        await open_entry(pilot, "28")
        assert (
            text_of(app, "#entry-readonly") == "只读：wang不是pledgetrack用户，请管理员（zhao）添加"
        )


async def test_single_user_database_sheet_is_writable(engine: Engine) -> None:
    """Without users anyone may enter: the highlighted item's department, not read only."""
    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry(pilot, "28")
        assert screen.department == CULTURE
        assert screen.sheet is not None and not screen.sheet.read_only
        await wait_until(pilot, lambda: not screen.query_one("#entry-readonly").display)


async def test_last_figure_column_shows_the_day_of_the_figure(engine: Engine) -> None:
    """The 上月 column says which day its figure is of; the help line gives the full date."""
    ids = target_ids(engine)
    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry(pilot, "28")
        row = next(r for r in screen.rows() if r.line.target.key == "28.1")
        assert str(row.query_one(".e-prev").render()) == "64 10/31"
        screen.query_one(f"#value-{ids['28.1']}", Input).focus()
        await settle(pilot)
        assert "上次填报：64（2020年10月31日）" in text_of(app, "#entry-help")


async def test_single_letter_keys_do_not_act_in_fields(engine: Engine) -> None:
    """q and l type into a text field, and do nothing on a box or a drop-down: neither
    quits nor switches the language. ctrl+q still quits."""
    ids = target_ids(engine)
    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry(pilot, "28")
        note = screen.query_one(f"#note-{ids['28.1']}", Input)
        await type_into(pilot, note, "ql")
        await settle(pilot)
        assert note.value == "ql"
        for selector in (f"#done-{ids['29.1']}", "#entry-department", "#entry-month"):
            widget = screen.query_one(selector)
            widget.focus()
            await wait_until(pilot, lambda w=widget: w.has_focus)  # type: ignore[misc]
            await pilot.press("l", "q")
            await settle(pilot)
            assert app.lang == "zh" and app.screen is screen and app.is_running, selector
        # On the dashboard's table l does switch the language.
        screen.query_one(f"#note-{ids['28.1']}", Input).value = ""
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot, until=lambda: isinstance(app.screen, DashboardScreen))
        await pilot.press("l")
        await settle(pilot)
        assert app.lang == "en"
        await pilot.press("ctrl+q")
        await wait_until(pilot, lambda: not app.is_running)


# ---- the supervisor's dashboard --------------------------------------------------


def dashboard(app: PledgeApp) -> DashboardScreen:
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


def heading_labels(screen: DashboardScreen) -> dict[str, str]:
    return {str(c.key.value): c.label.plain for c in screen.table.ordered_columns}


async def test_sorted_column_heading_shows_the_direction(engine: Engine) -> None:
    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        assert not any("▲" in h or "▼" in h for h in heading_labels(screen).values())
        await pilot.press("s", "s", "s", "s")  # number, item, department, completion
        await settle(pilot)
        labels = heading_labels(screen)
        assert labels["completion"] == "完成率 ▲"
        assert [k for k, h in labels.items() if "▲" in h or "▼" in h] == ["completion"]
        await pilot.press("S")
        await settle(pilot)
        assert heading_labels(screen)["completion"] == "完成率 ▼"
        assert "完成率▼" in text_of(app, "#filter")


async def test_departments_and_titles_sort_by_pinyin(engine: Engine) -> None:
    """市城市管理局 (cheng) before 市教育局 (jiao) before 市民政局 (min), as a Chinese
    index has them, whatever their code points."""
    from pledgetrack.domain.names import pinyin_key

    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        screen.sort_column, screen.sort_reverse = "lead", False
        screen.refresh_view()
        await settle(pilot)
        leads = [screen._item(int(k.removeprefix("item-"))).info.lead for k in screen.item_keys()]  # type: ignore[union-attr]
        firsts = list(dict.fromkeys(leads))
        assert firsts.index("市城市管理局") < firsts.index("市教育局") < firsts.index("市民政局")
        assert firsts == sorted(firsts, key=pinyin_key)
        assert firsts != sorted(firsts)  # code point order differs: the test means something
        screen.sort_column = "item"
        screen.refresh_view()
        await settle(pilot)
        titles = [screen._item(int(k.removeprefix("item-"))).info.title for k in screen.item_keys()]  # type: ignore[union-attr]
        assert titles[0] == "安居提升工程"  # an ju
        assert titles == sorted(titles, key=pinyin_key)


async def test_pledge_headings_above_ten_are_whole(engine: Engine) -> None:
    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = dashboard(app).table
        headings = {
            str(key.value): table.get_row(key)[1].plain
            for key in table.rows
            if str(key.value).startswith("pledge-")
        }
        assert headings["pledge-10"].startswith("十、")
        assert headings["pledge-11"].startswith("十一、")
        assert headings["pledge-12"].startswith("十二、")
        # The number column holds no part of it (a 4-cell column cut 十一、 to 十…).
        assert all(
            table.get_row(key)[0].plain == ""
            for key in table.rows
            if str(key.value).startswith("pledge-")
        )


async def test_enter_on_a_pledge_heading_opens_its_first_item(engine: Engine) -> None:
    from pledgetrack.tui.screens.item_detail import ItemDetailScreen

    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = dashboard(app).table
        table.move_cursor(row=table.get_row_index("pledge-3"), animate=False)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot, until=lambda: isinstance(app.screen, ItemDetailScreen))
        screen = app.screen
        assert isinstance(screen, ItemDetailScreen) and screen.row.info.no == 6


async def test_an_empty_filter_result_says_so(engine: Engine) -> None:
    app = app_as_os_account(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = dashboard(app)
        screen.query_one("#search", Input).value = "no such item"
        await settle(pilot, until=lambda: screen.query_text == "no such item")
        assert screen.item_keys() == []
        said = "No item matches (f: status filter, d: department, /: search)"
        assert text_of(app, "#shown") == "0 items shown"
        assert text_of(app, "#context") == said
        screen.query_one("#search", Input).value = ""
        await settle(pilot, until=lambda: len(screen.item_keys()) == 36)
        assert text_of(app, "#shown") == "36 items shown"


async def test_month_steps_say_when_they_reach_the_plan_ends(engine: Engine) -> None:
    app = app_as_os_account(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "n")
        await settle(pilot, until=lambda: app.as_of == date(2020, 12, 31))
        assert notifications(app) == []
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.as_of == date(2020, 12, 31)
        assert notifications(app)[-1][0] == "已是计划的最后一个月（2020年12月31日），不能再往后"
        for _ in range(11):
            await pilot.press("left_square_bracket")
            await settle(pilot)
        assert app.as_of == date(2020, 1, 31)
        assert len(notifications(app)) == 1
        await pilot.press("p")
        await settle(pilot)
        assert app.as_of == date(2020, 1, 31)
        assert notifications(app)[-1][0] == "已是计划的第一个月（2020年1月31日），不能再往前"


async def test_attention_board_names_the_lagging_target_and_gives_the_phone_list(
    engine: Engine,
) -> None:
    from pledgetrack.tui.screens.attention import AttentionScreen
    from pledgetrack.tui.screens.phone_list import PhoneListScreen

    app = app_as_os_account(engine)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot, until=lambda: isinstance(app.screen, AttentionScreen))
        board = app.screen
        assert isinstance(board, AttentionScreen)
        # Worst gap first (30.3 at 0 % of 83.3 %), 18 (13.3 points behind) last.
        assert [r.info.no for r in board.item_rows()] == [30, 15, 26, 28, 8, 18]
        table = board.query_one("#attention")
        lagging = {
            str(key.value): table.get_row(key)[-1].plain  # type: ignore[attr-defined]
            for key in table.rows  # type: ignore[attr-defined]
            if str(key.value).startswith("item-")
        }
        assert lagging["item-18"] == "18.3 农村生活垃圾镇级处置站完工7处，应达8.3处"
        assert lagging["item-28"] == "28.2 书屋10处，应达16.7处"
        assert text_of(app, "#attention-context") == (
            "30. 健身场地设施建设 — 市体育局 · 30.3 健身设施安装0处，应达83.3处"
        )
        # The highlighted item's department, as lines to read out, copied as shown.
        await pilot.press("t")
        await settle(pilot, until=lambda: isinstance(app.screen, PhoneListScreen))
        phone = app.screen
        assert isinstance(phone, PhoneListScreen)
        assert phone.text == (
            "市体育局：截至2020年10月31日，1项需关注\n"
            "1. 第30项 健身场地设施建设（进度滞后）：30.3 健身设施安装0处，应达83.3处；"
            "最近填报：2020年10月31日"
        )
        assert copied == [phone.text]
        await pilot.press("escape")
        await settle(pilot, until=lambda: app.screen is board)
