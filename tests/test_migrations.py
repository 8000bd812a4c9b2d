"""Schema migrations: a database at the first revision with data upgrades to head losing nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from pledgetrack.cli import app
from pledgetrack.domain.errors import SchemaBehind
from pledgetrack.services.plans import export_plan
from pledgetrack.services.progress import export_progress, record
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.schema import (
    check_schema,
    current_revision,
    head_revision,
    revisions,
    upgrade,
)
from tests.backends import BOTH, database_url, empty_database
from tests.conftest import DATA, TODAY


def exported(engine: Engine, tmp_path: Path, tag: str) -> tuple[bytes, bytes]:
    plan, progress = tmp_path / f"plan-{tag}.csv", tmp_path / f"progress-{tag}.csv"
    export_plan(engine, plan)
    export_progress(engine, progress, history=True)
    return plan.read_bytes(), progress.read_bytes()


def at_first_revision_with_data(
    engine: Engine, tmp_path: Path | None = None
) -> tuple[bytes, bytes]:
    """The sample list plus a correction, written by this program's services (which also
    write the audit trail), then taken down to revision 0001 (the schema before people,
    review and audit) by the migrations' own downgrades. Returns the plan and progress
    as exported before the downgrade (the program's tables are those of the head
    revision, so it exports only from there)."""
    from alembic import command

    from pledgetrack.services.plans import import_plan
    from pledgetrack.services.progress import read_progress_file, save_entries
    from pledgetrack.storage.schema import alembic_config

    upgrade(engine)
    import_plan(engine, DATA / "qingdao-2020-plan.csv")
    save_entries(
        engine, read_progress_file(engine, DATA / "qingdao-2020-progress.csv", today=TODAY)
    )
    record(engine, target_key="1.1", value="42", as_of="2020-10-31", entered_by="x", today=TODAY)
    before = exported(engine, tmp_path, "before") if tmp_path is not None else (b"", b"")
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), revisions()[0])
    return before


@pytest.mark.slow
@BOTH
def test_upgrade_from_the_first_revision_keeps_every_row(backend: str, tmp_path: Path) -> None:
    assert revisions()[0] == "0001" and len(revisions()) >= 2
    with empty_database(backend, tmp_path) as engine:
        before = at_first_revision_with_data(engine, tmp_path)
        assert current_revision(engine) == "0001"
        with pytest.raises(SchemaBehind, match="pledgetrack db upgrade"):
            check_schema(engine)
        with engine.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()
                for t in ("plan", "pledge", "item", "target", "department", "snapshot")
            }
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        check_schema(engine)
        assert exported(engine, tmp_path, "after") == before
        with engine.connect() as conn:
            for table, n in counts.items():
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == n
            # Figures from before review existed count as approved, one review each.
            assert (
                conn.execute(text("SELECT COUNT(*) FROM review")).scalar_one() == counts["snapshot"]
            )
            assert counts["snapshot"] == 92


@pytest.mark.slow
@BOTH
def test_a_database_from_before_migrations_is_recognised(backend: str, tmp_path: Path) -> None:
    with empty_database(backend, tmp_path) as engine:
        at_first_revision_with_data(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE alembic_version"))
        assert current_revision(engine) is None
        with pytest.raises(SchemaBehind, match="no schema version"):
            check_schema(engine)
        upgrade(engine)
        check_schema(engine)


@BOTH
def test_the_cli_refuses_a_database_behind_and_db_upgrade_fixes_it(
    backend: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    with database_url(backend, tmp_path) as url:
        from pledgetrack.storage.db import make_engine

        engine = make_engine(url)
        at_first_revision_with_data(engine)
        engine.dispose()
        result = runner.invoke(app, ["--db", url, "status", "--as-of", "2020-10-31"])
        assert result.exit_code == 2
        assert "run 'pledgetrack db upgrade'" in result.output
        result = runner.invoke(app, ["--db", url, "db", "current"])
        assert result.exit_code == 0 and "0001" in result.stdout and "behind" in result.stdout
        result = runner.invoke(app, ["--db", url, "db", "upgrade"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["--db", url, "db", "current"])
        assert f"{head_revision()} (head {head_revision()}): up to date" in result.stdout
        result = runner.invoke(app, ["--db", url, "status", "--as-of", "2020-10-31", "--json"])
        assert result.exit_code == 0
        assert json.loads(result.stdout)["summary"]["counts"]["achieved"] == 18


def test_the_shipped_database_is_at_head(tmp_path: Path) -> None:
    from pledgetrack.config import sqlite_url
    from pledgetrack.storage.db import make_engine

    copy = tmp_path / "pledges.sqlite"  # the shipped file is never opened for writing
    shutil.copy(DATA / "pledges.sqlite", copy)
    engine = make_engine(sqlite_url(copy))
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrations_create_what_the_models_describe(tmp_path: Path) -> None:
    """Autogenerate finds nothing to add: tables.py and the migrations agree."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    with empty_database("sqlite", tmp_path) as engine:
        load_sample(engine, DATA)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == []


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    """The schema check reads the migration files' revision lines instead of loading
    Alembic (start-up time, storage/schema.py); Alembic's own walk is the oracle."""
    from alembic.script import ScriptDirectory

    from pledgetrack.storage.schema import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert revisions() == tuple(r.revision for r in reversed(list(script.walk_revisions())))
    assert head_revision() == script.get_current_head()


@BOTH
def test_the_database_revision_is_read_as_alembic_reads_it(backend: str, tmp_path: Path) -> None:
    from alembic.runtime.migration import MigrationContext

    with empty_database(backend, tmp_path) as engine:
        assert current_revision(engine) is None
        upgrade(engine, revisions()[1])
        with engine.connect() as connection:
            alembic_says = MigrationContext.configure(connection).get_current_revision()
        assert current_revision(engine) == alembic_says == revisions()[1]
