"""Who may do what: the one policy every use case asks with `require`, so that a page, the API,
a command and a job are refused alike.

People act with their role (`User.role`):
- `member`: a member company's user, for their own company's needs and statements only;
- `lead`: the cooperative's purchasing lead, for every company's needs and statements, the
  rounds, batches, orders, deliveries, VAT rates and the catalog;
- `admin`: what a lead may do, and the member companies, their sites, the collection point
  and the user accounts.
Another company's object is not found rather than refused: whether it exists is not told.

Programs act for the cooperative itself and may do all of it: the command line without `--as`,
the scheduler and the demo loader (`persistence.audit.Process`). A command run `--as EMAIL`
may do what that person may. `None` (tests and data set up by hand) is nobody in particular
and is not asked about. A deactivated account may do nothing.

The catalog (`suppliers`) knows nothing of people, so its use cases ask nothing: every way into
them asks `CHANGE_CATALOG` here first (the product use cases in `purchasing.needs.products`,
the catalog's pages and API through `web.access.allowed_to`, the `catalog import` command).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from persistence.audit import Actor, Process
from purchasing.errors import N_, Message, NotAllowed, NotFound
from purchasing.models import User


class Audience(Enum):
    """Who an action is for."""

    COMPANY = "company"  # a company's own users for its data; leads and admins for every one
    LEADS = "leads"  # purchasing leads and admins
    ADMINS = "admins"  # admins only
    PERSON = "person"  # any signed-in person, for their own account; not a program


@dataclass(frozen=True)
class Action:
    """Something a use case does: what it is called in a refusal, who may do it, and, for a
    company's data, what another company's user is told (as if it did not exist)."""

    doing: str
    audience: Audience
    unseen: str = N_("Nothing here.")


COMPANY, LEADS, ADMINS, PERSON = Audience.COMPANY, Audience.LEADS, Audience.ADMINS, Audience.PERSON

SUBMIT_NEED = Action(N_("submit a need"), COMPANY, N_("No such need."))
SEE_NEED = Action(N_("see a need"), COMPANY, N_("No such need."))
CHANGE_NEED = Action(N_("change or cancel a need"), COMPANY, N_("No such need."))
SEE_STATEMENT = Action(N_("see a statement"), COMPANY, N_("No such statement."))
MATCH_NEED = Action(N_("match a need to a catalog product"), LEADS)
CHANGE_CATALOG = Action(N_("change the catalog"), LEADS)
PLAN_ROUNDS = Action(N_("set the rounds' rhythm, cut-off and policy"), LEADS)
CLOSE_ROUND = Action(N_("close a round"), LEADS)
COMPUTE_SCENARIOS = Action(N_("compute a batch's scenarios"), LEADS)
DECIDE_BATCH = Action(N_("approve or reject a batch"), LEADS)
RUN_TENDERS = Action(N_("put a batch out to tender and decide on the quotes"), LEADS)
SEND_ORDERS = Action(N_("make and send purchase orders"), LEADS)
ANSWER_SUPPLIER = Action(N_("accept or refuse a supplier's change"), LEADS)
RECORD_DELIVERIES = Action(N_("record deliveries and close orders"), LEADS)
SET_VAT_RATES = Action(N_("set the VAT rates"), LEADS)
SEE_BATCH_STATEMENTS = Action(N_("see every member's statement of a batch"), LEADS)
MANAGE_MEMBERS = Action(N_("manage member companies and their sites"), ADMINS)
SET_COLLECTION_POINT = Action(N_("set the cooperative's collection point"), ADMINS)
MANAGE_USERS = Action(N_("manage user accounts"), ADMINS)
MANAGE_OWN_TOKENS = Action(N_("manage your own API tokens"), PERSON)
# The money side.
SEE_ACCOUNT = Action(N_("see a member's account"), COMPANY, N_("No such invoice."))
ISSUE_INVOICES = Action(N_("issue invoices and credit notes"), LEADS)
RECORD_PAYMENTS = Action(N_("record payments and bank statements"), LEADS)
COLLECT_PAYMENTS = Action(N_("collect direct debits and manage mandates"), LEADS)
SEE_BOOKS = Action(N_("see the cooperative's receivables and books"), LEADS)
SET_BILLING = Action(N_("set the billing settings and membership dues"), ADMINS)
KEEP_BANK_DETAILS = Action(N_("propose or confirm a supplier's bank details"), LEADS)
PAY_SUPPLIERS = Action(N_("pay suppliers"), LEADS)
RECEIVE_SUPPLIER_INVOICES = Action(N_("receive or enter suppliers' invoices"), LEADS)
SEE_SUPPLIER_INVOICES = Action(N_("see suppliers' invoices"), LEADS)
DECIDE_SUPPLIER_INVOICES = Action(
    N_("check suppliers' invoices against orders and decide on them"), LEADS
)

ONLY = {
    LEADS: N_("Only purchasing leads may %(action)s."),
    ADMINS: N_("Only administrators may %(action)s."),
    PERSON: N_("Only a signed-in person may %(action)s."),
}


def require(actor: Actor | None, action: Action, member_id: int | None = None) -> None:
    """Refuses `action` to `actor` unless the policy allows it: `NotAllowed` for a role that
    may not, `NotFound` (the action's `unseen` message) for a company's data asked by another
    company's user. `member_id` names the company whose data it is; None for a company action
    means every company's, which only leads see."""
    if actor is None or (isinstance(actor, Process) and action.audience is not PERSON):
        return
    if not isinstance(actor, User):
        raise NotAllowed(Message(ONLY[PERSON], {"action": Message(action.doing)}))
    if not actor.active:
        raise NotAllowed(
            Message(N_("The account of %(name)s is deactivated."), {"name": actor.name})
        )
    if allowed(actor, action, member_id):
        return
    if action.audience is COMPANY:
        if actor.member_id is not None and member_id is not None:
            raise NotFound(Message(action.unseen))
        raise NotAllowed(Message(ONLY[LEADS], {"action": Message(action.doing)}))
    raise NotAllowed(Message(ONLY[action.audience], {"action": Message(action.doing)}))


def allowed(user: User, action: Action, member_id: int | None = None) -> bool:
    """Whether the person's role allows `action` (on `member_id`'s data for a company action)."""
    match action.audience:
        case Audience.PERSON:
            return True
        case Audience.ADMINS:
            return user.is_admin
        case Audience.LEADS:
            return user.is_lead
        case Audience.COMPANY:
            return user.is_lead or (member_id is not None and member_id == user.member_id)
