"""Terminal UI: the attention board and the report preview (pilot tests and snapshots)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.domain.model import Policy, Status
from pledgetrack.reports.text import render_markdown, render_text
from pledgetrack.services.month_report import build_month_report
from pledgetrack.tui.app import PledgeApp
from pledgetrack.tui.screens.attention import AttentionScreen
from pledgetrack.tui.screens.dashboard import DashboardScreen
from pledgetrack.tui.screens.item_detail import ItemDetailScreen
from pledgetrack.tui.screens.report import ReportScreen
from tests.tui_support import (
    OCTOBER,
    SIZE,
    make_app,
    notifications,
    open_save_dialog,
    settle,
    text_of,
)

#: The six behind items of October 2020 with their lead departments.
OCTOBER_BEHIND = {
    8: "市住房城乡建设局",
    15: "市卫生健康委",
    18: "市城市管理局",
    26: "市市场监管局",
    28: "市文化和旅游局",
    30: "市体育局",
}


def attention(app: PledgeApp) -> AttentionScreen:
    screen = app.screen
    assert isinstance(screen, AttentionScreen)
    return screen


def report_screen(app: PledgeApp) -> ReportScreen:
    screen = app.screen
    assert isinstance(screen, ReportScreen)
    return screen


def expected_report(engine: Engine, lang: str, month: date = OCTOBER) -> str:
    return render_text(build_month_report(engine, month=month, policy=Policy()), lang)


# ---- attention board ------------------------------------------------------------


async def test_attention_board_lists_the_behind_items_by_department(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        board = attention(app)
        rows = board.item_rows()
        assert {r.info.no: r.info.lead for r in rows} == OCTOBER_BEHIND
        assert {r.result.status for r in rows} == {Status.BEHIND}
        # one heading per lead department, then its items; worst gap first (the gaps and
        # their order are held in tests/test_attention.py)
        names = [name for name, _ in board.groups]
        assert names == [OCTOBER_BEHIND[no] for no in (30, 15, 26, 28, 8, 18)]
        keys = board.row_keys()
        assert len(keys) == 12
        assert keys[0::2] == [f"dept-{i}" for i in range(6)]
        assert keys[1::2] == [f"item-{r.info.no}" for r in rows]
        table = board.query_one("#attention")
        assert str(table.get_row_at(0)[1]) == "市体育局（1项）"
        assert [str(c) for c in table.get_row_at(1)][:3] == ["30", "健身场地设施建设", "● 进度滞后"]
        # co-operating departments (only 献血屋设置 has one) are said under the table
        table.move_cursor(row=keys.index("item-15"), animate=False)
        await settle(pilot)
        assert "协办单位：市红十字会" in text_of(app, "#attention-context")
        header = text_of(app, "#attention-header")
        assert "2020年10月31日" in header
        assert "共6项，涉及6个牵头单位：进度滞后6项" in text_of(app, "#attention-summary")
        assert not board.query_one("#attention-empty").display


async def test_attention_board_enter_opens_item_and_escape_returns(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        first = attention(app).item_rows()[0]
        await pilot.press("enter")  # the cursor starts on the first item
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ItemDetailScreen)
        assert detail.row.info.no == first.info.no
        await pilot.press("escape")
        await settle(pilot)
        board = attention(app)
        # a heading row opens nothing
        await pilot.press("up", "enter")
        await settle(pilot)
        assert app.screen is board
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_attention_board_follows_the_month_and_language(engine: Engine) -> None:
    app = make_app(engine, as_of=date(2020, 12, 31))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        board = attention(app)
        rows = board.item_rows()
        assert len(rows) == 18
        assert rows[0].result.status is Status.OVERDUE
        await pilot.press("l")
        await settle(pilot)
        assert "as of 2020-12-31" in text_of(app, "#attention-header")
        summary = text_of(app, "#attention-summary")
        assert "overdue 1, not reported 17" in summary
        table = board.query_one("#attention")
        assert str(table.columns["lagging"].label) == "Lagging target"


async def test_attention_board_empty_month(engine: Engine) -> None:
    # A month where nothing needs attention: the October evaluation cut to its achieved items.
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.evaluation is not None
        calm = type(dashboard.evaluation)(
            dashboard.evaluation.structure,
            dashboard.evaluation.as_of,
            tuple(r for r in dashboard.evaluation.items if r.result.status is Status.ACHIEVED),
        )
        await app.push_screen(AttentionScreen(calm))
        await settle(pilot)
        board = attention(app)
        assert board.query_one("#attention-empty").display
        assert not board.query_one("#attention").display
        assert text_of(app, "#attention-empty") == "本月无需关注事项"
        await pilot.press("l")
        await settle(pilot)
        assert text_of(app, "#attention-empty") == "Nothing needs attention this month"


# ---- report preview ---------------------------------------------------------------


async def test_report_screen_shows_the_cli_text_and_toggles_language(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = report_screen(app)
        assert screen.text == expected_report(engine, "zh")
        assert "2020年10月底" in text_of(app, "#report-header")
        report = screen.report
        await pilot.press("l")
        await settle(pilot)
        assert screen.report is report  # re-rendered, not rebuilt
        assert screen.text == expected_report(engine, "en")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_g_groups_the_report_as_bulletins_do_and_back(engine: Engine) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = report_screen(app)
        assert screen.text == expected_report(engine, "zh")
        await pilot.press("g")
        await settle(pilot)
        grouped = build_month_report(engine, month=OCTOBER, policy=Policy(), grouped=True)
        assert screen.text == render_text(grouped, "zh")
        assert "完成全年目标（18项）" in screen.text and "一、" not in screen.text
        await pilot.press("g")
        await settle(pilot)
        assert screen.text == expected_report(engine, "zh")


async def test_report_screen_follows_the_dashboard_month(engine: Engine) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert report_screen(app).text == expected_report(engine, "en", date(2020, 9, 30))


async def test_save_writes_the_rendered_text(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"  # tmp_path holds the database
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_save_dialog(pilot)
        assert dialog.query_one("#save-path").value == "report-2020-10-zh.txt"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        saved = out / "report-2020-10-zh.txt"
        assert saved.read_bytes().decode("utf-8") == expected_report(engine, "zh")
        assert notifications(app)[-1] == (f"已保存：{saved.resolve()}", "information")
        assert [p.name for p in out.iterdir()] == ["report-2020-10-zh.txt"]


async def test_save_markdown_by_extension(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        field = app.screen.query_one("#save-path")
        assert field.value == "report-2020-10-en.txt"
        field.value = "october.md"
        await pilot.press("enter")
        await settle(pilot)
        expected = render_markdown(build_month_report(engine, month=OCTOBER), "en")
        assert (out / "october.md").read_text(encoding="utf-8") == expected


async def test_save_escape_cancels(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        assert list(out.iterdir()) == []


async def test_save_to_a_missing_directory_reports_the_error(
    engine: Engine, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "report.txt"
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#save-path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReportScreen)
        message, severity = notifications(app)[-1]
        assert severity == "error"
        assert str(target) in message and "目录不存在" in message
        assert not target.parent.exists()
        assert not any("report" in p.name for p in tmp_path.rglob("*"))


# ---- snapshots ------------------------------------------------------------------------


async def _open(pilot, key: str) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press(key)
    await settle(pilot)


async def _open_attention(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, "a")


async def _open_report(pilot) -> None:  # type: ignore[no-untyped-def]
    await _open(pilot, "r")


def test_attention_snapshot(snap_compare, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(engine), terminal_size=SIZE, run_before=_open_attention)


def test_attention_december_snapshot(snap_compare, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    app = make_app(engine, as_of=date(2020, 12, 31))
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_attention)


def test_report_snapshot(snap_compare, engine: Engine) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(engine), terminal_size=SIZE, run_before=_open_report)


async def test_scorecard_lists_every_department_and_enter_filters_the_dashboard(
    engine: Engine,
) -> None:
    from pledgetrack.tui.screens.dashboard import DashboardScreen
    from pledgetrack.tui.screens.scorecard import ScorecardScreen

    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ScorecardScreen) and screen.report is not None
        table = screen.query_one("#scorecard")
        expected = build_month_report(engine, month=OCTOBER, policy=Policy())
        assert [str(k.value) for k in table.rows] == [d.name for d in expected.departments]
        first = [str(c) for c in table.get_row_at(0)]
        assert first[:3] == ["市人力资源社会保障局", "2", "2"]
        assert "2020年11月5日" in text_of(app, "#score-note")
        await pilot.press("down", "down", "enter")  # 市教育局
        await settle(pilot)
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        assert dashboard.department_filter == "市教育局"
        assert dashboard.item_keys() == ["item-4", "item-5"]
