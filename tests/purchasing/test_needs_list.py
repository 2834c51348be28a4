"""The lead's needs list: filters, pages and totals per product."""

from __future__ import annotations

from decimal import Decimal

import pytest

from purchasing.errors import Invalid
from purchasing.needs.needs_list import NeedFilter, needs_page, read_filter


def test_the_lead_filters_by_member_product_and_status_a_page_at_a_time(session, make):
    lead = make.user("lead")
    paper, soap = make.product("Papier"), make.product("Savon")
    one, two = make.member(), make.member()
    for _ in range(3):
        make.need(one, paper, quantity="10")
    make.need(two, paper, quantity="5")
    make.need(two, soap, quantity="2", status="cancelled")

    everything = needs_page(session, lead, NeedFilter(), per_page=2)
    assert (everything.total, everything.pages, len(everything.needs)) == (5, 3, 2)
    last = needs_page(session, lead, NeedFilter(page=3), per_page=2)
    assert len(last.needs) == 1
    paper_total = next(t for t in everything.totals if t.product == "Papier")
    assert (paper_total.quantity, paper_total.needs, paper_total.members) == (Decimal(35), 4, 2)

    mine = needs_page(session, lead, NeedFilter(member_id=two.id, status="submitted"))
    assert [need.member_id for need in mine.needs] == [two.id]
    assert needs_page(session, lead, NeedFilter(product_id=soap.id)).total == 1


def test_a_member_sees_only_its_company_whatever_the_filter(session, make):
    one, two = make.member(), make.member()
    user = make.user("member", member=one)
    make.need(one, quantity="1")
    make.need(two, quantity="1")
    page = needs_page(session, user, NeedFilter(member_id=two.id))
    assert [need.member_id for need in page.needs] == [one.id]


@pytest.mark.parametrize(
    "raw, field",
    [({"member": "x"}, "member"), ({"status": "lost"}, "status"), ({"page": "0"}, "page")],
)
def test_a_filter_that_makes_no_sense_is_refused(raw, field):
    with pytest.raises(Invalid) as refused:
        read_filter(raw)
    assert field in refused.value.errors
