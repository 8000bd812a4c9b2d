"""Command line (Typer). With no sub-command, `pledgetrack` opens the terminal UI.

``app`` (cli/app.py) holds the global options and the helpers every command shares;
each command group is a module that registers its commands on it when imported, in the
order ``--help`` lists them (:data:`MODULES`); cli/render.py shapes what they print.
Imported by the ``pledgetrack`` command (pledgetrack.entry) only the invoked command's
module is registered.
"""

from __future__ import annotations

import sys
from importlib import import_module

from pledgetrack.cli.app import app

#: The command modules, in the order ``--help`` lists their commands.
MODULES = (
    "db", "status", "report", "progress", "backup", "users", "review", "audit", "remind",
    "serve", "forecast", "evidence", "breakdown",
)  # fmt: skip


def _register() -> None:
    entry = sys.modules.get("pledgetrack.entry")
    only = getattr(entry, "ONLY", None)
    for name in (only,) if only in MODULES else MODULES:
        import_module(f"pledgetrack.cli.{name}")


_register()

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point (every command registered: see pledgetrack.entry)."""
    import os

    from pledgetrack.entry import BLAS_THREADS

    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    app()
