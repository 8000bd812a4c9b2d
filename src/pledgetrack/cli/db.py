"""`pledgetrack db`: where the database's schema is, upgrading it, checking the file."""

import typer

from pledgetrack.cli.app import app, database_url, err, fail, sub_app

db_app = sub_app("The database: see where its schema is, upgrade it, check it.")
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Migrate the database to this program's schema (creates it when empty); a database
    upgraded by a newer pledgetrack is refused untouched."""
    from pledgetrack.domain.errors import SchemaAhead, SchemaBehind
    from pledgetrack.services.database import DatabaseUnavailable, upgrade_database

    try:
        before, after = upgrade_database(database_url())
    except (SchemaBehind, SchemaAhead, DatabaseUnavailable) as exc:
        fail(str(exc))
    if before.current == after.current:
        err.print(f"already at {after.current} (head {after.head})")
    else:
        err.print(
            f"upgraded {before.current or 'a database without schema version'} → {after.current}"
        )


@db_app.command("current")
def db_current() -> None:
    """Print the schema revision of the database and whether this program can use it:
    up to date, behind (run 'pledgetrack db upgrade') or newer than this program. It
    answers the question, so it exits 0 whatever the answer."""
    from pledgetrack.services.database import DatabaseUnavailable, database_revision

    try:
        revision = database_revision(database_url())
    except DatabaseUnavailable as exc:
        fail(str(exc))
    typer.echo(f"{revision.current or 'none'} (head {revision.head}): {revision.state()}")


@db_app.command("check")
def db_check() -> None:
    """Check the database file with SQLite's integrity_check (every page and every index)
    and say what it found; exit 2 when it is damaged. On PostgreSQL the server checks its
    own pages: this checks that it answers and where its schema is."""
    from pledgetrack.services.database import DatabaseUnavailable, check_database

    try:
        health = check_database(database_url())
    except DatabaseUnavailable as exc:
        fail(str(exc))
    if health.problems:
        for problem in health.problems:
            typer.echo(problem)
        fail(
            f"the database {health.database} is damaged: SQLite's integrity_check found "
            f"{health.findings()}; do not write to it, restore a backup"
        )
    assert health.revision is not None
    checked = (
        "integrity_check found nothing wrong"
        if health.engine == "sqlite"
        else "the server answers (PostgreSQL checks its own pages)"
    )
    typer.echo(f"{health.database}: {checked}; schema {health.revision.state()}")
