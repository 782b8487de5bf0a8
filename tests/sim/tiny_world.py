"""A hand-built world of three regions in two countries, for the actors' unit tests.

north_a (easy to reach) and north_b (remote) are in country ``north``, south_a in ``south``;
edges run north_a - north_b - south_a. One trafficking organisation buys everywhere; no armed
group unless a test adds one. Two years, a few thousand simulated households: built in
milliseconds.
"""

from conftest import small_scenario

from model import BalloonModel, Scenario

NAMES = ["north_a", "north_b", "south_a"]
COUNTRIES = ["north", "south"]
NORTH_A, NORTH_B, SOUTH_A = range(3)


def region(name, country, **values):
    return {"name": name, "country": country, "lon": -75.0, "lat": -5.0,
            "suitable_ha": 30_000, "initial_coca_ha": 6_000, **values}  # fmt: skip


REGIONS = [
    region("north_a", "north", lon=-75.0, lat=-5.0, initial_coca_ha=8_000, accessibility=0.8,
           state_presence=0.7),
    region("north_b", "north", lon=-74.0, lat=-6.0, initial_coca_ha=5_000, accessibility=0.3,
           state_presence=0.2),
    region("south_a", "south", lon=-70.0, lat=-12.0, initial_coca_ha=6_000, accessibility=0.5,
           state_presence=0.5),
]  # fmt: skip
EDGES = [
    {"source": "north_a", "target": "north_b", "cost_usd": 1_000},
    {"source": "north_b", "target": "south_a", "cost_usd": 1_200},
]


def tiny_scenario(**changes) -> Scenario:
    """The tiny world, 2000-2001, one buyer everywhere, no armed groups; ``changes`` on top."""
    base = {
        "start": "2000-01",
        "end": "2001-12",
        "households": {"scale": 0.01},
        "world": {"regions": REGIONS, "edges": EDGES},
        "traffickers": {"organisations": [{"name": "cartel", "regions": NAMES}]},
        "armed_groups": {"groups": []},
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return small_scenario(**base)


def tiny_model(seed: int = 1, **changes) -> BalloonModel:
    """A BalloonModel of the tiny world, built (at its start equilibrium) but not run."""
    return BalloonModel(tiny_scenario(**changes), rng=seed)
