"""Imported once by the fork server of local process pools, so that workers start ready.

Importing the model (Mesa, pandas, scipy) and loading its compiled loops from numba's disk cache
take a few seconds together; workers forked from a server that has done both start in
milliseconds. The warm-up runs a tiny world through every compiled loop (the test suite calls
it first, so that the loops are compiled once, before any test starts other processes).
"""

from __future__ import annotations

from model.experiments import runner  # noqa: F401  (what the workers run)
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel


def load_compiled_loops() -> None:
    """Run two years of a tiny world in which every compiled loop has work to do."""
    sprayed = {"instrument": "aerial_eradication", "country": "colombia",
               "schedule": [{"start": "1990-02", "value": 200_000}]}  # fmt: skip
    scenario = Scenario(end="1991-12", households={"scale": 0.002}, policies=[sprayed])
    model = BalloonModel(scenario).run()
    # Two years of a tiny world rarely run out of slots: a re-layout compiles its loop too.
    model.households.make_room(model.households.lengths)


load_compiled_loops()
