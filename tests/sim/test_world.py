"""The world: region arrays, per-country sums, and migration costs read from the network."""

import math
import random

import numpy as np
import pytest

from model import Scenario
from model.sim.world import World, great_circle_km, migration_costs
from sim.tiny_world import NORTH_A, NORTH_B, SOUTH_A, tiny_scenario


def world(**changes):
    return World.from_scenario(tiny_scenario(**changes), random=random.Random(0))


def test_migration_costs_are_the_network_edges_both_ways_and_infinite_elsewhere():
    cost = world().migration_cost
    assert cost[NORTH_A, NORTH_B] == cost[NORTH_B, NORTH_A] == 1_000
    assert cost[NORTH_B, SOUTH_A] == cost[SOUTH_A, NORTH_B] == 1_200 * 2.0  # crosses the border
    assert np.isinf(cost[NORTH_A, SOUTH_A]) and np.isinf(cost[SOUTH_A, NORTH_A])
    assert np.isinf(np.diag(cost)).all()


def test_the_cross_border_factor_applies_to_border_crossing_edges_only():
    cost = world(world={"cross_border_cost_factor": 3.5}).migration_cost
    assert cost[NORTH_B, SOUTH_A] == pytest.approx(1_200 * 3.5)
    assert cost[NORTH_A, NORTH_B] == 1_000


def test_an_edge_from_a_region_to_itself_is_no_route():
    loop = {"source": "north_a", "target": "north_a", "cost_usd": 10}
    w = world(world={"edges": [loop]})
    assert np.isinf(w.migration_cost).all()
    assert w.network.G.number_of_edges() == 0


def test_costs_are_read_from_the_network_which_is_the_one_source_of_routes():
    w = world()
    assert len(w.network.G) == 3 and w.network.G.number_of_edges() == 2
    w.network.G.edges[NORTH_A, NORTH_B]["cost_usd"] = 7.0
    w.network.G.add_edge(NORTH_A, SOUTH_A, cost_usd=9.0)
    cost = migration_costs(w.network)
    assert cost[NORTH_B, NORTH_A] == 7.0 and cost[SOUTH_A, NORTH_A] == 9.0


def test_the_default_network_charges_more_for_longer_moves():
    w = World.from_scenario(Scenario(world={"countries": ["peru"]}), random=random.Random(0))
    pairs = [(a, b) for a, b in w.network.G.edges if w.country_of[a] == w.country_of[b]]
    assert len(pairs) >= 3
    for a, b in pairs:
        km = great_circle_km(w.lon[a], w.lat[a], w.lon[b], w.lat[b])
        assert w.migration_cost[a, b] == pytest.approx(500.0 + 2.0 * km)


def test_great_circle_distances():
    assert great_circle_km(-75, -5, -75, -5) == 0
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * 6371 / 360)
    assert great_circle_km(10, 0, 10, 90) == pytest.approx(math.pi * 6371 / 2)
    assert great_circle_km(-75, -5, -70, -12) == pytest.approx(great_circle_km(-70, -12, -75, -5))


def test_region_arrays_countries_and_per_country_sums():
    w = world()
    assert w.names == ["north_a", "north_b", "south_a"] and w.countries == ["north", "south"]
    assert w.labels == ["North A", "North B", "South A"]
    assert list(w.country_of) == [0, 0, 1]
    assert list(w.regions_of(0)) == [NORTH_A, NORTH_B] and list(w.regions_of(1)) == [SOUTH_A]
    assert np.allclose(w.by_country(np.array([1.0, 2.0, 5.0])), [3.0, 5.0])
    assert np.allclose(w.initial_coca_ha, [8_000, 5_000, 6_000])
    assert w.region_index("south_a") == SOUTH_A and w.country_index("south") == 1


def test_initial_coca_never_exceeds_the_suitable_land():
    w = world(world={"region_overrides": {"north_b": {"suitable_ha": 2_000}}})
    assert w.initial_coca_ha[NORTH_B] == 2_000 and w.initial_coca_ha[NORTH_A] == 8_000
