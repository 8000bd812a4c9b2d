"""`export plan --layout office`: the plan as offices lay their lists out (title row,
merged 件/项 cells, Chinese or English headers, borders, widths, print setup, CJK font),
and `import plan` of it gives the same plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from pledgetrack.cli import app
from tests.conftest import write

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))

    def invoke(db: Path, *args: str, code: int = 0) -> str:
        result = CliRunner().invoke(app, ["--db", str(db), *args])
        assert result.exit_code == code, result.output
        return result.output

    return invoke


def _round_trip(cli, tmp_path: Path, db: Path, code: str, *options: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """The plan file (documented columns) of *code* before, and after its office layout
    was imported into a new database."""
    before, after = tmp_path / "before.csv", tmp_path / "after.csv"
    office = tmp_path / "office" / f"{code}-office.xlsx"
    office.parent.mkdir(exist_ok=True)
    cli(db, "export", "plan", str(before), "--plan", code)
    cli(db, "export", "plan", str(office), "--plan", code, "--layout", "office", *options)
    fresh = tmp_path / "fresh.sqlite"
    cli(fresh, "import", "plan", str(office))
    cli(fresh, "export", "plan", str(after), "--plan", code)
    return before.read_text(encoding="utf-8-sig"), after.read_text(encoding="utf-8-sig")


def test_the_qingdao_plan_round_trips_through_the_office_layout(cli, tmp_path, cli_db) -> None:
    """Structure, targets, values, units, departments, deadlines and schedules (the stages of
    milestones included) all come back: the plan file of both is the same, byte for byte."""
    before, after = _round_trip(cli, tmp_path, cli_db, "qingdao-2020")
    assert after == before
    assert "2020年青岛市市办实事" in after and "启动施工;建成;投入运行" in after


def test_the_english_office_layout_round_trips_too(cli, tmp_path, cli_db) -> None:
    before, after = _round_trip(cli, tmp_path, cli_db, "qingdao-2020", "--lang", "en")
    assert after == before


def test_the_linan_list_round_trips_as_a_flat_list(cli, tmp_path) -> None:
    db = tmp_path / "linan.sqlite"
    cli(db, "import", "plan", str(EXAMPLES / "linan-2022-plan.xlsx"))
    before, after = _round_trip(cli, tmp_path, db, "linan-2022")
    assert after == before
    ws = load_workbook(tmp_path / "office" / "linan-2022-office.xlsx").active
    assert [c.value for c in ws[2]][:3] == ["序号", "实事项目", "指标编号"]  # no 件: flat


def test_a_plan_whose_period_is_not_its_codes_year_keeps_its_period(cli, tmp_path) -> None:
    plan = (
        "plan,plan_title,plan_start,plan_end,pledge,pledge_title,item,item_title,department,"
        "target,target_name,target_value,unit,deadline,assessed,kind,schedule\n"
        "schools,学校三年计划,2021-07-01,2024-06-30,1,教育,1,学校,教育局;财政局,1.1,新建学校,"
        "5,所,2023-11-15,yes,quantity,2022-06=1; 2023-06=3\n"
    )
    db = tmp_path / "span.sqlite"
    cli(db, "import", "plan", str(write(tmp_path / "span.csv", plan)))
    before, after = _round_trip(cli, tmp_path, db, "schools")
    assert after == before
    assert "2021-07-01,2024-06-30" in after


def test_the_office_workbook_looks_as_offices_keep_it(cli, tmp_path, cli_db) -> None:
    out = tmp_path / "qingdao-2020-office.xlsx"
    cli(cli_db, "export", "plan", str(out), "--layout", "office", "--plan", "qingdao-2020")
    ws = load_workbook(out).active
    assert ws["A1"].value == "2020年青岛市市办实事"
    assert [c.value for c in ws[2]][:6] == [
        "件",
        "件名称",
        "序号",
        "实事项目",
        "指标编号",
        "目标任务",
    ]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert "A1:O1" in merged  # the title over the table
    assert {"A3:A16", "B3:B16"} <= merged  # pledge 一 over its rows
    assert {"C3:C5", "D3:D5", "N3:N5"} <= merged  # item 1: 序号, 实事项目, 责任单位
    assert ws["C3"].value == 1 and ws["G3"].value == 30  # numbers where offices type numbers
    assert ws["K3"].value == "是" and ws["L3"].value == "数量"
    assert ws["C3"].font.name == "等线" and ws["A2"].font.b
    assert ws["F3"].border.left.style == "thin" and ws["F3"].alignment.wrap_text
    assert ws.column_dimensions["F"].width == 36  # 目标任务: wrapped, not as wide as its text
    assert ws.column_dimensions["C"].width >= 6  # 序号 holds two CJK characters
    assert ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape"
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.freeze_panes == "A3"


def test_the_office_layout_is_a_workbook_not_a_csv_file(cli, tmp_path, cli_db) -> None:
    shown = cli(cli_db, "export", "plan", str(tmp_path / "p.csv"), "--layout", "office", code=2)
    assert "cannot write p.csv in the office layout: it is an .xlsx workbook" in shown
    shown = cli(cli_db, "export", "plan", str(tmp_path / "p.xlsx"), "--layout", "fancy", code=2)
    assert "--layout: 'fancy' is not a layout: file or office" in shown


def test_a_file_name_that_names_another_plan_is_said(cli, tmp_path, cli_db) -> None:
    shown = cli(
        cli_db, "export", "plan", str(tmp_path / "list.xlsx"), "--layout", "office",
        "--plan", "qingdao-2020",
    )  # fmt: skip
    assert "importing list.xlsx makes plan 'list': name it qingdao-2020-office.xlsx" in shown
