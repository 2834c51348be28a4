"""A real SMTP server on 127.0.0.1 for the e-mail tests (aiosmtpd), keeping what arrives."""

from __future__ import annotations

import email
import email.policy
import socket
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Inbox:
    """What the server received; `refuse` makes it answer every message with a temporary
    failure, as a server that is busy does."""

    messages: list[Message] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)
    refuse: bool = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 4.3.0 Try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


class SmtpServer:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        """Listens from now on (a server made but not started is one that is down)."""
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller.loop.close()
            self.controller = None

    def environment(self) -> dict[str, str]:
        return {
            "COACHAT_SMTP_HOST": "127.0.0.1",
            "COACHAT_SMTP_PORT": str(self.port),
            "COACHAT_SMTP_SECURITY": "none",
            "COACHAT_SMTP_SENDER": "achats@cooperative.example",
            "COACHAT_SMTP_TIMEOUT": "30",
        }


def attachments(message: Message) -> dict[str, bytes]:
    found = {}
    for part in message.walk():
        name = part.get_filename()
        if name:
            found[name] = part.get_payload(decode=True)
    return found


def send_all(sessions: Any, attempts: int = 4) -> int:
    """Works the queued jobs, then the e-mails a busy machine left waiting (a timeout is a
    temporary failure), as the scheduler would later; returns how many jobs ran."""
    from datetime import timedelta

    from sqlalchemy import select

    from mailing.models import OutgoingEmail
    from persistence import utcnow
    from scheduling.jobs import work_jobs

    done = work_jobs(sessions)
    for attempt in range(1, attempts + 1):
        with sessions() as session:
            waiting = session.scalar(
                select(OutgoingEmail.id).where(OutgoingEmail.status == "waiting")
            )
        if waiting is None:
            break
        done += work_jobs(sessions, now=utcnow() + timedelta(hours=4 * attempt))
    return done
