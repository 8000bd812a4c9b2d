"""A supervisor reviews at the terminal (v): the figures waiting for review, approved (a)
or returned with a reason (r); who may review is the services' to say, and a refusal is
said in the UI's language; the list refreshes after each review and says when it is empty."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from rich.cells import cell_len
from sqlalchemy import text
from sqlalchemy.engine import Engine
from textual.geometry import Region
from textual.widgets import Checkbox, Input, OptionList
from textual.widgets._footer import FooterKey

from pledgetrack.domain.model import Policy
from pledgetrack.services.access import add_user
from pledgetrack.services.evidence import EvidenceFile, attach_evidence
from pledgetrack.services.progress import record
from pledgetrack.services.review import (
    MISSING_EVIDENCE,
    returned_for_missing_evidence,
    review_list,
)
from pledgetrack.services.sample import load_sample
from pledgetrack.tui.app import PledgeApp, create_app
from pledgetrack.tui.screens.pick import PickScreen
from pledgetrack.tui.screens.return_reason import ReturnReasonScreen
from pledgetrack.tui.screens.review import ReviewScreen
from pledgetrack.tui.widgets.fitted_table import CELL_PADDING
from tests.backends import BOTH, empty_database
from tests.conftest import DATA
from tests.tui_support import (
    OCTOBER,
    SIZE,
    TODAY,
    _record_notifications,
    notifications,
    settle,
    text_of,
)

CULTURE = "市文化和旅游局"
CIVIL = "市民政局"
#: A department name that would be markup, were it read as markup.
MARKED = "[i]文旅[/i]局"
NOVEMBER = date(2020, 11, 30)
NARROW = (80, 24)


@contextmanager
def figures_to_review(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The sample with people (zhao admin, li staff of 市文化和旅游局, zhang supervisor)
    and two November figures li entered, waiting for review: 28.1 with a photo attached,
    28.2 without evidence."""
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        add_user(engine, login="zhao", role="admin", actor="zhao")
        add_user(engine, login="li", role="staff", department=CULTURE, actor="zhao")
        add_user(engine, login="zhang", role="supervisor", actor="zhao")
        put(engine, "28.1", "100", note="书亭全部建成")
        put(engine, "28.2", "20")
        photo = b"photo of the kiosks"
        attach_evidence(
            engine,
            target_key="28.1",
            as_of=NOVEMBER,
            actor="li",
            files=[
                EvidenceFile("照片.jpg", photo, hashlib.sha256(photo).hexdigest(), "image/jpeg")
            ],
        )
        yield engine


@pytest.fixture
def shared(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """`figures_to_review` on each engine (the tests of the services' rules)."""
    with figures_to_review(backend, tmp_path) as engine:
        yield engine


@pytest.fixture
def sample_shared(tmp_path: Path) -> Iterator[Engine]:
    """`figures_to_review` on SQLite (pictures, text and layout, not the engines' rules)."""
    with figures_to_review("sqlite", tmp_path) as engine:
        yield engine


def put(engine: Engine, key: str, value: str, note: str = "", by: str = "li") -> None:
    record(engine, target_key=key, value=value, as_of=NOVEMBER, note=note, entered_by=by,
           actor=by, today=TODAY)  # fmt: skip


def app_as(engine: Engine, login: str, lang: str = "zh") -> PledgeApp:
    app = create_app(engine, lang=lang, policy=Policy(), as_of=OCTOBER, today=TODAY, user=login)
    _record_notifications(app)
    return app


async def open_review(pilot) -> ReviewScreen:  # type: ignore[no-untyped-def]
    """From the dashboard, press v: the figures waiting for review, loaded."""
    await settle(pilot)
    await pilot.press("v")
    await settle(pilot, until=lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def waiting(engine: Engine) -> list[str]:
    return [line.target.key for line in review_list(engine, states=("submitted",))]


def reviewed(engine: Engine, state: str) -> list[tuple[str, str, str]]:
    """(target, reviewer, comment) of the figures in *state*, entered by li."""
    return [
        (line.target.key, line.reading.review.reviewed_by, line.comment)  # type: ignore[union-attr]
        for line in review_list(engine, states=(state,))
        if line.reading.entered_by == "li"
    ]


def key_of(screen: ReviewScreen, target: str) -> str:
    assert screen.board is not None
    return next(str(ln.reading.id) for ln in screen.board.lines if ln.target.key == target)


# ---- approving, returning --------------------------------------------------------------


@BOTH
async def test_a_supervisor_approves_the_highlighted_figure_and_the_list_refreshes(
    shared: Engine,
) -> None:
    app = app_as(shared, "zhang")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.row_keys() == [key_of(screen, "28.1"), key_of(screen, "28.2")]
        assert text_of(app, "#review-summary") == "全部单位 · 待审核2条"
        row = [str(c) for c in screen.table.get_row_at(0)]
        assert row[:2] == ["28.1", "书亭"] and "100处" in row
        assert "📎1 照片.jpg" in row and "书亭全部建成" in row and "li" in row
        assert "无" in [str(c) for c in screen.table.get_row_at(1)]  # 28.2: no evidence
        assert text_of(app, "#review-context").splitlines()[1] == "书亭全部建成 · 照片.jpg"

        await pilot.press("a")
        await settle(pilot)
        assert reviewed(shared, "approved") == [("28.1", "zhang", "")]
        assert waiting(shared) == ["28.2"]
        assert screen.row_keys() == [key_of(screen, "28.2")]
        assert text_of(app, "#review-summary") == "全部单位 · 待审核1条"
        assert notifications(app)[-1] == ("已通过：28.1（2020年11月30日）", "information")


@BOTH
async def test_a_return_needs_a_reason_and_keeps_it(shared: Engine) -> None:
    app = app_as(shared, "zhang")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("r")
        await settle(pilot, until=lambda: isinstance(app.screen, ReturnReasonScreen))
        dialog = app.screen
        assert text_of(app, "#return-title") == "退回 28.1 书亭（2020年11月30日）"
        # No reason: refused, as the command line refuses it; the dialog stays, nothing stored.
        await pilot.press("enter")
        await settle(pilot, until=lambda: dialog.query_one("#return-message").display)
        assert app.screen is dialog
        assert text_of(app, "#return-message") == "退回须填写原因，说明需要更正或补充什么"
        await pilot.press("space", "space", "enter")  # blanks are no reason either
        await settle(pilot)
        assert app.screen is dialog and reviewed(shared, "returned") == []
        # Escape leaves the dialog, nothing returned.
        await pilot.press("escape")
        await settle(pilot, until=lambda: app.screen is screen)
        assert reviewed(shared, "returned") == [] and len(screen.row_keys()) == 2

        await pilot.press("r")
        await settle(pilot, until=lambda: isinstance(app.screen, ReturnReasonScreen))
        app.screen.query_one("#return-reason", Input).value = "请附书亭清单"
        await pilot.press("enter")
        await settle(pilot, until=lambda: app.screen is screen)
        await settle(pilot)
        assert reviewed(shared, "returned") == [("28.1", "zhang", "请附书亭清单")]
        assert screen.row_keys() == [key_of(screen, "28.2")]
        assert notifications(app)[-1] == (
            "已退回：28.1（2020年11月30日），请附书亭清单",
            "information",
        )

        # For want of evidence: the box alone is a reason, the standard comment.
        await pilot.press("r")
        await settle(pilot, until=lambda: isinstance(app.screen, ReturnReasonScreen))
        app.screen.query_one("#return-missing-evidence", Checkbox).value = True
        app.screen.query_one("#return-reason", Input).focus()
        await pilot.press("enter")
        await settle(pilot, until=lambda: app.screen is screen)
        await settle(pilot)
        returned = dict((key, comment) for key, _by, comment in reviewed(shared, "returned"))
        assert returned["28.2"] == MISSING_EVIDENCE
        assert returned_for_missing_evidence(returned["28.2"])
        assert screen.row_keys() == []


@BOTH
async def test_staff_may_not_review_and_the_service_says_so_in_the_ui_language(
    shared: Engine,
) -> None:
    app = app_as(shared, "li")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert notifications(app)[-1] == (
            "未审核：li无审核权限，只有督查人员（zhang）和管理员（zhao）可以审核数据",
            "error",
        )
        # A return is refused by the service too, after the reason is typed.
        await pilot.press("r")
        await settle(pilot, until=lambda: isinstance(app.screen, ReturnReasonScreen))
        app.screen.query_one("#return-reason", Input).value = "自己退回"
        await pilot.press("enter")
        await settle(pilot, until=lambda: app.screen is screen)
        await settle(pilot)
        app.lang = "en"
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert notifications(app)[-1] == (
            "Not reviewed: li may not approve or return figures; only supervisors (zhang) "
            "and admins (zhao) review figures",
            "error",
        )
        assert [m for m, severity in notifications(app) if severity == "error"][1].startswith(
            "未审核：li无审核权限"
        )
        assert reviewed(shared, "approved") == reviewed(shared, "returned") == []
        assert waiting(shared) == ["28.1", "28.2"]
        assert len(screen.row_keys()) == 2


@BOTH
async def test_nobody_reviews_a_figure_they_entered(shared: Engine) -> None:
    put(shared, "28.3", "31", by="zhao")  # an admin may enter figures, not review them
    app = app_as(shared, "zhao")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        table = screen.table
        table.move_cursor(row=screen.row_keys().index(key_of(screen, "28.3")), animate=False)
        await pilot.press("a")
        await settle(pilot)
        assert notifications(app)[-1] == (
            "未审核：28.3（2020年11月30日）由zhao填报，本人填报的数据须由其他督查人员或管理员审核"
            "（管理员亦然）",
            "error",
        )
        assert "28.3" in waiting(shared)
        # Another's figure: the admin approves it.
        table.move_cursor(row=0, animate=False)
        await pilot.press("a")
        await settle(pilot)
        assert reviewed(shared, "approved") == [("28.1", "zhao", "")]


@BOTH
async def test_the_list_empties_and_says_so(shared: Engine) -> None:
    app = app_as(shared, "zhang")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert not screen.query_one("#review-empty").display
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert waiting(shared) == [] and screen.row_keys() == []
        assert screen.query_one("#review-empty").display
        assert not screen.table.display
        assert text_of(app, "#review-empty") == "没有待审核的数据"
        assert text_of(app, "#review-summary") == "全部单位 · 待审核0条"
        said = len(notifications(app))
        await pilot.press("a")  # nothing to approve: it says so, and nothing is sent
        await settle(pilot)
        assert notifications(app)[said:] == [("没有待审核的数据", "information")]
        app.lang = "en"
        await settle(pilot)
        assert text_of(app, "#review-empty") == "No figures are waiting for review"


# ---- one department, text, layout --------------------------------------------------------


async def test_the_list_shows_one_department(sample_shared: Engine) -> None:
    app = app_as(sample_shared, "zhang")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(*CIVIL, "enter")
        await settle(pilot, until=lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot)
        assert screen.department == CIVIL and screen.row_keys() == []
        assert text_of(app, "#review-empty") == "市民政局没有待审核的数据"
        await pilot.press("d")
        await settle(pilot)
        await pilot.press(*"文化和旅游", "enter")
        await settle(pilot, until=lambda: isinstance(app.screen, ReviewScreen))
        await settle(pilot)
        assert screen.department == CULTURE and len(screen.row_keys()) == 2
        assert text_of(app, "#review-summary") == "市文化和旅游局 · 待审核2条"


async def test_the_palette_opens_the_review(sample_shared: Engine) -> None:
    from tests.test_tui import palette_offers

    app = app_as(sample_shared, "zhang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"审核数据")
        await settle(pilot, until=palette_offers(app, "审核数据"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)


async def test_titles_and_notes_are_shown_as_typed_never_as_markup(
    sample_shared: Engine,
) -> None:
    with sample_shared.begin() as conn:
        conn.execute(text("UPDATE item SET title = '[b]城市书房[/b]' WHERE no = 28"))
        conn.execute(text("UPDATE department SET name = :marked WHERE name = :culture"),
                     {"marked": MARKED, "culture": CULTURE})  # fmt: skip
    put(sample_shared, "28.3", "2", note="[red]已建成[/red] [link=x]")
    app = app_as(sample_shared, "zhang", lang="en")
    async with app.run_test(size=(160, 40)) as pilot:
        screen = await open_review(pilot)
        row = screen.row_keys().index(key_of(screen, "28.3"))
        cells = [str(c) for c in screen.table.get_row_at(row)]
        assert "28. [b]城市书房[/b]" in cells and "[red]已建成[/red] [link=x]" in cells
        screen.table.move_cursor(row=row, animate=False)
        await settle(pilot)
        assert text_of(app, "#review-context").splitlines() == [
            f"28. [b]城市书房[/b] — {MARKED} · entered by li",
            "[red]已建成[/red] [link=x]",
        ]
        # The department picker shows the name as typed too.
        await pilot.press("d")
        await settle(pilot, until=lambda: isinstance(app.screen, PickScreen))
        await pilot.press(*"[i]", "enter")
        await settle(pilot, until=lambda: app.screen is screen)
        await settle(pilot)
        assert screen.department == MARKED and len(screen.row_keys()) == 3
        await pilot.press("d")
        await settle(pilot, until=lambda: isinstance(app.screen, PickScreen))
        pick = app.screen
        assert isinstance(pick, PickScreen)
        await pilot.press(*"文旅")
        await settle(pilot, until=lambda: len(pick.shown) == 1)
        options = pick.query_one(OptionList)
        drawn = "".join(
            segment.text
            for strip in options.render_lines(Region(0, 0, options.size.width, options.size.height))
            for segment in strip
        )
        assert MARKED in drawn


LONG_NOTE = "书亭全部建成并投入使用，其中市南区12处、市北区15处、李沧区9处，均已验收"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_at_80_columns_the_figure_its_date_evidence_and_note_stay(
    sample_shared: Engine, lang: str
) -> None:
    put(sample_shared, "28.3", "36", note=LONG_NOTE)
    app = app_as(sample_shared, "zhang", lang=lang)
    async with app.run_test(size=NARROW) as pilot:
        screen = await open_review(pilot)
        table = screen.table
        assert {"key", "name", "value", "date", "evidence", "note"} <= table.widths.keys()
        assert "item" not in table.widths
        used = sum(w + CELL_PADDING for w in table.widths.values())
        assert used <= table.size.width - table.styles.scrollbar_size_vertical
        assert table.max_scroll_x == 0
        # The long note is cut in its column, and whole under the table with the item's
        # title, which left the table.
        row = screen.row_keys().index(key_of(screen, "28.3"))
        assert table.widths["note"] < cell_len(LONG_NOTE)
        table.move_cursor(row=row, animate=False)
        await settle(pilot)
        context = text_of(app, "#review-context").splitlines()
        assert context[0].startswith("28. 全民阅读设施建设 — 市文化和旅游局")
        assert screen.query_one("#review-context").region.right <= NARROW[0]
        shown = {k.action: k for k in screen.query(FooterKey) if k.display}
        for action in ("approve", "return_figure", "department", "back"):
            assert action in shown and shown[action].region.right <= NARROW[0], action


# ---- pictures ------------------------------------------------------------------------------


async def _open_review(pilot) -> None:  # type: ignore[no-untyped-def]
    await open_review(pilot)
    await settle(pilot)


def test_review_snapshot_80x24_zh(snap_compare, sample_shared: Engine) -> None:  # type: ignore[no-untyped-def]
    app = app_as(sample_shared, "zhang", lang="zh")
    assert snap_compare(app, terminal_size=NARROW, run_before=_open_review)


def test_review_snapshot_120x40_en(snap_compare, sample_shared: Engine) -> None:  # type: ignore[no-untyped-def]
    app = app_as(sample_shared, "zhang", lang="en")
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_review)


def test_a_figure_stored_for_someone_else_is_refused_in_the_uis_words() -> None:
    """An admin who stored a figure for a clerk (--user) does not review it: the
    refusal names both, in Chinese without an English "for"."""
    from datetime import date

    from pledgetrack.services.review import ReviewRefused
    from pledgetrack.tui.refusals import review_refusal_text

    refused = ReviewRefused("x", reason="own", key="28.1", as_of=date(2020, 11, 30), by="li",
                            recorder="zhao")  # fmt: skip
    assert "由zhao代li填报" in review_refusal_text(refused, "zh")
    assert "was entered by zhao for li" in review_refusal_text(refused, "en")
    alone = ReviewRefused("x", reason="own", key="28.1", as_of=date(2020, 11, 30), by="li",
                          recorder=None)  # fmt: skip
    assert "由li填报" in review_refusal_text(alone, "zh")
