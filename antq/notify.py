"""Telling the data team a month is done, or has failed: an e-mail from a flow hook.

The team configures its SMTP server in the environment of the process that runs the
flow (`antq run`, `antq serve`, a Prefect worker):

| variable | meaning |
| --- | --- |
| `ANTQ_SMTP_HOST` | the server; no e-mail is sent without it |
| `ANTQ_SMTP_PORT` | default 25 (587 with STARTTLS, 465 with SSL) |
| `ANTQ_SMTP_SECURITY` | `none` (default), `starttls` or `ssl` |
| `ANTQ_SMTP_USER`, `ANTQ_SMTP_PASSWORD` | login, when the server asks for one |
| `ANTQ_MAIL_FROM` | sender (default `antq@<host name>`) |
| `ANTQ_MAIL_TO` | recipients, separated by commas |

A message that cannot be sent is a warning in the run's log, never a failed month: the
month's data is in the warehouse whether the e-mail leaves or not.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    security: str  # none | starttls | ssl
    user: str | None
    password: str | None
    sender: str
    recipients: tuple[str, ...]

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> MailSettings | None:
        env = dict(os.environ if env is None else env)
        host = env.get("ANTQ_SMTP_HOST", "").strip()
        recipients = tuple(
            r.strip() for r in env.get("ANTQ_MAIL_TO", "").replace(";", ",").split(",") if r.strip()
        )
        if not host or not recipients:
            return None
        security = env.get("ANTQ_SMTP_SECURITY", "none").strip().lower()
        if security not in ("none", "starttls", "ssl"):
            raise ValueError(f"ANTQ_SMTP_SECURITY must be none, starttls or ssl, not {security!r}")
        default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
        return cls(
            host=host,
            port=int(env.get("ANTQ_SMTP_PORT") or default_port),
            security=security,
            user=env.get("ANTQ_SMTP_USER") or None,
            password=env.get("ANTQ_SMTP_PASSWORD") or None,
            sender=env.get("ANTQ_MAIL_FROM") or f"antq@{socket.getfqdn()}",
            recipients=recipients,
        )


def send_mail(settings: MailSettings, subject: str, body: str, timeout: float = 30) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(settings.recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="antq")
    message.set_content(body)
    context = ssl.create_default_context()
    if settings.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
    with client:
        if settings.security == "starttls":
            client.starttls(context=context)
        if settings.user:
            client.login(settings.user, settings.password or "")
        client.send_message(message)


def notify(subject: str, body: str) -> bool:
    """Send to the team when mail is configured; True when a message left."""
    try:
        settings = MailSettings.from_env()
    except ValueError as exc:
        log.warning("antq: không gửi thư báo: %s", exc)
        return False
    if settings is None:
        return False
    try:
        send_mail(settings, subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning(
            "antq: không gửi được thư “%s” qua %s:%d: %s",
            subject,
            settings.host,
            settings.port,
            exc,
        )
        return False
    return True
