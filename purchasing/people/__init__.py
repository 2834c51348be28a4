"""People and places: user accounts, passwords, API tokens, members' delivery sites and the
cooperative's collection point."""
