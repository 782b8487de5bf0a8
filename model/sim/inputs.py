"""Dated inputs of a run, resolved to one value per month: demand trends, yields, conversion.

Consumers' demand, leaf yields and the leaf a kg of cocaine takes all move over the decades
(new markets, denser planting, better processing), so hectares and cocaine can move apart; a
scenario gives them as dated series, and a run reads them here month by month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.scenario.dated_inputs import (
    cocaine_per_tonne_by_month,
    demand_by_month,
    leaf_yield_by_month,
)
from model.scenario.schema import Scenario


@dataclass
class DatedInputs:
    """Monthly values of the scenario's dated inputs.

    Attributes:
        demand_index: consumers' demand at constant prices, relative to the first month (T).
        yield_kg_ha: dry leaf a mature hectare yields per year in each region (T x R).
        leaf_per_kg: dry leaf a kg of cocaine takes in each region (T x R).

    """

    demand_index: np.ndarray
    yield_kg_ha: np.ndarray
    leaf_per_kg: np.ndarray

    @classmethod
    def from_scenario(cls, scenario: Scenario, world) -> DatedInputs:
        """Resolve the scenario's series on its months and the world's regions."""
        T, start = scenario.months, scenario.start
        market = scenario.market
        demand = demand_by_month(market.consumer_markets, market.consumer_share_year, start, T)
        demand = demand.sum(axis=0)  # every market together, 1 in the first month
        yields = scenario.world.yields
        leaf_index = leaf_yield_by_month(yields, world.countries, start, T)  # C x T
        per_tonne = cocaine_per_tonne_by_month(yields, world.countries, start, T)  # C x T
        if scenario.hold_dated_inputs:
            demand, leaf_index = np.ones(T), np.ones_like(leaf_index)
            per_tonne = np.repeat(per_tonne[:, :1], T, axis=1)
        return cls(
            demand_index=demand,
            yield_kg_ha=leaf_index[world.country_of].T * world.yield_kg_ha,
            leaf_per_kg=1000.0 / per_tonne[world.country_of].T,
        )
