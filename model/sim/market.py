"""The cocaine market: inelastic demand, a sticky source price, a cost-based wholesale price.

The wholesale price is built from costs along the chain (Kennedy, Reuter & Riley 1993): the price
at source, grossed up for seizures, plus smuggling. Leaf and source prices are a small part of it,
so even large swings at the farm gate move the wholesale price little. The source price closes the
gap between what traffickers need to meet demand and what farmers produce: it moves toward the
level that a constant-flexibility inverse demand at source gives for the month's shortfall (stocks,
other markets and substitution make that demand more elastic than retail demand), at a limited
speed. A price that integrated the gap instead would cycle with the 12-18 month maturity delay.
"""

from __future__ import annotations

import math

from model.scenario.behaviour import MarketParams


class CocaineMarket:
    """Prices and quantities of cocaine from the source countries to consumer markets."""

    def __init__(self, params: MarketParams, respond_to_scarcity: bool = True):
        """Create the market at its initial source price."""
        self.params = params
        self.respond = respond_to_scarcity
        self.source_price = params.source_price_usd_kg
        self.wholesale_price = 0.0
        self.reference_wholesale = 0.0
        self.reference_demand_t = 0.0
        self.demand_t = 0.0
        self.delivered_t = 0.0
        self.route_seized_t = 0.0

    def cost_based_wholesale(self, source_seizure: float) -> float:
        """Wholesale price implied by costs along the chain, US$/kg."""
        p = self.params
        at_border = self.source_price / max(1.0 - source_seizure, 0.05)
        return (at_border + p.smuggling_cost_usd_kg) / max(1.0 - p.route_seizure_rate, 0.05)

    def start_in_equilibrium(self, production_t: float, source_seizure: float) -> None:
        """Set demand so the market clears at the initial prices and production (t/month)."""
        self.wholesale_price = self.reference_wholesale = self.cost_based_wholesale(source_seizure)
        exported = production_t * (1.0 - source_seizure)
        self.reference_demand_t = exported * (1.0 - self.params.route_seizure_rate)
        self.demand_t = self.reference_demand_t

    def clear(self, t: int, production_t: float, source_seized_t: float) -> None:
        """One month: ship, seize on routes, update wholesale price, demand and source price.

        Args:
            t: month index (for the demand trend).
            production_t: cocaine produced from leaf bought this month, tonnes.
            source_seized_t: tonnes seized in producing countries.

        """
        p = self.params
        exported = max(production_t - source_seized_t, 0.0)
        self.route_seized_t = exported * p.route_seizure_rate
        self.delivered_t = exported - self.route_seized_t
        source_seizure = source_seized_t / production_t if production_t > 0 else 0.0
        target = self.cost_based_wholesale(source_seizure)
        self.wholesale_price += p.wholesale_stickiness * (target - self.wholesale_price)
        trend = (1.0 + p.demand_growth_per_year) ** (t / 12.0)
        relative = self.wholesale_price / self.reference_wholesale
        self.demand_t = self.reference_demand_t * trend * relative**p.demand_elasticity
        if not self.respond:
            return
        needed = self.demand_t / max((1.0 - source_seizure) * (1.0 - p.route_seizure_rate), 0.05)
        # Scalars: math is much cheaper than numpy here (and gives the same numbers).
        shortfall = math.log(max(needed, 1e-9) / max(production_t, 1e-9))
        target = p.source_price_usd_kg * math.exp(p.price_flexibility * shortfall)
        step = math.log(target / self.source_price) * p.price_adjustment
        step = min(max(step, -p.max_monthly_price_change), p.max_monthly_price_change)
        self.source_price = min(max(self.source_price * math.exp(step), 50.0), 1e6)
