"""One browser session's app process, from spawn to its certain end.

:class:`AppSession` is textual-serve's ``AppService`` with three things changed, each
where that class falls short of "no orphans":

* **Spawn** (``_open_app_process``): the argv from web/command.py is executed directly
  (textual-serve runs a command string through ``/bin/sh``, whose child it never sees)
  in a process group of its own, so the whole group can be signalled; on Linux the app
  also gets SIGKILL when the server process dies (``PR_SET_PDEATHSIG``), so even a
  ``kill -9`` of the server leaves no app behind.
* **Stop** (``stop``): a stop that comes while the app is being spawned waits for the
  spawn, then ends it (textual-serve would find no process yet and leave it). Then:
  textual-serve sends Textual's ``quit`` and then waits for the app
  to end, however long that takes: an app that ignores it (stuck in a query, a bug)
  would keep its process and its websocket handler forever. Here ``quit`` is followed
  by closing the app's stdin, then SIGTERM to the group after *grace* seconds, then
  SIGKILL after *grace* more. Stopping twice (textual-serve's websocket handler does)
  runs the sequence once; a stop begun cannot be cancelled half-way (it is shielded).
* **End of the app** (``run``): when the app exits by itself without Textual's
  ``exit`` packet (a crash, a refused database at start-up), textual-serve leaves the
  browser's websocket open on a dead app; here the websocket is closed, so the page
  says the session ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import shlex
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from textual_serve.app_service import AppService

log = logging.getLogger("pledgetrack.web")

#: Seconds an app is given to end after ``quit``, and again after SIGTERM.
DEFAULT_GRACE = 5.0

_PR_SET_PDEATHSIG = 1
_libc: Any = None
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError):
        _libc = ctypes.CDLL(None, use_errno=True)


def _die_with_the_server() -> None:  # pragma: no cover - runs in the child, before exec
    """In the forked child: the kernel sends SIGKILL when the server process dies."""
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class AppSession(AppService):
    """The app process of one browser session (one websocket)."""

    def __init__(
        self,
        argv: list[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: Any,
        grace: float = DEFAULT_GRACE,
    ) -> None:
        super().__init__(
            shlex.join(argv),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.argv = argv
        self.grace = grace
        self._stopping: asyncio.Future[None] | None = None
        self._starting: asyncio.Future[None] | None = None

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Any:
        environment = self._build_environment(width=width, height=height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=environment,
            start_new_session=True,
            preexec_fn=_die_with_the_server if _libc is not None else None,
        )
        assert process.stdin is not None
        self._stdin = process.stdin
        log.info("session %s: app pid %d", self.app_service_id[:8], process.pid)
        return process

    async def start(self, width: int, height: int) -> None:
        """Spawn the app, unless the session was stopped first; a stop that comes while
        the process is being spawned waits for it (and then ends it)."""
        if self._stopping is not None:
            return
        self._starting = asyncio.ensure_future(super().start(width, height))
        await asyncio.shield(self._starting)

    async def run(self) -> None:
        await super().run()
        # The app's stdout has ended: the app is gone (or going). Tell the browser.
        with contextlib.suppress(Exception):
            await self.remote_close()

    async def stop(self) -> None:
        """End the app: Textual's quit, then SIGTERM, then SIGKILL, *grace* apart."""
        if self._stopping is None:
            self._stopping = asyncio.ensure_future(self._stop())
        await asyncio.shield(self._stopping)

    async def _stop(self) -> None:
        if self._starting is not None:
            with contextlib.suppress(Exception):
                await self._starting
        process = self._process
        if process is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        if process.returncode is None:
            await self.send_meta({"type": "quit"})
            self._close_stdin()
            if not await self._ends_within(self.grace):
                log.warning("app pid %d ignored quit: SIGTERM", process.pid)
                self._signal_group(signal.SIGTERM)
                if not await self._ends_within(self.grace):
                    log.warning("app pid %d ignored SIGTERM: SIGKILL", process.pid)
                    self._signal_group(signal.SIGKILL)
                    await process.wait()
        task, self._task = self._task, None
        if task is not None:
            # The app's stdout ends with it; a stray holder of the pipe cannot keep us.
            try:
                await asyncio.wait_for(task, self.grace)
            except TimeoutError:
                pass
        log.info(
            "session %s: app pid %d ended (%s)",
            self.app_service_id[:8],
            process.pid,
            process.returncode,
        )

    async def _ends_within(self, seconds: float) -> bool:
        assert self._process is not None
        try:
            await asyncio.wait_for(self._process.wait(), seconds)
        except TimeoutError:
            return False
        return True

    def _close_stdin(self) -> None:
        if self._stdin is not None:
            with contextlib.suppress(Exception):
                self._stdin.close()

    def _signal_group(self, signum: int) -> None:
        """Signal the app's process group (the app and anything it started)."""
        assert self._process is not None
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._process.pid, signum)
