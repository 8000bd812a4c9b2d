"""What a login costs on SQLite: the Argon2id check, the attempt's two writes and audit.

    python scripts/bench_login.py [--repeat 10]

On a copy of the shipped sample with one user (li, a password set here): a right
password, a wrong one and an unknown name, each timed --repeat times (wall and CPU
time, the median), and the process's peak memory. The unknown name should cost what a
wrong password costs (it is checked against a decoy hash). Compare the three within one
run: the machine is shared.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PASSWORD = "bench-password-1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)

    from pledgetrack.config import sqlite_url
    from pledgetrack.services.access import add_user
    from pledgetrack.services.login import Limit, LoginRefused, log_in, set_password
    from pledgetrack.storage.db import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "pledges.sqlite"
        shutil.copy(ROOT / "data" / "pledges.sqlite", copy)
        engine = make_engine(sqlite_url(copy))
        add_user(engine, login="zhao", role="admin", actor="zhao")
        add_user(engine, login="li", role="staff", department="市民政局", actor="zhao")
        set_password(engine, "li", PASSWORD, actor="zhao")
        # A limit never reached: the wrong passwords are all checked, not refused.
        limit = Limit(failures=10**6, window=timedelta(minutes=1))
        start = datetime.now(UTC)
        rows = []
        for label, name, password in (
            ("right password", "li", PASSWORD),
            ("wrong password", "li", "not-the-password"),
            ("unknown name", "nobody", PASSWORD),
        ):
            walls, cpus = [], []
            for i in range(args.repeat):
                now = start + timedelta(seconds=i)
                wall, cpu = time.perf_counter(), time.process_time()
                try:
                    log_in(engine, name, password, limit=limit, now=now)
                except LoginRefused:
                    pass
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            rows.append((label, statistics.median(walls), statistics.median(cpus)))
        engine.dispose()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'login (SQLite)':<18} {'wall ms':>8} {'CPU ms':>8}   (median of {args.repeat})")
    for label, wall, cpu in rows:
        print(f"{label:<18} {wall * 1000:>8.0f} {cpu * 1000:>8.0f}")
    print(f"peak memory (max RSS of the process): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
