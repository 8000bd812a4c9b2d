"""Writing files so they are complete or untouched: a temporary file in the same
directory, flushed and synced, then renamed over the target.

The temporary file is created with mode 0666 and the process umask applied (0644
under the usual umask 022), as ``open()`` would create the file: ``mkstemp``'s
0600 would leave a report or an export readable by its writer only.

It is named ``.<name>.<16 hex digits>.tmp`` beside the target and removed on any
error, Ctrl-C included. Only a process killed outright (``kill -9``, SIGTERM, power
loss) can leave one behind; the target is then as it was, and the temporary file can
be deleted.

:func:`check_output` is the rule for every file a person names (``report --out``,
``export``, the TUI's save): never the live database or its journal files, and an
existing file only when the person said so (``--force``).
"""

from __future__ import annotations

import errno
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from pledgetrack.domain.errors import OutputRefused

#: Attempts at a free temporary name (a clash of 64 random bits means something is wrong).
_TRIES = 16
#: The files of a SQLite database: itself and what SQLite keeps beside it.
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def database_files(database: Path) -> tuple[Path, ...]:
    """A SQLite database file and its -wal, -shm and -journal files (existing or not)."""
    return tuple(Path(f"{database}{suffix}") for suffix in SQLITE_COMPANIONS)


def check_output(path: Path, *, force: bool, protected: Iterable[Path] = ()) -> None:
    """Refuse (OutputRefused) to write *path* when it is one of *protected* (the live
    database's files, symbolic links resolved), or exists and *force* is not given.

    A directory raises IsADirectoryError and a missing directory FileNotFoundError, as
    opening the file would.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, "directory does not exist", str(path.parent))
    resolved = path.resolve()
    for guarded in protected:
        if resolved == guarded.resolve() or _same_file(path, guarded):
            raise OutputRefused(
                f"{path} is the database's own file ({guarded.name}): "
                "writing there would destroy it — choose another file name"
            )
    if not force and path.exists():
        raise OutputRefused(f"{path} exists: add --force to replace it", exists=True)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


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


def write_atomically(
    path: Path, write: Callable[[BinaryIO], object], *, replace: bool = True
) -> None:
    """Call *write* with a binary stream whose bytes become *path* only if it returns.

    On any error *path* is left as it was and no temporary file remains. A
    directory given as *path* raises IsADirectoryError before anything is written.
    Without *replace*, a file that appeared at *path* meanwhile is kept and
    OutputRefused raised.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    fd, tmp = _create_temporary(path)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            _place_new(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _place_new(tmp: Path, path: Path) -> None:
    """Give *tmp* the name *path* unless a file has that name (a hard link does it in one
    step; where links are not supported, a check just before the rename)."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputRefused(f"{path} exists: add --force to replace it", exists=True) from None
    except OSError:
        if path.exists():
            raise OutputRefused(f"{path} exists: add --force to replace it", exists=True) from None
        os.replace(tmp, path)
    else:
        tmp.unlink()


def write_text_atomically(path: Path, text: str, *, replace: bool = True) -> None:
    """UTF-8 *text* to *path*, atomically."""
    write_atomically(path, lambda out: out.write(text.encode("utf-8")), replace=replace)
