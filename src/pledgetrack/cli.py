"""Command line (Typer). With no sub-command, `pledgetrack` opens the terminal UI."""

from __future__ import annotations

import getpass
import json
import sys
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

from pledgetrack.config import Settings
from pledgetrack.domain.dates import DateFormatError, date_label, parse_date, parse_month
from pledgetrack.domain.evaluation import PlanEvaluation
from pledgetrack.domain.model import Policy, Status
from pledgetrack.domain.numbers import format_number, format_percent, round_percent
from pledgetrack.exchange.errors import ImportRejected
from pledgetrack.i18n import status_label, t
from pledgetrack.reports.render import ReportFormat
from pledgetrack.reports.text import pledge_heading
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


import_app = typer.Typer(help="Import a plan or progress file (CSV).")
export_app = typer.Typer(help="Export a plan or progress file (CSV, UTF-8 with BOM).")
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
    return engine


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
) -> None:
    """Open the TUI when no command is given."""
    state.settings = Settings()
    state.db = db
    state.lang = lang.value if lang else None
    if ctx.invoked_subcommand is None:
        from pledgetrack.tui.app import run_tui

        engine = engine_for()
        run_tui(engine, lang=state.settings.resolved_lang(state.lang), policy=policy())


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
) -> None:
    """The completion table: items under their pledges, completion, expected, status."""
    from pledgetrack.services.status import default_as_of, plan_status

    engine = engine_for()
    on = parse_date_option(as_of, "--as-of")
    try:
        if on is None:
            on = default_as_of(engine, plan=plan)
        evaluation = plan_status(engine, on=on, plan=plan, department=department, policy=policy())
    except PlanNotFound as exc:
        fail(str(exc))
        return
    if department and not evaluation.items:
        known = "、".join(evaluation.structure.departments())
        fail(f"no items for department {department!r} (departments: {known})")
    if as_json:
        typer.echo(json.dumps(status_json(evaluation), ensure_ascii=False, indent=2))
    else:
        Console().print(status_table(evaluation, lang_of(lang)))


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
) -> None:
    """The month-end summary, structured like the official progress report."""
    from pledgetrack.reports.build import build_month_report
    from pledgetrack.reports.render import format_for, render_string, write_report

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
            entered_by=getpass.getuser(),
        )
    except InvalidReading as exc:
        fail(str(exc))
        return
    except PlanNotFound as exc:
        fail(str(exc))
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
    file: Annotated[Path, typer.Argument(help="Plan CSV (UTF-8, UTF-8 with BOM or GB18030).")],
) -> None:
    """Import (or update) a plan: every row is checked first; any problem → nothing written."""
    from pledgetrack.services.plans import import_plan

    engine = engine_for(create=True)
    try:
        saved = import_plan(engine, file)
    except ImportRejected as exc:
        _report_rejected(exc)
        return
    for s in saved:
        verb = "created" if s.created else "updated"
        typer.echo(
            f"plan {s.code} {verb}: {s.items} items, {s.targets_added} targets added, {s.targets_updated} updated"
        )
        if s.targets_not_in_file:
            typer.echo(f"  kept (not in the file): {', '.join(s.targets_not_in_file)}")


@import_app.command("progress")
def import_progress_cmd(file: Annotated[Path, typer.Argument(help="Progress CSV.")]) -> None:
    """Import readings: checked whole first; readings already stored are not added again."""
    from pledgetrack.services.progress import read_progress_file, save_entries

    engine = engine_for()
    try:
        entries = read_progress_file(engine, file)
    except ImportRejected as exc:
        _report_rejected(exc)
        return
    outcome = save_entries(engine, entries)
    typer.echo(
        f"{outcome.added} readings added, {outcome.corrections} corrections, {outcome.unchanged} already present"
    )


@export_app.command("plan")
def export_plan_cmd(
    file: Annotated[Path, typer.Argument(help="CSV file to write.")],
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
) -> None:
    """Write a plan as a plan CSV that re-imports to the same state."""
    from pledgetrack.services.plans import export_plan

    engine = engine_for()
    try:
        n = export_plan(engine, file, plan=plan)
    except PlanNotFound as exc:
        fail(str(exc))
        return
    typer.echo(f"wrote {n} targets to {file}")


@export_app.command("progress")
def export_progress_cmd(
    file: Annotated[Path, typer.Argument(help="CSV file to write.")],
    plan: Annotated[
        str | None, typer.Option("--plan", help="Plan code (default: the newest plan).")
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Include superseded readings (corrections).")
    ] = False,
) -> None:
    """Write the current readings (or the whole history) as a progress CSV."""
    from pledgetrack.services.progress import export_progress

    engine = engine_for()
    try:
        n = export_progress(engine, file, plan=plan, history=history)
    except PlanNotFound as exc:
        fail(str(exc))
        return
    typer.echo(f"wrote {n} readings to {file}")


def main() -> None:
    """Console-script entry point."""
    app()
