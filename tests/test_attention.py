"""The attention board's grouping: lead department, most severe first (pure)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.lagging import attention_gap
from pledgetrack.domain.model import ItemResult, PlanPeriod, Policy, Status
from pledgetrack.domain.plan import ItemInfo, PlanStructure, PledgeInfo
from pledgetrack.services.status import plan_status

ON = date(2020, 10, 31)


def row(no: int, status: Status, *departments: str) -> ItemRow:
    info = ItemInfo(
        id=no, no=no, title=f"item {no}", pledge_no=1, departments=departments, targets=()
    )
    result = ItemResult(status=status, completion=None, expected=None, achieved=False)
    return ItemRow(info, result)


def evaluation(*rows: ItemRow) -> PlanEvaluation:
    structure = PlanStructure(
        id=1,
        code="t",
        title="test",
        period=PlanPeriod(date(2020, 1, 1), date(2020, 12, 31)),
        pledges=(PledgeInfo(1, "p"),),
        items=tuple(r.info for r in rows),
    )
    return PlanEvaluation(structure, ON, rows)


def shape(groups: list[tuple[str, list[ItemRow]]]) -> list[tuple[str, list[int]]]:
    return [(name, [r.info.no for r in rows]) for name, rows in groups]


def test_existing_severity_order() -> None:
    # The board uses Status.severity as it is: overdue, not reported, behind.
    assert Status.OVERDUE.severity > Status.NOT_REPORTED.severity > Status.BEHIND.severity


def test_only_attention_statuses_under_the_lead_department() -> None:
    ev = evaluation(
        row(1, Status.ACHIEVED, "A"),
        row(2, Status.ON_TRACK, "A"),
        row(3, Status.BEHIND, "B", "A"),
        row(4, Status.NOT_REPORTED, "A", "B"),
    )
    assert shape(ev.attention_by_department()) == [("A", [4]), ("B", [3])]


def test_groups_by_worst_item_then_size_then_name() -> None:
    ev = evaluation(
        row(1, Status.BEHIND, "D"),
        row(2, Status.BEHIND, "C"),
        row(3, Status.BEHIND, "C"),
        row(4, Status.NOT_REPORTED, "B"),
        row(5, Status.BEHIND, "A"),
        row(6, Status.OVERDUE, "E"),
        row(7, Status.BEHIND, "E"),
        row(8, Status.NOT_REPORTED, "F"),
        row(9, Status.BEHIND, "F"),
    )
    assert shape(ev.attention_by_department()) == [
        ("E", [6, 7]),  # overdue
        ("F", [8, 9]),  # not reported, two items
        ("B", [4]),  # not reported, one item
        ("C", [2, 3]),  # behind, two items
        ("A", [5]),  # behind, one item, by name
        ("D", [1]),
    ]


def test_rows_within_a_group_by_severity_then_number() -> None:
    ev = evaluation(
        row(1, Status.BEHIND, "A"),
        row(2, Status.NOT_REPORTED, "A"),
        row(3, Status.OVERDUE, "A"),
        row(4, Status.NOT_REPORTED, "A"),
    )
    assert shape(ev.attention_by_department()) == [("A", [3, 2, 4, 1])]


def test_empty_when_nothing_needs_attention() -> None:
    assert evaluation(row(1, Status.ACHIEVED, "A")).attention_by_department() == []
    assert evaluation().attention_by_department() == []


def test_qingdao_october_six_behind_items(qingdao: Engine) -> None:
    groups = plan_status(qingdao, on=ON, policy=Policy()).attention_by_department()
    assert len(groups) == 6
    assert sorted(r.info.no for _, rows in groups for r in rows) == [8, 15, 18, 26, 28, 30]
    assert all(len(rows) == 1 and rows[0].result.status is Status.BEHIND for _, rows in groups)
    # Worst gap first: three targets at 0 % of 83.3 % (by name among them), then 28.2
    # (33.3 points), 8.2 (19.9), 18.3 (13.3) — not by name, not by item number.
    assert shape(groups) == [
        ("市体育局", [30]),
        ("市卫生健康委", [15]),
        ("市市场监管局", [26]),
        ("市文化和旅游局", [28]),
        ("市住房城乡建设局", [8]),
        ("市城市管理局", [18]),
    ]
    gaps = [round(attention_gap(rows[0]), 1) for _, rows in groups]
    assert gaps == [83.3, 83.3, 83.3, 33.3, 19.9, 13.3]
    # 献血屋设置 is led by 市卫生健康委 (市红十字会 co-operates).
    assert "市红十字会" not in [name for name, _ in groups]


def test_qingdao_september_all_not_reported(qingdao: Engine) -> None:
    groups = plan_status(qingdao, on=date(2020, 9, 30), policy=Policy()).attention_by_department()
    rows = [r for _, rows in groups for r in rows]
    assert len(rows) == 36
    assert {r.result.status for r in rows} == {Status.NOT_REPORTED}
    sizes = [len(rows) for _, rows in groups]
    assert sizes == sorted(sizes, reverse=True)


def test_qingdao_november_without_figures_is_not_yet_late(qingdao: Engine) -> None:
    # November figures are due by 5 December, so on 30 November the October figures
    # still count: nothing is "not reported", and two more items fall behind.
    ev = plan_status(qingdao, on=date(2020, 11, 30), policy=Policy())
    rows = [r for _, rows in ev.attention_by_department() for r in rows]
    assert sorted(r.info.no for r in rows) == [8, 10, 15, 16, 18, 26, 28, 30]
    assert {r.result.status for r in rows} == {Status.BEHIND}


def test_qingdao_december_overdue_first(qingdao: Engine) -> None:
    # By the plan end the November figures are missing: one item overdue, the rest
    # not reported; the overdue item's department leads the board.
    groups = plan_status(qingdao, on=date(2020, 12, 31), policy=Policy()).attention_by_department()
    assert groups[0][1][0].result.status is Status.OVERDUE
    assert shape(groups)[0] == ("市公安局交通警察支队", [10])
    # then the not-reported ones, worst gap first
    gaps = [attention_gap(rows[0]) for _, rows in groups[1:]]
    assert gaps == sorted(gaps, reverse=True)
