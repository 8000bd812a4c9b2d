"""Importing a progress file in either layout: the documented columns (plan, target,
as_of, value …), or the office's table (序号 | 项目内容 | 进展情况 | 责任单位 under a title
``…(截至9月底)``), told apart by the header (exchange/office_progress.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.errors import CellError, ImportRejected, PlanNotFound
from pledgetrack.domain.model import StoredReading
from pledgetrack.exchange.office_plan import office_plan_code
from pledgetrack.exchange.office_progress import (
    NotRead,
    OfficeTable,
    office_readings,
    read_office_progress,
    table_date,
)
from pledgetrack.exchange.tables import Notice, SheetNotice
from pledgetrack.services.gc_pause import gc_paused
from pledgetrack.services.progress import parse_progress_rows, read_progress_file
from pledgetrack.storage.queries import load_structure

#: The reason a header row lacks a column (exchange/table_body.find_header).
_MISSING = "required column is missing from the header"


@dataclass
class ProgressRead:
    """The readings of a progress file, checked and ready to store, and for an office
    table what it was read as: the plan, the date and where it came from, what was not
    read."""

    entries: list[StoredReading]
    office: bool = False
    plan: str = ""
    as_of: date | None = None
    date_from: str = ""
    not_read: list[NotRead] = field(default_factory=list)
    #: The unit of each target of the plan, by key (to say the readings).
    units: dict[str, str] = field(default_factory=dict)


def read_progress(
    engine: Engine,
    path: Path,
    *,
    plan: str | None = None,
    as_of: date | None = None,
    entered_on: date | None = None,
    today: date | None = None,
    confirm: bool = False,
    lang: str = "en",
    sheet: str | None = None,
    on_sheet: SheetNotice | None = None,
    columns: Path | None = None,
    notice: Notice | None = None,
) -> ProgressRead:
    """Read and check a progress file in the documented layout or, when its header is no
    such file's and names 序号 and 进展情况 (or 完成情况, 截至9月底完成 …), in the office
    layout: *plan* (default: the plan the file's name names), *as_of* (default: the
    ``截至…`` of its title) and *entered_on* (the day a table typed in after the fact was
    entered, so that it is not counted late) apply to that layout only. Raises
    ImportRejected."""
    name = str(path)
    try:
        entries = read_progress_file(
            engine, path, today=today, confirm=confirm, lang=lang, sheet=sheet,
            on_sheet=on_sheet, columns=columns, notice=notice,
        )  # fmt: skip
    except ImportRejected as exc:
        if not exc.errors or any(e.reason != _MISSING for e in exc.errors):
            raise
        try:
            table = read_office_progress(path, sheet=sheet, notice=notice)
        except ImportRejected as office:
            if all(e.reason == _MISSING for e in office.errors):
                raise exc from None  # neither layout: say what the documented one lacks
            raise
        return _read_office(engine, table, plan, as_of, entered_on, today, confirm, lang)
    if plan is not None or as_of is not None or entered_on is not None:
        raise ImportRejected(
            [
                CellError(
                    name,
                    1,
                    "-",
                    "--plan, --as-of and --entered-on are for an office progress table; this "
                    "file names its plan and dates in its plan, as_of and entered_on columns",
                )
            ]
        )
    return ProgressRead(entries)


def _read_office(
    engine: Engine,
    table: OfficeTable,
    plan: str | None,
    as_of: date | None,
    entered_on: date | None,
    today: date | None,
    confirm: bool,
    lang: str,
) -> ProgressRead:
    code = plan or office_plan_code(Path(table.name))[0]
    with Session(engine) as session:
        try:
            structure = load_structure(session=session, code=code)
        except PlanNotFound:
            how = "given with --plan" if plan else "named by the file's name"
            raise ImportRejected(
                [
                    CellError(
                        table.name,
                        1,
                        "plan",
                        f"no plan {code!r} ({how}): import the plan first, or name it with --plan",
                    )
                ]
            ) from None
    period = structure.period
    plan_year = period.start.year if period.start.year == period.end.year else None
    day, date_from = table_date(table, as_of, plan_year)
    read = office_readings(table, structure, day, entered_on)
    entries: list[StoredReading] = []
    if read.rows:
        with gc_paused():
            entries = parse_progress_rows(
                engine, read.rows, table.name, today=today, confirm=confirm, lang=lang
            )
    units = {t.key: t.unit for t in structure.targets()}
    return ProgressRead(entries, True, structure.code, day, date_from, read.not_read, units)
