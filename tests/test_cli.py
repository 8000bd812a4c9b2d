"""The command line, run as a user runs it (Typer's CliRunner, a copy of the shipped database)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pledgetrack.cli import app
from tests.conftest import DATA, PLAN_CSV, PROGRESS_CSV

OFFICIAL_ACHIEVED = [1, 3, 4, 6, 7, 12, 13, 17, 19, 20, 21, 22, 23, 24, 25, 27, 29, 34]
runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return str(copy)


def run(db: str, *args: str):
    return runner.invoke(app, ["--db", db, *args])


def test_status_json_lists_the_official_eighteen(db) -> None:
    result = run(db, "status", "--as-of", "2020-10-31", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["plan"] == "qingdao-2020" and data["as_of"] == "2020-10-31"
    assert data["summary"]["achieved"] == OFFICIAL_ACHIEVED
    assert data["summary"]["counts"]["achieved"] == 18
    jobs = data["items"][0]["targets"][0]
    assert (jobs["key"], jobs["completion"], jobs["unit"], jobs["status"]) == (
        "1.1",
        138.6,
        "万人",
        "achieved",
    )
    assert set(data["items"][0]) >= {
        "no",
        "title",
        "pledge",
        "departments",
        "status",
        "completion",
        "targets",
    }
    assert set(jobs) >= {
        "key",
        "name",
        "unit",
        "target",
        "value",
        "completion",
        "assessed",
        "kind",
        "status",
        "deadline",
    }


@pytest.mark.parametrize("as_of", ["2020-10", "2020年10月31日", "2020年10月底"])
def test_status_accepts_every_date_form(db, as_of) -> None:
    data = json.loads(run(db, "status", "--as-of", as_of, "--json").stdout)
    assert data["as_of"] == "2020-10-31"


def test_status_table_in_chinese_and_department_filter(db) -> None:
    result = run(db, "--lang", "zh", "status", "--as-of", "2020-10-31", "--department", "市民政局")
    assert result.exit_code == 0
    assert "养老床位建设" in result.stdout and "就业" not in result.stdout
    assert "已完成" in result.stdout


def test_unknown_department_and_bad_date_are_refused(db) -> None:
    assert run(db, "status", "--department", "市不存在局").exit_code == 2
    result = run(db, "status", "--as-of", "last tuesday")
    assert result.exit_code == 2 and "not a date" in result.stderr


def test_status_summary_counts_and_names_the_official_eighteen(db) -> None:
    result = run(db, "status", "--as-of", "2020-10-31", "--summary", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["plan"], data["as_of"], data["total"]) == ("qingdao-2020", "2020-10-31", 36)
    assert data["counts"] == {
        "achieved": 18,
        # More than 10 points above the expected 83.3 %: 9 (one target left, 98.5 %) and 32.
        "ahead": 2,
        "on_track": 10,
        "behind": 6,
        "overdue": 0,
        "not_reported": 0,
    }
    assert data["items"]["achieved"] == OFFICIAL_ACHIEVED
    full = json.loads(run(db, "status", "--as-of", "2020-10-31", "--json").stdout)
    for status in data["counts"]:
        assert data["items"][status] == [i["no"] for i in full["items"] if i["status"] == status]


def test_status_summary_in_chinese_shortens_runs_of_item_numbers(db) -> None:
    result = run(db, "--lang", "zh", "status", "--as-of", "2020-10", "--summary")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "共36项：已完成18，超前推进2，正常推进10，进度滞后6，逾期0，未填报0"
    assert lines[2] == "已完成:1、3-4、6-7、12-13、17、19-25、27、29、34"
    assert lines[3] == "超前推进:9、32"
    assert lines[4] == "进度滞后:8、15、18、26、28、30"


def test_status_summary_of_a_department_and_an_unknown_one(db) -> None:
    data = json.loads(run(db, "status", "--summary", "--json", "--department", "市民政局").stdout)
    full = json.loads(run(db, "status", "--json", "--department", "市民政局").stdout)
    assert data["total"] == len(full["items"]) and data["total"] > 0
    assert data["counts"] == full["summary"]["counts"]
    result = run(db, "status", "--summary", "--department", "市不存在局")
    assert result.exit_code == 2 and "市民政局" in result.stderr


def test_report_in_chinese_states_18_of_36_and_names_them(db) -> None:
    result = run(db, "report", "--month", "2020-10", "--lang", "zh")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "截至2020年10月底" in text and "36项中的18项已实现年度目标" in text
    for name in ("就业方面", "服务职工系列工程方面", "掌上办事服务平台建设方面"):
        assert name in text
    assert "城镇新增就业41.58万人，占年计划的138.6%" in text
    assert "一、促进城乡就业创业" in text and "十二、提高政务服务水平" in text
    assert "需关注事项" in text and "市住房城乡建设局" in text


def test_report_in_english_says_the_same(db) -> None:
    result = run(db, "report", "--month", "2020-10", "--lang", "en", "--format", "md")
    text = result.stdout
    assert "18 of the 36 items" in text and "# " in text
    assert "1 就业" in text and "34 掌上办事服务平台建设" in text
    assert "138.6% of the annual target" in text


def test_report_shows_what_changed_since_last_month(db) -> None:
    assert run(db, "record", "28.1", "100", "--as-of", "2020-11-30").exit_code == 0
    assert run(db, "record", "28.2", "20", "--as-of", "2020-11-30").exit_code == 0
    text = run(db, "report", "--month", "2020-11", "--lang", "zh").stdout
    assert "新实现年度目标：28.全民阅读设施建设" in text
    assert "进展较大" in text


def test_record_then_status_changes(db) -> None:
    result = run(db, "record", "2.1", "25.3", "--as-of", "2020-11-30", "--note", "11月数据")
    assert result.exit_code == 0, result.output
    data = json.loads(run(db, "status", "--as-of", "2020-11-30", "--json").stdout)
    assert 2 in data["summary"]["achieved"]
    october = json.loads(run(db, "status", "--as-of", "2020-10-31", "--json").stdout)
    assert 2 not in october["summary"]["achieved"]


def test_record_milestone_done(db) -> None:
    assert run(db, "record", "36.1", "--done", "--as-of", "2020-11-30").exit_code == 0
    data = json.loads(run(db, "status", "--as-of", "2020-11-30", "--json").stdout)
    assert 36 in data["summary"]["achieved"]


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["1.1", "abc"], "not a number"),
        (["1.1", "-5"], "negative"),
        (["99.9", "5"], "no target"),
        (["1.1", "45", "--as-of", "2021-02-01"], "outside the plan period"),
        (["1.1", "45", "--as-of", "2099-12-31"], "outside the plan period"),
        (["1.1", "45", "--done"], "quantity"),
        (["1.1"], "needs a number"),
    ],
)
def test_record_refuses_bad_input_with_status_2_and_one_line(db, args, reason) -> None:
    result = run(db, "record", *args)
    assert result.exit_code == 2
    assert reason in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_record_in_the_future_of_a_running_plan(tmp_path) -> None:
    from datetime import date

    year = date.today().year
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "plan,pledge,pledge_title,item,item_title,department,target,target_name,target_value,unit,baseline,"
        f"deadline,assessed,kind,schedule,note\nnow-{year},1,就业,1,就业,市人社局,1.1,新增就业,30,万人,,,yes,quantity,,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "new.sqlite")
    assert run(db, "import", "plan", str(plan)).exit_code == 0
    result = run(db, "record", "1.1", "5", "--as-of", f"{year}-12-31")
    if date.today() < date(year, 12, 31):
        assert result.exit_code == 2 and "in the future" in result.stderr


def test_import_progress_counts_one_reading_in_the_singular(db, tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("plan,target,as_of,value\nqingdao-2020,1.1,2020-11-30,42\n", encoding="utf-8")
    result = run(db, "import", "progress", str(one))
    assert result.exit_code == 0, result.output
    assert "1 reading added, 0 corrections, 0 already present" in result.stdout
    two = tmp_path / "two.csv"
    two.write_text(
        "plan,target,as_of,value\nqingdao-2020,1.1,2020-11-30,43\nqingdao-2020,1.2,2020-11-30,4.4\n",
        encoding="utf-8",
    )
    result = run(db, "import", "progress", str(two))
    assert result.exit_code == 0, result.output
    assert "1 reading added, 1 correction, 0 already present" in result.stdout


def test_import_export_round_trip_through_the_cli(tmp_path) -> None:
    db = str(tmp_path / "fresh.sqlite")
    assert run(db, "status").exit_code == 2  # no database yet: told to import
    assert run(db, "import", "plan", str(PLAN_CSV)).exit_code == 0
    result = run(db, "import", "progress", str(PROGRESS_CSV))
    assert result.exit_code == 0 and "91 readings added" in result.stdout
    assert "0 readings added" in run(db, "import", "progress", str(PROGRESS_CSV)).stdout
    assert run(db, "export", "plan", str(tmp_path / "p.csv")).exit_code == 0
    assert run(db, "export", "progress", str(tmp_path / "g.csv")).exit_code == 0
    db2 = str(tmp_path / "again.sqlite")
    assert run(db2, "import", "plan", str(tmp_path / "p.csv")).exit_code == 0
    assert run(db2, "import", "progress", str(tmp_path / "g.csv")).exit_code == 0
    one = json.loads(run(db, "status", "--as-of", "2020-10-31", "--json").stdout)
    two = json.loads(run(db2, "status", "--as-of", "2020-10-31", "--json").stdout)
    assert one == two


def test_bad_import_lists_every_problem_and_exits_2(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        PLAN_CSV.read_text(encoding="utf-8").replace(",30,万人", ",三十,万人"), encoding="utf-8"
    )
    db = str(tmp_path / "x.sqlite")
    result = run(db, "import", "plan", str(bad))
    assert result.exit_code == 2
    assert f"{bad}:2:target_value:" in result.stderr
    assert "nothing was imported" in result.stderr


def test_report_format_from_the_out_suffix(db, tmp_path: Path) -> None:
    out = tmp_path / "october.md"
    result = run(db, "report", "--month", "2020-10", "--lang", "en", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# 2020年青岛市市办实事: progress report")


def test_office_formats_need_a_file_and_bad_paths_write_nothing(db, tmp_path: Path) -> None:
    result = run(db, "report", "--month", "2020-10", "--format", "docx")
    assert result.exit_code == 2
    assert "--out FILE.docx" in result.output
    missing = tmp_path / "nowhere" / "r.xlsx"
    result = run(db, "report", "--month", "2020-10", "--out", str(missing))
    assert result.exit_code == 2 and "does not exist" in result.output
    assert not missing.parent.exists()


def test_export_to_an_old_excel_format_or_missing_directory_is_refused(db, tmp_path: Path) -> None:
    result = run(db, "export", "plan", str(tmp_path / "plan.xls"))
    assert result.exit_code == 2 and "plan.xls" in result.output
    result = run(db, "export", "progress", str(tmp_path / "none" / "p.csv"))
    assert result.exit_code == 2 and "cannot write" in result.output
