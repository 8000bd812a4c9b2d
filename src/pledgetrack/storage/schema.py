"""The schema version: Alembic migrations shipped in the package, and the check on opening.

``pledgetrack db upgrade`` brings a database to the program's schema; every
other command refuses a database whose schema is behind and names that command.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Engine

from pledgetrack.domain.errors import SchemaAhead, SchemaBehind

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this program's code expects."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database pledgetrack has not set up."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


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
    return not inspect(engine).get_table_names()


def check_schema(engine: Engine) -> None:
    """Raise SchemaBehind / SchemaAhead unless the database is at this program's schema."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    known = revisions()
    if current is None:
        if is_empty(engine):
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
