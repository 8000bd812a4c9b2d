"""`pledgetrack remind`: who has not reported which targets for a month, per department
(临近提醒 before the reporting day, 到期催报 after it), as text, JSON, a printable 催报通知
(DOCX) or e-mail."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from pledgetrack.cli.app import (
    Force,
    Lang,
    PlanOption,
    app,
    engine_for,
    err,
    fail,
    lang_of,
    os_reason,
    parse_date_option,
    policy,
    state,
)
from pledgetrack.domain.dates import DateFormatError, parse_month
from pledgetrack.domain.errors import ImportRejected, OutputRefused, OutsidePlan, PlanNotFound

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.engine import Engine

    from pledgetrack.domain.reminders import Reminders
    from pledgetrack.services.mail import MailServer


@app.command()
def remind(
    month: Annotated[
        str | None,
        typer.Option(
            "--month",
            help="Reporting month (2020-10, 2020年10月); default the month whose figures "
            "are being collected (last month).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The day the reminders are written on (figures dated later are not seen); "
            "default today, or for a finished plan the day views open on.",
        ),
    ] = None,
    plan: PlanOption = None,
    department: Annotated[
        str | None,
        typer.Option("--department", help="Only this department (or unit, e.g. 市南区)."),
    ] = None,
    lang: Annotated[Lang | None, typer.Option("--lang", help="zh or en.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    docx: Annotated[
        Path | None,
        typer.Option("--docx", help="Write the printable notices (one page per department)."),
    ] = None,
    send: Annotated[
        bool,
        typer.Option(
            "--send",
            help="E-mail each department with an address through the configured SMTP server.",
        ),
    ] = False,
    contacts: Annotated[
        Path | None,
        typer.Option(
            "--contacts",
            help="The departments' contact list for --send (CSV or XLSX with 责任单位 and "
            "邮箱 columns; default: the contacts setting).",
        ),
    ] = None,
    force: Force = False,
) -> None:
    """Who has not reported which targets for a month: a heads-up before the reporting
    day, overdue after it."""
    from pledgetrack.services.remind import (
        MonthNotBegun,
        build_reminders,
        reminder_date,
        reminders_json,
    )
    from pledgetrack.services.status import UnknownDepartment

    month_end = None
    if month is not None:
        try:
            month_end = parse_month(month)
        except DateFormatError as exc:
            fail(f"--month: {exc}")
    on = parse_date_option(as_of, "--as-of")
    if docx is not None:
        if docx.is_dir():
            fail(f"--docx: {docx} is a directory, not a file")
        if not docx.parent.is_dir():
            fail(f"--docx: directory {docx.parent} does not exist")
    language = lang_of(lang)
    server = configured_server() if send else None
    addresses = contact_list(contacts) if send else {}
    engine = engine_for()
    if docx is not None:
        check_docx(engine, docx, force)
    try:
        if on is None:
            on = reminder_date(engine, plan=plan)
        reminders = build_reminders(
            engine, on=on, month=month_end, plan=plan, department=department, policy=policy()
        )
    except (PlanNotFound, UnknownDepartment) as exc:
        fail(str(exc))
    except (OutsidePlan, MonthNotBegun) as exc:
        fail(f"--month: {exc}")
    if as_json:
        typer.echo(json.dumps(reminders_json(reminders), ensure_ascii=False, indent=2))
    elif docx is None and not send:
        from pledgetrack.services.remind import reminder_lines

        for line in reminder_lines(reminders, language):
            typer.echo(line)
    if docx is not None:
        write_docx(reminders, language, docx, force)
    if server is not None:
        # Beside --json, what became of each letter goes to stderr: stdout stays JSON.
        say = (lambda line: typer.echo(line, err=True)) if as_json else typer.echo
        send_reminders(reminders, language, server, addresses, say)


def check_docx(engine: "Engine", path: Path, force: bool) -> None:
    """Refuse --docx over an existing file (without --force) or the database, at once."""
    from pledgetrack.services.output import check_output_file

    try:
        check_output_file(engine, path, force=force)
    except OutputRefused as exc:
        fail(f"--docx: {exc}")
    except OSError as exc:
        fail(f"--docx: cannot write {path}: {os_reason(exc)}")


def write_docx(reminders: "Reminders", lang: str, path: Path, force: bool) -> None:
    from pledgetrack.services.remind import write_reminder_docx

    try:
        write_reminder_docx(reminders, lang, path, office=state.settings.office, replace=force)
    except OutputRefused as exc:
        fail(f"--docx: {exc}")
    except OSError as exc:
        fail(f"--docx: cannot write {path}: {os_reason(exc)}")
    err.print(f"wrote {path}")


def configured_server() -> "MailServer":
    """The configured SMTP server, or exit 2 naming the settings that are missing."""
    from pledgetrack.services.mail import MailNotConfigured, mail_server

    try:
        return mail_server(state.settings)
    except MailNotConfigured as exc:
        fail(f"--send: {exc}")


def contact_list(path: Path | None) -> dict[str, tuple[str, ...]]:
    """Department → addresses from --contacts or the contacts setting, or exit 2."""
    from pledgetrack.services.remind import department_contacts

    if path is None:
        setting = state.settings.contacts
        if not setting:
            fail(
                "--send: no department addresses: give --contacts FILE (a CSV or XLSX "
                "with 责任单位 and 邮箱 columns) or set contacts in the config file"
            )
        path = Path(setting).expanduser()
    try:
        return department_contacts(path)
    except ImportRejected as exc:
        fail(f"--contacts: {exc}")


def send_reminders(
    reminders: "Reminders",
    lang: str,
    server: "MailServer",
    addresses: dict[str, tuple[str, ...]],
    say: "Callable[[str], object]",
) -> None:
    """Mail every department that owes figures and has an address; say what became of
    each (exit 1 when the server refused any)."""
    from pledgetrack.i18n import t
    from pledgetrack.services.mail import MailUnavailable, send_letters
    from pledgetrack.services.remind import reminder_letters, reminder_lines

    if not reminders.departments:
        say(reminder_lines(reminders, lang)[-1])  # every target reported: nothing to send
        return
    letters, unaddressed = reminder_letters(
        reminders, addresses, lang, office=state.settings.office
    )
    try:
        deliveries = send_letters(server, letters)
    except MailUnavailable as exc:
        fail(f"--send: {exc}")
    refused = 0
    for delivery in deliveries:
        name = delivery.letter.department
        if delivery.error is None:
            say(t("remind.sent", lang, department=name, to=", ".join(delivery.letter.to)))
        else:
            refused += 1
            say(t("remind.not_sent.refused", lang, department=name, reason=delivery.error))
    for name in unaddressed:
        say(t("remind.not_sent.no_address", lang, department=name))
    if refused:
        raise typer.Exit(1)
