"""Who runs the program, and when they may act for someone else: the parts of
services.access that need no database layer, so that a command reading a SQLite file
with the standard library alone (`status`) resolves the person as every other command
does."""

from __future__ import annotations

import os
from collections.abc import Sequence


class PermissionDenied(Exception):
    """A write the actor may not make; the message says why and whom to ask.

    *reason* names the rule for a front end that words it in the person's language
    (``not_user``, ``deactivated``, ``not_reviewer``; entering figures: ``supervisor``,
    ``no_department``, ``other_department``; "" where none does yet), *facts* what the
    wording names (login, admins, department, own, keys …)."""

    def __init__(self, message: str, *, reason: str = "", **facts: object) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.facts = facts


def os_account() -> str:
    """The OS account this process runs as: its real uid's name (environment variables
    such as LOGNAME or USER are not asked; anyone can set them)."""
    if os.name == "nt":  # pragma: no cover - Windows asks the system, not %USERNAME%
        import ctypes

        size = ctypes.c_ulong(257)
        buffer = ctypes.create_unicode_buffer(size.value)
        if ctypes.windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):  # type: ignore[attr-defined]
            return buffer.value
        raise PermissionDenied("cannot tell which Windows account runs pledgetrack")
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:  # a uid without a name (a container): the number itself
        return f"uid{os.getuid()}"


def admins_text(admins: Sequence[str]) -> str:
    """``admins: zhao, qian`` or ``no active admin``: whom to ask."""
    return f"admins: {', '.join(admins)}" if admins else "no active admin"


def may_act_for_others(*, single_user: bool, role: str | None, active: bool) -> bool:
    """An active admin may act as another user; anyone may while there are no users."""
    return single_user or (active and role == "admin")


def acting_refused(requested: str, person: str, admins: Sequence[str]) -> PermissionDenied:
    """The refusal of ``--user REQUESTED`` to *person*, who is not an active admin."""
    return PermissionDenied(
        f"--user {requested}: only an admin may act as another user, and {person} is not "
        f"an active admin ({admins_text(admins)}); run without --user (or PLEDGETRACK_USER) "
        f"to act as {person}"
    )
