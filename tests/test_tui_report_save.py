"""Saving the report from the TUI: the file name's suffix picks the format, through the
same renderers as ``pledgetrack report``; any other suffix is refused on screen."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.domain.model import Policy
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.services.month_report import build_month_report, render_report
from pledgetrack.tui.app import PledgeApp
from pledgetrack.tui.screens.report import ReportScreen
from tests.tui_support import OCTOBER, SIZE, make_app, open_save_dialog, settle


def notifications(app: PledgeApp) -> list[tuple[str, str]]:
    return [(n.message, n.severity) for n in app._notifications]


async def save_as(app: PledgeApp, pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    """Open the report, press s, type *name*, enter; wait for the save to finish."""
    dialog = await open_save_dialog(pilot)
    dialog.query_one("#save-path").value = name
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ReportScreen)


@pytest.mark.parametrize("name", ["october.html", "october.htm", "OCTOBER.MD", "october.txt"])
async def test_a_text_format_is_saved_as_the_cli_renders_it(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await save_as(app, pilot, str(tmp_path / name))
        fmt = {".html": "html", ".htm": "html", ".md": "md", ".txt": "text"}
        expected = render_report(
            build_month_report(engine, month=OCTOBER, policy=Policy()),
            ReportFormat(fmt[Path(name).suffix.lower()]),
            "en",
        )
        assert (tmp_path / name).read_text(encoding="utf-8") == expected
        assert notifications(app)[-1][1] == "information"


@pytest.mark.slow  # office files through the TUI: DOCX and XLSX writers
@pytest.mark.parametrize("suffix", [".xlsx", ".docx"])
async def test_an_office_format_is_saved_as_a_real_office_file(
    engine: Engine, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"october{suffix}"
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await save_as(app, pilot, str(path))
        assert notifications(app)[-1] == (f"已保存：{path.resolve()}", "information")
    with zipfile.ZipFile(path) as archive:  # both are Office Open XML packages
        names = archive.namelist()
    assert ("xl/workbook.xml" if suffix == ".xlsx" else "word/document.xml") in names
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        # the workbook has the month's records, like 'pledgetrack report --out x.xlsx'
        sheets = load_workbook(path, read_only=True).sheetnames
        assert len(sheets) == 6


@pytest.mark.parametrize("name", ["october.pdf", "october.doc", "october.xls"])
async def test_a_suffix_that_is_no_report_format_is_refused_on_screen(
    engine: Engine, tmp_path: Path, name: str
) -> None:
    app = make_app(engine, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await save_as(app, pilot, str(tmp_path / name))
        message, severity = notifications(app)[-1]
    assert severity == "error"
    assert name in message and ".docx" in message
    assert not any(p.name.startswith(("october", ".october")) for p in tmp_path.iterdir())
