"""Suppliers' bank details, changed only with a second person's confirmation.

A changed IBAN is the commonest invoice fraud: a message "from the supplier" announcing new
bank details, which whoever reads it types in. So details a lead gives are only *proposed*;
they become the account the cooperative pays once another person confirms them: an
administrator, or another purchasing lead, never the person who proposed them and never a
program. The supplier's contact e-mail is not a way to confirm (whoever took over the mailbox
would confirm the change); the confirming person checks the details against what the
cooperative already knows of the supplier (the source the proposal names, a phone call).
A supplier's very first details need the same confirmation.

While a proposal waits, the supplier's transfers are held, even to its former account: the
change may be the fraud, or the former account may be closed. Every proposal, confirmation
and withdrawal is in the audit trail.

The IBAN is checked by schwifty (checksum and national key), as is the BIC; where schwifty's
bank registry knows the bank of the IBAN, the BIC must be that bank's (same bank code and
country), and it may then be left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.documents import BankAccount
from money.payables_models import SupplierBankAccount
from persistence import utcnow
from persistence.audit import Actor, Process, record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotAllowed, NotFound
from purchasing.models import User
from purchasing.permissions import KEEP_BANK_DETAILS, require
from suppliers.models import Supplier


@dataclass(frozen=True)
class BankDetails:
    """An IBAN and a BIC as checked by `read_bank_details`, both compact."""

    iban: str
    bic: str
    source: str = ""


def _registry_bic(iban: str) -> BIC | None:
    """The BIC schwifty's bank registry gives for the IBAN's bank, when it knows the bank."""
    try:
        found = IBAN(iban).bic
    except (SchwiftyException, ValueError):
        return None
    return found if isinstance(found, BIC) else None


def read_bank_details(iban: str, bic: str, source: str = "") -> BankDetails:
    """Checks an IBAN and a BIC as typed; `Invalid` names each wrong field."""
    errors: dict[str, Message] = {}
    iban = "".join(str(iban or "").split()).upper()
    bic = "".join(str(bic or "").split()).upper()
    account: BankAccount | None = None
    if not iban:
        errors["iban"] = Message(N_("Give the IBAN of the supplier's account."))
    else:
        try:
            account = BankAccount(iban=iban)
        except ValueError:
            errors["iban"] = Message(
                N_("This IBAN is not valid (its check digits are wrong): check each character.")
            )
    known = _registry_bic(account.iban) if account is not None else None
    if bic:
        try:
            given = BIC(bic)
        except (SchwiftyException, ValueError):
            errors["bic"] = Message(
                N_("A BIC is 8 or 11 letters and digits, for example CCOPFRPP.")
            )
        else:
            bic = str(given.compact)
            if known is not None and (given.bank_code, given.country_code) != (
                known.bank_code,
                known.country_code,
            ):
                errors["bic"] = Message(
                    N_(
                        "This BIC is not that of the IBAN's bank (%(bank)s, whose BIC starts "
                        "with %(prefix)s): check both."
                    ),
                    {"bank": _bank_name(known), "prefix": f"{known.bank_code}{known.country_code}"},
                )
    elif known is not None:
        bic = str(known.compact)
    elif "iban" not in errors:
        errors["bic"] = Message(N_("Give the BIC of the supplier's bank."))
    source = " ".join(str(source or "").split())
    if len(source) > 200:
        errors["source"] = Message(
            N_("Say where the details come from in 200 characters or fewer.")
        )
    if errors:
        raise Invalid(errors)
    assert account is not None
    return BankDetails(account.iban, bic, source)


def _bank_name(bic: BIC) -> str:
    names = getattr(bic, "bank_names", None) or []
    return str(names[0]) if names else str(bic.compact)


class Standing(Enum):
    """Whether a supplier can be paid by transfer now."""

    PAYABLE = "payable"
    HELD = "held"  # a change of its bank details waits for a second person
    MISSING = "missing"  # no confirmed bank details


@dataclass(frozen=True)
class Payee:
    """A supplier's standing for a transfer, with the account to pay when it is payable."""

    standing: Standing
    account: SupplierBankAccount | None


def _supplier(session: Session, supplier_id: int) -> Supplier:
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise NotFound(Message(N_("No such supplier.")))
    return supplier


def _actor_id(actor: Actor | None) -> int | None:
    return actor.id if actor is not None and isinstance(actor.id, int) else None


def active_account(session: Session, supplier_id: int) -> SupplierBankAccount | None:
    return session.scalar(
        select(SupplierBankAccount).where(
            SupplierBankAccount.supplier_id == supplier_id, SupplierBankAccount.state == "active"
        )
    )


def pending_proposal(session: Session, supplier_id: int) -> SupplierBankAccount | None:
    return session.scalar(
        select(SupplierBankAccount).where(
            SupplierBankAccount.supplier_id == supplier_id,
            SupplierBankAccount.state == "proposed",
        )
    )


def payees(session: Session, supplier_ids: list[int]) -> dict[int, Payee]:
    """Each supplier's standing: held while a change of its details waits, missing without
    confirmed details, else payable to its active account."""
    found: dict[int, dict[str, SupplierBankAccount]] = {}
    if supplier_ids:
        for account in session.scalars(
            select(SupplierBankAccount).where(
                SupplierBankAccount.supplier_id.in_(supplier_ids),
                SupplierBankAccount.state.in_(("active", "proposed")),
            )
        ):
            found.setdefault(account.supplier_id, {})[account.state] = account
    result = {}
    for supplier_id in supplier_ids:
        states = found.get(supplier_id, {})
        if "proposed" in states:
            result[supplier_id] = Payee(Standing.HELD, states.get("active"))
        elif "active" in states:
            result[supplier_id] = Payee(Standing.PAYABLE, states["active"])
        else:
            result[supplier_id] = Payee(Standing.MISSING, None)
    return result


def propose_bank_details(
    session: Session,
    supplier_id: int,
    iban: str,
    bic: str,
    *,
    source: str = "",
    actor: Actor | None,
) -> SupplierBankAccount:
    """Proposes new bank details for a supplier; they are paid to once another person confirms
    them (`confirm_bank_details`). Refused: a wrong IBAN or BIC, a BIC of another bank than the
    IBAN's, the details already in use, and a proposal while another waits. Flushes."""
    require(actor, KEEP_BANK_DETAILS)
    supplier = _supplier(session, supplier_id)
    details = read_bank_details(iban, bic, source)
    if pending_proposal(session, supplier_id) is not None:
        raise Conflict(
            Message(
                N_(
                    "A change of %(supplier)s's bank details waits for confirmation already: "
                    "have it confirmed or withdraw it first."
                ),
                {"supplier": supplier.name},
            )
        )
    current = active_account(session, supplier_id)
    if current is not None and (current.iban, current.bic) == (details.iban, details.bic):
        raise Invalid({"iban": Message(N_("These are the supplier's bank details already."))})
    proposal = SupplierBankAccount(
        supplier_id=supplier_id,
        iban=details.iban,
        bic=details.bic,
        source=details.source,
        state="proposed",
        proposed_at=utcnow(),
        proposed_by_id=_actor_id(actor),
    )
    session.add(proposal)
    session.flush()
    record_event(
        session,
        "supplier_bank.propose",
        "supplier",
        supplier_id,
        actor=actor,
        supplier=supplier.name,
        iban=details.iban,
        bic=details.bic,
        source=details.source,
        replaces=current.iban if current is not None else "",
    )
    return proposal


def _waiting(session: Session, proposal_id: int) -> SupplierBankAccount:
    proposal = session.get(SupplierBankAccount, proposal_id, with_for_update=True)
    if proposal is None:
        raise NotFound(Message(N_("No such change of bank details.")))
    if proposal.state != "proposed":
        raise Conflict(
            Message(N_("This change of bank details was confirmed or withdrawn already."))
        )
    return proposal


def confirm_bank_details(
    session: Session, proposal_id: int, *, actor: Actor | None
) -> SupplierBankAccount:
    """Confirms proposed bank details: they become the supplier's account, the former one is
    superseded and the supplier's transfers are no longer held. Only a person other than the
    one who proposed them confirms them: an administrator or another lead. Flushes."""
    require(actor, KEEP_BANK_DETAILS)
    if isinstance(actor, Process):
        raise NotAllowed(
            Message(
                N_(
                    "Bank details are confirmed by a person, signed in (or on the command line "
                    "with --as): a program cannot be the second pair of eyes."
                )
            )
        )
    proposal = _waiting(session, proposal_id)
    if isinstance(actor, User) and proposal.proposed_by_id == actor.id:
        raise NotAllowed(
            Message(
                N_(
                    "You proposed these bank details: another lead or an administrator "
                    "confirms them."
                )
            )
        )
    now = utcnow()
    former = active_account(session, proposal.supplier_id)
    if former is not None:
        former.state, former.ended_at, former.ended_by_id = "superseded", now, _actor_id(actor)
        # The one-active index is checked row by row: the former account leaves first.
        session.flush()
    proposal.state = "active"
    proposal.confirmed_at, proposal.confirmed_by_id = now, _actor_id(actor)
    session.flush()
    record_event(
        session,
        "supplier_bank.confirm",
        "supplier",
        proposal.supplier_id,
        actor=actor,
        supplier=proposal.supplier.name,
        iban=proposal.iban,
        bic=proposal.bic,
        proposed_by=_person(session, proposal.proposed_by_id),
        replaces=former.iban if former is not None else "",
    )
    return proposal


def withdraw_bank_details(
    session: Session, proposal_id: int, *, actor: Actor | None
) -> SupplierBankAccount:
    """Withdraws proposed bank details: the supplier keeps its account (if it has one) and its
    transfers are no longer held. Flushes."""
    require(actor, KEEP_BANK_DETAILS)
    proposal = _waiting(session, proposal_id)
    proposal.state, proposal.ended_at = "withdrawn", utcnow()
    proposal.ended_by_id = _actor_id(actor)
    session.flush()
    record_event(
        session,
        "supplier_bank.withdraw",
        "supplier",
        proposal.supplier_id,
        actor=actor,
        supplier=proposal.supplier.name,
        iban=proposal.iban,
        bic=proposal.bic,
    )
    return proposal


def _person(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id is not None else None
    return user.name if user is not None else ""


def bank_details_of(
    session: Session, viewer: Actor | None, supplier_id: int
) -> list[SupplierBankAccount]:
    """A supplier's bank details, the waiting proposal and the active account first, then the
    former ones, newest first."""
    require(viewer, KEEP_BANK_DETAILS)
    _supplier(session, supplier_id)
    order = {"proposed": 0, "active": 1}
    found = list(
        session.scalars(
            select(SupplierBankAccount)
            .where(SupplierBankAccount.supplier_id == supplier_id)
            .order_by(SupplierBankAccount.proposed_at.desc(), SupplierBankAccount.id.desc())
        )
    )
    return sorted(found, key=lambda account: order.get(account.state, 2))


def pending_bank_details(session: Session, viewer: Actor | None) -> list[SupplierBankAccount]:
    """Every proposal waiting for a second person, oldest first."""
    require(viewer, KEEP_BANK_DETAILS)
    return list(
        session.scalars(
            select(SupplierBankAccount)
            .where(SupplierBankAccount.state == "proposed")
            .options(selectinload(SupplierBankAccount.supplier))
            .order_by(SupplierBankAccount.proposed_at, SupplierBankAccount.id)
        )
    )


def people_of(session: Session, accounts: list[SupplierBankAccount]) -> dict[int, User]:
    """The people named on these bank details (proposed, confirmed, ended), by id."""
    ids = {
        user_id
        for account in accounts
        for user_id in (account.proposed_by_id, account.confirmed_by_id, account.ended_by_id)
        if user_id is not None
    }
    if not ids:
        return {}
    return {user.id: user for user in session.scalars(select(User).where(User.id.in_(ids)))}
