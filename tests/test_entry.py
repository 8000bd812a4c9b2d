"""Monthly entry service: the sheet, the live checks, saving in one transaction."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.model import PlanPeriod, Policy, Reading, Status
from pledgetrack.services.entry import (
    LineInput,
    check_line,
    check_sheet,
    default_entry_month,
    entry_months,
    is_changed,
    load_sheet,
    save_sheet,
)
from pledgetrack.services.reading_check import ReadingRefused, Severity
from pledgetrack.services.status import plan_status
from pledgetrack.storage.tables import Snapshot
from tests.conftest import TODAY

NOVEMBER = date(2020, 11, 1)
YEAR = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
CULTURE = "市文化和旅游局"


def sheet_of(engine: Engine, department: str = CULTURE, month: date = NOVEMBER):
    return load_sheet(engine, department=department, month=month, today=TODAY)


def line_of(sheet, key: str):  # type: ignore[no-untyped-def]
    return next(line for line in sheet.lines if line.target.key == key)


def test_sheet_lists_the_departments_targets_with_last_months_value(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    assert sheet.as_of == date(2020, 11, 30)
    assert [line.target.key for line in sheet.lines] == [
        "28.1", "28.2", "28.3", "29.1", "29.2", "29.3",
    ]  # fmt: skip
    first = line_of(sheet, "28.1")
    assert first.previous is not None and first.previous.value == 64
    assert first.current is None and first.initial_text() == ""


def test_sheet_of_october_starts_with_the_figures_already_entered(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao, month=date(2020, 10, 15))
    line = line_of(sheet, "28.1")
    assert sheet.as_of == date(2020, 10, 31)
    assert line.previous is None  # nothing before October in the sample
    assert line.initial_text() == "64"
    assert not is_changed(line, LineInput("64", note=line.initial_note()))


def test_a_sheet_read_by_target_ids_equals_the_sheet_read_for_the_whole_plan(
    qingdao: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet asks for its department's readings by target id (a province plan has 100k
    targets); a department with more than MAX_LISTED_TARGETS gets them from the whole
    plan. Both give the same sheet, for every department, before and after October."""
    import pledgetrack.services.entry as entry_module
    from pledgetrack.storage.queries import load_structure

    with Session(qingdao) as session:
        departments = load_structure(session=session).departments()
    for month in (date(2020, 10, 1), NOVEMBER):
        by_id = [sheet_of(qingdao, name, month) for name in departments]
        monkeypatch.setattr(entry_module, "MAX_LISTED_TARGETS", 0)
        whole = [sheet_of(qingdao, name, month) for name in departments]
        monkeypatch.undo()
        assert by_id == whole
        lines = [line for sheet in by_id for line in sheet.lines]
        assert len(lines) >= 91  # every target, some on several sheets
        # The sample's figures are October's: this month's in October, last month's after.
        if month.month == 10:
            assert any(line.current is not None for line in lines)
        else:
            assert any(line.previous is not None for line in lines)


def test_co_operating_departments_see_the_item_too(qingdao: Engine) -> None:
    from sqlmodel import Session as S

    from pledgetrack.storage.queries import load_structure

    with S(qingdao) as session:
        structure = load_structure(session=session)
    shared = next(i for i in structure.items if len(i.departments) > 1)
    helper = shared.departments[1]
    sheet = sheet_of(qingdao, department=helper)
    assert {t.key for t in shared.targets} <= {line.target.key for line in sheet.lines}


@pytest.mark.parametrize(
    ("text", "note", "code", "severity"),
    [
        ("abc", "", "not_number", Severity.ERROR),
        ("-5", "", "negative", Severity.ERROR),
        ("50", "", "lower_needs_note", Severity.WARNING),
        ("", "只改了说明", "value_missing", Severity.ERROR),
    ],
)
def test_refused_values_name_the_reason(
    qingdao: Engine, text: str, note: str, code: str, severity: Severity
) -> None:
    sheet = sheet_of(qingdao)
    line = line_of(sheet, "28.1")  # last month 64
    check = check_line(sheet, line, LineInput(text, note=note))
    assert [p.code for p in check.problems] == [code]
    assert check.problems[0].severity is severity
    assert (check.reading is None) == (severity is Severity.ERROR)


def test_lower_value_with_a_note_is_accepted(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    line = line_of(sheet, "28.1")
    check = check_line(sheet, line, LineInput("60", note="核减4处不合格书亭"))
    assert check.problems == ()
    assert check.reading == Reading(date(2020, 11, 30), 60.0, None, "核减4处不合格书亭")


def test_more_than_three_times_the_target_asks_for_confirmation(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    line = line_of(sheet, "28.1")  # target 100
    assert check_line(sheet, line, LineInput("300")).warning is None
    check = check_line(sheet, line, LineInput("301"))
    assert check.error is None and check.warning is not None
    assert check.warning.code == "over_target" and check.warning.values["target"] == 100
    assert "301 处 is over 3× the target of 100 处" in check.warning.message("en")


def test_untouched_lines_are_not_checked_or_saved(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    assert check_sheet(sheet, {line.target.id: line.initial_input() for line in sheet.lines}) == {}


def test_save_writes_every_row_in_one_go_and_item_28_is_achieved(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    inputs = {
        line_of(sheet, "28.1").target.id: LineInput("100", note="书亭全部建成"),
        line_of(sheet, "28.2").target.id: LineInput("20"),
    }
    before = plan_status(qingdao, on=date(2020, 11, 30), policy=Policy())
    assert next(r for r in before.items if r.info.no == 28).result.status is Status.BEHIND
    outcome = save_sheet(qingdao, sheet, inputs, entered_by="wang")
    assert (outcome.added, outcome.corrections) == (2, 0)
    with Session(qingdao) as session:
        rows = session.exec(select(Snapshot).where(Snapshot.as_of == date(2020, 11, 30))).all()
    assert sorted((r.value, r.note, r.entered_by) for r in rows) == [
        (20.0, "", "wang"),
        (100.0, "书亭全部建成", "wang"),
    ]
    after = plan_status(qingdao, on=date(2020, 11, 30), policy=Policy())
    assert next(r for r in after.items if r.info.no == 28).result.status is Status.ACHIEVED
    # Saving the same sheet again adds nothing; changing one figure is a correction.
    again = save_sheet(qingdao, sheet_of(qingdao), inputs, entered_by="wang")
    assert again.added == 0
    corrected = save_sheet(
        qingdao, sheet_of(qingdao), {inputs.__iter__().__next__(): LineInput("99")},
        entered_by="li",
    )  # fmt: skip
    assert corrected.corrections == 1


def test_a_sheet_with_one_bad_line_saves_nothing(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    inputs = {
        line_of(sheet, "28.1").target.id: LineInput("100"),
        line_of(sheet, "28.2").target.id: LineInput("二十"),
    }
    with pytest.raises(ReadingRefused) as caught:
        save_sheet(qingdao, sheet, inputs, entered_by="wang")
    assert set(caught.value.problems) == {"28.2"}
    assert not caught.value.needs_confirmation_only
    with pytest.raises(ReadingRefused) as warned:
        save_sheet(
            qingdao, sheet, {line_of(sheet, "28.1").target.id: LineInput("1000")}, entered_by="w"
        )
    assert warned.value.needs_confirmation_only
    with Session(qingdao) as session:
        assert session.exec(select(Snapshot).where(Snapshot.as_of > date(2020, 10, 31))).all() == []
    outcome = save_sheet(
        qingdao,
        sheet,
        {line_of(sheet, "28.1").target.id: LineInput("1000")},
        entered_by="w",
        confirm=True,
    )
    assert outcome.added == 1


def test_milestone_box_starts_as_last_reported_and_undoing_needs_a_note(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao)
    line = line_of(sheet, "29.1")  # done in October
    assert line.kind == "milestone" and not line.staged
    assert line.initial_done() is True
    assert not is_changed(line, LineInput(done=True))
    check = check_line(sheet, line, LineInput(done=False))
    assert check.error is None and check.warning is not None
    assert check.warning.code == "undone_needs_note"
    check = check_line(sheet, line, LineInput(done=False, note="活动延期至明年"))
    assert check.problems == () and check.reading is not None and check.reading.done is False


def test_staged_milestone_takes_a_stage_number_or_name(qingdao: Engine) -> None:
    sheet = sheet_of(qingdao, department="市商务局")
    line = line_of(sheet, "31.1")
    names = [s.name for s in line.target.rule.stages]
    by_name = check_line(sheet, line, LineInput(names[-1], note="x"))
    assert by_name.reading is not None and by_name.reading.done is True
    assert check_line(sheet, line, LineInput("9")).error.code == "bad_stage"  # type: ignore[union-attr]


def test_entry_months_and_default_month() -> None:
    policy = Policy()
    assert len(entry_months(YEAR, TODAY)) == 12
    assert entry_months(YEAR, date(2020, 3, 10))[-1] == date(2020, 3, 1)
    # Looking back at October's figures: November is next.
    assert default_entry_month(date(2020, 10, 31), YEAR, policy, TODAY) == NOVEMBER
    # Looking at the plan end: December (the last month).
    assert default_entry_month(date(2020, 12, 31), YEAR, policy, TODAY) == date(2020, 12, 1)
    # While the plan runs: last month until the reporting day, then this month.
    assert default_entry_month(date(2020, 6, 3), YEAR, policy, date(2020, 6, 3)) == date(2020, 5, 1)
    assert default_entry_month(date(2020, 6, 20), YEAR, policy, date(2020, 6, 20)) == date(
        2020, 6, 1
    )
    assert default_entry_month(date(2020, 1, 2), YEAR, policy, date(2019, 12, 1)) is None


def test_a_note_that_states_works_progress_or_a_forecast_gives_them_to_the_reading(
    qingdao: Engine,
) -> None:
    """The entry sheet has no works or forecast field: its note says them, as an office's
    完成情况 does, and they are kept with the reading (the import reads notes the same way)."""
    sheet = sheet_of(qingdao)
    inputs = {
        # No count yet: works progress only.
        line_of(sheet, "28.2").target.id: LineInput("", note="2处正在施工中(90%)"),
        line_of(sheet, "28.3").target.id: LineInput("28", note="预计12月底前全部完成"),
        # A plain note reads as nothing more.
        line_of(sheet, "28.1").target.id: LineInput("100", note="书亭全部建成"),
    }
    checks = check_sheet(sheet, inputs)
    assert checks[line_of(sheet, "28.2").target.id].reading.works == 90.0
    outcome = save_sheet(qingdao, sheet, inputs, entered_by="wang")
    assert outcome.added == 3
    with Session(qingdao) as session:
        rows = session.exec(select(Snapshot).where(Snapshot.as_of == date(2020, 11, 30))).all()
    assert sorted((r.value or 0, r.works_percent, r.forecast_done_by) for r in rows) == [
        (0, 90.0, None),
        (28.0, None, date(2020, 12, 31)),
        (100.0, None, None),
    ]
    # A works percentage out of range is refused with its reason, nothing stored.
    bad = {line_of(sheet, "28.2").target.id: LineInput("", note="形象进度120%")}
    with pytest.raises(ReadingRefused):
        save_sheet(qingdao, sheet_of(qingdao), bad, entered_by="wang")
