"""Which SQLite files were found whole, and unchanged since: so a large file is not read
page by page before every command.

``PRAGMA quick_check`` reads every page: under a millisecond on a list of a few hundred
targets, half a second or more on a province's 184 MB file (docs/PERFORMANCE.md). A
file whose bytes are the ones that were checked is as whole as it was then, and a
program that writes to a file cannot help changing its status-change time (``ctime``:
``touch`` and ``os.utime`` set it to now, not back). So after a whole check this module
notes the file's identity — device, inode, size, modification and status-change times —
in the user's cache directory, and a later command
that finds the same identity within :data:`TRUSTED_FOR` skips the check.

What that gives up: bytes a failing disk changes without any write are found by the
first check after the note expires (a day) rather than by the next command. Files
under :data:`SMALL_FILE` are always checked (the check costs less than reading a note),
and so is a file whose write-ahead log holds anything (another program is writing, or
one stopped half-way).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path

#: Below this size a file is always checked: quick_check costs milliseconds there.
SMALL_FILE = 16 * 1024 * 1024
#: How long a note of a whole check is trusted, in seconds.
TRUSTED_FOR = 24 * 3600.0


def records_dir() -> Path:
    """Where the notes are kept: ``pledgetrack/checked`` in the user's cache directory
    ($XDG_CACHE_HOME or ~/.cache; elsewhere the platform's application directory)."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "pledgetrack" / "checked"
    if os.name == "posix" and sys.platform != "darwin":
        return Path.home() / ".cache" / "pledgetrack" / "checked"
    import typer

    return Path(typer.get_app_dir("pledgetrack")) / "checked"


def file_identity(path: Path) -> list[int] | None:
    """What changes whenever a program writes to *path*; None when the file is small,
    missing, or its write-ahead log holds changes not yet copied into it (a checkpoint
    that copies them changes the file): then it is always checked."""
    try:
        main = path.stat()
    except OSError:
        return None
    if main.st_size < SMALL_FILE:
        return None
    try:
        if Path(f"{path}-wal").stat().st_size > 0:
            return None  # changes not yet in the file itself
    except FileNotFoundError:
        pass
    except OSError:
        return None
    return [main.st_dev, main.st_ino, main.st_size, main.st_mtime_ns, main.st_ctime_ns]


def _note_path(path: Path) -> Path:
    name = hashlib.sha256(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return records_dir() / f"{name[:32]}.json"


def known_whole(path: Path) -> bool:
    """True when *path* was found whole within :data:`TRUSTED_FOR` and is unchanged since."""
    identity = file_identity(path)
    if identity is None:
        return False
    try:
        note = json.loads(_note_path(path).read_text(encoding="utf-8"))
        checked_at = float(note["checked_at"])
        same = note["identity"] == identity and note["path"] == str(path.resolve())
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return same and 0 <= time.time() - checked_at < TRUSTED_FOR


def note_whole(path: Path, identity: list[int] | None) -> None:
    """Note that *path*, as *identity* (taken before the check), was found whole. The
    note is dropped when the file changed during the check; a cache directory that
    cannot be written only means the next command checks again."""
    if identity is None or file_identity(path) != identity:
        return
    note = {"path": str(path.resolve()), "identity": identity, "checked_at": time.time()}
    target = _note_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}")
        partial.write_text(json.dumps(note), encoding="utf-8")
        partial.replace(target)
    except OSError:
        pass
