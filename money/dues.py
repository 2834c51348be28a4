"""Annual membership dues (cotisations), invoiced like a batch: one invoice per member and
year, from the amount and VAT treatment the admin set."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.drafting import DraftLine
from money.invoicing import _percent
from money.issuing import IssuingProgress, _issue_many
from money.models import MemberDues, MemberInvoice
from persistence.audit import Actor
from purchasing.errors import N_, Invalid, Message
from purchasing.models import Member
from purchasing.permissions import ISSUE_INVOICES, require

ZERO = Decimal(0)


def check_year(year: int, today: date) -> None:
    """`Invalid` on `year` for a year no one means (dues are invoiced for 2000 to 2100)."""
    if not 2000 <= year <= 2100:
        raise Invalid({"year": Message(N_("Give a year such as %(year)s."), {"year": today.year})})


def dues_to_issue(session: Session, year: int) -> list[tuple[Member, MemberDues]]:
    """The active members the admin set dues for who have no dues invoice for `year` yet,
    with their dues, in the order of their ids."""
    billed = set(
        session.scalars(
            select(MemberInvoice.member_id).where(
                MemberInvoice.dues_year == year, MemberInvoice.kind == "invoice"
            )
        )
    )
    found = []
    for dues in session.scalars(select(MemberDues).order_by(MemberDues.member_id)):
        if dues.member_id in billed:
            continue
        member = session.get(Member, dues.member_id)
        if member is None or not member.active:
            continue
        found.append((member, dues))
    return found


def issue_dues(
    session: Session,
    year: int,
    today: date,
    *,
    actor: Actor | None,
    progress: IssuingProgress | None = None,
) -> list[MemberInvoice]:
    """Issues the year's membership dues of each member the admin set an amount for and who
    has no dues invoice for that year yet."""
    require(actor, ISSUE_INVOICES)
    check_year(year, today)
    drafts = []
    for member, dues in dues_to_issue(session, year):
        line = DraftLine(
            kind="dues",
            name=f"Cotisation annuelle {year}",
            quantity=Decimal(1),
            unit_code="C62",
            unit_price=dues.amount,
            vat_rate=_percent(dues.vat_rate) if dues.vat_category == "S" else ZERO,
            vat_category=dues.vat_category,
        )
        drafts.append((member, [line]))
    # Issued as a batch's invoices are: the files of many members drawn in parallel.
    return _issue_many(
        session,
        drafts,
        subject="dues",
        batch=None,
        today=today,
        actor=actor,
        dues_year=year,
        progress=progress,
    )
