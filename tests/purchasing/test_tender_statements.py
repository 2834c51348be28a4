"""A member's statement for a batch bought on a tender's scenario: what it would have paid
alone counts the units the quote served, at the quote's price and delivery terms."""

from __future__ import annotations

from decimal import Decimal

from tenders_setup import SECRET, closed_and_computed, opened, proposed_batch, quote, token_of

from purchasing.batches.batches import approve_batch
from purchasing.models import Batch
from purchasing.results import read_result
from purchasing.statements.statements import statements_of_batch
from purchasing.tenders.quotes import submit_quote


def test_a_statement_counts_alone_the_units_a_quote_served(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    submit_quote(session, token_of(tender.invitations[0]), quote(tender), secret=SECRET)
    session.commit()
    tender = closed_and_computed(session, sessions, tender, world["lead"])
    approve_batch(session, world["batch"].id, "2", actor=world["lead"])
    session.commit()
    batch = session.get(Batch, world["batch"].id)
    assert batch.chosen.number == 2  # the tender's scenario: every unit from the quote

    statements = {s.member.town: s for s in statements_of_batch(session, None, batch.id)}
    for statement in statements.values():
        assert {line.supplier for line in statement.lines} == {"Papeterie Verte"}
        assert {line.unit_price for line in statement.lines} == {Decimal("2.00")}
    # By hand: pooled, each member pays its units at 2.00 and its share of the one 5 € fee
    # quoted (10 and 30 units of 40); alone, the same units at 2.00 and the whole fee.
    nancy, metz = statements["Nancy"], statements["Metz"]
    assert (nancy.total, nancy.alone_total, nancy.savings) == (
        Decimal("21.25"),
        Decimal("25.00"),
        Decimal("3.75"),
    )
    assert (metz.total, metz.alone_total, metz.savings) == (
        Decimal("63.75"),
        Decimal("65.00"),
        Decimal("1.25"),
    )
    # The same figures the optimizer gave the scenario, on the tender's own problem.
    alone = {row.member: row.alone for row in read_result(batch.chosen.result).members}
    assert alone == {str(s.member.id): s.alone_total for s in statements.values()}
