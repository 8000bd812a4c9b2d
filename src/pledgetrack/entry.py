"""The ``pledgetrack`` command's entry point: imports only the invoked command's module.

`pledgetrack.cli` registers every command group on the Typer app by importing its module
(13 modules, about 0.03 s of CPU, issue 15). A command run from the console needs only
its own: :func:`main` notes it (:data:`ONLY`) before `pledgetrack.cli` is imported, which
then registers that module alone. ``--help``, no command (the TUI), an unknown command
or anything this reading of the arguments does not know registers them all, as
importing `pledgetrack.cli` elsewhere (the tests, a script) always does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

#: Each command (or command group) and the module of pledgetrack.cli that registers it.
#: tests/test_startup.py holds it equal to what the modules register.
COMMAND_MODULES = {
    "db": "db",
    "status": "status",
    "report": "report",
    "record": "progress",
    "import": "progress",
    "export": "progress",
    "backup": "backup",
    "restore": "backup",
    "user": "users",
    "review": "review",
    "audit": "audit",
    "remind": "remind",
    "serve": "serve",
    "forecast": "forecast",
    "evidence": "evidence",
    "breakdown": "breakdown",
}
#: The global options that take a value (cli.app.main_callback).
VALUE_OPTIONS = ("--db", "--lang", "--user")
#: The global options that take none.
FLAG_OPTIONS = ("--login",)

#: The module to register alone (None: every module). Read by pledgetrack.cli.
ONLY: str | None = None


def command_module(args: Sequence[str]) -> str | None:
    """The module registering the command *args* invoke, or None when the arguments
    name no known command after the global options (or give an option this does not
    know, such as ``--help``)."""
    at = 0
    while at < len(args):
        arg = args[at]
        if arg in VALUE_OPTIONS:
            at += 2
        elif arg in FLAG_OPTIONS or arg.split("=", 1)[0] in VALUE_OPTIONS:
            at += 1
        elif arg.startswith("-"):
            return None
        else:
            return COMMAND_MODULES.get(arg)
    return None


def main() -> None:
    """Console-script entry point: :func:`pledgetrack.cli.main` with the invoked
    command's module alone registered."""
    global ONLY
    if "pledgetrack.cli" not in sys.modules:
        ONLY = command_module(sys.argv[1:])
    from pledgetrack.cli import main as run

    run()
