"""The month's flows of leaf and cocaine per region, as compiled loops over the regions.

Each is a few arithmetic steps on arrays of a few regions, where numpy would spend its time on the
overhead of each step's call. The loops do the same arithmetic in the same order as the numpy
expressions in their docstrings, so every number is the same to the bit; they write into arrays
the caller passes and return nothing (handing a new array back to Python costs about a
microsecond).
"""

from __future__ import annotations

from model.sim.compiled import compiled


@compiled
def net_revenue(price, yield_kg_ha, tax, out):
    """Coca revenue net of armed groups' tax, US$/ha/yr: ``price * (yield_kg_ha * (1 - tax))``."""
    for r in range(len(price)):
        out[r] = price[r] * (yield_kg_ha[r] * (1.0 - tax[r]))


@compiled
def harvest(mature_ha, yield_kg_ha, leaf_per_kg, leaf_kg, leaf_t):
    """Leaf harvested, ``mature_ha * yield_kg_ha / 12`` kg, and as cocaine, ``/ leaf_per_kg / 1000`` t."""
    for r in range(len(mature_ha)):
        leaf_kg[r] = mature_ha[r] * yield_kg_ha[r] / 12.0
    cocaine_tonnes(leaf_kg, leaf_per_kg, leaf_t)


@compiled
def sale(leaf_kg, buyers, price, sold_kg, revenue_usd):
    """Leaf sold, ``leaf_kg * (buyers > 0)`` kg, and the farmers' revenue, ``sold_kg * price`` US$."""
    for r in range(len(leaf_kg)):
        sold_kg[r] = leaf_kg[r] * (1.0 if buyers[r] > 0 else 0.0)
        revenue_usd[r] = sold_kg[r] * price[r]


@compiled
def cocaine_tonnes(leaf_kg, leaf_per_kg, out):
    """Cocaine made from leaf, ``leaf_kg / leaf_per_kg / 1000`` tonnes."""
    for r in range(len(leaf_kg)):
        out[r] = leaf_kg[r] / leaf_per_kg[r] / 1000.0


@compiled
def potential_supply(coca_ha, free_ha, uptake, yield_kg_ha, leaf_per_kg, out):
    """Cocaine a buyer could source, tonnes: leaf ``(coca + uptake * free) * yield / 12`` kg.

    The leaf is converted as ``leaf_kg / leaf_per_kg / 1000``.
    """
    for r in range(len(coca_ha)):
        leaf_kg = (coca_ha[r] + uptake * free_ha[r]) * yield_kg_ha[r] / 12.0
        out[r] = leaf_kg / leaf_per_kg[r] / 1000.0
