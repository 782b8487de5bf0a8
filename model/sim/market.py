"""The cocaine market: consumers' demand, traffickers' inventory, and the prices that clear it.

Each month cocaine made from the leaf traffickers bought is shipped; seizures at source and on the
routes take their share of each flow (never more than the flow), and what arrives joins the
traffickers' inventory. Consumers buy at the month's wholesale price, which is the price built from
costs along the chain (Kennedy, Reuter & Riley 1993: the source price, grossed up for seizures,
plus smuggling) times a scarcity premium when inventories run short of the traffickers' target.
The inventory absorbs what the price does not close; when it cannot cover a month's demand, the
price rises to the level at which consumers buy what there is, for that month only: the dealers'
sticky list price carries on from its own level. Every month

    supply (arrivals) - demand (consumption) = stock at the end - stock at the start.

Leaf and source prices are a small part of the wholesale price, so even large swings at the farm
gate move it little. The source price is what traffickers pay in producing countries; it moves,
at a limited speed, toward the level that a constant-flexibility inverse demand gives for the gap
between what they need (consumption plus the restocking of their inventory) and what farmers
produce. A source price that integrated the gap would cycle with the 12-18 month maturity delay.
"""

from __future__ import annotations

import math

import numpy as np

from model.scenario.behaviour import MarketParams

# Largest rise of the wholesale price over its reference that clearing may ask for (log: x1000).
MAX_CLEARING_RISE = math.log(1000.0)


class CocaineMarket:
    """Prices, flows and inventory of cocaine from the source countries to consumer markets.

    Attributes:
        source_price: price in producing countries, US$/kg.
        wholesale_price: price at which consumers bought this month, US$/kg (the list price,
            or the clearing price in a month the inventory could not cover).
        list_price: the sticky wholesale price dealers ask, which follows costs and scarcity at
            a limited speed, US$/kg; a month's clearing price does not carry over into it.
        arrivals_t: cocaine reaching consumer markets this month, after all seizures, tonnes.
        demand_t: cocaine consumed this month at the month's price, tonnes.
        stock_t: traffickers' inventory at the end of the month, tonnes.
        route_seized_t: cocaine seized on the routes this month, tonnes.

    """

    def __init__(self, params: MarketParams, demand_index: np.ndarray, respond: bool = True):
        """Create the market at its initial source price.

        Args:
            params: the scenario's market parameters.
            demand_index: consumers' demand at constant prices in every month, relative to the
                first month (dated trends of the consumer markets).
            respond: whether the source price responds to scarcity (the price channel).

        """
        self.params = params
        self.respond = respond
        self.demand_index = np.asarray(demand_index, dtype=float).tolist()
        self.source_price = params.source_price_usd_kg
        self.wholesale_price = self.list_price = self.reference_wholesale = 0.0
        self.reference_demand_t = self.demand_t = self.arrivals_t = 0.0
        self.stock_t = self.route_seized_t = 0.0

    def cost_based_wholesale(self, source_seizure: float) -> float:
        """Wholesale price implied by costs along the chain, US$/kg."""
        p = self.params
        at_border = self.source_price / max(1.0 - source_seizure, 0.05)
        return (at_border + p.smuggling_cost_usd_kg) / max(1.0 - p.route_seizure_rate, 0.05)

    def start_in_equilibrium(self, production_t: float, source_seizure: float) -> None:
        """Set demand and inventory so the market clears at the initial prices and production."""
        self.reference_wholesale = self.cost_based_wholesale(source_seizure)
        self.wholesale_price = self.list_price = self.reference_wholesale
        exported = production_t * (1.0 - source_seizure)
        self.arrivals_t = exported * (1.0 - self.params.route_seizure_rate)
        self.reference_demand_t = self.demand_t = self.arrivals_t
        self.stock_t = self._target_stock(0)

    def _target_stock(self, t: int) -> float:
        return self.params.stock_months * self.reference_demand_t * self.demand_index[t]

    def clear(self, t: int, production_t: float, source_seized_t: float) -> None:
        """One month: ship, seize on routes, sell to consumers, and set the prices.

        Args:
            t: month index (for the demand trend).
            production_t: cocaine made from leaf bought this month, tonnes.
            source_seized_t: tonnes seized in producing countries (at most ``production_t``).

        """
        p = self.params
        exported = max(production_t - source_seized_t, 0.0)
        self.route_seized_t = exported * p.route_seizure_rate
        self.arrivals_t = exported - self.route_seized_t
        source_seizure = min(source_seized_t / production_t, 1.0) if production_t > 0 else 0.0
        # Scalars: math is much cheaper than numpy here.
        available = self.stock_t + self.arrivals_t
        trend = self.demand_index[t]
        target = self._target_stock(t)
        wanted = target + self.reference_demand_t * trend  # what traders like to hold this month
        scarcity = (wanted / max(available, 1e-9 * wanted, 1e-12)) ** p.scarcity_premium
        goal = self.cost_based_wholesale(source_seizure) * scarcity
        self.list_price += p.wholesale_stickiness * (goal - self.list_price)
        self.wholesale_price = self.list_price
        relative = self.list_price / self.reference_wholesale
        at_trend = self.reference_demand_t * trend
        demand = at_trend * relative**p.demand_elasticity
        if demand > available:
            # The inventory cannot cover the month: the price rises until consumers want no
            # more than there is (the market clears; nobody is rationed at a price too low).
            # Only this month's sales happen at it: the list price carries on from its own
            # level, or one month's stock-out would hold prices up for a year.
            demand = available
            if p.demand_elasticity < 0:
                # Capped for nearly inelastic demand, which no price can ration (then the
                # inventory is simply emptied); nothing at all to sell is the cap too.
                rise = MAX_CLEARING_RISE
                if available > 0:
                    rise = math.log(available / at_trend) / p.demand_elasticity
                self.wholesale_price = self.reference_wholesale * math.exp(
                    min(rise, MAX_CLEARING_RISE)
                )
        self.demand_t = demand
        self.stock_t = available - self.demand_t
        if self.respond:
            self._move_source_price(production_t, source_seizure, target)

    def _move_source_price(self, production_t: float, source_seizure: float, target: float):
        """Move the source price toward the level the gap between need and production implies."""
        p = self.params
        restock = (target - self.stock_t) / p.restock_months
        need = max(self.demand_t + restock, 0.0)
        needed = need / max((1.0 - source_seizure) * (1.0 - p.route_seizure_rate), 0.05)
        shortfall = math.log(max(needed, 1e-9) / max(production_t, 1e-9))
        goal = p.source_price_usd_kg * math.exp(p.price_flexibility * shortfall)
        step = math.log(goal / self.source_price) * p.price_adjustment
        step = min(max(step, -p.max_monthly_price_change), p.max_monthly_price_change)
        self.source_price = min(max(self.source_price * math.exp(step), 50.0), 1e6)
