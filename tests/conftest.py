"""Shared fixtures: databases built the way users build them (import files)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.config import sqlite_url
from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.services.sample import load_sample
from pledgetrack.storage.db import create_schema, make_engine
from tests.backends import DEFAULT_BACKEND, empty_database

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PLAN_CSV = DATA / "qingdao-2020-plan.csv"
PROGRESS_CSV = DATA / "qingdao-2020-progress.csv"
TODAY = date(2026, 11, 25)


@pytest.fixture(autouse=True, scope="session")
def shipped_database_untouched() -> Iterator[None]:
    """No test writes to the shipped data/pledges.sqlite (tests open copies): the tests
    that compare a file's bytes before and after start from it."""
    shipped = DATA / "pledges.sqlite"
    before = shipped.read_bytes()
    yield
    assert shipped.read_bytes() == before, f"a test wrote to {shipped}; open a copy"


@pytest.fixture
def empty_engine(tmp_path: Path) -> Engine:
    """A database at this program's schema, no plan: SQLite, or PostgreSQL when
    PLEDGETRACK_TEST_BACKEND=postgresql (see tests/backends.py)."""
    with empty_database(DEFAULT_BACKEND, tmp_path) as engine:
        create_schema(engine)
        yield engine


@pytest.fixture
def qingdao(empty_engine: Engine) -> Engine:
    """The 2020 Qingdao list with its October figures, imported from the data/ sources."""
    import_plan(empty_engine, PLAN_CSV)
    save_entries(empty_engine, read_progress_file(empty_engine, PROGRESS_CSV, today=TODAY))
    return empty_engine


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped SQLite database for the command line, with no user config."""
    monkeypatch.delenv("PLEDGETRACK_DATABASE_URL", raising=False)
    monkeypatch.delenv("PLEDGETRACK_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "no-config"))
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return copy


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """The shipped sample: a copy of data/pledges.sqlite, or on PostgreSQL the same
    data built the same way (scripts/build_sample_db.py)."""
    if DEFAULT_BACKEND == "postgresql":
        with empty_database("postgresql", tmp_path) as engine:
            load_sample(engine, DATA)
            yield engine
        return
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    engine = make_engine(sqlite_url(copy))
    yield engine
    engine.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A Textual app run — a pilot (an async test) or a screenshot compared with its
    snapshot — takes a second or more: ``slow``, out of the fast loop (README, Testing).
    Every run of the whole suite (``.ci/run``) still has them."""
    import inspect

    slow = pytest.mark.slow
    for item in items:
        function = getattr(item, "function", None)
        fixtures = getattr(item, "fixturenames", ())
        if inspect.iscoroutinefunction(function) or "snap_compare" in fixtures:
            item.add_marker(slow)
