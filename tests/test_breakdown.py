"""Targets split to units (任务分解): each unit its own share and readings, entered by
its own staff; a ``sum`` target's figure is its units' total, as of any date."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.breakdown import (
    RollupRule,
    UnitShare,
    lagging_units,
    share_rule,
    shares_problem,
    totals_by_date,
    unit_results,
    units_total,
)
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.domain.model import PlanPeriod, Reading, Status, TargetKind, TargetRule
from pledgetrack.domain.plan import TargetInfo
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.reports.breakdown_text import units_phrase
from pledgetrack.reports.model import UnitLine
from pledgetrack.services.access import PermissionDenied, add_user
from pledgetrack.services.breakdown import (
    BreakdownRefused,
    ShareSpec,
    breakdown_as_of,
    set_breakdown,
)
from pledgetrack.services.breakdown_files import export_breakdown, import_breakdown
from pledgetrack.services.month_report import build_month_report, render_report
from pledgetrack.services.progress import record
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.db import make_engine
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import load_structure
from tests.backends import BOTH, PG_URL, empty_database, pg_url
from tests.conftest import DATA, TODAY, write
from tests.test_database_roles import REFUSED, Deployment, deployment, insert_reading  # noqa: F401

YEAR = PlanPeriod(date(2020, 1, 1), date(2020, 12, 31))
OCTOBER, NOVEMBER = date(2020, 10, 31), date(2020, 11, 30)
#: 3.4 寒暑假爱心托管驿站: 100 处 in the sample plan.
KEY = "3.4"
SHARES = [
    ShareSpec("市南区", 40, "区市"),
    ShareSpec("市北区", 35, "区市"),
    ShareSpec("崂山区", 25, "区市"),
]


@pytest.fixture
def sample(backend: str, tmp_path: Path) -> Iterator[Engine]:
    with empty_database(backend, tmp_path) as engine:
        load_sample(engine, DATA)
        yield engine


def put(engine: Engine, key: str, value: str, on: date, by: str = "anyone") -> None:
    record(engine, target_key=key, value=value, as_of=on, entered_by=by, today=TODAY, confirm=True)


def figure(engine: Engine, key: str, on: date) -> float | None:
    with Session(engine) as session:
        structure = load_structure(session=session)
        target = next(t for t in structure.targets() if t.key == key)
        reading = latest_readings(session=session, plan_id=structure.id, on=on).get(target.id)
    return None if reading is None else reading.value


# ---- the rules ---------------------------------------------------------------------------


def _share(tid: int, unit: str, value: float) -> UnitShare:
    rule = share_rule(TargetRule(TargetKind.QUANTITY, YEAR.end, target_value=50.0), value)
    return UnitShare(
        unit, "区市", TargetInfo(tid, f"1.1/{unit}", 1, "新建幼儿园", "所", rule, unit)
    )


def test_a_sum_target_is_the_total_of_its_units_latest_figures() -> None:
    assert units_total([Reading(OCTOBER, 8), None, Reading(OCTOBER, 6)]) == 14
    assert units_total([None, Reading(OCTOBER, None, done=True)]) is None


def test_a_total_as_of_a_date_takes_each_units_latest_figure_up_to_it() -> None:
    history = {1: [(date(2020, 9, 30), 3.0), (OCTOBER, 8.0)], 2: [(date(2020, 9, 30), 6.0)]}
    assert totals_by_date(history, date(2020, 9, 1)) == {date(2020, 9, 30): 9.0, OCTOBER: 14.0}
    assert totals_by_date(history, OCTOBER) == {OCTOBER: 14.0}


def test_shares_of_a_sum_target_must_add_up_to_it() -> None:
    assert shares_problem(RollupRule.SUM, TargetKind.QUANTITY, 50, [8, 6, 36]) is None
    problem = shares_problem(RollupRule.SUM, TargetKind.QUANTITY, 50, [8, 6, 30])
    assert problem is not None and "add up to 44, not the target's 50" in problem
    assert shares_problem(RollupRule.OWN, TargetKind.QUANTITY, 50, [8, 6, 30]) is None
    assert "milestone" in (shares_problem(RollupRule.SUM, TargetKind.MILESTONE, None, [1]) or "")


def test_a_units_share_has_the_targets_schedule_scaled() -> None:
    from pledgetrack.domain.model import ScheduleNode

    parent = TargetRule(
        TargetKind.QUANTITY, YEAR.end, target_value=50.0,
        schedule=(ScheduleNode(date(2020, 6, 30), 20.0),),
    )  # fmt: skip
    assert share_rule(parent, 10.0).schedule == (ScheduleNode(date(2020, 6, 30), 4.0),)


def test_each_unit_has_its_own_status_and_completion_as_of_a_date() -> None:
    shares = [_share(1, "长海县", 8), _share(2, "普兰店区", 20), _share(3, "中山区", 22)]
    readings = {1: Reading(OCTOBER, 8), 2: Reading(OCTOBER, 19), 3: Reading(date(2020, 8, 31), 5)}
    results = unit_results(shares, readings, period=YEAR, on=date(2020, 11, 10))
    assert [r.result.status for r in results] == [
        Status.ACHIEVED,
        Status.ON_TRACK,
        Status.NOT_REPORTED,
    ]
    assert [round(r.result.completion or 0, 1) for r in results] == [100.0, 95.0, 22.7]
    assert [r.unit for r in lagging_units(results)] == ["普兰店区", "中山区"]
    # As of the end of August only 中山区 had reported.
    august = unit_results(shares, {3: readings[3]}, period=YEAR, on=date(2020, 8, 31))
    assert [r.result.reading is not None for r in august] == [False, False, True]


def test_a_total_is_approved_with_its_units_figures_and_a_typed_one_is_left_alone() -> None:
    from pledgetrack.domain.breakdown import totals_to_review

    sept = date(2020, 9, 30)
    units = {1: [(sept, 3.0, 11), (OCTOBER, 8.0, 12)], 2: [(sept, 6.0, 21)]}
    totals = [(sept, 9.0, 101), (OCTOBER, 14.0, 102), (NOVEMBER, 173.0, 103)]  # 173: typed
    decided = {11: "approved", 21: "approved", 12: "approved", 103: "approved"}
    assert totals_to_review(totals, units, decided, sept) == ([101, 102], [])
    # 市北区's September figure returned: both totals it is part of lose their approval.
    returned = {**decided, 21: "returned", 101: "approved", 102: "approved"}
    assert totals_to_review(totals, units, returned, sept) == ([], [101, 102])
    assert totals_to_review(totals, units, decided, OCTOBER) == ([102], [])


# ---- the services --------------------------------------------------------------------------


@BOTH
def test_a_sum_targets_figure_follows_its_units_and_time_travels(sample: Engine) -> None:
    saved = set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    assert (saved.added, saved.rule) == (3, RollupRule.SUM)
    put(sample, f"{KEY}/市南区", "30", OCTOBER)
    put(sample, f"{KEY}/市北区", "20", OCTOBER)
    assert figure(sample, KEY, OCTOBER) == 50
    put(sample, f"{KEY}/市南区", "40", NOVEMBER)
    assert figure(sample, KEY, NOVEMBER) == 60  # 40 + 市北区's October 20
    assert figure(sample, KEY, OCTOBER) == 50  # October as it was
    # A correction of October (typed after November) moves both totals.
    put(sample, f"{KEY}/市北区", "25", OCTOBER)
    assert (figure(sample, KEY, OCTOBER), figure(sample, KEY, NOVEMBER)) == (55, 65)
    _split, results = breakdown_as_of(sample, target_key=KEY, on=NOVEMBER) or (None, [])
    assert [(r.unit, r.result.status) for r in results] == [
        ("市南区", Status.ACHIEVED),
        ("市北区", Status.BEHIND),  # 25 of 35, October its due month
        ("崂山区", Status.NOT_REPORTED),
    ]


@BOTH
def test_nobody_enters_a_sum_targets_figure_by_hand(sample: Engine) -> None:
    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    with pytest.raises(PermissionDenied, match=r"3\.4: the figure is the total of its units"):
        put(sample, KEY, "50", OCTOBER)


@BOTH
def test_an_own_target_keeps_its_own_figure(sample: Engine) -> None:
    before = figure(sample, KEY, OCTOBER)  # the sample's 173 处
    set_breakdown(sample, target_key=KEY, rule="own", shares=SHARES[:2])
    put(sample, f"{KEY}/市南区", "30", OCTOBER)
    assert figure(sample, KEY, OCTOBER) == before
    put(sample, KEY, "180", OCTOBER)
    assert figure(sample, KEY, OCTOBER) == 180


@BOTH
def test_unit_staff_enter_only_their_own_units_figures(sample: Engine) -> None:
    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    add_user(sample, login="zhao", role="admin", actor="whoever")
    add_user(sample, login="nan", role="staff", department="市南区", actor="zhao")
    add_user(sample, login="bei", role="staff", department="市北区", actor="zhao")
    put(sample, f"{KEY}/市南区", "30", OCTOBER, by="nan")
    with pytest.raises(PermissionDenied, match=r"cannot enter figures for 3\.4/市北区"):
        put(sample, f"{KEY}/市北区", "20", OCTOBER, by="nan")
    with pytest.raises(PermissionDenied, match=r"cannot enter figures for 3\.4/市南区"):
        put(sample, f"{KEY}/市南区", "31", OCTOBER, by="bei")
    put(sample, f"{KEY}/市北区", "20", OCTOBER, by="bei")
    assert figure(sample, KEY, OCTOBER) == 50
    with pytest.raises(PermissionDenied, match="only admins"):
        set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES, actor="nan")


@BOTH
def test_a_split_that_does_not_add_up_is_refused_naming_the_target(sample: Engine) -> None:
    shares = [ShareSpec("市南区", 40), ShareSpec("市北区", 35)]
    with pytest.raises(BreakdownRefused, match=r"3\.4: the units' figures add up to 75, not"):
        set_breakdown(sample, target_key=KEY, rule="sum", shares=shares)
    assert breakdown_as_of(sample, target_key=KEY, on=OCTOBER) is None


@BOTH
def test_the_plan_still_counts_its_own_targets_only(sample: Engine) -> None:
    with Session(sample) as session:
        before = [t.key for t in load_structure(session=session).targets()]
    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    with Session(sample) as session:
        assert [t.key for t in load_structure(session=session).targets()] == before


# ---- the month-end text ------------------------------------------------------------------


def _units(*spec: tuple[str, float | None, bool]) -> tuple[UnitLine, ...]:
    return tuple(UnitLine(unit, "区市", completion, done) for unit, completion, done in spec)


def test_the_month_text_names_the_units_that_lag() -> None:
    most_done = _units(("市南区", 100, True), ("中山区", 80, False), ("庄河市", 70, False),
                       ("长海县", 120, True), ("金州区", 100, True))  # fmt: skip
    assert units_phrase(most_done, "zh") == "（除中山区、庄河市外均已完成）"
    assert units_phrase(most_done, "en") == " (done everywhere except 中山区; 庄河市)"
    few_done = _units(("长海县", 100, True), ("普兰店区", 95, False), ("瓦房店市", None, False))
    assert units_phrase(few_done, "zh") == "（长海县已完成，普兰店区完成95%，瓦房店市未填报）"
    assert units_phrase(few_done, "en") == " (done in 长海县; 普兰店区 95%; 瓦房店市 not reported)"
    silent = _units(("即墨区", 100, True), ("莱西市", None, False), ("胶州市", 50, False),
                    ("西海岸新区", None, False))  # fmt: skip
    assert units_phrase(silent, "zh") == "（即墨区已完成，胶州市完成50%，莱西市、西海岸新区未填报）"
    all_done = _units(("市南区", 100, True), ("市北区", 104.5, True))
    assert units_phrase(all_done, "zh") == "（各区市均已完成）"
    assert units_phrase(all_done, "en") == " (done in every 区市)"
    assert units_phrase(_units(("市南区", None, False)), "zh") == ""


@BOTH
def test_the_month_report_says_which_units_lag(sample: Engine) -> None:
    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    put(sample, f"{KEY}/市南区", "40", OCTOBER)
    put(sample, f"{KEY}/市北区", "20", OCTOBER)
    put(sample, f"{KEY}/崂山区", "25", OCTOBER)
    report = build_month_report(sample, month=OCTOBER)
    line = next(tl for tl in report.item(3).targets if tl.key == KEY)
    assert line.value == 85
    assert [u.unit for u in line.units if not u.achieved] == ["市北区"]
    zh = render_report(report, ReportFormat.text, "zh")
    assert "寒暑假爱心托管驿站85处" in zh and "（除市北区外均已完成）" in zh
    assert "done everywhere except 市北区" in render_report(report, ReportFormat.text, "en")


# ---- breakdown files ---------------------------------------------------------------------

OFFICE = (
    "2020年市办实事任务分解表\n"
    "序号,指标,合计,汇总方式,市南区,市北区,崂山区\n"
    "3.4,寒暑假爱心托管驿站,100,求和,40,35,25\n"
    "3.3,职工心理健康服务站点,100,,50,50,\n"
)


@BOTH
def test_an_office_breakdown_table_is_imported_and_exported_the_same(
    sample: Engine, tmp_path: Path
) -> None:
    path = write(tmp_path / "分解.csv", OFFICE)
    with pytest.raises(ImportRejected) as refused:
        import_breakdown(sample, path)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "市南区"), (2, "市北区"), (2, "崂山区"),
    ]  # fmt: skip
    assert "unknown unit 市南区" in str(refused.value)
    saved = import_breakdown(sample, path, add_units=True, level="区市")
    assert [(s.key, s.rule, s.added) for s in saved] == [
        ("3.4", RollupRule.SUM, 3),
        ("3.3", RollupRule.SUM, 2),
    ]
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"out{suffix}"
        assert export_breakdown(sample, out) == 2
        again = import_breakdown(sample, out, dry_run=True)
        assert [(s.key, s.added, s.changed, s.removed) for s in again] == [
            ("3.3", 0, 0, 0),
            ("3.4", 0, 0, 0),
        ]
    out = tmp_path / "out.csv"
    assert out.read_text(encoding="utf-8-sig").splitlines()[:2] == [
        "序号,指标,合计,汇总方式,市南区,市北区,崂山区",
        "3.3,职工心理健康服务站点,100,sum,50,50,",
    ]


@BOTH
def test_the_exchange_layout_round_trips(sample: Engine, tmp_path: Path) -> None:
    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    out = tmp_path / "breakdown.csv"
    export_breakdown(sample, out, layout="exchange")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[:2] == [
        "plan,target,rule,unit,level,target_value",
        "qingdao-2020,3.4,sum,市南区,区市,40",
    ]
    out.write_text("\n".join(lines).replace("市南区,区市,40", "市南区,区市,45"), encoding="utf-8")
    with pytest.raises(ImportRejected) as refused:
        import_breakdown(sample, out)
    (error,) = refused.value.errors
    assert (error.row, error.column) == (2, "target_value")
    assert "add up to 105, not 100处" in error.reason


@BOTH
def test_a_refused_breakdown_file_names_row_and_column_and_stores_nothing(
    sample: Engine, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "bad.csv",
        "序号,指标,合计,市南区,市北区\n"
        "3.4,寒暑假爱心托管驿站,100,40,35\n"  # 75, not 100
        "9.9,没有的指标,5,1,4\n"  # no such target
        "3.3,职工心理健康服务站点,100,五十,50\n",  # not a number
    )
    with pytest.raises(ImportRejected) as refused:
        import_breakdown(sample, path, add_units=True)
    assert [(e.row, e.column) for e in refused.value.errors] == [
        (2, "合计"),
        (3, "序号"),
        (4, "市南区"),
    ]
    assert "the units' figures add up to 75, not 100处" in refused.value.errors[0].reason
    assert breakdown_as_of(sample, target_key=KEY, on=OCTOBER) is None


def test_the_command_line_imports_shows_and_exports_a_breakdown(
    cli_db: Path, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from pledgetrack.cli import app

    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(cli_db), "--lang", "zh", *args])
        assert result.exit_code == 0, result.output
        return result.output

    table = write(tmp_path / "分解.csv", OFFICE)
    refused = runner.invoke(app, ["--db", str(cli_db), "breakdown", "import", str(table)])
    assert refused.exit_code == 2 and "unknown unit 市南区" in refused.output
    assert "3.4 (sum): 3 units added" in run("breakdown", "import", str(table), "--add-units")
    run("record", "3.4/市南区", "38", "--as-of", "2020-10-31")
    shown = run("breakdown", "show", "3.4", "--as-of", "2020-11-10")
    lines = shown.splitlines()
    assert lines[0].startswith("3.4 ") and lines[0].endswith(
        "（合计为各单位之和）截至2020年11月10日"
    )
    cells = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[2:-1]]
             for line in lines if line.startswith("│")}  # fmt: skip
    assert cells["市南区"] == ["40", "38", "95%", "正常推进"]
    assert cells["崂山区"] == ["25", "", "—", "未填报"]
    as_json = json.loads(run("breakdown", "show", "3.4", "--as-of", "2020-11-10", "--json"))
    assert as_json["rule"] == "sum"
    assert as_json["units"][0] == {"unit": "市南区", "share": 40.0, "value": 38.0,
                                   "as_of": "2020-10-31", "completion": 95.0,
                                   "status": "on_track"}  # fmt: skip
    assert "2 split targets" in run("breakdown", "export", str(tmp_path / "out.xlsx"))


# ---- PostgreSQL: the database holds unit staff to their unit ----------------------------


@pytest.mark.skipif(not PG_URL, reason="needs PLEDGETRACK_TEST_DATABASE_URL")
def test_postgresql_lets_unit_staff_write_only_their_units_share_and_its_total(
    deployment: Deployment,  # noqa: F811 (the fixture imported above)
) -> None:
    server = deployment
    set_breakdown(server.owner, target_key=KEY, rule="sum", shares=SHARES, actor=server.admin)
    nan = f"nan_{server.admin.split('_')[-1]}"
    add_user(server.owner, login=nan, role="staff", department="市南区",
             actor=server.admin, database_roles=True)  # fmt: skip
    try:
        person = make_engine(server.url_as(nan))
        try:
            put(person, f"{KEY}/市南区", "30", OCTOBER, by=nan)  # the share and its total
        finally:
            person.dispose()
        assert figure(server.owner, KEY, OCTOBER) == 30
        # The supervisor approves the unit's figure under their own login: the total
        # (stored by the unit's save) is approved with it, as the row policies allow.
        from pledgetrack.services.review import review

        reviewer = make_engine(server.url_as(server.supervisor))
        try:
            review(reviewer, decision="approved", target_key=f"{KEY}/市南区", as_of=OCTOBER,
                   actor=server.supervisor)  # fmt: skip
        finally:
            reviewer.dispose()
        assert approved_figure(server.owner, KEY, OCTOBER) == 30
        with server.connect(nan) as conn:
            with pytest.raises(REFUSED, match="row-level security"):
                insert_reading(conn, server.target_id(f"{KEY}/市北区"), nan)
            with pytest.raises(REFUSED, match="row-level security"):
                insert_reading(conn, server.target_id("28.1"), nan)
        with server.connect(server.staff) as conn:  # 市文化和旅游局: not a unit
            with pytest.raises(REFUSED, match="row-level security"):
                insert_reading(conn, server.target_id(f"{KEY}/市南区"), server.staff)
    finally:
        admin = create_engine(pg_url(), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{nan}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{nan}"'))
        admin.dispose()


@BOTH
def test_units_readings_go_out_and_come_back_with_the_progress_file(
    sample: Engine, backend: str, tmp_path: Path
) -> None:
    from pledgetrack.services.progress import export_progress, read_progress_file, save_entries

    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    put(sample, f"{KEY}/市南区", "30", OCTOBER)
    put(sample, f"{KEY}/市北区", "20", OCTOBER)
    progress, split = tmp_path / "progress.csv", tmp_path / "split.csv"
    export_progress(sample, progress)
    export_breakdown(sample, split)
    text = progress.read_text(encoding="utf-8-sig")
    assert "3.4/市南区,2020-10-31,30" in text and "3.4/市北区,2020-10-31,20" in text
    assert ",3.4,2020-10-31," not in text  # the total is made again from the units
    (tmp_path / "again").mkdir()
    with empty_database(backend, tmp_path / "again") as again:
        load_sample(again, DATA)
        import_breakdown(again, split, add_units=True)
        save_entries(again, read_progress_file(again, progress, today=TODAY))
        assert figure(again, KEY, OCTOBER) == 50


@BOTH
def test_the_months_history_carries_the_units_readings_under_their_item(sample: Engine) -> None:
    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    put(sample, f"{KEY}/市南区", "40", OCTOBER)
    report = build_month_report(sample, month=OCTOBER, with_history=True)
    units = [h for h in report.history if h.reading.key == f"{KEY}/市南区"]
    assert [(h.item_no, h.reading.value) for h in units] == [(3, 40.0)]


@BOTH
def test_a_units_entry_sheet_holds_its_shares_and_nobody_enters_a_total(sample: Engine) -> None:
    from pledgetrack.services.entry import LineInput, load_sheet, save_sheet

    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    add_user(sample, login="zhao", role="admin", actor="whoever")
    add_user(sample, login="nan", role="staff", department="市南区", actor="zhao")
    union = load_sheet(sample, department="市总工会", month=OCTOBER, today=TODAY)
    assert KEY not in [line.target.key for line in union.lines]  # item 3's lead: 3.4 is a total
    assert "3.3" in [line.target.key for line in union.lines]
    sheet = load_sheet(sample, department="市南区", month=OCTOBER, today=TODAY)
    assert [(line.item.no, line.target.key, line.target.rule.target_value)
            for line in sheet.lines] == [(3, f"{KEY}/市南区", 40.0)]  # fmt: skip
    line = sheet.lines[0]
    save_sheet(sample, sheet, {line.target.id: LineInput("32", note="已建成32处")},
               entered_by="nan", actor="nan", confirm=True)  # fmt: skip
    assert figure(sample, KEY, OCTOBER) == 32


# ---- the status of a unit: its shares, judged as targets, as of any date -------------------


@BOTH
def test_a_units_status_is_its_shares_judged_as_targets(sample: Engine) -> None:
    from pledgetrack.services.status import (
        UnitNotDepartment,
        UnknownDepartment,
        plan_status,
        status_summary,
        unit_status,
    )

    set_breakdown(sample, target_key=KEY, rule="sum", shares=SHARES)
    set_breakdown(sample, target_key="3.3", rule="own",
                  shares=[ShareSpec("市南区", 50), ShareSpec("市北区", 50)])  # fmt: skip
    put(sample, f"{KEY}/市南区", "30", OCTOBER)
    put(sample, f"{KEY}/市南区", "40", NOVEMBER)
    october = unit_status(sample, on=OCTOBER, unit="市南区")
    assert october is not None and (october.unit, october.level) == ("市南区", "区市")
    rows = [(item.info.no, [(s.info.key, s.info.name, s.info.rule.target_value,
                             s.result.reading and s.result.reading.value, s.result.status)
                            for s in item.targets]) for item in october.evaluation.items]  # fmt: skip
    assert rows == [(3, [
        ("3.3/市南区", "职工心理健康服务站点", 50.0, None, Status.NOT_REPORTED),
        (f"{KEY}/市南区", "寒暑假爱心托管驿站", 40.0, 30.0, october.shares()[1][1].status),
    ])]  # fmt: skip
    assert october.share_of == {s.id: s.key.split("/")[0] for s, _ in october.shares()}
    # The same rules as the target's breakdown shows (breakdown show, the TUI).
    shown = breakdown_as_of(sample, target_key=KEY, on=OCTOBER)
    assert shown is not None
    (nan,) = [r.result for r in shown[1] if r.unit == "市南区"]
    (_info, mine), *_ = [(i, r) for i, r in october.shares() if i.key == f"{KEY}/市南区"]
    assert (mine.status, mine.completion, mine.expected) == (
        nan.status, nan.completion, nan.expected,
    )  # fmt: skip
    assert october.total == 2 and october.counts()[Status.NOT_REPORTED] == 1
    assert october.keys(Status.NOT_REPORTED) == ["3.3/市南区"]
    # Time travel: November's figure, achieved.
    november = unit_status(sample, on=NOVEMBER, unit="市南区")
    assert november is not None
    assert [(i.key, r.reading and r.reading.value, r.status) for i, r in november.shares()] == [
        ("3.3/市南区", None, Status.NOT_REPORTED), (f"{KEY}/市南区", 40.0, Status.ACHIEVED)
    ]  # fmt: skip
    # Approved figures only: none is approved yet.
    approved = unit_status(sample, on=NOVEMBER, unit="市南区", approved_only=True)
    assert approved is not None
    assert {r.status for _i, r in approved.shares()} == {Status.NOT_REPORTED}
    # Not a unit: None; the views by item still say a unit answers for no item.
    assert unit_status(sample, on=OCTOBER, unit="市总工会") is None
    assert unit_status(sample, on=OCTOBER, unit="市东区") is None
    for view in (plan_status, status_summary):
        with pytest.raises(UnitNotDepartment, match=r"市南区 is a unit \(区市\) that targets "
                           r"are split to \(3\.3, 3\.4\).*status --department 市南区"):  # fmt: skip
            view(sample, on=OCTOBER, department="市南区")
        with pytest.raises(UnknownDepartment, match=r"no items for department '市东区'.*市南区"):
            view(sample, on=OCTOBER, department="市东区")


@BOTH
def test_a_per_period_share_is_its_periods_total(sample: Engine) -> None:
    """A per-period target's share is read as the rules read it: its periods' total."""
    from pledgetrack.services.status import unit_status

    with sample.begin() as conn:
        conn.execute(text("UPDATE target SET per_period = :yes WHERE \"key\" = :key"),
                     {"yes": True, "key": KEY})  # fmt: skip
    set_breakdown(sample, target_key=KEY, rule="own", shares=SHARES)
    put(sample, f"{KEY}/市南区", "10", date(2020, 6, 30))
    put(sample, f"{KEY}/市南区", "12", OCTOBER)
    found = unit_status(sample, on=OCTOBER, unit="市南区")
    assert found is not None
    ((info, result),) = found.shares()
    assert info.rule.per_period and result.reading is not None
    shown = breakdown_as_of(sample, target_key=KEY, on=OCTOBER)
    assert shown is not None
    (nan,) = [r.result for r in shown[1] if r.unit == "市南区"]
    assert result.reading.value == nan.reading.value  # type: ignore[union-attr]
    assert (result.status, result.completion) == (nan.status, nan.completion)


@pytest.fixture
def unit_db(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sample split (3.4 to three districts and to 市总工会, item 3's lead), with
    figures of 市南区 in October and November and of 市总工会 in October: a URL for the
    command line (a SQLite file is read by `status` with sqlite3 alone)."""
    from tests.backends import database_url

    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        load_sample(engine, DATA)
        set_breakdown(engine, target_key=KEY, rule="sum", shares=[
            ShareSpec("市南区", 30, "区市"), ShareSpec("市北区", 30, "区市"),
            ShareSpec("[bold]崂山区[/]", 20, "区市"), ShareSpec("市总工会", 20),
        ])  # fmt: skip
        put(engine, f"{KEY}/市南区", "15", OCTOBER)
        put(engine, f"{KEY}/市南区", "30", NOVEMBER)
        put(engine, f"{KEY}/市总工会", "5", OCTOBER)
        engine.dispose()
        yield url


def status_cli(url: str, *args: str) -> str:
    from typer.testing import CliRunner

    from pledgetrack.cli import app

    result = CliRunner().invoke(app, ["--db", url, "status", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@BOTH
def test_the_status_command_shows_a_units_shares(unit_db: str) -> None:
    text_ = status_cli(unit_db, "--as-of", "2020-10-31", "--department", "市南区", "--lang", "zh")
    assert "市南区（区市）分解任务完成情况（截至2020年10月31日）" in text_
    (line,) = [x for x in text_.splitlines() if "3.4/市南区" in x]
    assert "寒暑假爱心托管驿站" in line and "30处" in line and "15处" in line and "50%" in line
    assert "2020-10-31" in line
    assert "3 服务职工系列工程" in text_  # grouped under its item
    assert "共1项分解任务：" in text_
    assert "no items" not in text_ and "事项" not in text_  # no item table: a unit only
    # Time travel: an earlier date shows the earlier figure; a later one the later.
    november = status_cli(unit_db, "--as-of", "2020-11-30", "--department", "市南区",
                          "--lang", "en")  # fmt: skip
    (line,) = [x for x in november.splitlines() if "3.4/市南区" in x]
    assert "30处" in line and "100%" in line and "achieved" in line and "2020-11-30" in line
    assert "shares of 市南区 (区市) as of 2020-11-30" in november
    # Approved figures only: none is approved.
    approved = status_cli(unit_db, "--as-of", "2020-11-30", "--department", "市南区",
                          "--approved-only", "--lang", "en")  # fmt: skip
    (line,) = [x for x in approved.splitlines() if "3.4/市南区" in x]
    assert "not reported" in line and "30处" in line  # its share, no figure


@BOTH
def test_the_status_json_of_a_unit_lists_its_shares_under_their_items(unit_db: str) -> None:
    def document(on: str, *extra: str) -> dict:
        return json.loads(status_cli(unit_db, "--as-of", on, "--department", "市南区",
                                     "--json", *extra))  # fmt: skip

    october = document("2020-10-31")
    assert october["items"] == [] and october["summary"]["counts"]["achieved"] == 0
    unit = october["unit"]
    assert (unit["name"], unit["level"]) == ("市南区", "区市")
    ((item),) = unit["items"]
    assert (item["no"], item["title"], item["pledge"]) == (3, "服务职工系列工程", 1)
    ((share),) = item["targets"]
    assert {k: share[k] for k in ("key", "share_of", "name", "unit", "target", "value",
                                  "as_of", "completion", "status")} == {
        "key": "3.4/市南区", "share_of": "3.4", "name": "寒暑假爱心托管驿站", "unit": "处",
        "target": 30.0, "value": 15.0, "as_of": "2020-10-31", "completion": 50.0,
        "status": share["status"],
    }  # fmt: skip
    assert unit["summary"]["total"] == 1
    assert sum(unit["summary"]["counts"].values()) == 1
    assert unit["summary"]["shares"][share["status"]] == ["3.4/市南区"]
    november = document("2020-11-30")
    ((share),) = november["unit"]["items"][0]["targets"]
    assert (share["value"], share["as_of"], share["status"]) == (30.0, "2020-11-30", "achieved")
    assert november["unit"]["summary"]["shares"]["achieved"] == ["3.4/市南区"]
    summary = json.loads(status_cli(unit_db, "--as-of", "2020-10-31", "--department", "市南区",
                                    "--summary", "--json"))  # fmt: skip
    assert summary["total"] == 0 and summary["unit"]["total"] == 1
    assert summary["unit"]["shares"]["achieved"] == []
    lines = status_cli(unit_db, "--as-of", "2020-11-30", "--department", "市南区",
                       "--summary", "--lang", "zh").splitlines()  # fmt: skip
    assert lines[1].startswith("共1项分解任务：已完成1") and lines[2] == "已完成:3.4/市南区"


@BOTH
def test_a_department_that_is_also_a_unit_shows_its_items_then_its_shares(unit_db: str) -> None:
    both = status_cli(unit_db, "--as-of", "2020-10-31", "--department", "市总工会", "--lang", "zh")
    items_at, shares_at = both.index("完成情况（截至"), both.index("市总工会分解任务完成情况")
    assert items_at < shares_at
    assert "服务职工系列工程" in both[:shares_at]  # item 3 in its items' table
    (line,) = [x for x in both.splitlines() if "3.4/市总工会" in x]
    assert "20处" in line and "5处" in line and "25%" in line
    document = json.loads(status_cli(unit_db, "--as-of", "2020-10-31", "--department", "市总工会",
                                     "--json"))  # fmt: skip
    assert 3 in [item["no"] for item in document["items"]]
    assert [s["key"] for s in document["unit"]["items"][0]["targets"]] == ["3.4/市总工会"]
    summary = json.loads(status_cli(unit_db, "--as-of", "2020-10-31", "--department", "市总工会",
                                    "--summary", "--json"))  # fmt: skip
    assert summary["total"] >= 1 and summary["unit"]["total"] == 1
    lines = status_cli(unit_db, "--as-of", "2020-10-31", "--department", "市总工会",
                       "--summary", "--lang", "zh").splitlines()  # fmt: skip
    assert lines[0].endswith("完成情况（截至2020年10月31日）")
    assert "" in lines and lines[lines.index("") + 1].endswith(
        "市总工会分解任务完成情况（截至2020年10月31日）"
    )


@BOTH
def test_a_units_name_is_printed_as_typed_and_an_unknown_one_is_refused(unit_db: str) -> None:
    from typer.testing import CliRunner

    from pledgetrack.cli import app

    shown = status_cli(unit_db, "--as-of", "2020-10-31", "--department", "[bold]崂山区[/]",
                       "--lang", "en")  # fmt: skip
    assert "shares of [bold]崂山区[/] (区市)" in shown
    assert "3.4/[bold]崂山区[/]" in shown
    summary = status_cli(unit_db, "--as-of", "2020-10-31", "--department", "[bold]崂山区[/]",
                         "--summary", "--lang", "en")  # fmt: skip
    assert "not reported: 3.4/[bold]崂山区[/]" in summary
    runner = CliRunner()
    for extra in ([], ["--summary"], ["--json"]):
        result = runner.invoke(app, ["--db", unit_db, "status", "--as-of", "2020-10-31",
                                     "--department", "市东区", *extra])  # fmt: skip
        assert result.exit_code == 2
        assert "no items for department '市东区'" in result.output
        assert "市南区" in result.output  # the units are named with the departments


# ---- review: each unit's figures are reviewed; a sum total follows them -------------------


def approved_figure(engine: Engine, key: str, on: date) -> float | None:
    with Session(engine) as session:
        from pledgetrack.services.breakdown import share_targets

        structure = load_structure(session=session)
        targets = {t.key: t for t in structure.targets()} | share_targets(session, structure)
        target = targets[key]
        found = latest_readings(
            session=session, plan_id=structure.id, on=on, approved_only=True,
            target_ids=[target.id],
        )  # fmt: skip
    reading = found.get(target.id)
    return None if reading is None else reading.value


def split_with_staff(engine: Engine) -> None:
    set_breakdown(engine, target_key=KEY, rule="sum", shares=SHARES)
    add_user(engine, login="zhao", role="admin", actor="whoever")
    add_user(engine, login="sup", role="supervisor", actor="zhao")
    for login, unit in (("nan", "市南区"), ("bei", "市北区")):
        add_user(engine, login=login, role="staff", department=unit, actor="zhao")
    put(engine, f"{KEY}/市南区", "30", OCTOBER, by="nan")
    put(engine, f"{KEY}/市北区", "20", OCTOBER, by="bei")


@BOTH
def test_units_figures_are_queued_for_review_and_a_sum_total_is_not(sample: Engine) -> None:
    from pledgetrack.services.review import review_list

    split_with_staff(sample)
    queued = review_list(sample, states=("submitted",))
    keys = [line.target.key for line in queued]
    assert KEY not in keys  # its totals are made from the units' figures
    at = keys.index(f"{KEY}/市南区")
    assert keys[at : at + 2] == [f"{KEY}/市南区", f"{KEY}/市北区"]  # after 3.4's place
    assert [(x.target.key, x.unit, x.item.no) for x in review_list(sample, department="市南区")
            ] == [(f"{KEY}/市南区", "市南区", 3)]  # fmt: skip
    union = [line.target.key for line in review_list(sample, department="市总工会")]
    assert f"{KEY}/市北区" in union and KEY not in union  # item 3's lead sees its units


@BOTH
def test_a_sum_total_is_approved_when_all_its_units_figures_are(sample: Engine) -> None:
    from pledgetrack.services.review import ReviewRefused, review

    split_with_staff(sample)
    with pytest.raises(ReviewRefused, match=r"3\.4 \(2020-10-31\) is the total of its units"):
        review(sample, decision="approved", target_key=KEY, as_of=OCTOBER, actor="sup")
    review(sample, decision="approved", target_key=f"{KEY}/市南区", as_of=OCTOBER, actor="sup")
    assert approved_figure(sample, KEY, OCTOBER) != 50  # 市北区's 20 not approved yet
    review(sample, decision="approved", target_key=f"{KEY}/市北区", as_of=OCTOBER, actor="sup")
    assert approved_figure(sample, KEY, OCTOBER) == 50
    assert approved_figure(sample, f"{KEY}/市北区", OCTOBER) == 20
    review(sample, decision="returned", target_key=f"{KEY}/市北区", as_of=OCTOBER,
           comment="请附佐证", actor="sup")  # fmt: skip
    assert approved_figure(sample, KEY, OCTOBER) != 50


@BOTH
def test_approving_everything_submitted_approves_the_totals_with_their_units(
    sample: Engine,
) -> None:
    from pledgetrack.services.review import approve_submitted

    split_with_staff(sample)
    approve_submitted(sample, actor="sup")
    assert approved_figure(sample, KEY, OCTOBER) == 50


def test_the_review_list_shows_units_figures_by_their_keys(cli_db: Path, tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from pledgetrack.cli import app

    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, ["--db", str(cli_db), *args])
        assert result.exit_code == 0, result.output
        return result.output

    run("breakdown", "import", str(write(tmp_path / "分解.csv", OFFICE)), "--add-units")
    run("record", "3.4/市南区", "38", "--as-of", "2020-10-31")
    listed = run("review", "list", "--department", "市南区")
    assert "3.4/市南区" in listed and "38处" in listed
    (line,) = json.loads(run("review", "list", "--department", "市南区", "--json"))
    assert (line["target"], line["share_of"], line["value"]) == ("3.4/市南区", "市南区", 38)
    everything = json.loads(run("review", "list", "--status", "all", "--json"))
    assert "3.4" not in {x["target"] for x in everything}  # a sum total is not reviewed
    refused = runner.invoke(app, ["--db", str(cli_db), "review", "approve", "3.4",
                                  "--as-of", "2020-10-31"])  # fmt: skip
    assert refused.exit_code == 2 and "is the total of its units' figures" in refused.output
