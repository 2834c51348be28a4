"""The outbox's tables: one row per e-mail to send, with its attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from persistence import Base, UTCDateTime, utcnow

EMAIL_STATUSES = ("queued", "waiting", "sent", "failed", "uncertain")
# States in which an e-mail has gone or may still go by itself.
GOING_STATUSES = ("queued", "waiting", "sent", "uncertain")


class OutgoingEmail(Base):
    """One e-mail to send: queued, waiting after a temporary failure (tried again at
    `next_attempt_at`), sent once, failed after too many attempts, or uncertain: the sender
    stopped while the SMTP server was receiving it, so it may have gone (never sent again
    without a person). `handed_over_at` is when the message itself started to go.

    `purpose` names what the e-mail is for (`purchase_order`), which decides what follows once
    it has gone. `body` is None only for an e-mail queued before its content was stored with
    it: its purpose composes it as it goes."""

    __tablename__ = "outgoing_email"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in EMAIL_STATUSES) + ")",
            name="status_known",
        ),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("idempotency_key <> ''", name="idempotency_key_given"),
        UniqueConstraint("idempotency_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(40), default="", index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    reply_to: Mapped[str] = mapped_column(String(254), default="")
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    message_id: Mapped[str] = mapped_column(String(200), default="")
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    attachments: Mapped[list[OutgoingAttachment]] = relationship(
        back_populates="email",
        cascade="all, delete-orphan",
        order_by="OutgoingAttachment.position",
    )


class OutgoingAttachment(Base):
    """A file sent with an e-mail, kept as it was when the e-mail was queued."""

    __tablename__ = "outgoing_attachment"
    __table_args__ = (UniqueConstraint("email_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email_id: Mapped[int] = mapped_column(
        ForeignKey("outgoing_email.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    mime_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)

    email: Mapped[OutgoingEmail] = relationship(back_populates="attachments")
