"""The month report's list of targets whose latest figure has no evidence (佐证材料)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from pledgetrack.reports.model import MonthReport, NoEvidence
from pledgetrack.services.evidence import figures_with_evidence
from pledgetrack.storage.queries import find_plan
from pledgetrack.storage.tables import Target


def add_missing_evidence(engine: Engine, report: MonthReport) -> MonthReport:
    """Fill *report*'s ``no_evidence``: each target with a figure as of the report whose
    figure (any reading of its target and date) has no attached file, in list order."""
    with Session(engine) as session:
        plan = find_plan(session=session, code=report.plan_code)
        assert plan.id is not None
        ids = dict(
            session.exec(select(Target.key, Target.id).where(Target.plan_id == plan.id)).all()
        )
        with_evidence = figures_with_evidence(session, plan.id)
    report.no_evidence = [
        NoEvidence(
            item_no=item.no,
            key=line.key,
            name=line.name,
            as_of=line.as_of,
            departments=item.departments,
        )
        for section in report.pledges
        for item in section.items
        for line in item.targets
        if line.as_of is not None and (ids.get(line.key), line.as_of) not in with_evidence
    ]
    return report
