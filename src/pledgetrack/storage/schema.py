"""The schema version: Alembic migrations shipped in the package, and the check on opening.

``pledgetrack db upgrade`` brings a database to the program's schema; every
other command refuses a database whose schema is behind and names that command.

Checking costs no Alembic: every command checks the schema on opening, and importing
Alembic and loading its scripts took longer than ``status`` on the sample (issue 15).
The revisions are read from the migration files' ``revision``/``down_revision`` lines
(tests/test_migrations.py holds them equal to Alembic's), the database's from its
``alembic_version`` table; Alembic itself is imported only to migrate.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from pledgetrack.domain.errors import SchemaAhead, SchemaBehind

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The table Alembic keeps the database's revision in (its default name).
VERSION_TABLE = "alembic_version"
#: ``revision: str = "0001"`` and ``down_revision: str | None = None`` at the start of a
#: line, as script.py.mako writes them.
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.M)


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def revisions() -> tuple[str, ...]:
    """Every revision, oldest first (one line of migrations, as Alembic would walk it)."""
    parent: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found = dict(_REVISION_LINE.findall(path.read_text(encoding="utf-8")))
        if "revision" in found:
            parent[ast.literal_eval(found["revision"])] = ast.literal_eval(
                found.get("down_revision", "None")
            )
    children = {down: rev for rev, down in parent.items()}
    if len(children) != len(parent):
        raise RuntimeError(f"the migrations in {MIGRATIONS} are not one line: {parent}")
    ordered: list[str] = []
    revision = children.get(None)
    while revision is not None:
        ordered.append(revision)
        revision = children.get(revision)
    if len(ordered) != len(parent):
        raise RuntimeError(f"the migrations in {MIGRATIONS} are not one line: {parent}")
    return tuple(ordered)


def head_revision() -> str:
    """The revision this program's code expects."""
    return revisions()[-1]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database pledgetrack has not set up."""
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
        return one_revision(list(found))


def one_revision(versions: list[str]) -> str | None:
    """The revision of the rows of ``alembic_version`` (None: no row)."""
    if len(versions) > 1:
        raise SchemaAhead(f"the database is at several schema revisions at once: {versions}")
    return versions[0] if versions else None


#: The tables of revision 0001, as pledgetrack 0.1 created them before migrations existed.
UNVERSIONED_TABLES = {
    "plan",
    "pledge",
    "item",
    "department",
    "itemdepartment",
    "target",
    "snapshot",
}


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to *revision* (default: this program's schema), in a transaction.

    A database made by pledgetrack 0.1 (its tables, no version) is first marked
    as revision 0001, which is exactly those tables.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import inspect

    with engine.begin() as connection:
        config = alembic_config(connection)
        tables = set(inspect(connection).get_table_names())
        if MigrationContext.configure(connection).get_current_revision() is None and tables:
            if not UNVERSIONED_TABLES <= tables:
                raise SchemaBehind(
                    "the database has tables pledgetrack does not know and no schema version: "
                    f"{sorted(tables - UNVERSIONED_TABLES)[:5]}; refusing to touch it"
                )
            command.stamp(config, "0001")
        command.upgrade(config, revision)


def is_empty(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return not inspect(engine).get_table_names()


def check_schema(engine: Engine) -> None:
    """Raise SchemaBehind / SchemaAhead unless the database is at this program's schema."""
    check_revision(current_revision(engine), lambda: is_empty(engine))


def check_revision(current: str | None, empty: Callable[[], bool]) -> None:
    """Raise SchemaBehind / SchemaAhead unless *current* is this program's revision
    (*empty* tells whether a database without a revision has no table at all)."""
    head = head_revision()
    if current == head:
        return
    known = revisions()
    if current is None:
        if empty():
            raise SchemaBehind(
                "the database is empty: run 'pledgetrack db upgrade' (or import a plan)"
            )
        raise SchemaBehind(
            "the database has no schema version (made before migrations): "
            "run 'pledgetrack db upgrade'"
        )
    if current in known:
        raise SchemaBehind(
            f"the database schema is at {current}, this program needs {head}: "
            "run 'pledgetrack db upgrade'"
        )
    raise SchemaAhead(
        f"the database schema {current} is newer than this program ({head}): upgrade pledgetrack"
    )
