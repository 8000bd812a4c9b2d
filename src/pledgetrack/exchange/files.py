"""Writing files so they are complete or untouched: a temporary file in the same
directory, flushed and synced, then renamed over the target.

The temporary file is created with mode 0666 and the process umask applied (0644
under the usual umask 022), as ``open()`` would create the file: ``mkstemp``'s
0600 would leave a report or an export readable by its writer only.
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

#: Attempts at a free temporary name (a clash of 64 random bits means something is wrong).
_TRIES = 16


def _create_temporary(path: Path) -> tuple[int, Path]:
    """Open a new temporary file beside *path*; the kernel applies the umask to 0666."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(_TRIES):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(path.parent))


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call *write* with a binary stream whose bytes become *path* only if it returns.

    On any error *path* is left as it was and no temporary file remains. A
    directory given as *path* raises IsADirectoryError before anything is written.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """UTF-8 *text* to *path*, atomically."""
    write_atomically(path, lambda out: out.write(text.encode("utf-8")))
