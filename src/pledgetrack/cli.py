"""Command line (Typer). With no sub-command, `pledgetrack` opens the terminal UI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import Engine

from pledgetrack.config import ConfigError, Settings
from pledgetrack.domain.dates import DateFormatError, date_label, parse_date, parse_month
from pledgetrack.domain.errors import ImportRejected, UnsupportedFileType
from pledgetrack.domain.evaluation import PlanEvaluation
from pledgetrack.domain.model import Policy, Status
from pledgetrack.domain.numbers import format_number, format_percent, pledge_heading, round_percent
from pledgetrack.domain.report_format import ReportFormat
from pledgetrack.i18n import status_label, t
from pledgetrack.storage.queries import PlanNotFound

app = typer.Typer(
    help="pledgetrack — progress of a government pledge list (市办实事). "
    "Without a command it opens the terminal UI.",
    no_args_is_help=False,
    add_completion=False,
)
db_app = typer.Typer(help="The database schema: see where it is, upgrade it.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to this program's schema (creates it when empty)."""
    from pledgetrack.storage.db import make_engine
    from pledgetrack.storage.schema import SchemaBehind, current_revision, head_revision, upgrade

    engine = make_engine(state.settings.resolved_url(state.db))
    before = current_revision(engine)
    try:
        upgrade(engine)
    except SchemaBehind as exc:
        fail(str(exc))
    after = current_revision(engine)
    if before == after:
        err.print(f"already at {after} (head {head_revision()})")
    else:
        err.print(f"upgraded {before or 'a database without schema version'} → {after}")


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database and whether it is up to date."""
    from pledgetrack.storage.db import make_engine
    from pledgetrack.storage.schema import current_revision, head_revision

    engine = make_engine(state.settings.resolved_url(state.db))
    current = current_revision(engine)
    head = head_revision()
    state_text = "up to date" if current == head else "behind: run 'pledgetrack db upgrade'"
    typer.echo(f"{current or 'none'} (head {head}): {state_text}")


import_app = typer.Typer(help="Import a plan or progress file (CSV or .xlsx).")
export_app = typer.Typer(
    help="Export a plan or progress file (CSV, UTF-8 with BOM; .xlsx by the file suffix)."
)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

STATUS_STYLE = {
    Status.ACHIEVED: "bold green",
    Status.ON_TRACK: "green",
    Status.BEHIND: "yellow",
    Status.OVERDUE: "bold red",
    Status.NOT_REPORTED: "bright_black",
}


class State:
    """What the top-level options chose, for the sub-commands."""

    db: str | None = None
    lang: str | None = None
    #: --user as given (None: PLEDGETRACK_USER, else the OS login).
    user: str | None = None
    #: Who the command acts as, set by engine_for (see acting_login).
    login: str = ""
    settings: Settings


state = State()
err = Console(stderr=True)


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def fail(message: str, code: int = 2) -> None:
    """Print a one-line reason and exit (2 = the input was refused)."""
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    """The settings, or exit 2 naming the config file or variable and the key at fault."""
    from pydantic import ValidationError

    try:
        return Settings()
    except ConfigError as exc:
        fail(str(exc))
    except ValidationError as exc:
        problems = "; ".join(
            f"PLEDGETRACK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        )
        fail(f"environment: {problems}")
    raise AssertionError  # pragma: no cover


def engine_for(*, create: bool = False) -> Engine:
    """Open the configured database at this program's schema.

    Only imports (*create*) may set up a new, empty database; any database whose
    schema is behind is refused with the command that upgrades it.
    """
    from sqlalchemy.exc import OperationalError

    from pledgetrack.storage.db import create_schema, make_engine
    from pledgetrack.storage.schema import SchemaAhead, SchemaBehind, check_schema, is_empty

    url = state.settings.resolved_url(state.db)
    if url.startswith("sqlite:///") and not create:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            fail(
                f"no database at {path}: import a plan first ('pledgetrack import plan FILE') or pass --db"
            )
    engine = make_engine(url)
    try:
        if create and is_empty(engine):
            create_schema(engine)
        check_schema(engine)
    except (SchemaBehind, SchemaAhead) as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(f"cannot open the database {engine.url.render_as_string()}: {exc.orig}")
    state.login = acting_login(engine)
    return engine


def acting_login(engine: Engine) -> str:
    """Who the command acts as: the OS login; --user (or PLEDGETRACK_USER) only when the
    OS login is an admin, or the database has no users yet (services.access.identity)."""
    from pledgetrack.services.access import PermissionDenied, identity

    try:
        return identity(engine, requested=state.user or state.settings.user)
    except PermissionDenied as exc:
        fail(exc.message)
    raise AssertionError  # pragma: no cover


def policy() -> Policy:
    return Policy(tolerance=state.settings.tolerance, reporting_day=state.settings.reporting_day)


def lang_of(option: Lang | None) -> str:
    return state.settings.resolved_lang(option.value if option else state.lang)


def parse_date_option(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateFormatError as exc:
        fail(f"{name}: {exc}")
    return None  # pragma: no cover


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL or SQLite file (env PLEDGETRACK_DATABASE_URL)."),
    ] = None,
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="zh or en (default: the locale).")
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help="Act as this user (env PLEDGETRACK_USER): only when the OS login is an admin, "
            "or the database has no users yet.",
        ),
    ] = None,
) -> None:
    """Open the TUI when no command is given."""
    state.settings = load_settings()
    state.db = db
    state.lang = lang.value if lang else None
    state.user = user
    if ctx.invoked_subcommand is None:
        from pledgetrack.tui.app import run_tui

        engine = engine_for()
        run_tui(
            engine,
            lang=state.settings.resolved_lang(state.lang),
            policy=policy(),
            user=state.login,
        )


@app.command()
def status(
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date (2020-10-31, 2020-10, 2020年10月底); default today, or for a finished plan the month of its last figures.",
        ),
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", help="Only items this department leads or co-operates on."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
    approved_only: Annotated[
        bool,
        typer.Option("--approved-only", help="Only figures a supervisor approved."),
    ] = False,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary",
            help="Only the counts per status and which items (fast at any size).",
        ),
    ] = False,
) -> None:
    """The completion table: items under their pledges, completion, expected, status."""
    from pledgetrack.services.status import UnknownDepartment, default_as_of, plan_status

    engine = engine_for()
    on = parse_date_option(as_of, "--as-of")
    try:
        if on is None:
            on = default_as_of(engine, plan=plan)
        if summary:
            print_summary(
                engine, on=on, plan=plan, department=department, as_json=as_json,
                lang=lang_of(lang), approved_only=approved_only,
            )  # fmt: skip
            return
        evaluation = plan_status(
            engine,
            on=on,
            plan=plan,
            department=department,
            policy=policy(),
            approved_only=approved_only,
        )
    except (PlanNotFound, UnknownDepartment) as exc:
        fail(str(exc))
        return
    if as_json:
        typer.echo(json.dumps(status_json(evaluation), ensure_ascii=False, indent=2))
    else:
        Console().print(status_table(evaluation, lang_of(lang)))


def print_summary(
    engine: Engine,
    *,
    on: date,
    plan: str | None,
    department: str | None,
    as_json: bool,
    lang: str,
    approved_only: bool,
) -> None:
    """`status --summary`: counts per status and the item numbers of each."""
    from pledgetrack.services.status import status_summary

    found = status_summary(
        engine,
        on=on,
        plan=plan,
        department=department,
        policy=policy(),
        approved_only=approved_only,
    )
    counts = found.counts()
    if as_json:
        document = {
            "plan": found.plan,
            "plan_title": found.plan_title,
            "as_of": on.isoformat(),
            "total": found.total,
            "counts": {s.value: n for s, n in counts.items()},
            "items": {s.value: found.items(s) for s in counts},
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    typer.echo(t("status.title", lang, plan=found.plan_title, date=date_label(on, lang)))
    typer.echo(
        t("status.summary", lang, total=found.total, **{s.value: n for s, n in counts.items()})
    )
    for status_ in counts:
        if status_ is not Status.ON_TRACK and counts[status_]:
            numbers = number_ranges(found.items(status_), "、" if lang == "zh" else ", ")
            typer.echo(f"{status_label(status_, lang)}{':' if lang == 'zh' else ': '}{numbers}")


def number_ranges(numbers: list[int], separator: str) -> str:
    """Item numbers with runs shortened: [1, 2, 3, 5, 7, 8] → "1-3, 5, 7-8"."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return separator.join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def status_json(evaluation: PlanEvaluation) -> dict[str, Any]:
    """The status as JSON (documented in the README)."""

    def pct(value: float | None) -> float | None:
        return None if value is None else round_percent(value)

    items = []
    for row in evaluation.items:
        items.append(
            {
                "no": row.info.no,
                "title": row.info.title,
                "pledge": row.info.pledge_no,
                "pledge_title": evaluation.structure.pledge(row.info.pledge_no).title,
                "departments": list(row.info.departments),
                "status": row.result.status.value,
                "completion": pct(row.result.completion),
                "expected": pct(row.result.expected),
                "last_report": row.last_report.isoformat() if row.last_report else None,
                "targets": [
                    {
                        "key": tr.info.key,
                        "name": tr.info.name,
                        "unit": tr.info.unit,
                        "target": tr.info.rule.target_value,
                        "at_least": tr.info.rule.at_least,
                        "value": tr.result.reading.value if tr.result.reading else None,
                        "done": tr.result.reading.done if tr.result.reading else None,
                        "as_of": tr.result.reading.as_of.isoformat() if tr.result.reading else None,
                        "completion": pct(tr.result.completion),
                        "expected": pct(tr.result.expected),
                        "assessed": tr.info.rule.assessed,
                        "kind": tr.info.rule.kind.value,
                        "status": tr.result.status.value,
                        "deadline": tr.info.rule.deadline.isoformat(),
                    }
                    for tr in row.targets
                ],
            }
        )
    return {
        "plan": evaluation.structure.code,
        "plan_title": evaluation.structure.title,
        "as_of": evaluation.as_of.isoformat(),
        "items": items,
        "summary": {
            "counts": {s.value: n for s, n in evaluation.counts().items()},
            "achieved": [row.info.no for row in evaluation.achieved_items()],
        },
    }


def status_table(evaluation: PlanEvaluation, lang: str) -> Table:
    """The completion table for the terminal, items grouped under their pledges."""
    counts = evaluation.counts()
    table = Table(
        title=t(
            "status.title",
            lang,
            plan=evaluation.structure.title,
            date=date_label(evaluation.as_of, lang),
        ),
        caption=t(
            "status.summary",
            lang,
            total=len(evaluation.items),
            **{s.value: n for s, n in counts.items()},
        ),
        show_lines=False,
    )
    table.add_column(t("col.no", lang), justify="right")
    table.add_column(t("col.item", lang), min_width=14, ratio=3)
    table.add_column(t("col.department", lang), max_width=14, no_wrap=True, overflow="ellipsis")
    table.add_column(t("col.completion", lang), justify="right")
    table.add_column(t("col.expected", lang), justify="right")
    table.add_column(t("col.status", lang))
    table.add_column(t("col.last_report", lang))
    for no, rows in evaluation.by_pledge():
        heading = f"{pledge_heading(no, lang)}{evaluation.structure.pledge(no).title}"
        table.add_row("", Text(heading, style="bold", no_wrap=True, overflow="ellipsis"))
        for row in rows:
            style = STATUS_STYLE[row.result.status]
            table.add_row(
                str(row.info.no),
                row.info.title,
                row.info.lead,
                format_percent(row.result.completion),
                format_percent(row.result.expected),
                Text("● " + status_label(row.result.status, lang), style=style),
                row.last_report.isoformat() if row.last_report else "—",
            )
    return table


@app.command()
def report(
    month: Annotated[
        str, typer.Option("--month", help="Reporting month, e.g. 2020-10 or 2020年10月.")
    ],
    fmt: Annotated[
        ReportFormat | None,
        typer.Option(
            "--format",
            help="text, md, html, xlsx or docx (default: from the --out suffix, else text).",
        ),
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department's items.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Write to this file (required for xlsx and docx)."),
    ] = None,
    approved_only: Annotated[
        bool,
        typer.Option(
            "--approved-only",
            help="From approved figures only (per target the latest approved reading).",
        ),
    ] = False,
) -> None:
    """The month-end summary, structured like the official progress report."""
    from pledgetrack.domain.report_format import format_for
    from pledgetrack.services.month_report import build_month_report, write_report
    from pledgetrack.services.month_report import render_report as render_string

    try:
        month_end = parse_month(month)
    except DateFormatError as exc:
        fail(f"--month: {exc}")
        return
    if fmt is None:
        fmt = (format_for(out) if out else None) or ReportFormat.text
    if fmt.binary and out is None:
        fail(f"--format {fmt.value} writes a file: give --out FILE.{fmt.value}")
        return
    if out is not None and not out.parent.is_dir():
        fail(f"--out: directory {out.parent} does not exist")
        return
    language = lang_of(lang)
    engine = engine_for()
    with _progress() as progress:
        task = progress.add_task(t("cli.progress.build", language), total=None)
        try:
            model = build_month_report(
                engine,
                month=month_end,
                plan=plan,
                department=department,
                policy=policy(),
                with_history=fmt.needs_history,
                approved_only=approved_only,
            )
        except PlanNotFound as exc:
            fail(str(exc))
            return
        if department and not model.item_count:
            fail(f"no items for department {department!r}")
        if out is None:
            progress.stop()
            sys.stdout.write(render_string(model, fmt, language))
            return
        progress.update(task, description=t("cli.progress.write", language, file=out.name))

        def step(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            write_report(model, fmt, language, out, progress=step)
        except OSError as exc:
            fail(f"--out: cannot write {out}: {exc.strerror or exc}")
            return
    err.print(f"wrote {out}")


def _progress() -> Progress:
    """A progress line on stderr, shown only on a terminal (nothing in pipes and CI logs)."""
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


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
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
) -> None:
    """Record one reading (validated like the TUI): exit 2 with the reason if refused."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.progress import SaveConflict
    from pledgetrack.services.progress import record as record_reading
    from pledgetrack.services.validation import InvalidReading

    engine = engine_for()
    try:
        entry, outcome = record_reading(
            engine,
            target_key=target,
            value=value,
            as_of=as_of or date.today(),
            plan=plan,
            note=note,
            done=True if done else None,
            entered_by=state.login,
        )
    except PermissionDenied as exc:
        fail(exc.message)
        return
    except InvalidReading as exc:
        fail(str(exc))
        return
    except PlanNotFound as exc:
        fail(str(exc))
        return
    except SaveConflict as exc:  # someone saved the same target and date at the same moment
        fail(f"{exc}: check the figure and record again if it still needs changing")
        return
    language = lang_of(lang)
    shown = (
        format_number(entry.reading.value)
        if entry.reading.value is not None
        else status_label(Status.ACHIEVED, language)
        if entry.reading.done
        else "—"
    )
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
            name=entry.target.name,
            value=f"{shown}{entry.target.unit}",
            date=entry.reading.as_of,
        )
    )


def _report_rejected(exc: ImportRejected) -> None:
    for problem in exc.errors:
        err.print(str(problem), highlight=False, soft_wrap=True, markup=False)
    fail(f"{len(exc.errors)} problem(s) found; nothing was imported")


@import_app.command("plan")
def import_plan_cmd(
    file: Annotated[
        Path,
        typer.Argument(help="Plan file: CSV (UTF-8, UTF-8 with BOM or GB18030) or .xlsx."),
    ],
) -> None:
    """Import (or update) a plan: every row is checked first; any problem → nothing written."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.plans import import_plan

    engine = engine_for(create=True)
    try:
        saved = import_plan(engine, file, actor=state.login)
    except ImportRejected as exc:
        _report_rejected(exc)
        return
    except PermissionDenied as exc:
        fail(exc.message)
        return
    for s in saved:
        verb = "created" if s.created else "updated"
        typer.echo(
            f"plan {s.code} {verb}: {s.items} items, {s.targets_added} targets added, {s.targets_updated} updated"
        )
        if s.targets_not_in_file:
            typer.echo(f"  kept (not in the file): {', '.join(s.targets_not_in_file)}")


@import_app.command("progress")
def import_progress_cmd(
    file: Annotated[Path, typer.Argument(help="Progress file: CSV or .xlsx.")],
) -> None:
    """Import readings: checked whole first; readings already stored are not added again."""
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.progress import SaveConflict, read_progress_file, save_entries

    engine = engine_for()
    try:
        entries = read_progress_file(engine, file)
    except ImportRejected as exc:
        _report_rejected(exc)
        return
    try:
        outcome = save_entries(engine, entries, actor=state.login, source=file.name)
    except SaveConflict as exc:  # a save of the same target and date won the race
        fail(f"{exc}; run the import again")
        return
    except PermissionDenied as exc:
        fail(exc.message)
        return
    typer.echo(
        f"{outcome.added} readings added, {outcome.corrections} corrections, {outcome.unchanged} already present"
    )


@export_app.command("plan")
def export_plan_cmd(
    file: Annotated[Path, typer.Argument(help="File to write: .csv, or .xlsx for Excel.")],
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
) -> None:
    """Write a plan as a plan file (CSV or .xlsx) that re-imports to the same state."""
    from pledgetrack.services.plans import export_plan

    engine = engine_for()
    with _export_errors(file):
        n = export_plan(engine, file, plan=plan)
    typer.echo(f"wrote {n} targets to {file}")


@contextmanager
def _export_errors(file: Path) -> Iterator[None]:
    """Exit 2 with one line for what an export can run into."""
    try:
        yield
    except PlanNotFound as exc:
        fail(str(exc))
    except UnsupportedFileType as exc:
        fail(f"{file}: {exc}")
    except OSError as exc:
        fail(f"cannot write {file}: {exc.strerror or exc}")


@export_app.command("progress")
def export_progress_cmd(
    file: Annotated[Path, typer.Argument(help="File to write: .csv, or .xlsx for Excel.")],
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Include superseded readings (corrections).")
    ] = False,
) -> None:
    """Write the current readings (or the whole history) as a progress file (CSV or .xlsx)."""
    from pledgetrack.services.progress import export_progress

    engine = engine_for()
    with _export_errors(file):
        n = export_progress(engine, file, plan=plan, history=history)
    typer.echo(f"wrote {n} readings to {file}")


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="The backup file to write (a SQLite database).")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the database to FILE, safely while others keep working (SQLite; for PostgreSQL
    it says how to use pg_dump)."""
    from pledgetrack.services.backup import BackupError, backup_database

    try:
        done = backup_database(state.settings.resolved_url(state.db), file, force=force)
    except BackupError as exc:
        fail(str(exc))
        return
    typer.echo(
        f"backed up {done.source} to {done.path}: {done.snapshots} readings, schema {done.revision}"
    )


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A backup made by 'pledgetrack backup'.")],
) -> None:
    """Replace the database by the backup FILE; the replaced database is kept beside it as
    <db>.before-restore-<time> (SQLite; for PostgreSQL it says how to use pg_restore)."""
    from pledgetrack.services.backup import BackupError, restore_database
    from pledgetrack.storage.schema import head_revision

    try:
        done = restore_database(state.settings.resolved_url(state.db), file)
    except BackupError as exc:
        fail(str(exc))
        return
    typer.echo(f"restored {done.source} into {done.database}: {done.snapshots} readings")
    if done.kept is not None:
        typer.echo(f"the database as it was is kept in {done.kept}")
    if done.revision != head_revision():
        typer.echo(f"the backup is at schema {done.revision}: run 'pledgetrack db upgrade'")


# ---- people, review, audit ------------------------------------------------------------

user_app = typer.Typer(help="People and roles (staff, supervisor, admin): add, list, change.")
review_app = typer.Typer(help="Review submitted figures: list them, approve, or return.")
app.add_typer(user_app, name="user")
app.add_typer(review_app, name="review")


class RoleName(StrEnum):
    staff = "staff"
    supervisor = "supervisor"
    admin = "admin"


class ReviewStatus(StrEnum):
    submitted = "submitted"
    returned = "returned"
    approved = "approved"
    all = "all"


@user_app.command("add")
def user_add(
    login: Annotated[str, typer.Argument(help="The person's OS login.")],
    role: Annotated[RoleName, typer.Option("--role", help="staff, supervisor or admin.")] = (
        RoleName.staff
    ),
    name: Annotated[str, typer.Option("--name", help="Display name, e.g. 王芳.")] = "",
    department: Annotated[
        str | None,
        typer.Option("--department", help="Their department (required for staff)."),
    ] = None,
) -> None:
    """Add a user (admins). The first user of a database must be an admin: from then on
    roles apply."""
    from pledgetrack.services.access import InvalidUser, PermissionDenied, add_user

    engine = engine_for()
    try:
        info = add_user(
            engine,
            login=login,
            role=role.value,
            display_name=name,
            department=department,
            actor=state.login,
        )
    except (PermissionDenied, InvalidUser) as exc:
        fail(str(exc))
        return
    where = f", {info.department}" if info.department else ""
    typer.echo(f"added {info.login} ({info.role.value}{where})")


@user_app.command("set")
def user_set(
    login: Annotated[str, typer.Argument(help="The user's login.")],
    role: Annotated[RoleName | None, typer.Option("--role", help="New role.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="New display name.")] = None,
    department: Annotated[
        str | None,
        typer.Option("--department", help='New department ("" to clear).'),
    ] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Reactivate, or deactivate (never deleted)."),
    ] = None,
) -> None:
    """Change a user's role, name, department or whether they are active (admins)."""
    from pledgetrack.services.access import UNSET, InvalidUser, PermissionDenied, set_user

    engine = engine_for()
    try:
        info = set_user(
            engine,
            login,
            role=role.value if role else None,
            display_name=name,
            department=UNSET if department is None else department,
            active=active,
            actor=state.login,
        )
    except (PermissionDenied, InvalidUser) as exc:
        fail(str(exc))
        return
    where = f", {info.department}" if info.department else ""
    typer.echo(f"{info.login}: {info.role.value}{where}" + ("" if info.active else " (inactive)"))


@user_app.command("list")
def user_list(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every user, active or not."""
    from pledgetrack.services.access import list_users

    engine = engine_for()
    users = list_users(engine)
    if as_json:
        typer.echo(json.dumps([u.as_dict() for u in users], ensure_ascii=False, indent=2))
        return
    if not users:
        typer.echo("no users: single-user mode, anyone may do anything")
        return
    table = Table()
    for column in ("login", "name", "role", "department", "active"):
        table.add_column(column)
    for u in users:
        table.add_row(
            u.login, u.display_name, u.role.value, u.department or "", "yes" if u.active else "no"
        )
    Console().print(table)


@review_app.command("list")
def review_list_cmd(
    department: Annotated[
        str | None, typer.Option("--department", help="Only this department's items.")
    ] = None,
    status: Annotated[
        ReviewStatus | None,
        typer.Option(
            "--status",
            help="submitted, returned, approved or all (default: submitted and returned).",
        ),
    ] = None,
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Current figures waiting for review (or in another review state), by item and date."""
    from pledgetrack.services.review import STATES, ReviewRefused, review_list

    states: tuple[str, ...]
    if status is None:
        states = ("submitted", "returned")
    elif status is ReviewStatus.all:
        states = STATES
    else:
        states = (status.value,)
    engine = engine_for()
    try:
        lines = review_list(engine, plan=plan, department=department, states=states)
    except (ReviewRefused, PlanNotFound) as exc:
        fail(str(exc))
        return
    if as_json:
        data = [
            {
                "id": line.reading.snapshot_id,
                "target": line.target.key,
                "name": line.target.name,
                "item": line.item.no,
                "departments": list(line.item.departments),
                "as_of": line.reading.as_of.isoformat(),
                "value": line.reading.value,
                "done": line.reading.done,
                "unit": line.target.unit,
                "note": line.reading.note,
                "entered_by": line.reading.entered_by,
                "status": line.state,
                "comment": line.comment,
                "reviewed_by": line.reading.review.reviewed_by if line.reading.review else None,
            }
            for line in lines
        ]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    if not lines:
        typer.echo(f"no figures {' or '.join(states)}")
        return
    table = Table()
    for column in ("id", "target", "name", "as of", "value", "entered by", "status", "comment"):
        table.add_column(column, justify="right" if column in ("id", "value") else "left")
    style = {"submitted": "", "approved": "green", "returned": "yellow"}
    for line in lines:
        r = line.reading
        value = (
            f"{format_number(r.value)}{line.target.unit}"
            if r.value is not None
            else ("done" if r.done else "not done")
        )
        table.add_row(
            str(r.snapshot_id),
            line.target.key,
            line.target.name,
            r.as_of.isoformat(),
            value,
            r.entered_by,
            Text(line.state, style=style[line.state]),
            line.comment,
        )
    Console().print(table)


def _review(
    decision: str,
    target: str | None,
    as_of: str | None,
    snapshot_id: int | None,
    comment: str,
    plan: str | None,
) -> None:
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.review import ReviewRefused, review

    if snapshot_id is None and (target is None or as_of is None):
        fail("say which figure: TARGET --as-of DATE, or --id N (see 'pledgetrack review list')")
    on = parse_date_option(as_of, "--as-of")
    engine = engine_for()
    try:
        done = review(
            engine,
            decision=decision,
            comment=comment,
            snapshot_id=snapshot_id,
            target_key=target,
            as_of=on,
            plan=plan,
            actor=state.login,
        )
    except (PermissionDenied, ReviewRefused, PlanNotFound) as exc:
        fail(str(exc))
        return
    said = f": {done.comment}" if done.comment else ""
    typer.echo(f"{done.key} ({done.as_of}) {done.decision}{said}")


@review_app.command("approve")
def review_approve(
    target: Annotated[str | None, typer.Argument(help="Target key, e.g. 28.1.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the figure (2020-11-30, 2020-11).")
    ] = None,
    snapshot_id: Annotated[
        int | None, typer.Option("--id", help="The figure's id (from 'review list').")
    ] = None,
    comment: Annotated[str, typer.Option("--comment", help="Optional remark.")] = "",
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
) -> None:
    """Approve a figure (supervisors and admins): reports from approved figures use it."""
    _review("approved", target, as_of, snapshot_id, comment, plan)


@review_app.command("return")
def review_return(
    target: Annotated[str | None, typer.Argument(help="Target key, e.g. 28.1.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date of the figure (2020-11-30, 2020-11).")
    ] = None,
    snapshot_id: Annotated[
        int | None, typer.Option("--id", help="The figure's id (from 'review list').")
    ] = None,
    comment: Annotated[
        str, typer.Option("--comment", help="What to fix (required); staff see it.")
    ] = "",
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
) -> None:
    """Return a figure to its department with a comment (supervisors and admins); a
    corrected figure is submitted again."""
    _review("returned", target, as_of, snapshot_id, comment, plan)


@app.command()
def audit(
    target: Annotated[str | None, typer.Option("--target", help="Target key, e.g. 1.1.")] = None,
    user: Annotated[str | None, typer.Option("--user", help="Who made the changes.")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="From this day on (2020-11-01).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the newest N entries.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The audit trail: every write, who, when, before and after (newest last)."""
    from pledgetrack.services.audit import audit_json, describe, list_audit, local_time

    day = parse_date_option(since, "--since")
    engine = engine_for()
    entries = list_audit(engine, target=target, user=user, since=day, limit=limit)
    if as_json:
        typer.echo(json.dumps([audit_json(e) for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        typer.echo("no audit entries")
        return
    table = Table()
    for column in ("when", "who", "action", "target", "change"):
        table.add_column(column, overflow="fold")
    for e in entries:
        table.add_row(
            local_time(e.at),
            e.user_login,
            e.action,
            e.target_key or f"{e.entity} {e.entity_id or ''}".strip(),
            describe(e),
        )
    Console().print(table)


def main() -> None:
    """Console-script entry point."""
    app()
