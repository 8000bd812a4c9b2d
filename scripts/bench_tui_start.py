"""The TUI's first paint, this tree against another version of pledgetrack, interleaved
(the machine's noisy spells hit both alike): before/after figures of a change.

    git archive COMMIT src | tar -x -C /tmp/before
    python scripts/bench_tui_start.py --against /tmp/before/src data/pledges.sqlite PROVINCE.sqlite

Each run is scripts/bench_process.py's tui_first_paint (a tmux terminal of its own,
160×45, until a status dot is on the screen); the other version runs with its source
first on PYTHONPATH, with this tree's installed libraries. The sample is copied (a run
may store the rule columns); the province is used in place, its whole check noted by
one ``status --summary`` first, as bench_process does. Prints the median wall time, CPU
time and the peak memory of each, and the load average after; beside them, interleaved
too, ``python -c "import typer"`` (the floor of any Typer program: 0.12 s on an idle
machine, docs/PERFORMANCE.md), to scale a loaded machine's figures by.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_process import run_once, tui_first_paint


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("databases", type=Path, nargs="+")
    parser.add_argument("--against", type=Path, required=True, metavar="SRC",
                        help="the directory holding the other version's pledgetrack package")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    me = [sys.executable, "-m", "pledgetrack"]
    versions = {"before": ["env", f"PYTHONPATH={args.against}", *me], "after": me}
    with tempfile.TemporaryDirectory() as tmp:
        for db in args.databases:
            if db.stat().st_size < 50_000_000:
                db = Path(shutil.copy(db, Path(tmp) / db.name))
            for argv in versions.values():
                subprocess.run([*argv, "--db", str(db), "status", "--summary"],
                               capture_output=True, check=False)  # fmt: skip
            runs: dict[str, list[tuple[float, float, float]]] = {k: [] for k in versions}
            runs["import typer"] = []
            for _ in range(args.repeat):
                for name, argv in versions.items():
                    runs[name].append(tui_first_paint([*argv, "--db", str(db), "--lang", "en"]))
                runs["import typer"].append(run_once([sys.executable, "-c", "import typer"]))
            for name, found in runs.items():
                print(
                    f"{db.name} {name}: wall {statistics.median(w for w, _, _ in found):.2f} s, "
                    f"CPU {statistics.median(c for _, _, c in found):.2f} s, "
                    f"peak {max(m for _, m, _ in found):.0f} MB "
                    f"(walls {', '.join(f'{w:.2f}' for w, _, _ in found)})",
                    flush=True,
                )
    print("load average:", Path("/proc/loadavg").read_text().strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
