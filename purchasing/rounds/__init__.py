"""Pooling rounds: their rhythm, the open round's progress, the closing that turns open needs
into a batch, and the optimizer's problem and policy for it."""
