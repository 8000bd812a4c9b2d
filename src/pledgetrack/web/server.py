"""``pledgetrack serve``: the terminal UI in a browser, one app process per session.

:class:`PledgeServer` is textual-serve's ``Server`` (aiohttp) with these changes:

* **Its own page** (web/templates/index.html): textual-serve's page loads its font from
  Google Fonts; this one loads nothing from any other host. The terminal script, its
  CSS and the Roboto Mono font files are textual-serve's own static files, served from
  the installed package; Chinese is drawn with the system's CJK fonts (the page names
  them after Roboto Mono). All URLs in the page are relative and the websocket URL is
  made from the page's own address, so the page works behind a reverse proxy, with
  TLS, under any host name (textual-serve writes ``public_url`` into the page).
* **Sessions** (``handle_websocket``): each websocket gets an :class:`~.session.AppSession`
  (spawn in a process group, quit → SIGTERM → SIGKILL, see web/session.py); the
  server keeps them in a set, refuses sessions above *max_sessions*, and ends them all
  when it stops (``on_shutdown``). ``/ws/zh`` and ``/ws/en`` choose the language.
* **Serving** (``serve``): binds (port 0 picks a free port), prints the address, ends
  on SIGINT or SIGTERM after the sessions have ended.
"""

from __future__ import annotations

import asyncio
import logging
import re
import shlex
import signal
from collections.abc import Callable
from pathlib import Path

import aiohttp_jinja2
import jinja2
import textual_serve
from aiohttp import web
from textual_serve.server import Server, to_int

from pledgetrack.i18n import t
from pledgetrack.web.command import LANGS
from pledgetrack.web.session import DEFAULT_GRACE, AppSession

log = logging.getLogger("pledgetrack.web")

TEMPLATES = Path(__file__).parent / "templates"
#: textual-serve's terminal script, CSS and fonts, as installed with it.
STATIC = Path(textual_serve.__file__).parent / "static"
#: aiohttp's websocket heartbeat (seconds): a browser that vanished without closing
#: (network cut, laptop lid) is noticed after about 1.5 times this.
HEARTBEAT = 15.0
DEFAULT_MAX_SESSIONS = 100


def content_policy(host: str) -> str:
    """The page's Content-Security-Policy: scripts, styles, fonts and the websocket from
    this server only (older browsers need the websocket's host named)."""
    sockets = f" ws://{host} wss://{host}" if re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", host) else ""
    return (
        "default-src 'self'; script-src 'self' 'unsafe-inline'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self'{sockets}; base-uri 'none'; form-action 'none'; "
        "frame-ancestors 'self'"
    )


class PledgeServer(Server):
    """Serves the app built by *argv_for(lang)* to browsers, one process per websocket."""

    def __init__(
        self,
        argv_for: Callable[[str], list[str]],
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        lang: str = "zh",
        grace: float = DEFAULT_GRACE,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        heartbeat: float = HEARTBEAT,
    ) -> None:
        super().__init__(
            shlex.join(argv_for(lang)),
            host=host,
            port=port,
            title="pledgetrack",
            statics_path=STATIC,
            templates_path=TEMPLATES,
        )
        self.argv_for = argv_for
        self.lang = lang
        self.grace = grace
        self.max_sessions = max_sessions
        self.heartbeat = heartbeat
        self.sessions: set[AppSession] = set()
        #: The address the server listens on, once it does (port 0: the one it got).
        self.address: tuple[str, int] | None = None

    # --- the aiohttp application -------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application()
        aiohttp_jinja2.setup(
            app, loader=jinja2.FileSystemLoader(self.templates_path), autoescape=True
        )
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws/{lang}", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                web.static("/static", self.statics_path, name="static"),
            ]
        )
        app.on_shutdown.append(self.on_shutdown)
        return app

    def page_lang(self, request: web.Request) -> str:
        lang = request.query.get("lang", self.lang)
        return lang if lang in LANGS else self.lang

    async def handle_index(self, request: web.Request) -> web.Response:
        lang = self.page_lang(request)
        context = {
            "lang": lang,
            "html_lang": "zh-CN" if lang == "zh" else "en",
            "title": t("web.title", lang),
            "starting": t("web.starting", lang),
            "ended": t("web.ended", lang),
            "restart": t("web.restart", lang),
            "font_size": max(8, min(to_int(request.query.get("fontsize", "16"), 16), 40)),
            "websocket_path": f"ws/{lang}",
        }
        response = aiohttp_jinja2.render_template("index.html", request, context)
        response.headers["Cache-Control"] = "no-store"
        # Belt and braces for "offline": the browser itself refuses anything from
        # another host, whatever a future script version might try.
        response.headers["Content-Security-Policy"] = content_policy(request.host)
        return response

    # --- sessions ----------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: an app process for as long as its websocket lives."""
        lang = request.match_info["lang"]
        websocket = web.WebSocketResponse(heartbeat=self.heartbeat)
        if lang not in LANGS:
            raise web.HTTPNotFound(text=f"no language {lang!r}")
        await websocket.prepare(request)
        if len(self.sessions) >= self.max_sessions:
            log.warning("refused a session: %d sessions open", len(self.sessions))
            await websocket.close(code=1013, message=b"too many sessions")
            return websocket
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)

        async def close() -> None:
            await websocket.close()

        session = AppSession(
            self.argv_for(lang),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
            grace=self.grace,
        )
        self.sessions.add(session)
        try:
            await session.start(width, height)
            await self._process_messages(websocket, session)
        except (ConnectionError, asyncio.CancelledError):
            pass
        except Exception:
            log.exception("session %s", session.app_service_id[:8])
        finally:
            try:
                await session.stop()
            finally:
                self.sessions.discard(session)
                if not websocket.closed:
                    await websocket.close()
        return websocket

    async def on_shutdown(self, app: web.Application) -> None:
        """The server stops: end every session's app (concurrently, each with its grace)."""
        if self.sessions:
            log.info("stopping %d sessions", len(self.sessions))
            await asyncio.gather(*(s.stop() for s in list(self.sessions)), return_exceptions=True)

    # --- running -----------------------------------------------------------------------

    def initialize_logging(self) -> None:
        logging.basicConfig(
            level=logging.DEBUG if self.debug else logging.INFO,
            format="%(asctime)s %(name)s %(levelname)s %(message)s",
        )
        logging.getLogger("aiohttp.access").setLevel(logging.WARNING)

    def serve(self, debug: bool = False) -> None:
        """Serve until SIGINT or SIGTERM; then end every session and return."""
        self.debug = debug
        self.initialize_logging()
        asyncio.run(self.run())

    async def run(self) -> None:
        runner = await self.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        host, port = self.address or ("", 0)
        shown = f"[{host}]" if ":" in host else host
        print(f"pledgetrack: serving on http://{shown}:{port}/ (Ctrl+C to stop)", flush=True)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()

    async def start(self) -> web.AppRunner:
        """Listen (in the running event loop); ``runner.cleanup()`` stops."""
        runner = web.AppRunner(
            await self._make_app(),
            handle_signals=False,
            access_log=None,
            shutdown_timeout=self.grace * 3,
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self.address = runner.addresses[0][:2]
        return runner
