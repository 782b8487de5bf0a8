"""Regions and the migration network.

Regions are cells of a ``mesa.discrete_space.Network``; the per-region attributes the vectorised
household rules need are also kept as numpy arrays indexed by region number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from mesa.discrete_space import Network

from model.scenario.schema import Scenario


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Distance between two points on the Earth, kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


@dataclass
class World:
    """Countries, regions (as arrays) and the migration network between them."""

    names: list[str]
    labels: list[str]
    countries: list[str]
    country_of: np.ndarray  # region -> country index
    lon: np.ndarray
    lat: np.ndarray
    suitable_ha: np.ndarray
    initial_coca_ha: np.ndarray
    accessibility: np.ndarray
    state_presence: np.ndarray
    yield_kg_ha: np.ndarray
    licit_income_usd_ha: np.ndarray
    legal_ha: np.ndarray
    route_cost_usd_kg: np.ndarray
    migration_cost: np.ndarray  # region x region, US$, from the network (inf where no edge)
    network: Network | None = field(default=None, repr=False)

    @property
    def n_regions(self) -> int:
        """Number of regions."""
        return len(self.names)

    @property
    def n_countries(self) -> int:
        """Number of countries."""
        return len(self.countries)

    def region_index(self, name: str) -> int:
        """Index of a region by name."""
        return self.names.index(name)

    def country_index(self, name: str) -> int:
        """Index of a country by name."""
        return self.countries.index(name)

    def regions_of(self, country: int) -> np.ndarray:
        """Indices of the regions of a country."""
        return np.flatnonzero(self.country_of == country)

    def neighbour_means(self) -> np.ndarray:
        """Region x region weights averaging a quantity over each region's neighbours.

        Neighbours share a network edge and a country (rows of regions without one are zero).
        """
        near = np.isfinite(self.migration_cost) & (self.country_of[:, None] == self.country_of)
        np.fill_diagonal(near, False)
        count = near.sum(axis=1, keepdims=True)
        return np.divide(near, count, out=np.zeros(near.shape), where=count > 0)

    def by_country(self, values_r: np.ndarray) -> np.ndarray:
        """Per-country sums of a per-region quantity."""
        return np.bincount(self.country_of, weights=values_r, minlength=self.n_countries)

    @classmethod
    def from_scenario(cls, scenario: Scenario, random=None) -> World:
        """Build the world a scenario describes (the default Andean world unless it says else)."""
        regions = scenario.resolved_regions()
        names = [r.name for r in regions]
        countries = list(dict.fromkeys(r.country for r in regions))
        n = len(regions)
        graph = nx.Graph()
        graph.add_nodes_from(range(n))
        for edge in scenario.resolved_edges():
            a, b = names.index(edge.source), names.index(edge.target)
            if a == b:
                continue
            ra, rb = regions[a], regions[b]
            usd = edge.cost_usd
            if scenario.world.edges is None:  # default network: cost grows with distance
                usd = 500.0 + 2.0 * great_circle_km(ra.lon, ra.lat, rb.lon, rb.lat)
            if ra.country != rb.country:
                usd *= scenario.world.cross_border_cost_factor
            graph.add_edge(a, b, cost_usd=usd)
        network = Network(
            graph, random=random, layout={i: (r.lon, r.lat) for i, r in enumerate(regions)}
        )

        def column(attr):
            return np.array([getattr(r, attr) for r in regions], dtype=float)

        return cls(
            names=names,
            labels=[r.label or r.name.replace("_", " ").title() for r in regions],
            countries=countries,
            country_of=np.array([countries.index(r.country) for r in regions], dtype=np.int64),
            lon=column("lon"),
            lat=column("lat"),
            suitable_ha=column("suitable_ha"),
            initial_coca_ha=np.minimum(column("initial_coca_ha"), column("suitable_ha")),
            accessibility=column("accessibility"),
            state_presence=column("state_presence"),
            yield_kg_ha=column("yield_kg_ha"),
            licit_income_usd_ha=column("licit_income_usd_ha"),
            legal_ha=column("legal_ha"),
            route_cost_usd_kg=column("route_cost_usd_kg"),
            migration_cost=migration_costs(network),
            network=network,
        )


def migration_costs(network: Network) -> np.ndarray:
    """Region x region cost of moving a household along the network's edges, US$ (inf: no edge)."""
    n = len(network.G)
    cost = np.full((n, n), np.inf)
    for a, b, usd in network.G.edges(data="cost_usd"):
        cost[a, b] = cost[b, a] = usd
    return cost
