"""One reading check for every path: each problem code walked through `record`, the progress
import and the monthly entry screen, with the same outcome and the same words on each."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import Checkbox, Input, Select
from typer.testing import CliRunner

from pledgetrack.cli import app as cli_app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.domain.model import PlanPeriod, TargetKind
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.services.entry import LineInput, check_line, load_sheet, save_sheet
from pledgetrack.services.progress import read_progress_file, record, save_entries
from pledgetrack.services.reading_check import (
    SEVERITIES,
    ReadingRefused,
    Severity,
    check_reading,
)
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.tables import Snapshot
from pledgetrack.tui.screens.entry import EntryScreen
from tests.conftest import DATA, TODAY
from tests.tui_support import SIZE, make_app, settle

OCTOBER = date(2020, 10, 31)
NOVEMBER = date(2020, 11, 30)
CULTURE = "市文化和旅游局"
COMMERCE = "市商务局"


@dataclass(frozen=True)
class Case:
    """A reading as a person gives it, and the problems the check must find."""

    codes: tuple[str, ...]
    key: str
    value: str = ""
    as_of: str = "2020-11-30"
    done: bool | None = None
    note: str = ""
    plan: str = "qingdao-2020"
    today: date = TODAY
    #: The same thing in a progress file's done column, where it is text.
    done_text: str | None = None
    #: Why `record` cannot say this (its options make it impossible), or "".
    not_by_record: str = ""
    #: A qualifier column / --qualifier, and a forecast column / --forecast.
    qualifier: str = ""
    forecast: str = ""
    #: A works_percent column / --works.
    works: str = ""


CASES = {
    "unknown_plan": Case(
        ("unknown_plan",), "1.1", "45", plan="nope-2020",
        not_by_record="record takes --plan, refused before any reading (PlanNotFound)",
    ),
    "unknown_target": Case(("unknown_target",), "9.9", "1"),
    "bad_date": Case(("bad_date",), "28.1", "70", as_of="2020-13-45"),
    "outside_plan": Case(("outside_plan",), "28.1", "70", as_of="2021-01-31"),
    "future": Case(("future",), "28.1", "70", today=date(2020, 11, 15)),
    "value_missing": Case(("value_missing",), "28.1", "", note="只有说明"),
    "not_number": Case(("not_number",), "28.2", "abc"),
    "negative": Case(("negative",), "28.2", "-3"),
    "bad_stage": Case(("bad_stage",), "31.1", "9"),
    "no_stages": Case(("no_stages",), "29.1", "2", done=True),
    "done_for_quantity": Case(("done_for_quantity",), "28.1", "70", done=True),
    "bad_text": Case(("bad_text",), "28.1", "70", note="ok\x1b[2J"),
    "bad_done": Case(
        ("bad_done",), "29.1", done_text="perhaps",
        not_by_record="record's --done is a flag: it cannot be anything but yes or no",
    ),
    "lower_needs_note": Case(("lower_needs_note",), "28.1", "50"),  # October: 64
    "undone_needs_note": Case(("undone_needs_note",), "29.1", done=False),  # done in October
    "over_target": Case(("over_target",), "28.3", "1000"),  # target 30
    "unit_multiplier": Case(("unit_multiplier",), "29.2", "130万"),  # unit 万人次
    "changes_approved": Case(("changes_approved",), "28.1", "70", as_of="2020-10-31"),
    "bad_qualifier": Case(("bad_qualifier",), "28.1", "70", qualifier="大概"),
    "qualifier_conflict": Case(("qualifier_conflict",), "28.1", "约70", qualifier="以上"),
    "qualifier_for_milestone": Case(("qualifier_for_milestone",), "29.1", done=True, qualifier="约"),
    "bad_forecast": Case(("bad_forecast",), "28.1", "70", forecast="soon"),
    "bad_works": Case(("bad_works",), "28.1", "70", works="大半"),
    "works_out_of_range": Case(("works_out_of_range",), "28.1", "70", works="120"),
    "works_for_milestone": Case(("works_for_milestone",), "29.1", done=True, works="90"),
}  # fmt: skip


def test_every_problem_code_has_a_case_and_words_in_both_languages() -> None:
    assert set(CASES) == set(SEVERITIES)
    from pledgetrack.i18n.catalog import CATALOG

    for code in SEVERITIES:
        assert {"zh", "en"} <= set(CATALOG[f"check.{code}"])


def sample_copy(tmp_path: Path, name: str) -> Engine:
    path = tmp_path / name
    shutil.copy(DATA / "pledges.sqlite", path)
    return make_engine(f"sqlite:///{path}")


def november_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Snapshot).where(Snapshot.as_of > OCTOBER)).all())


def stored(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(Snapshot)).all())


@dataclass(frozen=True)
class Outcome:
    codes: tuple[str, ...]
    messages: tuple[str, ...]
    stored_unconfirmed: bool
    stored_confirmed: bool


def by_record(engine: Engine, case: Case, lang: str) -> Outcome:
    def attempt(confirm: bool) -> ReadingRefused | None:
        try:
            record(
                engine,
                target_key=case.key,
                value=case.value or None,
                as_of=case.as_of,
                done=case.done,
                note=case.note,
                entered_by="wang",
                today=case.today,
                confirm=confirm,
                lang=lang,
                qualifier=case.qualifier or None,
                forecast=case.forecast or None,
                works=case.works or None,
            )
        except ReadingRefused as refused:
            return refused
        return None

    before = stored(engine)
    refused = attempt(False)
    assert refused is not None, "refused or warned without confirmation"
    problems = [p for ps in refused.problems.values() for p in ps]
    unconfirmed = stored(engine) != before
    attempt(True)
    return Outcome(
        tuple(p.code for p in problems),
        tuple(p.message(lang) for p in problems),
        unconfirmed,
        stored(engine) != before,
    )


def by_import(engine: Engine, case: Case, lang: str, tmp_path: Path) -> Outcome:
    done = (
        case.done_text
        if case.done_text is not None
        else "" if case.done is None else "yes" if case.done else "no"
    )  # fmt: skip
    path = tmp_path / "progress.csv"
    path.write_text(
        "plan,target,as_of,value,done,note,entered_by,qualifier,forecast,works_percent\n"
        f"{case.plan},{case.key},{case.as_of},{case.value},{done},{case.note},wang,"
        f"{case.qualifier},{case.forecast},{case.works}\n",
        encoding="utf-8",
    )
    before = stored(engine)

    def attempt(confirm: bool) -> ImportRejected | None:
        try:
            entries = read_progress_file(engine, path, today=case.today, confirm=confirm, lang=lang)
        except ImportRejected as rejected:
            return rejected
        save_entries(engine, entries, actor="wang", source=path.name)
        return None

    rejected = attempt(False)
    assert rejected is not None
    assert all(str(e).startswith(f"{path}:2:") for e in rejected.errors)
    unconfirmed = stored(engine) != before
    attempt(True)
    messages = tuple(e.reason for e in rejected.errors)
    return Outcome(
        tuple(e.code for e in rejected.errors), messages, unconfirmed, stored(engine) != before
    )


def expected(case: Case) -> tuple[bool, bool]:
    """Stored without confirmation, stored with it."""
    warning_only = all(SEVERITIES[c] is Severity.WARNING for c in case.codes)
    return False, warning_only


@pytest.mark.parametrize("code", sorted(CASES))
@pytest.mark.parametrize("lang", ["zh", pytest.param("en", marks=pytest.mark.slow)])
def test_record_and_import_give_the_same_outcome_and_words(
    code: str, lang: str, tmp_path: Path
) -> None:
    case = CASES[code]
    imported = by_import(sample_copy(tmp_path, "i.sqlite"), case, lang, tmp_path)
    assert imported.codes == case.codes
    assert (imported.stored_unconfirmed, imported.stored_confirmed) == expected(case)
    if case.not_by_record:
        return
    recorded = by_record(sample_copy(tmp_path, "r.sqlite"), case, lang)
    assert recorded == imported


# ---- the entry screen -------------------------------------------------------------------

#: What the entry screen can say. The rest cannot be typed there: the screen lists only
#: the department's targets of the plan, offers only months of the plan up to now, has no
#: value field for a plain milestone and no done box for a quantity.
ON_THE_SCREEN = {
    # department, month, code → how the line is filled in
    (CULTURE, NOVEMBER): {
        "lower_needs_note": ("28.1", "50"),
        "not_number": ("28.2", "abc"),
        "over_target": ("28.3", "1000"),
        "undone_needs_note": ("29.1", False),
        "unit_multiplier": ("29.2", "130万"),
        "value_missing": ("29.3", None),  # a note, no value
    },
    (CULTURE, OCTOBER): {
        "changes_approved": ("28.1", "70"),
        "negative": ("28.2", "-3"),
    },
    (COMMERCE, NOVEMBER): {"bad_stage": ("31.1", "9")},
}


def test_the_screen_covers_every_code_it_can_show() -> None:
    shown = {code for lines in ON_THE_SCREEN.values() for code in lines}
    cannot = {code for code, case in CASES.items() if code not in shown}
    assert cannot == {
        "unknown_plan", "unknown_target", "bad_date", "outside_plan", "future",
        "no_stages", "done_for_quantity", "bad_done",
        "bad_text",  # an escape key is a key there, not a character in the note
        # no qualifier column or forecast field there (a qualifier is typed with the value)
        "bad_qualifier", "qualifier_conflict", "qualifier_for_milestone", "bad_forecast",
        # no works progress field there yet (record --works, a works_percent column)
        "bad_works", "works_out_of_range", "works_for_milestone",
    }  # fmt: skip


@pytest.mark.parametrize(("department", "month"), list(ON_THE_SCREEN))
async def test_the_entry_screen_says_what_record_and_import_say(
    department: str, month: date, tmp_path: Path
) -> None:
    engine = sample_copy(tmp_path, "tui.sqlite")
    lines = ON_THE_SCREEN[department, month]
    app = make_app(engine, lang="zh")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, EntryScreen)
        screen.query_one("#entry-department", Select).value = department
        await settle(pilot)
        screen.query_one("#entry-month", Select).value = month.replace(day=1)
        await settle(pilot)
        assert screen.sheet is not None and screen.sheet.as_of == month
        rows = {row.line.target.key: row for row in screen.rows()}
        for key, value in lines.values():
            tid = rows[key].line.target.id
            if isinstance(value, bool):
                box = screen.query_one(f"#done-{tid}", Checkbox)
                box.value = value
            elif value is None:
                screen.query_one(f"#note-{tid}", Input).value = "只有说明"
            else:
                screen.query_one(f"#value-{tid}", Input).value = value
        await settle(pilot)
        before = stored(engine)
        await pilot.press("ctrl+s")
        await settle(pilot)
        for code, (key, value) in lines.items():
            row = rows[key]
            assert [p.code for p in row.check.problems] == [code], key
            case = CASES[code]
            # The same reading through record's path says the same words.
            if not case.not_by_record and case.key == key:
                message = row.check.problems[0].message("zh")
                assert message in _record_messages(tmp_path, case, month, value)
        assert stored(engine) == before  # errors, or warnings not yet confirmed


def _record_messages(tmp_path: Path, case: Case, month: date, value: object) -> tuple[str, ...]:
    engine = sample_copy(tmp_path, f"r-{case.key}-{month}.sqlite")
    typed = Case(
        case.codes,
        case.key,
        value if isinstance(value, str) else "",
        month.isoformat(),
        value if isinstance(value, bool) else case.done,
        "只有说明" if value is None else "",
    )
    return by_record(engine, typed, "zh").messages


# ---- the three examples of issue 12 ------------------------------------------------------

runner = CliRunner()


def cli(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli_app, ["--db", str(db), "--lang", "en", *args])
    return result.exit_code, " ".join(result.output.split())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", path)
    return path


def test_a_figure_lower_than_last_month_without_a_note_needs_confirming(db: Path) -> None:
    code, output = cli(db, "record", "28.1", "50", "--as-of", "2020-11-30")
    assert code == 2
    assert "lower than the last figure (64)" in output and "--confirm" in output
    code, output = cli(db, "record", "28.1", "50", "--as-of", "2020-11-30", "--note", "核减")
    assert code == 0, output


def test_thirty_three_times_the_target_is_not_stored_without_a_question(db: Path) -> None:
    code, output = cli(db, "record", "28.3", "1000", "--as-of", "2020-11-30")
    assert code == 2 and "over 3× the target of 30" in output
    code, output = cli(db, "record", "28.3", "1000", "--as-of", "2020-11-30", "--confirm")
    assert code == 0, output


def test_a_multiplier_typed_into_a_wan_unit_offers_both_readings(db: Path) -> None:
    code, output = cli(db, "record", "2.1", "1万", "--as-of", "2020-11-30")
    assert code == 2
    assert "'1万' would be 10000 万人" in output and "for 1 万人, type 1" in output
    code, output = cli(db, "record", "28.2", "1.2万", "--as-of", "2020-11-30")
    assert code == 2 and "12000 处 is over 3× the target of 20 处" in output
    code, output = cli(db, "record", "2.1", "22", "--as-of", "2020-11-30")
    assert code == 0, output


def test_the_three_examples_are_warned_about_by_import_and_sheet_alike(
    qingdao: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "plan,target,as_of,value,confirm\n"
        "qingdao-2020,28.1,2020-11-30,50,\n"
        "qingdao-2020,28.3,2020-11-30,1000,\n"
        "qingdao-2020,2.1,2020-11-30,1万,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        read_progress_file(qingdao, path, today=TODAY)
    assert [(e.row, e.column) for e in rejected.value.errors] == [
        (2, "note"), (3, "value"), (4, "value"), (4, "value"),
    ]  # fmt: skip
    assert "--confirm" in rejected.value.hint
    # A confirm column confirms row by row.
    path.write_text(path.read_text().replace(",\n", ",yes\n"), encoding="utf-8")
    assert len(read_progress_file(qingdao, path, today=TODAY)) == 3
    sheet = load_sheet(qingdao, department=CULTURE, month=NOVEMBER, today=TODAY)
    by_key = {line.target.key: line for line in sheet.lines}
    inputs = {
        by_key["28.1"].target.id: LineInput("50"),
        by_key["28.3"].target.id: LineInput("1000"),
    }
    checks = {
        key: check_line(sheet, by_key[key], inputs[by_key[key].target.id])
        for key in ("28.1", "28.3")
    }
    assert [p.code for p in checks["28.1"].warnings] == ["lower_needs_note"]
    assert [p.code for p in checks["28.3"].warnings] == ["over_target"]
    with pytest.raises(ReadingRefused) as refused:
        save_sheet(qingdao, sheet, inputs, entered_by="wang")
    assert refused.value.needs_confirmation_only
    assert november_count(qingdao) == 0
    assert save_sheet(qingdao, sheet, inputs, entered_by="wang", confirm=True).added == 2


def test_a_bad_confirm_column_is_refused_not_read_as_no(qingdao: Engine, tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        "plan,target,as_of,value,confirm\nqingdao-2020,28.1,2020-11-30,70,maybe\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        read_progress_file(qingdao, path, today=TODAY)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(2, "confirm")]


def test_a_file_is_checked_against_its_own_earlier_months(qingdao: Engine, tmp_path: Path) -> None:
    """History typed in one file: November lower than the file's own October row is warned."""
    path = tmp_path / "p.csv"
    path.write_text(
        "plan,target,as_of,value,note\n"
        "qingdao-2020,28.1,2020-11-30,70,\n"
        "qingdao-2020,28.1,2020-12-31,66,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as rejected:
        read_progress_file(qingdao, path, today=TODAY, lang="en")
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "note")]
    assert "lower than the last figure (70)" in rejected.value.errors[0].reason


def test_re_storing_the_stored_figure_warns_about_nothing(tmp_path: Path) -> None:
    """An approved October figure sent again unchanged is no change: no warning."""
    qingdao = sample_copy(tmp_path, "s.sqlite")  # its October figures are approved
    period = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
    with Session(qingdao) as session:
        target = next(t for t in load_structure(session=session).targets() if t.key == "28.1")
    from pledgetrack.services.progress import reading_contexts

    context = reading_contexts(qingdao, 1, [(target.id, OCTOBER)])[target.id, OCTOBER]
    assert context.current_approved and context.current is not None
    same = check_reading(
        target, period, as_of=OCTOBER, value="64", note=context.current.note, today=TODAY,
        context=context,
    )  # fmt: skip
    assert same.problems == ()
    other = check_reading(target, period, as_of=OCTOBER, value="65", today=TODAY, context=context)
    assert [p.code for p in other.problems] == ["changes_approved"]


def _quantity(unit: str, target_value: float) -> TargetInfo:
    from pledgetrack.domain.model import TargetRule

    rule = TargetRule(
        kind=TargetKind.QUANTITY, deadline=date(2020, 12, 31), target_value=target_value
    )
    return TargetInfo(1, "1.1", 1, "x", unit, rule)


@pytest.mark.parametrize(
    ("unit", "text", "codes"),
    [
        ("万人", "1万", ["unit_multiplier"]),
        ("亿元", "2亿", ["unit_multiplier"]),
        ("万人", "12", []),
        ("人", "1万", []),  # 10000人: the multiplier is the way to write it
        ("千米", "3千", []),  # only 万 and 亿 are units' multipliers
    ],
)
def test_the_unit_rule(unit: str, text: str, codes: list[str]) -> None:
    check = check_reading(
        _quantity(unit, 1e9),
        PlanPeriod(date(2020, 1, 1), date(2020, 12, 31)),
        as_of=NOVEMBER,
        value=text,
        today=TODAY,
    )
    assert [p.code for p in check.problems] == codes
