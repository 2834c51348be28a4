"""A supplier's bank details take effect only once a second person confirms them: the person who
proposed them cannot, a program cannot, a member cannot; a wrong IBAN or a BIC of another bank
is refused with its reason; every step is in the audit trail; meanwhile its transfers are held."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from money.bank_details import (
    Standing,
    bank_details_of,
    confirm_bank_details,
    payees,
    pending_bank_details,
    propose_bank_details,
    read_bank_details,
    withdraw_bank_details,
)
from money.payables_models import SupplierBankAccount
from persistence.audit import COMMAND_LINE, AuditEvent
from purchasing.errors import Conflict, Invalid, NotAllowed, NotFound

IBAN = "FR7630004000310000123456727"  # BNP Paribas
OTHER_IBAN = "FR1420041010050500013M02606"  # La Banque Postale
BAD_CHECKSUM = "FR7630004000310000123456728"


@pytest.fixture
def people(make):
    return make.user("lead", name="Léa Lead"), make.user("lead"), make.user("admin")


def _count(session) -> int:
    return session.scalar(select(func.count(SupplierBankAccount.id)))


def events(session, action):
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_new_details_wait_for_another_lead_and_only_then_are_paid(session, make, people):
    lead, other_lead, _admin = people
    supplier = make.supplier("Papeterie du Rhône")

    proposal = propose_bank_details(
        session, supplier.id, "fr76 3000 4000 3100 0012 3456 727", "", source="RIB", actor=lead
    )

    assert (proposal.state, proposal.iban, proposal.bic) == ("proposed", IBAN, "BNPAFRPP")
    assert payees(session, [supplier.id])[supplier.id].standing is Standing.HELD
    assert pending_bank_details(session, other_lead) == [proposal]
    with pytest.raises(NotAllowed) as same:
        confirm_bank_details(session, proposal.id, actor=lead)
    assert "another lead or an administrator" in same.value.message.render()
    assert proposal.state == "proposed"

    confirmed = confirm_bank_details(session, proposal.id, actor=other_lead)

    assert confirmed.state == "active" and confirmed.confirmed_by_id == other_lead.id
    payee = payees(session, [supplier.id])[supplier.id]
    assert payee.standing is Standing.PAYABLE and payee.account is confirmed
    assert pending_bank_details(session, lead) == []
    [proposed] = events(session, "supplier_bank.propose")
    [confirm] = events(session, "supplier_bank.confirm")
    assert proposed.user_id == lead.id and proposed.details["iban"] == IBAN
    assert confirm.user_id == other_lead.id and confirm.details["proposed_by"] == "Léa Lead"


def test_a_change_holds_transfers_until_an_admin_confirms_it(session, make, people):
    lead, other_lead, admin = people
    supplier = make.supplier()
    first = propose_bank_details(session, supplier.id, IBAN, "BNPAFRPPXXX", actor=lead)
    confirm_bank_details(session, first.id, actor=other_lead)

    change = propose_bank_details(session, supplier.id, OTHER_IBAN, "PSSTFRPPNCY", actor=lead)

    # Held, even to the former account: the change may be the fraud.
    payee = payees(session, [supplier.id])[supplier.id]
    assert payee.standing is Standing.HELD and payee.account is first
    with pytest.raises(Conflict):
        propose_bank_details(session, supplier.id, IBAN, "BNPAFRPP", actor=other_lead)
    confirm_bank_details(session, change.id, actor=admin)
    assert (first.state, change.state) == ("superseded", "active")
    assert first.ended_by_id == admin.id
    assert [a.state for a in bank_details_of(session, lead, supplier.id)] == [
        "active",
        "superseded",
    ]
    assert events(session, "supplier_bank.confirm")[-1].details["replaces"] == IBAN


def test_a_withdrawn_change_leaves_the_former_account_payable(session, make, people):
    lead, other_lead, _admin = people
    supplier = make.supplier()
    first = propose_bank_details(session, supplier.id, IBAN, "", actor=lead)
    confirm_bank_details(session, first.id, actor=other_lead)
    change = propose_bank_details(session, supplier.id, OTHER_IBAN, "", actor=other_lead)

    withdraw_bank_details(session, change.id, actor=lead)

    assert change.state == "withdrawn"
    assert payees(session, [supplier.id])[supplier.id].account is first
    with pytest.raises(Conflict):
        confirm_bank_details(session, change.id, actor=lead)
    assert len(events(session, "supplier_bank.withdraw")) == 1


def test_a_supplier_without_confirmed_details_cannot_be_paid(session, make):
    supplier = make.supplier()
    assert payees(session, [supplier.id])[supplier.id].standing is Standing.MISSING


@pytest.mark.parametrize(
    ("iban", "bic", "field", "words"),
    [
        (BAD_CHECKSUM, "BNPAFRPP", "iban", "This IBAN is not valid"),
        ("FR76 3000", "BNPAFRPP", "iban", "This IBAN is not valid"),
        ("", "BNPAFRPP", "iban", "Give the IBAN"),
        (IBAN, "BNPA", "bic", "A BIC is 8 or 11"),
        # A BIC of another bank than the IBAN's (La Banque Postale's for a BNP Paribas IBAN).
        (IBAN, "PSSTFRPPXXX", "bic", "not that of the IBAN's bank (BNP PARIBAS"),
    ],
)
def test_wrong_details_are_refused_with_their_reason_and_store_nothing(
    session, make, people, iban, bic, field, words
):
    supplier = make.supplier()

    with pytest.raises(Invalid) as refused:
        propose_bank_details(session, supplier.id, iban, bic, actor=people[0])

    assert words in refused.value.errors[field].render()
    assert _count(session) == 0 and events(session, "supplier_bank.propose") == []


def test_a_bic_is_needed_when_the_registry_does_not_know_the_bank():
    # A valid French IBAN of a bank code schwifty's registry does not list.
    unknown_bank = "FR7699999000000000123456783"
    with pytest.raises(Invalid) as refused:
        read_bank_details(unknown_bank, "")
    assert list(refused.value.errors) == ["bic"]
    # Any well-formed BIC is taken then: there is nothing to hold it against.
    assert read_bank_details(unknown_bank, "AGRIFRPP881").bic == "AGRIFRPP881"
    assert read_bank_details(IBAN, "").bic == "BNPAFRPP"


def test_the_same_details_again_are_refused(session, make, people):
    lead, other_lead, _admin = people
    supplier = make.supplier()
    proposal = propose_bank_details(session, supplier.id, IBAN, "", actor=lead)
    confirm_bank_details(session, proposal.id, actor=other_lead)
    with pytest.raises(Invalid) as refused:
        propose_bank_details(session, supplier.id, IBAN, "BNPAFRPP", actor=lead)
    assert "already" in refused.value.errors["iban"].render()


def test_members_and_programs_cannot_confirm(session, make, people):
    lead = people[0]
    member = make.user("member")
    supplier = make.supplier()
    proposal = propose_bank_details(session, supplier.id, IBAN, "", actor=lead)

    with pytest.raises(NotAllowed):
        propose_bank_details(session, supplier.id, OTHER_IBAN, "", actor=member)
    with pytest.raises(NotAllowed):
        confirm_bank_details(session, proposal.id, actor=member)
    with pytest.raises(NotAllowed) as program:
        confirm_bank_details(session, proposal.id, actor=COMMAND_LINE)
    assert "a person" in program.value.message.render()
    with pytest.raises(NotFound):
        confirm_bank_details(session, 999, actor=people[1])
    assert proposal.state == "proposed"
