"""Shared fixtures: databases built the way users build them (import files)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.storage.db import create_schema, make_engine, sqlite_url

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
PLAN_CSV = DATA / "qingdao-2020-plan.csv"
PROGRESS_CSV = DATA / "qingdao-2020-progress.csv"
TODAY = date(2026, 11, 25)


@pytest.fixture
def empty_engine(tmp_path: Path) -> Engine:
    engine = make_engine(sqlite_url(tmp_path / "test.sqlite"))
    create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def qingdao(empty_engine: Engine) -> Engine:
    """The 2020 Qingdao list with its October figures, imported from the data/ sources."""
    import_plan(empty_engine, PLAN_CSV)
    save_entries(empty_engine, read_progress_file(empty_engine, PROGRESS_CSV, today=TODAY))
    return empty_engine


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    """A copy of the shipped data/pledges.sqlite (the TUI tests run on it)."""
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    engine = make_engine(sqlite_url(copy))
    yield engine
    engine.dispose()
