"""What one month's mechanisms hand on to the later ones and to the recorder.

Each mechanism of ``BalloonModel.step`` reads what earlier ones wrote on the month and writes its
own results; the recorder stores the month at its end. Arrays are per region (real hectares, US$,
tonnes) unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.sim.households import EradicationOutcome


@dataclass
class Month:
    """One month of the simulation, filled in by the mechanisms in the order they run.

    Fields are None until the mechanism that computes them has run.
    """

    t: int
    # Armed groups' rule (before anything else happens).
    protection: np.ndarray = None  # share of eradication reach removed
    strength: np.ndarray = None  # strongest group present, 0-1
    tax: np.ndarray = None  # share of coca revenue taken
    # The harvest and its sale.
    price: np.ndarray = None  # farm-gate leaf price, US$/kg
    buyers: np.ndarray = None  # organisations buying
    coca_ha: np.ndarray = None  # coca before eradication, ha
    leaf_kg: np.ndarray = None  # leaf harvested, kg
    sold_kg: np.ndarray = None  # leaf sold (where someone buys), kg
    revenue_usd: np.ndarray = None  # farmers' coca revenue, US$
    # Eradication.
    planned: np.ndarray = None  # 3 x R: aerial, manual, voluntary, ha
    outcome: EradicationOutcome | None = None
    # Farmers' response.
    net_revenue_ha: np.ndarray = None  # expected, after tax, US$/ha/yr
    planted: np.ndarray = None  # ha planted
    free_ha: np.ndarray = None  # suitable land without coca, ha
    leaving: np.ndarray = None  # households migrating out
    arriving: np.ndarray = None  # households migrating in
    entering: np.ndarray = None  # new households
    exiting: np.ndarray = None  # households without coca leaving
    # Trafficking (per region, then per country).
    cocaine_t: np.ndarray = None  # cocaine made from leaf sold, t
    interdiction: np.ndarray = None  # per country, share seized
    seized_t: np.ndarray = None  # per country, t seized at source
