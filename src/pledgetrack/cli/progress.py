"""Figures in and out: `record` one reading, `import` and `export` plan and progress files."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from pledgetrack.cli.app import (
    Force,
    Lang,
    PlanOption,
    app,
    as_text,
    database_url,
    engine_for,
    err,
    fail,
    lang_of,
    os_reason,
    parse_date_option,
    state,
    sub_app,
)
from pledgetrack.domain.errors import (
    ImportRejected,
    OutputRefused,
    PlanNotFound,
    UnsupportedFileType,
)
from pledgetrack.domain.model import Status
from pledgetrack.domain.numbers import format_number
from pledgetrack.domain.qualifier import qualified
from pledgetrack.domain.text import one_line
from pledgetrack.i18n import counted, status_label, t

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from pledgetrack.services.office_progress import ProgressRead
    from pledgetrack.services.progress import SaveOutcome

import_app = sub_app("Import a plan or progress file (CSV or .xlsx).")
export_app = sub_app(
    "Export a plan or progress file (CSV, UTF-8 with BOM; .xlsx by the file suffix)."
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


@app.command(context_settings={"ignore_unknown_options": True})
def record(
    target: Annotated[str, typer.Argument(help="Target key, e.g. 1.1")],
    value: Annotated[
        str | None,
        typer.Argument(
            help="Cumulative value in the target's unit (a stage for staged milestones)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the value is as of (default: today).")
    ] = None,
    note: Annotated[str, typer.Option("--note", help="Evidence or explanation.")] = "",
    done: Annotated[bool, typer.Option("--done", help="Mark a milestone as done.")] = False,
    plan: PlanOption = None,
    confirm: Annotated[
        bool,
        typer.Option("--confirm", help="Store it although the check warns (lower, 3×, 万 …)."),
    ] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
    qualifier: Annotated[
        str | None,
        typer.Option(
            "--qualifier",
            help="How the figure is approximate: 约, 余, 近, 以上, 超过 (or approx, more, "
            "near, above, over); may also be typed with the value (约11890).",
        ),
    ] = None,
    forecast: Annotated[
        str | None,
        typer.Option(
            "--forecast", help="When the target is expected done: a date, or a month (2020-10)."
        ),
    ] = None,
    works: Annotated[
        str | None,
        typer.Option(
            "--works",
            help="Works progress (形象进度) of a count target in percent, 0-100 (e.g. 90): "
            "with or without a value.",
        ),
    ] = None,
) -> None:
    """Record one reading, checked exactly as the monthly entry screen and the import check
    it: exit 2 with the reason if refused; a warning is stored only with --confirm."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.progress import SaveConflict
    from pledgetrack.services.progress import record as record_reading
    from pledgetrack.services.reading_check import ReadingRefused

    engine = engine_for()
    language = lang_of(lang)
    try:
        info, entry, outcome = record_reading(
            engine,
            target_key=target,
            value=value,
            as_of=as_of or date.today(),
            plan=plan,
            note=note,
            done=True if done else None,
            entered_by=state.login,
            actor=state.actor,
            confirm=confirm,
            lang=language,
            qualifier=qualifier,
            forecast=forecast,
            works=works,
        )
    except PermissionDenied as exc:
        fail(exc.message)
        return
    except ReadingRefused as exc:
        hint = t("check.confirm_hint", language) if exc.needs_confirmation_only else ""
        fail(f"{exc}{hint}")
        return
    except PlanNotFound as exc:
        fail(str(exc))
        return
    except SaveConflict as exc:  # someone saved the same target and date at the same moment
        fail(f"{exc}: check the figure and record again if it still needs changing")
        return
    shown = (
        qualified(format_number(entry.value), info.unit, entry.qualifier, language)
        if entry.value is not None
        else status_label(Status.ACHIEVED, language) + info.unit
        if entry.done
        else "—" + info.unit
    )
    if entry.works is not None:
        said = t("reading.works", language, percent=format_number(entry.works))
        shown = said if entry.value is None else f"{shown}{t('report.clause.sep', language)}{said}"
    message = (
        "cli.recorded"
        if outcome.added
        else "cli.corrected"
        if outcome.corrections
        else "cli.unchanged"
    )
    typer.echo(
        t(
            message,
            language,
            key=target,
            name=one_line(info.name),
            value=shown,
            date=entry.as_of,
        )
    )


def _require_input_file(file: Path, what: str) -> None:
    """Exit 2 with one line when *file* is not a file to read (before opening the database)."""
    if file.is_dir():
        fail(f"{file} is a directory, not a {what} file")
    if not file.exists():
        fail(f"no {what} file {file}")


def _require_output_file(file: Path) -> None:
    """Exit 2 with one line when *file* cannot be an export (before opening the database)."""
    if file.is_dir():
        fail(f"{file} is a directory, not a file")


def _report_rejected(exc: ImportRejected, *, dry_run: bool = False) -> NoReturn:
    for problem in exc.errors:
        err.print(as_text(str(problem)), highlight=False, soft_wrap=True, markup=False)
    if exc.hint:
        err.print(as_text(exc.hint), highlight=False, soft_wrap=True, markup=False)
    found = f"{counted(len(exc.errors), 'problem', 'problems')} found"
    fail(
        f"dry run: {found}; the import would be refused"
        if dry_run
        else f"{found}; nothing was imported"
    )


SheetOption = Annotated[
    str | None,
    typer.Option(
        "--sheet",
        help="Workbook sheet to read (default: the one named plan/progress, else the first; "
        "a hidden sheet is read only when named).",
    ),
]


ColumnsOption = Annotated[
    Path | None,
    typer.Option(
        "--columns",
        help="TOML map for headers the aliases do not know: documented column = "
        '"the file\'s header text" (docs/exchange-format.md).',
    ),
]
DryRunOption = Annotated[
    bool,
    typer.Option(
        "--dry-run",
        help="Read and check everything, say what would be created or changed; write nothing.",
    ),
]


FromTextOption = Annotated[
    bool,
    typer.Option(
        "--from-text",
        help="Read an office table's targets from its 目标任务 sentences (look at the "
        "proposal with --dry-run first).",
    ),
]


def _say_sheet(title: str, sheets: int) -> None:
    """Which sheet of a workbook of several is read."""
    if sheets > 1:
        typer.echo(f"reading sheet {as_text(title)!r} ({sheets} sheets in the workbook)")


def _say(line: str) -> None:
    """What reading an office table skipped (a total row, notes under the table)."""
    typer.echo(as_text(line))


@import_app.command("plan")
def import_plan_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="Plan file: CSV (UTF-8, UTF-8 with BOM or GB18030) or .xlsx."),
    ],
    sheet: SheetOption = None,
    columns: ColumnsOption = None,
    dry_run: DryRunOption = False,
    from_text: FromTextOption = False,
) -> None:
    """Import (or update) a plan: every row is checked first; any problem → nothing written."""
    from pledgetrack.cli.guesses import say_guesses
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.plans import import_plan

    _require_input_file(file, "plan")
    engine = _dry_run_engine() if dry_run else engine_for(create=True)
    try:
        saved = import_plan(
            engine,
            file,
            actor=state.actor,
            sheet=sheet,
            on_sheet=_say_sheet,
            columns=columns,
            notice=_say,
            dry_run=dry_run,
            from_text=from_text,
            on_guesses=say_guesses,
        )
    except ImportRejected as exc:
        _report_rejected(exc, dry_run=dry_run)
        return
    except PermissionDenied as exc:
        fail(exc.message)
        return
    for s in saved:
        if dry_run:
            verb = "would be created" if s.created else "would be updated"
            pledges = counted(s.pledges, "pledge", "pledges") if s.pledges else "a flat list"
            typer.echo(
                f"plan {s.code} {verb}: {pledges}, "
                f"{counted(s.items, 'item', 'items')} "
                f"({s.count('item.add')} added, {s.count('item.change')} changed), targets "
                f"{s.count('target.add')} added, {s.count('target.change')} changed, "
                f"{s.targets_added + s.targets_updated - s.count('target.add') - s.count('target.change')} unchanged"
            )
        else:
            verb = "created" if s.created else "updated"
            typer.echo(
                f"plan {s.code} {verb}: {counted(s.items, 'item', 'items')}, "
                f"{counted(s.targets_added, 'target', 'targets')} added, {s.targets_updated} updated"
            )
        if s.targets_not_in_file:
            typer.echo(f"  kept (not in the file): {', '.join(s.targets_not_in_file)}")
    if dry_run:
        typer.echo("dry run: nothing was written")


def _dry_run_engine() -> "Engine":
    """The database a dry run of a plan import reads (and writes nothing to): the
    configured one; while that SQLite file does not exist yet (a first import), an empty
    one made for the dry run and removed when the command ends."""
    import atexit
    import shutil
    import tempfile

    from pledgetrack.services.backup import sqlite_path

    path = sqlite_path(database_url())
    if path is None or path.exists():
        return engine_for()  # a dry run creates no database
    scratch = tempfile.mkdtemp(prefix="pledgetrack-dry-run-")
    atexit.register(shutil.rmtree, scratch, True)
    state.db = str(Path(scratch) / "dry-run.sqlite")
    typer.echo(f"no database at {path} yet: the plan is checked as a first import")
    return engine_for(create=True)


@import_app.command("progress")
def import_progress_cmd(
    file: Annotated[Path, typer.Argument(help="Progress file: CSV or .xlsx.")],
    confirm: Annotated[
        bool,
        typer.Option(
            "--confirm", help="Store rows the check warns about (or a confirm column, per row)."
        ),
    ] = False,
    sheet: SheetOption = None,
    columns: ColumnsOption = None,
    dry_run: DryRunOption = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Office progress table: the date it is as of (default: the 截至… of its title).",
        ),
    ] = None,
    plan: Annotated[
        str | None,
        typer.Option(
            "--plan", help="Office progress table: the plan (default: the one its file name names)."
        ),
    ] = None,
    entered_on: Annotated[
        str | None,
        typer.Option(
            "--entered-on",
            help="Office progress table: the day it was published or entered, for a table "
            "typed in after the fact (its readings then do not count as late).",
        ),
    ] = None,
) -> None:
    """Import readings, each checked as the entry screen and `record` check it: every
    problem is listed and nothing is written until none is left (warnings confirmed);
    readings already stored are not added again. An office progress table (序号 |
    项目内容 | 进展情况, title …(截至9月底)) is read by its plain figures; what it does
    not say plainly is listed as not read."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.office_progress import read_progress
    from pledgetrack.services.progress import SaveConflict, save_entries
    from pledgetrack.services.progress_import import import_progress_file

    _require_input_file(file, "progress")
    day = parse_date_option(as_of, "--as-of")
    entered = parse_date_option(entered_on, "--entered-on")
    engine = engine_for()
    said: list[tuple[str, int]] = []

    def on_sheet(title: str, sheets: int) -> None:  # said once, whichever layout reads it
        if not said:
            said.append((title, sheets))
            _say_sheet(title, sheets)

    if plan is None and day is None and entered is None:
        # The documented layout, a batch at a time (a province's file has a million rows);
        # a header without its columns may be an office table's, read below.
        try:
            outcome = import_progress_file(
                engine, file, actor=state.actor, source=file.name, dry_run=dry_run,
                confirm=confirm, lang=lang_of(None), sheet=sheet, on_sheet=on_sheet,
                columns=columns, notice=_say,
            )  # fmt: skip
        except ImportRejected as exc:
            if not exc.errors or any(e.reason != _MISSING for e in exc.errors):
                _report_rejected(exc, dry_run=dry_run)
                return
        except SaveConflict as exc:  # a save of the same target and date won the race
            fail(f"{exc}; run the import again")
            return
        except PermissionDenied as exc:
            fail(exc.message)
            return
        else:
            _say_outcome(outcome, dry_run=dry_run, not_read=None)
            return
    try:
        read = read_progress(
            engine,
            file,
            plan=plan,
            as_of=day,
            entered_on=entered,
            confirm=confirm,
            lang=lang_of(None),
            sheet=sheet,
            on_sheet=on_sheet,
            columns=columns,
            notice=_say,
        )
    except ImportRejected as exc:
        _report_rejected(exc, dry_run=dry_run)
        return
    if read.office:
        _say_office_table(file, read, dry_run=dry_run)
    try:
        outcome = save_entries(
            engine, read.entries, actor=state.actor, source=file.name, dry_run=dry_run
        )
    except SaveConflict as exc:  # a save of the same target and date won the race
        fail(f"{exc}; run the import again")
        return
    except PermissionDenied as exc:
        fail(exc.message)
        return
    _say_outcome(outcome, dry_run=dry_run, not_read=len(read.not_read) if read.office else None)


#: The reason a header row lacks a column (exchange/table_body.find_header).
_MISSING = "required column is missing from the header"


def _say_outcome(outcome: "SaveOutcome", *, dry_run: bool, not_read: int | None) -> None:
    would = "would be " if dry_run else ""
    typer.echo(
        f"{counted(outcome.added, 'reading', 'readings')} {would}added, "
        f"{counted(outcome.corrections, 'correction', 'corrections')}, "
        f"{outcome.unchanged} already present"
        + (f", {not_read} not read" if not_read is not None else "")
    )
    if dry_run:
        typer.echo("dry run: nothing was written")


def _say_office_table(file: Path, read: "ProgressRead", *, dry_run: bool) -> None:
    """How an office progress table was read: its plan and date, what would be stored
    (with --dry-run), and every cell or target not read, with the reason."""
    typer.echo(
        as_text(f"office progress table: plan {read.plan}, as of {read.as_of} ({read.date_from})")
    )
    if dry_run:
        for entry in read.entries:
            said = []
            if entry.value is not None:
                unit = read.units.get(entry.key, "")
                said.append(qualified(format_number(entry.value), unit, entry.qualifier, "en"))
            elif entry.done:
                said.append("done")
            if entry.works is not None:
                said.append(f"works {format_number(entry.works)}% complete")
            if entry.forecast:
                said.append(f"expected done by {entry.forecast}")
            typer.echo(as_text(f"  would store {entry.key}: {', '.join(said)}"))
    for miss in read.not_read:
        typer.echo(as_text(f"not read: {file}:{miss.row}:{miss.column}: {miss}"))


@export_app.command("plan")
def export_plan_cmd(
    file: Annotated[Path, typer.Argument(help="File to write: .csv, or .xlsx for Excel.")],
    plan: PlanOption = None,
    force: Force = False,
    layout: Annotated[
        str,
        typer.Option(
            "--layout",
            help="file: the documented columns (CSV or .xlsx); office: an .xlsx laid out as "
            "offices keep their lists (title row, merged 件/项 cells, headers in --lang, "
            "print setup).",
        ),
    ] = "file",
    lang: Lang | None = None,
) -> None:
    """Write a plan as a plan file (CSV or .xlsx) that re-imports to the same state; with
    --layout office, as the office's own table (it re-imports too, its plan code taken from
    the file name)."""
    from pledgetrack.services.plans import export_plan, office_file_plan

    if layout not in ("file", "office"):
        fail(f"--layout: {layout!r} is not a layout: file or office")
    _require_output_file(file)
    engine = engine_for()
    with _export_errors(file):
        # The office layout is headed in Chinese unless English is asked for.
        language = lang.value if lang else ("zh" if layout == "office" else lang_of(None))
        n = export_plan(engine, file, plan=plan, force=force, layout=layout, lang=language)
    typer.echo(f"wrote {counted(n, 'target', 'targets')} to {file}")
    code = office_file_plan(file)
    if layout == "office" and plan is not None and code != plan:
        typer.echo(
            as_text(
                f"note: the office layout has no plan code column; importing {file.name} "
                f"makes plan {code!r}: name it {plan}-office.xlsx to update plan {plan!r}"
            )
        )


@contextmanager
def _export_errors(file: Path) -> Iterator[None]:
    """Exit 2 with one line for what an export can run into."""
    try:
        yield
    except PlanNotFound as exc:
        fail(str(exc))
    except (UnsupportedFileType, OutputRefused) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write {file}: {os_reason(exc)}")


@export_app.command("progress")
def export_progress_cmd(
    file: Annotated[Path, typer.Argument(help="File to write: .csv, or .xlsx for Excel.")],
    plan: PlanOption = None,
    history: Annotated[
        bool, typer.Option("--history", help="Include superseded readings (corrections).")
    ] = False,
    force: Force = False,
) -> None:
    """Write the current readings (or the whole history) as a progress file (CSV or .xlsx)."""
    from pledgetrack.services.progress import export_progress

    _require_output_file(file)
    engine = engine_for()
    with _export_errors(file):
        n = export_progress(engine, file, plan=plan, history=history, force=force)
    typer.echo(f"wrote {counted(n, 'reading', 'readings')} to {file}")
