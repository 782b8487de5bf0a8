"""An agent-based model of the coca balloon effect."""

from model.scenario.loading import load_scenario
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel, run_scenario

__all__ = ["BalloonModel", "Scenario", "load_scenario", "run_scenario"]
__version__ = "0.1.0"
