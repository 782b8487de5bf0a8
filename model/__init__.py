"""An agent-based model of the coca balloon effect."""

from model.loading import load_scenario
from model.model import BalloonModel, run_scenario
from model.scenario import Scenario

__all__ = ["BalloonModel", "Scenario", "load_scenario", "run_scenario"]
__version__ = "0.1.0"
