"""Imported once by the fork server of local process pools, so that workers start ready.

Importing the model (Mesa, pandas, scipy) and loading its compiled loops from numba's disk cache
take a few seconds together; workers forked from a server that has done both start in
milliseconds. The warm-up runs a tiny world through every compiled loop (the test suite calls
it first, so that the loops are compiled once, before any test starts other processes).
"""

from __future__ import annotations

import numpy as np

from model.experiments import runner  # noqa: F401  (what the workers run)
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel


def load_compiled_loops() -> None:
    """Run two years of a tiny world in which every compiled loop has work to do."""
    sprayed = {"instrument": "aerial_eradication", "country": "colombia",
               "schedule": [{"start": "1990-02", "value": 200_000}]}  # fmt: skip
    scenario = Scenario(end="1991-12", households={"scale": 0.002}, policies=[sprayed])
    model = BalloonModel(scenario).run()
    # Two years of a tiny world rarely run out of slots or see households come and go: a
    # re-layout into new memory then one within it, entry and exit compile their loops too.
    hh = model.households
    hh.make_room(hh.lengths)
    room = hh.start[1:] - hh.fill
    hh.make_room(np.where(np.arange(hh.n_regions) == 0, room + 1, 0))  # smaller: in place
    everywhere = np.ones(hh.n_regions)
    many = np.full(hh.n_regions, 2**32 - 1, np.uint32)  # the top draw: many newcomers
    hh.enter(everywhere, np.full(hh.n_regions, 1e9), everywhere > 0, many)
    hh.leave(-everywhere, np.zeros(hh.capacity, np.uint32))  # newcomers have no coca yet


load_compiled_loops()
