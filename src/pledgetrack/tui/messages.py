"""Messages posted by the thread workers to the UI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # what the dashboard's first paint needs stays light (docs/PERFORMANCE.md)
    from pathlib import Path

    from pledgetrack.domain.evaluation import PlanEvaluation
    from pledgetrack.domain.model import StoredReading
    from pledgetrack.domain.reminders import Reminders
    from pledgetrack.services.entry import EntrySheet
    from pledgetrack.services.evidence import EvidenceLine
    from pledgetrack.services.month_report import MonthReport
    from pledgetrack.services.progress import SaveOutcome
    from pledgetrack.services.reading_check import ReadingRefused
    from pledgetrack.services.review import Reviewed
    from pledgetrack.services.review_board import ReviewBoard


class EvaluationLoaded(Message):
    """A plan evaluated as of a date, ready to show."""

    def __init__(self, evaluation: PlanEvaluation) -> None:
        super().__init__()
        self.evaluation = evaluation


class RemindersLoaded(Message):
    """Who still owes figures for the month collected on the shown date."""

    def __init__(self, reminders: Reminders) -> None:
        super().__init__()
        self.reminders = reminders


class HistoryLoaded(Message):
    """The readings of one target, and its units when it is split (rule, results)."""

    def __init__(
        self,
        target_id: int,
        entries: list[StoredReading],
        evidence: dict[int, list[EvidenceLine]] | None = None,
        units: object | None = None,
    ) -> None:
        super().__init__()
        self.target_id = target_id
        self.entries = entries
        #: Attached files (佐证材料) by reading id.
        self.evidence = evidence or {}
        #: services.breakdown.target_units' answer (None: not split).
        self.units = units


class ReportBuilt(Message):
    """The month-end report model of the report preview."""

    def __init__(self, report: MonthReport) -> None:
        super().__init__()
        self.report = report


class ReportSaved(Message):
    """A report file written (error is None) or not (error says why)."""

    def __init__(self, path: Path, error: OSError | None = None) -> None:
        super().__init__()
        self.path = path
        self.error = error


class SheetLoaded(Message):
    """A department's entry sheet for a month."""

    def __init__(self, sheet: EntrySheet) -> None:
        super().__init__()
        self.sheet = sheet


class SheetDenied(Message):
    """Saving a sheet was refused: the user may not enter these figures (the reason says
    whom to ask)."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


class SheetSaved(Message):
    """The outcome of saving a sheet: stored (outcome) or refused (rejected)."""

    def __init__(
        self, sheet: EntrySheet, outcome: SaveOutcome | None, rejected: ReadingRefused | None
    ) -> None:
        super().__init__()
        self.sheet = sheet
        self.outcome = outcome
        self.rejected = rejected


class ReviewBoardLoaded(Message):
    """The figures waiting for review (services.review_board), and the units the plan's
    targets are split to (the department filter's choices besides the departments)."""

    def __init__(self, board: ReviewBoard, units: list[str]) -> None:
        super().__init__()
        self.board = board
        self.units = units


class ReviewRecorded(Message):
    """A figure approved or returned (services.review.review)."""

    def __init__(self, reviewed: Reviewed) -> None:
        super().__init__()
        self.reviewed = reviewed


class ReviewFailed(Message):
    """A review the services refused (PermissionDenied, ReviewRefused, PlanNotFound): its
    ``reason`` and ``facts``, where it has them, say why in the UI's language."""

    def __init__(self, refusal: Exception) -> None:
        super().__init__()
        self.refusal = refusal
