"""The year-end forecast where people read it: the month-end report's sentence (every
format), the `forecast` command (table, summary, JSON), zh and en.

The shipped sample has one reading per target (October), too few for a pace; a
September figure for 28.1 书亭 (60, then 64 of 100 in October) gives it one: 4 a month,
about 71.9 by the year end — item 28 is at risk.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.config import sqlite_url
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.reports.render import render_string
from pledgetrack.services.forecast import plan_forecast
from pledgetrack.services.month_report import build_month_report, render_report
from pledgetrack.services.progress import record
from pledgetrack.storage.db import make_engine
from tests.conftest import TODAY

OCTOBER = date(2020, 10, 1)
runner = CliRunner()

ZH = "按当前进度，预计年底仍有1项难以完成：28.全民阅读设施建设（预计完成71.9%）"
EN = "At the current pace, 1 item will likely not be achieved by the deadline: 28. 全民阅读设施建设 (projected 71.9%)"


def add_september(engine: Engine, key: str = "28.1", value: str = "60") -> None:
    record(engine, target_key=key, value=value, as_of="2020-09-30", entered_by="test",
           today=TODAY, confirm=True)  # fmt: skip


def test_the_sample_has_too_few_readings_for_any_projection(engine: Engine) -> None:
    found = plan_forecast(engine, on=date(2020, 10, 31))
    assert found.items_at_risk() == []
    report = build_month_report(engine, month=OCTOBER)
    assert report.at_risk == []
    assert "按当前进度" not in render_report(report, ReportFormat.text, "zh")


def test_an_item_whose_target_falls_short_at_its_pace_is_named_at_risk(engine: Engine) -> None:
    add_september(engine)
    found = plan_forecast(engine, on=date(2020, 10, 31))
    [item] = found.items_at_risk()
    assert (item.row.info.no, item.keys) == (28, ("28.1",))
    assert item.completion == pytest.approx((64 + 4 / 31 * 61) / 100 * 100)
    target = next(t for t in item.row.info.targets if t.key == "28.1")
    assert found.target(target).at_risk and found.target(target).readings == 2


def test_a_department_sees_only_its_items_at_risk(engine: Engine) -> None:
    add_september(engine)
    on = date(2020, 10, 31)
    assert plan_forecast(engine, on=on, department="市文化和旅游局").items_at_risk()
    assert plan_forecast(engine, on=on, department="市人力资源社会保障局").items_at_risk() == []


def test_a_target_that_keeps_up_is_not_at_risk(engine: Engine) -> None:
    add_september(engine, "32.1", "15000")  # 18881 of 20000 in October: +3881 a month
    assert plan_forecast(engine, on=date(2020, 10, 31)).items_at_risk() == []


@pytest.mark.parametrize(("lang", "sentence"), [("zh", ZH), ("en", EN)])
def test_the_month_report_says_which_items_will_likely_fall_short(
    engine: Engine, lang: str, sentence: str
) -> None:
    add_september(engine)
    report = build_month_report(engine, month=OCTOBER)
    assert [a.item_no for a in report.at_risk] == [28]
    assert sentence in render_report(report, ReportFormat.text, lang)
    assert sentence in render_report(report, ReportFormat.md, lang)
    assert sentence in render_string(report, ReportFormat.html, lang)


def test_an_approved_only_forecast_projects_approved_figures_only(engine: Engine) -> None:
    """A report (or forecast) of approved figures projects from approved ones only: the
    September figure, still submitted, gives no pace until a supervisor approves it."""
    from pledgetrack.services.review import review

    add_september(engine)
    on = date(2020, 10, 31)
    report = build_month_report(engine, month=OCTOBER, approved_only=True)
    assert report.at_risk == []
    assert "按当前进度" not in render_report(report, ReportFormat.text, "zh")
    assert plan_forecast(engine, on=on, approved_only=True).items_at_risk() == []
    assert plan_forecast(engine, on=on).items_at_risk()  # every figure: at risk
    review(engine, decision="approved", target_key="28.1", as_of=date(2020, 9, 30), actor="sup")
    report = build_month_report(engine, month=OCTOBER, approved_only=True)
    assert [a.item_no for a in report.at_risk] == [28]
    assert ZH in render_report(report, ReportFormat.text, "zh")
    [item] = plan_forecast(engine, on=on, approved_only=True).items_at_risk()
    assert item.keys == ("28.1",)


def test_the_forecast_command_reads_approved_figures_only_when_asked(
    engine: Engine, tmp_path: Path
) -> None:
    add_september(engine)
    db = ["--db", engine.url.render_as_string(hide_password=False)]
    every = runner.invoke(app, [*db, "forecast", "--as-of", "2020-10-31", "--summary", "--json"])
    approved = runner.invoke(
        app, [*db, "forecast", "--as-of", "2020-10-31", "--summary", "--json", "--approved-only"]
    )
    assert every.exit_code == approved.exit_code == 0, every.output + approved.output
    assert [i["no"] for i in json.loads(every.output)["items_at_risk"]] == [28]
    assert json.loads(approved.output)["items_at_risk"] == []


def test_the_office_formats_carry_the_sentence(engine: Engine, tmp_path: Path) -> None:
    from docx import Document
    from openpyxl import load_workbook

    from pledgetrack.services.month_report import write_report

    add_september(engine)
    report = build_month_report(engine, month=OCTOBER)
    write_report(report, ReportFormat.docx, "zh", tmp_path / "r.docx")
    paragraphs = [p.text for p in Document(str(tmp_path / "r.docx")).paragraphs]
    assert ZH in paragraphs
    write_report(report, ReportFormat.xlsx, "en", tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx", read_only=True)
    cells = {c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row}
    assert EN in cells


# ---- the command line -----------------------------------------------------------------


def run(db: Path, *args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", str(db), *args])


def with_september(cli_db: Path) -> Path:
    engine = make_engine(sqlite_url(cli_db))
    add_september(engine)
    engine.dispose()
    return cli_db


def test_forecast_json_names_the_items_and_targets_at_risk(cli_db: Path) -> None:
    result = run(with_september(cli_db), "forecast", "--as-of", "2020-10-31", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == "2020-10-31" and data["plan"]
    assert data["items_at_risk"] == [
        {"no": 28, "title": "全民阅读设施建设", "targets": ["28.1"], "projected_completion": 71.9}
    ]
    by_key = {t["key"]: t for t in data["targets"]}
    assert by_key["28.1"]["outlook"] == "at_risk" and by_key["28.1"]["readings"] == 2
    assert by_key["28.2"]["outlook"] == "few_readings" and by_key["28.2"]["projected_value"] is None
    assert data["counts"]["at_risk"] == 1
    assert by_key["28.1"]["department_forecast"] is None


def test_the_departments_own_forecast_is_shown_beside_the_computed_one(cli_db: Path) -> None:
    engine = make_engine(sqlite_url(with_september(cli_db)))
    record(engine, target_key="28.1", value="64", as_of="2020-10-31", entered_by="test",
           today=TODAY, confirm=True, forecast="2020-12")  # fmt: skip
    engine.dispose()
    data = json.loads(run(cli_db, "forecast", "--as-of", "2020-10-31", "--json").stdout)
    [target] = [t for t in data["targets"] if t["key"] == "28.1"]
    assert (target["outlook"], target["department_forecast"]) == ("at_risk", "2020-12-31")
    table = run(cli_db, "--lang", "zh", "forecast", "--as-of", "2020-10-31", "--at-risk").stdout
    assert "2020-12-31 │ 有风险 │ 2020-12-31" in table
    assert table.count("┏") == 1  # the table once (no caption: printed whole, once)
    assert all(t["outlook"] != "not_quantity" for t in data["targets"])


@pytest.mark.parametrize(
    ("lang", "sentence", "label"), [("zh", ZH, "有风险"), ("en", EN, "at risk")]
)
def test_forecast_table_and_summary_in_both_languages(
    cli_db: Path, lang: str, sentence: str, label: str
) -> None:
    db = with_september(cli_db)
    result = run(db, "--lang", lang, "forecast", "--as-of", "2020-10-31", "--at-risk")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if "│" in line and label in line]
    assert len(rows) == 1 and "28.1" in rows[0] and "71.9%" in rows[0]
    assert sentence in result.stdout
    summary = run(db, "--lang", lang, "forecast", "--as-of", "2020-10-31", "--summary")
    assert summary.exit_code == 0 and sentence in summary.stdout and "│" not in summary.stdout


def test_forecast_says_when_nothing_can_be_projected(cli_db: Path) -> None:
    result = run(cli_db, "--lang", "zh", "forecast", "--as-of", "2020-10-31", "--summary")
    assert result.exit_code == 0
    assert "填报不足两次，暂无研判" in result.stdout
    assert "可研判的指标中暂无难以按期完成的事项" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2019-06-30"], "--as-of: 2019-06-30 is outside the plan period"),
        (["--as-of", "yesterday"], "--as-of"),
        (["--department", "无此单位"], "无此单位"),
        (["--plan", "no-such-plan"], "no-such-plan"),
    ],
)
def test_forecast_refuses_what_it_cannot_answer(
    cli_db: Path, args: list[str], message: str
) -> None:
    result = run(cli_db, "forecast", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_a_long_at_risk_list_names_the_furthest_behind_and_counts_the_rest() -> None:
    from pledgetrack.reports.model import AtRiskItem
    from pledgetrack.reports.text import at_risk_sentence

    items = [
        AtRiskItem(item_no=n, item_title=f"事项{n}", departments=["市某局"], completion=90.0 - n)
        for n in range(1, 13)
    ]
    zh = at_risk_sentence(items, "zh", limit=3)
    assert zh == (
        "按当前进度，预计年底仍有12项难以完成：10.事项10（预计完成80%）、"
        "11.事项11（预计完成79%）、12.事项12（预计完成78%），另有9项"
    )
    en = at_risk_sentence(items, "en", limit=3)
    assert en.endswith("12. 事项12 (projected 78%) and 9 more")
    assert at_risk_sentence(items[:3], "zh", limit=3).endswith("3.事项3（预计完成87%）")
