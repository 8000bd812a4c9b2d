"""Text from people is text everywhere: control characters and escape sequences are refused
where text comes in (imported files, typed notes) and never reach a terminal, a screen or a
report when they are already stored; brackets are shown, not read as markup; a spreadsheet
never runs a cell as a formula; the Markdown report runs no HTML."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.engine import Engine
from textual.widgets import DataTable
from typer.testing import CliRunner

from pledgetrack.cli import app as cli_app
from pledgetrack.domain.errors import ImportRejected
from pledgetrack.domain.model import Policy
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.domain.text import (
    TextRefused,
    as_formula_safe,
    from_formula_safe,
    one_line,
    require_text,
    shown,
    text_problem,
)
from pledgetrack.exchange.tables import write_csv
from pledgetrack.i18n.catalog import CATALOG
from pledgetrack.services.month_report import build_month_report, render_report, write_report
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import (
    export_progress,
    read_progress_file,
    save_entries,
)
from pledgetrack.services.review import review
from tests.backends import drop_append_only_triggers
from tests.conftest import DATA, PLAN_CSV, TODAY
from tests.test_tui_detail import open_item
from tests.tui_support import OCTOBER, SIZE, make_app, settle

runner = CliRunner()

#: What old data may hold: an escape sequence that clears the screen, NUL, a bidi
#: override, a hyperlink escape, and markup that must be shown as typed.
HOSTILE = "A\x1b[2J\x00\u202eB\x1b]8;;http://x\x07C [bold red]D[/] [link=x]E"
HOSTILE_SHOWN = "ABC [bold red]D[/] [link=x]E"
CONTROLS = ("\x1b", "\x00", "\u202e", "\x07")


# ---- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["\x00", "\x1b[31m", "\x07", "\x7f", "\x9b", "\u202e", "\u2066", "\x08"]
)
def test_controls_escapes_and_bidi_overrides_are_refused_in_every_field(bad: str) -> None:
    assert text_problem(f"ok{bad}ok") is not None
    assert text_problem(f"ok{bad}ok", free=True) is not None


def test_a_line_break_or_tab_is_allowed_in_free_text_only() -> None:
    for ws in ("\n", "\t", "\r\n"):
        assert text_problem(f"第一行{ws}第二行", free=True) is None
        assert text_problem(f"市教育局{ws}") is not None


def test_ordinary_chinese_text_with_ideographic_spaces_is_fine() -> None:
    assert text_problem("城镇新增就业\u3000（万人）", free=False) is None
    assert text_problem("emoji 👍🏽 and a zero-width joiner 👩\u200d💻") is None


def test_require_text_names_the_field_and_the_character() -> None:
    with pytest.raises(TextRefused, match=r"^name: contains U\+001B \(ESC"):
        require_text("wang\x1b[31m", "name")
    assert require_text("王 伟", "name") == "王 伟"


def test_shown_removes_whole_escape_sequences_and_keeps_the_text() -> None:
    assert shown(HOSTILE) == HOSTILE_SHOWN
    assert shown("a\r\nb\rc\td") == "a\nb\nc\td"
    assert one_line("a\nb\tc") == "a b c"
    assert shown("plain 文本") == "plain 文本"


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("-5 due to recount", "'-5 due to recount"),
        ("+86 532", "'+86 532"),
        ("@cmd", "'@cmd"),
        ("'=already quoted", "''=already quoted"),
        ("it's fine", "it's fine"),
        ("'quoted'", "'quoted'"),
        ("5", "5"),
    ],
)
def test_a_formula_looking_cell_is_quoted_and_read_back_as_typed(typed: str, written: str) -> None:
    assert as_formula_safe(typed) == written
    assert from_formula_safe(written) == typed


@given(st.text())
def test_formula_quoting_round_trips_any_text(typed: str) -> None:
    written = as_formula_safe(typed)
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert from_formula_safe(written) == typed


def test_the_catalog_has_no_html_characters_the_markdown_escape_would_change() -> None:
    for key, texts in CATALOG.items():
        if key.startswith(("report.", "score.", "status.", "sep.")):
            for words in texts.values():
                assert not set(words) & set("<>&"), key


# ---- refused at input -------------------------------------------------------------------


def _plan_csv(tmp_path: Path, column: str, value: str) -> Path:
    lines = PLAN_CSV.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    import csv
    import io

    rows = list(csv.reader(io.StringIO("\n".join(lines[:3]))))
    rows[2][header.index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "plan.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("item_title", "就业\x1b[2J", "U+001B"),
        ("department", "市人力资源社会保障局\u202e", "U+202E"),
        ("department", "市人力资源\n社会保障局", "line break"),
        ("target_name", "政策性扶持创业\x00", "U+0000"),
        ("unit", "万人\t", "tab"),  # inside the cell, not at its end
    ],
)
def test_a_plan_file_with_a_control_character_is_refused_naming_the_cell(
    empty_engine: Engine, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    if column == "unit":
        value = "万\t人"
    path = _plan_csv(tmp_path, column, value)
    with pytest.raises(ImportRejected) as caught:
        import_plan(empty_engine, path)
    assert [str(e).split(": ")[0] for e in caught.value.errors] == [f"{path}:3:{column}"]
    assert reason in caught.value.errors[0].reason


def test_a_line_break_in_a_title_is_kept(empty_engine: Engine, tmp_path: Path) -> None:
    path = _plan_csv(tmp_path, "item_title", "就业")
    text_ = path.read_text(encoding="utf-8").replace(",就业,", ',"就业\n创业",')
    path.write_text(text_, encoding="utf-8")
    import_plan(empty_engine, path)
    from sqlmodel import Session

    from pledgetrack.storage.queries import load_structure

    with Session(empty_engine) as session:
        assert load_structure(session=session, code="qingdao-2020").items[0].title == "就业\n创业"


def test_an_xlsx_progress_file_with_a_bidi_override_is_refused(
    qingdao: Engine, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["plan", "target", "as_of", "value", "note", "entered_by"])
    ws.append(["qingdao-2020", "1.1", "2020-11-30", "42", "ok", "wang\u202egnaw"])
    path = tmp_path / "progress.xlsx"
    wb.save(path)
    with pytest.raises(ImportRejected) as caught:
        read_progress_file(qingdao, path, today=TODAY)
    assert str(caught.value.errors[0]).startswith(f"{path}:2:entered_by: contains U+202E")


def test_record_refuses_an_escape_in_the_note(tmp_path: Path) -> None:
    db = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", db)
    result = runner.invoke(
        cli_app,
        ["--db", str(db), "--lang", "en", "record", "28.1", "70", "--as-of", "2020-11",
         "--note", "done\x1b]0;owned\x07"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "U+001B" in result.output and "\x1b" not in result.output


# ---- CSV injection ----------------------------------------------------------------------


def test_formula_notes_export_quoted_and_reimport_unchanged(
    qingdao: Engine, tmp_path: Path
) -> None:
    typed = ["=SUM(A1)", "-5 due to recount", "@import", "+1"]
    save_entries(
        qingdao,
        [
            entry
            for note, key in zip(typed, ("1.1", "1.2", "1.3", "2.1"), strict=True)
            for entry in _reading(qingdao, tmp_path, key, note)
        ],
    )
    path = tmp_path / "progress.csv"
    export_progress(qingdao, path)
    written = path.read_text(encoding="utf-8-sig")
    for note in typed:
        assert f",'{note}," in written
    # Read back, the notes are the ones stored: nothing to add, nothing corrected.
    back = read_progress_file(qingdao, path, today=TODAY)
    assert {r.note for r in back} >= set(typed)
    outcome = save_entries(qingdao, back)
    assert (outcome.added, outcome.corrections) == (0, 0)


def _reading(engine: Engine, tmp_path: Path, key: str, note: str):  # type: ignore[no-untyped-def]
    path = tmp_path / f"one-{key}.csv"
    path.write_text(
        f'plan,target,as_of,value,note\nqingdao-2020,{key},2020-11-30,50,"\'{note}"\n',
        encoding="utf-8",
    )
    return read_progress_file(engine, path, today=TODAY, confirm=True)


def test_only_text_columns_get_a_formula_quote(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    write_csv(path, ["value", "note"], [["-5", "-5 due to recount"]], numbers=("value",))
    assert path.read_text(encoding="utf-8-sig").splitlines()[1] == "-5,'-5 due to recount"


# ---- stripped at output (old data) ------------------------------------------------------


@pytest.fixture
def hostile(engine: Engine) -> Engine:
    """The sample with control characters and markup stored before the check existed
    (PostgreSQL stores no NUL in text, so there it holds the others)."""
    stored = HOSTILE if engine.url.get_backend_name() == "sqlite" else HOSTILE.replace("\x00", "")
    with engine.begin() as conn:
        drop_append_only_triggers(conn)  # as someone with the file (SQLite) or the owner would
        conn.execute(text("UPDATE item SET title = :t WHERE no = 1"), {"t": stored})
        conn.execute(text("UPDATE pledge SET title = :t WHERE no = 1"), {"t": stored})
        conn.execute(
            text(
                "UPDATE snapshot SET note = :t, entered_by = :t WHERE target_id IN "
                "(SELECT id FROM target WHERE key IN ('1.1', '28.1'))"
            ),
            {"t": stored},
        )
    return engine


@pytest.mark.parametrize("fmt", ["text", "md", "html"])
def test_every_text_report_of_old_data_holds_no_control_character(
    hostile: Engine, fmt: str
) -> None:
    report = build_month_report(hostile, month=OCTOBER, policy=Policy())
    out = render_report(report, ReportFormat(fmt), "en")
    assert not any(c in out for c in CONTROLS)
    assert "[bold red]D[/] [link=x]E" in out


@pytest.mark.parametrize("fmt", [ReportFormat.xlsx, ReportFormat.docx])
def test_an_escape_or_nul_in_a_note_does_not_break_the_office_reports(
    hostile: Engine, tmp_path: Path, fmt: ReportFormat
) -> None:
    report = build_month_report(hostile, month=OCTOBER, policy=Policy(), with_history=True)
    path = tmp_path / f"report.{fmt.value}"
    write_report(report, fmt, "zh", path)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    assert HOSTILE_SHOWN.split(" ")[0] in xml
    assert not any(c in xml for c in CONTROLS)


def test_markdown_report_escapes_html_people_typed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE item SET title = :t WHERE no = 1"),
            {"t": "<script>alert(1)</script><img src=x onerror=alert(2)>"},
        )
    report = build_month_report(engine, month=OCTOBER, policy=Policy())
    for fmt in (ReportFormat.md, ReportFormat.html):
        out = render_report(report, fmt, "en")
        assert "<script>" not in out and "<img" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_the_cli_status_table_shows_old_data_as_text(hostile: Engine) -> None:
    db = hostile.url.database
    if db is None or hostile.url.get_backend_name() != "sqlite":
        pytest.skip("the CLI test opens the SQLite file")
    result = runner.invoke(
        cli_app,
        ["--db", db, "--lang", "en", "status", "--as-of", "2020-10-31"],
        env={"COLUMNS": "400"},
    )
    assert result.exit_code == 0, result.output
    assert not any(c in result.output for c in CONTROLS)
    assert "[bold red]" in result.output


def test_review_and_audit_tables_show_brackets_as_typed(engine: Engine) -> None:
    db = engine.url.database
    if db is None or engine.url.get_backend_name() != "sqlite":
        pytest.skip("the CLI test opens the SQLite file")
    comment = "fix [/] [link=x]this[/link] [bold red]now"
    review(engine, decision="returned", comment=comment, target_key="1.1", as_of=OCTOBER)
    listed = runner.invoke(
        cli_app, ["--db", db, "review", "list", "--status", "returned"], env={"COLUMNS": "400"}
    )
    assert listed.exit_code == 0, listed.output
    assert comment in listed.output
    audited = runner.invoke(cli_app, ["--db", db, "audit"], env={"COLUMNS": "400"})
    assert audited.exit_code == 0, audited.output
    assert "[/]" in audited.output and "Traceback" not in audited.output


async def test_the_detail_and_history_screens_show_old_data_as_text(hostile: Engine) -> None:
    app = make_app(hostile, lang="en")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_item(pilot, downs=1)
        await settle(pilot)
        header = str(screen.query_one("#detail-title").render())
        assert HOSTILE_SHOWN in header
        history = screen.query_one("#history", DataTable)
        cells = [c.plain for i in range(history.row_count) for c in history.get_row_at(i)]
        assert HOSTILE_SHOWN in cells
        assert not any(ch in cell for cell in cells for ch in CONTROLS)
