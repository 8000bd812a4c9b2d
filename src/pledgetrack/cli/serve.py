"""`pledgetrack serve`: the terminal UI in browsers, one app process per browser session
(pledgetrack/web)."""

from __future__ import annotations

from typing import Annotated

import typer

from pledgetrack.cli.app import app, close_opened, database_url, engine_for, fail, state


@app.command("serve")
def serve_cmd(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port (0: any free port).")
    ] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", help="Database URL or SQLite file (as the top-level --db)."),
    ] = None,
    grace: Annotated[
        float,
        typer.Option(
            "--grace",
            min=0.1,
            help="Seconds a closed session's app has to end before SIGTERM, and again "
            "before SIGKILL.",
        ),
    ] = 5.0,
    max_sessions: Annotated[
        int, typer.Option("--max-sessions", min=1, help="Sessions open at once, at most.")
    ] = 100,
) -> None:
    """Serve the terminal UI to browsers at http://HOST:PORT/ (?lang=zh or en): each
    browser tab runs its own app, ended when the tab closes. Put it behind a reverse
    proxy with TLS (README, "Serve to browsers")."""
    from functools import partial

    from pledgetrack.web.command import app_argv

    if db is not None:
        state.db = db
    # The database opens as it will for every session (schema, identity), or exit 2 now
    # rather than in each browser.
    engine_for()
    close_opened()
    url = database_url()
    try:
        from pledgetrack.web.server import PledgeServer
    except ImportError as exc:  # pragma: no cover - an install without textual-serve
        fail(f"serve needs textual-serve ({exc}): pip install -e .")
    server = PledgeServer(
        partial(app_argv, url),
        host=host,
        port=port,
        lang=state.settings.resolved_lang(state.lang),
        grace=grace,
        max_sessions=max_sessions,
    )
    try:
        server.serve()
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
