"""`pledgetrack backup` and `restore`: a consistent copy of a SQLite database, and back."""

from pathlib import Path
from typing import Annotated

import typer

from pledgetrack.cli.app import app, database_url, fail, state
from pledgetrack.i18n import counted


@app.command("backup")
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="The backup file to write (a SQLite database).")],
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
) -> None:
    """Copy the database to FILE, safely while others keep working (SQLite; for PostgreSQL
    it says how to use pg_dump)."""
    from pledgetrack.services.backup import BackupError, backup_database

    try:
        done = backup_database(database_url(), file, force=force)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(
        f"backed up {done.source} to {done.path}: {done.snapshots} readings, schema {done.revision}"
    )


@app.command("restore")
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A backup made by 'pledgetrack backup'.")],
) -> None:
    """Replace the database by the backup FILE (admins); the replaced database is kept
    beside it as <db>.before-restore-<time>, and the restore is in the audit trail
    (SQLite; for PostgreSQL it says how the owner uses pg_restore)."""
    from pledgetrack.services.access import Actor, os_account
    from pledgetrack.services.backup import BackupError, restore_database
    from pledgetrack.services.database import program_revision

    requested = state.user or state.settings.user
    actor = None if not requested else Actor(login=requested, by=os_account())
    try:
        done = restore_database(database_url(), file, actor=actor)
    except BackupError as exc:
        fail(str(exc))
    readings = counted(done.snapshots, "reading", "readings")
    typer.echo(f"restored {done.source} into {done.database}: {readings}")
    if done.kept is not None:
        typer.echo(f"the database as it was is kept in {done.kept}")
    if done.revision != program_revision():
        typer.echo(f"the backup is at schema {done.revision}: run 'pledgetrack db upgrade'")
