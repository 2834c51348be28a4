"""Tenders: a request for quotes on a proposed batch's pooled lines, the suppliers' quotes through
signed links, and the batch's new scenarios weighing quotes and catalog alike.

The use cases (each checks everything, then changes rows and flushes; the caller commits):

- `opening.open_tender(session, batch_id, values: TenderValues, *, actor, link_for, now=None)
  -> Tender`: lines (`values.product_ids`, empty for every pooled product not in an open
  tender yet) with the pooled quantity and the delivery towns, invitations of catalog
  suppliers (`supplier_ids`) and new ones (`invitations`: name, e-mail, SIRET), one e-mail each
  with its signed link (`link_for(invitation) -> str`, valid until `closes_at`). A product of
  the batch is in at most one open tender at a time (several open tenders of a batch differ in
  their products): one already in an open tender is refused on `product_ids`. Field names of
  `Invalid`: `closes_at`, `wanted_date`, `product_ids`, `evidence_wanted`, `rules`,
  `suppliers`, `supplier_ids`, `invitations.N.name|email|siret`, `note`.
- `opening.read_closes_at(raw: str | datetime, now=None) -> datetime`: a closing typed in Paris
  time (`2026-12-07 10:00`, `07/12/2026 10:00`) or an aware instant; `Invalid` on `closes_at`.
- `proposals.proposed_suppliers(session, batch_id, product_ids=()) -> list[ProposedSupplier]`:
  catalog suppliers of the products' categories, with labels and distance to the sites.
- `links.quote_token(invitation, secret) -> str`; the page is `/tenders/quote/<token>`.
- `quotes.quote_request(session, token, *, secret, now=None) -> TenderInvitation`: what the
  supplier's page shows (its tender, lines and current quote); `LinkRefused` otherwise.
- `quotes.submit_quote(session, token, values: QuoteValues, *, secret, now=None)
  -> TenderQuote`: a quote or a refusal to quote, changed until the close. Field names of
  `Invalid`: `lines`, `lines.N.tiers`, `lines.N.tiers.M.min_quantity|unit_price`,
  `lines.N.pack_size|min_order_quantity|lead_time_days|label|label_expires_on|
  recycled_content|document`, `delivery_fee`, `fee_waived_above`, `valid_until`,
  `decline_reason`, `company.town|postcode|address|latitude|longitude`.
- `quotes.check_new_supplier(session, supplier_id, *, actor, latitude=None, longitude=None)
  -> Supplier`: the lead accepts a supplier that came by a tender (it becomes active).
- `closing.close_tender(session, tender_id, *, actor, now=None) -> Tender`: exactly once; each
  quote line becomes an offer valid for this tender only, and the tender's scenarios are
  queued (the scheduler computes them). `Conflict` when it was closed already.
- `closing.close_due_tenders(session, *, actor, now=None) -> list[int]`: what the scheduler runs
  (`scheduling.jobs.close_tenders_due`).
- `closing.scenario_problem(session, scenario) -> dict`: the problem a scenario is computed on.
- `closing.request_tender_scenario(session, tender_id, policy, *, actor) -> Scenario`: one
  more scenario on the tender's problem under another policy.
- `outcome.add_quote_to_catalog(session, offer_id, *, actor) -> Offer`: a retained quote
  becomes a standing catalog offer.
- `outcome.check_approval(session, batch_id, scenario_result)` and `outcome.after_approval(
  session, batch_id, scenario_result, *, actor)`: what the batch's approval asks of tenders.
- `summary.tender_summary(session, tender_id) -> TenderSummary`; `summary.tenders(session,
  batch_id=None) -> list[Tender]`; `summary.tender_by_id(session, tender_id) -> Tender`;
  `open_tenders.first_open_tender(session, batch_id) -> Tender | None` (the one closing first);
  `open_tenders.products_out_to_tender(session, batch_id) -> dict[int, Tender]`.
"""
