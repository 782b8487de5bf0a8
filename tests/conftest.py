import pytest

import model.experiments.worker_start  # noqa: F401  (compiles the model's loops once, before tests start processes)
from model import BalloonModel, Scenario


def small_scenario(**changes) -> Scenario:
    """A quick scenario: 1 simulated household per 100, 1995-2004, in a world held still.

    Demand and yields stay at their first month's values (``hold_dated_inputs``), so every change
    in a test comes from its own policies and events.
    """
    base = {
        "name": "test",
        "start": "1995-01",
        "end": "2004-12",
        "households": {"scale": 0.01},
        "hold_dated_inputs": True,
    }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    return Scenario.model_validate(base)


def eradication(country, hectares_per_year, start="1997-01", end="2001-12", method="manual"):
    """A policy that eradicates in a country between two months, then stops."""
    return {
        "instrument": f"{method}_eradication",
        "country": country,
        "schedule": [{"start": start, "value": hectares_per_year}, {"start": end, "value": 0}],
    }


def run(scenario, seed=None) -> BalloonModel:
    return BalloonModel(scenario, rng=seed).run()


@pytest.fixture
def make_scenario():
    return small_scenario
