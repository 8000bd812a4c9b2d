"""Files a person names for output (``report --out``, ``export``, the TUI's save): never
the live database, an existing file only when asked (exchange.files.check_output)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from pledgetrack.exchange.files import check_output, database_files


def protected_files(engine: Engine) -> tuple[Path, ...]:
    """The files of *engine*'s database that no output may replace (none for a server)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return ()
    return database_files(Path(url.database))


def check_output_file(engine: Engine, path: Path, *, force: bool) -> None:
    """Refuse (OutputRefused) to write *path* over the database of *engine* or its journal
    files, or over an existing file unless *force*; IsADirectoryError or FileNotFoundError
    for a directory or a missing directory. Called before the work, so a refusal is at once."""
    check_output(path, force=force, protected=protected_files(engine))
