"""Whole-process figures: what a person waits for, from starting a command to its exit,
beside the raw ``sqlite3`` command that prints the same figures (issue 15).

    python scripts/bench_process.py SAMPLE.sqlite PROVINCE.sqlite    # prints the table
    (scripts/bench.py runs it too, into docs/PERFORMANCE.md)

Each command runs as its own process, output to /dev/null; its wall time and maximum
resident size come from ``os.wait4`` (the peak counts the forked copy of this small
process before the command starts, about 10 MB, so tiny figures are an upper bound). Every pledgetrack command runs interleaved with
its ``sqlite3`` counterpart (the machine's noisy spells hit both alike) and the figure
is the median of --repeat runs. ``python -c "import typer"`` is the floor any Typer
program pays.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from reference_sql import SQLITE as LATEST_READING_SQL  # noqa: E402

#: The completion of every target with its name, unit and value: what `status --json`
#: prints per target, as plain SQL.
TARGETS_JSON_SQL = LATEST_READING_SQL.replace(
    "SELECT t.id,", 'SELECT t."key", t.name, t.unit, s.value,'
)


def run_once(argv: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MB) of one run of *argv*; its output is thrown away."""
    began = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise SystemExit(f"{argv} failed ({status})")
    return wall, usage.ru_maxrss / 1024


def sql(query: str, plan: int, on: str) -> str:
    return query.replace(":plan", str(plan)).replace(":on", f"'{on}'")


def cases(sample: Path, province: Path | None) -> list[dict[str, Any]]:
    """What is measured: label, the pledgetrack command, the raw counterpart, the goal."""
    me = [sys.executable, "-m", "pledgetrack"]
    sqlite3 = shutil.which("sqlite3")
    out: list[dict[str, Any]] = [
        {"name": "import_typer", "argv": [sys.executable, "-c", "import typer"]},
        {"name": "help", "argv": [*me, "--help"], "goal": 0.3},
        {"name": "option_error", "argv": [*me, "status", "--no-such-option"], "goal": 0.3},
    ]
    for db, on, size in ((sample, "2020-10-31", "sample"), (province, "2020-12-31", "province")):
        if db is None:
            continue
        base = [*me, "--db", str(db), "status", "--as-of", on]
        raw = [sqlite3, str(db), sql(LATEST_READING_SQL, 1, on)] if sqlite3 else None
        raw_json = [sqlite3, "-json", str(db), sql(TARGETS_JSON_SQL, 1, on)] if sqlite3 else None
        out += [
            {"name": f"{size}_status", "argv": base, "raw": raw,
             "goal": 0.5 if size == "sample" else None},
            {"name": f"{size}_summary", "argv": [*base, "--summary"], "raw": raw,
             "ratio_goal": 3.0 if size == "province" else None},
            {"name": f"{size}_json", "argv": [*base, "--json"], "raw": raw_json,
             "ratio_goal": 3.0 if size == "province" else None,
             "peak_goal": 300 if size == "province" else None},
        ]  # fmt: skip
    return out


def measure_processes(sample: Path, province: Path | None, repeat: int = 5) -> dict[str, Any]:
    """Median wall time and peak memory of every case, and of its raw counterpart."""
    results: dict[str, Any] = {}
    for case in cases(sample, province):
        own: list[tuple[float, float]] = []
        raw: list[tuple[float, float]] = []
        for _ in range(repeat):
            own.append(run_once(case["argv"]))
            if case.get("raw"):
                raw.append(run_once(case["raw"]))
        entry = {
            "seconds": statistics.median(w for w, _ in own),
            "peak_mb": max(m for _, m in own),
        }
        if raw:
            entry["raw_seconds"] = statistics.median(w for w, _ in raw)
            entry["raw_peak_mb"] = max(m for _, m in raw)
        for key in ("goal", "ratio_goal", "peak_goal"):
            if case.get(key):
                entry[key] = case[key]
        results[case["name"]] = entry
        print(f"  {case['name']}: {entry}", flush=True)
    return results


LABELS = {
    "import_typer": '`python -c "import typer"` (the floor of any Typer program)',
    "help": "`pledgetrack --help`",
    "option_error": "`pledgetrack status --no-such-option` (refused, exit 2)",
    "sample_status": "`status` on the sample (36 items)",
    "sample_summary": "`status --summary` on the sample",
    "sample_json": "`status --json` on the sample",
    "province_status": "`status` on the province (the whole table)",
    "province_summary": "`status --summary` on the province vs the latest-reading query",
    "province_json": "`status --json` on the province vs `sqlite3 -json` of every target",
}


def process_rows(results: dict[str, Any]) -> list[str]:
    """Markdown table rows: measurement | figure | goal | peak memory."""
    rows = []
    for name, r in results.items():
        figure = f"**{r['seconds']:.2f} s**"
        goals = []
        if "raw_seconds" in r:
            figure += (
                f" ({r['seconds'] / r['raw_seconds']:.1f}× sqlite3's {r['raw_seconds']:.3f} s)"
            )
        if "goal" in r:
            goals.append(f"< {r['goal']} s")
        if "ratio_goal" in r:
            goals.append(f"≤ {r['ratio_goal']:.0f}×")
        if "peak_goal" in r:
            goals.append(f"< {r['peak_goal']} MB")
        peak = f"{r['peak_mb']:.0f} MB"
        if "raw_peak_mb" in r:
            peak += f" / {r['raw_peak_mb']:.0f} MB"
        rows.append(f"| {LABELS.get(name, name)} | {figure} | {', '.join(goals)} | {peak} |")
    return rows


def process_table(results: dict[str, Any]) -> str:
    head = ["| whole process (median) | figure | goal | peak memory |", "|---|---|---|---|"]
    return "\n".join(head + process_rows(results))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sample", type=Path)
    parser.add_argument("province", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.sqlite"  # a status may store the plan's rule columns
        shutil.copy(args.sample, sample)
        results = measure_processes(sample, args.province, args.repeat)
    print(process_table(results))
    print(open("/proc/loadavg").read().strip() if Path("/proc/loadavg").exists() else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
