"""Members' SEPA B2B direct-debit mandates, recorded and revoked by a purchasing lead.

A mandate names the member's account (IBAN and BIC, checked by schwifty: a wrong checksum or
national key is refused here, not days later by the bank), the reference the member signed
and the day it signed it. A member has at most one active mandate: a new bank account is a
new mandate, once the old one is revoked. A revoked mandate is kept, as its collections name it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from schwifty import BIC
from schwifty.exceptions import SchwiftyException
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from money.documents import BankAccount
from money.formats.sepa import SEPA_TEXT
from money.models import Mandate
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import Member
from purchasing.permissions import COLLECT_PAYMENTS, require


@dataclass(frozen=True)
class MandateValues:
    """A mandate as checked by `read_mandate`: IBAN and BIC compact, the reference empty when
    the lead leaves it to coachat."""

    member_id: int
    iban: str
    bic: str
    reference: str
    signed_on: date


def _reference_error(reference: str) -> Message | None:
    if not reference:
        return None
    if len(reference) > 35 or not SEPA_TEXT.match(reference):
        return Message(
            N_("A mandate reference is 1 to 35 letters, digits or the signs / - ? : ( ) . , ' +.")
        )
    if reference.startswith("/") or reference.endswith("/") or "//" in reference:
        return Message(N_("A mandate reference does not start or end with / nor hold //."))
    return None


def read_mandate(raw: Mapping[str, object], today: date) -> MandateValues:
    """Checks a mandate as typed; `Invalid` names every wrong field."""
    errors: dict[str, Message] = {}
    member_id = 0
    try:
        member_id = int(str(raw.get("member_id", "")).strip())
    except ValueError:
        errors["member_id"] = Message(N_("Choose the member who signed the mandate."))
    iban = "".join(str(raw.get("iban") or "").split()).upper()
    bic = "".join(str(raw.get("bic") or "").split()).upper()
    account = None
    if not iban:
        errors["iban"] = Message(N_("Give the IBAN of the member's account."))
    else:
        try:
            account = BankAccount(iban=iban)
        except ValueError:
            errors["iban"] = Message(N_("This IBAN is not valid: check its letters and digits."))
    if bic:
        try:
            bic = str(BIC(bic).compact)
        except (SchwiftyException, ValueError):
            errors["bic"] = Message(
                N_("A BIC is 8 or 11 letters and digits, for example CCOPFRPP.")
            )
    else:
        errors["bic"] = Message(N_("Give the BIC of the member's bank."))
    reference = " ".join(str(raw.get("reference") or "").split())
    reference_error = _reference_error(reference)
    if reference_error is not None:
        errors["reference"] = reference_error
    signed_on = today
    raw_date = raw.get("signed_on")
    if isinstance(raw_date, date):
        signed_on = raw_date
    elif raw_date:
        try:
            signed_on = date.fromisoformat(str(raw_date).strip())
        except ValueError:
            errors["signed_on"] = Message(N_("Give the date as YYYY-MM-DD."))
    if signed_on > today:
        errors["signed_on"] = Message(N_("A mandate cannot be signed in the future."))
    if errors:
        raise Invalid(errors)
    assert account is not None
    return MandateValues(member_id, account.iban, bic, reference, signed_on)


def active_mandate(session: Session, member_id: int) -> Mandate | None:
    """The member's active mandate, if it signed one."""
    return session.scalar(
        select(Mandate).where(Mandate.member_id == member_id, Mandate.active.is_(True))
    )


def mandates(session: Session, *, active_only: bool = False) -> list[Mandate]:
    """Every mandate, active ones first, by member name."""
    query = select(Mandate).join(Member).options(selectinload(Mandate.member))
    if active_only:
        query = query.where(Mandate.active.is_(True))
    return list(session.scalars(query.order_by(Mandate.active.desc(), Member.name, Mandate.id)))


def add_mandate(session: Session, values: MandateValues, *, actor: Actor | None) -> Mandate:
    """Records a mandate the member signed. Refused when the member already has an active one
    (revoke it first) or when the reference is another mandate's. Flushes."""
    require(actor, COLLECT_PAYMENTS)
    member = session.get(Member, values.member_id)
    if member is None:
        raise NotFound(Message(N_("No such member.")))
    if active_mandate(session, member.id) is not None:
        raise Conflict(
            Message(
                N_("%(member)s has an active mandate already: revoke it before adding another."),
                {"member": member.name},
            )
        )
    reference = values.reference
    if not reference:
        count = session.scalar(select(func.count(Mandate.id)).where(Mandate.member_id == member.id))
        reference = f"COACHAT-M{member.id:05d}-{(count or 0) + 1:02d}"
    if session.scalar(select(Mandate.id).where(Mandate.reference == reference)) is not None:
        raise Invalid({"reference": Message(N_("Another mandate has this reference already."))})
    mandate = Mandate(
        member_id=member.id,
        reference=reference,
        iban=values.iban,
        bic=values.bic,
        signed_on=values.signed_on,
        scheme="B2B",
        active=True,
    )
    session.add(mandate)
    session.flush()
    record_event(
        session,
        "mandate.add",
        "sepa_mandate",
        mandate.id,
        actor=actor,
        member=member.name,
        reference=reference,
        iban_end=values.iban[-4:],
        signed_on=values.signed_on.isoformat(),
    )
    return mandate


def revoke_mandate(
    session: Session, mandate_id: int, revoked_on: date, *, actor: Actor | None
) -> Mandate:
    """Revokes a mandate: nothing more is collected under it. Refused twice. Flushes."""
    require(actor, COLLECT_PAYMENTS)
    mandate = session.get(Mandate, mandate_id, with_for_update=True)
    if mandate is None:
        raise NotFound(Message(N_("No such mandate.")))
    if not mandate.active:
        raise Conflict(Message(N_("This mandate was revoked already.")))
    mandate.active = False
    mandate.revoked_on = revoked_on
    session.flush()
    record_event(
        session,
        "mandate.revoke",
        "sepa_mandate",
        mandate.id,
        actor=actor,
        member=mandate.member.name,
        reference=mandate.reference,
    )
    return mandate
