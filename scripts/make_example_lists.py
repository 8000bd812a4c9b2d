"""Write the real published lists of data/examples/ as the offices lay them out.

    python scripts/make_example_lists.py        # writes data/examples/linan-2022-plan*.xlsx

Typed from the published text (sources in data/examples/README.md): a title row merged
over the table, 序号, 实事项目 and 责任单位 merged down over the rows of each item, one
row per 目标任务 sentence. ``linan-2022-plan-office.xlsx`` is the table as the office
publishes it, targets only in sentences (``import plan --from-text`` reads them);
``linan-2022-plan.xlsx`` has 目标值 and 单位 columns added from those sentences, one row
per target, so that it imports without --from-text.
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
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "进展情况"
    last = get_column_letter(len(header))
    ws.append([title])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(header))
    for no, department, rows in items:
        first = ws.max_row + 1
        for n, cells in enumerate(rows):
            ws.append([no, *cells, department] if n == 0 else [None, *cells, None])
        if len(rows) > 1:
            for column in ("A", last):
                ws.merge_cells(f"{column}{first}:{column}{ws.max_row}")
    for n, width in enumerate((6, 50, 50, 14), start=1):
        ws.column_dimensions[get_column_letter(n)].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


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


if __name__ == "__main__":
    main()
