"""What a reviewer works through at the terminal: the figures waiting for review, with
the files attached to each (佐证材料), of the whole plan or one department.

The figures are :func:`pledgetrack.services.review.review_list`'s submitted ones (as
``pledgetrack review list --status submitted`` lists them); approving and returning is
:func:`pledgetrack.services.review.review`, which checks who may.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.engine import Engine

from pledgetrack.domain.plan import PlanStructure
from pledgetrack.services.evidence import EvidenceLine, list_evidence
from pledgetrack.services.review import ReviewLine, review_list
from pledgetrack.storage.latest import SUBMITTED


@dataclass(frozen=True)
class ReviewBoard:
    """The figures waiting for review, by item and date, of *department* ("" = all)."""

    department: str
    lines: tuple[ReviewLine, ...]
    #: Files attached to each figure, by (target id, date): a figure's evidence is what is
    #: attached to any reading of its target and date (services.evidence).
    evidence: Mapping[tuple[int, date], tuple[EvidenceLine, ...]] = field(default_factory=dict)

    def files(self, line: ReviewLine) -> tuple[EvidenceLine, ...]:
        """The files attached to *line*'s figure."""
        return self.evidence.get((line.reading.target_id, line.reading.as_of), ())


def load_review_board(
    engine: Engine, *, structure: PlanStructure, department: str = ""
) -> ReviewBoard:
    """The submitted figures of *structure*'s plan (of *department*'s items and shares, when
    given: ReviewRefused for a department without any) and their attached files."""
    lines = review_list(
        engine, department=department or None, states=(SUBMITTED,), structure=structure
    )
    evidence: dict[tuple[int, date], list[EvidenceLine]] = {}
    if lines:
        for file in list_evidence(engine, plan=structure.code):
            evidence.setdefault((file.target_id, file.as_of), []).append(file)
    return ReviewBoard(
        department=department,
        lines=tuple(lines),
        evidence={figure: tuple(files) for figure, files in evidence.items()},
    )
