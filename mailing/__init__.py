"""Outgoing e-mail as a job: queued once per idempotency key with its content and attachments,
sent by the scheduler through `infrastructure.smtp`, tried again after a temporary failure,
and never sent twice by itself when it may have arrived. Below every domain that writes to
people (purchase orders, invoices, reminders), and knowing none of them."""
