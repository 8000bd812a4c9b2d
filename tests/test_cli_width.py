"""CLI tables meet the terminal's width, and print whole lines to a file or a pipe.

CliRunner's stdout is not a terminal: that is the redirected case. A terminal is asked
for with FORCE_COLOR (rich then writes for a terminal) and its width with COLUMNS.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

from pledgetrack.cli import app
from tests.conftest import DATA

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
LONG_NOTE = "11月数据，按照国家最新统计方法修正后的全市引才聚才人数，含高层次人才与青年人才两类"


@pytest.fixture
def db(tmp_path: Path) -> str:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return str(copy)


def run(db: str, *args: str, terminal: int | None = None) -> list[str]:
    """The lines the command prints (colours removed): to a pipe, or to a terminal of
    *terminal* columns."""
    env = {"COLUMNS": str(terminal), "FORCE_COLOR": "1"} if terminal else {"COLUMNS": "80"}
    result = runner.invoke(app, ["--db", db, *args], env=env)
    assert result.exit_code == 0, result.output
    return ANSI.sub("", result.stdout).splitlines()


def table_lines(lines: list[str]) -> list[str]:
    """The lines of the table's frame and rows (not its title and caption)."""
    return [line for line in lines if line[:1] in "┏┃┡│└"]


def headings(lines: list[str]) -> str:
    return next(line for line in lines if line.startswith("┃"))


def test_status_to_a_file_has_every_column_and_whole_lines(db: str) -> None:
    lines = run(db, "status", "--as-of", "2020-10-31")
    rows = table_lines(lines)
    widths = {cell_len(line) for line in rows}
    assert len(widths) == 1, "every line of the table is as wide as the table"
    assert widths.pop() > 80, "a file is not cut at 80 columns"
    assert all(line[-1] in "┓┃┩│┘" for line in rows), "no border missing"
    for heading in ("No.", "Item", "Department", "Done", "Expected", "Status", "Last report"):
        assert heading in headings(lines)
    # The longest pledge heading and every item's last report date are there whole.
    text = "\n".join(lines)
    assert "1.促进城乡就业创业,城镇新增就业30万人,政策性扶持创业1.5万人" in text
    assert text.count("2020-10-31") >= 36


@pytest.mark.parametrize(("lang", "columns"), [("en", 60), ("en", 80), ("zh", 60), ("zh", 80)])
def test_status_on_a_narrow_terminal_fits_and_keeps_what_matters(
    db: str, lang: str, columns: int
) -> None:
    lines = run(db, "--lang", lang, "status", "--as-of", "2020-10-31", terminal=columns)
    assert max(cell_len(line) for line in lines) <= columns
    rows = table_lines(lines)
    assert all(line[-1] in "┓┃┩│┘" for line in rows), "no border missing"
    kept = ("No.", "Item", "Done", "Status") if lang == "en" else ("序号", "事项", "完成率", "状态")
    head = headings(lines)
    assert all(word in head for word in kept), head
    # The date of the last report gives way first.
    assert ("Last report" if lang == "en" else "最近填报") not in head
    # Every item is still there, one row each, with its status.
    assert sum(1 for line in rows if re.match(r"│\s+\d+ │", line)) == 36


def test_status_on_a_wide_terminal_keeps_every_column(db: str) -> None:
    lines = run(db, "status", "--as-of", "2020-10-31", terminal=160)
    assert max(cell_len(line) for line in lines) <= 160
    assert "Last report" in headings(lines) and "Department" in headings(lines)


def test_review_and_audit_to_a_file_keep_a_long_note_whole(db: str) -> None:
    record = ["record", "2.1", "25.3", "--as-of", "2020-11-30", "--note", LONG_NOTE]
    assert runner.invoke(app, ["--db", db, *record]).exit_code == 0
    review = run(db, "review", "list")
    rows = table_lines(review)
    assert len({cell_len(line) for line in rows}) == 1
    assert "引才聚才(累计聚集各类人才)" in "\n".join(review)
    audit = run(db, "audit", "--target", "2.1")
    rows = table_lines(audit)
    assert len({cell_len(line) for line in rows}) == 1
    assert any(LONG_NOTE in line for line in rows), "the note is on one line, whole"


def test_review_on_a_narrow_terminal_fits(db: str) -> None:
    record = ["record", "2.1", "25.3", "--as-of", "2020-11-30", "--note", LONG_NOTE]
    assert runner.invoke(app, ["--db", db, *record]).exit_code == 0
    lines = run(db, "review", "list", terminal=60)
    assert max(cell_len(line) for line in lines) <= 60
    head = headings(lines)
    assert all(word in head for word in ("id", "target", "value", "status")), head
    assert "entered by" not in head


@pytest.mark.parametrize(
    "group", [[], ["export"], ["user"], ["review"], ["import"], ["db"], ["evidence"]]
)
def test_help_lists_each_commands_first_sentence_whole(group: list[str]) -> None:
    result = runner.invoke(app, [*group, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    listing = result.stdout.split("Commands:\n", 1)[1]
    assert "..." not in listing
    assert all(len(line) <= 80 for line in listing.splitlines())


def test_help_wraps_a_long_first_sentence_under_its_command() -> None:
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "80"})
    lines = result.stdout.split("Commands:\n", 1)[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  record "))
    record = " ".join(line.split() and " ".join(line.split()) for line in lines[start : start + 3])
    assert record.startswith("record Record one reading, checked exactly as the monthly entry")
    assert "a warning is stored only with --confirm." in record
