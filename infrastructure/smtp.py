"""Handing an e-mail to the configured SMTP server (`COACHAT_SMTP_*` settings).

Knows no domain: it is given a ready `EmailMessage` and says whether it went, did not go, or
may have gone (`HandedOver`), so that whoever queued it can decide what to do next.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import parseaddr

SECURITY_MODES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """Where e-mail goes out (`COACHAT_SMTP_*` settings)."""

    host: str
    port: int
    user: str = ""
    password: str = ""
    security: str = "starttls"
    sender: str = ""
    timeout: float = 20.0


def smtp_settings(environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP settings, or None when `COACHAT_SMTP_HOST` is not set (e-mail is off)."""
    env = os.environ if environ is None else environ
    host = env.get("COACHAT_SMTP_HOST", "").strip()
    if not host:
        return None
    security = env.get("COACHAT_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SECURITY_MODES:
        raise ValueError(f"COACHAT_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}")
    default_port = {"starttls": 587, "tls": 465, "none": 25}[security]
    return SmtpSettings(
        host=host,
        port=int(env.get("COACHAT_SMTP_PORT") or default_port),
        user=env.get("COACHAT_SMTP_USER", ""),
        password=env.get("COACHAT_SMTP_PASSWORD", ""),
        security=security,
        sender=env.get("COACHAT_SMTP_SENDER", "") or env.get("COACHAT_SMTP_USER", ""),
        timeout=float(env.get("COACHAT_SMTP_TIMEOUT", "20")),
    )


class HandedOver(Exception):
    """The SMTP conversation broke after the message started to go: it may have arrived."""


def deliver(
    settings: SmtpSettings,
    message: EmailMessage,
    handing_over: Callable[[], None] = lambda: None,
) -> None:
    """Hands the message to the SMTP server; raises `smtplib.SMTPException` or `OSError` when
    nothing went, and `HandedOver` when the conversation broke while the message was going.
    `handing_over` is called once the server accepted the sender and the recipients, just
    before the message itself goes."""
    if settings.security == "tls":
        context = ssl.create_default_context()
        with smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        ) as server:
            _login_and_send(server, settings, message, handing_over)
        return
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as server:
        if settings.security == "starttls":
            server.starttls(context=ssl.create_default_context())
        _login_and_send(server, settings, message, handing_over)


def _login_and_send(
    server: smtplib.SMTP,
    settings: SmtpSettings,
    message: EmailMessage,
    handing_over: Callable[[], None],
) -> None:
    if settings.user:
        server.login(settings.user, settings.password)
    sender = str(message["From"])
    recipients = [str(message["To"])]
    # send_message's steps, with the instant before the message goes in between.
    server.ehlo_or_helo_if_needed()
    code, answer = server.mail(parseaddr(sender)[1])
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    for recipient in recipients:
        code, answer = server.rcpt(parseaddr(recipient)[1])
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    handing_over()
    try:
        code, answer = server.data(message.as_bytes(policy=email_policy.SMTP))
    except smtplib.SMTPResponseException:
        raise  # the server answered: it refused the message, nothing went
    except (smtplib.SMTPException, OSError) as error:
        raise HandedOver(f"{type(error).__name__}: {error}") from error
    if code != 250:
        raise smtplib.SMTPDataError(code, answer)
