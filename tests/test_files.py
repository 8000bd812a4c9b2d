"""Written files: complete or untouched, with the mode the umask gives, and of the type
their name says."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pledgetrack.domain.errors import UnsupportedFileType
from pledgetrack.exchange.files import write_atomically, write_text_atomically
from pledgetrack.exchange.tables import write_table


def test_write_atomically_keeps_the_old_file_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.txt"
    path.write_text("old", encoding="utf-8")

    def fail(*_args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("os.replace", fail)
    with pytest.raises(PermissionError):
        write_text_atomically(path, "新的报告")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary file left
    monkeypatch.undo()
    write_text_atomically(path, "新的报告")
    assert path.read_bytes() == "新的报告".encode()


def test_an_error_while_writing_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.xlsx"

    def broken(out) -> None:  # type: ignore[no-untyped-def]
        out.write(b"half")
        raise ValueError("renderer failed")

    with pytest.raises(ValueError):
        write_atomically(path, broken)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_written_file_has_the_mode_open_would_give_it(
    tmp_path: Path, umask: int, mode: int
) -> None:
    """0666 less the umask (0644 as usual), not the temporary file's private 0600."""
    path = tmp_path / "report.txt"
    old = os.umask(umask)
    try:
        write_text_atomically(path, "报告")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_directory_given_as_the_file_is_refused_before_writing(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError):
        write_text_atomically(tmp_path, "报告")
    assert list(tmp_path.iterdir()) == []
    assert not list(tmp_path.parent.glob(f".{tmp_path.name}.*"))


def test_a_csv_export_is_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "plan.csv"
    write_table(path, ["a", "b"], [["1", "二"]], sheet="plan")
    assert path.read_bytes() == "\ufeffa,b\r\n1,二\r\n".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~current_umask()

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", fail)
    with pytest.raises(OSError, match="No space"):
        write_table(path, ["a", "b"], [["3", "四"]], sheet="plan")
    assert path.read_bytes() == "\ufeffa,b\r\n1,二\r\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["plan.csv"]


@pytest.mark.parametrize("name", ["plan.pdf", "plan.txt", "plan.xls", "plan.xlsm"])
def test_an_export_to_a_suffix_that_is_not_csv_or_xlsx_is_refused(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(UnsupportedFileType, match=r"use \.xlsx or \.csv"):
        write_table(tmp_path / name, ["a"], [["1"]], sheet="plan")
    assert list(tmp_path.iterdir()) == []


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
