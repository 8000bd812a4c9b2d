"""`export progress` streams a plan's readings to the file as they are read (a province
has over a million): the file is the one the whole list made, CSV byte for byte and
XLSX cell for cell, and an error part way leaves the earlier file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.domain.model import TargetKind
from pledgetrack.domain.numbers import format_number
from pledgetrack.exchange import xlsx
from pledgetrack.exchange.tables import write_table
from pledgetrack.services.progress import (
    PROGRESS_COLUMNS,
    export_progress,
    read_progress_file,
    save_entries,
)
from pledgetrack.storage import queries
from pledgetrack.storage.tables import Plan, Snapshot, Target
from tests.conftest import TODAY, write

HEADER = [*PROGRESS_COLUMNS, "entered_at", "qualifier", "forecast", "works_percent"]


@pytest.fixture
def corrected(qingdao: Engine, tmp_path: Path) -> Engine:
    """Qingdao's October figures, one of them corrected twice (once qualified, with a
    forecast)."""
    for n, row in enumerate(("21.6,,修正,约,2020-12", "21.7,,=再修正,,")):
        path = write(
            tmp_path / f"correction-{n}.csv",
            "plan,target,as_of,value,done,note,qualifier,forecast\n"
            f"qingdao-2020,2.1,2020-10-31,{row}\n",
        )
        save_entries(qingdao, read_progress_file(qingdao, path, today=TODAY, confirm=True))
    return qingdao


def rows_as_before(engine: Engine, *, history: bool) -> list[list[str]]:
    """The rows as the export made them before it streamed: every snapshot as an object,
    the superseded ones dropped in Python."""
    with Session(engine) as session:
        plan = session.exec(select(Plan)).one()
        snaps = session.exec(
            select(Target.key, Target.kind, Snapshot)
            .join(Target, Target.id == Snapshot.target_id)  # type: ignore[arg-type]
            .where(Target.plan_id == plan.id)
            .order_by(Snapshot.id)  # type: ignore[arg-type]
        ).all()
    superseded = {s.supersedes_id for _, _, s in snaps if s.supersedes_id is not None}
    return [
        [
            plan.code,
            key,
            s.as_of.isoformat(),
            "" if s.value is None else format_number(s.value),
            "" if kind == TargetKind.QUANTITY.value else ("yes" if s.done else "no"),
            s.note,
            s.entered_by,
            s.entered_at.isoformat(timespec="seconds"),
            s.qualifier or "",
            s.forecast_done_by.isoformat() if s.forecast_done_by else "",
            "" if s.works_percent is None else format_number(s.works_percent),
        ]
        for key, kind, s in snaps
        if history or s.id not in superseded
    ]


@pytest.mark.parametrize("history", [False, True])
def test_the_streamed_csv_is_the_file_the_whole_list_made(
    corrected, tmp_path, monkeypatch, history
) -> None:
    monkeypatch.setattr(queries, "STREAM_ROWS", 7)  # several fetches on a small plan
    before = rows_as_before(corrected, history=history)
    expected = tmp_path / "before.csv"
    write_table(expected, HEADER, before, sheet="progress", numbers=("value", "works_percent"))
    out = tmp_path / "progress.csv"
    assert export_progress(corrected, out, history=history) == len(before)
    assert out.read_bytes() == expected.read_bytes()
    assert ("2.1" in {row[1] for row in before}) and len(before) > 7
    notes = [row[5] for row in before if row[1] == "2.1" and row[2] == "2020-10-31"]
    assert notes == (
        [notes[0], "修正", "=再修正"] if history else ["=再修正"]
    )  # corrections in entry order; only the latest without --history


@pytest.mark.parametrize("history", [False, True])
def test_the_streamed_workbook_holds_the_cells_the_whole_list_made(
    corrected, tmp_path, monkeypatch, history
) -> None:
    monkeypatch.setattr(queries, "STREAM_ROWS", 5)
    monkeypatch.setattr(xlsx, "WIDTH_SAMPLE", 4)  # widths from the header and 3 rows
    before = rows_as_before(corrected, history=history)
    out = tmp_path / "progress.xlsx"
    assert export_progress(corrected, out, history=history) == len(before)
    ws = load_workbook(out).active
    assert ws.title == "progress"
    cells = [[c or "" for c in row] for row in ws.iter_rows(values_only=True)]
    assert cells == [HEADER, *before]
    assert ws.auto_filter.ref == f"A1:K{len(before) + 1}"
    assert ws.freeze_panes == "A2"
    widths = xlsx.column_widths([HEADER, *before[:3]])
    assert [ws.column_dimensions[c].width for c in "ABCDEFGHIJK"] == pytest.approx(widths)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_error_part_way_leaves_the_earlier_file_and_no_part_written_one(
    corrected, tmp_path, monkeypatch, suffix
) -> None:
    out = tmp_path / f"progress{suffix}"
    out.write_bytes(b"the earlier export")
    calls = 0

    def failing(value: float) -> str:
        nonlocal calls
        calls += 1
        if calls > 10:
            raise OSError(28, "No space left on device")
        return format_number(value)

    monkeypatch.setattr("pledgetrack.services.progress.format_number", failing)
    with pytest.raises(OSError, match="No space"):
        export_progress(corrected, out, history=True, force=True)
    assert calls > 10
    assert out.read_bytes() == b"the earlier export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
