"""`pledgetrack serve`: memory and CPU per browser session, and how many sessions a machine
holds. Called by scripts/bench.py; alone:

    python scripts/bench_serve.py                         # sample database, prints
    python scripts/bench_serve.py --province /work/province.sqlite --write

The server runs as `pledgetrack serve` in a subprocess; sessions are websockets opened by
this script (aiohttp's client, speaking what textual-serve's page speaks: no browser, so
only the server side is measured). For each database:

* **start**: CPU seconds the app process spends until its first screen is drawn and
  it is quiet (QUIET seconds at under 5 % of a core: a big plan goes on loading after
  its first page is drawn), and the wall time to that point (within QUIET seconds);
* **idle**: every session drawn and left alone; each app process's resident memory (RSS)
  and proportional share (PSS: shared pages divided among the processes sharing them),
  and its CPU over IDLE seconds (Textual's timers, the websocket heartbeat);
* **active**: every session typing at once, a figure typed and erased in the entry sheet
  at KEYS_PER_SECOND, with the app's CPU and the server's relay CPU over ACTIVE seconds.

The estimate of sessions per machine is the smaller of memory (the machine's memory less
a reserve, over PSS per idle session) and CPU (the cores at 70 %, over the CPU of a
session when a given share of them types at the same moment). CPU times come from
/proc (utime + stime); the machine is shared, so wall times are noisy, CPU less so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
QUIET = 2.0
IDLE = 20.0
ACTIVE = 20.0
KEYS_PER_SECOND = 5.0
#: The machine the estimate is for (the project's: 2 cores, 24 GiB), and what is kept back.
CORES = 2
MEMORY_GIB = 24
RESERVE_GIB = 2
CPU_USE = 0.7
#: Share of the open sessions typing at the same moment, for the typical estimate.
TYPING_SHARE = 0.2
MARK_BEGIN = "<!-- bench_serve.py: begin -->"
MARK_END = "<!-- bench_serve.py: end -->"


# --- /proc ---------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def memory_mb(pid: int) -> tuple[float, float]:
    """(RSS, PSS) in MB."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    values = {k: int(v) for k, v in re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M)}
    return values["Rss"] / 1024, values["Pss"] / 1024


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        found += [int(c) for c in text.split()]
    return found


# --- a session -------------------------------------------------------------------------------


class Session:
    """One websocket, as the page opens it, counting what the app draws."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.received = 0
        self.last = time.monotonic()
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        import aiohttp

        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.received += len(message.data)
                self.last = time.monotonic()

    async def keys(self, text: str) -> None:
        await self.ws.send_str(json.dumps(["stdin", text]))

    async def drawn(self, timeout: float = 300) -> None:
        """Until the app has drawn something."""
        deadline = time.monotonic() + timeout
        while not self.received:
            if time.monotonic() > deadline:
                raise TimeoutError("the app drew nothing")
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        await self.ws.close()
        self.reader.cancel()


async def settle(sessions: list[Session], server: int, timeout: float = 600) -> float:
    """Until every app has drawn and then, for QUIET seconds, used at most 5 % of a core
    (a worker still loading a big plan may draw nothing for a while; a blinking cursor
    draws forever, for next to no CPU); the monotonic time that quiet window began."""
    for session in sessions:
        await session.drawn(timeout)
    deadline = time.monotonic() + timeout
    while True:
        began = time.monotonic()
        apps = children(server)
        cpu = {pid: cpu_seconds(pid) for pid in apps}
        await asyncio.sleep(QUIET)
        if all(cpu_seconds(pid) - cpu[pid] <= 0.05 * QUIET for pid in apps):
            return began
        if time.monotonic() > deadline:
            raise TimeoutError("the apps did not settle")


async def open_sessions(url: str, n: int, client: Any) -> list[Session]:
    sessions = []
    for _ in range(n):
        ws = await client.ws_connect(f"{url}ws/zh?width=160&height=45", max_msg_size=0)
        await ws.send_str(json.dumps(["focus"]))
        sessions.append(Session(ws))
    return sessions


async def measure_db(db: Path, n: int) -> dict[str, Any]:
    import aiohttp

    server = subprocess.Popen(
        [sys.executable, "-m", "pledgetrack", "--db", str(db), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        url = re.search(r"(http://\S+/)", line)
        if not url:
            raise SystemExit(f"the server did not start: {line!r}")
        base_cpu = cpu_seconds(server.pid)
        async with aiohttp.ClientSession() as client:
            # Start: one session alone, to its first quiet screen.
            began = time.monotonic()
            (first,) = await open_sessions(url.group(1), 1, client)
            start_wall = await settle([first], server.pid) - began
            (app,) = children(server.pid)
            start_cpu = cpu_seconds(app)
            # Idle: the others open too, everything settles, then nothing happens.
            others = await open_sessions(url.group(1), n - 1, client)
            sessions = [first, *others]
            await settle(sessions, server.pid)
            apps = children(server.pid)
            assert len(apps) == n, apps
            memory = [memory_mb(pid) for pid in apps]
            server_memory = memory_mb(server.pid)
            before = {pid: cpu_seconds(pid) for pid in apps}
            server_before = cpu_seconds(server.pid)
            await asyncio.sleep(IDLE)
            idle_cpu = [(cpu_seconds(pid) - before[pid]) / IDLE for pid in apps]
            server_idle = (cpu_seconds(server.pid) - server_before) / IDLE
            # Active: every session opens its entry sheet, then types and erases a figure.
            for session in sessions:
                await session.keys("e")
            await settle(sessions, server.pid)
            before = {pid: cpu_seconds(pid) for pid in apps}
            server_before = cpu_seconds(server.pid)
            received_before = sum(s.received for s in sessions)
            typed = 0
            began = time.monotonic()
            pattern = ["1", "2", "3", "4", "\x7f", "\x7f", "\x7f", "\x7f"]
            while time.monotonic() - began < ACTIVE:
                key = pattern[typed % len(pattern)]
                await asyncio.gather(*(s.keys(key) for s in sessions))
                typed += 1
                await asyncio.sleep(max(0, began + typed / KEYS_PER_SECOND - time.monotonic()))
            active_wall = time.monotonic() - began
            active_cpu = [(cpu_seconds(pid) - before[pid]) / active_wall for pid in apps]
            server_active = (cpu_seconds(server.pid) - server_before) / active_wall
            sent = sum(s.received for s in sessions) - received_before
            active_memory = [memory_mb(pid) for pid in apps]
            for session in sessions:
                await session.close()
        server_cpu_total = cpu_seconds(server.pid) - base_cpu
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    rss = [m[0] for m in memory]
    pss = [m[1] for m in memory]
    return {
        "sessions": n,
        "start_wall_s": start_wall,
        "start_cpu_s": start_cpu,
        "idle_rss_mb": sum(rss) / n,
        "idle_pss_mb": sum(pss) / n,
        "active_rss_mb": sum(m[0] for m in active_memory) / n,
        "idle_cpu": sum(idle_cpu) / n,
        "server_idle_cpu_per_session": server_idle / n,
        "active_cpu": sum(active_cpu) / n,
        "server_active_cpu_per_session": server_active / n,
        "keys_per_second": KEYS_PER_SECOND,
        "bytes_per_key": sent / max(1, typed * n),
        "server_rss_mb": server_memory[0],
        "server_cpu_s": server_cpu_total,
    }


def estimate(r: dict[str, Any]) -> dict[str, int]:
    memory = int((MEMORY_GIB - RESERVE_GIB) * 1024 / r["idle_pss_mb"])
    per_typing = r["active_cpu"] + r["server_active_cpu_per_session"]
    per_idle = r["idle_cpu"] + r["server_idle_cpu_per_session"]
    typical = TYPING_SHARE * per_typing + (1 - TYPING_SHARE) * per_idle
    budget = CORES * CPU_USE
    return {
        "by_memory": memory,
        "by_cpu_all_typing": int(budget / per_typing),
        "by_cpu_typical": int(budget / typical),
        "sessions": min(memory, int(budget / typical)),
    }


def run(sample: Path, province: Path | None, n: int, n_province: int) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    results: dict[str, Any] = {}
    try:
        dbs = {"sample (36 items)": (sample, n)}
        if province is not None:
            dbs["province (100,000 targets)"] = (province, n_province)
        for name, (path, sessions) in dbs.items():
            copy = work / path.name
            shutil.copy(path, copy)
            print(f"serve: {name}, {sessions} sessions …", file=sys.stderr, flush=True)
            results[name] = asyncio.run(measure_db(copy, sessions))
            results[name]["estimate"] = estimate(results[name])
            copy.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def serve_table(results: dict[str, Any]) -> str:
    lines = [
        f"| database | start of a session (wall / CPU) | idle session: RSS / PSS, CPU | "
        f"typing session ({KEYS_PER_SECOND:g} keys/s): app CPU + server relay | "
        f"sessions on {CORES} cores, {MEMORY_GIB} GiB |",
        "|---|---|---|---|---|",
    ]
    for name, r in results.items():
        e = r["estimate"]
        lines.append(
            f"| {name} | {r['start_wall_s']:.1f} s / {r['start_cpu_s']:.2f} s | "
            f"{r['idle_rss_mb']:.0f} MB / **{r['idle_pss_mb']:.0f} MB**, "
            f"{r['idle_cpu'] * 100:.2f} % of a core | "
            f"**{r['active_cpu'] * 100:.1f} %** + {r['server_active_cpu_per_session'] * 100:.2f} % "
            f"of a core ({r['bytes_per_key'] / 1024:.1f} KiB drawn per key) | "
            f"memory {e['by_memory']}; CPU {e['by_cpu_all_typing']} all typing at once, "
            f"{e['by_cpu_typical']} with {TYPING_SHARE:.0%} typing: **{e['sessions']}** |"
        )
    return "\n".join(lines)


def section(results: dict[str, Any]) -> str:
    counts = ", ".join(f"{r['sessions']} on the {name.split()[0]}" for name, r in results.items())
    return f"""{MARK_BEGIN}
### `pledgetrack serve`: sessions per machine (scripts/bench_serve.py, {time.strftime("%Y-%m-%d")})

Sessions open at once: {counts} database; each a websocket as the browser page opens it, 160×45 cells; the
figures are per session (means). Start: CPU of the app process until its first screen is
drawn and quiet. Idle: the dashboard drawn, nothing typed, over {IDLE:g} s. Typing: every
session in its entry sheet typing and erasing a figure at {KEYS_PER_SECOND:g} keys/s (faster than a
clerk), over {ACTIVE:g} s. Sessions per machine: the smaller of memory ({MEMORY_GIB} GiB less
{RESERVE_GIB} GiB, over PSS per idle session) and CPU ({CORES} cores at {CPU_USE:.0%}, over the CPU of a
session when {TYPING_SHARE:.0%} of them type at the same moment; "all typing" is the worst case).

{serve_table(results)}

```json
{json.dumps(results, indent=1)}
```
{MARK_END}"""


def write(results: dict[str, Any], path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    new = section(results)
    if MARK_BEGIN in text:
        head, rest = text.split(MARK_BEGIN, 1)
        text = head + new + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + new + "\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--sample", type=Path, default=ROOT / "data" / "pledges.sqlite")
    parser.add_argument("--province", type=Path, help="a province-scale SQLite database too")
    parser.add_argument("--province-sessions", type=int, default=4)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    parser.add_argument(
        "--write", action="store_true", help="put the figures into docs/PERFORMANCE.md"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "PERFORMANCE.md")
    args = parser.parse_args(argv)
    results = run(args.sample, args.province, args.sessions, args.province_sessions)
    if args.json:
        print(json.dumps(results))
        return 0
    print(serve_table(results))
    if args.write:
        write(results, args.out)
        print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
