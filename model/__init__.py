"""An agent-based model of the coca balloon effect.

This module is the package's public face: notebooks, the README and scripts import from here
(``from model import BalloonModel, load_scenario, compare``), not from the modules below it.

The model and its scenario are imported with the package. Everything else (experiments, figures,
calibration, tuning, the dashboard) is imported on first use, so that ``import model`` loads
neither matplotlib nor the dashboard's Solara, and the subpackages can import ``model`` without a
cycle. A few names differ from the ones in their module, so that they read well out of it: every
figure is ``plot_*``, and ``HEADLINE_METRICS``, ``TUNING_*``, ``describe_column``,
``observed_*`` and ``calibration_report_markdown`` say what they are.
"""

from importlib import import_module

from model.scenario.loading import (
    SCENARIOS_DIR,
    ScenarioError,
    find_scenario,
    load_scenario,
    shipped_name,
    shipped_scenarios,
)
from model.scenario.schema import Scenario
from model.sim.model import BalloonModel, run_scenario

__version__ = "0.1.0"

# Name in the public face -> (module, name in that module), imported on first use.
_ON_FIRST_USE = {
    # Runs and their folders
    "run_replications": ("model.experiments.runner", "run_replications"),
    "Results": ("model.experiments.runner", "Results"),
    "write_results": ("model.experiments.results", "write_results"),
    "load_results": ("model.experiments.results", "load_results"),
    "describe_column": ("model.columns", "describe"),
    # Policy against counterfactual
    "compare": ("model.experiments.compare", "compare"),
    "Comparison": ("model.experiments.compare", "Comparison"),
    "write_comparison": ("model.experiments.compare", "write_comparison"),
    "load_comparison": ("model.experiments.compare", "load_comparison"),
    "HEADLINE_METRICS": ("model.experiments.compare", "HEADLINE"),
    "pressure_months": ("model.experiments.pressure", "pressure_months"),
    "pressure_spans": ("model.experiments.pressure", "pressure_spans"),
    # Sweeps and sensitivity
    "scenario_parameters": ("model.experiments.sweep", "scenario_parameters"),
    "run_sweep": ("model.experiments.sweep", "run_sweep"),
    "scenario_sensitivity": ("model.experiments.sensitivity", "scenario_sensitivity"),
    # Exploratory modelling: scenario discovery and the EMA workbench (needs the explore extra)
    "run_discovery": ("model.experiments.discover", "run_discovery"),
    "Discovery": ("model.experiments.discover", "Discovery"),
    "write_discovery": ("model.experiments.discover_report", "write_discovery"),
    "discovery_summary": ("model.experiments.discover_report", "summary_markdown"),
    "box_sentence": ("model.experiments.discover_report", "box_sentence"),
    "boxes_table": ("model.experiments.discover_report", "boxes_table"),
    "find_boxes": ("model.experiments.prim_boxes", "find_boxes"),
    "ema_model": ("model.experiments.ema", "ema_model"),
    # History, its posterior and calibration
    "observed_targets": ("model.experiments.targets", "observed"),
    "observed_cultivation": ("model.experiments.observed", "cultivation"),
    "observed_eradication": ("model.experiments.observed", "eradication"),
    "Posterior": ("model.experiments.posterior", "Posterior"),
    "scenario_posterior": ("model.experiments.posterior", "scenario_posterior"),
    "predictive": ("model.experiments.history_fit", "predictive"),
    "fit_summary": ("model.experiments.history_fit", "fit_summary"),
    "calibrate": ("model.experiments.calibration", "calibrate"),
    "calibration_report_markdown": ("model.experiments.calibration", "report_markdown"),
    # Tuning (the tuning notebook)
    "TUNING_WINDOW": ("model.experiments.tuning", "WINDOW"),
    "TUNING_SCALE": ("model.experiments.tuning", "SCALE"),
    "TUNING_KNOBS": ("model.experiments.tuning", "KNOBS"),
    "ERADICATION_METHODS": ("model.experiments.tuning", "METHODS"),
    "Tuning": ("model.experiments.tuning", "Tuning"),
    "TuningSession": ("model.experiments.tuning_session", "TuningSession"),
    "knob_values": ("model.experiments.tuning", "knob_values"),
    "scenario_countries": ("model.experiments.tuning", "scenario_countries"),
    "save_tuned": ("model.experiments.tuned_scenario", "save_tuned"),
    # Figures (matplotlib); each returns a figure or the path it saved
    "plot_hectares_by_country": ("model.figures.countries", "hectares_by_country"),
    "plot_policy_vs_counterfactual": ("model.figures.comparison", "policy_vs_counterfactual"),
    "plot_effect_intervals": ("model.figures.comparison", "effect_intervals"),
    "plot_prices": ("model.figures.countries", "prices"),
    "plot_trafficker_sourcing": ("model.figures.countries", "trafficker_sourcing"),
    "plot_region_heatmap": ("model.figures.regions", "region_heatmap"),
    "plot_shift_map": ("model.figures.regions", "shift_map"),
    "plot_indices": ("model.figures.sweeps", "plot_indices"),
    "plot_sweep": ("model.figures.sweeps", "plot_sweep"),
    "plot_prim_tradeoff": ("model.figures.discovery", "prim_tradeoff"),
    "plot_prim_boxes": ("model.figures.discovery", "prim_boxes"),
    "plot_posterior_predictive": ("model.figures.posterior", "plot_posterior_predictive"),
    "plot_regional_predictive": ("model.figures.posterior", "plot_regional_predictive"),
    "plot_posterior_marginals": ("model.figures.posterior", "plot_posterior_marginals"),
    "region_coordinates": ("model.figures.regions", "region_coordinates"),
    "summary_markdown": ("model.figures.tables", "summary_markdown"),
    "save_figure": ("model.figures.saving", "save_figure"),
    # The live dashboard (needs the dashboard extra)
    "DashboardModel": ("model.dashboard.app", "DashboardModel"),
    "make_page": ("model.dashboard.app", "make_page"),
}

__all__ = [
    "SCENARIOS_DIR",
    "BalloonModel",
    "Scenario",
    "ScenarioError",
    "find_scenario",
    "load_scenario",
    "run_scenario",
    "shipped_name",
    "shipped_scenarios",
    *_ON_FIRST_USE,
]


def __getattr__(name: str):
    """Import a public name on first use (PEP 562) and keep it in the module."""
    try:
        module, attribute = _ON_FIRST_USE[name]
    except KeyError:
        raise AttributeError(f"module 'model' has no attribute {name!r}") from None
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
