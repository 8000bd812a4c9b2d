"""`pledgetrack status`: the completion table, its JSON, or the summary per status."""

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Annotated, TypedDict, TypeVar

import typer

from pledgetrack.cli.app import (
    DepartmentOption,
    Lang,
    PlanOption,
    ViewDate,
    app,
    database_url,
    engine_for,
    fail,
    lang_of,
    parse_date_option,
    policy,
    state,
)
from pledgetrack.domain.errors import OutsidePlan, PlanNotFound
from pledgetrack.domain.model import Policy

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from pledgetrack.services.status import SqliteStatus

T = TypeVar("T")


class Chosen(TypedDict):
    """What a status is asked for: the keywords of the services' status functions."""

    on: date
    plan: str | None
    department: str | None
    policy: Policy
    approved_only: bool


@app.command()
def status(
    as_of: ViewDate = None,
    plan: PlanOption = None,
    department: DepartmentOption = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print JSON instead of a table (indented, one item with its targets a line).",
        ),
    ] = False,
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
    """The completion table: items under their pledges, completion, expected, status.

    --department naming a unit targets are split to (区市, 街道) shows that unit's shares
    under their items, each judged as a target (after the department's own items when
    the name is a department's too)."""
    from pledgetrack.cli.status_text import write_status_json
    from pledgetrack.services.status import (
        PlanChanged,
        UnknownDepartment,
        check_in_period,
        default_as_of,
        plan_status,
        status_listing,
    )

    on = parse_date_option(as_of, "--as-of")
    with status_database() as engine:
        try:
            if on is None:
                on = default_as_of(engine, plan=plan)
            else:
                check_in_period(engine, plan=plan, day=on)
            if department and print_unit(
                engine, on=on, plan=plan, department=department, summary=summary,
                as_json=as_json, lang=lang_of(lang), approved_only=approved_only,
            ):  # fmt: skip
                return
            if summary:
                print_summary(
                    engine, on=on, plan=plan, department=department, as_json=as_json,
                    lang=lang_of(lang), approved_only=approved_only,
                )  # fmt: skip
                return
            chosen = Chosen(on=on, plan=plan, department=department, policy=policy(),
                            approved_only=approved_only)  # fmt: skip
            if as_json:
                with status_listing(engine, **chosen) as listing:
                    write_status_json(listing, sys.stdout.write)
                return
            evaluation = plan_status(engine, **chosen)
        except (PlanNotFound, UnknownDepartment, PlanChanged) as exc:
            fail(str(exc))
        except OutsidePlan as exc:
            fail(f"--as-of: {exc}")
    from pledgetrack.cli.render import print_table, status_gives_way, status_table

    print_table(status_table(evaluation, lang_of(lang)), status_gives_way(lang_of(lang)))


@contextmanager
def status_database() -> "Iterator[Engine | SqliteStatus]":
    """The configured database, for reading a status: a plain SQLite file is read with
    the standard library's sqlite3 (no SQLAlchemy to import: issue 15), checked as
    every command checks it; any other database through :func:`engine_for`."""
    import sqlite3

    from pledgetrack.domain.errors import SchemaAhead, SchemaBehind
    from pledgetrack.services.person import PermissionDenied
    from pledgetrack.services.status import (
        DatabaseUnavailable,
        open_sqlite_status,
        sqlite_fault,
    )

    url, wait = database_url(), state.settings.lock_wait
    try:
        db = open_sqlite_status(
            url, lock_wait=wait, requested_user=state.user or state.settings.user
        )
    except (DatabaseUnavailable, SchemaBehind, SchemaAhead) as exc:
        fail(str(exc))
    except PermissionDenied as exc:
        fail(exc.message)
    except sqlite3.Error as exc:
        fail(sqlite_fault(exc, url, wait) or str(exc))
    if db is None:
        yield engine_for()
        return
    try:
        yield db
    except sqlite3.Error as exc:
        fail(sqlite_fault(exc, url, wait) or str(exc))
    finally:
        db.close()


def print_summary(
    engine: "Engine | SqliteStatus",
    *,
    on: date,
    plan: str | None,
    department: str | None,
    as_json: bool,
    lang: str,
    approved_only: bool,
) -> None:
    """`status --summary`: counts per status and the item numbers of each."""
    from pledgetrack.cli.status_text import summary_json, summary_lines
    from pledgetrack.services.status import status_summary

    found = status_summary(
        engine,
        on=on,
        plan=plan,
        department=department,
        policy=policy(),
        approved_only=approved_only,
    )
    if as_json:
        typer.echo(json.dumps(summary_json(found, on), ensure_ascii=False, indent=2))
        return
    for line in summary_lines(found, on, lang):
        typer.echo(line)


def print_unit(
    engine: "Engine | SqliteStatus",
    *,
    on: date,
    plan: str | None,
    department: str,
    summary: bool,
    as_json: bool,
    lang: str,
    approved_only: bool,
) -> bool:
    """`status --department` naming a unit targets are split to (区市, 街道): its shares
    under their items, after the items it answers for if it is a department too, as a
    table, JSON or a summary. False: *department* is no unit (the usual status)."""
    from contextlib import ExitStack

    from pledgetrack.cli import render
    from pledgetrack.services.status import (
        plan_status,
        status_listing,
        status_summary,
        unit_status,
    )

    chosen = Chosen(on=on, plan=plan, department=department, policy=policy(),
                    approved_only=approved_only)  # fmt: skip
    unit = unit_status(engine, on=on, unit=department, plan=plan, policy=chosen["policy"],
                       approved_only=approved_only)  # fmt: skip
    if unit is None:
        return False
    if summary:
        found = items_of_department(lambda: status_summary(engine, **chosen))
        if as_json:
            document = render.unit_summary_document(found, on, unit)
            typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
            return True
        lines = [*render.summary_lines(found, on, lang), ""] if found is not None else []
        for line in [*lines, *render.unit_summary_lines(unit, on, lang)]:
            typer.echo(line)
        return True
    if as_json:
        with ExitStack() as stack:
            listing = items_of_department(
                lambda: stack.enter_context(status_listing(engine, **chosen))
            )
            render.write_status_json(listing, sys.stdout.write, unit)
        return True
    evaluation = items_of_department(lambda: plan_status(engine, **chosen))
    if evaluation is not None:
        render.print_table(render.status_table(evaluation, lang), render.status_gives_way(lang))
        typer.echo("")
    render.print_table(render.unit_status_table(unit, lang), render.unit_gives_way(lang))
    return True


def items_of_department(read: Callable[[], T]) -> T | None:
    """What *read* finds of the items of the department named, or None where it names
    a unit only (区市, 街道), with no item of its own."""
    from pledgetrack.services.status import UnitNotDepartment

    try:
        return read()
    except UnitNotDepartment:
        return None
