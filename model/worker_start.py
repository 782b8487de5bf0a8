"""Imported once by the fork server of local process pools, so that workers start ready.

Importing the model (Mesa, pandas, scipy) and loading its compiled loops from numba's disk cache
take a few seconds together; workers forked from a server that has done both start in
milliseconds. The warm-up runs one month of a tiny world, which touches every compiled loop a
month uses.
"""

from __future__ import annotations

from model import runner  # noqa: F401  (what the workers run)
from model.model import BalloonModel
from model.scenario import Scenario


def load_compiled_loops() -> None:
    """Run one month of a tiny world with every mechanism on."""
    policy = {"instrument": "manual_eradication", "country": "colombia",
              "schedule": [{"start": "1990-01", "value": 50_000}]}  # fmt: skip
    scenario = Scenario(end="1990-01", households={"scale": 0.001}, policies=[policy])
    BalloonModel(scenario).run()


load_compiled_loops()
