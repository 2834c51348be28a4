"""The demand side: member companies and their people, needs, pooling rounds and batches,
purchase orders and deliveries, members' statements. Shared here: the models, errors, clock,
and `results` (a scenario's kept result read back as the optimizer's dataclasses)."""
