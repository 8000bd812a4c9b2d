"""The command line of the app process a browser session runs: built here, and only here.

The server (web/server.py) spawns one process per browser session with the argv this
module builds; options every session needs (the login screen of issue 16 is one) are
added in :func:`app_argv` and nowhere else.
"""

from __future__ import annotations

import sys

LANGS = ("zh", "en")


def app_argv(db_url: str, lang: str | None = None) -> list[str]:
    """``python -m pledgetrack --db URL --login [--lang L]``: the terminal UI behind its
    login screen (every browser session starts there and acts as the person who logs in,
    never as the server's account), with this interpreter (the server's virtual
    environment)."""
    argv = [sys.executable, "-m", "pledgetrack", "--db", db_url, "--login"]
    if lang is not None:
        if lang not in LANGS:
            raise ValueError(f"lang: {lang!r} is not one of {', '.join(LANGS)}")
        argv += ["--lang", lang]
    return argv
