"""Reminders to report (临近提醒, 到期催报): who owes which figures for a month, before
and after its reporting day, per department (services/remind.py, domain/reminders.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.domain.dates import month_start
from pledgetrack.domain.errors import ImportRejected, OutsidePlan
from pledgetrack.domain.model import PlanPeriod, Policy
from pledgetrack.domain.reminders import Reminders, collected_month, reminder_timing
from pledgetrack.exchange.contacts import read_contacts
from pledgetrack.services.breakdown import ShareSpec, set_breakdown
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, record, save_entries
from pledgetrack.services.remind import (
    MonthNotBegun,
    build_reminders,
    reminder_date,
    reminder_letters,
    reminder_lines,
    reminders_json,
)
from pledgetrack.services.status import UnknownDepartment
from tests.conftest import write

TODAY = date(2026, 11, 25)
OCTOBER = date(2020, 10, 1)
SEPTEMBER = date(2020, 9, 1)

PLAN = (
    "plan,plan_title,plan_start,plan_end,pledge,pledge_title,item,item_title,department,"
    "target,target_name,target_value,unit,baseline,deadline,assessed,kind,schedule,note\n"
    "town-2020,2020年某市民生实事,2020-01-01,2020-12-31,1,教育,1,幼儿园建设,市教育局;市公安局,"
    "1.1,新建幼儿园,50,所,,,yes,quantity,,\n"
    "town-2020,2020年某市民生实事,2020-01-01,2020-12-31,1,教育,1,幼儿园建设,市教育局;市公安局,"
    "1.2,一键式紧急报警系统安装,100,所,,,yes,quantity,,\n"
    "town-2020,2020年某市民生实事,2020-01-01,2020-12-31,2,交通,2,道路整治,市住建局,"
    "2.1,道路整治完工,10,条,,,yes,quantity,,\n"
    "town-2020,2020年某市民生实事,2020-01-01,2020-12-31,3,就业,3,城镇新增就业,市人社局,"
    "3.1,城镇新增就业,5,万人,,,yes,quantity,,\n"
)
#: 1.1 reported for September only; 1.2 never; 2.1 for October, entered on 10 November
#: (after the reporting day); 3.1 achieved in September.
PROGRESS = (
    "plan,target,as_of,value,done,note,entered_by,entered_at\n"
    "town-2020,1.1,2020-09-30,20,,,教育局张三,2020-10-04T09:00:00\n"
    "town-2020,2.1,2020-10-31,6,,,住建局李四,2020-11-10T16:00:00\n"
    "town-2020,3.1,2020-09-30,5.2,,,人社局王五,2020-10-03T10:00:00\n"
)


@pytest.fixture
def town(empty_engine: Engine, tmp_path: Path) -> Engine:
    import_plan(empty_engine, write(tmp_path / "plan.csv", PLAN))
    readings = read_progress_file(empty_engine, write(tmp_path / "p.csv", PROGRESS), today=TODAY)
    save_entries(empty_engine, readings)
    return empty_engine


def owed(reminders: Reminders) -> dict[str, list[str]]:
    return {d.department: [t.key for t in d.targets] for d in reminders.departments}


# ---- the pure rules -------------------------------------------------------------------------


def test_the_reporting_day_divides_heads_up_from_overdue() -> None:
    policy = Policy(reporting_day=5)
    before = reminder_timing(OCTOBER, date(2020, 11, 3), policy)
    assert before.deadline == date(2020, 11, 5)
    assert (before.overdue, before.days) == (False, 2)
    on_the_day = reminder_timing(OCTOBER, date(2020, 11, 5), policy)
    assert (on_the_day.overdue, on_the_day.days) == (False, 0)
    after = reminder_timing(OCTOBER, date(2020, 11, 8), policy)
    assert (after.overdue, after.days) == (True, 3)
    later_day = reminder_timing(OCTOBER, date(2020, 11, 8), Policy(reporting_day=10))
    assert (later_day.overdue, later_day.days) == (False, 2)


def test_the_month_collected_is_last_month_inside_the_plan() -> None:
    period = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
    assert collected_month(date(2020, 11, 3), period) == OCTOBER
    assert collected_month(date(2020, 11, 20), period) == OCTOBER
    assert collected_month(date(2020, 1, 10), period) == date(2020, 1, 1)
    assert collected_month(date(2021, 1, 4), period) == date(2020, 12, 1)


# ---- the service ----------------------------------------------------------------------------


def test_before_the_reporting_day_the_departments_get_a_heads_up(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 3))
    assert reminders.timing.month == OCTOBER  # the month being collected
    assert (reminders.timing.overdue, reminders.timing.days) == (False, 2)
    # 2.1 is reported for October, 3.1 is achieved: neither is asked for.
    assert owed(reminders) == {"市教育局": ["1.1", "1.2"], "市公安局": ["1.1", "1.2"]}
    assert reminders.target_count == 2


def test_after_the_reporting_day_the_same_targets_are_overdue(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 8), month=OCTOBER)
    assert (reminders.timing.overdue, reminders.timing.days) == (True, 3)
    assert owed(reminders) == {"市教育局": ["1.1", "1.2"], "市公安局": ["1.1", "1.2"]}


def test_a_target_reported_late_counts_as_reported(town: Engine, tmp_path: Path) -> None:
    late = (
        "plan,target,as_of,value,done,note,entered_by,entered_at\n"
        "town-2020,1.1,2020-10-31,31,,,教育局张三,2020-11-12T08:30:00\n"
    )
    save_entries(town, read_progress_file(town, write(tmp_path / "late.csv", late), today=TODAY))
    reminders = build_reminders(town, on=date(2020, 11, 13), month=OCTOBER)
    assert owed(reminders) == {"市教育局": ["1.2"], "市公安局": ["1.2"]}


def test_a_co_operating_department_is_reminded_and_told_who_leads(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 8), department="市公安局")
    assert owed(reminders) == {"市公安局": ["1.1", "1.2"]}
    police = reminders.departments[0]
    assert [police.leads(t) for t in police.targets] == [False, False]
    assert police.targets[0].lead == "市教育局"


def test_a_department_that_owes_nothing_is_not_listed(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 8), department="市住建局")
    assert reminders.departments == ()
    assert reminders.department == "市住建局"


def test_an_unknown_department_is_refused_naming_the_known_ones(town: Engine) -> None:
    with pytest.raises(UnknownDepartment, match=r"市卫健委.*市教育局"):
        build_reminders(town, on=date(2020, 11, 8), department="市卫健委")


def test_time_travel_sees_only_what_was_reported_by_that_day(town: Engine) -> None:
    # September, seen on 8 October: 2.1's October figure did not exist yet.
    early = build_reminders(town, on=date(2020, 10, 8), month=SEPTEMBER)
    assert early.timing.overdue and early.timing.days == 3
    assert owed(early) == {
        "市教育局": ["1.2"],
        "市公安局": ["1.2"],
        "市住建局": ["2.1"],
    }
    # September, seen in November: a figure dated October covers it too (as status has it).
    later = build_reminders(town, on=date(2020, 11, 8), month=SEPTEMBER)
    assert owed(later) == {"市教育局": ["1.2"], "市公安局": ["1.2"]}
    assert later.timing.days == 34


def test_last_report_is_the_latest_reading_seen(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 8), department="市教育局")
    assert [t.last_report for t in reminders.departments[0].targets] == [
        date(2020, 9, 30),
        None,
    ]
    as_json = reminders_json(reminders)
    assert as_json["month"] == "2020-10" and as_json["days_late"] == 3
    assert as_json["departments"][0]["targets"][1]["last_report"] is None  # type: ignore[index]


def test_a_month_outside_the_plan_is_refused(town: Engine) -> None:
    with pytest.raises(OutsidePlan, match="2021-01 is outside the plan period"):
        build_reminders(town, on=date(2021, 2, 8), month=date(2021, 1, 31))


def test_a_month_that_has_not_begun_is_refused(town: Engine) -> None:
    with pytest.raises(MonthNotBegun, match="2020-12 has not begun on 2020-11-08"):
        build_reminders(town, on=date(2020, 11, 8), month=date(2020, 12, 1))


def test_reminders_are_written_today_while_the_plan_runs_and_the_month_after(
    town: Engine,
) -> None:
    assert reminder_date(town, today=date(2020, 11, 3)) == date(2020, 11, 3)
    assert reminder_date(town, today=date(2021, 1, 20)) == date(2021, 1, 20)
    # Long after: the day views open on (the month end of the latest figure).
    assert reminder_date(town, today=TODAY) == date(2020, 10, 31)


# ---- contacts and letters -------------------------------------------------------------------


def test_contacts_are_read_from_the_offices_list(tmp_path: Path) -> None:
    path = write(
        tmp_path / "通讯录.csv",
        "2020年责任单位通讯录\n"
        "序号,责任单位,联系人,电话,电子邮箱\n"
        "1,市教育局,张三,0532-1234567,jyj@example.gov.cn；ban@example.gov.cn\n"
        "2,市公安局,李四,0532-7654321,\n",
        "gb18030",
    )
    assert read_contacts(path) == {"市教育局": ("jyj@example.gov.cn", "ban@example.gov.cn")}


def test_a_bad_address_is_refused_naming_its_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv", "责任单位,邮箱\n市教育局,jyj@example.gov.cn\n市公安局,gaj at example\n"
    )
    with pytest.raises(ImportRejected, match=r"c.csv:3:email: 'gaj' is not an e-mail address"):
        read_contacts(path)


def test_a_department_listed_twice_with_other_addresses_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.csv", "责任单位,邮箱\n市教育局,a@example.cn\n市教育局,b@example.cn\n"
    )
    with pytest.raises(ImportRejected, match=r"c.csv:3:department: .*listed again.*row 2"):
        read_contacts(path)


def test_letters_go_to_departments_with_an_address(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 8))
    letters, unaddressed = reminder_letters(
        reminders, {"市教育局": ("jyj@example.gov.cn",)}, "zh", office="某市政府督查室"
    )
    assert unaddressed == ["市公安局"]
    (letter,) = letters
    assert letter.subject == "【催报】2020年某市民生实事2020年10月进展：2项指标未报送"
    assert "你单位牵头或配合的以下2项指标尚未报送2020年10月进展情况" in letter.body
    assert "已逾期3天" in letter.body
    assert "1. 1.1 新建幼儿园" in letter.body
    assert letter.body.rstrip().endswith("某市政府督查室\n2020年11月8日")


def test_month_start_of_the_reminder_month_is_what_reports_name(town: Engine) -> None:
    reminders = build_reminders(town, on=date(2020, 11, 8), month=date(2020, 10, 17))
    assert reminders.timing.month == month_start(date(2020, 10, 17)) == OCTOBER


# ---- targets split to units (issue 17 §1) ---------------------------------------------------

#: 1.1 新建幼儿园50所 split to two districts.
SPLIT = [ShareSpec("市南区", 30, "区市"), ShareSpec("市北区", 20, "区市")]


def put(engine: Engine, key: str, value: str, on: date) -> None:
    record(engine, target_key=key, value=value, as_of=on, entered_by="x", today=TODAY,
           confirm=True)  # fmt: skip


def test_each_unit_owes_its_share_and_a_sum_target_is_not_asked_by_hand(town: Engine) -> None:
    set_breakdown(town, target_key="1.1", rule="sum", shares=SPLIT)
    reminders = build_reminders(town, on=date(2020, 11, 8), month=OCTOBER)
    # 1.1's figure is its units' total: its departments are not asked for it, its units are.
    assert owed(reminders) == {
        "市教育局": ["1.2"],
        "市公安局": ["1.2"],
        "市南区": ["1.1/市南区"],
        "市北区": ["1.1/市北区"],
    }
    south = reminders.departments[2]
    assert south.unit and not reminders.departments[0].unit
    assert (south.targets[0].unit, south.targets[0].item_no, south.targets[0].last_report) == (
        "市南区", 1, None,
    )  # fmt: skip
    put(town, "1.1/市北区", "12", date(2020, 10, 31))
    assert "市北区" not in owed(build_reminders(town, on=date(2020, 11, 8), month=OCTOBER))


def test_a_unit_that_achieved_its_share_owes_nothing(town: Engine) -> None:
    set_breakdown(town, target_key="1.1", rule="sum", shares=SPLIT)
    put(town, "1.1/市北区", "20", date(2020, 9, 30))  # its whole share, in September
    assert "市北区" not in owed(build_reminders(town, on=date(2020, 11, 8), month=OCTOBER))


def test_an_own_target_is_still_owed_by_its_departments_beside_its_units(town: Engine) -> None:
    set_breakdown(town, target_key="1.1", rule="own", shares=SPLIT)
    reminders = build_reminders(town, on=date(2020, 11, 8), month=OCTOBER)
    assert owed(reminders)["市教育局"] == ["1.1", "1.2"]
    assert owed(reminders)["市南区"] == ["1.1/市南区"]


def test_one_unit_is_reminded_by_its_name_and_an_unknown_name_lists_the_units(
    town: Engine,
) -> None:
    set_breakdown(town, target_key="1.1", rule="sum", shares=SPLIT)
    reminders = build_reminders(town, on=date(2020, 11, 8), department="市南区")
    assert owed(reminders) == {"市南区": ["1.1/市南区"]}
    as_json = reminders_json(reminders)
    (unit,) = as_json["departments"]  # type: ignore[misc]
    assert unit["targets"][0]["unit"] == "市南区" and unit["targets"][0]["lead"] is True
    with pytest.raises(UnknownDepartment, match=r"市卫健委.*市人社局、市北区、市南区"):
        build_reminders(town, on=date(2020, 11, 8), department="市卫健委")


def test_a_units_share_is_named_as_its_share_in_words_and_letters(town: Engine) -> None:
    set_breakdown(town, target_key="1.1", rule="sum", shares=SPLIT)
    reminders = build_reminders(town, on=date(2020, 11, 8), department="市南区")
    assert reminder_lines(reminders, "zh")[2:] == [
        "市南区：1项指标未报送2020年10月进展（2020年11月5日截止，已逾期3天）：",
        "  1.1/市南区 新建幼儿园（市南区份额）",
    ]
    assert reminder_lines(reminders, "en")[-1] == "  1.1/市南区 新建幼儿园 (市南区's share)"
    (letter,), _ = reminder_letters(reminders, {"市南区": ("sn@example.gov.cn",)}, "zh",
                                    office=None)  # fmt: skip
    assert "你单位承担的以下1项分解任务尚未报送2020年10月进展情况" in letter.body
    assert "1. 1.1/市南区 新建幼儿园（市南区份额）" in letter.body
    (english,), _ = reminder_letters(reminders, {"市南区": ("sn@example.gov.cn",)}, "en",
                                     office=None)  # fmt: skip
    assert "The 1 share below, which your unit is to deliver" in english.body
