"""Atomic file writes: the target is complete or untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgetrack.exchange.files import write_atomically, write_text_atomically


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
