"""Who may do what, as the policy says it for every action: a member, another company's member,
a lead and an admin, for the member's company's data; the programs acting for the cooperative;
a deactivated account and someone not signed in.

The table below says who each action is for; an action missing from it fails the test, so a new
action cannot be added without saying who may do it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from persistence.audit import COMMAND_LINE, DEMO_LOADER, SCHEDULER
from purchasing import permissions
from purchasing.errors import NotAllowed, NotFound
from purchasing.models import User
from purchasing.permissions import Action, require

COMPANY = "company"  # the company's own users, and leads and admins for every company
LEADS = "leads"  # leads and admins
ADMINS = "admins"  # admins only
PERSON = "person"  # any signed-in person, for their own account; no program

ACTIONS = {
    "SUBMIT_NEED": COMPANY,
    "SEE_NEED": COMPANY,
    "CHANGE_NEED": COMPANY,
    "SEE_STATEMENT": COMPANY,
    "MATCH_NEED": LEADS,
    "CHANGE_CATALOG": LEADS,
    "PLAN_ROUNDS": LEADS,
    "CLOSE_ROUND": LEADS,
    "COMPUTE_SCENARIOS": LEADS,
    "DECIDE_BATCH": LEADS,
    "RUN_TENDERS": LEADS,
    "SEND_ORDERS": LEADS,
    "ANSWER_SUPPLIER": LEADS,
    "RECORD_DELIVERIES": LEADS,
    "SET_VAT_RATES": LEADS,
    "SEE_BATCH_STATEMENTS": LEADS,
    "MANAGE_MEMBERS": ADMINS,
    "SET_COLLECTION_POINT": ADMINS,
    "MANAGE_USERS": ADMINS,
    "MANAGE_OWN_TOKENS": PERSON,
    "SEE_ACCOUNT": COMPANY,
    "ISSUE_INVOICES": LEADS,
    "RECORD_PAYMENTS": LEADS,
    "COLLECT_PAYMENTS": LEADS,
    "SEE_BOOKS": LEADS,
    "SET_BILLING": ADMINS,
    "KEEP_BANK_DETAILS": LEADS,
    "PAY_SUPPLIERS": LEADS,
    "RECEIVE_SUPPLIER_INVOICES": LEADS,
    "SEE_SUPPLIER_INVOICES": LEADS,
    "DECIDE_SUPPLIER_INVOICES": LEADS,
}

OK, REFUSED, UNSEEN = "allowed", "NotAllowed", "NotFound"
COMPANY_ID, OTHER_COMPANY_ID = 1, 2
# What each person gets on an action of each kind, for the member's company's data.
EXPECTED = {
    COMPANY: {"member": OK, "other_member": UNSEEN, "lead": OK, "admin": OK},
    LEADS: {"member": REFUSED, "other_member": REFUSED, "lead": OK, "admin": OK},
    ADMINS: {"member": REFUSED, "other_member": REFUSED, "lead": REFUSED, "admin": OK},
    PERSON: {"member": OK, "other_member": OK, "lead": OK, "admin": OK},
}


def person(role: str, member_id: int | None = None, active: bool = True) -> User:
    return User(id=7, name="Camille", email="c@example.org", role=role, member_id=member_id,
                active=active)  # fmt: skip


PEOPLE = {
    "member": person("member", COMPANY_ID),
    "other_member": person("member", OTHER_COMPANY_ID),
    "lead": person("lead"),
    "admin": person("admin"),
}


def outcome(actor: object, action: Action, member_id: int | None) -> str:
    try:
        require(actor, action, member_id)  # type: ignore[arg-type]
    except NotAllowed:
        return REFUSED
    except NotFound:
        return UNSEEN
    return OK


def test_every_action_is_in_the_table():
    declared = {name for name, value in vars(permissions).items() if isinstance(value, Action)}
    assert declared - set(ACTIONS) == set(), "say who may do the new actions in ACTIONS"
    assert set(ACTIONS) - declared == set(), "these actions are gone: remove them from ACTIONS"


@pytest.mark.parametrize("name", sorted(ACTIONS))
@pytest.mark.parametrize("who", sorted(PEOPLE))
def test_each_person_may_do_what_the_table_says(name, who):
    action = getattr(permissions, name)
    member_id = COMPANY_ID if ACTIONS[name] == COMPANY else None
    assert outcome(PEOPLE[who], action, member_id) == EXPECTED[ACTIONS[name]][who]


@pytest.mark.parametrize("name", [name for name, kind in ACTIONS.items() if kind == COMPANY])
def test_every_companys_data_is_for_leads_alone(name):
    action = getattr(permissions, name)
    assert outcome(PEOPLE["member"], action, None) == REFUSED
    assert outcome(PEOPLE["lead"], action, None) == OK


@pytest.mark.parametrize("program", [COMMAND_LINE, SCHEDULER, DEMO_LOADER, None])
@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_the_programs_act_for_the_cooperative_but_have_no_account_of_their_own(program, name):
    action = getattr(permissions, name)
    member_id = COMPANY_ID if ACTIONS[name] == COMPANY else None
    expected = REFUSED if ACTIONS[name] == PERSON and program is not None else OK
    assert outcome(program, action, member_id) == expected


@dataclass
class Visitor:
    """Someone not signed in, as the session manager gives one: no account, no role."""

    id: None = None


@pytest.mark.parametrize("name", sorted(ACTIONS))
def test_a_deactivated_account_or_a_visitor_may_do_nothing(name):
    action = getattr(permissions, name)
    assert outcome(person("admin", active=False), action, COMPANY_ID) == REFUSED
    assert outcome(Visitor(), action, COMPANY_ID) == REFUSED


def test_a_refusal_says_who_may_do_it():
    with pytest.raises(NotAllowed) as refused:
        require(PEOPLE["member"], permissions.DECIDE_BATCH)
    assert refused.value.message.render() == (
        "Only purchasing leads may approve or reject a batch."
    )
    with pytest.raises(NotFound) as unseen:
        require(PEOPLE["other_member"], permissions.SEE_STATEMENT, COMPANY_ID)
    assert unseen.value.message.render() == "No such statement."
