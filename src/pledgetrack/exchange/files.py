"""Writing files so they are complete or untouched: a temporary file in the same
directory, flushed and synced, then renamed over the target."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call *write* with a binary stream whose bytes become *path* only if it returns.

    On any error *path* is left as it was and no temporary file remains.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text_atomically(path: Path, text: str) -> None:
    """UTF-8 *text* to *path*, atomically."""
    write_atomically(path, lambda out: out.write(text.encode("utf-8")))
