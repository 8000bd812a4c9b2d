"""Reminders to report in words (zh / en): the lines ``remind`` prints, and the subject
and body of the e-mail each department gets. The 催报通知 (reports/reminder_docx.py)
says the same sentences."""

from __future__ import annotations

from pledgetrack.domain.dates import date_label, month_name
from pledgetrack.domain.reminders import DepartmentReminder, OwedTarget, Reminders
from pledgetrack.domain.text import one_line
from pledgetrack.i18n import t


def when_text(reminders: Reminders, lang: str) -> str:
    """``11月5日截止，还剩2天`` / ``2020年11月5日截止，已逾期3天``."""
    timing = reminders.timing
    deadline = date_label(timing.deadline, lang)
    if timing.overdue:
        return t("remind.when.late", lang, date=deadline, n=timing.days)
    if timing.days == 0:
        return t("remind.when.today", lang, date=deadline)
    return t("remind.when.left", lang, date=deadline, n=timing.days)


def strip_text(reminders: Reminders, lang: str) -> str:
    """One line for the dashboard: the month, the days left to its reporting day (or how
    late it is), and the departments still missing, in list order:
    ``10月进展：11月5日截止，还剩2天 · 3个单位未报：市教育局、市人社局、市住建局``."""
    timing = reminders.timing
    month = month_name(timing.month, lang)
    if not reminders.departments:  # nothing is late or owed: only the day it was due
        due = t("remind.when.due", lang, date=date_label(timing.deadline, lang))
        return t("remind.strip.none", lang, month=month, when=due)
    when = when_text(reminders, lang)
    separator = "、" if lang == "zh" else ", "
    names = separator.join(one_line(d.department) for d in reminders.departments)
    return t("remind.strip", lang, month=month, when=when, n=len(reminders.departments),
             departments=names)  # fmt: skip


def target_text(owed: DepartmentReminder, target: OwedTarget, lang: str) -> str:
    """``2.1 新建幼儿园50所``, and the lead when the department only co-operates; a unit's
    share: ``3.4/市南区 新建幼儿园（市南区份额）``."""
    text = f"{target.key} {one_line(target.name)}"
    if target.unit:
        text += t("remind.share", lang, unit=one_line(target.unit))
    elif not owed.leads(target):
        text += t("remind.co_operating", lang, lead=target.lead)
    return text


def department_heading(reminders: Reminders, owed: DepartmentReminder, lang: str) -> str:
    """``市教育局：3项指标未报送2020年10月进展（2020年11月5日截止，已逾期3天）：``."""
    return t(
        "remind.department",
        lang,
        department=owed.department,
        n=len(owed.targets),
        month=month_name(reminders.timing.month, lang),
        when=when_text(reminders, lang),
    )


def reminder_lines(reminders: Reminders, lang: str) -> list[str]:
    """What ``remind`` prints: a title, then per department a heading and its targets."""
    timing = reminders.timing
    month = month_name(timing.month, lang)
    on = date_label(timing.on, lang)
    lines = [t("remind.title", lang, plan=reminders.plan_title, month=month, date=on)]
    if not reminders.departments:
        if reminders.department:
            none = t("remind.none.department", lang, department=reminders.department,
                     month=month, date=on)  # fmt: skip
        else:
            none = t("remind.none", lang, month=month, date=on)
        return [*lines, "", none]
    for owed in reminders.departments:
        lines += ["", department_heading(reminders, owed, lang)]
        lines += [f"  {target_text(owed, target, lang)}" for target in owed.targets]
    return lines


def request_text(reminders: Reminders, owed: DepartmentReminder, lang: str) -> str:
    """The letter's request: which month, by when (or how late), report at once."""
    timing = reminders.timing
    if owed.unit:  # its shares of split targets: it neither leads nor co-operates
        key = "remind.body.unit.late" if timing.overdue else "remind.body.unit.soon"
    else:
        key = "remind.body.late" if timing.overdue else "remind.body.soon"
    return t(
        key,
        lang,
        n=len(owed.targets),
        month=month_name(timing.month, lang),
        date=date_label(timing.deadline, lang),
        days=timing.days,
    )


def office_name(office: str | None, lang: str) -> str:
    """The office that signs reminders: the setting, else 督查室 / Supervision Office."""
    return office or t("remind.office", lang)


def department_letter(
    reminders: Reminders, owed: DepartmentReminder, lang: str, *, office: str | None
) -> tuple[str, str]:
    """The subject and body of the e-mail to *owed*'s department."""
    timing = reminders.timing
    subject = t(
        "remind.mail.subject.late" if timing.overdue else "remind.mail.subject.soon",
        lang,
        plan=reminders.plan_title,
        month=month_name(timing.month, lang),
        n=len(owed.targets),
        date=date_label(timing.deadline, lang),
    )
    body = [
        t("remind.salutation", lang, department=owed.department),
        "",
        request_text(reminders, owed, lang),
        "",
        *(f"{i}. {target_text(owed, target, lang)}" for i, target in
          enumerate(owed.targets, start=1)),
        "",
        office_name(office, lang),
        date_label(timing.on, lang),
    ]  # fmt: skip
    return subject, "\n".join(body) + "\n"
