"""The shipped sample: the Qingdao 2020 list and its October figures, loaded from data/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.services.review import approve_submitted
from pledgetrack.storage.db import create_schema

PLAN_FILE = "qingdao-2020-plan.csv"
PROGRESS_FILE = "qingdao-2020-progress.csv"
#: When the October report was published (2020-11-11, Qingdao time): fixed, so builds repeat.
ENTERED_AT = datetime(2020, 11, 11, 2, 0, tzinfo=UTC)
#: Who published the figures: the sample's plan, figures and their approval are theirs.
PUBLISHER = "市政府办公厅"
#: The review comment of the published figures.
APPROVAL_COMMENT = "2020年10月通报"


def load_sample(engine: Engine, data: Path) -> None:
    """Set up the schema and load the sample plan and figures from the directory *data*.

    The October figures are the officially published ones, so they are approved
    (by the publisher, at the publication time). The database has no users:
    single-user mode, anyone may do anything.
    """
    create_schema(engine)
    import_plan(engine, data / PLAN_FILE, actor=PUBLISHER, now=ENTERED_AT)
    entries = read_progress_file(engine, data / PROGRESS_FILE, today=date.today())
    save_entries(engine, entries, now=ENTERED_AT, actor=PUBLISHER)
    approve_submitted(engine, comment=APPROVAL_COMMENT, actor=PUBLISHER, now=ENTERED_AT)
