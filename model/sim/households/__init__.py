"""Coca-farming households: numpy columns in per-region blocks, compiled monthly rules."""

from model.sim.households.households import EradicationOutcome, Households

__all__ = ["EradicationOutcome", "Households"]
