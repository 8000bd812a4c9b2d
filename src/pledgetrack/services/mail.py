"""E-mail through the configured SMTP server (settings ``smtp_*``): the standard
library's smtplib and email.message, UTF-8 subjects and bodies, names in headers
encoded as RFC 2047 words (a department's Chinese name reaches any mail reader)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pledgetrack.config import Settings


class MailNotConfigured(ValueError):
    """No SMTP server or sender address is configured."""


class MailUnavailable(OSError):
    """The SMTP server could not be reached or refused the login."""


@dataclass(frozen=True)
class MailServer:
    """Where and as whom mail is sent."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    starttls: bool = True
    timeout: float = 30.0


@dataclass(frozen=True)
class Letter:
    """One e-mail to one department."""

    department: str
    to: tuple[str, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class Delivery:
    """What became of a letter: sent, or the server's reason for refusing it."""

    letter: Letter
    error: str | None = None


def mail_server(settings: Settings) -> MailServer:
    """The SMTP server of the settings, or MailNotConfigured naming what is missing."""
    missing = [
        f"smtp_{name} (PLEDGETRACK_SMTP_{name.upper()})"
        for name, value in (("host", settings.smtp_host), ("from", settings.smtp_from))
        if not value
    ]
    if missing:
        raise MailNotConfigured(
            f"sending mail needs {' and '.join(missing)} in the config file or the "
            "environment (README.md, Configuration)"
        )
    assert settings.smtp_host and settings.smtp_from
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return MailServer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        user=settings.smtp_user,
        password=password,
        starttls=settings.smtp_starttls,
    )


def message(letter: Letter, sender: str) -> EmailMessage:
    """*letter* as a MIME message: the department's name beside its addresses."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = [Address(display_name=letter.department, addr_spec=a) for a in letter.to]
    mail["Subject"] = letter.subject
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(letter.body, charset="utf-8")
    return mail


def send_letters(server: MailServer, letters: Sequence[Letter]) -> list[Delivery]:
    """Send every letter over one connection. A letter the server refuses is a Delivery
    with its reason; MailUnavailable when the server cannot be reached or refuses the
    login (nothing was sent)."""
    if not letters:
        return []
    where = f"{server.host}:{server.port}"
    try:
        client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailUnavailable(f"cannot reach the SMTP server {where}: {_reason(exc)}") from exc
    deliveries: list[Delivery] = []
    with client:
        try:
            if server.starttls:
                client.starttls(context=ssl.create_default_context())
            if server.user:
                client.login(server.user, server.password or "")
        except (OSError, smtplib.SMTPException) as exc:
            raise MailUnavailable(f"SMTP server {where}: {_reason(exc)}") from exc
        for letter in letters:
            try:
                refused = client.send_message(message(letter, server.sender))
            except (OSError, smtplib.SMTPException) as exc:
                deliveries.append(Delivery(letter, _reason(exc)))
                continue
            error = "; ".join(f"{a}: {_reason_of(r)}" for a, r in refused.items()) or None
            deliveries.append(Delivery(letter, error))
    return deliveries


def _reason_of(reply: tuple[int, bytes | str]) -> str:
    code, text = reply
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return _reason_of((exc.smtp_code, exc.smtp_error))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{a}: {_reason_of(r)}" for a, r in exc.recipients.items())
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
