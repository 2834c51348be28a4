"""The process sending an order's e-mail killed (SIGKILL) in the middle of the send, then the
scheduler started again: the e-mail never arrives twice without the lead asking for it.

- Killed before the message started to go (the SMTP server had not even greeted): it is sent
  again on restart, and arrives once.
- Killed while the server was receiving the message (and the server kept it): it is not sent
  again by itself; it is `uncertain`, the lead sees so, and sending it again is the lead's
  explicit act, recorded in the audit trail.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select, update

from infrastructure.smtp import smtp_settings
from persistence import utcnow
from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.models import OrderEmail, PurchaseOrder
from purchasing.orders.mail import resend_order, send_orders
from scheduling.jobs import work_jobs
from tests.purchasing.orders_setup import approved_batch
from tests.smtp_server import Inbox, SmtpServer

_SEND_IN_A_PROCESS = """
import sys
from persistence import create_engine_for, make_session_factory
from scheduling.jobs import work_jobs
work_jobs(make_session_factory(create_engine_for(sys.argv[1])))
"""


@dataclass
class SlowInbox(Inbox):
    """A server that keeps the message as soon as it has it, then takes its time to answer:
    the test kills the sender meanwhile (the worst case for a duplicate)."""

    receiving: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        answer = await super().handle_DATA(server, session, envelope)
        self.receiving.set()
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return answer


def _sender(database_url: str, environment: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _SEND_IN_A_PROCESS, database_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **environment, "PYTHONWARNINGS": "ignore"},
    )


def _kill_when(process: subprocess.Popen[str], ready: threading.Event) -> None:
    deadline = time.monotonic() + 60
    while not ready.wait(0.02):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the sending never reached the point to kill"
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def _queue_one(session, make, sessions, monkeypatch, server: SmtpServer) -> int:
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    approved = approved_batch(session, make, sessions)
    order = approved.orders(session)[0]
    queued = send_orders(
        session,
        approved.batch.id,
        actor=approved.lead,
        link_for=lambda o: f"https://coachat.example/s/{o.number}",
        settings=smtp_settings(),
    )
    # Only the first order's e-mail goes in this test: the others are set aside.
    for email in queued[1:]:
        email.outgoing.status = "failed"
    session.commit()
    return order.id


def _restart_later(sessions) -> None:
    """The scheduler started again a while later: the killed job's heartbeat is old."""
    with sessions() as session:
        session.execute(
            update(Job)
            .where(Job.status == "running")
            .values(heartbeat_at=utcnow() - timedelta(minutes=5))
        )
        session.commit()
    work_jobs(sessions)


def test_killed_before_the_message_went_it_is_sent_on_restart_and_arrives_once(
    session, make, sessions, database_url, monkeypatch
):
    # A server that accepts the connection and never greets: the sender waits on it.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    connected = threading.Event()

    def accept() -> None:
        with silent:
            connection, _ = silent.accept()
            connected.set()
            time.sleep(60)
            connection.close()

    threading.Thread(target=accept, daemon=True).start()
    real = SmtpServer()
    order_id = _queue_one(session, make, sessions, monkeypatch, real)
    quiet = {**real.environment(), "COACHAT_SMTP_PORT": str(silent.getsockname()[1])}
    _kill_when(_sender(database_url, quiet), connected)

    with sessions() as check:
        email = check.scalar(select(OrderEmail).where(OrderEmail.order_id == order_id))
        assert email.status == "queued" and email.handed_over_at is None
    real.start()
    try:
        _restart_later(sessions)
        work_jobs(sessions)
    finally:
        real.stop()
    assert len(real.inbox.messages) == 1
    with sessions() as check:
        assert check.get(PurchaseOrder, order_id).status == "sent"
        email = check.scalar(select(OrderEmail).where(OrderEmail.order_id == order_id))
        assert email.status == "sent"


def test_killed_while_the_server_received_it_it_is_never_sent_twice_by_itself(
    session, make, sessions, database_url, monkeypatch
):
    server = SmtpServer()
    server.inbox = SlowInbox()
    server.start()
    try:
        order_id = _queue_one(session, make, sessions, monkeypatch, server)
        _kill_when(_sender(database_url, server.environment()), server.inbox.receiving)
        server.inbox.release.set()
        assert len(server.inbox.messages) == 1  # the server kept what it received

        _restart_later(sessions)
        assert work_jobs(sessions) == 0
        assert len(server.inbox.messages) == 1, "sent again without the lead"
        with sessions() as check:
            email = check.scalar(select(OrderEmail).where(OrderEmail.order_id == order_id))
            assert email.status == "uncertain" and email.handed_over_at is not None
            assert "stopped" in email.last_error
            assert check.get(PurchaseOrder, order_id).status != "sent"
            # Asking again to send the batch's orders does not send it again either.
            batch_id = check.get(PurchaseOrder, order_id).batch_id
            send_orders(
                check, batch_id, actor=None, link_for=lambda o: "", settings=smtp_settings()
            )
            mine = select(func.count(OrderEmail.id)).where(OrderEmail.order_id == order_id)
            assert check.scalar(mine) == 1
            check.rollback()

        # The lead, having checked with the supplier, sends it again on purpose.
        with sessions() as lead_session:
            resend_order(
                lead_session,
                order_id,
                actor=None,
                link_for=lambda o: f"https://coachat.example/s/{o.number}",
                settings=smtp_settings(),
            )
            lead_session.commit()
        work_jobs(sessions)
        assert len(server.inbox.messages) == 2
        with sessions() as check:
            assert check.get(PurchaseOrder, order_id).status == "sent"
            resends = check.scalar(
                select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.resend")
            )
            assert resends == 1
    finally:
        server.inbox.release.set()
        server.stop()
