"""Which column of a file is which documented column: the header row found under title
rows, office headers (Chinese and English aliases), and a user's ``--columns`` map.

The header is the first row that names every required column, whatever is above it (a
title such as ``2022年区政府民生实事项目进展情况表(截至9月底)``, a unit line ``单位:个``).
A cell names a column by its documented name (``target_value``, any case, spaces for
underscores), by an alias of the table below (docs/exchange-format.md lists them), or by
the header text a ``--columns`` map gives for it. Columns named by nothing are ignored.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pledgetrack.domain.errors import CellError, ImportRejected

#: Office headers of a plan file, by documented column, in order of preference (when two
#: headers of one file name the same column, the earlier alias wins; the other is ignored).
PLAN_ALIASES: dict[str, tuple[str, ...]] = {
    "plan": ("计划代码", "计划编号", "plan code"),
    "plan_title": ("计划名称", "plan title"),
    "pledge": ("件", "件号", "件序号", "pledge no", "pledge number"),
    "pledge_title": ("件名称", "实事类别", "类别", "pledge title"),
    "item": ("项", "项号", "项目序号", "项目编号", "item no", "item number"),
    "item_title": ("实事项目", "项目名称", "项目", "item title", "project"),
    "department": (
        "责任单位",
        "牵头单位",
        "主责单位",
        "责任部门",
        "responsible unit",
        "lead department",
        "departments",
    ),
    "co_departments": ("配合单位", "协办单位", "配合部门", "co-operating units"),
    "target": ("指标编号", "指标代码", "target key"),
    "target_name": (
        "目标任务",
        "年度目标",
        "年度目标任务",
        "项目内容",
        "建设内容",
        "指标名称",
        "指标",
        "考核指标",
        "target name",
    ),
    "target_value": (
        "目标值",
        "年度目标值",
        "目标数",
        "计划数",
        "工作目标",
        "annual target",
        "target value",
    ),
    "unit": ("单位", "计量单位", "unit of measure"),
    "baseline": ("基数", "基期值"),
    "deadline": ("完成时限", "计划完成时间", "完成时间", "时限"),
    "assessed": ("是否考核", "考核"),
    "kind": ("指标类型", "类型"),
    "schedule": ("节点安排", "计划进度", "节点目标"),
    "per_period": ("按期", "分期", "按期计", "分期目标", "per period"),
    "note": ("备注", "说明", "remarks", "notes"),
}

#: Office headers of a progress file.
PROGRESS_ALIASES: dict[str, tuple[str, ...]] = {
    "plan": ("计划代码", "计划编号", "plan code"),
    "target": ("指标编号", "指标代码", "target key"),
    "as_of": ("截至日期", "统计截至", "填报日期", "日期", "as of", "date"),
    "value": ("完成值", "累计完成", "完成数", "实际完成", "累计完成值"),
    "done": ("是否完成", "已完成"),
    "note": ("进展情况", "完成情况", "备注", "说明", "progress", "remarks", "notes"),
    "entered_by": ("填报人", "entered by"),
    "entered_at": ("填报时间", "entered at"),
    "entered_on": ("录入日期", "entered on"),
    "qualifier": ("约数", "限定词"),
    "forecast": ("预计完成时间", "预计完成", "expected done by"),
    "works_percent": ("工程进度", "形象进度", "施工进度", "工程形象进度", "works progress"),
    "confirm": ("确认",),
}

#: Office headers of a progress table in the office layout (序号 | 项目内容 | 进展情况 |
#: 责任单位): one row per item or target, its progress said in text
#: (exchange/office_progress.py). Its item, title and department headers are the plan's.
OFFICE_PROGRESS_ALIASES: dict[str, tuple[str, ...]] = {
    "item": PLAN_ALIASES["item"],
    "item_title": PLAN_ALIASES["item_title"],
    "target_name": PLAN_ALIASES["target_name"],
    "department": PLAN_ALIASES["department"],
    "progress": (
        "进展情况",
        "完成情况",
        "工作进展",
        "项目进展",
        "推进情况",
        "落实情况",
        "实施情况",
        "目前实施情况",
        "当前进度",
        "完成进度",
        "progress",
    ),
    "note": ("备注", "说明", "remarks", "notes"),
    #: A figure in the target's unit (``6453人``, ``3321``), as completion tables keep it.
    "value": ("已完成数", "完成数", "实际完成", "实际完成情况", "累计完成", "完成值", "累计完成值"),
    #: The office's own share of the target reached (``72%``): checked, never a figure.
    "rate": ("完成率", "任务完成率", "实际完成率", "完成比例", "完成比例(%)", "占比"),
}
#: The columns of an office progress table, and the ones its header must name: 序号 and
#: a progress text, or else 序号 and a figure column (OFFICE_VALUE_REQUIRED).
OFFICE_PROGRESS_COLUMNS = (
    "item", "item_title", "target_name", "department", "progress", "note", "value", "rate",
)  # fmt: skip
OFFICE_PROGRESS_REQUIRED = ("item", "progress")
OFFICE_VALUE_REQUIRED = ("item", "value")
#: … or, without a 序号, numbered item titles (``一、就业促进行动(6项指标)``).
OFFICE_TITLED_REQUIRED = ("item_title", "progress")
#: Office progress headers read by their shape: the months a figure covers (``1-7月实际完成
#: 情况``, ``1-8月实际完成率%``; header_key has made ``1-7月`` ``17月``).
OFFICE_PROGRESS_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\d{1,4}月份?(累计)?(实际)?完成(情况|数|值|量)?"), "value"),
    (re.compile(r"\d{1,4}月份?(实际|任务)?完成(率|比例)(%|\(%\))?"), "rate"),
)

#: Office headers of a department contact list (通讯录), read by ``remind --send``.
CONTACT_ALIASES: dict[str, tuple[str, ...]] = {
    "department": (
        "责任单位",
        "单位名称",
        "单位",
        "部门名称",
        "部门",
        *PLAN_ALIASES["department"][1:],
    ),
    "email": ("电子邮箱", "邮箱", "电子邮件", "邮箱地址", "电子邮箱地址", "mail", "email address"),
}

#: Headers read by their shape: ``截至9月底完成``, ``截至10月底累计完成`` (a progress value).
PROGRESS_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"截[至止]\S{0,6}月底?\S{0,4}完成(值|数|量)?"), "value"),
)

#: A 序号 (row number) column is the item number when no other column names the item.
ITEM_FALLBACK = ("序号", "no", "no.", "#")

_SPACE = re.compile(r"\s+")
_WIDTH = str.maketrans("（）：", "():")


def header_key(text: str) -> str:
    """A header cell compared loosely: no spaces or line breaks, lower case, half-width
    brackets and colon, ``_`` and ``-`` as spaces (``Target Value`` = ``target_value``)."""
    text = text.translate(_WIDTH).replace("_", " ").replace("-", " ")
    return _SPACE.sub("", text).lower()


@dataclass(frozen=True)
class HeaderRules:
    """How header cells name the documented columns of one kind of file."""

    documented: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]]
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    #: From a ``--columns`` map: the file's header text for a documented column.
    user_map: dict[str, str] = field(default_factory=dict)
    map_name: str = ""
    #: What an office table (one without a ``plan`` column) must name instead of the
    #: file's required columns; the rest is filled in (exchange/plan_file.py).
    #: Several sets: the first the header names in full, else the first.
    office_required: tuple[tuple[str, ...], ...] = ()

    def required_of(self, cells: Sequence[str], required: tuple[str, ...]) -> tuple[str, ...]:
        """The columns a header row must name: *required*, or for an office table
        (no ``plan`` column) the office's."""
        named = set(self.columns_of(cells).values())
        if self.office_required and "plan" not in named:
            return next(
                (need for need in self.office_required if named.issuperset(need)),
                self.office_required[0],
            )
        return required

    def _ranked(self) -> dict[str, tuple[str, int]]:
        ranked: dict[str, tuple[str, int]] = {}
        for column in self.documented:
            ranked.setdefault(header_key(column), (column, 1))
        for column, names in self.aliases.items():
            for rank, alias in enumerate(names, start=2):
                ranked.setdefault(header_key(alias), (column, rank))
        return ranked

    def columns_of(self, cells: Sequence[str]) -> dict[int, str]:
        """Cell index → documented column, for a header row."""
        wanted = {header_key(text): column for column, text in self.user_map.items()}
        ranked = self._ranked()
        best: dict[str, tuple[int, int]] = {}  # column → (rank, index)
        for index, text in enumerate(cells):
            key = header_key(text or "")
            if not key:
                continue
            if key in wanted:
                found: tuple[str, int] | None = (wanted[key], 0)
            else:
                found = ranked.get(key) or next(
                    ((col, 50) for pattern, col in self.patterns if pattern.fullmatch(key)), None
                )
                if found is not None and found[0] in self.user_map:
                    found = None  # the map names another header for this column
            if found is None:
                continue
            column, rank = found
            if column not in best or rank < best[column][0]:
                best[column] = (rank, index)
        if "item" in self.documented and "item" not in best:
            serial = next(
                (i for i, t in enumerate(cells) if header_key(t or "") in ITEM_FALLBACK), None
            )
            if serial is not None:
                best["item"] = (99, serial)
        return {index: column for column, (_, index) in best.items()}

    def is_header(self, cells: Sequence[str], required: tuple[str, ...]) -> bool:
        named = set(self.columns_of(cells).values())
        return all(column in named for column in self.required_of(cells, required))

    def check_map(self, cells: Sequence[str], name: str, row: int) -> None:
        """Refuse a ``--columns`` map naming a header the file's header row does not have."""
        present = {header_key(t or "") for t in cells}
        missing = [
            CellError(
                self.map_name,
                0,
                column,
                f"maps {column} to the header {text!r}, which {name} does not have "
                f"(its header is row {row}: {', '.join(repr(t) for t in cells if t)})",
            )
            for column, text in self.user_map.items()
            if header_key(text) not in present
        ]
        if missing:
            raise ImportRejected(missing)


#: An office plan table names at least these (a table naming no 责任单位 names no
#: department, and none is made up); the plan code, pledges, target keys, kind
#: and assessment are filled in (exchange/office_plan.py ``office_plan_rows``), and without
#: an item title column each item is titled by its first 项目内容 (``item_titles_from_content``).
OFFICE_PLAN_REQUIRED = ("item", "target_name")
#: … or, without a 序号, numbered item titles (``一、就业促进行动(6项指标)``) and targets.
OFFICE_PLAN_TITLED = ("item_title", "target_name")


def rules_for(table: str, documented: tuple[str, ...], columns: Path | None) -> HeaderRules:
    """The header rules of a ``plan``, ``progress``, ``office_progress`` or ``contacts``
    file, with the map in *columns* (not for contacts)."""
    if table == "office_progress":
        return HeaderRules(
            documented,
            OFFICE_PROGRESS_ALIASES,
            (
                *((pattern, "progress") for pattern, _ in PROGRESS_PATTERNS),
                *OFFICE_PROGRESS_PATTERNS,
            ),
            {} if columns is None else read_column_map(columns, documented),
            "" if columns is None else str(columns),
        )
    if table == "contacts":
        return HeaderRules(documented, CONTACT_ALIASES)
    plan = table == "plan"
    return HeaderRules(
        documented,
        PLAN_ALIASES if plan else PROGRESS_ALIASES,
        () if plan else PROGRESS_PATTERNS,
        {} if columns is None else read_column_map(columns, documented),
        "" if columns is None else str(columns),
        (OFFICE_PLAN_REQUIRED, OFFICE_PLAN_TITLED) if plan else (),
    )


def read_column_map(path: Path, documented: tuple[str, ...]) -> dict[str, str]:
    """A ``--columns`` TOML file: ``documented_column = "the file's header text"``."""
    name = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ImportRejected([CellError(name, 0, "-", f"cannot open: {exc.strerror}")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ImportRejected([CellError(name, 0, "-", f"not a TOML column map: {exc}")]) from None
    errors = []
    for column, text in data.items():
        if column not in documented:
            errors.append(
                CellError(
                    name,
                    0,
                    column,
                    f"{column!r} is not a column of this file: the columns are "
                    + ", ".join(documented),
                )
            )
        elif not isinstance(text, str) or not text.strip():
            errors.append(CellError(name, 0, column, "the header text must be a non-empty string"))
    if errors:
        raise ImportRejected(errors)
    return dict(data)
