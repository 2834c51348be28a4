"""The money side: invoices and credit notes to members, member accounts, payments, supplier
invoices and the journal every accounting figure is read from. File formats are adapters in
`money.formats`; the rules here know no XML."""
