"""What real lists say (PRODUCT.md): flat lists, items without an annual target, no
department, being ahead — through the command line: import → status → report → export,
on SQLite and (PLEDGETRACK_TEST_BACKEND=postgresql) PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.storage.db import create_schema, make_engine
from tests.backends import DEFAULT_BACKEND, database_url
from tests.conftest import write

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
runner = CliRunner()

#: A flat list (no pledge column) that names no department, with one item without an annual
#: target (常态化开展: its only target a reference figure with no 目标值), one node target
#: (due in June), a percentage, and a name ending in Latin letters.
FLAT_PLAN = (
    "plan,plan_title,item,item_title,target,target_name,target_value,unit,deadline,assessed,kind\n"
    "town-2023,2023年民生实事,1,公共场所急救设施,1.1,安装AED,100,台,,yes,quantity\n"
    "town-2023,2023年民生实事,1,公共场所急救设施,1.2,工程进度,100,%,,yes,quantity\n"
    "town-2023,2023年民生实事,2,老旧小区加装电梯,2.1,加装电梯,40,部,2023-06-30,yes,quantity\n"
    "town-2023,2023年民生实事,3,文明城市常态长效,3.1,开展志愿服务,,场次,,no,quantity\n"
)
FLAT_PROGRESS = (
    "plan,target,as_of,value\n"
    "town-2023,1.1,2023-09-30,60\n"
    "town-2023,1.2,2023-09-30,93\n"
    "town-2023,2.1,2023-09-30,40\n"
    "town-2023,3.1,2023-09-30,1200\n"
)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty database at this program's schema, and no user config."""
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    with database_url(DEFAULT_BACKEND, tmp_path) as found:
        engine = make_engine(found)
        create_schema(engine)
        engine.dispose()
        yield found


def run(url: str, *args: str) -> str:
    result = runner.invoke(app, ["--db", url, *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def plan_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return next(csv.reader(f))


def test_the_linan_list_is_flat_from_import_to_export(url: str, tmp_path: Path) -> None:
    """临安 2022 has no 件 level: nothing shows or counts one, and its export re-imports flat."""
    dry = run(url, "import", "plan", str(EXAMPLES / "linan-2022-plan.xlsx"), "--dry-run")
    assert "plan linan-2022 would be created: a flat list, 3 items (3 added" in dry
    said = run(url, "import", "plan", str(EXAMPLES / "linan-2022-plan.xlsx"))
    assert "no 件 column: a flat list" in said
    run(url, "import", "progress", str(EXAMPLES / "linan-2022-progress.csv"))

    table = run(url, "--lang", "zh", "status", "--plan", "linan-2022", "--as-of", "2022-09-30")
    assert "一、" not in table and "三、" not in table
    data = json.loads(run(url, "status", "--plan", "linan-2022", "--as-of", "2022-09", "--json"))
    assert data["flat"] is True
    assert [(i["no"], i["pledge"], i["pledge_title"]) for i in data["items"]] == [
        (1, None, None),
        (2, None, None),
        (3, None, None),
    ]

    zh = run(url, "--lang", "zh", "report", "--plan", "linan-2022", "--month", "2022-09")
    headline = zh.splitlines()[2]
    assert headline.startswith("截至2022年9月底，2022年区政府民生实事项目3项中的2项已实现年度目标")
    assert headline.endswith("；其余1项进度滞后。")
    assert "件" not in zh and "一、" not in zh and "1件" not in zh
    # A title written as a sentence is not followed by its full stop before 方面.
    assert "6800个方面" in zh and "。方面" not in zh
    en = run(url, "--lang", "en", "report", "--plan", "linan-2022", "--month", "2022-09")
    assert "2 of the 3 items of 2022年区政府民生实事项目 have reached" in en
    assert "pledge" not in en
    html = run(url, "report", "--plan", "linan-2022", "--month", "2022-09", "--format", "html")
    assert "<h3>" not in html.split('id="pledges"', 1)[1].split("</section></section>", 1)[0]

    book = tmp_path / "linan.xlsx"
    run(
        url,
        "--lang",
        "zh",
        "report",
        "--plan",
        "linan-2022",
        "--month",
        "2022-09",
        "--out",
        str(book),
    )
    items = load_workbook(book)["事项"]
    assert [c.value for c in items[1]][:3] == ["序号", "事项", "牵头单位"]

    exported = tmp_path / "linan.csv"
    runner.invoke(app, ["--db", url, "export", "plan", str(exported), "--plan", "linan-2022"])
    assert "pledge" not in plan_header(exported) and "item" in plan_header(exported)
    again = tmp_path / "again.sqlite"
    create_schema(make_engine(f"sqlite:///{again}"))
    run(str(again), "import", "plan", str(exported))
    data = json.loads(run(str(again), "status", "--as-of", "2022-09-30", "--json"))
    assert data["flat"] is True and len(data["items"]) == 3
    second = tmp_path / "second.csv"
    run(str(again), "export", "plan", str(second))
    assert second.read_bytes() == exported.read_bytes()


def test_a_documented_plan_file_without_pledges_or_departments(url: str, tmp_path: Path) -> None:
    """Items without an annual target are tracked and said apart; no department is made up."""
    plan = write(tmp_path / "town-2023-plan.csv", FLAT_PLAN)
    run(url, "import", "plan", str(plan))
    run(url, "import", "progress", str(write(tmp_path / "p.csv", FLAT_PROGRESS)))

    data = json.loads(run(url, "status", "--as-of", "2023-09-30", "--json"))
    assert data["flat"] is True
    assert data["summary"]["without_annual_target"] == [3]
    items = {i["no"]: i for i in data["items"]}
    assert [items[n]["annual_target"] for n in (1, 2, 3)] == [True, True, False]
    assert items[3]["departments"] == [] and items[3]["targets"][0]["target"] is None
    assert items[3]["targets"][0]["value"] == 1200  # tracked all the same

    zh = run(url, "--lang", "zh", "report", "--month", "2023-09")
    lines = zh.splitlines()
    assert lines[2] == (
        "截至2023年9月底，2023年民生实事3项中，2项设年度目标，已完成1项，包括老旧小区加装电梯方面"
        "；其余1项进度滞后。不设年度目标、常态化开展的有1项：文明城市常态长效方面。"
    )
    assert "安装AED 60台，占年计划的60%" in zh  # a space after Latin letters
    assert "工程进度93%。" in zh and "93%，占年计划" not in zh  # a percentage is not repeated
    assert "加装电梯40部，完成节点目标的100%（期限2023年6月30日）" in zh  # a node, not the year
    assert "开展志愿服务1200场次。【常态化开展】" in zh  # a reference figure: no share
    assert "（）" not in zh and "()" not in zh  # no department: none invented
    assert "1.公共场所急救设施：进度滞后。" in zh
    assert "各责任单位情况" not in zh  # no department, no scorecard

    en = run(url, "--lang", "en", "report", "--month", "2023-09")
    assert (
        "As of the end of September 2023, 2 of the 3 items of 2023年民生实事 have an annual "
        "target; 1 has reached it: 2 老旧小区加装电梯. The other 1 is behind. 1 item has no "
        "annual target and is carried on as routine work: 3 文明城市常态长效."
    ) in en
    assert "安装AED 60 台, 60% of the annual target" in en and "工程进度 93%." in en
    assert "1. 公共场所急救设施: behind." in en

    exported = tmp_path / "town.csv"
    run(url, "export", "plan", str(exported))
    header = plan_header(exported)
    assert "pledge" not in header
    with exported.open(encoding="utf-8-sig", newline="") as f:
        rows = {r["target"]: r for r in csv.DictReader(f)}
    assert (rows["3.1"]["target_value"], rows["3.1"]["assessed"]) == ("", "no")
    assert "department" not in header  # no item names one
    again = tmp_path / "again.sqlite"
    create_schema(make_engine(f"sqlite:///{again}"))
    run(str(again), "import", "plan", str(exported))
    back = json.loads(run(str(again), "status", "--as-of", "2023-09-30", "--json"))
    assert back["flat"] is True and back["summary"]["without_annual_target"] == [3]


def test_a_plan_file_with_pledges_needs_their_titles(url: str, tmp_path: Path) -> None:
    plan = write(
        tmp_path / "x-2023.csv",
        "plan,pledge,item,item_title,department,target,target_name,target_value,assessed,kind\n"
        "x-2023,1,1,就业,人社局,1.1,新增就业,10,yes,quantity\n",
    )
    result = runner.invoke(app, ["--db", url, "import", "plan", str(plan)])
    assert result.exit_code != 0
    assert "pledge_title: missing column" in " ".join(result.output.split())


def test_the_grouped_report_follows_the_bulletins(cli_db: Path) -> None:
    """Qingdao, October 2020, grouped as the bulletins group it."""
    zh = run(str(cli_db), "--lang", "zh", "report", "--month", "2020-10", "--grouped")
    headings = [line for line in zh.splitlines() if line.endswith("项）")]
    assert headings == [
        "完成全年目标（18项）",
        "超额完成节点目标（2项）",
        "按计划推进（10项）",
        "滞后（6项）",
    ]
    assert "一、" not in zh
    body = zh.split("超额完成节点目标（2项）", 1)[1].split("按计划推进", 1)[0]
    assert body.lstrip().startswith("9.供热燃气设施建设方面") and "32." in body
    en = run(str(cli_db), "--lang", "en", "report", "--month", "2020-10", "--grouped")
    assert "Ahead of the schedule (2 items)" in en and "Behind (6 items)" in en
    plain = run(str(cli_db), "--lang", "zh", "report", "--month", "2020-10")
    assert "超额完成节点目标" not in plain and "一、" in plain


def test_the_ahead_margin_is_a_setting(cli_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = json.loads(run(str(cli_db), "status", "--as-of", "2020-10", "--summary", "--json"))
    assert summary["items"]["ahead"] == [9, 32]
    monkeypatch.setenv("PLEDGETRACK_AHEAD_MARGIN", "15")
    wider = json.loads(run(str(cli_db), "status", "--as-of", "2020-10", "--summary", "--json"))
    assert wider["items"]["ahead"] == [9]  # 98.5 % against 83.3 %; 32 is 94.4 %
    assert wider["counts"]["achieved"] == 18
    monkeypatch.setenv("PLEDGETRACK_AHEAD_MARGIN", "-1")
    result = runner.invoke(app, ["--db", str(cli_db), "status"])
    assert result.exit_code == 2 and "PLEDGETRACK_AHEAD_MARGIN" in result.output


def test_a_target_value_saying_routine_work_is_a_reference_figure(url: str, tmp_path: Path) -> None:
    """目标值 常态化开展: the item has no annual target; no figure is made up for it."""
    plan = write(
        tmp_path / "y-2023.csv",
        "plan,pledge,pledge_title,item,item_title,department,target,target_name,target_value,"
        "unit,assessed,kind\n"
        "y-2023,1,民生,1,就业,人社局,1.1,新增就业,10,万人,yes,quantity\n"
        "y-2023,1,民生,2,志愿服务,文明办,2.1,志愿服务,常态化开展,场次,yes,quantity\n",
    )
    run(url, "import", "plan", str(plan))
    data = json.loads(run(url, "status", "--as-of", "2023-03-31", "--json"))
    routine = data["items"][1]
    assert routine["annual_target"] is False and data["summary"]["without_annual_target"] == [2]
    assert (routine["targets"][0]["target"], routine["targets"][0]["assessed"]) == (None, False)
    assert data["flat"] is False and data["items"][0]["pledge_title"] == "民生"


# ------------------------------------------------------- 岳阳楼区 (data/examples/README.md)


def _cells(path: Path) -> tuple[list[tuple[object, ...]], set[str]]:
    ws = load_workbook(path).active
    return list(ws.iter_rows(values_only=True)), {str(r) for r in ws.merged_cells.ranges}


def test_the_yueyanglou_2019_completion_table_imports_as_published(
    url: str, tmp_path: Path
) -> None:
    """序号 | 项目名称 | 责任单位 | 目标任务 (a figure: 8950人) | 1-7月实际完成情况 | 任务完成率 |
    备注: plan and progress from the one table; the verdicts are the published ones where
    the table gives a figure, and nothing is made up where it gives only a percentage."""
    from scripts.make_example_lists import write_yueyanglou_2019

    shipped = EXAMPLES / "yueyanglou-2019-office.xlsx"
    assert _cells(write_yueyanglou_2019(tmp_path / "made.xlsx")) == _cells(shipped)

    refused = runner.invoke(app, ["--db", url, "import", "plan", str(shipped)])
    assert refused.exit_code != 0
    # Without --from-text the standards in words are refused, not made milestones.
    assert ":7:target_name: '标准不低于3480元/年,人均救助水平不低于185元/月' states its target" in (
        "".join(refused.output.split("\n"))
    )
    said = run(url, "import", "plan", str(shipped), "--from-text")
    assert "plan yueyanglou-2019 created: 13 items, 14 targets added" in said
    assert "a 目标任务 that is only a figure ('8950人') is the target's value and unit" in said
    assert "plan title '岳阳楼区2019年省市重点民生实事项目'" in said  # not the table's 1-7月
    assert "5.1 标准: 3480 元/年 以上" in said  # a unit per year, a floor
    assert "6.1 发放标准: 60 元/月 以上" in said  # 不低于每人每月60元/月

    progress = run(url, "import", "progress", str(shipped))
    assert "as of 2019-07-31 ('1-7月' in the title)" in progress
    assert "10 readings added, 0 corrections, 0 already present, 4 not read" in progress
    assert "13.1: '已经完成主体工程建设,室内装修已完成60%。': no figure in 家" in progress
    assert "the table's '98%' is a share of the target, from which no figure is made" in progress

    data = json.loads(
        run(url, "status", "--plan", "yueyanglou-2019", "--as-of", "2019-07-31", "--json")
    )
    items = {i["no"]: i for i in data["items"]}
    first = items[1]["targets"][0]
    assert (first["name"], first["target"], first["unit"], first["value"]) == (
        "新增城镇就业", 8950, "人", 6453,
    )  # fmt: skip
    assert items[3]["targets"][0]["value"] == 3321  # a bare 3321 is in the target's unit
    assert [t["value"] for t in items[5]["targets"]] == [3600, 211.25]  # read from 备注
    assert items[10]["departments"] == ["住房保障中心楼区分中心"]
    # The published 100% and 133% rows are achieved; 29% and 27% in July are behind.
    assert [n for n, i in items.items() if i["status"] == "achieved"] == [3, 5, 8]
    assert items[7]["status"] == "behind" and items[10]["status"] == "behind"
    assert [n for n, i in items.items() if i["status"] == "not_reported"] == [6, 9, 12, 13]

    zh = run(url, "--lang", "zh", "report", "--plan", "yueyanglou-2019", "--month", "2019-07")
    assert "新增城镇就业6453人，占年计划的72.1%" in zh
    assert "标准3600元/年，占年计划（不少于3480元/年）的103.4%" in zh
    assert "标准化建设改造农贸市场暂无填报" in zh  # 98% is no figure of 2家


def test_the_yueyanglou_2022_progress_table_reads_its_two_level_header(
    url: str, tmp_path: Path
) -> None:
    """序号 | 考核指标 (over two columns: the item, its indicators) | 单位 | 工作目标 |
    已完成数 | 占比 | 备注, no 责任单位: items with several targets, no department made up,
    and an office 占比 that disagrees with its figure is not taken."""
    from scripts.make_example_lists import write_yueyanglou_2022

    shipped = EXAMPLES / "yueyanglou-2022-office.xlsx"
    assert _cells(write_yueyanglou_2022(tmp_path / "made.xlsx")) == _cells(shipped)
    said = run(url, "import", "plan", str(shipped))
    assert "plan yueyanglou-2022 created: 8 items, 16 targets added" in said
    progress = run(url, "import", "progress", str(shipped))
    assert "as of 2022-10-31 ('1-10月' in the title)" in progress
    assert "10 readings added, 0 corrections, 0 already present, 6 not read" in progress
    assert (
        "2.5: '284': the table's 完成率 '137%' is not 284 of 180 (157.8%): which is right?"
    ) in progress

    data = json.loads(
        run(url, "status", "--plan", "yueyanglou-2022", "--as-of", "2022-10-31", "--json")
    )
    items = {i["no"]: i for i in data["items"]}
    assert items[2]["title"] == "特殊群体健康保障"
    assert [t["name"] for t in items[2]["targets"]][:2] == [
        "孕产妇免费产前筛查",
        "新生儿先天性心脏病免费筛查",
    ]
    assert [(t["target"], t["unit"], t["value"]) for t in items[2]["targets"]][:3] == [
        (2800, "人次", 2539), (2800, "人次", 2647), (1980, "人次", 1981),
    ]  # fmt: skip
    assert all(i["departments"] == [] for i in items.values())
    assert [n for n, i in items.items() if i["status"] == "achieved"] == [1, 4, 5, 6, 7]
    zh = run(url, "--lang", "zh", "report", "--plan", "yueyanglou-2022", "--month", "2022-10")
    assert "（）" not in zh and "各责任单位情况" not in zh


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("8950人", (8950, "人", False)),
        ("11.2公里", (11.2, "公里", False)),
        ("5", (5, "", False)),
        ("不少于60个", (60, "个", True)),
        ("3480元/年", (3480, "元/年", False)),
    ],
)
def test_a_target_cell_that_is_only_a_figure(cell: str, read: tuple[object, ...]) -> None:
    from pledgetrack.domain.target_text import figure_only

    found = figure_only(cell)
    assert found is not None and (found.value, found.unit, found.at_least) == read


@pytest.mark.parametrize("cell", ["新增城镇就业8950人", "8950人,6800个", "已完成", "2022年"])
def test_a_target_cell_saying_more_than_a_figure_is_no_figure(cell: str) -> None:
    from pledgetrack.domain.target_text import figure_only

    assert figure_only(cell) is None


def test_the_months_a_table_covers_date_it_and_a_merged_header_stays_refused(
    url: str, tmp_path: Path
) -> None:
    """1-10月 in a title is 31 October of the plan's year; a header merged over two columns
    that is not a 指标 heading the item and its indicators is still refused."""
    from pledgetrack.domain.progress_text import title_date

    assert title_date(["1-10月岳阳楼区重点民生实事项目进度表"], 2022)[0].isoformat() == (
        "2022-10-31"
    )
    assert title_date(["2019年1—7月完成情况"], None)[0].isoformat() == "2019-07-31"
    assert title_date(["2022年民生实事项目表"], 2022) is None

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2022年民生实事项目"])
    ws.append(["序号", "目标任务", "责任单位", None])
    ws.append([1, "新增就业100人", "人社局", "就业中心"])
    ws.merge_cells("C2:D2")
    ws.merge_cells("A1:D1")
    path = tmp_path / "town-2022-plan.xlsx"
    wb.save(path)
    result = runner.invoke(app, ["--db", url, "import", "plan", str(path)])
    assert result.exit_code != 0
    assert "the header cell is merged over C2:D2" in " ".join(result.output.split())


def test_the_shouxian_2023_table_numbers_its_items_in_their_headings(
    url: str, tmp_path: Path
) -> None:
    """淮南市 寿县 2023 (data/examples/README.md): 县区 | 项目名称 | 年度目标任务 | 完成进度, no
    序号: ``一、就业促进行动(6项指标)`` merged over its indicators numbers and titles item 1,
    its count checked; ``*1.…`` sentences; 3月份 dates the table; no figure is made of a
    count in another unit (人 for a target in 人次)."""
    from scripts.make_example_lists import write_shouxian_2023

    shipped = EXAMPLES / "shouxian-2023-office.xlsx"
    assert _cells(write_shouxian_2023(tmp_path / "made.xlsx")) == _cells(shipped)
    said = run(url, "import", "plan", str(shipped), "--from-text")
    assert "plan shouxian-2023 created: 3 items, 10 targets added" in said
    assert "    2.2 *其中新增徽菜师傅: 180 人次 以上" in said  # 其中, read with its clause
    assert "    1.1 *力争城市社区达到“三公里”充分就业社区标准: 9 个" in said  # no 1. figure
    progress = run(url, "import", "progress", str(shipped))
    assert "as of 2023-03-31 ('2023年3月份' in the title)" in progress
    assert "8 readings added, 0 corrections, 0 already present, 2 not read" in progress
    assert "1.5: '完成2579人,完成率32.24%': no figure in 人次" in progress

    data = json.loads(run(url, "status", "--as-of", "2023-03-31", "--json"))
    items = {i["no"]: i for i in data["items"]}
    assert [items[n]["title"] for n in (1, 2, 3)] == [
        "就业促进行动", "“新徽菜·名徽厨”行动", "老年助餐服务行动",
    ]  # fmt: skip
    assert [len(items[n]["targets"]) for n in (1, 2, 3)] == [6, 2, 2]
    assert [t["value"] for t in items[1]["targets"]] == [9, 330, 838, 736, None, None]
    assert (items[2]["status"], items[3]["status"]) == ("on_track", "behind")
    zh = run(url, "--lang", "zh", "report", "--month", "2023-03")
    assert "开发公益性岗位838个，占年计划的155.2%" in zh


def test_a_numbered_heading_whose_count_is_not_its_rows_is_refused(
    url: str, tmp_path: Path
) -> None:
    plan = write(
        tmp_path / "town-2023-plan.csv",
        "项目名称,年度目标任务\n"
        "一、就业促进行动(3项指标),1.新增就业100人\n"
        "一、就业促进行动(3项指标),2.开发岗位50个\n"
        "增加学位,新增学位600个\n",
    )
    result = runner.invoke(app, ["--db", url, "import", "plan", str(plan), "--from-text"])
    assert result.exit_code != 0
    said = " ".join(result.output.split())
    assert ":2:item_title: item 1 says it has 3 rows (3项) but the table has 2" in said
    assert ":4:item: no 序号 column, and the 项目名称 '增加学位' is not numbered" in said


def test_a_list_number_before_a_decimal_point_is_the_rows_and_an_age_is_no_figure() -> None:
    from pledgetrack.domain.target_text import split_targets

    fourth = split_targets("4.30%以上的社区卫生服务中心配备专职口腔医师", 4).targets
    assert [(t.value, t.unit, t.at_least) for t in fourth] == [(30, "%", True)]
    ages = split_targets("*2.新增窝沟封闭6-9岁儿童7050人", 2).targets
    assert [(t.name, t.value, t.unit) for t in ages] == [("*新增窝沟封闭6-9岁儿童", 7050, "人")]
    assert split_targets("为60周岁以上老年人接种疫苗2万人").targets[0].value == 2
    assert split_targets("4.30%以上的社区卫生服务中心", 3).targets[0].value == 4.3  # not row 4


def test_a_published_table_typed_in_later_is_not_counted_late(url: str) -> None:
    """--entered-on gives an office table's readings the day it was published: the
    scorecard counts none of them late, as it does the same table imported today."""
    shipped = EXAMPLES / "yueyanglou-2019-office.xlsx"
    run(url, "import", "plan", str(shipped), "--from-text")
    run(url, "import", "progress", str(shipped), "--entered-on", "2019-07-25")
    zh = run(url, "--lang", "zh", "report", "--plan", "yueyanglou-2019", "--month", "2019-07")
    assert "区人社局：负责1项（牵头1项），超前推进1项；迟报指标0个。" in zh
    assert "迟报指标1个" not in zh
    bad = runner.invoke(app, ["--db", url, "import", "progress", str(shipped), "--entered-on", "x"])
    assert bad.exit_code != 0 and "--entered-on" in bad.output


def test_the_same_table_imported_today_is_counted_late(url: str) -> None:
    shipped = EXAMPLES / "yueyanglou-2019-office.xlsx"
    run(url, "import", "plan", str(shipped), "--from-text")
    run(url, "import", "progress", str(shipped))
    zh = run(url, "--lang", "zh", "report", "--plan", "yueyanglou-2019", "--month", "2019-07")
    assert "区人社局：负责1项（牵头1项），超前推进1项；迟报指标1个。" in zh


def test_an_office_progress_table_without_numbers_names_the_row(url: str, tmp_path: Path) -> None:
    shipped = EXAMPLES / "shouxian-2023-office.xlsx"
    run(url, "import", "plan", str(shipped), "--from-text")
    table = write(
        tmp_path / "shouxian-2023-progress.csv",
        "2023年3月份进展情况表\n项目名称,年度目标任务,完成进度\n就业促进行动,新增技能人才4000人,完成736人\n",
    )
    result = runner.invoke(app, ["--db", url, "import", "progress", str(table)])
    assert result.exit_code != 0
    said = " ".join(result.output.split())
    assert ":3:item: no 序号, and the 项目名称 '就业促进行动' is not numbered" in said
