"""`pledgetrack db`: where the database's schema is, and upgrading it."""

from __future__ import annotations

import typer

from pledgetrack.cli.app import app, database_url, err, fail

db_app = typer.Typer(help="The database schema: see where it is, upgrade it.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to this program's schema (creates it when empty)."""
    from pledgetrack.domain.errors import SchemaBehind
    from pledgetrack.services.database import DatabaseUnavailable, upgrade_database

    try:
        before, after = upgrade_database(database_url())
    except (SchemaBehind, DatabaseUnavailable) as exc:
        fail(str(exc))
    if before.current == after.current:
        err.print(f"already at {after.current} (head {after.head})")
    else:
        err.print(
            f"upgraded {before.current or 'a database without schema version'} → {after.current}"
        )


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database and whether it is up to date."""
    from pledgetrack.services.database import DatabaseUnavailable, database_revision

    try:
        revision = database_revision(database_url())
    except DatabaseUnavailable as exc:
        fail(str(exc))
    state_text = "up to date" if revision.up_to_date else "behind: run 'pledgetrack db upgrade'"
    typer.echo(f"{revision.current or 'none'} (head {revision.head}): {state_text}")
