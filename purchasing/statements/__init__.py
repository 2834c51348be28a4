"""Members' statements: what each member paid for a batch, what it would have paid alone, and the
CO2 with and without pooling."""
