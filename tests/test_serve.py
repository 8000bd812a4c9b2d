"""`pledgetrack serve` without a browser: the app's command line, the command's refusals,
the page and its assets, and the life of every session's app process (no orphans), with
the server in this process and websockets from aiohttp's client."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from typer.testing import CliRunner

from pledgetrack.cli import app as cli
from pledgetrack.config import sqlite_url
from pledgetrack.web.command import app_argv
from pledgetrack.web.server import PledgeServer
from pledgetrack.web.session import AppSession
from tests.web_support import children, wait_until

DATA = Path(__file__).resolve().parents[1] / "data"

# Stand-ins for the app, each speaking as much of Textual's web protocol as it needs.
#: Announces itself, then ignores quit, stdin's end and SIGTERM: only SIGKILL ends it.
STUCK = (
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush()\n"
    "while True: time.sleep(1)\n"
)
#: Announces itself and dies at once, without Textual's exit packet (a crash).
CRASH = "import sys; sys.stdout.write('__GANGLION__\\n'); sys.stdout.flush(); sys.exit(3)"
#: A real (small) Textual app under Textual's web driver.
HELLO = (
    "from textual.app import App\n"
    "from textual.widgets import Label\n"
    "class Hello(App):\n"
    "    def compose(self):\n"
    "        yield Label('hello')\n"
    "Hello().run()\n"
)


def python(code: str) -> Callable[[str], list[str]]:
    return lambda lang: [sys.executable, "-c", code]


# --- the command line -------------------------------------------------------------------


def test_the_app_command_line_is_the_tui_behind_its_login_on_the_database_in_the_language() -> None:
    assert app_argv("sqlite:////x.sqlite") == [
        sys.executable,
        "-m",
        "pledgetrack",
        "--db",
        "sqlite:////x.sqlite",
        "--login",
    ]
    assert app_argv("sqlite:////x.sqlite", "en")[-2:] == ["--lang", "en"]
    with pytest.raises(ValueError, match="'fr' is not one of zh, en"):
        app_argv("sqlite:////x.sqlite", "fr")


def test_serve_is_listed_with_its_options() -> None:
    out = CliRunner().invoke(cli, ["serve", "--help"], terminal_width=120).output
    for option in ("--host", "--port", "--db", "--grace", "--max-sessions"):
        assert option in out


def test_serve_refuses_a_database_that_does_not_open(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.txt"
    not_a_db.write_text("not a database\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["serve", "--db", str(not_a_db), "--port", "0"])
    assert result.exit_code == 2
    assert "notes.txt" in result.output


def test_serve_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "65535" in result.output


# --- an in-process server ---------------------------------------------------------------


@asynccontextmanager
async def running(
    argv_for: Callable[[str], list[str]], **options: float
) -> AsyncIterator[PledgeServer]:
    server = PledgeServer(argv_for, host="127.0.0.1", port=0, **options)  # type: ignore[arg-type]
    runner = await server.start()
    try:
        yield server
    finally:
        await runner.cleanup()


def base(server: PledgeServer) -> str:
    assert server.address is not None
    return f"http://127.0.0.1:{server.address[1]}"


async def until(probe: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Wait (without blocking the server in this loop) until *probe* is true."""
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f}s for {what}")
        await asyncio.sleep(0.02)


def ours() -> set[int]:
    return children(os.getpid())


@pytest.fixture
def db_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "pledges.sqlite"
    shutil.copy(DATA / "pledges.sqlite", copy)
    return copy


async def test_the_page_loads_nothing_from_another_host() -> None:
    async with running(python(HELLO)) as server, aiohttp.ClientSession() as client:
        for lang, words in (("zh", "会话已结束"), ("en", "The session has ended")):
            async with client.get(f"{base(server)}/?lang={lang}") as response:
                assert response.status == 200
                page = await response.text()
                policy = response.headers["Content-Security-Policy"]
            assert words in page
            assert f'data-websocket-path="ws/{lang}"' in page
            # Every address in the page is relative (this server) or data:.
            addresses = re.findall(r'(?:src|href)="([^"]*)"|url\("([^"]*)"\)', page)
            found = [a or b for a, b in addresses]
            assert found and all(
                not re.match(r"[a-z]+:", a) or a.startswith("data:") for a in found
            )
            assert "googleapis" not in page and "//" not in "".join(found)
            assert "default-src 'self'" in policy and "font-src 'self'" in policy
        # An unknown language is the default one, not an error.
        async with client.get(f"{base(server)}/?lang=fr") as response:
            assert 'data-websocket-path="ws/zh"' in await response.text()


async def test_the_terminal_script_css_and_fonts_are_served() -> None:
    async with running(python(HELLO)) as server, aiohttp.ClientSession() as client:
        for path, kind in (
            ("static/js/textual.js", "javascript"),
            ("static/css/xterm.css", "css"),
            ("static/fonts/RobotoMono-VariableFont_wght.ttf", "font"),
        ):
            async with client.get(f"{base(server)}/{path}") as response:
                assert response.status == 200, path
                assert kind in response.headers["Content-Type"] or kind == "font"
                assert len(await response.read()) > 1000
        async with client.get(f"{base(server)}/ws/fr") as response:
            assert response.status == 404


@pytest.mark.slow
async def test_closing_the_tab_ends_the_app(db_copy: Path) -> None:
    before = ours()
    async with running(lambda lang: app_argv(sqlite_url(db_copy), lang)) as server:
        async with aiohttp.ClientSession() as client:
            ws = await client.ws_connect(f"{base(server)}/ws/en?width=120&height=40")
            drawn = await ws.receive_bytes(timeout=60)  # the app draws
            assert drawn
            (session,) = server.sessions
            assert session.pid in ours() - before
            await ws.close()
            await until(lambda: not server.sessions, "the session to end")
        assert ours() == before
        assert session._process is not None and session._process.returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("how", ["close", "drop"])
async def test_a_tab_gone_within_the_first_second_ends_the_app(db_copy: Path, how: str) -> None:
    """The browser goes before the app has even started (Python still importing)."""
    before = ours()
    async with running(lambda lang: app_argv(sqlite_url(db_copy), lang), grace=30) as server:
        if how == "close":
            async with aiohttp.ClientSession() as client:
                ws = await client.ws_connect(f"{base(server)}/ws/zh")
                await until(lambda: server.sessions, "the session")
                (session,) = server.sessions
                await ws.close()
        else:
            await asyncio.to_thread(drop_connection, server)
            await until(lambda: server.sessions, "the session")
            (session,) = server.sessions
        await until(lambda: not server.sessions, "the session to end")
        # Ended by Textual's quit, not by a signal: the grace (30 s) never ran out.
        assert session._process is not None and session._process.returncode == 0
        assert ours() == before


def raw_websocket(port: int) -> socket.socket:
    """A websocket opened by hand (the handshake only): a browser tab, as far as the
    server can tell."""
    raw = socket.create_connection(("127.0.0.1", port), timeout=10)
    raw.sendall(
        (
            f"GET /ws/zh HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    assert raw.recv(1024).startswith(b"HTTP/1.1 101")
    return raw


def drop_connection(server: PledgeServer) -> None:
    """Open a websocket by hand and vanish without a closing handshake (a network cut)."""
    assert server.address is not None
    with raw_websocket(server.address[1]) as raw:
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")


async def test_a_tab_that_goes_silent_is_ended_by_the_heartbeat() -> None:
    """A network cut: the socket stays open but nothing answers the server's pings."""
    before = ours()
    async with running(python(STUCK), grace=0.2, heartbeat=0.5) as server:
        assert server.address is not None
        raw = await asyncio.to_thread(raw_websocket, server.address[1])
        try:
            await until(lambda: server.sessions, "the session")
            await until(lambda: not server.sessions, "the heartbeat to end the session")
            assert ours() == before
        finally:
            raw.close()


async def test_a_stuck_app_is_killed_after_the_grace() -> None:
    before = ours()
    async with running(python(STUCK), grace=0.3) as server:
        async with aiohttp.ClientSession() as client:
            ws = await client.ws_connect(f"{base(server)}/ws/zh")
            await until(lambda: server.sessions, "the session")
            (session,) = server.sessions
            await until(lambda: session.pid in ours(), "the app process")
            await ws.close()
            await until(lambda: not server.sessions, "the stuck app to be killed")
        assert session._process is not None
        assert session._process.returncode == -signal.SIGKILL
        assert ours() == before


async def test_an_app_that_dies_closes_the_page() -> None:
    async with running(python(CRASH)) as server, aiohttp.ClientSession() as client:
        ws = await client.ws_connect(f"{base(server)}/ws/zh")
        message = await ws.receive(timeout=60)
        assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        await until(lambda: not server.sessions, "the session to end")


async def test_sessions_above_the_limit_are_refused() -> None:
    async with running(python(STUCK), grace=0.2, max_sessions=2) as server:
        async with aiohttp.ClientSession() as client:
            first = await client.ws_connect(f"{base(server)}/ws/zh")
            second = await client.ws_connect(f"{base(server)}/ws/zh")
            await until(lambda: len(server.sessions) == 2, "two sessions")
            third = await client.ws_connect(f"{base(server)}/ws/zh")
            message = await third.receive(timeout=30)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1013
            assert len(server.sessions) == 2
            await first.close()
            await second.close()
            await until(lambda: not server.sessions, "the sessions to end")


async def test_stopping_the_server_ends_every_session() -> None:
    before = ours()
    async with aiohttp.ClientSession() as client:
        async with running(python(STUCK), grace=0.2) as server:
            sockets = [await client.ws_connect(f"{base(server)}/ws/en") for _ in range(3)]
            await until(lambda: len(ours() - before) == 3, "three app processes")
        assert ours() == before
        for ws in sockets:
            await ws.close()


@pytest.mark.slow
async def test_fifty_sessions_opening_and_closing_leave_no_process() -> None:
    """50 sessions of a real Textual app, ten at a time, closed at every point of their
    life (at once, dropped, after the first screen): the server's processes never
    exceed its open sessions, and none is left."""
    before = ours()
    most = 0
    async with running(python(HELLO), grace=5) as server:

        def count() -> int:
            nonlocal most
            extra = len(ours() - before)
            most = max(most, extra)
            assert extra <= len(server.sessions), "an app process without a session"
            return extra

        async def one(n: int, client: aiohttp.ClientSession) -> None:
            if n % 5 == 1:
                await asyncio.to_thread(drop_connection, server)
                return
            ws = await client.ws_connect(f"{base(server)}/ws/zh")
            if n % 5 in (2, 3):
                await ws.receive_bytes(timeout=120)  # the first screen
            count()
            await ws.close()

        async with aiohttp.ClientSession() as client:
            for wave in range(5):
                await asyncio.gather(*(one(wave * 10 + i, client) for i in range(10)))
                count()
        await until(lambda: not server.sessions and count() == 0, "every session to end", 120)
    # Never more than the sessions open: one wave, plus the last wave's apps still ending.
    assert 0 < most <= 20
    assert ours() == before


def test_a_session_is_stopped_once_however_often_it_is_asked() -> None:
    async def scenario() -> int:
        calls = 0

        async def noop(*_: object) -> None:
            return None

        session = AppSession(
            [sys.executable, "-c", STUCK],
            write_bytes=noop,
            write_str=noop,
            close=noop,
            download_manager=PledgeServer(python(STUCK)).download_manager,
            grace=0.2,
        )
        original = session._signal_group

        def counted(signum: int) -> None:
            nonlocal calls
            if signum == signal.SIGKILL:
                calls += 1
            original(signum)

        session._signal_group = counted  # type: ignore[method-assign]
        await session.start(80, 24)
        await asyncio.gather(session.stop(), session.stop(), session.stop())
        return calls

    assert asyncio.run(scenario()) == 1


def test_an_app_dies_with_a_server_killed_outright() -> None:
    """kill -9 of the server leaves no app behind, even one that ignores everything but
    SIGKILL (Linux: the kernel sends it when the server dies, PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_PDEATHSIG is Linux's")
    code = (
        "import asyncio, sys\n"
        "from pledgetrack.web.server import PledgeServer\n"
        f"app = [sys.executable, '-c', {STUCK!r}]\n"
        "asyncio.run(PledgeServer(lambda lang: app, port=0).run())\n"
    )
    server = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))  # type: ignore[union-attr]
        with raw_websocket(port):
            (app,) = wait_until(lambda: children(server.pid), "the app process")
            server.kill()
            server.wait(timeout=30)
            wait_until(lambda: gone(app), "the app to die with the server")
    finally:
        if server.poll() is None:
            server.kill()


def gone(pid: int) -> bool:
    """No such process any more (or only its zombie, waiting for init to reap it)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True
