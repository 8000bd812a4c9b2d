"""Evidence (佐证材料) in the item detail: the history counts and names a figure's files, a
file is attached by its path, and opened with the system viewer (the viewer hook)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from pledgetrack.services.evidence import (
    attach_evidence,
    list_evidence,
    max_bytes,
    read_evidence_file,
)
from pledgetrack.tui import viewer
from pledgetrack.tui.app import PledgeApp
from pledgetrack.tui.screens.evidence_path import EvidencePathScreen
from pledgetrack.tui.screens.item_detail import ItemDetailScreen
from pledgetrack.tui.screens.pick import PickScreen
from pledgetrack.tui.widgets.fitted_table import FittedTable
from tests.tui_support import SIZE, TODAY, make_app, notifications, open_item, settle, wait_until

PDF = b"%PDF-1.4\n% acceptance certificate\n"
JPEG = b"\xff\xd8\xff\xe0 kiosk photo"


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The commands the viewer hook was asked to start (none is started)."""
    commands: list[list[str]] = []
    monkeypatch.setattr(viewer, "launch", commands.append)
    return commands


def attach(engine: Engine, key: str, *files: Path) -> None:
    checked = [read_evidence_file(f, limit=max_bytes(20)) for f in files]
    attach_evidence(engine, target_key=key, files=checked)


def history_text(detail: ItemDetailScreen) -> str:
    table = detail.query_one("#history", FittedTable)
    return "\n".join(
        " ".join(str(c) for c in table.get_row_at(row)) for row in range(table.row_count)
    )


async def open_item_28(pilot, app) -> ItemDetailScreen:  # type: ignore[no-untyped-def]
    return await open_item(pilot, app, 28)


async def paste_path(pilot: Pilot[object], app: PledgeApp, path: Path) -> None:
    """Paste *path* into the path field (as a terminal pastes: one event, not a key per
    character) and press Enter."""
    field = app.screen.query_one("#evidence-path", Input)
    field.post_message(events.Paste(str(path)))
    await wait_until(pilot, lambda: field.value == str(path))
    await pilot.press("enter")


async def test_the_history_counts_and_names_a_figures_files(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "照片[red].jpg").write_bytes(JPEG)
    (tmp_path / "验收单.pdf").write_bytes(PDF)
    attach(engine, "28.1", tmp_path / "照片[red].jpg", tmp_path / "验收单.pdf")
    app = make_app(engine)
    async with app.run_test(size=(160, 40)) as pilot:
        detail = await open_item_28(pilot, app)
        shown = history_text(detail)
        assert "📎2 照片[red].jpg、验收单.pdf" in shown  # names as text, not markup
        assert "佐证材料" in str(detail.query_one("#history", FittedTable).columns)


async def test_a_file_is_attached_by_its_path_and_a_bad_path_is_refused(
    engine: Engine, tmp_path: Path
) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(PDF)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item_28(pilot, app)
        assert "📎" not in history_text(detail)
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, EvidencePathScreen))
        await paste_path(pilot, app, tmp_path / "missing.pdf")
        await wait_until(pilot, lambda: any("没有这个文件" in m for m, _ in notifications(app)))
        assert "error" in [s for m, s in notifications(app) if "missing.pdf" in m]
        assert list_evidence(engine) == []
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, EvidencePathScreen))
        await paste_path(pilot, app, scan)
        await settle(pilot, lambda: "📎1 scan.pdf" in history_text(detail))
        assert [e.file_name for e in list_evidence(engine, target_key="28.1")] == ["scan.pdf"]
        assert any("已附上 scan.pdf" in m for m, _ in notifications(app))


async def test_open_writes_a_temporary_file_and_calls_the_viewer(
    engine: Engine, tmp_path: Path, launched: list[list[str]]
) -> None:
    (tmp_path / "a.pdf").write_bytes(PDF)
    (tmp_path / "b.jpg").write_bytes(JPEG)
    attach(engine, "28.1", tmp_path / "a.pdf")
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_item_28(pilot, app)
        await pilot.press("o")
        await wait_until(pilot, lambda: launched)
        command = launched[0]
        assert command[0] in ("xdg-open", "open", "explorer")
        opened = Path(command[-1])
        assert opened.name == "a.pdf" and opened.read_bytes() == PDF
    attach(engine, "28.1", tmp_path / "b.jpg")
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_item_28(pilot, app)
        await pilot.press("o")  # two files: choose one
        await wait_until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("b", "enter")
        await wait_until(pilot, lambda: len(launched) == 2)
        assert Path(launched[1][-1]).read_bytes() == JPEG


async def test_open_without_evidence_says_so(engine: Engine, launched: list[list[str]]) -> None:
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await open_item_28(pilot, app)
        await pilot.press("o")
        await wait_until(pilot, lambda: notifications(app))
        assert notifications(app)[-1] == ("这项数据没有佐证材料（按 a 附上）", "warning")
        assert launched == []


async def test_a_file_goes_to_the_highlighted_reading_else_the_latest(
    engine: Engine, tmp_path: Path
) -> None:
    from datetime import date

    from pledgetrack.services.progress import record

    record(
        engine,
        target_key="28.1",
        value="70",
        as_of=date(2020, 11, 30),
        entered_by="li",
        today=TODAY,
    )
    (tmp_path / "nov.pdf").write_bytes(PDF)
    (tmp_path / "oct.jpg").write_bytes(JPEG)
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item_28(pilot, app)
        await pilot.press("a")  # the targets table has the focus: the latest figure
        await wait_until(pilot, lambda: isinstance(app.screen, EvidencePathScreen))
        await paste_path(pilot, app, tmp_path / "nov.pdf")
        await settle(pilot, lambda: "📎1 nov.pdf" in history_text(detail))
        history = detail.query_one("#history", FittedTable)
        history.focus()
        history.move_cursor(row=0)  # October's reading
        await pilot.press("a")
        await wait_until(pilot, lambda: isinstance(app.screen, EvidencePathScreen))
        await paste_path(pilot, app, tmp_path / "oct.jpg")
        await settle(pilot, lambda: "📎1 oct.jpg" in history_text(detail))
    dated = [(e.as_of, e.file_name) for e in list_evidence(engine, target_key="28.1")]
    assert dated == [(date(2020, 10, 31), "oct.jpg"), (date(2020, 11, 30), "nov.pdf")]


async def type_line(pilot: Pilot[object], app: PledgeApp, text: str) -> None:
    """Paste *text* into the dialog's line and press Enter."""
    field = app.screen.query_one("#evidence-path", Input)
    field.post_message(events.Paste(text))
    await wait_until(pilot, lambda: field.value == text)
    await pilot.press("enter")


async def test_a_file_is_withdrawn_with_a_reason(engine: Engine, tmp_path: Path) -> None:
    """`w` on a figure with two files: pick one, give the reason (empty is no
    withdrawal), the history no longer names it, the audit has the reason."""
    from pledgetrack.services.audit import list_audit
    from pledgetrack.tui.screens.evidence_path import WithdrawReasonScreen

    (tmp_path / "wrong[b].jpg").write_bytes(JPEG)
    (tmp_path / "ok.pdf").write_bytes(PDF)
    attach(engine, "28.1", tmp_path / "ok.pdf", tmp_path / "wrong[b].jpg")
    app = make_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_item_28(pilot, app)
        await settle(pilot, lambda: "📎2" in history_text(detail))
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("w", "r", "o", "n", "g", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WithdrawReasonScreen))
        assert "wrong[b].jpg" in str(app.screen.query_one("#evidence-title").render())
        await pilot.press("enter")  # no reason: nothing withdrawn
        await wait_until(pilot, lambda: app.screen is detail)
        assert len(list_evidence(engine, target_key="28.1")) == 2
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, PickScreen))
        await pilot.press("w", "r", "o", "n", "g", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, WithdrawReasonScreen))
        await type_line(pilot, app, "不是本项目的照片")
        await settle(pilot, lambda: "📎1 ok.pdf" in history_text(detail))
        assert any("已撤回 wrong[b].jpg（28.1）" in m for m, _ in notifications(app))
    assert [e.file_name for e in list_evidence(engine, target_key="28.1")] == ["ok.pdf"]
    entry = next(e for e in list_audit(engine, target="28.1") if e.action == "evidence.withdraw")
    assert entry.after is not None and entry.after["reason"] == "不是本项目的照片"


async def test_staff_of_another_department_cannot_withdraw(engine: Engine, tmp_path: Path) -> None:
    """The service refuses (not the screen): the refusal is shown, nothing withdrawn."""
    from pledgetrack.domain.model import Policy
    from pledgetrack.services.access import add_user
    from pledgetrack.tui.app import create_app
    from pledgetrack.tui.screens.evidence_path import WithdrawReasonScreen
    from tests.tui_support import OCTOBER, _record_notifications

    (tmp_path / "a.pdf").write_bytes(PDF)
    add_user(engine, login="admin", role="admin", actor="admin")
    add_user(engine, login="wang", role="staff", department="市人力资源社会保障局", actor="admin")
    scan = read_evidence_file(tmp_path / "a.pdf", limit=max_bytes(20))
    attach_evidence(engine, target_key="28.1", files=[scan], actor="admin")
    app = create_app(engine, lang="en", policy=Policy(), as_of=OCTOBER, today=TODAY, user="wang")
    _record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_item_28(pilot, app)
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, WithdrawReasonScreen))
        await type_line(pilot, app, "mine now")
        await wait_until(pilot, lambda: any(s == "error" for _m, s in notifications(app)))
        refusal = next(m for m, s in notifications(app) if s == "error")
        assert refusal == (
            "wang enters figures for 市人力资源社会保障局 only, not for 28.1: 市文化和旅游局 "
            "answers for them"
        )
    assert [e.file_name for e in list_evidence(engine)] == ["a.pdf"]


def test_refusals_to_enter_are_said_in_the_uis_language() -> None:
    """services.access names the rule (PermissionDenied.reason); the TUI words it in
    Chinese and English, and a refusal it has no words for is shown as said."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.tui.refusals import entry_refusal_text

    other = PermissionDenied("x", reason="other_department", login="wang", keys="28.1",
                             department="市文化和旅游局", own="市人力资源社会保障局",
                             admins=("admin",))  # fmt: skip
    assert entry_refusal_text(other, "zh") == (
        "wang是市人力资源社会保障局的填报人员，不能填报28.1或为其附、撤佐证；"
        "这些指标由市文化和旅游局负责"
    )
    supervisor = PermissionDenied("x", reason="supervisor", login="zhang", keys="28.1, 28.2",
                                  department="市文化和旅游局", own=None, admins=())  # fmt: skip
    assert "督查人员审核数据" in entry_refusal_text(supervisor, "zh")
    nobody = PermissionDenied("x", reason="not_user", login="guest", admins=())
    assert (
        entry_refusal_text(nobody, "zh")
        == "guest不是pledgetrack用户，只能查看；请管理员（暂无管理员）添加"
    )
    assert entry_refusal_text(PermissionDenied("as the service said"), "zh") == (
        "as the service said"
    )


def test_evidence_refusals_are_said_in_the_uis_language(tmp_path: Path) -> None:
    """A file the service refused (missing, a directory, empty, too big) is said in the
    UI's language, naming the path; the English is the service's own words."""
    from pledgetrack.services.evidence import EvidenceRefused
    from pledgetrack.tui.refusals import entry_refusal_text

    def refusal(path: Path, limit: int = 1000) -> EvidenceRefused:
        with pytest.raises(EvidenceRefused) as refused:
            read_evidence_file(path, limit=limit)
        return refused.value

    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "big.pdf").write_bytes(PDF * 100)
    missing = refusal(tmp_path / "nope.pdf")
    assert entry_refusal_text(missing, "zh") == f"{tmp_path / 'nope.pdf'}：没有这个文件"
    assert entry_refusal_text(missing, "en") == str(missing)
    assert entry_refusal_text(refusal(tmp_path), "zh").endswith("：是文件夹，不是文件")
    assert entry_refusal_text(refusal(tmp_path / "empty.pdf"), "zh").endswith("：文件是空的")
    big = entry_refusal_text(refusal(tmp_path / "big.pdf"), "zh")
    assert "超过每个文件0.0 MB的上限" in big and "evidence_max_mb" in big
