"""Messages posted by the thread workers to the UI thread."""

from __future__ import annotations

from textual.message import Message

from pledgetrack.domain.evaluation import PlanEvaluation
from pledgetrack.storage.queries import HistoryEntry


class EvaluationLoaded(Message):
    """A plan evaluated as of a date, ready to show."""

    def __init__(self, evaluation: PlanEvaluation) -> None:
        super().__init__()
        self.evaluation = evaluation


class HistoryLoaded(Message):
    """The readings of one target."""

    def __init__(self, target_id: int, entries: list[HistoryEntry]) -> None:
        super().__init__()
        self.target_id = target_id
        self.entries = entries
