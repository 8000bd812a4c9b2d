"""The shipped sample: the Qingdao 2020 list and its October figures, loaded from data/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.storage.db import create_schema

PLAN_FILE = "qingdao-2020-plan.csv"
PROGRESS_FILE = "qingdao-2020-progress.csv"
#: When the October report was published (2020-11-11, Qingdao time): fixed, so builds repeat.
ENTERED_AT = datetime(2020, 11, 11, 2, 0, tzinfo=UTC)


def load_sample(engine: Engine, data: Path) -> None:
    """Set up the schema and load the sample plan and figures from the directory *data*."""
    create_schema(engine)
    import_plan(engine, data / PLAN_FILE)
    entries = read_progress_file(engine, data / PROGRESS_FILE, today=date.today())
    save_entries(engine, entries, now=ENTERED_AT)
