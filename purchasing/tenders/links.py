"""The supplier's quote link: a token signed with the application's secret (`itsdangerous`)
holding the tender's id, the invitation's id and the invitation's nonce. The link is valid until
the tender closes: the closing time is read from the tender, not from the token, so that a
tender closed early refuses its links at once.
"""

from __future__ import annotations

from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from persistence import utcnow
from purchasing.clock import COOPERATIVE_TIMEZONE
from purchasing.errors import N_, Message
from purchasing.tenders.models import Tender, TenderInvitation, TenderQuote
from purchasing.tenders.values import LinkRefused

SALT = "coachat.tender.quote"
QUOTE_PATH = "/tenders/quote/"
"""Where the supplier's quote page is, under the configured base URL."""


def _serializer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=SALT)


def quote_token(invitation: TenderInvitation, secret: str) -> str:
    """The signed token of an invitation's quote link."""
    payload = {"t": invitation.tender_id, "i": invitation.id, "k": invitation.nonce}
    return str(_serializer(secret).dumps(payload))


def quote_link(base_url: str, invitation: TenderInvitation, secret: str) -> str:
    """The invitation's quote link under `base_url` (the configured one, never a request's)."""
    return f"{base_url.rstrip('/')}{QUOTE_PATH}{quote_token(invitation, secret)}"


def invitation_for_token(
    session: Session,
    token: str,
    secret: str,
    *,
    now: datetime | None = None,
    quoting: bool = True,
    lock: bool = False,
) -> TenderInvitation:
    """The invitation a supplier's link is for. `LinkRefused` when the signature does not match
    (tampered), when the invitation or its nonce is not the token's (foreign, or withdrawn),
    and, when `quoting`, once the tender has closed (expired). `lock` holds the tender's row
    until the transaction ends, so that a quote and the closing never pass each other."""
    try:
        payload = _serializer(secret).loads(str(token or ""))
    except BadSignature:
        raise LinkRefused(Message(N_("This link is not valid."))) from None
    try:
        tender_id, invitation_id, nonce = int(payload["t"]), int(payload["i"]), str(payload["k"])
    except (KeyError, TypeError, ValueError):
        raise LinkRefused(Message(N_("This link is not valid."))) from None
    tender_query = select(Tender).where(Tender.id == tender_id)
    if lock:
        tender_query = tender_query.with_for_update()
    tender = session.scalar(tender_query.execution_options(populate_existing=True))
    invitation = session.scalar(
        select(TenderInvitation)
        .where(TenderInvitation.id == invitation_id, TenderInvitation.tender_id == tender_id)
        .options(
            selectinload(TenderInvitation.quote).selectinload(TenderQuote.lines),
            selectinload(TenderInvitation.tender).selectinload(Tender.lines),
        )
    )
    if tender is None or invitation is None or invitation.nonce != nonce:
        raise LinkRefused(Message(N_("This link is not valid.")))
    if quoting and (tender.status != "open" or (now or utcnow()) >= tender.closes_at):
        raise LinkRefused(
            Message(
                N_("This request for quotes closed on %(date)s: quotes are no longer taken."),
                {"date": paris_time(tender.closes_at)},
            )
        )
    return invitation


def paris_time(moment: datetime) -> str:
    """An instant as the cooperative reads it: `07/12/2026 10:00` in Paris."""
    return moment.astimezone(COOPERATIVE_TIMEZONE).strftime("%d/%m/%Y %H:%M")
