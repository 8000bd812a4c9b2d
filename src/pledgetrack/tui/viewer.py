"""Opening an evidence file (佐证材料) with the system's viewer: its content is written to a
fresh temporary file, then ``xdg-open`` (``open`` on macOS) is started on it.

:func:`launch` is the one place a program is started: tests replace it and check the
file written and the command that would run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from pledgetrack.services.evidence_export import safe_part


def viewer_command(path: Path) -> list[str]:
    """The command that opens *path* with the desktop's viewer for its type."""
    if sys.platform == "darwin":
        return ["open", str(path)]
    if os.name == "nt":
        return ["explorer", str(path)]
    return ["xdg-open", str(path)]


def launch(command: list[str]) -> None:
    """Start *command* detached from the terminal (its output would break the screen)."""
    subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def open_in_viewer(file_name: str, content: bytes) -> tuple[Path, list[str]]:
    """Write *content* to a private temporary directory under *file_name* (made a safe
    name) and open it; returns the file and the command started. The file stays for the
    viewer, which may read it after this returns; the system's temp cleaning removes it."""
    folder = Path(tempfile.mkdtemp(prefix="pledgetrack-evidence-"))
    path = folder / safe_part(file_name)
    path.write_bytes(content)
    command = viewer_command(path)
    launch(command)
    return path, command
