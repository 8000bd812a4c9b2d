"""`pledgetrack audit`: the trail of every write."""

import json
from typing import Annotated

import typer

from pledgetrack.cli.app import app, engine_for, parse_date_option


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
    from pledgetrack.cli.render import audit_table, print_table
    from pledgetrack.services.audit import audit_json, list_audit

    day = parse_date_option(since, "--since")
    engine = engine_for()
    entries = list_audit(engine, target=target, user=user, since=day, limit=limit)
    if as_json:
        typer.echo(json.dumps([audit_json(e) for e in entries], ensure_ascii=False, indent=2))
        return
    if not entries:
        typer.echo("no audit entries")
        return
    print_table(audit_table(entries))
