"""The printable 催报通知 (or, before the reporting day, 报送提醒): one page per
department — title, the department addressed, the request with its deadline, the
targets owed as a table, the supervising office and the date. Laid out with the month
report's document helpers (reports/docx.py: 公文 page, East Asian fonts set on every
run); the sentences are reports/reminder_text.py's."""

from __future__ import annotations

from typing import BinaryIO

from docx.enum.text import WD_PARAGRAPH_ALIGNMENT

from pledgetrack.domain.dates import date_label, month_name
from pledgetrack.domain.reminders import DepartmentReminder, OwedTarget, Reminders
from pledgetrack.i18n import t
from pledgetrack.reports.docx import (
    STYLE_BODY,
    STYLE_DATE,
    STYLE_TITLE,
    add_paragraph,
    add_table,
    new_document,
)
from pledgetrack.reports.reminder_text import office_name, request_text, target_text


def write_reminder_docx(
    reminders: Reminders, lang: str, out: BinaryIO, *, office: str | None
) -> None:
    """Write the notices as a .docx to *out*: a page per department that owes figures
    (none owing: one page saying every target is reported)."""
    timing = reminders.timing
    title = t("remind.docx.title.late" if timing.overdue else "remind.docx.title.soon", lang)
    document, look = new_document(
        lang,
        title=f"{title} · {month_name(timing.month, lang)}",
        subject=reminders.plan_title,
    )
    signer = office_name(office, lang)
    written = date_label(timing.on, lang)
    if not reminders.departments:
        add_paragraph(document, title, STYLE_TITLE, look)
        add_paragraph(
            document,
            t("remind.none", lang, month=month_name(timing.month, lang), date=written),
            STYLE_BODY,
            look,
        )
    for page, owed in enumerate(reminders.departments):
        if page:
            document.add_page_break()
        add_paragraph(document, title, STYLE_TITLE, look)
        add_paragraph(document, reminders.plan_title, STYLE_DATE, look)
        # The addressee, flush left as a 公文's 主送机关.
        addressee = add_paragraph(
            document, t("remind.salutation", lang, department=owed.department), STYLE_BODY, look
        )
        addressee.paragraph_format.first_line_indent = 0
        add_paragraph(document, request_text(reminders, owed, lang), STYLE_BODY, look)
        add_paragraph(
            document,
            t("remind.docx.deadline", lang, date=date_label(timing.deadline, lang)),
            STYLE_BODY,
            look,
        )
        add_table(
            document,
            look,
            [
                (t("col.no", lang), (8, 8), True),
                (t("col.target", lang), (50, 46), False),
                (t("col.item", lang), (8, 8), True),
                (t("remind.col.role", lang), (14, 18), True),
                (t("col.last_report", lang), (20, 20), True),
            ],
            [
                [
                    str(index),
                    target_text(owed, target, lang),
                    str(target.item_no),
                    t(role_key(owed, target), lang),
                    date_label(target.last_report, lang)
                    if target.last_report
                    else t("remind.never", lang),
                ]
                for index, target in enumerate(owed.targets, start=1)
            ],
        )  # fmt: skip
        for text in (signer, written):
            signature = add_paragraph(document, text, STYLE_BODY, look)
            signature.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
    document.save(out)


def role_key(owed: DepartmentReminder, target: OwedTarget) -> str:
    """The role column: the unit's own share, the item's lead, or co-operating."""
    if target.unit:
        return "remind.role.share"
    return "remind.role.lead" if owed.leads(target) else "remind.role.co_operating"
