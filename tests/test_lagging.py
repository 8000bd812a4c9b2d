"""An item's lagging target, the attention board's order by gap, and the lines a
supervisor reads out on the phone (pure, and services.attention's words)."""

from __future__ import annotations

from datetime import date

from pledgetrack.domain.evaluation import ItemRow, PlanEvaluation
from pledgetrack.domain.lagging import attention_gap, lagging_target
from pledgetrack.domain.model import (
    ItemResult,
    PlanPeriod,
    Reading,
    Status,
    TargetKind,
    TargetResult,
    TargetRule,
)
from pledgetrack.domain.plan import ItemInfo, PlanStructure, PledgeInfo, TargetInfo
from pledgetrack.services.attention import item_lag_text, lag_text, phone_list

ON = date(2020, 10, 31)
DEADLINE = date(2020, 12, 31)


def target(
    key: str, name: str, goal: float | None, unit: str = "处", *, assessed: bool = True
) -> TargetInfo:
    kind = TargetKind.MILESTONE if goal is None else TargetKind.QUANTITY
    rule = TargetRule(kind=kind, deadline=DEADLINE, assessed=assessed, target_value=goal)
    return TargetInfo(id=hash(key) % 10_000, key=key, item_no=int(key.split(".")[0]),
                      name=name, unit=unit, rule=rule)  # fmt: skip


def result(completion: float | None, expected: float, value: float | None = None) -> TargetResult:
    reading = Reading(as_of=ON, value=value) if value is not None else None
    achieved = completion is not None and completion >= 100
    status = Status.ACHIEVED if achieved else Status.BEHIND
    return TargetResult(status, completion, expected, achieved, reading)


def item(
    no: int,
    department: str,
    *targets: tuple[TargetInfo, TargetResult],
    status: Status = Status.BEHIND,
) -> ItemRow:
    info = ItemInfo(id=no, no=no, title=f"事项{no}", pledge_no=1, departments=(department,),
                    targets=tuple(t for t, _ in targets))  # fmt: skip
    results = tuple(r for _, r in targets)
    res = ItemResult(status, 50.0, 80.0, False, results)
    return ItemRow(info, res, ON)


def evaluation(*rows: ItemRow) -> PlanEvaluation:
    structure = PlanStructure(
        id=1,
        code="t",
        title="test",
        period=PlanPeriod(date(2020, 1, 1), DEADLINE),
        pledges=(PledgeInfo(1, "p"),),
        items=tuple(r.info for r in rows),
    )
    return PlanEvaluation(structure, ON, rows)


def test_the_lagging_target_is_the_assessed_one_furthest_below_expected() -> None:
    row = item(
        18,
        "市城市管理局",
        (target("18.1", "开工", 10), result(100.0, 90.0, 10)),  # achieved: never lagging
        (target("18.2", "参考", 10, assessed=False), result(0.0, 90.0, 0)),  # reference only
        (target("18.3", "完工", 10), result(70.0, 90.0, 7)),  # 20 points behind
        (target("18.4", "验收", 10), result(80.0, 90.0, 8)),  # 10 points behind
    )
    lag = lagging_target(row)
    assert lag is not None and lag.target.key == "18.3"
    assert lag.gap == 20.0 and lag.value == 7 and lag.expected_value == 9.0
    assert lag_text(lag, "zh") == "18.3 完工7处，应达9处"
    assert lag_text(lag, "en") == "18.3 完工: 7 处, 9 处 expected by now"
    assert attention_gap(row) == 20.0


def test_no_lagging_target_when_every_assessed_target_is_ahead() -> None:
    row = item(1, "A", (target("1.1", "x", 10), result(95.0, 90.0, 9.5)))
    assert lagging_target(row) is None and attention_gap(row) == 0.0
    assert item_lag_text(row, "zh") == "—"


def test_lag_without_a_figure_and_of_a_milestone() -> None:
    none = item(2, "A", (target("2.1", "书亭", 30), result(None, 50.0)))
    assert item_lag_text(none, "zh") == "2.1 书亭尚无填报，应达15处"
    done = item(3, "A", (target("3.1", "提高低保标准", None, unit=""), result(0.0, 100.0)))
    assert item_lag_text(done, "zh") == "3.1 提高低保标准尚未完成，应已完成"
    assert item_lag_text(done, "en") == "3.1 提高低保标准: not done, expected done by now"


def test_the_board_orders_by_gap_worst_first_not_by_name_or_number() -> None:
    # Number order (1, 2, 3, 4) and name order (A, B, C) both differ from gap order.
    rows = (
        item(1, "A", (target("1.1", "x", 100), result(70.0, 80.0, 70))),  # 10 behind
        item(2, "B", (target("2.1", "x", 100), result(30.0, 80.0, 30))),  # 50 behind
        item(3, "C", (target("3.1", "x", 100), result(55.0, 80.0, 55))),  # 25 behind
        item(4, "A", (target("4.1", "x", 100), result(20.0, 80.0, 20))),  # 60 behind
    )
    groups = evaluation(*rows).attention_by_department()
    assert [(name, [r.info.no for r in rs]) for name, rs in groups] == [
        ("A", [4, 1]),  # its worst item is 60 behind
        ("B", [2]),
        ("C", [3]),
    ]


def test_severity_still_comes_before_the_gap() -> None:
    rows = (
        item(1, "A", (target("1.1", "x", 100), result(10.0, 80.0, 10))),  # behind, 70
        item(2, "B", (target("2.1", "x", 100), result(75.0, 100.0, 75)), status=Status.OVERDUE),
    )
    groups = evaluation(*rows).attention_by_department()
    assert [name for name, _ in groups] == ["B", "A"]


def test_phone_list_reads_a_departments_items_worst_first() -> None:
    rows = (
        item(1, "市城市管理局", (target("1.1", "完工", 10), result(80.0, 90.0, 8))),
        item(4, "市城市管理局", (target("4.1", "开工", 10), result(50.0, 90.0, 5))),
        item(2, "市教育局", (target("2.1", "x", 10), result(10.0, 90.0, 1))),
    )
    ev = evaluation(*rows)
    assert phone_list(ev, "市城市管理局", "zh") == (
        "市城市管理局：截至2020年10月31日，2项需关注\n"
        "1. 第4项 事项4（进度滞后）：4.1 开工5处，应达9处；最近填报：2020年10月31日\n"
        "2. 第1项 事项1（进度滞后）：1.1 完工8处，应达9处；最近填报：2020年10月31日"
    )
    assert phone_list(ev, "市教育局", "en").splitlines() == [
        "市教育局: as of 2020-10-31, 1 item needs attention",
        "1. Item 2, 事项2 (behind): 2.1 x: 1 处, 9 处 expected by now; last report: 2020-10-31",
    ]
