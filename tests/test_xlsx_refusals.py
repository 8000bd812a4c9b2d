"""A workbook that would be read wrong, or would take unbounded memory, is refused in one
line naming the file: a hidden first sheet, a damaged or non-zip file, XML entity
declarations, parts over the size bounds. Nothing is written."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.exchange import workbook_file
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file
from pledgetrack.storage.tables import Plan, Snapshot
from tests.conftest import ROOT, TODAY
from tests.test_misread_csv import PLAN_HEADER, PLAN_ROWS

PROGRESS = [
    ["plan", "target", "as_of", "value", "done", "note"],
    ["qingdao-2020", "1.1", datetime(2020, 11, 30), 45, None, "进展顺利"],
]
OLD = [
    ["plan", "target", "as_of", "value", "done", "note"],
    ["qingdao-2020", "1.1", datetime(2020, 11, 30), 4, None, "旧的草稿"],
]
#: The CSV tests' plan rows, as a workbook's cells.
PLAN = [line.rstrip("\n").split(",") for line in (PLAN_HEADER, PLAN_ROWS[0])]
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]>"
)


def workbook(path: Path, sheets: list[tuple[str, list[list[object]], str]]) -> Path:
    """A workbook of (title, rows, state) sheets, in tab order."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        ws.sheet_state = state
        for row in rows:
            ws.append(row)
    wb.active = next(i for i, (_, _, state) in enumerate(sheets) if state == "visible")
    wb.save(path)
    return path


def replace_part(path: Path, part: str, data: bytes) -> Path:
    """*path* with its zip member *part* replaced by *data*."""
    with zipfile.ZipFile(path) as old:
        members = {info.filename: old.read(info) for info in old.infolist()}
    members[part] = data
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, content in members.items():
            new.writestr(name, content)
    return path


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def with_shared_strings(path: Path, xml: bytes) -> Path:
    """*path* with a shared strings part *xml*, as Excel writes one (openpyxl writes
    inline strings), declared in the content types so that openpyxl reads it."""
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml")
    override = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHARED_STRINGS_TYPE}"/>'
    replace_part(
        path, "[Content_Types].xml", types.replace(b"</Types>", override.encode() + b"</Types>")
    )
    return replace_part(path, "xl/sharedStrings.xml", xml)


SHARED = b"<sst><si><t>plan</t></si><si><t>target</t></si><si><t>as_of</t></si><si><t>value</t></si></sst>"


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def progress_refused(engine, path: Path, **options) -> str:
    before = count(engine, Snapshot)
    with pytest.raises(ImportRejected) as info:
        read_progress_file(engine, path, today=TODAY, **options)
    assert count(engine, Snapshot) == before
    (error,) = info.value.errors
    assert (error.file, error.row, error.column) == (str(path), 0, "-")
    return error.reason


# ---- which sheet ---------------------------------------------------------------------


def test_a_hidden_first_sheet_is_refused_naming_it_and_how_to_choose(qingdao, tmp_path) -> None:
    path = workbook(
        tmp_path / "p.xlsx", [("旧数据", OLD, "hidden"), ("十一月", PROGRESS, "visible")]
    )
    reason = progress_refused(qingdao, path)
    assert reason == (
        "its first sheet '旧数据' is hidden, so which sheet to read is unclear: name it with "
        "--sheet (the sheets are '旧数据' (hidden), '十一月')"
    )
    seen: list[tuple[str, int]] = []
    (entry,) = read_progress_file(
        qingdao, path, today=TODAY, sheet="十一月", on_sheet=lambda *a: seen.append(a)
    )
    assert entry.reading.note == "进展顺利" and seen == [("十一月", 2)]


def test_a_hidden_sheet_named_like_the_table_is_refused(empty_engine, tmp_path) -> None:
    path = workbook(tmp_path / "p.xlsx", [("说明", [["x"]], "visible"), ("Plan", PLAN, "hidden")])
    with pytest.raises(ImportRejected, match="its sheet 'Plan' is hidden") as info:
        import_plan(empty_engine, path)
    assert "--sheet" in str(info.value)
    assert count(empty_engine, Plan) == 0
    (saved,) = import_plan(empty_engine, path, sheet="plan")
    assert saved.targets_added == 1


def test_a_visible_first_sheet_is_read_and_named(qingdao, tmp_path) -> None:
    path = workbook(
        tmp_path / "p.xlsx", [("十一月", PROGRESS, "visible"), ("旧数据", OLD, "veryHidden")]
    )
    seen: list[tuple[str, int]] = []
    (entry,) = read_progress_file(qingdao, path, today=TODAY, on_sheet=lambda *a: seen.append(a))
    assert entry.reading.value == 45 and seen == [("十一月", 2)]


def test_a_sheet_that_is_not_there_is_refused_listing_the_sheets(qingdao, tmp_path) -> None:
    path = workbook(tmp_path / "p.xlsx", [("十一月", PROGRESS, "visible")])
    assert progress_refused(qingdao, path, sheet="十月") == (
        "the workbook has no sheet '十月': its sheets are '十一月'"
    )


def test_a_sheet_named_for_a_csv_file_is_refused(qingdao, tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("plan,target,as_of,value\n", encoding="utf-8")
    assert "--sheet is for .xlsx files" in progress_refused(qingdao, path, sheet="progress")


# ---- damaged files and entity declarations -----------------------------------------


def test_a_truncated_workbook_is_one_line(qingdao, tmp_path) -> None:
    path = workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")])
    path.write_bytes(path.read_bytes()[:-200])
    assert "not a zip archive, or it is cut short" in progress_refused(qingdao, path)


def test_a_zip_without_a_workbook_is_one_line(qingdao, tmp_path) -> None:
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    assert "it holds no workbook" in progress_refused(qingdao, path)


def test_malformed_sheet_xml_is_one_line(qingdao, tmp_path) -> None:
    path = workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")])
    replace_part(path, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row><c>")
    assert "its XML is malformed" in progress_refused(qingdao, path)


@pytest.mark.parametrize(
    ("part", "body"),
    [
        ("xl/sharedStrings.xml", b"<sst><si><t>&lol9;</t></si></sst>"),
        (
            "xl/worksheets/sheet1.xml",
            b"<worksheet><sheetData><row r='1'><c r='A1' t='inlineStr'>"
            b"<is><t>&lol9;</t></is></c></row></sheetData></worksheet>",
        ),
    ],
    ids=["shared-strings", "sheet"],
)
def test_a_billion_laughs_workbook_is_refused(qingdao, tmp_path, part, body) -> None:
    path = workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")])
    if part == "xl/sharedStrings.xml":
        with_shared_strings(path, BILLION_LAUGHS + body)
    else:
        replace_part(path, part, BILLION_LAUGHS + body)
    assert "declares XML entities, which are refused" in progress_refused(qingdao, path)


# ---- bounds --------------------------------------------------------------------------


def test_shared_strings_over_the_bound_are_refused_from_the_zip_directory(
    qingdao, tmp_path, monkeypatch
) -> None:
    path = with_shared_strings(
        workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")]), SHARED
    )
    size = zipfile.ZipFile(path).getinfo("xl/sharedStrings.xml").file_size
    monkeypatch.setattr(workbook_file, "MAX_SHARED_STRINGS_BYTES", size - 1)
    assert "the shared strings would take" in progress_refused(qingdao, path)


def test_too_many_shared_strings_are_refused(qingdao, tmp_path, monkeypatch) -> None:
    path = with_shared_strings(
        workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")]), SHARED
    )
    monkeypatch.setattr(workbook_file, "MAX_SHARED_STRINGS", 3)
    assert "more than 3 different texts" in progress_refused(qingdao, path)


def test_a_sheet_over_the_bound_is_refused(qingdao, tmp_path, monkeypatch) -> None:
    path = workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")])
    monkeypatch.setattr(workbook_file, "MAX_SHEET_BYTES", 100)
    assert "the sheet 'progress' would take" in progress_refused(qingdao, path)


# The peak resident memory of this process (VmHWM: ru_maxrss would count the forking
# parent's, which Linux carries across exec).
BOMB = """
import sys
from pathlib import Path
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.exchange.tables import read_table
try:
    read_table(Path(sys.argv[1]), ("plan",), table="progress")
except ImportRejected as exc:
    print(exc.errors[0].reason)
status = open("/proc/self/status").read()
print(int(status.split("VmHWM:")[1].split()[0]) // 1024)
"""


@pytest.mark.slow
def test_a_zip_bomb_is_refused_in_bounded_memory(tmp_path) -> None:
    """1 GB of shared strings packed into about a megabyte: refused from the zip
    directory; the refusing process peaks at its imports' size (about 40 MB)."""
    path = with_shared_strings(
        workbook(tmp_path / "bomb.xlsx", [("progress", PROGRESS, "visible")]), SHARED
    )
    with zipfile.ZipFile(path) as old:
        members = {i.filename: old.read(i) for i in old.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, content in members.items():
            if name != "xl/sharedStrings.xml":
                new.writestr(name, content)
        with new.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(b"<sst>")
            block = b"<si><t>lol</t></si>" * (1 << 16)
            for _ in range((1 << 30) // len(block)):
                part.write(block)
            part.write(b"</sst>")
    assert path.stat().st_size < 8 * 1024 * 1024
    out = subprocess.run(
        [sys.executable, "-c", BOMB, str(path)], capture_output=True, text=True, check=True
    )
    reason, peak_mb = out.stdout.strip().splitlines()
    assert reason.startswith("the shared strings would take 1,024 MB unpacked")
    print(f"peak {peak_mb} MB")
    assert int(peak_mb) < 100, peak_mb


# ---- the command line --------------------------------------------------------------


def test_the_cli_refuses_a_hidden_first_sheet_and_reads_the_one_named(
    cli_db: Path, tmp_path: Path
) -> None:
    path = workbook(
        tmp_path / "p.xlsx", [("旧数据", OLD, "hidden"), ("十一月", PROGRESS, "visible")]
    )
    before = hashlib.sha256(cli_db.read_bytes()).hexdigest()
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(cli_db), "import", "progress", str(path)])
    assert result.exit_code == 2, result.output
    first, last = result.stderr.strip().splitlines()
    assert first.startswith(f"{path}:0:-: its first sheet '旧数据' is hidden")
    assert last == "error: 1 problem found; nothing was imported"
    assert hashlib.sha256(cli_db.read_bytes()).hexdigest() == before
    args = ["--db", str(cli_db), "import", "progress", str(path), "--sheet", "十一月"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "reading sheet '十一月' (2 sheets in the workbook)"


def test_billion_laughs_is_one_line_at_the_cli(cli_db: Path, tmp_path: Path) -> None:
    path = workbook(tmp_path / "p.xlsx", [("progress", PROGRESS, "visible")])
    with_shared_strings(path, BILLION_LAUGHS + b"<sst><si><t>&lol9;</t></si></sst>")
    result = CliRunner().invoke(app, ["--db", str(cli_db), "import", "plan", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[0] == (
        f"{path}:0:-: not a readable .xlsx workbook: it declares XML entities, which are "
        "refused (a workbook Excel or WPS saves has none)"
    )


def test_openpyxl_parses_with_defusedxml() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import openpyxl; print(openpyxl.DEFUSEDXML)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.strip() == "True"
