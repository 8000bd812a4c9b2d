"""The type checker's verdict on the whole source: mypy (configured in pyproject.toml)
finds no error in src. Slow: without its cache (a fresh checkout, CI) mypy reads every
module and the libraries' stubs (docs/PERFORMANCE.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def mypy(*args: str) -> subprocess.CompletedProcess[str]:
    """mypy run from the repository's root, so that pyproject.toml configures it."""
    return subprocess.run(
        [sys.executable, "-m", "mypy", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_mypy_finds_no_error_in_any_source_file() -> None:
    result = mypy("src")
    assert result.returncode == 0, result.stdout + result.stderr
    # Every module was checked (not "no issues found in 0 source files").
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked is not None, result.stdout
    assert int(checked.group(1)) == len(list((ROOT / "src").rglob("*.py")))


def test_mypy_as_configured_reports_a_type_error(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text("def share(done: int) -> str:\n    return done\n", encoding="utf-8")
    result = mypy("--cache-dir", str(tmp_path / "cache"), str(wrong))
    assert result.returncode == 1
    assert 'wrong.py:2: error: Incompatible return value type (got "int", expected "str")' in (
        result.stdout
    )
