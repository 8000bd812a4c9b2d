"""Review: submitted → approved or returned with a comment; reports from approved figures only."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.services.access import add_user
from pledgetrack.services.entry import load_sheet
from pledgetrack.services.month_report import build_month_report
from pledgetrack.services.progress import record
from pledgetrack.services.review import ReviewRefused, review, review_list
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import load_structure, target_history
from tests.backends import BOTH, empty_database
from tests.conftest import DATA, TODAY

CULTURE = "市文化和旅游局"
NOVEMBER = date(2020, 11, 30)
OCTOBER = date(2020, 10, 31)


@pytest.fixture
def shared(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """The sample with people: zhao admin, li staff of 市文化和旅游局, zhang supervisor."""
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        add_user(engine, login="zhao", role="admin", actor="zhao")
        add_user(engine, login="li", role="staff", department=CULTURE, actor="zhao")
        add_user(engine, login="zhang", role="supervisor", actor="zhao")
        yield engine


def put(engine: Engine, key: str, value: str, note: str = "", by: str = "li") -> None:
    record(engine, target_key=key, value=value, as_of=NOVEMBER, note=note, entered_by=by,
           today=TODAY)  # fmt: skip


def target_line(engine: Engine, key: str, *, approved_only: bool):
    report = build_month_report(engine, month=NOVEMBER, approved_only=approved_only)
    return next(
        t
        for section in report.pledges
        for item in section.items
        for t in item.targets
        if t.key == key
    )


def ids(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {t.key: t.id for t in load_structure(session=session).targets()}


# ---- the shipped sample ------------------------------------------------------------------


@BOTH
def test_the_sample_figures_are_approved_as_published(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        assert review_list(engine) == []
        approved = review_list(engine, states=("approved",))
        assert len(approved) == 91
        assert {(line.reading.review.reviewed_by, line.comment) for line in approved} == {  # type: ignore[union-attr]
            ("市政府办公厅", "2020年10月通报")
        }
        everything = build_month_report(engine, month=OCTOBER)
        official = build_month_report(engine, month=OCTOBER, approved_only=True)
        assert official.achieved == everything.achieved and len(official.achieved) == 18


def test_the_shipped_database_has_the_approvals(engine: Engine) -> None:
    approved = review_list(engine, states=("approved",))
    assert len(approved) == 91 and all(line.comment == "2020年10月通报" for line in approved)


# ---- the flow ------------------------------------------------------------------------------


@BOTH
def test_submitted_figures_are_approved_or_returned_with_a_comment(shared: Engine) -> None:
    put(shared, "28.1", "100", note="书亭全部建成")
    put(shared, "28.2", "20")
    queue = review_list(shared, department=CULTURE)
    assert [(line.target.key, line.state) for line in queue] == [
        ("28.1", "submitted"),
        ("28.2", "submitted"),
    ]
    with pytest.raises(ReviewRefused, match="needs a comment"):
        review(shared, decision="returned", target_key="28.1", as_of=NOVEMBER, actor="zhang")
    review(shared, decision="returned", comment="请附书亭清单", target_key="28.1",
           as_of=NOVEMBER, actor="zhang")  # fmt: skip
    review(shared, decision="approved", target_key="28.2", as_of=NOVEMBER, actor="zhang")
    with pytest.raises(ReviewRefused, match="already approved by zhang"):
        review(shared, decision="approved", target_key="28.2", as_of=NOVEMBER, actor="zhang")

    # Staff see what came back and why.
    returned = review_list(shared, department=CULTURE, states=("returned",))
    assert [(line.target.key, line.comment) for line in returned] == [("28.1", "请附书亭清单")]
    sheet = load_sheet(shared, department=CULTURE, month=NOVEMBER, today=TODAY)
    by_key = {line.target.key: line for line in sheet.lines}
    assert by_key["28.1"].review is not None
    assert (by_key["28.1"].review.decision, by_key["28.1"].review.comment) == (
        "returned",
        "请附书亭清单",
    )
    assert by_key["28.2"].review is not None and by_key["28.2"].review.decision == "approved"
    assert by_key["28.3"].review is None  # nothing entered this month

    # The correction is a new submitted reading; the returned one stays in the history.
    put(shared, "28.1", "98", note="清单已附")
    assert [(line.target.key, line.state, line.reading.value) for line in
            review_list(shared, department=CULTURE)] == [("28.1", "submitted", 98.0)]  # fmt: skip
    with Session(shared) as session:
        history = target_history(session=session, target_id=ids(shared)["28.1"])
    assert [(h.value, h.superseded, h.review.decision if h.review else None) for h in history] == [
        (64.0, False, "approved"),
        (100.0, True, "returned"),
        (98.0, False, None),
    ]
    with pytest.raises(ReviewRefused, match="was corrected by reading"):
        review(shared, decision="approved", snapshot_id=history[1].id, actor="zhang")
    done = review(shared, decision="approved", snapshot_id=history[2].id, actor="zhang")
    assert (done.key, done.previous, done.decision) == ("28.1", "submitted", "approved")
    assert review_list(shared, department=CULTURE) == []


@BOTH
def test_a_figure_to_review_must_exist(shared: Engine) -> None:
    with pytest.raises(ReviewRefused, match=r"no reading of 28\.1 dated 2020-11-30 \(its "
                       r"readings: 2020-10-31\)"):  # fmt: skip
        review(shared, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="zhang")
    with pytest.raises(ReviewRefused, match=r"no target '99\.9'"):
        review(shared, decision="approved", target_key="99.9", as_of=NOVEMBER, actor="zhang")
    with pytest.raises(ReviewRefused, match="no reading with id 999999"):
        review(shared, decision="approved", snapshot_id=999999, actor="zhang")
    with pytest.raises(ReviewRefused, match="no items for department"):
        review_list(shared, department="市不存在局")


@BOTH
def test_reports_from_approved_figures_only(shared: Engine) -> None:
    put(shared, "28.1", "100")
    # All figures: November's submitted 100; approved only: October's published 64.
    assert target_line(shared, "28.1", approved_only=False).value == 100.0
    assert target_line(shared, "28.1", approved_only=True).value == 64.0
    review(shared, decision="returned", comment="核实", target_key="28.1", as_of=NOVEMBER,
           actor="zhang")  # fmt: skip
    assert target_line(shared, "28.1", approved_only=True).value == 64.0
    put(shared, "28.1", "99")
    review(shared, decision="approved", target_key="28.1", as_of=NOVEMBER, actor="zhang")
    assert target_line(shared, "28.1", approved_only=True).value == 99.0
    # A supervisor may change their mind: returned after approval, the October figure counts.
    review(shared, decision="returned", comment="再核", target_key="28.1", as_of=NOVEMBER,
           actor="zhang")  # fmt: skip
    assert target_line(shared, "28.1", approved_only=True).value == 64.0


@BOTH
def test_the_approved_query_is_one_statement_on_either_form(shared: Engine) -> None:
    put(shared, "28.1", "100")
    put(shared, "28.2", "20")
    review(shared, decision="approved", target_key="28.2", as_of=NOVEMBER, actor="zhang")
    target = ids(shared)
    with Session(shared) as session:
        plan_id = load_structure(session=session).id
        forms = ["generic"] + (["distinct_on"] if shared.dialect.name == "postgresql" else [])
        for form in forms:
            approved = latest_readings(
                session=session, plan_id=plan_id, on=NOVEMBER, form=form, approved_only=True
            )
            assert approved[target["28.1"]].value == 64.0
            assert approved[target["28.2"]].value == 20.0
        auto = latest_readings(session=session, plan_id=plan_id, on=NOVEMBER, approved_only=True)
        assert auto == approved
        everything = latest_readings(session=session, plan_id=plan_id, on=NOVEMBER)
        assert everything[target["28.1"]].value == 100.0
        assert len(approved) == len(everything) == 91


# ---- the command line ------------------------------------------------------------------------

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return str(copy)


def run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def test_cli_review_list_approve_return(db: str) -> None:
    assert run(db, "record", "28.1", "100", "--as-of", "2020-11-30").exit_code == 0
    assert run(db, "record", "28.2", "20", "--as-of", "2020-11-30").exit_code == 0
    result = run(db, "review", "list", "--department", CULTURE, "--json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert [(r["target"], r["status"], r["value"]) for r in listed] == [
        ("28.1", "submitted", 100.0),
        ("28.2", "submitted", 20.0),
    ]
    result = run(db, "review", "return", "28.1", "--as-of", "2020-11")
    assert result.exit_code == 2 and "needs a comment" in result.output
    result = run(db, "review", "return", "28.1", "--as-of", "2020-11", "--comment", "请附清单")
    assert result.exit_code == 0, result.output
    assert "28.1 (2020-11-30) returned: 请附清单" in result.stdout
    result = run(db, "review", "approve", "--id", str(listed[1]["id"]))
    assert result.exit_code == 0 and "28.2 (2020-11-30) approved" in result.stdout
    result = run(db, "review", "list", "--status", "returned")
    assert result.exit_code == 0 and "请附清单" in result.stdout and "28.2" not in result.stdout
    assert "no figures submitted" in run(db, "review", "list", "--status", "submitted").stdout
    assert len(json.loads(run(db, "review", "list", "--status", "all", "--json").stdout)) == 93
    result = run(db, "review", "approve", "28.1")
    assert result.exit_code == 2 and "TARGET --as-of DATE, or --id N" in result.output


def test_cli_report_and_status_from_approved_figures(db: str) -> None:
    assert run(db, "record", "28.1", "100", "--as-of", "2020-11-30").exit_code == 0
    assert run(db, "record", "28.2", "20", "--as-of", "2020-11-30").exit_code == 0
    everything = run(db, "report", "--month", "2020-11", "--lang", "en")
    approved = run(db, "report", "--month", "2020-11", "--lang", "en", "--approved-only")
    assert everything.exit_code == approved.exit_code == 0
    assert everything.stdout != approved.stdout
    assert "20 of the annual target" not in approved.stdout

    def item_28(*extra: str) -> str:
        result = run(db, "status", "--as-of", "2020-11-30", "--json", *extra)
        return next(i for i in json.loads(result.stdout)["items"] if i["no"] == 28)["status"]

    assert item_28() == "achieved"
    assert item_28("--approved-only") != "achieved"
    assert run(db, "review", "approve", "28.1", "--as-of", "2020-11-30").exit_code == 0
    assert run(db, "review", "approve", "28.2", "--as-of", "2020-11-30").exit_code == 0
    assert item_28("--approved-only") == "achieved"
    assert run(db, "report", "--month", "2020-11", "--lang", "en", "--approved-only").stdout == (
        run(db, "report", "--month", "2020-11", "--lang", "en").stdout
    )


# ---- the terminal UI ---------------------------------------------------------------------------


async def test_a_returned_figure_shows_its_comment_on_the_entry_screen(engine: Engine) -> None:
    from textual.widgets import Input

    from tests.test_tui_entry import november, open_entry_on_item_28, type_into
    from tests.tui_support import SIZE, make_app, settle

    put(engine, "28.1", "100", by="tester")
    put(engine, "28.2", "20", by="tester")
    review(engine, decision="returned", comment="请附书亭清单", target_key="28.1",
           as_of=NOVEMBER, actor="督查室")  # fmt: skip
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_entry_on_item_28(pilot)
        rows = {row.line.target.key: row for row in screen.rows()}
        assert str(rows["28.1"].query_one(".e-check").render()) == "已退回：请附书亭清单"
        assert rows["28.1"].has_class("-returned")
        assert str(rows["28.2"].query_one(".e-check").render()) == "待审核"
        assert str(rows["28.3"].query_one(".e-check").render()) == ""
        # Correcting the figure: the live check takes over; saved, it is submitted again.
        value = rows["28.1"].query_one(".e-value", Input)
        value.value = ""
        await type_into(pilot, value, "98")
        assert str(rows["28.1"].query_one(".e-check").render()) == "✓ 可保存"
        assert not rows["28.1"].has_class("-returned")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sorted(s.value for s in november(engine)) == [20.0, 98.0, 100.0]
    sheet = load_sheet(engine, department=CULTURE, month=NOVEMBER, today=TODAY)
    line = next(line for line in sheet.lines if line.target.key == "28.1")
    assert line.current is not None and line.current.value == 98.0 and line.review is None
    assert [line.state for line in review_list(engine, department=CULTURE)] == [
        "submitted",
        "submitted",
    ]


async def test_the_history_shows_the_review_state(engine: Engine) -> None:
    from textual.widgets import DataTable

    from tests.tui_support import SIZE, make_app, settle

    put(engine, "1.1", "45", by="tester")
    review(engine, decision="returned", comment="口径不符", target_key="1.1", as_of=NOVEMBER,
           actor="督查室")  # fmt: skip
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # item 1 (below its pledge heading)
        await settle(pilot)
        table = app.screen.query_one("#history", DataTable)
        reviews = [str(table.get_row_at(i)[-1]) for i in range(table.row_count)]
        assert reviews == ["approved", "returned: 口径不符"]
