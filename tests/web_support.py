"""Helpers of the `pledgetrack serve` tests: a served database in a subprocess, the
processes it runs (/proc), a deadline to wait on state, and a headless Chromium
(Playwright on the system's binary, never a downloaded one) that reads the terminal."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    # Nothing leaves the machine, whatever the page asked for.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
]

T = TypeVar("T")


def _playwright_missing() -> str | None:
    if CHROMIUM is None:
        return "no chromium binary (apt-get install chromium fonts-noto-cjk; .ci/run installs it)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no playwright package (pip install -e '.[test]')"
    return None


_missing = _playwright_missing()


def needs_chromium(test):  # type: ignore[no-untyped-def]
    """Drives headless Chromium: skipped without it (saying why), and slow."""
    return pytest.mark.slow(pytest.mark.skipif(_missing is not None, reason=_missing or "")(test))


def wait_until(probe: Callable[[], T], what: str, timeout: float = 60.0, every: float = 0.05) -> T:
    """Poll *probe* until it returns something true; fail naming *what* after *timeout*
    seconds (a deadline, not a pause: it returns as soon as the state is there)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f}s for {what}; last: {value!r}")
        time.sleep(every)


def children(pid: int) -> set[int]:
    """The live child processes of *pid* (Linux /proc), zombies excluded."""
    found: set[int] = set()
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except (FileNotFoundError, ProcessLookupError):
            continue
        for child in text.split():
            try:
                state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            if state != "Z":
                found.add(int(child))
    return found


class Served:
    """``pledgetrack --db DB [--lang L] serve --port 0`` in a subprocess."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url

    @property
    def pid(self) -> int:
        return self.process.pid

    def apps(self) -> set[int]:
        """The app processes the server runs now (one per open session)."""
        return children(self.pid)


@contextmanager
def served(db: Path | str, *args: str, lang: str | None = None) -> Iterator[Served]:
    """Serve *db* on a free port; on leaving, SIGTERM and wait for the server to end
    (it ends its sessions first)."""
    argv = [sys.executable, "-m", "pledgetrack", "--db", str(db)]
    if lang:
        argv += ["--lang", lang]
    argv += ["serve", "--host", "127.0.0.1", "--port", "0", *args]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    try:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            match = re.search(r"serving on (http://\S+/)", line)
            if match:
                break
        else:
            raise AssertionError("the server did not start:\n" + "".join(lines))
        # Keep draining its log so that it never blocks on a full pipe.
        _drain(process)
        yield Served(process, match.group(1))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
            process.kill()
            raise


def _drain(process: subprocess.Popen[str]) -> None:
    import threading

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stderr.write("server: " + line)

    threading.Thread(target=read, daemon=True).start()


# --- the browser ------------------------------------------------------------------------

#: A test-only hook, added to textual-serve's script as the browser loads it (the served
#: file is not changed): the page's xterm.js terminal as ``#terminal.xterm``, so that the
#: test reads what the browser's terminal holds. textual-serve is pinned exactly; a new
#: version without this spot fails here, loudly.
HOOK = ("this.terminal.open(e),", "this.terminal.open(e),e.xterm=this.terminal,")

SCREEN_JS = """() => {
  const el = document.getElementById('terminal'), t = el && el.xterm;
  if (!t) return null;
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) rows.push(b.getLine(b.viewportY + y).translateToString(true));
  return rows.join('\\n');
}"""


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (the system's binary) under Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def hook_terminal(page: Any) -> None:
    """Expose the page's terminal to :func:`screen` (see HOOK)."""

    def patch(route: Any) -> None:
        response = route.fetch()
        body = response.text()
        assert body.count(HOOK[0]) == 1, "textual.js changed: the test hook does not fit"
        route.fulfill(response=response, body=body.replace(*HOOK))

    page.route("**/static/js/textual.js", patch)


def screen(page: Any) -> str:
    """The text on the page's terminal now, one line per row ("" while it loads)."""
    from playwright.sync_api import Error

    try:
        return page.evaluate(SCREEN_JS) or ""
    except Error:  # navigating: the page's context is gone for a moment
        return ""


def wait_for_text(page: Any, *texts: str, timeout: float = 60.0) -> str:
    """Wait until the terminal shows every one of *texts*; the screen then."""
    last = [""]

    def probe() -> str:
        last[0] = screen(page)
        return last[0] if all(t in last[0] for t in texts) else ""

    try:
        return wait_until(probe, f"{texts} on the screen", timeout, every=0.1)
    except AssertionError:
        raise AssertionError(f"{texts} not on the screen:\n{last[0]}") from None


def row_with(page: Any, text: str) -> str:
    """The terminal row holding *text* ("" if none)."""
    return next((line for line in screen(page).splitlines() if text in line), "")
