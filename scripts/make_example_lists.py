"""Write the real published lists of data/examples/ as the offices lay them out.

    python scripts/make_example_lists.py        # writes data/examples/linan-2022-plan.xlsx

Typed from the published text (sources in data/examples/README.md): a title row merged
over the table, 序号, 实事项目 and 责任单位 merged down over the rows of each item, one
row per target. The 目标值 and 单位 columns are not in the office's table, whose targets
are sentences: they are added here from those sentences (what ``import plan --from-text``
would read), so that the table imports as it is.
"""

from __future__ import annotations

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

TITLE = "2022年区政府民生实事项目"
HEADER = ("序号", "实事项目", "目标任务", "目标值", "单位", "责任单位")

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


def write_office_plan(
    path: Path, items: list[tuple[int, str, str, list[tuple[str, str, str]]]]
) -> Path:
    """One office plan table: title row, header, each item's number, title and unit merged."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "实事项目"
    last = get_column_letter(len(HEADER))
    ws.append([TITLE])
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(list(HEADER))
    for no, title, department, targets in items:
        first = ws.max_row + 1
        for n, (name, value, unit) in enumerate(targets):
            ws.append(
                [no, title, name, value, unit, department]
                if n == 0
                else [None, None, name, value, unit, None]
            )
        if len(targets) > 1:
            for column in "ABF":
                ws.merge_cells(f"{column}{first}:{column}{ws.max_row}")
    for column, width in zip("ABCDEF", (6, 40, 36, 10, 6, 12), strict=True):
        ws.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def main() -> None:
    print(write_office_plan(EXAMPLES / "linan-2022-plan.xlsx", LINAN_2022))


if __name__ == "__main__":
    main()
