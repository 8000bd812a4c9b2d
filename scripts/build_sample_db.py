"""Rebuild data/pledges.sqlite from the readable sources in data/.

    python scripts/build_sample_db.py [--out data/pledges.sqlite]

Sources: data/qingdao-2020-plan.csv (the 2020 list transcribed from the
official October 2020 report) and data/qingdao-2020-progress.csv (its figures
as of 2020-10-31). Entry times are fixed so that the build is reproducible.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path

from pledgetrack.services.plans import import_plan
from pledgetrack.services.progress import read_progress_file, save_entries
from pledgetrack.storage.db import create_schema, make_engine, sqlite_url

DATA = Path(__file__).resolve().parents[1] / "data"
PLAN_FILE = DATA / "qingdao-2020-plan.csv"
PROGRESS_FILE = DATA / "qingdao-2020-progress.csv"
#: When the October report was published (2020-11-11, Qingdao time).
ENTERED_AT = datetime(2020, 11, 11, 2, 0, tzinfo=UTC)


def build(out: Path) -> None:
    """Write a fresh database at *out* (replacing it only when complete)."""
    tmp = out.with_name(out.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(sqlite_url(tmp))
    create_schema(engine)
    import_plan(engine, PLAN_FILE)
    entries = read_progress_file(engine, PROGRESS_FILE, today=date.today())
    save_entries(engine, entries, now=ENTERED_AT)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    engine.dispose()
    tmp.replace(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DATA / "pledges.sqlite")
    args = parser.parse_args(argv)
    build(args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
