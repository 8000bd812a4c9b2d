"""Importing and exporting plans."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.errors import UnsupportedFileType
from pledgetrack.domain.model import TargetKind
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.plan_draft import ItemDraft, PlanDraft, TargetDraft
from pledgetrack.exchange.office_plan import (
    figure_targets,
    item_titles_from_content,
    items_from_numbered_titles,
    office_plan_code,
    office_plan_rows,
)
from pledgetrack.exchange.plan_file import (
    FREE_TEXT,
    MUST_FILL,
    NUMBER_COLUMNS,
    PLAN_FILE_COLUMNS,
    REQUIRED,
    parse_plan_rows,
    plan_file_rows,
)
from pledgetrack.exchange.sentence_rows import (
    TableGuesses,
    refuse_sentence_targets,
    split_sentence_rows,
)
from pledgetrack.exchange.tables import Notice, SheetNotice, TitleLine, read_table, write_table
from pledgetrack.services.access import Actor, acting
from pledgetrack.services.audit import write_audit
from pledgetrack.services.output import check_output_file
from pledgetrack.storage.db import session_scope
from pledgetrack.storage.queries import load_structure
from pledgetrack.storage.writes import Change, PlanSaved, save_plan

__all__ = ["TableGuesses", "export_plan", "import_plan", "office_file_plan", "structure_to_draft"]


def office_file_plan(path: Path) -> str:
    """The plan an office table at *path* imports as: its file name's code."""
    return office_plan_code(path)[0]


def import_plan(
    engine: Engine,
    path: Path,
    *,
    actor: Actor | str | None = None,
    now: datetime | None = None,
    sheet: str | None = None,
    on_sheet: SheetNotice | None = None,
    columns: Path | None = None,
    notice: Notice | None = None,
    dry_run: bool = False,
    from_text: bool = False,
    on_guesses: Callable[[TableGuesses], object] | None = None,
) -> list[PlanSaved]:
    """Check a whole plan file (CSV, or .xlsx by suffix), then save every plan in it in one
    transaction, with the audit trail of every plan, item and target added or changed.
    A workbook's *sheet* may be named; *on_sheet* hears which one is read, *notice* what
    was skipped, and *columns* maps the file's headers (read_table).

    With *dry_run* everything is checked and saved as usual, then rolled back: the result
    says what the import would do, and the database is unchanged.

    An office table's targets stated only in 目标任务 sentences are read from them with
    *from_text* (exchange/sentence_rows.py), and refused without it. *on_guesses* hears
    what was guessed (office-table fill-ins, targets read from sentences) once the whole
    file is checked, before anything is saved.

    Admins only (anyone in a database without users): raises PermissionDenied.
    """
    now = now or datetime.now(UTC)
    titles: list[TitleLine] = []
    rows = read_table(
        path,
        REQUIRED,
        table="plan",
        filled=MUST_FILL,
        sheet=sheet,
        on_sheet=on_sheet,
        free_text=FREE_TEXT,
        documented=PLAN_FILE_COLUMNS,
        columns=columns,
        notice=notice,
        titles=titles,
    )
    guesses = TableGuesses()
    rows = items_from_numbered_titles(rows, str(path), guesses.lines)
    rows = item_titles_from_content(rows, guesses.lines)
    if from_text:
        rows = split_sentence_rows(rows, str(path), guesses)
    else:
        refuse_sentence_targets(rows, str(path))
    rows = figure_targets(rows, guesses.lines)
    rows = office_plan_rows(rows, path, titles, guesses.lines)
    drafts = parse_plan_rows(rows, str(path))
    del rows  # the drafts hold what is kept: a province's rows are 200 MB as dicts
    if on_guesses is not None:
        on_guesses(guesses)
    with session_scope(engine, commit=not dry_run) as session:
        me = acting(session, actor)
        me.require_admin("import or change plans")

        def audit(changes: list[Change]) -> None:
            # Each plan's own change (the first of its first batch) names the file.
            if changes[0].entity == "plan":
                plan = changes[0]
                changes[0] = replace(plan, after={**(plan.after or {}), "file": path.name})
            write_audit(
                session, user=me.recorder, acting_for=me.acting_for, at=now, changes=changes
            )

        return [save_plan(session=session, draft=d, audit=audit) for d in drafts]


def structure_to_draft(structure: PlanStructure) -> PlanDraft:
    """A stored plan in the shape of a plan file."""
    draft = PlanDraft(
        code=structure.code,
        title=structure.title,
        start=structure.period.start,
        end=structure.period.end,
        pledges={p.no: p.title for p in structure.pledges},
        flat=structure.flat,
    )
    for item in structure.items:
        draft.items[item.no] = ItemDraft(
            no=item.no,
            title=item.title,
            pledge_no=item.pledge_no,
            departments=list(item.departments),
            row=0,
            targets=[
                TargetDraft(
                    key=t.key,
                    name=t.name,
                    kind=t.rule.kind,
                    target_value=t.rule.target_value,
                    at_least=t.rule.at_least,
                    unit=t.unit,
                    baseline=t.rule.baseline,
                    # A deadline equal to the plan end was (or may as well be) left blank.
                    deadline=None if t.rule.deadline == structure.period.end else t.rule.deadline,
                    assessed=t.rule.assessed,
                    schedule=list(t.rule.schedule) if t.rule.kind is TargetKind.QUANTITY else [],
                    stages=list(t.rule.stages),
                    note=t.note,
                    row=0,
                    per_period=t.rule.per_period,
                )
                for t in item.targets
            ],
        )
    return draft


def export_plan(
    engine: Engine,
    path: Path,
    *,
    plan: str | None = None,
    force: bool = False,
    layout: str = "file",
    lang: str = "zh",
) -> int:
    """Write a plan as a plan file (CSV, or .xlsx by suffix); returns the number of targets.
    With *layout* ``office``, an .xlsx workbook laid out as offices keep their lists
    (exchange/office_plan_export.py), headed in *lang*; a CSV file cannot hold its merged
    cells and print setup, and is refused (UnsupportedFileType).

    An existing *path* is replaced only with *force*, the database's own files never
    (OutputRefused, services.output)."""
    if layout == "office" and path.suffix.lower() != ".xlsx":
        raise UnsupportedFileType(
            f"cannot write {path.name} in the office layout: it is an .xlsx workbook (a CSV "
            "file has no merged cells, borders or print setup); name the file with .xlsx"
        )
    check_output_file(engine, path, force=force)
    with Session(engine) as session:
        structure = load_structure(session=session, code=plan)
    if layout == "office":
        from pledgetrack.exchange.office_plan_export import write_office_plan

        return write_office_plan(path, structure_to_draft(structure), lang=lang, replace=force)
    header, rows = plan_file_rows(structure_to_draft(structure))
    write_table(path, header, rows, sheet="plan", numbers=NUMBER_COLUMNS, replace=force)
    return len(rows)
