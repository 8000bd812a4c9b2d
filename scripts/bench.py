"""The province-scale benchmark: one command, every figure of docs/PERFORMANCE.md.

    python scripts/bench.py                  # full sizes; writes docs/PERFORMANCE.md
    python scripts/bench.py --quick          # small sizes, prints only (a smoke run)

Databases are generated once with scripts/gen_synthetic.py into --workdir and
reused. Each measurement runs in its own process, so its peak memory (max RSS)
is its own; times are the best of --repeat runs within that process. With
PLEDGETRACK_TEST_DATABASE_URL set, the database measurements run on PostgreSQL
too (in schemas created and dropped here). Compare ratios within one run: the
machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

ON = date(2020, 9, 30)
MONTH = date(2020, 10, 1)


# ---- one measurement (runs in a child process) ------------------------------------------


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return min(times), result


def measure(name: str, url: str, repeat: int, extra: str) -> dict[str, Any]:
    from pledgetrack.domain.model import Policy
    from pledgetrack.storage.db import make_engine

    engine = make_engine(url)
    out: dict[str, Any] = {}
    if name == "status_engine":
        from sqlalchemy import text

        from pledgetrack.services.gc_pause import gc_paused
        from pledgetrack.services.status import evaluate_structure, plan_status, status_summary
        from reference_sql import reference_status

        def summary() -> Any:
            with gc_paused():
                return status_summary(engine, on=ON, policy=Policy())

        def reference() -> int:
            with engine.connect() as conn:
                return len(reference_status(conn, 1, ON))

        # The engine's status of every target and item: the plan's rule columns (stored,
        # storage/rule_cache.py), one latest-reading statement, the rules over columns.
        # Measured against the hand-written SQL in the same process, runs interleaved,
        # so that the machine's noisy spells hit both alike.
        began = time.perf_counter()
        found = summary()
        out.update(first_call=time.perf_counter() - began)
        engine_times, sql_times = [], []
        for _ in range(max(repeat, 5)):
            began = time.perf_counter()
            summary()
            engine_times.append(time.perf_counter() - began)
            began = time.perf_counter()
            reference()
            sql_times.append(time.perf_counter() - began)
        out.update(
            seconds=min(engine_times),
            sql_seconds=min(sql_times),
            targets=len(found.columns.rules),
            items=found.total,
        )

        # After a plan change the stored rules are stale: read from the target table
        # (and stored again) on the next status.
        def after_a_plan_change() -> Any:
            with engine.begin() as conn:
                conn.execute(text("UPDATE rule_generation SET value = value + 1"))
            began = time.perf_counter()
            summary()
            return time.perf_counter() - began

        out.update(after_change=min(after_a_plan_change() for _ in range(repeat)))
        # What `pledgetrack status` (the table) does: names and units loaded as well.
        table, evaluation = best(lambda: plan_status(engine, on=ON, policy=Policy()), repeat)
        out.update(table_seconds=table)
        # Warm: the structure already loaded, as the TUI has it on every month step.
        structure = evaluation.structure
        warm, _ = best(
            lambda: evaluate_structure(engine, structure, on=ON, policy=Policy()), repeat
        )
        out.update(warm_seconds=warm)
    elif name == "status_sql":
        from reference_sql import reference_status

        def run() -> int:
            with engine.connect() as conn:
                return len(reference_status(conn, 1, ON))

        began = time.perf_counter()
        run()
        out.update(first_call=time.perf_counter() - began)
        seconds, n = best(run, repeat)
        out.update(seconds=seconds, targets=n)
    elif name == "dashboard":
        out.update(asyncio.run(_dashboard(engine)))
    elif name in ("report_text", "report_xlsx"):
        import io

        from pledgetrack.domain.report_format import ReportFormat
        from pledgetrack.reports.render import render_string, write_stream
        from pledgetrack.services.month_report import build_month_report

        xlsx = name == "report_xlsx"

        def run() -> int:
            report = build_month_report(engine, month=MONTH, with_history=xlsx)
            if xlsx:
                buffer = io.BytesIO()
                write_stream(report, ReportFormat.xlsx, "zh", buffer)
                return report.item_count
            render_string(report, ReportFormat.text, "zh")
            return report.item_count

        seconds, items = best(run, repeat)
        out.update(seconds=seconds, items=items)
    elif name == "import":
        from pledgetrack.services.progress import read_progress_file, save_entries

        began = time.perf_counter()
        # The generated figures are random, so many are lower than last month or far above
        # the target: the check runs on every row and they are confirmed, as a person would.
        entries = read_progress_file(engine, Path(extra), today=date(2026, 1, 1), confirm=True)
        outcome = save_entries(engine, entries, source=Path(extra).name)
        seconds = time.perf_counter() - began
        out.update(seconds=seconds, rows=outcome.added, rate=outcome.added / seconds)
    elif name == "raw_insert":
        from sqlalchemy import insert, select

        from pledgetrack.storage.tables import Snapshot, Target

        with engine.connect() as conn:
            ids = dict(conn.execute(select(Target.key, Target.id)).all())  # type: ignore[call-overload]
        # Like the import: read the file, convert, insert (no checks, no audit).
        began = time.perf_counter()
        with open(extra, encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
        values = [
            {
                "target_id": ids[r["target"]],
                "as_of": date.fromisoformat(r["as_of"]),
                "value": float(r["value"]) if r["value"] else None,
                "done": None,
                "note": r["note"],
                "entered_by": "bench",
                "entered_at": time_now(),
                "supersedes_id": None,
            }
            for r in rows
        ]
        with engine.begin() as conn:
            conn.execute(insert(Snapshot), values)
        seconds = time.perf_counter() - began
        out.update(seconds=seconds, rows=len(values), rate=len(values) / seconds)
    else:  # pragma: no cover
        raise SystemExit(f"unknown measurement {name}")
    engine.dispose()
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def time_now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


async def _dashboard(engine) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Time to the first rows, to the whole plan, and how each key is answered.

    A key's latency is measured from posting it to its effect being visible (the
    cursor moved, the filter or sort applied, the new month shown), not with
    ``pilot.press``, whose idle detection waits while a worker keeps the CPU busy. While
    the whole plan (or a new month) is computed in the worker, a ticker measures the
    longest the event loop was kept from running: what a user would feel as a stall.
    """
    from textual import events
    from textual.widgets import DataTable

    from pledgetrack.domain.model import Policy
    from pledgetrack.tui.app import create_app
    from pledgetrack.tui.screens.dashboard import FILTERS, DashboardScreen
    from pledgetrack.tui.screens.entry import EntryScreen

    stalls: list[float] = []

    async def ticker() -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            stalls.append(now - last - 0.005)
            last = now

    async def wait_for(predicate: Callable[[], bool], limit: float = 60.0) -> float:
        began = time.perf_counter()
        while not predicate():
            if time.perf_counter() - began > limit:
                raise TimeoutError("the dashboard did not answer")
            await asyncio.sleep(0.001)
        return time.perf_counter() - began

    began = time.perf_counter()
    app = create_app(
        engine, lang="zh", policy=Policy(), as_of=ON, today=date(2026, 1, 1), user="bench"
    )
    result: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)):
        tick = asyncio.create_task(ticker())

        def screen() -> DashboardScreen:
            current = app.screen
            assert isinstance(current, DashboardScreen)
            return current

        def shows_rows() -> bool:
            current = app.screen
            return (
                isinstance(current, DashboardScreen)
                and current.evaluation is not None
                and current.query_one("#items", DataTable).row_count > 0
            )

        await wait_for(shows_rows)
        result["first_rows"] = time.perf_counter() - began
        stalls.clear()
        await wait_for(lambda: screen().evaluation is not None and not screen().evaluation.partial)  # type: ignore[union-attr]
        result["seconds"] = time.perf_counter() - began
        result["stall_while_loading"] = max(stalls, default=0.0)
        dash = screen()
        table = dash.query_one("#items", DataTable)
        assert dash.evaluation is not None
        result["items"] = len(dash.evaluation.items)

        def press(key: str) -> None:
            app.post_message(events.Key(key, None))

        keys: dict[str, float] = {}
        row = table.cursor_row
        press("down")
        keys["move"] = await wait_for(lambda: table.cursor_row != row)
        row = table.cursor_row
        press("pagedown")
        keys["page"] = await wait_for(lambda: table.cursor_row != row)
        press("f")
        keys["filter"] = await wait_for(lambda: dash.status_filter is not None)
        for _ in range(len(FILTERS) - 1):  # round the cycle, back to all statuses
            before = dash.status_filter
            press("f")
            await wait_for(lambda: dash.status_filter != before)  # noqa: B023
        assert dash.status_filter is None
        press("s")
        keys["sort"] = await wait_for(lambda: dash.sort_column is not None)
        # Step a month: the new month is computed in a worker while the UI keeps answering.
        # Shown: the new month's first page is on screen (the view is in list order);
        # complete: the whole month and its counters.
        stalls.clear()
        stepped = time.perf_counter()
        press("left_square_bracket")
        keys["step_month_shown"] = await wait_for(
            lambda: dash.evaluation is not None and dash.evaluation.as_of != ON
        )
        await wait_for(lambda: dash.evaluation is not None and not dash.evaluation.partial)
        keys["step_month_complete"] = time.perf_counter() - stepped
        keys["stall_while_stepping"] = max(stalls, default=0.0)
        # A key pressed while a month is being computed.
        press("left_square_bracket")
        await asyncio.sleep(0.05)
        row = table.cursor_row
        press("down")
        keys["move_while_computing"] = await wait_for(lambda: table.cursor_row != row)
        # Monthly entry for the highlighted item's department: its first page of lines.
        await wait_for(lambda: dash.evaluation is not None and not dash.evaluation.partial)  # type: ignore[union-attr]
        press("e")
        keys["entry_shown"] = await wait_for(
            lambda: (
                isinstance(app.screen, EntryScreen)
                and app.screen.sheet is not None
                and len(app.screen.rows()) > 0
            )
        )
        result["keys"] = keys
        tick.cancel()
    return result


# ---- orchestration ----------------------------------------------------------------------


def child(name: str, url: str, repeat: int, extra: str = "") -> dict[str, Any]:
    cmd = [sys.executable, __file__, "_measure", name, url, str(repeat), extra]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_processes(province_url: str, repeat: int) -> dict[str, Any]:
    """scripts/bench_process.py's figures, measured from a small process of its own (a
    command's peak memory counts the process it was forked from)."""
    code = (
        "import json, shutil, sys, tempfile; from pathlib import Path\n"
        f"sys.path.insert(0, {str(ROOT / 'scripts')!r})\n"
        "from bench_process import measure_processes\n"
        "tmp = Path(tempfile.mkdtemp()); sample = tmp / 'sample.sqlite'\n"
        f"shutil.copy({str(ROOT / 'data' / 'pledges.sqlite')!r}, sample)\n"
        f"found = measure_processes(sample, Path({province_url.removeprefix('sqlite:///')!r}), "
        f"{max(repeat, 5)})\n"
        "shutil.rmtree(tmp); print(json.dumps(found))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"whole-process figures failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def serve_figures(province_url: str, quick: bool) -> dict[str, Any]:
    """scripts/bench_serve.py's figures: memory and CPU per `pledgetrack serve` session, and
    sessions per machine (on the sample database, and on the province one unless quick)."""
    cmd = [sys.executable, str(ROOT / "scripts" / "bench_serve.py"), "--json"]
    cmd += ["--sessions", "3"] if quick else ["--province", province_url.removeprefix("sqlite:///")]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"serve figures failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def sqlite_db(workdir: Path, name: str, targets: int, months: int) -> str:
    from gen_synthetic import generate
    from pledgetrack.config import sqlite_url
    from pledgetrack.storage.db import make_engine

    path = workdir / f"{name}-{targets}-{months}.sqlite"
    if not path.exists():
        tmp = path.with_suffix(".building")
        tmp.unlink(missing_ok=True)
        engine = make_engine(sqlite_url(tmp))
        print(f"  generating {path.name} …", flush=True)
        generate(engine, targets=targets, months=months)
        engine.dispose()
        tmp.replace(path)
    return sqlite_url(path)


def progress_csv(workdir: Path, targets: int, months: tuple[int, ...]) -> Path:
    """Readings for every quantity target of the import database, for some months."""
    import random

    from gen_synthetic import generate  # noqa: F401  (same plan keys as the generator)

    path = workdir / f"progress-{targets}-{'-'.join(map(str, months))}.csv"
    if path.exists():
        return path
    from sqlalchemy import select

    from pledgetrack.domain.dates import end_of_month
    from pledgetrack.storage.db import make_engine
    from pledgetrack.storage.tables import Target

    engine = make_engine(sqlite_db(workdir, "plan", targets, 0))
    with engine.connect() as conn:
        keys = [
            k
            for k, kind in conn.execute(select(Target.key, Target.kind).order_by(Target.id)).all()  # type: ignore[call-overload]
            if kind == "quantity"
        ]
    engine.dispose()
    rng = random.Random(1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["plan", "target", "as_of", "value", "done", "note", "entered_by"])
        for m in months:
            day = end_of_month(date(2020, m, 1)).isoformat()
            for key in keys:
                writer.writerow(
                    ["synthetic-2020", key, day, f"{rng.uniform(1, 100) * m:.2f}", "", "", "bench"]
                )
    return path


def pg_copy(source_sqlite_url: str) -> str:  # pragma: no cover - needs a server
    """Regenerate the same database in a fresh PostgreSQL schema (kept for the run)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from gen_synthetic import generate
    from pledgetrack.storage.db import make_engine

    name = Path(source_sqlite_url.removeprefix("sqlite:///")).stem
    _, targets, months = name.rsplit("-", 2)
    base = make_url(
        os.environ["PLEDGETRACK_TEST_DATABASE_URL"].replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    )
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    PG_SCHEMAS.append(schema)
    url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False
    )
    engine = make_engine(url)
    print(f"  generating {name} on PostgreSQL …", flush=True)
    generate(engine, targets=int(targets), months=int(months))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return url


PG_SCHEMAS: list[str] = []


def drop_pg_schemas() -> None:  # pragma: no cover - needs a server
    if not PG_SCHEMAS:
        return
    from sqlalchemy import create_engine, text

    base = os.environ["PLEDGETRACK_TEST_DATABASE_URL"].replace(
        "postgresql://", "postgresql+psycopg://", 1
    )
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for schema in PG_SCHEMAS:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def store_rules(url: str) -> None:
    """Store the plan's rule columns, as the first status after an import does, so that
    "first call of a fresh process" is measured on a database in its usual state."""
    from pledgetrack.services.status import status_summary
    from pledgetrack.storage.db import make_engine

    engine = make_engine(url)
    status_summary(engine, on=ON)
    engine.dispose()


def fresh_copy(url: str, workdir: Path) -> str:
    """A throw-away copy of a SQLite database (imports write into it)."""
    source = Path(url.removeprefix("sqlite:///"))
    copy = workdir / f"copy-{uuid.uuid4().hex[:6]}.sqlite"
    shutil.copy(source, copy)
    return f"sqlite:///{copy}"


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    big, report_targets, import_targets = (
        (3000, 3000, 3000) if args.quick else (100_000, 30_000, 30_000)
    )
    months = (7, 8, 9)
    results: dict[str, Any] = {"sizes": {}, "engines": {}}
    print("preparing databases", flush=True)
    province = sqlite_db(workdir, "province", big, 12)
    report_db = sqlite_db(workdir, "report", report_targets, 12)
    plan_db = sqlite_db(workdir, "plan", import_targets, 0)
    csv_path = progress_csv(workdir, import_targets, months)
    with csv_path.open(encoding="utf-8") as handle:
        import_rows = sum(1 for _ in handle) - 1
    results["sizes"] = {
        "province_targets": big,
        "province_months": 12,
        "report_targets": report_targets,
        "import_rows": import_rows,
    }
    engines = {"sqlite": (province, report_db, plan_db)}
    if os.environ.get("PLEDGETRACK_TEST_DATABASE_URL") and not args.sqlite_only:
        engines["postgresql"] = (pg_copy(province), pg_copy(report_db), "")
    for prov, _, _ in engines.values():
        store_rules(prov)
    print("measuring whole processes (start to exit, beside sqlite3)", flush=True)
    results["processes"] = child_processes(province, args.repeat)
    print("measuring pledgetrack serve (memory and CPU per browser session)", flush=True)
    results["serve"] = serve_figures(province, args.quick)
    try:
        for engine_name, (prov, rep, plan) in engines.items():
            print(f"measuring on {engine_name}", flush=True)
            r: dict[str, Any] = {}
            r["status_engine"] = child("status_engine", prov, args.repeat)
            r["status_sql"] = child("status_sql", prov, args.repeat)
            if engine_name == "sqlite":
                r["dashboard"] = child("dashboard", prov, 1)
            r["report_text"] = child("report_text", rep, args.repeat)
            r["report_xlsx"] = child("report_xlsx", rep, 1)
            if plan:
                r["import"] = child("import", fresh_copy(plan, workdir), 1, str(csv_path))
                r["raw_insert"] = child("raw_insert", fresh_copy(plan, workdir), 1, str(csv_path))
            results["engines"][engine_name] = r
            print(json.dumps(r, indent=1), flush=True)
    finally:
        drop_pg_schemas()
        for copy in workdir.glob("copy-*.sqlite*"):
            copy.unlink()
    return results


def table(results: dict[str, Any]) -> str:
    from bench_process import process_table

    lines = [process_table(results["processes"]), ""] if "processes" in results else []
    lines += [
        "| engine | measurement | figure | goal | peak memory |",
        "|---|---|---|---|---|",
    ]
    for engine, r in results["engines"].items():
        se, sq = r["status_engine"], r["status_sql"]
        ratio = se["seconds"] / se["sql_seconds"]
        lines.append(
            f"| {engine} | status of every target ({se['targets']:,}) and item ({se['items']:,}): "
            f"engine {se['seconds']:.3f} s vs hand-written SQL {se['sql_seconds']:.3f} s "
            f"(interleaved, best of each) | **{ratio:.2f}×** | ≤ 1.5× | "
            f"{se['peak_mb']:.0f} MB / {sq['peak_mb']:.0f} MB |"
        )
        lines.append(
            f"| {engine} | the same, first call of a fresh process {se['first_call']:.3f} s "
            f"(hand-written SQL: {sq['first_call']:.3f} s); "
            f"first call after a plan change (rules read from the target table and stored) "
            f"{se['after_change']:.3f} s | **{se['after_change'] / se['sql_seconds']:.2f}×** | | |"
        )
        lines.append(
            f"| {engine} | the completion table (`pledgetrack status`: names, units, "
            f"departments loaded too) | **{se['table_seconds']:.2f} s** "
            f"({se['table_seconds'] / se['sql_seconds']:.2f}×) | | |"
        )
        if "warm_seconds" in se:
            lines.append(
                f"| {engine} | the completion table again, structure already loaded (a TUI "
                f"month step): {se['warm_seconds']:.2f} s | "
                f"**{se['warm_seconds'] / se['sql_seconds']:.2f}×** | ≤ 1.5× | |"
            )
        if "dashboard" in r:
            d = r["dashboard"]
            keys = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in d["keys"].items())
            lines.append(
                f"| {engine} | dashboard: first rows on screen {d['first_rows']:.2f} s; every "
                f"item and the counters ({d['items']:,} items) | **{d['seconds']:.2f} s** "
                f"| < 2 s | {d['peak_mb']:.0f} MB |"
            )
            lines.append(
                f"| {engine} | keys on it (latency to the visible effect; stall = longest the "
                f"UI could not run) | {keys}; stall while loading "
                f"{d['stall_while_loading'] * 1000:.0f} ms | no visible wait | |"
            )
        for name, goal in (("report_text", "< 2 s"), ("report_xlsx", "< 10 s")):
            x = r[name]
            lines.append(
                f"| {engine} | report {name.split('_')[1]} ({x['items']:,} items) | "
                f"**{x['seconds']:.2f} s** | {goal} | {x['peak_mb']:.0f} MB |"
            )
        if "import" in r:
            imp, raw = r["import"], r["raw_insert"]
            lines.append(
                f"| {engine} | progress import {imp['rows']:,} rows: {imp['rate']:,.0f} rows/s vs raw "
                f"executemany {raw['rate']:,.0f} rows/s | **{imp['rate'] / raw['rate']:.2f}** of raw | ≥ 0.5 | "
                f"{imp['peak_mb']:.0f} MB |"
            )
    return "\n".join(lines)


#: Text after this line in docs/PERFORMANCE.md is written by hand and kept by a new run.
NOTES_MARKER = "<!-- written by hand below: scripts/bench.py keeps it -->"


def write_doc(results: dict[str, Any], path: Path) -> None:
    machine = (
        f"{platform.node()} · {platform.machine()} · {os.cpu_count()} cores · "
        f"Python {platform.python_version()} · SQLite {__import__('sqlite3').sqlite_version} · "
        f"{platform.platform()}"
    )
    sizes = results["sizes"]
    text = f"""# Performance

Measured by `python scripts/bench.py` (with `PLEDGETRACK_TEST_DATABASE_URL` set for the
PostgreSQL rows) on {date.today().isoformat()}.

- Machine: {machine}
- Province database: {sizes["province_targets"]:,} targets with {sizes["province_months"]} months of
  readings (about 12 per target, ~1 % corrections, ~2 % months missing), generated by
  `scripts/gen_synthetic.py` (labelled synthetic, seed 20201031).
- Report database: {sizes["report_targets"]:,} targets (~10,000 items), 12 months.
- Import: a progress CSV of {sizes["import_rows"]:,} rows into a plan with no readings, through the
  same path as `pledgetrack import progress` (parse, check every row, store in one transaction
  with the audit trail), against a raw `executemany` of the same rows into the snapshot table.

The first table is what a person waits for: each command as a whole process, from
start to exit (Python's start, the imports, the database check, the work, the output),
the median of 5 runs interleaved with the raw `sqlite3` command that prints the same
figures (scripts/bench_process.py). In the second, times are the best of several runs
inside one process; each measurement runs in its own process and "peak memory" is that
process's maximum resident size. The machine is shared:
compare the ratios within one run rather than absolute times across runs.

{table(results)}

Raw figures (JSON):

```json
{json.dumps(results, indent=1)}
```
"""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if NOTES_MARKER in old:
        text += "\n" + old[old.index(NOTES_MARKER) :]
    path.write_text(text, encoding="utf-8")
    if "serve" in results:  # its own section, among the notes (kept between its marks)
        from bench_serve import write

        write(results["serve"], path)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "_measure":
        name, url, repeat, extra = argv[1], argv[2], int(argv[3]), argv[4] if len(argv) > 4 else ""
        print(json.dumps(measure(name, url, repeat, extra)))
        return 0
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes; do not write the doc")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/pledgetrack-bench"))
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    args = parser.parse_args(argv)
    results = run(args)
    print(table(results))
    if "serve" in results:
        from bench_serve import serve_table

        print(serve_table(results["serve"]))
    if not args.quick:
        write_doc(results, args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
