"""`pledgetrack breakdown`: targets split to units (任务分解) — import and export a
breakdown table, show a target's units as of a date."""

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from pledgetrack.cli.app import (
    PlanOption,
    app,
    as_text,
    engine_for,
    fail,
    parse_date_option,
    policy,
    state,
    sub_app,
)

breakdown_app = sub_app("Targets split to units (districts, streets): import, export, show.")
app.add_typer(breakdown_app, name="breakdown")


class Layout(StrEnum):
    office = "office"
    exchange = "exchange"


@breakdown_app.command("import")
def breakdown_import_cmd(
    file: Annotated[Path, typer.Argument(help="Breakdown table (.csv or .xlsx), either layout.")],
    plan: PlanOption = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Workbook sheet to read.")] = None,
    add_units: Annotated[
        bool,
        typer.Option("--add-units", help="Units not yet known become departments (else refused)."),
    ] = False,
    level: Annotated[
        str, typer.Option("--level", help="Level of new units, e.g. 区市 or 街道.")
    ] = "",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; store nothing.")] = False,
) -> None:
    """Split targets to units as a breakdown table says (admins only; all or nothing)."""
    from pledgetrack.cli.progress import _report_rejected
    from pledgetrack.domain.errors import ImportRejected, PlanNotFound
    from pledgetrack.services.access import PermissionDenied
    from pledgetrack.services.breakdown_files import import_breakdown

    if not file.is_file():
        fail(f"{file}: no such file")
    engine = engine_for()
    try:
        saved = import_breakdown(
            engine, file, plan=plan, sheet=sheet, add_units=add_units, level=level,
            actor=state.actor, dry_run=dry_run,
        )  # fmt: skip
    except ImportRejected as exc:
        _report_rejected(exc, dry_run=dry_run)
    except PermissionDenied as exc:
        fail(exc.message)
    except PlanNotFound as exc:
        fail(str(exc))
    for s in saved:
        typer.echo(
            f"{s.key} ({s.rule}): {s.added} units added, {s.changed} changed, {s.removed} removed"
        )
    if dry_run:
        typer.echo("dry run: nothing was written")


@breakdown_app.command("export")
def breakdown_export_cmd(
    file: Annotated[Path, typer.Argument(help="File to write (.csv or .xlsx).")],
    plan: PlanOption = None,
    layout: Annotated[
        Layout,
        typer.Option(
            "--layout",
            help="office: one row per target, one column per unit; "
            "exchange: one row per target and unit.",
        ),
    ] = Layout.office,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing file.")] = False,
) -> None:
    """Write every split target of a plan as a breakdown table."""
    from pledgetrack.domain.errors import OutputRefused, PlanNotFound
    from pledgetrack.services.breakdown_files import export_breakdown

    engine = engine_for()
    try:
        count = export_breakdown(
            engine, file, plan=plan, layout=layout.value, lang=state.settings.resolved_lang(state.lang),
            force=force,
        )  # fmt: skip
    except (OutputRefused, PlanNotFound) as exc:
        fail(str(exc))
    typer.echo(f"wrote {file}: {count} split targets")


@breakdown_app.command("show")
def breakdown_show_cmd(
    target: Annotated[str, typer.Argument(help="Target key, e.g. 3.4.")],
    plan: PlanOption = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date (default: today).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A split target's units: share, latest figure, completion and status as of a date."""
    import json

    from rich.table import Table

    from pledgetrack.cli.render import plain, print_table
    from pledgetrack.domain.dates import date_label
    from pledgetrack.domain.errors import PlanNotFound
    from pledgetrack.domain.numbers import format_number, format_percent
    from pledgetrack.i18n import status_label, t
    from pledgetrack.services.breakdown import breakdown_as_of

    on = parse_date_option(as_of, "--as-of") or date.today()
    lang = state.settings.resolved_lang(state.lang)
    try:
        found = breakdown_as_of(engine_for(), target_key=target, on=on, plan=plan, policy=policy())
    except PlanNotFound as exc:
        fail(str(exc))
    if found is None:
        fail(f"{target} is not split to units (see 'pledgetrack breakdown import')")
    split, results = found
    rows = [(r.unit, r.share.target.rule.target_value, r.result.reading, r.result) for r in results]
    if as_json:
        typer.echo(json.dumps({
            "target": split.target.key, "name": split.target.name, "rule": str(split.rule),
            "as_of": on.isoformat(),
            "units": [
                {"unit": unit, "share": share,
                 "value": None if reading is None else reading.value,
                 "as_of": None if reading is None else reading.as_of.isoformat(),
                 "completion": result.completion, "status": result.status.value}
                for unit, share, reading, result in rows
            ],
        }, ensure_ascii=False, indent=2))  # fmt: skip
        return
    rule = t("tui.detail.units.sum" if split.rule == "sum" else "tui.detail.units.own", lang)
    typer.echo(t("breakdown.title", lang, key=split.target.key, name=as_text(split.target.name),
                 rule=rule, date=date_label(on, lang)))  # fmt: skip
    table = Table()
    for key, justify in (("col.split_unit", "left"), ("col.share", "right"),
                         ("col.value", "right"), ("col.completion", "right"),
                         ("col.status", "left")):  # fmt: skip
        table.add_column(t(key, lang), justify=justify)  # type: ignore[arg-type]
    for unit, share, reading, result in rows:
        table.add_row(
            plain(unit),
            "" if share is None else format_number(share),
            "" if reading is None or reading.value is None else format_number(reading.value),
            format_percent(result.completion),
            status_label(result.status, lang),
        )
    print_table(table)
