"""What one month's mechanisms hand on to the later ones and to the recorder.

Each mechanism of ``BalloonModel.step`` reads what earlier ones wrote on the month and writes its
own results; the recorder stores the month at its end. Arrays are per region (real hectares, US$,
tonnes) unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from model.sim.households import EradicationOutcome


def _unset() -> np.ndarray:
    return np.zeros(0)


@dataclass
class Month:
    """One month of the simulation, filled in by the mechanisms in the order they run."""

    t: int
    # Armed groups' rule (before anything else happens).
    protection: np.ndarray = field(default_factory=_unset)  # share of eradication reach removed
    strength: np.ndarray = field(default_factory=_unset)  # strongest group present, 0-1
    tax: np.ndarray = field(default_factory=_unset)  # share of coca revenue taken
    # The harvest and its sale.
    price: np.ndarray = field(default_factory=_unset)  # farm-gate leaf price, US$/kg
    buyers: np.ndarray = field(default_factory=_unset)  # organisations buying
    coca_ha: np.ndarray = field(default_factory=_unset)  # coca before eradication, ha
    leaf_kg: np.ndarray = field(default_factory=_unset)  # leaf harvested, kg
    sold_kg: np.ndarray = field(default_factory=_unset)  # leaf sold (where someone buys), kg
    revenue_usd: np.ndarray = field(default_factory=_unset)  # farmers' coca revenue, US$
    # Eradication.
    planned: np.ndarray = field(default_factory=_unset)  # 3 x R: aerial, manual, voluntary, ha
    outcome: EradicationOutcome | None = None
    # Farmers' response.
    net_revenue_ha: np.ndarray = field(default_factory=_unset)  # expected, after tax, US$/ha/yr
    planted: np.ndarray = field(default_factory=_unset)  # ha planted
    free_ha: np.ndarray = field(default_factory=_unset)  # suitable land without coca, ha
    leaving: np.ndarray = field(default_factory=_unset)  # households migrating out
    arriving: np.ndarray = field(default_factory=_unset)  # households migrating in
    entering: np.ndarray = field(default_factory=_unset)  # new households
    # Trafficking (per region, then per country).
    cocaine_t: np.ndarray = field(default_factory=_unset)  # cocaine made from leaf sold, t
    interdiction: np.ndarray = field(default_factory=_unset)  # per country, share seized
    seized_t: np.ndarray = field(default_factory=_unset)  # per country, t seized at source
