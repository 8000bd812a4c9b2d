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


#: numpy's OpenBLAS starts a thread per core when numpy is imported: about 0.05 s of CPU
#: of every command that evaluates a plan (issue 15), for linear algebra pledgetrack
#: never does. One thread, unless the environment says otherwise.
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}


def main() -> None:
    """Console-script entry point (pledgetrack.entry's, which registers only the invoked
    command's module, calls it)."""
    import os

    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    app()
