"""The month-end report model: scorecard, late reports, history, and the formats behind one call."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.domain.model import Policy, Status
from pledgetrack.domain.report_format import ReportFormat, format_for
from pledgetrack.reports.render import render_string
from pledgetrack.reports.text import render_text, scorecard_lines
from pledgetrack.services.month_report import build_month_report
from pledgetrack.services.progress import record
from tests.conftest import TODAY

OCTOBER = date(2020, 10, 1)


def test_scorecard_counts_every_department_over_the_items_it_answers_for(qingdao: Engine) -> None:
    report = build_month_report(qingdao, month=OCTOBER)
    scores = {s.name: s for s in report.departments}
    # Every responsible department once, lead of item 1 first.
    assert report.departments[0].name == "市人力资源社会保障局"
    assert sum(s.lead_items for s in report.departments) == 36
    for item in (i for section in report.pledges for i in section.items):
        for name in item.departments:
            assert name in scores
    culture = scores["市文化和旅游局"]
    assert (culture.items, culture.lead_items) == (2, 2)
    assert culture.counts[Status.ACHIEVED] == 1 and culture.counts[Status.BEHIND] == 1
    # Mean completion caps each item at 100 %: item 29 (milestone, 100) and 28 (71.3).
    assert culture.completion == pytest.approx(85.7, abs=0.05)


def test_late_reports_are_figures_entered_after_the_reporting_day(qingdao: Engine) -> None:
    """The sample's October figures were entered on 2020-11-11 (the report's date): late."""
    report = build_month_report(qingdao, month=OCTOBER)
    assert report.reporting_deadline == date(2020, 11, 5)
    items = [i for section in report.pledges for i in section.items]
    for score in report.departments:
        answered = [i for i in items if score.name in i.departments]
        assert score.late_reports == sum(len(i.targets) for i in answered), score.name
    assert all(t.entered_late for s in report.pledges for i in s.items for t in i.targets)
    # November: one figure on time, one late.
    from sqlmodel import Session, select

    from pledgetrack.domain.model import StoredReading
    from pledgetrack.services.progress import save_entries
    from pledgetrack.storage.tables import Target

    with Session(qingdao) as session:
        t1 = session.exec(select(Target).where(Target.key == "28.1")).one()
    on_time = StoredReading(t1.id, "28.1", date(2020, 11, 30), 100.0, None, entered_by="a")
    save_entries(qingdao, [on_time], now=datetime(2020, 12, 3, 9, 0, tzinfo=UTC))
    record(qingdao, target_key="28.2", value="20", as_of="2020-11-30", entered_by="b")
    november = build_month_report(qingdao, month=date(2020, 11, 1), department="市文化和旅游局")
    assert [s.name for s in november.departments] == ["市文化和旅游局"]
    assert november.departments[0].late_reports == 1  # 28.2 entered today (2026), 28.1 on time
    item = november.item(28)
    assert [t.entered_late for t in item.targets] == [False, True, False]


def test_history_holds_every_record_of_the_month(qingdao: Engine) -> None:
    record(qingdao, target_key="1.1", value="45", as_of="2020-11-30", entered_by="x", today=TODAY)
    record(qingdao, target_key="1.1", value="46", as_of="2020-11-30", entered_by="y", today=TODAY)
    october = build_month_report(qingdao, month=OCTOBER, with_history=True)
    assert len(october.history) == 91
    november = build_month_report(qingdao, month=date(2020, 11, 1), with_history=True)
    lines = [h.reading for h in november.history if h.reading.key == "1.1"]
    assert {h.item_no for h in november.history if h.reading.key == "1.1"} == {1}
    assert [(h.value, h.correction, h.superseded) for h in lines] == [
        (45.0, False, True),
        (46.0, True, False),
    ]
    assert build_month_report(qingdao, month=OCTOBER).history == []


def test_text_report_ends_with_the_scorecard(qingdao: Engine) -> None:
    report = build_month_report(qingdao, month=OCTOBER)
    text = render_text(report, "zh")
    assert "各责任单位情况" in text
    assert "市文化和旅游局：负责2项（牵头2项），已完成1项、进度滞后1项；迟报指标6个。" in text
    assert "迟报：本月数据在2020年11月5日之后才填报。" in text
    english = scorecard_lines(report, "en")
    assert english[0].startswith("市人力资源社会保障局: items 2 (lead 2): 1 achieved; 1 on track")


def test_formats_by_name_and_suffix() -> None:
    assert format_for(Path("a.xlsx")) is ReportFormat.xlsx
    assert format_for(Path("a.TXT")) is ReportFormat.text
    assert format_for(Path("a.htm")) is ReportFormat.html
    assert format_for(Path("a.pdf")) is None
    assert ReportFormat.docx.binary and not ReportFormat.md.binary


def test_render_string_refuses_binary_formats(qingdao: Engine) -> None:
    report = build_month_report(qingdao, month=OCTOBER, policy=Policy())
    assert render_string(report, ReportFormat.text, "zh") == render_text(report, "zh")
    with pytest.raises(ValueError):
        render_string(report, ReportFormat.xlsx, "zh")


def test_pledge_headings_count_past_ninety_nine() -> None:
    """A province list has hundreds of pledges: 一百零五、 not an error."""
    from pledgetrack.domain.numbers import chinese_number, pledge_heading
    from pledgetrack.exchange.cells import parse_ordinal

    assert [chinese_number(n) for n in (1, 10, 12, 20, 105, 110, 345, 1001, 3420)] == [
        "一", "十", "十二", "二十", "一百零五", "一百一十", "三百四十五", "一千零一", "三千四百二十",
    ]  # fmt: skip
    assert pledge_heading(12, "zh") == "十二、" and pledge_heading(12, "en") == "12."
    for n in range(1, 1200):
        assert parse_ordinal(chinese_number(n)) == n, n


def test_a_report_built_from_the_structure_the_caller_holds_loads_no_plan(
    qingdao: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard passes the plan it shows: the report is the same, and the plan is not
    loaded a second time."""
    from sqlmodel import Session

    from pledgetrack.services import month_report
    from pledgetrack.storage.queries import load_structure

    with Session(qingdao) as session:
        structure = load_structure(session=session)
    loaded = build_month_report(qingdao, month=OCTOBER, with_history=True)

    def no_reload(**_: object) -> None:
        raise AssertionError("the plan was loaded again")

    monkeypatch.setattr(month_report, "load_structure", no_reload)
    held = build_month_report(qingdao, month=OCTOBER, structure=structure, with_history=True)
    assert held == loaded
