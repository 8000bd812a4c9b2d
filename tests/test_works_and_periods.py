"""Works progress (形象进度: "正在施工中(90%)") and per-period targets ("计划二季度完成公益
惠民演出20场,实际完成27场"): read, checked, stored, weighed, said back and exported."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.domain.model import (
    PlanPeriod,
    Policy,
    Reading,
    ScheduleNode,
    Status,
    TargetKind,
    TargetRule,
)
from pledgetrack.domain.per_period import cumulative_schedule, period_end, period_total
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.domain.progress import expected_completion
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.domain.works_progress import works_percent_in
from pledgetrack.services.month_report import build_month_report, render_report
from pledgetrack.services.plans import export_plan, import_plan
from pledgetrack.services.progress import (
    export_progress,
    read_progress_file,
    record,
    save_entries,
)
from pledgetrack.services.reading_check import ReadingContext, check_reading
from pledgetrack.services.status import plan_status, status_summary
from pledgetrack.storage.schema import upgrade
from tests.backends import BOTH, empty_database
from tests.one_target_rules import target_status

runner = CliRunner()
PERIOD = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
SEPTEMBER = date(2020, 9, 30)
TODAY = date(2026, 11, 25)
QUARTERS = "2020-03-31=10; 2020-06-30=20; 2020-09-30=20; 2020-12-31=10"

PLAN = (
    "plan,plan_title,plan_start,plan_end,pledge,pledge_title,item,item_title,department,"
    "target,target_name,target_value,unit,baseline,deadline,assessed,kind,schedule,note,"
    "per_period\n"
    "town-2020,2020年某区民生实事,2020-01-01,2020-12-31,1,改善居住条件,1,老旧小区改造,区住建局,"
    "1.1,老旧小区改造完工,10,个,,,yes,quantity,,,no\n"
    "town-2020,2020年某区民生实事,2020-01-01,2020-12-31,1,改善居住条件,2,道路整治,区住建局,"
    "2.1,道路整治完工,4,条,,,yes,quantity,,,no\n"
    "town-2020,2020年某区民生实事,2020-01-01,2020-12-31,2,丰富文化生活,3,公益惠民演出,区文旅局,"
    f"3.1,公益惠民演出,,场,,,yes,quantity,{QUARTERS},每季度计划场次,yes\n"
)
#: 1.1: 6 of 10 (60 %, behind a 74.8 % year) but its works 90 % done: on track.
#: 2.1: works progress only, 30 %: a report, and behind.
#: 3.1: 12 + 27 + 15 of 60 by the end of September (Q3 lower than Q2: no warning).
PROGRESS = (
    "计划代码,指标编号,截至日期,完成值,完成情况,工程进度\n"
    "town-2020,1.1,2020-09-30,6,6个老旧小区改造正在施工中,90%\n"
    "town-2020,2.1,2020-09-30,,已完成总工程量的30%,\n"
    "town-2020,3.1,2020-03-31,12,一季度演出12场,\n"
    "town-2020,3.1,2020-06-30,27,二季度演出27场,\n"
    "town-2020,3.1,2020-07-31,5,7月演出5场,\n"
    "town-2020,3.1,2020-09-30,15,三季度演出15场,\n"
)


def run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


# ---- reading works progress from sentences ----------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "percent"),
    [
        ("6个老旧小区改造正在施工中(90%)", 90.0),
        ("6个老旧小区改造正在施工中（90%）", 90.0),
        ("已完成总工程量的85%", 85.0),
        ("形象进度达到60%", 60.0),
        ("主体施工（７５％）", 75.0),
        ("工程进度120%", 120.0),  # read as written: the check refuses it
        ("建成173处寒暑假爱心托管驿站,占年计划的173%", None),  # a completion, not works
        ("2935所学校已完成系统安装,占年计划的85.5%", None),
        ("已启动全面施工,计划于11月底前建成", None),
        ("", None),
    ],
)
def test_works_progress_is_read_only_where_the_words_say_it_is_the_works(
    sentence: str, percent: float | None
) -> None:
    assert works_percent_in(sentence) == percent


# ---- the rules ---------------------------------------------------------------------------


def test_a_count_target_not_achieved_is_weighed_by_its_works_progress() -> None:
    rule = TargetRule(TargetKind.QUANTITY, PERIOD.end, target_value=10.0)
    counted = Reading(SEPTEMBER, 6.0)
    building = Reading(SEPTEMBER, 6.0, works=90.0)
    assert target_status(rule, counted, period=PERIOD, on=SEPTEMBER).status is Status.BEHIND
    result = target_status(rule, building, period=PERIOD, on=SEPTEMBER)
    assert result.status is Status.ON_TRACK
    assert result.completion == 60.0  # completion shown stays the count's
    slow = Reading(SEPTEMBER, 6.0, works=40.0)
    assert target_status(rule, slow, period=PERIOD, on=SEPTEMBER).status is Status.BEHIND
    done = Reading(SEPTEMBER, 10.0, works=40.0)
    assert target_status(rule, done, period=PERIOD, on=SEPTEMBER).status is Status.ACHIEVED


def test_works_progress_alone_is_a_report_not_a_silence() -> None:
    rule = TargetRule(TargetKind.QUANTITY, PERIOD.end, target_value=4.0)
    on = date(2020, 11, 10)  # September's figures were due by 5 October
    works_only = Reading(date(2020, 10, 31), None, works=95.0)
    result = target_status(rule, works_only, period=PERIOD, on=on)
    assert result.status is Status.ON_TRACK and result.completion is None
    assert target_status(rule, None, period=PERIOD, on=on).status is Status.NOT_REPORTED


def test_a_per_period_target_totals_the_latest_amount_of_each_period() -> None:
    nodes = tuple(
        ScheduleNode(date.fromisoformat(d), float(v))
        for d, v in (p.split("=") for p in QUARTERS.split("; "))
    )
    rule = TargetRule(
        TargetKind.QUANTITY, PERIOD.end, target_value=60.0, schedule=nodes, per_period=True
    )
    assert [n.value for n in cumulative_schedule(nodes)] == [10.0, 30.0, 50.0, 60.0]
    assert period_end(rule, date(2020, 7, 31)) == date(2020, 9, 30)
    assert period_end(rule, date(2020, 6, 30)) == date(2020, 6, 30)
    readings = [
        Reading(date(2020, 3, 31), 12.0),
        Reading(date(2020, 6, 30), 27.0),
        Reading(date(2020, 7, 31), 5.0),
        Reading(date(2020, 9, 30), 15.0, note="三季度"),
    ]
    total = period_total(rule, readings)
    assert total is not None and (total.value, total.as_of, total.note) == (
        54.0,
        SEPTEMBER,
        "三季度",
    )
    assert period_total(rule, readings[:3]) == Reading(date(2020, 7, 31), 44.0)
    # Expected follows the running total of the planned amounts: 50 of 60 by September.
    assert expected_completion(rule, PERIOD.start, SEPTEMBER) == pytest.approx(50 / 60 * 100)
    result = target_status(rule, total, period=PERIOD, on=SEPTEMBER)
    assert (result.status, result.completion) == (Status.ON_TRACK, 90.0)
    december = period_total(rule, [*readings, Reading(date(2020, 12, 20), 6.0)])
    assert december is not None and december.value == 60.0
    on = date(2020, 12, 20)
    assert target_status(rule, december, period=PERIOD, on=on).status is Status.ACHIEVED


# ---- the check ---------------------------------------------------------------------------

QUANTITY = TargetInfo(
    1, "1.1", 1, "改造", "个", TargetRule(TargetKind.QUANTITY, PERIOD.end, target_value=10.0)
)
MILESTONE = TargetInfo(2, "2.1", 2, "印发", "", TargetRule(TargetKind.MILESTONE, PERIOD.end))  # fmt: skip
PER_PERIOD = TargetInfo(
    3, "3.1", 3, "演出", "场",
    TargetRule(TargetKind.QUANTITY, PERIOD.end, target_value=60.0,
               schedule=(ScheduleNode(date(2020, 6, 30), 20.0),), per_period=True),
)  # fmt: skip


@pytest.mark.parametrize(
    ("target", "value", "works", "codes"),
    [
        (QUANTITY, "6", "90", ()),
        (QUANTITY, "6", "90%", ()),
        (QUANTITY, "", "90", ()),  # works progress alone
        (QUANTITY, "", "", ("value_missing",)),
        (QUANTITY, "6", "-5", ("works_out_of_range",)),
        (QUANTITY, "6", "100.5", ("works_out_of_range",)),
        (QUANTITY, "6", "九成", ("bad_works",)),
        (QUANTITY, "6", "90以上", ("bad_works",)),
        (QUANTITY, "6", "1万", ("bad_works",)),
        (MILESTONE, "", "90", ("works_for_milestone",)),
    ],
)
def test_the_check_reads_works_progress_or_says_why_not(
    target: TargetInfo, value: str, works: str, codes: tuple[str, ...]
) -> None:
    check = check_reading(
        target, PERIOD, as_of=SEPTEMBER, value=value, today=TODAY, works=works,
        done=True if target is MILESTONE else None,
    )  # fmt: skip
    assert tuple(p.code for p in check.problems) == codes
    if not codes:
        assert check.reading is not None and check.reading.works == float(works.rstrip("%"))
    else:
        assert all(p.message("zh") and p.message("en") for p in check.problems)


def test_a_per_period_figure_below_the_last_period_needs_no_note() -> None:
    context = ReadingContext(previous=Reading(date(2020, 6, 30), 27.0))
    lower = check_reading(
        PER_PERIOD, PERIOD, as_of=SEPTEMBER, value="15", today=TODAY, context=context
    )
    assert lower.problems == () and lower.reading is not None
    cumulative = check_reading(
        QUANTITY, PERIOD, as_of=SEPTEMBER, value="5", today=TODAY, context=context
    )
    assert [p.code for p in cumulative.problems] == ["lower_needs_note"]


# ---- through the command line -------------------------------------------------------------


def test_import_status_report_and_export_through_the_command_line(
    cli_db: Path, tmp_path: Path
) -> None:
    db = str(cli_db)
    plan = tmp_path / "town-plan.csv"
    plan.write_text(PLAN, encoding="utf-8")
    assert run(db, "import", "plan", str(plan)).exit_code == 0
    progress = tmp_path / "town-progress.csv"
    progress.write_text(PROGRESS, encoding="utf-8")
    result = run(db, "import", "progress", str(progress))
    assert result.exit_code == 0, result.output

    status = run(db, "status", "--plan", "town-2020", "--as-of", "2020-10-03", "--json")
    assert status.exit_code == 0, status.output
    targets = {t["key"]: t for item in json.loads(status.stdout)["items"] for t in item["targets"]}
    assert (targets["1.1"]["status"], targets["1.1"]["completion"]) == ("on_track", 60.0)
    assert targets["1.1"]["works"] == 90.0
    assert (targets["2.1"]["status"], targets["2.1"]["works"]) == ("behind", 30.0)
    assert (targets["3.1"]["value"], targets["3.1"]["completion"]) == (54.0, 90.0)
    assert (targets["3.1"]["status"], targets["3.1"]["per_period"]) == ("on_track", True)
    assert targets["3.1"]["target"] == 60.0  # the sum of its period amounts

    zh = run(db, "report", "--plan", "town-2020", "--month", "2020-09", "--lang", "zh")
    assert zh.exit_code == 0, zh.output
    assert "老旧小区改造完工6个，占年计划的60%，正在施工中，工程进度90%" in zh.stdout
    assert "道路整治完工正在施工中，工程进度30%" in zh.stdout
    assert "道路整治完工工程进度30%，应达" in zh.stdout  # behind, by its works progress
    assert "公益惠民演出54场，占年计划的90%" in zh.stdout
    en = run(db, "report", "--plan", "town-2020", "--month", "2020-09", "--lang", "en")
    assert "6 个, 60% of the annual target, works 90% complete" in en.stdout

    # record --works: works progress with a figure, and alone.
    recorded = run(db, "record", "1.1", "7", "--plan", "town-2020", "--as-of", "2020-10-31",
                   "--works", "95", "--lang", "zh")  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert "7个；正在施工中，工程进度95%" in recorded.stdout
    refused = run(db, "record", "1.1", "7", "--plan", "town-2020", "--as-of", "2020-10-31",
                  "--works", "120")  # fmt: skip
    assert refused.exit_code == 2 and "between 0 and 100" in refused.output

    # Exports carry both, and import again to the same state.
    for name in ("again-plan.csv", "again-plan.xlsx"):
        exported = tmp_path / name
        assert run(db, "export", "plan", str(exported), "--plan", "town-2020").exit_code == 0
        again = run(db, "import", "plan", str(exported))
        assert again.exit_code == 0, again.output
    text = (tmp_path / "again-plan.csv").read_text(encoding="utf-8-sig")
    round_trip = tmp_path / "round-trip-plan.csv"
    assert run(db, "export", "plan", str(round_trip), "--plan", "town-2020").exit_code == 0
    assert round_trip.read_text(encoding="utf-8-sig") == text  # re-imported to the same state
    assert text.splitlines()[0].endswith(",per_period")
    assert "2020-03-31=10; 2020-06-30=20; 2020-09-30=20; 2020-12-31=10" in text
    for name in ("again.csv", "again.xlsx"):
        exported = tmp_path / name
        assert run(db, "export", "progress", str(exported), "--plan", "town-2020").exit_code == 0
        again = run(db, "import", "progress", str(exported))
        assert again.exit_code == 0, again.output
        assert "unchanged" in again.output or "0 readings" in again.output, again.output
    header, *rows = (tmp_path / "again.csv").read_text(encoding="utf-8-sig").splitlines()
    assert header.endswith(",works_percent")
    assert any(row.endswith(",95") for row in rows)


def test_per_period_plan_rows_are_checked(empty_engine: Engine, tmp_path: Path) -> None:
    upgrade(empty_engine)
    bad = PLAN.replace(f"{QUARTERS},每季度计划场次,yes", ",每季度计划场次,yes").replace(
        "老旧小区改造完工,10,个,,,yes,quantity,,,no",
        "老旧小区改造完工,10,个,,,yes,quantity,,,maybe",
    )
    plan = tmp_path / "bad-plan.csv"
    plan.write_text(bad, encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_plan(empty_engine, plan)
    assert sorted((e.row, e.column) for e in rejected.value.errors) == [
        (2, "per_period"),  # maybe is not a yes or no
        (4, "per_period"),  # no period amounts
        (4, "target_value"),  # and so no annual total either
    ]
    over = PLAN.replace("公益惠民演出,,场", "公益惠民演出,50,场")
    plan.write_text(over, encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_plan(empty_engine, plan)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(4, "schedule")]
    assert "add up to 60" in str(rejected.value)


# ---- stored on both engines ----------------------------------------------------------------


@contextmanager
def town(backend: str, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(backend, tmp_path) as engine:
        upgrade(engine)
        plan = tmp_path / "town-plan.csv"
        plan.write_text(PLAN, encoding="utf-8")
        import_plan(engine, plan)
        progress = tmp_path / "town-progress.csv"
        progress.write_text(PROGRESS, encoding="utf-8")
        save_entries(engine, read_progress_file(engine, progress, today=TODAY))
        yield engine


@BOTH
def test_works_progress_and_period_totals_are_stored_and_read_back(
    backend: str, tmp_path: Path
) -> None:
    with town(backend, tmp_path) as engine:
        on = date(2020, 10, 3)
        evaluation = plan_status(engine, on=on, plan="town-2020")
        results = {t.info.key: t.result for row in evaluation.items for t in row.targets}
        assert results["1.1"].reading is not None and results["1.1"].reading.works == 90.0
        assert results["3.1"].reading is not None and results["3.1"].reading.value == 54.0
        # The summary (rules from the cache, readings in columns) says the same.
        summary = status_summary(engine, on=on, plan="town-2020")
        assert summary.items(Status.BEHIND) == [2] and summary.items(Status.ON_TRACK) == [1, 3]
        # As of the end of July: Q1 12, Q2 27 and July's 5 of Q3.
        july = plan_status(engine, on=date(2020, 7, 31), plan="town-2020")
        shows = next(t for t in july.items[2].targets if t.info.key == "3.1").result
        assert shows.reading is not None and shows.reading.value == 44.0
        # Approved only: nothing is approved yet, so nothing is read.
        approved = plan_status(engine, on=on, plan="town-2020", approved_only=True)
        assert all(t.result.reading is None for row in approved.items for t in row.targets)

        _, entry, _ = record(
            engine, plan="town-2020", target_key="2.1", value=None, works="45",
            as_of=date(2020, 10, 31), entered_by="wang", today=TODAY,
        )  # fmt: skip
        assert (entry.value, entry.works) == (None, 45.0)
        report = build_month_report(engine, month=date(2020, 10, 31), plan="town-2020")
        zh = render_report(report, ReportFormat.text, "zh")
        assert "道路整治完工正在施工中，工程进度45%" in zh
        html = render_report(report, ReportFormat.html, "en")
        assert "道路整治完工: works 45% complete" in html
        exported = tmp_path / "plan-again.csv"
        export_plan(engine, exported, plan="town-2020")
        assert "per_period" in exported.read_text(encoding="utf-8-sig")
        progress = tmp_path / "progress-again.xlsx"
        export_progress(engine, progress, plan="town-2020")
        outcome = save_entries(engine, read_progress_file(engine, progress, today=TODAY))
        assert (outcome.added, outcome.corrections) == (0, 0)


def test_engines_agree_on_a_per_period_plan_with_works_progress(tmp_path: Path) -> None:
    """The column engine, fed the stored plan, gives the one-target rules' statuses."""
    with town("sqlite", tmp_path) as engine:
        on = date(2020, 10, 3)
        evaluation = plan_status(engine, on=on, plan="town-2020", policy=Policy())
        for row in evaluation.items:
            for target in row.targets:
                want = target_status(target.info.rule, target.result.reading, period=PERIOD, on=on)
                assert (target.result.status, target.result.completion) == (
                    want.status,
                    want.completion,
                )
