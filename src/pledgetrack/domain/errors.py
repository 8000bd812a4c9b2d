"""Errors every layer may raise or catch: plain values, no I/O.

They live here, below storage and exchange, so that the CLI and the TUI can catch
them without importing the modules that raise them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CellError:
    """One problem in an exchange file. Row 1 is the header, as Excel numbers rows."""

    file: str
    row: int
    column: str
    reason: str
    #: The reading check's problem code (services.reading_check), when it found this.
    code: str = ""

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column}: {self.reason}"


class ImportRejected(Exception):
    """An import found problems; nothing was written."""

    def __init__(self, errors: list[CellError], hint: str = ""):
        self.errors = errors
        #: What to do about them, when there is one thing to do (confirm the warnings).
        self.hint = hint
        super().__init__("\n".join([*(str(e) for e in errors), *([hint] if hint else [])]))


class UnsupportedFileType(ValueError):
    """A file was asked for in a type that is not written (e.g. ``.xls``, ``.pdf``)."""


class OutputRefused(ValueError):
    """A file is not written where it would destroy something: over the live database (or
    its -wal, -shm, -journal), or over an existing file without --force. *exists* tells
    the second case (the front end offers to replace it)."""

    def __init__(self, message: str, *, exists: bool = False):
        self.exists = exists
        super().__init__(message)


class PlanNotFound(LookupError):
    """No plan with that code, or no plan at all."""


class OutsidePlan(ValueError):
    """A date or month asked for lies outside the plan's period; the message names both."""


class SchemaBehind(RuntimeError):
    """The database was made by an older pledgetrack; it needs ``pledgetrack db upgrade``."""


class SchemaAhead(RuntimeError):
    """The database was upgraded by a newer pledgetrack than this one."""
