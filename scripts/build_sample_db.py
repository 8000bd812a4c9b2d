"""Rebuild data/pledges.sqlite from the readable sources in data/.

    python scripts/build_sample_db.py [--out data/pledges.sqlite]

Sources: data/qingdao-2020-plan.csv (the 2020 list transcribed from the
official October 2020 report) and data/qingdao-2020-progress.csv (its figures
as of 2020-10-31), approved as published (reviewer 市政府办公厅, "2020年10月通报").
Entry, review and audit times are fixed so that the build is reproducible.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pledgetrack.config import sqlite_url
from pledgetrack.services.sample import load_sample
from pledgetrack.services.status import status_summary
from pledgetrack.storage.db import make_engine

DATA = Path(__file__).resolve().parents[1] / "data"


def build(out: Path) -> None:
    """Write a fresh database at *out* (replacing it only when complete)."""
    tmp = out.with_name(out.name + ".building")
    for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        leftover.unlink(missing_ok=True)
    engine = make_engine(sqlite_url(tmp))
    load_sample(engine, DATA)
    # Store the rule columns now (storage/rule_cache.py), so that reading the status
    # of the shipped database does not write to it.
    status_summary(engine, on=date(2020, 10, 31))
    # Every reading folded into the file, which stays in WAL mode (the mode the program
    # opens a database in): opening the shipped file then changes none of its bytes.
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
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
