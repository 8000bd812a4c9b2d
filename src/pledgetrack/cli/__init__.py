"""Command line (Typer). With no sub-command, `pledgetrack` opens the terminal UI.

``app`` (cli/app.py) holds the global options and the helpers every command shares;
each command group is a module that registers its commands on it when imported,
below in the order ``--help`` lists them; cli/render.py shapes what they print.
"""

from __future__ import annotations

import os

from pledgetrack.cli.app import app

# isort: off
from pledgetrack.cli import db, status, report, progress  # noqa: F401  (register commands)
from pledgetrack.cli import backup, users, review, audit, remind  # noqa: F401
from pledgetrack.cli import serve, forecast, evidence, breakdown  # noqa: F401
# isort: on

__all__ = ["app", "main"]


#: numpy's OpenBLAS starts a thread per core when numpy is imported: about 0.05 s of CPU
#: of every command that evaluates a plan (issue 15), for linear algebra pledgetrack
#: never does. One thread, unless the environment says otherwise.
BLAS_THREADS = {"OPENBLAS_NUM_THREADS": "1"}


def main() -> None:
    """Console-script entry point."""
    for name, value in BLAS_THREADS.items():
        os.environ.setdefault(name, value)
    app()
