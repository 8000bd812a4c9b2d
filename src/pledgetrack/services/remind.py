"""Reminders to report (临近提醒, 到期催报): who has not reported which targets for a
month, per department, as text, as a printable 催报通知 and as e-mail (``pledgetrack
remind``; the rules in domain.reminders)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from pledgetrack.domain.breakdown import RollupRule
from pledgetrack.domain.dates import add_months, end_of_month, month_start
from pledgetrack.domain.model import Policy
from pledgetrack.domain.plan import PlanStructure
from pledgetrack.domain.readings import LatestReadings
from pledgetrack.domain.reminders import (
    Reminders,
    collected_month,
    last_report_dates,
    merged_reminders,
    owing_targets,
    reminder_timing,
    reminders_by_department,
    reminders_by_unit,
    share_rule_columns,
    without_totals,
)
from pledgetrack.exchange.files import write_atomically
from pledgetrack.services.breakdown import breakdowns, share_readings
from pledgetrack.services.mail import Letter
from pledgetrack.services.status import UnknownDepartment, check_in_period, default_as_of
from pledgetrack.storage.breakdown_rows import unit_names
from pledgetrack.storage.latest import latest_readings
from pledgetrack.storage.queries import find_plan, load_structure


class MonthNotBegun(ValueError):
    """Reminders asked for a month that starts after the day they are written on."""


def reminder_date(engine: Engine, *, plan: str | None = None, today: date | None = None) -> date:
    """The day reminders are written on by default: today while the plan runs and in the
    month after its end (its last month's figures are collected then); otherwise the
    day views open on (services.status.default_as_of)."""
    today = today or date.today()
    with Session(engine) as session:
        found = find_plan(session=session, code=plan)
    if found.start <= today <= end_of_month(add_months(found.end, 1)):
        return today
    return default_as_of(engine, plan=plan, today=today)


def build_reminders(
    engine: Engine,
    *,
    on: date,
    month: date | None = None,
    plan: str | None = None,
    department: str | None = None,
    policy: Policy | None = None,
    structure: PlanStructure | None = None,
) -> Reminders:
    """The targets that owe a figure for the month containing *month* (default: the month
    collected on *on*, domain.reminders.collected_month), per department, then the units'
    shares of split targets that owe one, per unit (domain.reminders says who owes what of
    a split target), seen on *on*: readings dated after *on* are not seen. *department*:
    that department or unit only.

    Raises PlanNotFound; OutsidePlan for a month outside the plan period; MonthNotBegun
    for a month that starts after *on*; UnknownDepartment for a department that answers
    for no item of the plan and is no unit of its split targets. *structure*: the plan's, already loaded (the TUI has it)."""
    policy = policy or Policy()
    if month is not None:
        check_in_period(engine, plan=plan, day=month, month=True)
    with Session(engine) as session:
        if structure is None:
            structure = load_structure(session=session, code=plan)
        first = month_start(month) if month is not None else collected_month(on, structure.period)
        if first > on:
            raise MonthNotBegun(
                f"{first:%Y-%m} has not begun on {on} (the day the reminders are written "
                "on): nothing can be reported for it yet; give a later --as-of"
            )
        splits = breakdowns(session, structure)
        if department and department not in structure.departments():
            units = unit_names(session=session, plan_id=structure.id)
            if department not in units:
                raise UnknownDepartment.of(department, [*structure.departments(), *units])
        latest = latest_readings(session=session, plan_id=structure.id, on=on)
        shared = share_readings(session, structure, splits, on)
    rules = structure.rule_columns
    readings = latest.columns(rules)
    owing = owing_targets(
        rules, readings, month=first, on=on, period=structure.period, policy=policy
    )
    totals = [tid for tid, split in splits.items() if split.rule is RollupRule.SUM]
    departments = reminders_by_department(
        structure.items,
        without_totals(owing, rules, totals).tolist(),
        last_report_dates(readings),
        department=department,
    )
    shares = [
        (item, share)
        for item in structure.items
        for target in item.targets
        if target.id in splits
        for share in splits[target.id].shares
    ]
    if shares:
        share_rules = share_rule_columns(shares)
        share_columns = LatestReadings.of(shared).columns(share_rules)
        units_owing = owing_targets(
            share_rules, share_columns, month=first, on=on, period=structure.period,
            policy=policy,
        )  # fmt: skip
        departments = merged_reminders(
            departments,
            reminders_by_unit(
                shares,
                units_owing.tolist(),
                last_report_dates(share_columns),
                department=department,
            ),
        )
    return Reminders(
        structure.code,
        structure.title,
        reminder_timing(first, on, policy),
        departments,
        department,
    )


def reminder_lines(reminders: Reminders, lang: str) -> list[str]:
    """What ``remind`` prints (reports.reminder_text)."""
    from pledgetrack.reports.reminder_text import reminder_lines as lines

    return lines(reminders, lang)


def reminder_strip(reminders: Reminders, lang: str) -> str:
    """The dashboard's reminder line (reports.reminder_text.strip_text)."""
    from pledgetrack.reports.reminder_text import strip_text

    return strip_text(reminders, lang)


def reminders_json(reminders: Reminders) -> dict[str, object]:
    """The reminders as plain JSON values (``remind --json``)."""
    timing = reminders.timing
    return {
        "plan": reminders.plan,
        "month": f"{timing.month:%Y-%m}",
        "as_of": timing.on.isoformat(),
        "deadline": timing.deadline.isoformat(),
        "overdue": timing.overdue,
        "days_left": 0 if timing.overdue else timing.days,
        "days_late": timing.days if timing.overdue else 0,
        "departments": [
            {
                "department": d.department,
                "targets": [
                    {
                        "key": t.key,
                        "name": t.name,
                        "item": t.item_no,
                        "item_title": t.item_title,
                        "lead": d.leads(t),
                        "last_report": t.last_report.isoformat() if t.last_report else None,
                        "unit": t.unit or None,
                    }
                    for t in d.targets
                ],
            }
            for d in reminders.departments
        ],
    }


def write_reminder_docx(
    reminders: Reminders, lang: str, path: Path, *, office: str | None, replace: bool
) -> None:
    """The printable 催报通知, one page per department, written whole or not at all
    (OutputRefused when a file appeared at *path* and *replace* is not given)."""
    from pledgetrack.reports.reminder_docx import write_reminder_docx as write

    write_atomically(path, lambda out: write(reminders, lang, out, office=office), replace=replace)


def reminder_letters(
    reminders: Reminders, contacts: Mapping[str, tuple[str, ...]], lang: str, *, office: str | None
) -> tuple[list[Letter], list[str]]:
    """One e-mail per department that owes figures and has an address in *contacts*, and
    the departments without one (not sent)."""
    from pledgetrack.reports.reminder_text import department_letter

    letters: list[Letter] = []
    unaddressed: list[str] = []
    for owed in reminders.departments:
        to = contacts.get(owed.department, ())
        if not to:
            unaddressed.append(owed.department)
            continue
        subject, body = department_letter(reminders, owed, lang, office=office)
        letters.append(Letter(owed.department, to, subject, body))
    return letters, unaddressed


def department_contacts(path: Path) -> dict[str, tuple[str, ...]]:
    """Department → e-mail addresses, from the office's contact list (CSV or XLSX;
    exchange.contacts). ImportRejected names the row and column of a bad address."""
    from pledgetrack.exchange.contacts import read_contacts

    return read_contacts(path)
