"""Write the real published lists of data/examples/ as the offices lay them out.

    python scripts/make_example_lists.py        # writes data/examples/*.xlsx

Typed from the published text (sources in data/examples/README.md): a title row merged
over the table, 序号, 实事项目 and 责任单位 merged down over the rows of each item, one
row per 目标任务 sentence. ``linan-2022-plan-office.xlsx`` is the table as the office
publishes it, targets only in sentences (``import plan --from-text`` reads them);
``linan-2022-plan.xlsx`` has 目标值 and 单位 columns added from those sentences, one row
per target, so that it imports without --from-text. ``linan-2022-progress-office.xlsx``
is the district's progress table (截至9月底) in its layout, ``cangnan-2022-office.xlsx`` a
second district's table (苍南县, 截至10月31日) as published, and ``yueyanglou-2019-office.xlsx``
and ``yueyanglou-2022-office.xlsx`` a third district's (岳阳楼区) completion table of 2019
and 进度表 of 2022 as published, ``shouxian-2023-office.xlsx`` a county's part (寿县) of a
fourth (淮南市 暖民心行动, 2023年3月份).
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

TITLE = "2022年区政府民生实事项目"
HEADER = ("序号", "实事项目", "目标任务", "目标值", "单位", "责任单位")
#: The office's own table: the 目标任务 sentence is all it says of a target.
OFFICE_HEADER = ("序号", "实事项目", "目标任务", "责任单位")

#: 临安区 2022: (序号, 实事项目, 责任单位, [(目标任务, 目标值, 单位), …]) — items 1–3.
LINAN_2022: list[tuple[int, str, str, list[tuple[str, str, str]]]] = [
    (
        1,
        "新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个。",
        "教育局",
        [
            ("新建成公办中小学、幼儿园7所", "7", "所"),
            ("新增中小学、幼儿园公办学位6800个", "6800", "个"),
        ],
    ),
    (
        2,
        "新建成婴幼儿照护服务成长驿站7家,新增婴幼儿照护服务托位500个,开展胃肠癌联合筛查1万例以上。",
        "卫生健康局",
        [
            ("新建成婴幼儿照护服务成长驿站7家。", "7", "家"),
            ("新增婴幼儿照护服务托位500个。", "500", "个"),
            ("开展胃肠癌联合筛查1万例以上。", "1万以上", "例"),
        ],
    ),
    (
        3,
        "实施农村公路大中修100公里,新增公交线路3条,优化调整公交线路20条。",
        "交通运输局",
        [
            ("实施农村公路大中修100公里。", "100", "公里"),
            ("新增公交线路3条。", "3", "条"),
            ("优化调整公交线路20条。", "20", "条"),
        ],
    ),
]


#: Where the office's table gives one sentence for several targets (item 1: two).
OFFICE_SENTENCES = {1: ["新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个。"]}


def _office_rows(
    items: list[tuple[int, str, str, list[tuple[str, str, str]]]], *, sentences: bool
) -> list[tuple[int, str, str, list[list[str]]]]:
    """Each item's rows: (目标任务, 目标值, 单位), or only the 目标任务 sentence."""
    if not sentences:
        return [(no, t, d, [list(target) for target in targets]) for no, t, d, targets in items]
    return [
        (no, t, d, [[s] for s in OFFICE_SENTENCES.get(no, [name for name, _, _ in targets])])
        for no, t, d, targets in items
    ]


def write_office_plan(
    path: Path,
    items: list[tuple[int, str, str, list[tuple[str, str, str]]]],
    *,
    sentences: bool = False,
) -> Path:
    """One office plan table: title row, header, each item's number, title and unit merged;
    with *sentences*, only the 目标任务 sentences, as the office publishes them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "实事项目"
    header = OFFICE_HEADER if sentences else HEADER
    last = get_column_letter(len(header))
    ws.append([TITLE])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(header))
    for no, title, department, rows in _office_rows(items, sentences=sentences):
        first = ws.max_row + 1
        for n, cells in enumerate(rows):
            ws.append([no, title, *cells, department] if n == 0 else [None, None, *cells, None])
        if len(rows) > 1:
            for column in ("A", "B", last):
                ws.merge_cells(f"{column}{first}:{column}{ws.max_row}")
    widths = (6, 40, 50, 12) if sentences else (6, 40, 36, 10, 6, 12)
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


#: 临安区 2022 progress as of the end of September, as the office's table lays it out:
#: (序号, 项目内容, 进展情况) by row; 序号 and 责任单位 merged over an item's rows. The
#: figures are the published ones; the wording of 进展情况 is written around them (see
#: data/examples/README.md).
PROGRESS_TITLE = "2022年区政府民生实事项目进展情况表(截至9月底)"
PROGRESS_HEADER = ("序号", "项目内容", "进展情况", "责任单位")
LINAN_2022_PROGRESS: list[tuple[int, str, list[tuple[str, str]]]] = [
    (
        1,
        "教育局",
        [
            (
                "新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个。",
                "已新建成公办中小学、幼儿园7所,新增中小学、幼儿园公办学位6800个。",
            )
        ],
    ),
    (
        2,
        "卫生健康局",
        [
            ("新建成婴幼儿照护服务成长驿站7家。", "已新建成婴幼儿照护服务成长驿站13家。"),
            ("新增婴幼儿照护服务托位500个。", "已新增婴幼儿照护服务托位600个。"),
            ("开展胃肠癌联合筛查1万例以上。", "已开展胃肠癌联合筛查10111例。"),
        ],
    ),
    (
        3,
        "交通运输局",
        [
            ("实施农村公路大中修100公里。", "完成农村公路大中修50公里,剩余预计11月底前完成。"),
            ("新增公交线路3条。", "已新增公交线路4条。"),
            ("优化调整公交线路20条。", "已优化调整公交线路25条。"),
        ],
    ),
]


def write_office_progress(
    path: Path,
    title: str,
    header: tuple[str, ...],
    items: list[tuple[int, str, list[tuple[str, str]]]],
) -> Path:
    """One office progress table: title row, header, each item's 序号 and 责任单位 merged
    over its rows, one row per 项目内容 with its 进展情况 text."""
    rows: list[list[object]] = []
    merges: list[tuple[int, int, int]] = []  # (column, first row, last row) of the body
    for no, department, texts in items:
        first = len(rows)
        for n, cells in enumerate(texts):
            rows.append([no, *cells, department] if n == 0 else [None, *cells, None])
        if len(texts) > 1:
            merges += [(0, first, len(rows) - 1), (len(header) - 1, first, len(rows) - 1)]
    return write_titled_table(path, "进展情况", title, header, rows, merges, (6, 50, 50, 14))


def write_titled_table(
    path: Path,
    sheet: str,
    title: str,
    header: tuple[str, ...],
    rows: list[list[object]],
    merges: list[tuple[int, int, int]],
    widths: tuple[int, ...],
) -> Path:
    """A table as offices publish it: the title merged over it, the header, the rows, the
    body cells *merges* names ((column, first row, last row), from 0) merged."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append([title])
    ws.merge_cells(f"A1:{get_column_letter(len(header))}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    for column, first, last in merges:
        letter = get_column_letter(column + 1)
        ws.merge_cells(f"{letter}{first + 3}:{letter}{last + 3}")
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


#: 苍南县 2022: the table 苍南县人民政府办公室 published on 2022-12-14 (data/examples/README.md),
#: row for row as the page shows it, but its row 12 (see the README). One row per item;
#: 当前进度 is works progress (形象进度), which `import progress` lists as not read yet.
CANGNAN_TITLE = "2022年度市县民生实事未完成项目进度表(截至10月31日)"
CANGNAN_HEADER = ("序号", "项目内容", "当前进度", "牵头单位", "备注")
CANGNAN_2022: list[tuple[int, str, str, str, str]] = [
    (1, "新(改、扩)建公办园5所,新增公办幼儿学位1000个。", "80%(新区实验幼儿园进度滞后)", "县教育局", "市民生实事"),
    (2, "建设四好农村路55公里。", "95%", "县交通局", "县民生实事"),
    (3, "完成农村公路大中修70公里。", "90%", "县交通局", "县民生实事"),
    (4, "建成投用沿浦、宜山、莒溪、炎亭、望里、赤溪、岱岭、灵溪浦亭等8家卫生院", "98%", "县卫健局", "县民生实事"),
    (5, "打通县城人民大道(苍南大道至山海大道)等12条断头路。", "88%(灵溪镇园区六路、金乡镇四好农村路推进缓慢)", "县住建局", "县民生实事"),
    (6, "建成投用桥墩镇、赤溪镇、灵溪镇观美等3家中心敬老院。", "57%(赤溪、灵溪偏慢)", "县民政局", "县民生实事"),
    (7, "开工建设矾山镇、马站镇等2家中心敬老院。", "50%(马站未开工", "县民政局", "县民生实事"),
    (8, "推进县职业中专扩容提升。", "22%(严重滞后)", "县教育局", "县民生实事"),
    (9, "建成投用中小学3所,新增学位3800位。", "95%", "县教育局", "县民生实事"),
    (10, "完成上横河泵站和萧江水闸主体工程,开工建设萧江塘河控制闸。", "95%", "县水利局", "县民生实事"),
    (11, "开工建设海塘安澜(南片海塘4.65公里)。", "70%", "县水利局", "县民生实事"),
    (13, "新增16个“文化驿站”。", "98.4%", "县文广旅体局", "县民生实事"),
]  # fmt: skip


def write_cangnan_2022(path: Path) -> Path:
    """The 苍南县 table as published: title row merged over it, one row per item."""
    rows: list[list[object]] = [list(row) for row in CANGNAN_2022]
    return write_titled_table(
        path, "Sheet1", CANGNAN_TITLE, CANGNAN_HEADER, rows, [], (6, 50, 24, 14, 12)
    )


#: 岳阳楼区 2019: the table the 区政府办 published on 2019-07-25 (data/examples/README.md),
#: rows 1–13 as the page shows them. Plan and progress in one table: 目标任务 is a figure
#: with its unit (or a standard in words), 1-7月实际完成情况 the figure reached,
#: 任务完成率 the office's own percentage, 备注 a remark. One row per item.
YUEYANGLOU_2019_TITLE = "岳阳楼区2019年1-7月省市重点民生实事项目完成情况"
YUEYANGLOU_2019_HEADER = (
    "序号", "项目名称", "责任单位", "目标任务", "1-7月\n实际完成情况", "任务完成率", "备注",
)  # fmt: skip
YUEYANGLOU_2019: list[tuple[object, ...]] = [
    (1, "新增城镇就业", "区人社局", "8950人", "6453人", "72%", None),
    (2, "减少义务教育大班额", "区教育局", "51个", "3个", "5%", "春季入学期间,已化解大班额3个;秋季入学期间,可完成消除超大班任务。"),
    (3, "农村及城镇低保适龄妇女“两癌”免费检查", "区卫健局", "2500人", "3321", "133%", "已超额完成。"),
    (4, "孕产妇免费产前筛查", "区卫健局", "3600人", "2849人", "79%", None),
    (5, "提高城乡低保标准和救助水平", "区民政局", "标准不低于3480元/年,人均救助水平不低于185元/月", None, "100%", "2019年1至7月农村低保标准为3600元/年;人均救助水平211.25元/月。"),
    (6, "提高困难残疾人生活补贴和重度残疾人护理补贴发放标准", "区民政局", "发放标准不低于每人每月60元/月", None, "100%", "已达标完成。"),
    (7, "改(新)建农村用户厕所", "农业农村局", "3980个", "1153个", "29%", "目前,全市正在进行城市污水管网建设,1835户居民生活污水将全部纳入城市污水处理系统。因工程建设时间长,施工受天气和不明地形等多方面影响,导致进度缓慢。"),
    (8, "推行“一村一辅警”全覆盖", "岳阳楼公安分局", "18个", "18个", "100%", "已完成。"),
    (9, "完成棚改项目", "区棚改办", "5", None, None, "因集体土地征收新政策出台滞后,影响签约进度。"),
    (10, "改善棚户区居民住房条件", "住房保障中心楼区分中心", "1271户", "346户", "27%", "因集体土地征收新政策出台滞后,影响签约进度。"),
    (11, "完成公路生命安全防护工程", "区住建局", "11.2公里", "7.7公里", "69%", None),
    (12, "建成“城市快警”平台", "岳阳楼公安分局", "4个", None, None, "已完成人员配置,警用车辆进入控购审批阶段。"),
    (13, "标准化建设改造农贸市场", "区商务粮食局", "2家", None, "98%", "已经完成主体工程建设,室内装修已完成60%。"),
]  # fmt: skip


def write_yueyanglou_2019(path: Path) -> Path:
    """The 岳阳楼区 2019 table as published: title row merged over it, one row per item."""
    rows: list[list[object]] = [list(row) for row in YUEYANGLOU_2019]
    return write_titled_table(
        path, "Sheet1", YUEYANGLOU_2019_TITLE, YUEYANGLOU_2019_HEADER, rows, [],
        (6, 36, 16, 30, 14, 10, 50),
    )  # fmt: skip


#: 岳阳楼区 2022: the 区实事办's 进度表 of 2022-10-21 (data/examples/README.md), items 1–8.
#: 考核指标 heads two columns (the item, and the indicator under it); 序号 and the item
#: are merged down over the item's indicators; no 责任单位 column. Rows: (序号, item,
#: [(考核指标, 单位, 工作目标, 已完成数, 占比, 备注), …]).
YUEYANGLOU_2022_TITLE = "1-10月岳阳楼区重点民生实事项目进度表"
YUEYANGLOU_2022_HEADER = (
    "序 号",
    "考核指标",
    None,
    "单位",
    "工作目标",
    "已完成数",
    "占比",
    "备  注",
)
YUEYANGLOU_2022: list[tuple[int, str, list[tuple[object, ...]]]] = [
    (1, "增加公办义务教育学位", [("提高公办义务教育学位占比至95%以上", None, 600, 600, "100%", None)]),
    (2, "特殊群体健康保障", [
        ("孕产妇免费产前筛查", "人次", 2800, 2539, "90.7%", None),
        ("新生儿先天性心脏病免费筛查", "人次", 2800, 2647, "94.5%", None),
        ("农村适龄妇女及城镇低保适龄妇女“两癌”免费检查", "人次", 1980, 1981, "100.1%", None),
        ("每个县市区至少1家定点医疗机构实现普通门诊医疗费用跨省直接结算", None, 1, 1, "100%", None),
        ("康复救助残疾儿童", None, 180, 284, "137%", "目标任务是要完成180人*8个月=1440月的康复培训任务,目前累计完成284人共1970个月的任务,完成率137%"),
        ("困难残疾人家庭无障碍改造", None, 70, 70, "100%", None),
    ]),
    (3, "城乡低保和残疾人“两项补贴”提标", [
        ("城市低保标准", "元/月/人", 600, None, "100%", "1-10月城市低保标准已达到644元/月"),
        ("农村低保标准", "元/年/人", 4686, None, "100%", "1-10月农村低保标准已达到7728元/年"),
        ("困难残疾人生活补贴标准", "元/月/人", 75, None, "100%", "已按每人每月75元的标准发放"),
        ("重度残疾人护理补贴标准", "元/月/人", 75, None, "100%", "已按每人每月75元的标准发放"),
    ]),
    (4, "老年人服务保障", [("困难老年人居家适老化改造", None, 174, 174, "100%", "已完成174户施工改造,目前正在验收当中")]),
    (5, "城镇老旧小区改造", [("开工改造城镇老旧小区", None, 86, 86, "100%", "86个改造项目已开工,开工率达到100%;累计完成投资10442万元,计划投资完成率达到72%。")]),
    (6, "中小学安防设施建设", [("建设联网中小学幼儿园周边等重点部位安防设备", None, 944, 944, "100%", None)]),
    (7, "农村饮用水水源地突出环境问题整治", [("农村千人以上集中饮用水水源地突出环境问题整治", None, 2, 2, "100%", None)]),
    (8, "农村水源保障及灌溉能力提升", [("新增蓄水能力", "万方", 8, None, "75%", "与区水利局除险加固项目同步实施")]),
]  # fmt: skip


def write_yueyanglou_2022(path: Path) -> Path:
    """The 岳阳楼区 2022 进度表 as published: 考核指标 merged over two header cells, 序号
    and the item merged down over its indicators' rows."""
    from openpyxl import load_workbook

    rows: list[list[object]] = []
    merges: list[tuple[int, int, int]] = []
    for no, item, indicators in YUEYANGLOU_2022:
        first = len(rows)
        for n, cells in enumerate(indicators):
            rows.append([no, item, *cells] if n == 0 else [None, None, *cells])
        if len(indicators) > 1:
            merges += [(0, first, len(rows) - 1), (1, first, len(rows) - 1)]
    header = tuple("" if h is None else h for h in YUEYANGLOU_2022_HEADER)
    write_titled_table(
        path, "Sheet1", YUEYANGLOU_2022_TITLE, header, rows, merges, (5, 24, 40, 10, 10, 10, 8, 50)
    )
    wb = load_workbook(path)
    ws = wb.active
    ws["C2"] = None
    ws.merge_cells("B2:C2")
    wb.save(path)
    return path


#: 淮南市 寿县 2023: the 寿县 part of the 市发改委's 《2023年3月份暖民心行动各县区进展情况表》
#: (data/examples/README.md), actions 一–三. No 序号 column: the action's number and its
#: count of indicators are in its 项目名称 cell, merged down over its indicators' rows; 县区
#: merged down over the county's rows; each 年度目标任务 a numbered sentence, ``*`` as
#: published. Rows: (项目名称, [(年度目标任务, 完成进度), …]).
SHOUXIAN_2023_TITLE = "2023年3月份暖民心行动各县区进展情况表"
SHOUXIAN_2023_HEADER = ("县区", "项目名称", "年度目标任务", "完成进度")
SHOUXIAN_2023: list[tuple[str, list[tuple[str, str]]]] = [
    ("一、就业促进行动\n(6项指标)", [
        ("*1.力争9个城市社区达到“三公里”充分就业社区标准", "完成9个,完成率100%"),
        ("2.募集青年就业见习岗位325个", "完成330个,完成率101.54%"),
        ("3.开发公益性岗位540个", "完成838个,完成率155.19%"),
        ("*4.新增技能人才4000人", "完成736人,完成率18.04%"),
        ("5.全年开展补贴性培训8000人次", "完成2579人,完成率32.24%"),
        ("6.开展农民工职业技能培训4300人次", "完成1429人,完成率33.23%"),
    ]),
    ("二、“新徽菜·名徽厨”行动(2项指标)", [
        ("*1.开展徽菜师傅技能培训不少于240人次", "完成141人次,完成率58.75%"),
        ("*2.其中,新增徽菜师傅不少于180人次", "完成37人次,完成率20.5%"),
    ]),
    ("三、老年助餐服务行动(2项指标)", [
        ("*1.新增城市老年食堂(助餐点)不少于6个", "完成1个,完成率16.7%"),
        ("*2.新增农村老年食堂(助餐点)不少于27个", "完成0个,完成率0%"),
    ]),
]  # fmt: skip


def write_shouxian_2023(path: Path) -> Path:
    """The 寿县 part of the 淮南市 table as published: title merged over it, 县区 merged
    over every row, each action's 项目名称 merged over its indicators' rows."""
    rows: list[list[object]] = []
    merges: list[tuple[int, int, int]] = []
    for action, indicators in SHOUXIAN_2023:
        first = len(rows)
        for n, cells in enumerate(indicators):
            rows.append([None, action if n == 0 else None, *cells])
        merges.append((1, first, len(rows) - 1))
    rows[0][0] = "寿县"
    merges.append((0, 0, len(rows) - 1))
    return write_titled_table(
        path, "Sheet1", SHOUXIAN_2023_TITLE, SHOUXIAN_2023_HEADER, rows, merges, (8, 24, 50, 30)
    )


def main() -> None:
    print(write_office_plan(EXAMPLES / "linan-2022-plan.xlsx", LINAN_2022))
    print(write_office_plan(EXAMPLES / "linan-2022-plan-office.xlsx", LINAN_2022, sentences=True))
    print(
        write_office_progress(
            EXAMPLES / "linan-2022-progress-office.xlsx",
            PROGRESS_TITLE,
            PROGRESS_HEADER,
            LINAN_2022_PROGRESS,
        )
    )
    print(write_cangnan_2022(EXAMPLES / "cangnan-2022-office.xlsx"))
    print(write_yueyanglou_2019(EXAMPLES / "yueyanglou-2019-office.xlsx"))
    print(write_yueyanglou_2022(EXAMPLES / "yueyanglou-2022-office.xlsx"))
    print(write_shouxian_2023(EXAMPLES / "shouxian-2023-office.xlsx"))


if __name__ == "__main__":
    main()
