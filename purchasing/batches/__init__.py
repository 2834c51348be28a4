"""Batches: scenarios computed, reviewed (by supplier, by member, transport) and approved or
rejected, and what each scenario allocated."""
