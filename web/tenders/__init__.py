"""Tenders: the lead's pages to open a tender on a proposed batch and compare its quotes, the
supplier's quote page reached by its signed link, and the `coachat tenders` commands."""
