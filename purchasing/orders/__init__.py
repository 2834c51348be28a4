"""Purchase orders: made from an approved batch, sent by e-mail, answered by the supplier
through a signed link, and received site by site."""
