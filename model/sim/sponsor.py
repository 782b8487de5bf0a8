"""The foreign sponsor (the US in history): splits an aid budget across producing countries."""

from __future__ import annotations

import numpy as np
from mesa import Agent


class ForeignSponsor(Agent):
    """The foreign sponsor: splits an aid budget across producing countries."""

    def __init__(self, model, budget_usd_yr: np.ndarray):
        """Create the sponsor with a monthly series of its yearly budget (US$/yr)."""
        super().__init__(model)
        self.budget_usd_yr = budget_usd_yr
        self.aid_usd_yr = np.zeros(model.world.n_countries)

    def allocate(self, t: int, production_history: np.ndarray) -> np.ndarray:
        """Aid per country this month, US$/yr, by fixed shares or following lagged production.

        Args:
            t: month index.
            production_history: cocaine production per month and country, tonnes.

        """
        p = self.model.params.sponsor
        countries = self.model.world.countries
        budget = self.budget_usd_yr[t]
        if budget == 0:
            self.aid_usd_yr = np.zeros(len(countries))
            return self.aid_usd_yr
        if p.rule == "follow_production":
            # The latest month recorded is last month: a lag of 0 follows it.
            month = min(max(t - p.lag_months, 0), len(production_history) - 1)
            lagged = production_history[month]
            shares = lagged if lagged.sum() > 0 else np.ones(len(countries))
        elif p.shares:
            shares = np.array([p.shares.get(c, 0.0) for c in countries])
        else:
            shares = np.ones(len(countries))
        shares = shares / shares.sum() if shares.sum() > 0 else shares
        self.aid_usd_yr = budget * shares
        return self.aid_usd_yr
