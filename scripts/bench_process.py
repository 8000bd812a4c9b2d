"""Whole-process figures: what a person waits for, from starting a command to its exit,
beside the raw ``sqlite3`` command that prints the same figures (issue 15).

    python scripts/bench_process.py SAMPLE.sqlite PROVINCE.sqlite    # prints the table
    (scripts/bench.py runs it too, into docs/PERFORMANCE.md)

Each command runs as its own process, output to /dev/null; its wall time, CPU time (user
and system: on a shared machine that is busy, close to what the wall time would be on
an idle one) and maximum resident size come from ``os.wait4`` (the peak counts the forked copy of this small
process before the command starts, about 10 MB, so tiny figures are an upper bound). Every pledgetrack command runs interleaved with
its ``sqlite3`` counterpart (the machine's noisy spells hit both alike) and the figure
is the median of --repeat runs. ``python -c "import typer"`` is the floor any Typer
program pays.

The TUI's first paint is measured from outside, in a terminal of its own: the app runs
in a detached ``tmux`` session (160×45) and the screen is read with ``capture-pane``
every 20 ms until a status dot (●, drawn only in item rows) is on it — the first rows
of the dashboard, painted. The figure includes up to one poll interval. Its memory is
the app's peak resident size until then (VmHWM). Nothing in pledgetrack knows it is
being measured.

Province commands run with the file's note of a whole check current (the usual case:
storage/check_record.py), except ``province_summary_checked``, which touches the file
before each run — as any write does — so SQLite's quick_check reads it whole first.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
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


def run_once(argv: list[str], before: Any = None) -> tuple[float, float, float]:
    """(wall seconds, peak MB, CPU seconds) of one run of *argv*; its output is thrown
    away. *before* (a callable) runs first, outside the time."""
    if before is not None:
        before()
    began = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) not in (0, 2):
        raise SystemExit(f"{argv} failed ({status})")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


#: What the dashboard draws in item rows only: the status dot.
FIRST_ROWS = re.compile("●")


def tui_first_paint(argv: list[str], before: Any = None) -> tuple[float, float, float]:
    """(seconds until the first item rows are on the screen, peak MB and CPU seconds
    until then) of the TUI started by *argv* in a detached tmux session, then closed."""
    if before is not None:
        before()
    socket = Path(tempfile.gettempdir()) / f"pledgetrack-bench-{os.getpid()}-{time.monotonic_ns()}"
    tmux = ["tmux", "-S", str(socket)]  # a server of its own per run
    command = " ".join(shlex_quote(a) for a in argv)
    began = time.perf_counter()
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "tui", "-x", "160", "-y", "45", f"exec {command}"],
        check=True,
    )
    try:
        pid = int(
            subprocess.run(
                [*tmux, "display-message", "-p", "-t", "tui", "#{pane_pid}"],
                capture_output=True, text=True, check=True,
            ).stdout
        )  # fmt: skip
        while True:
            screen = subprocess.run(
                [*tmux, "capture-pane", "-p", "-t", "tui"], capture_output=True, text=True
            ).stdout
            if FIRST_ROWS.search(screen):
                wall = time.perf_counter() - began
                break
            if time.perf_counter() - began > 120:
                raise SystemExit(f"{argv}: no rows on the screen after 120 s:\n{screen}")
            time.sleep(0.02)
        peak, cpu = peak_mb(pid), cpu_seconds(pid)
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        socket.unlink(missing_ok=True)
    return wall, peak, cpu


def peak_mb(pid: int) -> float:
    """The peak resident size of a running process so far (Linux VmHWM)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a running process so far, all its threads."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def shlex_quote(arg: str) -> str:
    import shlex

    return shlex.quote(arg)


def touch(path: Path) -> Any:
    """A callable that marks *path* as written to (new modification and change times)."""
    return lambda: os.utime(path)


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
        {"name": "value_error", "argv": [*me, "status", "--as-of"], "goal": 0.3},
        {"name": "command_error", "argv": [*me, "no-such-command"], "goal": 0.3},
    ]
    for db, on, size in ((sample, "2020-10-31", "sample"), (province, "2020-12-31", "province")):
        if db is None:
            continue
        big = size == "province"
        base = [*me, "--db", str(db), "status", "--as-of", on]
        raw = [sqlite3, str(db), sql(LATEST_READING_SQL, 1, on)] if sqlite3 else None
        raw_json = [sqlite3, "-json", str(db), sql(TARGETS_JSON_SQL, 1, on)] if sqlite3 else None
        out += [
            {"name": f"{size}_status", "argv": base, "raw": raw, "warm": True,
             "goal": None if big else 0.5, "peak_goal": 500 if big else None},
            {"name": f"{size}_summary", "argv": [*base, "--summary"], "raw": raw, "warm": True,
             "ratio_goal": 3.0 if big else None, "peak_goal": 500 if big else None},
        ]  # fmt: skip
        if big:
            out.append(
                {"name": "province_summary_checked", "argv": [*base, "--summary"], "raw": raw,
                 "before": touch(db), "ratio_goal": 3.0, "peak_goal": 500}
            )  # fmt: skip
        out += [
            {"name": f"{size}_json", "argv": [*base, "--json"], "raw": raw_json,
             "ratio_goal": 3.0 if big else None, "peak_goal": 300 if big else None},
        ]  # fmt: skip
        if shutil.which("tmux"):
            out.append(
                {"name": f"{size}_tui", "argv": [*me, "--db", str(db), "--lang", "en"],
                 "tui": True, "goal": 1.0, "peak_goal": 500 if big else None,
                 "warm_argv": [*base, "--summary"]}
            )  # fmt: skip
    return out


def command_cases(province: Path, out: Path) -> list[dict[str, Any]]:
    """Every command that reads or writes a whole plan, on the province (issue 15: peak
    memory < 500 MB each). Commands that write run on a copy made first, outside the
    time; files go to *out*."""
    me = [sys.executable, "-m", "pledgetrack", "--db", str(province)]
    copy = out / "province-copy.sqlite"

    def fresh_copy() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        shutil.copy(province, copy)

    month = ["--month", "2020-12"]
    progress = out / "one-row.csv"
    progress.write_text(
        "plan,target,as_of,value,done,note\nsynthetic-2020,1.1,2020-12-31,1,,bench\n",
        encoding="utf-8",
    )
    on_copy = [sys.executable, "-m", "pledgetrack", "--db", str(copy)]
    return [
        {"name": "status", "argv": [*me, "status", "--as-of", "2020-12-31"]},
        {"name": "status --summary", "argv": [*me, "status", "--as-of", "2020-12-31", "--summary"]},
        {"name": "status --json", "argv": [*me, "status", "--as-of", "2020-12-31", "--json"]},
        {"name": "report (text)", "argv": [*me, "report", *month]},
        {"name": "report --format md", "argv": [*me, "report", *month, "--format", "md"]},
        {"name": "report html", "argv": [*me, "report", *month, "--out", str(out / "r.html"), "--force"]},
        {"name": "report xlsx", "argv": [*me, "report", *month, "--out", str(out / "r.xlsx"), "--force"]},
        {"name": "report docx", "argv": [*me, "report", *month, "--out", str(out / "r.docx"), "--force"]},
        {"name": "export plan (csv)", "argv": [*me, "export", "plan", str(out / "p.csv"), "--force"]},
        {"name": "export plan (xlsx)", "argv": [*me, "export", "plan", str(out / "p.xlsx"), "--force"]},
        {"name": "export progress (csv)", "argv": [*me, "export", "progress", str(out / "g.csv"), "--force"]},
        {"name": "export progress --history (xlsx)", "argv": [*me, "export", "progress", str(out / "g.xlsx"), "--history", "--force"]},
        {"name": "export progress (xlsx)", "argv": [*me, "export", "progress", str(out / "g2.xlsx"), "--force"]},
        {"name": "export progress --history (csv)", "argv": [*me, "export", "progress", str(out / "g2.csv"), "--history", "--force"]},
        {"name": "review list --json", "argv": [*me, "review", "list", "--status", "all", "--json"]},
        {"name": "review list (table)", "argv": [*me, "review", "list", "--status", "all"]},
        {"name": "remind --month 2020-12", "argv": [*me, "remind", "--month", "2020-12", "--as-of", "2021-01-10"]},
        {"name": "remind --json", "argv": [*me, "remind", "--month", "2020-12", "--as-of", "2021-01-10", "--json"]},
        {"name": "remind --docx", "argv": [*me, "remind", "--month", "2020-12", "--as-of", "2021-01-10", "--docx", str(out / "n.docx"), "--force"]},
        {"name": "user list", "argv": [*me, "user", "list"]},
        {"name": "db current", "argv": [*me, "db", "current"]},
        {"name": "audit --limit 50", "argv": [*me, "audit", "--limit", "50"]},
        {"name": "audit --target 1.1", "argv": [*me, "audit", "--target", "1.1"]},
        {"name": "db check", "argv": [*me, "db", "check"]},
        {"name": "backup", "argv": [*me, "backup", str(out / "b.sqlite"), "--force"]},
        {"name": "record (on a copy)", "argv": [*on_copy, "record", "1.1", "1", "--as-of", "2020-12-31", "--confirm"], "before": fresh_copy},
        {"name": "import progress, one row (on a copy)", "argv": [*on_copy, "import", "progress", str(progress), "--confirm"], "before": fresh_copy},
        {"name": "import plan --dry-run, the province's plan (on a copy)", "argv": [*on_copy, "import", "plan", str(out / "p.csv"), "--dry-run"], "before": fresh_copy},
        {"name": "import progress --dry-run, every reading (on a copy)", "argv": [*on_copy, "import", "progress", str(out / "g.csv"), "--dry-run"], "before": fresh_copy},
        {"name": "restore (on a copy)", "argv": [*on_copy, "restore", str(out / "b.sqlite")], "before": fresh_copy},
    ]  # fmt: skip


def measure_commands(province: Path, skip: Sequence[str] = ()) -> dict[str, Any]:
    """Wall time, CPU time and peak memory of one run of every command of
    :func:`command_cases` (exit status 0 or 2 both count: the figure is the memory)."""
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for case in command_cases(province, Path(tmp)):
            if case["name"] in skip:
                continue
            wall, peak, cpu = run_once(case["argv"], case.get("before"))
            results[case["name"]] = {"seconds": wall, "cpu_seconds": cpu, "peak_mb": peak}
            print(f"  {case['name']}: {results[case['name']]}", flush=True)
    return results


def command_table(results: dict[str, Any]) -> str:
    rows = [
        "| command, on the province (one run) | wall time | CPU time | peak memory |",
        "|---|---|---|---|",
    ]
    for name, r in results.items():
        rows.append(
            f"| `{name}` | {r['seconds']:.2f} s | {r['cpu_seconds']:.2f} s | {r['peak_mb']:.0f} MB |"
        )
    return "\n".join(rows)


def measure_processes(
    sample: Path, province: Path | None, repeat: int = 5, skip: Sequence[str] = ()
) -> dict[str, Any]:
    """Median wall time and peak memory of every case, and of its raw counterpart."""
    results: dict[str, Any] = {}
    for case in cases(sample, province):
        if case["name"] in skip:
            continue
        own: list[tuple[float, float, float]] = []
        raw: list[tuple[float, float, float]] = []
        measure = tui_first_paint if case.get("tui") else run_once
        if case.get("warm"):
            run_once(case["argv"])  # stores the rule columns and notes the check, untimed
        if case.get("warm_argv"):  # the TUI: the same, through a status first
            run_once(case["warm_argv"])
        for _ in range(repeat):
            own.append(measure(case["argv"], case.get("before")))
            if case.get("raw"):
                raw.append(run_once(case["raw"]))
        entry = {
            "seconds": statistics.median(w for w, _, _ in own),
            "cpu_seconds": statistics.median(c for _, _, c in own),
            "peak_mb": max(m for _, m, _ in own),
        }
        if raw:
            entry["raw_seconds"] = statistics.median(w for w, _, _ in raw)
            entry["raw_cpu_seconds"] = statistics.median(c for _, _, c in raw)
            entry["raw_peak_mb"] = max(m for _, m, _ in raw)
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
    "value_error": "`pledgetrack status --as-of` (no value: refused, exit 2)",
    "command_error": "`pledgetrack no-such-command` (refused, exit 2)",
    "sample_status": "`status` on the sample (36 items)",
    "sample_summary": "`status --summary` on the sample",
    "sample_json": "`status --json` on the sample",
    "province_status": "`status` on the province (the whole table)",
    "province_summary": "`status --summary` on the province vs the latest-reading query",
    "province_summary_checked": "the same, the file written to since its last check "
    "(quick_check reads it whole first)",
    "province_json": "`status --json` on the province vs `sqlite3 -json` of every target",
    "sample_tui": "`pledgetrack` (the TUI) on the sample: first item rows on the screen",
    "province_tui": "`pledgetrack` (the TUI) on the province: first page of items on the screen",
}


def process_rows(results: dict[str, Any]) -> list[str]:
    """Markdown table rows: measurement | wall time | CPU time | goal | peak memory."""
    rows = []
    for name, r in results.items():
        figure = f"**{r['seconds']:.2f} s**"
        cpu = f"{r['cpu_seconds']:.2f} s" if "cpu_seconds" in r else ""
        goals = []
        if "raw_seconds" in r:
            figure += (
                f" ({r['seconds'] / r['raw_seconds']:.1f}× sqlite3's {r['raw_seconds']:.3f} s)"
            )
            if "raw_cpu_seconds" in r and r["raw_cpu_seconds"] > 0:
                cpu += (
                    f" ({r['cpu_seconds'] / r['raw_cpu_seconds']:.1f}× sqlite3's "
                    f"{r['raw_cpu_seconds']:.3f} s)"
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
        rows.append(
            f"| {LABELS.get(name, name)} | {figure} | {cpu} | {', '.join(goals)} | {peak} |"
        )
    return rows


def process_table(results: dict[str, Any]) -> str:
    head = [
        "| whole process (median) | wall time | CPU time | goal | peak memory |",
        "|---|---|---|---|---|",
    ]
    return "\n".join(head + process_rows(results))


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("sample", type=Path)
    parser.add_argument("province", type=Path, nargs="?")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--skip", action="append", default=[], metavar="NAME",
        help="leave out a measurement (e.g. province_status, the whole table: minutes)",
    )  # fmt: skip
    parser.add_argument(
        "--commands", action="store_true",
        help="instead: every command that reads or writes a whole plan, once, on PROVINCE "
        "(wall, CPU, peak memory; the goal is < 500 MB each)",
    )  # fmt: skip
    args = parser.parse_args()
    # Measured as an installed program runs: with its modules' bytecode cached (pip
    # writes it at install). Without the caches every run compiled pledgetrack's own
    # modules again: about 0.07 s of CPU of a status (issue 15, third pass).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=False)
    if args.commands:
        if args.province is None:
            parser.error("--commands needs PROVINCE")
        print(command_table(measure_commands(args.province, skip=args.skip)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        sample = Path(tmp) / "sample.sqlite"  # a status may store the plan's rule columns
        shutil.copy(args.sample, sample)
        results = measure_processes(sample, args.province, args.repeat, skip=args.skip)
    print(process_table(results))
    print(open("/proc/loadavg").read().strip() if Path("/proc/loadavg").exists() else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
